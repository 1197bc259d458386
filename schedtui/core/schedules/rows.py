"""What the schedules list keeps of a definition (``ScheduleDigest``), how it words
durations, and the `/` filter language (``RowFilter``; ``selection.py`` applies it)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime, timedelta

from schedtui.core.schedules.schedule import Schedule

FILTER_KEYS = ("state", "group", "target", "tz", "name", "is")


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
    window: int = 0  # FlexibleTimeWindow's minutes; 0: OFF (the fleet timeline asks)

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
            window=_window(schedule),
        )


def _window(schedule: Schedule) -> int:
    window = schedule.flexible_time_window
    if window.mode != "FLEXIBLE":
        return 0
    return max(0, min(window.maximum_window_in_minutes or 0, 2**31 - 1))  # an int column


def _retry_text(schedule: Schedule) -> str:
    policy = schedule.target.retry_policy
    if policy is None:
        return "default"
    age = policy.effective_maximum_event_age_in_seconds  # any int AWS sends, 2**63 included
    return f"{policy.effective_maximum_retry_attempts}/{duration_text(age)}"


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

    @property
    def reads_definitions(self) -> bool:
        """Which rows it keeps may change as definitions arrive: free words match the
        expression, tz: the zone, is:failing the DLQ."""
        return bool(self.words) or any(key in ("tz", "is") for key, _ in self.terms)

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
