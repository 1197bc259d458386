"""The fleet timeline screen (`:timeline`, `:tl`) on the demo account over moto, with the
app's clock fixed: opened by command, span switched, a schedule opened, hostile names made
safe, the computation off the UI thread (a slow one never blocks a key; a stale one is
dropped), a fault shown as a line; and its SVG snapshot at 80x24 on a fixed fleet."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Sparkline, Static

from schedtui.aws.backend import Backend
from schedtui.aws.session import AwsSettings
from schedtui.core.console_urls import schedule_url
from schedtui.core.fleet.timeline import (
    BusyMinute,
    Collision,
    ScheduleKey,
    Span,
    Suggestion,
    Timeline,
    timeline,
)
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.demo.seed import seed_demo
from schedtui.ui.app import AppOptions, SchedtuiApp
from schedtui.ui.commands import run_command
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import PickScreen
from schedtui.ui.screens.timeline import Source, TimelineScreen, axis
from schedtui.ui.session import show_state
from tests.core.test_timeline import TWINS, schedule, summary_of, twins_fleet
from tests.ui.held_listing import hold_definitions, hold_listing
from tests.ui.test_app import FIXED, SIZE, loaded, static_text, wait_for
from tests.ui.test_copy import stored_arn
from tests.ui.test_delete_and_groups import notes
from tests.ui.test_snapshots import SnapCompare


def table_of(screen: TimelineScreen) -> DataTable[Text]:
    return screen.query_one("#details", DataTable)


def rows(screen: TimelineScreen) -> list[list[str]]:
    table = table_of(screen)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def open_timeline(
    pilot: Pilot[None], command: str = "tl", early: bool = False
) -> TimelineScreen:
    """The timeline opened by command, once its first answer is in; ``early``: not waiting
    for the account to be loaded first."""
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    if not early:
        await loaded(pilot)
    run_command(app, command)
    await wait_for(pilot, lambda: isinstance(app.screen, TimelineScreen))
    screen = app.screen
    assert isinstance(screen, TimelineScreen)
    await wait_for(pilot, lambda: screen.computed >= 1)
    return screen


async def shown(pilot: Pilot[None], source: Source) -> TimelineScreen:
    """The timeline of ``source`` pushed on the loaded app, once its first answer is in."""
    await loaded(pilot)
    screen = TimelineScreen(source=source)
    pilot.app.push_screen(screen)
    await wait_for(pilot, lambda: screen.computed >= 1)
    return screen


async def test_timeline_opens_by_command_and_w_cycles_the_span(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timeline(pilot, "timeline")
        found = screen.timeline
        assert found is not None
        # The injected clock, not the wall's: the span starts at FIXED's minute.
        assert found.start == FIXED
        assert found.span is Span.DAY
        assert len(found.per_minute) == 24 * 60
        assert found.schedules > 0
        assert "next 24h" in static_text(app, "#title")
        # Counted: the schedules with a run in the span, and it says so.
        assert f"{found.schedules:,} schedules run {found.runs:,} times" in static_text(
            app, "#title"
        )
        assert screen.query_one("#histogram", Sparkline).data == list(found.per_minute)
        # The histogram's scale at its left (its top and bottom, in runs per minute), and
        # the axis under the bars, not under the scale.
        scale = static_text(app, "#scale").splitlines()
        assert scale[0].strip() == f"{max(found.per_minute):,}"
        assert scale[-1].strip() == f"{min(found.per_minute):,}"
        gutter = len(scale[0])
        assert static_text(app, "#axis")[gutter:].startswith("Sun 16:00")
        for label, minutes in (("7d", 7 * 24 * 60), ("1h", 60), ("24h", 24 * 60)):
            done = screen.computed
            await pilot.press("w")
            await wait_for(pilot, lambda done=done: screen.computed > done)
            assert screen.timeline is not None
            assert len(screen.timeline.per_minute) == minutes
            assert f"next {label} (w)" in static_text(app, "#title")


async def test_enter_on_a_schedule_opens_its_detail(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timeline(pilot)
        found = screen.timeline
        assert found is not None
        assert found.busiest
        busiest = found.busiest[0].schedules[0]
        table = table_of(screen)
        line = next(i for i, cells in enumerate(rows(screen)) if cells[3] == busiest.path)
        table.move_cursor(row=line)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert (detail.summary.group_name, detail.summary.name) == busiest
        # The cursor starts on the first line that opens a schedule, not on a title: enter
        # there opens it.
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        await pilot.press("w")  # a new timeline: its cursor starts afresh
        await wait_for(pilot, lambda: screen.computed >= 2)
        first = screen.timeline.busiest[0].schedules[0]  # type: ignore[union-attr]
        assert rows(screen)[table.cursor_row][3] == first.path
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert (detail.summary.group_name, detail.summary.name) == first


async def test_y_and_capital_y_copy_the_schedule_of_the_line(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        seen = notes(app)
        screen = await open_timeline(pilot)
        first = rows(screen)[table_of(screen).cursor_row][3]
        group, _, name = first.partition("/")
        arn = stored_arn(settings, group, name)
        await pilot.press("y")
        assert app.clipboard == arn
        await pilot.press("Y")
        assert app.clipboard == schedule_url(arn, group, name)
        # A "… N more" line names no schedule: nothing is copied, and it says why.
        more = next(i for i, cells in enumerate(rows(screen)) if cells[3].startswith("… "))
        table_of(screen).move_cursor(row=more)
        await pilot.press("y")
        assert app.clipboard == schedule_url(arn, group, name)
        assert seen[-1] == "y and Y copy the schedule of a line that names one"


HOSTILE = "evil\x1b]52;c;aGk=\x07\u202eroot[bold]x[/]"


def hostile(now: datetime, span: Span) -> Timeline:
    at = now.replace(second=0, microsecond=0) + timedelta(minutes=5)
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{HOSTILE}"
    return Timeline(
        start=at - timedelta(minutes=5),
        span=span,
        per_minute=[0] * 5 + [2] + [0] * (span.minutes - 6),
        busiest=(BusyMinute(at, 2, (ScheduleKey("g", HOSTILE), ScheduleKey("g", "other"))),),
        collisions=(Collision(arn, at, (ScheduleKey("g", HOSTILE), ScheduleKey("g", "other"))),),
        suggestions=(Suggestion(ScheduleKey("g", HOSTILE), 15, f"shares {arn}"),),
        schedules=2,
        skipped=0,
    )


async def test_hostile_names_never_reach_the_terminal_raw(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, hostile)
        table = table_of(screen)
        cells = [table.get_row_at(i) for i in range(table.row_count)]
        texts = [str(cell) for line in cells for cell in line]
        assert any("evil" in text for text in texts)
        for text in texts:
            assert "\x1b" not in text
            assert "\x07" not in text
            assert "\u202e" not in text
        # Markup in a name is text: "[bold]" is shown as typed, never read as a style.
        assert any("[bold]x[/]" in text for text in texts)
        assert all(isinstance(cell, Text) for line in cells for cell in line)
        suggestion = next(i for i, cells in enumerate(rows(screen)) if "window" in cells[2])
        table.move_cursor(row=suggestion)
        await pilot.pause()
        note = static_text(app, "#note")
        assert "shares" in note  # the suggestion's why, under the table
        assert "\x1b" not in note
        assert "\u202e" not in note


async def test_a_slow_computation_never_blocks_a_key_and_a_stale_one_is_dropped(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    release = threading.Event()
    asked: list[Span] = []

    def slow(now: datetime, span: Span) -> Timeline:
        asked.append(span)
        if span is Span.DAY:  # the first one hangs until released
            release.wait(10)
        return timeline([schedule("one", "rate(5 minutes)")], now, span)

    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = TimelineScreen(source=slow)
        app.push_screen(screen)
        await wait_for(pilot, lambda: asked == [Span.DAY])
        assert "computing" in str(screen.query_one("#title", Static).render())
        # Readable meanwhile (the store's changes compute it again every 2 s as definitions
        # load): never Textual's loading spinner in place of the whole screen.
        assert screen.computing
        assert not screen.loading  # Textual's: True covers the screen with a LoadingIndicator
        await pilot.press("w")  # the UI answers while the first one still runs
        await wait_for(pilot, lambda: screen.computed >= 1)
        assert screen.timeline is not None
        assert screen.timeline.span is Span.WEEK
        release.set()  # the day's answer arrives late: it must not replace the week's
        await pilot.pause(0.3)
        assert screen.timeline.span is Span.WEEK
        assert "next 7d" in static_text(app, "#title")


async def test_a_fault_is_a_line_and_the_app_keeps_working(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    def broken(now: datetime, span: Span) -> Timeline:
        raise RuntimeError("boom\x1b[2J")

    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, broken)
        title = static_text(app, "#title")
        assert "could not be computed" in title
        assert "\x1b" not in title
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not screen)


async def test_enter_opens_each_schedule_even_where_their_names_read_alike(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    # Group "a/b" name "c" and group "a" name "b/c" are both shown "a/b/c"; a name with a
    # newline and one with its stand-in are shown alike; quotes and "#" in names. Each line
    # opens its own schedule. (Into the store by hand: moto routes on "/" and keeps names
    # URL-encoded, so it cannot hold them; AWS allows none of these characters.)
    fleet = twins_fleet()

    def twins(now: datetime, span: Span) -> Timeline:
        return timeline(fleet, now, span)

    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        columns = app.session.store.columns
        columns.put_listed(map(summary_of, fleet))
        for full in fleet:
            columns.put_definition(ScheduleDigest.of(full))
        screen = await shown(pilot, twins)
        table, lines = table_of(screen), rows(screen)
        named = [cells[3] for cells in lines]
        assert named.count("a/b/c") == named.count('q/say "hi" #1␊now') == 6  # two a section
        opened = []
        for line in range(len(lines)):
            table.move_cursor(row=line)
            if table.cursor_row != line:
                continue  # a section's title: the cursor goes on past it
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            detail = app.screen
            assert isinstance(detail, DetailScreen)
            opened.append((detail.summary.group_name, detail.summary.name))
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen)
        # The busiest minute, the collision and the suggestions each list the five in order.
        assert opened == [*TWINS] * 3


def test_the_axis_names_the_first_middle_and_last_minutes() -> None:
    start = datetime(2026, 11, 29, 16, 0, tzinfo=FIXED.tzinfo)
    line = axis(start, start + timedelta(days=1), FIXED.tzinfo, 40)
    assert len(line) == 40
    assert line.startswith("Sun 16:00")
    assert line.endswith("Mon 16:00")
    assert "Mon 04:00" in line


# -- the snapshot: a fixed fleet (not the demo's, which other features grow) -----------------

FLEET = [
    schedule("nightly-export", "cron(0 2 * * ? *)", target="exporter", group="data"),
    schedule("nightly-export-eu", "cron(0 2 * * ? *)", target="exporter", group="data"),
    schedule("hourly-sync", "cron(0 * * * ? *)", target="sync", group="orders"),
    schedule("stock-poll", "rate(5 minutes)", target="stock", group="orders"),
    schedule("stock-poll-2", "rate(5 minutes)", target="stock", group="orders", window=5),
    schedule("digest", "cron(30 8 * * ? *)", target="mailer", zone="Europe/Madrid"),
    schedule("cleanup", "rate(1 hour)", target="janitor", group="ops"),
]


def fixed_fleet(now: datetime, span: Span) -> Timeline:
    return timeline(FLEET, now, span)


async def test_tab_jumps_to_the_next_section_and_round(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, fixed_fleet)
        table, lines = table_of(screen), rows(screen)
        firsts = []
        for _ in range(3):
            await pilot.press("tab")
            firsts.append(lines[table.cursor_row])
        # The first line of each section (under its title): a collision, a suggestion, and
        # round again to the busiest minute.
        assert firsts[0][3] == "orders/stock-poll"  # the most minutes together first
        assert firsts[0][2] == "stock"
        # Its count is minutes shared, said as such under the "count" header (not "288x"
        # under "runs").
        assert re.fullmatch(r"[\d,]+ min", firsts[0][1])
        assert [str(column.label) for column in table.columns.values()][1] == "count"
        assert firsts[1][2:] == ["5 min window", "orders/stock-poll"]  # its period: 5 min
        assert firsts[2][1] == "3"  # the busiest minute's runs
        assert screen.is_up


TITLES = ("Busiest minutes", "Collisions", "Suggestions")


async def test_j_and_k_move_as_down_and_up_past_the_titles(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, fixed_fleet)
        table, lines = table_of(screen), rows(screen)
        titles = {i for i, cells in enumerate(lines) if cells[3].startswith(TITLES)}
        assert len(titles) == 3
        lines_below = [i for i in range(len(lines)) if i not in titles]
        assert table.cursor_row == lines_below[0]  # not on the first title

        async def walk(key: str) -> list[int]:
            seen = [table.cursor_row]
            for _ in range(len(lines)):
                await pilot.press(key)
                seen.append(table.cursor_row)
            return seen

        # Every line in turn, never a title, then held at the end (and back, at the top).
        down = await walk("down")
        assert down == lines_below + [lines_below[-1]] * (len(down) - len(lines_below))
        up = await walk("up")
        assert up == [*reversed(lines_below)] + [lines_below[0]] * (len(up) - len(lines_below))
        assert await walk("j") == down
        assert await walk("k") == up


async def test_enter_on_a_line_that_opens_nothing_says_what_enter_does(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    def lone(now: datetime, span: Span) -> Timeline:  # nothing collides: "none"
        return timeline([schedule("one", "rate(5 minutes)")], now, span)

    app = make_app(settings)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await shown(pilot, lone)
        seen = notes(app)
        table = table_of(screen)
        none = next(i for i, cells in enumerate(rows(screen)) if cells[3] == "none")
        table.move_cursor(row=none)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert seen == ["enter opens the schedule of a line that names one"]


CROWD = [
    schedule(f"half-past-{n}", "cron(30 * * * ? *)", target="ledger", group="ops") for n in range(8)
]


async def test_enter_on_more_lists_every_schedule_behind_it(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    def crowd(now: datetime, span: Span) -> Timeline:
        return timeline([*CROWD, schedule("lone", "rate(1 hour)")], now, span)

    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, crowd)
        table = table_of(screen)
        lines = rows(screen)
        more = [i for i, cells in enumerate(lines) if cells[3] == "… 3 more"]
        # Five named of eight: in each busy minute (every half past) and the collision.
        assert len(more) == 11
        everyone = sorted(f"ops/half-past-{n}" for n in range(8))
        firsts = (more[0], more[-1])
        for line, says in zip(firsts, ("8 runs at 2026-11-29 16:30", "run arn:"), strict=True):
            table.move_cursor(row=line)
            await pilot.pause()
            assert "enter lists them all" in static_text(app, "#note")
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
            assert says in str(app.screen.query_one(".title", Static).render())
            assert sorted(picks(app)) == everyone
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is screen)


def picks(app: SchedtuiApp) -> list[str]:
    """The lines of the "… N more" list on screen."""
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_more_list_has_a_cursor_and_enter_opens_the_schedule_over_it(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timeline(pilot)
        assert screen.timeline is not None
        busy = screen.timeline.busiest[0]
        everyone = busy.behind or busy.schedules
        more = next(i for i, cells in enumerate(rows(screen)) if cells[3].startswith("… "))
        table_of(screen).move_cursor(row=more)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        listing = app.screen
        assert picks(app) == [key.path for key in everyone]
        options = listing.query_one(OptionList)
        assert options.highlighted == 0
        await pilot.press("down", "j", "j", "k")  # j and k as in every list
        assert options.highlighted == 2
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert (detail.summary.group_name, detail.summary.name) == everyone[2]
        # Back from the detail: the list, its cursor where it was; esc closes it.
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is listing)
        assert options.highlighted == 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_the_more_list_shows_hostile_names_as_stand_ins(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    def crowd(now: datetime, span: Span) -> Timeline:
        found = hostile(now, span)
        keys = (ScheduleKey("g", HOSTILE), *(ScheduleKey("g", f"n{i}") for i in range(7)))
        busy = BusyMinute(found.busiest[0].at, 8, keys[:5], keys)
        return replace(found, busiest=(busy,))

    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot, crowd)
        more = next(i for i, cells in enumerate(rows(screen)) if cells[3] == "… 3 more")
        table_of(screen).move_cursor(row=more)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PickScreen))
        first = picks(app)[0]
        assert "evil" in first
        assert "[bold]x[/]" in first  # markup is text
        assert not {"\x1b", "\x07", "\u202e"} & set(first)
        # A listed name that is not in the schedule list is said, nothing opens.
        seen = notes(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        assert "is not in the schedule list" in seen[-1]


LONG = "orders/clickstream-heartbeat-eu-west-1-primary-consumer"


async def test_at_80_columns_names_are_cut_in_the_middle_and_get_the_room(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    def twins(now: datetime, span: Span) -> Timeline:
        group, _, name = LONG.partition("/")
        fleet = [
            schedule(twin, "cron(0 * * * ? *)", group=group, target="a-long-function-name")
            for twin in (name, f"{name}-002")
        ]
        return timeline(fleet, now, span)

    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await shown(pilot, twins)
        table = table_of(screen)
        when, runs, target, name = (column.width for column in table.ordered_columns)
        assert target <= 16
        assert name >= 37  # what the when, count and target columns leave
        assert sum((when, runs, target, name)) + 2 * 4 <= 80 - 2  # fits, beside the scrollbar
        lines = rows(screen)
        shown_names = [cells[3] for cells in lines if "…" in cells[3]]
        # Both ends kept: the siblings differ in their tails, the group shows.
        assert len(shown_names) >= 2
        assert len(set(shown_names)) == 2
        assert {n[-4:] for n in shown_names} == {"umer", "-002"}
        assert all(n.startswith("orders/click") and len(n) <= name for n in shown_names)
        collided = next(cells[2] for cells in lines if cells[2])
        assert len(collided) <= target


TARGET = "orders-ledger-export-to-warehouse"  # 33 cells


async def test_the_target_gets_its_room_where_the_names_leave_it(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    """Short names beside a long target: the schedule column keeps what its lines need (the
    widest is a section's title), the target gets the rest: whole at 120 columns."""

    def shared(now: datetime, span: Span) -> Timeline:
        fleet = [schedule(n, "cron(0 * * * ? *)", group="ops", target=TARGET) for n in "ab"]
        return timeline(fleet, now, span)

    for size in ((80, 24), (120, 36)):
        app = make_app(settings)
        async with app.run_test(size=size) as pilot:
            screen = await shown(pilot, shared)
            when, runs, target, name = (c.width for c in table_of(screen).ordered_columns)
            assert "Suggestions: a flexible window" in [cells[3] for cells in rows(screen)]
            assert sum((when, runs, target, name)) + 2 * 4 >= size[0] - 4  # no room left over
            assert sum((when, runs, target, name)) + 2 * 4 <= size[0] - 2
            targets = [cells[2] for cells in rows(screen)]
            if size[0] == 80:  # the names keep their widest, the target the rest
                assert name == len("Suggestions: a flexible window")
                assert any(cell.startswith("orders-ledg…") for cell in targets)
            else:  # room for both: the target whole, the schedule the slack
                assert target == len(TARGET)
                assert TARGET in targets


def test_timeline_screen_snapshot(
    snap_compare: SnapCompare, moto_endpoint: str, tmp_path: Path
) -> None:
    seed_demo(moto_endpoint, now=FIXED)
    settings = AwsSettings(region="us-east-1", endpoint_url=moto_endpoint)
    backend = Backend.connect(settings, audit_path=tmp_path / "audit.jsonl")
    app = SchedtuiApp(backend, AppOptions(refresh_seconds=0, demo=True, clock=lambda: FIXED))

    async def run_before(pilot: Pilot[None]) -> None:
        assert isinstance(pilot.app, SchedtuiApp)
        await loaded(pilot)
        pilot.app.session.header.endpoint = "http://127.0.0.1:4566"
        show_state(pilot.app)
        await shown(pilot, fixed_fleet)
        await pilot.press("down", "down", "down")  # a busy minute's line: its note shows
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def filled(screen: TimelineScreen) -> bool:
    """Every listed schedule's definition counted, and the answer shown."""
    found = screen.timeline
    return found is not None and not found.pending and found.runs > 0 and not screen.computing


async def released(pilot: Pilot[None], gate: threading.Event, screen: TimelineScreen) -> str:
    """``gate`` set, the account loaded: the timeline fills in without r (computed again as
    the listing ended and the definitions came in) and its title counts; the title."""
    gate.set()
    await loaded(pilot)
    await wait_for(pilot, lambda: filled(screen))
    found = screen.timeline
    assert found is not None
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    title = static_text(app, "#title")
    assert f"{found.schedules:,} schedules run {found.runs:,} times" in title
    return title


async def test_opened_while_listing_it_fills_in_when_the_listing_ends(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opened before the first page: "0 schedules run 0 times", for good (no refresh set).
    app = make_app(settings)
    gate = hold_listing(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.sync.refreshing)
        screen = await open_timeline(pilot, early=True)
        for _ in range(3):  # heartbeats pass: still listing, never a count
            await pilot.pause(0.5)
            title = static_text(app, "#title")
            assert "listing…" in title
            assert "0 schedules run" not in title
            assert "none so far" in " ".join(" ".join(cells) for cells in rows(screen))
        title = await released(pilot, gate, screen)
        assert "listing…" not in title
        assert "none so far" not in " ".join(" ".join(cells) for cells in rows(screen))


async def test_opened_while_definitions_load_it_fills_in_as_they_arrive(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Listed, no definition read yet: "0 schedules run 0 times · 234 not read yet", for good.
    app = make_app(settings)
    gate = hold_definitions(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.store.listed)
        listed = len(app.session.store)
        screen = await open_timeline(pilot, early=True)
        for _ in range(3):
            await pilot.pause(0.5)
            title = static_text(app, "#title")
            assert f"{listed:,} not read yet" in title
            assert "0 schedules run" not in title
        assert "not read yet" not in await released(pilot, gate, screen)
