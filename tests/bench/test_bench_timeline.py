"""Benchmark: the fleet timeline of 100,000 schedules (issue #16: under 2 s).

Run on demand: `python -m pytest tests/bench/test_bench_timeline.py -s`. Fills the store's
columns with the synthetic account (``tests/bench/synthetic.py``: 2,000 expressions, 20
zones, 5,000 targets, one in ten DISABLED), as the app holds it, then times
``columns_timeline`` over the next hour, day and week (the first call, with the engine's
caches cold, and the best of three: other processes share the machine) and prints what it
found.
"""

from __future__ import annotations

import time
from datetime import timedelta

from schedtui.core.fleet.timeline import Span, columns_timeline
from schedtui.core.schedules.columns import ScheduleColumns
from tests.bench import synthetic
from tests.bench.scale import sized

SCHEDULES = sized(100_000, 300)
ROUNDS = sized(3, 1)


def _columns() -> ScheduleColumns:
    columns = ScheduleColumns()
    listing = columns.begin_listing()
    number = 0
    for page in synthetic.pages(SCHEDULES):
        columns.put_listed(page, listing)
        for listed in page:
            columns.put_definition(synthetic.digest(listed, number))
            number += 1
    return columns


def test_timeline_of_100k_schedules() -> None:
    columns = _columns()
    now = synthetic.NOW + timedelta(seconds=17)
    print(f"\nfleet timeline, {SCHEDULES:,} schedules in the store's columns:")
    for span in Span:
        times = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            found = columns_timeline(columns, now, span)
            times.append(time.perf_counter() - started)
        busiest = found.busiest[0].runs if found.busiest else 0
        print(
            f"  next {span.label:>3}: first {times[0]:.2f} s, best {min(times):.2f} s; "
            f"{found.runs:,} runs of "
            f"{found.schedules:,} schedules ({found.skipped:,} skipped), busiest minute "
            f"{busiest:,} runs, {found.collisions_total:,} collisions, "
            f"{len(found.suggestions)} suggestions"
        )
        assert found.schedules + found.skipped <= SCHEDULES
