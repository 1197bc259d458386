"""What the schedules list says about failure, per row: the group's failures in the last hour
and the depth of the schedule's DLQ.

AWS publishes Scheduler metrics per group, never per schedule (ARCHITECTURE.md; the facts
file): a schedule's row shows its group's figure, and the column's title says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from schedtui.core.monitoring.metrics import DROPPED, TARGET_ERRORS, MetricSeries, QueueDepth
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.text import printable

# A failure, for the list: the target answered with an error, or the invocation was dropped.
FAILURE_METRICS: Final = (TARGET_ERRORS, DROPPED)
FAILURE_WINDOW: Final = timedelta(hours=1)
FAILURE_PERIOD: Final = 300  # seconds: twelve buckets in the hour


@dataclass(frozen=True)
class FailureFigures:
    """The figures of one fetch. A part that could not be read is absent from its map and
    named in ``problems`` (the list then shows a dash, never a zero)."""

    group_failures: Mapping[str, int] = field(default_factory=dict)
    dlq_depths: Mapping[str, int] = field(default_factory=dict)  # queue ARN -> visible
    as_of: datetime | None = None
    problems: tuple[str, ...] = ()
    partial: bool = False  # read while definitions were still loading: DLQs may be missing
    # DLQs that do not exist (AWS said so): a fact about the queue, shown as such, never an
    # incomplete figure (the doctor's DLQ_MISSING says what to do about it).
    missing_dlqs: frozenset[str] = frozenset()

    def failing(self, group: str, dlq_arn: str | None) -> bool:
        """The row's group failed in the last hour, or its DLQ holds messages."""
        return self.group_failures.get(group, 0) > 0 or (
            dlq_arn is not None and self.dlq_depths.get(dlq_arn, 0) > 0
        )

    @property
    def known(self) -> bool:
        return self.as_of is not None


NO_FIGURES: Final = FailureFigures()
MISSING_DLQ: Final = "missing"  # what a DLQ MSGS cell says of a queue that does not exist


def failure_figures(
    series: Iterable[MetricSeries] | None,
    depths: Mapping[str, object],  # queue ARN -> QueueDepth, or the error reading it
    as_of: datetime,
    problems: Iterable[str] = (),
    partial: bool = False,
    missing: Iterable[str] = (),
) -> FailureFigures:
    """Sum the failure metrics per group (the account-wide series left out) and key the DLQ
    depths by queue ARN (a name alone is not unique: two regions, two accounts). ``missing``:
    the queues that do not exist (left out of ``depths``).

    A sum that cannot be a count (negative, infinite, not a number: CloudWatch caps values
    but a proxy or a bad publisher may not) leaves the group's figure unknown, a problem
    named, rather than a wrong count or a crash."""
    sums: dict[str, float] = {}
    for item in series or ():
        if item.group is not None and item.metric in FAILURE_METRICS:
            sums[item.group] = sums.get(item.group, 0.0) + item.total
    found = list(problems)
    failures: dict[str, int] = {}
    for group, total in sums.items():
        if math.isfinite(total) and total >= 0:
            failures[group] = int(total)
        else:
            found.append(f"failures of {printable(group)}: not a count ({total})")
    queues: dict[str, int] = {}
    for arn, depth in depths.items():
        if isinstance(depth, QueueDepth):
            queues[arn] = depth.visible
        else:
            found.append(f"{target_resource_name(arn)}: {depth}")
    return FailureFigures(failures, queues, as_of, tuple(found), partial, frozenset(missing))
