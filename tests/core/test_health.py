"""Findings the detail view must never let an operator miss."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from schedtui.core.health.findings import Severity, findings
from schedtui.core.schedules.schedule import Schedule

NOW = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
ROLE = "arn:aws:iam::123456789012:role/r"
DLQ = {"Arn": "arn:aws:sqs:us-east-1:123456789012:dlq"}
RETRY = {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600}


def make(**members: Any) -> Schedule:
    target = {"Arn": "arn:aws:lambda:us-east-1:1:function:f", "RoleArn": ROLE,
              "DeadLetterConfig": DLQ, "RetryPolicy": RETRY}  # fmt: skip
    target.update(members.pop("target", {}))
    return Schedule.from_api(
        {
            "Name": "s",
            "ScheduleExpression": "cron(0 2 * * ? *)",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": target,
            **members,
        }
    )


def messages(schedule: Schedule) -> list[str]:
    return [finding.message for finding in findings(schedule, NOW)]


def test_a_careful_schedule_has_no_findings() -> None:
    assert messages(make()) == []


def test_end_date_passed_while_enabled_is_a_warning() -> None:
    # Expired is done, like a completed at(): waste to clean up, not an error that fails a
    # pipeline gating on errors.
    found = findings(make(EndDate=NOW - timedelta(days=2)), NOW)
    assert found[0].severity is Severity.WARNING
    assert "has passed: it still says ENABLED but never fires" in found[0].message


def test_past_at_and_its_re_enable_risk() -> None:
    assert any("is past" in m for m in messages(make(ScheduleExpression="at(2026-01-01T00:00:00)")))
    disabled = make(ScheduleExpression="at(2026-01-01T00:00:00)", State="DISABLED")
    assert any("re-enabling it may fire it at once" in m for m in messages(disabled))


def test_future_start_date_no_dlq_default_retry_and_escaped_placeholder() -> None:
    found = messages(
        make(
            StartDate=NOW + timedelta(days=3),
            target={
                "DeadLetterConfig": None,
                "RetryPolicy": None,
                "Input": '{"t": "\\u003caws.scheduler.scheduled-time>"}',
            },
        )
    )
    assert any("is in the future" in m for m in found)
    assert any("No dead-letter queue" in m for m in found)
    assert any("185 attempts over 24 hours" in m for m in found)
    assert any("escaped placeholder" in m for m in found)


def test_fifo_dlq_and_impossible_day() -> None:
    queue = "arn:aws:sqs:us-east-1:123456789012:d.fifo"
    found = messages(
        make(ScheduleExpression="cron(0 0 30 2 ? *)", target={"DeadLetterConfig": {"Arn": queue}})
    )
    assert "The expression names a day that never comes" in found
    # The queue named, as the doctor's dlq-missing names it: which queue is FIFO.
    assert f"The dead-letter queue {queue} is FIFO: AWS needs standard" in found


def test_errors_come_first() -> None:
    found = findings(make(EndDate=NOW - timedelta(days=1), target={"DeadLetterConfig": None}), NOW)
    assert [f.severity for f in found] == sorted(
        (f.severity for f in found), key=[Severity.ERROR, Severity.WARNING, Severity.INFO].index
    )
