"""Copy and leave: `y` copies the ARN, `Y` the AWS console URL, `v` shows the schedule as
GetSchedule returned it (where `y` copies the whole JSON). Driven with the pilot against
moto over HTTP; what reached the clipboard is read from the app (Textual keeps the last
OSC 52 payload in ``App.clipboard``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boto3
from textual.widgets import TextArea

from schedtui.aws.session import AwsSettings
from schedtui.core.console_urls import group_url, schedule_url
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.flows.copy import copy_arn, copy_queue_arn, copy_queue_console_url
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.json_view import JsonViewScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.widgets.virtual_table import VirtualTable
from tests.store_rows import rows_of
from tests.ui.test_app import SIZE, loaded, on_screen, open_group, table, wait_for
from tests.ui.test_delete_and_groups import notes
from tests.ui.test_hostile_text import DESCRIPTION, GROUP, INPUT, NAME, clean
from tests.ui.test_hostile_text import hostile as hostile  # the fixture

BATCH = "batch-jobs-group"
DAILY = "daily-backup-schedule"


def stored_arn(settings: AwsSettings, group: str, name: str | None = None) -> str:
    client = boto3.client("scheduler", region_name="us-east-1", endpoint_url=settings.endpoint_url)
    if name is None:
        return str(client.get_schedule_group(Name=group)["Arn"])
    return str(client.get_schedule(GroupName=group, Name=name)["Arn"])


async def open_daily_row(pilot: Any) -> None:
    app = pilot.app
    await loaded(pilot)
    await open_group(pilot, BATCH)
    key = next(k for k, row in rows_of(app.session.store).items() if row.name == DAILY)
    assert table(app).move_to(key)


async def test_groups_list_copies_the_group_arn_and_console_url(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        seen = notes(app)
        await loaded(pilot)
        assert table(app).move_to(BATCH)
        arn = stored_arn(settings, BATCH)
        await pilot.press("y")
        assert app.clipboard == arn
        # The value is always shown too: the terminal may have ignored OSC 52.
        assert arn in seen[-1]
        assert "OSC 52" in seen[-1]
        await pilot.press("Y")
        assert app.clipboard == group_url(arn, BATCH)
        assert app.clipboard.startswith("https://us-east-1.console.aws.amazon.com/scheduler/")
        assert app.clipboard in seen[-1]


async def test_schedules_list_and_detail_copy_the_schedule_arn_and_console_url(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_daily_row(pilot)
        arn = stored_arn(settings, BATCH, DAILY)
        await pilot.press("y")
        assert app.clipboard == arn
        await pilot.press("Y")
        assert app.clipboard == schedule_url(arn, BATCH, DAILY)
        assert app.clipboard.endswith(f"#schedules/{BATCH}/{DAILY}")
        app.copy_to_clipboard("")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("y")
        assert app.clipboard == arn
        await pilot.press("Y")
        assert app.clipboard == schedule_url(arn, BATCH, DAILY)


async def test_the_copy_keys_work_in_read_only_mode(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    read_only = AwsSettings(region="us-east-1", endpoint_url=settings.endpoint_url, read_only=True)
    app = make_app(read_only)
    async with app.run_test(size=SIZE) as pilot:
        await open_daily_row(pilot)
        await pilot.press("y")
        assert app.clipboard == stored_arn(settings, BATCH, DAILY)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonViewScreen))


async def test_json_view_shows_get_schedule_and_copies_it_whole(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_daily_row(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonViewScreen))
        area = app.screen.query_one(TextArea)
        assert area.read_only
        shown = json.loads(area.text)
        client = boto3.client(
            "scheduler", region_name="us-east-1", endpoint_url=settings.endpoint_url
        )
        stored = client.get_schedule(GroupName=BATCH, Name=DAILY)
        assert set(shown) == set(stored) - {"ResponseMetadata"}
        assert shown["Target"] == stored["Target"]
        assert shown["LastModificationDate"] == stored["LastModificationDate"].isoformat()
        await pilot.press("x", "delete", "enter")  # read-only: typing changes nothing
        assert json.loads(area.text) == shown
        await pilot.press("y")
        assert app.clipboard == area.text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))


async def test_json_view_of_hostile_text_is_inert_and_the_same_values(
    hostile: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(hostile, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        key = next(k for k, row in rows_of(app.session.store).items() if row.name == NAME)
        assert table(app).move_to(key)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, JsonViewScreen))
        text = app.screen.query_one(TextArea).text
        assert clean(text)
        assert clean(on_screen(app))
        shown = json.loads(text)
        assert shown["Description"] == DESCRIPTION
        assert shown["Target"]["Input"] == INPUT
        await pilot.press("y")
        assert clean(app.clipboard)
        assert json.loads(app.clipboard)["Description"] == DESCRIPTION


async def test_json_view_of_a_schedule_gone_says_so_and_stays(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_daily_row(pilot)
        client = boto3.client(
            "scheduler", region_name="us-east-1", endpoint_url=settings.endpoint_url
        )
        client.delete_schedule(GroupName=BATCH, Name=DAILY)
        await pilot.press("v")
        await wait_for(pilot, lambda: bool(app.session.error_log))
        assert "not found" in app.session.error_log[-1]
        assert isinstance(app.screen, SchedulesScreen)


class FakeHost:
    """What the copy flow asks of the app, recorded."""

    def __init__(self, *, demo: bool = False, endpoint: str | None = None) -> None:
        self.clipboard: list[str] = []
        self.notes: list[tuple[str, str]] = []
        self.session = SimpleNamespace(
            options=SimpleNamespace(demo=demo), header=SimpleNamespace(endpoint=endpoint)
        )

    def copy_to_clipboard(self, text: str) -> None:
        self.clipboard.append(text)

    def notify(self, message: str, *, title: str = "", **_: Any) -> None:
        self.notes.append((title, message))


def test_what_reaches_the_clipboard_is_what_is_shown() -> None:
    host = FakeHost()
    # An ARN from a hostile server: pasted into a shell, a raw newline would run a command.
    copy_arn(host, "Schedule ARN", "arn:aws:scheduler:x\n rm -rf ~ \x1b]52;c;AA==\x07")  # type: ignore[arg-type]
    assert host.clipboard == ["arn:aws:scheduler:x␊ rm -rf ~ ␛]52;c;AA==␇"]
    assert "stand-ins" in host.notes[-1][1]
    copy_arn(host, "Group ARN", None)  # type: ignore[arg-type]
    assert len(host.clipboard) == 1
    assert "not known yet" in host.notes[-1][0] + host.notes[-1][1]


def test_queue_copies_for_the_monitor_screens() -> None:
    host = FakeHost(endpoint="http://127.0.0.1:4566")
    queue = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq"
    copy_queue_arn(host, queue)  # type: ignore[arg-type]
    assert host.clipboard[-1] == queue
    copy_queue_console_url(host, queue)  # type: ignore[arg-type]
    assert host.clipboard[-1].startswith(
        "https://eu-west-1.console.aws.amazon.com/sqs/v3/home?region=eu-west-1#/queues/https%3A"
    )
    assert "http://127.0.0.1:4566" in host.notes[-1][1]  # the console may not know it
    copy_queue_console_url(host, "arn:aws:sqs:bad region:1:q")  # type: ignore[arg-type]
    assert len(host.clipboard) == 2
    assert "no AWS console URL" in host.notes[-1][1]


async def test_the_monitor_and_the_dlq_messages_copy_the_queue_arn_and_console_url(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MonitorScreen))
        screen = app.screen
        dlqs = screen.query_one("#dlqs", VirtualTable)
        await wait_for(pilot, lambda: dlqs.row_count > 0)
        queue = dlqs.cursor_key
        assert queue is not None
        assert queue.startswith("arn:aws:sqs:")
        await pilot.press("y")
        assert app.clipboard == queue
        await pilot.press("Y")
        assert app.clipboard.startswith("https://us-east-1.console.aws.amazon.com/sqs/v3/")
        assert queue.rsplit(":", 1)[-1] in app.clipboard
