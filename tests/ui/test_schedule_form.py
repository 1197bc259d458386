"""The schedule form, review and save, driven with the pilot against moto over HTTP.

Every path is checked by reading the schedule back from moto: what the operator changed
arrived, and everything else came back identical (the data layer's field-preservation
property, held for the form, the raw edit, the clone and the create paths).
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, TextArea

from schedtui.aws.session import AwsSettings
from schedtui.core.schedules.arns import TargetKind
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.dialogs import ChoiceScreen, ConfirmScreen
from schedtui.ui.screens.schedule_form import ScheduleFormScreen, widget_id
from tests.aws.test_faults import Fault, inject, requests_sent
from tests.ui.test_app import SIZE, loaded, scheduler, static_text, table, wait_for

GROUP = "batch-jobs-group"
NAME = "daily-backup-schedule"
ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/scheduler-invoke"
VPC = "Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration."
AWS_MEMBERS = ("Arn", "CreationDate", "LastModificationDate", "ResponseMetadata")


def read(settings: AwsSettings, group: str = GROUP, name: str = NAME) -> dict[str, Any]:
    found = scheduler(settings).get_schedule(GroupName=group, Name=name)
    return {key: value for key, value in found.items() if key not in AWS_MEMBERS}


def form(app: SchedtuiApp) -> ScheduleFormScreen:
    screen = app.screen
    assert isinstance(screen, ScheduleFormScreen)
    return screen


def set_field(app: SchedtuiApp, key: str, text: str) -> None:
    """What typing does: the widget's value changes and the form hears about it."""
    node = form(app).query_one("#" + (key if key == "kind" else widget_id(key)))
    if isinstance(node, TextArea):
        node.text = text
    elif isinstance(node, Select):
        node.value = text if text else Select.NULL
    else:
        assert isinstance(node, Input)
        node.value = text


def message(app: SchedtuiApp, key: str) -> str:
    return static_text(app, "#msg-" + widget_id(key))


async def open_form(pilot: Pilot[None], key: str = "e", name: str = NAME) -> SchedtuiApp:
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    await loaded(pilot)
    assert table(app).move_to(next(k for k in table(app).row_keys() if k.endswith("/" + name)))
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))
    await pilot.pause()
    return app


async def save_and_confirm(pilot: Pilot[None]) -> str:
    """ctrl+s, read the review, confirm; returns the review's text."""
    app = pilot.app
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    review = static_text(app, "#confirm-body")  # type: ignore[arg-type]
    await pilot.press("y")
    await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen | ScheduleFormScreen))
    return review


def without(data: dict[str, Any], *paths: str) -> dict[str, Any]:
    """``data`` with the dotted member ``paths`` removed (what an edit may change)."""
    copy = json.loads(json.dumps(data, default=str))
    for path in paths:
        *parents, last = path.split(".")
        node = copy
        for part in parents:
            node = node.get(part, {})
        node.pop(last, None)
    return copy


async def test_an_edit_in_every_section_arrives_and_every_other_member_is_kept(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    before = read(settings)
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        assert "fixed after creation" in message(app, "Name")
        edits = {
            "Description": "Nightly backup, moved to 03:00",
            "ScheduleExpression": "cron(0 3 * * ? *)",
            "ScheduleExpressionTimezone": "Europe/Madrid",
            "FlexibleTimeWindow": "45",
            "Target.RetryPolicy.MaximumRetryAttempts": "5",
            "Target.DeadLetterConfig.Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:ops-dlq",
            "KmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/scheduler",
        }
        for key, text in edits.items():
            set_field(app, key, text)
        await pilot.pause()
        assert form(app).result.errors == {}
        review = await save_and_confirm(pilot)
    after = read(settings)
    assert after["Description"] == edits["Description"]
    assert after["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert after["ScheduleExpressionTimezone"] == "Europe/Madrid"
    assert after["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 45}
    assert after["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 5
    assert after["Target"]["DeadLetterConfig"]["Arn"].endswith(":ops-dlq")
    assert after["KmsKeyArn"].endswith("alias/scheduler")
    changed = (
        "Description",
        "ScheduleExpression",
        "ScheduleExpressionTimezone",
        "FlexibleTimeWindow",
        "Target.RetryPolicy.MaximumRetryAttempts",
        "Target.DeadLetterConfig.Arn",
        "KmsKeyArn",
    )
    assert without(after, *changed) == without(before, *changed)
    for path in changed:  # the review named exactly these, old and new
        assert path in review
    assert "Target.Input" not in review


async def test_typing_shows_the_rule_under_the_field_and_the_next_runs_follow(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        retry = form(app).query_one("#" + widget_id("Target.RetryPolicy.MaximumRetryAttempts"))
        retry.focus()
        await pilot.press("end", "9", "9")  # 3 -> 399
        assert "must be between 0 and 185" in message(
            app, "Target.RetryPolicy.MaximumRetryAttempts"
        )
        assert "1 field to fix" in static_text(app, "#banner")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScheduleFormScreen)  # refused: no review, nothing sent
        await pilot.press("backspace", "backspace")
        assert "0-185" in message(app, "Target.RetryPolicy.MaximumRetryAttempts")
        set_field(app, "ScheduleExpression", "cron(30 6 ? * MON *)")
        await pilot.pause()
        assert "Mon 2026-11-30 06:30" in static_text(app, "#preview")
        set_field(app, "ScheduleExpression", "cron(30 6 * * MON *)")
        await pilot.pause()
        assert "day-of-month" in message(app, "ScheduleExpression")
    assert read(settings)["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 3


async def test_the_first_key_typed_in_an_edit_form_adds_to_the_description(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        description = form(app).query_one("#" + widget_id("Description"), TextArea)
        before = description.text
        assert before
        assert app.focused is description
        assert description.selection.is_empty  # nothing preselected
        assert description.cursor_location == description.document.end
        await pilot.press("!")  # focus selected nothing: the stored text is not replaced
        assert description.text == before + "!"


# Invalid text from the facts sheet: (field, text, words the message holds). Nothing of it
# is ever sent. (Rules spanning two fields are checked in tests/core/test_schedule_form.py.)
INVALID: list[tuple[str, str, str]] = [
    ("Target.RetryPolicy.MaximumRetryAttempts", "186", "between 0 and 185"),
    ("Target.RetryPolicy.MaximumEventAgeInSeconds", "30", "between 60 and 86400"),
    ("FlexibleTimeWindow", "1441", "between 1 and 1440"),
    ("Target.DeadLetterConfig.Arn", f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq.fifo", "FIFO"),
    ("Target.RoleArn", "not-a-role", "IAM role ARN"),
    ("KmsKeyArn", "alias/mine", "KMS key or alias ARN"),
    ("ScheduleExpression", "cron(0 2 * * ? * *)", "it needs 6"),
    ("ScheduleExpression", "cron(0 2 * * * *)", "day-of-month"),
    ("ScheduleExpression", "rate(0 minutes)", "rate"),
    ("ScheduleExpression", "rate(1 hours)", "must be singular when the value is 1"),
    ("ScheduleExpression", "rate(5 minute)", "must be plural when the value is over 1"),
    ("ScheduleExpressionTimezone", "Europe/Atlantis", "IANA"),
    ("Target.Input", "{not json}", "valid JSON"),
    ("Target.Input", json.dumps("x" * 262_144), "256 KB"),
    ("Target.Arn", "arn:aws:scheduler:::aws-sdk:s3:getObject", "read-only actions"),
    ("StartDate", "2027-01-01 09:00", "UTC offset"),
    ("Description", "d" * 513, "at most 512"),
]
ECS = "Target.EcsParameters."
INVALID_ECS: list[tuple[str, str, str]] = [
    (ECS + "TaskCount", "11", "between 1 and 10"),
    (VPC + "Subnets", ",".join(f"subnet-{n}" for n in range(17)), "1 to 16"),
    (VPC + "SecurityGroups", ",".join(f"sg-{n}" for n in range(6)), "1 to 5"),
    (ECS + "PlacementStrategy", "sideways", "must be one of"),
    (ECS + "CapacityProviderStrategy", "FARGATE:2000", "between 0 and 1000"),
    (ECS + "TaskDefinitionArn", "", "is required"),
]


@pytest.mark.parametrize(
    ("name", "cases"),
    [(NAME, INVALID), ("weekly-maintenance-schedule", INVALID_ECS)],
    ids=["lambda", "ecs"],
)
async def test_every_invalid_input_is_refused_in_the_form_and_never_sent(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    name: str,
    cases: list[tuple[str, str, str]],
) -> None:
    before = read(settings, GROUP, name)
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, name=name)
        sent = requests_sent(app.session.backend.clients)
        for key, text, words in cases:
            good = form(app).start[key]
            set_field(app, key, text)
            await pilot.pause()
            assert words in form(app).result.errors.get(key, ""), (key, form(app).result.errors)
            assert words in message(app, key).replace("\n", " "), message(app, key)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, ScheduleFormScreen), key
            set_field(app, key, good)
            await pilot.pause()
        assert "UpdateSchedule" not in sent
    assert read(settings, GROUP, name) == before


@pytest.mark.parametrize("kind", ["ECS", "SQS", "EVENTBRIDGE", "KINESIS", "SAGEMAKER"])
async def test_the_kind_picker_shows_the_kinds_own_parameters(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], kind: str
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, key="n")
        rows = {
            "ECS": "Target.EcsParameters.TaskDefinitionArn",
            "SQS": "Target.SqsParameters.MessageGroupId",
            "EVENTBRIDGE": "Target.EventBridgeParameters.Source",
            "KINESIS": "Target.KinesisParameters.PartitionKey",
            "SAGEMAKER": "Target.SageMakerPipelineParameters.PipelineParameterList",
        }
        row = form(app).query_one("#row-" + widget_id(rows[kind]))
        assert not row.display  # a new schedule starts as Lambda
        set_field(app, "kind", kind)
        await pilot.pause()
        assert row.display
        arn = form(app).query_one("#" + widget_id("Target.Arn"), Input).value
        assert arn.startswith("arn:aws:")
        assert f":{ACCOUNT}:" in arn


# Per kind: the target's name after the ARN template, and the kind's own fields.
KINDS: dict[TargetKind, tuple[str, dict[str, str]]] = {
    TargetKind.LAMBDA: ("nightly", {"Target.Input": '{"job": "<aws.scheduler.execution-id>"}'}),
    TargetKind.SQS: ("jobs.fifo", {"Target.SqsParameters.MessageGroupId": "g1"}),
    TargetKind.SNS: ("alerts", {"Target.Input": "plain text is fine for SNS"}),
    TargetKind.STEP_FUNCTIONS: ("etl", {"Target.Input": "{}"}),
    TargetKind.ECS: (
        "batch",
        {
            "Target.EcsParameters.TaskDefinitionArn": (
                f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/report:3"
            ),
            "Target.EcsParameters.TaskCount": "2",
            "Target.EcsParameters.LaunchType": "FARGATE",
            VPC + "Subnets": "subnet-1, subnet-2",
            VPC + "SecurityGroups": "sg-9",
            VPC + "AssignPublicIp": "ENABLED",
            "Target.EcsParameters.PlatformVersion": "LATEST",
            "Target.EcsParameters.PlacementStrategy": "spread:attribute:ecs.availability-zone",
            "Target.EcsParameters.PlacementConstraints": "distinctInstance",
            "Target.EcsParameters.Tags": "team=data",
            "Target.EcsParameters.PropagateTags": "TASK_DEFINITION",
            "Target.EcsParameters.EnableECSManagedTags": "true",
            "Target.EcsParameters.EnableExecuteCommand": "false",
            "Target.EcsParameters.Group": "family:report",
            "Target.EcsParameters.ReferenceId": "ref-7",
        },
    ),
    TargetKind.EVENTBRIDGE: (
        "default",
        {
            "Target.EventBridgeParameters.DetailType": "Report due",
            "Target.EventBridgeParameters.Source": "com.example.jobs",
            "Target.Input": '{"a": 1}',
        },
    ),
    TargetKind.KINESIS: ("clicks", {"Target.KinesisParameters.PartitionKey": "pk-1"}),
    TargetKind.FIREHOSE: ("logs", {}),
    TargetKind.SAGEMAKER: (
        "train",
        {"Target.SageMakerPipelineParameters.PipelineParameterList": "Epochs=3\nMode=fast"},
    ),
    TargetKind.CODEBUILD: ("build", {}),
    TargetKind.CODEPIPELINE: ("release", {}),
    TargetKind.UNIVERSAL: (
        "sqs:sendMessage",
        {"Target.Input": '{"QueueUrl": "q", "MessageBody": "b"}'},
    ),
}


async def test_every_target_kind_is_created_from_the_form_and_read_back(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        for kind, (resource, fields) in KINDS.items():
            await pilot.press("n")
            await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))
            name = f"new-{kind.name.lower().replace('_', '-')}"
            set_field(app, "Name", name)
            set_field(app, "ScheduleExpression", "rate(1 hour)")
            set_field(app, "kind", kind.name)
            await pilot.pause()
            arn_input = form(app).query_one("#" + widget_id("Target.Arn"), Input)
            set_field(app, "Target.Arn", arn_input.value + resource)
            set_field(app, "Target.RoleArn", ROLE)
            for key, text in fields.items():
                set_field(app, key, text)
            await pilot.pause()
            assert form(app).result.errors == {}, (kind, form(app).result.errors)
            await save_and_confirm(pilot)
            created = read(settings, GROUP, name)
            target = created["Target"]
            assert target["Arn"].endswith(resource), kind
            assert target["RoleArn"] == ROLE
            # Suggested for every new schedule: retries bounded, the group's DLQ.
            assert target["RetryPolicy"] == {
                "MaximumRetryAttempts": 3,
                "MaximumEventAgeInSeconds": 3600,
            }
            assert target["DeadLetterConfig"]["Arn"].startswith("arn:aws:sqs:")
            if "Target.Input" in fields:
                assert target["Input"] == fields["Target.Input"]
            if kind is TargetKind.ECS:
                ecs = target["EcsParameters"]
                assert ecs["TaskCount"] == 2
                assert ecs["NetworkConfiguration"]["awsvpcConfiguration"] == {
                    "Subnets": ["subnet-1", "subnet-2"],
                    "SecurityGroups": ["sg-9"],
                    "AssignPublicIp": "ENABLED",
                }
                assert ecs["PlacementStrategy"] == [
                    {"type": "spread", "field": "attribute:ecs.availability-zone"}
                ]
                assert ecs["Tags"] == [{"team": "data"}]
                assert (ecs["EnableECSManagedTags"], ecs["EnableExecuteCommand"]) == (True, False)
            if kind is TargetKind.SAGEMAKER:
                assert target["SageMakerPipelineParameters"]["PipelineParameterList"] == [
                    {"Name": "Epochs", "Value": "3"},
                    {"Name": "Mode", "Value": "fast"},
                ]
            if kind is TargetKind.EVENTBRIDGE:
                assert target["EventBridgeParameters"]["Source"] == "com.example.jobs"
            if kind is TargetKind.SQS:
                assert target["SqsParameters"] == {"MessageGroupId": "g1"}
            if kind is TargetKind.KINESIS:
                assert target["KinesisParameters"] == {"PartitionKey": "pk-1"}


async def test_removing_the_dlq_is_named_in_the_review_and_needs_its_own_confirmation(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        set_field(app, "Target.DeadLetterConfig.Arn", "")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "removes the dead-letter queue" in static_text(app, "#confirm-body")
        assert "Remove the DLQ" in str(app.screen.query_one("#yes", Button).label)
        await pilot.press("n")  # cancel: back in the form, the edit kept, nothing sent
        await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))
        assert form(app).values()["Target.DeadLetterConfig.Arn"] == ""
    assert "DeadLetterConfig" in read(settings)["Target"]


def colleague_edits(settings: AwsSettings, **members: Any) -> None:
    client = scheduler(settings)
    current = read(settings)
    client.update_schedule(**{**current, **members})


async def test_a_conflict_offers_overwrite_which_keeps_the_servers_other_changes(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        colleague_edits(settings, Description="edited by a colleague")
        set_field(app, "Target.RetryPolicy.MaximumRetryAttempts", "1")
        # ctrl+s reads the schedule to plan the save: the conflict shows before any review.
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        body = static_text(app, "#choice-body")
        assert "Description" in body
        assert "edited by a colleague" in body
        await pilot.press("o")
        # Overwrite is reviewed too: exactly the operator's field, over the server's version.
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        review = static_text(app, "#confirm-body")
        assert "MaximumRetryAttempts" in review
        assert "Description" not in review
        await pilot.press("y")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, ConfirmScreen | ScheduleFormScreen)
        )
    after = read(settings)
    assert after["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 1
    assert after["Description"] == "edited by a colleague"


async def test_a_conflict_answered_with_reload_opens_the_servers_version(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        stale = form(app)
        colleague_edits(settings, Description="edited by a colleague")
        set_field(app, "Target.RetryPolicy.MaximumRetryAttempts", "1")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("l")
        await wait_for(
            pilot, lambda: isinstance(app.screen, ScheduleFormScreen) and app.screen is not stale
        )
        values = form(app).values()
        assert values["Description"] == "edited by a colleague"
        assert values["Target.RetryPolicy.MaximumRetryAttempts"] == "3"  # nothing stale kept
        assert stale not in app.screen_stack
    assert read(settings)["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 3


async def test_aws_refusing_the_save_is_shown_on_the_form_and_the_edits_stay(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        inject(
            app.session.backend.clients,
            "UpdateSchedule",
            Fault(400, "ValidationException", "The execution role cannot be assumed", 99),
        )
        set_field(app, "Description", "my careful edit")
        await save_and_confirm_expecting_form(pilot)
        # Read as one line: where the banner wraps depends on the width of what precedes.
        banner = lambda: " ".join(static_text(app, "#banner").split())  # noqa: E731
        await wait_for(pilot, lambda: "cannot be assumed" in banner())
        assert "Not saved: " in banner()
        assert form(app).values()["Description"] == "my careful edit"
    assert read(settings)["Description"] != "my careful edit"


async def save_and_confirm_expecting_form(pilot: Pilot[None]) -> None:
    app = pilot.app
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.press("y")
    await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))


async def test_clone_into_another_group_then_delete_the_original_moves_it(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    before = read(settings)
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, key="c")
        assert form(app).values()["Name"] == f"{NAME}-copy"
        set_field(app, "Name", NAME)
        set_field(app, "GroupName", "default")
        await pilot.pause()
        assert form(app).result.errors == {}
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        # The copy exists; the second half of the move is offered, and defaults to no.
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, ConfirmScreen)
                and "Delete the original" in static_text(app, ".title")
            ),
        )
        assert read(settings, "default", NAME) == {**before, "GroupName": "default"}
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: (
                not any(
                    s["Name"] == NAME
                    for s in scheduler(settings).list_schedules(GroupName=GROUP)["Schedules"]
                )
            ),
        )


async def test_a_clone_cannot_take_a_name_that_exists(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, key="c")
        set_field(app, "Name", "weekly-maintenance-schedule")
        await pilot.pause()
        assert "already exists" in message(app, "Name")


def scripted_editor(tmp_path: Path, body: str) -> str:
    """An $EDITOR that edits the JSON file it is given with ``body`` (python, no terminal)."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import json, sys\npath = sys.argv[1]\ndoc = json.load(open(path))\n"
        + textwrap.dedent(body)
        + "\njson.dump(doc, open(path, 'w'))\n"
    )
    return f"{sys.executable} {script}"


RETRIES = "doc['Target']['RetryPolicy']['MaximumRetryAttempts'] = {}"


async def raw_edit_until_dialog(pilot: Pilot[None]) -> None:
    """Press E on daily-backup-schedule; the scripted editor runs; a dialog follows."""
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    await loaded(pilot)
    table(app).move_to(next(k for k in table(app).row_keys() if k.endswith("/" + NAME)))
    await pilot.press("E")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))


async def test_raw_edit_in_editor_goes_through_review_and_keeps_every_other_member(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VISUAL", scripted_editor(tmp_path, RETRIES.format(2)))
    before = read(settings)
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await raw_edit_until_dialog(pilot)
        review = static_text(app, "#confirm-body")
        assert "Target.RetryPolicy.MaximumRetryAttempts" in review
        await pilot.press("y")
        await wait_for(pilot, lambda: read(settings) != before)
    after = read(settings)
    assert after["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 2
    path = "Target.RetryPolicy.MaximumRetryAttempts"
    assert without(after, path) == without(before, path)


async def test_an_invalid_raw_edit_says_why_and_offers_to_edit_again(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VISUAL", scripted_editor(tmp_path, RETRIES.format(999)))
    before = read(settings)
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        sent = requests_sent(app.session.backend.clients)
        await raw_edit_until_dialog(pilot)
        assert "must be between 0 and 185" in static_text(app, "#confirm-body")
        assert "Edit again" in str(app.screen.query_one("#yes", Button).label)
        await pilot.press("n")
        await pilot.pause()
        assert "UpdateSchedule" not in sent
    assert read(settings) == before


async def test_read_only_opens_the_form_as_a_viewer_that_cannot_save(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    read_only = AwsSettings(region=REGION, endpoint_url=settings.endpoint_url, read_only=True)
    app = make_app(read_only, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        assert "read-only" in static_text(app, "#banner")
        assert not form(app).query("#save")
        description = form(app).query_one("#" + widget_id("Description"), TextArea)
        assert description.read_only
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScheduleFormScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ScheduleFormScreen))


async def test_escape_with_changes_asks_before_discarding_them(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        set_field(app, "Description", "half-typed")
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))
        assert form(app).values()["Description"] == "half-typed"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(
            pilot, lambda: not isinstance(app.screen, ScheduleFormScreen | ConfirmScreen)
        )
    assert read(settings)["Description"] != "half-typed"


async def test_zone_completion_placeholders_json_formatting_and_the_dlq_check(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        screen = form(app)
        # The time zone completes from the IANA list (right arrow accepts the suggestion).
        zone = screen.query_one("#" + widget_id("ScheduleExpressionTimezone"), Input)
        zone.value = ""
        zone.focus()
        await pilot.press(*"europe/mad")
        await pilot.press("right")
        assert zone.value == "Europe/Madrid"
        # A placeholder goes in at the cursor; ctrl+o pretty-prints the input.
        area = screen.query_one("#" + widget_id("Target.Input"), TextArea)
        area.text = '{"at": ""}'
        area.move_cursor((0, 8))
        screen.query_one("#placeholder", Select).value = "<aws.scheduler.scheduled-time>"
        await pilot.pause()
        assert area.text == '{"at": "<aws.scheduler.scheduled-time>"}'
        await pilot.press("ctrl+o")
        assert area.text == '{\n  "at": "<aws.scheduler.scheduled-time>"\n}\n'
        # The DLQ check reads the queue: the demo's exists, an unknown one does not.
        screen.query_one("#check-dlq", Button).press()
        dlq = "Target.DeadLetterConfig.Arn"
        await wait_for(pilot, lambda: "the queue exists" in message(app, dlq))
        set_field(app, dlq, f"arn:aws:sqs:{REGION}:{ACCOUNT}:no-such-queue")
        await pilot.pause()
        screen.query_one("#check-dlq", Button).press()
        await wait_for(pilot, lambda: "✗" in message(app, dlq))
        assert "no-such-queue: queue does not exist" in message(app, dlq)


async def test_a_new_form_names_missing_fields_only_once_save_is_tried(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, key="n")
        assert "is required" not in message(app, "ScheduleExpression")
        assert "to fill in or fix" in static_text(app, "#banner")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScheduleFormScreen)
        assert "is required" in message(app, "ScheduleExpression")
        assert "is required" in message(app, "Name")
        assert "fields to fix" in static_text(app, "#banner")
        # Suggested from the group's schedules: their execution role, DLQ and retry bounds.
        values = form(app).values()
        assert values["Target.RoleArn"].endswith(":role/EventBridgeSchedulerRole")
        assert values["Target.DeadLetterConfig.Arn"].endswith(":scheduler-dlq")
