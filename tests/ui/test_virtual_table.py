"""VirtualTable: keys, scrolling, filtering, in-place updates, sorting, marks, literal text."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual import on
from textual.app import App, ComposeResult
from textual.message import Message

from schedtui.core.table import GAP, GUTTER, Column, TableRow, column_widths
from schedtui.core.text import printable
from schedtui.ui.widgets.virtual_table import (
    HIDDEN_LEFT,
    HIDDEN_RIGHT,
    MARK_GLYPH,
    VirtualTable,
    fit,
)

SIZE = (80, 24)
COLUMNS = (
    Column("name", "NAME", 20, flex=True),
    Column("state", "STATE", 8),
    Column("count", "COUNT", 6, align="right"),
)


def make_row(number: int, *, name: str | None = None, count: int | None = None) -> TableRow:
    value = number if count is None else count
    return TableRow(
        key=f"arn:{number}",
        cells=(name or f"schedule-{number:06d}", "ENABLED", str(value)),
        sort_keys=(name or f"schedule-{number:06d}", "ENABLED", value),
    )


def make_rows(count: int) -> list[TableRow]:
    return [make_row(number) for number in range(count)]


class TableApp(App[None]):
    """A bare app hosting one focused table, recording the messages it sends."""

    def __init__(
        self,
        rows: Sequence[TableRow],
        columns: Sequence[Column] = COLUMNS,
        *,
        markable: bool = True,
    ) -> None:
        super().__init__()
        self.initial_rows = rows
        self.columns = columns
        self.markable = markable
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield VirtualTable(self.columns, markable=self.markable, id="table")

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.set_rows(self.initial_rows)
        table.focus()

    @on(VirtualTable.RowSelected)
    @on(VirtualTable.CursorMoved)
    @on(VirtualTable.MarksChanged)
    def record(self, message: Message) -> None:
        self.messages.append(message)

    def sent(self, kind: type[Message]) -> list[Any]:
        return [message for message in self.messages if isinstance(message, kind)]

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)


def lines(table: VirtualTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def page(table: VirtualTable) -> int:
    return table.scrollable_content_region.height - 1


# -- pure helpers ---------------------------------------------------------------------------------


def test_flexible_columns_share_the_spare_width() -> None:
    # 80 - gutter 2 - gaps 2 - minimums 34 = 42 spare, all to the single flex column.
    assert column_widths(COLUMNS, 80) == (62, 8, 6)
    two_flex = (Column("a", "A", 10, flex=True), Column("b", "B", 10, flex=True))
    assert column_widths(two_flex, 26) == (12, 11)  # 3 spare: leftmost gets the remainder
    assert column_widths(COLUMNS, 20) == (20, 8, 6)  # never below the minimum


@pytest.mark.parametrize(
    ("text", "width", "align", "expected"),
    [
        ("abcdef", 4, "left", "abc…"),
        ("abc", 5, "left", "abc  "),
        ("abc", 5, "right", "  abc"),
        ("日本語", 4, "left", "日 …"),  # a wide character is never split in half
        ("日本語", 6, "left", "日本語"),
        ("x", 0, "left", ""),
    ],
)
def test_fit_truncates_with_an_ellipsis_and_pads(
    text: str, width: int, align: str, expected: str
) -> None:
    assert fit(text, width, align) == expected
    assert cell_len(fit(text, width, align)) == width


@given(st.text(), st.integers(min_value=0, max_value=40), st.sampled_from(["left", "right"]))
def test_fit_is_always_exactly_the_width(text: str, width: int, align: str) -> None:
    assert cell_len(fit(printable(text), width, align)) == width


@given(
    st.lists(
        st.builds(Column, st.just("c"), st.just("C"), st.integers(1, 30), st.booleans()),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=GUTTER, max_value=200),
    st.integers(min_value=-3, max_value=15),
    st.integers(min_value=0, max_value=11),
    st.dictionaries(st.integers(0, 11), st.integers(-5, 60), max_size=4),
)
def test_the_layout_fills_each_line_exactly(
    columns: list[Column], width: int, scroll: int, focus: int, fixed: dict[int, int]
) -> None:
    # Lines are not measured when rendered (for speed): the plan must add up to the width,
    # whatever column is focused and whatever widths the operator set.
    table = VirtualTable([replace(column, key=str(n)) for n, column in enumerate(columns)])
    table._first_scrolled = scroll
    table._focus_column = min(focus, len(columns) - 1)
    table._fixed = {key: value for key, value in fixed.items() if key < len(columns)}
    plan = table._make_plan(width)
    shown = sum(cells for _, cells in plan.visible)
    assert GUTTER + shown + GAP * max(0, len(plan.visible) - 1) + plan.padding == width
    assert plan.visible[:1] in ((), ((0, min(plan.widths[0], width - GUTTER)),))
    assert 1 <= table._first_scrolled <= max(1, len(columns) - 1)
    focused = table._focus_column
    if focused and width >= GUTTER + plan.widths[0] + GAP + plan.widths[focused]:
        assert focused in [column for column, _ in plan.visible]  # the focus is on screen


def test_a_fit_column_grows_to_its_longest_cell_up_to_a_share_of_the_width() -> None:
    columns = (Column("name", "NAME", 10, flex=True, fit=True), Column("s", "S", 8))
    assert column_widths(columns, 100, {0: 30})[0] >= 30  # room: the whole name
    assert column_widths(columns, 40, {0: 30}) == (29, 8)  # no room: spare width only
    # A fixed width (< and >) wins over the content and no longer flexes.
    assert column_widths(columns, 100, {0: 30}, {0: 12}) == (12, 8)
    assert column_widths(columns, 100, {}, {1: 1})[1] == 3  # never below three cells


def test_a_reserved_column_keeps_its_minimum_and_the_widest_fit_column_gives_way() -> None:
    columns = (
        Column("level", "LEVEL", 8),
        Column("kind", "KIND", 12, fit=True),
        Column("name", "NAME", 16, fit=True),
        Column("text", "TEXT", 30, flex=True, reserve=True),
    )
    long_cells = {1: 25, 2: 35}
    # 80 cells: 2 + 3 gaps + 8 + 32 (the text's 40% share) leave 35 for kind and name; the
    # name (widest) gives way first, then both a cell at a time (a tie: the leftmost).
    assert column_widths(columns, 80, long_cells) == (8, 17, 18, 32)
    # 120 cells: the text keeps 48 (40%), the name gives a cell for it.
    assert column_widths(columns, 120, long_cells) == (8, 25, 34, 48)
    # Room enough: the fit columns grow whole and the text takes the rest.
    assert column_widths(columns, 140, long_cells) == (8, 25, 35, 67)
    # Too narrow for the minimums: nothing below them (the table scrolls sideways).
    assert column_widths(columns, 50, long_cells) == (8, 12, 16, 30)
    # A width the operator set (< and >) is kept; the other fit column gives way alone.
    assert column_widths(columns, 80, long_cells, {2: 30}) == (8, 12, 30, 32)
    # Without `reserve` the fit columns grow as before and push the text off the edge.
    plain = (*columns[:3], Column("text", "TEXT", 30, flex=True))
    assert column_widths(plain, 80, long_cells) == (8, 25, 35, 30)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("nightly-export-eu-west-1-prod-a", 15, "nightly…-prod-a"),
        ("nightly-export-eu-west-1-prod-b", 15, "nightly…-prod-b"),
        ("short", 15, "short          "),
        ("abcdef", 4, "abc…"),  # too narrow for both ends: the end is cut
    ],
)
def test_a_middle_cut_keeps_both_ends(text: str, width: int, expected: str) -> None:
    assert fit(text, width, cut="middle") == expected


@given(st.text(min_size=0, max_size=60), st.integers(min_value=0, max_value=40))
def test_a_middle_cut_is_always_exactly_the_width(text: str, width: int) -> None:
    assert cell_len(fit(printable(text), width, cut="middle")) == width


@pytest.mark.parametrize("width", [8, 11, 20])
def test_a_middle_cut_of_emoji_and_combining_marks_keeps_the_width(width: int) -> None:
    # A variation selector measured on reversed text made the row a cell too wide, and a
    # combining mark landed on the ellipsis.
    for text in ("emoji-🔥🔥🔥-" + "x" * 20 + "-❤️xyz", "café" * 6 + "\u0301tail"):
        cut = fit(text, width, cut="middle")
        assert cell_len(cut) == width
        assert not unicodedata.combining(cut[cut.index("…") + 1])


# -- navigation -----------------------------------------------------------------------------------


async def test_keys_move_the_cursor_and_scroll() -> None:
    app = TableApp(make_rows(200))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        assert table.cursor_key == "arn:0"
        await pilot.press("down", "j", "j")
        assert table.cursor_key == "arn:3"
        await pilot.press("up", "k")
        assert table.cursor_key == "arn:1"
        assert table.scroll_offset.y == 0

        rows_on_screen = page(table)
        await pilot.press("pagedown")
        assert table.cursor_key == f"arn:{1 + rows_on_screen}"
        # Paging moves the view with the cursor: it keeps its line on screen.
        assert table.scroll_offset.y == rows_on_screen
        await pilot.press("pageup")
        assert (table.cursor_key, table.scroll_offset.y) == ("arn:1", 0)

        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == "arn:199"
        assert table.scroll_offset.y == 200 - rows_on_screen
        assert table.visible_keys() == [f"arn:{n}" for n in range(200 - rows_on_screen, 200)]
        assert lines(table)[-1].strip().startswith("schedule-000199")
        await pilot.press("down")  # stays on the last row
        assert table.cursor_key == "arn:199"

        await pilot.press("home")
        await pilot.pause()
        assert (table.cursor_key, table.scroll_offset.y) == ("arn:0", 0)
        # Walking off the bottom of the screen scrolls one line at a time.
        table.move_to(f"arn:{rows_on_screen - 2}")  # the last row line but one: no scroll
        assert table.scroll_offset.y == 0
        await pilot.press("down", "down")
        assert table.scroll_offset.y == 1
        await pilot.pause()
        assert lines(table)[1].strip().startswith("schedule-000001")
        moved = [message.key for message in app.sent(VirtualTable.CursorMoved)]
        assert moved[0] == "arn:0"
        assert moved[-1] == f"arn:{rows_on_screen}"


async def test_the_header_stays_and_the_cursor_line_is_highlighted() -> None:
    app = TableApp(make_rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.press("pagedown", "pagedown")
        await pilot.pause()
        screen = lines(table)
        assert screen[0].split() == ["NAME", "STATE", "COUNT"]
        cursor_style = table.get_component_rich_style("virtual-table--cursor")
        cursor_line = table._cursor - table.scroll_offset.y + 1
        assert (
            table.render_line(cursor_line).text.strip().startswith(f"schedule-{table._cursor:06d}")
        )
        assert next(iter(table.render_line(cursor_line))).style.bgcolor == cursor_style.bgcolor
        assert next(iter(table.render_line(cursor_line + 1))).style.bgcolor != cursor_style.bgcolor


async def test_cached_lines_follow_focus_and_theme_changes() -> None:
    app = TableApp(make_rows(5))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()

        def first_style(y: int) -> Any:
            return next(iter(table.render_line(y))).style

        focused, header = first_style(1), first_style(0)
        table.blur()
        await pilot.pause()
        assert first_style(1) != focused  # the blurred cursor is quieter
        table.focus()
        await pilot.pause()
        assert first_style(1) == focused
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert first_style(0).bgcolor != header.bgcolor


async def test_click_moves_the_cursor_and_a_header_click_sorts() -> None:
    app = TableApp(make_rows(30))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.click(VirtualTable, offset=(5, 4))  # the fourth row line
        assert table.cursor_key == "arn:3"
        await pilot.click(VirtualTable, offset=(5, 0))  # NAME header
        await pilot.click(VirtualTable, offset=(5, 0))
        assert (table.sort_column, table.sort_reverse) == ("name", True)
        assert table.cursor_key == "arn:3"


# -- set_rows: the filter and refresh path -------------------------------------------------------


async def test_set_rows_keeps_the_cursor_key_and_the_scroll_position() -> None:
    app = TableApp(make_rows(1000))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        assert table.move_to("arn:500")
        await pilot.pause()
        top = table.scroll_offset.y
        cursor_line = 500 - top + 1  # the header is line 0
        assert lines(table)[cursor_line].strip().startswith("schedule-000500")
        # A refresh where rows above the cursor vanished: the cursor follows its key...
        table.set_rows([row for row in make_rows(1000) if row.key != "arn:10"])
        await pilot.pause()
        assert table.cursor_key == "arn:500"
        assert table.scroll_offset.y == top  # ...and the view does not jump
        assert table.row_count == 999
        # Same view, one row fewer above: the cursor row moved up a line, its key kept.
        assert lines(table)[cursor_line - 1].strip().startswith("schedule-000500")
        assert lines(table)[cursor_line].strip().startswith("schedule-000501")

        # A filter that keeps even rows only: the cursor row is still there, far from the
        # view; the view follows so the cursor keeps its line on screen.
        table.set_rows([row for row in make_rows(1000) if int(row.key[4:]) % 2 == 0])
        await pilot.pause()
        assert table.cursor_key == "arn:500"
        assert table.row_count == 500
        assert lines(table)[cursor_line - 1].strip().startswith("schedule-000500")


async def test_set_rows_falls_back_to_the_next_surviving_row() -> None:
    app = TableApp(make_rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.move_to("arn:41")
        # The cursor row is filtered out: the next row that survived takes the cursor.
        table.set_rows([row for row in make_rows(100) if int(row.key[4:]) % 10 == 0])
        await pilot.pause()
        assert table.cursor_key == "arn:50"
        # Nothing after it survives: the nearest one before it.
        table.move_to("arn:90")
        table.set_rows([make_row(number) for number in (10, 20, 30)])
        assert table.cursor_key == "arn:30"
        # Empty, then filled again.
        table.set_rows([])
        assert (table.cursor_key, table.row_count) == (None, 0)
        await pilot.press("down", "space", "enter")  # harmless on an empty table
        table.set_rows(make_rows(5))
        assert table.cursor_key == "arn:0"
        await pilot.pause()
        moved = [message.key for message in app.sent(VirtualTable.CursorMoved)]
        assert moved[-4:] == ["arn:90", "arn:30", None, "arn:0"]
        assert app.sent(VirtualTable.RowSelected) == []


async def test_set_rows_rejects_duplicate_keys() -> None:
    app = TableApp([])
    async with app.run_test(size=SIZE):
        with pytest.raises(ValueError, match="unique"):
            app.table.set_rows([make_row(1), make_row(1)])


# -- update_rows ----------------------------------------------------------------------------------


async def test_update_rows_repaints_only_changed_visible_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = TableApp(make_rows(100))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        assert "schedule-000002" in lines(table)[3]
        refreshed: list[int] = []
        original = table.refresh_line
        monkeypatch.setattr(table, "refresh_line", lambda y: (refreshed.append(y), original(y))[1])
        table.update_rows(
            [
                make_row(2, name="renamed-two", count=7),  # visible, changed
                make_row(3),  # visible, unchanged
                make_row(90, name="renamed-ninety"),  # off screen, changed
                make_row(5000),  # not listed: ignored
            ]
        )
        assert refreshed == [3]  # virtual line of row 2 (the header is line 0)
        await pilot.pause()
        screen = lines(table)
        assert screen[3].split() == ["renamed-two", "ENABLED", "7"]
        assert "schedule-000003" in screen[4]
        assert table.row_count == 100
        await pilot.press("end")
        await pilot.pause()
        assert any("renamed-ninety" in line for line in lines(table))


async def test_update_rows_resorts_only_when_the_sort_value_changed() -> None:
    app = TableApp(make_rows(50))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.sort_by("count")
        table.move_to("arn:10")
        table.update_rows([make_row(10, name="same-count-new-name")])  # name is not the sort
        assert table._rows[10].key == "arn:10"
        table.update_rows([make_row(10, count=-1)])  # now the smallest count
        assert table._rows[0].key == "arn:10"
        assert table.cursor_key == "arn:10"  # the cursor followed its row
        await pilot.pause()
        assert lines(table)[1].split() == ["schedule-000010", "ENABLED", "-1"]


# -- sorting --------------------------------------------------------------------------------------


async def test_sort_toggles_shows_the_arrow_and_keeps_the_cursor_row() -> None:
    rows = [make_row(number, count=(number * 7) % 30) for number in range(30)]
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        table.move_to("arn:4")  # count 28
        table.sort_by("count")
        await pilot.pause()
        counts = [int(row.cells[2]) for row in table._rows]
        assert counts == sorted(counts)
        assert lines(table)[0].split()[-1] == "COUNT▲"  # a tight column drops the space
        assert table.cursor_key == "arn:4"

        table.sort_by("count")  # same column again: reversed
        await pilot.pause()
        assert [int(row.cells[2]) for row in table._rows] == sorted(counts, reverse=True)
        assert lines(table)[0].split()[-1] == "COUNT▼"
        assert table.cursor_key == "arn:4"
        cursor_line = table._cursor - table.scroll_offset.y + 1
        assert table.render_line(cursor_line).text.split()[0] == "schedule-000004"

        table.sort_by("name", reverse=False)  # another column starts ascending
        assert (table.sort_column, table.sort_reverse) == ("name", False)
        assert table.render_line(0).text.split()[:2] == ["NAME", "▲"]
        assert "▼" not in table.render_line(0).text
        # The active sort applies to later lists too.
        table.set_rows(list(reversed(rows)))
        assert [row.key for row in table._rows] == [f"arn:{number}" for number in range(30)]
        with pytest.raises(KeyError):
            table.sort_by("nope")


async def test_none_sorts_last_both_ways_and_mixed_types_do_not_crash() -> None:
    rows = [
        TableRow("a", ("a", "", ""), sort_keys=("a", None, 3)),
        TableRow("b", ("b", "", ""), sort_keys=("b", 2, "text")),
        TableRow("c", ("c", "", ""), sort_keys=("c", 1, 1)),
    ]
    app = TableApp(rows)
    async with app.run_test(size=SIZE):
        table = app.table
        table.sort_by("state")
        assert [row.key for row in table._rows] == ["c", "b", "a"]
        table.sort_by("state")
        assert [row.key for row in table._rows] == ["b", "c", "a"]
        table.sort_by("count")  # int and str in one column: falls back to text order
        assert [row.key for row in table._rows] == ["c", "a", "b"]


# -- marks and selection --------------------------------------------------------------------------


async def test_space_toggles_marks_and_moves_down() -> None:
    app = TableApp(make_rows(10))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.press("space", "space")
        assert table.marks == {"arn:0", "arn:1"}
        assert table.cursor_key == "arn:2"
        await pilot.press("up", "space")  # unmark arn:1
        assert table.marks == {"arn:0"}
        await pilot.pause()
        screen = lines(table)
        assert screen[1].startswith(MARK_GLYPH + " schedule-000000")
        assert screen[2].startswith("  schedule-000001")
        changes = [message.keys for message in app.sent(VirtualTable.MarksChanged)]
        assert changes == [
            frozenset({"arn:0"}),
            frozenset({"arn:0", "arn:1"}),
            frozenset({"arn:0"}),
        ]
        # A copy: changing it does not mark anything behind the table's back.
        table.marks.add("arn:5")
        assert table.marks == {"arn:0"}

        # Marks on rows that are no longer listed are dropped (bulk actions act on what is seen).
        table.marks = {"arn:3", "arn:4", "arn:999"}
        assert table.marks == {"arn:3", "arn:4"}
        table.set_rows(make_rows(4))
        assert table.marks == {"arn:3"}
        table.clear_marks()
        assert table.marks == set()
        await pilot.pause()
        assert app.sent(VirtualTable.MarksChanged)[-1].keys == frozenset()
        assert all(not line.startswith(MARK_GLYPH) for line in lines(table))


async def test_space_marks_nothing_where_nothing_uses_marks() -> None:
    # The fleet doctor's rows: a mark no action reads would only mislead.
    app = TableApp(make_rows(10), markable=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space")
        assert app.table.marks == set()
        assert app.sent(VirtualTable.MarksChanged) == []


async def test_enter_sends_row_selected() -> None:
    app = TableApp(make_rows(10))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        selected = app.sent(VirtualTable.RowSelected)
        assert [message.key for message in selected] == ["arn:2"]
        assert selected[0].control is app.table


# -- untrusted text -------------------------------------------------------------------------------

HOSTILE = (
    "[bold]loud[/]",
    "[link=https://evil.example]click[/link]",
    "\x1b[31mred\x1b[0m\x1b]0;title\x07",
    "csi\x9b2J del\x7f nul\x00 tab\t nl\n",
    "wide 日本語のスケジュール名がとても長い e\u0301 🙂 " * 3,
)


async def test_markup_and_escape_sequences_are_shown_literally() -> None:
    rows = [TableRow(f"k{index}", (text, "[/]", "[b]")) for index, text in enumerate(HOSTILE)]
    columns = (Column("name", "[red]NAME[/]", 50), Column("s", "S", 5), Column("c", "C", 5))
    app = TableApp(rows, columns)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = lines(app.table)
        assert screen[0].split() == ["[red]NAME[/]", "S", "C"]
        assert screen[1].split() == ["[bold]loud[/]", "[/]", "[b]"]
        assert screen[2].split()[0] == "[link=https://evil.example]click[/link]"
        assert screen[3].split()[0] == "␛[31mred␛[0m␛]0;title␇"
        assert screen[4].split()[:4] == ["csi\\x9b2J", "del␡", "nul␀", "tab␉"]
        assert all(char.isprintable() for line in screen for char in line)
        width = app.table.scrollable_content_region.width
        assert {cell_len(line) for line in screen} == {width}  # wide text cut to fit
        assert screen[5].split()[-3:] == ["wide…", "[/]", "[b]"]
        # The same on the composed screen, and no link or bold style was created from text.
        svg = app.export_screenshot()
        assert "[bold]loud[/]" in svg
        assert "\x1b" not in svg
        assert "evil.example" in svg
        assert all(
            segment.style is None or (segment.style.link is None and not segment.style.bold)
            for y in range(2, 6)
            for segment in app.table.render_line(y)
        )


# -- scale ----------------------------------------------------------------------------------------


async def test_one_hundred_thousand_rows() -> None:
    rows = make_rows(100_000)
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        assert table.row_count == 100_000
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == "arn:99999"
        assert lines(table)[-1].strip().startswith("schedule-099999")
        await pilot.press("pageup", "up")
        assert table.cursor_key == f"arn:{99999 - page(table) - 1}"
        # The filter path: half the rows, the cursor row kept.
        table.set_rows(rows[1::2])
        assert table.row_count == 50_000
        assert table.cursor_key == f"arn:{99999 - page(table) - 1}"
        table.sort_by("name", reverse=True)
        assert table._rows[0].key == "arn:99999"


# -- narrow windows -------------------------------------------------------------------------------

WIDE = tuple(
    Column(f"c{index}", f"COL{index}", 14, flex=index == 0) for index in range(8)
)  # 2 + 8 * 14 + 7 = 121 cells: wider than 80


async def test_narrow_window_truncates_and_scrolls_columns_with_the_first_frozen() -> None:
    rows = [
        TableRow(f"k{n}", tuple(f"value-{n}-{c}-long-text" for c in range(8))) for n in range(5)
    ]
    app = TableApp(rows, WIDE)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        screen = lines(table)
        assert all(cell_len(line) == table.scrollable_content_region.width for line in screen)
        assert screen[1].split()[0] == "value-0-0-lon…"  # cut with an ellipsis
        assert screen[0].rstrip().endswith(HIDDEN_RIGHT)  # more columns to the right
        assert "COL7" not in screen[0]
        for _ in range(10):
            await pilot.press("right")
        await pilot.pause()
        screen = lines(table)
        assert screen[0].split()[0] == "COL0"  # frozen
        assert "COL7" in screen[0]
        assert HIDDEN_LEFT in screen[0]
        assert screen[1].split()[0] == "value-0-0-lon…"
        await pilot.press("left", "left", "left", "left", "left", "left", "left")
        await pilot.pause()
        assert "COL1" in lines(table)[0]


async def test_names_that_differ_after_thirty_characters_are_told_apart() -> None:
    columns = (
        Column("name", "NAME", 22, flex=True, fit=True, cut="middle"),
        Column("state", "STATE", 8),
        Column("next", "NEXT RUN", 10),
        Column("expression", "EXPRESSION", 20, flex=True),
    )
    stem = "nightly-export-warehouse-eu-west-1-"  # 35 characters in common
    names = [stem + "orders-primary", stem + "orders-replica", stem + "ledger-primary"]
    rows = [TableRow(name, (name, "ENABLED", "in 5m", "cron(0 2 * * ? *)")) for name in names]
    app = TableApp(rows, columns)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = [line.split()[0] for line in lines(app.table)[1:4]]
        assert len(set(shown)) == 3, shown
        assert all(cell.endswith(name[-8:]) for cell, name in zip(shown, names, strict=True))


async def test_left_and_right_focus_a_column_and_angle_keys_resize_it() -> None:
    app = TableApp(make_rows(5))
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        assert table.focus_column == "name"
        before = table._current_plan().widths
        await pilot.press("less_than_sign", "less_than_sign")
        assert table._current_plan().widths[0] == before[0] - 4
        await pilot.press("right")
        assert table.focus_column == "state"
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert table._current_plan().widths[1] == before[1] + 2
        assert "STATE" in lines(table)[0]
        await pilot.press("s", "s")  # sorts by the focused column, then reverses
        assert (table.sort_column, table.sort_reverse) == ("state", True)
        await pilot.press("right", "right", "right")  # past the last column: stays there
        assert table.focus_column == "count"


async def test_lookup_columns_show_and_sort_by_figures_kept_apart_from_the_rows() -> None:
    columns = (
        Column("name", "NAME", 12),
        Column("group", "GROUP", 8),
        Column("failures", "FAIL", 6, align="right", lookup="failures"),
    )
    rows = [
        TableRow(f"k{n}", (f"s{n}", group, group))
        for n, group in enumerate(["ops", "billing", "ops", "unknown"])
    ]
    app = TableApp(rows, columns)
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.pause()
        assert lines(table)[1].split()[-1] == "—"  # nothing known yet: a dash, never 0
        table.sort_by("failures", reverse=True)
        table.set_lookup("failures", {"ops": 1200, "billing": 3})
        await pilot.pause()
        shown = [line.split() for line in lines(table)[1:5]]
        assert [row[-1] for row in shown] == ["1,200", "1,200", "3", "—"]  # unknown last


# -- snapshot -------------------------------------------------------------------------------------


def snapshot_rows() -> list[TableRow]:
    styles = ("", "dim", "warning", "error")
    names = {25: "[bold]not bold[/]", 26: "esc\x1b[31m not red"}
    return [
        TableRow(
            key=f"arn:{number}",
            cells=(
                names.get(number, f"schedule-{number:02d}"),
                ("ENABLED", "DISABLED")[number % 2],
                str(number * 3),
            ),
            sort_keys=(f"schedule-{number:02d}", ("ENABLED", "DISABLED")[number % 2], number * 3),
            style=styles[number % 4],
        )
        for number in range(30)
    ]


def test_snapshot(snap_compare: Callable[..., bool]) -> None:
    """Header with the sort arrow, row styles, two marks, the focused cursor, literal text."""
    app = TableApp(snapshot_rows())

    async def sort_and_mark(pilot: Any) -> None:
        app.table.sort_by("count", reverse=True)
        await pilot.press("home", "down", "space", "space", "down")

    assert snap_compare(app, terminal_size=SIZE, run_before=sort_and_mark)


async def test_the_focused_column_stays_marked_with_a_sort_arrow_and_hidden_columns() -> None:
    rows = [TableRow(f"k{n}", tuple(f"v{n}-{c}-long-text" for c in range(8))) for n in range(3)]
    app = TableApp(rows, WIDE)  # more columns than fit: the header ends in the hidden-column quote
    async with app.run_test(size=SIZE) as pilot:
        table = app.table
        await pilot.press("right", "s")  # focus COL1, sort by it: "COL1 ▲"
        await pilot.pause()
        header = table.render_line(0)
        assert header.text.rstrip().endswith(HIDDEN_RIGHT)
        styles = {segment.text.strip(): segment.style for segment in header}
        assert "COL1 ▲" in styles
        assert styles["COL1 ▲"] != styles["COL0"]  # marked, the others not
        assert styles["COL0"] == styles["COL2"]
