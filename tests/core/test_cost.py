"""Invocations per month and the Scheduler bill (core/fleet/cost.py, prices.py): counts for
rate, cron and at() with zones, daylight saving, StartDate and EndDate, the free tier applied
once to the account, each group's share, observed retries, and the price's note."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime, timedelta
from itertools import takewhile

import pytest

from schedtui.core.expressions.parse import parse_expression
from schedtui.core.expressions.runs import instants
from schedtui.core.expressions.zones import load_zone
from schedtui.core.fleet.cost import (
    MONTH,
    MonthCounter,
    columns_cost_report,
    cost_report,
    digests_cost_report,
    invocations_per_month,
    retries_per_month,
)
from schedtui.core.fleet.prices import PRICE_NOTE, PRICE_SOURCE, monthly_bill
from schedtui.core.monitoring.metrics import (
    DROPPED,
    SENT_TO_DLQ,
    TARGET_ERRORS,
    MetricSeries,
)
from schedtui.core.schedules.columns import ScheduleColumns
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import Schedule
from tests.bench import synthetic
from tests.core.model_samples import schedule_response

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CREATED = datetime(2026, 1, 1, tzinfo=UTC)


def schedule(expression: str, zone: str | None = "UTC", **members: object) -> Schedule:
    return Schedule.from_api(
        schedule_response(
            ScheduleExpression=expression,
            ScheduleExpressionTimezone=zone,
            CreationDate=CREATED,
            **members,
        )
    )


def count(
    expression: str, zone: str | None = "UTC", now: datetime = NOW, **members: object
) -> float:
    return invocations_per_month(schedule(expression, zone, **members), now)


def test_rate_counts_from_its_creation_and_from_a_start_date() -> None:
    assert count("rate(1 hour)") == 30 * 24
    # Every 7 minutes from 2026-01-01 00:00: the first run of the month is 2 minutes after
    # NOW, then 6,171 more fit in the 43,200 minutes (whole runs only, never 6171.4).
    assert count("rate(7 minutes)") == 6_172
    # A StartDate ten days ahead: runs from it (it counts) to the month's end (inclusive).
    start = NOW + timedelta(days=10)
    assert count("rate(1 hour)", StartDate=start) == 20 * 24 + 1
    # rate(N) with a huge N: once at most, never an overflow.
    assert count("rate(3000000 days)") == 0


def test_cron_counts_every_run_of_the_month() -> None:
    assert count("cron(0 9 * * ? *)") == 30
    assert count("cron(* * * * ? *)") == 30 * 24 * 60
    assert count("cron(0/15 * * * ? *)") == 30 * 24 * 4
    # 2026-03-02 (a Monday) to 2026-04-01: 22 weekdays.
    assert count("cron(0 8 ? * MON-FRI *)") == 22
    assert count("cron(0 8 L * ? *)") == 1  # 31 March; 30 April is past the month
    assert count("cron(0 0 1 1 ? 2030)") == 0  # a year not in the month


def test_at_counts_once_in_the_month_and_ignores_the_dates() -> None:
    assert count("at(2026-03-20T10:00:00)") == 1
    assert count("at(2026-03-20T10:00:00)", EndDate=NOW + timedelta(days=1)) == 1
    assert count("at(2026-03-01T10:00:00)") == 0  # passed
    assert count("at(2026-05-01T10:00:00)") == 0  # after the month


def test_disabled_counts_nothing() -> None:
    assert count("cron(* * * * ? *)", State="DISABLED") == 0


def test_start_and_end_dates_bound_a_cron() -> None:
    end = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # inclusive: the 09:00 of the 7th runs
    assert count("cron(0 9 * * ? *)", EndDate=end) == 5  # 3rd..7th (the 2nd's is past)
    start = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)  # inclusive too
    # 30th, 31st and 1 April (the month ends on 1 April at 12:00)
    assert count("cron(0 9 * * ? *)", StartDate=start) == 3
    assert count("cron(0 9 * * ? *)", StartDate=start, EndDate=end) == 0


def test_a_zone_moves_the_runs_against_the_window() -> None:
    # Until the end of today (UTC): 13:30 UTC is still ahead of NOW (12:00), while 13:30 in
    # Kolkata (08:00 UTC) has passed today and tomorrow's is after the EndDate.
    tonight = datetime(2026, 3, 2, 23, 59, tzinfo=UTC)
    assert count("cron(30 13 * * ? *)", "UTC", EndDate=tonight) == 1
    assert count("cron(30 13 * * ? *)", "Asia/Kolkata", EndDate=tonight) == 0
    assert count("cron(30 13 * * ? *)", None) == 30  # no zone: UTC, as in AWS


def test_daylight_saving_skips_and_repeats_as_aws_runs_them() -> None:
    # Madrid springs forward on 2026-03-29: 02:00-02:59 does not exist that day.
    assert count("cron(30 2 * * ? *)", "Europe/Madrid") == 29
    assert count("cron(* 2 * * ? *)", "Europe/Madrid") == 29 * 60
    # It falls back on 2026-10-25: 02:00-02:59 happens twice and runs once.
    autumn = datetime(2026, 10, 9, 22, tzinfo=UTC)  # 10 October, 00:00 in Madrid
    assert count("cron(* 2 * * ? *)", "Europe/Madrid", now=autumn) == 30 * 60
    # Of the month's 43,200 real minutes, the repeated hour's second pass has no run.
    assert count("cron(* * * * ? *)", "Europe/Madrid", now=autumn) == 30 * 24 * 60 - 60
    # rate() counts real time: a day is 24 hours whatever the wall clock does.
    assert count("rate(1 hour)", "Europe/Madrid", now=autumn) == 30 * 24


@pytest.mark.parametrize(
    "expression",
    [
        "cron(30 2 * * ? *)",
        "cron(0/20 0-4 ? * MON-FRI *)",
        "cron(15 10 ? * 6L *)",
        "cron(0 9 LW * ? *)",
        "cron(0 2 15W * ? *)",
        "rate(7 minutes)",
        "at(2026-03-29T02:30:00)",
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "Europe/Madrid", "America/New_York", "Australia/Sydney"])
def test_counts_agree_with_the_run_engine(expression: str, zone: str) -> None:
    """The arithmetic counts what listing every run (runs.instants) would, around the
    March and April changes of both hemispheres, with dates inside the month."""
    now = datetime(2026, 3, 14, 7, 13, 5, tzinfo=UTC)
    start, end = now + timedelta(days=3, minutes=7), now + timedelta(days=25, hours=5)
    for start_date, end_date in ((None, None), (start, None), (None, end), (start, end)):
        listed = instants(
            parse_expression(expression),
            load_zone(zone),
            now,
            start_date=start_date,
            end_date=end_date,
            anchor=CREATED,
        )
        expected = sum(1 for _ in takewhile(lambda at: at <= now + MONTH, listed))
        counted = MonthCounter(now).count(
            expression, zone, start_date=start_date, end_date=end_date, created=CREATED
        )
        assert counted == expected, (start_date, end_date)


def digests(group: str, expression: str, how_many: int) -> list[ScheduleDigest]:
    one = ScheduleDigest.of(schedule(expression, GroupName=group))
    return [dataclasses.replace(one, name=f"s{index}") for index in range(how_many)]


def test_the_free_tier_applies_once_and_each_group_pays_its_share() -> None:
    # 400 + 100 per-minute schedules: 21.6 million invocations, 7.6 million past the free 14.
    report = digests_cost_report(
        digests("busy", "cron(* * * * ? *)", 400) + digests("calm", "cron(* * * * ? *)", 100),
        NOW,
        groups=["empty"],
    )
    assert report.invocations == 21_600_000
    assert report.free == 14_000_000
    assert report.usd == pytest.approx(7.60)
    busy, calm, empty = report.groups
    assert (busy.group, busy.schedules, busy.invocations) == ("busy", 400, 17_280_000)
    assert busy.usd == pytest.approx(7.60 * 0.8)
    assert calm.usd == pytest.approx(7.60 * 0.2)
    assert (empty.group, empty.schedules, empty.usd) == ("empty", 0, 0.0)
    # Under the free tier the whole account pays nothing.
    small = cost_report([schedule("cron(* * * * ? *)")], NOW)
    assert (small.invocations, small.usd, small.groups[0].usd) == (43_200, 0.0, 0.0)


def test_observed_retries_are_billed_and_shared() -> None:
    many = digests("busy", "cron(* * * * ? *)", 400)  # 17.28 million
    without = digests_cost_report(many, NOW)
    report = digests_cost_report(many, NOW, {"busy": 1_000_000.0})
    assert (report.retries, report.retries_known) == (1_000_000.0, True)
    assert report.usd == pytest.approx(without.usd + 1.0)
    assert report.groups[0].retries == 1_000_000.0
    assert not without.retries_known


def test_retries_are_errors_that_did_not_end_the_invocation() -> None:
    stamps = (NOW,)

    def series(metric: str, group: str | None, value: float) -> MetricSeries:
        return MetricSeries(metric, group, 86_400, stamps, (value,))

    found = retries_per_month(
        [
            series(TARGET_ERRORS, "reports", 70.0),  # 70 failed attempts
            series(SENT_TO_DLQ, "reports", 10.0),  # 10 of them were last attempts
            series(DROPPED, "reports", 4.0),  # and 4 more
            series(TARGET_ERRORS, None, 999.0),  # account wide: not a group's
            series(TARGET_ERRORS, "quiet", 0.0),
            series(DROPPED, "odd", 5.0),  # more final outcomes than errors: never negative
        ],
        timedelta(days=7),
    )
    assert found == {"odd": 0.0, "quiet": 0.0, "reports": pytest.approx(56 * 30 / 7)}


@pytest.mark.parametrize(
    "values",
    [(math.inf,), (math.nan,), (-5.0,), (1e308, 1e308)],  # the last: a sum past float's range
)
def test_retries_from_a_datapoint_no_count_can_be_are_refused(values: tuple[float, ...]) -> None:
    # CloudWatch's answer is hostile too: "USD inf" or "nan" would be a bill that says
    # nothing, and a negative count would grow the retries of the errors it "cancels".
    stamps = tuple(NOW + timedelta(days=day) for day in range(len(values)))
    hostile = MetricSeries(TARGET_ERRORS, "reports", 86_400, stamps, values)
    with pytest.raises(ValueError, match="no count can be"):
        retries_per_month([hostile], timedelta(days=7))


def test_unreadable_schedules_are_counted_apart() -> None:
    good = ScheduleDigest.of(schedule("cron(0 9 * * ? *)"))
    odd = dataclasses.replace(good, name="odd", expression="garbage")
    zoned = dataclasses.replace(good, name="zoned", zone="Mars/Olympus")
    report = digests_cost_report([good, odd, zoned], NOW)
    assert (report.invocations, report.unknown) == (30, 2)
    assert report.groups[0].schedules == 3


def test_the_columns_give_the_same_report_as_the_digests() -> None:
    columns = ScheduleColumns()
    listing = columns.begin_listing()
    listed = [summary for page in synthetic.pages(2_000) for summary in page]
    columns.put_listed(listed, listing)
    defined = [synthetic.digest(summary, number) for number, summary in enumerate(listed)]
    for digest in defined[:1_500]:  # the rest are listed, not read yet
        columns.put_definition(digest)
    report = columns_cost_report(columns, synthetic.NOW, {"team-001": 3.0})
    expected = digests_cost_report(defined[:1_500], synthetic.NOW, {"team-001": 3.0})
    assert report.invocations == expected.invocations > 0
    assert report.usd == expected.usd
    # The 500 not read: the DISABLED ones among them count 0, the others are unknown.
    assert report.unknown == sum(1 for summary in listed[1_500:] if summary.state != "DISABLED")
    assert {g.group: g.invocations for g in report.groups} == {
        g.group: g.invocations for g in expected.groups
    }


def test_the_price_is_one_table_with_its_source_and_the_targets_left_out() -> None:
    assert monthly_bill(14_000_000) == 0.0
    assert monthly_bill(15_000_000) == pytest.approx(1.00)
    assert PRICE_SOURCE in PRICE_NOTE
    assert "2026-12-04" in PRICE_NOTE
    assert "target costs" in PRICE_NOTE
    assert "not included" in PRICE_NOTE
    assert cost_report([], NOW).price_note == PRICE_NOTE
