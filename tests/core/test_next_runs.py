"""Next run times with exact, hand-worked instants: AWS's examples, specials, DST, bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schedtui.core.expressions.cron import parse_cron
from schedtui.core.expressions.engine import can_ever_fire, croniter_expression
from schedtui.core.expressions.errors import ZoneError
from schedtui.core.expressions.runs import NextRunCache, next_runs
from schedtui.core.expressions.zones import load_zone


def z(text: str) -> datetime:
    """'2026-01-05T10:00' -> aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def runs(expression: str, zone: str, after: str, count: int = 3, **bounds: datetime) -> list[str]:
    found = next_runs(expression, zone, after=z(after), count=count, **bounds)  # type: ignore[arg-type]
    return [run.at.strftime("%Y-%m-%dT%H:%M") for run in found]


# 2026-01-01 is a Thursday.
@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # The examples table of the AWS cron reference.
        ("cron(0 10 * * ? *)", "2026-01-01T00:00", ["2026-01-01T10:00", "2026-01-02T10:00"]),
        ("cron(15 12 * * ? *)", "2026-01-01T12:15", ["2026-01-02T12:15", "2026-01-03T12:15"]),
        ("cron(0 18 ? * MON-FRI *)", "2026-01-02T19:00", ["2026-01-05T18:00", "2026-01-06T18:00"]),
        ("cron(0 8 1 * ? *)", "2026-01-01T09:00", ["2026-02-01T08:00", "2026-03-01T08:00"]),
        (
            "cron(0/15 * * * ? *)",
            "2026-01-01T00:07",
            ["2026-01-01T00:15", "2026-01-01T00:30", "2026-01-01T00:45", "2026-01-01T01:00"],
        ),
        (
            "cron(0/10 * ? * MON-FRI *)",
            "2026-01-02T23:45",
            ["2026-01-02T23:50", "2026-01-05T00:00", "2026-01-05T00:10"],
        ),
        (
            "cron(0/5 8-17 ? * MON-FRI *)",
            "2026-01-02T17:50",
            ["2026-01-02T17:55", "2026-01-05T08:00", "2026-01-05T08:05"],
        ),
        (
            # Hours wrap past midnight; Saturday's small hours are not Monday-Friday.
            "cron(0/30 20-2 ? * MON-FRI *)",
            "2026-01-02T23:00",
            ["2026-01-02T23:30", "2026-01-05T00:00", "2026-01-05T00:30", "2026-01-05T01:00"],
        ),
        # Sunday is 1.
        ("cron(0 10 ? * 1 *)", "2026-01-01T00:00", ["2026-01-04T10:00", "2026-01-11T10:00"]),
        ("cron(0 10 ? * 7 *)", "2026-01-01T00:00", ["2026-01-03T10:00", "2026-01-10T10:00"]),
        ("cron(0 10 ? * FRI-MON *)", "2026-01-05T11:00", ["2026-01-09T10:00", "2026-01-10T10:00"]),
        ("cron(0 10 ? * MON-MON *)", "2026-01-01T00:00", ["2026-01-05T10:00", "2026-01-12T10:00"]),
        ("cron(0 10 25-25 * ? *)", "2026-01-01T00:00", ["2026-01-25T10:00", "2026-02-25T10:00"]),
        # L, LW, nW, nL, #.
        ("cron(0 0 L * ? *)", "2026-01-01T00:00", ["2026-01-31T00:00", "2026-02-28T00:00"]),
        (
            "cron(0 10 LW * ? *)",  # Jan 31 is a Saturday, Feb 28 a Saturday, May 31 a Sunday
            "2026-01-01T00:00",
            ["2026-01-30T10:00", "2026-02-27T10:00", "2026-03-31T10:00"],
        ),
        ("cron(0 10 LW * ? *)", "2026-05-01T00:00", ["2026-05-29T10:00", "2026-06-30T10:00"]),
        ("cron(0 10 15W * ? *)", "2026-02-01T00:00", ["2026-02-16T10:00", "2026-03-16T10:00"]),
        ("cron(0 10 15W * ? *)", "2026-08-01T00:00", ["2026-08-14T10:00", "2026-09-15T10:00"]),
        # 1W never goes back into the previous month: Aug 1 2026 is a Saturday.
        ("cron(0 10 1W * ? *)", "2026-07-15T00:00", ["2026-08-03T10:00", "2026-09-01T10:00"]),
        # 31W never goes into the next month (May 31 is a Sunday); April has no 31st, so
        # April is skipped, as AWS does.
        ("cron(0 10 31W * ? *)", "2026-04-01T00:00", ["2026-05-29T10:00", "2026-07-31T10:00"]),
        (
            "cron(0 10 ? * 6L *)",
            "2026-01-01T00:00",
            ["2026-01-30T10:00", "2026-02-27T10:00", "2026-03-27T10:00"],
        ),
        ("cron(0 10 ? * FRIL *)", "2026-01-01T00:00", ["2026-01-30T10:00", "2026-02-27T10:00"]),
        ("cron(0 10 ? * L *)", "2026-01-01T00:00", ["2026-01-03T10:00", "2026-01-10T10:00"]),
        (
            "cron(0 9 ? * 2#1 *)",
            "2026-01-01T00:00",
            ["2026-01-05T09:00", "2026-02-02T09:00", "2026-03-02T09:00"],
        ),
        ("cron(0 9 ? * MON#5 *)", "2026-01-01T00:00", ["2026-03-30T09:00", "2026-06-29T09:00"]),
        # Years, leap days, never.
        ("cron(0 0 29 2 ? *)", "2026-01-01T00:00", ["2028-02-29T00:00", "2032-02-29T00:00"]),
        ("cron(0 0 1 1 ? 2150,2199)", "2026-01-01T00:00", ["2150-01-01T00:00", "2199-01-01T00:00"]),
        ("cron(0 0 1 1 ? 2199)", "2199-01-01T00:00", []),
        ("cron(0 0 29 2 ? 2100)", "2026-01-01T00:00", []),  # 2100 is not a leap year
        ("cron(0 0 30 2 ? *)", "2026-01-01T00:00", []),
        ("cron(0 0 1 1 ? 2020)", "2026-01-01T00:00", []),
    ],
)
def test_cron_in_utc(expression: str, after: str, expected: list[str]) -> None:
    assert runs(expression, "UTC", after, count=len(expected) + (0 if expected else 2)) == expected


def test_runs_are_strictly_after_the_instant() -> None:
    assert runs("cron(0 10 * * ? *)", "UTC", "2026-01-01T10:00", 1) == ["2026-01-02T10:00"]
    after = z("2026-01-01T09:59:59")
    assert next_runs("cron(0 10 * * ? *)", after=after, count=1)[0].at == z("2026-01-01T10:00")


@pytest.mark.parametrize(
    ("zone", "expression", "after", "expected"),
    [
        # America/New_York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
        (
            "America/New_York",
            "cron(30 2 * * ? *)",
            "2026-03-07T00:00",
            ["2026-03-07T07:30", "2026-03-09T06:30"],  # 02:30 on the 8th does not exist
        ),
        (
            "America/New_York",
            "cron(30 1 * * ? *)",
            "2026-10-31T12:00",
            ["2026-11-01T05:30", "2026-11-02T06:30"],  # once, at the first 01:30 (EDT)
        ),
        (
            # In the second 01:xx the first occurrences are already past: nothing runs again.
            "America/New_York",
            "cron(0/30 1 * * ? *)",
            "2026-11-01T05:45",
            ["2026-11-02T06:00", "2026-11-02T06:30"],
        ),
        # Europe/London: 2026-03-29 01:00 GMT -> 02:00 BST; 2026-10-25 02:00 BST -> 01:00 GMT.
        (
            "Europe/London",
            "cron(30 1 * * ? *)",
            "2026-03-28T00:00",
            ["2026-03-28T01:30", "2026-03-30T00:30"],
        ),
        (
            "Europe/London",
            "cron(30 1 * * ? *)",
            "2026-10-24T12:00",
            ["2026-10-25T00:30", "2026-10-26T01:30"],
        ),
        # Australia/Sydney (southern hemisphere): 2026-04-05 03:00 AEDT -> 02:00 AEST;
        # 2026-10-04 02:00 AEST -> 03:00 AEDT.
        (
            "Australia/Sydney",
            "cron(30 2 * * ? *)",
            "2026-04-03T00:00",
            ["2026-04-03T15:30", "2026-04-04T15:30", "2026-04-05T16:30"],
        ),
        (
            "Australia/Sydney",
            "cron(30 2 * * ? *)",
            "2026-10-02T00:00",
            ["2026-10-02T16:30", "2026-10-04T15:30"],
        ),
        # Europe/Madrid: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
        (
            "Europe/Madrid",
            "cron(0 2 * * ? *)",
            "2026-03-27T12:00",
            ["2026-03-28T01:00", "2026-03-30T00:00"],
        ),
        (
            "Europe/Madrid",
            "cron(15 2 * * ? *)",
            "2026-10-24T12:00",
            ["2026-10-25T00:15", "2026-10-26T01:15"],
        ),
        # Lord Howe shifts by 30 minutes: 2026-10-04 02:00 -> 02:30 (+10:30 -> +11).
        (
            "Australia/Lord_Howe",
            "cron(15 2 * * ? *)",
            "2026-10-02T00:00",
            ["2026-10-02T15:45", "2026-10-04T15:15"],
        ),
    ],
)
def test_daylight_saving(zone: str, expression: str, after: str, expected: list[str]) -> None:
    assert runs(expression, zone, after, count=len(expected)) == expected


def test_cron_every_minute_across_spring_forward_skips_the_missing_hour() -> None:
    found = next_runs("cron(* * * * ? *)", "America/New_York", after=z("2026-03-08T06:58"), count=3)
    # 01:59 EST (06:59Z), then the clock jumps to 03:00 EDT (07:00Z): nothing is lost or doubled.
    assert [r.at for r in found] == [
        z("2026-03-08T06:59"),
        z("2026-03-08T07:00"),
        z("2026-03-08T07:01"),
    ]


def test_cron_start_and_end_dates_are_inclusive_bounds() -> None:
    start, end = z("2026-01-05T10:00"), z("2026-01-07T10:00")
    found = runs(
        "cron(0 10 * * ? *)", "UTC", "2026-01-01T00:00", 10, start_date=start, end_date=end
    )
    assert found == ["2026-01-05T10:00", "2026-01-06T10:00", "2026-01-07T10:00"]


def test_rate_steps_from_its_start_date_in_fixed_durations() -> None:
    start = z("2026-01-01T00:00")
    assert runs("rate(5 minutes)", "UTC", "2026-01-01T00:12", 2, start_date=start) == [
        "2026-01-01T00:15",
        "2026-01-01T00:20",
    ]
    # A start date in the future is the first run.
    assert runs("rate(5 minutes)", "UTC", "2025-12-31T00:00", 1, start_date=start) == [
        "2026-01-01T00:00"
    ]


def test_rate_day_is_24_hours_whatever_daylight_saving_does() -> None:
    found = next_runs(
        "rate(1 day)",
        "Europe/Madrid",
        after=z("2026-03-28T12:00"),
        count=2,
        start_date=z("2026-03-28T10:00"),
    )
    assert [r.at for r in found] == [z("2026-03-29T10:00"), z("2026-03-30T10:00")]


def test_rate_anchors_at_creation_without_start_date_and_stops_at_end_date() -> None:
    created = z("2026-01-01T00:00:30")
    found = next_runs(
        "rate(1 hour)",
        after=z("2026-01-01T00:05"),
        count=10,
        anchor=created,
        end_date=z("2026-01-01T03:00:30"),
    )
    assert [r.at for r in found] == [created + timedelta(hours=h) for h in (1, 2, 3)]


def test_a_new_rate_schedule_fires_at_once_then_every_period() -> None:
    # No StartDate and not created yet: created now, "starts invoking the target immediately".
    assert runs("rate(2 hours)", "UTC", "2026-01-01T00:00", 3) == [
        "2026-01-01T00:00",
        "2026-01-01T02:00",
        "2026-01-01T04:00",
    ]


def test_at_is_one_wall_clock_instant_in_the_zone() -> None:
    assert runs("at(2026-12-01T09:30:00)", "Europe/Madrid", "2026-11-29T00:00") == [
        "2026-12-01T08:30"
    ]
    assert runs("at(2026-12-01T09:30:00)", "Europe/Madrid", "2026-12-01T08:30") == []


def test_at_follows_the_daylight_saving_rule() -> None:
    assert runs("at(2026-03-29T02:30:00)", "Europe/Madrid", "2026-01-01T00:00") == []
    assert runs("at(2026-10-25T02:30:00)", "Europe/Madrid", "2026-01-01T00:00") == [
        "2026-10-25T00:30"  # the first 02:30, still summer time
    ]


def test_at_ignores_start_and_end_dates_as_aws_does() -> None:
    found = runs(
        "at(2026-12-01T09:30:00)",
        "UTC",
        "2026-11-29T00:00",
        start_date=z("2027-01-01T00:00"),
        end_date=z("2026-11-30T00:00"),
    )
    assert found == ["2026-12-01T09:30"]


def test_flexible_window_gives_the_latest_instant() -> None:
    (run,) = next_runs(
        "cron(0 2 * * ? *)", "UTC", after=z("2026-01-01T00:00"), count=1, window_minutes=30
    )
    assert (run.at, run.window_end) == (z("2026-01-01T02:00"), z("2026-01-01T02:30"))
    (plain,) = next_runs("cron(0 2 * * ? *)", after=z("2026-01-01T00:00"), count=1)
    assert plain.window_end is None


def test_count_zero_and_naive_instants() -> None:
    assert next_runs("cron(0 2 * * ? *)", after=z("2026-01-01T00:00"), count=0) == []
    naive = next_runs("cron(0 2 * * ? *)", after=datetime(2026, 1, 1), count=1)
    assert naive[0].at == z("2026-01-01T02:00")


def test_zones() -> None:
    assert load_zone(None).key == "UTC"
    assert load_zone("").key == "UTC"
    with pytest.raises(ZoneError, match="'Mars/Base' is not an IANA time zone"):
        next_runs("cron(0 2 * * ? *)", "Mars/Base", after=z("2026-01-01T00:00"))
    with pytest.raises(ZoneError, match="longer than 50"):
        load_zone("A" * 51)
    # Files beside the zones that available_timezones() lists on some systems: 'localtime'
    # is the host's own zone, which AWS has never heard of.
    for name in ("localtime", "posixrules", "Factory"):
        with pytest.raises(ZoneError, match="is not an IANA time zone"):
            load_zone(name)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("0 10 ? * FRI-MON *", "0 10 * * 0,1,5,6"),  # explicit, shifted to croniter's Sunday=0
        ("0 10 ? * MON-MON *", "0 10 * * 1"),  # croniter would widen an equal range
        ("0 10 ? * 6L *", "0 10 * * L5"),  # croniter spells last-Friday L5
        ("0 10 ? * L *", "0 10 * * 6"),  # Saturday
        ("0 10 LW * ? *", "0 10 L * *"),  # the adapter moves the weekend back itself
        ("0 10 ? * 2#1 *", "0 10 * * 1#1"),
        ("0/20 22-1 * * ? 2030", "0,20,40 0,1,22,23 * * *"),  # years stay with the adapter
    ],
)
def test_croniter_receives_explicit_translated_fields(fields: str, expected: str) -> None:
    assert croniter_expression(parse_cron(fields)) == expected


@pytest.mark.parametrize(
    ("fields", "fires"),
    [
        ("0 0 30 2 ? *", False),
        ("0 0 31 4,6,9,11 ? *", False),
        ("0 0 29 2 ? 2100-2103", False),
        ("0 0 29 2 ? 2100-2104", True),
        ("0 0 ? 2 2#5 2026", False),
        ("0 0 ? 2 2#5 2044", True),  # Feb 2044 has five Mondays
        ("0 0 L 2 ? *", True),
    ],
)
def test_can_ever_fire(fields: str, fires: bool) -> None:
    assert can_ever_fire(parse_cron(fields)) is fires


@pytest.mark.parametrize(
    ("expression", "zone", "bounds"),
    [
        ("cron(0 2 * * ? *)", "Europe/Madrid", {}),
        ("cron(0 2 * * ? *)", "Europe/Madrid", {"start_date": z("2026-03-01T00:00")}),
        ("cron(0 2 * * ? *)", "Europe/Madrid", {"start_date": z("2025-01-01T00:00")}),
        ("cron(0 2 * * ? *)", "Europe/Madrid", {"end_date": z("2026-01-01T00:30")}),
        ("cron(0 2 * * ? *)", "Europe/Madrid", {"end_date": z("2026-01-01T01:00")}),
        ("cron(0 9 ? * 2#1 *)", "America/New_York", {"end_date": z("2026-01-01T00:00")}),
        ("rate(7 minutes)", None, {"anchor": z("2025-12-31T23:58")}),
        ("rate(7 minutes)", None, {"start_date": z("2026-02-01T00:00")}),
        (
            "rate(1 hour)",
            None,
            {"anchor": z("2025-12-31T20:00"), "end_date": z("2026-01-01T00:00")},
        ),
        ("at(2026-01-01T12:00:00)", "Asia/Tokyo", {"end_date": z("2025-01-01T00:00")}),
        ("at(2025-01-01T12:00:00)", "Asia/Tokyo", {}),
    ],
)
def test_next_run_cache_answers_as_next_runs_does(
    expression: str, zone: str | None, bounds: dict[str, datetime]
) -> None:
    after = z("2026-01-01T00:00")
    cache = NextRunCache(after)
    expected = next_runs(expression, zone, after=after, count=1, **bounds)  # type: ignore[arg-type]
    for _ in range(2):  # the second answer comes from the shared memo
        assert cache.next_run(expression, zone, **bounds) == (expected[0].at if expected else None)


def test_one_cache_kept_across_instants_answers_as_a_fresh_one_would() -> None:
    # The session keeps one NextRunCache and moves it with the clock: an answer is reused
    # only while the clock is before it, never once its run has passed or the clock went back.
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night Madrid springs forward
    kept = NextRunCache(start)
    cases = [("cron(0 * * * ? *)", "Europe/Madrid"), ("cron(30 2 * * ? *)", "Europe/Madrid"),
             ("at(2026-03-29T05:00:00)", "UTC"), ("cron(0 0 1 1 ? 2026)", "UTC")]  # fmt: skip
    instants = [start + timedelta(minutes=minutes) for minutes in (0, 10, 29, 30, 31, 95, 300)]
    instants += [start + timedelta(days=400), start]  # far on (past every run), then back
    for instant in instants:
        kept.move_to(instant)
        for expression, zone in cases:
            assert kept.next_run(expression, zone) == NextRunCache(instant).next_run(
                expression, zone
            ), (instant, expression)
