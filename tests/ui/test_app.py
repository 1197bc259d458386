"""The operator TUI driven with Textual's pilot against moto over HTTP, seeded like the demo."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from textual.binding import Binding
from textual.events import Key
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Static

from schedtui.aws.audit import AuditLog
from schedtui.aws.preflight import preflight
from schedtui.aws.session import AwsSettings
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.commands import run_command
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import ConfirmScreen, HelpScreen, MessageScreen
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.widgets.virtual_table import VirtualTable
from tests.conftest import use_aws_config
from tests.store_rows import rows_of

FIXED = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
SIZE = (120, 36)


def scheduler(settings: AwsSettings) -> Any:
    return boto3.client("scheduler", region_name="us-east-1", endpoint_url=settings.endpoint_url)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 20) -> None:
    for _ in range(int(timeout / 0.05)):
        await pilot.pause()
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the app did not get there in time")


async def loaded(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    await wait_for(
        pilot,
        lambda: (
            app.session.store.listed
            and bool(len(app.session.store))
            and all(row.detailed for row in rows_of(app.session.store).values())
            and not app.sync.refreshing
        ),
    )


def on_screen(app: SchedtuiApp) -> str:
    """Every line every widget of the current screen renders, as the terminal receives it."""
    lines = []
    for widget in app.screen.query("*"):
        region = Region(0, 0, widget.size.width, widget.size.height)
        lines += [strip.text for strip in widget.render_lines(region)]
    return "\n".join(lines)


def footer_bindings(app: SchedtuiApp) -> list[Binding]:
    """The bindings the footer shows now (active, shown and enabled), as the operator sees."""
    return [
        active.binding
        for active in app.screen.active_bindings.values()
        if active.binding.show and active.enabled
    ]


def table(app: SchedtuiApp) -> VirtualTable:
    return app.screen.query_one(VirtualTable)


def shown_names(app: SchedtuiApp) -> list[str]:
    store = app.session.store
    return [store.facts(key).name for key in table(app).row_keys()]


def static_text(app: SchedtuiApp, selector: str) -> str:
    """The text a widget puts on screen, line by line, as the operator reads it."""
    widget = app.screen.query_one(selector, Static)
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))


async def open_group(pilot: Pilot[None], group: str) -> None:
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    assert table(app).move_to(group)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))


async def test_groups_screen_counts_schedules_per_group(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, GroupsScreen)
        rows = {row.key: row.cells for row in app.session.store.group_table_rows()}
        assert rows["batch-jobs-group"][2:5] == ("2", "2", "0")
        assert "Environment=prod" in rows["batch-jobs-group"][-1]
        assert len(rows) >= 7
        status = static_text(app, "#status")
        assert f"{len(app.session.store):,} schedules" in status


async def test_navigation_and_q_goes_back_then_quits(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await open_group(pilot, "batch-jobs-group")
        assert sorted(shown_names(app)) == [
            "daily-backup-schedule",
            "weekly-maintenance-schedule",
        ]
        assert table(app).move_to(next(iter(table(app).row_keys())))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("q")
        assert isinstance(app.screen, SchedulesScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, GroupsScreen)
        # One esc too many (closing a dialog, say) must not quit the operator's session.
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, GroupsScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_filter_terms_and_escape_clears(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        run_command(app, "schedules")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        everything = len(shown_names(app))
        await pilot.press("slash", *"state:disabled")
        await wait_for(pilot, lambda: len(shown_names(app)) < everything)
        disabled = [app.session.store.facts(key) for key in table(app).row_keys()]
        assert disabled
        assert all(row.state == "DISABLED" for row in disabled)
        expected = sum(1 for row in rows_of(app.session.store).values() if row.state == "DISABLED")
        assert len(disabled) == expected

        await pilot.press("escape")
        await wait_for(pilot, lambda: len(shown_names(app)) == everything)
        await pilot.press("slash", *"target:ecs group:batch-jobs-group")
        await wait_for(pilot, lambda: shown_names(app) == ["weekly-maintenance-schedule"])
        await pilot.press("enter")  # keeps the filter, back to the table
        assert app.screen.focused is table(app)


async def test_sort_by_any_column_reverse_with_the_same_key_and_say_so_in_the_title(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group="orders")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.pause()
        await pilot.press("s")  # the focused column: the name, at first
        names = shown_names(app)
        assert names == sorted(names)
        assert "sorted by NAME ▲" in str(table(app).border_title)
        await pilot.press("s")  # the same key again: reversed
        assert shown_names(app) == sorted(names, reverse=True)
        assert "sorted by NAME ▼" in str(table(app).border_title)
        await pilot.press("right", "s")  # the next column: STATE
        assert table(app).focus_column == "state"
        states = [app.session.store.facts(key).state for key in table(app).row_keys()]
        assert states == sorted(states)
        assert "sorted by STATE ▲" in str(table(app).border_title)
        await pilot.press("slash", *"daily", "enter")
        await wait_for(pilot, lambda: "filter “daily”" in str(table(app).border_title))


async def test_bulk_toggle_with_marks(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group="batch-jobs-group")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("home", "space", "space")
        assert len(table(app).marks) == 2
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        body = static_text(app, "#confirm-body")
        assert "batch-jobs-group/daily-backup-schedule  ENABLED → DISABLED" in body
        assert "batch-jobs-group/weekly-maintenance-schedule  ENABLED → DISABLED" in body
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
        assert "2 of 2 disabled" in str(app.screen.query_one(".title", Static).render())
        client = scheduler(settings)
        for name in ("daily-backup-schedule", "weekly-maintenance-schedule"):
            found = client.get_schedule(GroupName="batch-jobs-group", Name=name)
            assert found["State"] == "DISABLED"
            assert found["Target"]["RetryPolicy"]["MaximumRetryAttempts"] in (3, 2)
            assert found["FlexibleTimeWindow"]["Mode"] == "FLEXIBLE"
        assert len(AuditLog(app.session.backend.mutations.audit.path).entries()) == 2


async def test_cancel_changes_nothing(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group="batch-jobs-group")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        states = {
            s["State"]
            for s in scheduler(settings).list_schedules(GroupName="batch-jobs-group")["Schedules"]
        }
        assert states == {"ENABLED"}


async def test_toggle_writes_on_what_the_server_holds_and_refuses_a_change_after_the_dialog(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    """A colleague's edit made before t is what the dialog shows and what the toggle keeps
    (it is planned on a fresh read); one made while the dialog is open stops it."""
    app = make_app(settings, group="batch-jobs-group")
    client = scheduler(settings)
    key = {"GroupName": "batch-jobs-group", "Name": "daily-backup-schedule"}
    read_only = ("Arn", "CreationDate", "LastModificationDate", "ResponseMetadata")

    def colleague(**members: Any) -> None:
        current = client.get_schedule(**key)
        request = {k: v for k, v in current.items() if k not in read_only}
        client.update_schedule(**{**request, **members})

    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        table(app).move_to(
            next(k for k in table(app).row_keys() if k.endswith("daily-backup-schedule"))
        )
        colleague(Description="edited by a colleague")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: client.get_schedule(**key)["State"] == "DISABLED")
        after = client.get_schedule(**key)
        assert after["Description"] == "edited by a colleague"  # kept, not overwritten
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        colleague(Description="edited again, while the dialog was open")
        await pilot.press("y")
        errors = app.session.error_log
        await wait_for(pilot, lambda: any("changed on the server" in e for e in errors))
        final = client.get_schedule(**key)
        assert (final["State"], final["Description"]) == (
            "DISABLED",
            "edited again, while the dialog was open",
        )


async def test_read_only_refuses_with_a_message(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    read_only = AwsSettings(region="us-east-1", endpoint_url=settings.endpoint_url, read_only=True)
    app = make_app(read_only, group="batch-jobs-group")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert "READ-ONLY" in static_text(app, "StatusHeader")
        footer = " ".join(binding.description for binding in footer_bindings(app))
        assert "Filter" in footer
        for hidden in ("Toggle", "Edit", "Delete", "New", "Clone"):
            assert hidden not in footer, f"read-only footer offers {hidden}"
        await pilot.press("t")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("read-only" in error for error in app.session.error_log)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.resize_terminal(120, 80)  # the whole help on screen
        await pilot.pause()
        shown = on_screen(app)
        assert "Read-only" in shown
        assert "filter" in shown  # the keys that only read are still there
        assert "mark / unmark the row" in shown  # the list marks (the doctor does not)
        for mutating in ("toggle ENABLED/DISABLED", "clone", "delete ("):
            assert mutating not in shown, f"read-only help offers {mutating}"
        await pilot.press("escape")
        states = {
            s["State"]
            for s in scheduler(settings).list_schedules(GroupName="batch-jobs-group")["Schedules"]
        }
        assert states == {"ENABLED"}


async def test_endpoint_down_shows_an_error_and_the_app_keeps_working(
    make_app: Callable[..., SchedtuiApp],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = AwsSettings(
        region="us-east-1",
        endpoint_url=f"http://127.0.0.1:{port}",
        max_attempts=1,
        connect_timeout=1,
    )
    app = make_app(down)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.store.last_error is not None)
        assert "unreachable" in (app.session.store.last_error or "")
        assert "error:" in static_text(app, "StatusHeader")
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await pilot.press("r")  # retrying is allowed and fails the same way, without a crash
        await wait_for(pilot, lambda: not app.sync.refreshing)
        assert isinstance(app.screen, GroupsScreen)


async def test_deep_link_to_a_schedule(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, schedule="batch-jobs-group/daily-backup-schedule")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        await wait_for(pilot, lambda: screen.schedule is not None)
        assert "At 02:00, every day, in UTC" in static_text(app, "#description")
        runs = static_text(app, "#runs")
        assert "2026-11-30 02:00Z" in runs  # the next run after the fixed clock
        fields = static_text(app, "#fields")
        assert "3 attempts" in fields
        assert "arn:aws:sqs:us-east-1:123456789012:scheduler-dlq" in fields
        assert '"operation": "backup"' in static_text(app, "#input")


async def test_markup_and_escapes_from_aws_are_shown_literally(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    found = [
        s
        for page in scheduler(settings).get_paginator("list_schedules").paginate()
        for s in page["Schedules"]
        if s["Name"] in ("promo-banner-rotate", "legacy-report-mailer")
    ]
    assert len(found) == 2
    for summary in found:
        app = make_app(settings, schedule=f"{summary['GroupName']}/{summary['Name']}")
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda a=app: isinstance(a.screen, DetailScreen))
            screen = app.screen
            assert isinstance(screen, DetailScreen)
            await wait_for(pilot, lambda s=screen: s.schedule is not None)
            shown = static_text(app, "#fields") + static_text(app, "#input")
            assert "\x1b" not in shown  # no escape sequence reaches the terminal
            if summary["Name"] == "legacy-report-mailer":
                assert "[bold]DO NOT DELETE[/] owned by [link=https://wiki.example.com" in shown
                assert "␛[31mlegacy␛[0m [red]mailer[/red] [/]" in shown
                assert '"subject": "[bold red]Weekly report[/]"' in shown
            else:
                assert "Rotates the promo banner ␛[2J␛[H" in shown
                assert "[i]unbalanced[/b] \\[escaped]" in shown


async def test_keys_typed_right_after_slash_never_reach_the_table(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group="batch-jobs-group")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        # One burst, as a fast typist or a paste delivers it: 't' and 's' are table keys.
        for key in ("slash", "t", "s"):
            app.post_message(Key(key, "/" if key == "slash" else key))
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ConfirmScreen)
        assert table(app).sort_column is None
        await pilot.press("y")
        await pilot.pause(0.2)
        states = {
            s["State"]
            for s in scheduler(settings).list_schedules(GroupName="batch-jobs-group")["Schedules"]
        }
        assert states == {"ENABLED"}


def burst(app: SchedtuiApp, keys: str) -> None:
    """Keys in one burst, as a paste or a fast typist delivers them to the app."""
    names = {"/": "slash", ":": "colon", "\n": "enter", "-": "minus"}
    for character in keys:
        name = names.get(character, character)
        app.post_message(Key(name, None if character == "\n" else character))


async def test_a_filter_typed_in_one_burst_after_slash_keeps_every_key(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    # The keys after '/' were queued for the table before the field took the focus, and
    # were lost: a pasted filter came out empty (found by a new-user review).
    app = make_app(settings, group="batch-jobs-group")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        burst(app, "/daily")
        await pilot.pause(0.3)
        assert static_value(app, "#filter") == "daily"
        await wait_for(pilot, lambda: shown_names(app) == ["daily-backup-schedule"])


async def test_a_command_typed_in_one_burst_after_colon_runs(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        burst(app, ":schedules batch-jobs-group\n")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        assert app.screen.group == "batch-jobs-group"  # type: ignore[attr-defined]


def static_value(app: SchedtuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector).value)  # type: ignore[attr-defined]


async def test_a_status_update_falling_due_while_quitting_is_dropped(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    """A coalesced status-line update must not crash the exit (seen once in a busy run)."""
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app.sync._soon("repaint", app.sync._repaint_now)
        while app.screen_stack:  # what exiting does, before the timer is stopped
            app._screen_stack.pop()
        await asyncio.sleep(0.8)  # past the coalescing delay: the timer fires now
        assert app._exception is None  # the update found nothing to update, and said nothing


async def test_a_status_update_after_the_widgets_went_is_dropped(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    """Quitting removes a screen's widgets before its pending updates stop (seen in a run)."""
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await app.screen.query("*").remove()
        app.sync._soon("repaint", app.sync._repaint_now)
        app.sync.reload_lists()
        await asyncio.sleep(0.8)  # past the coalescing delay: both fire now
        assert app._exception is None


async def test_the_header_names_the_profile_and_region_from_the_profile_alone(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    moto_endpoint: str,
    make_app: Callable[..., SchedtuiApp],
) -> None:
    # AWS_PROFILE=ops schedtui: region and endpoint come from the profile, no flags.
    use_aws_config(
        tmp_path,
        monkeypatch,
        f"[profile ops]\nregion = eu-west-1\nendpoint_url = {moto_endpoint}\n",
    )
    monkeypatch.setenv("AWS_PROFILE", "ops")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    app = make_app(preflight(AwsSettings()))
    async with app.run_test(size=SIZE) as pilot:
        # The endpoint shows once the data's state is short enough to leave it room (while
        # "listed … loading details…" is said, the state comes first: seen in CI).
        endpoint = f"endpoint {moto_endpoint}"
        await wait_for(pilot, lambda: endpoint in static_text(app, "StatusHeader"))
        header = static_text(app, "StatusHeader")
        assert "acct 123456789012" in header
        assert "eu-west-1" in header
        assert "profile ops" in header


async def test_a_row_whose_detail_was_opened_keeps_its_next_run(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    """The detail re-reads its schedule into the store; its line in the list must show the
    next run for that definition, not "…" until a refresh that (with --refresh 0) never
    comes."""
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await open_group(pilot, "batch-jobs-group")
        await loaded(pilot)
        assert table(app).move_to(
            app.session.store.find("batch-jobs-group", "daily-backup-schedule").arn
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        await wait_for(pilot, lambda: screen.schedule is not None)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        await pilot.pause()
        columns = app.session.store.columns
        row = columns.id_of(screen.summary.arn)
        assert row is not None
        assert columns.settled[row]
        line = next(line for line in on_screen(app).splitlines() if "daily-backup-schedule" in line)
        assert "in 10h" in line, line  # 2026-11-30 02:00Z, ten hours after the fixed clock
