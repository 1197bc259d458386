"""A keyboard-driven table that stays fast at 100,000+ rows.

Textual's `DataTable` builds per-row structures and takes 10-15 s to add 100k rows
(measured: the README's benchmarks). This table keeps the caller's rows in a plain list plus
a key -> position dict and renders only the lines on screen through the Line API
(`ScrollView.render_line`), the way Toolong renders multi-gigabyte logs. Replacing the whole
list (a filter, a refresh) is one O(n) pass with no widgets per row; scrolling re-renders
about a screenful of lines, most of them straight from an LRU cache.

Layout: a one-line header, then one line per row. Each line starts with a 2-cell gutter that
shows the mark glyph. Columns keep their minimum width, flexible columns share the spare
width, and cells longer than their column end in an ellipsis. When the columns do not fit,
the first column stays put and the rest scroll sideways a column at a time (left/right), so
the row's identity stays on screen; angle quotes in the header say columns are hidden.

Cell text is untrusted (it comes from AWS): it is passed through `printable()` and put into
Segments as plain strings, so markup such as `[bold]` and escape sequences are shown literally.

A "live" column (`Column.live`) holds values, not text: each is formatted against the table's
clock (`set_now`) as its line renders, e.g. an instant shown as "in 5m". Moving the clock
re-renders the lines on screen only, whatever the number of rows.

`shown` picks which of the rows' columns the table shows, in which order (the config file's
column sets): rows keep every cell, so a table showing fewer columns shares the store's rows
as they are, with no copy per row.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from schedtui.core.table import (
    GUTTER,
    NARROWEST,
    Column,
    ColumnPlan,
    ListRows,
    Rows,
    TableRow,
    column_widths,
    minimum_width,
    plan_columns,
    sort_value,
    surviving_position,
)
from schedtui.core.text import printable
from schedtui.ui.keys import bindings

ELLIPSIS = "…"
MARK_GLYPH = "●"
SORT_ASCENDING = "▲"
SORT_DESCENDING = "▼"
HIDDEN_LEFT = "\u2039"  # single left-pointing angle quotation mark
HIDDEN_RIGHT = "\u203a"  # single right-pointing angle quotation mark

_ROW_STYLE_CLASSES: dict[str, str] = {
    "dim": "virtual-table--dim",
    "warning": "virtual-table--warning",
    "error": "virtual-table--error",
}
# A screenful is ~50 lines; each row has up to four cached variants (cursor x mark), and a
# few screens of history make paging back and forth free.
_LINE_CACHE_SIZE = 1024


def fit(text: str, width: int, align: str = "left", cut: str = "end") -> str:
    """`text` (already printable) cut with an ellipsis or padded to exactly `width` cells.

    ``cut="middle"`` keeps both ends (``nightly-ex…west-1-prod``): siblings that share a
    long prefix differ in their tails."""
    if width <= 0:
        return ""
    # After printable() an ASCII string is one cell per character: skip the cell-width tables.
    length = len(text) if text.isascii() else cell_len(text)
    if length > width:
        if cut == "middle" and width >= 5:
            return _cut_middle(text, width)
        if text.isascii():
            return text[: width - 1] + ELLIPSIS
        # set_cell_size pads with a space when it would split a double-width character.
        return set_cell_size(text, width - 1) + ELLIPSIS
    padding = " " * (width - length)
    return padding + text if align == "right" else text + padding


def _cut_middle(text: str, width: int) -> str:
    head = (width - 1) // 2
    tail = width - 1 - head
    if text.isascii():
        return text[:head] + ELLIPSIS + text[-tail:]
    start = set_cell_size(text, head)
    # The longest ending of the text that fits `tail` cells, measured as it will be shown
    # (a variation selector or a combining mark counts with what it follows), and never
    # starting on a combining mark (it would land on the ellipsis); padded to `tail`.
    end = ""
    for size in range(1, len(text) + 1):
        candidate = text[-size:]
        if cell_len(candidate) > tail:
            break
        if not unicodedata.combining(candidate[0]) and candidate[0] != "\ufe0f":
            end = candidate
    return start + ELLIPSIS + " " * (tail - cell_len(end)) + end


def _last_cell_replaced(parts: list[tuple[str, bool]], glyph: str) -> list[tuple[str, bool]]:
    """``parts`` (each of exact cell width) with their last cell replaced by ``glyph``."""
    parts = list(parts)
    for index in range(len(parts) - 1, -1, -1):
        text, focused = parts[index]
        width = cell_len(text)
        if width:
            parts[index] = (set_cell_size(text, width - 1) + glyph, focused)
            break
    return parts


def lookup_text(value: object) -> str:
    """How a `lookup` column shows its figure: counts with thousands separators, amounts
    (floats) to two decimals, nothing known as a dash."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


@dataclass
class TableMessage(Message):
    """Something that happened in a table: ``control`` is the table, for ``@on`` selectors."""

    table: VirtualTable

    @property
    def control(self) -> VirtualTable:
        return self.table


class VirtualTable(ScrollView, can_focus=True):
    """A virtual, keyboard-driven table: only the visible lines are ever rendered."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--column",
        "virtual-table--cursor",
        "virtual-table--mark",
        "virtual-table--dim",
        "virtual-table--warning",
        "virtual-table--error",
    }

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        /* Sideways movement is by column (left/right), never by the terminal's scrollbar. */
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;

        & > .virtual-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .virtual-table--column {
            text-style: bold underline;
        }
        &:focus > .virtual-table--column {
            background: $accent 35%;
            text-style: bold underline;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .virtual-table--mark {
            color: $accent;
            text-style: bold;
        }
        & > .virtual-table--dim {
            color: $text-muted;
        }
        & > .virtual-table--warning {
            color: $text-warning;
        }
        & > .virtual-table--error {
            color: $text-error;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [*bindings("table"), *bindings("marks")]

    @dataclass
    class RowSelected(TableMessage):
        """Enter (or a double click) on a row."""

        key: str

    @dataclass
    class CursorMoved(TableMessage):
        """The cursor is on a different row (`key` is None when the table became empty)."""

        key: str | None

    @dataclass
    class MarksChanged(TableMessage):
        """The set of marked rows changed."""

        keys: frozenset[str]

    @dataclass
    class SortChanged(TableMessage):
        """The sort column or its direction changed (a key or a header click)."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        shown: Sequence[str] | None = None,
        markable: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``columns``: the rows' columns, cell for cell; ``shown``: the keys of those the
        table shows, in order (None: all of them, as they come); ``markable``: space marks
        rows (only where a bulk action uses the marks: a mark that does nothing misleads)."""
        super().__init__(name=name, id=id, classes=classes)
        self.markable = markable
        if not columns:
            raise ValueError("a table needs at least one column")
        positions = {column.key: index for index, column in enumerate(columns)}
        if len(positions) != len(columns):
            raise ValueError("column keys must be unique")
        keys = list(positions) if shown is None else list(shown)
        if not keys or len(set(keys)) != len(keys) or not set(keys) <= set(positions):
            raise ValueError(f"shown columns {keys!r}: each once, from {list(positions)!r}")
        # Shown column i is the rows' cell self._cell[i].
        self._cell: tuple[int, ...] = tuple(positions[key] for key in keys)
        self._columns: tuple[Column, ...] = tuple(columns[index] for index in self._cell)
        self._column_index = {column.key: index for index, column in enumerate(self._columns)}
        self._rows: Rows = ListRows([])
        self._cursor = 0
        self._marks: set[str] = set()
        self._sort_column: int | None = None
        self._sort_reverse = False
        self._first_scrolled = 1  # the leftmost column after the frozen first one
        self._focus_column = 0  # what `<`, `>` and `s` act on; left/right move it
        self._fixed: dict[int, int] = {}  # widths the operator set with < and >
        self._content: dict[int, int] = {}  # the longest cell of each `fit` column
        self._lookups: dict[str, Mapping[str, object]] = {}
        self._announced_key: str | None = None  # the key last sent in CursorMoved
        self._plan: ColumnPlan | None = None
        self._line_cache: LRUCache[tuple[str, bool, bool], Strip] = LRUCache(_LINE_CACHE_SIZE)
        self._style_cache: dict[tuple[str, bool, bool], Style] = {}
        self._header_cache: Strip | None = None
        self._now: datetime | None = None  # the clock live columns are shown against
        self.virtual_size = Size(minimum_width(self._columns), 1)

    # -- public API -----------------------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def rows(self) -> Rows:
        """What the table shows, in display order."""
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, None when the table is empty."""
        return self._rows.key(self._cursor) if len(self._rows) else None

    @property
    def cursor_row(self) -> TableRow | None:
        return self._rows[self._cursor] if len(self._rows) else None

    def row_keys(self) -> list[str]:
        """Every row key in display order (after filtering and sorting)."""
        return [self._rows.key(position) for position in range(len(self._rows))]

    def visible_keys(self) -> list[str]:
        """Keys of the rows on screen, top to bottom (what to fetch details for first)."""
        top = self.scroll_offset.y
        bottom = min(len(self._rows), top + self._page_height())
        return [self._rows.key(position) for position in range(top, bottom)]

    @property
    def sort_column(self) -> str | None:
        return None if self._sort_column is None else self._columns[self._sort_column].key

    @property
    def sort_reverse(self) -> bool:
        return self._sort_reverse

    @property
    def focus_column(self) -> str:
        """The key of the column that `<`, `>` and `s` act on."""
        return self._columns[self._focus_column].key

    def set_lookup(self, name: str, figures: Mapping[str, object]) -> None:
        """The figures of the `lookup` columns named ``name`` (see ``Column.lookup``): the
        lines on screen repaint, and a sort by such a column follows the new figures."""
        if self._lookups.get(name) == figures:
            return
        self._lookups[name] = dict(figures)
        self._line_cache.clear()
        sorted_by = None if self._sort_column is None else self._columns[self._sort_column]
        if sorted_by is not None and sorted_by.lookup == name:
            self._resort()
        self.refresh()

    @property
    def marks(self) -> set[str]:
        """The marked keys (a copy: assign to `marks` or use toggle_mark/clear_marks to change)."""
        return set(self._marks)

    @marks.setter
    def marks(self, keys: Iterable[str]) -> None:
        # Only rows on the list can be marked: a bulk action must never reach a hidden row.
        self._set_marks({key for key in keys if self._rows.position(key) is not None})

    def set_now(self, now: datetime) -> None:
        """Move the clock of the live columns: the lines on screen re-render."""
        if now == self._now:
            return
        self._now = now
        if any(column.live for column in self._columns):
            self._line_cache.clear()
            self.refresh()

    def cell_text(self, row: TableRow, column: int) -> str:
        """What a cell of shown column ``column`` shows (printable), live columns formatted
        against the clock."""
        cell = self._cell[column]
        if cell >= len(row.cells):
            return ""
        value = row.cells[cell]
        lookup = self._columns[column].lookup
        if lookup is not None:
            return printable(lookup_text(self._lookups.get(lookup, {}).get(value)))
        if not isinstance(value, str):
            live = self._columns[column].live
            now = self._now or datetime.now(UTC)
            value = live(value, now) if live is not None else str(value)
        return printable(value)

    def set_rows(self, rows: Sequence[TableRow] | Rows) -> None:
        """Replace the list (already filtered by the caller): a list of rows (one O(n) pass),
        or a view over a store that builds only the rows on screen (``Rows``).

        The cursor stays on its key when that row is still listed; otherwise it goes to the
        nearest row after it that survived (before it, failing that), the way an editor
        behaves when a line is deleted. The scroll position is kept while the cursor row is
        still on screen (a refresh); when it is not (a filter moved it far), the view follows
        it so it keeps its line on screen. Marks on rows no longer listed are dropped, so a
        bulk action only touches rows the operator can see. Call from the UI thread.
        """
        old_rows, old_cursor, old_key = self._rows, self._cursor, self.cursor_key
        old_line = old_cursor - self.scroll_offset.y
        new_rows: Rows = ListRows(rows) if isinstance(rows, list | tuple) else rows  # type: ignore[arg-type]
        if self._sort_column is not None:
            new_rows = self._sorted(new_rows)
        self._rows = new_rows
        self._measure_content()
        self._cursor = surviving_position(old_rows, old_cursor, old_key, new_rows)
        # Same keys may come back with new cells (a refresh): every cached line is suspect.
        self._line_cache.clear()
        self.virtual_size = Size(minimum_width(self._columns), len(new_rows) + 1)
        self._keep_cursor_line(old_line)
        self.refresh()
        if self._marks:
            self._set_marks({key for key in self._marks if new_rows.position(key) is not None})
        self._announce_cursor()

    def repaint(self) -> None:
        """The rows of a store view changed in place (definitions, next runs): the lines on
        screen render again, and a sorted table re-sorts (the store caches its orders)."""
        self._line_cache.clear()
        if self._sort_column is not None:
            self._resort()
        else:
            self.refresh()

    def update_rows(self, rows: Iterable[TableRow]) -> None:
        """Replace rows in place by key; only changed, visible lines repaint.

        Rows whose key is not listed are ignored (use set_rows to add rows). The order is
        kept unless the table is sorted by a column whose sort value changed.
        """
        current = self._rows
        if not isinstance(current, ListRows):
            raise TypeError("update_rows is for a list of rows; a store view repaints")
        rows = list(rows)
        sort_column = self._sort_column
        resort = False
        if sort_column is not None:
            cell = self._cell[sort_column]
            for row in rows:
                position = current.position(row.key)
                if position is not None and sort_value(current[position], cell) != sort_value(
                    row, cell
                ):
                    resort = True
                    break
        changed = current.replaced(rows)
        for position in changed:
            self._forget_lines(current.key(position))
        if resort:
            self._resort()
            return
        for position in changed:
            self._refresh_row(position)

    def sort_by(self, column_key: str, *, reverse: bool | None = None) -> None:
        """Sort by a column; `reverse=None` flips the direction when it is already the sort."""
        column = self._column_index.get(column_key)
        if column is None:
            raise KeyError(f"no column {column_key!r}")
        if reverse is None:
            reverse = not self._sort_reverse if column == self._sort_column else False
        self._sort_column, self._sort_reverse = column, reverse
        self._resort()
        self.post_message(self.SortChanged(self))

    def move_to(self, key: str) -> bool:
        """Put the cursor on `key`; False (cursor unchanged) when it is not listed."""
        position = self._rows.position(key)
        if position is None:
            return False
        self._move_cursor(position)
        return True

    def toggle_mark(self) -> None:
        """Mark or unmark the cursor row, then move down (so space space space marks a run)."""
        key = self.cursor_key
        if key is None or not self.markable:
            return
        marks = set(self._marks)
        marks.symmetric_difference_update((key,))
        self._set_marks(marks)
        self._move_cursor(self._cursor + 1)

    def clear_marks(self) -> None:
        self._set_marks(set())

    # -- actions --------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1)

    def action_cursor_page_up(self) -> None:
        page = self._page_height()
        self._move_cursor(self._cursor - page, scroll_by=-page)

    def action_cursor_page_down(self) -> None:
        page = self._page_height()
        self._move_cursor(self._cursor + page, scroll_by=page)

    def action_cursor_home(self) -> None:
        self._move_cursor(0)

    def action_cursor_end(self) -> None:
        self._move_cursor(len(self._rows) - 1)

    def action_column_left(self) -> None:
        self._focus(self._focus_column - 1)

    def action_column_right(self) -> None:
        self._focus(self._focus_column + 1)

    def action_narrow_column(self) -> None:
        self._resize_focused(-2)

    def action_widen_column(self) -> None:
        self._resize_focused(2)

    def action_sort_focused(self) -> None:
        """Sort by the focused column; on the column already sorted by, reverse."""
        self.sort_by(self.focus_column)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_mark":
            return self.markable
        return True

    def action_toggle_mark(self) -> None:
        self.toggle_mark()

    def action_select_row(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    # -- events ---------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column is not None:
                self._focus(column)
                self.sort_by(self._columns[column].key)
            return
        position = self.scroll_offset.y + offset.y - 1
        if 0 <= position < len(self._rows):
            self._move_cursor(position)
            if event.chain == 2:
                self.action_select_row()

    def on_resize(self, _: events.Resize) -> None:
        # A taller or shorter window can leave the cursor off screen.
        self._scroll_cursor_into_view()

    def notify_style_update(self) -> None:
        # A theme change or focus change (the cursor style differs when blurred) invalidates
        # every resolved style, hence every cached line.
        super().notify_style_update()
        self._style_cache.clear()
        self._line_cache.clear()
        self._header_cache = None
        self.refresh()

    # -- rendering ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        plan = self._current_plan()
        if y == 0:
            if self._header_cache is None:
                self._header_cache = self._render_header(plan)
            return self._header_cache
        position = self.scroll_offset.y + y - 1
        if position >= len(self._rows):
            return Strip.blank(plan.width, self.rich_style)
        key = self._rows.key(position)
        is_cursor = position == self._cursor
        is_marked = key in self._marks
        cache_key = (key, is_cursor, is_marked)
        strip = self._line_cache.get(cache_key)
        if strip is None:
            # A store view builds the row here: only lines on screen ever become objects.
            strip = self._render_row(plan, self._rows[position], is_cursor, is_marked)
            self._line_cache.set(cache_key, strip)
        return strip

    def _render_row(
        self, plan: ColumnPlan, row: TableRow, is_cursor: bool, is_marked: bool
    ) -> Strip:
        columns = self._columns
        parts = [MARK_GLYPH + " " if is_marked else "  "]
        for rank, (column, shown) in enumerate(plan.visible):
            if rank:
                parts.append(" ")
            spec = columns[column]
            parts.append(fit(self.cell_text(row, column), shown, spec.align, spec.cut))
        parts.append(" " * plan.padding)
        style = self._line_style(row.style, is_marked, is_cursor)
        return self._strip("".join(parts), plan.width, style)

    def _render_header(self, plan: ColumnPlan) -> Strip:
        # Parts of exact cell widths, so the focused column's label is styled by part (the
        # labels may hold non-ASCII: the sort arrow, an ellipsis, the hidden-column quotes).
        parts: list[tuple[str, bool]] = [(" " * GUTTER, False)]
        for rank, (column, shown) in enumerate(plan.visible):
            if rank:
                # The gap before the first scrolled column says "columns hidden to the left".
                parts.append((HIDDEN_LEFT if rank == 1 and plan.hidden_left else " ", False))
            parts.append((self._header_cell(column, shown), column == self._focus_column))
        parts.append((" " * plan.padding, False))
        if plan.hidden_right and plan.width > GUTTER:
            parts = _last_cell_replaced(parts, HIDDEN_RIGHT)
        style = self.rich_style + self._layer("virtual-table--header")
        if plan.width < GUTTER:
            return self._strip("".join(text for text, _ in parts), plan.width, style)
        strong = style + self._layer("virtual-table--column")
        segments = [Segment(text, strong if focused else style) for text, focused in parts if text]
        return Strip(segments, plan.width)

    def _header_cell(self, column: int, shown: int) -> str:
        spec = self._columns[column]
        label = printable(spec.label)
        if column != self._sort_column:
            return fit(label, shown, spec.align)
        arrow = SORT_DESCENDING if self._sort_reverse else SORT_ASCENDING
        length = cell_len(label)
        # The arrow must always show; the space before it and then the label give way.
        if length + 2 <= shown:
            label = f"{label} {arrow}"
        elif length + 1 <= shown:
            label = label + arrow
        else:
            label = fit(label, shown - 1) + arrow
        return fit(label, shown, spec.align)

    @staticmethod
    def _strip(text: str, width: int, style: Style) -> Strip:
        # Every part of a line is fitted to its exact cell width, so the line is exactly
        # `width` cells and need not be measured again (measuring non-ASCII text cell by
        # cell was a visible share of a page-down). Only a window narrower than the gutter
        # overflows.
        if width < GUTTER:
            text = set_cell_size(text, width)
        return Strip([Segment(text, style)], width)

    def _line_style(self, kind: str, marked: bool, cursor: bool) -> Style:
        key = (kind, marked, cursor)
        style = self._style_cache.get(key)
        if style is None:
            # Layered so a theme can style each aspect alone: row kind, then mark, then cursor.
            style = self.rich_style
            if kind in _ROW_STYLE_CLASSES:
                style += self._layer(_ROW_STYLE_CLASSES[kind])
            if marked:
                style += self._layer("virtual-table--mark")
            if cursor:
                style += self._layer("virtual-table--cursor")
            self._style_cache[key] = style
        return style

    def _layer(self, name: str) -> Style:
        """Only what the component class sets, with colours blended as Textual would."""
        partial = self.get_component_rich_style(name, partial=True)
        full = self.get_component_rich_style(name)
        # The full style resolves alpha ("$accent 30%") against the widget background but
        # also inherits the widget's colour, which would hide a row's own colour: keep a
        # colour only where the component sets one.
        return partial + Style(
            color=full.color if partial.color is not None else None,
            bgcolor=full.bgcolor if partial.bgcolor is not None else None,
        )

    def _current_plan(self) -> ColumnPlan:
        width = self.scrollable_content_region.width
        plan = self._plan
        if plan is None or plan.width != width:
            plan = self._plan = self._make_plan(width)
            self._line_cache.clear()
            self._header_cache = None
        return plan

    def _make_plan(self, width: int) -> ColumnPlan:
        widths = column_widths(self._columns, width, self._content, self._fixed)
        plan = plan_columns(widths, width, self._first_scrolled, self._focus_column)
        self._first_scrolled = plan.first_scrolled
        return plan

    def _replan(self) -> None:
        self._plan = None
        self._line_cache.clear()
        self._header_cache = None
        self.refresh()

    def _focus(self, column: int) -> None:
        """Focus a column; the columns scroll as little as it takes to show it whole."""
        column = max(0, min(column, len(self._columns) - 1))
        if column == self._focus_column:
            return
        self._focus_column = column
        if column == 0:
            # Back on the frozen column: show the columns from the left again.
            self._first_scrolled = 1
        self._replan()

    def _resize_focused(self, step: int) -> None:
        """`<` / `>`: the focused column, at the width it is shown, narrower or wider; from
        then on it keeps that width (it no longer shares spare width)."""
        column = self._focus_column
        shown = self._current_plan().widths[column]
        width = max(NARROWEST, shown + step)
        if width != shown:
            self._fixed[column] = width
            self._replan()

    def _measure_content(self) -> None:
        """The longest cell of each `fit` column (text cells: their length is their width
        after printable, close enough for sizing)."""
        self._content = {
            index: self._rows.longest(cell)
            for index, (column, cell) in enumerate(zip(self._columns, self._cell, strict=True))
            if column.fit
        }
        self._plan = None
        self._header_cache = None

    def _column_at(self, x: int) -> int | None:
        return self._current_plan().column_at(x)

    # -- cursor and scrolling -------------------------------------------------------------------

    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # minus the header line

    def _move_cursor(self, position: int, *, scroll_by: int = 0) -> None:
        if not len(self._rows):
            return
        position = max(0, min(position, len(self._rows) - 1))
        if scroll_by:
            # Paging moves the view with the cursor, so the cursor keeps its line on screen.
            self.scroll_to(y=self.scroll_offset.y + scroll_by, animate=False)
        old = self._cursor
        self._cursor = position
        if old != position:
            self._refresh_row(old)
            self._refresh_row(position)
        self._scroll_cursor_into_view()
        self._announce_cursor()

    def _scroll_cursor_into_view(self) -> None:
        if not self.size.height:
            return  # not laid out yet: on_resize does it
        top = self.scroll_offset.y
        page = self._page_height()
        if self._cursor < top:
            top = self._cursor
        elif self._cursor >= top + page:
            top = self._cursor - page + 1
        else:
            return
        self.scroll_to(y=top, animate=False)

    def _keep_cursor_line(self, line: int, *, always: bool = False) -> None:
        """After the rows changed under the cursor, put it back on screen line `line`.

        Unless `always`, the view only moves when the cursor left the screen: a refresh
        that shifts the cursor row by a line or two should not scroll the list.
        """
        if not self.size.height:
            return  # not laid out yet: on_resize does it
        top, page = self.scroll_offset.y, self._page_height()
        on_screen = top <= self._cursor < top + page
        if (always or not on_screen) and 0 <= line < page:
            self.scroll_to(y=max(0, self._cursor - line), animate=False)
        self._scroll_cursor_into_view()

    def _refresh_row(self, position: int) -> None:
        line = position - self.scroll_offset.y  # 0-based among the row lines
        if 0 <= line < self._page_height():
            self.refresh_line(position + 1)  # virtual line: the header is line 0

    def _announce_cursor(self) -> None:
        key = self.cursor_key
        if key != self._announced_key:
            self._announced_key = key
            self.post_message(self.CursorMoved(self, key))

    # -- sorting and marks ----------------------------------------------------------------------

    def _sorted(self, rows: Rows) -> Rows:
        assert self._sort_column is not None
        cell = self._cell[self._sort_column]
        lookup = self._columns[self._sort_column].lookup
        if lookup is None:
            return rows.sorted(cell, self._sort_reverse)
        return rows.sorted(cell, self._sort_reverse, self._lookups.get(lookup, {}).get)

    def _resort(self) -> None:
        key = self.cursor_key
        screen_line = self._cursor - self.scroll_offset.y
        self._rows = self._sorted(self._rows)
        if key is not None:
            self._cursor = self._rows.position(key) or 0
            self._keep_cursor_line(screen_line, always=True)
        # Cached lines stay valid (keyed by row, not position); the header arrow changed.
        self._header_cache = None
        self.refresh()

    def _set_marks(self, marks: set[str]) -> None:
        if marks == self._marks:
            return
        for key in marks ^ self._marks:
            position = self._rows.position(key)
            if position is not None:
                self._refresh_row(position)
        self._marks = marks
        self.post_message(self.MarksChanged(self, frozenset(marks)))

    def _forget_lines(self, key: str) -> None:
        for is_cursor in (False, True):
            for is_marked in (False, True):
                self._line_cache.discard((key, is_cursor, is_marked))
