"""croniter under an adapter that makes it evaluate AWS cron exactly.

croniter (7.x) is the engine, fed a five-field expression built from the explicit sets of
:mod:`schedtui.core.expressions.cron`. Each mismatch between croniter and AWS is handled here:

* Day-of-week numbers: AWS counts Sunday as 1, croniter as 0; values are shifted by one.
* Equal ranges (``MON-MON``, ``25-25``) are widened by croniter to the whole field, and its
  wrapping ranges and steps are its own: every field is sent as an explicit list instead.
* ``nL`` / ``FRIL`` (last weekday n of the month) are rejected by croniter, which spells
  them ``L<n-1>``; ``L`` alone in day-of-week (Saturday) becomes the plain value 6.
* ``LW`` (last weekday of the month) does not exist in croniter: it is asked for ``L`` and
  the adapter moves a Saturday or Sunday back to the Friday of the same month itself.
* Years: croniter's year field is its seventh and stops at 2099, while AWS allows up to
  2199. croniter is never given a year; the adapter filters candidates by year itself and
  jumps to the next allowed year, stopping after 2199.
* Time zones: croniter's own zone handling fires skipped times at the next hour and repeated
  times twice. croniter iterates the naive wall clock only; the caller localizes each
  candidate with :func:`schedtui.core.expressions.zones.localize` (AWS's rule).
"""

from __future__ import annotations

import copy
from bisect import bisect_left
from calendar import monthrange
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import lru_cache

from croniter import CroniterBadDateError, croniter

from schedtui.core.expressions.cron import FIELDS, CronSpec, MonthDays, WeekDays

LAST_YEAR = 2199
_SECOND = timedelta(seconds=1)


def _listing(values: frozenset[int], low: int, high: int, shift: int = 0) -> str:
    if len(values) == high - low + 1:
        return "*"
    return ",".join(str(v + shift) for v in sorted(values))


def croniter_expression(spec: CronSpec) -> str:
    """The five-field croniter expression for ``spec`` (years are the adapter's job)."""
    minutes, hours, _dom, month, _dow, _year = FIELDS
    day_of_month, day_of_week = "*", "*"
    day = spec.day
    if isinstance(day, MonthDays):
        if day.last or day.last_weekday or day.before_last:
            # LW and L-n: asked as L, then moved back (to a weekday, or n days) below.
            day_of_month = "L"
        elif day.nearest_weekday is not None:
            day_of_month = f"{day.nearest_weekday}W"
        else:
            day_of_month = _listing(day.days, 1, 31)
    elif day.last_of is not None:
        day_of_week = f"L{day.last_of - 1}"
    elif day.nth is not None:
        weekday, occurrence = day.nth
        day_of_week = f"{weekday - 1}#{occurrence}"
    else:
        day_of_week = _listing(day.days, 1, 7, shift=-1)
    return " ".join(
        (
            _listing(spec.minutes, minutes.low, minutes.high),
            _listing(spec.hours, hours.low, hours.high),
            day_of_month,
            _listing(spec.months, month.low, month.high),
            day_of_week,
        )
    )


def _last_weekday(candidate: datetime) -> datetime:
    """Move the last day of a month back to that month's last Monday-Friday."""
    weekday = candidate.weekday()  # Monday = 0 ... Sunday = 6
    return candidate - timedelta(days=max(0, weekday - 4))


def _month_end(candidate: datetime) -> datetime:
    """The last second of ``candidate``'s month: croniter resumes at the next month."""
    year, month = divmod(candidate.year * 12 + candidate.month, 12)  # the month after
    return datetime(year, month + 1, 1) - _SECOND


class CronEngine:
    """Wall-clock fire times of one AWS cron expression."""

    def __init__(self, spec: CronSpec) -> None:
        self.spec = spec
        self._years = sorted(spec.years)
        day = spec.day
        self._last_weekday = isinstance(day, MonthDays) and day.last_weekday
        self._before_last = day.before_last if isinstance(day, MonthDays) else None
        # nW in a month without day n: the month is skipped (cron.py); croniter would
        # move it to the month's last day.
        self._nearest = day.nearest_weekday if isinstance(day, MonthDays) else None
        # croniter cannot tell that 30W in February never comes: it would offer every
        # minute of every February up to 2199 for the checks below to refuse.
        self._fires = can_ever_fire(spec)
        # max_years_between_matches=1 makes croniter give up after about a year instead of
        # fifty, so that the adapter's own year stepping stays cheap.
        self._prototype = croniter(
            croniter_expression(spec), datetime(2000, 1, 1), max_years_between_matches=1
        )

    def _next_allowed_year(self, year: int) -> int | None:
        index = bisect_left(self._years, year)
        return self._years[index] if index < len(self._years) else None

    def wall_times(self, after: datetime) -> Iterator[datetime]:
        """Naive wall-clock fire times strictly after the naive wall time ``after``."""
        # A private copy: croniter keeps its position in the object, and worker threads
        # share engines through the cache below.
        if not self._fires:
            return
        it = copy.copy(self._prototype)
        cursor = after
        while True:
            year = self._next_allowed_year(cursor.year)
            if year is None:
                return
            if year > cursor.year:
                cursor = datetime(year, 1, 1) - _SECOND
            try:
                candidate: datetime = it.get_next(datetime, start_time=cursor)
            except CroniterBadDateError:
                # croniter searched the rest of this year and all of the next one and
                # found nothing: resume at the end of that next year.
                if cursor.year + 1 >= LAST_YEAR:
                    return
                cursor = datetime(cursor.year + 2, 1, 1) - _SECOND
                continue
            cursor = candidate
            if candidate.year not in self.spec.years:
                if candidate.year > LAST_YEAR:
                    return
                continue
            if self._nearest and monthrange(candidate.year, candidate.month)[1] < self._nearest:
                cursor = _month_end(candidate)  # the month is skipped: all of it, at once
                continue
            if self._last_weekday or self._before_last:
                if self._last_weekday:
                    candidate = _last_weekday(candidate)
                elif candidate.day <= self._before_last:  # type: ignore[operator]
                    cursor = _month_end(candidate)  # a month too short for L-n: skipped
                    continue
                else:
                    candidate -= timedelta(days=self._before_last)  # type: ignore[arg-type]
                if candidate <= after:
                    continue
            yield candidate


@lru_cache(maxsize=8192)
def engine_for(spec: CronSpec) -> CronEngine:
    """One engine per distinct expression: croniter's parse is its expensive part."""
    return CronEngine(spec)


def can_ever_fire(spec: CronSpec) -> bool:
    """False for expressions such as ``cron(0 0 30 2 ? *)`` that name a day that never comes."""
    day = spec.day
    if isinstance(day, WeekDays):
        return _weekday_rule_can_fire(day, spec)
    if day.nearest_weekday is not None:
        first = day.nearest_weekday  # a month without day n is skipped
    elif day.before_last is not None:
        first = day.before_last + 1  # L-n needs a month of more than n days
    elif not day.days:
        return True  # L and LW find a day in every month
    else:
        first = min(day.days)
    return any(first <= monthrange(year, month)[1] for year in spec.years for month in spec.months)


def _weekday_rule_can_fire(day: WeekDays, spec: CronSpec) -> bool:
    if day.nth is None or day.nth[1] < 5:
        return True
    weekday = day.nth[0] % 7  # AWS 1 = Sunday -> 1 % 7 = 1 ... 7 = Saturday -> 0
    for year in spec.years:
        for month in spec.months:
            first_weekday, days = monthrange(year, month)
            # Python: Monday = 0; AWS: Sunday = 1. Convert the 1st's weekday to AWS % 7.
            first = (first_weekday + 2) % 7
            offset = (weekday - first) % 7
            if offset + 28 < days:
                return True
    return False
