"""The first screen: every schedule group, with its schedule counts and tags."""

from __future__ import annotations

from schedtui.core.schedules.store import GROUP_COLUMNS
from schedtui.core.table import TableRow
from schedtui.ui.flows.copy import copy_group_arn, copy_group_console_url
from schedtui.ui.flows.deletion import delete_group
from schedtui.ui.flows.groups import edit_group_tags, new_group
from schedtui.ui.screens.group_history import GroupHistoryScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.screens.table_screen import TableScreen
from schedtui.ui.widgets.virtual_table import VirtualTable


class GroupsScreen(TableScreen):
    COLUMNS = GROUP_COLUMNS
    KEYS = ("list", "groups")
    HELP_TITLE = "Schedule groups"
    NOUN = "Schedule groups"

    def shown_columns(self) -> tuple[str, ...] | None:
        return self.session.options.group_columns

    def rows(self) -> list[TableRow]:
        rows = self.session.store.group_table_rows()
        words = self.filter_text.lower().split()
        return [row for row in rows if all(word in row.key.lower() for word in words)]

    def status_text(self, shown: int) -> str:
        store = self.session.store
        counts = store.columns.total()
        total, disabled = counts.total, counts.disabled
        counted = f"{total:,} schedules" + ("" if store.complete else " listed so far")
        return (
            f"{shown} of {len(store.groups)} groups · {counted}"
            + store.listing_note()
            + f" ({total - disabled:,} enabled, {disabled:,} disabled)"
        )

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        self.app.push_screen(SchedulesScreen(group=event.key))

    def action_group_history(self) -> None:
        if name := self.table.cursor_key:
            self.app.push_screen(GroupHistoryScreen(name))

    def action_new_group(self) -> None:
        new_group(self.host)

    def action_view_group(self) -> None:
        self.action_edit_group()  # read-only: the form opens as a viewer

    def action_edit_group(self) -> None:
        if self.table.cursor_key:
            edit_group_tags(self.host, self.table.cursor_key)

    def action_delete_group(self) -> None:
        if self.table.cursor_key:
            delete_group(self.host, self.table.cursor_key)

    def action_copy_arn(self) -> None:
        if name := self.table.cursor_key:
            copy_group_arn(self.host, self._group_arn(name))

    def action_copy_console_url(self) -> None:
        if name := self.table.cursor_key:
            copy_group_console_url(self.host, name, self._group_arn(name))

    def _group_arn(self, name: str) -> str | None:
        group = self.session.store.groups.get(name)
        return group.arn if group else None
