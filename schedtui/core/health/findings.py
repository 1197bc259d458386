"""Findings an operator must not miss about one schedule (the detail view and the list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from schedtui.core.expressions.engine import can_ever_fire
from schedtui.core.expressions.parse import (
    AtExpression,
    CronExpression,
    ExpressionError,
    RateExpression,
    parse_expression,
)
from schedtui.core.expressions.zones import load_zone, localize, utc
from schedtui.core.schedules.arns import parse_sqs_queue_arn
from schedtui.core.schedules.schedule import Schedule
from schedtui.core.schedules.target import (
    DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS,
    DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
)

ESCAPED_PLACEHOLDER = "\\u003caws.scheduler."


class Severity(StrEnum):
    ERROR = "error"  # it will not do what it looks like it does
    WARNING = "warning"  # risky or probably unintended
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str


def findings(schedule: Schedule, now: datetime) -> list[Finding]:
    """Everything worth flagging, most serious first."""
    found: list[Finding] = []
    now = utc(now)
    enabled = schedule.enabled
    try:
        parsed = parse_expression(schedule.schedule_expression)
    except ExpressionError as error:
        return [Finding(Severity.ERROR, f"Invalid expression: {error}")]
    is_at = isinstance(parsed, AtExpression)
    if schedule.end_date and utc(schedule.end_date) < now and not is_at:
        found.append(
            Finding(
                Severity.ERROR,
                f"EndDate {utc(schedule.end_date):%Y-%m-%d %H:%M}Z has passed: "
                + ("it still says ENABLED but never fires" if enabled else "it never fires"),
            )
        )
    if isinstance(parsed, AtExpression):
        instant = localize(parsed.wall, load_zone(schedule.schedule_expression_timezone))
        if instant is None:
            found.append(
                Finding(
                    Severity.ERROR, "at() names a time skipped by daylight saving: it never fires"
                )
            )
        elif instant <= now:
            found.append(
                Finding(
                    Severity.WARNING,
                    f"at() time {instant:%Y-%m-%d %H:%M}Z is past"
                    + (": re-enabling it may fire it at once" if not enabled else ""),
                )
            )
    if isinstance(parsed, CronExpression) and not can_ever_fire(parsed.spec):
        found.append(Finding(Severity.ERROR, "The expression names a day that never comes"))
    if schedule.start_date and utc(schedule.start_date) > now and not is_at:
        found.append(
            Finding(
                Severity.INFO,
                f"StartDate {utc(schedule.start_date):%Y-%m-%d %H:%M}Z is in the future: "
                "nothing fires before it",
            )
        )
    if isinstance(parsed, RateExpression) and schedule.start_date is None:
        found.append(Finding(Severity.INFO, "rate() counts from the schedule's creation time"))
    target = schedule.target
    dlq = target.dead_letter_config.arn if target.dead_letter_config else None
    if not dlq:
        found.append(
            Finding(Severity.WARNING, "No dead-letter queue: failed invocations are dropped")
        )
    else:
        queue = parse_sqs_queue_arn(dlq)
        if queue is not None and queue.fifo:
            found.append(
                Finding(Severity.ERROR, "The dead-letter queue is FIFO: AWS needs standard")
            )
    policy = target.retry_policy
    if policy is None or (
        policy.effective_maximum_retry_attempts == DEFAULT_MAXIMUM_RETRY_ATTEMPTS
        and policy.effective_maximum_event_age_in_seconds == DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS
    ):
        found.append(
            Finding(
                Severity.WARNING,
                "Retry policy at AWS's defaults: up to 185 attempts over 24 hours",
            )
        )
    if target.input and ESCAPED_PLACEHOLDER in target.input:
        found.append(
            Finding(
                Severity.WARNING,
                "Input holds an escaped placeholder (\\u003caws.scheduler.…): AWS will not "
                "substitute it",
            )
        )
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(found, key=lambda finding: order[finding.severity])
