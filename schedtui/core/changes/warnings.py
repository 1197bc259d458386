"""What a change will make AWS do that the operator may not expect (from the facts sheet).

Shared by every confirmation (toggle, edit review, raw edit, create) and by the mutation
chokepoint, so the dialog and the write agree on when a rate() schedule is re-anchored.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from schedtui.core.expressions.parse import (
    AtExpression,
    ExpressionError,
    ParsedExpression,
    RateExpression,
    parse_expression,
)
from schedtui.core.expressions.zones import load_zone, localize, utc
from schedtui.core.schedules.schedule import Schedule

# AWS refuses a StartDate more than about 5 minutes in the past on create and update.
START_DATE_GRACE: Final = timedelta(minutes=5)
REANCHOR_WORD: Final = "re-anchors"


def _parsed(schedule: Schedule) -> ParsedExpression | None:
    try:
        return parse_expression(schedule.schedule_expression)
    except ExpressionError:
        return None


def start_date_refused(schedule: Schedule, now: datetime) -> bool:
    """AWS would refuse this StartDate (too far in the past): it must be dropped to write."""
    start = schedule.start_date
    return start is not None and utc(start) < utc(now) - START_DATE_GRACE


def reanchors_rate(schedule: Schedule, now: datetime) -> bool:
    """Writing it drops a past StartDate of a rate() schedule, moving every later run."""
    return start_date_refused(schedule, now) and isinstance(_parsed(schedule), RateExpression)


def change_warnings(before: Schedule | None, after: Schedule, now: datetime) -> list[str]:
    """One line per surprise in going from ``before`` (None: a new schedule) to ``after``."""
    warnings: list[str] = []
    parsed = _parsed(after)
    timing_changed = before is None or (
        not before.enabled
        or before.schedule_expression != after.schedule_expression
        or before.schedule_expression_timezone != after.schedule_expression_timezone
        or before.end_date != after.end_date
    )
    if after.enabled and timing_changed:
        if isinstance(parsed, AtExpression):
            instant = localize(parsed.wall, load_zone(after.schedule_expression_timezone))
            if instant is not None and instant <= utc(now):
                warnings.append("its at() time has passed: enabling it may fire it at once")
        if after.end_date and utc(after.end_date) < utc(now):
            warnings.append("its EndDate has passed: it will say ENABLED but never fire")
    if isinstance(parsed, RateExpression) and start_date_refused(after, now):
        start = utc(after.start_date) if after.start_date else now
        warnings.append(
            f"its StartDate {start:%Y-%m-%d %H:%M}Z is in the past and AWS refuses it: "
            f"it is dropped, which {REANCHOR_WORD} the rate to now (later runs shift)"
        )
    if before is not None:
        had_dlq = before.target.dead_letter_config is not None
        if had_dlq and after.target.dead_letter_config is None:
            warnings.append("it removes the dead-letter queue: failed invocations will be lost")
        if before.target.retry_policy is not None and after.target.retry_policy is None:
            warnings.append(
                "it removes the retry policy: AWS then retries up to 185 times over 24 hours"
            )
    if after.action_after_completion == "DELETE" and (
        before is None or before.action_after_completion != "DELETE"
    ):
        warnings.append("the schedule deletes itself after its last run (ActionAfterCompletion)")
    return warnings
