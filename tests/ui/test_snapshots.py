"""SVG snapshots of the key screens, on the demo data with a fixed clock.

Update after an intended change with `pytest tests/ui/test_snapshots.py --snapshot-update`,
then look at the SVGs (tests/ui/__snapshots__/) before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from schedtui.aws.backend import Backend
from schedtui.aws.session import AwsSettings
from schedtui.demo.seed import seed_demo
from schedtui.demo.simulator import DemoSimulator
from schedtui.ui.app import AppOptions, SchedtuiApp
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import ConfirmScreen, HelpScreen
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.table_screen import TableScreen
from schedtui.ui.session import show_state
from tests.ui.activity_fakes import ZONE, FakeHistory, FakeRuns
from tests.ui.test_app import FIXED, SIZE, loaded, table, wait_for

SnapCompare = Callable[..., bool]


@pytest.fixture
def app(moto_endpoint: str, tmp_path: Path) -> SchedtuiApp:
    seed_demo(moto_endpoint, now=FIXED)
    settings = AwsSettings(region="us-east-1", endpoint_url=moto_endpoint)
    backend = Backend.connect(settings, audit_path=tmp_path / "audit.jsonl")
    return SchedtuiApp(backend, AppOptions(refresh_seconds=0, demo=True, clock=lambda: FIXED))


def steady(then: Callable[[Pilot[None]], Awaitable[None]] | None = None) -> Any:
    """Wait for every row and definition, pin the random endpoint, then drive the app."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, SchedtuiApp)
        await loaded(pilot)
        app.session.header.endpoint = "http://127.0.0.1:4566"
        show_state(app)
        await failure_figures(pilot)
        if then is not None:
            await then(pilot)
        await pilot.pause()

    return run_before


async def failure_figures(pilot: Pilot[None]) -> None:
    """The lists' failure columns, fetched once every definition is in (else the DLQ
    depths would depend on when the first fetch ran)."""
    screen = pilot.app.screen
    assert isinstance(screen, TableScreen)
    await wait_for(pilot, lambda: not screen._failures_busy)
    screen.fetch_failures()
    await wait_for(pilot, lambda: not screen._failures_busy)


# The key screens at the smallest common terminal and at a large one.
SIZES = pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])


async def open_batch_jobs(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    table(app).move_to("batch-jobs-group")
    await pilot.press("enter")
    await pilot.pause()
    app.session.header.endpoint = "http://127.0.0.1:4566"
    show_state(app)


async def open_orders(pilot: Pilot[None]) -> None:
    """The orders group, sorted by name, filtered to its "replay" schedules (the title says
    both), with its failure figures."""
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    table(app).move_to("orders")
    await pilot.press("enter")
    await wait_for(pilot, lambda: getattr(app.screen, "group", None) == "orders")
    await pilot.press("s", "slash", *"replay", "enter")
    await wait_for(pilot, lambda: "replay" in str(table(app).border_title))
    app.session.header.endpoint = "http://127.0.0.1:4566"
    show_state(app)


async def open_daily_backup(pilot: Pilot[None]) -> None:
    await open_batch_jobs(pilot)
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    key = next(k for k in table(app).row_keys() if k.endswith("/daily-backup-schedule"))
    table(app).move_to(key)
    await pilot.press("enter")
    screen_ready = lambda: getattr(app.screen, "schedule", None) is not None  # noqa: E731
    await wait_for(pilot, screen_ready)
    show_state(app)


async def toggle_dialog(pilot: Pilot[None]) -> None:
    await open_daily_backup(pilot)
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))


async def help_screen(pilot: Pilot[None]) -> None:
    await open_batch_jobs(pilot)
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))


async def cost_counted(pilot: Pilot[None]) -> None:
    """The groups list's INV/MO, USD/MO and cost line, once every definition is counted."""
    screen = pilot.app.screen
    assert isinstance(screen, GroupsScreen)
    await wait_for(pilot, lambda: screen.cost is not None and not screen.cost.unknown)


def test_groups_screen(snap_compare: SnapCompare, app: SchedtuiApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(cost_counted))


def backfill(app: SchedtuiApp) -> None:
    """A week of metrics and DLQ messages with orders failing, and the alarms."""
    simulator = DemoSimulator(app.session.backend.settings, now=lambda: FIXED)
    simulator.backfill()
    simulator.create_alarms()


@SIZES
def test_schedules_screen(
    snap_compare: SnapCompare, app: SchedtuiApp, size: tuple[int, int]
) -> None:
    backfill(app)  # the failure columns have something to say
    assert snap_compare(app, terminal_size=size, run_before=steady(open_orders))


@SIZES
def test_detail_screen(snap_compare: SnapCompare, app: SchedtuiApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=steady(open_daily_backup))


def test_toggle_dialog(snap_compare: SnapCompare, app: SchedtuiApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(toggle_dialog))


def test_help_screen(snap_compare: SnapCompare, app: SchedtuiApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(help_screen))


@SIZES
def test_monitor_screen(snap_compare: SnapCompare, app: SchedtuiApp, size: tuple[int, int]) -> None:
    backfill(app)

    async def monitor(pilot: Pilot[None]) -> None:
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, MonitorScreen))
        screen = pilot.app.screen
        assert isinstance(screen, MonitorScreen)
        await wait_for(pilot, lambda: screen.refreshes >= 1)
        assert isinstance(pilot.app, SchedtuiApp)
        show_state(pilot.app)

    assert snap_compare(app, terminal_size=size, run_before=steady(monitor))


async def edit_form_with_a_problem(pilot: Pilot[None]) -> None:
    """The edit form of daily-backup-schedule with one field breaking its rule."""
    from schedtui.ui.screens.schedule_form import ScheduleFormScreen, widget_id

    await open_daily_backup(pilot)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ScheduleFormScreen))
    retry = pilot.app.screen.query_one(
        "#" + widget_id("Target.RetryPolicy.MaximumRetryAttempts"), Input
    )
    retry.cursor_blink = False  # a blinking cursor is caught on or off at random
    retry.focus(scroll_visible=False)
    # Scrolled without animation: a snapshot taken mid-animation would differ run to run.
    pilot.app.screen.query_one("#form").scroll_to_widget(retry, animate=False, top=True)
    await pilot.press("end", "9", "9")
    await pilot.pause()
    show_state(pilot.app)


async def edit_review(pilot: Pilot[None]) -> None:
    from schedtui.ui.screens.schedule_form import ScheduleFormScreen, widget_id

    await open_daily_backup(pilot)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ScheduleFormScreen))
    screen = pilot.app.screen
    screen.query_one("#" + widget_id("FlexibleTimeWindow")).value = "45"  # type: ignore[attr-defined]
    screen.query_one("#" + widget_id("Target.DeadLetterConfig.Arn")).value = ""  # type: ignore[attr-defined]
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    show_state(pilot.app)


@SIZES
def test_edit_form(snap_compare: SnapCompare, app: SchedtuiApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=steady(edit_form_with_a_problem))


def test_edit_review(snap_compare: SnapCompare, app: SchedtuiApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(edit_review))


def with_activity(app: SchedtuiApp) -> SchedtuiApp:
    """The runs and history of tests/ui/activity_fakes.py (a Lambda failing since an update
    29 minutes ago), shown in Europe/Berlin."""
    app.session.backend.runs = FakeRuns()  # type: ignore[assignment]
    app.session.backend.history = FakeHistory()  # type: ignore[assignment]
    app.session.options = replace(app.session.options, zone=ZONE)
    return app


def activity_view(key: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def open_view(pilot: Pilot[None]) -> None:
        await open_daily_backup(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DetailScreen)
        await pilot.press(key)

        def fetched() -> bool:
            runs = screen.runs_state
            return (key != "R" or bool(runs and not runs.runs_loading)) and (
                screen.history is not None and not screen._history_loading
            )

        await wait_for(pilot, fetched)
        show_state(pilot.app)

    return open_view


@SIZES
def test_runs_view(snap_compare: SnapCompare, app: SchedtuiApp, size: tuple[int, int]) -> None:
    """The change marked under the sparkline, the failed columns after it, the lines."""
    assert snap_compare(
        with_activity(app), terminal_size=size, run_before=steady(activity_view("R"))
    )


@SIZES
def test_history_view(snap_compare: SnapCompare, app: SchedtuiApp, size: tuple[int, int]) -> None:
    assert snap_compare(
        with_activity(app), terminal_size=size, run_before=steady(activity_view("H"))
    )
