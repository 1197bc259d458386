"""Messages peeked from one DLQ, grouped by schedule, with a jump to the schedule."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from schedtui.core.expressions.zones import utc_text
from schedtui.core.jsontext import pretty
from schedtui.core.monitoring.metrics import DlqMessage
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.table import Column, TableRow
from schedtui.core.text import printable
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.widgets.label_table import label_table
from schedtui.ui.widgets.virtual_table import VirtualTable

COLUMNS = (
    Column("schedule", "SCHEDULE", 30, flex=True),
    Column("scheduled", "SCHEDULED (UTC)", 17),
    Column("error", "ERROR CODE", 24, flex=True),
    Column("retries", "RETRIES", 7, align="right"),
    Column("exhausted", "EXHAUSTED", 22),
    Column("received", "RECEIVED", 8, align="right"),
)


def _row(message: DlqMessage) -> TableRow:
    schedule = f"{message.group}/{message.name}" if message.name else "(not from Scheduler)"
    when = utc_text(message.scheduled_time) if message.scheduled_time else ""
    return TableRow(
        key=message.message_id,
        cells=(
            printable(schedule),
            when,
            printable(message.error_code or ""),
            "" if message.retry_attempts is None else str(message.retry_attempts),
            printable(message.exhausted_retry_condition or ""),
            "" if message.receive_count is None else str(message.receive_count),
        ),
        style="error" if message.error_code else "",
    )


def _details(message: DlqMessage) -> Table:
    table = label_table()
    for label, value in (
        ("Error", message.error_message),
        ("Error code", message.error_code),
        ("Exhausted", message.exhausted_retry_condition),
        ("Retry attempts", message.retry_attempts),
        ("Payload truncated", "yes" if message.is_payload_truncated else "no"),
        ("Scheduled time", message.scheduled_time),
        ("Schedule", message.schedule_arn),
        ("Target", message.target_arn),
        ("Execution id", message.execution_id),
        ("Message id", message.message_id),
    ):
        if value not in (None, ""):
            table.add_row(label, Text(printable(str(value))))
    body = pretty(message.body) or message.body
    table.add_row("Body", Text(printable(body, keep_newlines=True)))
    return table


def messages_by_schedule(messages: list[DlqMessage]) -> list[DlqMessage]:
    """Grouped by schedule, newest scheduled time first within each."""
    return sorted(
        messages,
        key=lambda m: (
            m.group or "",
            m.name or "",
            -(m.scheduled_time.timestamp() if m.scheduled_time else 0),
        ),
    )


class DlqMessagesScreen(AppScreen):
    DEFAULT_CSS = """
    DlqMessagesScreen #messages { height: 1fr; }
    DlqMessagesScreen #detail { height: 1fr; padding: 0 1; border-top: solid $panel; }
    DlqMessagesScreen #note { height: 1; padding: 0 1; color: $text-muted; }
    """
    KEYS = ("dlq_messages",)
    HELP_TITLE = "DLQ messages"

    def __init__(self, queue_arn: str, messages: list[DlqMessage]) -> None:
        super().__init__()
        self.queue_arn = queue_arn
        self.messages = messages_by_schedule(messages)

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(
            Text(
                printable(
                    f"{target_resource_name(self.queue_arn)}: {len(self.messages)} message(s) "
                    "peeked (left on the queue; their receive count went up)"
                )
            ),
            id="note",
        )
        yield VirtualTable(COLUMNS, id="messages")
        with VerticalScroll(id="detail"):
            yield Static(id="message")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#messages", VirtualTable)
        table.set_rows([_row(message) for message in self.messages])
        table.focus()
        self._show_selected()

    def on_virtual_table_cursor_moved(self, _: VirtualTable.CursorMoved) -> None:
        self._show_selected()

    def _selected(self) -> DlqMessage | None:
        key = self.query_one("#messages", VirtualTable).cursor_key
        return next((m for m in self.messages if m.message_id == key), None)

    def _show_selected(self) -> None:
        message = self._selected()
        panel = self.query_one("#message", Static)
        panel.update(_details(message) if message else Text("The queue is empty.", style="dim"))

    def on_virtual_table_row_selected(self, _: VirtualTable.RowSelected) -> None:
        self.action_go_to_schedule()

    def action_go_to_schedule(self) -> None:
        message = self._selected()
        if message is None or not message.name:
            return
        summary = self.session.store.find(message.group or "", message.name)
        if summary is not None:
            self.app.push_screen(DetailScreen(summary))
            return
        self.app.notify(
            f"{message.group}/{message.name} is not in the schedule list (deleted?)",
            severity="warning",
        )
