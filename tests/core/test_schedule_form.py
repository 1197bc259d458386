"""The schedule form without a UI: text in, a lossless schedule (or per-field rules) out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from schedtui.core.changes.plan import update_changes
from schedtui.core.schedules.arns import TargetKind, arn_template
from schedtui.core.schedules.diff import field_diff
from schedtui.core.schedules.form import (
    FIELDS,
    FIELDS_BY_KEY,
    build_schedule,
    creation_values,
    field_for,
    not_editable_here,
    preview,
    values_of,
)
from schedtui.core.schedules.schedule import Schedule
from tests.core.model_samples import (
    ACCOUNT,
    DLQ_ARN,
    REGION,
    ROLE_ARN,
    TARGET_ARNS,
    ecs_parameters,
    schedule_response,
)
from tests.core.test_models_roundtrip import get_schedule_responses

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def loaded(kind: str = "lambda", **members: Any) -> Schedule:
    return Schedule.from_api(schedule_response(kind, **members))


def edit(original: Schedule, **changes: str) -> tuple[Schedule | None, dict[str, str]]:
    start = values_of(original)
    values = {**start, **changes}
    result = build_schedule(original, start, values)
    return result.schedule, result.errors


# -- nothing touched, nothing changed -----------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(TARGET_ARNS))
def test_an_untouched_form_builds_the_schedule_it_was_given(kind: str) -> None:
    original = Schedule.from_api(
        schedule_response(kind, Extra={"FutureMember": [1, 2]})  # unknown members too
    )
    start = values_of(original)
    result = build_schedule(original, start, dict(start))
    assert result.written == []
    assert result.schedule is not None
    assert result.schedule.to_api() == original.to_api()


def test_ecs_parameters_survive_an_edit_elsewhere_member_for_member() -> None:
    original = loaded("ecs")
    assert original.target.ecs_parameters is not None
    schedule, errors = edit(original, Description="moved to 03:00")
    assert errors == {}
    assert schedule is not None
    assert field_diff(original, schedule) == {
        "Description": (original.description, "moved to 03:00")
    }
    assert schedule.target.ecs_parameters == original.target.ecs_parameters


# One valid new text per field, and the member paths that text may change.
VALID_EDITS: dict[str, str] = {
    "Description": "new words",
    "State": "DISABLED",
    "ScheduleExpression": "rate(5 minutes)",
    "ScheduleExpressionTimezone": "Asia/Tokyo",
    "StartDate": "2027-01-01T00:00:00+00:00",
    "EndDate": "2028-01-01T00:00:00Z",
    "FlexibleTimeWindow": "45",
    "ActionAfterCompletion": "DELETE",
    "Target.RoleArn": f"arn:aws:iam::{ACCOUNT}:role/other",
    "Target.Input": '{"changed": true}',
    "Target.RetryPolicy.MaximumRetryAttempts": "7",
    "Target.RetryPolicy.MaximumEventAgeInSeconds": "600",
    "Target.DeadLetterConfig.Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:other-dlq",
    "KmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/other",
    "Target.EcsParameters.TaskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/x:1",
    "Target.EcsParameters.TaskCount": "3",
    "Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.Subnets": "subnet-9",
    "Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.SecurityGroups": "sg-1, sg-2",
    "Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.AssignPublicIp": "DISABLED",
    "Target.EcsParameters.PlatformVersion": "1.4.0",
    "Target.EcsParameters.PlacementConstraints": "distinctInstance",
    "Target.EcsParameters.PlacementStrategy": "binpack:memory\nrandom",
    "Target.EcsParameters.Tags": "team=data\ncost=42",
    "Target.EcsParameters.PropagateTags": "",
    "Target.EcsParameters.EnableECSManagedTags": "false",
    "Target.EcsParameters.EnableExecuteCommand": "true",
    "Target.EcsParameters.Group": "family:other",
    "Target.EcsParameters.ReferenceId": "ref-2",
}


@pytest.mark.parametrize("key", sorted(VALID_EDITS))
def test_editing_one_field_changes_that_member_and_nothing_else(key: str) -> None:
    original = loaded("ecs" if "Ecs" in key else "lambda")
    schedule, errors = edit(original, **{key: VALID_EDITS[key]})
    assert errors == {}
    assert schedule is not None
    changed = set(field_diff(original, schedule))
    assert changed, "the edit must change something"
    prefix = "FlexibleTimeWindow" if key == "FlexibleTimeWindow" else key
    assert all(path.startswith(prefix) for path in changed), changed


def test_list_pair_and_record_fields_become_api_shapes() -> None:
    original = loaded("ecs")
    ecs = "Target.EcsParameters."
    schedule, errors = edit(
        original,
        **{
            ecs + "LaunchType": "",
            ecs + "CapacityProviderStrategy": "FARGATE_SPOT:3:1\nFARGATE:1",
            ecs + "Tags": "team = data\ncost=42",
        },
    )
    assert errors == {}
    assert schedule is not None
    assert schedule.target.ecs_parameters is not None
    params = schedule.target.ecs_parameters.to_api()
    assert params["CapacityProviderStrategy"] == [
        {"capacityProvider": "FARGATE_SPOT", "weight": 3, "base": 1},
        {"capacityProvider": "FARGATE", "weight": 1},
    ]
    assert params["Tags"] == [{"team": "data"}, {"cost": "42"}]
    assert "LaunchType" not in params


def test_sagemaker_parameters_and_other_kinds_params() -> None:
    schedule, errors = edit(
        loaded("sagemaker"),
        **{"Target.SageMakerPipelineParameters.PipelineParameterList": "Epochs=3\nMode=fast"},
    )
    assert errors == {}
    assert schedule is not None
    assert schedule.target.to_api()["SageMakerPipelineParameters"] == {
        "PipelineParameterList": [
            {"Name": "Epochs", "Value": "3"},
            {"Name": "Mode", "Value": "fast"},
        ]
    }


def test_clearing_both_retry_fields_removes_the_policy_and_clearing_the_dlq_removes_it() -> None:
    schedule, errors = edit(
        loaded("lambda"),
        **{
            "Target.RetryPolicy.MaximumRetryAttempts": "",
            "Target.RetryPolicy.MaximumEventAgeInSeconds": "",
            "Target.DeadLetterConfig.Arn": "",
        },
    )
    assert errors == {}
    assert schedule is not None
    assert schedule.target.retry_policy is None
    assert schedule.target.dead_letter_config is None


def test_a_window_of_off_or_empty_turns_it_off() -> None:
    original = loaded(
        "lambda", FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5}
    )
    for text in ("", "off", "OFF"):
        schedule, errors = edit(original, FlexibleTimeWindow=text)
        assert errors == {}
        assert schedule is not None
        assert schedule.flexible_time_window.to_api() == {"Mode": "OFF"}


def test_changing_the_kind_drops_the_old_kinds_parameters() -> None:
    original = loaded("ecs")
    schedule, errors = edit(original, **{"Target.Arn": TARGET_ARNS["lambda"]})
    assert errors == {}
    assert schedule is not None
    assert schedule.target.ecs_parameters is None
    assert schedule.target.arn == TARGET_ARNS["lambda"]


def test_the_input_is_sent_exactly_as_typed() -> None:
    text = '{\n  "a": 1,\n  "at": "<aws.scheduler.scheduled-time>"\n}\n'
    schedule, errors = edit(loaded("lambda"), **{"Target.Input": text})
    assert errors == {}
    assert schedule is not None
    assert schedule.target.input == text


# -- every invalid input names its field and the rule --------------------------------------------

INVALID: list[tuple[str, str, str, str]] = [
    # (target kind, field, text, words the message must hold)
    ("lambda", "Target.RetryPolicy.MaximumRetryAttempts", "186", "between 0 and 185"),
    ("lambda", "Target.RetryPolicy.MaximumRetryAttempts", "three", "not a whole number"),
    ("lambda", "Target.RetryPolicy.MaximumEventAgeInSeconds", "59", "between 60 and 86400"),
    ("lambda", "Target.RetryPolicy.MaximumEventAgeInSeconds", "86401", "between 60 and 86400"),
    ("lambda", "FlexibleTimeWindow", "0", "between 1 and 1440"),
    ("lambda", "FlexibleTimeWindow", "1441", "between 1 and 1440"),
    ("lambda", "Target.DeadLetterConfig.Arn", f"arn:aws:sqs:{REGION}:{ACCOUNT}:d.fifo", "FIFO"),
    ("lambda", "Target.DeadLetterConfig.Arn", TARGET_ARNS["sns"], "SQS queue ARN"),
    ("lambda", "Target.RoleArn", "arn:aws:iam::123:role/x", "IAM role ARN"),
    ("lambda", "Target.RoleArn", "", "required"),
    ("lambda", "Target.Arn", "", "required"),
    ("lambda", "KmsKeyArn", "my-key", "KMS key or alias ARN"),
    ("lambda", "ScheduleExpression", "cron(0 2 * * * *)", "day-of-month"),
    ("lambda", "ScheduleExpression", "rate(0 minutes)", "rate"),
    ("lambda", "ScheduleExpression", "", "required"),
    ("lambda", "ScheduleExpressionTimezone", "Mars/Olympus", "IANA"),
    ("lambda", "Target.Input", "{not json", "valid JSON"),
    ("lambda", "Target.Arn", "arn:aws:scheduler:::aws-sdk:s3:listBuckets", "read-only actions"),
    ("lambda", "Target.Input", '"' + "x" * (256 * 1024) + '"', "256 KB"),
    ("lambda", "Description", "d" * 513, "at most 512"),
    ("lambda", "StartDate", "tomorrow", "ISO 8601"),
    ("lambda", "StartDate", "2027-01-01T00:00:00", "UTC offset"),
    ("lambda", "State", "PAUSED", "ENABLED"),
    ("ecs", "Target.EcsParameters.TaskCount", "11", "between 1 and 10"),
    ("ecs", "Target.EcsParameters.TaskDefinitionArn", "", "required"),
    (
        "ecs",
        "Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.Subnets",
        ",".join(f"subnet-{n}" for n in range(17)),
        "1 to 16",
    ),
    (
        "ecs",
        "Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.SecurityGroups",
        ",".join(f"sg-{n}" for n in range(6)),
        "5",
    ),
    ("ecs", "Target.EcsParameters.CapacityProviderStrategy", "FARGATE:1001", "0 and 1000"),
    ("ecs", "Target.EcsParameters.CapacityProviderStrategy", "FARGATE:x", "whole number"),
    ("ecs", "Target.EcsParameters.PlacementStrategy", "sideways", "one of"),
    ("ecs", "Target.EcsParameters.Tags", "novalue", "key=value"),
    ("eventbridge", "Target.EventBridgeParameters.Source", "aws.events", "aws."),
    ("eventbridge", "Target.EventBridgeParameters.DetailType", "t" * 129, "1 to 128"),
    ("kinesis", "Target.KinesisParameters.PartitionKey", "k" * 257, "1 to 256"),
    ("sqs_fifo", "Target.SqsParameters.MessageGroupId", "", "FIFO"),
]


@pytest.mark.parametrize(
    ("kind", "key", "text", "words"),
    INVALID,
    ids=[f"{kind}-{key.rsplit('.', 1)[-1]}-{words}" for kind, key, _, words in INVALID],
)
def test_invalid_text_is_refused_on_its_field_with_the_rule(
    kind: str, key: str, text: str, words: str
) -> None:
    schedule, errors = edit(loaded(kind), **{key: text})
    assert schedule is None
    assert key in errors, errors
    assert words in errors[key]


def test_cross_field_rules_land_on_the_field_that_breaks_them() -> None:
    _, errors = edit(
        loaded("lambda"), StartDate="2027-06-01T00:00:00Z", EndDate="2027-01-01T00:00:00Z"
    )
    assert errors == {"EndDate": "must be after StartDate"}
    # The sample assigns a public IP, which needs FARGATE: switching to EC2 breaks that rule.
    _, errors = edit(loaded("ecs"), **{"Target.EcsParameters.LaunchType": "EC2"})
    public_ip = "Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.AssignPublicIp"
    assert "only allowed with LaunchType FARGATE" in errors[public_ip]


def test_an_invalid_field_does_not_hide_problems_elsewhere() -> None:
    schedule, errors = edit(
        loaded("lambda"),
        **{"Target.RetryPolicy.MaximumRetryAttempts": "x", "Target.RoleArn": "nope"},
    )
    assert schedule is None
    assert set(errors) == {"Target.RetryPolicy.MaximumRetryAttempts", "Target.RoleArn"}


# -- creating and cloning ------------------------------------------------------------------------


def test_creation_suggests_bounded_retries_and_the_groups_zone_and_dlq() -> None:
    values = creation_values(
        "orders",
        zones=["Europe/Madrid", "UTC", "Europe/Madrid"],
        dead_letter_arns=[None, DLQ_ARN, DLQ_ARN, "arn:aws:sqs:x:1:other"],
        role_arns=[ROLE_ARN, ROLE_ARN, "arn:aws:iam::123456789012:role/rare"],
        account=ACCOUNT,
    )
    assert values["Target.RoleArn"] == ROLE_ARN
    assert values["GroupName"] == "orders"
    assert values["Target.RetryPolicy.MaximumRetryAttempts"] == "3"
    assert values["Target.RetryPolicy.MaximumEventAgeInSeconds"] == "3600"
    assert values["ScheduleExpressionTimezone"] == "Europe/Madrid"
    assert values["Target.DeadLetterConfig.Arn"] == DLQ_ARN
    assert values["State"] == "ENABLED"
    empty_group = creation_values("new-group")
    assert empty_group["ScheduleExpressionTimezone"] == ""
    assert empty_group["Target.DeadLetterConfig.Arn"] == ""
    assert empty_group["Target.RoleArn"] == ""


def test_creation_never_suggests_a_role_or_queue_of_another_account() -> None:
    other_role = "arn:aws:iam::999999999999:role/their-role"
    other_queue = f"arn:aws:sqs:{REGION}:999999999999:their-dlq"
    values = creation_values(
        "orders",
        dead_letter_arns=[other_queue, other_queue, DLQ_ARN],
        role_arns=[other_role, other_role, ROLE_ARN],
        account=ACCOUNT,
    )
    assert values["Target.RoleArn"] == ROLE_ARN  # the most used of this account's, not theirs
    assert values["Target.DeadLetterConfig.Arn"] == DLQ_ARN
    unknown = creation_values("orders", dead_letter_arns=[DLQ_ARN], role_arns=[ROLE_ARN])
    assert unknown["Target.RoleArn"] == unknown["Target.DeadLetterConfig.Arn"] == ""


def test_a_created_schedule_holds_what_the_form_says() -> None:
    values = creation_values("orders")
    values.update(
        {
            "Name": "settle-payments",
            "ScheduleExpression": "cron(15 3 ? * MON-FRI *)",
            "Target.Arn": arn_template(TargetKind.LAMBDA, REGION, ACCOUNT) + "settle",
            "Target.RoleArn": ROLE_ARN,
        }
    )
    result = build_schedule(None, values_of(None), values, new=True)
    assert result.errors == {}
    assert result.schedule is not None
    assert result.schedule.to_create_request() == {
        "Name": "settle-payments",
        "GroupName": "orders",
        "State": "ENABLED",
        "ScheduleExpression": "cron(15 3 ? * MON-FRI *)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {
            "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:settle",
            "RoleArn": ROLE_ARN,
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
        },
    }


def test_a_new_name_is_checked_and_a_clone_keeps_everything_but_what_aws_sets() -> None:
    original = loaded("ecs", Extra={"FutureMember": True})
    start = values_of(original)
    bad = build_schedule(original, start, {**start, "Name": "has space"}, new=True)
    assert "Name" in bad.errors
    assert "letters, digits" in bad.errors["Name"]
    result = build_schedule(original, start, {**start, "Name": "copy", "GroupName": "g2"}, new=True)
    assert result.schedule is not None
    request = result.schedule.to_create_request()
    assert request["Name"] == "copy"
    assert request["GroupName"] == "g2"
    assert request["Target"] == original.to_create_request()["Target"]
    assert request["Extra"] == {"FutureMember": True}
    assert "Arn" not in result.schedule.to_api()


# -- helpers the UI relies on --------------------------------------------------------------------


def test_errors_on_nested_members_land_on_their_field() -> None:
    assert field_for("FlexibleTimeWindow.MaximumWindowInMinutes") == "FlexibleTimeWindow"
    assert (
        field_for("Target.EcsParameters.CapacityProviderStrategy[0].weight")
        == "Target.EcsParameters.CapacityProviderStrategy"
    )
    assert field_for("Target.DeadLetterConfig") == "Target.DeadLetterConfig.Arn"
    assert field_for("Something.Else") == ""


def test_kind_specific_fields_show_only_for_their_kind_and_names_only_when_creating() -> None:
    lambda_keys = {f.key for f in FIELDS if f.shows_for(TargetKind.LAMBDA)}
    ecs_keys = {f.key for f in FIELDS if f.shows_for(TargetKind.ECS)}
    assert "Target.EcsParameters.TaskCount" not in lambda_keys
    assert "Target.EcsParameters.TaskCount" in ecs_keys
    # Name and group are typed only when creating (the edit form shows them, disabled).
    assert {f.key for f in FIELDS if f.fixed_after_creation} == {"Name", "GroupName"}
    assert "Name" in lambda_keys & ecs_keys
    assert set(ecs_parameters()) - {"CapacityProviderStrategy"} <= {
        key.split(".")[2] for key in FIELDS_BY_KEY if key.startswith("Target.EcsParameters.")
    }


def test_update_changes_are_the_top_level_members_that_differ() -> None:
    original = loaded("lambda")
    schedule, _ = edit(original, **{"Target.RetryPolicy.MaximumRetryAttempts": "1"})
    assert schedule is not None
    changes = update_changes(original, schedule)
    assert list(changes) == ["target"]
    assert changes["target"].retry_policy.maximum_retry_attempts == 1


def test_preview_describes_and_lists_the_next_runs_or_says_why_not() -> None:
    values = {
        "ScheduleExpression": "cron(0 9 ? * MON-FRI *)",
        "ScheduleExpressionTimezone": "Europe/Madrid",
        "FlexibleTimeWindow": "15",
    }
    shown = preview(values, NOW, anchor=None)
    assert shown.problem == ""
    assert "09:00" in shown.description or "9:00" in shown.description
    assert [run.at for run in shown.runs][:2] == [
        datetime(2026, 11, 30, 8, 0, tzinfo=UTC),  # Monday 09:00 in Madrid (UTC+1)
        datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
    ]
    assert shown.runs[0].window_end == datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
    assert len(shown.runs) == 5
    bad = preview({**values, "ScheduleExpressionTimezone": "Nowhere/Land"}, NOW, anchor=None)
    assert "IANA" in bad.problem
    assert bad.runs == ()
    assert (
        "month" in preview({"ScheduleExpression": "cron(0 0 32 * ? *)"}, NOW, anchor=None).problem
    )


# -- the field-preservation property, through the form ------------------------------------------


@settings(max_examples=150, deadline=None)
@given(response=get_schedule_responses(), data=st.data())
def test_through_the_form_only_the_field_typed_in_can_change(
    response: dict[str, Any], data: st.DataObject
) -> None:
    """Any schedule (every kind, unknown members at every level): untouched, the form gives
    back exactly what it was given; with one field retyped, nothing outside that field moves."""
    original = Schedule.from_api(response)
    start = values_of(original)
    untouched = build_schedule(original, start, dict(start))
    assert untouched.written == []
    event(f"breaks a rule: {bool(original.rule_violations())}")
    if original.rule_violations():
        return  # the form refuses to save a schedule schedtui would refuse; nothing to compare
    assert untouched.schedule == original
    fields = [
        key
        for key in VALID_EDITS
        if FIELDS_BY_KEY[key].kinds is None or original.target.kind in FIELDS_BY_KEY[key].kinds
    ]
    key = data.draw(st.sampled_from(fields))
    edited = build_schedule(original, start, {**start, key: VALID_EDITS[key]})
    event(f"edit built: {edited.schedule is not None}")
    if edited.schedule is None:
        # Only a rule spanning fields may refuse it: the new EndDate falls before this
        # StartDate, or a new member needs a sibling (security groups without subnets).
        parent = key.rsplit(".", 1)[0] + "."
        related = {"EndDate", "StartDate"} | {k for k in FIELDS_BY_KEY if k.startswith(parent)}
        assert set(edited.errors) <= related | {key}, edited.errors
        return
    prefix = "FlexibleTimeWindow" if key == "FlexibleTimeWindow" else key
    changed = field_diff(original, edited.schedule)
    assert all(path.startswith(prefix) for path in changed), (key, changed)
    assert edited.schedule.unknown_members() == original.unknown_members()


def test_the_rate_preview_follows_the_one_anchor_rule() -> None:
    # A new rate() schedule without StartDate fires at once, at creation (runs.py).
    new = preview({"ScheduleExpression": "rate(30 minutes)"}, NOW, anchor=None)
    assert [run.at for run in new.runs[:2]] == [NOW, NOW + timedelta(minutes=30)]
    # An existing one counts from its creation time.
    created = datetime(2026, 11, 1, 0, 10, tzinfo=UTC)
    kept = preview({"ScheduleExpression": "rate(1 hour)"}, NOW, anchor=created)
    assert kept.runs[0].at == datetime(2026, 11, 29, 12, 10, tzinfo=UTC)
    # A StartDate AWS refuses is dropped on save: the preview counts from the write, as the
    # change warning says (REANCHORS_RATE), not from the StartDate the field still shows.
    past = {"ScheduleExpression": "rate(1 hour)", "StartDate": "2026-11-01T00:10:00Z"}
    assert preview(past, NOW, anchor=created).runs[0].at == NOW
    # Removing the StartDate sends the same request as dropping it: the same prediction.
    cleared = {"ScheduleExpression": "rate(1 hour)", "StartDate": ""}
    stored = datetime(2026, 11, 1, 0, 10, tzinfo=UTC)
    assert preview(cleared, NOW, anchor=created, stored_start=stored).runs[0].at == NOW
    recent = {"ScheduleExpression": "rate(1 hour)", "StartDate": "2026-11-29T11:58:00Z"}
    assert preview(recent, NOW, anchor=created).runs[0].at == datetime(
        2026, 11, 29, 12, 58, tzinfo=UTC
    )


def test_ecs_tags_grouped_several_to_a_map_are_kept_and_not_edited_in_the_form() -> None:
    # Terraform writes each task tag as {"key": K, "value": V}; the form's one-tag-per-line
    # text would split such maps on save, so the field is shown but not editable there.
    grouped = [{"key": "team", "value": "data"}]
    data = schedule_response("ecs")
    data["Target"]["EcsParameters"]["Tags"] = grouped
    original = Schedule.from_api(data)
    tags_field = FIELDS_BY_KEY["Target.EcsParameters.Tags"]
    assert not_editable_here(tags_field, original) is not None
    assert not_editable_here(tags_field, loaded("ecs")) is None  # one tag per map: editable
    assert not_editable_here(tags_field, None) is None  # a new schedule
    schedule, errors = edit(original, Description="elsewhere")
    assert errors == {}
    assert schedule is not None
    assert schedule.to_api()["Target"]["EcsParameters"]["Tags"] == grouped
