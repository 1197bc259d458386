"""Invocations and the Scheduler cost: per schedule and per group, per month.

Invocations come from the expression (runs in a 30-day month; plus retries observed in the
metrics when the caller has them). The price table lives in ``prices.py`` (one place, with
its source and date). Target costs (Lambda, Step Functions...) are not included.

The month is the 30 days after ``now``: runs strictly after it, up to and including
``now + 30 days``, by the engine's rules (``core/expressions/runs.py``): rate() from its
StartDate or creation time, cron() on the wall clock of its zone (a time skipped by
daylight saving does not run, a repeated one runs once), StartDate and EndDate inclusive
and ignored for at(), which counts once if it falls in the month. DISABLED counts 0.

The bill applies the free tier once, to the account's total; a group's (or a schedule's)
USD is its share of that bill, in proportion to its invocations.

Counting is shared: 100,000 schedules repeat a few thousand (expression, zone) pairs, a
cron's days are found once per day rule, and a day without a daylight-saving change is
counted by arithmetic (its runs are its hours times its minutes), so that a per-minute
cron costs the same as a daily one (``tests/bench/test_bench_cost.py``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from schedtui.core.expressions.engine import LAST_YEAR, engine_for
from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.parse import (
    AtExpression,
    CronExpression,
    RateExpression,
    parse_expression,
)
from schedtui.core.expressions.runs import HORIZON
from schedtui.core.expressions.zones import load_zone, localize, utc
from schedtui.core.fleet.prices import FREE_INVOCATIONS_PER_MONTH, PRICE_NOTE, monthly_bill
from schedtui.core.monitoring.metrics import (
    DROPPED,
    FAILED_TO_DLQ,
    SENT_TO_DLQ,
    TARGET_ERRORS,
    MetricSeries,
)
from schedtui.core.schedules.columns import DISABLED, NO_TIME, ScheduleColumns, seconds_of
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import Schedule

MONTH: Final = timedelta(days=30)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_DAY: Final = timedelta(days=1)
_HORIZON_SECONDS: Final = HORIZON.timestamp()
_LAST_DAY: Final = date(LAST_YEAR, 12, 31)

# Retries observed: every failed attempt is retried unless it was the last (then it went to
# the DLQ, failed to, or was dropped). Scheduler publishes no retry count, so this is our
# reading of its metrics: TargetErrorCount minus those final outcomes, over RETRY_WINDOW,
# scaled to a month. Throttled invocations (InvocationThrottleCount) never reached a target
# and are left out.
RETRY_METRICS: Final = (TARGET_ERRORS, DROPPED, SENT_TO_DLQ, FAILED_TO_DLQ)
RETRY_WINDOW: Final = timedelta(days=7)
RETRY_PERIOD: Final = 86_400  # seconds: one datapoint a day


@dataclass(frozen=True)
class GroupCost:
    group: str
    schedules: int
    invocations: float  # per month, from the expressions
    retries: float  # per month, observed (0 when no metrics)
    usd: float  # the group's share of the account's bill at the published price
    unknown: int = 0  # schedules not counted: definition not read yet, or not evaluable

    @property
    def billed(self) -> int:
        """The invocations billed: the expressions' runs and the retries (an estimate)
        rounded, what the groups list's INV/MO and ``schedtui cost``'s say."""
        return round(self.invocations) + round(self.retries)


@dataclass(frozen=True)
class CostReport:
    groups: tuple[GroupCost, ...]
    invocations: float
    free: float  # the free tier's invocations per month
    usd: float  # the account's Scheduler bill per month
    price_note: str  # the price's source and date, and "target costs not included"
    retries: float = 0.0  # per month, observed (0 when no metrics)
    retries_known: bool = False  # the metrics were read
    unknown: int = 0  # schedules not counted (see GroupCost.unknown)

    @property
    def billed(self) -> float:
        """What the bill is computed on: the expressions' invocations and the retries."""
        return self.invocations + self.retries

    def share(self, invocations: float) -> float:
        """The USD of ``invocations`` of this month's: their share of the account's bill."""
        return self.usd * invocations / self.billed if self.billed else 0.0


# What an (expression, zone) pair is, read once: a cron() with its zone; a rate()'s period
# in seconds (a 1-tuple); an at()'s UTC instant in seconds (-inf: it never runs, skipped by
# daylight saving); None: the expression or the zone cannot be read.
_Known = CronExpression | tuple[int] | float | None


def _read(expression: str, zone: str | None) -> _Known:
    try:
        parsed = parse_expression(expression)
        tz = load_zone(zone)
    except (ExpressionError, ZoneError):
        return None
    if isinstance(parsed, RateExpression):
        return (parsed.seconds,)
    if isinstance(parsed, AtExpression):
        instant = localize(parsed.wall, tz)
        return -math.inf if instant is None else instant.timestamp()
    return parsed


class MonthCounter:
    """Invocations in the 30 days after ``now`` of many schedules, sharing the work."""

    def __init__(self, now: datetime) -> None:
        self.start = utc(now)
        self.end = self.start + MONTH
        self._low = self.start.timestamp()
        self._high = self.end.timestamp()
        self._low_us = _micros(self.start)
        self._high_us = min(_micros(self.end), _micros(HORIZON) - 1)
        self._expressions: dict[tuple[str, str | None], _Known] = {}
        self._counts: dict[tuple[str, str, float, float], int] = {}
        self._days: dict[tuple[object, ...], list[date]] = {}
        self._midnights: dict[tuple[str, date], float | None] = {}

    def count(
        self,
        expression: str,
        zone: str | None,
        *,
        state: str = "ENABLED",
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        created: datetime | None = None,
    ) -> int | None:
        """The schedule's invocations in the month; None when its expression or zone cannot
        be evaluated (a schedule AWS stored that schedtui does not read)."""
        return self.count_seconds(
            expression,
            zone,
            state=state,
            start=seconds_of(start_date),
            end=seconds_of(end_date),
            created=seconds_of(created),
        )

    def count_seconds(
        self,
        expression: str,
        zone: str | None,
        *,
        state: str = "ENABLED",
        start: float = NO_TIME,
        end: float = NO_TIME,
        created: float = NO_TIME,
    ) -> int | None:
        """``count`` with the dates as float seconds since the epoch (NO_TIME: absent), as
        the store's columns hold them: 100,000 rows never become datetimes."""
        if state == "DISABLED":
            return 0
        known = self._expressions.get((expression, zone))
        if known is None:
            known = self._expressions[(expression, zone)] = _read(expression, zone)
        if isinstance(known, float):  # at(): once or never, whatever the dates (AWS ignores them)
            return int(self._low < known <= self._high)
        if known is None:
            return None
        if isinstance(known, tuple):  # rate(): plain arithmetic on whole microseconds
            return self._rate(known[0], start if start != NO_TIME else created, end)
        low = max(self._low, start - 1e-6) if start != NO_TIME else self._low  # inclusive
        high = min(self._high, end) if end != NO_TIME else self._high
        if high <= low:
            return 0
        key = (expression, zone or "", low, high)
        found = self._counts.get(key)
        if found is None:
            found = self._counts[key] = self._cron(known, load_zone(zone), low, high)
        return found

    def _rate(self, period: int, anchor: float, end: float) -> int:
        """anchor + k * period in the month (k >= 0); the anchor counts even at ``now``,
        as in ``runs.instants``; no anchor (not created yet): from ``now``. Whole
        microseconds as ints: no overflow for any N."""
        step = period * 1_000_000
        low = self._low_us
        first = round(anchor * 1_000_000) if anchor != NO_TIME else low
        high = self._high_us if end == NO_TIME else min(self._high_us, round(end * 1_000_000))
        if high < first:
            return 0
        skipped = 0 if low <= first else (low - first) // step + 1
        return max(0, (high - first) // step + 1 - skipped)

    def _cron(self, parsed: CronExpression, zone: ZoneInfo, low: float, high: float) -> int:
        """Runs in (low, high], seconds since the epoch. A day whose offset does not change
        is counted by bisecting its sorted run times; a daylight-saving day run by run."""
        spec = parsed.spec
        offsets = sorted(
            hour * 3600 + minute * 60 for hour in spec.hours for minute in spec.minutes
        )
        times = sorted(time(hour, minute) for hour in spec.hours for minute in spec.minutes)
        total = 0
        for day in self._matching_days(parsed, zone, low, high):
            midnight = self._midnight(zone, day)
            if midnight is not None:
                first = bisect_right(offsets, low - midnight)
                total += max(0, bisect_right(offsets, high - midnight) - first)
                continue
            for at in times:
                instant = localize(datetime.combine(day, at), zone)
                if instant is not None and low < instant.timestamp() <= high:
                    total += 1
        return total

    def _midnight(self, zone: ZoneInfo, day: date) -> float | None:
        """The UTC instant of the day's 00:00 when its offset is the same all day, else None."""
        key = (zone.key, day)
        if key not in self._midnights:
            start = datetime.combine(day, time())
            instant = localize(start, zone)
            steady = instant is not None and zone.utcoffset(start) == zone.utcoffset(start + _DAY)
            self._midnights[key] = instant.timestamp() if steady and instant else None
        return self._midnights[key]

    def _matching_days(
        self, parsed: CronExpression, zone: ZoneInfo, low: float, high: float
    ) -> list[date]:
        """The wall-clock days the expression's day, month and year rules allow around the
        window (a day either side: the zone may put a day's runs in or out of it)."""
        spec = parsed.spec
        first = (datetime.fromtimestamp(low, zone).date()) - _DAY
        last = min(
            datetime.fromtimestamp(min(high, _HORIZON_SECONDS - 1), zone).date() + _DAY,
            date(2199, 12, 31),
        )
        key = (spec.day, spec.months, spec.years, first, last)
        found = self._days.get(key)
        if found is None:
            # The same rules at 00:00: one wall time per allowed day, by the engine itself.
            daily = replace(spec, minutes=frozenset({0}), hours=frozenset({0}), fields=())
            found = []
            for wall in engine_for(daily).wall_times(datetime.combine(first, time()) - _DAY):
                if wall.date() > last:
                    break
                found.append(wall.date())
            self._days[key] = found
        return found


def _micros(instant: datetime) -> int:
    return (instant - _EPOCH) // timedelta(microseconds=1)


def invocations_per_month(schedule: Schedule, now: datetime) -> float:
    """The schedule's invocations in the 30 days after ``now`` (0 when it cannot be
    evaluated: ``cost_report`` counts those apart)."""
    return float(count_digest(MonthCounter(now), ScheduleDigest.of(schedule)) or 0)


def count_digest(counter: MonthCounter, digest: ScheduleDigest) -> int | None:
    """``MonthCounter.count`` of a definition as the details cache keeps it."""
    return counter.count(
        digest.expression,
        digest.zone or None,
        state=digest.state,
        start_date=digest.start_date,
        end_date=digest.end_date,
        created=digest.creation_date,
    )


class CostTally:
    """A report built a schedule at a time (a listing's pages): per group, schedules,
    invocations, and schedules not counted (``None``)."""

    def __init__(self, now: datetime, groups: Iterable[str] = ()) -> None:
        self.counter = MonthCounter(now)
        self.figures: dict[str, list[int]] = {group: [0, 0, 0] for group in groups}

    def add(self, group: str, count: int | None) -> None:
        figures = self.figures.get(group)
        if figures is None:
            figures = self.figures[group] = [0, 0, 0]
        figures[0] += 1
        if count is None:
            figures[2] += 1
        else:
            figures[1] += count

    def add_digest(self, digest: ScheduleDigest) -> int | None:
        """Count one definition in; its count (None: not evaluable)."""
        found = count_digest(self.counter, digest)
        self.add(digest.group, found)
        return found

    def report(self, retries_per_group: Mapping[str, float] | None = None) -> CostReport:
        """The report; ``retries_per_group`` None: the metrics were not read."""
        retries = retries_per_group or {}
        invocations = float(sum(figures[1] for figures in self.figures.values()))
        retried = float(sum(retries.get(group, 0.0) for group in self.figures))
        billed = invocations + retried
        usd = monthly_bill(billed)
        groups = tuple(
            GroupCost(
                group=group,
                schedules=schedules,
                invocations=float(counted),
                retries=retries.get(group, 0.0),
                usd=usd * (counted + retries.get(group, 0.0)) / billed if billed else 0.0,
                unknown=unknown,
            )
            for group, (schedules, counted, unknown) in sorted(self.figures.items())
        )
        return CostReport(
            groups=groups,
            invocations=invocations,
            free=float(FREE_INVOCATIONS_PER_MONTH),
            usd=usd,
            price_note=PRICE_NOTE,
            retries=retried,
            retries_known=retries_per_group is not None,
            unknown=sum(group.unknown for group in groups),
        )


def cost_report(
    schedules: Sequence[Schedule],
    now: datetime,
    retries_per_group: Mapping[str, float] | None = None,
) -> CostReport:
    return digests_cost_report(map(ScheduleDigest.of, schedules), now, retries_per_group)


def digests_cost_report(
    digests: Iterable[ScheduleDigest],
    now: datetime,
    retries_per_group: Mapping[str, float] | None = None,
    groups: Iterable[str] = (),
) -> CostReport:
    """``cost_report`` from the digests the details cache keeps (``groups``: listed even
    without schedules)."""
    tally = CostTally(now, groups)
    for digest in digests:
        tally.add_digest(digest)
    return tally.report(retries_per_group)


def columns_cost_report(
    columns: ScheduleColumns,
    now: datetime,
    retries_per_group: Mapping[str, float] | None = None,
    groups: Iterable[str] = (),
) -> CostReport:
    """``cost_report`` from the store's columns, never building a Schedule: the live rows
    (a row whose definition is not read yet counts as unknown, unless listed DISABLED)."""
    with columns.lock:  # a snapshot: the fetching threads write while this counts
        rows = [row for row, alive in enumerate(columns.alive) if alive]
        group, state, defined = columns.group[:], columns.state[:], columns.defined[:]
        expression, zone = columns.expression[:], columns.zone[:]
        start, end, created = columns.start[:], columns.end[:], columns.created[:]
        names = (
            list(columns.groups.values),
            list(columns.expressions.values),
            list(columns.zones.values),
        )
    group_names, expressions, zones = names
    tally = CostTally(now, groups)
    counter = tally.counter
    for row in rows:
        name = group_names[group[row]]
        if state[row] == DISABLED:
            tally.add(name, 0)
        elif defined[row] == NO_TIME:
            tally.add(name, None)
        else:
            tally.add(
                name,
                counter.count_seconds(
                    expressions[expression[row]],
                    zones[zone[row]] or None,
                    start=start[row],
                    end=end[row],
                    created=created[row],
                ),
            )
    return tally.report(retries_per_group)


def retry_window(now: datetime) -> tuple[datetime, datetime]:
    """The last RETRY_WINDOW of whole UTC days before ``now`` (today, still filling, left
    out): what ``retries_per_month`` scales from."""
    end = datetime.combine(utc(now).date(), time(), UTC)
    return end - RETRY_WINDOW, end


def retries_per_month(series: Iterable[MetricSeries], window: timedelta) -> dict[str, float]:
    """Each group's retries observed over ``window`` (see RETRY_METRICS), scaled to a
    month. The account-wide series are left out: a group's figure is its own.

    Raises:
        ValueError: a datapoint no count can be (NaN, infinite, negative) or a sum too big
            for a float: a bill of "USD inf" or "nan" would say nothing true.
    """
    errors: dict[str, float] = {}
    final: dict[str, float] = {}
    for one in series:
        if one.group is None:
            continue
        if not all(math.isfinite(value) and value >= 0 for value in (*one.values, one.total)):
            raise ValueError(f"{one.metric} of group {one.group} holds a value no count can be")
        if one.metric == TARGET_ERRORS:
            errors[one.group] = errors.get(one.group, 0.0) + one.total
        elif one.metric in RETRY_METRICS:
            final[one.group] = final.get(one.group, 0.0) + one.total
    scale = MONTH / window
    found = {
        group: max(0.0, errors.get(group, 0.0) - final.get(group, 0.0)) * scale
        for group in sorted({*errors, *final})
    }
    if not all(math.isfinite(value) for value in found.values()):
        raise ValueError("retries too many to count")
    return found
