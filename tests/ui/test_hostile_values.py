"""Values AWS may store that schedtui would never write: each view still answers.

moto stores what boto3 sends when boto3's own parameter checks are off, which stands in for
a definition another tool (or an older API) wrote: a required member missing, numbers near
2**63, a target input nested thousands deep, markup in names and states.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from textual.widgets import TextArea

from schedtui.aws.session import AwsSettings
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.commands import CommandsProvider
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.schedule_form import ScheduleFormScreen, widget_id
from tests.store_rows import rows_of
from tests.ui.test_app import SIZE, static_text, wait_for

REGION = "us-east-1"
ACCOUNT = "123456789012"
GROUP = "[@click=app.quit]odd"  # markup, as a group name moto keeps
HUGE = 2**63
DEEP = "[" * 5000 + "]" * 5000  # valid JSON that the json module cannot recurse through
LONG_WORD = "x" * 400 + "-the-end"  # a Description with nowhere to wrap
TARGET = {
    "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:work",
    "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/invoke",
}


def unchecked(endpoint: str) -> Any:
    """A client that sends what it is given (botocore's parameter checks off)."""
    config = Config(parameter_validation=False)
    return boto3.client("scheduler", region_name=REGION, endpoint_url=endpoint, config=config)


def create(client: Any, name: str, **members: Any) -> None:
    arguments: dict[str, Any] = {
        "Name": name,
        "ScheduleExpression": "rate(1 hour)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": TARGET,
        **members,
    }
    client.create_schedule(**{key: value for key, value in arguments.items() if value is not None})


@pytest.fixture
def stored(moto_endpoint: str) -> AwsSettings:
    client = unchecked(moto_endpoint)
    client.create_schedule_group(Name=GROUP)
    create(client, "no-role", FlexibleTimeWindow=None, Target={"Arn": TARGET["Arn"]})
    create(client, "deep-input", Target={**TARGET, "Input": DEEP})
    create(
        client,
        "huge-numbers",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": -HUGE},
        Target={
            **TARGET,
            "RetryPolicy": {"MaximumRetryAttempts": HUGE, "MaximumEventAgeInSeconds": HUGE},
        },
    )
    create(client, "odd-state", State="NONE[/]")
    create(client, "paused-long", State="DISABLED", Description=LONG_WORD)
    return AwsSettings(region=REGION, endpoint_url=moto_endpoint, max_attempts=2)


def text_of(app: SchedtuiApp) -> str:
    return " ".join(static_text(app, "#fields").split())


async def open_detail(pilot: Any, app: SchedtuiApp) -> DetailScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
    screen = app.screen
    assert isinstance(screen, DetailScreen)
    return screen


async def test_a_definition_missing_required_members_is_a_message_not_a_crash(
    stored: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(stored, schedule="default/no-role")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app)
        await wait_for(pilot, lambda: any("cannot read" in e for e in app.session.error_log))
        problem = next(e for e in app.session.error_log if "cannot read" in e)
        assert "GetSchedule default/no-role" in problem
        assert "RoleArn" in problem
        await pilot.press("q")  # the app still answers keys: back to the list
        await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen))
        assert app.is_running


async def test_numbers_near_two_to_the_63_are_shown_as_stored(
    stored: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(stored, schedule="default/huge-numbers")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app)
        await wait_for(pilot, lambda: "Retry policy" in text_of(app))
        assert f"{HUGE} attempts, max event age {HUGE} s" in text_of(app)
        assert f"{-HUGE} min" in text_of(app)  # the window, as stored

        def row() -> Any:
            return next(r for r in rows_of(app.session.store).values() if r.name == "huge-numbers")

        await wait_for(pilot, lambda: row().detailed)
        assert row().retry is not None
        assert row().retry.startswith(f"{HUGE}/")


async def test_a_target_input_nested_thousands_deep_is_shown_and_format_refuses_it(
    stored: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(stored, schedule="default/deep-input")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_detail(pilot, app)
        await wait_for(pilot, lambda: static_text(app, "#input").startswith("[[[["))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))
        area = app.screen.query_one("#" + widget_id("Target.Input"), TextArea)
        assert area.text.rstrip("\n") == DEEP
        await pilot.press("ctrl+o")
        await pilot.pause(0.2)
        assert area.text.rstrip("\n") == DEEP  # the operator's text is kept
        bodies = " ".join(str(getattr(t.render(), "plain", "")) for t in app.screen.query("Toast"))
        assert "Target input is not JSON" in " ".join(bodies.split())
        assert "nested too deeply" in bodies


async def test_markup_in_a_state_and_a_group_name_is_shown_literally(
    stored: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(stored, schedule="default/odd-state")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app)
        await wait_for(pilot, lambda: "State NONE[/]" in text_of(app))
        await pilot.press("e")  # the State picker lists the stored value as an option
        await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))
        await pilot.pause(0.2)
        assert app.is_running
        provider = CommandsProvider(app.screen)
        await wait_for(pilot, lambda: GROUP in app.session.store.groups)
        hits = [hit async for hit in provider.search("odd")]
        shown = [str(hit.match_display) for hit in hits]
        assert f"schedules {GROUP}" in shown  # literal: not a link that quits the app


async def test_a_value_with_nowhere_to_wrap_is_shown_whole_and_a_paused_schedule_says_so(
    stored: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(stored, schedule="default/paused-long")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, app)
        await wait_for(pilot, lambda: "Description" in text_of(app))
        assert LONG_WORD in "".join(static_text(app, "#fields").split())  # folded, not cut
        assert "…" not in static_text(app, "#fields")
        runs = " ".join(static_text(app, "#runs").split())
        assert runs.startswith("DISABLED: it will not run at these times until enabled")
