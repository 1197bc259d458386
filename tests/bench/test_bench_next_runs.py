"""Benchmark: the next-run column for 100,000 schedules.

Run on demand: `python -m pytest tests/bench/test_bench_next_runs.py -s`. Prints the time of
the shared-cache path the list view uses against calling croniter afresh per schedule (the
same AWS adapter, a new croniter each time), and checks both give the same answers.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from schedtui.core.expressions.engine import CronEngine
from schedtui.core.expressions.parse import CronExpression, parse_expression
from schedtui.core.expressions.runs import NextRunCache, instants
from schedtui.core.expressions.zones import load_zone, localize
from tests.bench.scale import sized

SCHEDULES = sized(100_000, 2_000)
EXPRESSIONS = sized(2_000, 100)
ZONES = [
    "UTC", "Europe/Madrid", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York",
    "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
    "Asia/Tokyo", "Asia/Kolkata", "Asia/Singapore", "Asia/Shanghai", "Australia/Sydney",
    "Pacific/Auckland", "Africa/Johannesburg", "Asia/Dubai", "America/Toronto", "Europe/Dublin",
]  # fmt: skip


def _expressions(rng: random.Random) -> list[str]:
    makers = [
        lambda: f"cron({rng.randrange(60)} {rng.randrange(24)} * * ? *)",
        lambda: f"cron({rng.randrange(60)} {rng.randrange(24)} ? * MON-FRI *)",
        lambda: f"cron(0/{rng.choice([5, 10, 15, 20, 30])} * * * ? *)",
        lambda: (
            f"cron({rng.randrange(60)} {rng.randrange(6, 20)}-{rng.randrange(20, 24)} ? * 2-6 *)"
        ),
        lambda: f"cron({rng.randrange(60)} {rng.randrange(24)} {rng.randrange(1, 29)} * ? *)",
        lambda: f"cron({rng.randrange(60)} {rng.randrange(24)} L * ? *)",
        lambda: f"cron({rng.randrange(60)} {rng.randrange(24)} ? * {rng.randrange(1, 8)}#1 *)",
        lambda: f"cron({rng.randrange(60)} {rng.randrange(24)} ? * {rng.randrange(1, 8)}L *)",
        lambda: f"cron({rng.randrange(60)} {rng.randrange(24)} ? * {rng.randrange(1, 8)} *)",
        lambda: f"rate({rng.randrange(1, 120)} minutes)",
        lambda: f"rate({rng.randrange(1, 24)} hours)",
    ]
    found: set[str] = set()
    while len(found) < EXPRESSIONS:
        found.add(rng.choice(makers)())
    return sorted(found)


def _schedules(rng: random.Random, now: datetime) -> list[tuple[str, str, datetime | None]]:
    expressions = _expressions(rng)
    # Popular expressions and zones dominate real accounts (a Zipf-like mix).
    weights = [1 / (rank + 1) for rank in range(len(expressions))]
    zone_weights = [1 / (rank + 1) for rank in range(len(ZONES))]
    picked = rng.choices(expressions, weights, k=SCHEDULES)
    zones = rng.choices(ZONES, zone_weights, k=SCHEDULES)
    anchors = [now - timedelta(seconds=rng.randrange(10**7)) for _ in range(SCHEDULES)]
    return list(zip(picked, zones, anchors, strict=True))


def _afresh(expression: str, zone: str, anchor: datetime | None, now: datetime) -> datetime | None:
    """What a naive list would do: a new croniter for every row."""
    parsed = parse_expression(expression)
    if not isinstance(parsed, CronExpression):
        return next(instants(parsed, load_zone(zone), now, anchor=anchor), None)
    tz = load_zone(zone)
    engine = CronEngine(parsed.spec)  # constructs croniter afresh
    for wall in engine.wall_times(now.astimezone(tz).replace(tzinfo=None)):
        instant = localize(wall, tz)
        if instant is not None and instant > now:
            return instant
    return None


def test_next_run_for_100k_schedules() -> None:
    rng = random.Random(7)
    now = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
    schedules = _schedules(rng, now)
    pairs = {(e, z) for e, z, _ in schedules}

    started = time.perf_counter()
    baseline = [_afresh(e, z, a, now) for e, z, a in schedules]
    afresh_seconds = time.perf_counter() - started

    parse_expression.cache_clear()
    started = time.perf_counter()
    cache = NextRunCache(now)
    shared = [cache.next_run(e, z, anchor=a) for e, z, a in schedules]
    cached_seconds = time.perf_counter() - started

    assert shared == baseline
    print(
        f"\nnext run for {SCHEDULES:,} schedules ({EXPRESSIONS:,} expressions, {len(ZONES)} zones,"
        f" {len(pairs):,} distinct expression+zone pairs):\n"
        f"  croniter afresh per schedule: {afresh_seconds:.2f} s\n"
        f"  shared cache (list view):     {cached_seconds:.2f} s\n"
        f"  speed-up: {afresh_seconds / cached_seconds:.1f}x"
    )
