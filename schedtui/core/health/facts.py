"""Facts about one schedule, stated once: the findings (``findings.py``, what the detail
flags) and the change warnings (``core/changes/warnings.py``, what a confirmation says) both
ask these questions, so they can never disagree on the answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from schedtui.core.expressions import runs
from schedtui.core.expressions.engine import can_ever_fire
from schedtui.core.expressions.errors import ExpressionError
from schedtui.core.expressions.parse import (
    AtExpression,
    CronExpression,
    ParsedExpression,
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

# An Input a tool escaped: AWS substitutes <aws.scheduler.…>, not \u003caws.scheduler.…
ESCAPED_PLACEHOLDER: Final = "\\u003caws.scheduler."


def parsed(schedule: Schedule) -> ParsedExpression | None:
    """The expression, or None when AWS holds one the parser refuses."""
    try:
        return parse_expression(schedule.schedule_expression)
    except ExpressionError:
        return None


def is_at(schedule: Schedule) -> bool:
    return isinstance(parsed(schedule), AtExpression)


def at_instant(schedule: Schedule) -> datetime | None:
    """The UTC instant of an at() schedule; None for other kinds or a skipped wall time."""
    expression = parsed(schedule)
    if not isinstance(expression, AtExpression):
        return None
    return localize(expression.wall, load_zone(schedule.schedule_expression_timezone))


def at_skipped(schedule: Schedule) -> bool:
    """An at() naming a wall time that daylight saving skips: it never fires."""
    return is_at(schedule) and at_instant(schedule) is None


def at_passed(schedule: Schedule, now: datetime) -> bool:
    instant = at_instant(schedule)
    return instant is not None and instant <= utc(now)


def end_passed(schedule: Schedule, now: datetime) -> bool:
    """Its EndDate is behind us (AWS ignores EndDate for at(): never true for one)."""
    end = schedule.end_date
    return end is not None and utc(end) < utc(now) and not is_at(schedule)


def start_in_future(schedule: Schedule, now: datetime) -> bool:
    start = schedule.start_date
    return start is not None and utc(start) > utc(now) and not is_at(schedule)


def start_date_refused(schedule: Schedule, now: datetime) -> bool:
    """AWS would refuse this StartDate (too far in the past): it must be dropped to write."""
    return runs.start_date_refused(schedule.start_date, now)


def reanchors_rate(before: Schedule | None, after: Schedule, now: datetime) -> bool:
    """Writing ``after`` (over ``before``; None: a create) moves a rate()'s anchor to the
    write: its StartDate is removed, or refused and dropped (runs.py, the anchor rule)."""
    stored = before.start_date if before is not None else None
    return is_rate(after) and runs.counts_from_write(stored, after.start_date, now)


def is_rate(schedule: Schedule) -> bool:
    return isinstance(parsed(schedule), RateExpression)


def rate_from_creation(schedule: Schedule) -> bool:
    return is_rate(schedule) and schedule.start_date is None


def never_fires(schedule: Schedule) -> bool:
    """A cron() naming a day that never comes (``cron(0 0 30 2 ? *)``)."""
    expression = parsed(schedule)
    return isinstance(expression, CronExpression) and not can_ever_fire(expression.spec)


def dlq_arn(schedule: Schedule) -> str | None:
    config = schedule.target.dead_letter_config
    return config.arn if config is not None and config.arn else None


def dlq_is_fifo(schedule: Schedule) -> bool:
    arn = dlq_arn(schedule)
    queue = parse_sqs_queue_arn(arn) if arn else None
    return queue is not None and queue.fifo


def retry_at_defaults(schedule: Schedule) -> bool:
    """No retry policy, or one equal to AWS's defaults (185 attempts over 24 hours)."""
    policy = schedule.target.retry_policy
    return policy is None or (
        policy.effective_maximum_retry_attempts == DEFAULT_MAXIMUM_RETRY_ATTEMPTS
        and policy.effective_maximum_event_age_in_seconds == DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS
    )


def escaped_placeholder(schedule: Schedule) -> bool:
    text = schedule.target.input
    return text is not None and ESCAPED_PLACEHOLDER in text
