"""Messages peeked from one DLQ, batch by batch, grouped by schedule and error code, with a
jump to the schedule.

Each batch is one ReceiveMessage (up to 10 messages, visibility timeout 0: nothing is hidden
or deleted) and keeps only the messages no earlier batch brought; ``]`` receives the next
one (from the last batch; before that it just moves on), ``[`` goes back. The groups table
counts every message seen so far; the messages table shows the current batch.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from schedtui.aws.errors import AwsError
from schedtui.core.expressions.zones import utc_text
from schedtui.core.jsontext import pretty
from schedtui.core.monitoring.layout import Panel, allot, table_panel
from schedtui.core.monitoring.metrics import DlqMessage
from schedtui.core.monitoring.peek import (
    NO_REDRIVE_POLICY,
    MessageGroup,
    PeekLog,
    QueueFacts,
    Received,
    at_redrive_limit,
    message_groups,
    page_text,
    redrive_sentence,
)
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.table import Column, TableRow
from schedtui.core.text import printable
from schedtui.ui.flows.copy import copy_queue_arn, copy_queue_console_url
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import ConfirmScreen
from schedtui.ui.widgets.key_footer import KeyFooter
from schedtui.ui.widgets.label_table import label_table
from schedtui.ui.widgets.panel_stack import PanelStack
from schedtui.ui.widgets.virtual_table import VirtualTable

COLUMNS = (
    Column("schedule", "SCHEDULE", 30, flex=True, cut="middle"),
    Column("scheduled", "SCHEDULED (UTC)", 17),
    Column("error", "ERROR CODE", 24, flex=True),
    Column("retries", "RETRIES", 7, align="right"),
    Column("exhausted", "EXHAUSTED", 22),
    Column("received", "RECEIVED", 8, align="right"),
)
GROUP_COLUMNS = (
    Column("schedule", "SCHEDULE", 24, flex=True, cut="middle"),
    Column("error", "ERROR CODE", 20, flex=True),
    Column("seen", "SEEN", 5, align="right"),
    Column("newest", "NEWEST (UTC)", 16),
)
# The message pane (its top border included): at least DETAIL_FLOOR lines, and
# DETAIL_COMFORTABLE before the tables grow past five rows.
DETAIL_FLOOR = 4
DETAIL_COMFORTABLE = 8


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


def _group_row(group: MessageGroup) -> TableRow:
    return TableRow(
        key=group.key,
        cells=(
            printable(group.schedule),
            printable(group.error_code or ""),
            f"{group.count:,}",
            utc_text(group.newest) if group.newest else "",
        ),
        style="error" if group.error_code else "",
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
        ("Received", message.receive_count),
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
    DlqMessagesScreen #note {
        height: 2;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    DlqMessagesScreen #detail { height: 3; padding: 0 1; border-top: solid $panel; }
    """
    KEYS = ("dlq_messages",)
    HELP_TITLE = "DLQ messages"

    def __init__(self, queue_arn: str, facts: QueueFacts | None, log: PeekLog) -> None:
        super().__init__()
        self.queue_arn = queue_arn
        self.facts = facts
        self.peeked = log
        self.index = max(len(log.batches) - 1, 0)  # the batch shown
        self.messages: list[DlqMessage] = []
        self.groups: list[MessageGroup] = []
        self.receiving = False
        self._stack_height = 0

    def action_copy_arn(self) -> None:
        copy_queue_arn(self.host, self.queue_arn)

    def action_copy_console_url(self) -> None:
        copy_queue_console_url(self.host, self.queue_arn)

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="note")
        with PanelStack(self._relayout, id="panels"):
            yield VirtualTable(GROUP_COLUMNS, id="groups")
            yield VirtualTable(COLUMNS, id="messages")
            with VerticalScroll(id="detail"):
                yield Static(id="message")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show_batch()
        self.query_one("#messages", VirtualTable).focus()

    # -- what is shown --------------------------------------------------------------------------

    def _show_batch(self) -> None:
        self.messages = messages_by_schedule(self.peeked.batch(self.index))
        self.groups = message_groups(self.peeked.messages)
        self.query_one("#groups", VirtualTable).set_rows([_group_row(g) for g in self.groups])
        table = self.query_one("#messages", VirtualTable)
        table.set_rows([_row(message) for message in self.messages])
        if self.messages:
            table.move_to(self.messages[0].message_id)
        self._show_note()
        self._show_selected()
        self._relayout()

    def _show_note(self, doing: str = "") -> None:
        name = target_resource_name(self.queue_arn)
        first = f"{name} · {page_text(self.peeked, self.index, self.facts)}"
        if doing:
            first += f" · {doing}"
        if self.facts is not None:
            second = redrive_sentence(self.facts)
            limit = at_redrive_limit(self.peeked.messages.values(), self.facts.redrive)
            if limit:
                second = (
                    f"{limit} seen at the receive limit: the next receive may move them. " + second
                )
        else:
            second = "Redrive policy unknown (could not be read)."
        note = Text(no_wrap=True, overflow="ellipsis")
        note.append(printable(first) + "\n" + printable(second))
        self.query_one("#note", Static).update(note)

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        if event.control.id == "messages":
            self._show_selected()

    def _selected(self) -> DlqMessage | None:
        key = self.query_one("#messages", VirtualTable).cursor_key
        return next((m for m in self.messages if m.message_id == key), None)

    def _show_selected(self) -> None:
        message = self._selected()
        panel = self.query_one("#message", Static)
        if message is not None:
            panel.update(_details(message))
        elif not self.peeked.batches:
            panel.update(Text("The queue answered empty. ] receives again.", style="dim"))
        else:
            panel.update(Text("No message in this batch.", style="dim"))

    # -- layout ---------------------------------------------------------------------------------

    def _relayout(self, height: int | None = None) -> None:
        if height is not None:
            self._stack_height = height
        if self._stack_height <= 0:
            return
        focused = "groups" if self.focused is self.query_one("#groups") else "messages"
        other = "messages" if focused == "groups" else "groups"
        panels = [
            table_panel(focused, self.query_one(f"#{focused}", VirtualTable).row_count),
            table_panel(other, self.query_one(f"#{other}", VirtualTable).row_count),
            Panel(
                "detail",
                self._stack_height,
                floor=DETAIL_FLOOR,
                comfortable=DETAIL_COMFORTABLE,
            ),
        ]
        self.query_one("#panels", PanelStack).apply(
            allot(self._stack_height, panels, spare_to="detail")
        )

    def on_descendant_focus(self, _: events.DescendantFocus) -> None:
        self._relayout()

    # -- batches --------------------------------------------------------------------------------

    def action_previous_batch(self) -> None:
        if self.index > 0:
            self.index -= 1
            self._show_batch()
        else:
            self.app.notify("This is the first batch.")

    def action_next_batch(self) -> None:
        if self.index < len(self.peeked.batches) - 1:
            self.index += 1
            self._show_batch()
            return
        if self.receiving:
            return
        policy = self.facts.redrive if self.facts is not None else NO_REDRIVE_POLICY
        at_limit = at_redrive_limit(self.peeked.messages.values(), policy)
        if not at_limit:
            self._receive()
            return
        target = target_resource_name(policy.dead_letter_target_arn or "")
        body = Text(
            printable(
                f"{at_limit} of the messages seen have been received "
                f"{policy.max_receive_count} times, this queue's maxReceiveCount: SQS moves "
                f"a message received again to {target}. The next receive may move them "
                "out of this queue."
            )
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._receive()

        self.app.push_screen(
            ConfirmScreen("Receive the next batch anyway?", body, "Receive"), answered
        )

    def _receive(self) -> None:
        self.receiving = True
        self._show_note("receiving…")
        self._receive_batch()

    @work(thread=True, group="dlq-receive", exclusive=True)
    def _receive_batch(self) -> None:
        try:
            batch = self.session.backend.dlqs.receive(self.queue_arn)
        except AwsError as error:
            self.app.call_from_thread(self._receive_failed, error)
            return
        self.app.call_from_thread(self._received, batch)

    def _receive_failed(self, error: AwsError) -> None:
        self.receiving = False
        if not self.is_up:  # the operator went back while SQS answered
            return
        self._show_note()
        self.host.show_error(error)

    def _received(self, batch: list[DlqMessage]) -> None:
        self.receiving = False
        if not self.is_up:  # the operator went back while SQS answered
            return
        outcome: Received = self.peeked.add(batch)
        if outcome.new:
            self.index = len(self.peeked.batches) - 1
        elif outcome.returned:
            self.app.notify(
                f"That receive returned {outcome.returned} message(s), all seen already: SQS "
                "hands out a sample and may return the same ones again. ] tries again.",
            )
        else:
            self.app.notify("That receive returned no message: the queue may hold no more.")
        self._show_batch()  # receive counts went up, even with nothing new

    # -- going to a schedule ----------------------------------------------------------------------

    def on_virtual_table_row_selected(self, _: VirtualTable.RowSelected) -> None:
        self.action_go_to_schedule()

    def action_go_to_schedule(self) -> None:
        if self.focused is self.query_one("#groups"):
            key = self.query_one("#groups", VirtualTable).cursor_key
            group = next((g for g in self.groups if g.key == key), None)
            if group is None:
                return
            self._open(group.group, group.name)
            return
        message = self._selected()
        if message is not None:
            self._open(message.group, message.name)

    def _open(self, group: str | None, name: str | None) -> None:
        if not name:
            self.app.notify(
                "These messages name no schedule (no SCHEDULE_ARN): not sent by Scheduler.",
                severity="warning",
            )
            return
        summary = self.session.store.find(group or "", name)
        if summary is not None:
            self.app.push_screen(DetailScreen(summary))
            return
        self.app.notify(
            printable(f"{group}/{name} is not in the schedule list (deleted?)"),
            severity="warning",
        )
