"""A deliberately naive reference evaluator for EventBridge Scheduler expressions.

It exists only to cross-check the product engine (``schedtui.core.expressions.runs``). It shares no
code with it and does not use croniter: cron() is evaluated by walking UTC minute by minute,
converting each minute to the schedule's wall clock with zoneinfo, dropping the second
occurrence of repeated wall times (fold=1) and matching every field literally. Skipped wall
times are never produced by a UTC -> local conversion, so they never run. Slow but obviously
right is the goal; keep it that way.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

BOUNDS: dict[str, tuple[int, int]] = {
    "minute": (0, 59),
    "hour": (0, 23),
    "dom": (1, 31),
    "month": (1, 12),
    "dow": (1, 7),
    "year": (1970, 2199),
}
FIELD_NAMES = ("minute", "hour", "dom", "month", "dow", "year")

MONTH_NAMES = {
    name: number
    for number, name in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
        start=1,
    )
}
# AWS numbering: 1 = Sunday ... 7 = Saturday.
DOW_NAMES = {
    name: number
    for number, name in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)
}
NAMES: dict[str, dict[str, int]] = {"month": MONTH_NAMES, "dow": DOW_NAMES}


class RefRun(NamedTuple):
    """One reference run: the UTC instant and the end of its flexible window."""

    at: datetime
    window_end: datetime | None


def aws_dow(day: date) -> int:
    """AWS day-of-week number of a date (Sunday = 1 ... Saturday = 7)."""
    return day.isoweekday() % 7 + 1


def days_in_month(day: date) -> int:
    """Number of days in the month of ``day``."""
    return calendar.monthrange(day.year, day.month)[1]


def parse_value(token: str, field: str) -> int:
    """One number or (for month/dow) a case-insensitive name, bounds-checked."""
    names = NAMES.get(field, {})
    if token.upper() in names:
        value = names[token.upper()]
    elif token.isdigit():
        value = int(token)
    else:
        raise ValueError(f"{field}: bad value {token!r}")
    low, high = BOUNDS[field]
    if not low <= value <= high:
        raise ValueError(f"{field}: {value} outside {low}-{high}")
    return value


def parse_set(text: str, field: str) -> frozenset[int]:
    """Values of a plain field: ``*``, values, lists, (wrapping) ranges and steps."""
    low, high = BOUNDS[field]
    values: set[int] = set()
    for part in text.split(","):
        if "/" in part:
            base, step_text = part.split("/")
            if not step_text.isdigit() or int(step_text) < 1:
                raise ValueError(f"{field}: bad step {part!r}")
            step = int(step_text)
        else:
            base, step = part, None
        if base == "*":
            sequence = list(range(low, high + 1))
        elif "-" in base:
            first_text, last_text = base.split("-")
            first, last = parse_value(first_text, field), parse_value(last_text, field)
            if first <= last:
                sequence = list(range(first, last + 1))
            else:  # wraps: first..high then low..last
                sequence = list(range(first, high + 1)) + list(range(low, last + 1))
        else:
            start = parse_value(base, field)
            # `a/n` runs from a to the end of the field; a bare `a` is just a.
            sequence = list(range(start, high + 1)) if step is not None else [start]
        values.update(sequence[:: step or 1])
    return frozenset(values)


# A day rule answers "does this local date match this day field?".
DayRule = Callable[[date], bool]


def any_day(_day: date) -> bool:
    """`?`: this field places no constraint."""
    return True


def nearest_weekday(day: date, n: int) -> int | None:
    """Day of month of the weekday nearest day n of ``day``'s month (the `nW` rule); None
    for a month without day n (skipped, as AWS does)."""
    last = days_in_month(day)
    if n > last:
        return None
    dow = aws_dow(day.replace(day=n))
    if dow == 7:  # Saturday -> Friday before, unless that is last month -> Monday after
        return n - 1 if n > 1 else n + 2
    if dow == 1:  # Sunday -> Monday after, unless that is next month -> Friday before
        return n + 1 if n < last else n - 2
    return n


def last_weekday_of_month(day: date) -> int:
    """Day of month of the last Monday-Friday of ``day``'s month (the `LW` rule)."""
    candidate = days_in_month(day)
    while aws_dow(day.replace(day=candidate)) in (1, 7):
        candidate -= 1
    return candidate


def parse_dom(text: str) -> DayRule:
    """Day-of-month field: `?`, `L`, `LW`, `nW` or a plain set."""
    upper = text.upper()
    if upper == "?":
        return any_day
    if upper == "L":
        return lambda d: d.day == days_in_month(d)
    if upper == "LW":
        return lambda d: d.day == last_weekday_of_month(d)
    if upper.startswith("L-"):
        n = int(upper[2:])
        return lambda d: d.day == days_in_month(d) - n
    if upper.endswith("W"):
        n = parse_value(upper[:-1], "dom")
        return lambda d: d.day == nearest_weekday(d, n)
    if any(c in upper for c in "LW?#"):
        raise ValueError(f"dom: {text!r} (specials must stand alone)")
    values = parse_set(text, "dom")
    return lambda d: d.day in values


def parse_dow(text: str) -> DayRule:
    """Day-of-week field: `?`, `L` (Saturday), `nL`, `n#k` or a plain set."""
    upper = text.upper()
    if upper == "?":
        return any_day
    if upper == "L":
        return lambda d: aws_dow(d) == 7
    if "#" in upper:
        weekday_text, k_text = upper.split("#")
        weekday = parse_value(weekday_text, "dow")
        if not k_text.isdigit() or not 1 <= int(k_text) <= 5:
            raise ValueError(f"dow: bad #k in {text!r}")
        k = int(k_text)
        return lambda d: aws_dow(d) == weekday and (d.day - 1) // 7 + 1 == k
    if upper.endswith("L"):
        weekday = parse_value(upper[:-1], "dow")
        return lambda d: aws_dow(d) == weekday and d.day + 7 > days_in_month(d)
    if any(c in upper for c in "L?#"):
        raise ValueError(f"dow: {text!r} (specials must stand alone)")
    values = parse_set(text, "dow")
    return lambda d: aws_dow(d) in values


@dataclass(frozen=True)
class CronSpec:
    """A parsed cron(): four value sets and two day rules, matched literally."""

    fields: tuple[str, ...]
    minutes: frozenset[int]
    hours: frozenset[int]
    dom: DayRule
    months: frozenset[int]
    dow: DayRule
    years: frozenset[int]

    def field_matches(self, field: str, local: datetime) -> bool:
        """Does the wall-clock time ``local`` satisfy one named field?"""
        checks: dict[str, Callable[[], bool]] = {
            "minute": lambda: local.minute in self.minutes,
            "hour": lambda: local.hour in self.hours,
            "dom": lambda: self.dom(local.date()),
            "month": lambda: local.month in self.months,
            "dow": lambda: self.dow(local.date()),
            "year": lambda: local.year in self.years,
        }
        return checks[field]()

    def day_matches(self, day: date) -> bool:
        """Does a local date satisfy dom, month, dow and year?"""
        return (
            day.year in self.years and day.month in self.months and self.dom(day) and self.dow(day)
        )

    def matches(self, local: datetime) -> bool:
        """Does the wall-clock time ``local`` satisfy all six fields?"""
        return all(self.field_matches(field, local) for field in FIELD_NAMES)


def parse_cron(expression: str) -> CronSpec:
    """Parse ``cron(min hour dom month dow year)`` into a CronSpec."""
    match = re.fullmatch(r"\s*cron\((.*)\)\s*", expression)
    if not match:
        raise ValueError(f"not a cron expression: {expression!r}")
    parts = match.group(1).split()
    if len(parts) != 6:
        raise ValueError(f"cron needs 6 fields, got {len(parts)}")
    minute, hour, dom, month, dow, year = parts
    if (dom == "?") == (dow == "?"):
        raise ValueError("exactly one of day-of-month and day-of-week must be ?")
    return CronSpec(
        fields=tuple(parts),
        minutes=parse_set(minute, "minute"),
        hours=parse_set(hour, "hour"),
        dom=parse_dom(dom),
        months=parse_set(month, "month"),
        dow=parse_dow(dow),
        years=parse_set(year, "year"),
    )


RATE_UNITS = {
    "minute": timedelta(minutes=1),
    "minutes": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "hours": timedelta(hours=1),
    "day": timedelta(days=1),  # always 24 h, whatever DST does
    "days": timedelta(days=1),
}


def parse_rate(expression: str) -> timedelta:
    """Period of ``rate(N unit)``."""
    match = re.fullmatch(r"\s*rate\((\d+)\s+([a-z]+)\)\s*", expression)
    if not match or match.group(2) not in RATE_UNITS or int(match.group(1)) < 1:
        raise ValueError(f"not a rate expression: {expression!r}")
    return int(match.group(1)) * RATE_UNITS[match.group(2)]


def parse_at(expression: str) -> datetime:
    """Naive wall-clock time of ``at(yyyy-mm-ddThh:mm:ss)``."""
    match = re.fullmatch(r"\s*at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)\s*", expression)
    if not match:
        raise ValueError(f"not an at expression: {expression!r}")
    year, month, day, hour, minute, second = (int(group) for group in match.groups())
    return datetime(year, month, day, hour, minute, second)


def wall_to_utc(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """UTC instant of a naive wall time: None if skipped, first occurrence if repeated."""
    candidate = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if candidate.astimezone(zone).replace(tzinfo=None) != wall:
        return None  # the wall time does not exist (spring-forward gap)
    return candidate


def _window_end(at: datetime, window_minutes: int | None) -> datetime | None:
    return None if window_minutes is None else at + timedelta(minutes=window_minutes)


def reference_runs(
    expression: str,
    zone: str,
    after: datetime,
    count: int,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    anchor: datetime | None = None,
    horizon: timedelta = timedelta(days=45),
    window_minutes: int | None = None,
) -> list[RefRun]:
    """Up to ``count`` runs strictly after ``after``; cron() only looks ``horizon`` ahead.

    rate() and at() are computed directly and ignore the horizon.
    """
    tz = ZoneInfo(zone)
    after = after.astimezone(UTC)
    runs: list[datetime] = []
    text = expression.strip()
    if text.startswith("at("):
        # One-time schedules ignore start_date and end_date, as AWS does.
        instant = wall_to_utc(parse_at(text), tz)
        if instant is not None and instant > after and count > 0:
            runs.append(instant)
    elif text.startswith("rate("):
        period = parse_rate(text)
        base = (start_date or anchor or after).astimezone(UTC)
        # Smallest k >= 0 with base + k * period strictly after `after`, the anchor itself
        # excepted: it is a run even at `after` (a new schedule fires at once).
        k = 0 if base >= after else (after - base) // period + 1
        while len(runs) < count:
            instant = base + k * period
            if end_date is not None and instant > end_date:
                break
            runs.append(instant)
            k += 1
    else:
        spec = parse_cron(text)
        day_cache: dict[date, bool] = {}
        # First whole UTC minute strictly after `after`.
        instant = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = after + horizon
        while instant <= limit and len(runs) < count:
            local = instant.astimezone(tz)
            if local.fold == 0 and local.minute in spec.minutes and local.hour in spec.hours:
                day = local.date()
                if day not in day_cache:
                    day_cache[day] = spec.day_matches(day)
                if (
                    day_cache[day]
                    and (start_date is None or instant >= start_date)
                    and (end_date is None or instant <= end_date)
                ):
                    runs.append(instant)
            instant += timedelta(minutes=1)
    return [RefRun(at, _window_end(at, window_minutes)) for at in runs]
