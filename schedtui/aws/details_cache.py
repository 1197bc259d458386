"""Schedule definitions, cached by ARN and refetched only when they changed.

ListSchedules returns summaries only; the expression, zone, input, retry policy and DLQ cost
one GetSchedule each. A summary's LastModificationDate tells whether the cached copy is
still the server's, so a refresh where nothing changed costs list pages only.

What the list shows of each definition goes into the store's columns
(``core/schedules/columns.py``, shared with the UI's store: one ARN -> id map for both);
only the most recently read full definitions are kept whole, because at 100,000 schedules
the full models would take 440 MB on their own.

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
from datetime import datetime

from schedtui.aws.definitions_db import DefinitionsDb, Scope
from schedtui.aws.errors import AwsError, NotFoundError, ThrottledError
from schedtui.aws.rate_limit import AdaptiveRateLimiter
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.core.schedules.columns import ScheduleColumns
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary

Outcome = Schedule | AwsError
# Definitions written to the persistent store in one transaction (about a second of fetching).
_SAVE_BATCH = 200


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
        columns: ScheduleColumns | None = None,
        persistent: DefinitionsDb | None = None,
    ) -> None:
        self.repository = repository
        self.max_workers = max_workers
        self.limiter = AdaptiveRateLimiter(max_rate)
        self.max_throttle_retries = max_throttle_retries
        self.retry_delay = retry_delay
        self.keep_whole = keep_whole
        self.columns = columns if columns is not None else ScheduleColumns()
        self._whole: OrderedDict[str, Schedule] = OrderedDict()  # least recently stored first
        self._lock = threading.Lock()
        self.persistent = persistent if persistent is not None and persistent.usable else None
        # The session's clock: a definition stored gets its next run at once (see store).
        self.clock: Callable[[], datetime] | None = None
        self._unsaved: list[ScheduleDigest] = []  # read since the last save
        self._prune = False  # a listing completed since the last save
        self._saved_listing = (-1, 0)  # the last listing pruned by (size, fingerprint)

    def digest(self, summary: ScheduleSummary) -> ScheduleDigest | None:
        """The digest when it is still the server's (same LastModificationDate), else None."""
        return self.columns.digest(summary.arn, summary.last_modification_date)

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

    def stale(self, summaries: Iterable[ScheduleSummary]) -> list[ScheduleSummary]:
        return [summary for summary in summaries if self.digest(summary) is None]

    def store(self, schedule: Schedule) -> None:
        """Keep a definition read (fetched here, or elsewhere: e.g. after a mutation)."""
        if not schedule.arn:
            return
        digest = ScheduleDigest.of(schedule)
        row = self.columns.put_definition(digest)
        if self.clock is not None:
            # Its run now, on the storing thread (a fetching one, or the detail's read): a
            # repaint before anyone settled it would show the row's next run as "…".
            self.columns.settle_next_runs((row,), self.clock())
        with self._lock:
            if self.persistent is not None:
                self._unsaved.append(digest)
            self._whole[schedule.arn] = schedule
            self._whole.move_to_end(schedule.arn)
            while len(self._whole) > self.keep_whole:
                self._whole.popitem(last=False)

    def forget(self, arn: str) -> None:
        self.columns.drop_definition(arn)
        with self._lock:
            self._whole.pop(arn, None)

    def listing_done(self, gone: Iterable[str]) -> None:
        """A listing completed: drop the whole definitions of schedules gone from the account
        (the columns mark them dead themselves: ``ScheduleColumns.end_listing``), and from the
        persistent store at the next ``save`` (not on the caller's thread, the UI's)."""
        with self._lock:
            self._prune = self.persistent is not None
            for arn in gone:
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
            self.store(schedule)
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

        def keep(summary: ScheduleSummary, outcome: Outcome) -> None:
            results[summary.arn] = outcome

        self._fetch_all(self.stale(summaries), on_each or keep, stop)
        return results

    def whole(
        self,
        summaries: Iterable[ScheduleSummary],
        *,
        on_each: Callable[[ScheduleSummary, Outcome], None] | None = None,
        stop: threading.Event | None = None,
    ) -> tuple[list[Schedule], list[AwsError]]:
        """The whole definitions of ``summaries`` (for the doctor and the cleanup, which
        need every field, not the digest): those kept and still the server's are not read
        again, the others are fetched, ``max_workers`` at a time. Returns the definitions
        in the order of ``summaries`` and what could not be read (a schedule deleted since
        the listing is left out of both). The caller holds every one: pass a page at a time
        at large scale."""
        summaries = list(summaries)
        found: dict[str, Schedule] = {}
        failed: list[AwsError] = []
        lock = threading.Lock()

        def keep(summary: ScheduleSummary, outcome: Outcome) -> None:
            with lock:
                if isinstance(outcome, Schedule):
                    found[summary.arn] = outcome
                elif not isinstance(outcome, NotFoundError):
                    failed.append(outcome)
            if on_each is not None:
                on_each(summary, outcome)

        missing = []
        for summary in summaries:
            kept = self.cached(summary)
            if kept is None:
                missing.append(summary)
            else:
                keep(summary, kept)
        self._fetch_all(missing, keep, stop)
        return [found[s.arn] for s in summaries if s.arn in found], failed

    def _fetch_all(
        self,
        missing: list[ScheduleSummary],
        each: Callable[[ScheduleSummary, Outcome], None],
        stop: threading.Event | None,
    ) -> None:
        """GetSchedule for each of ``missing`` on the pool, handing every outcome to ``each``
        as it arrives (from a worker thread)."""

        def work(summary: ScheduleSummary) -> None:
            if stop is not None and stop.is_set():
                return
            outcome = self._fetch_one(summary)
            each(summary, outcome)

        if missing:
            with ThreadPoolExecutor(
                self.max_workers, thread_name_prefix="schedtui-details"
            ) as pool:
                list(pool.map(work, missing))
        self.save()

    # -- the persistent store (the seam to aws/definitions_db.py) -------------------------------

    def _scope(self) -> Scope | None:
        """Whose entries to use: None without a store or while the account is unknown."""
        clients = self.repository.clients
        identity = clients.known_identity
        if self.persistent is None or identity is None:
            return None
        return Scope(identity.account, clients.region)

    def preload(self, summaries: Iterable[ScheduleSummary]) -> None:
        """Take from the persistent store, in one query, the definitions of ``summaries``
        not known here that are still the server's (same LastModificationDate): they go
        into the columns and will not be fetched. A listed page's worth at a time."""
        scope = self._scope()
        if scope is None or self.persistent is None:
            return
        wanted = {s.arn: s for s in summaries if s.last_modification_date and not self.digest(s)}
        if not wanted:
            return
        for arn, digest in self.persistent.get_many(scope, list(wanted)).items():
            if digest.last_modification_date == wanted[arn].last_modification_date:
                self.columns.put_definition(digest)

    def save(self) -> None:
        """Write through what is pending (in a worker thread): the definitions read since
        the last save, in one transaction, and after a completed listing the removal of
        what it no longer holds, only when the listing differs from the one pruned before
        (at 100,000 schedules the removal takes ~0.3 s: once a start, not once a refresh)."""
        scope = self._scope()
        with self._lock:
            unsaved, self._unsaved = self._unsaved, []
            prune, self._prune = self._prune, False
        if scope is None or self.persistent is None:
            return
        if prune:
            listed = self.columns.listed_arns()
            # Only in this process (str hashes are salted per run), and cheap: the hashes
            # are cached on the strings.
            fingerprint = (len(listed), sum(map(hash, listed)) & 0xFFFF_FFFF_FFFF_FFFF)
            if fingerprint != self._saved_listing:
                self.persistent.retain(scope, set(listed))
                self._saved_listing = fingerprint
        self.persistent.put_many(scope, unsaved)
