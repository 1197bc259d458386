"""#17's done-check on the demo itself: the failing schedule's runs show its error lines and
durations, its history the change that broke it, and the change is marked on the runs'
sparkline (pilot assertions and SVG snapshots, the demo's data at a fixed instant)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from textual.pilot import Pilot

from schedtui.aws.backend import Backend
from schedtui.aws.session import AwsSettings
from schedtui.demo.embedded import EmbeddedDemo
from schedtui.demo.story import STORY_GROUP, STORY_MISSING_KEY, STORY_SCHEDULE
from schedtui.ui.app import AppOptions, SchedtuiApp
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.session import show_state
from tests.ui.test_app import FIXED, on_screen, wait_for
from tests.ui.test_snapshots import SIZES, SnapCompare

ZONE = ZoneInfo("Europe/Berlin")


@pytest.fixture(scope="module")
def demo() -> Iterator[AwsSettings]:
    embedded = EmbeddedDemo(now=FIXED, simulate=True, live=False)
    try:
        embedded.start()
        assert embedded.settings is not None
        yield embedded.settings
    finally:
        embedded.stop()


def story_app(settings: AwsSettings, tmp_path: Path) -> SchedtuiApp:
    backend = Backend.connect(settings, audit_path=tmp_path / "audit.jsonl")
    options = AppOptions(
        refresh_seconds=0,
        demo=True,
        clock=lambda: FIXED,
        zone=ZONE,
        schedule=f"{STORY_GROUP}/{STORY_SCHEDULE}",
    )
    return SchedtuiApp(backend, options)


def opened(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """The story's detail, then ``keys`` (R: runs, w: the next window, H: history), each
    fetched before the next."""

    async def run_before(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, SchedtuiApp)
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, DetailScreen) and app.screen.schedule is not None,
        )
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        for key in keys:
            await pilot.press(key)

            def fetched(key: str = key) -> bool:
                runs = screen.runs_state
                return (key == "H" or bool(runs and not runs.runs_loading)) and (
                    screen.history is not None and not screen._history_loading
                )

            await wait_for(pilot, fetched, timeout=30)
        app.session.header.endpoint = "http://127.0.0.1:4566"
        show_state(app)
        await pilot.pause()

    return run_before


async def test_the_failing_schedules_runs_and_history_tell_one_story(
    demo: AwsSettings, tmp_path: Path
) -> None:
    app = story_app(demo, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        # The last hour: failing, but the update (2 hours ago) is before the window.
        await opened("R")(pilot)
        runs = on_screen(app)
        assert f"KeyError: '{STORY_MISSING_KEY}'" in runs  # the failure lines
        assert "duration p50" in runs
        assert "no change to the schedule in this window" in runs
        # A Python error is one log event of many lines: its message is the line shown.
        failure = next(line for line in runs.splitlines() if "KeyError" in line)
        assert "lines)" in failure
        assert "Traceback" not in runs
        # 24 hours: the update is in, marked under the sparkline and named in the legend.
        await opened("w")(pilot)
        runs = on_screen(app)
        assert "Runs 1h [24h] 7d" in runs
        # The axis' ends name their day: both are 17:00 in Berlin.
        assert "Sat 17:00" in runs
        assert "Sun 17:00 CET" in runs
        legend = next(line for line in runs.splitlines() if line.startswith("▲ "))
        assert "alice" in legend
        assert "UpdateSchedule: Target.Input" in legend
        marks = next(line for line in runs.splitlines() if line.startswith("──") and "▲" in line)
        assert marks.count("▲") == 1
        await pilot.press("H")
        await pilot.pause()
        history = on_screen(app)
        assert "UpdateSchedule" in history
        assert "Target.Input" in history
        assert "legalEntity" in history  # what the update changed it to
        assert "[CloudTrail]" in history


@SIZES
def test_story_runs_view(
    snap_compare: SnapCompare, demo: AwsSettings, tmp_path: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(story_app(demo, tmp_path), terminal_size=size, run_before=opened("R", "w"))


@SIZES
def test_story_history_view(
    snap_compare: SnapCompare, demo: AwsSettings, tmp_path: Path, size: tuple[int, int]
) -> None:
    assert snap_compare(story_app(demo, tmp_path), terminal_size=size, run_before=opened("H"))
