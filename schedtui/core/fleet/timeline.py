"""The fleet timeline: every listed schedule's upcoming runs over the next hour, day or week,
counted per minute, with the busiest minutes, the collisions of schedules that share a
target in one minute, and where a flexible window would spread the load.

Computed by the expression engine (``core/expressions``); 100,000 schedules in under 2 s
(``tests/bench/``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from schedtui.core.schedules.schedule import Schedule


class Span(Enum):
    HOUR = ("1h", timedelta(hours=1))
    DAY = ("24h", timedelta(days=1))
    WEEK = ("7d", timedelta(days=7))

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def length(self) -> timedelta:
        return self.value[1]


@dataclass(frozen=True)
class BusyMinute:
    at: datetime  # the minute's start, UTC
    runs: int
    schedules: tuple[str, ...]  # "group/name", the first few (most runs first)


@dataclass(frozen=True)
class Collision:
    target_arn: str
    at: datetime
    schedules: tuple[str, ...]  # "group/name", two or more


@dataclass(frozen=True)
class Suggestion:
    schedule: str  # "group/name"
    window_minutes: int  # a FlexibleTimeWindow that would spread the load
    why: str


@dataclass(frozen=True)
class Timeline:
    start: datetime  # the first minute, UTC
    span: Span
    per_minute: Sequence[int]  # runs in each minute from ``start``
    busiest: tuple[BusyMinute, ...]
    collisions: tuple[Collision, ...]
    suggestions: tuple[Suggestion, ...]
    schedules: int  # how many were counted (ENABLED, with a run in the span)
    skipped: int  # DISABLED or unreadable expressions


def timeline(schedules: Sequence[Schedule], now: datetime, span: Span) -> Timeline:
    raise NotImplementedError  # helper: timeline
