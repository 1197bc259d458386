"""One schedule in full: every field, findings, the next 10 runs and the input as JSON; and
its other views (R runs, H history, D doctor)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, Static

from schedtui.aws.errors import AwsError, NotFoundError
from schedtui.core.activity.history import History
from schedtui.core.activity.runs import RunsReport, Window
from schedtui.core.expressions.describe import describe
from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.parse import AtExpression, parse_expression
from schedtui.core.expressions.runs import Run, next_runs, runs_end
from schedtui.core.expressions.zones import load_zone
from schedtui.core.health.doctor import DoctorReport
from schedtui.core.health.findings import findings
from schedtui.core.jsontext import pretty
from schedtui.core.monitoring.failures import FailureFigures
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.schedules.rows import duration_text, relative_text
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.text import printable
from schedtui.ui.heartbeat import Beat
from schedtui.ui.screens.schedule_actions import ScheduleActions, Seen
from schedtui.ui.widgets.doctor_view import SEVERITY_STYLE, DoctorState, DoctorView
from schedtui.ui.widgets.history_view import HistoryView, fault_message, fetched_at, local
from schedtui.ui.widgets.key_footer import KeyFooter
from schedtui.ui.widgets.label_table import label_table
from schedtui.ui.widgets.runs_view import RunsState, RunsView

_RUNS_SHOWN = 10


def _fields_table(schedule: Schedule, tags: dict[str, str]) -> Table:
    table = label_table()
    target = schedule.target

    def add(label: str, value: Any) -> None:
        if value is None or value == "":
            return
        text = value.isoformat() if isinstance(value, datetime) else str(value)
        table.add_row(label, Text(printable(text)))

    add("Name", schedule.name)
    add("Group", schedule.group_name)
    add("State", schedule.state)
    add("Description", schedule.description)
    add("Expression", schedule.schedule_expression)
    add("Time zone", schedule.timezone_name)
    add("Start date", schedule.start_date)
    add("End date", schedule.end_date)
    window = schedule.flexible_time_window
    add(
        "Flexible window",
        f"{window.maximum_window_in_minutes} min" if window.mode == "FLEXIBLE" else "off",
    )
    add("After completion", schedule.action_after_completion)
    add("Target", f"{target.kind.value}: {target.arn}")
    add("Execution role", target.role_arn)
    policy = target.retry_policy
    if policy is None:
        add("Retry policy", "AWS defaults (185 attempts, 24 h)")
    else:
        add(
            "Retry policy",
            f"{policy.effective_maximum_retry_attempts} attempts, "
            f"max event age {policy.effective_maximum_event_age_in_seconds} s",
        )
    dlq = target.dead_letter_config
    add("Dead-letter queue", dlq.arn if dlq and dlq.arn else "none")
    add("KMS key", schedule.kms_key_arn)
    for block, value in target.to_api().items():
        if block.endswith("Parameters"):
            add(block, json.dumps(value, default=str))
    add("ARN", schedule.arn)
    add("Created", schedule.creation_date)
    add("Last modified", schedule.last_modification_date)
    add("Group tags", ", ".join(f"{k}={v}" for k, v in sorted(tags.items())) or "none")
    for path in schedule.unknown_members():
        add("Unknown member", path)
    return table


Upcoming = list[Run] | ExpressionError | ZoneError  # the next runs, or why there are none


def _window_minutes(schedule: Schedule) -> int | None:
    window = schedule.flexible_time_window
    return window.maximum_window_in_minutes if window.mode == "FLEXIBLE" else None


def _upcoming(schedule: Schedule, now: datetime) -> Upcoming:
    """The next runs, computed once for the glance and the runs table."""
    try:
        return next_runs(
            schedule.schedule_expression,
            schedule.schedule_expression_timezone,
            after=now,
            count=_RUNS_SHOWN,
            start_date=schedule.start_date,
            end_date=schedule.end_date,
            anchor=schedule.creation_date,
            window_minutes=_window_minutes(schedule),
        )
    except (ExpressionError, ZoneError) as error:
        return error


def _glance_table(
    schedule: Schedule, now: datetime, runs: Upcoming, failures: FailureFigures
) -> Table:
    """What an operator needs first, above the fold even at 80x24: state and next run,
    target, retry and DLQ (with the figures the list shows: its depth, the group's
    failures)."""
    table = label_table()
    target = schedule.target
    enabled = schedule.state == "ENABLED"
    state = Text(printable(schedule.state), style="bold green" if enabled else "bold yellow")
    if enabled:
        state.append("  next run ")
        state.append(_next_run_text(schedule, now, runs))
    else:
        state.append("  paused: nothing runs until it is enabled")
    table.add_row("State", state)
    name = target_resource_name(target.arn)
    table.add_row("Target", Text(printable(f"{target.kind.value}: {name}")))
    policy = target.retry_policy
    retry = (
        "185 attempts over 24h (AWS defaults)"
        if policy is None
        else f"{policy.effective_maximum_retry_attempts} attempts over "
        f"{duration_text(policy.effective_maximum_event_age_in_seconds)}"
    )
    table.add_row("Retry", Text(printable(retry)))
    dlq = target.dead_letter_config
    if dlq and dlq.arn:
        queue = target_resource_name(dlq.arn)
        depth = failures.dlq_depths.get(dlq.arn)
        held = "" if depth is None else f"  ({depth:,} message{'s' if depth != 1 else ''})"
        if dlq.arn in failures.missing_dlqs:
            table.add_row(
                "DLQ",
                Text(printable(queue) + "  missing: the queue does not exist", style="red"),
            )
        else:
            table.add_row("DLQ", Text(printable(queue + held), style="yellow" if depth else ""))
    else:
        table.add_row("DLQ", Text("none: failed invocations are dropped", style="yellow"))
    failed = failures.group_failures.get(schedule.group_name)
    if failed is not None:
        table.add_row(
            "Group, 1 h",
            Text(
                f"{failed:,} failed (the group's total: no per-schedule metric)",
                style="red" if failed else "",
            ),
        )
    return table


def _next_run_text(schedule: Schedule, now: datetime, runs: Upcoming) -> str:
    if isinstance(runs, Exception):
        return "unknown (see below)"
    if not runs:
        return "none: no runs left"
    at = runs[0].at
    local = at.astimezone(load_zone(schedule.schedule_expression_timezone))
    return f"{relative_text(at, now)} · {local:%a %m-%d %H:%M %Z} ({at:%H:%M}Z)"


def _runs_table(schedule: Schedule, now: datetime, runs: Upcoming) -> Table | Text:
    if isinstance(runs, Exception):
        return Text(printable(str(runs)), style="red")
    minutes = _window_minutes(schedule)
    ended = None
    if len(runs) < _RUNS_SHOWN:
        parsed = parse_expression(schedule.schedule_expression)
        last = runs[-1].at if runs else now
        end = None if isinstance(parsed, AtExpression) else schedule.end_date
        reason = runs_end(parsed, schedule.schedule_expression_timezone, last, end_date=end)
        ended = Text(("No more runs: " if runs else "No runs left: ") + reason.value)
        ended.stylize("yellow")
    if not runs:
        return ended or Text("No runs left.", style="yellow")
    zone = load_zone(schedule.schedule_expression_timezone)
    table = Table(box=None, padding=(0, 2, 0, 0))
    table.add_column(f"Local ({schedule.timezone_name})")
    table.add_column("UTC")
    if minutes:
        table.add_column("Window ends (UTC)")
    for run in runs:
        local = run.at.astimezone(zone)
        cells = [f"{local:%a %Y-%m-%d %H:%M %Z}", f"{run.at:%Y-%m-%d %H:%M}Z"]
        if run.window_end:
            cells.append(f"{run.window_end:%Y-%m-%d %H:%M}Z")
        table.add_row(*cells)
    if ended is not None:
        table.add_row(ended)
    return table


def _input_text(raw: str | None) -> Text:
    if not raw:
        return Text("(no input)", style="dim")
    return Text(printable(pretty(raw) or raw, keep_newlines=True))


def _title(view: Text, name: str) -> Text:
    view.append(" · " + name)
    view.no_wrap, view.overflow = True, "ellipsis"
    return view


class DetailScreen(ScheduleActions):
    DEFAULT_CSS = """
    DetailScreen #views { height: 1fr; }
    DetailScreen VerticalScroll { padding: 0 1; }
    DetailScreen .section { text-style: bold; margin-top: 1; color: $accent; }
    """
    KEYS = ("detail",)
    HELP_TITLE = "Schedule"

    def __init__(self, summary: ScheduleSummary, view: str = "overview") -> None:
        super().__init__()
        self.summary = summary
        self._opened_on = view  # the fleet doctor opens a schedule on its doctor panel
        self.schedule: Schedule | None = None
        self.is_deleting = False  # a delete is under way: do not read the schedule again
        self.gone = False  # deleted on the server: nothing more to read
        self._loading = False
        self._reads = 0  # reads asked for; only the latest one's answer is shown
        self._tags: dict[str, str] = {}
        self._beat: Beat | None = None
        self.view = "overview"  # or "runs", "history", "doctor"
        self.window = Window.HOUR
        self.runs_state: RunsState | None = None
        self.history: History | None = None
        self._history_loading = False
        self._history_fetched: datetime | None = None
        self.doctor_state: DoctorState | None = None
        # An answer to an older ask is dropped.
        self._runs_asked = self._history_asked = self._doctor_asked = 0
        # Never due on its own (see _switch): r and a write run it.
        self._activity_beat = Beat(0, self._refresh_activity)

    def beats(self) -> list[Beat]:
        """Re-read at the refresh interval, like the lists (see ui/heartbeat.py)."""
        if self._beat is None:
            self._beat = Beat(
                self.session.options.refresh_seconds,
                self.reload,
                busy=lambda: self._loading or self.is_deleting or self.gone,
            )
        return [self._beat, self._activity_beat]

    def compose(self) -> ComposeResult:
        yield self.header()
        with ContentSwitcher(initial="overview", id="views"):
            with VerticalScroll(id="overview"):
                yield from self._overview()
            with VerticalScroll(id="runs-view"):
                yield Static(id="runs-title", classes="section")
                yield RunsView()
            with VerticalScroll(id="history-view"):
                yield Static(id="history-title", classes="section")
                yield HistoryView()
            with VerticalScroll(id="doctor-view"):
                yield Static(id="doctor-title", classes="section")
                yield DoctorView()
        yield KeyFooter()

    def _overview(self) -> ComposeResult:
        yield Static(
            Text(printable(f"{self.summary.group_name}/{self.summary.name}")),
            id="title",
            classes="section",
        )
        yield Static(Text("Loading…", style="dim"), id="description")
        yield Static(id="glance")
        yield Static(id="findings")
        yield Static(Text("Next runs"), classes="section")
        yield Static(id="runs")
        yield Static(Text("Schedule"), classes="section")
        yield Static(id="fields")
        yield Static(Text("Target input"), classes="section")
        yield Static(id="input")

    def on_mount(self) -> None:
        self.load()
        if self._opened_on != "overview":
            self._switch(self._opened_on)

    # -- the runs and history views ---------------------------------------------------------
    # Fetched when a view is first shown, on r while it is shown (and after a write), and
    # the runs when the window changes; never on the heartbeat: LookupEvents allows 2
    # requests a second per account, shared with every other tool, and the runs cost several
    # paid reads (metrics, logs) each. The title says when they were fetched.

    def _switch(self, view: str) -> None:
        self.view = view
        pane = "overview" if view == "overview" else f"{view}-view"
        self.query_one("#views", ContentSwitcher).current = pane
        if view == "runs" and self.runs_state is None:
            self._fetch_runs()
        if view in ("runs", "history") and self.history is None and not self._history_loading:
            self._fetch_history()
        if view == "doctor" and self.doctor_state is None:
            self._fetch_doctor()
        self._draw_activity()
        self.refresh_bindings()
        self.query_one(f"#{pane}").focus()

    def action_show_runs(self) -> None:
        self._switch("runs")

    def action_show_history(self) -> None:
        self._switch("history")

    def action_show_doctor(self) -> None:
        self._switch("doctor")

    def action_show_overview(self) -> None:
        self._switch("overview")

    def action_back(self) -> None:
        if self.view != "overview":
            self._switch("overview")  # esc: one logical step, like the lists' filter
        else:
            self.back()

    def action_next_runs_window(self) -> None:
        windows = list(Window)
        self.window = windows[(windows.index(self.window) + 1) % len(windows)]
        self._fetch_runs()
        self._draw_activity()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_runs_window":
            return self.view == "runs"
        if action == "show_overview":
            return self.view != "overview"
        if action == f"show_{self.view}":
            return False  # already shown: the footer has no room for it
        return super().check_action(action, parameters)

    def _refresh_activity(self) -> None:
        """r (and a write) on a runs or history view: fetch it again, the history once; on
        the doctor panel: check again, from AWS (the doctor's cache is forgotten)."""
        if self.view == "runs":
            self._fetch_runs()
        if self.view in ("runs", "history"):
            self._fetch_history()
            self._draw_activity()
        if self.view == "doctor":
            self._fetch_doctor(forget=True)

    def _fetch_runs(self) -> None:
        self._runs_asked += 1
        kept = self.runs_state
        same = kept is not None and kept.window is self.window
        self.runs_state = RunsState(
            self.window,
            report=kept.report if same and kept else None,
            history=self.history,
            history_loading=self._history_loading,
        )
        self._runs(self._runs_asked, self.window, self.schedule)

    @work(thread=True, group="detail-runs")
    def _runs(self, asked: int, window: Window, schedule: Schedule | None) -> None:
        session = self.session
        backend = session.backend
        outcome: RunsReport | str
        try:
            if schedule is None:
                schedule = backend.scheduler.get_schedule(
                    self.summary.group_name, self.summary.name
                )
            outcome = backend.runs.runs(schedule, window, now=session.now())
        except Exception as error:  # any fault is the tab's line: the rest keeps working
            outcome = fault_message(error)
        self.from_worker(self._runs_arrived, asked, outcome)

    def _runs_arrived(self, asked: int, outcome: RunsReport | str) -> None:
        state = self.runs_state
        if asked != self._runs_asked or state is None:
            return  # a newer fetch (another window, r) is under way
        state.runs_loading = False
        state.fetched = self.session.now()
        if isinstance(outcome, str):
            state.report, state.fault = None, outcome
        else:
            state.report, state.fault = outcome, None
        self._draw_activity()

    def _fetch_history(self) -> None:
        self._history_asked += 1
        self._history_loading = True
        self._history(self._history_asked)

    @work(thread=True, group="detail-history")
    def _history(self, asked: int) -> None:
        session = self.session
        try:
            history = session.backend.history.schedule_history(
                self.summary.group_name, self.summary.name, now=session.now()
            )
        except Exception as error:  # any fault is the tab's line: the rest keeps working
            history = History(fault=fault_message(error))
        self.from_worker(self._history_arrived, asked, history)

    def _history_arrived(self, asked: int, history: History) -> None:
        if asked != self._history_asked:
            return
        self._history_loading = False
        self.history = history
        self._history_fetched = self.session.now()
        self._draw_activity()

    # -- the doctor panel: the same rules as runs and history (fetched when first shown and on
    # r, never on the heartbeat: a check reads IAM, the target, the DLQ and the key).

    def _fetch_doctor(self, *, forget: bool = False) -> None:
        self._doctor_asked += 1
        kept = self.doctor_state or DoctorState()
        kept.loading = True
        self.doctor_state = kept
        self._draw_doctor()
        self._doctor(self._doctor_asked, self.schedule, forget)

    @work(thread=True, group="detail-doctor")
    def _doctor(self, asked: int, schedule: Schedule | None, forget: bool) -> None:
        session = self.session
        doctor = session.backend.doctor
        outcome: DoctorReport | str
        try:
            if schedule is None:
                schedule = session.backend.scheduler.get_schedule(
                    self.summary.group_name, self.summary.name
                )
            if forget:
                doctor.forget()
            outcome = doctor.diagnose([schedule], session.now())
        except Exception as error:  # any fault is the panel's line: the rest keeps working
            outcome = fault_message(error)
        self.from_worker(self._doctor_arrived, asked, outcome)

    def _doctor_arrived(self, asked: int, outcome: DoctorReport | str) -> None:
        if asked != self._doctor_asked:
            return  # r was pressed again: the newer check answers
        state = DoctorState(loading=False, answered=True, checked=self.session.now())
        if isinstance(outcome, str):
            state.fault = outcome
        else:
            mine = [d for d in outcome.diagnoses if (d.group, d.name) == self._path()]
            state.findings = mine[0].findings if mine else ()
            state.notes, state.calls = outcome.notes, outcome.calls
        self.doctor_state = state
        self._draw_doctor()

    def _path(self) -> tuple[str, str]:
        return self.summary.group_name, self.summary.name

    def _draw_doctor(self) -> None:
        state = self.doctor_state
        if state is None:
            return
        title = Text("Doctor")
        if state.checked and not state.loading:
            checked = local(state.checked, self.session.options.zone, "%H:%M:%S")
            title.append(f" · checked {checked} (r)", "dim")
        name = printable(f"{self.summary.group_name}/{self.summary.name}")
        self.query_one("#doctor-title", Static).update(_title(title, name))
        self.query_one(DoctorView).show(state)

    def _draw_activity(self) -> None:
        zone = self.session.options.zone
        # What the view is first, then the schedule's name, which is cut at 80 columns.
        name = printable(f"{self.summary.group_name}/{self.summary.name}")
        state = self.runs_state
        if state is not None:
            state.history, state.history_loading = self.history, self._history_loading
            title = Text("Runs ")
            for window in Window:
                chosen = window is state.window
                title.append(
                    f"[{window.label}]" if chosen else window.label, "reverse" if chosen else ""
                )
                title.append(" ")
            title.append("(w)", style="dim")
            if state.fetched and not state.runs_loading:
                title.append(fetched_at(state.fetched, zone), "dim")
            self.query_one("#runs-title", Static).update(_title(title, name))
            self.query_one(RunsView).show(state, zone)
        title = Text("History, 90 days")
        if self.history is not None and self._history_fetched and not self._history_loading:
            title.append(fetched_at(self._history_fetched, zone), "dim")
        self.query_one("#history-title", Static).update(_title(title, name))
        self.query_one(HistoryView).show(
            self.history, zone, with_name=False, loading=self._history_loading
        )

    def on_screen_resume(self) -> None:
        if not self.is_deleting:
            self.load()

    def reload(self) -> None:
        self.load()

    def load(self) -> None:
        if self.gone:
            return
        self._loading = True
        self.beats()[0].ran()
        self._reads += 1
        self._read(self._reads)

    @work(thread=True, exclusive=True, group="detail")
    def _read(self, asked: int) -> None:
        backend = self.session.backend
        try:
            schedule = backend.scheduler.get_schedule(self.summary.group_name, self.summary.name)
            backend.details.store(schedule)
            groups = self.session.store.groups
            group = groups.get(schedule.group_name)
            tags = self.session.store.group_tags.get(group.arn or "", {}) if group else {}
        except NotFoundError:
            self.from_worker(self._gone)
            return
        except AwsError as error:
            self.from_worker(self._failed, error)
            return
        self.from_worker(self._arrived, asked, schedule, tags)

    def _arrived(self, asked: int, schedule: Schedule, tags: dict[str, str]) -> None:
        # A read started before a toggle (the screen resumed as its dialog closed) can
        # answer after the one started once the toggle was sent: the older answer is
        # dropped, never shown over the newer.
        if asked == self._reads:
            self.show(schedule, tags)

    def _failed(self, error: AwsError) -> None:
        # (only while the screen is up: gone, back or to another profile or region, its
        # error is not the header's)
        self._loading = False
        self.host.show_error(error)

    def _gone(self) -> None:
        """Deleted on the server (or by ActionAfterCompletion): say so, read no more."""
        self._loading = False
        self.gone = True
        self.query_one("#description", Static).update(
            Text(
                "This schedule no longer exists on the server (deleted since it was listed).",
                style="bold yellow",
            )
        )

    def clock_moved(self, now: datetime) -> None:
        if self.schedule is not None:
            self.show(self.schedule, self._tags)

    def show(self, schedule: Schedule, tags: dict[str, str]) -> None:
        self._loading = False
        self.schedule = schedule
        self._tags = tags
        now = self.session.now()
        try:
            description = describe(schedule.schedule_expression, schedule.timezone_name)
        except ExpressionError as error:
            description = str(error)
        self.query_one("#description", Static).update(Text(printable(description), style="italic"))
        runs_ahead = _upcoming(schedule, now)
        glance = _glance_table(schedule, now, runs_ahead, self.session.store.failures)
        self.query_one("#glance", Static).update(glance)
        found = Text()
        for finding in findings(schedule, now):
            found.append("● ", style=SEVERITY_STYLE[finding.severity])
            found.append(printable(finding.message) + "\n")
        found.rstrip()
        panel = self.query_one("#findings", Static)
        panel.update(found)
        panel.display = bool(found)
        runs: RenderableType = _runs_table(schedule, now, runs_ahead)
        if schedule.state != "ENABLED":
            paused = Text(
                f"{printable(schedule.state)}: it will not run at these times until enabled",
                style="bold yellow",
            )
            runs = Group(paused, runs)
        self.query_one("#runs", Static).update(runs)
        self.query_one("#fields", Static).update(_fields_table(schedule, tags))
        self.query_one("#input", Static).update(_input_text(schedule.target.input))

    def in_hand(self) -> list[Seen]:
        return [self.schedule or self.summary]

    def current(self) -> Seen:
        return self.schedule or self.summary

    def toggled(self) -> None:
        self.load()

    def deleting(self) -> None:
        self.is_deleting = True

    def deleted(self, arns: set[str]) -> None:
        self.is_deleting = False
        if self.summary.arn not in arns:
            self.load()
        elif self.is_current:
            self.app.pop_screen()  # back to the list, which no longer shows it
