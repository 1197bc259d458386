"""Benchmark: VirtualTable with 100,000 schedule-like rows.

Run on demand: `python -m pytest tests/bench/test_bench_virtual_table.py -s` (~30 s, most of it
the pilot's idle polling between key presses). Prints the time
of the paths an operator hits (load + first paint, the filter path, a sort, cursor keys) and
the memory the rows and the table take. No timing assertions: the machine varies; the
figures go in the README. It does check that every measured step really painted.
"""

from __future__ import annotations

import gc
import os
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip

from schedtui.core.table import Column, TableRow
from schedtui.ui.widgets.virtual_table import VirtualTable
from tests.bench.scale import sized

ROWS = sized(100_000, 1_000)
PRESSES = sized(200, 5)
SIZE = (160, 48)  # a typical full-screen terminal: more lines to paint than 80x24
COLUMNS = (
    Column("name", "NAME", 22, flex=True),
    Column("group", "GROUP", 12),
    Column("state", "STATE", 8),
    Column("expression", "EXPRESSION", 20, flex=True),
    Column("zone", "ZONE", 12),
    Column("next", "NEXT RUN", 10, align="right"),
    Column("next_at", "NEXT (UTC)", 12),
    Column("target", "TARGET", 18, flex=True),
    Column("dlq", "DLQ", 10),
    Column("retry", "RETRY", 7),
    Column("modified", "MODIFIED", 16),
)
ZONES = ("UTC", "Europe/Madrid", "America/New_York", "Asia/Tokyo", "Australia/Sydney")


def schedule_rows(count: int) -> list[TableRow]:
    rows = []
    for number in range(count):
        group = f"team-{number % 40:02d}"
        name = f"nightly-export-{number:06d}"
        minutes = (number * 7919) % 100_000
        rows.append(
            TableRow(
                key=f"arn:aws:scheduler:eu-west-1:123456789012:schedule/{group}/{name}",
                cells=(
                    name,
                    group,
                    "DISABLED" if number % 9 == 0 else "ENABLED",
                    f"cron({number % 60} {number % 24} * * ? *)",
                    ZONES[number % len(ZONES)],
                    f"in {minutes // 60}h {minutes % 60}m",
                    "11-29 12:00Z",
                    f"lambda: fn-{number % 500}",
                    "—" if number % 3 else "dlq-main",
                    "185/24h",
                    "2026-11-29 12:00",
                ),
                sort_keys=(name, group, "", "", "", minutes),
                style="dim" if number % 9 == 0 else "",
            )
        )
    return rows


class CountingTable(VirtualTable):
    """Counts render_line calls so each measurement can prove that it painted."""

    rendered = 0

    def render_line(self, y: int) -> Strip:
        CountingTable.rendered += 1
        return super().render_line(y)


class BenchApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CountingTable(COLUMNS, id="table")

    def on_mount(self) -> None:
        self.query_one(CountingTable).focus()


def rss_mib() -> float:
    """Current resident memory (Linux /proc; ru_maxrss is only the peak)."""
    try:
        with open(f"/proc/{os.getpid()}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@contextmanager
def timed(label: str, results: list[tuple[str, float]]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results.append((label, time.perf_counter() - start))


async def painted(pilot: Pilot[None]) -> int:
    """Let the app process messages and refresh the screen; lines painted meanwhile."""
    before = CountingTable.rendered
    await pilot.pause()
    return CountingTable.rendered - before


async def test_bench_virtual_table() -> None:
    gc.collect()
    rss_start = rss_mib()
    start = time.perf_counter()
    rows = schedule_rows(ROWS)
    build = time.perf_counter() - start
    gc.collect()
    rss_rows = rss_mib()
    results: list[tuple[str, float]] = []

    app = BenchApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(CountingTable)
        await pilot.pause()

        with timed("baseline: pilot.pause() with nothing to paint", results):
            await pilot.pause()
        with timed("set_rows(100k) + first paint", results):
            table.set_rows(rows)
            lines = await painted(pilot)
        assert lines >= SIZE[1] - 1
        start = time.perf_counter()
        table.set_rows(rows)
        results.append(("set_rows(100k) alone (refresh path)", time.perf_counter() - start))
        await painted(pilot)
        gc.collect()
        rss_table = rss_mib()

        kept = rows[ROWS * 3 // 5 + 1]  # an odd row: the filter below keeps it
        table.move_to(kept.key)
        half = [row for number, row in enumerate(rows) if number % 2]
        with timed("filter: set_rows(50k) + paint", results):
            table.set_rows(half)
            assert await painted(pilot) > 0
        assert table.cursor_key == kept.key
        with timed("filter cleared: set_rows(100k) + paint", results):
            table.set_rows(rows)
            assert await painted(pilot) > 0

        with timed("sort by NAME (text), no paint", results):
            table.sort_by("name")
        await painted(pilot)
        with timed("sort by NEXT RUN (int keys) + paint", results):
            table.sort_by("next")
            assert await painted(pilot) > 0
        with timed("sort by NAME reversed (text) + paint", results):
            table.sort_by("name", reverse=True)
            assert await painted(pilot) > 0
        with timed("sort by GROUP (text, many ties) + paint", results):
            table.sort_by("group")
            assert await painted(pilot) > 0

        changed = [
            TableRow(row.key, ("renamed", *row.cells[1:]), row.sort_keys, row.style)
            for row in table._rows[:1000]
        ]
        with timed("update_rows(1,000 changed) + paint", results):
            table.update_rows(changed)
            await painted(pilot)

        table.move_to(table._rows[0].key)
        await pilot.pause()
        # Wall time per press is mostly the pilot waiting for the process to go idle (it
        # polls); CPU time is the real cost: key dispatch, the action, compositing the
        # changed lines and writing the frame to the headless driver.
        per_key: list[tuple[str, float, float]] = []
        for key in ("down", "pagedown"):
            wall, cpu = time.perf_counter(), time.process_time()
            before = CountingTable.rendered
            for _ in range(PRESSES):
                await pilot.press(key)
            await pilot.pause()
            assert CountingTable.rendered > before
            per_key.append(
                (
                    key,
                    (time.perf_counter() - wall) / PRESSES,
                    (time.process_time() - cpu) / PRESSES,
                )
            )

        # The widget's own share of a keypress: the action plus repainting the screen lines
        # (no pilot, no event loop round trip).
        height = table.size.height
        table.move_to(table._rows[0].key)
        start = time.perf_counter()
        for _ in range(PRESSES):
            table.action_cursor_page_down()
            for y in range(height):
                table.render_line(y)
        widget_pagedown = (time.perf_counter() - start) / PRESSES
        cache = table._line_cache
        cache_figures = f"{len(cache)} entries, {cache.hits} hits, {cache.misses} misses"
        await pilot.press("end")
        assert table._cursor == ROWS - 1

    print(f"\nVirtualTable benchmark: {ROWS:,} rows, {len(COLUMNS)} columns, terminal {SIZE}")
    print(f"  build the TableRow list (caller's cost)      {build * 1000:8.1f} ms")
    for label, seconds in results:
        print(f"  {label:<44} {seconds * 1000:8.1f} ms")
    for key, wall, cpu in per_key:
        print(
            f"  key {key:<8} mean of {PRESSES}: CPU {cpu * 1000:5.2f} ms"
            f" (wall {wall * 1000:5.1f} ms, pilot idle polling)"
        )
    print(f"  page down, widget only (action + {height} lines)  {widget_pagedown * 1000:8.2f} ms")
    print(f"  line cache after the key runs: {cache_figures}")
    print(f"  RSS at start                                 {rss_start:8.1f} MiB")
    print(f"  RSS with 100k rows built                     {rss_rows:8.1f} MiB")
    print(f"  RSS with the table holding them (+ app)      {rss_table:8.1f} MiB")
    print(f"  peak RSS (ru_maxrss)                         {peak_mib():8.1f} MiB")
