"""IANA time zones as EventBridge Scheduler accepts them (absent means UTC)."""

from __future__ import annotations

import difflib
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Final
from zoneinfo import ZoneInfo, available_timezones

from schedtui.core.expressions.errors import ZoneError

MAX_ZONE_LENGTH = 50

# The ends of Python's datetime range, as aware UTC instants: what a wall time too close to
# year 1 or 9999 to shift into UTC stands for (an at() AWS stored, e.g. at(9999-12-31T23:59:59)).
EARLIEST: Final = datetime.min.replace(tzinfo=UTC)
LATEST: Final = datetime.max.replace(tzinfo=UTC)


_NOT_ZONES: Final = frozenset({"localtime", "posixrules", "Factory", "posix", "right"})


@cache
def zone_names() -> frozenset[str]:
    """Every IANA zone name known here (from the system database or the tzdata package).

    Not the files some systems keep beside the zones, which available_timezones() lists
    too: 'localtime' (the host's own zone, whatever it is), 'posixrules', 'Factory'."""
    return frozenset(available_timezones()) - _NOT_ZONES


@lru_cache(maxsize=1024)
def load_zone(name: str | None) -> ZoneInfo:
    """The zone for a ScheduleExpressionTimezone value; None or "" means UTC, as in AWS."""
    if not name:
        return ZoneInfo("UTC")
    if len(name) > MAX_ZONE_LENGTH:
        raise ZoneError(f"time zone: '{name}' is longer than {MAX_ZONE_LENGTH} characters")
    # Membership first: ZoneInfo() would also open odd files such as 'localtime'.
    if name not in zone_names():
        close = similar_zones(name)
        hint = f"did you mean {' or '.join(close)}?" if close else "e.g. Europe/Madrid"
        raise ZoneError(f"time zone: '{name}' is not an IANA time zone name ({hint})")
    return ZoneInfo(name)


def similar_zones(name: str, limit: int = 3) -> list[str]:
    """Zone names an operator may have meant by ``name``: the same name in other case
    ("europe/berlin"), a city alone ("berlin", "new york"), or a near miss ("Europe/Berln").
    AWS wants the exact name, so these are suggestions, never applied silently."""
    wanted = "_".join(name.strip().split()).lower()
    if not wanted:
        return []
    by_lower = {zone.lower(): zone for zone in sorted(zone_names())}
    if wanted in by_lower:
        return [by_lower[wanted]]
    cities = sorted(z for z in by_lower.values() if z.rsplit("/", 1)[-1].lower() == wanted)
    if cities:
        return cities[:limit]
    close = difflib.get_close_matches(wanted, by_lower, n=limit, cutoff=0.8)
    return [by_lower[match] for match in close]


def utc(instant: datetime) -> datetime:
    """An aware instant in UTC; naive instants are taken as UTC, as AWS dates are.

    An offset date too close to year 1 or 9999 to shift into UTC becomes EARLIEST or LATEST.
    """
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    try:
        return instant.astimezone(UTC)
    except OverflowError:
        return LATEST if instant.year > 5000 else EARLIEST


def utc_text(instant: datetime, *, seconds: bool = False, sep: str = " ") -> str:
    """``instant`` in UTC as "2026-12-03 09:15" (":SS" with ``seconds``), always with a
    four-digit year: strftime's %Y writes year 5 as "5" on Linux, and AWS may store any year."""
    at = utc(instant)
    clock = f"{at:%H:%M:%S}" if seconds else f"{at:%H:%M}"
    return f"{at.year:04d}-{at:%m-%d}{sep}{clock}"


def localize(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a naive wall-clock time in ``zone``, by AWS's daylight-saving rule.

    A wall time skipped at spring-forward does not exist and gives None (it does not run);
    a wall time repeated at fall-back resolves to its first occurrence (fold=0). A wall time
    whose UTC instant falls outside datetime's range gives EARLIEST or LATEST instead of
    raising: it is then before or after anything schedtui evaluates.
    """
    try:
        instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) != wall:
            return None
    except OverflowError:
        return LATEST if wall.year > 5000 else EARLIEST
    return instant
