"""Schedule, group and summary behaviour around the round trip: requests, unknown members,
lenient reads, replace, effective defaults, field_diff and import hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from schedtui.core.schedules.diff import field_diff
from schedtui.core.schedules.group import ScheduleGroup, tags_to_api
from schedtui.core.schedules.schedule import Schedule, ScheduleState, ScheduleSummary
from schedtui.core.schedules.target import DeadLetterConfig, RetryPolicy, Target
from schedtui.core.schedules.target_params import LaunchType
from schedtui.core.schedules.validation import error_messages
from tests.core.model_samples import (
    ACCOUNT,
    DLQ_ARN,
    MODIFIED,
    REGION,
    TARGET_ARNS,
    request_from,
    schedule_response,
    with_member,
)

ECS = "Target.EcsParameters"


def test_update_request_strips_read_only_and_envelope_members() -> None:
    response = schedule_response("ecs")
    request = Schedule.from_api(response).to_update_request()
    assert request == request_from(response)
    assert {"Arn", "CreationDate", "LastModificationDate", "ResponseMetadata"}.isdisjoint(request)


def test_unknown_members_are_listed_and_written_back() -> None:
    response = schedule_response("ecs", FutureTopLevel={"x": 1})
    response = with_member(response, "Target.FuturePutParameters", {"Detail": "d"})
    response = with_member(
        response, "Target.RetryPolicy", {"MaximumRetryAttempts": 3, "FutureJitter": True}
    )
    response = with_member(response, f"{ECS}.FutureCapacity", "x")
    response = with_member(
        response,
        f"{ECS}.NetworkConfiguration.awsvpcConfiguration.FutureIpv6",
        "ENABLED",
    )
    response = with_member(response, f"{ECS}.PlacementStrategy[0].futureWeight", 2)
    response = with_member(response, "FlexibleTimeWindow.FutureJitter", 1)
    schedule = Schedule.from_api(response)
    assert schedule.unknown_members() == [
        "FutureTopLevel",
        "Target.FuturePutParameters",
        "Target.RetryPolicy.FutureJitter",
        "Target.EcsParameters.FutureCapacity",
        "Target.EcsParameters.NetworkConfiguration.awsvpcConfiguration.FutureIpv6",
        "Target.EcsParameters.PlacementStrategy[0].futureWeight",
        "FlexibleTimeWindow.FutureJitter",
    ]
    assert schedule.target.unknown_members()[0] == "FuturePutParameters"
    assert schedule.to_update_request() == request_from(response)


def test_newer_target_blocks_are_known_members() -> None:
    response = with_member(
        schedule_response("eventbridge"),
        "Target.EventBridgePutEventsV2Parameters",
        {"DetailType": "d", "Source": "app"},
    )
    response = with_member(
        response, "Target.EventBridgePutRawEventsParameters", {"Metadata": {"k": "v"}}
    )
    schedule = Schedule.from_api(response, check_rules=True)
    assert schedule.unknown_members() == []
    assert schedule.target.event_bridge_put_raw_events_parameters is not None
    assert schedule.to_update_request() == request_from(response)


def test_unknown_members_found_in_a_raw_json_body() -> None:
    # The repository can parse the HTTP body itself to see members botocore would drop.
    body = json.dumps(
        {
            "Name": "s",
            "GroupName": "default",
            "ScheduleExpression": "rate(1 hour)",
            "State": "ENABLED",
            "StartDate": 1_900_000_000.5,
            "CreationDate": 1_700_000_000,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": TARGET_ARNS["sqs"],
                "RoleArn": "arn:aws:iam::123456789012:role/r",
                "NewBlock": {},
            },
        }
    )
    schedule = Schedule.from_api(json.loads(body))
    assert schedule.unknown_members() == ["Target.NewBlock"]
    assert schedule.start_date == datetime(2030, 3, 17, 17, 46, 40, 500_000, tzinfo=UTC)


def test_empty_input_is_never_sent() -> None:
    schedule = Schedule.from_api(with_member(schedule_response("sqs"), "Target.Input", ""))
    assert schedule.target.input is None
    assert "Input" not in schedule.to_update_request()["Target"]


def test_state_and_group_are_always_sent() -> None:
    response = schedule_response()
    del response["State"], response["GroupName"]
    request = Schedule.from_api(response).to_update_request()
    assert (request["State"], request["GroupName"]) == ("ENABLED", "default")


def test_client_token() -> None:
    schedule = Schedule.from_api(schedule_response())
    assert schedule.to_create_request(client_token="retry-1_a")["ClientToken"] == "retry-1_a"
    assert "ClientToken" not in schedule.to_update_request()
    with pytest.raises(ValueError, match="ClientToken"):
        schedule.to_update_request(client_token="has space")


def test_request_is_a_copy() -> None:
    response = schedule_response("ecs", FutureMember={"nested": [1]})
    schedule = Schedule.from_api(response)
    response["FutureMember"]["nested"].append(2)
    request = schedule.to_update_request()
    request["FutureMember"]["nested"].append(3)
    request["Target"]["EcsParameters"]["Tags"].append({"x": "y"})
    assert schedule.to_update_request() == request_from(
        schedule_response("ecs", FutureMember={"nested": [1]})
    )


def test_lenient_read_keeps_what_schedtui_would_refuse() -> None:
    response = schedule_response(
        "ecs",
        ScheduleExpression="cron(0 12 ? * 8 *)",
        State="PAUSED",
    )
    response = with_member(response, "Target.RetryPolicy", {"MaximumRetryAttempts": 999})
    response = with_member(response, f"{ECS}.LaunchType", "MANAGED_INSTANCES")
    response = with_member(response, "Target.DeadLetterConfig", {"Arn": DLQ_ARN + ".fifo"})

    schedule = Schedule.from_api(response)

    assert schedule.to_update_request() == request_from(response)
    violations = schedule.rule_violations()
    assert "State: must be one of ENABLED, DISABLED" in violations
    assert "Target.RetryPolicy.MaximumRetryAttempts: must be between 0 and 185" in violations
    assert "Target.EcsParameters.LaunchType: must be one of EC2, FARGATE, EXTERNAL" in violations
    assert any(line.startswith("ScheduleExpression: day-of-week") for line in violations)
    assert any(
        line.startswith("Target.DeadLetterConfig.Arn: must be a standard") for line in violations
    )
    with pytest.raises(ValidationError):
        Schedule.from_api(response, check_rules=True)


def test_type_errors_still_stop_a_lenient_read() -> None:
    response = with_member(schedule_response(), "Target.RetryPolicy", {"MaximumRetryAttempts": "x"})
    with pytest.raises(ValidationError) as caught:
        Schedule.from_api(response)
    assert error_messages(caught.value) == [
        "Target.RetryPolicy.MaximumRetryAttempts: must be a whole number"
    ]


def test_replace_validates_unless_told_not_to() -> None:
    response = with_member(schedule_response(), "Target.RetryPolicy", {"MaximumRetryAttempts": 999})
    schedule = Schedule.from_api(response)

    disabled = schedule.replace(state=ScheduleState.DISABLED, check_rules=False)
    assert disabled.state == "DISABLED"
    assert disabled.to_update_request() == {**request_from(response), "State": "DISABLED"}

    with pytest.raises(ValidationError) as caught:
        schedule.replace(state="DISABLED")
    assert error_messages(caught.value) == [
        "Target.RetryPolicy.MaximumRetryAttempts: must be between 0 and 185"
    ]


def test_replace_with_models_and_removal() -> None:
    schedule = Schedule.from_api(schedule_response(FutureTop=1))
    target = schedule.target.replace(
        dead_letter_config=DeadLetterConfig(Arn=DLQ_ARN),
        retry_policy=RetryPolicy(MaximumRetryAttempts=0),
    )
    edited = schedule.replace(target=target, description=None, schedule_expression_timezone=None)
    request = edited.to_update_request()
    assert request["Target"]["DeadLetterConfig"] == {"Arn": DLQ_ARN}
    assert request["Target"]["RetryPolicy"] == {"MaximumRetryAttempts": 0}
    assert "Description" not in request
    assert "ScheduleExpressionTimezone" not in request
    assert request["FutureTop"] == 1
    with pytest.raises(TypeError, match="no field 'colour'"):
        schedule.replace(colour="red")


def test_models_are_frozen() -> None:
    schedule = Schedule.from_api(schedule_response())
    with pytest.raises(ValidationError):
        schedule.state = "DISABLED"  # type: ignore[misc]


def test_effective_retry_policy_defaults() -> None:
    target = Target.from_api(
        {"Arn": TARGET_ARNS["sqs"], "RoleArn": "arn:aws:iam::123456789012:role/r"}
    )
    effective = target.effective_retry_policy
    assert (effective.maximum_retry_attempts, effective.maximum_event_age_in_seconds) == (
        185,
        86_400,
    )
    partial = target.replace(
        retry_policy=RetryPolicy(MaximumRetryAttempts=2)
    ).effective_retry_policy
    assert (partial.maximum_retry_attempts, partial.maximum_event_age_in_seconds) == (2, 86_400)
    assert RetryPolicy().effective_maximum_retry_attempts == 185
    assert RetryPolicy(MaximumEventAgeInSeconds=60).effective_maximum_event_age_in_seconds == 60


def test_schedule_conveniences() -> None:
    schedule = Schedule.from_api(schedule_response("ecs", ScheduleExpressionTimezone=None))
    assert schedule.key == ("default", "nightly")
    assert schedule.enabled
    assert schedule.timezone_name == "UTC"
    assert schedule.target_kind.label == "ECS"
    ecs = schedule.target.ecs_parameters
    assert ecs is not None
    assert ecs.launch_type == LaunchType.FARGATE
    assert ecs.runs_on_fargate is True


def test_standalone_models_report_paths_from_themselves() -> None:
    with pytest.raises(ValidationError) as caught:
        Target(Arn=TARGET_ARNS["lambda"], RoleArn="role", Input="{")
    assert error_messages(caught.value) == [
        "RoleArn: must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)"
    ]


# --- field_diff --------------------------------------------------------------------------


def test_diff_of_identical_schedules_is_empty() -> None:
    schedule = Schedule.from_api(schedule_response("ecs"))
    assert field_diff(schedule, Schedule.from_api(schedule_response("ecs"))) == {}


def test_diff_names_changed_leaves() -> None:
    before = Schedule.from_api(schedule_response("ecs"))
    after = Schedule.from_api(
        with_member(
            schedule_response("ecs", State="DISABLED", Description=None, FutureMember=3),
            f"{ECS}.NetworkConfiguration.awsvpcConfiguration.Subnets",
            ["subnet-0a"],
        )
    )
    assert field_diff(before, after) == {
        "State": ("ENABLED", "DISABLED"),
        "Description": ("Nightly report", None),
        f"{ECS}.NetworkConfiguration.awsvpcConfiguration.Subnets": (
            ["subnet-0a", "subnet-0b"],
            ["subnet-0a"],
        ),
        "FutureMember": (None, 3),
    }


def test_diff_of_added_and_removed_blocks() -> None:
    before = Schedule.from_api(schedule_response())
    after = before.replace(
        target=before.target.replace(
            dead_letter_config=DeadLetterConfig(Arn=DLQ_ARN),
            retry_policy=RetryPolicy(MaximumRetryAttempts=1, MaximumEventAgeInSeconds=120),
        )
    )
    assert field_diff(before, after) == {
        "Target.DeadLetterConfig.Arn": (None, DLQ_ARN),
        "Target.RetryPolicy.MaximumEventAgeInSeconds": (None, 120),
        "Target.RetryPolicy.MaximumRetryAttempts": (None, 1),
    }
    assert field_diff(after, before) == {
        "Target.DeadLetterConfig.Arn": (DLQ_ARN, None),
        "Target.RetryPolicy.MaximumEventAgeInSeconds": (120, None),
        "Target.RetryPolicy.MaximumRetryAttempts": (1, None),
    }


def test_diff_lists_of_structures_are_leaves_in_api_shape() -> None:
    before = Schedule.from_api(schedule_response("ecs"))
    after = Schedule.from_api(
        with_member(schedule_response("ecs"), f"{ECS}.PlacementStrategy", [{"type": "random"}])
    )
    assert field_diff(before, after) == {
        f"{ECS}.PlacementStrategy": (
            [{"type": "spread", "field": "attribute:ecs.availability-zone"}],
            [{"type": "random"}],
        )
    }


def test_diff_read_only_members_and_instants() -> None:
    before = Schedule.from_api(schedule_response(StartDate=datetime(2030, 1, 1, 12, tzinfo=UTC)))
    same_instant = datetime(2030, 1, 1, 13, tzinfo=timezone(timedelta(hours=1)))
    after = Schedule.from_api(
        schedule_response(
            StartDate=same_instant, LastModificationDate=MODIFIED + timedelta(hours=1)
        )
    )
    assert field_diff(before, after) == {}
    assert field_diff(before, after, include_read_only=True) == {
        "LastModificationDate": (MODIFIED, MODIFIED + timedelta(hours=1))
    }


# --- groups and summaries ----------------------------------------------------------------


GROUP_ARN = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/team-a"


def test_group_from_api_with_tags() -> None:
    response: dict[str, Any] = {
        "ResponseMetadata": {},
        "Arn": GROUP_ARN,
        "Name": "team-a",
        "State": "ACTIVE",
        "CreationDate": MODIFIED,
        "LastModificationDate": MODIFIED,
    }
    tags = [{"Key": "owner", "Value": "data"}, {"Key": "env", "Value": "prod"}]
    group = ScheduleGroup.from_api({**response, "Tags": tags}, check_rules=True)
    assert group.tags == {"owner": "data", "env": "prod"}
    assert group.active
    assert not group.is_default
    assert group.to_api()["Tags"] == tags
    assert group.to_create_request(client_token="t1") == {
        "Name": "team-a",
        "Tags": tags,
        "ClientToken": "t1",
    }
    untagged = ScheduleGroup.from_api(response)
    assert untagged.tags is None
    assert untagged.to_create_request() == {"Name": "team-a"}
    assert ScheduleGroup(Name="default").is_default
    assert tags_to_api({"a": "1"}) == [{"Key": "a", "Value": "1"}]
    assert ScheduleGroup(Name="g", tags={"k": "v"}).tags == {"k": "v"}


def test_summary_from_list_schedules() -> None:
    item = {
        "Arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/team-a/s1",
        "Name": "s1",
        "GroupName": "team-a",
        "State": "DISABLED",
        "CreationDate": MODIFIED,
        "LastModificationDate": MODIFIED,
        "Target": {"Arn": TARGET_ARNS["step_functions"]},
    }
    summary = ScheduleSummary.from_api(item, check_rules=True)
    assert summary.key == ("team-a", "s1")
    assert summary.target_arn == TARGET_ARNS["step_functions"]
    assert summary.target_kind.label == "Step Functions"
    assert summary.to_api() == item
    # moto leaves State empty after an update that omitted it.
    bare = ScheduleSummary.from_api({**item, "State": None, "Target": None})
    assert (bare.state, bare.target_arn, bare.target_kind.label) == (None, None, "Unknown")


def test_core_models_import_without_ui_sdk_or_engine() -> None:
    code = (
        "import sys, schedtui.core.schedules.schedule, schedtui.core.schedules.group\n"
        "bad = [m for m in ('textual', 'rich', 'boto3', 'botocore', 'croniter',"
        " 'schedtui.core.expressions.engine') if m in sys.modules]\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
