"""The schedules list: every schedule (or one group's) with what fires next."""

from __future__ import annotations

from textual.binding import Binding

from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.ui.screens.lists import TableScreen
from schedtui.ui.store import SCHEDULE_COLUMNS
from schedtui.ui.widgets.virtual_table import TableRow, VirtualTable


def _pending_note(pending: int, loading: bool) -> str:
    if loading:
        return f" · details loading ({pending:,} left)"
    return f" · {pending:,} without details (the next refresh tries again)"


class SchedulesScreen(TableScreen):
    COLUMNS = SCHEDULE_COLUMNS
    HELP = [
        ("enter", "open the schedule"),
        ("t", "toggle ENABLED/DISABLED (all marked rows when any are marked)"),
        ("space", "mark / unmark the row"),
        ("ctrl+d", "delete (all marked rows when any are marked; typed confirmation)"),
        ("e", "edit the schedule in a form"),
        ("E", "edit the schedule as JSON in $EDITOR (vi when unset)"),
        ("n", "new schedule (in this group, or the cursor row's)"),
        ("c", "clone the schedule (to a new name and/or group: how a schedule moves)"),
        ("/", "filter: words, state:disabled group:NAME target:lambda tz:ZONE name:TEXT"),
        ("s / S", "sort by the next column / reverse"),
        ("esc", "clear the filter, then back"),
    ]
    BINDINGS = [
        Binding("t", "toggle", "Toggle", id="schedules.toggle"),
        Binding("space", "mark", "Mark", id="schedules.mark"),
        # Not in the footer, so that "? Help" still fits at 80 columns (help and README list it).
        Binding("ctrl+d", "delete", "Delete", show=False, id="schedules.delete"),
        Binding("e", "edit", "Edit", id="schedules.edit"),
        Binding("e", "view", "View", id="schedules.view"),
        Binding("E", "raw_edit", "Edit JSON", show=False, id="schedules.raw_edit"),
        Binding("n", "new", "New", show=False, id="schedules.new"),
        Binding("c", "clone", "Clone", show=False, id="schedules.clone"),
    ]

    def __init__(self, group: str | None = None) -> None:
        super().__init__()
        self.group = group

    def rows(self) -> list[TableRow]:
        return self.schedtui.store.visible(self.group, self.row_filter)

    def status_text(self, shown: int) -> str:
        store = self.schedtui.store
        rows = [r for r in store.rows.values() if self.group is None or r.group == self.group]
        disabled = sum(1 for row in rows if row.state == "DISABLED")
        pending = sum(1 for row in rows if not row.detailed)
        where = f"group {self.group}" if self.group else "all groups"
        marked = len(self.table.marks)
        total = f"{len(rows):,}" + ("" if store.complete else " listed so far")
        # The listing's state right after the counts it qualifies (a long line is cut).
        return (
            f"{where} · {shown:,} shown of {total}"
            + store.listing_note()
            + f" · {len(rows) - disabled:,} enabled · {disabled:,} disabled"
            + (f" · {marked} marked" if marked else "")
            + (_pending_note(pending, store.loading) if pending else "")
        )

    def action_mark(self) -> None:
        self.table.toggle_mark()

    def on_virtual_table_marks_changed(self, _: VirtualTable.MarksChanged) -> None:
        self.reload_status()

    def details_change_nothing_but_cells(self) -> bool:
        # Free words match the expression and tz: the zone, both known only from details.
        row_filter = self.row_filter
        return not row_filter.words and all(key != "tz" for key, _ in row_filter.terms)

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        from schedtui.ui.screens.detail import DetailScreen

        summary = self.schedtui.store.summary(event.key)
        if summary is not None:
            self.app.push_screen(DetailScreen(summary))

    def selected(self) -> list[ScheduleSummary]:
        """The marked rows, or else the row under the cursor."""
        store = self.schedtui.store
        keys = sorted(self.table.marks) if self.table.marks else [self.table.cursor_key]
        return [found for key in keys if key and (found := store.summary(key))]

    def cursor_summary(self) -> ScheduleSummary | None:
        key = self.table.cursor_key
        return self.schedtui.store.summary(key) if key else None

    def action_toggle(self) -> None:
        summaries = self.selected()
        if summaries:
            self.schedtui.toggle(summaries, on_done=self.table.clear_marks)

    def action_delete(self) -> None:
        from schedtui.ui.flows.deletion import delete_schedules

        def deleted(arns: set[str]) -> None:
            self.table.marks = self.table.marks - arns  # a failed one stays marked

        delete_schedules(self.schedtui, self.selected(), on_done=deleted)

    def action_view(self) -> None:
        """Read-only: the form opens as a viewer (nothing can be saved)."""
        self.action_edit()

    def action_edit(self) -> None:
        from schedtui.ui.flows.schedule_edit import open_edit

        summary = self.cursor_summary()
        if summary is not None:
            open_edit(self.schedtui, summary)

    def action_raw_edit(self) -> None:
        from schedtui.ui.flows.schedule_edit import open_raw_edit

        summary = self.cursor_summary()
        if summary is not None:
            open_raw_edit(self.schedtui, summary)

    def action_clone(self) -> None:
        from schedtui.ui.flows.schedule_edit import open_clone

        summary = self.cursor_summary()
        if summary is not None:
            open_clone(self.schedtui, summary)

    def action_new(self) -> None:
        from schedtui.ui.flows.schedule_edit import open_create

        summary = self.cursor_summary()
        open_create(self.schedtui, self.group or (summary.group_name if summary else None))
