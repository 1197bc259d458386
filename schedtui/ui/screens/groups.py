"""The first screen: every schedule group, with its schedule counts, cost and tags.

The INV/MO and USD/MO columns and the second status line are the next 30 days' invocations
and Scheduler bill (``core/fleet/cost.py``), counted from the store's columns in a worker
thread (100,000 schedules without building one Schedule), again when definitions changed
(at most every ``_COST_PAUSE`` seconds while they pour in) or the month moved on
(``_COST_EVERY``); the retries come from the groups' metrics, read again at the monitor's
refresh interval (as the failure columns are). The line is worded for its width
(``core/fleet/cost_line.py``): shorter words at 80 columns, never a cut price.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from time import monotonic
from typing import Final

from textual import work
from textual.widgets import Static

from schedtui.aws.errors import AwsError
from schedtui.core.fleet.cost import CostReport, columns_cost_report
from schedtui.core.fleet.cost_line import cost_line
from schedtui.core.schedules.store import GROUP_COLUMNS
from schedtui.core.table import TableRow
from schedtui.ui.flows.copy import copy_group_arn, copy_group_console_url
from schedtui.ui.flows.deletion import delete_group
from schedtui.ui.flows.groups import edit_group_tags, new_group
from schedtui.ui.screens.group_history import GroupHistoryScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.screens.table_screen import TableScreen
from schedtui.ui.widgets.virtual_table import VirtualTable

_COST_EVERY: Final = 60.0  # seconds: the month moves with the clock
_COST_PAUSE: Final = 2.0  # seconds between two counts while definitions arrive


class GroupsScreen(TableScreen):
    DEFAULT_CSS = "GroupsScreen #status { height: 2; }"  # the cost is the second line
    COLUMNS = GROUP_COLUMNS
    KEYS = ("list", "groups")
    HELP_TITLE = "Schedule groups"
    NOUN = "Schedule groups"

    def __init__(self, filter_text: str = "", sort: tuple[str, bool] | None = None) -> None:
        super().__init__(filter_text, sort)
        self.cost: CostReport | None = None
        self._cost_busy = False
        self._cost_version: tuple[int, ...] = ()  # columns.counted() at the last count
        self._cost_started = -_COST_EVERY  # monotonic seconds
        self._retries: dict[str, float] | None = None
        self._retries_read: datetime | None = None
        self._retries_problem = ""

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

    def status_detail(self) -> str:
        report = self.cost
        if report is None:
            return "Cost: counting…" if self.session.store.listed else ""
        # Worded for the line's width: at 80 columns shorter words, never a cut price.
        room = self.query_one("#status", Static).content_size.width or self.size.width - 2
        return cost_line(
            report,
            room,
            so_far=bool(report.unknown) or not self.session.store.complete,
            retries_unread=bool(self._retries_problem),
        )

    def on_resize(self) -> None:
        self.call_after_refresh(self.reload_status)  # the cost line's wording follows the width

    # -- cost: counted off the UI thread ---------------------------------------------------

    def reload(self) -> None:
        super().reload()
        self.count_cost_if_stale()

    def count_cost_if_stale(self) -> None:
        store = self.session.store
        if self._cost_busy or not self.table_ready or not store.listed:
            return
        elapsed = monotonic() - self._cost_started
        if store.columns.counted() == self._cost_version and elapsed < _COST_EVERY:
            return
        if elapsed < _COST_PAUSE:
            self.set_timer(_COST_PAUSE - elapsed, self.count_cost_if_stale)
            return
        self._cost_busy = True
        self._cost_started = monotonic()
        now = self.session.now()
        every = timedelta(seconds=self.session.options.monitor_refresh_seconds)
        read = self._retries_read
        stale = read is None or (every.total_seconds() > 0 and now - read >= every)
        self._count_cost(sorted(store.groups), store.columns.counted(), now, stale)

    @work(thread=True, group="cost")
    def _count_cost(
        self, groups: list[str], version: tuple[int, ...], now: datetime, metrics: bool
    ) -> None:
        retries, problem = self._retries, self._retries_problem
        if metrics:
            try:
                retries, problem = self.session.backend.metrics.retries_per_month(groups, now), ""
            except AwsError as error:
                retries, problem = None, str(error)
        report = columns_cost_report(self.session.store.columns, now, retries, groups)
        self.app.call_from_thread(self._cost_arrived, report, version, now, metrics, problem)

    def _cost_arrived(
        self,
        report: CostReport,
        version: tuple[int, ...],
        now: datetime,
        metrics: bool,
        problem: str,
    ) -> None:
        self._cost_busy = False
        self.cost, self._cost_version = report, version
        if metrics:
            self._retries_read, self._retries_problem = now, problem
            self._retries = None if problem else {g.group: g.retries for g in report.groups}
        if not (self.is_up and self.table_ready):
            return
        self.table.set_lookup(
            "group_invocations",
            {cost.group: round(cost.invocations + cost.retries) for cost in report.groups},
        )
        self.table.set_lookup("group_usd", {cost.group: cost.usd for cost in report.groups})
        self.reload_status()
        self.count_cost_if_stale()  # definitions arrived meanwhile: again (after a pause)

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
