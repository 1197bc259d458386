"""Benchmark: the schedules filter over 100,000 rows (the store side, before the table paints).

Run on demand: `python -m pytest tests/bench/test_bench_filter.py -s`. The table's own
set_rows + paint is measured in test_bench_virtual_table.py, both at a million in
test_bench_million.py.
"""

from __future__ import annotations

import time

from schedtui.core.schedules.rows import parse_filter
from schedtui.core.schedules.store import AccountStore
from tests.bench.scale import sized
from tests.bench.synthetic import NOW, digest, pages

ROWS = sized(100_000, 2_000)


def test_filter_100k_rows() -> None:
    store = AccountStore()
    columns = store.columns
    for page in pages(ROWS):
        ids = columns.put_listed(page)
        for row, listed in zip(ids, page, strict=True):
            columns.put_definition(digest(listed, row))
        columns.settle_next_runs(ids, NOW)
    print(f"\nfilter over {ROWS:,} rows (best of 5):")
    for text in (
        "",
        "state:disabled",
        "nightly",
        "group:team-003 target:lambda",
        "fn-0007 tz:europe",
    ):
        row_filter = parse_filter(text)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            shown = store.view(None, row_filter)
            timings.append(time.perf_counter() - started)
        assert len(shown) <= ROWS
        print(f"  {text!r:32} {len(shown):>7,} rows  {min(timings) * 1000:6.1f} ms")
