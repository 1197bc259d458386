"""When a schedule fires next: aware UTC instants for at(), rate() and cron().

Bounds follow AWS: StartDate and EndDate are inclusive and apply to recurring schedules
only (AWS ignores both for one-time ``at()`` schedules).

The rate() anchor, one rule for the list, the detail view, the form's preview, the change
warnings and ``schedtui next``:

- A rate() schedule fires at its anchor and every period after it. The anchor is its
  StartDate; without one, its creation time, and it fires at once: "If you do not provide a
  StartDate for a rate-based schedule, your schedule starts invoking the target immediately"
  (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#rate-based).
- A schedule not created yet (no StartDate and no ``anchor`` given) is created at ``after``:
  its first run is then, at once, and is listed. The anchor is always a run: it is listed
  even when it equals ``after`` (the one exception to "strictly after"), so a creation time
  given explicitly means the same as one left out.
- An update keeps the anchor, unless its request has no StartDate where the schedule had
  one: the operator removed it, or it must be dropped because AWS refuses it
  (``start_date_refused``: more than five minutes in the past). The schedule then counts
  from the write, as a new one does. That last point is our
  reading (the documentation does not say where AWS re-anchors); the form's warning
  (``core/changes/warnings.py``) and its preview (``core/schedules/form.py: preview``) both
  follow it through ``counts_from_write``.

Time is bounded: runs are evaluated up to ``HORIZON`` (the end of 2199, cron's last year)
and never beyond, whatever AWS stored (``rate(3000000 days)``, ``at(9999-12-31T23:59:59)``,
a StartDate in year 9999). rate() arithmetic is done on whole microseconds as Python ints,
which cannot overflow, and only instants before the horizon become datetimes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from itertools import islice
from typing import Final
from zoneinfo import ZoneInfo

from schedtui.core.expressions.engine import LAST_YEAR, can_ever_fire, engine_for
from schedtui.core.expressions.parse import (
    AtExpression,
    CronExpression,
    ParsedExpression,
    RateExpression,
    parse_expression,
)
from schedtui.core.expressions.zones import LATEST, load_zone, localize, utc

_TINY = timedelta(microseconds=1)
_UTC_ZONE = ZoneInfo("UTC")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# No run at or after this instant is computed (see the module's docstring).
HORIZON: Final = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
_HORIZON_US: Final = (HORIZON - _EPOCH) // _TINY
# cron() years start at 1970: an earlier "after" asks the same question as this one, and
# keeps zone conversions clear of datetime's lower limit.
_CRON_FLOOR: Final = datetime(1969, 12, 30, tzinfo=UTC)
_MAX_WINDOW_MINUTES: Final = 10**8  # ~190 years: any larger window means the same


# AWS refuses a StartDate more than about 5 minutes in the past on create and update.
START_DATE_GRACE: Final = timedelta(minutes=5)


def start_date_refused(start_date: datetime | None, now: datetime) -> bool:
    """AWS would refuse this StartDate (too far in the past): it must be dropped to write."""
    return start_date is not None and utc(start_date) < utc(now) - START_DATE_GRACE


def counts_from_write(stored: datetime | None, wanted: datetime | None, now: datetime) -> bool:
    """A write re-anchors a rate() to its own time (the rule above): the request goes without
    a StartDate where the schedule had one (``stored``), or ``wanted`` must be dropped."""
    return start_date_refused(wanted, now) or (stored is not None and wanted is None)


@dataclass(frozen=True)
class Run:
    """One invocation: ``at`` is the scheduled instant (UTC); with a flexible window the
    target is invoked some time in [at, window_end]."""

    at: datetime
    window_end: datetime | None = None


def _cron_instants(
    expression: CronExpression, zone: ZoneInfo, after: datetime
) -> Iterator[datetime]:
    if after >= HORIZON:
        return
    wall_after = max(after, _CRON_FLOOR).astimezone(zone).replace(tzinfo=None)
    for wall in engine_for(expression.spec).wall_times(wall_after):
        instant = localize(wall, zone)
        # None: skipped by spring-forward. <= after: a repeated wall time whose first
        # occurrence is already behind us (``after`` fell in the second one).
        if instant is not None and instant > after:
            yield instant


def _micros(instant: datetime) -> int:
    return (instant - _EPOCH) // _TINY


def _rate_instants(period_seconds: int, anchor: datetime, after: datetime) -> Iterator[datetime]:
    """anchor + k * period from ``after`` on: strictly after it, except the anchor itself,
    which is a run even when it is ``after`` (see the module's docstring)."""
    period = period_seconds * 1_000_000
    start, cursor = _micros(anchor), _micros(after)
    steps = 0 if cursor <= start else (cursor - start) // period + 1
    instant = start + steps * period
    while instant < _HORIZON_US:
        yield _EPOCH + timedelta(microseconds=instant)
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
        if instant is not None and after < instant < HORIZON:
            yield instant
        return
    if isinstance(parsed, RateExpression):
        stream = _rate_instants(parsed.seconds, utc(start_date or anchor or after), after)
    else:
        if start_date is not None and utc(start_date) > after:
            after = utc(start_date) - _TINY  # StartDate is inclusive
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
    found = islice(stream, max(count, 0))
    if not window_minutes or window_minutes < 1:  # a zero or negative stored value: no window
        return [Run(at) for at in found]
    # AWS allows 1-1440 minutes; a larger stored value must not overflow the end of time.
    window = timedelta(minutes=min(window_minutes, _MAX_WINDOW_MINUTES))
    return [Run(at, at + window if window <= LATEST - at else LATEST) for at in found]


class NextRunCache:
    """The next run of many schedules after one instant, as a list view needs it.

    A list of 100,000 schedules repeats a few thousand (expression, zone) pairs, and every
    row is asked about the same instant, so each pair is computed once. Start and end dates
    are applied to the shared answer instead of being part of the key, except for a start
    date still in the future, which moves the question. rate() runs depend on each
    schedule's anchor and are plain arithmetic, so they are not shared.

    One cache serves a whole session (``move_to`` the new instant): an answer stays valid
    while the instant is at or after the one it was computed for and before the run it
    found, as no run can fall in between.
    """

    def __init__(self, after: datetime) -> None:
        self.after = utc(after)
        # key -> (the instant it was computed after, the next run or None)
        self._shared: dict[
            tuple[str, str | None, datetime | None], tuple[datetime, datetime | None]
        ] = {}

    def move_to(self, after: datetime) -> None:
        """Answer for ``after`` from now on; answers still valid then are kept."""
        self.after = utc(after)

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
        entry = self._shared.get(key)
        if entry is None or not entry[0] <= self.after < (entry[1] or LATEST):
            stream = instants(parsed, load_zone(zone), self.after, start_date=start)
            entry = self._shared[key] = (self.after, next(stream, None))
        found = entry[1]
        if (
            found is not None
            and end_date is not None
            and not isinstance(parsed, AtExpression)
            and found > utc(end_date)
        ):
            return None
        return found


class RunsEnd(Enum):
    """Why a list of runs ends (or is empty): the kind decides, the text is for people."""

    AT_SKIPPED = "its at() time falls in a daylight-saving gap: it never runs"
    AT_DONE = "it runs once, and its at() time has passed"
    NEVER = "its expression names a day that never comes"
    END_DATE = "no runs after its EndDate"
    YEARS_OVER = "no runs after the last year its expression names"
    HORIZON = f"no runs before the end of {LAST_YEAR}: schedtui does not evaluate further"


def runs_end(
    parsed: ParsedExpression,
    zone: str | None,
    after: datetime,
    *,
    end_date: datetime | None = None,
) -> RunsEnd:
    """Why there is no run after ``after`` (the last run shown, or the instant asked about)."""
    if isinstance(parsed, AtExpression):
        instant = localize(parsed.wall, load_zone(zone))
        if instant is None:
            return RunsEnd.AT_SKIPPED
        return RunsEnd.AT_DONE if instant <= utc(after) else RunsEnd.HORIZON
    if isinstance(parsed, CronExpression):
        if not can_ever_fire(parsed.spec):
            return RunsEnd.NEVER
        if end_date is None or utc(end_date) >= HORIZON:
            return RunsEnd.YEARS_OVER if max(parsed.spec.years) < LAST_YEAR else RunsEnd.HORIZON
    if end_date is not None and utc(end_date) < HORIZON:
        return RunsEnd.END_DATE
    return RunsEnd.HORIZON
