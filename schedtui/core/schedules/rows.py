"""What one line of the schedules list says, and the filter language over those lines.

Pure functions of (summary, optional full definition, the next-run cache), so the list can
be rebuilt for 100,000 schedules in a worker thread and filtered in well under 100 ms.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.runs import NextRunCache
from schedtui.core.schedules.arns import target_kind, target_resource_name
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary

FILTER_KEYS = ("state", "group", "target", "tz", "name", "is")
# is:failing asks the list's failure figures (core/monitoring/failures.py): the row's group
# and its DLQ name in, True when either shows failure.
Failing = Callable[[str, str | None], bool]


def shared_text(text: str) -> str:
    """One string object for every equal text (``sys.intern``), for the few-valued fields of
    100,000 rows: states, groups, zones, expressions, DLQs, retry policies. Each JSON response
    brings its own copy of them, ~50 MB of duplicates at that size."""
    return sys.intern(text) if type(text) is str else text


@dataclass(frozen=True, slots=True)
class ScheduleDigest:
    """What the list needs from a full definition, about a tenth of its memory: at 100,000
    schedules the full pydantic models alone took 440 MB, a digest each takes ~45 MB."""

    arn: str
    group: str
    name: str
    last_modification_date: datetime | None
    expression: str
    zone: str
    state: str
    start_date: datetime | None
    end_date: datetime | None
    creation_date: datetime | None
    target_arn: str
    dlq_arn: str | None
    retry: str

    @classmethod
    def of(cls, schedule: Schedule) -> ScheduleDigest:
        dlq = schedule.target.dead_letter_config
        return cls(
            arn=schedule.arn or "",
            group=schedule.group_name,
            name=schedule.name,
            last_modification_date=schedule.last_modification_date,
            expression=schedule.schedule_expression,
            zone=schedule.timezone_name,
            state=schedule.state,
            start_date=schedule.start_date,
            end_date=schedule.end_date,
            creation_date=schedule.creation_date,
            target_arn=schedule.target.arn,
            dlq_arn=dlq.arn if dlq and dlq.arn else None,
            retry=_retry_text(schedule),
        )


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    arn: str
    name: str
    group: str
    state: str
    target_arn: str
    expression: str | None  # None until the definition has been fetched
    zone: str | None
    next_run: datetime | None
    target_kind: str
    target_name: str
    dlq: str | None  # the queue's name, shown
    dlq_arn: str | None  # what its figures are keyed by (two regions may share a name)
    retry: str | None
    last_modified: datetime | None
    detailed: bool
    haystack: str  # lower-case name, group, expression and target, for free-text filtering


def _retry_text(schedule: Schedule) -> str:
    policy = schedule.target.retry_policy
    if policy is None:
        return "default"
    age = policy.effective_maximum_event_age_in_seconds  # any int AWS sends, 2**63 included
    return f"{policy.effective_maximum_retry_attempts}/{duration_text(age)}"


def build_row(
    summary: ScheduleSummary, digest: ScheduleDigest | None, next_runs: NextRunCache
) -> ScheduleRow:
    arn = summary.target_arn or (digest.target_arn if digest else "")
    next_run = None
    expression = zone = dlq = retry = None
    if digest is not None:
        expression = digest.expression
        zone = digest.zone
        dlq = shared_text(target_resource_name(digest.dlq_arn)) if digest.dlq_arn else None
        retry = digest.retry
        if digest.state == "ENABLED":
            try:
                next_run = next_runs.next_run(
                    expression,
                    zone,
                    start_date=digest.start_date,
                    end_date=digest.end_date,
                    anchor=digest.creation_date,
                )
            except (ExpressionError, ZoneError):
                next_run = None
    target_name = target_resource_name(arn) if arn else ""
    words = (summary.name, summary.group_name, expression or "", target_name)
    return ScheduleRow(
        arn=summary.arn,
        name=summary.name,
        group=shared_text(summary.group_name),
        state=shared_text(summary.state or (digest.state if digest else "?")),
        target_arn=arn,
        expression=expression,
        zone=zone,
        next_run=next_run,
        target_kind=target_kind(arn).value if arn else "?",
        target_name=target_name,
        dlq=dlq,
        dlq_arn=shared_text(digest.dlq_arn) if digest and digest.dlq_arn else None,
        retry=retry,
        last_modified=summary.last_modification_date,
        detailed=digest is not None,
        haystack=" ".join(words).lower(),
    )


def duration_text(delta: timedelta | int) -> str:
    """Compact and exact enough for a glance: 45s, 12m, 3h05m, 2d04h, 400d, 173y.

    At most 6 characters up to the horizon (2199), so "in …" / "… ago" fit in 10. An int is
    seconds, of any size (a timedelta cannot hold more than 999,999,999 days).
    """
    seconds = delta if isinstance(delta, int) else int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    if days < 100:
        return f"{days}d{hours:02d}h" if hours else f"{days}d"
    if days < 1000:
        return f"{days}d"
    # Far runs (a yearly cron, rate(3000000 days)): years keep the list's column narrow.
    return f"{days // 365}y"


def relative_text(instant: datetime | None, now: datetime) -> str:
    if instant is None:
        return ""
    delta = instant - now
    if delta.total_seconds() >= 0:
        return "in " + duration_text(delta)
    return duration_text(-delta) + " ago"


@dataclass(frozen=True)
class RowFilter:
    """``/`` filter: free words (all must appear) and key:value terms, all ANDed.

    ``state:disabled``, ``group:orders`` (exact), ``target:lambda`` (kind, prefix),
    ``tz:europe`` (prefix), ``name:nightly`` (substring), ``is:failing`` (the group failed
    in the last hour or the DLQ holds messages; ``is:paused`` is state:disabled).
    """

    words: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.words and not self.terms

    @property
    def asks_failures(self) -> bool:
        return ("is", "failing") in self.terms

    def beyond_summaries(self) -> list[tuple[str, str]]:
        """The terms a ListSchedules entry alone cannot decide (``schedtui list`` has nothing
        else): ``tz:`` needs the definition, ``is:failing`` the failure figures, and an
        ``is:`` it does not know matches nothing. Free words are decided on the name, the
        group and the target's name (the expression is in the definition)."""
        return [
            (key, value)
            for key, value in self.terms
            if key == "tz" or (key == "is" and value not in ("paused", "disabled", "enabled"))
        ]

    def matches(self, row: ScheduleRow, failing: Failing | None = None) -> bool:
        return self.predicate(failing)(row)

    def predicate(self, failing: Failing | None = None) -> Callable[[ScheduleRow], bool]:
        """One compiled test for all terms: a 100,000-row filter must stay under 100 ms, so
        each value is normalised once here instead of once per row. ``failing``: the
        failure figures' test (none known: nothing is failing)."""
        checks = [_term_check(key, value, failing) for key, value in self.terms]
        checks += [_word_check(word) for word in self.words]
        if not checks:
            return lambda row: True
        test = checks[0]
        for check in checks[1:]:
            test = _both(test, check)  # chained 'and': cheaper than all() over a generator
        return test


def _both(
    first: Callable[[ScheduleRow], bool], second: Callable[[ScheduleRow], bool]
) -> Callable[[ScheduleRow], bool]:
    return lambda row: first(row) and second(row)


def _word_check(word: str) -> Callable[[ScheduleRow], bool]:
    return lambda row: word in row.haystack


def _term_check(key: str, value: str, failing: Failing | None) -> Callable[[ScheduleRow], bool]:
    if key == "is":
        if value == "failing":
            known = failing or (lambda group, dlq: False)
            return lambda row: known(row.group, row.dlq_arn)
        if value in ("paused", "disabled"):
            return lambda row: row.state == "DISABLED"
        if value == "enabled":
            return lambda row: row.state == "ENABLED"
        return lambda row: False  # an unknown is: matches nothing, and the status says so
    if key == "state":
        state = value.upper()
        return lambda row: row.state == state
    if key == "group":
        return lambda row: row.group.lower() == value
    if key == "target":
        return lambda row: _kind_key(row.target_kind).startswith(value)
    if key == "tz":
        return lambda row: (row.zone or "").lower().startswith(value)
    return lambda row: value in row.name.lower()  # name:


@lru_cache(maxsize=64)
def _kind_key(kind: str) -> str:
    return kind.lower().replace(" ", "")


def parse_filter(text: str) -> RowFilter:
    words: list[str] = []
    terms: list[tuple[str, str]] = []
    for token in text.lower().split():
        key, colon, value = token.partition(":")
        if colon and key in FILTER_KEYS and value:
            terms.append((key, value.replace(" ", "")))
        else:
            words.append(token)
    return RowFilter(tuple(words), tuple(terms))
