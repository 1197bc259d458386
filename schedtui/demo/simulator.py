"""``DemoSimulator``: the monitoring data a real account would have, for ``schedtui --demo``.

A seeded demo has schedules but no history: the monitoring screen would open on flat zeros.
The simulator gives it a week of AWS/Scheduler metrics, dead-lettered messages, an SNS topic
and two alarms, then keeps the current minute moving:

    sim = DemoSimulator(settings)       # the settings EmbeddedDemo.start() returned
    sim.backfill()                      # 7 days of metrics + DLQ messages (~0.6 s)
    sim.create_alarms()                 # SNS topic scheduler-notifications + 2 alarms
    sim.start()                         # every `interval` s: this minute's datapoints
    ...
    sim.stop()                          # joins the thread (well under a second)

``EmbeddedDemo(simulate=True)`` does all of that on ``start`` and stops it on ``stop``;
``DemoBackend(simulate=True)`` has its child process do it.

What the data says (deterministic for a given ``now``: a fixed RNG seed, schedules in name
order):
- InvocationAttemptCount of each group follows its own ENABLED schedules: every fire time of
  every rate/cron/at expression over the window (in its time zone, after its creation and
  StartDate, up to its EndDate), moved inside its flexible window, plus retries. Hourly and
  daily crons give the peaks; a week has the weekday shape of MON-FRI crons.
- ``orders`` is failing for the last 2 hours (``BURST_MINUTES``): its Lambda targets are
  throttled (Lambda.TooManyRequestsException), the clickstream Kinesis stream is throttled,
  and an IAM change denies sqs:SendMessage on the warehouse export queue (AccessDeniedException,
  not retried). Each failed invocation is retried per the schedule's RetryPolicy; when its
  retries or event age run out it goes to the schedule's DLQ (a message with Scheduler's
  attributes, and InvocationsSentToDeadLetterCount) or, with no DLQ, is dropped
  (InvocationDroppedCount). So the DLQ holds exactly the messages the metric counts.
- Elsewhere: a few one-off target errors (retried successfully) in most groups; two messages
  in the notifications DLQ from two days ago (the promo banner schedule whose input holds Rich
  markup and terminal escapes: the body is shown as it is); one billing message from
  yesterday; and in data-pipeline, four hours ago, target errors whose DLQ delivery failed
  (the role lacked sqs:SendMessage): InvocationsFailedToBeSentToDeadLetterCount.
- The account-wide series (no dimension) is the sum of the groups, as Scheduler publishes it.
- The plan keeps every fire and how each failing invocation went (``SimulationPlan.fires`` and
  ``outcomes``): targets.py makes the Lambda invocations and logs, the Step Functions executions
  and the ECS tasks from them, so a throttled attempt runs nothing and a retry that got
  through runs once (``EmbeddedDemo`` writes them after the backfill, default demo only).

Resolution, to keep the datapoints few (~10k for the default demo) and still exact for every
window the app offers (1h/60s, 3h/300s, 24h/900s, 7d/3600s): 1-minute datapoints for the last
3 hours, 5-minute ones back to 24 hours, 15-minute ones beyond; tier edges fall on 15-minute
boundaries so no aggregated datapoint straddles a period of any of those windows. Zeros are not
published (Scheduler does not publish them either).

How it writes: the backfill goes straight into moto's in-process CloudWatch backend (~10x faster
than 10 PutMetricData calls of 1000 datapoints over HTTP), so, like ``seed_demo``'s default, it
needs the moto server to run in this process. DLQ messages, the topic, the alarms and the live
datapoints go through boto3 over HTTP, as the app's own calls do. The backfill also installs
``moto_metrics.install_exact_metric_reads`` on that backend: without it moto would add the
per-group series into the account-wide one and take seconds per 7-day refresh.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from schedtui.aws.session import AwsSettings
from schedtui.core.expressions.parse import parse_expression
from schedtui.core.expressions.runs import instants
from schedtui.core.expressions.zones import load_zone
from schedtui.core.monitoring.metrics import (
    ATTEMPTS,
    DROPPED,
    ERROR_CODE,
    ERROR_MESSAGE,
    EXECUTION_ID,
    EXHAUSTED_RETRY_CONDITION,
    FAILED_TO_DLQ,
    FAILED_TO_DLQ_CAUSE_PREFIX,
    GROUP_DIMENSION,
    IS_PAYLOAD_TRUNCATED,
    NAMESPACE,
    RETRY_ATTEMPTS,
    SCHEDULE_ARN,
    SCHEDULED_TIME,
    SENT_TO_DLQ,
    TARGET_ARN,
    TARGET_ERRORS,
    TARGET_THROTTLED,
)
from schedtui.demo.moto_metrics import install_exact_metric_reads
from schedtui.demo.seed import DEMO_ACCOUNT, DEMO_REGION, FAKE_CREDENTIALS

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_cloudwatch.type_defs import MetricDatumTypeDef
    from mypy_boto3_sqs import SQSClient

    SNSClient = Any  # boto3-stubs[sns] is not among the test extras

_log = logging.getLogger(__name__)

FAILING_GROUP: Final = "orders"
DLQ_FAILURE_GROUP: Final = "data-pipeline"  # where DLQ delivery itself fails
BURST_MINUTES: Final = 120
TOPIC_NAME: Final = "scheduler-notifications"
# The module guide's notification_config (seed-module-guide.md): topic and events.
NOTIFICATION_EVENTS: Final = ("SCHEDULE_START", "SCHEDULE_COMPLETE", "SCHEDULE_FAILED")
ORDERS_ALARM: Final = "orders-scheduler-target-errors"
DROPPED_ALARM: Final = "scheduler-invocations-dropped"
ORDERS_ALARM_THRESHOLD: Final = 5.0
ORDERS_ALARM_PERIOD: Final = 300
DROPPED_ALARM_THRESHOLD: Final = 50.0
DROPPED_ALARM_PERIOD: Final = 3600

_RNG_SEED: Final = 20_240_612
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_FINE_HOURS: Final = 3  # 1-minute datapoints this far back
_MEDIUM_HOURS: Final = 24  # 5-minute ones this far back, 15-minute ones beyond
_MAX_METRIC_DATA: Final = 1000  # PutMetricData's limit per call
_MAX_SQS_BATCH: Final = 10
_MAX_BACKOFF: Final = 600  # seconds between retries, at most (assumed: AWS does not say)


def _clock() -> datetime:
    return datetime.now(UTC)


# What the simulation reads and produces


@dataclass(frozen=True, slots=True)
class SimSchedule:
    """What the simulation needs of one schedule (epoch seconds for dates)."""

    group: str
    name: str
    arn: str
    expression: str
    zone: str
    enabled: bool
    created: float
    start: float | None
    end: float | None
    target_arn: str
    role_arn: str
    input: str | None
    dlq_arn: str | None
    max_retries: int
    max_age: int
    window_minutes: int | None
    # The target's EcsParameters (what targets.py needs of an ECS target); not part of the
    # schedule's identity.
    ecs: dict[str, Any] | None = field(default=None, hash=False, compare=False)

    @property
    def service(self) -> str:
        parts = self.target_arn.split(":")
        return parts[2] if len(parts) > 2 else ""

    @property
    def resource(self) -> str:
        return self.target_arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Datapoint:
    metric: str
    group: str | None  # None: the account-wide series
    timestamp: int  # epoch seconds, the start of the minute (or 5/15-minute bucket)
    value: float


@dataclass(frozen=True, slots=True)
class DeadLetter:
    queue_arn: str
    at: int  # epoch seconds it reached the queue
    body: str
    attributes: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class LiveRates:
    """Per-second rates the live thread draws from, taken from the plan's last hour."""

    attempts: Mapping[str, float]
    errors: float
    throttled_share: float
    sent_to_dlq: float
    dropped: float


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one failing invocation went: the attempts that failed (epoch seconds) and the
    retry that got through (None: none did, or it is still being retried)."""

    failure: _Failure
    failed: list[int]
    succeeded: int | None


@dataclass(frozen=True, slots=True)
class SimulationPlan:
    datapoints: list[Datapoint]
    dead_letters: list[DeadLetter]
    live: LiveRates
    # Every (scheduled, invoked) fire per schedule, and how the failing ones went, keyed by
    # (schedule ARN, scheduled): what the targets' own data is made from (targets.py).
    fires: Mapping[SimSchedule, list[tuple[int, int]]] = field(default_factory=dict)
    outcomes: Mapping[tuple[str, int], Outcome] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BackfillResult:
    schedules: int
    datapoints: int
    dead_letters: int
    plan_seconds: float
    write_seconds: float

    @property
    def seconds(self) -> float:
        return self.plan_seconds + self.write_seconds


@dataclass(frozen=True, slots=True)
class _Failure:
    code: str
    message: str  # str.format fields: account, role, role_name, target, resource
    retryable: bool
    throttled: bool
    chance: float  # that one attempt fails


_THROTTLED_LAMBDA: Final = _Failure(
    "Lambda.TooManyRequestsException", "Rate Exceeded.", True, True, 0.55
)
_THROTTLED_KINESIS: Final = _Failure(
    "Kinesis.ProvisionedThroughputExceededException",
    "Rate exceeded for shard shardId-000000000002 in stream {resource} under account {account}.",
    True,
    True,
    0.5,
)
_ACCESS_DENIED: Final = _Failure(
    "AccessDeniedException",
    "User: arn:aws:sts::{account}:assumed-role/{role_name}/scheduler-invocation is not "
    "authorized to perform: {action} on resource: {target} because no identity-based policy "
    "allows the {action} action",
    False,
    False,
    1.0,
)
_NO_QUEUE: Final = _Failure(
    "AWS.SimpleQueueService.NonExistentQueue",
    "The specified queue does not exist for this wsdl version.",
    False,
    False,
    1.0,
)
# Blips: target errors that the first retry fixes.
_THROTTLED_ONCE: Final = _Failure("ThrottlingException", "Rate exceeded", True, True, 1.0)
_UNAVAILABLE: Final = _Failure(
    "ServiceUnavailableException", "Service Unavailable", True, False, 1.0
)
_ALWAYS_THROTTLED: Final = _Failure(
    _THROTTLED_LAMBDA.code, _THROTTLED_LAMBDA.message, True, True, 1.0
)
_ACTIONS: Final = {
    "lambda": "lambda:InvokeFunction",
    "sqs": "sqs:sendmessage",
    "states": "states:StartExecution",
    "kinesis": "kinesis:PutRecord",
    "scheduler": "scheduler:InvokeTarget",
}


def _orders_incident(schedule: SimSchedule) -> _Failure | None:
    """How an ``orders`` schedule fails during the burst (None: it does not)."""
    if schedule.service == "lambda":
        return _THROTTLED_LAMBDA
    if schedule.service == "kinesis":
        return _THROTTLED_KINESIS
    if schedule.service == "sqs" and schedule.resource == "warehouse-order-export":
        return _ACCESS_DENIED
    return None


# Fire times


def fire_seconds(schedule: SimSchedule, low: int, high: int) -> list[int]:
    """When ``schedule`` fires in [low, high) (epoch seconds): the app's own run engine
    (core/expressions/runs.py), bounded by the schedule's creation.

    Nothing for a disabled schedule, nothing before it was created. Raises ExpressionError /
    ZoneError for an expression or zone the app would reject.
    """
    if not schedule.enabled:
        return []
    parsed = parse_expression(schedule.expression)
    low = max(low, math.ceil(schedule.created))
    after = datetime.fromtimestamp(low, UTC) - timedelta(microseconds=1)
    bounds: dict[str, datetime] = {}
    if schedule.start is not None:
        bounds["start_date"] = datetime.fromtimestamp(schedule.start, UTC)
    if schedule.end is not None:
        bounds["end_date"] = datetime.fromtimestamp(schedule.end, UTC)
    anchor = datetime.fromtimestamp(int(schedule.created), UTC)
    found = []
    for instant in instants(parsed, load_zone(schedule.zone), after, anchor=anchor, **bounds):
        second = int(instant.timestamp())
        if second >= high:
            break
        found.append(second)
    return found


# The plan


class _Activity:
    """Counts per (metric, group) and minute."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str | None], Counter[int]] = defaultdict(Counter)

    def add(self, metric: str, group: str, second: int, count: int = 1) -> None:
        if count:
            self.counts[(metric, group)][second - second % 60] += count

    def total(self, metric: str, group: str | None, low: int, high: int) -> int:
        counts = self.counts.get((metric, group), Counter())
        return sum(count for minute, count in counts.items() if low <= minute < high)

    def with_account(self) -> dict[tuple[str, str | None], Counter[int]]:
        merged: dict[tuple[str, str | None], Counter[int]] = dict(self.counts)
        for (metric, _group), counts in self.counts.items():
            merged.setdefault((metric, None), Counter()).update(counts)
        return merged


def _iso(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dead_letter(
    schedule: SimSchedule,
    failure: _Failure,
    scheduled: int,
    at: int,
    retries: int,
    condition: str,
    rng: random.Random,
) -> DeadLetter:
    """The message Scheduler puts in the schedule's DLQ for one exhausted invocation."""
    assert schedule.dlq_arn is not None
    execution_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    message = failure.message.format(
        account=DEMO_ACCOUNT,
        role_name=schedule.role_arn.rsplit("/", 1)[-1],
        target=schedule.target_arn,
        resource=schedule.resource,
        action=_ACTIONS.get(schedule.service, f"{schedule.service}:Invoke"),
    )
    attributes = {
        ERROR_CODE: failure.code,
        ERROR_MESSAGE: message,
        EXECUTION_ID: execution_id,
        # Sent for non-retryable errors too (not retried at all: RETRY_ATTEMPTS 0).
        EXHAUSTED_RETRY_CONDITION: condition,
        IS_PAYLOAD_TRUNCATED: "false",
        RETRY_ATTEMPTS: str(retries),
        SCHEDULED_TIME: _iso(scheduled),
        SCHEDULE_ARN: schedule.arn,
        TARGET_ARN: schedule.target_arn,
    }
    body = target_input(schedule, scheduled, execution_id, retries + 1)
    return DeadLetter(schedule.dlq_arn, at, body, attributes)


def target_input(schedule: SimSchedule, scheduled: int, execution_id: str, attempt: int) -> str:
    """The target input as Scheduler sends it: context attributes filled in."""
    if schedule.input is None:
        return "{}"  # SQS refuses an empty body; targets without input carry none to show
    return (
        schedule.input.replace("<aws.scheduler.schedule-arn>", schedule.arn)
        .replace("<aws.scheduler.scheduled-time>", _iso(scheduled))
        .replace("<aws.scheduler.execution-id>", execution_id)
        .replace("<aws.scheduler.attempt-number>", str(attempt))
    )


class _Planner:
    def __init__(
        self,
        schedules: Sequence[SimSchedule],
        queues: Mapping[str, bool],
        now: int,
        rng: random.Random,
    ) -> None:
        self.schedules = sorted(schedules, key=lambda s: (s.group, s.name))
        self.queues = queues  # queue ARN -> FIFO
        self.now = now
        self.rng = rng
        self.activity = _Activity()
        self.dead_letters: list[DeadLetter] = []
        self.fires: dict[SimSchedule, list[tuple[int, int]]] = {}
        self.outcomes: dict[tuple[str, int], Outcome] = {}

    def _usable_dlq(self, schedule: SimSchedule) -> bool:
        # AWS refuses FIFO DLQs; a missing queue fails the delivery.
        return schedule.dlq_arn is not None and self.queues.get(schedule.dlq_arn) is False

    def fail(
        self,
        schedule: SimSchedule,
        failure: _Failure,
        scheduled: int,
        invoked: int,
        *,
        dlq_delivery_fails: bool = False,
        succeed_on_retry: bool = False,
    ) -> None:
        """One invocation that fails: its retries, then the DLQ or a drop (if before now).

        Its first attempt is already counted with the schedule's fires. Retries wait
        30 s, 60 s, 120 s... (at most ``_MAX_BACKOFF``), with jitter.
        """
        rng, add, group = self.rng, self.activity.add, schedule.group
        deadline = scheduled + schedule.max_age
        at, retries, chance = invoked, 0, failure.chance
        failed: list[int] = []
        # What the target saw (targets.py): the attempts that failed, and the one that got
        # through, if any. Recorded as the loop goes, so every way out leaves it right.
        self.outcomes[(schedule.arn, scheduled)] = Outcome(failure, failed, None)
        while True:
            if at >= self.now:
                return  # still being retried
            if retries:
                add(ATTEMPTS, group, at)
            if retries and (succeed_on_retry or rng.random() >= chance):
                self.outcomes[(schedule.arn, scheduled)] = Outcome(failure, failed, at)
                return
            failed.append(at)
            add(TARGET_ERRORS, group, at)
            if failure.throttled:
                add(TARGET_THROTTLED, group, at)
            if not failure.retryable or retries >= schedule.max_retries:
                condition = "MaximumRetryAttempts"
                break
            delay = min(30 * 2**retries, _MAX_BACKOFF) * (0.5 + rng.random() / 2)
            if at + delay > deadline:
                condition = "MaximumEventAgeInSeconds"
                at = max(at, deadline)
                break
            at, retries = at + int(delay), retries + 1
        if at >= self.now:
            return
        if schedule.dlq_arn is None:
            add(DROPPED, group, at)
        elif dlq_delivery_fails or not self._usable_dlq(schedule):
            add(FAILED_TO_DLQ, group, at)
            # The per-cause series AWS publishes beside it (the documented example is the
            # missing queue; the role's refusal is the demo's own).
            missing = schedule.dlq_arn not in self.queues
            cause = "AWS.SimpleQueueService.NonExistentQueue" if missing else "AccessDenied"
            add(FAILED_TO_DLQ_CAUSE_PREFIX + cause, group, at)
        else:
            add(SENT_TO_DLQ, group, at)
            self.dead_letters.append(
                _dead_letter(schedule, failure, scheduled, at, retries, condition, self.rng)
            )

    def plan(self, low: int) -> None:
        rng, now = self.rng, self.now
        fires: dict[SimSchedule, list[tuple[int, int]]] = {}
        for schedule in self.schedules:
            try:
                seconds = fire_seconds(schedule, low, now)
            except ValueError:
                continue  # an expression the app flags as invalid never fires
            window = (schedule.window_minutes or 0) * 60
            pairs = [(s, s + int(rng.random() * window) if window else s) for s in seconds]
            pairs = [(s, invoked) for s, invoked in pairs if invoked < now]
            fires[schedule] = pairs
            for _scheduled, invoked in pairs:
                self.activity.add(ATTEMPTS, schedule.group, invoked)
        self.fires = fires
        self._blips(fires)
        self._orders_burst(fires)
        self._old_dead_letters(fires)
        self._dlq_delivery_failures(fires)
        self.dead_letters.sort(key=lambda letter: letter.at)

    def _blips(self, fires: Mapping[SimSchedule, list[tuple[int, int]]]) -> None:
        """A few target errors, retried successfully, in most groups over the window."""
        by_group: dict[str, list[tuple[SimSchedule, int, int]]] = defaultdict(list)
        for schedule, pairs in fires.items():
            if schedule.max_retries:  # with no retry the invocation would be lost
                by_group[schedule.group].extend((schedule, s, i) for s, i in pairs)
        for group in sorted(by_group):
            candidates = by_group[group]
            if not candidates or self.rng.random() < 0.2:  # "most groups"
                continue
            for _ in range(self.rng.randint(2, 5)):
                schedule, scheduled, invoked = self.rng.choice(candidates)
                failure = _THROTTLED_ONCE if self.rng.random() < 0.3 else _UNAVAILABLE
                self.fail(schedule, failure, scheduled, invoked, succeed_on_retry=True)

    def _orders_burst(self, fires: Mapping[SimSchedule, list[tuple[int, int]]]) -> None:
        since = self.now - BURST_MINUTES * 60
        for schedule, pairs in fires.items():
            if schedule.group != FAILING_GROUP:
                continue
            failure = _orders_incident(schedule)
            if failure is None:
                continue
            for scheduled, invoked in pairs:
                if invoked >= since and self.rng.random() < failure.chance:
                    self.fail(schedule, failure, scheduled, invoked)

    def _old_dead_letters(self, fires: Mapping[SimSchedule, list[tuple[int, int]]]) -> None:
        """Two days ago the promo banner's target queue was gone for half a day (its input has
        Rich markup and escapes); yesterday a billing Lambda was throttled to the end."""
        day = 86_400
        for schedule, pairs in fires.items():
            if schedule.group == "notifications" and "\x1b" in (schedule.input or ""):
                for scheduled, invoked in pairs:
                    if self.now - 2 * day - day // 4 <= invoked < self.now - 2 * day + day // 4:
                        self.fail(schedule, _NO_QUEUE, scheduled, invoked)
        billing = _between(
            fires,
            self.now - 30 * 3600,
            self.now - 20 * 3600,
            lambda s: s.group == "billing" and s.service == "lambda" and s.max_retries <= 10,
        )
        billing = [fire for fire in billing if self._usable_dlq(fire[0])]
        for schedule, scheduled, invoked in self.rng.sample(billing, min(2, len(billing))):
            self.fail(schedule, _ALWAYS_THROTTLED, scheduled, invoked)

    def _dlq_delivery_failures(self, fires: Mapping[SimSchedule, list[tuple[int, int]]]) -> None:
        """Four to six hours ago: data-pipeline targets denied, and the DLQ denied too."""
        window = _between(
            fires,
            self.now - 6 * 3600,
            self.now - 4 * 3600,
            lambda s: s.group == DLQ_FAILURE_GROUP and s.dlq_arn is not None,
        )
        for schedule, scheduled, invoked in self.rng.sample(window, min(6, len(window))):
            self.fail(schedule, _ACCESS_DENIED, scheduled, invoked, dlq_delivery_fails=True)

    def live_rates(self) -> LiveRates:
        low, high = self.now - 3600, self.now
        total = self.activity.total
        groups = sorted({schedule.group for schedule in self.schedules})
        errors = total(TARGET_ERRORS, FAILING_GROUP, low, high)
        throttled = total(TARGET_THROTTLED, FAILING_GROUP, low, high)
        return LiveRates(
            attempts={group: total(ATTEMPTS, group, low, high) / 3600 for group in groups},
            errors=errors / 3600,
            throttled_share=throttled / errors if errors else 0.0,
            sent_to_dlq=total(SENT_TO_DLQ, FAILING_GROUP, low, high) / 3600,
            dropped=total(DROPPED, FAILING_GROUP, low, high) / 3600,
        )


def _between(
    fires: Mapping[SimSchedule, list[tuple[int, int]]],
    low: int,
    high: int,
    keep: Callable[[SimSchedule], bool],
) -> list[tuple[SimSchedule, int, int]]:
    """(schedule, scheduled, invoked) of the kept schedules invoked in [low, high)."""
    return [
        (schedule, scheduled, invoked)
        for schedule, pairs in fires.items()
        if keep(schedule)
        for scheduled, invoked in pairs
        if low <= invoked < high
    ]


def tiered(counts: Counter[int], now: int) -> Iterable[tuple[int, int]]:
    """(bucket start, count): 1-minute buckets for the last 3 h, 5-minute back to 24 h,
    15-minute beyond; tier edges on 15-minute boundaries."""
    fine = (now - _FINE_HOURS * 3600) // 900 * 900
    medium = (now - _MEDIUM_HOURS * 3600) // 900 * 900
    buckets: Counter[int] = Counter()
    for minute, count in counts.items():
        size = 60 if minute >= fine else 300 if minute >= medium else 900
        buckets[minute - minute % size] += count
    return sorted((start, count) for start, count in buckets.items() if count)


def plan_simulation(
    schedules: Sequence[SimSchedule],
    queues: Mapping[str, bool],
    now: datetime,
    hours: int = 24 * 7,
) -> SimulationPlan:
    """The datapoints and DLQ messages of ``hours`` up to ``now`` (pure, deterministic).

    ``queues`` maps each existing queue's ARN to whether it is FIFO.
    """
    if hours < 1:
        raise ValueError(f"hours must be at least 1, not {hours}")
    now_second = int(now.timestamp())
    planner = _Planner(schedules, queues, now_second, random.Random(_RNG_SEED))
    planner.plan(now_second - hours * 3600)
    datapoints = [
        Datapoint(metric, group, start, float(count))
        for (metric, group), counts in sorted(
            planner.activity.with_account().items(),
            key=lambda item: (item[0][1] is not None, item[0][1] or "", item[0][0]),
        )
        for start, count in tiered(counts, now_second)
    ]
    return SimulationPlan(
        datapoints, planner.dead_letters, planner.live_rates(), planner.fires, planner.outcomes
    )


# Reading the demo's state from moto (in this process)


def _epoch(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        return value.timestamp()
    try:
        return float(value)
    except (TypeError, ValueError):
        parsed = datetime.fromisoformat(str(value))
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def read_schedules(region: str) -> list[SimSchedule]:
    """Every schedule of the in-process moto backend, as the simulation needs it."""
    from moto.backends import get_backend

    scheduler = get_backend("scheduler")[DEMO_ACCOUNT][region]
    found = []
    for group in list(scheduler.schedule_groups.values()):
        for schedule in list(group.schedules.values()):
            target: dict[str, Any] = schedule.target
            retry = target.get("RetryPolicy") or {}
            window = schedule.flexible_time_window or {}
            found.append(
                SimSchedule(
                    group=schedule.group_name,
                    name=schedule.name,
                    arn=schedule.arn,
                    expression=schedule.schedule_expression,
                    zone=schedule.schedule_expression_timezone or "UTC",
                    enabled=schedule.state == "ENABLED",
                    created=_epoch(schedule.creation_date) or 0.0,
                    start=_epoch(schedule.start_date),
                    end=_epoch(schedule.end_date),
                    target_arn=target.get("Arn", ""),
                    role_arn=target.get("RoleArn", ""),
                    input=target.get("Input"),
                    dlq_arn=(target.get("DeadLetterConfig") or {}).get("Arn"),
                    max_retries=int(retry.get("MaximumRetryAttempts", 185)),
                    max_age=int(retry.get("MaximumEventAgeInSeconds", 86_400)),
                    window_minutes=(
                        window.get("MaximumWindowInMinutes")
                        if window.get("Mode") == "FLEXIBLE"
                        else None
                    ),
                    ecs=target.get("EcsParameters"),
                )
            )
    return found


def read_queues(region: str) -> dict[str, bool]:
    """Queue ARN -> FIFO, for every queue of the in-process moto backend."""
    from moto.backends import get_backend

    sqs = get_backend("sqs")[DEMO_ACCOUNT][region]
    return {queue.queue_arn: bool(queue.fifo_queue) for queue in list(sqs.queues.values())}


# The simulator


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class DemoSimulator:
    """Fills the demo's CloudWatch and DLQs with a week of history, then keeps it moving.

    ``now`` is the clock (a fixed one for tests and screenshots: the live thread then adds to
    that minute). ``interval`` is the live thread's period in seconds. The moto server must run
    in this process (``EmbeddedDemo``) on a loopback address.
    """

    def __init__(
        self,
        settings: AwsSettings,
        *,
        now: Callable[[], datetime] = _clock,
        interval: float = 5.0,
    ) -> None:
        host = urlsplit(settings.endpoint_url or "").hostname
        if host not in _LOOPBACK:
            raise ValueError(
                f"refusing to simulate on {settings.endpoint_url!r}: only a local demo server"
            )
        if interval <= 0:
            raise ValueError(f"interval must be positive, not {interval}")
        self.settings = settings
        self.region = settings.region or DEMO_REGION
        self.interval = interval
        self._now = now
        self._clients: tuple[CloudWatchClient, SQSClient, SNSClient] | None = None
        self._clients_lock = threading.Lock()
        self._schedules: list[SimSchedule] | None = None
        self._queues: dict[str, bool] = {}
        self._live: LiveRates | None = None
        # The backfill's plan: for the alarm reasons, and what the targets did (targets.py).
        self.backfill_plan: SimulationPlan | None = None
        self._rng = random.Random(_RNG_SEED + 1)
        self._failing_minute: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._urls: dict[str, str] = {}
        self.backfill_result: BackfillResult | None = None
        self.ticks = 0
        self.last_error: BaseException | None = None

    @property
    def topic_arn(self) -> str:
        return f"arn:aws:sns:{self.region}:{DEMO_ACCOUNT}:{TOPIC_NAME}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def clock(self) -> datetime:
        """The simulator's now (aware, UTC)."""
        return self._aware_now()

    def _aware_now(self) -> datetime:
        now = self._now()
        return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)

    def _boto(self) -> tuple[CloudWatchClient, SQSClient, SNSClient]:
        with self._clients_lock:
            if self._clients is None:
                import boto3
                from botocore.config import Config

                # Explicit fake credentials and no proxies, as seed_demo's API path: this
                # traffic never depends on the user's environment and stays on loopback.
                session = boto3.session.Session(
                    aws_access_key_id=FAKE_CREDENTIALS["aws_access_key_id"],
                    aws_secret_access_key=FAKE_CREDENTIALS["aws_secret_access_key"],
                    aws_session_token=FAKE_CREDENTIALS["aws_session_token"],
                    region_name=self.region,
                )
                # One attempt, short timeouts: stop() must never wait on a retry loop.
                config = Config(
                    proxies={},
                    retries={"total_max_attempts": 1},
                    connect_timeout=1,
                    read_timeout=5,
                )
                endpoint = self.settings.endpoint_url
                self._clients = (
                    session.client("cloudwatch", endpoint_url=endpoint, config=config),
                    session.client("sqs", endpoint_url=endpoint, config=config),
                    session.client("sns", endpoint_url=endpoint, config=config),
                )
            return self._clients

    def _load(self) -> list[SimSchedule]:
        if self._schedules is None:
            self._schedules = read_schedules(self.region)
            self._queues = read_queues(self.region)
        return self._schedules

    def plan(self, hours: int = 24 * 7) -> SimulationPlan:
        """What ``backfill(hours)`` would write now (reads moto, writes nothing)."""
        return plan_simulation(self._load(), self._queues, self._aware_now(), hours)

    def backfill(self, hours: int = 24 * 7) -> BackfillResult:
        """Write ``hours`` of metrics up to now and the DLQ messages of that period."""
        from moto.backends import get_backend

        started = time.perf_counter()
        plan = self.backfill_plan = self.plan(hours)
        self._live = plan.live
        planned = time.perf_counter()
        cloudwatch = get_backend("cloudwatch")[DEMO_ACCOUNT][self.region]
        install_exact_metric_reads(cloudwatch)
        data = [
            {
                "MetricName": point.metric,
                "Dimensions": (
                    [] if point.group is None else [{"Name": GROUP_DIMENSION, "Value": point.group}]
                ),
                # moto keeps naive UTC datetimes (what its HTTP layer parses).
                "Timestamp": datetime.fromtimestamp(point.timestamp, UTC).replace(tzinfo=None),
                "Value": point.value,
                "Unit": "Count",
            }
            for point in plan.datapoints
        ]
        for offset in range(0, len(data), _MAX_METRIC_DATA):
            cloudwatch.put_metric_data(NAMESPACE, data[offset : offset + _MAX_METRIC_DATA])
        self._send(plan.dead_letters)
        result = BackfillResult(
            schedules=len(self._load()),
            datapoints=len(data),
            dead_letters=len(plan.dead_letters),
            plan_seconds=planned - started,
            write_seconds=time.perf_counter() - planned,
        )
        self.backfill_result = result
        return result

    def _queue_url(self, queue_arn: str) -> str:
        url = self._urls.get(queue_arn)
        if url is None:
            _, sqs, _ = self._boto()
            name, account = queue_arn.rsplit(":", 1)[1], queue_arn.split(":")[4]
            url = sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
            self._urls[queue_arn] = url
        return url

    def _send(self, letters: Sequence[DeadLetter]) -> None:
        _, sqs, _ = self._boto()
        by_queue: dict[str, list[DeadLetter]] = defaultdict(list)
        for letter in letters:
            by_queue[letter.queue_arn].append(letter)
        for queue_arn, queued in by_queue.items():
            url = self._queue_url(queue_arn)
            for offset in range(0, len(queued), _MAX_SQS_BATCH):
                batch = queued[offset : offset + _MAX_SQS_BATCH]
                response = sqs.send_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {
                            "Id": str(index),
                            "MessageBody": letter.body,
                            "MessageAttributes": {
                                name: {"DataType": "String", "StringValue": value}
                                for name, value in letter.attributes.items()
                            },
                        }
                        for index, letter in enumerate(batch)
                    ],
                )
                if response.get("Failed"):
                    raise RuntimeError(f"SendMessageBatch {queue_arn}: {response['Failed']}")

    def create_alarms(self) -> None:
        """The SNS topic of the module guide's notification_config and two alarms on it:
        TargetErrorCount of ``orders`` (ALARM) and the account's InvocationDroppedCount (OK)."""
        cloudwatch, _, sns = self._boto()
        sns.create_topic(
            Name=TOPIC_NAME,
            Attributes={"DisplayName": "Scheduler notifications"},
            Tags=[
                {"Key": "NotificationEvents", "Value": " ".join(NOTIFICATION_EVENTS)},
                {"Key": "Environment", "Value": "prod"},
            ],
        )
        plan = self.backfill_plan or self.plan(hours=2)  # the figures the alarm reasons quote
        now = int(self._aware_now().timestamp())
        events = " / ".join(NOTIFICATION_EVENTS)
        cloudwatch.put_metric_alarm(
            AlarmName=ORDERS_ALARM,
            AlarmDescription=(
                f"Target errors in schedule group {FAILING_GROUP}; notifies {TOPIC_NAME} "
                f"(module notification_config: {events})"
            ),
            Namespace=NAMESPACE,
            MetricName=TARGET_ERRORS,
            Dimensions=[{"Name": GROUP_DIMENSION, "Value": FAILING_GROUP}],
            Statistic="Sum",
            Period=ORDERS_ALARM_PERIOD,
            EvaluationPeriods=1,
            DatapointsToAlarm=1,
            Threshold=ORDERS_ALARM_THRESHOLD,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="notBreaching",  # Scheduler publishes no zeros
            ActionsEnabled=True,
            AlarmActions=[self.topic_arn],
        )
        start, value = _busiest_period(plan, TARGET_ERRORS, FAILING_GROUP, now, 3)
        cloudwatch.set_alarm_state(
            AlarmName=ORDERS_ALARM,
            StateValue="ALARM",
            StateReason=(
                f"Threshold Crossed: 1 out of the last 1 datapoints [{value:.1f} "
                f"({_reason_time(start)})] was greater than or equal to the threshold "
                f"({ORDERS_ALARM_THRESHOLD:.1f}) (minimum 1 datapoint for OK -> ALARM "
                "transition)."
            ),
            StateReasonData=_reason_data(start, value, ORDERS_ALARM_THRESHOLD, now),
        )
        cloudwatch.put_metric_alarm(
            AlarmName=DROPPED_ALARM,
            AlarmDescription=(
                f"Invocations dropped account-wide (no DLQ, retries exhausted); notifies "
                f"{TOPIC_NAME} on ALARM and on OK"
            ),
            Namespace=NAMESPACE,
            MetricName=DROPPED,
            Statistic="Sum",
            Period=DROPPED_ALARM_PERIOD,
            EvaluationPeriods=1,
            Threshold=DROPPED_ALARM_THRESHOLD,
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="notBreaching",
            ActionsEnabled=True,
            AlarmActions=[self.topic_arn],
            OKActions=[self.topic_arn],
        )
        start, value = _busiest_period(plan, DROPPED, None, now, 1, DROPPED_ALARM_PERIOD)
        cloudwatch.set_alarm_state(
            AlarmName=DROPPED_ALARM,
            StateValue="OK",
            StateReason=(
                f"Threshold Crossed: 1 out of the last 1 datapoints [{value:.1f} "
                f"({_reason_time(start)})] was not greater than the threshold "
                f"({DROPPED_ALARM_THRESHOLD:.1f}) (minimum 1 datapoint for ALARM -> OK "
                "transition)."
            ),
            StateReasonData=_reason_data(start, value, DROPPED_ALARM_THRESHOLD, now),
        )

    # The live thread

    def start(self) -> None:
        """Start the live thread (a daemon); the first step comes after ``interval``."""
        if self._thread is not None:
            raise RuntimeError("the simulator is already running")
        if self._live is None:
            self._live = self.plan(hours=2).live
        self._boto()  # clients are made here, not in the thread
        self._stop.clear()
        thread = threading.Thread(target=self._run, name="schedtui-demo-simulator", daemon=True)
        self._thread = thread
        thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the live thread and wait for it (at most ``timeout`` s); idempotent."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                _log.warning("the demo simulator did not stop within %.1f s", timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.step()
            except Exception as error:  # the server may be going away: never print over the TUI
                self.last_error = error
                _log.debug("demo simulator step failed: %s", error)

    def step(self) -> int:
        """One live step: this interval's datapoints for the current minute, maybe a DLQ
        message for the failing group. Returns the number of datapoints sent."""
        live = self._live
        if live is None:
            live = self._live = self.plan(hours=2).live
        rng, span = self._rng, self.interval
        now = self._aware_now()
        minute = int(now.timestamp()) // 60 * 60
        counts: dict[tuple[str, str], int] = {}
        for group, rate in live.attempts.items():
            counts[(ATTEMPTS, group)] = _poisson(rng, rate * span)
        errors = _poisson(rng, live.errors * span)
        # The failing group fails every minute (if the demo has it).
        if FAILING_GROUP in live.attempts and minute != self._failing_minute:
            errors, self._failing_minute = max(errors, 1), minute
        failing = FAILING_GROUP
        counts[(TARGET_ERRORS, failing)] = errors
        counts[(TARGET_THROTTLED, failing)] = sum(
            rng.random() < live.throttled_share for _ in range(errors)
        )
        counts[(ATTEMPTS, failing)] = max(counts.get((ATTEMPTS, failing), 0), errors)
        counts[(DROPPED, failing)] = _poisson(rng, live.dropped * span)
        letters = [
            letter
            for _ in range(_poisson(rng, live.sent_to_dlq * span))
            if (letter := self._live_dead_letter(now)) is not None
        ]
        counts[(SENT_TO_DLQ, failing)] = len(letters)
        account: Counter[str] = Counter()
        for (metric, _group), count in counts.items():
            account[metric] += count
        timestamp = datetime.fromtimestamp(minute, UTC)
        data: list[MetricDatumTypeDef] = [
            {
                "MetricName": metric,
                "Dimensions": [{"Name": GROUP_DIMENSION, "Value": group}],
                "Timestamp": timestamp,
                "Value": float(count),
                "Unit": "Count",
            }
            for (metric, group), count in sorted(counts.items())
            if count
        ]
        data += [
            {"MetricName": metric, "Timestamp": timestamp, "Value": float(count), "Unit": "Count"}
            for metric, count in sorted(account.items())
            if count
        ]
        cloudwatch, _, _ = self._boto()
        for offset in range(0, len(data), _MAX_METRIC_DATA):
            cloudwatch.put_metric_data(
                Namespace=NAMESPACE, MetricData=data[offset : offset + _MAX_METRIC_DATA]
            )
        if letters:
            self._send(letters)
        self.ticks += 1
        return len(data)

    def _live_dead_letter(self, now: datetime) -> DeadLetter | None:
        """A message for a failing orders schedule's latest fire (None if none fired)."""
        schedules = self._load()
        second = int(now.timestamp())
        candidates = [
            schedule
            for schedule in schedules
            if schedule.group == FAILING_GROUP
            and _orders_incident(schedule) is not None
            and schedule.dlq_arn is not None
            and self._queues.get(schedule.dlq_arn) is False
        ]
        if not candidates:
            return None
        schedule = self._rng.choice(candidates)
        try:
            fired = fire_seconds(schedule, second - 86_400, second + 1)
        except ValueError:
            return None
        if not fired:
            return None
        failure = _orders_incident(schedule)
        assert failure is not None
        retries = min(schedule.max_retries, 3) if failure.retryable else 0
        return _dead_letter(
            schedule, failure, fired[-1], second, retries, "MaximumRetryAttempts", self._rng
        )


def _busiest_period(
    plan: SimulationPlan, metric: str, group: str | None, now: int, periods: int, size: int = 300
) -> tuple[int, float]:
    """The (start, sum) of the largest of the last ``periods`` complete periods."""
    end = now - now % size
    sums = {end - size * (index + 1): 0.0 for index in range(periods)}
    for point in plan.datapoints:
        if point.metric == metric and point.group == group:
            start = point.timestamp - point.timestamp % size
            if start in sums:
                sums[start] += point.value
    return max(sums.items(), key=lambda item: (item[1], item[0]))


def _reason_time(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%d/%m/%y %H:%M:%S")


def _reason_data(start: int, value: float, threshold: float, now: int) -> str:
    return json.dumps(
        {
            "version": "1.0",
            "queryDate": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "startDate": datetime.fromtimestamp(start, UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "statistic": "Sum",
            "recentDatapoints": [value],
            "threshold": threshold,
            "evaluatedDatapoints": [
                {"timestamp": _iso(start).replace("Z", ".000+0000"), "value": value}
            ],
        },
        separators=(",", ":"),
    )
