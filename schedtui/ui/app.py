"""The Textual app: screens, global keys, the refresh and the toggle flow.

The UI never waits for the API: every AWS call runs in a thread worker and hands its result
to the main thread. What keeps the views live is one heartbeat (see ``ui/heartbeat.py``): the
account refresh, the current screen's own re-reads and the clock that re-renders relative
times are beats it runs when due, never two of one kind at once, and never while a form,
dialog or the filter is open.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.worker import get_current_worker

from schedtui.aws.backend import Backend
from schedtui.aws.errors import AwsError, ReadOnlyError
from schedtui.core.changes.warnings import REANCHOR_WORD, change_warnings
from schedtui.core.expressions.runs import NextRunCache
from schedtui.core.schedules.group import ScheduleGroup
from schedtui.core.schedules.rows import ScheduleDigest, ScheduleRow, build_row
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.text import printable
from schedtui.ui.crash import crash_summary, write_crash_report
from schedtui.ui.heartbeat import HEARTBEAT_SECONDS, Beat, LiveScreen
from schedtui.ui.keys import MUTATING_KEYS
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.dialogs import (
    CommandPrompt,
    ConfirmScreen,
    HelpScreen,
    ResultLine,
    results_screen,
)
from schedtui.ui.screens.lists import GroupsScreen, TableScreen
from schedtui.ui.store import AccountStore, schedule_table_row, summary_of
from schedtui.ui.themes import choose_theme, load_themes
from schedtui.ui.widgets.status_header import HeaderInfo, StatusHeader
from schedtui.ui.widgets.virtual_table import TableRow, VirtualTable

COMMANDS = {
    "groups": "Show schedule groups",
    "schedules": "Show schedules (optionally of one group: schedules GROUP)",
    "monitor": "Monitoring panel",
    "dlq": "Dead-letter queues",
    "help": "Keys for this screen",
    "q": "Quit",
}
ALIASES = {
    "g": "groups",
    "gr": "groups",
    "s": "schedules",
    "sc": "schedules",
    "quit": "q",
    "m": "monitor",
    "mon": "monitor",
    "?": "help",
}


# Above this many schedules, list updates are batched at most every _COALESCE_SECONDS.
_COALESCE_ABOVE = 5_000
_COALESCE_SECONDS = 0.5
_DETAILS_CHUNK = 500


@dataclass(frozen=True)
class AppOptions:
    refresh_seconds: float = 30.0
    monitor_refresh_seconds: float = 60.0
    # Relative times ("in 5m") re-render, and next runs that have passed move on, this often,
    # even with the refresh off.
    clock_seconds: float = 30.0
    group: str | None = None  # deep link: open this group's schedules
    schedule: str | None = None  # deep link: GROUP/NAME
    theme: str | None = None
    demo: bool = False
    clock: Callable[[], datetime] | None = None  # fixed clock for screenshots and tests


class CommandsProvider(Provider):
    """The same commands as the `:` command line, in the palette."""

    async def search(self, query: str) -> Hits:
        app = self.app
        assert isinstance(app, SchedtuiApp)
        matcher = self.matcher(query)
        for command, help_text in COMMANDS.items():
            score = matcher.match(command)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command),
                    lambda c=command: app.run_command(c),
                    help=help_text,
                )
        for group in sorted(app.store.groups):
            text = f"schedules {group}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    lambda t=text: app.run_command(t),
                    help="Show this group's schedules",
                )


class SchedtuiApp(App[None]):
    TITLE = "schedtui"
    COMMANDS = App.COMMANDS | {CommandsProvider}
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("colon", "command_line", "Command", id="app.command"),
        Binding("q", "back", "Back/Quit", id="app.back"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
        Binding("r", "refresh", "Refresh", id="app.refresh"),
        Binding("m", "monitor", "Monitor", id="app.monitor"),
        # Read-only hides the screens' mutating keys (AppScreen.check_action); pressed anyway,
        # they land here and say why nothing happens.
        Binding(",".join(MUTATING_KEYS), "read_only_key", show=False, id="app.read_only"),
    ]

    def __init__(self, backend: Backend, options: AppOptions | None = None) -> None:
        super().__init__()
        self.backend = backend
        self.options = options or AppOptions()
        self.store = AccountStore()
        settings = backend.settings
        self.header_info = HeaderInfo(
            profile=settings.profile,
            region=settings.region or "…",
            endpoint=None,
            read_only=settings.read_only,
            demo=self.options.demo,
        )
        self.header_state = ("starting…", "dim")
        self.error_log: list[str] = []  # every error shown this session, oldest first
        self.crash_report: str | None = None  # set when an unexpected exception ended it
        self._reload_pending = False
        self._status_pending = False
        self.refreshing = False  # a refresh is in flight
        self._generation = 0  # of the refresh in flight: a superseded one's results are dropped
        self._stop_details = threading.Event()
        self._deep_link_done = False
        self._refresh_beat = Beat(self.options.refresh_seconds, self.refresh_data, self._in_flight)
        self._clock_beat = Beat(self.options.clock_seconds, self.clock_tick)

    # -- an unexpected exception -----------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        self._crash = error  # for _fatal_error, which Textual calls without it
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Replaces Textual's crash report, which prints every frame's local variables
        (credentials, tokens, target inputs): the traceback goes to a private file, and
        ``crash_report`` holds the short report the command line prints once the terminal is
        back (printed by us, not by Rich: a wrapped path could not be copied)."""
        error = getattr(self, "_crash", None) or RuntimeError("unknown error")
        self.crash_report = crash_summary(error, write_crash_report(error))
        self.bell()
        self._close_messages_no_wait()

    # -- time -----------------------------------------------------------------------------------

    def now(self) -> datetime:
        clock = self.options.clock
        return clock() if clock else datetime.now(UTC)

    # -- startup --------------------------------------------------------------------------------

    def _apply_themes(self) -> None:
        loaded = load_themes()
        for theme in loaded.themes.values():
            self.register_theme(theme)
        name, message = choose_theme(self.options.theme, self.available_themes)
        self.theme = name
        for problem in [*loaded.problems, *([message] if message else [])]:
            self.notify(problem, title="Theme", severity="warning", markup=False)

    def on_mount(self) -> None:
        self._apply_themes()
        self.push_screen(GroupsScreen())
        if self.options.group:
            from schedtui.ui.screens.schedules import SchedulesScreen

            self.push_screen(SchedulesScreen(group=self.options.group))
        self.set_headers("connecting…", "dim")
        self.refresh_data()
        self.set_interval(HEARTBEAT_SECONDS, self._on_heartbeat, name="heartbeat")
        self._secure_audit_log()

    @work(thread=True, group="audit")
    def _secure_audit_log(self) -> None:
        """Make the audit log private now, not at the first write; say what was narrowed."""
        try:
            warnings = self.backend.mutations.audit.secure()
        except OSError as error:
            warnings = [f"the audit log cannot be made private: {error}"]
        for warning in warnings:
            self.call_from_thread(
                self.notify, warning, title="Audit log", severity="warning", timeout=10
            )

    def _load_identity(self) -> None:
        """Account and caller for the header; retried by every refresh until it answers, so
        the header recovers when an endpoint that was down comes back. Worker thread only."""
        if self.header_info.caller_arn != "…":
            return
        clients = self.backend.clients
        try:
            identity = clients.caller_identity()
            region = clients.region
            endpoint = clients.endpoint_overridden
        except AwsError:
            return  # the listing that follows reports the failure

        def apply() -> None:
            info = self.header_info
            info.account, info.caller_arn = identity.account, identity.arn
            info.region, info.endpoint = region, endpoint
            self.update_headers()

        self.call_from_thread(apply)

    # -- notifications, headers and errors ------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, whatever built it, reaches the terminal printable and without
        markup: messages quote AWS text (names, errors) that could hold either."""
        super().notify(
            printable(message),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def _headers(self) -> list[StatusHeader]:
        found: list[StatusHeader] = []
        for screen in self.screen_stack:
            found.extend(screen.query(StatusHeader))
        return found

    def update_headers(self) -> None:
        for header in self._headers():
            header.set_info(self.header_info)

    def set_headers(self, text: str, style: str = "") -> None:
        self.header_state = (text, style)
        for header in self._headers():
            header.set_state(text, style)

    def show_error(self, error: Exception) -> None:
        message = printable(str(error))
        self.notify(message, title="AWS", severity="error", timeout=8)
        self.store.last_error = message
        self.error_log.append(message)
        self.set_headers(f"error: {message}", "bold red")

    # -- the heartbeat --------------------------------------------------------------------------

    def _paused(self) -> bool:
        """The operator is in a form, a dialog or the filter: pull nothing from under them."""
        screen = self.screen
        return isinstance(screen, ModalScreen) or (
            isinstance(screen, AppScreen) and screen.pauses_refresh()
        )

    def _on_heartbeat(self) -> None:
        if not self.screen_stack or self._paused():
            return  # overdue beats run on the first tick after the pause
        now = time.monotonic()
        beats = [self._refresh_beat, self._clock_beat]
        screen = self.screen
        if isinstance(screen, LiveScreen):
            beats += screen.beats()
        for beat in beats:
            beat.tick(now)

    def _in_flight(self) -> bool:
        return self.refreshing

    def clock_tick(self) -> None:
        """Relative times re-render on screen; rows whose next run has passed move on to
        the following one; the current screen re-shows what depends on the time."""
        now = self.now()
        for screen in self.screen_stack:
            for table in screen.query(VirtualTable):
                table.set_now(now)
        passed = [row for row in self.store.rows.values() if row.next_run and row.next_run <= now]
        if passed:
            self._next_runs_moved_on(passed)
        screen = self.screen
        if isinstance(screen, AppScreen):
            screen.clock_moved(now)

    @work(thread=True, group="clock")
    def _next_runs_moved_on(self, passed: list[ScheduleRow]) -> None:
        details = self.backend.details
        rows = self._rows(
            (summary, details.digest(summary)) for summary in (summary_of(row) for row in passed)
        )
        self.call_from_thread(self._apply_details, rows)

    # -- refresh --------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.refresh_data()
        screen = self.screen
        if isinstance(screen, LiveScreen):
            for beat in screen.beats():
                beat.ran()
                beat.run()

    def refresh_after_change(self) -> None:
        """Refresh now: a change the operator made supersedes a refresh already in flight."""
        self.refreshing = False
        self.refresh_data()

    def refresh_data(self) -> None:
        if self.refreshing:
            return  # the one in flight will do; refreshes never overlap
        self.refreshing = True
        self._refresh_beat.ran()
        self._generation += 1
        self._stop_details.set()  # a new list supersedes the details still being fetched
        self._stop_details = threading.Event()
        self.store.loading = True
        self.set_headers("refreshing…", "dim")
        self._refresh_worker(self._generation, self._stop_details)

    @work(thread=True, exclusive=True, group="refresh")
    def _refresh_worker(self, generation: int, stop: threading.Event) -> None:
        """List groups and schedules page by page, then fetch the definitions that changed.

        A listing that fails midway is reported as partial (how many were listed, and why it
        stopped): the rows listed stay, their definitions still load, and the next refresh
        lists again. Results of a refresh superseded meanwhile are dropped.
        """
        worker = get_current_worker()

        def post(handler: Callable[..., None], *args: object) -> None:
            if worker.is_cancelled or stop.is_set():
                return
            self.call_from_thread(self._if_current, generation, handler, *args)

        backend = self.backend
        started = time.monotonic()
        self._load_identity()
        try:
            groups = backend.scheduler.list_groups()
        except AwsError as error:
            post(self._refresh_failed, error)
            return
        post(self._apply_groups, groups)
        seen: set[str] = set()
        failure: AwsError | None = None
        try:
            for page in backend.scheduler.iter_schedule_pages():
                if worker.is_cancelled or stop.is_set():
                    return
                rows = self._rows((summary, backend.details.digest(summary)) for summary in page)
                seen.update(summary.arn for summary in page)
                post(self._apply_rows, rows)
        except AwsError as error:
            failure = error
        post(self._finish_listing, seen, time.monotonic() - started, failure)
        self._fetch_group_tags(groups, post)
        self._fetch_details(stop, post)
        post(self._refresh_done, failure)

    def _if_current(self, generation: int, handler: Callable[..., None], *args: object) -> None:
        if generation == self._generation:
            handler(*args)

    def _rows(
        self, pairs: Iterable[tuple[ScheduleSummary, ScheduleDigest | None]]
    ) -> list[tuple[ScheduleRow, TableRow]]:
        """Rows and their cells, all computed against one instant (one clock read)."""
        cache = NextRunCache(self.now())
        rows = [build_row(summary, digest, cache) for summary, digest in pairs]
        return [(row, schedule_table_row(row)) for row in rows]

    def _fetch_group_tags(self, groups: Sequence[ScheduleGroup], post: Callable[..., None]) -> None:
        tags = {}
        for group in groups:
            if group.arn:
                try:
                    tags[group.arn] = self.backend.scheduler.group_tags(group.arn)
                except AwsError:
                    continue  # tags are a nicety; the list must not fail for them
        post(self._apply_tags, tags)

    def _fetch_details(self, stop: threading.Event, post: Callable[..., None]) -> None:
        backend = self.backend
        visible: list[str] = self.call_from_thread(self._visible_keys)
        # A copy taken on the UI thread; the summaries are rebuilt here, off it.
        rows: dict[str, ScheduleRow] = self.call_from_thread(lambda: dict(self.store.rows))
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
                rows = self._rows(
                    (summary, backend.details.digest(summary) or ScheduleDigest.of(schedule))
                    for summary, schedule in ready
                )
                post(self._apply_details, rows)

        def arrived(summary: ScheduleSummary, outcome: object) -> None:
            if isinstance(outcome, Schedule):
                with lock:
                    batch.append((summary, outcome))
                    due = len(batch) >= 200 or time.monotonic() - last_flush[0] > 0.3
                if due:
                    flush()

        # In chunks: summaries for 100,000 stale schedules at once would hold ~190 MB for
        # the minutes the whole fetch takes.
        for start in range(0, len(order), _DETAILS_CHUNK):
            if stop.is_set():
                break
            chunk = (summary_of(rows[key]) for key in order[start : start + _DETAILS_CHUNK])
            backend.details.fetch(backend.details.stale(chunk), on_each=arrived, stop=stop)
        flush()

    def _visible_keys(self) -> list[str]:
        screen = self.screen
        if isinstance(screen, TableScreen):
            return screen.table.visible_keys()
        return []

    def _apply_groups(self, groups: list[ScheduleGroup]) -> None:
        self.store.groups = {group.name: group for group in groups}
        self._reload_lists()

    def _apply_tags(self, tags: dict[str, dict[str, str]]) -> None:
        self.store.group_tags.update(tags)
        self._reload_lists()

    def _apply_rows(self, rows: list[tuple[ScheduleRow, TableRow]]) -> None:
        self.store.put_rows(rows)
        self._reload_lists()

    def _apply_details(self, rows: list[tuple[ScheduleRow, TableRow]]) -> None:
        """Definitions arrived: repaint those rows in place when the view's membership cannot
        change, instead of rebuilding a 100,000-row list for every batch."""
        self.store.put_rows(rows)
        screen = self.screen
        if isinstance(screen, TableScreen) and screen.details_change_nothing_but_cells():
            screen.table.update_rows(table_row for _, table_row in rows)
            self._status_soon()
        else:
            self._reload_lists()

    def _status_soon(self) -> None:
        if self._status_pending:
            return
        self._status_pending = True

        def show() -> None:
            self._status_pending = False
            if not self.screen_stack:
                return  # the app is quitting: its screens are gone before its timers
            screen = self.screen
            if isinstance(screen, TableScreen):
                screen.reload_status()

        self.set_timer(_COALESCE_SECONDS, show)

    def _finish_listing(self, seen: set[str], seconds: float, failure: AwsError | None) -> None:
        store = self.store
        if failure is None:
            store.keep_only(seen)
            self.backend.details.retain(seen)
            store.listed = True
            store.partial = None
            self.set_headers(f"listed {len(seen):,} schedules in {seconds:.1f} s; loading details…")
        else:
            # Nothing is dropped: what was not listed this time may well still exist.
            store.partial = printable(str(failure))
            store.partial_count = len(seen)
            self.show_error(failure)
        self._reload_lists()
        self._open_deep_link()

    def _refresh_done(self, failure: AwsError | None) -> None:
        self.refreshing = False
        self.store.loading = False
        if failure is None:
            self.store.last_error = None
            self.store.last_refreshed = self.now()
            self.set_headers(f"refreshed {self.store.last_refreshed:%H:%M:%S}Z", "")
        self._reload_lists()

    def _refresh_failed(self, error: AwsError) -> None:
        self.refreshing = False
        self.store.loading = False
        self.show_error(error)  # and the next beat tries again: the app keeps working
        self._reload_lists()

    def _reload_lists(self) -> None:
        """Show the store's new rows; coalesced, because while 100,000 schedules stream in,
        rebuilding the visible list for every page would keep the UI thread busy."""
        if self._reload_pending:
            return
        self._reload_pending = True
        if len(self.store.rows) > _COALESCE_ABOVE:
            self.set_timer(_COALESCE_SECONDS, self._reload_now)
        else:
            self.call_later(self._reload_now)

    def _reload_now(self) -> None:
        self._reload_pending = False
        if not self.screen_stack:
            return
        screen = self.screen
        if isinstance(screen, TableScreen):
            screen.reload()

    def _open_deep_link(self) -> None:
        if self._deep_link_done or not self.options.schedule:
            return
        self._deep_link_done = True
        group, _, name = self.options.schedule.partition("/")
        summary = self.store.find(group, name)
        if summary is not None:
            from schedtui.ui.screens.detail import DetailScreen

            self.push_screen(DetailScreen(summary))
            return
        self.notify(
            f"No schedule {printable(self.options.schedule)}", severity="warning", markup=False
        )

    # -- navigation and commands ----------------------------------------------------------------

    def action_back(self) -> None:
        if len(self.screen_stack) > 2:
            self.pop_screen()
        else:
            self.exit()

    def action_help(self) -> None:
        screen = self.screen
        keys = list(getattr(screen, "HELP", []))
        hidden = MUTATING_KEYS if self.backend.settings.read_only else ()
        name = type(screen).__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(name, keys, hidden_keys=hidden))

    def action_command_line(self) -> None:
        self.push_screen(CommandPrompt(), self.run_command)

    def action_monitor(self, focus: str = "metrics") -> None:
        from schedtui.ui.screens.monitor import MonitorScreen
        from schedtui.ui.widgets.virtual_table import VirtualTable

        screen = self.screen
        if not isinstance(screen, MonitorScreen):
            screen = MonitorScreen()
            self.push_screen(screen)
        self.call_after_refresh(lambda: screen.query_one(f"#{focus}", VirtualTable).focus())

    def run_command(self, text: str | None) -> None:
        if not text:
            return
        word, _, argument = text.strip().lstrip(":").partition(" ")
        command = ALIASES.get(word.lower(), word.lower())
        if command == "q":
            self.exit()
        elif command == "groups":
            while len(self.screen_stack) > 2:
                self.pop_screen()
        elif command == "schedules":
            from schedtui.ui.screens.schedules import SchedulesScreen

            self.push_screen(SchedulesScreen(group=argument.strip() or None))
        elif command == "help":
            self.action_help()
        elif command in ("monitor", "dlq"):
            self.action_monitor(focus="dlqs" if command == "dlq" else "metrics")
        else:
            self.notify(f"Unknown command: {printable(text)}", severity="warning", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "read_only_key":
            return self.backend.settings.read_only
        return True

    def action_read_only_key(self) -> None:
        self.show_error(
            ReadOnlyError("refused: schedtui is read-only (--read-only); nothing can be changed")
        )

    def get_system_commands(self, screen: Screen[object]):  # type: ignore[no-untyped-def]
        yield from super().get_system_commands(screen)
        yield SystemCommand("Refresh", "Refresh now (r)", self.action_refresh)

    # -- toggle ---------------------------------------------------------------------------------

    def toggle(
        self, seen: Sequence[Schedule | ScheduleSummary], on_done: Callable[[], None] | None = None
    ) -> None:
        if self.backend.settings.read_only:
            self.show_error(ReadOnlyError("Toggle refused: schedtui is read-only (--read-only)"))
            return
        self._prepare_toggle(list(seen), on_done)

    @work(thread=True, group="toggle")
    def _prepare_toggle(
        self, seen: list[Schedule | ScheduleSummary], on_done: Callable[[], None] | None
    ) -> None:
        """Read each schedule fresh, so the dialog can warn about what AWS will do."""
        plans: list[tuple[Schedule | ScheduleSummary, Schedule, str, list[str]]] = []
        for item in seen:
            try:
                current = self.backend.scheduler.get_schedule(*item.key)
            except AwsError as error:
                self.call_from_thread(self.show_error, error)
                return
            new_state = "DISABLED" if current.enabled else "ENABLED"
            plans.append(
                (item, current, new_state, toggle_warnings(current, new_state, self.now()))
            )
        self.call_from_thread(self._confirm_toggle, plans, on_done)

    def _confirm_toggle(
        self,
        plans: list[tuple[Schedule | ScheduleSummary, Schedule, str, list[str]]],
        on_done: Callable[[], None] | None,
    ) -> None:
        body = Text()
        for _, current, new_state, warnings in plans:
            body.append(printable(f"{current.group_name}/{current.name}"), style="bold")
            body.append(f"  {current.state} → ")
            body.append(new_state, style="bold")
            body.append("\n")
            for warning in warnings:
                body.append(f"  ⚠ {printable(warning)}\n", style="yellow")
        body.append(
            "\nEvery other field is sent back unchanged; a change made meanwhile on the "
            "server stops the toggle.",
            style="dim",
        )
        states = {plan[2] for plan in plans}
        verb = (
            "Disable" if states == {"DISABLED"} else "Enable" if states == {"ENABLED"} else "Toggle"
        )
        count = len(plans)
        title = f"{verb} {count} schedule{'s' if count != 1 else ''}?"

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_toggle(plans, on_done)

        self.push_screen(ConfirmScreen(title, body, verb), answered)

    @work(thread=True, group="toggle")
    def _run_toggle(
        self,
        plans: list[tuple[Schedule | ScheduleSummary, Schedule, str, list[str]]],
        on_done: Callable[[], None] | None,
    ) -> None:
        results: list[ResultLine] = []
        for seen, current, new_state, warnings in plans:
            name = f"{current.group_name}/{current.name} {new_state.lower()}"
            try:
                # The dialog showed the re-anchor warning when it applied: consent is given.
                result = self.backend.mutations.update_schedule(
                    seen,
                    {"state": new_state},
                    check_rules=False,
                    accept_rate_reanchor=any(REANCHOR_WORD in w for w in warnings),
                )
            except AwsError as error:
                results.append(ResultLine.of(name, error))
                continue
            if result.schedule is not None:
                self.backend.details.store(result.schedule)
            results.append(ResultLine.of(name, None))
        self.call_from_thread(self._toggle_finished, results, on_done)

    def _toggle_finished(
        self, results: list[ResultLine], on_done: Callable[[], None] | None
    ) -> None:
        if len(results) == 1:
            line = results[0]
            if line.unknown:
                self.notify(
                    line.error or "", title="Outcome unknown", severity="warning", timeout=15
                )
            elif line.error:
                self.show_error(AwsError(line.error))
            else:
                self.notify(line.label)  # "group/name disabled": what happened, in words
        else:
            self.push_screen(results_screen(results, "done"))
        if on_done is not None:
            on_done()
        self.refresh_after_change()  # a toggle always wins over a pending refresh


def toggle_warnings(schedule: Schedule, new_state: str, now: datetime) -> list[str]:
    """What AWS will do on this toggle that the operator may not expect (facts sheet)."""
    return change_warnings(schedule, schedule.replace(state=new_state, check_rules=False), now)
