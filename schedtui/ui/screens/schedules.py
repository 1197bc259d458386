"""The schedules list: every schedule (or one group's) with what fires next."""

from __future__ import annotations

from schedtui.core.monitoring.failures import FailureFigures
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.schedules.store import SCHEDULE_COLUMNS, StoreRows
from schedtui.core.text import printable
from schedtui.ui.flows.schedule_edit import open_create
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.schedule_actions import ScheduleActions, Seen
from schedtui.ui.screens.table_screen import TableScreen
from schedtui.ui.widgets.virtual_table import VirtualTable


def _pending_note(pending: int, loading: bool) -> str:
    if loading:
        return f" · details loading ({pending:,} left)"
    return f" · {pending:,} without details (the next refresh tries again)"


def _failures_note(figures: FailureFigures, asked: bool) -> str:
    """What the status line says about the failure columns' figures when they are not
    plainly there: not fetched yet, or partly unreadable; and the DLQs that do not exist."""
    if figures.as_of is None:
        return " · failures: reading…" if asked else ""
    note = ""
    if figures.missing_dlqs:
        names = sorted(printable(target_resource_name(arn)) for arn in figures.missing_dlqs)
        note += " · DLQ missing: " + ", ".join(names)
    if figures.problems:
        note += " · failure figures incomplete: " + "; ".join(figures.problems)
    return note


class SchedulesScreen(TableScreen, ScheduleActions):
    COLUMNS = SCHEDULE_COLUMNS
    KEYS = ("list", "schedules")
    HELP_TITLE = "Schedules"
    NOUN = "Schedules"
    MARKABLE = True  # t and ctrl+d act on the marked rows

    def __init__(
        self,
        group: str | None = None,
        filter_text: str = "",
        sort: tuple[str, bool] | None = None,
    ) -> None:
        super().__init__(filter_text, sort)
        self.group = group

    def shown_columns(self) -> tuple[str, ...] | None:
        return self.session.options.schedule_columns

    def title_scope(self) -> list[str]:
        return [f"group {self.group}" if self.group else "all groups"]

    def rows(self) -> StoreRows:
        shown = self.table.rows
        previous = shown if isinstance(shown, StoreRows) else None
        return self.session.store.view(self.group, self.row_filter, previous)

    def status_text(self, shown: int) -> str:
        # From the counts the columns keep: never a walk over the rows (a million of them).
        store = self.session.store
        counts = store.columns.group_counts(self.group)
        pending = counts.pending
        where = f"group {self.group}" if self.group else "all groups"
        marked = len(self.table.marks)
        total = f"{counts.total:,}" + ("" if store.complete else " listed so far")
        # The listing's state right after the counts it qualifies (a long line is cut).
        return (
            f"{where} · {shown:,} shown of {total}"
            + store.listing_note()
            + f" · {counts.enabled:,} enabled · {counts.disabled:,} disabled"
            + (f" · {marked} marked" if marked else "")
            + (_pending_note(pending, store.loading) if pending else "")
            + _failures_note(store.failures, self.row_filter.asks_failures)
        )

    def on_virtual_table_marks_changed(self, _: VirtualTable.MarksChanged) -> None:
        self.reload_status()

    def failures_arrived(self) -> None:
        if self.row_filter.asks_failures:
            self.reload()

    def details_change_nothing_but_cells(self) -> bool:
        return not self.row_filter.reads_definitions

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        summary = self.session.store.summary(event.key)
        if summary is not None:
            self.app.push_screen(DetailScreen(summary))

    def in_hand(self) -> list[Seen]:
        """The marked rows, or else the row under the cursor."""
        store = self.session.store
        keys = sorted(self.table.marks) if self.table.marks else [self.table.cursor_key]
        return [found for key in keys if key and (found := store.summary(key))]

    def current(self) -> ScheduleSummary | None:
        key = self.table.cursor_key
        return self.session.store.summary(key) if key else None

    def toggled(self) -> None:
        self.table.clear_marks()

    def deleted(self, arns: set[str]) -> None:
        self.table.marks = self.table.marks - arns  # a failed one stays marked

    def action_new(self) -> None:
        summary = self.current()
        open_create(self.host, self.group or (summary.group_name if summary else None))
