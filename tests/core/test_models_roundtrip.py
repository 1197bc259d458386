"""Property: whatever GetSchedule returns, ``from_api(x).to_update_request()`` sends back exactly
x minus the read-only members, including members the models do not know, at every level."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.tz import tzutc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedtui.core.schedules.diff import field_diff
from schedtui.core.schedules.schedule import Schedule
from tests.core.model_samples import ACCOUNT, REGION, TARGET_ARNS, request_from

UNKNOWN_PREFIX = "Future"

EXPRESSIONS = (
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(7 days)",
    "cron(0 2 * * ? *)",
    "cron(0/15 8-18 ? * MON-FRI *)",
    "cron(30 9 L * ? 2030)",
    "cron(0 12 ? * 6L *)",
    "at(2031-02-03T04:05:06)",
)
ZONES = ("UTC", "Europe/Madrid", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe")

names = st.from_regex(r"[0-9a-zA-Z_.-]{1,64}", fullmatch=True)
short_text = st.text(min_size=1, max_size=12)
lower_keys = st.from_regex(r"[a-z][a-z0-9-]{0,7}", fullmatch=True)
aware = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2035, 1, 1),
    timezones=st.sampled_from([UTC, tzutc(), ZoneInfo("Europe/Madrid")]),
)
# What boto3 can hand back inside a member it parsed but our models do not know (never None:
# boto3 leaves absent members out).
json_like = st.recursive(
    st.booleans() | st.integers(-5, 5) | st.text(max_size=6) | aware,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(lower_keys, inner, max_size=3),
    max_leaves=6,
)
unknown_members = st.dictionaries(
    st.from_regex(rf"{UNKNOWN_PREFIX}[A-Z][a-zA-Z]{{0,6}}", fullmatch=True), json_like, max_size=2
)
json_text = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
).map(json.dumps)


def add_some(draw: st.DrawFn, data: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Add a random subset of ``options`` (member -> strategy), then some unknown members."""
    for member, strategy in options.items():
        if draw(st.booleans()):
            data[member] = draw(strategy)
    data.update(draw(unknown_members))
    return data


@st.composite
def capacity_items(draw: st.DrawFn, providers: st.SearchStrategy[str]) -> dict[str, Any]:
    return add_some(
        draw,
        {"capacityProvider": draw(providers)},
        {"weight": st.integers(0, 1000), "base": st.integers(0, 100_000)},
    )


@st.composite
def ecs_parameters(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"TaskDefinitionArn": draw(short_text)}
    fargate = False
    if draw(st.booleans()):
        data["LaunchType"] = draw(st.sampled_from(["EC2", "FARGATE", "EXTERNAL"]))
        fargate = data["LaunchType"] == "FARGATE"
    elif draw(st.booleans()):
        fargate = draw(st.booleans())
        providers = st.sampled_from(["FARGATE", "FARGATE_SPOT"] if fargate else ["asg-1"])
        data["CapacityProviderStrategy"] = draw(
            st.lists(capacity_items(providers), min_size=1, max_size=6)
        )
    vpc_options: dict[str, Any] = {
        "SecurityGroups": st.lists(short_text, min_size=1, max_size=5),
        "AssignPublicIp": st.sampled_from(["ENABLED", "DISABLED"] if fargate else ["DISABLED"]),
    }
    if draw(st.booleans()):
        network: dict[str, Any] = {}
        if draw(st.booleans()):
            vpc = {"Subnets": draw(st.lists(short_text, min_size=1, max_size=16))}
            network["awsvpcConfiguration"] = add_some(draw, vpc, vpc_options)
        data["NetworkConfiguration"] = add_some(draw, network, {})
    constraint = st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["distinctInstance", "memberOf"]),
            "expression": st.text(max_size=20),
        },
    )
    strategy = st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["random", "spread", "binpack"]),
            "field": st.text(max_size=20),
        },
    )
    return add_some(
        draw,
        data,
        {
            "TaskCount": st.integers(1, 10),
            "PlatformVersion": short_text,
            "Group": short_text,
            "EnableECSManagedTags": st.booleans(),
            "EnableExecuteCommand": st.booleans(),
            "PlacementConstraints": st.lists(constraint, max_size=10),
            "PlacementStrategy": st.lists(strategy, max_size=5),
            "PropagateTags": st.just("TASK_DEFINITION"),
            "ReferenceId": st.text(max_size=20),
            "Tags": st.lists(
                st.dictionaries(lower_keys, short_text, min_size=1, max_size=1), max_size=5
            ),
        },
    )


sources = st.from_regex(r"[a-zA-Z0-9/_-][a-zA-Z0-9./_-]{0,20}", fullmatch=True).filter(
    lambda source: not source.startswith("aws.")
)
event_parameters = st.fixed_dictionaries({"DetailType": short_text, "Source": sources})
raw_event_parameters = st.fixed_dictionaries(
    {}, optional={"Metadata": st.dictionaries(lower_keys, short_text, max_size=4)}
)
sagemaker_parameters = st.fixed_dictionaries(
    {},
    optional={
        "PipelineParameterList": st.lists(
            st.fixed_dictionaries(
                {"Name": st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True), "Value": short_text}
            ),
            max_size=5,
        )
    },
)


@st.composite
def targets(draw: st.DrawFn, kind: str | None = None) -> dict[str, Any]:
    if kind is None:
        kind = draw(st.sampled_from(sorted(TARGET_ARNS)))
    role = draw(
        st.from_regex(
            rf"arn:aws(-cn)?:iam::{ACCOUNT}:role/[a-zA-Z0-9+=,.@_/-]{{1,20}}", fullmatch=True
        )
    )
    data: dict[str, Any] = {"Arn": TARGET_ARNS[kind], "RoleArn": role}
    json_kinds = ("lambda", "step_functions", "eventbridge", "universal")
    dlq = st.fixed_dictionaries(
        {
            "Arn": st.from_regex(
                rf"arn:aws:sqs:{REGION}:{ACCOUNT}:[a-zA-Z0-9_-]{{1,20}}", fullmatch=True
            )
        }
    ).flatmap(lambda d: unknown_members.map(lambda extra: {**d, **extra}))
    retry = st.fixed_dictionaries(
        {},
        optional={
            "MaximumRetryAttempts": st.integers(0, 185),
            "MaximumEventAgeInSeconds": st.integers(60, 86_400),
        },
    ).flatmap(lambda d: unknown_members.map(lambda extra: {**d, **extra}))
    options: dict[str, Any] = {
        "Input": json_text if kind in json_kinds else st.text(min_size=1, max_size=30),
        "DeadLetterConfig": dlq,
        "RetryPolicy": retry,
    }
    if kind == "ecs":
        data["EcsParameters"] = draw(ecs_parameters())
    elif kind == "sqs":
        options["SqsParameters"] = st.fixed_dictionaries(
            {}, optional={"MessageGroupId": short_text}
        )
    elif kind == "sqs_fifo":
        data["SqsParameters"] = {"MessageGroupId": draw(short_text)}
    elif kind == "kinesis":
        options["KinesisParameters"] = st.fixed_dictionaries({"PartitionKey": short_text})
    elif kind == "sagemaker":
        options["SageMakerPipelineParameters"] = sagemaker_parameters
    if kind == "eventbridge":
        options["EventBridgeParameters"] = event_parameters
    if kind in ("eventbridge", "universal", "unknown"):
        options["EventBridgePutEventsV2Parameters"] = event_parameters
        options["EventBridgePutRawEventsParameters"] = raw_event_parameters
    return add_some(draw, data, options)


@st.composite
def get_schedule_responses(draw: st.DrawFn, kind: str | None = None) -> dict[str, Any]:
    group, name = draw(names), draw(names)
    window = draw(
        st.one_of(
            st.just({"Mode": "OFF"}),
            st.integers(1, 1440).map(lambda m: {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": m}),
        )
    )
    data: dict[str, Any] = {
        "Name": name,
        "GroupName": group,
        "ScheduleExpression": draw(st.sampled_from(EXPRESSIONS)),
        "State": draw(st.sampled_from(["ENABLED", "DISABLED"])),
        "FlexibleTimeWindow": {**window, **draw(unknown_members)},
        "Target": draw(targets(kind)),
    }
    if draw(st.booleans()):
        start = draw(aware)
        data["StartDate"] = start
        if draw(st.booleans()):
            data["EndDate"] = start + draw(st.timedeltas(timedelta(seconds=1), timedelta(days=900)))
    elif draw(st.booleans()):
        data["EndDate"] = draw(aware)
    return add_some(
        draw,
        data,
        {
            "ResponseMetadata": st.just({"HTTPStatusCode": 200, "RetryAttempts": 0}),
            "Arn": st.just(f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{group}/{name}"),
            "CreationDate": aware,
            "LastModificationDate": aware,
            "ScheduleExpressionTimezone": st.sampled_from(ZONES),
            "Description": st.text(max_size=40),
            "KmsKeyArn": st.sampled_from(
                [
                    f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                    f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/scheduler",
                ]
            ),
            "ActionAfterCompletion": st.sampled_from(["NONE", "DELETE"]),
        },
    )


def unknown_paths(data: Any, prefix: str = "") -> set[str]:
    """Where the generator put unknown members (it names them all Future...)."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key.startswith(UNKNOWN_PREFIX):
                found.add(f"{prefix}{key}")
            elif key != "ResponseMetadata":
                found |= unknown_paths(value, f"{prefix}{key}.")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found |= unknown_paths(item, f"{prefix.removesuffix('.')}[{index}].")
    return found


def check_round_trip(response: dict[str, Any]) -> None:
    expected = request_from(response)
    strict = Schedule.from_api(response, check_rules=True)
    lenient = Schedule.from_api(response)

    assert strict.to_update_request() == expected
    assert lenient.to_update_request() == expected
    assert strict.to_create_request() == expected
    assert strict.rule_violations() == []
    assert set(strict.unknown_members()) == unknown_paths(response)
    again = Schedule.from_api(strict.to_api(), check_rules=True)
    assert again == strict
    assert field_diff(strict, again, include_read_only=True) == {}


@pytest.mark.parametrize("kind", sorted(TARGET_ARNS))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_get_then_update_round_trips_every_member(kind: str, data: st.DataObject) -> None:
    check_round_trip(data.draw(get_schedule_responses(kind)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(get_schedule_responses(kind="ecs"))
def test_ecs_targets_round_trip_in_full(response: dict[str, Any]) -> None:
    check_round_trip(response)
