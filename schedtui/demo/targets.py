"""What the demo's targets did when their schedules fired: Lambda, Step Functions and ECS.

The simulator (simulator.py) decides when each schedule fired and which invocations Scheduler
could not deliver; this module turns the deliveries into the targets' own records, so the runs
of a schedule agree with its fire times and with the AWS/Scheduler metrics:

- Lambda: every function a schedule names exists (``GetFunctionConfiguration`` answers), with
  AWS/Lambda metrics for the week (Invocations, Errors, Throttles per minute, in the
  simulator's tiers; Duration one value per invocation, so that p50/p99 are exact, see
  moto_metrics.py) and the log group ``/aws/lambda/NAME`` holding the newest
  ``_LOG_INVOCATIONS`` invocations: START / END / REPORT lines in Lambda's format, the runtime's
  ERROR lines for failed ones (Python ``[ERROR] KeyError: ...`` with its traceback, Node
  ``ERROR\\tInvoke Error \\t{json}``) and ``Task timed out after N seconds``. Scheduler invokes
  asynchronously, so a function error is retried by Lambda twice (same request id, about 1 and
  3 minutes later); a throttled attempt (the ``orders`` burst) runs nothing, writes no log and
  counts in Throttles. The story's function (story.py) fails on every invocation since the
  update, and never before.
- Step Functions: each state machine a schedule names, with one execution per delivery over
  the week (the newest ``_EXECUTIONS`` per machine; names are UUIDs, as Step Functions
  generates them when the caller gives none), its input the schedule's input as Scheduler
  sends it; most SUCCEEDED, some FAILED with an error and a cause, and one RUNNING for hours,
  much longer than its schedule's period.
- ECS: the clusters and task definitions (at the revision the schedules name) of ECS targets,
  and the tasks of the last hour (ECS keeps stopped tasks about that long): STOPPED with
  "Essential container in task exited" and the container's exit code (some non-zero), or
  RUNNING; ``group`` is EcsParameters.Group or ``family:NAME`` as RunTask defaults it;
  ``startedBy`` is left unset (nothing documents what Scheduler puts there).

Deterministic for a given ``now`` (a fixed RNG seed). Written straight into moto's in-process
backends, like the simulator's backfill: moto's HTTP path would refuse week-old log events
and cannot set an execution's or task's dates.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from schedtui.demo.moto_metrics import install_exact_metric_reads
from schedtui.demo.seed import DEMO_ACCOUNT
from schedtui.demo.simulator import SimSchedule, SimulationPlan, target_input, tiered
from schedtui.demo.story import (
    STORY_FUNCTION,
    STORY_GROUP,
    STORY_MISSING_KEY,
    STORY_SCHEDULE,
    story_updated_at,
)

_RNG_SEED: Final = 20_240_613
_LOG_INVOCATIONS: Final = 150  # per function: the log group stays small, the demo fast
_EXECUTIONS: Final = 200  # per state machine
_ECS_KEEPS: Final = 3600  # seconds ECS keeps a stopped task listed
_STREAM_HOURS: Final = 4  # a new execution environment (log stream) this often
_ASYNC_RETRIES: Final = ((60, 70), (180, 200))  # Lambda's two retries of an async error
LAMBDA_NAMESPACE: Final = "AWS/Lambda"
ECS_TARGET_PREFIX: Final = "AmazonEC2ContainerServiceV20141113."  # ECS's X-Amz-Target
LAMBDA_ROLE: Final = "lambda-scheduled-jobs"  # the functions' own role (resources.py)


@dataclass(frozen=True, slots=True)
class _Function:
    runtime: str
    memory: int  # MB
    timeout: int  # seconds
    median_ms: float
    error_chance: float = 0.0
    timeout_chance: float = 0.0
    error_type: str = "Error"
    error_message: str = ""


# The functions that fail now and then; the rest succeed (see function_profile).
_PROFILES: Final[dict[str, _Function]] = {
    STORY_FUNCTION: _Function("python3.12", 256, 30, 420.0),
    "order-sla-monitor": _Function(
        "nodejs20.x", 512, 60, 850.0, 0.02, 0.0, "TypeError",
        "Cannot read properties of undefined (reading 'shippedAt')",
    ),
    "data-quality-runner": _Function("python3.12", 1024, 300, 95_000.0, 0.0, 0.08),
    "digest-sender": _Function(
        "nodejs20.x", 256, 120, 14_000.0, 0.03, 0.0, "Throttling",
        "Maximum sending rate exceeded.",
    ),
    "synthetics-checkout": _Function(
        "nodejs20.x", 1024, 60, 6_500.0, 0.01, 0.0, "CheckoutAssertionError",
        "expected order confirmation within 5000 ms, got HTTP 504 from /api/checkout",
    ),
}  # fmt: skip


def function_profile(function: str) -> _Function:
    if function in _PROFILES:
        return _PROFILES[function]
    digest = int(hashlib.sha256(function.encode()).hexdigest()[:8], 16)
    runtime = "python3.12" if digest % 2 else "nodejs20.x"
    memory = (128, 256, 512, 1024)[digest % 4]
    return _Function(runtime, memory, 60, 80.0 + digest % 1900)


@dataclass(frozen=True, slots=True)
class _Machine:
    median_seconds: float
    failure_chance: float
    error: str
    cause: str


_MACHINES: Final[dict[str, _Machine]] = {
    "raw-zone-ingest": _Machine(
        240.0, 0.05, "States.TaskFailed",
        json.dumps({"errorMessage": "An error occurred (SlowDown) when calling the CopyObject "
                    "operation (reached max retries: 4): Please reduce your request rate.",
                    "errorType": "ClientError", "requestId": "6f1c2a9e-3b7d-4e58-9a0c-1d2e3f405162",
                    "stackTrace": ['  File "/var/task/ingest.py", line 88, in copy_partition']}),
    ),
    "synthetic-orders": _Machine(
        22.0, 0.04, "States.TaskFailed",
        json.dumps({"errorMessage": "Order TEST-SKU-001 not cancellable: status SHIPPED",
                    "errorType": "OrderStateError"}),
    ),
    "daily-sales-report": _Machine(
        380.0, 0.1, "States.Timeout", "State 'BuildReport' timed out after 600 seconds",
    ),
    "embeddings-refresh": _Machine(
        2_400.0, 0.1, "States.TaskFailed",
        json.dumps({"errorMessage": "CUDA out of memory. Tried to allocate 2.00 GiB",
                    "errorType": "RuntimeError"}),
    ),
}  # fmt: skip
_DEFAULT_MACHINE: Final = _Machine(120.0, 0.03, "States.TaskFailed", '{"errorMessage":"failed"}')


# The plan


@dataclass(frozen=True, slots=True)
class Invocation:
    """One Lambda invocation that ran (a throttled attempt runs nothing)."""

    function: str
    at: float  # epoch seconds
    request_id: str
    duration_ms: float
    memory: int
    used_mb: int
    runtime: str
    error: str | None = None  # the runtime's error text; None: it succeeded
    timed_out: bool = False
    timeout: int = 0
    schedule: str = ""  # group/name

    @property
    def failed(self) -> bool:
        return self.error is not None or self.timed_out


@dataclass(frozen=True, slots=True)
class Execution:
    machine: str  # the state machine's ARN
    name: str
    input: str
    start: float
    stop: float | None  # None: RUNNING
    status: str
    error: str | None = None
    cause: str | None = None
    schedule: str = ""


@dataclass(frozen=True, slots=True)
class EcsTask:
    cluster: str  # name
    task_definition: str  # ARN
    group: str
    launch_type: str | None
    started: float
    stopped: float | None  # None: RUNNING
    exit_code: int | None
    container_reason: str | None = None
    schedule: str = ""


@dataclass
class TargetsPlan:
    functions: dict[str, _Function] = field(default_factory=dict)  # name -> profile
    invocations: list[Invocation] = field(default_factory=list)
    throttles: list[tuple[str, int]] = field(default_factory=list)  # (function, second)
    executions: list[Execution] = field(default_factory=list)
    machines: dict[str, str] = field(default_factory=dict)  # ARN -> role ARN
    tasks: list[EcsTask] = field(default_factory=list)
    clusters: dict[str, set[str]] = field(default_factory=dict)  # name -> task definition ARNs


def _deliveries(plan: SimulationPlan, schedule: SimSchedule) -> Iterable[tuple[int, int]]:
    """(scheduled, delivered) of each fire the target received (a throttled or refused
    attempt is not a delivery; a retry that got through is)."""
    for scheduled, invoked in plan.fires.get(schedule, ()):
        outcome = plan.outcomes.get((schedule.arn, scheduled))
        if outcome is None:
            yield scheduled, invoked
        elif outcome.succeeded is not None:
            yield scheduled, outcome.succeeded


def _uuid(rng: random.Random) -> str:
    """A version-4 UUID from ``rng`` (uuid.UUID is 5x slower, and this runs 13k times)."""
    text = f"{rng.getrandbits(128):032x}"
    variant = "89ab"[int(text[16], 16) & 3]
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-{variant}{text[17:20]}-{text[20:]}"


def plan_targets(plan: SimulationPlan, now: datetime) -> TargetsPlan:
    """What the Lambda, Step Functions and ECS targets did over the plan's fires (pure)."""
    rng = random.Random(_RNG_SEED)
    now_second = now.timestamp()
    updated = story_updated_at(now).timestamp()
    result = TargetsPlan()
    for schedule in sorted(plan.fires, key=lambda s: (s.group, s.name)):
        label = f"{schedule.group}/{schedule.name}"
        if schedule.service == "lambda":
            _plan_lambda(plan, schedule, label, rng, now_second, updated, result)
        elif schedule.service == "states":
            result.machines[schedule.target_arn] = schedule.role_arn
            for scheduled, delivered in _deliveries(plan, schedule):
                result.executions.append(
                    _execution(schedule, label, scheduled, delivered, rng, now_second)
                )
        elif schedule.service == "ecs":
            _plan_ecs(plan, schedule, label, rng, now_second, result)
    result.invocations.sort(key=lambda invocation: invocation.at)
    result.executions = _bounded_executions(result.executions)
    _one_long_running(plan, result, now_second)
    return result


def _plan_lambda(
    plan: SimulationPlan,
    schedule: SimSchedule,
    label: str,
    rng: random.Random,
    now: float,
    updated: float,
    result: TargetsPlan,
) -> None:
    function = schedule.resource
    profile = result.functions.setdefault(function, function_profile(function))
    story = (schedule.group, schedule.name) == (STORY_GROUP, STORY_SCHEDULE)
    for scheduled, _invoked in plan.fires.get(schedule, ()):
        outcome = plan.outcomes.get((schedule.arn, scheduled))
        if outcome is not None and outcome.failure.throttled:
            result.throttles += [(function, second) for second in outcome.failed]
    for _scheduled, delivered in _deliveries(plan, schedule):
        at = delivered + rng.random() * 0.9  # Lambda starts within the second
        request_id = _uuid(rng)
        roll = rng.random()
        error: str | None = None
        timed_out = False
        duration = profile.median_ms * math.exp(rng.gauss(0.0, 0.35))
        if story and delivered >= updated:
            error = _python_error("KeyError", repr(STORY_MISSING_KEY), "handler.py", 21)
            duration = 30.0 + rng.random() * 25.0  # it fails at the first line that reads it
        elif roll < profile.timeout_chance:
            timed_out, duration = True, profile.timeout * 1000.0
        elif roll < profile.timeout_chance + profile.error_chance:
            error = (
                _node_error(profile)
                if profile.runtime.startswith("node")
                else (_python_error(profile.error_type, profile.error_message, "app.py", 57))
            )
            duration *= 0.4
        attempts = [at] + (
            [at + low + rng.random() * (high - low) for low, high in _ASYNC_RETRIES]
            if error is not None or timed_out
            else []
        )
        for attempt_at in attempts:
            if attempt_at >= now:
                break
            result.invocations.append(
                Invocation(
                    function, attempt_at, request_id, round(duration, 2), profile.memory,
                    int(profile.memory * (0.25 + rng.random() * 0.4)), profile.runtime,
                    error, timed_out, profile.timeout, label,
                )
            )  # fmt: skip


def _python_error(error_type: str, message: str, module: str, line: int) -> str:
    # What the Python runtime logs for an unhandled exception: one event, several lines.
    statement = f"entity = event[{message}]" if error_type == "KeyError" else "run_checks(event)"
    return (
        f"[ERROR] {error_type}: {message}\nTraceback (most recent call last):\n"
        f'  File "/var/task/{module}", line {line}, in handler\n    {statement}\n'
    )


def _node_error(profile: _Function) -> str:
    body = {
        "errorType": profile.error_type,
        "errorMessage": profile.error_message,
        "stack": [
            f"{profile.error_type}: {profile.error_message}",
            "    at run (/var/task/index.js:42:31)",
            "    at Runtime.handler (/var/task/index.js:18:22)",
        ],
    }
    return "Invoke Error \t" + json.dumps(body, separators=(",", ":"))


def _execution(
    schedule: SimSchedule,
    label: str,
    scheduled: int,
    delivered: int,
    rng: random.Random,
    now: float,
) -> Execution:
    machine = _MACHINES.get(schedule.resource, _DEFAULT_MACHINE)
    name = _uuid(rng)
    start = delivered + rng.random()
    duration = machine.median_seconds * math.exp(rng.gauss(0.0, 0.3))
    text = target_input(schedule, scheduled, name, 1)
    if start + duration >= now:
        return Execution(schedule.target_arn, name, text, start, None, "RUNNING", schedule=label)
    if rng.random() < machine.failure_chance:
        return Execution(
            schedule.target_arn, name, text, start, start + duration * 0.6, "FAILED",
            machine.error, machine.cause, label,
        )  # fmt: skip
    return Execution(
        schedule.target_arn, name, text, start, start + duration, "SUCCEEDED", schedule=label
    )


def _bounded_executions(executions: list[Execution]) -> list[Execution]:
    by_machine: dict[str, list[Execution]] = defaultdict(list)
    for execution in sorted(executions, key=lambda e: e.start, reverse=True):
        if len(by_machine[execution.machine]) < _EXECUTIONS:
            by_machine[execution.machine].append(execution)
    return sorted((e for kept in by_machine.values() for e in kept), key=lambda e: e.start)


def _period(fires: list[tuple[int, int]]) -> int | None:
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(fires)]
    return min(gaps) if gaps else None


def _one_long_running(plan: SimulationPlan, result: TargetsPlan, now: float) -> None:
    """The execution of the most frequent state-machine schedule that started about four
    periods (at least three hours) ago never finished: it is still RUNNING."""
    candidates = []
    for schedule, fires in plan.fires.items():
        period = _period(fires)
        if schedule.service == "states" and period is not None and period <= 3600:
            candidates.append((period, schedule.group, schedule.name, schedule))
    if not candidates:
        return
    period, _, _, schedule = min(candidates)
    label = f"{schedule.group}/{schedule.name}"
    wanted = now - max(4 * period, 3 * 3600)
    mine = [
        (abs(e.start - wanted), index)
        for index, e in enumerate(result.executions)
        if e.schedule == label and e.status != "RUNNING"
    ]
    if mine:
        index = min(mine)[1]
        execution = result.executions[index]
        result.executions[index] = Execution(
            execution.machine, execution.name, execution.input, execution.start, None,
            "RUNNING", schedule=label,
        )  # fmt: skip


def _plan_ecs(
    plan: SimulationPlan,
    schedule: SimSchedule,
    label: str,
    rng: random.Random,
    now: float,
    result: TargetsPlan,
) -> None:
    ecs = schedule.ecs or {}
    definition = ecs.get("TaskDefinitionArn", "")
    cluster = schedule.resource
    result.clusters.setdefault(cluster, set()).add(definition)
    family = definition.rsplit("/", 1)[-1].split(":")[0]
    group = ecs.get("Group") or f"family:{family}"
    launch = ecs.get("LaunchType")
    recent = [d for _s, d in _deliveries(plan, schedule) if d >= now - _ECS_KEEPS - 900]
    for index, delivered in enumerate(recent):
        started = delivered + 20 + rng.random() * 40  # provisioning and image pull
        stopped = started + 240 + rng.random() * 300
        exit_code, reason = [(0, None), (1, None), (137, "OutOfMemoryError: Container killed "
                             "due to memory usage")][index % 3 if index % 4 else 0]  # fmt: skip
        if stopped + 30 < now - _ECS_KEEPS:
            continue  # gone from ECS already
        if stopped >= now:
            result.tasks.append(
                EcsTask(cluster, definition, group, launch, started, None, None, schedule=label)
            )
            continue
        result.tasks.append(
            EcsTask(cluster, definition, group, launch, started, stopped, exit_code, reason, label)
        )


# Writing it into moto


@dataclass(frozen=True, slots=True)
class TargetsResult:
    functions: int
    invocations: int
    log_events: int
    executions: int
    tasks: int
    seconds: float


_EPOCH: Final = datetime(1970, 1, 1)  # naive: moto keeps naive UTC datetimes


def _naive(second: float) -> datetime:
    return _EPOCH + timedelta(seconds=second)


def write_targets(targets: TargetsPlan, region: str, now: datetime) -> TargetsResult:
    """Write the Lambda and Step Functions part of ``targets`` into the in-process moto
    backends of ``region`` (the ECS part: ``write_ecs``)."""
    started = time.perf_counter()
    log_events = _write_lambda(targets, region, now)
    _write_step_functions(targets, region)
    return TargetsResult(
        functions=len(targets.functions),
        invocations=len(targets.invocations),
        log_events=log_events,
        executions=len(targets.executions),
        tasks=len(targets.tasks),
        seconds=time.perf_counter() - started,
    )


def _write_lambda(targets: TargetsPlan, region: str, now: datetime) -> int:
    """The functions' log groups, logs and metrics (the functions themselves, as every
    other resource a schedule names, are resources.py's)."""
    from moto.backends import get_backend

    logs = get_backend("logs")[DEMO_ACCOUNT][region]
    for name in sorted(targets.functions):
        logs.create_log_group(f"/aws/lambda/{name}", {})
    by_function: dict[str, list[Invocation]] = defaultdict(list)
    for invocation in targets.invocations:
        by_function[invocation.function].append(invocation)
    written = 0
    for name, invocations in by_function.items():
        written += _write_logs(logs.groups[f"/aws/lambda/{name}"], invocations[-_LOG_INVOCATIONS:])
    _write_lambda_metrics(targets, region, now)
    return written


def _write_logs(group: Any, invocations: list[Invocation]) -> int:
    """The invocations' lines, one log stream per execution environment (every few hours)."""
    streams: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for invocation in invocations:
        environment = int(invocation.at // (_STREAM_HOURS * 3600))
        events = streams[environment]
        start = int(invocation.at * 1000)
        end = start + max(int(invocation.duration_ms), 1)
        rid = invocation.request_id
        events.append({"timestamp": start, "message": f"START RequestId: {rid} Version: $LATEST\n"})
        stamp = datetime.fromtimestamp(end / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        if invocation.timed_out:
            message = f"{stamp} {rid} Task timed out after {invocation.timeout:.2f} seconds\n"
            events.append({"timestamp": end, "message": message})
        elif invocation.error is not None:
            message = (
                invocation.error
                if invocation.runtime.startswith("python")
                else f"{stamp}\t{rid}\tERROR\t{invocation.error}\n"
            )
            events.append({"timestamp": end - 1, "message": message})
        events.append({"timestamp": end, "message": f"END RequestId: {rid}\n"})
        cold = "" if len(events) > 4 else f"Init Duration: {180 + invocation.used_mb:.2f} ms\t"
        status = "Status: timeout\t" if invocation.timed_out else ""
        events.append(
            {
                "timestamp": end,
                "message": (
                    f"REPORT RequestId: {rid}\tDuration: {invocation.duration_ms:.2f} ms\t"
                    f"Billed Duration: {math.ceil(invocation.duration_ms)} ms\t"
                    f"Memory Size: {invocation.memory} MB\t"
                    f"Max Memory Used: {invocation.used_mb} MB\t{cold}{status}\n"
                ),
            }
        )
    written = 0
    for environment, events in sorted(streams.items()):
        day = datetime.fromtimestamp(environment * _STREAM_HOURS * 3600, UTC)
        token = hashlib.md5(f"{group.name}{environment}".encode(), usedforsecurity=False)
        stream = f"{day:%Y/%m/%d}/[$LATEST]{token.hexdigest()}"
        group.create_log_stream(stream)
        group.put_log_events(stream, events)  # the group's own: no 14-day age check
        written += len(events)
    return written


def _write_lambda_metrics(targets: TargetsPlan, region: str, now: datetime) -> int:
    """AWS/Lambda per function: Invocations, Errors (zeros too, as Lambda publishes them
    beside Invocations) and Throttles per minute in the simulator's tiers, and Duration one
    value per invocation (percentiles rank them, moto_metrics.py). Written as moto's own
    datum objects: put_metric_data's validation of 20k datapoints took half a second."""
    from moto.backends import get_backend
    from moto.cloudwatch.models import MetricDatum

    cloudwatch = get_backend("cloudwatch")[DEMO_ACCOUNT][region]
    install_exact_metric_reads(cloudwatch)
    counts: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    data = []
    for invocation in targets.invocations:
        second = int(invocation.at)
        minute = second - second % 60
        counts[("Invocations", invocation.function)][minute] += 1
        counts[("Errors", invocation.function)][minute] += int(invocation.failed)
        dimensions = [{"Name": "FunctionName", "Value": invocation.function}]
        data.append(
            MetricDatum(LAMBDA_NAMESPACE, "Duration", invocation.duration_ms, dimensions,
                        _naive(second), "Milliseconds")
        )  # fmt: skip
    for function, second in targets.throttles:
        counts[("Throttles", function)][second - second % 60] += 1
    now_second = int(now.timestamp())
    for (metric, function), per_minute in sorted(counts.items()):
        dimensions = [{"Name": "FunctionName", "Value": function}]
        for start, count in _with_zeros(per_minute, now_second, metric == "Errors"):
            data.append(
                MetricDatum(LAMBDA_NAMESPACE, metric, float(count), dimensions, _naive(start),
                            "Count")
            )  # fmt: skip
    cloudwatch.metric_data.extend(data)
    return len(data)


def _with_zeros(per_minute: Counter[int], now: int, zeros: bool) -> Iterable[tuple[int, int]]:
    if not zeros:
        return tiered(per_minute, now)
    # tiered() drops zero buckets; Errors keeps them wherever there were invocations.
    marked = Counter({minute: count + 1 for minute, count in per_minute.items()})
    shares = Counter(dict.fromkeys(per_minute, 1))
    ones = dict(tiered(shares, now))
    return ((start, total - ones[start]) for start, total in tiered(marked, now))


def _write_step_functions(targets: TargetsPlan, region: str) -> None:
    from moto.backends import get_backend
    from moto.stepfunctions.models import Execution as MotoExecution

    backend = get_backend("stepfunctions")[DEMO_ACCOUNT][region]
    machines = write_state_machines(backend, targets.machines)
    for execution in targets.executions:
        machine = machines[execution.machine]
        moto_execution = MotoExecution(
            region, DEMO_ACCOUNT, machine.name, execution.name, machine.arn, execution.input
        )
        moto_execution.start_date = _naive(execution.start)
        moto_execution.stop_date = None if execution.stop is None else _naive(execution.stop)
        moto_execution.status = execution.status
        moto_execution.error = execution.error
        moto_execution.cause = execution.cause
        if execution.status == "SUCCEEDED":
            moto_execution.output = '{"status":"ok"}'
        machine.executions.append(moto_execution)


def write_state_machines(backend: Any, machines: Mapping[str, str]) -> dict[str, Any]:
    """The state machines (ARN -> the scheduler role that starts them) in moto's Step
    Functions ``backend``, kept when already there (resources.py writes every one the
    schedules name); returns every machine by ARN."""
    from moto.stepfunctions.models import StateMachine

    found: dict[str, Any] = {machine.arn: machine for machine in backend.state_machines}
    for arn, role in sorted(machines.items()):
        if arn in found:
            continue
        name = arn.rsplit(":", 1)[-1]
        definition = json.dumps(
            {
                "Comment": f"{name} (schedtui demo)",
                "StartAt": "Run",
                "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                   "End": True}},
            }
        )  # fmt: skip
        machine = StateMachine(arn, name, definition, role.replace("scheduler-", "sfn-"), backend)
        backend.state_machines.append(machine)
        found[arn] = machine
    return found


def write_task_definitions(
    backend: Any,
    clusters: Mapping[str, Iterable[str]],
    region: str,
    execution_role: str | None = None,
) -> dict[str, Any]:
    """The clusters and task definitions (cluster -> task definition ARNs, at the revisions
    the schedules name) in moto's ECS ``backend``, kept when already there; returns every
    task definition by ARN."""
    from moto.ecs.models import TaskDefinition

    found: dict[str, Any] = {}
    for cluster, arns in sorted(clusters.items()):
        if cluster not in backend.clusters:
            backend.create_cluster(cluster)
        for arn in sorted(arns):
            family, revision = arn.rsplit("/", 1)[-1].split(":")
            existing = backend.task_definitions.get(family, {}).get(int(revision))
            if existing is None:
                existing = TaskDefinition(
                    family,
                    int(revision),
                    [{"name": family, "image": f"{DEMO_ACCOUNT}.dkr.ecr.{region}.amazonaws.com/"
                      f"{family}:latest", "essential": True, "memory": 2048}],
                    DEMO_ACCOUNT,
                    region,
                    network_mode="awsvpc",
                    requires_compatibilities=["FARGATE"],
                    cpu="1024",
                    memory="2048",
                    execution_role_arn=execution_role,
                )  # fmt: skip
                backend.task_definitions.setdefault(family, {})[int(revision)] = existing
            found[arn] = existing
    return found


def write_ecs(targets: TargetsPlan, region: str) -> None:
    """Write the ECS part of ``targets`` (importing moto's ECS loads EC2's: ~1 s; the demo
    does it on the first ECS request, see trail.TrailMiddleware.on_first). Clusters and task
    definitions already written (resources.py) are kept."""
    from moto.backends import get_backend
    from moto.ecs.models import Task

    backend = get_backend("ecs")[DEMO_ACCOUNT][region]
    definitions = write_task_definitions(backend, targets.clusters, region)
    for planned in targets.tasks:
        definition = definitions[planned.task_definition]
        cluster = backend.clusters[planned.cluster]
        # awsvpc would have moto create a network interface in a subnet that does not exist:
        # build the task as a bridge-mode one, then say what it was.
        definition.network_mode = "bridge"
        try:
            task = Task(cluster, definition, None, None, backend, planned.group,
                        launch_type=planned.launch_type or "")  # fmt: skip
        finally:
            definition.network_mode = "awsvpc"
        stopped = planned.stopped is not None
        task.last_status = "STOPPED" if stopped else "RUNNING"
        task.desired_status = "STOPPED" if stopped else "RUNNING"
        task.created_at = _naive(planned.started - 25)
        task.started_at = _naive(planned.started)
        container = task.containers[0]
        container.last_status = task.last_status
        if stopped:
            assert planned.stopped is not None
            task.stopping_at = _naive(planned.stopped)
            task.execution_stopped_at = _naive(planned.stopped)
            task.stopped_at = _naive(planned.stopped + 30)
            task.stopped_reason = "Essential container in task exited"
            task.stop_code = "EssentialContainerExited"
            container.exitCode = planned.exit_code
            if planned.container_reason:
                container.reason = planned.container_reason
        backend.tasks.setdefault(cluster.name, {})[task.task_arn] = task
