"""Benchmark: invocations a month and the Scheduler bill of the 100,000-schedule demo.

Run on demand: `python -m pytest tests/bench/test_bench_cost.py -s`. The schedules are the
ones `schedtui --demo --demo-size 100000` seeds (``demo/seed.py: plan_demo``, every kind of
expression, zones, start and end dates, DISABLED ones), put in the store's columns as the
details cache puts them; the count is the groups list's (``columns_cost_report``), which
never builds a Schedule. Prints the invocations, the USD and the time, and checks the
columns' report against the digests' one (the CLI's path).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from schedtui.core.fleet.cost import columns_cost_report, digests_cost_report
from schedtui.core.schedules.columns import ScheduleColumns
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.schedules.target import TargetSummary
from schedtui.demo.seed import DEMO_ACCOUNT, DEMO_REGION, PlannedSchedule, plan_demo
from tests.bench.scale import sized

SCHEDULES = sized(100_000, 300)
NOW = datetime(2026, 11, 29, 16, tzinfo=UTC)


def _arn(request: dict[str, object]) -> str:
    return (
        f"arn:aws:scheduler:{DEMO_REGION}:{DEMO_ACCOUNT}:schedule/"
        f"{request['GroupName']}/{request['Name']}"
    )


def _digest(planned: PlannedSchedule) -> ScheduleDigest:
    """As the details cache keeps it: GetSchedule's answer for the planned request."""
    answer = {
        **planned.request,
        "Arn": _arn(planned.request),
        "CreationDate": planned.created,
        "LastModificationDate": planned.modified,
    }
    return ScheduleDigest.of(Schedule.from_api(answer))


def _summary(digest: ScheduleDigest) -> ScheduleSummary:
    return ScheduleSummary.model_construct(
        arn=digest.arn,
        name=digest.name,
        group_name=digest.group,
        state=digest.state,
        creation_date=digest.creation_date,
        last_modification_date=digest.last_modification_date,
        target=TargetSummary.model_construct(arn=digest.target_arn),
    )


def test_cost_of_the_demo_at_scale() -> None:
    started = time.perf_counter()
    plan = plan_demo(SCHEDULES, NOW)
    digests = [_digest(planned) for planned in plan.schedules]
    columns = ScheduleColumns()
    listing = columns.begin_listing()
    columns.put_listed([_summary(digest) for digest in digests], listing)
    for digest in digests:
        columns.put_definition(digest)
    print(
        f"\ncost of {len(digests):,} demo schedules "
        f"(planned and stored in {time.perf_counter() - started:.1f} s):"
    )
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        report = columns_cost_report(columns, NOW, groups=[group.name for group in plan.groups])
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    from_digests = digests_cost_report(digests, NOW)
    digest_seconds = time.perf_counter() - started
    assert report.invocations == from_digests.invocations
    assert report.unknown == from_digests.unknown
    busiest = max(report.groups, key=lambda group: group.invocations)
    print(f"  invocations a month:     {report.invocations:,.0f}")
    print(f"  USD a month:             {report.usd:,.2f} (free: {report.free:,.0f})")
    print(f"  busiest group:           {busiest.group} {busiest.invocations:,.0f} inv")
    print(f"  not evaluable:           {report.unknown:,}")
    print(f"  from the columns (list): {min(timings) * 1000:,.0f} ms (best of 3)")
    print(f"  from the digests (CLI):  {digest_seconds * 1000:,.0f} ms")
