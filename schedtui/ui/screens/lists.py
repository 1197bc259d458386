"""The two list screens: schedule groups, and schedules (all groups or one)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from schedtui.core.schedules.rows import RowFilter, parse_filter
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.store import GROUP_COLUMNS
from schedtui.ui.widgets.status_header import StatusHeader
from schedtui.ui.widgets.virtual_table import Column, TableRow, VirtualTable

LIST_CSS = """
TableScreen VirtualTable {
    height: 1fr;
}
TableScreen #filter {
    display: none;
    border: tall $accent;
}
TableScreen #filter.open {
    display: block;
}
TableScreen #status {
    height: 1;
    background: $panel;
    color: $text-muted;
    padding: 0 1;
}
"""


class TableScreen(AppScreen):
    """A header, a virtual table, a `/` filter and a status line."""

    DEFAULT_CSS = LIST_CSS
    COLUMNS: tuple[Column, ...] = ()
    HELP: list[tuple[str, str]] = []
    BINDINGS = [
        Binding("slash", "open_filter", "Filter", id="list.filter"),
        Binding("escape", "escape", "Back", show=False, id="list.escape"),
        Binding("s", "sort_next", "Sort", id="list.sort"),
        Binding("S", "sort_reverse", "Reverse", show=False, id="list.reverse"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.row_filter = RowFilter()
        self.filter_text = ""
        self._filter_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield StatusHeader(self.schedtui.header_info, self.schedtui.header_state)
        yield VirtualTable(self.COLUMNS, id="table")
        yield Input(
            placeholder="filter: words, state:disabled group:NAME target:lambda tz:ZONE",
            id="filter",
        )
        yield Static(id="status")
        yield Footer()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#table", VirtualTable)

    @property
    def filter_open(self) -> bool:
        return any(field.has_class("open") for field in self.query("#filter").results(Input))

    def on_mount(self) -> None:
        self.table.set_now(self.schedtui.now())
        self.table.focus()
        self.reload()

    def pauses_refresh(self) -> bool:
        return self.filter_open

    def on_screen_resume(self) -> None:
        self.reload()

    # Subclasses provide the rows and what enter does.
    def rows(self) -> list[TableRow]:
        raise NotImplementedError

    def status_text(self, shown: int) -> str:
        raise NotImplementedError

    def details_change_nothing_but_cells(self) -> bool:
        """True when definitions arriving can only change cells here, not which rows show."""
        return True

    def _torn_down(self) -> bool:
        """Quitting removes the widgets before the timers and callbacks that update them
        stop: those find nothing to update (a crash on the way out, seen in a busy run)."""
        return not self.query("#status")

    def reload_status(self) -> None:
        if self._torn_down():
            return
        self.query_one("#status", Static).update(Text(self.status_text(self.table.row_count)))

    def reload(self) -> None:
        """Rebuild the visible list from the store (cheap: no widgets per row)."""
        if self._torn_down():
            return
        rows = self.rows()
        table = self.table
        if len(rows) == table.row_count and {row.key for row in rows} == set(table.row_keys()):
            table.update_rows(rows)  # same rows (a refresh): repaint only the changed ones
        else:
            table.set_rows(rows)
        self.query_one("#status", Static).update(Text(self.status_text(len(rows))))

    # -- filter ---------------------------------------------------------------------------------

    def action_open_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("open")
        # Focus now, not after the queued keys: a burst like '/t' must never reach the
        # table, where 't' would start a toggle.
        self.set_focus(field)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "filter":
            return
        self.filter_text = event.value
        if self._filter_timer is not None:
            self._filter_timer.stop()
        # A short debounce: typing "state:disabled" filters once, not fourteen times.
        self._filter_timer = self.set_timer(0.05, self._apply_filter)

    def _apply_filter(self) -> None:
        self.row_filter = parse_filter(self.filter_text)
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.set_focus(self.table)

    def action_escape(self) -> None:
        field = self.query_one("#filter", Input)
        if field.has_class("open") or self.filter_text:
            field.value = ""
            field.remove_class("open")
            self.filter_text = ""
            self.row_filter = RowFilter()
            self.reload()
            self.table.focus()
        elif len(self.app.screen_stack) > 2:
            # Back, but never out: only q quits (an esc too many must not end the session).
            self.app.pop_screen()

    # -- sort -----------------------------------------------------------------------------------

    def _sort_position(self) -> int:
        """The current sort column (a header click may have changed it), -1 when unsorted."""
        keys = [column.key for column in self.COLUMNS]
        current = self.table.sort_column
        return keys.index(current) if current in keys else -1

    def action_sort_next(self) -> None:
        position = (self._sort_position() + 1) % len(self.COLUMNS)
        self.table.sort_by(self.COLUMNS[position].key, reverse=False)

    def action_sort_reverse(self) -> None:
        self.table.sort_by(self.COLUMNS[max(self._sort_position(), 0)].key)


class GroupsScreen(TableScreen):
    COLUMNS = GROUP_COLUMNS
    HELP = [
        ("enter", "open the group's schedules"),
        ("n", "new group, with tags"),
        ("e", "edit the group's tags (a viewer when read-only)"),
        ("ctrl+d", "delete the group and its schedules (type its name to confirm)"),
        ("/", "filter groups by name"),
        ("s / S", "sort by the next column / reverse"),
        ("q", "quit"),
    ]
    BINDINGS = [
        Binding("n", "new_group", "New", id="groups.new"),
        Binding("e", "edit_group", "Tags", id="groups.edit"),
        Binding("e", "view_group", "Tags", id="groups.view"),
        Binding("ctrl+d", "delete_group", "Delete", id="groups.delete"),
    ]

    def rows(self) -> list[TableRow]:
        rows = self.schedtui.store.group_table_rows()
        words = self.filter_text.lower().split()
        return [row for row in rows if all(word in row.key.lower() for word in words)]

    def status_text(self, shown: int) -> str:
        store = self.schedtui.store
        total = len(store.rows)
        disabled = sum(1 for row in store.rows.values() if row.state == "DISABLED")
        counted = f"{total:,} schedules" + ("" if store.complete else " listed so far")
        return (
            f"{shown} of {len(store.groups)} groups · {counted}"
            + store.listing_note()
            + f" ({total - disabled:,} enabled, {disabled:,} disabled)"
        )

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        from schedtui.ui.screens.schedules import SchedulesScreen

        self.app.push_screen(SchedulesScreen(group=event.key))

    def action_new_group(self) -> None:
        from schedtui.ui.flows.groups import new_group

        new_group(self.schedtui)

    def action_view_group(self) -> None:
        """Read-only: the tags form opens as a viewer."""
        self.action_edit_group()

    def action_edit_group(self) -> None:
        from schedtui.ui.flows.groups import edit_group_tags

        if self.table.cursor_key:
            edit_group_tags(self.schedtui, self.table.cursor_key)

    def action_delete_group(self) -> None:
        from schedtui.ui.flows.deletion import delete_group

        if self.table.cursor_key:
            delete_group(self.schedtui, self.table.cursor_key)
