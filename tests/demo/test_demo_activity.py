"""The demo's runs and history (#17): Lambda logs and metrics, Step Functions executions, ECS
tasks and CloudTrail's LookupEvents, read back over HTTP with boto3 as the app reads them.

One ``EmbeddedDemo(simulate=True, live=False)`` with a fixed clock serves the module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.session
import pytest

from schedtui.aws.session import AwsSettings
from schedtui.demo.embedded import EmbeddedDemo
from schedtui.demo.seed import FAKE_CREDENTIALS
from schedtui.demo.story import (
    NEW_INPUT,
    OLD_INPUT,
    STORY_FUNCTION,
    STORY_GROUP,
    STORY_SCHEDULE,
    story_updated_at,
)
from schedtui.demo.trail import lookup_events

NOW = datetime(2025, 6, 11, 12, 0, 30, tzinfo=UTC)
UPDATED = story_updated_at(NOW)


@pytest.fixture(scope="module")
def embedded() -> Iterator[EmbeddedDemo]:
    backend = EmbeddedDemo(now=NOW, simulate=True, live=False)
    try:
        backend.start()
        yield backend
    finally:
        backend.stop()


@pytest.fixture
def demo(embedded: EmbeddedDemo) -> AwsSettings:
    assert embedded.settings is not None
    return embedded.settings


def client(settings: AwsSettings, service: str) -> Any:
    return boto3.session.Session(
        aws_access_key_id=FAKE_CREDENTIALS["aws_access_key_id"],
        aws_secret_access_key=FAKE_CREDENTIALS["aws_secret_access_key"],
        region_name=settings.region,
    ).client(service, endpoint_url=settings.endpoint_url)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


# Lambda


def test_story_function_exists(demo: AwsSettings) -> None:
    config = client(demo, "lambda").get_function_configuration(FunctionName=STORY_FUNCTION)
    assert config["FunctionName"] == STORY_FUNCTION
    assert config["Runtime"].startswith("python")


def test_story_errors_start_at_the_update(demo: AwsSettings) -> None:
    events = client(demo, "logs").filter_log_events(
        logGroupName=f"/aws/lambda/{STORY_FUNCTION}", startTime=ms(NOW - timedelta(days=7))
    )["events"]
    errors = [event for event in events if "[ERROR]" in event["message"]]
    reports = [event for event in events if event["message"].startswith("REPORT RequestId: ")]
    assert errors, "the story's function logs its KeyError after the update"
    assert all(event["timestamp"] >= ms(UPDATED) for event in errors)
    assert all("KeyError: 'entity'" in event["message"] for event in errors)
    # Invocations ran before the update too, and each says how long it took.
    assert any(event["timestamp"] < ms(UPDATED) for event in reports)
    assert all("\tDuration: " in event["message"] for event in reports)
    assert all("\tBilled Duration: " in event["message"] for event in reports)


def lambda_values(
    demo: AwsSettings,
    function: str,
    metric: str,
    stat: str,
    period: int,
    start: datetime,
    end: datetime = NOW,
) -> list[float]:
    answer = client(demo, "cloudwatch").get_metric_data(
        MetricDataQueries=[
            {
                "Id": "m",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Lambda",
                        "MetricName": metric,
                        "Dimensions": [{"Name": "FunctionName", "Value": function}],
                    },
                    "Period": period,
                    "Stat": stat,
                },
            }
        ],
        StartTime=start,
        EndTime=end,
    )
    return list(answer["MetricDataResults"][0]["Values"])


def lambda_metric(demo: AwsSettings, function: str, metric: str, stat: str, hours: int) -> float:
    """The statistic over the last ``hours`` (one period)."""
    return sum(
        lambda_values(demo, function, metric, stat, hours * 3600, NOW - timedelta(hours=hours))
    )


def test_story_metrics_show_errors_only_since_the_update(demo: AwsSettings) -> None:
    since = int((NOW - UPDATED).total_seconds() // 3600) + 1  # whole hours covering it
    assert lambda_metric(demo, STORY_FUNCTION, "Errors", "Sum", since) > 0
    before = lambda_values(
        demo, STORY_FUNCTION, "Errors", "Sum", 3600, NOW - timedelta(days=6),
        UPDATED - timedelta(minutes=1),
    )  # fmt: skip
    assert before, "Lambda publishes Errors (zeros too) beside Invocations"
    assert sum(before) == 0
    assert lambda_metric(demo, STORY_FUNCTION, "Invocations", "Sum", 24) > 0


def test_duration_percentiles(demo: AwsSettings) -> None:
    p50 = lambda_metric(demo, STORY_FUNCTION, "Duration", "p50", 24)
    p99 = lambda_metric(demo, STORY_FUNCTION, "Duration", "p99", 24)
    peak = lambda_metric(demo, STORY_FUNCTION, "Duration", "Maximum", 24)
    assert 0 < p50 <= p99 <= peak


def test_orders_burst_throttles_lambda(demo: AwsSettings) -> None:
    assert lambda_metric(demo, "order-sla-monitor", "Throttles", "Sum", 2) > 0


def test_timeouts_are_logged(demo: AwsSettings) -> None:
    events = client(demo, "logs").filter_log_events(
        logGroupName="/aws/lambda/data-quality-runner", startTime=ms(NOW - timedelta(days=7))
    )["events"]
    assert any("Task timed out after 300.00 seconds" in event["message"] for event in events)


# Step Functions


def executions(demo: AwsSettings) -> list[dict[str, Any]]:
    sfn = client(demo, "stepfunctions")
    found = []
    for machine in sfn.list_state_machines()["stateMachines"]:
        pages = sfn.get_paginator("list_executions").paginate(
            stateMachineArn=machine["stateMachineArn"]
        )
        found += [execution for page in pages for execution in page["executions"]]
    return found


def test_failed_executions_have_a_cause(demo: AwsSettings) -> None:
    sfn = client(demo, "stepfunctions")
    failed = [execution for execution in executions(demo) if execution["status"] == "FAILED"]
    assert failed
    described = sfn.describe_execution(executionArn=failed[0]["executionArn"])
    assert described["error"]
    assert described["cause"]
    assert described["stopDate"] > described["startDate"]
    json.loads(described["input"])


def test_one_execution_runs_longer_than_its_period(demo: AwsSettings) -> None:
    running = [execution for execution in executions(demo) if execution["status"] == "RUNNING"]
    # Every schedule with a state-machine target fires at least hourly or less often.
    assert any(NOW - execution["startDate"] > timedelta(hours=3) for execution in running)


# ECS


def test_ecs_tasks_stopped_with_exit_codes(demo: AwsSettings) -> None:
    ecs = client(demo, "ecs")
    arns = ecs.list_tasks(
        cluster="data-platform", family="parquet-compactor", desiredStatus="STOPPED"
    )["taskArns"]
    assert arns
    tasks = ecs.describe_tasks(cluster="data-platform", tasks=arns)["tasks"]
    codes = {container["exitCode"] for task in tasks for container in task["containers"]}
    assert 0 in codes
    assert codes - {0}
    for task in tasks:
        assert task["lastStatus"] == "STOPPED"
        assert task["stoppedReason"] == "Essential container in task exited"
        assert task["group"] == "family:parquet-compactor"
        assert NOW - timedelta(hours=1, minutes=5) <= task["stoppedAt"] <= NOW
        assert task["startedAt"] < task["stoppedAt"]


# CloudTrail


def lookup(demo: AwsSettings, **request: Any) -> dict[str, Any]:
    return client(demo, "cloudtrail").lookup_events(**request)


def test_story_history(demo: AwsSettings) -> None:
    events = lookup(
        demo,
        LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": STORY_SCHEDULE}],
    )["Events"]
    records = [json.loads(event["CloudTrailEvent"]) for event in events]
    by_name = {record["eventName"]: record for record in records if "errorCode" not in record}
    create, update = by_name["CreateSchedule"], by_name["UpdateSchedule"]
    assert create["requestParameters"]["Target"]["Input"] == OLD_INPUT
    assert update["requestParameters"]["Target"]["Input"] == NEW_INPUT
    assert update["requestParameters"]["Name"] == STORY_SCHEDULE
    assert update["requestParameters"]["GroupName"] == STORY_GROUP
    assert update["userIdentity"]["arn"].endswith("/alice@example.com")
    assert update["eventTime"] == UPDATED.strftime("%Y-%m-%dT%H:%M:%SZ")
    refused = [record for record in records if "errorCode" in record]
    assert refused
    assert refused[0]["errorCode"] == "AccessDeniedException"
    # The schedule the demo holds is the updated one.
    current = client(demo, "scheduler").get_schedule(Name=STORY_SCHEDULE, GroupName=STORY_GROUP)
    assert current["Target"]["Input"] == NEW_INPUT
    assert current["LastModificationDate"] == UPDATED


def test_lookup_pages_newest_first(demo: AwsSettings) -> None:
    seen: list[dict[str, Any]] = []
    request: dict[str, Any] = {"MaxResults": 7}
    while True:
        page = lookup(demo, **request)
        assert len(page["Events"]) <= 7
        seen += page["Events"]
        if "NextToken" not in page:
            break
        request["NextToken"] = page["NextToken"]
    times = [event["EventTime"] for event in seen]
    assert len(seen) > 7
    assert times == sorted(times, reverse=True)
    assert len({event["EventId"] for event in seen}) == len(seen)
    assert all(NOW - event["EventTime"] <= timedelta(days=90) for event in seen)


def test_lookup_filters_by_attribute_and_time(demo: AwsSettings) -> None:
    deletes = lookup(
        demo, LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "DeleteSchedule"}]
    )["Events"]
    assert deletes
    assert {event["EventName"] for event in deletes} == {"DeleteSchedule"}
    assert "\x1b" in json.loads(deletes[0]["CloudTrailEvent"])["userAgent"]  # hostile on purpose
    recent = lookup(demo, StartTime=NOW - timedelta(hours=3), EndTime=NOW)["Events"]
    assert recent
    assert all(event["EventTime"] >= NOW - timedelta(hours=3) for event in recent)
    other = lookup(
        demo,
        LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "s3.amazonaws.com"}],
    )["Events"]
    assert other == []


def test_lookup_refuses_two_attributes(demo: AwsSettings) -> None:
    trail = client(demo, "cloudtrail")
    with pytest.raises(trail.exceptions.InvalidLookupAttributesException):
        trail.lookup_events(
            LookupAttributes=[
                {"AttributeKey": "ResourceName", "AttributeValue": STORY_SCHEDULE},
                {"AttributeKey": "EventName", "AttributeValue": "UpdateSchedule"},
            ]
        )


def _check_shape(value: Any, shape: Any, path: str) -> None:
    """``value`` holds only members ``shape`` declares, of the declared types."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(value, dict), path
        unknown = set(value) - set(shape.members)
        assert not unknown, f"{path}: {unknown} not in {shape.name}"
        for name, item in value.items():
            _check_shape(item, shape.members[name], f"{path}.{name}")
    elif kind == "list":
        assert isinstance(value, list), path
        for index, item in enumerate(value):
            _check_shape(item, shape.member, f"{path}[{index}]")
    elif kind == "string":
        assert isinstance(value, str), path
    elif kind == "timestamp":
        assert isinstance(value, int | float), path  # epoch seconds on the JSON protocol


def test_answer_matches_cloudtrails_model(embedded: EmbeddedDemo) -> None:
    """botocore validates nothing it receives: check the raw answer against the model."""
    assert embedded.trail is not None
    trail = embedded.trail.trail
    model = botocore.session.get_session().get_service_model("cloudtrail")
    output = model.operation_model("LookupEvents").output_shape
    answer = lookup_events(trail, {"MaxResults": 50}, NOW)
    _check_shape(answer, output, "LookupEvents")
    assert answer["Events"]
    assert "NextToken" in answer
    record = json.loads(answer["Events"][0]["CloudTrailEvent"])
    for key in ("eventVersion", "userIdentity", "eventTime", "eventSource", "eventName",
                "awsRegion", "sourceIPAddress", "userAgent", "requestID", "eventID",
                "readOnly", "eventType", "managementEvent", "recipientAccountId"):  # fmt: skip
        assert key in record
