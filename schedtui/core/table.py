"""What a table shows, as data: its columns and its rows, and the rules that place and
order them (no widget here).

The store builds rows in worker threads and keeps them; the virtual table
(``ui/widgets/virtual_table.py``) renders them with the layout and order computed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol


@dataclass(frozen=True, slots=True)
class Column:
    """One column: `width` is its minimum width in cells; `flex` columns share spare width.

    `live` formats a cell that is not text against the table's clock (see the module's
    docstring); text cells of a live column are shown as they are.

    `fit` sizes the column to its longest cell, up to ``FIT_SHARE`` of the table's width:
    names must be told apart, and siblings differ in their tails. `cut` says where a cell
    too long for its column loses characters: at the end, or in the middle (names keep
    their distinguishing tail).

    `reserve` (a flex column's): its minimum, or ``RESERVE_SHARE`` of the width if more, is
    set aside before any `fit` column grows, and they grow only into the room left, the
    widest giving way first. A column that is the row's point (the doctor's MESSAGE) then
    keeps its width on an 80-column terminal, where long kinds and names would otherwise
    push it off the right edge.

    `lookup` names a figure the table holds apart from its rows (``VirtualTable.set_lookup``):
    the cell is the key into it (a group, a queue), and the cell shows, and sorts by, the
    figure found there. Figures that change on their own clock (failures, queue depths)
    then never rebuild the rows.
    """

    key: str
    label: str
    width: int
    flex: bool = False
    align: Literal["left", "right"] = "left"
    live: Callable[[Any, datetime], str] | None = None
    fit: bool = False
    cut: Literal["end", "middle"] = "end"
    lookup: str | None = None
    reserve: bool = False

    def __post_init__(self) -> None:
        if self.width < 1:
            raise ValueError(f"column {self.key!r}: width must be at least 1, not {self.width}")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One row. `cells` are plain text shown literally (never parsed as markup), or for a
    live column a value its formatter takes.

    `sort_keys[i]` is the value column i sorts by (the cell text when missing); `None` sorts
    last in both directions. `style` picks a component class: "", "dim", "warning", "error".
    """

    key: str
    cells: tuple[Any, ...]
    sort_keys: tuple[Any, ...] = ()
    style: str = ""


GUTTER = 2  # the mark glyph and a space, before the first column
GAP = 1  # cells between two columns
FIT_SHARE = 0.45  # the most of the table's width a `fit` column takes for its content
RESERVE_SHARE = 0.4  # what a `reserve` column sets aside on a wide terminal (its minimum below)
NARROWEST = 3  # what `<` can narrow a column to: a letter and an ellipsis still tell a hint


def column_widths(
    columns: Sequence[Column],
    width: int,
    content: Mapping[int, int] | None = None,
    fixed: Mapping[int, int] | None = None,
) -> tuple[int, ...]:
    """The width of each column for a table `width` cells wide (gutter and gaps included).

    ``content``: the longest cell of each `fit` column, which then grows to it (never past
    ``FIT_SHARE`` of the width); ``fixed``: the widths the operator set with ``<`` and
    ``>``, kept as set (never below ``NARROWEST``, never flexed). Columns otherwise never go
    below their minimum (a truncated ARN is worse than a scrolled one); the spare width, if
    any, is shared evenly by the flexible columns, leftmost first for the remainder.
    """
    fixed = fixed or {}
    widths = [column.width for column in columns]
    for index, column in enumerate(columns):
        longest = (content or {}).get(index, 0)
        if column.fit and longest > widths[index]:
            widths[index] = max(widths[index], min(longest, int(width * FIT_SHARE)))
        if index in fixed:
            widths[index] = max(NARROWEST, fixed[index])
    if any(column.reserve for column in columns):
        for index, column in enumerate(columns):
            if column.reserve and index not in fixed:
                widths[index] = max(widths[index], int(width * RESERVE_SHARE))
        _give_way(columns, widths, width, fixed)
    spare = width - GUTTER - GAP * max(0, len(columns) - 1) - sum(widths)
    flexible = [i for i, column in enumerate(columns) if column.flex and i not in fixed]
    if spare > 0 and flexible:
        share, extra = divmod(spare, len(flexible))
        for rank, index in enumerate(flexible):
            widths[index] += share + (1 if rank < extra else 0)
    return tuple(widths)


def _give_way(
    columns: Sequence[Column], widths: list[int], width: int, fixed: Mapping[int, int]
) -> None:
    """Narrow the grown `fit` columns, the widest first, a cell at a time, until every
    column fits ``width`` or none has grown (the `reserve` columns' minimums are then
    whole); never below a column's minimum, never one the operator sized."""
    over = GUTTER + GAP * max(0, len(columns) - 1) + sum(widths) - width
    grown = [i for i, column in enumerate(columns) if column.fit and i not in fixed]
    while over > 0:
        shrinkable = [i for i in grown if widths[i] > columns[i].width]
        if not shrinkable:
            return
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
        over -= 1


def minimum_width(columns: Sequence[Column]) -> int:
    return GUTTER + sum(column.width for column in columns) + GAP * (len(columns) - 1)


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """Which columns are on screen, at which widths, for one (width, horizontal offset).

    The first column stays put; the others scroll sideways a column at a time, from
    ``first_scrolled``."""

    width: int
    widths: tuple[int, ...]  # every column's full width
    first_scrolled: int  # the leftmost column shown after the frozen first one
    visible: tuple[tuple[int, int], ...]  # (column index, cells shown) left to right
    hidden_left: bool
    hidden_right: bool
    padding: int  # blank cells after the last column

    def column_at(self, x: int) -> int | None:
        """The column under cell ``x`` of the line, None in the gutter, a gap or past the end."""
        left = GUTTER
        for rank, (column, shown) in enumerate(self.visible):
            left += GAP if rank else 0
            if left <= x < left + shown:
                return column
            left += shown
        return None


def plan_columns(
    widths: tuple[int, ...], width: int, first_scrolled: int, focus: int = 0
) -> ColumnPlan:
    """The layout of columns ``widths`` wide in a table ``width`` cells wide, scrolled to
    ``first_scrolled`` (kept within what is useful at this width: a wider window shows
    more) and then as little as it takes to show the ``focus`` column whole."""
    first_scrolled = max(1, min(first_scrolled, last_first_scrolled(widths, width)))
    if focus >= 1:
        first_scrolled = min(first_scrolled, focus)
        while first_scrolled < focus and not _shows_whole(widths, width, first_scrolled, focus):
            first_scrolled += 1
    room = width - GUTTER
    visible: list[tuple[int, int]] = []
    hidden_right = False
    for rank, column in enumerate([0, *range(first_scrolled, len(widths))]):
        available = room - (GAP if rank else 0)
        if available <= 0:
            hidden_right = True
            break
        shown = min(widths[column], available)
        visible.append((column, shown))
        room = available - shown
        if shown < widths[column]:
            hidden_right = True  # the right edge cuts this column
            break
    return ColumnPlan(
        width=width,
        widths=widths,
        first_scrolled=first_scrolled,
        visible=tuple(visible),
        hidden_left=first_scrolled > 1,
        hidden_right=hidden_right,
        padding=max(0, room),
    )


def _shows_whole(widths: tuple[int, ...], width: int, first_scrolled: int, column: int) -> bool:
    right = GUTTER + widths[0] + sum(GAP + widths[i] for i in range(first_scrolled, column + 1))
    return right <= width


def last_first_scrolled(widths: tuple[int, ...], width: int) -> int:
    """The largest useful horizontal offset: the first one that shows the last column whole."""
    count = len(widths)
    room = width - GUTTER - widths[0]
    first = count
    while first > 1 and room >= GAP + widths[first - 1]:
        room -= GAP + widths[first - 1]
        first -= 1
    # Even when the last column alone does not fit, offsets stop at it.
    return max(1, min(first, count - 1))


def sort_value(row: TableRow, column: int) -> Any:
    """What ``row`` sorts by in ``column``: its sort key, else its cell."""
    if column < len(row.sort_keys):
        return row.sort_keys[column]
    return row.cells[column] if column < len(row.cells) else ""


def sorted_rows(
    rows: list[TableRow],
    column: int,
    reverse: bool,
    value: Callable[[TableRow], Any] | None = None,
) -> list[TableRow]:
    """``rows`` ordered by ``column`` (or by ``value`` of each row, for a column whose
    figures live apart from the rows); rows whose value is None last in both directions."""
    # Sort positions by a flat list of keys: no (key, row) tuple per row, which at 100k
    # rows costs more than the sort itself (allocation and garbage-collector passes).
    if value is None:
        keys = [sort_value(row, column) for row in rows]
    else:
        keys = [value(row) for row in rows]
    order = list(range(len(rows)))
    missing: list[int] = []
    if None in keys:
        order = [position for position in order if keys[position] is not None]
        missing = [position for position, key in enumerate(keys) if key is None]
    try:
        order.sort(key=keys.__getitem__, reverse=reverse)
    except TypeError:
        # Mixed types in one column (a caller bug, or unexpected data): text order beats
        # a crash in the middle of an incident.
        order.sort(key=lambda position: str(keys[position]), reverse=reverse)
    return [rows[position] for position in order + missing]


class Rows(Protocol):
    """What a table shows, in display order: a plain list of rows (``ListRows``) or a view
    over a store that builds each row only when it is on screen (a million rows never
    exist as objects: ``core/schedules/store.py: StoreRows``)."""

    def __len__(self) -> int: ...

    def __getitem__(self, position: int) -> TableRow: ...

    def key(self, position: int) -> str: ...

    def position(self, key: str) -> int | None:
        """Where ``key`` is shown, None when it is not."""
        ...

    def longest(self, cell: int) -> int:
        """The length of the longest text in cell ``cell`` (a `fit` column sizes to it)."""
        ...

    def sorted(self, cell: int, reverse: bool, figure: Callable[[Any], Any] | None = None) -> Rows:
        """The same rows ordered by cell ``cell`` (see ``sorted_rows``; ``figure``: what a
        `lookup` column's cell value sorts by)."""
        ...


class ListRows:
    """Rows held as a list, for the tables that show hundreds, not millions."""

    def __init__(self, rows: Sequence[TableRow]) -> None:
        self.rows = list(rows)
        self.index = {row.key: position for position, row in enumerate(self.rows)}
        if len(self.index) != len(self.rows):
            raise ValueError("row keys must be unique")

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, position: int) -> TableRow:
        return self.rows[position]

    def key(self, position: int) -> str:
        return self.rows[position].key

    def position(self, key: str) -> int | None:
        return self.index.get(key)

    def longest(self, cell: int) -> int:
        return max(
            (
                len(row.cells[cell])
                for row in self.rows
                if cell < len(row.cells) and isinstance(row.cells[cell], str)
            ),
            default=0,
        )

    def sorted(
        self, cell: int, reverse: bool, figure: Callable[[Any], Any] | None = None
    ) -> ListRows:
        value = None if figure is None else (lambda row: figure(row.cells[cell]))
        return ListRows(sorted_rows(self.rows, cell, reverse, value))

    def replaced(self, rows: Iterable[TableRow]) -> list[int]:
        """Rows replaced in place by key (unknown keys ignored); the positions changed."""
        changed = []
        for row in rows:
            position = self.index.get(row.key)
            if position is not None and self.rows[position] != row:
                self.rows[position] = row
                changed.append(position)
        return changed


_SURVIVOR_SEARCH = 1_000  # rows looked at each side of a vanished cursor row


def surviving_position(old_rows: Rows, old_cursor: int, key: str | None, new_rows: Rows) -> int:
    """Where the cursor goes when the rows change: on its key when that row is still listed,
    else the nearest survivor after it, before it failing that, the way an editor behaves
    when a line is deleted (looked for among the nearest thousand on each side)."""
    count = len(new_rows)
    if not count:
        return 0
    if key is not None:
        found = new_rows.position(key)
        if found is not None:
            return found
        after = range(old_cursor + 1, min(len(old_rows), old_cursor + 1 + _SURVIVOR_SEARCH))
        before = range(old_cursor - 1, max(-1, old_cursor - 1 - _SURVIVOR_SEARCH), -1)
        for positions in (after, before):
            for position in positions:
                found = new_rows.position(old_rows.key(position))
                if found is not None:
                    return found
    return min(old_cursor, count - 1)
