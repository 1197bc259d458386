"""Plain-English descriptions of schedule expressions, for previews and confirmations."""

from __future__ import annotations

from functools import lru_cache

from cron_descriptor import ExpressionDescriptor, Options

from schedtui.core.cron import CronSpec, WeekDays
from schedtui.core.expression import (
    AtExpression,
    CronExpression,
    ParsedExpression,
    RateExpression,
    parse_expression,
)


def _descriptor_fields(spec: CronSpec) -> str:
    """The six AWS fields in the form cron-descriptor reads reliably.

    It is given only validated input (it describes invalid input confidently), with day-of-
    week specials spelled numerically: it fails on 'L' alone and on names before 'L' or '#'.
    """
    minute, hour, dom, month, dow, year = (field.upper() for field in spec.fields)
    day = spec.day
    if isinstance(day, WeekDays):
        if day.nth is not None:
            dow = f"{day.nth[0]}#{day.nth[1]}"
        elif day.last_of is not None:
            dow = f"{day.last_of}L"
        elif dow == "L":
            dow = "7"  # 'L' alone: the last day of the week, Saturday
    return " ".join((minute, hour, dom, month, dow, year))


def _clock_times(spec: CronSpec) -> str | None:
    """Plain clock times for a handful of plain values: "At 14:05 and 14:35", where
    cron-descriptor would say "At 5 and 35 minutes past the hour, at 14:00"."""
    minute, hour = spec.fields[0], spec.fields[1]
    plain = all(part.isdigit() for field in (minute, hour) for part in field.split(","))
    if not plain or len(spec.minutes) * len(spec.hours) > 4:
        return None
    times = [f"{h:02d}:{m:02d}" for h in sorted(spec.hours) for m in sorted(spec.minutes)]
    return "At " + (times[0] if len(times) == 1 else ", ".join(times[:-1]) + " and " + times[-1])


@lru_cache(maxsize=4096)
def _describe_cron(spec: CronSpec) -> str:
    options = Options()
    options.day_of_week_start_index_zero = False  # AWS: 1 = Sunday
    options.use_24hour_time_format = True
    descriptor = ExpressionDescriptor(_descriptor_fields(spec), options)
    time_of_day = _clock_times(spec) or descriptor.transform_verbosity(
        descriptor.get_time_of_day_description(), use_verbose_format=False
    )
    # The non-verbose form drops "every day"; an operator wants to read it.
    days = descriptor.transform_verbosity(
        descriptor.get_day_of_month_description()
        + descriptor.get_day_of_week_description()
        + descriptor.get_month_description()
        + descriptor.get_year_description(),
        use_verbose_format=False,
    )
    text = time_of_day + (", every day" if spec.day.every else "") + days
    return str(text[:1].upper() + text[1:])


def _describe_rate(rate: RateExpression) -> str:
    if rate.value == 1:
        return f"Every {rate.unit}"
    return f"Every {rate.value} {rate.unit}s"


def describe(expression: str | ParsedExpression, zone: str | None = None) -> str:
    """E.g. "At 02:00, every day, in Europe/Madrid"; raises ExpressionError when invalid."""
    parsed = parse_expression(expression) if isinstance(expression, str) else expression
    where = f", in {zone or 'UTC'}"
    if isinstance(parsed, AtExpression):
        return f"Once, at {parsed.wall:%Y-%m-%d %H:%M:%S}{where}"
    if isinstance(parsed, RateExpression):
        # A rate is a fixed duration; the zone does not change when it fires.
        return f"{_describe_rate(parsed)}, from the start date (or creation time)"
    assert isinstance(parsed, CronExpression)
    return _describe_cron(parsed.spec) + where
