"""Live monitoring and triage: AWS/Scheduler metrics per group, DLQ depths, alarms, messages.

Each refresh makes one GetMetricData call per 500 series, one DescribeAlarms listing and a
bounded, concurrent batch of DLQ depth calls. It is a beat of the app's heartbeat (see
ui/heartbeat.py): never two at once, only while the screen is the one shown, and each panel
shows its own failure while the others keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from schedtui.aws.errors import AwsError
from schedtui.core.monitoring.metrics import MetricAlarm, QueueDepth
from schedtui.core.monitoring.panel import (
    ALARM_COLUMNS,
    DLQ_COLUMNS,
    METRIC_COLUMNS,
    PANEL_METRICS,
    WINDOWS,
    GroupHealth,
    alarm_row,
    dlq_row,
    figure,
    group_health,
    health_row,
)
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.table import TableRow
from schedtui.core.text import printable
from schedtui.ui.heartbeat import Beat
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.dialogs import ConfirmScreen
from schedtui.ui.screens.dlq_messages import DlqMessagesScreen
from schedtui.ui.widgets.virtual_table import VirtualTable


@dataclass
class Snapshot:
    """One refresh: every part may have failed on its own."""

    health: list[GroupHealth] | AwsError
    alarms: list[MetricAlarm] | AwsError
    depths: dict[str, QueueDepth | AwsError]
    references: dict[str, list[str]]  # DLQ ARN -> "group/name" of schedules using it


class MonitorScreen(AppScreen):
    DEFAULT_CSS = """
    MonitorScreen #window { height: 1; padding: 0 1; background: $panel; }
    MonitorScreen #metrics { height: 1fr; }
    MonitorScreen #dlqs { height: 9; }
    MonitorScreen #alarms { height: 6; }
    MonitorScreen .panel-error { height: auto; color: $error; padding: 0 1; }
    MonitorScreen #totals { height: auto; padding: 0 1; color: $text-muted; }
    """
    KEYS = ("monitor",)
    HELP_TITLE = "Monitoring"

    def __init__(self) -> None:
        super().__init__()
        self.window = "3h"
        self.depth_history: dict[str, list[int]] = {}
        self._beat: Beat | None = None
        self._busy = False
        self.refreshes = 0
        self.last: Snapshot | None = None

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="window")
        yield VirtualTable(METRIC_COLUMNS, id="metrics")
        yield Static(id="totals")
        yield Static(classes="panel-error", id="metrics-error")
        yield VirtualTable(DLQ_COLUMNS, id="dlqs")
        yield Static(classes="panel-error", id="dlq-error")
        yield VirtualTable(ALARM_COLUMNS, id="alarms")
        yield Static(classes="panel-error", id="alarm-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#metrics", VirtualTable).focus()
        self._show_window()
        self.reload()

    # -- refresh: a beat of the app's heartbeat ------------------------------------------------

    def beats(self) -> list[Beat]:
        if self._beat is None:
            seconds = self.session.options.monitor_refresh_seconds
            self._beat = Beat(seconds, self.reload, busy=lambda: self._busy)
        return [self._beat]

    def on_screen_resume(self) -> None:
        if self.last is not None:
            self.reload()

    def reload(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.beats()[0].ran()
        self._fetch(self.window)

    @work(thread=True, group="monitor")
    def _fetch(self, window: str) -> None:
        session = self.session
        backend = session.backend
        seconds, period = WINDOWS[window]
        end = session.now()
        start = end - timedelta(seconds=seconds)
        groups = sorted(session.store.groups)
        alarms: list[MetricAlarm] | AwsError
        try:
            alarms = backend.metrics.alarms()
        except AwsError as error:
            alarms = error
        health: list[GroupHealth] | AwsError
        try:
            series = backend.metrics.fetch(groups, start, end, period)
            health = group_health(series, alarms if isinstance(alarms, list) else [])
        except AwsError as error:
            health = error
        references: dict[str, list[str]] = {}
        for digest in backend.details.digests():
            if digest.dlq_arn:
                references.setdefault(digest.dlq_arn, []).append(f"{digest.group}/{digest.name}")
        for users in references.values():
            users.sort()  # stable across refreshes, whatever order the details arrived in
        depths = backend.dlqs.depths(sorted(references))
        self.app.call_from_thread(self._show, Snapshot(health, alarms, depths, references))

    def _show(self, snapshot: Snapshot) -> None:
        self._busy = False
        self.last = snapshot
        self.refreshes += 1
        self._show_metrics(snapshot)
        self._show_dlqs(snapshot)
        self._show_alarms(snapshot)

    # -- panels ---------------------------------------------------------------------------------

    def _error(self, selector: str, error: AwsError | None) -> None:
        panel = self.query_one(selector, Static)
        panel.update(Text(printable(str(error))) if error else Text())
        panel.display = error is not None

    def _show_metrics(self, snapshot: Snapshot) -> None:
        table = self.query_one("#metrics", VirtualTable)
        if isinstance(snapshot.health, AwsError):
            self._error("#metrics-error", snapshot.health)
            return
        self._error("#metrics-error", None)
        table.set_rows([health_row(health) for health in snapshot.health])
        self._show_totals()

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        if event.control.id == "metrics":
            self._show_totals()

    def _show_totals(self) -> None:
        snapshot = self.last
        key = self.query_one("#metrics", VirtualTable).cursor_key
        if snapshot is None or isinstance(snapshot.health, AwsError) or key is None:
            return
        health = next((h for h in snapshot.health if h.group == key), None)
        if health is None:
            return
        parts = [f"{label.lower()} {figure(health.total(m))}" for m, label, _ in PANEL_METRICS]
        half = len(parts) // 2
        # Short lines cut at the width rather than wrapped: a wrapped figure reads wrong.
        lines = [
            f"{key}, {self.window} totals: " + " · ".join(parts[:half]),
            "  " + " · ".join(parts[half:]),
        ]
        causes = health.failure_causes()
        if causes:
            lines.append(
                "DLQ failed by cause: "
                + ", ".join(f"{cause} {figure(total)}" for cause, total in causes)
            )
        shown = Text(no_wrap=True, overflow="ellipsis")
        shown.append("\n".join(printable(line) for line in lines))
        self.query_one("#totals", Static).update(shown)

    def _show_dlqs(self, snapshot: Snapshot) -> None:
        rows: list[TableRow] = []
        for arn, outcome in snapshot.depths.items():
            history = self.depth_history.setdefault(arn, [])
            depth = outcome if isinstance(outcome, QueueDepth) else None
            if depth is not None:
                history.append(depth.total)
                del history[:-30]
            problem = "" if depth is not None else str(outcome)
            rows.append(dlq_row(arn, depth, problem, snapshot.references.get(arn, []), history))
        rows.sort(key=lambda row: (row.style != "error", row.style != "warning", row.key))
        self.query_one("#dlqs", VirtualTable).set_rows(rows)
        self._error("#dlq-error", None)

    def _show_alarms(self, snapshot: Snapshot) -> None:
        if isinstance(snapshot.alarms, AwsError):
            self._error("#alarm-error", snapshot.alarms)
            return
        self._error("#alarm-error", None)
        self.query_one("#alarms", VirtualTable).set_rows([alarm_row(a) for a in snapshot.alarms])

    # -- window, peek, back ---------------------------------------------------------------------

    def _show_window(self) -> None:
        period = WINDOWS[self.window][1]
        choices = "  ".join(f"[{w}]" if w == self.window else w for w in WINDOWS)
        self.query_one("#window", Static).update(
            Text(
                f"window {choices}  (w to change) · period {period // 60} min · refresh "
                f"every {self.session.options.monitor_refresh_seconds:g} s"
            )
        )

    def action_next_window(self) -> None:
        names = list(WINDOWS)
        self.window = names[(names.index(self.window) + 1) % len(names)]
        self._show_window()
        self.reload()

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        if event.control.id == "dlqs":
            self._ask_peek(event.key)

    def action_peek(self) -> None:
        key = self.query_one("#dlqs", VirtualTable).cursor_key
        if key:
            self._ask_peek(key)

    def _ask_peek(self, queue_arn: str) -> None:
        body = Text(
            "Receiving messages raises each one's receive count, and can trigger the queue's "
            "own redrive policy (maxReceiveCount). schedtui leaves them on the queue "
            "(visibility timeout 0) and never deletes them.",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._peek(queue_arn)

        self.app.push_screen(
            ConfirmScreen(
                f"Peek at up to 10 messages of {target_resource_name(queue_arn)}?", body, "Peek"
            ),
            answered,
        )

    @work(thread=True, group="peek")
    def _peek(self, queue_arn: str) -> None:
        try:
            messages = self.session.backend.dlqs.peek(queue_arn, 10)
        except AwsError as error:
            self.app.call_from_thread(self.host.show_error, error)
            return
        self.app.call_from_thread(self.app.push_screen, DlqMessagesScreen(queue_arn, messages))
