"""The doctor in the TUI: the detail's doctor panel (D) and the fleet doctor (:doctor), driven
by ``tests/ui/doctor_fakes.py`` over the demo seed in moto, with the fixed clock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from schedtui.aws.errors import ThrottledError
from schedtui.aws.session import AwsSettings
from schedtui.core.health.doctor_table import schedule_of
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.doctor import DoctorScreen
from tests.ui.doctor_fakes import FakeDoctor
from tests.ui.test_app import footer_bindings, loaded, on_screen, table, wait_for

DAILY = "batch-jobs-group/daily-backup-schedule"


def start(
    make_app: Callable[..., SchedtuiApp], settings: AwsSettings, doctor: FakeDoctor, **options: Any
) -> SchedtuiApp:
    app = make_app(settings, **options)
    app.session.backend.doctor = doctor  # type: ignore[assignment]
    return app


def flat(app: SchedtuiApp) -> str:
    return " ".join(on_screen(app).split())


async def detail(pilot: Pilot[None]) -> DetailScreen:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
    screen = app.screen
    assert isinstance(screen, DetailScreen)
    await wait_for(pilot, lambda: screen.schedule is not None)
    return screen


async def checked(pilot: Pilot[None], screen: DetailScreen) -> None:
    def answered() -> bool:
        state = screen.doctor_state
        return state is not None and state.answered and not state.loading

    await wait_for(pilot, answered)
    await pilot.pause()


# -- the detail's doctor panel -------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
async def test_the_doctor_panel_checks_in_a_worker_then_lists_the_findings_with_their_fix(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], size: tuple[int, int]
) -> None:
    gate = threading.Event()
    doctor = FakeDoctor(gate=gate)
    app = start(make_app, settings, doctor, schedule=DAILY)
    async with app.run_test(size=size) as pilot:
        screen = await detail(pilot)
        assert "show_doctor" in {binding.action for binding in footer_bindings(app)}
        await pilot.press("D")
        # The check waits on AWS: the screen says so and keeps answering keys.
        await wait_for(pilot, lambda: bool(doctor.calls))
        assert "checking…" in flat(app)
        gate.set()
        await checked(pilot, screen)
        shown = flat(app)
        assert "checking" not in shown
        assert shown.index("ERROR role-permission-denied") < shown.index(
            "WARNING role-trust-unconditioned"
        )
        assert "fix: Allow lambda:InvokeFunction" in shown
        assert "may not lambda:InvokeFunction on backup-function" in shown
        assert "kind the doctor does not check: kinesis" in shown  # the notes
        assert "3 AWS read calls" in shown
        assert doctor.calls == [["daily-backup-schedule"]]
        # D is not offered on the panel it opens; esc goes back to the overview first.
        assert "show_doctor" not in {binding.action for binding in footer_bindings(app)}
        await pilot.press("escape")
        assert screen.view == "overview"
        assert app.screen is screen


async def test_the_doctor_panel_says_no_findings_and_r_checks_again_from_aws(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    doctor = FakeDoctor(planted={}, own=False)
    app = start(make_app, settings, doctor, schedule=DAILY)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await detail(pilot)
        await pilot.press("D")
        await checked(pilot, screen)
        assert "no findings" in flat(app)
        assert doctor.forgets == 0
        await pilot.press("r")
        await wait_for(pilot, lambda: len(doctor.calls) == 2)
        await checked(pilot, screen)
        assert doctor.forgets == 1  # a fresh look, not the cached roles and targets
        assert "no findings" in flat(app)


async def test_a_fault_is_the_panels_message_and_the_detail_keeps_working(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    doctor = FakeDoctor(error=ThrottledError("Rate exceeded", code="ThrottlingException"))
    app = start(make_app, settings, doctor, schedule=DAILY)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await detail(pilot)
        await pilot.press("D")
        await checked(pilot, screen)
        shown = flat(app)
        assert "Doctor unavailable: ThrottledError: Rate exceeded" in shown
        assert "AWS read calls" not in shown  # nothing was checked: no figures claimed
        await pilot.press("o")
        assert screen.view == "overview"
        assert "daily-backup-schedule" in flat(app)


async def test_hostile_text_from_aws_reaches_the_panel_as_visible_stand_ins(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = start(make_app, settings, FakeDoctor(), schedule="orders/order-status-sync")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await detail(pilot)
        await pilot.press("D")
        await checked(pilot, screen)
        shown = on_screen(app)
        assert "target-missing" in shown
        assert "\x1b" not in shown
        assert "\x07" not in shown
        assert "\u202e" not in shown
        assert "␛[2J" in shown
        assert "\\u202e" in shown


# -- the fleet doctor ------------------------------------------------------------------------


async def fleet(pilot: Pilot[None], command: str = "doctor") -> DoctorScreen:
    await loaded(pilot)
    await pilot.press("colon", *command, "enter")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, DoctorScreen))
    screen = app.screen
    assert isinstance(screen, DoctorScreen)
    await wait_for(pilot, lambda: not screen.walking)
    return screen


def severities(app: SchedtuiApp) -> list[str]:
    return [row.cells[0] for row in (table(app).rows[i] for i in range(table(app).row_count))]


async def test_the_fleet_doctor_lists_every_finding_worst_first_then_by_group_and_name(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    doctor = FakeDoctor()
    app = start(make_app, settings, doctor)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await fleet(pilot)
        listed = len(app.session.store)
        assert sum(len(names) for names in doctor.calls) == listed  # every listed schedule
        rows = [table(app).rows[i] for i in range(table(app).row_count)]
        order = {"ERROR": 0, "WARNING": 1, "INFO": 2}
        keys = [(order[row.cells[0]], *schedule_of(row.key)) for row in rows]
        assert keys == sorted(keys)
        assert {"ERROR", "WARNING", "INFO"} <= set(severities(app))
        errors = [schedule_of(row.key) for row in rows if row.cells[0] == "ERROR"]
        assert ("batch-jobs-group", "daily-backup-schedule") in errors
        assert ("orders", "order-status-sync") in errors
        shown = flat(app)
        assert f"checked {listed:,} schedules" in shown
        assert f"{3 * listed:,} AWS read calls" in shown
        assert "kind the doctor does not check: kinesis" in shown
        # f: warnings and errors, then errors only, then all again.
        everything = table(app).row_count
        await pilot.press("f")
        assert set(severities(app)) == {"ERROR", "WARNING"}
        await pilot.press("f")
        assert set(severities(app)) == {"ERROR"}
        assert table(app).row_count == len(errors)
        assert "errors only" in str(table(app).border_title)
        await pilot.press("f")
        assert table(app).row_count == everything
        assert screen.fault is None


async def test_enter_opens_the_schedule_on_its_doctor_panel(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    doctor = FakeDoctor()
    app = start(make_app, settings, doctor)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await fleet(pilot, "doctor batch-jobs-group")
        assert {schedule_of(key)[0] for key in table(app).row_keys()} == {"batch-jobs-group"}
        key = f"{DAILY}#0"
        assert table(app).move_to(key)
        await pilot.pause()
        assert "fix: Allow lambda:InvokeFunction" in flat(app)  # the cursor's finding, whole
        await pilot.press("enter")
        opened = await detail(pilot)
        assert opened.view == "doctor"
        await checked(pilot, opened)
        assert "role-permission-denied" in flat(app)
        await pilot.press("escape", "escape")  # the panel, the overview, then the fleet
        await wait_for(pilot, lambda: app.screen is screen)


async def test_doctor_with_a_schedule_opens_its_panel_and_an_unknown_group_is_named(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = start(make_app, settings, FakeDoctor())
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await pilot.press("colon", *"doctor no-such-group", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, DoctorScreen)
        await pilot.press("colon", *f"doctor {DAILY}", "enter")
        screen = await detail(pilot)
        assert screen.view == "doctor"
        await checked(pilot, screen)
        assert "role-permission-denied" in flat(app)


async def test_leaving_the_fleet_doctor_stops_the_walk(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DoctorScreen, "PAGE", 5)
    gate = threading.Event()
    doctor = FakeDoctor(gate=gate)
    app = start(make_app, settings, doctor)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        assert len(app.session.store) > 10  # more than two pages to walk
        await pilot.press("colon", *"doctor", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DoctorScreen))
        screen = app.screen
        assert isinstance(screen, DoctorScreen)
        await wait_for(pilot, lambda: len(doctor.calls) == 1)  # the first page, held
        assert "checking… 0 of" in flat(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DoctorScreen))
        assert screen.stop.is_set()
        gate.set()
        await wait_for(pilot, screen.ended.is_set)  # the thread itself returned
        assert len(doctor.calls) == 1  # no page started after the operator left


async def test_a_fault_stops_the_walk_with_a_message(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    doctor = FakeDoctor(error=ThrottledError("Rate exceeded", code="ThrottlingException"))
    app = start(make_app, settings, doctor)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await fleet(pilot)
        assert screen.fault is not None
        assert "stopped after 0 of" in flat(app)
        assert "Rate exceeded" in flat(app)
        assert table(app).row_count == 0
