"""What both lists share: a header, a virtual table, the `/` filter, sorting and a status line
(the groups list is ``screens/groups.py``, the schedules list ``screens/schedules.py``)."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Input, Static

from schedtui.core.monitoring.failures import MISSING_DLQ, FailureFigures
from schedtui.core.schedules.rows import RowFilter, parse_filter
from schedtui.core.table import Column, Rows, TableRow
from schedtui.core.text import printable
from schedtui.ui.failures import fetch_failures
from schedtui.ui.heartbeat import Beat
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.widgets.key_footer import KeyFooter
from schedtui.ui.widgets.virtual_table import VirtualTable

LIST_CSS = """
TableScreen VirtualTable {
    height: 1fr;
    border-top: solid $panel-lighten-2;
    border-title-color: $text-muted;
}
TableScreen VirtualTable:focus {
    border-top: solid $accent;
    border-title-color: $foreground;
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


_BIG_LIST = 100_000  # schedules from which the filter waits for a longer pause in typing
_FAILURES_RETRY_SECONDS = 5.0  # before the first listing: no groups to ask about yet


class TableScreen(AppScreen):
    """A header, a virtual table, a `/` filter and a status line."""

    DEFAULT_CSS = LIST_CSS
    COLUMNS: tuple[Column, ...] = ()  # every column the rows carry
    NOUN = ""  # what the table lists, the first word of its title
    MARKABLE = False  # space marks rows: only where a bulk action uses them

    def __init__(self, filter_text: str = "", sort: tuple[str, bool] | None = None) -> None:
        super().__init__()
        # A command may open the list filtered and sorted (:failing): esc then goes back,
        # as the filter is the view the command asked for.
        self.filter_text = self.opened_with = filter_text
        self.row_filter = parse_filter(filter_text)
        self._initial_sort = sort
        self._filter_timer: Timer | None = None
        self._failures_busy = False
        self._failures_beat: Beat | None = None

    def compose(self) -> ComposeResult:
        yield self.header()
        yield VirtualTable(
            self.COLUMNS, shown=self.shown_columns(), markable=self.MARKABLE, id="table"
        )
        yield Input(
            self.filter_text,
            placeholder="filter: words, state:disabled group:NAME target:lambda tz:ZONE is:failing",
            id="filter",
            classes="open" if self.filter_text else "",
        )
        yield Static(id="status")
        yield KeyFooter()

    def shown_columns(self) -> tuple[str, ...] | None:
        """The keys of the columns shown, in order (the config file's); None: all."""
        return None

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#table", VirtualTable)

    @property
    def table_ready(self) -> bool:
        """The widgets exist. A screen just pushed is not composed yet (data arriving then
        waits for the rebuild its mount does), and quitting removes the widgets before the
        timers and callbacks that update them stop: both find nothing to update."""
        return bool(self.query("#table")) and bool(self.query("#status"))

    @property
    def filter_open(self) -> bool:
        return any(field.has_class("open") for field in self.query("#filter").results(Input))

    def on_mount(self) -> None:
        initial = self._initial_sort
        # A command's sort by a column the config leaves out: the list comes unsorted.
        if initial is not None and initial[0] in {c.key for c in self.table.columns}:
            self.table.sort_by(initial[0], reverse=initial[1])
        self.table.set_now(self.session.now())
        self.table.focus()
        self._fetch_failures_if_stale()
        self.reload()

    # -- the failure columns (GRP FAIL 1h, DLQ MSGS): a beat of their own ------------------

    def beats(self) -> list[Beat]:
        if self._failures_beat is None:
            seconds = self.session.options.monitor_refresh_seconds
            self._failures_beat = Beat(
                seconds, self.fetch_failures, busy=lambda: self._failures_busy
            )
        return [self._failures_beat]

    def _fetch_failures_if_stale(self) -> None:
        self.show_failures()
        figures = self.session.store.failures
        beat = self.beats()[0]
        stale = figures.as_of is None or (
            (self.session.now() - figures.as_of).total_seconds() >= beat.seconds
        )
        if stale and beat.seconds > 0:
            self.fetch_failures()

    def fetch_failures(self) -> None:
        if self._failures_busy:
            return
        beat = self.beats()[0]
        beat.ran()
        if not self.session.store.listed:
            # No groups or DLQs to ask about yet: try again in a few seconds.
            beat.last -= max(0.0, beat.seconds - _FAILURES_RETRY_SECONDS)
            return
        self._failures_busy = True
        store = self.session.store
        self._fetch_failures(sorted(store.groups), store.loading or not store.complete)

    @work(thread=True, group="failures")
    def _fetch_failures(self, groups: list[str], partial: bool) -> None:
        session = self.session
        figures = fetch_failures(session.backend, groups, session.now(), partial)
        self.app.call_from_thread(self._failures_arrived, figures)

    def _failures_arrived(self, figures: FailureFigures) -> None:
        self._failures_busy = False
        store = self.session.store
        store.failures = figures
        if self.table_ready:
            self.show_failures()
            self.failures_arrived()
        if figures.partial and store.complete and not store.loading and self.table_ready:
            # Read while definitions loaded, and the refresh finished meanwhile: again now,
            # with every DLQ (the sync asks too, but this read was then in flight).
            self.fetch_failures()

    def failures_arrived(self) -> None:
        """New failure figures are in the table (a list filtered by them re-filters)."""

    def show_failures(self) -> None:
        if not self.table_ready:
            return
        figures = self.session.store.failures
        self.table.set_lookup("group_failures", figures.group_failures)
        # A DLQ that does not exist says so in its cell (it sorts with the unknown ones).
        missing = dict.fromkeys(figures.missing_dlqs, MISSING_DLQ)
        self.table.set_lookup("dlq_depths", {**figures.dlq_depths, **missing})
        self.reload_status()

    def pauses_refresh(self) -> bool:
        """While the filter is being typed in; an applied filter (enter) keeps refreshing."""
        return any(field.has_focus for field in self.query("#filter").results(Input))

    def on_screen_resume(self) -> None:
        self.reload()

    # Subclasses provide the rows and what enter does.
    def rows(self) -> list[TableRow] | Rows:
        raise NotImplementedError

    def status_text(self, shown: int) -> str:
        raise NotImplementedError

    def details_change_nothing_but_cells(self) -> bool:
        """True when definitions arriving can only change cells here, not which rows show."""
        return True

    def reload_status(self) -> None:
        if self.table_ready:
            self._show_status(self.table.row_count)

    def reload(self) -> None:
        """Rebuild the visible list from the store (cheap: no widgets per row)."""
        if not self.table_ready:
            return
        if self.session.store.failures.as_of is None and self.session.store.listed:
            self.fetch_failures()  # the first listing is in: the figures need not wait
        rows = self.rows()
        table = self.table
        if not isinstance(rows, list):
            if rows is table.rows:
                table.repaint()  # the store gave the view shown back: only cells may differ
            else:
                table.set_rows(rows)
        elif len(rows) == table.row_count and {row.key for row in rows} == set(table.row_keys()):
            table.update_rows(rows)  # same rows (a refresh): repaint only the changed ones
        else:
            table.set_rows(rows)
        self._show_status(len(rows))

    def title_text(self) -> str:
        """The table's title: what it lists, where, sorted how, filtered by what."""
        parts = [self.NOUN, *self.title_scope()]
        table = self.table
        key = table.sort_column
        if key is not None:
            label = next(column.label for column in self.COLUMNS if column.key == key)
            parts.append(f"sorted by {label} {'▼' if table.sort_reverse else '▲'}")
        if self.filter_text.strip():
            parts.append(f"filter “{self.filter_text.strip()}”")
        return " · ".join(part for part in parts if part)

    def title_scope(self) -> list[str]:
        """What narrows the list besides the filter (a group)."""
        return []

    def show_title(self) -> None:
        if self.table_ready:
            # AWS text (a group) and the operator's filter: printable, never markup.
            self.table.border_title = Content(f" {printable(self.title_text())} ")

    def on_virtual_table_sort_changed(self, _: VirtualTable.SortChanged) -> None:
        self.show_title()

    def _show_status(self, shown: int) -> None:
        # status_text quotes AWS text (a group name): printable, and a Text, never markup.
        # One line each, cut at the edge (the most important words first).
        lines = [printable(self.status_text(shown)), printable(self.status_detail())]
        text = Text("\n".join(line for line in lines if line), no_wrap=True, overflow="ellipsis")
        self.query_one("#status", Static).update(text)
        self.show_title()

    def status_detail(self) -> str:
        """A second status line (the groups list's cost); empty: none."""
        return ""

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
        # A debounce: typing "state:disabled" filters once, not fourteen times. Longer over
        # a big account, where a first letter matches most of a million names (~0.3 s):
        # the field takes every key at once, the list follows when typing pauses.
        big = len(self.session.store) >= _BIG_LIST
        self._filter_timer = self.set_timer(0.15 if big else 0.05, self._apply_filter)

    def _apply_filter(self) -> None:
        self.row_filter = parse_filter(self.filter_text)
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.set_focus(self.table)

    def action_escape(self) -> None:
        field = self.query_one("#filter", Input)
        if self.opened_with and self.filter_text == self.opened_with:
            self.back()
        elif field.has_class("open") or self.filter_text:
            field.value = ""
            field.remove_class("open")
            self.filter_text = ""
            self.row_filter = RowFilter()
            self.reload()
            self.table.focus()
        else:
            self.back()
