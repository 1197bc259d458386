"""Hostile AWS text on the #16 screens: the fleet doctor (`:doctor`) and the cleanup
(`:cleanup`) show escapes, bells, carriage returns and bidi overrides as visible stand-ins,
in the table, the cursor's line, the notes and the title, never raw.

The fleet doctor runs on ``tests/ui/doctor_fakes.py`` (its findings planted with hostile
text in the message, the fix and the notes); the cleanup on the real doctor over moto, with
a target ARN moto stores as another tool could have written it (boto3's checks off: AWS
allows none of these in an ARN, and schedtui trusts it no more). The name stays plain:
moto keeps a name from the URL path still percent-encoded, so it could not be read back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from schedtui.aws.session import AwsSettings
from schedtui.core.health.cleanup import Candidate, CleanupReason
from schedtui.core.health.findings import Finding, FindingKind, Severity
from schedtui.core.schedules.schedule import Schedule
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.commands import run_command
from schedtui.ui.screens.cleanup import CleanupScreen, candidate_row
from tests.ui.doctor_fakes import ROLE, FakeDoctor, planted
from tests.ui.test_app import loaded, on_screen, table, wait_for
from tests.ui.test_doctor_ui import fleet, start
from tests.ui.test_hostile_values import unchecked

# A clear screen, a retitle ended by a bell, a carriage return, a C1 CSI and a bidi override.
EVIL = "\x1b[2J\x1b]0;pwned\x07\r\x9b31m\u202egnp.exe"
RAW = ("\x1b", "\x07", "\r", "\x9b", "\u202e")


def assert_inert(text: str) -> None:
    assert not [char for char in RAW if char in text], repr(text)


def hostile_doctor() -> FakeDoctor:
    found = planted()
    found["order-status-sync"] = (
        Finding(
            FindingKind.ROLE_PERMISSION_DENIED,
            Severity.ERROR,
            f"The role arn:aws:iam::123456789012:role/r{EVIL} may not sqs:SendMessage: "
            f"statement '{EVIL}' of policy inline {EVIL} denies it",
            f"Remove or narrow the Deny (statement '{EVIL}').",
        ),
    )
    return FakeDoctor(planted=found, notes=(f"1 target of a kind not checked: {EVIL}",))


async def test_the_fleet_doctor_shows_hostile_findings_fixes_and_notes_inert(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = start(make_app, settings, hostile_doctor())
    async with app.run_test(size=(160, 40)) as pilot:
        await fleet(pilot)
        keys = [table(app).rows[i].key for i in range(table(app).row_count)]
        row = next(i for i, key in enumerate(keys) if "order-status-sync" in key)
        for _ in range(row):  # the cursor's line shows the message and the fix in full
            await pilot.press("down")
        await pilot.pause()
        shown = on_screen(app)
        assert_inert(shown)
        assert "statement '␛[2J" in shown
        assert "Remove or narrow the Deny" in shown
        assert "\\u202egnp.exe" in shown
        assert "kind not checked: ␛" in shown


async def test_the_cleanup_shows_a_hostile_schedule_and_its_gone_target_inert(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert settings.endpoint_url is not None
    client = unchecked(settings.endpoint_url)
    client.create_schedule_group(Name="retired")
    client.create_schedule(
        Name="feed",
        GroupName="retired",
        ScheduleExpression="cron(0 6 * * ? *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": f"arn:aws:sns:us-east-1:123456789012:gone{EVIL}",
            "RoleArn": "arn:aws:iam::123456789012:role/scheduler-retired",
        },
    )
    app = make_app(settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        run_command(app, "cleanup retired")
        await wait_for(
            pilot, lambda: isinstance(app.screen, CleanupScreen) and not app.screen.walking
        )
        screen = app.screen
        assert isinstance(screen, CleanupScreen)
        assert screen.table.row_count == 1
        await pilot.pause()
        shown = on_screen(app)
        assert_inert(shown)
        assert "retired/feed" in shown
        assert "target gone" in shown
        assert "gone␛[2J" in shown


def test_two_schedules_that_print_alike_are_two_cleanup_rows() -> None:
    # A definition read without its Arn is keyed by its path: "a\x1b" and "a␛" print
    # alike, and one row must not hide the other (nor be the one a delete removes).
    def expired(name: str) -> Candidate:
        found = Schedule.from_api(
            {
                "Name": name,
                "GroupName": "retired",
                "ScheduleExpression": "rate(1 hour)",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {"Arn": "arn:aws:sqs:us-east-1:123456789012:q", "RoleArn": ROLE},
            }
        )
        return Candidate(found, CleanupReason.EXPIRED, "EndDate is past")

    rows = [candidate_row(expired("a\x1b")), candidate_row(expired("a\u241b"))]
    assert rows[0].cells == rows[1].cells  # the operator sees the same text...
    assert rows[0].key != rows[1].key  # ...of two rows
