"""The runs rules that need no AWS: log lines, percentiles, periods, input matching, tasks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from schedtui.core.activity.lambda_logs import (
    configured_log_group,
    lambda_function,
    read_log_events,
)
from schedtui.core.activity.target_runs import (
    input_match,
    percentile,
    period_after,
    task_failed,
    task_family,
)
from schedtui.core.schedules.schedule import Schedule

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROLE = "arn:aws:iam::123456789012:role/r"
ARN = "arn:aws:scheduler:us-east-1:123456789012:schedule/g/s"


def schedule(expression: str, target_input: str | None = None, zone: str | None = None) -> Schedule:
    target = {"Arn": "arn:aws:states:us-east-1:123456789012:stateMachine:m", "RoleArn": ROLE}
    if target_input is not None:
        target["Input"] = target_input
    return Schedule.model_validate(
        {"Name": "s", "GroupName": "g", "Arn": ARN, "ScheduleExpression": expression,
         "ScheduleExpressionTimezone": zone, "FlexibleTimeWindow": {"Mode": "OFF"},
         "Target": target}
    )  # fmt: skip


def event(message: object, at: object = 1_772_442_000_000, stream: str = "s") -> dict[str, object]:
    return {"timestamp": at, "message": message, "logStreamName": stream}


def test_json_format_lines_are_read_like_text_ones() -> None:
    report = {"type": "platform.report", "record": {"requestId": "r1", "status": "timeout",
              "metrics": {"durationMs": 3000.0}}}  # fmt: skip
    error = {"level": "ERROR", "requestId": "r2", "message": "boom"}
    done = {"type": "platform.report", "record": {"requestId": "r2", "metrics": {"durationMs": 5}}}
    durations, failures = read_log_events(
        [event(json.dumps(report)), event(json.dumps(error), 1_772_442_000_500),
         event(json.dumps(done), 1_772_442_001_000)]
    )  # fmt: skip
    assert [(point.seconds, point.failed) for point in durations] == [(3.0, True), (0.005, True)]
    assert [json.loads(line.text)["message"] for line in failures] == ["boom"]


@pytest.mark.parametrize(
    "odd",
    [
        event(None),
        event("REPORT RequestId: x Duration: 12 ms", at="yesterday"),
        event("REPORT RequestId: x Duration: 12 ms", at=10**20),
        event('{"type": "platform.report", "record": {"metrics": {"durationMs": "slow"}}}'),
        event("[" * 100_000),
        {"message": "ERROR"},
    ],
)
def test_odd_log_events_are_skipped_never_raised(odd: dict[str, object]) -> None:
    assert read_log_events([odd, "not an event"]) == ([], [])  # type: ignore[list-item]


def test_a_huge_error_line_is_clipped() -> None:
    _, failures = read_log_events([event("ERROR " + "x" * 100_000)])
    assert len(failures[0].text) == 2000


def test_functions_and_their_log_groups() -> None:
    plain = lambda_function("arn:aws:lambda:eu-west-1:123456789012:function:f")
    assert plain is not None
    assert plain.qualifier is None
    assert plain.resource == "f"
    alias = lambda_function("arn:aws:lambda:eu-west-1:123456789012:function:f:live")
    assert alias is not None
    assert alias.resource == "f:live"
    assert lambda_function("arn:aws:sqs:eu-west-1:123456789012:q") is None
    assert configured_log_group({"LoggingConfig": {"LogGroup": "/shared"}}, plain) == "/shared"
    assert configured_log_group({"LoggingConfig": "odd"}, plain) == "/aws/lambda/f"


def test_percentiles_interpolate_and_ignore_what_is_not_a_number() -> None:
    assert percentile([], 50) is None
    assert percentile([4.0, 1.0, 3.0, 2.0], 50) == 2.5
    assert percentile([1.0, float("nan"), 2.0], 100) == 2.0


def test_the_period_a_run_is_measured_against() -> None:
    assert period_after(schedule("rate(15 minutes)"), AT) == 900
    assert period_after(schedule("at(2026-03-02T10:00:00)"), AT) is None
    # Weekdays at 09:00 in Madrid: from Friday's run the next is Monday's, three days on.
    friday = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    weekdays = schedule("cron(0 9 ? * MON-FRI *)", zone="Europe/Madrid")
    assert period_after(weekdays, friday) == timedelta(days=3).total_seconds()


def test_executions_are_matched_by_the_schedules_input() -> None:
    match = input_match(
        schedule("rate(1 hour)", '{"s": "<aws.scheduler.schedule-arn>", '
                 '"t": "<aws.scheduler.scheduled-time>", "n": 1}')
    )  # fmt: skip
    assert match.matches(f'{{"s": "{ARN}", "t": "2026-03-02T09:00:00Z", "n": 1}}')
    assert not match.matches(f'{{"s": "{ARN}x", "t": "2026-03-02T09:00:00Z", "n": 1}}')
    assert not match.matches('{"s": "other", "t": "x", "n": 1}')
    assert not match.matches(None)
    exact = input_match(schedule("rate(1 hour)", '{"job": "export"}'))
    assert exact.matches(' {"job": "export"}\n')
    assert not exact.matches('{"job": "import"}')
    assert "same input" in exact.note
    assert input_match(schedule("rate(1 hour)")).pieces is None


def test_what_makes_a_task_failed() -> None:
    assert task_family("arn:aws:ecs:us-east-1:123456789012:task-definition/export:7") == "export"
    assert task_family("export") == "export"
    assert task_failed({"stopCode": "TaskFailedToStart", "containers": []})
    assert task_failed({"lastStatus": "STOPPED", "containers": [{"exitCode": 0}, {"exitCode": 2}]})
    pull = {"lastStatus": "STOPPED", "containers": [{"reason": "CannotPullContainerError"}]}
    assert task_failed(pull)
    assert not task_failed({"lastStatus": "STOPPED", "containers": [{"exitCode": 0}]})
    assert not task_failed({"lastStatus": "RUNNING", "containers": "odd"})
