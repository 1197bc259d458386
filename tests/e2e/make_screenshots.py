"""Make the README screenshots: the demo at a fixed instant, driven to each key screen, as SVG.

    .venv/bin/python -m tests.e2e.make_screenshots  # from the repository root

Writes screenshots/groups.svg, schedules.svg, detail.svg, toggle-dialog.svg, edit-form.svg,
edit-review.svg, help.svg, monitor.svg (the simulator's week of metrics, its live thread
stopped so nothing moves), dlq-peek.svg, filter.svg, palette.svg, list-80x24.svg,
detail-80x24.svg, copy-arn.svg, json-view.svg, failing.svg, command-completion.svg,
console-url.svg, runs.svg, history.svg, list-60x20.svg, doctor.svg, cleanup.svg,
doctor-panel.svg and timeline.svg.
The output is stable from run to run: the demo is seeded and the app's clock both fixed at
``FIXED``, every list waits until it is completely loaded (listed, every row's details
fetched, the refresh finished), and the header shows a fixed endpoint instead of the demo's
random port. Nothing is changed on the demo: the toggle dialog and the edit are cancelled,
and the audit log goes to a temporary directory anyway.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from schedtui.aws.backend import Backend
from schedtui.core.monitoring.metrics import QueueDepth
from schedtui.demo import planted
from schedtui.demo.server import DemoBackend
from schedtui.demo.story import STORY_GROUP, STORY_SCHEDULE
from schedtui.ui.app import AppOptions, SchedtuiApp
from schedtui.ui.commands import run_command
from schedtui.ui.screens.cleanup import CleanupScreen
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import CommandPrompt, ConfirmScreen, HelpScreen
from schedtui.ui.screens.dlq_messages import DlqMessagesScreen
from schedtui.ui.screens.doctor import DoctorScreen
from schedtui.ui.screens.fleet_scan import FleetScanScreen
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.schedule_form import ScheduleFormScreen, widget_id
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.screens.timeline import TimelineScreen
from schedtui.ui.session import show_state
from schedtui.ui.widgets.virtual_table import VirtualTable
from tests.store_rows import rows_of

FIXED = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
SIZE = (120, 36)
ENDPOINT = "http://127.0.0.1:4566"  # what the header shows instead of the random port
OUTPUT = Path(__file__).resolve().parents[2] / "screenshots"
TIMEOUT = 60.0
SCHEDULE = ("batch-jobs-group", "daily-backup-schedule")


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {TIMEOUT:.0f} s waiting for {what}")
        await pilot.pause(0.05)
    await pilot.pause()  # let the screen repaint what the condition saw


def fully_loaded(app: SchedtuiApp) -> bool:
    store = app.session.store
    return (
        store.listed
        and not store.loading
        and bool(len(store))
        and all(row.detailed for row in rows_of(store).values())
        and app.session.header.caller_arn != "…"
        # no refresh, identity, tags or details fetch still running
        and all(worker.is_finished for worker in app.workers)
    )


async def shoot(pilot: Pilot[None], name: str) -> Path:
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    app.session.header.endpoint = ENDPOINT
    show_state(app)
    await pilot.pause()
    saved = Path(app.save_screenshot(filename=name, path=str(OUTPUT)))
    print(f"{saved}  ({type(app.screen).__name__})")
    return saved


async def make() -> list[Path]:
    OUTPUT.mkdir(exist_ok=True)
    made: list[Path] = []
    # live=False: the backfilled week only, no live ticks while shooting.
    demo = DemoBackend(now=FIXED, simulate=True, live=False)
    settings = demo.start()
    with tempfile.TemporaryDirectory() as state:
        backend = Backend.connect(settings, audit_path=Path(state) / "audit.jsonl")
        app = SchedtuiApp(backend, AppOptions(refresh_seconds=0, demo=True, clock=lambda: FIXED))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await wait_until(pilot, lambda: fully_loaded(app), "the demo to load completely")
            groups = app.screen
            assert isinstance(groups, GroupsScreen)
            await wait_until(
                pilot,
                lambda: groups.cost is not None and not groups.cost.unknown,
                "the groups' cost (INV/MO, USD/MO) counted",
            )
            made.append(await shoot(pilot, "groups.svg"))

            # Every schedule, in the order the API lists them.
            run_command(app, "schedules")
            await wait_until(
                pilot, lambda: isinstance(app.screen, SchedulesScreen), "the schedules list"
            )
            made.append(await shoot(pilot, "schedules.svg"))

            # The detail of daily-backup-schedule: cursor on its row, enter.
            screen = app.screen
            assert isinstance(screen, SchedulesScreen)
            found = app.session.store.find(*SCHEDULE)
            assert found is not None, f"{SCHEDULE} is not in the demo"
            key = found.arn
            assert screen.table.move_to(key), f"{SCHEDULE} is not on the list"
            await pilot.press("enter")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, DetailScreen) and app.screen.schedule is not None,
                "the detail screen",
            )
            made.append(await shoot(pilot, "detail.svg"))

            # t: the confirmation, then n (nothing is sent).
            await pilot.press("t")
            await wait_until(
                pilot, lambda: isinstance(app.screen, ConfirmScreen), "the toggle dialog"
            )
            made.append(await shoot(pilot, "toggle-dialog.svg"))
            await pilot.press("n")
            await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail")

            # e: the edit form, with a new expression and zone previewed as typed; then the
            # review of exactly those changes. Cancelled and discarded: nothing is sent.
            await pilot.press("e")
            await wait_until(
                pilot, lambda: isinstance(app.screen, ScheduleFormScreen), "the edit form"
            )
            form = app.screen
            assert isinstance(form, ScheduleFormScreen)
            # The focused input's cursor blinks: caught on or off at random, so held still.
            form.query_one("#" + widget_id("Description"), TextArea).cursor_blink = False
            form.query_one(
                "#" + widget_id("ScheduleExpression"), Input
            ).value = "cron(0 3 ? * MON-FRI *)"
            form.query_one(
                "#" + widget_id("ScheduleExpressionTimezone"), Input
            ).value = "Europe/Madrid"
            await pilot.pause()
            made.append(await shoot(pilot, "edit-form.svg"))
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the review")
            made.append(await shoot(pilot, "edit-review.svg"))
            await pilot.press("n")
            await wait_until(pilot, lambda: app.screen is form, "the form again")
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "discard?")
            await pilot.press("y")
            await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail")

            # The help of the schedules list (it has the most keys of its own).
            await pilot.press("escape")
            await wait_until(
                pilot, lambda: isinstance(app.screen, SchedulesScreen), "the schedules list"
            )
            await pilot.press("question_mark")
            await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
            made.append(await shoot(pilot, "help.svg"))
            await pilot.press("escape")

            # The monitoring panel: metrics per group, DLQ depths, alarms.
            await pilot.press("m")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, MonitorScreen) and app.screen.refreshes >= 1,
                "the monitoring panel",
            )
            made.append(await shoot(pilot, "monitor.svg"))

            # Peek at the deepest DLQ (past the planted missing one, which has nothing to
            # peek): tab to the DLQ panel, p, confirm; grouped messages.
            await pilot.press("tab")
            monitor = app.screen
            assert isinstance(monitor, MonitorScreen)
            assert monitor.last is not None
            dlqs = monitor.query_one("#dlqs", VirtualTable)
            depths = monitor.last.depths
            dlqs.move_to(next(k for k in dlqs.row_keys() if isinstance(depths[k], QueueDepth)))
            await pilot.press("p")
            await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "peek?")
            await pilot.press("y")
            await wait_until(
                pilot, lambda: isinstance(app.screen, DlqMessagesScreen), "the DLQ messages"
            )
            await wait_until(pilot, lambda: fully_loaded(app), "the receive")
            made.append(await shoot(pilot, "dlq-peek.svg"))

            # A group's list filtered and sorted: the title says both.
            run_command(app, "schedules orders")
            await wait_until(
                pilot, lambda: getattr(app.screen, "group", None) == "orders", "orders"
            )
            await pilot.press("s", "slash", *"replay", "enter")
            await wait_until(pilot, lambda: app.screen.focused is not None, "the filter")
            await pilot.pause(0.2)
            made.append(await shoot(pilot, "filter.svg"))

            # The palette finds schedules by fuzzy name.
            await pilot.press("ctrl+p")
            await pilot.pause(0.2)
            await pilot.press(*"dlybackup")
            await pilot.pause(0.5)
            made.append(await shoot(pilot, "palette.svg"))
            await pilot.press("escape")

            # :failing: every schedule whose group failed in the last hour, worst first.
            run_command(app, "failing")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, SchedulesScreen) and fully_loaded(app),
                "the failing schedules",
            )
            await pilot.pause(0.3)
            made.append(await shoot(pilot, "failing.svg"))

            # `:` completes command words and names: "sch" tab "ord".
            await pilot.press("colon")
            await wait_until(
                pilot, lambda: isinstance(app.screen, CommandPrompt), "the command line"
            )
            await pilot.press(*"sch", "tab", *"ord")
            await pilot.pause(0.3)
            made.append(await shoot(pilot, "command-completion.svg"))
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, SchedulesScreen), "the list")

            # 80x24: the list and a detail, as on a small SSH window.
            await pilot.resize_terminal(80, 24)
            await pilot.pause(0.2)
            made.append(await shoot(pilot, "list-80x24.svg"))
            await pilot.press("home", "enter")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, DetailScreen) and app.screen.schedule is not None,
                "the detail at 80x24",
            )
            made.append(await shoot(pilot, "detail-80x24.svg"))

            # y: the ARN copied (OSC 52) and shown; v: GetSchedule's answer as read-only JSON.
            await pilot.press("y")
            await pilot.pause(0.3)
            made.append(await shoot(pilot, "copy-arn.svg"))
            app.clear_notifications()
            await pilot.press("v")
            await wait_until(
                pilot, lambda: type(app.screen).__name__ == "JsonViewScreen", "the JSON view"
            )
            await wait_until(pilot, lambda: fully_loaded(app), "the JSON read")
            made.append(await shoot(pilot, "json-view.svg"))

            # Y: the console URL of the schedule, copied and shown.
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), "the detail")
            app.clear_notifications()
            await pilot.press("Y")
            await pilot.pause(0.3)
            made.append(await shoot(pilot, "console-url.svg"))
            app.clear_notifications()

            # #17: the failing demo schedule's runs over 24 hours (the update marked under
            # the sparkline) and its history (the change that broke it).
            await pilot.resize_terminal(*SIZE)
            app.session.options = replace(app.session.options, zone=ZoneInfo("Europe/Berlin"))
            run_command(app, f"schedules {STORY_GROUP}/{STORY_SCHEDULE}")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, DetailScreen) and app.screen.schedule is not None,
                "the story's detail",
            )
            story = app.screen
            assert isinstance(story, DetailScreen)
            await pilot.press("R", "w")
            await pilot.pause(0.3)
            await wait_until(
                pilot,
                lambda: (
                    bool(story.runs_state and not story.runs_state.runs_loading)
                    and story.history is not None
                    and not story._history_loading
                ),
                "the runs",
            )
            made.append(await shoot(pilot, "runs.svg"))
            await pilot.press("H")
            await pilot.pause(0.3)
            made.append(await shoot(pilot, "history.svg"))
            await pilot.press("escape", "escape")  # the overview, then billing's list
            await wait_until(pilot, lambda: isinstance(app.screen, SchedulesScreen), "the list")

            # 60x20: the smallest size every screen is held to (five rows at least).
            await wait_until(pilot, lambda: isinstance(app.screen, SchedulesScreen), "the list")
            await pilot.resize_terminal(60, 20)
            await pilot.pause(0.3)
            made.append(await shoot(pilot, "list-60x20.svg"))

            # #16: the fleet doctor and cleanup over every schedule, then one schedule's panel.
            await pilot.resize_terminal(*SIZE)
            for command, screen_class, name in (
                ("doctor", DoctorScreen, "doctor.svg"),
                ("cleanup", CleanupScreen, "cleanup.svg"),  # what never fires again
            ):
                run_command(app, command)

                def walked(kind: type[FleetScanScreen] = screen_class) -> bool:
                    screen = app.screen
                    return isinstance(screen, kind) and screen.walks > 0 and not screen.walking

                await wait_until(pilot, walked, f"the {command} walk")
                made.append(await shoot(pilot, name))
            # A planted problem: the role lacks lambda:InvokeFunction on its target.
            run_command(app, f"doctor {planted.DOCTOR_GROUP}/role-missing-target-permission")

            def checked() -> bool:
                screen = app.screen
                state = screen.doctor_state if isinstance(screen, DetailScreen) else None
                return state is not None and state.answered and not state.loading

            await wait_until(pilot, checked, "the doctor panel")
            made.append(await shoot(pilot, "doctor-panel.svg"))

            # :timeline: the demo fleet's runs per minute over the next 24 hours, the busiest
            # minutes, the collisions on a shared target, the window suggestions.
            # Taller than the rest: the histogram, the busiest minutes and the collisions.
            await pilot.resize_terminal(SIZE[0], 50)
            run_command(app, "timeline")
            await wait_until(
                pilot,
                lambda: isinstance(app.screen, TimelineScreen) and app.screen.computed >= 1,
                "the fleet timeline",
            )
            made.append(await shoot(pilot, "timeline.svg"))
    demo.stop()
    return made


def main() -> int:
    made = asyncio.run(make())
    print(f"{len(made)} screenshots in {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
