"""The span engine (``core/expressions/span.py``) gives exactly the runs of ``runs.instants``.

The timeline counts 100,000 schedules' runs through the span engine; the list, the detail and
``schedtui next`` go through ``instants``. Random expressions, zones, DST changes, calendar
edges and start/end dates must give the same minutes from both.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import takewhile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedtui.core.expressions.parse import parse_expression
from schedtui.core.expressions.runs import instants
from schedtui.core.expressions.span import SpanRuns
from schedtui.core.expressions.zones import load_zone
from tests.core.strategies import (
    after_instants,
    cron_expressions,
    jitter,
    rate_expressions,
    zones,
)

CHECKS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def both_minutes(
    expression: str,
    zone: str,
    base: datetime,
    after: datetime,
    until: datetime,
    **bounds: datetime | None,
) -> tuple[list[int], list[int]]:
    """The runs in (after, until) as minutes from ``base``: ``instants``'s, then the span
    engine's."""
    parsed, tz = parse_expression(expression), load_zone(zone)
    runs = takewhile(lambda at: at < until, instants(parsed, tz, after, **bounds))
    engine = [(at - base) // timedelta(minutes=1) for at in runs]
    return engine, list(SpanRuns(base, after, until).minutes(parsed, tz, **bounds))


def span_minutes(
    expression: str, zone: str, base: datetime, after: datetime, until: datetime
) -> list[int]:
    return both_minutes(expression, zone, base, after, until)[1]


@st.composite
def cases(draw: st.DrawFn, expressions: st.SearchStrategy[str]) -> tuple[str, str, datetime]:
    zone = draw(zones)
    return draw(expressions), zone, draw(after_instants(zone))


@CHECKS
@given(
    case=cases(cron_expressions(sparse=True)),
    hours=st.sampled_from([1, 24, 7 * 24]),
    bounded=st.booleans(),
    data=st.data(),
)
def test_cron_minutes_are_the_engines(
    case: tuple[str, str, datetime], hours: int, bounded: bool, data: st.DataObject
) -> None:
    expression, zone, after = case
    base = after.replace(second=0, microsecond=0)
    until = base + timedelta(hours=hours)
    bounds: dict[str, datetime | None] = {}
    if bounded:
        bounds["start_date"] = after + data.draw(jitter(hours * 60)).__abs__()
        bounds["end_date"] = bounds["start_date"] + data.draw(jitter(hours * 60)).__abs__()
    engine, span = both_minutes(expression, zone, base, after, until, **bounds)
    assert span == engine


@CHECKS
@given(
    case=cases(cron_expressions(near_year=2026)),
    hours=st.sampled_from([1, 24]),
)
def test_dense_cron_minutes_are_the_engines(case: tuple[str, str, datetime], hours: int) -> None:
    expression, zone, after = case
    base = after.replace(second=0, microsecond=0)
    until = base + timedelta(hours=hours)
    engine, span = both_minutes(expression, zone, base, after, until)
    assert span == engine


@CHECKS
@given(
    case=cases(rate_expressions()),
    anchor=st.one_of(st.none(), jitter(60 * 24 * 30)),
    starts=st.booleans(),
    end=st.one_of(st.none(), jitter(60 * 24 * 7)),
    hours=st.sampled_from([1, 24, 7 * 24]),
)
def test_rate_minutes_are_the_engines(
    case: tuple[str, str, datetime],
    anchor: timedelta | None,
    starts: bool,
    end: timedelta | None,
    hours: int,
) -> None:
    expression, zone, after = case
    base = after.replace(second=0, microsecond=0)
    until = base + timedelta(hours=hours)
    anchored = None if anchor is None else after + anchor + timedelta(microseconds=7)
    bounds = {
        "start_date" if starts else "anchor": anchored,
        "end_date": None if end is None else after + end,
    }
    engine, span = both_minutes(expression, zone, base, after, until, **bounds)
    assert span == engine


@CHECKS
@given(case=cases(st.sampled_from(["x"])), shift=jitter(60 * 30))
def test_at_minute_is_the_engines(case: tuple[str, str, datetime], shift: timedelta) -> None:
    _, zone, after = case
    wall = (after.astimezone(load_zone(zone)) + shift).replace(tzinfo=None, microsecond=0)
    expression = f"at({wall:%Y-%m-%dT%H:%M:%S})"
    base = after.replace(second=0, microsecond=0)
    until = base + timedelta(hours=24)
    engine, span = both_minutes(expression, zone, base, after, until)
    assert span == engine


def test_spring_forward_skips_and_fall_back_runs_once() -> None:
    # Madrid: 2026-03-29 02:00 -> 03:00 (02:30 does not exist); 2026-10-25 03:00 -> 02:00
    # (02:30 happens twice, runs once: at its first occurrence, 00:30 UTC).
    daily = "cron(30 2 * * ? *)"
    spring = datetime(2026, 3, 28, 12, tzinfo=UTC)
    days = span_minutes(daily, "Europe/Madrid", spring, spring, spring + timedelta(days=2))
    assert [spring + timedelta(minutes=m) for m in days] == [
        datetime(2026, 3, 30, 0, 30, tzinfo=UTC)
    ]
    autumn = datetime(2026, 10, 24, 12, tzinfo=UTC)
    days = span_minutes(daily, "Europe/Madrid", autumn, autumn, autumn + timedelta(days=2))
    assert [autumn + timedelta(minutes=m) for m in days] == [
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 26, 1, 30, tzinfo=UTC),
    ]
