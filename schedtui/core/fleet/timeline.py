"""The fleet timeline: every listed schedule's upcoming runs over the next hour, day or week,
counted per minute, with the busiest minutes, the collisions of schedules that share a
target in one minute, and where a flexible window would spread the load.

Computed by the expression engine's span evaluator (``core/expressions/span.py``, held equal
to ``runs.instants``); 100,000 schedules in under 2 s (``tests/bench/test_bench_timeline.py``).
Two ways in, one computation: whole ``Schedule`` definitions (``timeline``) or the store's
columns, which is how the app holds a large fleet (``columns_timeline``).

How it stays fast: schedules with the same runs in the span (the same cron in the same zone
and the same bounds; the same rate() step and first minute) share one *signature*, and every
figure is computed per signature, not per schedule. Per-minute counts are added through
difference arrays (a cron's runs by position, a rate()'s by stride), so a signature held by a
thousand schedules costs what one does.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from itertools import accumulate, chain, pairwise
from operator import add
from typing import Final, NamedTuple

from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.parse import (
    AtExpression,
    CronExpression,
    RateExpression,
    parse_expression,
)
from schedtui.core.expressions.span import SpanRuns, micros
from schedtui.core.expressions.zones import load_zone, utc
from schedtui.core.schedules.columns import DISABLED, NO_TIME, ScheduleColumns, instant_of
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import Schedule

MAX_BUSIEST: Final = 10  # busiest minutes reported
MAX_NAMES: Final = 5  # schedules named per busy minute
MAX_COLLISIONS: Final = 50
MAX_SUGGESTIONS: Final = 50
# The window suggested: a quarter of an hour spreads a burst without moving a run far (and
# never more than the schedule's own period: a window longer than the period is a finding of
# the doctor's). AWS takes 1-1440 minutes.
SUGGESTED_WINDOW: Final = 15
# A minute is busy enough to suggest spreading it at this many times the span's average
# (over the minutes that have runs) and at least BUSY_RUNS runs.
BUSY_FACTOR: Final = 4
BUSY_RUNS: Final = 10
# A rate() with at most this many runs in the span is added run by run; more, by stride.
_FEW: Final = 8


class ScheduleKey(NamedTuple):
    """A schedule, by its group and name: two fields, never one "group/name" text, which a
    hostile name makes ambiguous (group "a/b" with name "c" reads as group "a" with name
    "b/c"). ``path`` is that text, for display only."""

    group: str
    name: str

    @property
    def path(self) -> str:
        return f"{self.group}/{self.name}"


class Span(Enum):
    HOUR = ("1h", timedelta(hours=1))
    DAY = ("24h", timedelta(days=1))
    WEEK = ("7d", timedelta(days=7))

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def length(self) -> timedelta:
        return self.value[1]

    @property
    def minutes(self) -> int:
        return self.length // timedelta(minutes=1)


@dataclass(frozen=True)
class BusyMinute:
    at: datetime  # the minute's start, UTC
    runs: int
    schedules: tuple[ScheduleKey, ...]  # the first few (fewest runs in the span first)
    # Every schedule that runs in it, in the same order (``schedules`` is its first
    # MAX_NAMES): what the screen lists on "… N more". Empty: only ``schedules`` is known.
    behind: tuple[ScheduleKey, ...] = ()


@dataclass(frozen=True)
class Collision:
    target_arn: str
    at: datetime  # the first minute they collide in, UTC
    schedules: tuple[ScheduleKey, ...]  # two or more
    minutes: int = 1  # how many minutes of the span these schedules collide in


@dataclass(frozen=True)
class Suggestion:
    schedule: ScheduleKey
    window_minutes: int  # a FlexibleTimeWindow that would spread the load
    why: str


@dataclass(frozen=True)
class Timeline:
    start: datetime  # the first minute, UTC
    span: Span
    per_minute: Sequence[int]  # runs in each minute from ``start``
    busiest: tuple[BusyMinute, ...]
    collisions: tuple[Collision, ...]  # the largest first, at most MAX_COLLISIONS
    suggestions: tuple[Suggestion, ...]
    schedules: int  # how many were counted (ENABLED, with a run in the span)
    skipped: int  # DISABLED or unreadable expressions
    collisions_total: int = 0  # before the cut to MAX_COLLISIONS
    pending: int = 0  # listed, their definition not read yet (columns only)

    @property
    def runs(self) -> int:
        return sum(self.per_minute)


@dataclass
class _Fleet:
    """The schedules to count, as parallel lists (index i is one schedule): ENABLED ones
    only. Instants are float seconds since 1970 (``NO_TIME``: none), as the columns hold
    them."""

    key: Callable[[int], ScheduleKey]  # index -> the schedule
    expressions: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    created: list[float] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    windows: list[int] = field(default_factory=list)
    skipped: int = 0
    pending: int = 0

    def add(
        self,
        expression: str,
        zone: str,
        start: float,
        end: float,
        created: float,
        target: str,
        window: int,
    ) -> None:
        self.expressions.append(expression)
        self.zones.append(zone)
        self.starts.append(start)
        self.ends.append(end)
        self.created.append(created)
        self.targets.append(target)
        self.windows.append(window)


def timeline(schedules: Sequence[Schedule], now: datetime, span: Span) -> Timeline:
    """The timeline of whole definitions (e.g. those ``DetailsCache.whole`` read)."""
    keys: list[ScheduleKey] = []
    fleet = _Fleet(keys.__getitem__)
    for schedule in schedules:
        if schedule.state != "ENABLED":
            fleet.skipped += 1
            continue
        digest = ScheduleDigest.of(schedule)
        keys.append(ScheduleKey(digest.group, digest.name))
        fleet.add(
            digest.expression,
            digest.zone,
            _seconds(digest.start_date),
            _seconds(digest.end_date),
            _seconds(digest.creation_date),
            digest.target_arn,
            digest.window,
        )
    return _compute(fleet, now, span)


def columns_timeline(columns: ScheduleColumns, now: datetime, span: Span) -> Timeline:
    """The timeline of every live schedule in the store whose definition is known; those
    listed but not read yet are counted in ``pending``. Call it off the UI thread: it holds
    the columns' lock while it copies them (a few tenths of a second at 100,000)."""
    rows: list[int] = []

    def key(index: int) -> ScheduleKey:
        row = rows[index]
        return ScheduleKey(columns.groups.values[columns.group[row]], columns.names[row])

    fleet = _Fleet(key)
    with columns.lock:
        expressions, zones = columns.expressions.values, columns.zones.values
        targets = columns.targets.values
        alive, detailed, state = columns.alive, columns.detailed, columns.state
        for row in range(len(columns)):
            if not alive[row]:
                continue
            if not detailed[row]:
                fleet.pending += 1
                continue
            if state[row] == DISABLED:
                fleet.skipped += 1
                continue
            rows.append(row)
            fleet.add(
                expressions[columns.expression[row]],
                zones[columns.zone[row]],
                columns.start[row],
                columns.end[row],
                columns.created[row],
                targets[columns.target[row]],
                columns.window[row],
            )
    return _compute(fleet, now, span)


def _seconds(instant: datetime | None) -> float:
    return NO_TIME if instant is None else utc(instant).timestamp()


def _micros(seconds: float) -> int | None:
    """Float seconds back to the exact microsecond the columns mean (``instant_of``)."""
    instant = instant_of(seconds)
    return None if instant is None else micros(instant)


# A signature: the runs a group of schedules share in the span. (0, key, low, high): a
# cron's runs from position low to high of key's runs; (1, step, first, count): count runs,
# step minutes apart, from minute first (a rate(), or an at() with one run).
_Signature = tuple[int, int, int, int]


class _Counting:
    """One timeline's computation (see the module's docstring)."""

    def __init__(self, fleet: _Fleet, now: datetime, span: Span) -> None:
        self.fleet = fleet
        self.now = utc(now)
        self.span = span
        self.start = self.now.replace(second=0, microsecond=0)
        self.length = span.minutes
        self.runs = SpanRuns(self.start, self.now, self.start + span.length)
        # (expression, zone) -> what a schedule of them needs: a cron key, a rate period
        # in seconds, an at()'s minutes, or None (unreadable).
        self._kinds: dict[tuple[str, str], tuple[int, object] | None] = {}
        self.key_seconds: list[list[int]] = []  # cron key -> its runs' instants
        self.key_minutes: list[list[int]] = []  # cron key -> its runs' minutes
        self.signature: list[_Signature | None] = []  # per schedule
        self.members: dict[_Signature, list[int]] = {}
        self.skipped = fleet.skipped

    def _kind(self, expression: str, zone: str) -> tuple[int, object] | None:
        if (expression, zone) in self._kinds:
            return self._kinds[(expression, zone)]
        kind: tuple[int, object] | None
        try:
            parsed = parse_expression(expression)
            tz = load_zone(zone or None)
        except (ExpressionError, ZoneError):
            kind = None
        else:
            if isinstance(parsed, CronExpression):
                seconds, minutes = self.runs.cron(parsed.spec, tz)
                self.key_seconds.append(seconds)
                self.key_minutes.append(minutes)
                kind = (0, len(self.key_seconds) - 1)
            elif isinstance(parsed, RateExpression):
                kind = (1, parsed.seconds)
            else:
                assert isinstance(parsed, AtExpression)
                kind = (2, self.runs.once(parsed.wall, tz))
        self._kinds[(expression, zone)] = kind
        return kind

    def sign(self) -> None:
        """Each schedule's signature, and the schedules of each signature."""
        fleet, runs = self.fleet, self.runs
        members = self.members
        for index, expression in enumerate(fleet.expressions):
            kind = self._kind(expression, fleet.zones[index])
            signature: _Signature | None = None
            if kind is None:
                self.skipped += 1
            elif kind[0] == 0:
                key = kind[1]
                assert isinstance(key, int)
                start, end = fleet.starts[index], fleet.ends[index]
                if start == NO_TIME and end == NO_TIME:
                    low, high = 0, len(self.key_seconds[key])
                else:
                    low, high = runs.cron_bounds(
                        self.key_seconds[key], _micros(start), _micros(end)
                    )
                if high > low:
                    signature = (0, key, low, high)
            else:
                if kind[0] == 1:
                    period = kind[1]
                    assert isinstance(period, int)
                    anchor = fleet.starts[index]
                    if anchor == NO_TIME:
                        anchor = fleet.created[index]
                    found = runs.rate(period, _micros(anchor), _micros(fleet.ends[index]))
                else:
                    found = kind[1]  # type: ignore[assignment]
                    assert isinstance(found, range)
                if found:
                    signature = (1, found.step, found.start, len(found))
            self.signature.append(signature)
            if signature is not None:
                members.setdefault(signature, []).append(index)

    def minutes_of(self, signature: _Signature) -> Sequence[int]:
        tag, a, b, c = signature
        if tag == 0:
            return self.key_minutes[a][b:c]
        return range(b, b + a * c, a)

    def per_minute(self) -> list[int]:
        """Runs per minute, by difference arrays: per cron key over its runs' positions,
        per rate() step over the minutes (each residue's running sum in C)."""
        length = self.length
        counts = [0] * length
        by_key: dict[int, list[int]] = {}
        by_step: dict[int, list[int]] = {}
        for signature, held in self.members.items():
            tag, a, b, c = signature
            weight = len(held)
            if tag == 0:
                diff = by_key.get(a)
                if diff is None:
                    diff = by_key[a] = [0] * (len(self.key_minutes[a]) + 1)
                diff[b] += weight
                diff[c] -= weight
            elif c <= _FEW:
                for minute in range(b, b + a * c, a):
                    counts[minute] += weight
            else:
                diff = by_step.get(a)
                if diff is None:
                    diff = by_step[a] = [0] * (length + a)
                diff[b] += weight
                diff[b + a * c] -= weight
        for key, diff in by_key.items():
            for minute, weight in zip(self.key_minutes[key], accumulate(diff), strict=False):
                counts[minute] += weight
        for step, diff in by_step.items():
            for residue in range(min(step, length)):
                running = list(accumulate(diff[residue:length:step]))
                counts[residue:length:step] = list(map(add, counts[residue:length:step], running))
        return counts

    def has_minute(self, signature: _Signature, minute: int) -> bool:
        tag, a, b, c = signature
        if tag == 1:
            return minute in range(b, b + a * c, a)
        minutes = self.key_minutes[a]
        position = bisect_left(minutes, minute, b, c)
        return position < c and minutes[position] == minute

    def runs_of(self, index: int) -> int:
        signature = self.signature[index]
        return 0 if signature is None else _size(signature)

    def period(self, index: int) -> int:
        """The shortest time between two of the schedule's runs in the span, in minutes
        (SUGGESTED_WINDOW when it runs once in it)."""
        signature = self.signature[index]
        if signature is None or _size(signature) < 2:
            return SUGGESTED_WINDOW
        if signature[0] == 1:
            return signature[1]
        minutes = self.minutes_of(signature)
        return max(1, min(b - a for a, b in pairwise(minutes)))

    def at(self, minute: int) -> datetime:
        return self.start + timedelta(minutes=minute)

    def busiest(self, counts: list[int]) -> list[tuple[int, list[int]]]:
        """The busiest minutes (most runs first, then the earliest) with the schedules
        that run in each."""
        top = heapq.nsmallest(
            MAX_BUSIEST, (m for m in range(len(counts)) if counts[m]), key=lambda m: (-counts[m], m)
        )
        behind: dict[int, list[int]] = {minute: [] for minute in top}
        if not top:
            return []
        for signature, held in self.members.items():
            for minute in top:
                if self.has_minute(signature, minute):
                    behind[minute].extend(held)
        return [(minute, behind[minute]) for minute in top]

    def collisions(self) -> list[tuple[str, int, list[int], int]]:
        """(target, first minute, schedules, minutes) for each set of schedules that share
        a target and run in the same minute."""
        by_target: dict[str, list[int]] = {}
        targets = self.fleet.targets
        for index, signature in enumerate(self.signature):
            if signature is not None:
                by_target.setdefault(targets[index], []).append(index)
        found: list[tuple[str, int, list[int], int]] = []
        for target, held in by_target.items():
            if len(held) < 2 or not target:
                continue
            shared: dict[_Signature, list[int]] = {}
            for index in held:
                shared.setdefault(self.signature[index], []).append(index)  # type: ignore[arg-type]
            if len(shared) == 1:  # the same runs: they collide in every one
                ((signature, same),) = shared.items()
                minutes = self.minutes_of(signature)
                found.append((target, minutes[0], same, len(minutes)))
                continue
            # Minutes where two of its signatures meet (counted in C), then which meet there.
            meeting = Counter(chain.from_iterable(map(self.minutes_of, shared)))
            multi = sorted(minute for minute, count in meeting.items() if count > 1)
            groups: dict[tuple[_Signature, ...], list[int]] = {}  # -> [first minute, count]
            for minute in multi:
                signatures = tuple(s for s in shared if self.has_minute(s, minute))
                entry = groups.setdefault(signatures, [minute, 0])
                entry[1] += 1
            # A signature several schedules share collides alone in its other minutes.
            met = set(multi)
            for signature, same in shared.items():
                if len(same) > 1:
                    minutes = self.minutes_of(signature)
                    alone = [m for m in minutes if m not in met] if met else minutes
                    if alone:
                        groups[(signature,)] = [alone[0], len(alone)]
            for colliding, (first, count) in groups.items():
                together = sorted(i for signature in colliding for i in shared[signature])
                found.append((target, first, together, count))
        found.sort(key=lambda c: (-len(c[2]), -c[3], c[1], c[0]))
        return found


def _size(signature: _Signature) -> int:
    tag, _a, b, c = signature
    return c - b if tag == 0 else c


def _compute(fleet: _Fleet, now: datetime, span: Span) -> Timeline:
    counting = _Counting(fleet, now, span)
    counting.sign()
    counts = counting.per_minute()
    key, windows = fleet.key, fleet.windows

    def ordered(indexes: Iterable[int]) -> list[int]:
        """Most runs in the span first, then in the fleet's order."""
        return sorted(indexes, key=lambda i: (-counting.runs_of(i), i))

    def named(indexes: Iterable[int]) -> list[ScheduleKey]:
        return [key(i) for i in indexes]

    def rarest(indexes: Iterable[int]) -> list[int]:
        """Fewest runs in the span first: what makes a minute busy is the schedules that
        run in it and seldom otherwise, not the every-minute ones that run in all of them."""
        return sorted(indexes, key=lambda i: (counting.runs_of(i), i))

    behind = counting.busiest(counts)
    # A schedule behind several busy minutes is named once (an every-minute one is behind
    # all of them).
    keys: dict[int, ScheduleKey] = {}

    def everyone(held: list[int]) -> tuple[ScheduleKey, ...]:
        for index in held:
            if index not in keys:
                keys[index] = key(index)
        return tuple(map(keys.__getitem__, held))

    busiest = []
    for minute, held in behind:
        listed = everyone(rarest(held))
        busiest.append(BusyMinute(counting.at(minute), counts[minute], listed[:MAX_NAMES], listed))
    found = counting.collisions()
    collisions = [
        Collision(target, counting.at(first), tuple(named(ordered(held))), minutes)
        for target, first, held, minutes in found[:MAX_COLLISIONS]
    ]

    suggestions: dict[int, Suggestion] = {}

    def suggest(index: int, why: str) -> None:
        if windows[index] or index in suggestions:
            return
        window = min(SUGGESTED_WINDOW, counting.period(index))
        suggestions[index] = Suggestion(key(index), window, why)

    label = span.label
    for target, first, held, minutes in found:
        if len(suggestions) >= MAX_SUGGESTIONS:
            break
        when = f"{counting.at(first):%a %H:%M} UTC"
        times = f", {minutes} times in the next {label}" if minutes > 1 else ""
        for index in ordered(held):
            others = len(held) - 1
            why = (
                f"runs with {others} other schedule{'s' if others > 1 else ''} on the same "
                f"target ({target}) at {when}{times}: a window spreads their invocations"
            )
            suggest(index, why)
    busy = _busy_threshold(counts)
    for minute, held in behind:
        if counts[minute] < busy or len(suggestions) >= MAX_SUGGESTIONS:
            continue
        when = f"{counting.at(minute):%a %H:%M} UTC"
        for index in ordered(held)[:MAX_NAMES]:
            why = (
                f"one of {counts[minute]} runs at {when}, among the busiest minutes of the "
                f"next {label}: a window moves it off the peak"
            )
            suggest(index, why)

    counted = sum(1 for signature in counting.signature if signature is not None)
    return Timeline(
        start=counting.start,
        span=span,
        per_minute=counts,
        busiest=tuple(busiest),
        collisions=tuple(collisions),
        suggestions=tuple(suggestions.values())[:MAX_SUGGESTIONS],
        schedules=counted,
        skipped=counting.skipped,
        collisions_total=len(found),
        pending=fleet.pending,
    )


def _busy_threshold(counts: Sequence[int]) -> float:
    """Runs from which a minute is worth spreading (see BUSY_FACTOR)."""
    used = [count for count in counts if count]
    if not used:
        return float("inf")
    return max(BUSY_RUNS, BUSY_FACTOR * sum(used) / len(used))
