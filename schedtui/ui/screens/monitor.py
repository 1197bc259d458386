"""Live monitoring and triage: AWS/Scheduler metrics per group, DLQ depths, alarms, messages.

Each refresh makes one GetMetricData call per 500 series, one DescribeAlarms listing and a
bounded, concurrent batch of DLQ depth calls. It is a beat of the app's heartbeat (see
ui/heartbeat.py): never two at once, only while the screen is the one shown, and each panel
shows its own failure while the others keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rich.cells import cell_len
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.widgets import Static

from schedtui.aws.errors import AwsError, NotFoundError
from schedtui.core.monitoring.layout import Panel, allot, table_panel
from schedtui.core.monitoring.metrics import MetricAlarm, QueueDepth
from schedtui.core.monitoring.panel import (
    ACCOUNT,
    ALARM_COLUMNS,
    DLQ_COLUMNS,
    METRIC_COLUMNS,
    PANEL_METRICS,
    WINDOWS,
    GroupHealth,
    alarm_row,
    dlq_order,
    dlq_row,
    figure,
    group_health,
    health_row,
)
from schedtui.core.monitoring.peek import PeekLog, QueueFacts, confirmation_lines
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.table import TableRow
from schedtui.core.text import printable
from schedtui.ui.flows.copy import copy_queue_arn, copy_queue_console_url
from schedtui.ui.heartbeat import Beat
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.dialogs import ChoiceScreen, ConfirmScreen
from schedtui.ui.screens.dlq_messages import DlqMessagesScreen
from schedtui.ui.widgets.key_footer import KeyFooter
from schedtui.ui.widgets.panel_stack import PanelStack
from schedtui.ui.widgets.virtual_table import VirtualTable


@dataclass
class Snapshot:
    """One refresh: every part may have failed on its own."""

    health: list[GroupHealth] | AwsError
    alarms: list[MetricAlarm] | AwsError
    depths: dict[str, QueueDepth | AwsError]
    references: dict[str, list[str]]  # DLQ ARN -> "group/name" of schedules using it


TABLES = ("metrics", "dlqs", "alarms")
ERRORS = {"metrics": "metrics-error", "dlqs": "dlq-error", "alarms": "alarm-error"}
MAX_ERROR_LINES = 3


class MonitorScreen(AppScreen):
    DEFAULT_CSS = """
    MonitorScreen #window { height: 1; padding: 0 1; background: $panel; }
    MonitorScreen .panel-error { height: 1; color: $error; padding: 0 1; }
    MonitorScreen #totals {
        height: 1;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """
    KEYS = ("monitor",)
    HELP_TITLE = "Monitoring"

    def __init__(self) -> None:
        super().__init__()
        self.window = "3h"
        self.depth_history: dict[str, list[int]] = {}
        self._beat: Beat | None = None
        self._busy = False
        self._peeking = False
        self.refreshes = 0
        self.last: Snapshot | None = None
        self._errors: dict[str, str] = {}  # error panel id -> what it says
        self._totals_lines = 0
        self._stack_height = 0

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="window")
        with PanelStack(self._relayout, id="panels"):
            yield VirtualTable(METRIC_COLUMNS, id="metrics")
            yield Static(id="totals")
            yield Static(classes="panel-error", id="metrics-error")
            yield VirtualTable(DLQ_COLUMNS, id="dlqs")
            yield Static(classes="panel-error", id="dlq-error")
            yield VirtualTable(ALARM_COLUMNS, id="alarms")
            yield Static(classes="panel-error", id="alarm-error")
        yield KeyFooter()

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
        columns = backend.details.columns
        references = {
            # sorted: stable across refreshes, whatever order the details arrived in
            queue: sorted(columns.path(row) for row in rows)
            for queue, rows in columns.dlq_users().items()
        }
        depths = backend.dlqs.depths(sorted(references))
        self.from_worker(self._show, Snapshot(health, alarms, depths, references))

    def _show(self, snapshot: Snapshot) -> None:
        self._busy = False
        self.last = snapshot
        self.refreshes += 1
        self._show_metrics(snapshot)
        self._show_dlqs(snapshot)
        self._show_alarms(snapshot)
        self._relayout()

    # -- layout: the focused panel is marked and gets its rows first ----------------------------

    def _relayout(self, height: int | None = None) -> None:
        if height is not None:
            self._stack_height = height
        if self._stack_height <= 0:
            return
        stack = self.query_one("#panels", PanelStack)
        width = max(stack.size.width - 2, 1)  # the error panels' padding
        panels: list[Panel] = []
        for error_id, text in self._errors.items():
            lines = min(MAX_ERROR_LINES, max(1, -(-cell_len(text) // width))) if text else 0
            panels.append(Panel(error_id, lines, floor=lines, comfortable=lines))
        focused = self._focused_table() or "metrics"
        for name in (focused, *(name for name in TABLES if name != focused)):
            panels.append(table_panel(name, self.query_one(f"#{name}", VirtualTable).row_count))
        totals = self._totals_lines
        panels.append(Panel("totals", totals, floor=min(totals, 1), comfortable=totals))
        # Lines nobody needs go to the bottom panel: the tables stay together, and the last
        # one reaches the footer.
        stack.apply(allot(self._stack_height, panels, spare_to="alarms"))

    def _focused_table(self) -> str | None:
        focused = self.focused
        if isinstance(focused, VirtualTable) and focused.id in TABLES:
            return focused.id
        return None

    def on_descendant_focus(self, _: events.DescendantFocus) -> None:
        self._relayout()

    # -- panels ---------------------------------------------------------------------------------

    def _error(self, selector: str, error: AwsError | None) -> None:
        text = printable(str(error)) if error else ""
        self._errors[selector.lstrip("#")] = text
        self.query_one(selector, Static).update(Text(text))

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
        if len(lines) != self._totals_lines:
            self._totals_lines = len(lines)
            self._relayout()

    def _show_dlqs(self, snapshot: Snapshot) -> None:
        ranked: list[tuple[tuple[object, ...], TableRow]] = []
        for arn, outcome in snapshot.depths.items():
            history = self.depth_history.setdefault(arn, [])
            depth = outcome if isinstance(outcome, QueueDepth) else None
            if depth is not None:
                history.append(depth.total)
                del history[:-30]
            problem = "" if depth is not None else str(outcome)
            if isinstance(outcome, NotFoundError):  # the whole fact, in a narrow column
                problem = "queue does not exist"
            row = dlq_row(arn, depth, problem, snapshot.references.get(arn, []), history)
            ranked.append((dlq_order(arn, depth, row.style == "error"), row))
        ranked.sort(key=lambda pair: pair[0])
        self.query_one("#dlqs", VirtualTable).set_rows([row for _, row in ranked])
        self._error("#dlq-error", None)

    def _show_alarms(self, snapshot: Snapshot) -> None:
        if isinstance(snapshot.alarms, AwsError):
            self._error("#alarm-error", snapshot.alarms)
            return
        self._error("#alarm-error", None)
        self.query_one("#alarms", VirtualTable).set_rows([alarm_row(a) for a in snapshot.alarms])

    # -- window ---------------------------------------------------------------------------------

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

    # -- copy: the DLQ under the DLQ table's cursor ----------------------------------------------

    def _dlq_in_hand(self) -> str | None:
        return self.query_one("#dlqs", VirtualTable).cursor_key

    def action_copy_arn(self) -> None:
        copy_queue_arn(self.host, self._dlq_in_hand())

    def action_copy_console_url(self) -> None:
        copy_queue_console_url(self.host, self._dlq_in_hand())

    # -- peek: p acts on the focused panel ------------------------------------------------------

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        if event.control.id == "dlqs":
            self._ask_peek(event.key)

    def action_peek(self) -> None:
        panel = self._focused_table()
        table = self.query_one(f"#{panel or 'metrics'}", VirtualTable)
        key = table.cursor_key
        if panel == "dlqs":
            if key:
                self._ask_peek(key)
            else:
                self.app.notify("No dead-letter queue in the panel: no schedule names one.")
        elif panel == "metrics":
            self._peek_group(key)
        elif panel == "alarms":
            alarms = self.last.alarms if self.last is not None else []
            alarm = (
                next((a for a in alarms if a.name == key), None)
                if isinstance(alarms, list)
                else None
            )
            if alarm is None or alarm.group is None:
                self.app.notify(
                    "This alarm watches no one group: p peeks a dead-letter queue, pick one "
                    "in the DLQ panel (tab).",
                )
                return
            self._peek_group(alarm.group)
        else:
            self.app.notify("p peeks a dead-letter queue: pick one in the DLQ panel (tab).")

    def queues_of(self, group: str) -> list[str]:
        """The DLQs the group's schedules name (of those whose details are loaded), in the
        DLQ panel's order: deepest first."""
        references = self.last.references if self.last is not None else {}
        prefix = f"{group}/"
        return [
            arn
            for arn in self.query_one("#dlqs", VirtualTable).row_keys()
            if any(user.startswith(prefix) for user in references.get(arn, []))
        ]

    def _peek_group(self, group: str | None) -> None:
        if group is None or group == ACCOUNT:
            self.app.notify(
                "The account row spans every group: pick a group here, or a queue in the "
                "DLQ panel (tab), then p.",
            )
            return
        queues = self.queues_of(group)
        if not queues:
            self.app.notify(
                printable(
                    f"No schedule of {group} names a dead-letter queue (of the schedules "
                    "whose details are loaded)."
                ),
                severity="warning",
            )
            return
        if len(queues) == 1:
            self._ask_peek(queues[0])
            return
        shown = queues[:9]
        depths = self.last.depths if self.last is not None else {}
        choices: list[tuple[str, str, str]] = []
        for index, arn in enumerate(shown):
            depth = depths.get(arn)
            count = f"{depth.visible:,}" if isinstance(depth, QueueDepth) else "?"
            name = printable(target_resource_name(arn))
            choices.append((f"queue-{index}", f"{index + 1} {name} ({count})", str(index + 1)))
        choices.append(("cancel", "Cancel (esc)", "n"))
        more = f" (the first 9 of {len(queues)}, deepest first)" if len(queues) > 9 else ""
        body = Text(
            printable(
                f"The schedules of {group} send to {len(queues)} dead-letter queues{more}. "
                "Peek at which one? (its number)"
            )
        )

        def chosen(choice: str | None) -> None:
            if choice and choice.startswith("queue-"):
                arn = shown[int(choice.removeprefix("queue-"))]
                self.query_one("#dlqs", VirtualTable).move_to(arn)
                self._ask_peek(arn)

        self.app.push_screen(
            ChoiceScreen(printable(f"Dead-letter queues of {group}"), body, choices), chosen
        )

    def _ask_peek(self, queue_arn: str) -> None:
        if self._peeking:
            return
        depth = self.last.depths.get(queue_arn) if self.last is not None else None
        if isinstance(depth, NotFoundError):
            # A queue AWS says does not exist has nothing to peek: a confirmation would only
            # lead to a failed receive. Say so, and where the fix is.
            self.app.notify(
                printable(
                    f"{target_resource_name(queue_arn)} does not exist: nothing to peek. "
                    "Failed events of the schedules that name it are dropped; D on one of "
                    "them says how to fix it."
                ),
                severity="warning",
            )
            return
        self._peeking = True
        self._read_facts(queue_arn)

    @work(thread=True, group="peek")
    def _read_facts(self, queue_arn: str) -> None:
        facts: QueueFacts | None = None
        problem: str | None = None
        try:
            facts = self.session.backend.dlqs.facts(queue_arn)
        except AwsError as error:
            problem = str(error)
        self.app.call_from_thread(self._confirm_peek, queue_arn, facts, problem)

    def _confirm_peek(self, queue_arn: str, facts: QueueFacts | None, problem: str | None) -> None:
        if not self.is_up:  # the operator left the monitor while SQS answered
            self._peeking = False
            return
        body = Text("\n\n".join(printable(line) for line in confirmation_lines(facts, problem)))
        size = ""
        if facts is not None and facts.visible is not None:
            size = f" (~{facts.visible:,} messages)"
        title = printable(f"Peek at {target_resource_name(queue_arn)}{size}?")

        def answered(yes: bool | None) -> None:
            if yes:
                self._peek(queue_arn, facts)
            else:
                self._peeking = False

        self.app.push_screen(ConfirmScreen(title, body, "Peek"), answered)

    @work(thread=True, group="peek")
    def _peek(self, queue_arn: str, facts: QueueFacts | None) -> None:
        try:
            batch = self.session.backend.dlqs.receive(queue_arn)
        except AwsError as error:
            self.app.call_from_thread(self._peek_failed, error)
            return
        log = PeekLog()
        log.add(batch)
        self.app.call_from_thread(self._peeked, DlqMessagesScreen(queue_arn, facts, log))

    def _peek_failed(self, error: AwsError) -> None:
        self._peeking = False
        if self.is_up:  # gone (back, or another profile or region): not the header's
            self.host.show_error(error)

    def _peeked(self, screen: DlqMessagesScreen) -> None:
        self._peeking = False
        if not self.is_up:
            return
        self.app.push_screen(screen)
