"""Invocations and the Scheduler cost: per schedule and per group, per month.

Invocations come from the expression (runs in a 30-day month; plus retries observed in the
metrics when the caller has them). The price table lives in ``prices.py`` (one place, with
its source and date). Target costs (Lambda, Step Functions...) are not included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from schedtui.core.schedules.schedule import Schedule


@dataclass(frozen=True)
class GroupCost:
    group: str
    schedules: int
    invocations: float  # per month, from the expressions
    retries: float  # per month, observed (0 when no metrics)
    usd: float  # the group's share of the account's bill at the published price


@dataclass(frozen=True)
class CostReport:
    groups: tuple[GroupCost, ...]
    invocations: float
    free: float  # the free tier's invocations per month
    usd: float  # the account's Scheduler bill per month
    price_note: str  # the price's source and date, and "target costs not included"


def invocations_per_month(schedule: Schedule, now: datetime) -> float:
    raise NotImplementedError  # helper: cost


def cost_report(
    schedules: Sequence[Schedule],
    now: datetime,
    retries_per_group: Mapping[str, float] | None = None,
) -> CostReport:
    raise NotImplementedError  # helper: cost
