"""AWS ``cron()`` expressions: parsing and validation into explicit field sets.

EventBridge Scheduler's cron has six fields (minutes hours day-of-month month day-of-week
year), counts Sunday as day 1, and needs exactly one of the two day fields to be ``?``.
Everything is expanded here into explicit sets, so that steps, wrapping ranges and equal
ranges mean exactly what AWS means before any engine sees them.

Decisions where AWS's documentation is silent (documented in the README too):

* ``L``, ``LW``, ``nW`` (day-of-month) and ``L``, ``nL``, ``n#k`` (day-of-week) stand alone
  in their field: no lists, ranges or steps around them (Quartz, which AWS's syntax follows,
  rejects those combinations; AWS documents only one ``#`` per field).
* ``nW`` for a day the month does not have (``31W`` in April): that month is skipped. AWS
  changed ``W`` to this after a console crash report, and its console preview shows ``31W``
  only in 31-day months.
* ``L-n`` in day-of-month (n 1-30): the n-th day before the month's last day; a month too
  short for it is skipped. The documentation does not list it; Quartz, whose grammar AWS's
  follows, and the console-tuned cron libraries accept it. ``L-n`` in day-of-week stays
  refused, as do steps in day-of-week and ``*`` as a range end (the documented grammar).
* A step may not exceed the field's span (``0/90`` in minutes is refused, as Quartz does).
* Year ranges do not wrap; every other range may (``FRI-MON``, ``22-2``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from schedtui.core.expressions.errors import ExpressionError

MONTH_NAMES = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
        start=1,
    )
}
# AWS numbering: 1 = Sunday ... 7 = Saturday.
DAY_NAMES = {
    name: number
    for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)
}


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int] | None = None
    wraps: bool = True

    @property
    def span(self) -> str:
        if self.name == "day-of-week":
            return "1-7 (1 = Sunday) or SUN-SAT"
        if self.name == "month":
            return "1-12 or JAN-DEC"
        return f"{self.low}-{self.high}"


MINUTES = _Field("minutes", 0, 59)
HOURS = _Field("hours", 0, 23)
DAY_OF_MONTH = _Field("day-of-month", 1, 31)
MONTH = _Field("month", 1, 12, MONTH_NAMES)
DAY_OF_WEEK = _Field("day-of-week", 1, 7, DAY_NAMES)
YEAR = _Field("year", 1970, 2199, wraps=False)
FIELDS = (MINUTES, HOURS, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR)


@dataclass(frozen=True)
class MonthDays:
    """The day-of-month rule (day-of-week is ``?``)."""

    days: frozenset[int] = frozenset()
    last: bool = False  # L: the last day of the month
    last_weekday: bool = False  # LW: the last Monday-Friday of the month
    nearest_weekday: int | None = None  # nW: the weekday nearest day n, inside the month
    before_last: int | None = None  # L-n: n days before the last day of the month
    every: bool = False  # '*'


@dataclass(frozen=True)
class WeekDays:
    """The day-of-week rule (day-of-month is ``?``); weekdays in AWS numbering."""

    days: frozenset[int] = frozenset()
    last_of: int | None = None  # nL: the last weekday n of the month
    nth: tuple[int, int] | None = None  # n#k: the k-th weekday n of the month
    every: bool = False  # '*'


@dataclass(frozen=True)
class CronSpec:
    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    years: frozenset[int]
    day: MonthDays | WeekDays
    fields: tuple[str, ...]  # the six fields as written, for descriptions and messages


_NUMBER = re.compile(r"[0-9]+")  # ASCII: int() also reads "٣", which AWS does not


def _value(field: _Field, token: str, term: str) -> int:
    upper = token.upper()
    if field.names and upper in field.names:
        return field.names[upper]
    if not _NUMBER.fullmatch(token):
        raise ExpressionError(field.name, term, f"is not a value of {field.span}")
    number = int(token)
    if not field.low <= number <= field.high:
        rule = f"is outside {field.span}"
        if field.name == "day-of-week":
            rule = "is outside 1-7 (1 = Sunday)"
        raise ExpressionError(field.name, term, rule)
    return number


def _walk(field: _Field, start: int, end: int, step: int, term: str) -> set[int]:
    """Values from start to end by step; a range whose end is below its start wraps."""
    if end < start:
        if not field.wraps:
            raise ExpressionError(field.name, term, "is a range whose end is before its start")
        end += field.high - field.low + 1
    size = field.high - field.low + 1
    return {field.low + (v - field.low) % size for v in range(start, end + 1, step)}


def _step(field: _Field, text: str, term: str) -> int:
    if not _NUMBER.fullmatch(text):
        raise ExpressionError(field.name, term, "has a step that is not a whole number")
    step = int(text)
    limit = field.high - field.low + 1
    if step < 1:
        raise ExpressionError(field.name, term, "has a step that must be at least 1")
    if step > limit:
        raise ExpressionError(field.name, term, f"has a step above {limit}, the field's span")
    return step


def _term(field: _Field, term: str) -> set[int]:
    base, slash, step_text = term.partition("/")
    step = _step(field, step_text, term) if slash else 1
    if base == "*":
        return _walk(field, field.low, field.high, step, term)
    start_text, dash, end_text = base.partition("-")
    if not start_text or (dash and not end_text):
        raise ExpressionError(field.name, term, f"is not a value or range of {field.span}")
    start = _value(field, start_text, term)
    if dash:
        return _walk(field, start, _value(field, end_text, term), step, term)
    # 'a/n' runs from a to the end of the field.
    return _walk(field, start, field.high, step, term) if slash else {start}


def _values(field: _Field, text: str) -> frozenset[int]:
    if "?" in text:
        raise ExpressionError(field.name, text, "cannot be '?': only the day fields take '?'")
    values: set[int] = set()
    for term in text.split(","):
        if not term:
            raise ExpressionError(field.name, text, "has an empty list item")
        if any(c in term.upper() for c in "LW#"):
            has_names = field.names and any(name in term.upper() for name in field.names)
            if not has_names:
                raise ExpressionError(
                    field.name, term, f"uses a special character not allowed in {field.name}"
                )
        values |= _term(field, term)
    return frozenset(values)


_DOM_NEAREST = re.compile(r"([0-9]+)W", re.IGNORECASE)
_DOM_BEFORE_LAST = re.compile(r"L-([0-9]+)", re.IGNORECASE)
_DOW_LAST = re.compile(r"([A-Z]{3}|[0-9]+)L", re.IGNORECASE)
_DOW_NTH = re.compile(r"([A-Z]{3}|[0-9]+)#([0-9]+)", re.IGNORECASE)


def _alone(field: _Field, text: str, special: str) -> None:
    if any(c in text for c in ",-/*"):
        raise ExpressionError(
            field.name, text, f"uses {special}, which must stand alone in {field.name}"
        )


def _month_days(text: str) -> MonthDays:
    upper = text.upper()
    if text == "*":
        return MonthDays(days=frozenset(range(1, 32)), every=True)
    if upper in ("L", "LW"):
        return MonthDays(last=upper == "L", last_weekday=upper == "LW")
    before_last = _DOM_BEFORE_LAST.fullmatch(text)
    if before_last:
        days = int(before_last.group(1))
        if not 1 <= days <= 30:
            raise ExpressionError(DAY_OF_MONTH.name, text, "must be L-1 to L-30")
        return MonthDays(before_last=days)
    if "L" in upper or "W" in upper:
        _alone(DAY_OF_MONTH, text, "'L' or 'W'")
        match = _DOM_NEAREST.fullmatch(text)
        if not match:
            raise ExpressionError(
                DAY_OF_MONTH.name,
                text,
                "is not valid: use L, LW, L-n (n in 1-30) or nW (n in 1-31)",
            )
        return MonthDays(nearest_weekday=_value(DAY_OF_MONTH, match.group(1), text))
    if "#" in text:
        raise ExpressionError(DAY_OF_MONTH.name, text, "cannot use '#': it is for day-of-week")
    return MonthDays(days=_values(DAY_OF_MONTH, text))


def _week_days(text: str) -> WeekDays:
    upper = text.upper()
    if text == "*":
        return WeekDays(days=frozenset(range(1, 8)), every=True)
    if upper == "L":
        # 'L' alone is the last day of the week: Saturday.
        return WeekDays(days=frozenset({7}))
    if text.count("#") > 1:
        raise ExpressionError(DAY_OF_WEEK.name, text, "has more than one '#': only one is allowed")
    if "#" in text:
        _alone(DAY_OF_WEEK, text, "'#'")
        match = _DOW_NTH.fullmatch(text)
        if not match:
            raise ExpressionError(DAY_OF_WEEK.name, text, "is not valid: use n#k, e.g. 2#1")
        weekday = _value(DAY_OF_WEEK, match.group(1), text)
        occurrence = int(match.group(2))
        if not 1 <= occurrence <= 5:
            raise ExpressionError(DAY_OF_WEEK.name, text, "has an occurrence outside 1-5 after '#'")
        return WeekDays(nth=(weekday, occurrence))
    if "/" in text:
        # AWS lists ', - * ? L #' for day-of-week: unlike the other fields, no steps.
        raise ExpressionError(DAY_OF_WEEK.name, text, "cannot use '/': day-of-week takes no steps")
    if "W" in upper.replace("WED", ""):
        raise ExpressionError(DAY_OF_WEEK.name, text, "cannot use 'W': it is for day-of-month")
    if upper.endswith("L") and upper not in DAY_NAMES:
        _alone(DAY_OF_WEEK, text, "'L'")
        match = _DOW_LAST.fullmatch(text)
        if not match:
            raise ExpressionError(DAY_OF_WEEK.name, text, "is not valid: use nL, e.g. 6L")
        return WeekDays(last_of=_value(DAY_OF_WEEK, match.group(1), text))
    return WeekDays(days=_values(DAY_OF_WEEK, text))


def parse_cron(body: str) -> CronSpec:
    """Parse the text inside ``cron(...)``; raise ExpressionError naming field and rule."""
    fields = tuple(body.split())
    if len(fields) != 6:
        raise ExpressionError(
            "cron",
            body.strip(),
            f"has {len(fields)} fields; it needs 6: minutes hours day-of-month month "
            "day-of-week year",
        )
    minute_text, hour_text, dom_text, month_text, dow_text, year_text = fields
    minutes = _values(MINUTES, minute_text)
    hours = _values(HOURS, hour_text)
    months = _values(MONTH, month_text)
    years = _values(YEAR, year_text)
    if dom_text == "?" and dow_text == "?":
        raise ExpressionError(
            "day-of-month", "?", "and day-of-week are both '?': exactly one of them must be '?'"
        )
    if dom_text != "?" and dow_text != "?":
        raise ExpressionError(
            "day-of-week",
            dow_text,
            f"must be '?' when day-of-month is '{dom_text}': exactly one of them is '?'",
        )
    day: MonthDays | WeekDays = _week_days(dow_text) if dom_text == "?" else _month_days(dom_text)
    return CronSpec(minutes, hours, months, years, day, fields)
