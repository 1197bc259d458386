"""The surprises a confirmation must name before a change is sent."""

from __future__ import annotations

from datetime import UTC, datetime

from schedtui.core.changes.warnings import WarningKind, change_warnings, needs_consent
from schedtui.core.health.facts import reanchors_rate
from schedtui.core.schedules.schedule import Schedule
from tests.core.model_samples import schedule_response

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def schedule(**members: object) -> Schedule:
    return Schedule.from_api(schedule_response("lambda", **members))


def test_enabling_a_past_at_says_it_may_fire_at_once() -> None:
    before = schedule(ScheduleExpression="at(2026-11-01T09:00:00)", State="DISABLED")
    after = before.replace(state="ENABLED", check_rules=False)
    warnings = change_warnings(before, after, NOW)
    assert [w.kind for w in warnings] == [WarningKind.AT_PASSED]
    assert "fire it at once" in warnings[0].text
    # Already enabled and the timing untouched: nothing new to say about it.
    assert change_warnings(after, after.replace(description="x"), NOW) == []


def test_a_passed_end_date_and_a_rate_reanchor_are_named() -> None:
    before = schedule(
        ScheduleExpression="rate(5 minutes)",
        StartDate=datetime(2026, 1, 1, tzinfo=UTC),
        EndDate=datetime(2026, 6, 1, tzinfo=UTC),
        State="DISABLED",
    )
    after = before.replace(state="ENABLED", check_rules=False)
    warnings = change_warnings(before, after, NOW)
    assert [w.kind for w in warnings] == [WarningKind.END_PASSED, WarningKind.REANCHORS_RATE]
    assert needs_consent(warnings)  # the re-anchor, and only that, needs consent
    assert not needs_consent(warnings[:1])
    assert reanchors_rate(before, after, NOW)
    cron = after.replace(schedule_expression="cron(0 2 * * ? *)", check_rules=False)
    assert not reanchors_rate(before, cron, NOW)  # dropping StartDate does not move cron runs


def test_removing_the_dlq_or_retry_policy_or_setting_delete_after_completion() -> None:
    before = schedule(
        Target={
            **schedule_response("lambda")["Target"],
            "DeadLetterConfig": {"Arn": "arn:aws:sqs:eu-west-1:123456789012:dlq"},
            "RetryPolicy": {"MaximumRetryAttempts": 3},
        }
    )
    after = before.replace(
        target=before.target.replace(dead_letter_config=None, retry_policy=None),
        action_after_completion="DELETE",
    )
    warnings = change_warnings(before, after, NOW)
    assert [w.kind for w in warnings] == [
        WarningKind.DLQ_REMOVED,
        WarningKind.RETRY_POLICY_REMOVED,
        WarningKind.DELETES_ITSELF,
    ]
