"""Benchmark: the repository layer with 10,000 schedules in moto over HTTP.

Run on demand: `python -m pytest tests/bench/test_bench_repository.py -s`. Prints the time to
stream the whole list (against a plain boto3 paginator loop in the same run), to fetch every
definition cold and warm, and the API calls a refresh makes when nothing changed.
"""

from __future__ import annotations

import time
from collections import Counter

from schedtui.aws.details_cache import DetailsCache
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings
from tests.aws.conftest import seed
from tests.bench.scale import sized

SCHEDULES = sized(10_000, 400)  # pages of 100: 4 pages when tiny


def _best_of(runs: int, work: object) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_repository_with_10k_schedules(moto_endpoint: str) -> None:
    seed(SCHEDULES // 2, "orders")
    seed(SCHEDULES // 2, "billing")
    clients = AwsClients(AwsSettings(region="us-east-1", endpoint_url=moto_endpoint))
    repo = SchedulerRepository(clients)
    calls: Counter[str] = Counter()
    clients.scheduler.meta.events.register(
        "before-send.scheduler", lambda event_name, **_: calls.update([event_name.split(".")[-1]])
    )

    def plain_paginator() -> int:
        paginator = clients.scheduler.get_paginator("list_schedules")
        return sum(
            len(page["Schedules"])
            for page in paginator.paginate(PaginationConfig={"PageSize": 100})
        )

    def layer() -> int:
        return sum(len(page) for page in repo.iter_schedule_pages())

    assert plain_paginator() == layer() == SCHEDULES  # warm both paths up once
    plain_seconds = _best_of(3, plain_paginator)
    layer_seconds = _best_of(3, layer)

    summaries = [summary for page in repo.iter_schedule_pages() for summary in page]
    cache = DetailsCache(repo, max_workers=8, max_rate=1000.0)
    started = time.perf_counter()
    cold = cache.fetch(summaries)
    cold_seconds = time.perf_counter() - started
    assert len(cold) == SCHEDULES

    calls.clear()
    started = time.perf_counter()
    refreshed = [summary for page in repo.iter_schedule_pages() for summary in page]
    warm = cache.fetch(refreshed)
    warm_seconds = time.perf_counter() - started
    assert warm == {}  # nothing changed, nothing fetched
    assert set(calls) == {"ListSchedules"}

    overhead = (layer_seconds / plain_seconds - 1) * 100
    print(
        f"\n{SCHEDULES:,} schedules in moto over HTTP (best of 3 for the list, pages of 100):\n"
        f"  stream the list, plain boto3 paginator: {plain_seconds:.2f} s\n"
        f"  stream the list, repository layer:     {layer_seconds:.2f} s "
        f"({overhead:+.1f}% overhead: models for every summary)\n"
        f"  all details cold (8 workers, 1000/s cap): {cold_seconds:.2f} s\n"
        f"  refresh where nothing changed (list + cache): {warm_seconds:.2f} s, "
        f"API calls: {dict(calls)}"
    )
