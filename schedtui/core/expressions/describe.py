"""Plain-English descriptions of schedule expressions, for previews and confirmations.

cron-descriptor phrases most expressions well, but raises on some valid ones (an hour list
mixing a step with values, ``8,0/6``; a zero-padded day-of-week, ``01``). Describing never
raises for an expression the parser accepted: when the library cannot phrase one, a plainer
description is built from the parsed field sets instead (``_plain_cron``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from cron_descriptor import ExpressionDescriptor, Options

from schedtui.core.expressions.cron import CronSpec, MonthDays, WeekDays
from schedtui.core.expressions.parse import (
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
    try:
        return _library_cron(spec)
    except Exception:  # any failure of the library: fall back, never crash
        return _plain_cron(spec)


def _library_cron(spec: CronSpec) -> str:
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


_DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ORDINALS = ("first", "second", "third", "fourth", "fifth")


def _runs(values: frozenset[int], name: Callable[[int], str] = str) -> str:
    """``0, 6, 8, 12, 18`` or ``1-5, 8``: three or more consecutive values as a range."""
    groups: list[list[int]] = []
    for value in sorted(values):
        if groups and value == groups[-1][-1] + 1:
            groups[-1].append(value)
        else:
            groups.append([value])
    parts: list[str] = []
    for group in groups:
        if len(group) >= 3:
            parts.append(f"{name(group[0])}-{name(group[-1])}")
        else:
            parts.extend(name(value) for value in group)
    return ", ".join(parts)


def _plain_cron(spec: CronSpec) -> str:
    """A description built from the parsed sets alone: plainer, but always right."""
    text = _clock_times(spec) or (
        f"At minute {_runs(spec.minutes)} past hour {_runs(spec.hours)}"
        if len(spec.minutes) < 60
        else f"Every minute of hour {_runs(spec.hours)}"
    )
    day = spec.day
    if day.every:
        text += ", every day"
    elif isinstance(day, MonthDays):
        if day.last:
            text += ", on the last day of the month"
        elif day.last_weekday:
            text += ", on the last weekday of the month"
        elif day.nearest_weekday is not None:
            text += f", on the weekday nearest day {day.nearest_weekday} of the month"
        elif day.before_last is not None:
            count = day.before_last
            text += f", {count} day{'s' if count > 1 else ''} before the last day of the month"
        else:
            text += f", on day {_runs(day.days)} of the month"
    elif day.last_of is not None:
        text += f", on the last {_DAY_NAMES[day.last_of - 1]} of the month"
    elif day.nth is not None:
        weekday, occurrence = day.nth
        text += f", on the {_ORDINALS[occurrence - 1]} {_DAY_NAMES[weekday - 1]} of the month"
    else:
        text += f", on {_runs(day.days, lambda d: _DAY_NAMES[d - 1])}"
    if len(spec.months) < 12:
        text += f", in {_runs(spec.months, lambda m: _MONTH_NAMES[m - 1])}"
    if len(spec.years) < 2199 - 1970 + 1:
        text += f", in {_runs(spec.years)}"
    return text


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
