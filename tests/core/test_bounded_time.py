"""Any value AWS stores evaluates without an exception: huge rates, far years, odd zones.

The documented grammar sets no upper bound on rate()'s N, at() takes any four-digit year,
and dates come back from the server as they were stored. Every expression path (engine, the
list's next-run column, the detail, the form preview, findings, change warnings) must answer
for all of them: runs stop at the horizon (the end of 2199), never with an OverflowError.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedtui.core.changes.warnings import change_warnings
from schedtui.core.expressions.describe import describe
from schedtui.core.expressions.parse import parse_expression
from schedtui.core.expressions.runs import HORIZON, NextRunCache, RunsEnd, next_runs, runs_end
from schedtui.core.expressions.zones import utc_text
from schedtui.core.health.findings import findings
from schedtui.core.schedules.form import preview, values_of
from schedtui.core.schedules.rows import ScheduleDigest, relative_text
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.schedules.store import AccountStore, schedule_table_row
from tests.core.strategies import ZONES, cron_expressions

NOW = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)

instants = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)
).map(lambda value: value.replace(tzinfo=UTC))
zones = st.sampled_from([*ZONES, "Pacific/Kiritimati", "Etc/GMT+12", "Asia/Kathmandu"])
huge_rates = st.builds(
    lambda value, unit: f"rate({value} {unit if value == 1 else unit + 's'})",
    st.one_of(st.integers(1, 10), st.integers(1, 10**30)),
    st.sampled_from(["minute", "hour", "day"]),
)
any_at = st.builds(
    lambda moment: f"at({moment.year:04d}-{moment:%m-%dT%H:%M:%S})",
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)),
)
expressions = st.one_of(huge_rates, any_at, cron_expressions())


@pytest.mark.parametrize(
    "expression",
    [
        "rate(3000000 days)",
        "rate(2147483648 minutes)",
        "rate(99999999999999999999 days)",
        "at(9999-12-31T23:59:59)",
        "at(0001-01-01T00:00:00)",
        "cron(0 8,0/6 * * ? *)",
        "cron(0 */5,1 * * ? *)",
        "cron(0 0 ? * 01 *)",
        "cron(59 23 31 12 ? 2199)",
    ],
)
def test_the_reported_crashers_answer(expression: str) -> None:
    for zone in ("UTC", "Asia/Tokyo", "Etc/GMT+12"):
        runs = next_runs(expression, zone, after=NOW, count=5, anchor=NOW, window_minutes=30)
        assert all(NOW <= run.at < HORIZON + timedelta(days=1) for run in runs)  # anchor: NOW
        assert describe(expression, zone)


def test_a_rate_longer_than_the_horizon_fires_at_its_anchor_then_never() -> None:
    runs = next_runs("rate(3000000 days)", after=NOW, count=3, anchor=NOW + timedelta(hours=1))
    assert [run.at for run in runs] == [NOW + timedelta(hours=1)]
    assert runs_end(parse_expression("rate(3000000 days)"), None, runs[0].at) is RunsEnd.HORIZON


def test_a_far_at_is_beyond_the_horizon_and_says_so() -> None:
    parsed = parse_expression("at(2500-01-01T00:00:00)")
    assert next_runs(parsed, "UTC", after=NOW) == []
    assert runs_end(parsed, "UTC", NOW) is RunsEnd.HORIZON
    assert runs_end(parse_expression("at(2020-01-01T00:00:00)"), "UTC", NOW) is RunsEnd.AT_DONE


def test_why_runs_end() -> None:
    cron = parse_expression("cron(0 9 1 1 ? 2027)")
    assert runs_end(cron, "UTC", NOW) is RunsEnd.YEARS_OVER
    assert runs_end(parse_expression("cron(0 0 30 2 ? *)"), "UTC", NOW) is RunsEnd.NEVER
    daily = parse_expression("cron(0 9 * * ? *)")
    assert runs_end(daily, "UTC", NOW, end_date=NOW) is RunsEnd.END_DATE
    assert runs_end(daily, "UTC", NOW) is RunsEnd.HORIZON


def test_relative_times_stay_short_up_to_the_horizon() -> None:
    assert relative_text(HORIZON, NOW) == "in 173y"
    assert relative_text(NOW - timedelta(days=400), NOW) == "400d ago"
    longest = max(
        (
            relative_text(NOW + sign * delta, NOW)
            for sign in (1, -1)
            for delta in (
                timedelta(hours=23, minutes=59),
                timedelta(days=99, hours=23),
                timedelta(days=999),
                HORIZON - NOW,
            )
        ),
        key=len,
    )
    assert len(longest) <= 10, longest


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    expression=expressions,
    zone=zones,
    after=instants,
    start=st.none() | instants,
    end=st.none() | instants,
    anchor=st.none() | instants,
    window=st.none() | st.integers(-(10**12), 10**12),
)
def test_the_engine_never_raises_and_stays_before_the_horizon(
    expression: str,
    zone: str,
    after: datetime,
    start: datetime | None,
    end: datetime | None,
    anchor: datetime | None,
    window: int | None,
) -> None:
    runs = next_runs(
        expression,
        zone,
        after=after,
        count=3,
        start_date=start,
        end_date=end,
        anchor=anchor,
        window_minutes=window,
    )
    instants_found = [run.at for run in runs]
    assert instants_found == sorted(set(instants_found))
    assert all(run.window_end is None or run.window_end > run.at for run in runs)
    # A rate() fires at its anchor, listed even when the anchor is `after` itself.
    new_rate = expression.startswith("rate(") and (start or anchor or after) == after
    assert all(after <= at < HORIZON + timedelta(days=1) for at in instants_found)
    assert all(after < at for at in instants_found) or new_rate
    cache = NextRunCache(after)
    first = cache.next_run(expression, zone, start_date=start, end_date=end, anchor=anchor)
    assert first is None or after < first or (new_rate and first == after)
    runs_end(parse_expression(expression), zone, after, end_date=end)


@settings(max_examples=500, deadline=None)
@given(cron_expressions(), zones)
def test_describing_a_valid_cron_never_raises(expression: str, zone: str) -> None:
    text = describe(expression, zone)
    assert text.strip()
    assert text.endswith(f"in {zone}")


def _schedule(expression: str, **members: Any) -> Schedule:
    return Schedule.from_api(
        {
            "Name": "extreme",
            "GroupName": "default",
            "Arn": "arn:aws:scheduler:us-east-1:123456789012:schedule/default/extreme",
            "ScheduleExpression": expression,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Target": {
                "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "RoleArn": "arn:aws:iam::123456789012:role/r",
            },
            **members,
        }
    )


@settings(max_examples=200, deadline=None)
@given(
    expression=expressions,
    zone=zones,
    start=st.none() | instants,
    end=st.none() | instants,
    created=st.none() | instants,
    retry=st.tuples(st.integers(-(2**63), 2**63), st.integers(-(2**63), 2**63)),
    window=st.integers(-(2**63), 2**63),
)
def test_every_view_of_an_extreme_schedule_answers(
    expression: str,
    zone: str,
    start: datetime | None,
    end: datetime | None,
    created: datetime | None,
    retry: tuple[int, int],
    window: int,
) -> None:
    """What AWS stored: the list row, findings, warnings and the form preview all answer."""
    schedule = _schedule(
        expression,
        ScheduleExpressionTimezone=zone,
        StartDate=start,
        EndDate=end,
        CreationDate=created,
        LastModificationDate=created,
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": window},
        Target={
            "Arn": "arn:aws:lambda:us-east-1:123456789012:function:f",
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "RetryPolicy": {
                "MaximumRetryAttempts": retry[0],
                "MaximumEventAgeInSeconds": retry[1],
            },
        },
    )
    summary = ScheduleSummary.from_api(
        {
            "Arn": schedule.arn,
            "Name": schedule.name,
            "GroupName": schedule.group_name,
            "State": "ENABLED",
            "LastModificationDate": created,
        }
    )
    store = AccountStore()
    ids = store.columns.put_listed([summary])
    store.columns.put_definition(ScheduleDigest.of(schedule))
    store.columns.settle_next_runs(ids, NOW)
    row = store.facts(summary.arn)
    assert row is not None
    relative_text(row.next_run, NOW)
    schedule_table_row(store.columns, ids[0])  # every cell of its line
    assert row.retry is not None
    assert row.retry.startswith(f"{retry[0]}/")
    findings(schedule, NOW)
    change_warnings(schedule, schedule.replace(state="DISABLED", check_rules=False), NOW)
    change_warnings(None, schedule, NOW)
    preview(values_of(schedule), NOW, anchor=created)


@pytest.mark.parametrize(
    ("instant", "shown"),
    [
        (datetime(5, 3, 1, 7, 8, tzinfo=UTC), "0005-03-01 07:08"),
        (datetime(2026, 12, 3, 9, 15, 30, tzinfo=UTC), "2026-12-03 09:15"),
        (datetime(9999, 12, 31, 23, 59), "9999-12-31 23:59"),  # naive is UTC, as AWS dates
    ],
)
def test_utc_text_always_writes_four_digit_years(instant: datetime, shown: str) -> None:
    assert utc_text(instant) == shown
    assert utc_text(instant, seconds=True, sep="T").startswith(shown.replace(" ", "T") + ":")
