"""The detail's runs and history views (R, H), driven by deterministic fakes of
``Backend.runs`` and ``Backend.history`` against the demo seed in moto, with a fixed clock
and zone (Europe/Berlin)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from time import monotonic
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot

from schedtui.aws.session import AwsSettings
from schedtui.core.activity.correlation import column_of
from schedtui.core.activity.history import History
from schedtui.core.activity.runs import FailureLine, Window
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.group_history import GroupHistoryScreen
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.widgets.runs_view import DurationChart
from tests.ui.activity_fakes import (
    CHANGED_AT,
    ZONE,
    FakeHistory,
    FakeRuns,
    history,
    step_functions,
)
from tests.ui.test_app import footer_bindings, loaded, on_screen, table, wait_for

SIZES = pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
DEEP_LINK = "batch-jobs-group/daily-backup-schedule"


def start(
    make_app: Callable[..., SchedtuiApp],
    settings: AwsSettings,
    runs: FakeRuns | None = None,
    past: FakeHistory | None = None,
    **options: Any,
) -> tuple[SchedtuiApp, FakeRuns, FakeHistory]:
    app = make_app(settings, schedule=DEEP_LINK, zone=ZONE, **options)
    runs, past = runs or FakeRuns(), past or FakeHistory()
    app.session.backend.runs = runs  # type: ignore[assignment]
    app.session.backend.history = past  # type: ignore[assignment]
    return app, runs, past


async def detail(pilot: Pilot[None]) -> DetailScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
    screen = app.screen
    assert isinstance(screen, DetailScreen)
    await wait_for(pilot, lambda: screen.schedule is not None)
    return screen


async def runs_shown(pilot: Pilot[None], screen: DetailScreen) -> None:
    def done() -> bool:
        state = screen.runs_state
        return state is not None and not state.runs_loading and not screen._history_loading

    await wait_for(pilot, done)
    await pilot.pause()


async def history_shown(pilot: Pilot[None], screen: DetailScreen) -> None:
    await wait_for(pilot, lambda: screen.history is not None and not screen._history_loading)
    await pilot.pause()


def flat(app: SchedtuiApp) -> str:
    return " ".join(on_screen(app).split())


@SIZES
async def test_the_runs_view_shows_figures_durations_failures_and_marks_the_change(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], size: tuple[int, int]
) -> None:
    app, _, _ = start(make_app, settings)
    async with app.run_test(size=size) as pilot:
        screen = await detail(pilot)
        await pilot.press("R")
        await runs_shown(pilot, screen)
        shown = flat(app)
        assert "[1h]" in shown
        assert "errors 6" in shown
        assert "duration p99 8.5 s" in shown
        # the legend names the change in the operator's zone (15:31Z is 16:31 in Berlin)
        assert "▲ 16:31 alice@example.com UpdateSchedule: Target.Input" in shown
        # the failure lines, newest first, in the operator's zone
        assert shown.index("11-29 16:42:00") < shown.index("11-29 16:32:00")
        assert "ERROR Task timed out after 8.50 seconds (attempt 11)" in shown
        assert "the function's metrics count every invoker" in shown  # the notes
        # the marker sits in the column of the change, and the runs after it are failed
        chart = screen.query_one(DurationChart)
        rendered = chart.render()
        assert isinstance(rendered, Text)
        spark, base = rendered.split("\n")[:2]
        state = screen.runs_state
        assert state is not None
        assert state.report is not None
        width = chart.size.width
        assert width > 40
        marked = column_of(CHANGED_AT, state.report.start, state.report.end, width)
        assert base.plain.index("▲") == marked
        failed = {
            index
            for span in spark.spans
            if "red" in str(span.style)
            for index in range(span.start, span.end)
        }
        drawn = {index for index, char in enumerate(spark.plain) if char != " "}
        assert failed
        assert min(failed) > base.plain.index("▲")
        assert drawn - failed
        assert max(drawn - failed) < base.plain.index("▲")


@SIZES
async def test_the_history_view_lists_who_changed_what_newest_first(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], size: tuple[int, int]
) -> None:
    app, _, past = start(make_app, settings)
    async with app.run_test(size=size) as pilot:
        screen = await detail(pilot)
        await pilot.press("H")
        await history_shown(pilot, screen)
        shown = flat(app)
        assert past.calls == [("batch-jobs-group", "daily-backup-schedule")]
        update = shown.index("2026-11-29 16:31:00 CET UpdateSchedule alice@example.com")
        enabled = shown.index("2026-11-29 14:00:00 CET UpdateSchedule bob [audit log]")
        created = shown.index("2026-11-17 17:00:00 CET CreateSchedule bob [CloudTrail]")
        assert update < enabled < created
        assert 'Target.Input: {"mode": "fast"} → {"mode": "slow"}' in shown
        assert "State: DISABLED → ENABLED" in shown
        assert "created: no earlier parameters to compare" in shown
        assert "aws-cli/2.15.0 Python/3.11 · 203.0.113.7" in shown
        assert "CloudTrail keeps management events for 90 days" in shown


async def test_a_history_fault_shows_in_both_views_and_the_runs_still_show(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    throttled = History(fault="ThrottlingException: Rate exceeded")
    app, _, _ = start(make_app, settings, past=FakeHistory(answer=throttled))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await detail(pilot)
        await pilot.press("R")
        await runs_shown(pilot, screen)
        shown = flat(app)
        assert "changes unknown: ThrottlingException: Rate exceeded" in shown
        assert "errors 6" in shown
        await pilot.press("H")
        await pilot.pause()
        assert "History incomplete: ThrottlingException: Rate exceeded" in flat(app)


async def test_runs_that_raise_show_a_fault_and_the_rest_keeps_working(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app, _, _ = start(make_app, settings, runs=FakeRuns(error=RuntimeError("boom")))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await detail(pilot)
        await pilot.press("R")
        await runs_shown(pilot, screen)
        assert "Runs unavailable: RuntimeError: boom" in flat(app)
        await pilot.press("H")
        await pilot.pause()
        assert "UpdateSchedule" in flat(app)
        await pilot.press("o")
        await pilot.pause()
        assert screen.view == "overview"
        assert "State" in flat(app)
        assert "Next runs" in flat(app)


async def test_a_history_that_raises_is_a_fault_line(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    past = FakeHistory(error=PermissionError("no cloudtrail:LookupEvents"))
    app, _, _ = start(make_app, settings, past=past)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await detail(pilot)
        await pilot.press("H")
        await history_shown(pilot, screen)
        assert "History incomplete: PermissionError: no cloudtrail:LookupEvents" in flat(app)


async def test_aws_text_is_shown_literally_never_as_markup_or_escapes(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    hostile = history()
    mallory = "arn:aws:iam::123456789012:user/mallory[bold]\x1b[31m[/]"
    hostile.events[0] = type(hostile.events[0])(
        **{
            **hostile.events[0].__dict__,
            "who": mallory,
            "user_agent": "[/]agent\x1b]0;owned\x07",
        }
    )

    def shape(made: Any) -> Any:
        made.failures = [FailureLine(CHANGED_AT, "ERROR [red]x[/] \x1b[2J\u202egone", "[/]s")]
        return made

    app, _, _ = start(
        make_app, settings, runs=FakeRuns(shape=shape), past=FakeHistory(answer=hostile)
    )
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await detail(pilot)
        await pilot.press("R")
        await runs_shown(pilot, screen)
        shown = on_screen(app)
        assert "ERROR [red]x[/] ␛[2J\\u202egone" in shown
        assert "mallory[bold]␛[31m[/] UpdateSchedule" in shown, shown  # in the legend
        await pilot.press("H")
        await pilot.pause()
        shown = on_screen(app)
        assert "[/]agent␛]0;owned␇" in shown
        assert "user/mallory[bold]␛[31m[/] · [/]agent" in shown
        assert "\x1b" not in shown
        assert "\u202e" not in shown


async def test_w_cycles_the_window_and_the_history_is_fetched_once(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app, runs, past = start(make_app, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await detail(pilot)
        await pilot.press("R")
        await runs_shown(pilot, screen)
        await pilot.press("w")
        await runs_shown(pilot, screen)
        assert "[24h]" in flat(app)
        await pilot.press("H", "R", "w")
        await runs_shown(pilot, screen)
        assert "[7d]" in flat(app)
        assert runs.calls == [Window.HOUR, Window.DAY, Window.WEEK]
        assert len(past.calls) == 1  # the same History serves both views and every window
        await pilot.press("w")
        await runs_shown(pilot, screen)
        assert runs.calls[-1] is Window.HOUR


async def test_r_fetches_the_view_shown_again_and_nothing_is_fetched_for_the_overview(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app, runs, past = start(make_app, settings, refresh_seconds=30)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await detail(pilot)
        await pilot.press("r")
        await pilot.pause()
        for beat in screen.beats():  # the heartbeat, long after: the overview's re-read only
            beat.tick(monotonic() + 3600)
        await pilot.pause()
        assert runs.calls == []
        assert past.calls == []
        await pilot.press("R")
        await runs_shown(pilot, screen)
        for beat in screen.beats():
            beat.tick(monotonic() + 7200)
        await pilot.pause()
        assert (len(runs.calls), len(past.calls)) == (1, 1)  # not on the heartbeat
        await pilot.press("r")
        await runs_shown(pilot, screen)
        assert (len(runs.calls), len(past.calls)) == (2, 2)  # r: the runs and the history
        await pilot.press("H", "r")
        await history_shown(pilot, screen)
        assert (len(runs.calls), len(past.calls)) == (2, 3)  # r on history: history only


async def test_esc_goes_back_to_the_overview_first_then_to_the_list(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app, _, _ = start(make_app, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await detail(pilot)
        depth = len(app.screen_stack)
        await pilot.press("H")
        await history_shown(pilot, screen)
        footer = {binding.description for binding in footer_bindings(app)}
        assert "Runs" in footer
        assert "History" not in footer
        await pilot.press("escape")
        await pilot.pause()
        assert screen.view == "overview"
        assert len(app.screen_stack) == depth
        assert "History" in {binding.description for binding in footer_bindings(app)}
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == depth - 1


async def test_step_functions_runs_are_listed_with_the_long_running_flagged(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app, _, _ = start(make_app, settings, runs=FakeRuns(shape=step_functions))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await detail(pilot)
        await pilot.press("R")
        await runs_shown(pilot, screen)
        shown = flat(app)
        assert "RUNNING long 11-29 16:10 50m… exec-3" in shown
        assert "FAILED 11-29 15:00 40.0 s exec-2 States.TaskFailed: upstream 503" in shown


async def test_a_runs_part_that_could_not_be_fetched_is_a_line_where_it_would_be(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    def shape(made: Any) -> Any:
        made.failures = []
        made.faults = {"logs": "AccessDeniedException: logs:FilterLogEvents"}
        return made

    app, _, _ = start(make_app, settings, runs=FakeRuns(shape=shape))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await detail(pilot)
        await pilot.press("R")
        await runs_shown(pilot, screen)
        shown = flat(app)
        failures = shown.index("Failure lines, newest first")
        fault = shown.index("logs: AccessDeniedException: logs:FilterLogEvents")
        assert failures < fault
        assert "errors 6" in shown
        assert "▲ 16:31" in shown


@SIZES
async def test_h_on_the_groups_list_opens_the_groups_history_naming_each_schedule(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], size: tuple[int, int]
) -> None:
    app = make_app(settings, zone=ZONE)
    past = FakeHistory()
    app.session.backend.history = past  # type: ignore[assignment]
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        table(app).move_to("batch-jobs-group")
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupHistoryScreen))
        screen = app.screen
        assert isinstance(screen, GroupHistoryScreen)
        await wait_for(pilot, lambda: screen.history is not None)
        await pilot.pause()
        shown = flat(app)
        assert past.calls == [("batch-jobs-group", None)]
        assert "History, 90 days · group batch-jobs-group" in shown
        assert (
            "16:31:00 CET UpdateSchedule batch-jobs-group/daily-backup-schedule alice@example.com"
            in shown
        )
        await pilot.press("r")
        await wait_for(pilot, lambda: len(past.calls) == 2 and not screen.fetching)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GroupsScreen)


async def test_the_groups_history_says_it_is_reading_and_never_hides_behind_a_spinner(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    """While CloudTrail is asked, the screen keeps its title and keys: it set Textual's own
    ``loading`` before, which covers the whole screen with a spinner."""
    app = make_app(settings, zone=ZONE)
    past = FakeHistory(gate=threading.Event())
    app.session.backend.history = past  # type: ignore[assignment]
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        table(app).move_to("batch-jobs-group")
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupHistoryScreen) and past.calls)
        screen = app.screen
        assert isinstance(screen, GroupHistoryScreen)
        await pilot.pause()
        assert not screen.loading  # Textual's: True puts a LoadingIndicator over the screen
        assert "History, 90 days · group batch-jobs-group" in flat(app)
        assert past.gate is not None
        past.gate.set()
        await wait_for(pilot, lambda: screen.history is not None)
