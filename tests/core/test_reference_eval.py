"""Hand-verified cases for the reference evaluator, so the cross-check's yardstick is checked.

Every expected value here was worked out by hand from a calendar and the zone's published
DST rules, not produced by running the code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.core.reference_eval import (
    RefRun,
    last_weekday_of_month,
    nearest_weekday,
    parse_cron,
    parse_set,
    reference_runs,
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """Aware UTC datetime shorthand."""
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def ats(runs: list[RefRun]) -> list[datetime]:
    """Just the run instants."""
    return [run.at for run in runs]


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("FRI-MON", "dow", {6, 7, 1, 2}),
        ("fri-mon", "dow", {6, 7, 1, 2}),
        ("MON-MON", "dow", {2}),
        ("25-25", "dom", {25}),
        ("22-2", "hour", {22, 23, 0, 1, 2}),
        ("20-2/3", "dom", {20, 23, 26, 29, 1}),
        ("1/10", "dom", {1, 11, 21, 31}),
        ("*/15", "minute", {0, 15, 30, 45}),
        ("5/20", "minute", {5, 25, 45}),
        ("10-20/5", "minute", {10, 15, 20}),
        ("jan-Mar", "month", {1, 2, 3}),
        ("NOV-FEB/2", "month", {11, 1}),
        ("*/6", "month", {1, 7}),
        ("1,5,MAR", "month", {1, 5, 3}),
        ("2198-2199", "year", {2198, 2199}),
        ("2190/5", "year", {2190, 2195}),
    ],
)
def test_parse_set(text: str, field: str, expected: set[int]) -> None:
    """Field sets, including wrapping and equal ranges and stepped wrapping ranges."""
    assert parse_set(text, field) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 8, 1), 1, 3),  # Sat 1 Aug: Friday would be July -> Monday 3
        (date(2026, 8, 1), 15, 14),  # Sat 15 Aug -> Friday 14
        (date(2026, 8, 1), 16, 17),  # Sun 16 Aug -> Monday 17
        (date(2026, 5, 1), 31, 29),  # Sun 31 May: Monday would be June -> Friday 29
        (date(2026, 2, 1), 31, None),  # Feb 2026 has no 31st: the month is skipped
        (date(2026, 2, 1), 28, 27),  # Sat 28 Feb -> Friday 27
        (date(2026, 2, 1), 1, 2),  # Sun 1 Feb -> Monday 2
        (date(2026, 1, 1), 14, 14),  # Wed 14 Jan stays
    ],
)
def test_nearest_weekday(day: date, n: int, expected: int | None) -> None:
    """The nW rule never crosses a month boundary."""
    assert nearest_weekday(day, n) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 5, 1), 29),
        (date(2026, 2, 1), 27),
        (date(2026, 1, 1), 30),
        (date(2026, 3, 1), 31),
    ],
)
def test_last_weekday(day: date, expected: int) -> None:
    """LW: May 2026 ends on a Sunday, Feb and Jan 2026 on a Saturday, Mar on a Tuesday."""
    assert last_weekday_of_month(day) == expected


def test_last_friday_january_2026() -> None:
    """6L in Jan 2026 is Fri 30 Jan (31 is a Saturday); 10:00 CET is 09:00 UTC."""
    runs = reference_runs(
        "cron(0 10 ? * 6L *)", "Europe/Madrid", utc(2026, 1, 1), 2, horizon=timedelta(days=70)
    )
    assert ats(runs) == [utc(2026, 1, 30, 9), utc(2026, 2, 27, 9)]


def test_named_last_weekday() -> None:
    """FRIL is the same as 6L."""
    runs = reference_runs("cron(0 10 ? * FRIL *)", "Europe/Madrid", utc(2026, 1, 1), 1)
    assert ats(runs) == [utc(2026, 1, 30, 9)]


def test_first_monday_february_2026() -> None:
    """2#1 in Feb 2026 is Mon 2 Feb (1 Feb is a Sunday)."""
    runs = reference_runs("cron(0 9 ? * 2#1 *)", "Europe/Madrid", utc(2026, 1, 10), 1)
    assert ats(runs) == [utc(2026, 2, 2, 8)]


def test_fifth_monday_skips_months_without_one() -> None:
    """2#5: Feb 2026 has four Mondays; March 2026 has a fifth on the 30th."""
    runs = reference_runs(
        "cron(0 0 ? * 2#5 *)", "UTC", utc(2026, 2, 1), 1, horizon=timedelta(days=70)
    )
    assert ats(runs) == [utc(2026, 3, 30)]


def test_dow_l_alone_is_every_saturday() -> None:
    """L alone in day-of-week means Saturday (3, 10, 17 Jan 2026)."""
    runs = reference_runs("cron(0 12 ? * L *)", "UTC", utc(2026, 1, 1), 3)
    assert ats(runs) == [utc(2026, 1, 3, 12), utc(2026, 1, 10, 12), utc(2026, 1, 17, 12)]


def test_dom_l_and_lw() -> None:
    """L = last day (29 Feb 2024); LW in May 2026 = Fri 29 (31 is a Sunday)."""
    assert ats(
        reference_runs("cron(0 0 L 2 ? *)", "UTC", utc(2024, 1, 1), 1, horizon=timedelta(days=70))
    ) == [utc(2024, 2, 29)]
    assert ats(reference_runs("cron(0 0 LW 5 ? 2026)", "UTC", utc(2026, 5, 1), 1)) == [
        utc(2026, 5, 29)
    ]


def test_new_york_spring_forward_skips() -> None:
    """2026-03-08 02:30 does not exist in New York: that day has no run."""
    runs = reference_runs("cron(30 2 * * ? *)", "America/New_York", utc(2026, 3, 7), 3)
    assert ats(runs) == [utc(2026, 3, 7, 7, 30), utc(2026, 3, 9, 6, 30), utc(2026, 3, 10, 6, 30)]


def test_london_fall_back_runs_once_first() -> None:
    """2026-10-25 01:30 happens twice in London (BST then GMT): run at the BST one only."""
    runs = reference_runs("cron(30 1 * * ? *)", "Europe/London", utc(2026, 10, 24), 3)
    assert ats(runs) == [
        utc(2026, 10, 24, 0, 30),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]


def test_every_minute_through_fall_back_hour() -> None:
    """Every-minute cron in the repeated London hour: 60 runs, not 120."""
    runs = reference_runs("cron(* 1 25 10 ? 2026)", "Europe/London", utc(2026, 10, 24), 200)
    assert len(runs) == 60
    assert runs[0].at == utc(2026, 10, 25, 0, 0)
    assert runs[-1].at == utc(2026, 10, 25, 0, 59)


def test_after_is_exclusive_and_seconds_round_up() -> None:
    """A run exactly at `after` is excluded; after=10:00:30 starts at 10:01."""
    assert ats(reference_runs("cron(* * * * ? *)", "UTC", utc(2026, 1, 1, 10), 1)) == [
        utc(2026, 1, 1, 10, 1)
    ]
    assert ats(reference_runs("cron(* * * * ? *)", "UTC", utc(2026, 1, 1, 10, 0, 30), 1)) == [
        utc(2026, 1, 1, 10, 1)
    ]


def test_start_and_end_dates_bound_cron() -> None:
    """start_date is inclusive, end_date inclusive."""
    runs = reference_runs(
        "cron(0 * * * ? *)",
        "UTC",
        utc(2026, 1, 1),
        10,
        start_date=utc(2026, 1, 1, 3),
        end_date=utc(2026, 1, 1, 5),
    )
    assert ats(runs) == [utc(2026, 1, 1, 3), utc(2026, 1, 1, 4), utc(2026, 1, 1, 5)]


def test_year_2199_is_the_end() -> None:
    """Nothing runs after 2199."""
    runs = reference_runs("cron(0 0 * * ? *)", "UTC", utc(2199, 12, 30), 5)
    assert ats(runs) == [utc(2199, 12, 31)]


def test_rate_is_anchored_and_ignores_dst() -> None:
    """rate(1 day) from a start date is every 24 h UTC, so the wall time moves over DST."""
    runs = reference_runs(
        "rate(1 day)", "America/New_York", utc(2026, 3, 6), 3, start_date=utc(2026, 3, 7, 17)
    )
    assert ats(runs) == [utc(2026, 3, 7, 17), utc(2026, 3, 8, 17), utc(2026, 3, 9, 17)]


def test_rate_anchor_rules() -> None:
    """No start_date: anchor argument; neither: `after` itself, a new schedule that fires at
    once (AWS: without a StartDate it "starts invoking the target immediately")."""
    runs = reference_runs("rate(90 minutes)", "UTC", utc(2026, 1, 1, 10), 2, anchor=utc(2026, 1, 1))
    assert ats(runs) == [utc(2026, 1, 1, 10, 30), utc(2026, 1, 1, 12)]
    runs = reference_runs("rate(1 hour)", "UTC", utc(2026, 1, 1, 10, 0, 5), 2)
    assert ats(runs) == [utc(2026, 1, 1, 10, 0, 5), utc(2026, 1, 1, 11, 0, 5)]
    runs = reference_runs(
        "rate(2 hours)",
        "UTC",
        utc(2026, 1, 1),
        9,
        anchor=utc(2026, 1, 1),
        end_date=utc(2026, 1, 1, 5),
    )
    # The anchor is a run even when it is `after` itself.
    assert ats(runs) == [utc(2026, 1, 1), utc(2026, 1, 1, 2), utc(2026, 1, 1, 4)]


def test_at_dst_and_ignored_dates() -> None:
    """at(): a skipped wall time never runs; a repeated one runs at its first occurrence."""
    assert reference_runs("at(2026-03-08T02:30:00)", "America/New_York", utc(2026, 1, 1), 5) == []
    runs = reference_runs(
        "at(2026-10-25T01:30:00)",
        "Europe/London",
        utc(2026, 1, 1),
        5,
        start_date=utc(2027, 1, 1),
        end_date=utc(2026, 2, 1),
    )
    assert ats(runs) == [utc(2026, 10, 25, 0, 30)]
    assert (
        reference_runs("at(2026-10-25T01:30:00)", "Europe/London", utc(2026, 10, 25, 0, 30), 5)
        == []
    )


def test_window_end() -> None:
    """window_end is the run plus the flexible window."""
    runs = reference_runs("cron(0 0 * * ? *)", "UTC", utc(2026, 1, 1), 1, window_minutes=15)
    assert runs == [RefRun(utc(2026, 1, 2), utc(2026, 1, 2, 0, 15))]


def test_field_matches() -> None:
    """The per-field matcher the property tests rely on."""
    spec = parse_cron("cron(0/20 22-2 ? JAN-MAR 2#1 2026)")
    assert spec.matches(datetime(2026, 2, 2, 23, 40))  # Monday 2 Feb 2026
    assert not spec.field_matches("dow", datetime(2026, 2, 9, 23, 40))  # second Monday
    assert not spec.field_matches("minute", datetime(2026, 2, 2, 23, 41))
    assert not spec.field_matches("hour", datetime(2026, 2, 2, 3, 40))
    assert not spec.field_matches("month", datetime(2026, 4, 6, 23, 40))


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 0 * * * *)",  # `*` in both day fields
        "cron(0 0 ? * ? *)",  # `?` in both
        "cron(0 0 L,5 * ? *)",  # special not alone
        "cron(0 0 ? * 2#6 *)",
        "cron(60 0 * * ? *)",
        "cron(0 0 * 13 ? *)",
        "cron(0 0 * * ? 2200)",
        "cron(0 0 * * ?)",
        "rate(0 minutes)",
        "rate(5 weeks)",
    ],
)
def test_reference_rejects_invalid(expression: str) -> None:
    """The reference refuses what it does not understand rather than guessing."""
    with pytest.raises(ValueError):  # noqa: PT011 - any parse error will do
        reference_runs(expression, "UTC", utc(2026, 1, 1), 1, horizon=timedelta(days=1))
