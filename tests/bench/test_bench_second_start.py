"""Benchmark: the second start with the definitions cache warm (issue #18), in process.

Run on demand (~23 min at 100,000: moto lists ~1,000 pages per start, three starts, and
serves GetSchedule at only ~150/s for the warm-up):

    .venv/bin/python -m pytest tests/bench/test_bench_second_start.py -s -p no:cacheprovider
    SCHEDTUI_BENCH_SECOND_START=20000 .venv/bin/python -m pytest \
        tests/bench/test_bench_second_start.py -s -p no:cacheprovider  # quicker

One moto server (``DemoBackend(size=N)``, seeded in its child process) and one cache file in
a temporary directory (``DefinitionsDb(path)``), then three starts of ``SchedtuiApp`` headless
(``run_test``), each a new backend and app, the way ``cli/tui.py`` wires them:

1. First start: until the listing is complete and every definition is in (the cache file is
   warm). Only here GetSchedule is paced at ``WARM_RATE``/s instead of the product's 200/s
   (moto is local; at 200/s 100,000 definitions take ~8 min).
2. Between the starts, ``CHANGED`` schedules get another expression (UpdateSchedule: moto moves
   their LastModificationDate) and ``NEW`` schedules are created.
3. Second start, the same file, default pacing: seconds to listing complete; rows still
   without their definition, and rows with a next run, when the listing completed (hooked on
   ``AccountSync.apply`` of ``ListingDone``) against the same figures once every definition
   is in; GetSchedule calls (a botocore ``before-call`` hook on the start's scheduler client,
   so every call sent to moto, retries of one call counted once); seconds until every
   definition is in; the cache file's size.
4. The same start without the cache (``--no-cache``): its GetSchedule calls and definitions
   over ``NO_CACHE_WATCH`` s after the listing, and the time all of them would take at that
   rate (extrapolated, and said so, unless they all arrived within the watch).

Measured at 100,000 on the 2-core machine (shared): the second start listed in 288 s with 30
rows of 100,005 without their definition at listing complete (the 25 changed + 5 new), every
definition in at 288.2 s after 30 GetSchedule calls; cache file 46.1 MiB (483 bytes a
schedule); without the cache 5,992 GetSchedule calls in 30 s (199/s), ~679 s extrapolated.

It prints figures and asserts only that each step happened (the second start's GetSchedule
calls are exactly the changed and new schedules'), never how fast. Nothing reaches AWS: moto
on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from schedtui.aws.backend import Backend
from schedtui.aws.definitions_db import DefinitionsDb, cache_files
from schedtui.aws.rate_limit import AdaptiveRateLimiter
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.schedules.columns import NO_TIME
from schedtui.demo.server import DemoBackend
from schedtui.ui.app import AppOptions, SchedtuiApp
from schedtui.ui.commands import run_command
from schedtui.ui.sync import ListingDone
from tests.aws.wire import count_calls
from tests.bench.scale import sized

SIZE = int(os.environ.get("SCHEDTUI_BENCH_SECOND_START", sized("100000", "300")))
CHANGED = sized(25, 5)  # schedules given another expression between the starts
NEW = sized(5, 2)  # schedules created between the starts
WARM_RATE = 5_000.0  # GetSchedule per second for the first start only (moto is local)
NO_CACHE_WATCH = sized(30.0, 2.0)  # seconds of definitions loading measured without the cache
LIST_CAP = 1_200.0  # seconds to wait for a listing (moto: ~0.15-0.2 s a page at 100,000)
DEFINITIONS_CAP = 1_800.0  # seconds to wait for every definition (first and second start)


@dataclass
class Figures:
    """One start, seconds from entering ``run_test``."""

    listed: float = 0.0
    rows: int = 0
    # When ListingDone was applied: rows without their definition, rows with a next run,
    # GetSchedule calls made so far.
    pending_at_listing: int = 0
    next_runs_at_listing: int = 0
    gets_at_listing: int = 0
    defined: float | None = None  # every definition in (None: not waited for)
    next_runs_at_end: int = 0
    gets: int = 0
    watch: dict[str, float] = field(default_factory=dict)  # the --no-cache start's rate


def next_runs(app: SchedtuiApp) -> int:
    """Live rows that show a next run."""
    columns = app.session.store.columns
    with columns.lock:
        return sum(
            1
            for live, when in zip(columns.alive, columns.next_run, strict=True)
            if live and when != NO_TIME
        )


async def wait(condition: Any, cap: float, what: str) -> None:
    deadline = time.perf_counter() + cap
    while not condition():
        assert time.perf_counter() < deadline, f"{what}: not within {cap:.0f} s"
        await asyncio.sleep(0.05)


async def start(
    settings: AwsSettings,
    definitions: DefinitionsDb | None,
    tmp_path: Path,
    *,
    rate: float | None = None,
    watch: float | None = None,
) -> tuple[Figures, list[tuple[str, str]]]:
    """One start of the app; its figures and the (group, name) of every live row. With
    ``watch``: the definitions are measured for that many seconds, then stopped."""
    backend = Backend.connect(
        settings, audit_path=tmp_path / "audit.jsonl", definitions=definitions
    )
    if rate is not None:
        backend.details.limiter = AdaptiveRateLimiter(rate)
    gets = count_calls(backend.clients.scheduler, "GetSchedule")  # makes the client, no call
    app = SchedtuiApp(backend, AppOptions(refresh_seconds=0, demo=True))
    figures = Figures()
    sync = app.sync
    apply = sync.apply
    began = time.perf_counter()

    def hooked(message: Any) -> None:
        apply(message)
        if isinstance(message, ListingDone) and message.generation == sync.generation:
            figures.listed = time.perf_counter() - began
            figures.rows = message.count
            figures.pending_at_listing = app.session.store.columns.total().pending
            figures.next_runs_at_listing = next_runs(app)
            figures.gets_at_listing = len(gets)

    sync.apply = hooked  # type: ignore[method-assign]
    store = app.session.store
    async with app.run_test(size=(160, 48)):
        run_command(app, "schedules")  # rows on screen, as an operator opens them
        await wait(lambda: store.complete and figures.listed, LIST_CAP, "the listing")
        assert figures.rows > 0
        if watch is None:
            await wait(
                lambda: store.columns.total().pending == 0, DEFINITIONS_CAP, "every definition"
            )
            figures.defined = time.perf_counter() - began
            # The refresh ends once the last batch is written to the cache file.
            await wait(lambda: not sync.refreshing, 60, "the refresh's end")
        else:
            clock, calls = time.perf_counter(), len(gets)
            pending = store.columns.total().pending
            while time.perf_counter() - clock < watch and store.columns.total().pending:
                await asyncio.sleep(0.05)
            seconds = time.perf_counter() - clock
            left = store.columns.total().pending
            figures.watch = {
                "seconds": seconds,
                "calls": len(gets) - calls,
                "loaded": pending - left,
                "left": left,
            }
            if not left:
                figures.defined = time.perf_counter() - began
            sync._stop.set()  # what a new refresh does: the fetch in flight stops
            await wait(lambda: all(w.is_finished for w in app.workers), 60, "the fetch's stop")
        figures.next_runs_at_end = next_runs(app)
        figures.gets = len(gets)
        columns = store.columns
        with columns.lock:
            keys = [
                (columns.groups.values[columns.group[row]], columns.names[row])
                for row, live in enumerate(columns.alive)
                if live
            ]
    return figures, keys


def change_between_starts(settings: AwsSettings, keys: list[tuple[str, str]]) -> list[str]:
    """Another expression for ``CHANGED`` schedules spread over the listing, and ``NEW`` new
    ones (copies of the first changed, in its group). Returns what changed, one line each."""
    repo = SchedulerRepository(AwsClients(settings))
    step = max(1, len(keys) // CHANGED)
    chosen = keys[::step][:CHANGED]
    assert len(chosen) == CHANGED
    done = []
    for group, name in chosen:
        schedule = repo.get_schedule(group, name)
        moved = schedule.replace(schedule_expression="rate(7 minutes)", check_rules=False)
        repo.clients.scheduler.update_schedule(**moved.to_update_request())
        after = repo.get_schedule(group, name)
        assert after.last_modification_date != schedule.last_modification_date, (group, name)
        done.append(f"{group}/{name}")
    model = repo.get_schedule(*chosen[0])
    for n in range(NEW):
        new = model.replace(name=f"bench-second-start-new-{n}", check_rules=False)
        repo.clients.scheduler.create_schedule(**new.to_create_request())
        done.append(f"{new.group_name}/{new.name} (new)")
    return done


def size_text(path: Path) -> str:
    files = cache_files(path)
    total = sum(found.stat().st_size for found in files)
    each = ", ".join(f"{found.name} {found.stat().st_size / 2**20:,.1f}" for found in files)
    return f"{total / 2**20:,.1f} MiB ({each} MiB; {total / max(SIZE, 1):,.0f} bytes a schedule)"


async def test_bench_second_start(tmp_path: Path) -> None:
    lines: list[str] = []
    path = tmp_path / "cache" / "definitions.sqlite3"
    demo = DemoBackend(size=SIZE)
    started = time.perf_counter()
    settings = demo.start()
    try:
        seed = demo.seed_result
        assert seed is not None
        assert seed.schedules == SIZE
        lines.append(
            f"DemoBackend(size={SIZE:,}): {time.perf_counter() - started:.1f} s "
            f"(seeding {seed.seconds:.1f} s, {seed.groups} groups)"
        )

        first_db = DefinitionsDb(path)
        assert first_db.usable, first_db.notices
        first, keys = await start(settings, first_db, tmp_path, rate=WARM_RATE)
        first_db.close()
        assert first.defined is not None
        assert first.gets >= SIZE  # every definition read once (a throttled one again)
        lines.append(
            f"first start (GetSchedule at {WARM_RATE:,.0f}/s, the warm-up only): listing "
            f"complete {first.listed:.1f} s, every definition in {first.defined:.1f} s, "
            f"{first.gets:,} GetSchedule calls"
        )
        lines.append(f"cache file after the first start: {size_text(path)}")

        clock = time.perf_counter()
        changed = change_between_starts(settings, keys)
        lines.append(
            f"between the starts: {CHANGED} schedules given rate(7 minutes), {NEW} created "
            f"({time.perf_counter() - clock:.1f} s), e.g. {changed[0]}"
        )
        expected = CHANGED + NEW

        second_db = DefinitionsDb(path)
        assert second_db.usable, second_db.notices
        second, _ = await start(settings, second_db, tmp_path)
        second_db.close()
        no_cache, _ = await start(settings, None, tmp_path, watch=NO_CACHE_WATCH)
    finally:
        demo.stop()

    print(f"\nsecond start with a warm definitions cache, {SIZE:,} schedules in moto, in process")
    for line in lines:
        print(f"  {line}")
    assert second.rows == SIZE + NEW
    assert second.defined is not None
    print("  second start (cache warm, GetSchedule at the default 200/s):")
    print(f"    start -> listing complete:          {second.listed:8.1f} s ({second.rows:,} rows)")
    print(
        f"    at listing complete: rows without their definition {second.pending_at_listing:,} "
        f"(changed + new: {expected}); rows with a next run {second.next_runs_at_listing:,} "
        f"(once every definition was in: {second.next_runs_at_end:,}); GetSchedule calls "
        f"so far {second.gets_at_listing}"
    )
    print(f"    start -> every definition in:       {second.defined:8.1f} s")
    print(f"    GetSchedule calls, second start:    {second.gets:8,} (changed + new: {expected})")
    print(f"    cache file after the second start:  {size_text(path)}")
    watch = no_cache.watch
    rate = watch["loaded"] / max(watch["seconds"], 1e-9)
    if no_cache.defined is not None:
        all_in = f"{no_cache.defined:.1f} s (measured)"
    else:
        all_in = (
            f"~{no_cache.listed + (no_cache.rows / max(rate, 1e-9)):,.0f} s (extrapolated: "
            f"{no_cache.rows:,} definitions at the {rate:,.0f}/s measured over "
            f"{watch['seconds']:.0f} s after the listing)"
        )
    print("  the same start with --no-cache (no persistent store):")
    print(f"    start -> listing complete:          {no_cache.listed:8.1f} s")
    print(
        f"    GetSchedule calls:                  {no_cache.gets:8,} in the "
        f"{watch['seconds']:.0f} s watched after the listing "
        f"({watch['loaded']:,.0f} definitions in, "
        f"{watch['left']:,.0f} left); all {no_cache.rows:,} needed"
    )
    print(f"    start -> every definition in:       {all_in}")
    # Steps happened: the second start read exactly what changed or appeared, and every
    # other row showed its definition when the listing completed.
    assert second.gets == expected, second.gets
    assert second.pending_at_listing <= expected
    assert no_cache.gets > 0
