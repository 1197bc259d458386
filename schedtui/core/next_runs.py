"""When a schedule fires next: aware UTC instants for at(), rate() and cron().

Bounds follow AWS: StartDate and EndDate are inclusive and apply to recurring schedules
only (AWS ignores both for one-time ``at()`` schedules). A rate() schedule fires at its
anchor (StartDate, else its creation time) and every period after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from schedtui.core.cron_engine import engine_for
from schedtui.core.expression import (
    AtExpression,
    CronExpression,
    ParsedExpression,
    RateExpression,
    parse_expression,
)
from schedtui.core.timezones import load_zone, localize, utc

_TINY = timedelta(microseconds=1)
_UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True)
class Run:
    """One invocation: ``at`` is the scheduled instant (UTC); with a flexible window the
    target is invoked some time in [at, window_end]."""

    at: datetime
    window_end: datetime | None = None


def _cron_instants(
    expression: CronExpression, zone: ZoneInfo, after: datetime
) -> Iterator[datetime]:
    wall_after = after.astimezone(zone).replace(tzinfo=None)
    for wall in engine_for(expression.spec).wall_times(wall_after):
        instant = localize(wall, zone)
        # None: skipped by spring-forward. <= after: a repeated wall time whose first
        # occurrence is already behind us (``after`` fell in the second one).
        if instant is not None and instant > after:
            yield instant


def _rate_instants(period: timedelta, anchor: datetime, after: datetime) -> Iterator[datetime]:
    steps = 0 if after < anchor else (after - anchor) // period + 1
    instant = anchor + steps * period
    while True:
        yield instant
        instant += period


def instants(
    parsed: ParsedExpression,
    zone: ZoneInfo,
    after: datetime,
    *,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    anchor: datetime | None = None,
) -> Iterator[datetime]:
    """Every fire instant strictly after ``after``, in order (an unbounded iterator)."""
    after = utc(after)
    if isinstance(parsed, AtExpression):
        instant = localize(parsed.wall, zone)
        if instant is not None and instant > after:
            yield instant
        return
    if isinstance(parsed, RateExpression):
        rate_anchor = utc(start_date or anchor or after)
        stream = _rate_instants(parsed.period, rate_anchor, after)
    else:
        if start_date is not None:
            after = max(after, utc(start_date) - _TINY)
        stream = _cron_instants(parsed, zone, after)
    end = utc(end_date) if end_date is not None else None
    for instant in stream:
        if end is not None and instant > end:
            return
        yield instant


def next_runs(
    expression: str | ParsedExpression,
    zone: str | None = "UTC",
    *,
    after: datetime,
    count: int = 10,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    anchor: datetime | None = None,
    window_minutes: int | None = None,
) -> list[Run]:
    """The next ``count`` runs strictly after ``after``.

    Raises ExpressionError or ZoneError for invalid input. Naive datetimes are taken as UTC.
    """
    parsed = parse_expression(expression) if isinstance(expression, str) else expression
    stream = instants(
        parsed,
        load_zone(zone),
        after,
        start_date=start_date,
        end_date=end_date,
        anchor=anchor,
    )
    window = timedelta(minutes=window_minutes) if window_minutes else None
    return [Run(at, at + window if window else None) for at in islice(stream, max(count, 0))]


class NextRunCache:
    """The next run of many schedules at one instant, as a list view needs it.

    A list of 100,000 schedules repeats a few thousand (expression, zone) pairs, and every
    row is asked about the same instant, so each pair is computed once. Start and end dates
    are applied to the shared answer instead of being part of the key, except for a start
    date still in the future, which moves the question. rate() runs depend on each
    schedule's anchor and are plain arithmetic, so they are not shared.
    """

    def __init__(self, after: datetime) -> None:
        self.after = utc(after)
        self._shared: dict[tuple[str, str | None, datetime | None], datetime | None] = {}

    def next_run(
        self,
        expression: str,
        zone: str | None = None,
        *,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        anchor: datetime | None = None,
    ) -> datetime | None:
        """The next run strictly after ``self.after``, or None; raises for invalid input."""
        parsed = parse_expression(expression)
        if isinstance(parsed, RateExpression):
            stream = instants(
                parsed,
                _UTC_ZONE,
                self.after,
                start_date=start_date,
                end_date=end_date,
                anchor=anchor,
            )
            return next(stream, None)
        start = utc(start_date) if start_date is not None else None
        if start is not None and (start <= self.after or isinstance(parsed, AtExpression)):
            start = None  # a past start date (or any, for at()) does not change the answer
        key = (expression, zone, start)
        if key not in self._shared:
            stream = instants(parsed, load_zone(zone), self.after, start_date=start)
            self._shared[key] = next(stream, None)
        found = self._shared[key]
        if (
            found is not None
            and end_date is not None
            and not isinstance(parsed, AtExpression)
            and found > utc(end_date)
        ):
            return None
        return found
