"""Hypothesis strategies for valid AWS schedule expressions, zones and awkward instants.

The expressions cover every construct the product promises (values, names in any case,
lists, plain/wrapping/equal ranges, steps, `?`, L, LW, nW, nL, NAMEL, #, years up to 2199);
the instants cluster where engines break: DST transitions, month ends, leap days, year ends.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from tests.core.reference_eval import BOUNDS, DOW_NAMES, MONTH_NAMES

# DST in both hemispheres plus oddities: 30-minute DST (Lord Howe), +12:45 (Chatham),
# +5:30/+5:45 without DST, -3:30 with DST (St John's), Ramadan DST (Casablanca), a skipped
# calendar day (Apia, Dec 2011), DST changes at midnight (Santiago, Sao Paulo until 2019).
ZONES = (
    "Europe/Madrid",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Africa/Casablanca",
    "Pacific/Apia",
    "UTC",
    "Asia/Tokyo",
    "America/Santiago",
)

zones = st.sampled_from(ZONES)

NAME_BY_NUMBER: dict[str, dict[int, str]] = {
    "month": {number: name for name, number in MONTH_NAMES.items()},
    "dow": {number: name for name, number in DOW_NAMES.items()},
}

FIRST_YEAR, LAST_YEAR = 2000, 2040  # the span random `after` instants are drawn from


@st.composite
def cased(draw: st.DrawFn, name: str) -> str:
    """A name in upper, lower, title or random case (names are case-insensitive)."""
    style = draw(st.sampled_from(["upper", "lower", "title", "random"]))
    if style == "upper":
        return name.upper()
    if style == "lower":
        return name.lower()
    if style == "title":
        return name.title()
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    return "".join(c.lower() if flip else c.upper() for c, flip in zip(name, flips, strict=True))


@st.composite
def value_token(
    draw: st.DrawFn, field: str, low: int | None = None, high: int | None = None
) -> str:
    """One value of a field, as a number or (month/dow) sometimes as a name."""
    field_low, field_high = BOUNDS[field]
    value = draw(
        st.integers(field_low if low is None else low, field_high if high is None else high)
    )
    if field in NAME_BY_NUMBER and draw(st.booleans()):
        return draw(cased(NAME_BY_NUMBER[field][value]))
    return str(value)


@st.composite
def plain_term(
    draw: st.DrawFn,
    field: str,
    steps: bool = True,
    wrap: bool = True,
    low: int | None = None,
    high: int | None = None,
) -> str:
    """One list element: value, range (maybe wrapping or equal), `a/n`, `*/n` or `a-b/n`."""
    field_low, field_high = BOUNDS[field]
    low = field_low if low is None else low
    high = field_high if high is None else high
    kinds = ["value", "range", "equal"] + (["step", "star_step", "range_step"] if steps else [])
    kind = draw(st.sampled_from(kinds))
    step = draw(st.integers(1, field_high - field_low + 1))
    if kind == "value":
        return draw(value_token(field, low, high))
    if kind == "equal":
        token = draw(value_token(field, low, high))
        return f"{token}-{token}"
    if kind == "star_step":
        return f"*/{step}"
    if kind == "step":
        return f"{draw(value_token(field, low, high))}/{step}"
    first = draw(st.integers(low, high))
    last = draw(st.integers(low, high) if wrap else st.integers(first, high))
    names = NAME_BY_NUMBER.get(field)
    if names and draw(st.booleans()):
        text = f"{draw(cased(names[first]))}-{draw(cased(names[last]))}"
    else:
        text = f"{first}-{last}"
    return f"{text}/{step}" if kind == "range_step" else text


@st.composite
def plain_field(
    draw: st.DrawFn,
    field: str,
    steps: bool = True,
    wrap: bool = True,
    low: int | None = None,
    high: int | None = None,
) -> str:
    """`*`, one term, or a comma list of terms."""
    kind = draw(st.sampled_from(["star", "term", "term", "list"]))
    if kind == "star":
        return "*"
    if kind == "term":
        return draw(plain_term(field, steps, wrap, low, high))
    terms = draw(st.lists(plain_term(field, steps, wrap, low, high), min_size=2, max_size=4))
    return ",".join(terms)


@st.composite
def dom_field(draw: st.DrawFn) -> str:
    """Day-of-month other than `?`: a plain field, L, LW, L-n or nW."""
    kind = draw(st.sampled_from(["plain", "plain", "plain", "L", "LW", "W", "L-n"]))
    if kind == "plain":
        return draw(plain_field("dom"))
    if kind == "W":
        return f"{draw(st.integers(1, 31))}W"
    if kind == "L-n":
        return f"L-{draw(st.integers(1, 30))}"
    return kind


@st.composite
def dow_field(draw: st.DrawFn) -> str:
    """Day-of-week other than `?`: a plain field (no steps: AWS allows none), L, nL or n#k."""
    kind = draw(st.sampled_from(["plain", "plain", "plain", "L", "nL", "hash"]))
    if kind == "plain":
        return draw(plain_field("dow", steps=False))
    if kind == "L":
        return "L"
    weekday = draw(value_token("dow"))
    if kind == "nL":
        return f"{weekday}L"
    return f"{weekday}#{draw(st.integers(1, 5))}"


@st.composite
def year_field(draw: st.DrawFn, near: int | None = None) -> str:
    """Year field; with ``near`` given, years mostly close to it so fields actually match."""
    kind = draw(st.sampled_from(["star", "star", "near", "near", "any"]))
    if kind == "star":
        return "*"
    if kind == "near" and near is not None:
        low, high = max(1970, near - 1), min(2199, near + 1)
        return draw(plain_field("year", wrap=False, low=low, high=high))
    return draw(plain_field("year", wrap=False))


@st.composite
def cron_expressions(
    draw: st.DrawFn,
    near_year: int | None = None,
    near_month: int | None = None,
    sparse: bool = False,
) -> str:
    """A random valid AWS cron() expression.

    ``near_year``/``near_month`` bias those fields towards a date so that expressions checked
    over a short horizon actually fire; ``sparse`` keeps the minute field to one or two
    values, so a handful of runs spans hours or days (and so DST changes), not minutes.
    """
    if draw(st.booleans()):
        dom, dow = draw(dom_field()), "?"
    else:
        dom, dow = "?", draw(dow_field())
    if sparse:
        minute_values = draw(st.lists(st.integers(0, 59), min_size=1, max_size=2, unique=True))
        minute = ",".join(map(str, minute_values))
    else:
        minute = draw(plain_field("minute"))
    month = draw(plain_field("month"))
    if near_month is not None and month != "*" and draw(st.booleans()):
        month = f"{month},{draw(value_token('month', near_month, near_month))}"
    fields = [
        minute,
        draw(plain_field("hour")),
        dom,
        month,
        dow,
        draw(year_field(near_year)),
    ]
    separator = draw(st.sampled_from([" ", " ", " ", "  "]))
    return f"cron({separator.join(fields)})"


@st.composite
def rate_expressions(draw: st.DrawFn) -> str:
    """A random valid rate() expression: singular unit with 1, plural above (as AWS wants)."""
    value = draw(st.integers(1, 1000))
    unit = draw(st.sampled_from(("minute", "hour", "day")))
    return f"rate({value} {unit if value == 1 else unit + 's'})"


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


@functools.cache
def transitions(zone_name: str) -> tuple[datetime, ...]:
    """UTC instants where the zone's offset changes, FIRST_YEAR..LAST_YEAR (to the minute)."""
    zone = ZoneInfo(zone_name)
    found: list[datetime] = []
    instant = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    end = datetime(LAST_YEAR, 12, 31, tzinfo=UTC)
    step = timedelta(hours=12)
    while instant < end:
        if _offset(zone, instant) != _offset(zone, instant + step):
            low, high = instant, instant + step  # offset(low) != offset(high)
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if _offset(zone, middle) == _offset(zone, low):
                    low = middle
                else:
                    high = middle
            found.append(high)
        instant += step
    return tuple(found)


def _local_to_utc(zone_name: str, wall: datetime) -> datetime:
    return wall.replace(tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


@st.composite
def jitter(draw: st.DrawFn, span_minutes: int) -> timedelta:
    """An offset of up to +-span minutes, sometimes with stray seconds."""
    minutes = draw(st.integers(-span_minutes, span_minutes))
    seconds = draw(st.sampled_from([0, 0, 0, 1, 30, 59]))
    return timedelta(minutes=minutes, seconds=seconds)


@st.composite
def after_instants(draw: st.DrawFn, zone_name: str) -> datetime:
    """An aware-UTC `after` that is often within a day of a DST change or a calendar edge."""
    kind = draw(st.sampled_from(["random", "dst", "dst", "calendar", "calendar", "far"]))
    if kind == "dst" and transitions(zone_name):
        base = draw(st.sampled_from(transitions(zone_name)))
        return base + draw(jitter(24 * 60))
    if kind == "calendar":
        year = draw(st.integers(FIRST_YEAR, LAST_YEAR))
        edge = draw(st.sampled_from(["month_end", "feb28", "feb29", "year_end"]))
        if edge == "month_end":
            month = draw(st.integers(1, 12))
            wall = datetime(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        elif edge == "feb28":
            wall = datetime(year, 2, 28)
        elif edge == "feb29":
            year = draw(st.sampled_from([2000, 2004, 2020, 2024, 2028, 2032, 2036, 2040]))
            wall = datetime(year, 2, 29)
        else:
            wall = datetime(year, 12, 31)
        return _local_to_utc(zone_name, wall) + draw(jitter(36 * 60))
    if kind == "far":
        return datetime(2199, 12, 31, tzinfo=UTC) - draw(jitter(60 * 24 * 40)).__abs__()
    day = draw(st.dates(date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)))
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + draw(jitter(24 * 60)).__abs__()
