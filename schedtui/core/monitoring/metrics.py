"""What the monitoring panel shows: Scheduler metric series, alarms, DLQ depths and messages.

Plain frozen records built by the repositories, plus the logic that must not depend on where
the data came from: the metric window and its zero-filled buckets (Scheduler publishes no
zeros, so a missing datapoint means 0, not a gap), and decoding the attributes Scheduler puts
on a dead-letter message, which tolerates anything missing or malformed because a DLQ can
hold messages other senders wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from schedtui.core.expressions.zones import utc
from schedtui.core.schedules.arns import parse_arn, schedule_of_dlq_message

NAMESPACE: Final = "AWS/Scheduler"
GROUP_DIMENSION: Final = "ScheduleGroup"

# The AWS/Scheduler metrics (the Scheduler user guide's "Monitoring with CloudWatch" page).
ATTEMPTS: Final = "InvocationAttemptCount"
TARGET_ERRORS: Final = "TargetErrorCount"
TARGET_THROTTLED: Final = "TargetErrorThrottledCount"
INVOCATION_THROTTLED: Final = "InvocationThrottleCount"
DROPPED: Final = "InvocationDroppedCount"
SENT_TO_DLQ: Final = "InvocationsSentToDeadLetterCount"
FAILED_TO_DLQ: Final = "InvocationsFailedToBeSentToDeadLetterCount"
TRUNCATED_TO_DLQ: Final = "InvocationsSentToDeadLetterCount_Truncated_MessageSizeExceeded"
# DLQ delivery failures are also published per cause, the error code appended to the name
# (InvocationsFailedToBeSentToDeadLetterCount_AWS.SimpleQueueService.NonExistentQueue). The
# codes are not listed anywhere: ListMetrics finds the ones published.
FAILED_TO_DLQ_CAUSE_PREFIX: Final = FAILED_TO_DLQ + "_"


def failure_cause(metric: str) -> str | None:
    """The error code of a per-cause DLQ failure metric, None for any other metric."""
    if metric.startswith(FAILED_TO_DLQ_CAUSE_PREFIX):
        return metric[len(FAILED_TO_DLQ_CAUSE_PREFIX) :] or None
    return None


SCHEDULER_METRICS: Final[tuple[str, ...]] = (
    ATTEMPTS,
    TARGET_ERRORS,
    TARGET_THROTTLED,
    INVOCATION_THROTTLED,
    DROPPED,
    SENT_TO_DLQ,
    FAILED_TO_DLQ,
    TRUNCATED_TO_DLQ,
)

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


# Metrics


def metric_window(start: datetime, end: datetime, period: int) -> tuple[datetime, datetime]:
    """``[start, end)`` widened to whole periods counted from the Unix epoch, in UTC.

    Aligning to the epoch (not to ``start``) keeps buckets identical from one refresh to the
    next, and CloudWatch answers aligned windows exactly. Naive datetimes are taken as UTC.
    Raises ValueError for a period that is not a positive multiple of 60 seconds (Scheduler
    metrics are standard resolution) or an empty window.
    """
    if isinstance(period, bool) or not isinstance(period, int) or period <= 0 or period % 60:
        raise ValueError(f"period must be a positive multiple of 60 seconds, not {period!r}")
    start, end = utc(start), utc(end)
    if end <= start:
        raise ValueError(f"the metric window ends ({end}) before it starts ({start})")
    first = (start - _EPOCH) // timedelta(seconds=period)
    last = -((_EPOCH - end) // timedelta(seconds=period))  # ceiling division
    return _EPOCH + timedelta(seconds=first * period), _EPOCH + timedelta(seconds=last * period)


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """One metric's Sum per period over a window: every period present, missing ones as 0.

    ``group`` is None for the account-wide series (published without a dimension).
    ``timestamps`` are the aware UTC starts of each period, oldest first.
    """

    metric: str
    group: str | None
    period: int
    timestamps: tuple[datetime, ...]
    values: tuple[float, ...]

    @property
    def account_wide(self) -> bool:
        return self.group is None

    @property
    def total(self) -> float:
        return sum(self.values)

    @property
    def latest(self) -> float:
        """The value of the most recent period (which may still be filling up)."""
        return self.values[-1] if self.values else 0.0


def zero_filled_series(
    metric: str,
    group: str | None,
    start: datetime,
    end: datetime,
    period: int,
    datapoints: Iterable[tuple[datetime, float]],
) -> MetricSeries:
    """A MetricSeries over ``metric_window(start, end, period)`` from sparse datapoints.

    Datapoints are added into the period they fall in (a series can arrive in several pages);
    those outside the window are dropped.
    """
    first, last = metric_window(start, end, period)
    step = timedelta(seconds=period)
    count = (last - first) // step
    sums = [0.0] * count
    for timestamp, value in datapoints:
        index = (utc(timestamp) - first) // step
        if 0 <= index < count:
            sums[index] += float(value)
    return MetricSeries(
        metric=metric,
        group=group,
        period=period,
        timestamps=tuple(first + step * index for index in range(count)),
        values=tuple(sums),
    )


# Alarms


@dataclass(frozen=True, slots=True)
class MetricAlarm:
    """A CloudWatch metric alarm on an AWS/Scheduler metric.

    ``group`` is the ScheduleGroup dimension, None for an alarm on the account-wide series.
    ``metric`` is None only for an alarm whose metric math names no Scheduler metric directly.
    The ``*_topic_arns`` hold only the SNS topics among the alarm's actions.
    """

    name: str
    state: str  # OK | ALARM | INSUFFICIENT_DATA
    reason: str
    metric: str | None
    group: str | None
    threshold: float | None
    comparison: str | None
    arn: str | None = None
    state_updated_at: datetime | None = None
    statistic: str | None = None
    period: int | None = None
    evaluation_periods: int | None = None
    actions_enabled: bool = True
    alarm_topic_arns: tuple[str, ...] = ()
    ok_topic_arns: tuple[str, ...] = ()
    insufficient_data_topic_arns: tuple[str, ...] = ()


def sns_topic_arns(actions: Iterable[str]) -> tuple[str, ...]:
    """The SNS topic ARNs among alarm actions (others are Auto Scaling, EC2, SSM, Lambda...)."""
    topics = []
    for action in actions:
        parsed = parse_arn(action)
        if parsed is not None and parsed.service == "sns":
            topics.append(action)
    return tuple(topics)


# Dead-letter queues


@dataclass(frozen=True, slots=True)
class QueueDepth:
    """Approximate message counts of an SQS queue (eventually consistent, about a minute)."""

    queue_arn: str
    url: str
    visible: int
    in_flight: int
    delayed: int
    fifo: bool

    @property
    def total(self) -> int:
        return self.visible + self.in_flight + self.delayed


# The string attributes Scheduler sets on every message it dead-letters.
ERROR_CODE: Final = "ERROR_CODE"
ERROR_MESSAGE: Final = "ERROR_MESSAGE"
EXECUTION_ID: Final = "EXECUTION_ID"
EXHAUSTED_RETRY_CONDITION: Final = "EXHAUSTED_RETRY_CONDITION"
IS_PAYLOAD_TRUNCATED: Final = "IS_PAYLOAD_TRUNCATED"
RETRY_ATTEMPTS: Final = "RETRY_ATTEMPTS"
SCHEDULED_TIME: Final = "SCHEDULED_TIME"
SCHEDULE_ARN: Final = "SCHEDULE_ARN"
TARGET_ARN: Final = "TARGET_ARN"
DLQ_ATTRIBUTES: Final[tuple[str, ...]] = (
    ERROR_CODE,
    ERROR_MESSAGE,
    EXECUTION_ID,
    EXHAUSTED_RETRY_CONDITION,
    IS_PAYLOAD_TRUNCATED,
    RETRY_ATTEMPTS,
    SCHEDULED_TIME,
    SCHEDULE_ARN,
    TARGET_ARN,
)


@dataclass(frozen=True, slots=True)
class DlqMessage:
    """A message peeked from a dead-letter queue, with Scheduler's attributes decoded.

    Every decoded field is None (``is_payload_truncated`` False) when its attribute is
    missing or malformed; ``attributes`` keeps every message attribute as received, so an
    unexpected value can still be shown. ``group``/``name`` come from SCHEDULE_ARN
    (``...:schedule/<group>/<name>``): Scheduler sends no group attribute.
    """

    message_id: str
    body: str
    receive_count: int | None = None
    sent_at: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None
    execution_id: str | None = None
    exhausted_retry_condition: str | None = None
    is_payload_truncated: bool = False
    retry_attempts: int | None = None
    scheduled_time: datetime | None = None
    schedule_arn: str | None = None
    target_arn: str | None = None
    group: str | None = None
    name: str | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)


def _text(attributes: Mapping[str, str], name: str) -> str | None:
    value = attributes.get(name)
    return value if isinstance(value, str) and value.strip() else None


def _integer(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


def _instant(text: str | None) -> datetime | None:
    """ISO 8601 (Scheduler sends ``2024-03-01T10:00:00Z``); naive values are taken as UTC."""
    if text is None:
        return None
    try:
        return utc(datetime.fromisoformat(text.strip()))
    except ValueError:
        return None


def epoch_millis(text: str | None) -> datetime | None:
    """An SQS system timestamp (milliseconds since the epoch) as an aware UTC datetime."""
    millis = _integer(text)
    if millis is None:
        return None
    try:
        return _EPOCH + timedelta(milliseconds=millis)
    except OverflowError:
        return None


def decode_dlq_message(
    message_id: str,
    body: str,
    attributes: Mapping[str, str],
    *,
    receive_count: int | None = None,
    sent_at: datetime | None = None,
) -> DlqMessage:
    """A DlqMessage from the message's string attributes (name -> value); never raises."""
    schedule_arn = _text(attributes, SCHEDULE_ARN)
    group_and_name = schedule_of_dlq_message(schedule_arn.strip()) if schedule_arn else None
    truncated = _text(attributes, IS_PAYLOAD_TRUNCATED)
    return DlqMessage(
        message_id=message_id,
        body=body,
        receive_count=receive_count,
        sent_at=sent_at,
        error_code=_text(attributes, ERROR_CODE),
        error_message=_text(attributes, ERROR_MESSAGE),
        execution_id=_text(attributes, EXECUTION_ID),
        exhausted_retry_condition=_text(attributes, EXHAUSTED_RETRY_CONDITION),
        is_payload_truncated=truncated is not None and truncated.strip().lower() == "true",
        retry_attempts=_integer(_text(attributes, RETRY_ATTEMPTS)),
        scheduled_time=_instant(_text(attributes, SCHEDULED_TIME)),
        schedule_arn=schedule_arn,
        target_arn=_text(attributes, TARGET_ARN),
        group=group_and_name[0] if group_and_name else None,
        name=group_and_name[1] if group_and_name else None,
        attributes=dict(attributes),
    )
