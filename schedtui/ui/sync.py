"""Keeping the store in step with the account: the refresh, as a worker posting messages.

A refresh lists the groups, then the schedules page by page, then fetches the definitions
that changed (visible rows first), and the group tags. It runs in one Textual thread worker
(``exclusive``: a refresh started after a write replaces the one in flight) that posts typed
messages (``SyncMessage``); the app hands each to ``AccountSync.apply`` on the main thread,
the only thread that changes the store. A superseded refresh's messages are dropped (each
carries its refresh's number). A worker works on the session it started with: after a
context switch (``switch``) it can never read or write the new one.

A listing that fails midway is reported as partial: the rows listed stay (nothing is dropped
that was not seen gone), their definitions still load, and the next refresh lists again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from textual.app import App
from textual.message import Message
from textual.worker import get_current_worker

from schedtui.aws.errors import AwsError
from schedtui.aws.session import CallerIdentity
from schedtui.core.expressions.runs import NextRunCache
from schedtui.core.schedules.group import ScheduleGroup
from schedtui.core.schedules.rows import ScheduleDigest, ScheduleRow, build_row
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.schedules.store import schedule_table_row, summary_of
from schedtui.core.table import TableRow
from schedtui.core.text import printable
from schedtui.ui.heartbeat import Beat
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.table_screen import TableScreen
from schedtui.ui.session import Session, show_state
from schedtui.ui.widgets.virtual_table import VirtualTable

# Above this many schedules, list updates are batched at most every _COALESCE_SECONDS.
_COALESCE_ABOVE = 5_000
_COALESCE_SECONDS = 0.5
_DETAILS_CHUNK = 500
_DETAILS_BATCH = 200

Rows = list[tuple[ScheduleRow, TableRow]]


@dataclass
class SyncMessage(Message):
    """Something a refresh learnt; ``generation`` is the refresh it belongs to."""

    generation: int


@dataclass
class IdentityKnown(SyncMessage):
    identity: CallerIdentity
    region: str
    endpoint: str | None


@dataclass
class GroupsListed(SyncMessage):
    groups: list[ScheduleGroup]


@dataclass
class RowsArrived(SyncMessage):
    rows: Rows
    definitions: bool = False  # the rows carry definitions (not just a listed page)


@dataclass
class ListingDone(SyncMessage):
    seen: set[str]
    seconds: float
    failure: AwsError | None  # the listing stopped midway: the rows seen are all there is
    unreadable: list[str] = field(default_factory=list)  # entries left out, one line each


@dataclass
class TagsArrived(SyncMessage):
    tags: dict[str, dict[str, str]]


@dataclass
class RefreshDone(SyncMessage):
    failure: AwsError | None = None  # of the listing; None: everything listed


@dataclass
class RefreshFailed(SyncMessage):
    error: AwsError  # before a single schedule was listed


@dataclass
class _Pending:
    reload: bool = False
    status: bool = False
    deep_link: bool = True
    empty_note: bool = False  # a switched context: say so if it holds no schedule


@dataclass
class AccountSync:
    app: App[Any]
    session: Session
    refreshing: bool = False  # a refresh is in flight
    generation: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _pending: _Pending = field(default_factory=_Pending)

    def __post_init__(self) -> None:
        options = self.session.options
        self.refresh_beat = Beat(options.refresh_seconds, self.refresh, lambda: self.refreshing)
        self.clock_beat = Beat(options.clock_seconds, self.clock_tick)

    # -- starting a refresh ---------------------------------------------------------------------

    def refresh(self, *, supersede: bool = False) -> None:
        """List again; ``supersede`` (after a write): replace a refresh in flight, else the
        one in flight will do."""
        if self.refreshing and not supersede:
            return
        self.refreshing = True
        self.refresh_beat.ran()
        self.generation += 1
        self._stop.set()  # a new listing supersedes the definitions still being fetched
        self._stop = threading.Event()
        self.session.store.loading = True
        show_state(self.app, "refreshing…", "dim")
        generation, stop, session = self.generation, self._stop, self.session
        self.app.run_worker(
            lambda: self._run(generation, stop, session),
            thread=True,
            exclusive=True,
            group="refresh",
            name="refresh",
        )

    def switch(self, session: Session) -> None:
        """Another profile or region (ui/context_switch.py): list it now; what the old
        session's refresh still posts is dropped (its generation is over)."""
        self.session = session
        self._pending.deep_link = False  # the link named the old context's schedule
        self._pending.empty_note = True
        self.refresh(supersede=True)

    # -- the worker -----------------------------------------------------------------------------

    def _run(self, generation: int, stop: threading.Event, session: Session) -> None:
        worker = get_current_worker()

        def post(message: SyncMessage) -> None:
            if not worker.is_cancelled and not stop.is_set():
                self.app.post_message(message)

        backend = session.backend
        started = time.monotonic()
        self._identity(session, generation, post)
        try:
            groups = backend.scheduler.list_groups()
        except AwsError as error:
            post(RefreshFailed(generation, error))
            return
        post(GroupsListed(generation, groups))
        seen: set[str] = set()
        listed: dict[str, ScheduleRow] = {}  # the rows posted (the store's own objects)
        failure: AwsError | None = None
        unreadable: list[str] = []
        try:
            for page in backend.scheduler.iter_schedule_pages(unreadable=unreadable):
                if worker.is_cancelled or stop.is_set():
                    return
                seen.update(summary.arn for summary in page)
                backend.details.preload(page)  # the cache file's definitions, still fresh
                pairs = ((summary, backend.details.digest(summary)) for summary in page)
                rows = self.rows(pairs)
                listed.update((row.arn, row) for row, _ in rows)
                post(RowsArrived(generation, rows))
        except AwsError as error:
            failure = error
        post(ListingDone(generation, seen, time.monotonic() - started, failure, unreadable))
        self._tags(session, generation, groups, post)
        self._definitions(session, generation, stop, post, listed)
        post(RefreshDone(generation, failure))

    def _identity(self, session: Session, generation: int, post: Any) -> None:
        """Retried by every refresh until it answers: the header recovers when an endpoint
        that was down comes back."""
        if session.header.caller_arn != "…":
            return
        clients = session.backend.clients
        try:
            identity = clients.caller_identity()
            post(IdentityKnown(generation, identity, clients.region, clients.endpoint_overridden))
        except AwsError:
            return  # the listing that follows reports the failure

    def rows(self, pairs: Iterable[tuple[ScheduleSummary, ScheduleDigest | None]]) -> Rows:
        """Rows and their cells, all computed against one instant (one clock read; every
        session shares the app's clock)."""
        cache = NextRunCache(self.session.now())
        rows = [build_row(summary, digest, cache) for summary, digest in pairs]
        return [(row, schedule_table_row(row)) for row in rows]

    def _tags(
        self, session: Session, generation: int, groups: Sequence[ScheduleGroup], post: Any
    ) -> None:
        tags = {}
        for group in groups:
            if group.arn:
                try:
                    tags[group.arn] = session.backend.scheduler.group_tags(group.arn)
                except AwsError:
                    continue  # tags are a nicety; the list must not fail for them
        post(TagsArrived(generation, tags))

    def _definitions(
        self,
        session: Session,
        generation: int,
        stop: threading.Event,
        post: Any,
        listed: dict[str, ScheduleRow],
    ) -> None:
        details = session.backend.details
        visible: list[str] = self.app.call_from_thread(self._visible_keys)
        # A copy taken on the UI thread (the summaries are rebuilt here, off it), and what
        # this refresh listed: a call_from_thread can run before the RowsArrived still queued
        # for the app (seen after a context switch, while the new screens were composed),
        # and a row missed here would wait a whole refresh for its definition.
        stored: dict[str, ScheduleRow] = self.app.call_from_thread(lambda: dict(session.store.rows))
        rows = {**stored, **listed}
        first = [key for key in visible if key in rows]
        seen_first = set(first)
        order = [*first, *(key for key in rows if key not in seen_first)]
        lock = threading.Lock()
        batch: list[tuple[ScheduleSummary, Schedule]] = []
        last_flush = [time.monotonic()]

        def flush() -> None:
            with lock:
                ready, batch[:] = list(batch), []
                last_flush[0] = time.monotonic()
            if ready:
                # The digest the cache just stored (it shares the row's strings), not a copy.
                pairs = (
                    (summary, details.digest(summary) or ScheduleDigest.of(schedule))
                    for summary, schedule in ready
                )
                post(RowsArrived(generation, self.rows(pairs), definitions=True))

        def arrived(summary: ScheduleSummary, outcome: object) -> None:
            if isinstance(outcome, Schedule):
                with lock:
                    batch.append((summary, outcome))
                    due = len(batch) >= _DETAILS_BATCH or time.monotonic() - last_flush[0] > 0.3
                if due:
                    flush()

        # In chunks: summaries for 100,000 stale schedules at once would hold ~190 MB for
        # the minutes the whole fetch takes.
        for start in range(0, len(order), _DETAILS_CHUNK):
            if stop.is_set():
                break
            keys = order[start : start + _DETAILS_CHUNK]
            chunk = [summary_of(rows[key]) for key in keys]
            # A definition read since the listing (the detail view opened it first) is fresh
            # in the cache, so it is not fetched again: its row still needs it.
            cached = [
                (summary, digest)
                for summary in chunk
                if not rows[summary.arn].detailed and (digest := details.digest(summary))
            ]
            if cached:
                post(RowsArrived(generation, self.rows(cached), definitions=True))
            details.fetch(details.stale(chunk), on_each=arrived, stop=stop)
        flush()

    def _visible_keys(self) -> list[str]:
        screen = self.app.screen
        if isinstance(screen, TableScreen) and screen.table_ready:
            return screen.table.visible_keys()
        return []

    # -- on the main thread ---------------------------------------------------------------------

    def apply(self, message: SyncMessage) -> None:
        """What a refresh learnt, into the store (main thread only)."""
        if message.generation != self.generation:
            return  # a superseded refresh
        store = self.session.store
        match message:
            case IdentityKnown():
                self.session.identified(message.identity, message.region, message.endpoint)
                show_state(self.app)
            case GroupsListed():
                store.groups = {group.name: group for group in message.groups}
            case TagsArrived():
                store.group_tags.update(message.tags)
            case RowsArrived():
                store.put_rows(message.rows)
                if message.definitions and self._cells_only():
                    self._repaint(message.rows)
                    return
            case ListingDone():
                self._listing_done(message)
            case RefreshDone():
                self._done(message.failure)
            case RefreshFailed():
                self.refreshing = False
                store.loading = False
                self.app.show_error(message.error)  # type: ignore[attr-defined]
        self.reload_lists()

    def _cells_only(self) -> bool:
        screen = self.app.screen
        return (
            isinstance(screen, TableScreen)
            and screen.table_ready
            and screen.details_change_nothing_but_cells()
        )

    def _repaint(self, rows: Rows) -> None:
        """Definitions arrived: repaint those rows in place (the view's membership cannot
        change), instead of rebuilding a 100,000-row list for every batch."""
        screen = self.app.screen
        assert isinstance(screen, TableScreen)
        screen.table.update_rows(table_row for _, table_row in rows)
        self._soon("status", self._status_now)

    def _listing_done(self, message: ListingDone) -> None:
        store = self.session.store
        if message.failure is None:
            store.keep_only(message.seen)
            self.session.backend.details.retain(message.seen)
            store.listed = True
            store.partial = None
            count = len(message.seen)
            show_state(
                self.app, f"listed {count:,} schedules in {message.seconds:.1f} s; loading details…"
            )
            if self._pending.empty_note:
                self._pending.empty_note = False
                if not count:
                    header = self.session.header
                    self.app.notify(f"No schedules in {header.region} (account {header.account})")
        else:
            # Nothing is dropped: what was not listed this time may well still exist.
            store.partial = printable(str(message.failure))
            store.partial_count = len(message.seen)
            self.app.show_error(message.failure)  # type: ignore[attr-defined]
        if message.unreadable:
            self.session.error_log.extend(message.unreadable)
            more = len(message.unreadable) - 1
            self.app.notify(
                message.unreadable[0] + (f" (and {more} more)" if more else ""),
                title="ListSchedules",
                severity="warning",
                timeout=15,
            )
        self._open_deep_link()

    def _done(self, failure: AwsError | None) -> None:
        self.refreshing = False
        store = self.session.store
        store.loading = False
        if failure is None:
            store.last_error = None
            store.last_refreshed = self.session.now()
            show_state(self.app, f"refreshed {store.last_refreshed:%H:%M:%S}Z", "")
        screen = self._screen()
        if isinstance(screen, TableScreen) and store.failures.partial:
            screen.fetch_failures()  # every definition is in now: every DLQ can be asked

    def _open_deep_link(self) -> None:
        wanted = self.session.options.schedule
        if not self._pending.deep_link or not wanted:
            return
        self._pending.deep_link = False
        group, _, name = wanted.partition("/")
        summary = self.session.store.find(group, name)
        if summary is not None:
            self.app.push_screen(DetailScreen(summary))
        else:
            self.app.notify(f"No schedule {wanted}", severity="warning")

    # -- repainting, coalesced ------------------------------------------------------------------

    def reload_lists(self) -> None:
        """Show the store's new rows; coalesced, because while 100,000 schedules stream in,
        rebuilding the visible list for every page would keep the UI thread busy."""
        if len(self.session.store.rows) > _COALESCE_ABOVE:
            self._soon("reload", self._reload_now)
        elif not self._pending.reload:
            self._pending.reload = True
            self.app.call_later(self._reload_now)

    def _soon(self, what: str, then: Any) -> None:
        if getattr(self._pending, what):
            return
        setattr(self._pending, what, True)
        self.app.set_timer(_COALESCE_SECONDS, then)

    def _reload_now(self) -> None:
        self._pending.reload = False
        screen = self._screen()
        if isinstance(screen, TableScreen):
            screen.reload()

    def _status_now(self) -> None:
        self._pending.status = False
        screen = self._screen()
        if isinstance(screen, TableScreen):
            screen.reload_status()

    def _screen(self) -> object:
        """The current screen; None while quitting (the screens go before the timers)."""
        return self.app.screen if self.app.screen_stack else None

    # -- the clock ------------------------------------------------------------------------------

    def clock_tick(self) -> None:
        """Relative times re-render on screen; rows whose next run has passed move on to the
        following one; the current screen re-shows what depends on the time."""
        now: datetime = self.session.now()
        for screen in self.app.screen_stack:
            for table in screen.query(VirtualTable):
                table.set_now(now)
        passed = [
            row for row in self.session.store.rows.values() if row.next_run and row.next_run <= now
        ]
        if passed:
            # Read now, not when the worker runs: a switch meanwhile must drop these rows.
            generation, session = self.generation, self.session
            self.app.run_worker(
                lambda: self._moved_on(session, generation, passed), thread=True, group="clock"
            )
        screen = self._screen()
        if isinstance(screen, AppScreen):
            screen.clock_moved(now)

    def _moved_on(self, session: Session, generation: int, passed: list[ScheduleRow]) -> None:
        details = session.backend.details
        summaries = [summary_of(row) for row in passed]
        rows = self.rows((summary, details.digest(summary)) for summary in summaries)
        self.app.post_message(RowsArrived(generation, rows, definitions=True))
