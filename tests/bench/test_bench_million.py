"""Benchmark: one million schedules through the real store, table and next-run code.

Run on demand (~3 min at 1M, most of it building the synthetic pages):

    .venv/bin/python -m pytest tests/bench/test_bench_million.py -s
    SCHEDTUI_BENCH_MILLION=100000 .venv/bin/python -m pytest tests/bench/test_bench_million.py -s

Headless and in process (no moto: at the real pace listing a million schedules takes
minutes of network): 10,000 synthetic ListSchedules pages of 100 go into the store the
way the sync worker puts them, definitions the way the details cache does, and a
``VirtualTable`` in a headless Textual app shows the list, as the schedules screen does.
It prints each figure of issue #18's table next to its target, and asserts only that each
step really happened (rows shown, sorted, filtered), never how fast: the machine varies.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

from textual.app import App, ComposeResult

from schedtui.core.schedules.rows import parse_filter
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.schedules.store import SCHEDULE_COLUMNS, AccountStore, StoreRows
from schedtui.ui.sync import keep_out_of_collections
from schedtui.ui.widgets.virtual_table import VirtualTable
from tests.bench.scale import sized
from tests.bench.synthetic import NOW, digest, pages, summary

SIZE = int(os.environ.get("SCHEDTUI_BENCH_MILLION", str(sized(1_000_000, 2_000))))
TICK_PAGES = sized(50, 5)  # pages between two list rebuilds: 0.5 s of listing at ~100 pages/s
TRACED = sized(
    50_000, 1_000
)  # schedules measured with tracemalloc (bytes per schedule do not scale)


def figure(label: str, value: str, target: str) -> None:
    print(f"  {label:<60} {value:>15}   target {target}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def rss_mib() -> float:
    """Current resident memory (Linux /proc)."""
    fields = Path("/proc/self/statm").read_text().split()
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(step: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield VirtualTable(SCHEDULE_COLUMNS, id="table")


def show(table: VirtualTable, store: AccountStore, text: str = "") -> StoreRows:
    """What the schedules screen's reload does: the view, the table's rows, a paint."""
    previous = table.rows if isinstance(table.rows, StoreRows) else None
    rows = store.view(None, parse_filter(text), previous)
    table.set_rows(rows)
    for line in range(1, 40):
        table.render_line(line)
    return rows


def page_at(start: int, size: int) -> list[ScheduleSummary]:
    return [summary(number) for number in range(start, min(size, start + 100))]


def define_all(store: AccountStore, size: int) -> None:
    """Every definition, as the details cache stores them (GetSchedule's digests)."""
    for start in range(0, size, 100):
        for offset, listed in enumerate(page_at(start, size)):
            store.columns.put_definition(digest(listed, start + offset))


def bytes_per_schedule(count: int) -> tuple[float, float]:
    """Bytes a listed schedule, then its definition, add to a store (tracemalloc, on a
    store of its own: tracing slows everything else down)."""
    store = AccountStore()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for page in pages(count):
        store.columns.put_listed(page)
    listed = tracemalloc.get_traced_memory()[0]
    define_all(store, count)
    defined = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (listed - before) / count, (defined - listed) / count


def listing(store: AccountStore, table: VirtualTable) -> Iterator[float]:
    """List SIZE schedules page by page; yield the UI's cost of each rebuild."""
    columns = store.columns
    number = columns.begin_listing()
    for index, page in enumerate(pages(SIZE)):
        ids = columns.put_listed(page, number)
        columns.settle_next_runs(ids, NOW)
        if index % TICK_PAGES == TICK_PAGES - 1:
            started = time.perf_counter()
            show(table, store)
            columns.group_counts(None)  # the status line's counts
            yield time.perf_counter() - started
    columns.end_listing(number)


async def test_one_million_schedules() -> None:
    gc.collect()
    gc.freeze()  # as cli/tui.py does at start: what the imports made lives forever
    base_rss = rss_mib()
    store = AccountStore()
    columns = store.columns
    print(f"\n{SIZE:,} schedules, in process (figure, then issue #18's target):")
    async with ListApp().run_test(size=(160, 48)) as pilot:
        table = pilot.app.query_one(VirtualTable)
        table.set_now(NOW)
        ticks = list(listing(store, table))
        keep_out_of_collections(len(columns))  # what the sync does when a listing completes
        define_all(store, SIZE)
        next_runs, _ = timed(lambda: columns.settle_next_runs(range(len(columns)), NOW))
        shown = show(table, store)
        await pilot.pause()
        rss = rss_mib() - base_rss
        assert table.row_count == SIZE
        assert len(shown) == SIZE

        figure("memory: rows + definitions + table (RSS growth)", f"{rss:,.0f} MiB", "< 700 MiB")
        listed, defined = bytes_per_schedule(min(SIZE, TRACED))
        figure(
            "  per schedule listed / its definition (tracemalloc)",
            f"{listed:,.0f} / {defined:,.0f} B",
            "(was 1.2 KB / 0.43 KB)",
        )
        figure(
            f"list rebuild per tick while listing (median / max of {len(ticks)})",
            f"{ms(statistics.median(ticks))} / {max(ticks) * 1000:,.1f}",
            "< 30 ms",
        )

        for text in ("state:disabled", "nightly", "group:team-042", "tz:europe/madrid", "fn-0042"):
            show(table, store)  # from the unfiltered list, as the operator types it
            seconds, rows = timed(lambda text=text: show(table, store, text))
            assert 0 < len(rows) < SIZE  # type: ignore[arg-type]
            figure(f"/ filter {text!r} ({len(rows):,} rows)", ms(seconds), "< 100 ms")  # type: ignore[arg-type]
        keys = []
        typed = ""
        for letter in "order-events-replay-0004":
            typed += letter
            keys.append(timed(lambda typed=typed: show(table, store, typed))[0])
        figure(
            f"/ typing {typed!r}, each key (median / max)",
            f"{ms(statistics.median(keys))} / {max(keys) * 1000:,.1f}",
            "< 100 ms",
        )
        slowest = max(range(len(keys)), key=keys.__getitem__)
        print(f"    the slowest key: {typed[: slowest + 1]!r}")
        show(table, store, "nightly")
        clear, rows = timed(lambda: show(table, store, ""))
        assert len(rows) == SIZE  # type: ignore[arg-type]
        figure("/ clearing the filter", ms(clear), "< 150 ms")

        sorts = ("name", "next", "group")
        for key in sorts:
            first, _ = timed(lambda key=key: table.sort_by(key, reverse=False))
            again, _ = timed(lambda key=key: table.sort_by(key, reverse=True))
            assert table.sort_column == key
            figure(f"sort by {key}, cold (ascending / reversed)", f"{ms(first)} / {ms(again)}", "-")
        # What the sync does when a refresh is done (ui/sync.py: warm, in its worker).
        store.orders = type(store.orders)(columns)
        warm, _ = timed(lambda: store.orders.warm(sorts))
        figure("  the sync warms these orders off the UI thread", ms(warm), "-")
        for key in sorts:
            first, _ = timed(lambda key=key: table.sort_by(key, reverse=False))
            again, _ = timed(lambda key=key: table.sort_by(key, reverse=True))
            figure(
                f"sort by {key}, warm (ascending / reversed)",
                f"{ms(first)} / {ms(again)}",
                "< 300 ms",
            )
        figure("next-run column for all rows (one shared cache)", f"{next_runs:,.2f} s", "< 5 s")

        # The rows are arrays and strings, which the collector does not track, in a few
        # lists the sync freezes once they have grown (ui/sync.py: keep_out_of_collections).
        pause, _ = timed(gc.collect)
        figure("full garbage collection with every row in the store", ms(pause), "< 100 ms")
        gc.unfreeze()
