"""What the monitoring panel says about each group: sparklines, figures, trouble first.

Pure functions over MetricSeries, so the ranking and the text are tested without a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from schedtui.core.monitoring.metrics import (
    ATTEMPTS,
    DROPPED,
    FAILED_TO_DLQ,
    INVOCATION_THROTTLED,
    SENT_TO_DLQ,
    TARGET_ERRORS,
    TARGET_THROTTLED,
    TRUNCATED_TO_DLQ,
    MetricAlarm,
    MetricSeries,
    QueueDepth,
    failure_cause,
)
from schedtui.core.schedules.arns import parse_sqs_queue_arn, target_resource_name
from schedtui.core.table import Column, TableRow
from schedtui.core.text import printable

_BLOCKS = "▁▂▃▄▅▆▇█"

# (metric, short column label, counts as trouble when non-zero)
PANEL_METRICS: tuple[tuple[str, str, bool], ...] = (
    (ATTEMPTS, "ATTEMPTS", False),
    (TARGET_ERRORS, "TARGET ERR", True),
    (TARGET_THROTTLED, "TGT THROTTLED", True),
    (INVOCATION_THROTTLED, "INV THROTTLED", True),
    (DROPPED, "DROPPED", True),
    (SENT_TO_DLQ, "TO DLQ", True),
    (FAILED_TO_DLQ, "DLQ FAILED", True),
    (TRUNCATED_TO_DLQ, "TRUNCATED", True),
)
# Losing invocations outright is worse than a target error that was retried.
_WEIGHTS = {
    DROPPED: 100,
    FAILED_TO_DLQ: 100,
    TRUNCATED_TO_DLQ: 10,
    SENT_TO_DLQ: 10,
}
ACCOUNT = "(account)"

# The windows an operator picks: label -> (seconds, period in seconds).
WINDOWS: dict[str, tuple[int, int]] = {
    "1h": (3600, 60),
    "3h": (3 * 3600, 300),
    "24h": (24 * 3600, 900),
    "7d": (7 * 24 * 3600, 3600),
}


def sparkline(values: Sequence[float], width: int) -> str:
    """``width`` cells; each the largest value of its bucket. Zero stays blank, and any
    non-zero value shows at least the lowest block, so a single error is never invisible."""
    if not values or width <= 0:
        return " " * max(width, 0)
    buckets: list[float] = []
    for cell in range(width):
        start = cell * len(values) // width
        end = max(start + 1, (cell + 1) * len(values) // width)
        buckets.append(max(values[start:end]) if start < len(values) else 0.0)
    top = max(buckets)
    if top <= 0:
        return " " * width
    return "".join(
        " " if value <= 0 else _BLOCKS[min(len(_BLOCKS) - 1, int(value / top * (len(_BLOCKS) - 1)))]
        for value in buckets
    )


def figure(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


@dataclass(frozen=True)
class GroupHealth:
    group: str  # ACCOUNT for the account-wide series
    series: dict[str, MetricSeries]
    alarms: tuple[MetricAlarm, ...]

    @property
    def trouble(self) -> float:
        return sum(
            self.series[metric].total * _WEIGHTS.get(metric, 1)
            for metric, _, bad in PANEL_METRICS
            if bad and metric in self.series
        ) + 1000 * sum(1 for alarm in self.alarms if alarm.state == "ALARM")

    def total(self, metric: str) -> float:
        found = self.series.get(metric)
        return found.total if found else 0.0

    def latest(self, metric: str) -> float:
        found = self.series.get(metric)
        return found.latest if found else 0.0

    def failure_causes(self) -> list[tuple[str, float]]:
        """DLQ delivery failures by error code over the window, largest first (zeros left
        out): the breakdown of the DLQ FAILED column."""
        causes = [
            (cause, item.total)
            for metric, item in self.series.items()
            if (cause := failure_cause(metric)) is not None and item.total
        ]
        return sorted(causes, key=lambda pair: (-pair[1], pair[0]))


def group_health(
    series: Iterable[MetricSeries], alarms: Iterable[MetricAlarm]
) -> list[GroupHealth]:
    """One entry per group (and the account), the account first, then trouble first."""
    by_group: dict[str, dict[str, MetricSeries]] = {}
    for item in series:
        by_group.setdefault(item.group or ACCOUNT, {})[item.metric] = item
    alarm_list = list(alarms)
    found = [
        GroupHealth(
            group,
            metrics,
            tuple(alarm for alarm in alarm_list if (alarm.group or ACCOUNT) == group),
        )
        for group, metrics in by_group.items()
    ]
    account = [health for health in found if health.group == ACCOUNT]
    groups = sorted(
        (health for health in found if health.group != ACCOUNT),
        key=lambda health: (-health.trouble, health.group),
    )
    return account + groups


# -- the monitor's tables ------------------------------------------------------------------------

SPARK = 8
METRIC_COLUMNS = (
    Column("group", "GROUP", 18, cut="middle"),
    *(Column(metric, label, SPARK + 6, align="right") for metric, label, _ in PANEL_METRICS),
    Column("alarms", "ALARMS", 12, flex=True),
)
DLQ_COLUMNS = (
    Column("queue", "DEAD-LETTER QUEUE", 24, flex=True, cut="middle"),
    Column("visible", "VISIBLE", 8, align="right"),
    Column("in_flight", "IN FLIGHT", 9, align="right"),
    Column("delayed", "DELAYED", 8, align="right"),
    Column("trend", "TREND", 10),
    Column("schedules", "SCHEDULES", 28, flex=True),
    Column("finding", "FINDING", 20, flex=True),
)
ALARM_COLUMNS = (
    Column("name", "ALARM", 24, flex=True),
    Column("state", "STATE", 17),
    Column("metric", "WATCHES", 28),
    Column("topics", "NOTIFIES (SNS)", 30, flex=True),
)


def _metric_cell(health: GroupHealth, metric: str) -> str:
    found = health.series.get(metric)
    values = found.values if found else ()
    return f"{sparkline(values, SPARK)} {figure(health.latest(metric))}"


def health_row(health: GroupHealth) -> TableRow:
    """A group's line: a sparkline and the latest figure per metric, its alarms."""
    alarms = ", ".join(f"{a.name}:{a.state}" for a in health.alarms)
    troubled = any(bad and health.total(metric) > 0 for metric, _, bad in PANEL_METRICS)
    in_alarm = any(alarm.state == "ALARM" for alarm in health.alarms)
    return TableRow(
        key=health.group,
        cells=(
            printable(health.group),
            *(_metric_cell(health, metric) for metric, _, _ in PANEL_METRICS),
            printable(alarms),
        ),
        sort_keys=(
            health.group,
            *(health.total(metric) for metric, _, _ in PANEL_METRICS),
            alarms,
        ),
        style="error" if in_alarm or troubled else "",
    )


def trend(history: list[int]) -> str:
    """Depth over the last refreshes: flat when it has not moved, scaled when it has."""
    recent = history[-10:]
    if len(set(recent)) <= 1:
        return "─" * len(recent)
    low = min(recent)
    return sparkline([value - low + 0.5 for value in recent], len(recent))


def dlq_row(
    arn: str, depth: QueueDepth | None, problem: str, users: list[str], history: list[int]
) -> TableRow:
    """A dead-letter queue's line: its depth (or why it is unknown), trend and users."""
    queue = parse_sqs_queue_arn(arn)
    finding = problem
    if queue is not None and queue.fifo:
        finding = "FIFO queue: Scheduler needs a standard queue"
    counts = (
        ("?", "?", "?")
        if depth is None
        else (f"{depth.visible:,}", f"{depth.in_flight:,}", f"{depth.delayed:,}")
    )
    total = None if depth is None else depth.total
    shown = ", ".join(users[:3]) + (f" +{len(users) - 3}" if len(users) > 3 else "")
    return TableRow(
        key=arn,
        cells=(
            printable(target_resource_name(arn)),
            *counts,
            trend(history),
            printable(shown),
            printable(finding),
        ),
        sort_keys=(arn, total or 0, 0, 0, 0, len(users), finding),
        style="error" if finding else ("warning" if total else ""),
    )


def dlq_order(arn: str, depth: QueueDepth | None, finding: str) -> tuple[object, ...]:
    """Deepest first. A queue whose depth could not be read comes first (it may hold
    anything, and why it cannot be read is itself trouble); at equal depth, findings first."""
    return (
        depth is not None,
        -(depth.total if depth is not None else 0),
        not finding,
        target_resource_name(arn),
        arn,
    )


def alarm_row(alarm: MetricAlarm) -> TableRow:
    watches = f"{alarm.metric or '?'} ({alarm.group or 'account'})"
    topics = ", ".join(target_resource_name(t) for t in alarm.alarm_topic_arns)
    return TableRow(
        key=alarm.name,
        cells=(printable(alarm.name), alarm.state, printable(watches), printable(topics)),
        style="error" if alarm.state == "ALARM" else "",
    )
