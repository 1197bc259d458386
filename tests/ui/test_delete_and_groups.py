"""Deleting schedules and groups, creating groups and editing their tags, driven with the
pilot against moto over HTTP (seeded like the demo), every result read back from moto.

moto deviations that matter here (facts sheet): creating a group that exists replaces it
and drops its schedules (AWS answers ConflictException), and deleting a group drops its
schedules at once (AWS does it eventually). The tests check schedtui's own guards, never
moto's leniency.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from textual.pilot import Pilot
from textual.widgets import Button, Input, TextArea

from schedtui.aws.audit import AuditLog
from schedtui.aws.session import AwsSettings
from schedtui.core.schedules.group import ScheduleGroupState
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import ConfirmScreen, MessageScreen, TypedConfirmScreen
from schedtui.ui.screens.group_form import GroupFormScreen
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from tests.ui.test_app import SIZE, loaded, scheduler, shown_names, static_text, table, wait_for

GROUP = "batch-jobs-group"
DAILY = "daily-backup-schedule"
WEEKLY = "weekly-maintenance-schedule"
READ_ONLY_MEMBERS = ("Arn", "CreationDate", "LastModificationDate", "ResponseMetadata")


def exists(client: Any, group: str, name: str) -> bool:
    try:
        client.get_schedule(GroupName=group, Name=name)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise
    return True


def group_names(client: Any) -> set[str]:
    return {group["Name"] for group in client.list_schedule_groups()["ScheduleGroups"]}


def group_tags(client: Any, name: str) -> dict[str, str]:
    arn = client.get_schedule_group(Name=name)["Arn"]
    return {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceArn=arn)["Tags"]}


def edit_on_server(client: Any, group: str, name: str, **changes: Any) -> None:
    """A colleague changes the schedule behind the operator's back."""
    current = client.get_schedule(GroupName=group, Name=name)
    request = {k: v for k, v in current.items() if k not in READ_ONLY_MEMBERS}
    client.update_schedule(**{**request, **changes})


def audit(app: SchedtuiApp) -> list[dict[str, Any]]:
    return AuditLog(app.session.backend.mutations.audit.path).entries()


def notes(app: SchedtuiApp) -> list[str]:
    """Record every notification the app shows (errors also go to ``app.session.error_log``)."""
    seen: list[str] = []
    original = app.notify

    def notify(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append(message)
        original(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return seen


def confirm_button(app: SchedtuiApp) -> Button:
    return app.screen.query_one("#yes", Button)


async def type_confirmation(pilot: Pilot[None], text: str) -> None:
    field = pilot.app.screen.query_one("#typed", Input)
    field.value = ""
    await pilot.press(*text)


async def on_row(pilot: Pilot[None], suffix: str) -> None:
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    assert table(app).move_to(next(k for k in table(app).row_keys() if k.endswith(suffix)))
    await pilot.pause()


async def open_form(pilot: Pilot[None], key: str) -> GroupFormScreen:
    app = pilot.app
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, GroupFormScreen))
    screen = app.screen
    assert isinstance(screen, GroupFormScreen)
    return screen


async def replace_tags(pilot: Pilot[None], lines: list[str]) -> None:
    area = pilot.app.screen.query_one("#tags", TextArea)
    area.focus()
    area.select_all()
    keys: list[str] = []
    for number, line in enumerate(lines):
        keys += (["enter"] if number else []) + list(line)
    await pilot.press(*(keys or ["backspace"]))


# -- deleting schedules ------------------------------------------------------------------------


async def test_delete_one_schedule_only_after_its_name_is_typed(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await on_row(pilot, DAILY)
        summary = app.session.store.find(GROUP, DAILY)
        assert summary is not None
        assert app.session.backend.details.digest(summary) is not None
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        body = static_text(app, "#confirm-body")
        assert f"{GROUP}/{DAILY}  ENABLED" in body
        assert "cron(0 2 * * ? *)" in body
        assert "Lambda: arn:aws:lambda:us-east-1:123456789012:function:backup-function" in body
        assert f"Type {DAILY} to confirm" in static_text(app, "#typed-prompt")

        for wrong in ("daily-backup", f"{DAILY} ", DAILY.upper()):
            await type_confirmation(pilot, wrong)
            assert confirm_button(app).disabled
            await pilot.press("enter")  # enter on a mismatch does nothing
            await pilot.pause()
            assert isinstance(app.screen, TypedConfirmScreen)
        assert exists(client, GROUP, DAILY)

        await type_confirmation(pilot, DAILY)
        assert not confirm_button(app).disabled
        await pilot.press("enter")
        await wait_for(pilot, lambda: not exists(client, GROUP, DAILY))
        await wait_for(pilot, lambda: shown_names(app) == [WEEKLY])
        assert isinstance(app.screen, SchedulesScreen)
        assert app.session.backend.details.digest(summary) is None
        assert exists(client, GROUP, WEEKLY)
        [entry] = audit(app)
        assert entry["action"] == f"DeleteSchedule {GROUP}/{DAILY}"
        assert entry["outcome"] == "applied"
        # Every field of what went is in the log, so it can be recreated by hand.
        assert entry["changes"]["ScheduleExpression"] == {
            "before": "cron(0 2 * * ? *)",
            "after": None,
        }


async def test_delete_marked_schedules_with_one_confirmation_and_a_result_each(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("home", "space", "space")
        assert len(table(app).marks) == 2
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        assert "Delete 2 schedules?" in static_text(app, ".title")
        body = static_text(app, "#confirm-body")
        assert f"{GROUP}/{DAILY}" in body
        assert f"{GROUP}/{WEEKLY}" in body
        assert "Type delete 2 schedules to confirm" in static_text(app, "#typed-prompt")
        await type_confirmation(pilot, DAILY)  # one name is not enough for two
        assert confirm_button(app).disabled

        # A colleague changes one of them after the dialog showed it.
        edit_on_server(client, GROUP, WEEKLY, Description="still needed")
        await type_confirmation(pilot, "delete 2 schedules")
        await pilot.click("#yes")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
        assert "1 of 2 deleted" in static_text(app, ".title")
        results = static_text(app, "#message-body")
        assert f"✓ {GROUP}/{DAILY}" in results
        assert f"✗ {GROUP}/{WEEKLY}: not sent: it changed on the server" in results
        assert "Description" in results
        assert not exists(client, GROUP, DAILY)
        assert client.get_schedule(GroupName=GROUP, Name=WEEKLY)["Description"] == "still needed"
        await pilot.press("escape")
        await wait_for(pilot, lambda: shown_names(app) == [WEEKLY])
        # The deleted one is no longer marked; the one that failed stays marked for a retry.
        assert [app.session.store.facts(key).name for key in table(app).marks] == [WEEKLY]
        assert [entry["outcome"] for entry in audit(app)] == ["applied"]


async def test_delete_from_the_detail_screen_goes_back_to_the_list(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await on_row(pilot, WEEKLY)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await wait_for(pilot, lambda: detail.schedule is not None)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        assert "ECS: arn:aws:ecs:" in static_text(app, "#confirm-body")
        await type_confirmation(pilot, WEEKLY)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        assert detail not in app.screen_stack
        await wait_for(pilot, lambda: shown_names(app) == [DAILY])
        assert not exists(client, GROUP, WEEKLY)
        assert app.session.store.find(GROUP, WEEKLY) is None
        assert not app.session.error_log  # the detail did not try to read the deleted schedule


async def test_a_schedule_changed_after_the_dialog_opened_is_not_deleted(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, schedule=f"{GROUP}/{DAILY}")
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        await wait_for(pilot, lambda: detail.schedule is not None)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        edit_on_server(client, GROUP, DAILY, ScheduleExpression="cron(0 3 * * ? *)")
        await type_confirmation(pilot, DAILY)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("not sent" in error for error in app.session.error_log))
        assert "ScheduleExpression" in app.session.error_log[-1]
        assert exists(client, GROUP, DAILY)
        # The operator stays on the schedule, which shows what is there now.
        assert app.screen is detail
        await wait_for(
            pilot,
            lambda: (
                detail.schedule is not None
                and detail.schedule.schedule_expression == "cron(0 3 * * ? *)"
            ),
        )
        assert audit(app) == []


async def test_read_only_refuses_every_delete_before_any_dialog(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    read_only = AwsSettings(region="us-east-1", endpoint_url=settings.endpoint_url, read_only=True)
    app = make_app(read_only, group=GROUP)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+d")
        await pilot.pause(0.3)
        assert isinstance(app.screen, SchedulesScreen)
        assert any("refused" in e and "read-only" in e for e in app.session.error_log)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
        assert table(app).move_to(GROUP)
        await pilot.press("ctrl+d")
        await pilot.pause(0.3)
        assert isinstance(app.screen, GroupsScreen)
        await pilot.press("n")
        await pilot.pause(0.3)
        assert isinstance(app.screen, GroupsScreen)
        assert len([e for e in app.session.error_log if "read-only" in e]) == 3
    assert exists(client, GROUP, DAILY)
    assert exists(client, GROUP, WEEKLY)
    assert GROUP in group_names(client)
    assert audit(app) == []


async def test_cancelling_sends_nothing(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    client = scheduler(settings)
    before = group_tags(client, GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("space", "ctrl+d")  # marked: the bulk dialog
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        await type_confirmation(pilot, "delete 1 schedules")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        assert len(table(app).marks) == 1  # nothing happened: the mark stays

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
        assert table(app).move_to(GROUP)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        await type_confirmation(pilot, GROUP)
        await pilot.click("#no")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))

        await open_form(pilot, "e")
        await replace_tags(pilot, ["Environment=staging"])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # back to the form, the edit kept
        await wait_for(pilot, lambda: isinstance(app.screen, GroupFormScreen))
        assert app.screen.query_one("#tags", TextArea).text == "Environment=staging"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))

        await open_form(pilot, "n")
        await pilot.press(*"new-group", "enter", *"a=b")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
    assert exists(client, GROUP, DAILY)
    assert exists(client, GROUP, WEEKLY)
    assert group_tags(client, GROUP) == before
    assert "new-group" not in group_names(client)
    assert audit(app) == []


# -- groups ------------------------------------------------------------------------------------


async def test_create_a_group_with_tags(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        form = await open_form(pilot, "n")
        save = form.query_one("#save", Button)
        assert save.disabled  # nothing typed yet
        await pilot.press(*"team-sre.v2", "enter")  # enter moves on to the tags
        assert form.focused is form.query_one("#tags", TextArea)
        await pilot.press(*"Team=sre", "enter", *"Cost Center=CC 42", "enter", *"Link=a=b")
        assert not save.disabled
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
        assert group_tags(client, "team-sre.v2") == {
            "Team": "sre",
            "Cost Center": "CC 42",
            "Link": "a=b",
        }
        await wait_for(pilot, lambda: "team-sre.v2" in table(app).row_keys())
        assert audit(app)[-1]["action"] == "CreateScheduleGroup team-sre.v2"


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("bad name", "may only hold letters, digits, '-', '_' and '.'"),
        ("x" * 65, "must be 1 to 64 characters long (got 65)"),
        ("orders", "a group with this name already exists"),
    ],
)
async def test_an_invalid_or_existing_group_name_is_refused_with_the_rule(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], typed: str, rule: str
) -> None:
    app = make_app(settings)
    client = scheduler(settings)
    schedules_in_orders = len(client.list_schedules(GroupName="orders")["Schedules"])
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        form = await open_form(pilot, "n")
        await pilot.press(*typed)
        assert rule in static_text(app, "#name-problem")
        assert form.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert app.screen is form  # nothing sent, the form stays
    assert typed not in group_names(client) or typed == "orders"
    # moto would have replaced 'orders' and dropped its schedules; nothing was sent.
    assert len(client.list_schedules(GroupName="orders")["Schedules"]) == schedules_in_orders
    assert audit(app) == []


async def test_invalid_tags_are_refused_line_by_line(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        form = await open_form(pilot, "n")
        await pilot.press(*"fine-name", "enter", *"Team", "enter", *"Env=")
        problems = static_text(app, "#tags-problem")
        assert "line 1: expected key=value" in problems
        assert "line 2: the value of 'Env' must be 1 to 256 characters long" in problems
        assert form.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert app.screen is form
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"=sre")
        assert static_text(app, "#tags-problem").strip() == ""
        assert not form.query_one("#save", Button).disabled
    assert "fine-name" not in group_names(client)


async def test_a_group_created_meanwhile_elsewhere_is_not_replaced(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        form = await open_form(pilot, "n")
        await pilot.press(*"late-group", "enter", *"Team=mine")
        client.create_schedule_group(Name="late-group", Tags=[{"Key": "Team", "Value": "theirs"}])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "already exists" in static_text(app, "#form-error"))
        assert app.screen is form
        assert form.query_one("#tags", TextArea).text == "Team=mine"  # the edits are kept
    assert group_tags(client, "late-group") == {"Team": "theirs"}
    assert audit(app) == []


async def test_edit_group_tags_add_change_remove_after_review(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    client = scheduler(settings)
    assert group_tags(client, GROUP) == {"Environment": "prod", "Service": "batch"}
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert table(app).move_to(GROUP)
        form = await open_form(pilot, "e")
        assert "a group's name cannot change" in static_text(app, "#name-fixed")
        assert form.query_one("#tags", TextArea).text == "Environment=prod\nService=batch"
        assert form.query_one("#save", Button).disabled  # nothing changed yet
        await replace_tags(pilot, ["Environment=staging", "Owner=sre"])
        changes = static_text(app, "#changes")
        assert "~ Environment: prod → staging" in changes
        assert "+ Owner=sre" in changes
        assert "- Service=batch" in changes
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        review = static_text(app, "#confirm-body")
        assert "~ Environment: prod → staging" in review
        assert "- Service=batch" in review
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
        assert group_tags(client, GROUP) == {"Environment": "staging", "Owner": "sre"}
        row = next(row for row in app.session.store.group_table_rows() if row.key == GROUP)
        assert row.cells[-1] == "Environment=staging, Owner=sre"  # the TAGS column, last
        actions = [entry["action"].split()[0] for entry in audit(app)]
        assert actions == ["TagResource", "UntagResource"]
        assert audit(app)[1]["changes"] == {"Tags.Service": {"before": "batch", "after": None}}


async def test_tags_changed_on_the_server_meanwhile_are_not_overwritten(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert table(app).move_to(GROUP)
        form = await open_form(pilot, "e")
        await replace_tags(pilot, ["Environment=staging", "Service=batch"])
        arn = client.get_schedule_group(Name=GROUP)["Arn"]
        client.tag_resource(ResourceArn=arn, Tags=[{"Key": "Environment", "Value": "dr"}])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: "nothing sent" in static_text(app, "#form-error"))
        assert app.screen is form
        # The review now shows the change against what the server holds.
        assert "~ Environment: dr → staging" in static_text(app, "#changes")
    assert group_tags(client, GROUP) == {"Environment": "dr", "Service": "batch"}
    assert audit(app) == []


async def test_delete_a_group_says_how_many_schedules_go_with_it(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        seen = notes(app)
        await loaded(pilot)
        assert table(app).move_to(GROUP)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        assert f"Delete group {GROUP} and its 2 schedules?" in static_text(app, ".title")
        body = static_text(app, "#confirm-body")
        assert body.startswith("2 schedules go with the group")
        assert DAILY in body
        assert WEEKLY in body
        assert "Tags: Environment=prod, Service=batch" in body
        await type_confirmation(pilot, "batch-jobs")
        assert confirm_button(app).disabled
        await type_confirmation(pilot, GROUP)
        await pilot.press("enter")
        await wait_for(pilot, lambda: GROUP not in group_names(client))
        await wait_for(pilot, lambda: GROUP not in table(app).row_keys())
        assert f"Group {GROUP} deleted with its 2 schedules" in seen
        assert app.session.store.find(GROUP, DAILY) is None
        [entry] = audit(app)
        assert entry["action"] == f"DeleteScheduleGroup {GROUP}"
        assert entry["changes"]["ScheduleCount"] == {"before": 2, "after": 0}


async def test_a_group_that_gained_schedules_after_the_dialog_is_not_deleted(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert table(app).move_to(GROUP)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        daily = client.get_schedule(GroupName=GROUP, Name=DAILY)
        copy = {k: v for k, v in daily.items() if k not in READ_ONLY_MEMBERS}
        client.create_schedule(**{**copy, "Name": "added-meanwhile"})
        await type_confirmation(pilot, GROUP)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: any("now holds 3 schedules" in e for e in app.session.error_log)
        )
    assert GROUP in group_names(client)
    assert exists(client, GROUP, "added-meanwhile")
    assert audit(app) == []


async def test_the_default_group_cannot_be_deleted(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        seen = notes(app)
        await loaded(pilot)
        assert table(app).move_to("default")
        await pilot.press("ctrl+d")
        await pilot.pause(0.3)
        assert isinstance(app.screen, GroupsScreen)
        assert "The default group always exists and cannot be deleted" in seen
    assert "default" in group_names(scheduler(settings))
    assert audit(app) == []


async def test_a_group_being_deleted_cannot_be_edited(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        seen = notes(app)
        await loaded(pilot)
        # moto deletes at once; AWS shows DELETING for a while.
        group = app.session.store.groups["orders"]
        app.session.store.groups["orders"] = group.model_copy(
            update={"state": ScheduleGroupState.DELETING}
        )
        assert table(app).move_to("orders")
        for key in ("e", "ctrl+d"):
            await pilot.press(key)
            await pilot.pause(0.3)
            assert isinstance(app.screen, GroupsScreen)
        assert "Group orders is being deleted: changing its tags refused" in seen
        assert "Group orders is being deleted: deleting it again refused" in seen
    assert audit(app) == []


async def test_read_only_opens_the_group_form_as_a_viewer(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    read_only = AwsSettings(region="us-east-1", endpoint_url=settings.endpoint_url, read_only=True)
    app = make_app(read_only)
    client = scheduler(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert table(app).move_to(GROUP)
        form = await open_form(pilot, "e")
        assert "Read-only: nothing here can be saved" in static_text(app, "#readonly")
        assert not form.query("#save")
        area = form.query_one("#tags", TextArea)
        assert area.text == "Environment=prod\nService=batch"
        area.focus()
        await pilot.press(*"Owner=me", "ctrl+s")
        await pilot.pause(0.3)
        assert area.text == "Environment=prod\nService=batch"
        assert app.screen is form
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
    assert group_tags(client, GROUP) == {"Environment": "prod", "Service": "batch"}
    assert audit(app) == []
