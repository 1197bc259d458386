"""Keeping the store in step with the account: the refresh, as a worker posting messages.

A refresh lists the groups, then the schedules page by page, then fetches the definitions
that changed (visible rows first), and the group tags. It runs in one Textual thread worker
(``exclusive``: a refresh started after a write replaces the one in flight). The worker
writes what it lists into the store's columns itself (under their lock: at a million
schedules the UI thread must not pay for each page) and posts typed messages
(``SyncMessage``) saying what changed; the app hands each to ``AccountSync.apply`` on the
main thread, which updates the rest of the store and the screens. A superseded refresh's
messages are dropped (each carries its refresh's number). A worker works on the session it
started with: after a context switch (``switch``) it can never read or write the new one.

A listing that fails midway is reported as partial: the rows listed stay (nothing is dropped
that was not seen gone), their definitions still load, and the next refresh lists again.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from textual.app import App
from textual.message import Message
from textual.worker import get_current_worker

from schedtui.aws.errors import AwsError
from schedtui.aws.session import CallerIdentity
from schedtui.core.schedules.group import ScheduleGroup
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
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
_WARM_SORTS = ("name", "next", "group")
_DETAILS_CHUNK = 500
_DETAILS_BATCH = 200


_FROZEN = [0]  # the store's size at the last gc.freeze (one process, one collector)
_FREEZE_FROM = 50_000


def keep_out_of_collections(rows: int) -> None:
    """Move what exists now out of the garbage collector's full collections (``gc.freeze``)
    once a listing has grown the store to twice its size at the last freeze.

    The columns are a few lists of a million strings each: a full collection visits every
    string (a cache miss each) and took ~190 ms at a million; frozen, they are never
    visited again, however they grow. A freeze also keeps whatever cyclic garbage exists at
    that moment: doubling bounds the freezes, and so that, to a few per session."""
    if rows >= _FREEZE_FROM and rows >= 2 * _FROZEN[0]:
        gc.freeze()
        _FROZEN[0] = rows


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
    """Rows are in the columns: listed (a page), or ``definitions`` (their cells changed)."""

    count: int
    definitions: bool = False


@dataclass
class ListingDone(SyncMessage):
    listing: int  # the listing's number (``ScheduleColumns.begin_listing``)
    count: int
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
    repaint: bool = False
    deep_link: bool = True
    empty_note: bool = False  # a switched context: say so if it holds no schedule


@dataclass
class AccountSync:
    app: App[Any]
    session: Session
    refreshing: bool = False  # a refresh is in flight
    generation: int = 0
    _moving_on: bool = False  # the clock's worker is finding the rows whose run passed
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
        columns = session.store.columns
        listing = columns.begin_listing()
        count = 0
        failure: AwsError | None = None
        unreadable: list[str] = []
        try:
            for page in backend.scheduler.iter_schedule_pages(unreadable=unreadable):
                if worker.is_cancelled or stop.is_set():
                    return
                ids = columns.put_listed(page, listing)
                backend.details.preload(page)  # the cache file's definitions, still fresh
                # Rows whose definition is already known (a refresh, the cache file) get
                # their next run.
                columns.settle_next_runs(ids, session.now())
                count = columns.seen(listing)  # a page may repeat an ARN: counted once
                post(RowsArrived(generation, len(page)))
        except AwsError as error:
            failure = error
        seconds = time.monotonic() - started
        post(ListingDone(generation, listing, count, seconds, failure, unreadable))
        self._tags(session, generation, groups, post)
        self._definitions(session, generation, stop, post)
        if count > _COALESCE_ABOVE and not stop.is_set():
            # The sorts an operator reaches for, ready before the key (a first sort of a
            # million names takes ~0.5 s; from a kept order, a fraction of that).
            session.store.orders.warm(_WARM_SORTS)
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
        self, session: Session, generation: int, stop: threading.Event, post: Any
    ) -> None:
        """Fetch the definitions the listed rows lack, the rows on screen first. The cache
        writes each into the columns as it arrives; here their next runs are settled and
        the screen told, in batches."""
        details = session.backend.details
        columns = session.store.columns
        visible: list[str] = self.app.call_from_thread(self._visible_keys)
        first = [row for key in visible if (row := columns.live_id(key)) is not None]
        with columns.lock:
            alive, detailed = bytes(columns.alive), bytes(columns.detailed)
        wanted = set(first)
        order = [row for row in first if not detailed[row]]
        order += [
            row
            for row, (live, known) in enumerate(zip(alive, detailed, strict=True))
            if live and not known and row not in wanted
        ]
        lock = threading.Lock()
        batch: list[int] = []
        last_flush = [time.monotonic()]

        def flush() -> None:
            with lock:
                ready, batch[:] = list(batch), []
                last_flush[0] = time.monotonic()
            if ready:  # their runs were settled as each was stored (DetailsCache.store)
                post(RowsArrived(generation, len(ready), definitions=True))

        def arrived(summary: ScheduleSummary, outcome: object) -> None:
            row = columns.id_of(summary.arn)
            if isinstance(outcome, Schedule) and row is not None:
                with lock:
                    batch.append(row)
                    due = len(batch) >= _DETAILS_BATCH or time.monotonic() - last_flush[0] > 0.3
                if due:
                    flush()

        # In chunks: summaries for 100,000 stale schedules at once would hold ~190 MB for
        # the minutes the whole fetch takes.
        for start in range(0, len(order), _DETAILS_CHUNK):
            if stop.is_set():
                break
            chunk = [columns.summary(row) for row in order[start : start + _DETAILS_CHUNK]]
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
                if message.definitions and self._cells_only():
                    self._soon("repaint", self._repaint_now)
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
        screen = self._screen()
        return (
            isinstance(screen, TableScreen)
            and screen.table_ready
            and screen.details_change_nothing_but_cells()
        )

    def _repaint_now(self) -> None:
        """Definitions arrived: repaint the rows on screen (the view's membership cannot
        change), instead of rebuilding a 100,000-row list for every batch."""
        self._pending.repaint = False
        screen = self._screen()
        if isinstance(screen, TableScreen) and screen.table_ready:
            screen.table.repaint()
            screen.reload_status()

    def _listing_done(self, message: ListingDone) -> None:
        store = self.session.store
        if message.failure is None:
            gone = store.columns.end_listing(message.listing)
            self.session.backend.details.listing_done(gone)
            store.listed = True
            store.partial = None
            count = message.count
            show_state(
                self.app, f"listed {count:,} schedules in {message.seconds:.1f} s; loading details…"
            )
            keep_out_of_collections(len(store.columns))
            if self._pending.empty_note:
                self._pending.empty_note = False
                if not count:
                    header = self.session.header
                    self.app.notify(f"No schedules in {header.region} (account {header.account})")
        else:
            # Nothing is dropped: what was not listed this time may well still exist.
            store.partial = printable(str(message.failure))
            store.partial_count = message.count
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
        if len(self.session.store) > _COALESCE_ABOVE:
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
        if self.session.store.columns.due(now) and not self._moving_on:
            # Read now, not when the worker runs: a switch meanwhile must drop these rows.
            self._moving_on = True
            generation, session = self.generation, self.session
            self.app.run_worker(
                lambda: self._moved_on(session, generation, now), thread=True, group="clock"
            )
        screen = self._screen()
        if isinstance(screen, AppScreen):
            screen.clock_moved(now)

    def _moved_on(self, session: Session, generation: int, now: datetime) -> None:
        """Rows whose next run has passed move on to the following one (off the UI thread:
        at a million rows finding them is a scan)."""
        columns = session.store.columns
        try:
            passed = columns.passed(now)
            columns.settle_next_runs(passed, now)
        finally:
            self._moving_on = False  # a plain flag: the next tick may start another
        if passed:
            self.app.post_message(RowsArrived(generation, len(passed), definitions=True))
