"""Benchmark: the schedules filter over 100,000 rows (the store side, before the table paints).

Run on demand: `python -m pytest tests/bench/test_bench_filter.py -s`. The table's own
set_rows + paint is measured in test_bench_virtual_table.py.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from schedtui.core.schedules.rows import ScheduleRow, parse_filter
from schedtui.core.schedules.store import AccountStore, schedule_table_row
from tests.bench.scale import sized

NOW = datetime(2026, 11, 29, 16, tzinfo=UTC)
ROWS = sized(100_000, 2_000)


def test_filter_100k_rows() -> None:
    store = AccountStore()
    rows = []
    for i in range(ROWS):
        row = ScheduleRow(
            arn=f"arn:{i}", name=f"job-{i:06d}", group=f"g{i % 9}",
            state="DISABLED" if i % 10 == 0 else "ENABLED",
            target_arn=f"arn:aws:lambda:us-east-1:123456789012:function:fn{i % 50}",
            expression="cron(0 2 * * ? *)",
            zone="Europe/Madrid" if i % 2 else "UTC", next_run=NOW, target_kind="Lambda",
            target_name=f"fn{i % 50}", dlq=None, dlq_arn=None, retry="3/1h", last_modified=NOW,
            detailed=True, haystack=f"job-{i:06d} g{i % 9} cron(0 2 * * ? *) fn{i % 50}",
        )  # fmt: skip
        rows.append((row, schedule_table_row(row)))
    store.put_rows(rows)
    print(f"\nfilter over {ROWS:,} rows (best of 5):")
    for text in ("", "state:disabled", "job-0001", "group:g3 target:lambda", "fn7 tz:europe"):
        row_filter = parse_filter(text)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            shown = store.visible(None, row_filter)
            timings.append(time.perf_counter() - started)
        print(f"  {text!r:28} {len(shown):>7,} rows  {min(timings) * 1000:6.1f} ms")
