"""Every run of many schedules inside one span (an hour, a day, a week), as minutes: the
fleet timeline's engine (``core/fleet/timeline.py``).

The same answers as ``runs.instants`` (``tests/core/test_span_runs.py`` holds them equal on
every kind of expression, zone and daylight-saving change), computed for a whole span at once
instead of one instant at a time, because 100,000 schedules must take under 2 s:

- rate(): the runs are arithmetic (the anchor plus whole periods, in microseconds, as
  ``runs.py`` does), and a period is always whole minutes: a ``range`` of minutes.
- cron(): a day's fire times are the same every day its day rule allows, so the times of
  day (minutes x hours) are computed once per expression and the allowed days once per
  expression and span; each day's wall times become instants by the zone's offset, or, on a
  day whose offset changes (daylight saving), one by one by AWS's rule (``zones.localize``).
- at(): one instant.

A minute is counted from ``base`` (the span's first minute): minute ``m`` holds the runs in
[base + m min, base + (m + 1) min).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from schedtui.core.expressions.cron import CronSpec, MonthDays, WeekDays
from schedtui.core.expressions.engine import can_ever_fire, engine_for
from schedtui.core.expressions.parse import (
    AtExpression,
    CronExpression,
    ParsedExpression,
    RateExpression,
)
from schedtui.core.expressions.runs import HORIZON
from schedtui.core.expressions.zones import localize, utc

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TINY = timedelta(microseconds=1)
_MINUTE_US = 60_000_000
_HORIZON_US = (HORIZON - _EPOCH) // _TINY
_DAY = timedelta(days=1)
_EPOCH_DAY_S = (
    _EPOCH.date().toordinal() * 86_400
)  # midnight of day d: d.toordinal() * 86,400 - this


def micros(instant: datetime) -> int:
    """An instant as whole microseconds since 1970 (naive taken as UTC), as ``runs.py``."""
    return (utc(instant) - _EPOCH) // _TINY


@lru_cache(maxsize=4096)
def _times_of_day(minutes: frozenset[int], hours: frozenset[int]) -> tuple[int, ...]:
    """Seconds after midnight of each fire time of a day, in order."""
    return tuple(h * 3600 + m * 60 for h in sorted(hours) for m in sorted(minutes))


def _plain_day(spec: CronSpec, day: date) -> bool:
    """Whether a plain day rule (a set of days of the month or of the week) allows ``day``."""
    if day.month not in spec.months or day.year not in spec.years:
        return False
    rule = spec.day
    if isinstance(rule, MonthDays):
        return day.day in rule.days
    return day.isoweekday() % 7 + 1 in rule.days  # AWS: 1 = Sunday ... 7 = Saturday


def _is_plain(rule: MonthDays | WeekDays) -> bool:
    if isinstance(rule, MonthDays):
        special = rule.last or rule.last_weekday or rule.nearest_weekday or rule.before_last
        return not special
    return rule.last_of is None and rule.nth is None


@lru_cache(maxsize=4096)
def allowed_days(spec: CronSpec, first: date, last: date) -> tuple[date, ...]:
    """The days from ``first`` to ``last`` (inclusive) on which ``spec`` fires, in order.

    L, LW, nW, L-n, nL and n#k are asked of the engine itself (the expression at midnight
    only: which day they pick never depends on the time of day), so they mean exactly what
    they mean everywhere else."""
    if not can_ever_fire(spec):
        return ()
    if _is_plain(spec.day):
        count = (last - first).days + 1
        days = (first + timedelta(days=offset) for offset in range(count))
        return tuple(day for day in days if _plain_day(spec, day))
    probe = engine_for(replace(spec, minutes=frozenset({0}), hours=frozenset({0})))
    found: list[date] = []
    # LW and L-n move a month's last day back by up to 30 days: start the probe early.
    start = datetime(first.year, first.month, first.day) - timedelta(days=32)
    for wall in probe.wall_times(start):
        day = wall.date()
        if day > last + timedelta(days=32):
            break
        if first <= day <= last:
            found.append(day)
    return tuple(sorted(set(found)))


@lru_cache(maxsize=8192)
def _day_offset(zone: ZoneInfo, day: date) -> int | None:
    """The zone's UTC offset in seconds when it is the same all ``day`` long, else None (a
    daylight-saving change that day: its wall times are localized one by one)."""
    start = datetime(day.year, day.month, day.day)
    samples = (start, start + timedelta(hours=12), start + timedelta(hours=23, minutes=59))
    offsets = set()
    for wall in samples:
        for fold in (0, 1):
            offset = wall.replace(tzinfo=zone, fold=fold).utcoffset()
            offsets.add(offset)
    # Noon in UTC as well: a change and its reversal within one day would otherwise hide.
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC).astimezone(zone).utcoffset()
    offsets.add(noon)
    if len(offsets) != 1:
        return None
    (only,) = offsets
    return None if only is None else int(only.total_seconds())


def _cron_seconds(spec: CronSpec, zone: ZoneInfo, after: datetime, until: datetime) -> list[int]:
    """The instants (whole seconds since 1970) of ``spec`` in (after, until), in order."""
    times = _times_of_day(spec.minutes, spec.hours)
    if not times:
        return []
    # The days seen on any clock between the two instants (a zone is at most a day off UTC).
    first, last = after.date() - _DAY, until.date() + _DAY
    found: list[int] = []
    for day in allowed_days(spec, first, last):
        offset = _day_offset(zone, day)
        midnight = int(
            (datetime(day.year, day.month, day.day, tzinfo=UTC) - _EPOCH).total_seconds()
        )
        if offset is not None:
            base = midnight - offset
            found.extend(base + time for time in times)
            continue
        wall_midnight = datetime(day.year, day.month, day.day)
        for time in times:
            instant = localize(wall_midnight + timedelta(seconds=time), zone)
            if instant is not None:  # None: skipped by spring-forward
                found.append(int((instant - _EPOCH).total_seconds()))
    low = after.timestamp()
    high = until.timestamp()
    return found[bisect_right(found, low) : bisect_left(found, high)]


class SpanRuns:
    """The runs strictly after ``after`` and strictly before ``until``, as minutes from
    ``base`` (at or before ``after``). Answers for one cron expression in one zone are
    computed once and shared by every schedule that has them (``cron``)."""

    def __init__(self, base: datetime, after: datetime, until: datetime) -> None:
        self.base, self.after, self.until = utc(base), utc(after), utc(until)
        self._base_us, self._after_us = micros(self.base), micros(self.after)
        self._until_us = min(micros(self.until), _HORIZON_US)
        self._base_s = self._base_us // 1_000_000
        self._cron: dict[tuple[CronSpec, ZoneInfo], tuple[list[int], list[int]]] = {}

    def cron(self, spec: CronSpec, zone: ZoneInfo) -> tuple[list[int], list[int]]:
        """The runs of ``spec`` in ``zone`` in the span (no start or end date): their
        instants (whole seconds since 1970) and their minutes, both in order."""
        key = (spec, zone)
        found = self._cron.get(key)
        if found is None:
            seconds = _cron_seconds(spec, zone, self.after, self.until)
            base = self._base_s
            found = self._cron[key] = (seconds, [(s - base) // 60 for s in seconds])
        return found

    def cron_bounds(
        self, seconds: list[int], start_us: int | None, end_us: int | None
    ) -> tuple[int, int]:
        """The slice of a cron's runs (``cron``'s seconds) within StartDate and EndDate
        (both inclusive)."""
        low = 0 if start_us is None else bisect_left(seconds, -(-start_us // 1_000_000))
        high = len(seconds) if end_us is None else bisect_right(seconds, end_us // 1_000_000)
        return low, max(low, high)

    def rate(self, period_seconds: int, anchor_us: int | None, end_us: int | None) -> range:
        """The minutes of a rate(): the anchor (StartDate, else creation; ``None``: created
        at ``after``, so it fires then) and every period after it, as ``runs.py`` counts."""
        period = period_seconds * 1_000_000
        cursor = self._after_us
        start = cursor if anchor_us is None else anchor_us
        steps = 0 if cursor <= start else (cursor - start) // period + 1
        first = start + steps * period
        limit = self._until_us - 1 if end_us is None else min(end_us, self._until_us - 1)
        if first > limit:
            return range(0)
        count = (limit - first) // period + 1
        minute = (first - self._base_us) // _MINUTE_US
        step = period // _MINUTE_US
        return range(minute, minute + count * step, step)

    def once(self, wall: datetime, zone: ZoneInfo) -> range:
        """The minute of an at() (StartDate and EndDate do not apply to it)."""
        instant = localize(wall, zone)
        if instant is None or not self.after < instant < self.until or instant >= HORIZON:
            return range(0)
        minute = (micros(instant) - self._base_us) // _MINUTE_US
        return range(minute, minute + 1)

    def minutes(
        self,
        parsed: ParsedExpression,
        zone: ZoneInfo,
        *,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        anchor: datetime | None = None,
    ) -> Sequence[int]:
        """The minutes of one schedule's runs in the span, in order (what
        ``runs.instants`` gives, as minutes)."""
        end_us = None if end_date is None else micros(end_date)
        if isinstance(parsed, RateExpression):
            start = start_date or anchor
            return self.rate(parsed.seconds, None if start is None else micros(start), end_us)
        if isinstance(parsed, AtExpression):
            return self.once(parsed.wall, zone)
        assert isinstance(parsed, CronExpression)
        seconds, minutes = self.cron(parsed.spec, zone)
        start_us = None if start_date is None else micros(start_date)
        low, high = self.cron_bounds(seconds, start_us, end_us)
        return minutes[low:high]
