"""Text from AWS never drives the terminal, and the form never loses or rewrites it.

A schedule whose description, input and group tags hold escape sequences, bidi overrides and
zero-width characters is opened in every widget that shows it (TextAreas, the group
tags form, notifications). The widgets hold visible stand-ins only; saving another field
sends those members back byte for byte; an edit that keeps a stand-in is refused.
(tests/e2e/test_tmux_hostile.py checks the same in a real terminal: screen and title.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from textual import events
from textual.widgets import Input, TextArea

from schedtui.aws.session import AwsSettings
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.dialogs import ConfirmScreen
from schedtui.ui.screens.group_form import GroupFormScreen
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.schedule_form import ScheduleFormScreen, widget_id
from tests.aws.lossy_proxy import LossyProxy
from tests.ui.test_app import SIZE, loaded, on_screen, static_text, table, wait_for
from tests.ui.test_schedule_form import form, message, open_form, set_field

GROUP = "hostile-group"
NAME = "hostile"
REGION = "us-east-1"
ACCOUNT = "123456789012"
UNSAFE = "\x1b\x07\x9b\u202e\u202c\u200b"
DESCRIPTION = "Nightly \x1b]2;PWNED\x07 report \x1b[31mred\x1b[0m \u202eevil\u202c\u200bx"
INPUT = "wipe \x1b[2J\x1b[H then \x9b31m and \u202ereversed\u202c"
TAGS = {"owner": "ops \x1b]0;TITLE\x07", "plain": "value"}


@pytest.fixture
def hostile(moto_endpoint: str) -> AwsSettings:
    client = boto3.client("scheduler", region_name=REGION, endpoint_url=moto_endpoint)
    client.create_schedule_group(
        Name=GROUP, Tags=[{"Key": key, "Value": value} for key, value in TAGS.items()]
    )
    client.create_schedule(
        Name=NAME,
        GroupName=GROUP,
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Description=DESCRIPTION,
        Target={
            "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:work",
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/invoke",
            "Input": INPUT,
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
        },
    )
    return AwsSettings(region=REGION, endpoint_url=moto_endpoint, max_attempts=2)


def stored(settings: AwsSettings) -> dict[str, Any]:
    client = boto3.client("scheduler", region_name=REGION, endpoint_url=settings.endpoint_url)
    return dict(client.get_schedule(GroupName=GROUP, Name=NAME))


def tags(settings: AwsSettings) -> dict[str, str]:
    client = boto3.client("scheduler", region_name=REGION, endpoint_url=settings.endpoint_url)
    arn = client.get_schedule_group(Name=GROUP)["Arn"]
    return {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceArn=arn)["Tags"]}


def clean(text: str) -> bool:
    return not any(char in text for char in UNSAFE)


async def test_the_form_shows_stand_ins_and_sends_untouched_text_back_byte_for_byte(
    hostile: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(hostile, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, name=NAME)
        description = form(app).query_one("#" + widget_id("Description"), TextArea).text
        assert clean(description)
        assert "␛]2;PWNED␇" in description
        assert "\\u202eevil" in description
        area = form(app).query_one("#" + widget_id("Target.Input"), TextArea)
        assert clean(area.text)
        assert "␛[2J␛[H" in area.text
        assert clean(on_screen(app))
        set_field(app, "Target.RetryPolicy.MaximumRetryAttempts", "5")
        await pilot.pause()
        assert form(app).result.written == ["Target.RetryPolicy.MaximumRetryAttempts"]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert clean(on_screen(app))
        await pilot.press("y")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, ConfirmScreen | ScheduleFormScreen)
        )
    after = stored(hostile)
    assert after["Description"] == DESCRIPTION
    assert after["Target"]["Input"] == INPUT
    assert after["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 5


async def test_an_edit_that_keeps_a_stand_in_is_refused_and_clearing_is_allowed(
    hostile: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(hostile, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, name=NAME)
        shown = form(app).query_one("#" + widget_id("Description"), TextArea).text
        set_field(app, "Description", shown + " (edited)")
        await pilot.pause()
        assert "Description" in form(app).result.errors
        text = " ".join(message(app, "Description").split())
        assert "still holds" in text
        assert "␛" in text
        assert form(app).result.schedule is None  # nothing can be saved like this
        set_field(app, "Description", "a clean description")
        await pilot.pause()
        assert form(app).result.errors == {}
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, ConfirmScreen | ScheduleFormScreen)
        )
    after = stored(hostile)
    assert after["Description"] == "a clean description"
    assert after["Target"]["Input"] == INPUT


async def test_group_tags_show_stand_ins_and_untouched_tags_stay_exact(
    hostile: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(hostile)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert table(app).move_to(GROUP)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupFormScreen))
        await pilot.pause()
        area = app.screen.query_one("#tags", TextArea)
        assert clean(area.text)
        assert "owner=ops ␛]0;TITLE␇" in area.text
        area.text = area.text + "\nteam=payments"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert clean(on_screen(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
    assert tags(hostile) == {**TAGS, "team": "payments"}


async def test_notifications_and_errors_are_printable(
    hostile: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(hostile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await loaded(pilot)
        app.notify("bad \x1b]2;PWNED\x07 news \u202e", title="\x1b[31mtitle")
        app.show_error(RuntimeError("from AWS: \x1b[2J\x9b"))
        await pilot.pause(0.3)
        toasts = app.screen.query("Toast")
        assert len(toasts) == 2
        assert clean(on_screen(app))
        bodies = [str(getattr(body, "plain", body)) for body in (t.render() for t in toasts)]
        assert all(clean(body) for body in bodies)
        assert any("bad ␛]2;PWNED␇ news" in body for body in bodies), bodies


async def test_a_huge_aws_message_reaches_the_notification_and_the_status_line_bounded(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    """The groups listing is denied with a 100,000-character message: the toast and the
    header's error say its start and how much was cut, printable."""
    huge = "\x1b[2J denied because " + "y" * 100_000
    with LossyProxy(settings.endpoint_url or "", deny_message=huge) as proxy:
        proxy.spoil("GET", "/schedule-groups", "deny")
        through = AwsSettings(region="us-east-1", endpoint_url=proxy.url, max_attempts=1)
        app = make_app(through)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await wait_for(pilot, lambda: bool(app.session.error_log))
            await pilot.pause(0.3)
            (toast,) = app.screen.query("Toast")
            body = str(getattr(toast.render(), "plain", toast.render()))
            said = " ".join(body.split())  # the toast wraps its lines
            assert "access denied: ␛[2J denied because yyy" in said
            assert re.search(r"yyy… \([\d,]+ more characters\)", said)
            assert len(said) < 1_200
            assert clean(on_screen(app))
            (logged,) = app.session.error_log
            assert logged.endswith(said[-40:])
            # What the status line shows (cut to the terminal's width) is that same text.
            assert app.session.store.last_error == logged
            assert "access denied: ␛[2J denied" in static_text(app, "StatusHeader")


async def test_pasted_control_characters_reach_no_input_raw(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group="batch-jobs-group")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        await pilot.pause()
        app.post_message(events.Paste("x\x1b]0;PWNED\x07\u202erev"))
        await pilot.pause(0.2)
        field = app.screen.query_one("#filter", Input)
        assert field.value == "x␛]0;PWNED␇\\u202erev"
        assert clean(on_screen(app))
