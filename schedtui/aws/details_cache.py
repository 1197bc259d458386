"""Schedule definitions, cached by ARN and refetched only when they changed.

ListSchedules returns summaries only; the expression, zone, input, retry policy and DLQ cost
one GetSchedule each. A summary's LastModificationDate tells whether the cached copy is
still the server's, so a refresh where nothing changed costs list pages only.

Every schedule keeps a compact digest (what the list shows); only the most recently read
full definitions are kept whole, because at 100,000 schedules the full models would take
440 MB on their own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from schedtui.aws.errors import AwsError, NotFoundError, ThrottledError
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.core.schedules.rows import ScheduleDigest, shared_text
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary

Outcome = Schedule | AwsError


class RateLimiter:
    """A token bucket shared by the fetching threads: at most ``rate`` calls per second.

    Throttling halves the rate (at most once a second, so one burst of refusals counts
    once); each success wins a little of it back, up to the ceiling.
    """

    def __init__(self, rate: float, burst: int = 10) -> None:
        self.ceiling = rate
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._stamp = time.monotonic()
        self._slowed_at = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = (1 - self._tokens) / self.rate
            time.sleep(wait)

    def slow_down(self) -> None:
        with self._lock:
            now = time.monotonic()
            if now - self._slowed_at >= 1.0:
                self.rate = max(1.0, self.rate / 2)
                self._slowed_at = now

    def succeeded(self) -> None:
        with self._lock:
            self.rate = min(self.ceiling, self.rate + self.ceiling / 50)


class DetailsCache:
    def __init__(
        self,
        repository: SchedulerRepository,
        *,
        max_workers: int = 8,
        # GetSchedule quotas are "250 to 1000 TPS" per region: stay under the lowest, and
        # leave room for other tools using the same account.
        max_rate: float = 200.0,
        max_throttle_retries: int = 8,
        retry_delay: float = 0.5,
        keep_whole: int = 2_000,
    ) -> None:
        self.repository = repository
        self.max_workers = max_workers
        self.limiter = RateLimiter(max_rate)
        self.max_throttle_retries = max_throttle_retries
        self.retry_delay = retry_delay
        self.keep_whole = keep_whole
        self._digests: dict[str, ScheduleDigest] = {}
        self._whole: OrderedDict[str, Schedule] = OrderedDict()  # least recently stored first
        self._lock = threading.Lock()

    def digest(self, summary: ScheduleSummary) -> ScheduleDigest | None:
        """The digest when it is still the server's (same LastModificationDate), else None."""
        with self._lock:
            found = self._digests.get(summary.arn)
        if found is None or found.last_modification_date != summary.last_modification_date:
            return None
        return found

    def cached(self, summary: ScheduleSummary) -> Schedule | None:
        """The whole definition when it is still the server's and still kept, else None."""
        with self._lock:
            found = self._whole.get(summary.arn)
        if found is None or found.last_modification_date != summary.last_modification_date:
            return None
        return found

    def kept(self) -> list[Schedule]:
        """The whole definitions still kept (the most recent ones; e.g. to suggest a role)."""
        with self._lock:
            return list(self._whole.values())

    def digests(self) -> list[ScheduleDigest]:
        """Every known digest (e.g. to find which schedules use which DLQ)."""
        with self._lock:
            return list(self._digests.values())

    def stale(self, summaries: Iterable[ScheduleSummary]) -> list[ScheduleSummary]:
        return [summary for summary in summaries if self.digest(summary) is None]

    def store(self, schedule: Schedule, summary: ScheduleSummary | None = None) -> None:
        """Keep a definition read elsewhere (e.g. after a mutation). With the ``summary`` it
        was fetched for, the digest keeps the summary's strings where they are equal."""
        if not schedule.arn:
            return
        digest = ScheduleDigest.of(schedule)
        if summary is not None:
            digest = _sharing_strings(digest, summary)
        with self._lock:
            self._digests[schedule.arn] = digest
            self._whole[schedule.arn] = schedule
            self._whole.move_to_end(schedule.arn)
            while len(self._whole) > self.keep_whole:
                self._whole.popitem(last=False)

    def forget(self, arn: str) -> None:
        with self._lock:
            self._digests.pop(arn, None)
            self._whole.pop(arn, None)

    def retain(self, arns: set[str]) -> None:
        """Drop schedules that are gone from the account, so memory tracks the list."""
        with self._lock:
            for arn in [arn for arn in self._digests if arn not in arns]:
                del self._digests[arn]
                self._whole.pop(arn, None)

    def _fetch_one(self, summary: ScheduleSummary) -> Outcome:
        delay = self.retry_delay
        for _ in range(self.max_throttle_retries + 1):
            self.limiter.acquire()
            try:
                schedule = self.repository.get_schedule(summary.group_name, summary.name)
            except ThrottledError:
                # botocore's adaptive retries already backed off; slow the whole pool down
                # and try again rather than fail: throttling costs time, never data.
                self.limiter.slow_down()
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
                continue
            except NotFoundError as error:
                self.forget(summary.arn)  # deleted since the list (or ActionAfterCompletion)
                return error
            except AwsError as error:
                return error
            self.limiter.succeeded()
            self.store(schedule, summary)
            return schedule
        return ThrottledError(
            f"GetSchedule {summary.group_name}/{summary.name}: still throttled; will retry on "
            "the next refresh",
            code="ThrottlingException",
        )

    def fetch(
        self,
        summaries: Iterable[ScheduleSummary],
        *,
        on_each: Callable[[ScheduleSummary, Outcome], None] | None = None,
        stop: threading.Event | None = None,
    ) -> dict[str, Outcome]:
        """Fetch the definitions of the stale ``summaries``, ``max_workers`` at a time.

        Returns what was fetched now (fresh ones are skipped: see ``digest``). With
        ``on_each`` (called from a worker thread as each answer arrives, so a view can fill
        rows progressively) nothing is returned: holding every whole definition until the
        end would cost 440 MB at 100,000 schedules. Setting ``stop`` abandons what has not
        started yet.
        """
        results: dict[str, Outcome] = {}
        missing = self.stale(summaries)
        if not missing:
            return results

        def work(summary: ScheduleSummary) -> None:
            if stop is not None and stop.is_set():
                return
            outcome = self._fetch_one(summary)
            if on_each is None:
                results[summary.arn] = outcome
            else:
                on_each(summary, outcome)

        with ThreadPoolExecutor(self.max_workers, thread_name_prefix="schedtui-details") as pool:
            list(pool.map(work, missing))
        return results


def _sharing_strings(digest: ScheduleDigest, summary: ScheduleSummary) -> ScheduleDigest:
    """``digest`` holding the summary's string objects wherever the text is the same, and one
    shared object for each few-valued text (``shared_text``).

    GetSchedule's JSON gives the digest its own copy of the ARN, group, name and target ARN,
    while the list's row already holds the summary's: at 100,000 schedules the duplicates
    took ~35 MB.
    """

    def same(mine: str, theirs: str | None) -> str:
        return theirs if theirs == mine and theirs is not None else mine

    dlq = digest.dlq_arn
    return replace(
        digest,
        arn=same(digest.arn, summary.arn),
        group=shared_text(digest.group),
        name=same(digest.name, summary.name),
        target_arn=same(digest.target_arn, summary.target_arn),
        expression=shared_text(digest.expression),
        zone=shared_text(digest.zone),
        state=shared_text(digest.state),
        dlq_arn=None if dlq is None else shared_text(dlq),
        retry=shared_text(digest.retry),
    )
