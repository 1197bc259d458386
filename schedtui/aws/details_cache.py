"""Schedule definitions, cached by ARN and refetched only when they changed.

ListSchedules returns summaries only; the expression, zone, input, retry policy and DLQ cost
one GetSchedule each. A summary's LastModificationDate tells whether the cached copy is
still the server's, so a refresh where nothing changed costs list pages only.

Every schedule keeps a compact digest (what the list shows); only the most recently read
full definitions are kept whole, because at 100,000 schedules the full models would take
440 MB on their own.

With a ``persistent`` store (``aws/definitions_db.py``, the file that outlives the run) the
digests it holds with the listed LastModificationDate count as fresh (``preload``, and
``fetch`` asks it first), and every definition read is written through in batches
(``save``, from the fetching threads). It is used only once the account is known (the
caller identity): an unknown account never reads or writes another's entries.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from schedtui.aws.definitions_db import DefinitionsDb, Scope
from schedtui.aws.errors import AwsError, NotFoundError, ThrottledError
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.core.schedules.rows import ScheduleDigest, shared_text
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary

Outcome = Schedule | AwsError
# Definitions written to the persistent store in one transaction (about a second of fetching).
_SAVE_BATCH = 200


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
        persistent: DefinitionsDb | None = None,
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
        self.persistent = persistent if persistent is not None and persistent.usable else None
        self._unsaved: list[ScheduleDigest] = []  # read since the last save
        self._listed: set[str] | None = None  # the last complete listing, not yet saved
        self._saved_listing = (-1, 0)  # the last listing saved (size, fingerprint)

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
            if self.persistent is not None:
                self._unsaved.append(digest)
            while len(self._whole) > self.keep_whole:
                self._whole.popitem(last=False)

    def forget(self, arn: str) -> None:
        with self._lock:
            self._digests.pop(arn, None)
            self._whole.pop(arn, None)

    def retain(self, arns: set[str]) -> None:
        """Drop schedules that are gone from the account, so memory tracks the list (and
        the persistent store at the next ``save``: not on the caller's thread, the UI's)."""
        with self._lock:
            self._listed = arns if self.persistent is not None else None
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
            if len(self._unsaved) >= _SAVE_BATCH:
                self.save()
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
        summaries = list(summaries)
        self.preload(summaries)
        missing = self.stale(summaries)
        if not missing:
            self.save()
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
        self.save()
        return results

    # -- the persistent store (the seam to aws/definitions_db.py) -------------------------------

    def _scope(self) -> Scope | None:
        """Whose entries to use: None without a store or while the account is unknown."""
        clients = self.repository.clients
        identity = clients.known_identity
        if self.persistent is None or identity is None:
            return None
        return Scope(identity.account, clients.region)

    def preload(self, summaries: Iterable[ScheduleSummary]) -> None:
        """Take from the persistent store, in one query, the digests of ``summaries`` not
        known here that are still the server's (same LastModificationDate): they will not be
        fetched. A listed page's worth at a time."""
        scope = self._scope()
        if scope is None or self.persistent is None:
            return
        wanted = {s.arn: s for s in summaries if s.last_modification_date and not self.digest(s)}
        if not wanted:
            return
        found = self.persistent.get_many(scope, list(wanted))
        for arn, digest in found.items():
            summary = wanted[arn]
            if digest.last_modification_date != summary.last_modification_date:
                continue
            # The row's strings, as _sharing_strings gives a fetched digest (the few-valued
            # texts come shared from the store); built directly: replace() took most of
            # the preload's time.
            target = summary.target_arn if summary.target_arn == digest.target_arn else None
            shared = ScheduleDigest(
                summary.arn,
                digest.group,
                summary.name if summary.name == digest.name else digest.name,
                summary.last_modification_date,
                digest.expression,
                digest.zone,
                digest.state,
                digest.start_date,
                digest.end_date,
                digest.creation_date,
                target or digest.target_arn,
                digest.dlq_arn,
                digest.retry,
            )
            with self._lock:
                self._digests[arn] = shared

    def save(self) -> None:
        """Write through what is pending (in a worker thread): the definitions read since
        the last save, in one transaction, and the last complete listing's removals, only
        when that listing differs from the one saved before (at 100,000 schedules the
        removal takes ~0.3 s: once a start, not once a refresh)."""
        scope = self._scope()
        with self._lock:
            unsaved, self._unsaved = self._unsaved, []
            listed, self._listed = self._listed, None
        if scope is None or self.persistent is None:
            return
        if listed is not None:
            # Only in this process (str hashes are salted per run), and cheap: the hashes
            # are cached on the strings.
            fingerprint = (len(listed), sum(map(hash, listed)) & 0xFFFF_FFFF_FFFF_FFFF)
            if fingerprint != self._saved_listing:
                self.persistent.retain(scope, listed)
                self._saved_listing = fingerprint
        self.persistent.put_many(scope, unsaved)


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
