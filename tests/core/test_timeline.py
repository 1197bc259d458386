"""The fleet timeline: runs per minute, busiest minutes, collisions and window suggestions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import takewhile
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedtui.core.expressions.parse import parse_expression
from schedtui.core.expressions.runs import instants
from schedtui.core.expressions.zones import load_zone
from schedtui.core.fleet.timeline import (
    SUGGESTED_WINDOW,
    ScheduleKey,
    Span,
    Timeline,
    columns_timeline,
    timeline,
)
from schedtui.core.schedules.columns import ScheduleColumns
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from tests.core.strategies import cron_expressions, rate_expressions, zones

ROLE = "arn:aws:iam::123456789012:role/r"
CREATED = datetime(2026, 1, 1, 0, 7, tzinfo=UTC)


def fn(name: str) -> str:
    return f"arn:aws:lambda:eu-west-1:123456789012:function:{name}"


def schedule(
    name: str,
    expression: str,
    *,
    target: str = "a",
    zone: str | None = None,
    group: str = "default",
    window: int | None = None,
    **members: Any,
) -> Schedule:
    flexible = {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": window} if window else {"Mode": "OFF"}
    data = {
        "Name": name,
        "GroupName": group,
        "Arn": f"arn:aws:scheduler:eu-west-1:123456789012:schedule/{group}/{name}",
        "ScheduleExpression": expression,
        "FlexibleTimeWindow": flexible,
        "State": "ENABLED",
        "Target": {"Arn": fn(target), "RoleArn": ROLE},
        "CreationDate": CREATED,
        "LastModificationDate": CREATED,
        **members,
    }
    if zone:
        data["ScheduleExpressionTimezone"] = zone
    return Schedule.from_api(data)


def summary_of(full: Schedule) -> ScheduleSummary:
    """What ListSchedules says of ``full``."""
    return ScheduleSummary.model_construct(
        arn=full.arn,
        name=full.name,
        group_name=full.group_name,
        state=full.state,
        last_modification_date=full.last_modification_date,
        target=None,
    )


def columns_of(schedules: list[Schedule]) -> ScheduleColumns:
    """The store's columns holding ``schedules`` as listed and read."""
    columns = ScheduleColumns()
    listing = columns.begin_listing()
    columns.put_listed(map(summary_of, schedules), listing)
    for full in schedules:
        columns.put_definition(ScheduleDigest.of(full))
    return columns


def named(*names: str, group: str = "default") -> tuple[ScheduleKey, ...]:
    return tuple(ScheduleKey(group, name) for name in names)


def runs_at(found: Timeline) -> dict[datetime, int]:
    return {
        found.start + timedelta(minutes=minute): count
        for minute, count in enumerate(found.per_minute)
        if count
    }


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_rate_runs_from_its_creation_every_period() -> None:
    now = at(2026, 3, 2, 10, 0, 30)
    found = timeline([schedule("sync", "rate(15 minutes)")], now, Span.HOUR)
    assert found.start == at(2026, 3, 2, 10, 0)
    assert len(found.per_minute) == 60
    assert runs_at(found) == {at(2026, 3, 2, 10, m): 1 for m in (7, 22, 37, 52)}
    assert found.schedules == 1
    assert found.skipped == 0


def test_a_rate_with_a_start_date_counts_from_it() -> None:
    now = at(2026, 3, 2, 10, 0)
    rate = schedule("sync", "rate(20 minutes)", StartDate=at(2026, 3, 2, 10, 25))
    assert runs_at(timeline([rate], now, Span.HOUR)) == {
        at(2026, 3, 2, 10, 25): 1,
        at(2026, 3, 2, 10, 45): 1,
    }


def test_cron_in_a_zone_skips_the_spring_forward_and_runs_once_at_fall_back() -> None:
    spring = timeline(
        [schedule("night", "cron(30 2 * * ? *)", zone="Europe/Madrid")],
        at(2026, 3, 28, 12),
        Span.WEEK,
    )
    # 29 March: 02:30 does not exist in Madrid; from the 30th it is 00:30 UTC (CEST).
    assert runs_at(spring) == {at(2026, 3, d, 0, 30): 1 for d in (30, 31)} | {
        at(2026, 4, d, 0, 30): 1 for d in (1, 2, 3, 4)
    }
    autumn = timeline(
        [schedule("night", "cron(30 2 * * ? *)", zone="Europe/Madrid")],
        at(2026, 10, 24, 12),
        Span.DAY,
    )
    # 25 October: 02:30 happens twice and runs once, at its first occurrence (CEST).
    assert runs_at(autumn) == {at(2026, 10, 25, 0, 30): 1}


def test_at_runs_once_in_its_zone_whatever_its_dates() -> None:
    once = schedule(
        "once",
        "at(2026-03-28T15:00:00)",
        zone="America/New_York",
        EndDate=at(2026, 3, 28, 13),  # AWS ignores dates for at(): so does the timeline
    )
    found = timeline([once], at(2026, 3, 28, 12), Span.DAY)
    assert runs_at(found) == {at(2026, 3, 28, 19): 1}  # 15:00 EDT


def test_start_and_end_dates_bound_a_cron_inclusively() -> None:
    hourly = schedule(
        "hourly",
        "cron(0 * * * ? *)",
        StartDate=at(2026, 3, 2, 13),
        EndDate=at(2026, 3, 2, 15),
    )
    found = timeline([hourly], at(2026, 3, 2, 10, 0, 30), Span.DAY)
    assert runs_at(found) == {at(2026, 3, 2, h): 1 for h in (13, 14, 15)}


def test_disabled_and_unreadable_schedules_are_skipped_and_not_counted() -> None:
    kept = schedule("kept", "rate(10 minutes)")
    off = schedule("off", "rate(1 minute)", State="DISABLED")
    found = timeline([kept, off], at(2026, 3, 2, 10), Span.HOUR)
    assert found.runs == 6
    assert found.schedules == 1
    assert found.skipped == 1
    # A definition AWS stored that this engine cannot read: skipped too, never a crash.
    bad = schedule("bad", "rate(5 minutes)")
    columns = columns_of([kept, bad])
    columns.put_definition(replace(ScheduleDigest.of(bad), zone="Mars/Olympus"))
    from_columns = columns_timeline(columns, at(2026, 3, 2, 10), Span.HOUR)
    assert from_columns.runs == 6
    assert from_columns.skipped == 1


def test_collisions_need_the_same_target_and_the_same_minute() -> None:
    now = at(2026, 3, 2, 10)
    fleet = [
        schedule("a1", "cron(15 * * * ? *)", target="a"),
        schedule("a2", "cron(15 * * * ? *)", target="a"),  # same target, same minute
        schedule("a3", "cron(16 * * * ? *)", target="a"),  # same target, another minute
        schedule("b1", "cron(15 * * * ? *)", target="b"),  # same minute, another target
    ]
    found = timeline(fleet, now, Span.HOUR)
    assert [(c.target_arn, c.at, c.schedules, c.minutes) for c in found.collisions] == [
        (fn("a"), at(2026, 3, 2, 10, 15), named("a1", "a2"), 1)
    ]
    over_a_day = timeline(fleet, now, Span.DAY)
    assert [(c.schedules, c.minutes) for c in over_a_day.collisions] == [(named("a1", "a2"), 24)]


def test_different_expressions_collide_only_where_their_runs_meet() -> None:
    now = at(2026, 3, 2, 10)
    fleet = [
        schedule("every-20", "cron(0/20 * * * ? *)", target="a"),
        schedule("every-30", "cron(0/30 * * * ? *)", target="a"),
    ]
    found = timeline(fleet, now, Span.HOUR)
    # :00 (10:00 is not after now: the first meeting is at 11:00, outside the hour) ...
    assert found.collisions == ()
    found = timeline(fleet, at(2026, 3, 2, 9, 59, 30), Span.HOUR)
    assert [(c.at, c.schedules, c.minutes) for c in found.collisions] == [
        (at(2026, 3, 2, 10, 0), named("every-20", "every-30"), 1)
    ]


def test_suggestions_go_to_colliding_schedules_without_a_window() -> None:
    now = at(2026, 3, 2, 10)
    fleet = [
        schedule("hourly-1", "cron(15 * * * ? *)", target="a"),
        schedule("hourly-2", "cron(15 * * * ? *)", target="a", window=10),
        schedule("fast-1", "rate(5 minutes)", target="b"),
        schedule("fast-2", "rate(5 minutes)", target="b"),
    ]
    found = timeline(fleet, now, Span.DAY)
    by_name = {s.schedule.name: s for s in found.suggestions}
    assert {s.schedule for s in found.suggestions} == set(named("hourly-1", "fast-1", "fast-2"))
    assert by_name["hourly-1"].window_minutes == SUGGESTED_WINDOW
    # Never a window longer than the schedule's own period (5 minutes here).
    assert by_name["fast-1"].window_minutes == 5
    assert fn("a") in by_name["hourly-1"].why
    assert "1 other schedule " in by_name["hourly-1"].why


def test_busiest_minutes_most_runs_first_then_earliest_with_their_schedules() -> None:
    now = at(2026, 3, 2, 10)
    fleet = [schedule(f"peak-{n}", "cron(30 10 * * ? *)", target=f"t{n}") for n in range(12)]
    fleet += [
        schedule("often", "rate(10 minutes)", target="x"),  # 10:07 ... 10:57 and beyond
        schedule("twice", "cron(7,17 10 * * ? *)", target="y"),
    ]
    found = timeline(fleet, now, Span.HOUR)
    assert [(b.at, b.runs) for b in found.busiest[:3]] == [
        (at(2026, 3, 2, 10, 30), 12),
        (at(2026, 3, 2, 10, 7), 2),
        (at(2026, 3, 2, 10, 17), 2),
    ]
    # Named fewest runs first (twice: 2 in the hour, often: 6), up to five: the ones that
    # make the minute busy before the ones that run in every minute.
    assert found.busiest[1].schedules == named("twice", "often")
    assert len(found.busiest[0].schedules) == 5
    # Behind the names: every schedule of the minute, in the same order (what "… 7 more"
    # lists), each once.
    peak = found.busiest[0]
    assert peak.behind[:5] == peak.schedules
    assert sorted(peak.behind) == sorted(named(*(f"peak-{n}" for n in range(12))))
    assert found.busiest[1].behind == named("twice", "often")
    # Twelve runs in one minute, four times the hour's average: spread them.
    spread = [s for s in found.suggestions if "busiest" in s.why]
    assert [s.schedule for s in spread] == list(named(*(f"peak-{n}" for n in range(5))))


def test_the_columns_give_what_the_definitions_give() -> None:
    now = at(2026, 10, 24, 23, 12, 41)
    fleet = [
        schedule("madrid", "cron(30 2 * * ? *)", zone="Europe/Madrid", target="a"),
        schedule("madrid-2", "cron(30 2 * * ? *)", zone="Europe/Madrid", target="a"),
        schedule("windowed", "cron(30 2 * * ? *)", zone="Europe/Madrid", target="a", window=30),
        schedule("sydney", "cron(0/10 * * * ? *)", zone="Australia/Sydney", target="a"),
        schedule("rate", "rate(7 minutes)", target="b", StartDate=now - timedelta(hours=3)),
        schedule("rate-2", "rate(7 minutes)", target="b", window=5),
        schedule("ends", "cron(0 * * * ? *)", target="c", EndDate=now + timedelta(hours=20)),
        schedule("once", "at(2026-10-25T02:30:00)", zone="Europe/Madrid", target="c"),
        schedule("off", "rate(1 minute)", target="a", State="DISABLED"),
    ]
    columns = columns_of(fleet)
    for span in Span:
        from_definitions = timeline(fleet, now, span)
        assert columns_timeline(columns, now, span) == from_definitions, span
        assert from_definitions.collisions or span is Span.HOUR  # the case this test is about
    assert ScheduleKey("default", "windowed") not in {
        s.schedule for s in from_definitions.suggestions
    }


# Two schedules whose "group/name" texts are one (AWS allows "/" in neither; a hostile store
# might), names with the characters a key's text would quote or split on, and two names shown
# alike (a newline is shown as its stand-in, "␊").
TWINS = (
    ScheduleKey("a/b", "c"),
    ScheduleKey("a", "b/c"),
    ScheduleKey("q", 'say "hi" #1\nnow'),
    ScheduleKey("q", 'say "hi" #1␊now'),
    ScheduleKey('q"#', "1"),
)


def twins_fleet() -> list[Schedule]:
    """TWINS, all run at 16:30 UTC on one target (each its own ARN: theirs would collide)."""
    return [
        schedule(
            key.name,
            "cron(30 16 * * ? *)",
            group=key.group,
            Arn=f"arn:aws:scheduler:eu-west-1:123456789012:schedule/hostile/twin-{n}",
        )
        for n, key in enumerate(TWINS)
    ]


def test_every_schedule_is_carried_by_group_and_name_never_by_their_text() -> None:
    now = at(2026, 3, 2, 10)
    fleet = twins_fleet()
    assert ScheduleKey("a/b", "c").path == ScheduleKey("a", "b/c").path == "a/b/c"
    for found in (
        timeline(fleet, now, Span.DAY),
        columns_timeline(columns_of(fleet), now, Span.DAY),
    ):
        (busy,) = found.busiest
        assert busy.schedules == busy.behind == TWINS
        (collision,) = found.collisions
        assert collision.schedules == TWINS
        assert tuple(s.schedule for s in found.suggestions) == TWINS


def test_schedules_listed_but_not_read_are_pending() -> None:
    columns = columns_of([schedule("read", "rate(1 hour)")])
    columns.put_listed(
        [ScheduleSummary.model_construct(
            arn="arn:aws:scheduler:eu-west-1:123456789012:schedule/default/unread",
            name="unread", group_name="default", state="ENABLED",
            last_modification_date=CREATED, target=None,
        )],
    )  # fmt: skip
    found = columns_timeline(columns, at(2026, 3, 2, 10), Span.DAY)
    assert found.pending == 1
    assert found.schedules == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    expressions=st.lists(
        st.one_of(cron_expressions(sparse=True), rate_expressions()), min_size=1, max_size=12
    ),
    zone=zones,
    shifts=st.lists(st.integers(-3000, 3000), min_size=12, max_size=12),
    span=st.sampled_from(list(Span)),
)
def test_runs_per_minute_are_the_sum_of_each_schedules_runs(
    expressions: list[str], zone: str, shifts: list[int], span: Span
) -> None:
    # Each schedule twice (the same runs: one signature, counted twice), with its own start.
    now = at(2026, 3, 28, 23, 17, 42)
    fleet = []
    for number, expression in enumerate(expressions):
        start = now + timedelta(minutes=shifts[number])
        for copy in range(2):
            fleet.append(schedule(f"s{number}-{copy}", expression, zone=zone, StartDate=start))
    expected = [0] * span.minutes
    base = now.replace(second=0)
    for full in fleet:
        runs = instants(
            parse_expression(full.schedule_expression),
            load_zone(zone),
            now,
            start_date=full.start_date,
            anchor=full.creation_date,
        )
        for run in takewhile(lambda instant: instant < base + span.length, runs):
            expected[(run - base) // timedelta(minutes=1)] += 1
    assert list(timeline(fleet, now, span).per_minute) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pool=st.lists(
        st.one_of(cron_expressions(sparse=True), rate_expressions(), st.just("rate(7 minutes)")),
        min_size=1,
        max_size=3,
    ),
    choices=st.lists(st.tuples(st.integers(0, 2), st.sampled_from("abc")), min_size=2, max_size=10),
    span=st.sampled_from([Span.HOUR, Span.DAY]),
)
def test_collisions_cover_exactly_the_minutes_a_target_is_run_twice(
    pool: list[str], choices: list[tuple[int, str]], span: Span
) -> None:
    # Few expressions among many schedules: the same runs on one target, and others.
    picks = [(pool[index % len(pool)], target) for index, target in choices]
    now = at(2026, 3, 2, 9, 59, 30)
    fleet = [schedule(f"s{n}", e, target=t) for n, (e, t) in enumerate(picks)]
    found = timeline(fleet, now, span)
    end = found.start + span.length
    by_target: dict[str, dict[datetime, set[str]]] = {}
    for full in fleet:
        runs = instants(parse_expression(full.schedule_expression), load_zone("UTC"), now,
                        anchor=full.creation_date)  # fmt: skip
        for run in takewhile(lambda instant: instant < end, runs):
            minute = run.replace(second=0, microsecond=0)
            by_target.setdefault(full.target.arn, {}).setdefault(minute, set()).add(full.name)
    for target, minutes in by_target.items():
        crowded = {m: names for m, names in minutes.items() if len(names) > 1}
        mine = [c for c in found.collisions if c.target_arn == target]
        assert sum(c.minutes for c in mine) == len(crowded)
        for collision in mine:  # the schedules named run together at the first minute named
            names = {key.name for key in collision.schedules}
            assert crowded[collision.at] == names
    assert found.collisions_total == len(found.collisions)  # no cut at this size
