"""Schedule expressions: ``at()``, ``rate()`` and ``cron()``, parsed and validated as AWS does."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from schedtui.core.expressions.cron import CronSpec, parse_cron
from schedtui.core.expressions.errors import ExpressionError

__all__ = [
    "AtExpression",
    "CronExpression",
    "ExpressionError",
    "ParsedExpression",
    "RateExpression",
    "parse_expression",
]

MAX_EXPRESSION_LENGTH = 256

_AT = re.compile(r"at\((.*)\)", re.DOTALL)
_AT_BODY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}")
_RATE = re.compile(r"rate\((.*)\)", re.DOTALL)
_RATE_BODY = re.compile(r"(\S+) (\S+)")
_CRON = re.compile(r"cron\((.*)\)", re.DOTALL)
# Seconds per unit. A day is always 24 hours, whatever daylight saving does.
_RATE_UNITS = {
    "minute": 60,
    "minutes": 60,
    "hour": 3600,
    "hours": 3600,
    "day": 86_400,
    "days": 86_400,
}
# ASCII digits only: str.isdigit() also accepts '²' or '٣', which int() then refuses.
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class AtExpression:
    """A one-time schedule: a naive wall-clock time in the schedule's zone."""

    text: str
    wall: datetime


@dataclass(frozen=True)
class RateExpression:
    text: str
    value: int
    unit: str  # "minute", "hour" or "day"

    @property
    def seconds(self) -> int:
        """The period in seconds: a plain int, because N has no upper bound in the grammar
        (AWS stores ``rate(3000000 days)``) and a timedelta or datetime would overflow."""
        return self.value * _RATE_UNITS[self.unit]


@dataclass(frozen=True)
class CronExpression:
    text: str
    spec: CronSpec


ParsedExpression = AtExpression | RateExpression | CronExpression


def _parse_at(text: str, body: str) -> AtExpression:
    if not _AT_BODY.fullmatch(body):
        raise ExpressionError("at", body, "must be yyyy-mm-ddThh:mm:ss, e.g. 2026-12-01T09:30:00")
    try:
        wall = datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise ExpressionError("at", body, "is not a real date and time") from None
    return AtExpression(text, wall)


def _parse_rate(text: str, body: str) -> RateExpression:
    match = _RATE_BODY.fullmatch(body)
    if not match:
        raise ExpressionError("rate", body, "must be 'value unit', e.g. rate(5 minutes)")
    value_text, unit = match.groups()
    if not _DIGITS.fullmatch(value_text) or int(value_text) < 1:
        raise ExpressionError("rate", value_text, "must be a positive whole number")
    if unit not in _RATE_UNITS:
        raise ExpressionError("rate", unit, "must be minute(s), hour(s) or day(s)")
    # AWS: "If the value is equal to 1, then the unit must be singular. If the value is
    # greater than 1, the unit must be plural" (rate(1 hours) and rate(5 hour) are refused).
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
    value, singular = int(value_text), unit.rstrip("s")
    if value == 1 and unit != singular:
        raise ExpressionError(
            "rate", unit, f"must be singular when the value is 1: rate(1 {singular})"
        )
    if value > 1 and unit == singular:
        raise ExpressionError(
            "rate", unit, f"must be plural when the value is over 1: rate({value} {singular}s)"
        )
    return RateExpression(text, value, singular)


@lru_cache(maxsize=16384)
def parse_expression(text: str) -> ParsedExpression:
    """Parse a ScheduleExpression; raise ExpressionError naming field, token and rule.

    Cached: a list of 100,000 schedules repeats a few thousand distinct expressions.
    """
    stripped = text.strip()
    if not stripped:
        raise ExpressionError("expression", text, "is empty")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            "expression", text[:40] + "...", f"is longer than {MAX_EXPRESSION_LENGTH} characters"
        )
    if match := _AT.fullmatch(stripped):
        return _parse_at(stripped, match.group(1))
    if match := _RATE.fullmatch(stripped):
        return _parse_rate(stripped, match.group(1))
    if match := _CRON.fullmatch(stripped):
        return CronExpression(stripped, parse_cron(match.group(1)))
    raise ExpressionError(
        "expression", stripped, "must be at(...), rate(...) or cron(...) (lower case)"
    )
