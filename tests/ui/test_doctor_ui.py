"""The doctor in the TUI: the detail's doctor panel (D) and the fleet doctor (:doctor), driven
by ``tests/ui/doctor_fakes.py`` over the demo seed in moto, with the fixed clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from schedtui.aws.backend import Backend
from schedtui.aws.errors import ThrottledError
from schedtui.aws.session import AwsSettings
from schedtui.core.console_urls import schedule_url
from schedtui.core.health.doctor_table import finding_key, schedule_of
from schedtui.core.health.findings import Finding, FindingKind, Severity
from schedtui.core.table import TableRow
from schedtui.demo.seed import seed_demo
from schedtui.ui.app import AppOptions, SchedtuiApp
from schedtui.ui.commands import completions
from schedtui.ui.screens import fleet_scan
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import HelpScreen
from schedtui.ui.screens.doctor import DoctorScreen
from schedtui.ui.session import show_state
from tests.ui.doctor_fakes import ROLE, FakeDoctor
from tests.ui.held_listing import hold_listing
from tests.ui.test_activity_tabs import detail
from tests.ui.test_app import FIXED, footer_bindings, loaded, on_screen, scheduler, table, wait_for
from tests.ui.test_copy import stored_arn
from tests.ui.test_sizes import screen_lines
from tests.ui.test_snapshots import SIZES, SnapCompare, open_daily_backup, steady

DAILY = "batch-jobs-group/daily-backup-schedule"
ACCOUNT = "123456789012"


def start(
    make_app: Callable[..., SchedtuiApp], settings: AwsSettings, doctor: FakeDoctor, **options: Any
) -> SchedtuiApp:
    app = make_app(settings, **options)
    app.session.backend.doctor = doctor  # type: ignore[assignment]
    return app


def flat(app: SchedtuiApp) -> str:
    return " ".join(on_screen(app).split())


async def checked(pilot: Pilot[None], screen: DetailScreen) -> None:
    def answered() -> bool:
        state = screen.doctor_state
        return state is not None and state.answered and not state.loading

    await wait_for(pilot, answered)
    await pilot.pause()


async def checked_panel(pilot: Pilot[None]) -> DetailScreen:
    """The detail opened, D pressed, the check answered."""
    screen = await detail(pilot)
    await pilot.press("D")
    await checked(pilot, screen)
    return screen


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
        await wait_for(pilot, lambda: bool(doctor.asked))
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
        assert doctor.asked == [["daily-backup-schedule"]]
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
        screen = await checked_panel(pilot)
        assert "no findings" in flat(app)
        assert doctor.forgets == 0
        await pilot.press("r")
        await wait_for(pilot, lambda: len(doctor.asked) == 2)
        await checked(pilot, screen)
        assert doctor.forgets == 1  # a fresh look, not the cached roles and targets
        assert "no findings" in flat(app)


async def test_a_fault_is_the_panels_message_and_the_detail_keeps_working(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    doctor = FakeDoctor(error=ThrottledError("Rate exceeded", code="ThrottlingException"))
    app = start(make_app, settings, doctor, schedule=DAILY)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await checked_panel(pilot)
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
        await checked_panel(pilot)
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
    await wait_for(pilot, lambda: screen.walks > 0 and not screen.walking)
    return screen


def shown_rows(app: SchedtuiApp) -> list[TableRow]:
    return [table(app).rows[i] for i in range(table(app).row_count)]


def severities(app: SchedtuiApp) -> list[str]:
    return [row.cells[0] for row in shown_rows(app)]


async def test_the_fleet_doctor_lists_every_finding_worst_first_then_by_group_and_name(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    doctor = FakeDoctor()
    app = start(make_app, settings, doctor)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await fleet(pilot)
        listed = len(app.session.store)
        assert sum(len(names) for names in doctor.asked) == listed  # every listed schedule
        rows = shown_rows(app)
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
        assert f"showing errors only (f) · {len(errors)} shown" in str(table(app).border_title)
        await pilot.press("f")
        assert table(app).row_count == everything
        assert " shown" not in str(table(app).border_title)  # nothing hidden: no count
        assert screen.fault is None
        # r: every schedule again, from AWS (the doctor's cache forgotten once).
        await pilot.press("r")
        await wait_for(pilot, lambda: not screen.walking)
        assert doctor.forgets == 1
        assert sum(len(names) for names in doctor.asked) == 2 * listed
        assert table(app).row_count == everything


async def test_at_80_columns_the_message_keeps_its_room(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = start(make_app, settings, FakeDoctor())
    async with app.run_test(size=(80, 24)) as pilot:
        await fleet(pilot)
        await pilot.pause()
        shown = table(app)
        top = shown.scrollable_content_region.y  # the header line, then the rows
        lines = screen_lines(app)
        header = lines[top]
        # Every column on screen, none scrolled off the right edge (no angle quote).
        assert header.split() == ["SEVERITY", "KIND", "SCHEDULE", "MESSAGE"]
        message_at = header.index("MESSAGE")
        assert len(header) - message_at >= 30
        rows = shown_rows(app)[:8]
        assert any(len(row.cells[3]) > 30 for row in rows)  # messages that must be cut
        for offset, row in enumerate(rows, 1):
            line = lines[top + offset]
            cell = line[message_at:].rstrip()
            # At least 29 characters of the message, then the ellipsis if it goes on.
            assert cell.startswith(row.cells[3][: min(29, len(row.cells[3]))]), line
            assert len(cell) >= min(30, len(row.cells[3])), line
            # The kind and the schedule give way but still say something.
            assert line[header.index("KIND") : message_at].split()


def expected_count(rows: list[TableRow]) -> tuple[str, str]:
    """The title's count worked out from the rows shown (every severity): the findings,
    the schedules they are on, and the breakdown, as ``schedtui doctor`` words them."""
    on = {schedule_of(row.key) for row in rows}
    by = {level: sum(row.cells[0] == level for row in rows) for level in ("ERROR", "WARNING")}
    info = sum(row.cells[0] == "INFO" for row in rows)
    head = f"{len(rows)} findings on {len(on)} schedules"
    return head, f"{head} ({by['ERROR']} errors, {by['WARNING']} warnings, {info} info)"


async def test_the_title_counts_findings_and_schedules_in_the_cli_s_words(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = start(make_app, settings, FakeDoctor())
    async with app.run_test(size=(120, 36)) as pilot:
        await fleet(pilot)
        rows = shown_rows(app)
        head, whole = expected_count(rows)
        assert f"Doctor · {whole} · showing all (f)" in str(table(app).border_title)
        # At 80 columns the breakdown gives way (f shows it); the count's words stay.
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: whole not in str(table(app).border_title))
        title = str(table(app).border_title)
        assert f"Doctor · {head} · showing all (f)" in title
        assert title in screen_lines(app)[table(app).region.y]  # drawn whole on the border


async def test_while_checking_the_title_never_says_no_findings_and_the_fix_always_shows(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    policies = ", ".join(f"arn:aws:iam::{ACCOUNT}:policy/delivery-{n}" for n in range(12))
    long_one = Finding(
        FindingKind.ROLE_PERMISSION_DENIED,
        Severity.ERROR,
        f"The role {ROLE} may not lambda:InvokeFunction on "
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:backup-function: no statement allows "
        f"it (policies read: {policies})",
        f"Add to the role {ROLE}: "
        '{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "the-end"}',
    )
    gate = threading.Event()
    doctor = FakeDoctor(planted={"daily-backup-schedule": (long_one,)}, own=False, gate=gate)
    app = start(make_app, settings, doctor)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("colon", *"doctor", "enter")
        await wait_for(pilot, lambda: bool(doctor.asked))
        title = str(table(app).border_title)
        assert "checking…" in title
        assert "no findings" not in title  # a glance must not read "healthy"
        screen = app.screen
        assert isinstance(screen, DoctorScreen)
        # While a page waits on AWS the line still moves: the seconds so far, every second.
        started = screen._walk_started
        with pytest.MonkeyPatch.context() as clock:
            clock.setattr(fleet_scan, "monotonic", lambda: started + 12.2)
            screen._tick()
            doctor.calls += 7  # the requests the doctor counts as it makes them
            screen._tick()
            assert "checking… 0 of" in flat(app)
            assert " · 12 s" in flat(app)
            assert "7 AWS read calls" in flat(app)  # before the page's report is in
        gate.set()
        await wait_for(pilot, lambda: not screen.walking)
        assert table(app).move_to(finding_key(*DAILY.split("/"), 0))
        await pilot.pause()
        shown = flat(app)
        assert "1 error" in str(table(app).border_title)
        assert '"Resource": "the-end"}' in shown  # the fix whole, after a cut message
        assert "delivery-11" not in shown


SCHEDULER = f"arn:aws:scheduler:us-east-1:{ACCOUNT}"
TRUST_REFUSED = Finding(
    FindingKind.ROLE_TRUST_MISSING,
    Severity.ERROR,
    f"The trust policy of the role {ROLE} admits scheduler.amazonaws.com only for "
    f"aws:SourceArn {SCHEDULER}:schedule/billing/* (ArnLike), not this schedule's group ARN "
    f"{SCHEDULER}:schedule-group/batch-jobs-group (Scheduler sends the group's ARN, never a "
    "schedule's): every invocation fails",
    f'Change the condition to {{"ArnLike": {{"aws:SourceArn": "{SCHEDULER}:schedule-group/'
    'batch-jobs-group"}}',
)


async def on_the_one_finding(pilot: Pilot[None]) -> None:
    """The fleet doctor, its cursor on daily-backup-schedule's one (planted) finding."""
    await fleet(pilot)
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    assert table(app).move_to(finding_key(*DAILY.split("/"), 0))
    await pilot.pause()


async def test_the_line_under_the_table_shows_a_trust_message_whole_and_the_cell_no_bare_star(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    doctor = FakeDoctor(planted={"daily-backup-schedule": (TRUST_REFUSED,)}, own=False)
    app = start(make_app, settings, doctor)
    async with app.run_test(size=(120, 36)) as pilot:
        await on_the_one_finding(pilot)
        shown = " ".join(" ".join(screen_lines(app)).split())  # as the terminal shows it
        # The line under the table: the message whole, ARNs and all, then the fix whole.
        assert " ".join(TRUST_REFUSED.message.split()) in shown
        assert 'schedule-group/batch-jobs-group"}}' in shown  # the fix whole
        # The MESSAGE cell shortens ARNs, but never to a bare wildcard or a bare group name.
        cell = shown_rows(app)[0].cells[3]
        assert f"aws:SourceArn {SCHEDULER}:schedule/billing/* (ArnLike)" in cell
        assert "group ARN schedule-group/batch-jobs-group " in cell
        assert "demo-batch-scheduler" in cell
        assert ROLE not in cell


async def test_on_a_short_terminal_a_long_message_is_cut_but_its_fix_stays_whole(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    long_fix = replace(TRUST_REFUSED, fix=TRUST_REFUSED.fix + " " + "and more words " * 20 + "END")
    doctor = FakeDoctor(planted={"daily-backup-schedule": (long_fix,)}, own=False)
    app = start(make_app, settings, doctor)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_the_one_finding(pilot)
        shown = flat(app)
        assert "words END" in shown  # the fix whole
        assert "The trust policy of the role" in shown  # the message's start, then a cut
        assert "every invocation fails" not in shown
        assert "…" in shown


async def test_the_progress_says_when_it_is_reading_definitions(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first page waits on GetSchedule (not on the doctor): "checking… 0 of 234" for
    # ten seconds read as stuck.
    app = start(make_app, settings, FakeDoctor())
    details = app.session.backend.details
    gate = threading.Event()
    real_fetch = details._fetch_one
    fetched: list[str] = []

    def slow_fetch(summary: Any) -> Any:
        fetched.append(summary.name)
        if len(fetched) > 20:
            gate.wait(10)  # GetSchedule stalls with the page under way
        time.sleep(0.05)  # the progress line is redrawn every 0.2 s at most
        return real_fetch(summary)

    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        monkeypatch.setattr(details, "cached", lambda summary: None)  # read every one again
        monkeypatch.setattr(details, "_fetch_one", slow_fetch)
        await pilot.press("colon", *"doctor", "enter")
        listed = len(app.session.store)
        await wait_for(pilot, lambda: "reading definitions… " in flat(app))
        assert f" of {listed:,} (every group)" in flat(app)
        gate.set()
        screen = app.screen
        assert isinstance(screen, DoctorScreen)
        await wait_for(pilot, lambda: not screen.walking)
        assert "reading definitions" not in flat(app)
        assert f"checked {len(app.session.store):,} schedules" in flat(app)


@pytest.mark.parametrize(("size", "shown"), [((120, 36), 7), ((80, 24), 2)])
async def test_the_notes_take_the_room_a_terminal_has(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    size: tuple[int, int],
    shown: int,
) -> None:
    # The demo's walk has seven: one per kind of target the doctor does not read.
    notes = tuple(f"{kind} targets are not checked for existence" for kind in "ABCDEFG")
    app = start(make_app, settings, FakeDoctor(notes=notes))
    async with app.run_test(size=size) as pilot:
        await fleet(pilot)
        text = flat(app)
        assert [kind for kind in "ABCDEFG" if f"{kind} targets are" in text] == list(
            "ABCDEFG"[:shown]
        )
        assert ("more notes" in text) == (shown < len(notes))


async def test_a_second_look_says_it_answered_from_the_cache(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = start(make_app, settings, FakeDoctor(reads_per_schedule=0))
    async with app.run_test(size=(120, 36)) as pilot:
        await fleet(pilot)
        assert "answered from the doctor's cache: no AWS call (r reads AWS again)" in flat(app)


async def test_slash_filters_the_findings_and_typing_never_reaches_the_keys(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = start(make_app, settings, FakeDoctor())
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await fleet(pilot)
        everything = table(app).row_count
        # "m" would open the monitor and "f" cycle the severity, were they keys here.
        await pilot.press("slash", *"order fifo-dlq")
        await pilot.pause()
        assert app.screen is screen
        assert screen.minimum is Severity.INFO
        rows = shown_rows(app)
        assert [(row.cells[1], schedule_of(row.key)) for row in rows] == [
            ("fifo-dlq", ("orders", "order-status-sync"))
        ]
        assert "showing all (f) · 1 shown · filter “order fifo-dlq”" in str(table(app).border_title)
        # The breakdown gives way to the filter's words at 120 columns: all drawn on the border.
        await pilot.press(*"-extra-words")
        title = str(table(app).border_title)
        assert "(f) · 0 shown · filter “order fifo-dlq-extra-words”" in title
        assert title in screen_lines(app)[table(app).region.y]
        await pilot.press(*["backspace"] * len("-extra-words"))
        await pilot.press("enter", "escape")  # the table keeps the filter; esc clears it
        assert table(app).row_count == everything
        assert app.screen is screen
        await pilot.press("escape")  # then back
        await wait_for(pilot, lambda: app.screen is not screen)


def test_doctor_completes_group_names() -> None:
    groups = ["orders", "ops-maintenance", "billing"]
    assert completions("doc", groups, lambda group: []) == ["doctor "]
    assert completions("doctor o", groups, lambda group: []) == [
        "doctor ops-maintenance",
        "doctor orders",
    ]


async def test_enter_opens_the_schedule_on_its_doctor_panel(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    doctor = FakeDoctor()
    app = start(make_app, settings, doctor)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await fleet(pilot, "doctor batch-jobs-group")
        assert {schedule_of(key)[0] for key in table(app).row_keys()} == {"batch-jobs-group"}
        key = finding_key(*DAILY.split("/"), 0)
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


async def test_y_and_capital_y_copy_the_cursor_rows_schedule_arn_and_console_url(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = start(make_app, settings, FakeDoctor())
    async with app.run_test(size=(80, 24)) as pilot:
        await fleet(pilot, "doctor batch-jobs-group")
        group, name = DAILY.split("/")
        assert table(app).move_to(finding_key(group, name, 0))
        await pilot.pause()
        arn = stored_arn(settings, group, name)
        await pilot.press("y")
        assert app.clipboard == arn
        await pilot.press("Y")
        assert app.clipboard == schedule_url(arn, group, name)
        # The help says so.
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "y copy the ARN" in flat(app)


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
        await wait_for(pilot, lambda: len(doctor.asked) == 1)  # the first page, held
        assert "checking… 0 of" in flat(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DoctorScreen))
        assert screen.stop.is_set()
        gate.set()
        await wait_for(pilot, screen.ended.is_set)  # the thread itself returned
        assert len(doctor.asked) == 1  # no page started after the operator left


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
        await pilot.press("question_mark")  # the help lists the screen's keys
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "show all findings, warnings and errors, or errors only" in flat(app)
        assert "mark / unmark" not in flat(app)  # nothing here acts on marks


# -- against the real doctor (aws/doctor_repo.py over moto) -----------------------------------


def plant_broken_schedule(settings: AwsSettings) -> None:
    """A schedule whose execution role and target function do not exist."""
    scheduler(settings).create_schedule(
        Name="doctor-probe",
        GroupName="default",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:no-such-function",
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/no-such-role",
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
        },
    )


async def test_the_real_doctor_finds_the_missing_role_and_target_in_the_panel_and_the_fleet(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    plant_broken_schedule(settings)
    app = make_app(settings, schedule="default/doctor-probe")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await checked_panel(pilot)
        state = screen.doctor_state
        assert state is not None
        assert state.fault is None
        kinds = {finding.kind.value for finding in state.findings}
        assert {"role-missing", "target-missing"} <= kinds
        assert state.calls > 0
        shown = flat(app)
        assert "role-missing" in shown
        assert "fix:" in shown
        fleet_screen = await fleet(pilot, "doctor default")
        assert fleet_screen.fault is None
        errors = {
            (schedule_of(row.key), row.cells[1])
            for row in (table(app).rows[i] for i in range(table(app).row_count))
            if row.cells[0] == "ERROR"
        }
        assert (("default", "doctor-probe"), "role-missing") in errors
        assert (("default", "doctor-probe"), "target-missing") in errors


# -- snapshots (tests/ui/__snapshots__/test_doctor_ui/: look at them after an update) -----------


@pytest.fixture
def snap_app(moto_endpoint: str, tmp_path: Path) -> SchedtuiApp:
    """The snapshots' app (tests/ui/test_snapshots.py: demo seed, fixed clock, the endpoint
    pinned), with the fake doctor."""
    seed_demo(moto_endpoint, now=FIXED)
    settings = AwsSettings(region="us-east-1", endpoint_url=moto_endpoint)
    backend = Backend.connect(settings, audit_path=tmp_path / "audit.jsonl")
    backend.doctor = FakeDoctor()  # type: ignore[assignment]
    return SchedtuiApp(backend, AppOptions(refresh_seconds=0, demo=True, clock=lambda: FIXED))


async def doctor_panel(pilot: Pilot[None]) -> None:
    await open_daily_backup(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen)
    await pilot.press("D")
    await checked(pilot, screen)
    assert isinstance(pilot.app, SchedtuiApp)
    show_state(pilot.app)


async def fleet_doctor(pilot: Pilot[None]) -> None:
    await pilot.press("colon", *"doctor", "enter")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, DoctorScreen))
    screen = app.screen
    assert isinstance(screen, DoctorScreen)
    await wait_for(pilot, lambda: screen.walks > 0 and not screen.walking)
    assert isinstance(app, SchedtuiApp)
    show_state(app)


@SIZES
def test_doctor_panel_snapshot(
    snap_compare: SnapCompare, snap_app: SchedtuiApp, size: tuple[int, int]
) -> None:
    assert snap_compare(snap_app, terminal_size=size, run_before=steady(doctor_panel))


@SIZES
def test_fleet_doctor_snapshot(
    snap_compare: SnapCompare, snap_app: SchedtuiApp, size: tuple[int, int]
) -> None:
    assert snap_compare(snap_app, terminal_size=size, run_before=steady(fleet_doctor))


async def test_opened_while_listing_it_waits_for_the_listing_then_checks_every_schedule(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opened a moment after the start: the walk took the 5 schedules listed so far (or
    # none), said "no findings", and nothing walked again until r.
    app = start(make_app, settings, FakeDoctor())
    gate = hold_listing(app, monkeypatch, first=5)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: len(app.session.store) == 5)
        await pilot.press("colon", *"doctor", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DoctorScreen))
        screen = app.screen
        assert isinstance(screen, DoctorScreen)
        for _ in range(3):  # heartbeats pass: still waiting, never an answer
            await pilot.pause(0.5)
            title = str(table(app).border_title)
            assert "waiting for the listing…" in title
            assert "no findings" not in title
            assert "waiting for the listing… 5 listed so far (every group)" in flat(app)
            assert "checked" not in flat(app)
        gate.set()
        await loaded(pilot)
        await wait_for(pilot, lambda: not screen.walking)
        listed = len(app.session.store)
        assert listed > 5
        assert f"checked {listed:,} schedules (every group)" in flat(app)
        assert {(d.group, d.name) for d in screen.diagnoses} == {
            (s.group_name, s.name) for s in app.session.store.summaries()
        }
        # Without r: the planted finding of a schedule listed after the hold is there.
        assert ("batch-jobs-group", "daily-backup-schedule") in {
            schedule_of(row.key) for row in shown_rows(app)
        }
