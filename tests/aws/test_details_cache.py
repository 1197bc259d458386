"""Details cache over real HTTP: fetch only what changed, concurrently, and never fail on
throttling."""

from __future__ import annotations

import threading
from typing import Any

from botocore.awsrequest import AWSResponse

from schedtui.aws.details_cache import DetailsCache
from schedtui.aws.errors import NotFoundError
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from tests.aws.conftest import seed


def summaries(repo: SchedulerRepository) -> list[ScheduleSummary]:
    return [summary for page in repo.iter_schedule_pages() for summary in page]


def count_gets(clients: AwsClients) -> list[str]:
    seen: list[str] = []
    clients.scheduler.meta.events.register(
        "before-parameter-build.scheduler.GetSchedule",
        lambda params, **_: seen.append(params["Name"]),
    )
    return seen


def test_cold_then_warm_then_only_what_changed(
    repo: SchedulerRepository, clients: AwsClients
) -> None:
    seed(30)
    cache = DetailsCache(repo)
    gets = count_gets(clients)
    arrived: list[str] = []
    listed = summaries(repo)
    outcomes: dict[str, object] = {}

    def on_each(summary: ScheduleSummary, outcome: object) -> None:
        arrived.append(summary.name)
        outcomes[summary.arn] = outcome

    assert cache.fetch(listed, on_each=on_each) == {}  # handed over one by one, not kept
    assert len(gets) == 30
    assert sorted(arrived) == sorted(s.name for s in listed)
    assert all(isinstance(outcome, Schedule) for outcome in outcomes.values())
    cold = outcomes

    gets.clear()
    warm = cache.fetch(summaries(repo))
    assert gets == []
    assert warm == {}  # nothing was stale: nothing fetched
    assert all(cache.digest(summary) is not None for summary in summaries(repo))

    current = cold[listed[0].arn]
    assert isinstance(current, Schedule)
    clients.scheduler.update_schedule(**current.replace(description="moved").to_update_request())
    cache.fetch(summaries(repo))
    assert gets == [listed[0].name]
    moved = next(s for s in summaries(repo) if s.arn == listed[0].arn)
    refreshed = cache.cached(moved)
    assert refreshed is not None
    assert refreshed.description == "moved"
    assert cache.digest(moved) is not None


def test_only_the_most_recent_definitions_are_kept_whole(repo: SchedulerRepository) -> None:
    seed(12)
    cache = DetailsCache(repo, keep_whole=5)
    listed = summaries(repo)
    cache.columns.put_listed(listed)  # as the app's listing does
    cache.fetch(listed)
    whole = [summary for summary in listed if cache.cached(summary) is not None]
    assert len(whole) == 5
    assert all(cache.digest(summary) is not None for summary in listed)  # every row still known
    assert {d.arn for d in cache.columns.digests()} == {s.arn for s in listed}


def test_a_digest_shares_the_listed_summary_s_strings(repo: SchedulerRepository) -> None:
    # The columns hold the listed summaries' strings once; equal copies from GetSchedule
    # would double them (~35 MB at 100,000 schedules).
    seed(3)
    cache = DetailsCache(repo)
    listed = summaries(repo)
    cache.columns.put_listed(listed)
    cache.fetch(listed, on_each=lambda *_: None)
    first = {}  # each target's text as first listed: the one object kept for all its rows
    for summary in listed:
        first.setdefault(summary.target_arn, summary.target_arn)
    for summary in listed:
        digest = cache.digest(summary)
        assert digest is not None
        assert digest.arn is summary.arn
        assert digest.name is summary.name
        assert digest.group is listed[0].group_name  # one object for the group's every row
        assert digest.target_arn is first[summary.target_arn]


def test_deleted_between_list_and_get_is_reported_and_evicted(
    repo: SchedulerRepository, clients: AwsClients
) -> None:
    seed(2)
    cache = DetailsCache(repo)
    listed = summaries(repo)
    clients.scheduler.delete_schedule(Name=listed[0].name)
    outcomes = cache.fetch(listed)
    assert isinstance(outcomes[listed[0].arn], NotFoundError)
    assert isinstance(outcomes[listed[1].arn], Schedule)


def test_concurrency_is_bounded(repo: SchedulerRepository) -> None:
    seed(40)
    active, peak = 0, 0
    lock = threading.Lock()
    original = repo.get_schedule

    def counting_get(group: str, name: str) -> Schedule:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        try:
            return original(group, name)
        finally:
            with lock:
                active -= 1

    repo.get_schedule = counting_get  # type: ignore[method-assign]
    DetailsCache(repo, max_workers=4).fetch(summaries(repo))
    assert 1 < peak <= 4


def test_throttling_slows_the_fetch_down_but_never_fails_it(moto_endpoint: str) -> None:
    # botocore's adaptive mode also slows the client after each throttle (by design), so
    # keep this small: a few refusals, a few schedules.
    seed(6)
    clients = AwsClients(
        AwsSettings(region="us-east-1", endpoint_url=moto_endpoint, max_attempts=1)
    )
    repo = SchedulerRepository(clients)
    throttled = {"left": 2}
    lock = threading.Lock()

    def throttle(request: Any, **_: Any) -> AWSResponse | None:
        with lock:
            if throttled["left"] == 0:
                return None
            throttled["left"] -= 1
        body = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
        headers = {"x-amzn-ErrorType": "ThrottlingException", "Content-Type": "application/json"}
        response = AWSResponse(request.url, 400, headers, _Raw(body))
        return response

    clients.scheduler.meta.events.register_first("before-send.scheduler.GetSchedule", throttle)
    cache = DetailsCache(repo, max_workers=4, retry_delay=0.01)
    outcomes = cache.fetch(summaries(repo))
    assert throttled["left"] == 0
    assert len(outcomes) == 6
    assert all(isinstance(outcome, Schedule) for outcome in outcomes.values())


def test_stop_abandons_what_has_not_started(repo: SchedulerRepository) -> None:
    seed(5)
    stop = threading.Event()
    stop.set()
    assert DetailsCache(repo).fetch(summaries(repo), stop=stop) == {}


class _Raw:
    """The minimal raw-stream interface AWSResponse reads a body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body


def test_whole_reads_only_what_is_not_kept_and_reports_what_failed(
    repo: SchedulerRepository, clients: AwsClients
) -> None:
    seed(6)
    cache = DetailsCache(repo, keep_whole=3, max_workers=1)  # one at a time: the last 3 kept
    listed = summaries(repo)
    gets = count_gets(clients)
    first, failed = cache.whole(listed)
    assert [s.arn for s in first] == [s.arn for s in listed]  # every field, in listed order
    assert failed == []
    assert len(gets) == 6
    gets.clear()
    clients.scheduler.delete_schedule(Name=listed[0].name)
    again, failed = cache.whole(listed)
    # The 3 kept whole are not read again (though every digest is current, the other 3
    # must be: a digest lacks the fields the doctor needs); the deleted one is left out.
    assert sorted(gets) == sorted(s.name for s in listed[:3])
    assert [s.arn for s in again] == [s.arn for s in listed[1:]]
    assert failed == []
