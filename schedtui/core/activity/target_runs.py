"""The rules behind a runs report that need no AWS: percentiles, a schedule's period and the
long-running flag, which Step Functions executions a schedule started, and what an ECS task
or an execution says as a ``Run``.

``aws/runs_repo.py`` fetches; everything it fetched is read here, never raising on odd data
(a missing date, a wrong type: the run is kept with what is known, or skipped).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from schedtui.core.activity.runs import DurationPoint, FailureLine, Run
from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.parse import AtExpression, RateExpression, parse_expression
from schedtui.core.expressions.runs import instants
from schedtui.core.expressions.zones import load_zone, utc
from schedtui.core.schedules.schedule import Schedule

# Step Functions' words for an execution that did not succeed.
FAILED_STATUSES: Final = frozenset({"FAILED", "TIMED_OUT", "ABORTED"})
# The placeholders Scheduler substitutes in a target's Input at each invocation.
_PLACEHOLDER = re.compile(
    r"<aws\.scheduler\.(?:schedule-arn|scheduled-time|execution-id|attempt-number)>"
)
_SCHEDULE_ARN = "<aws.scheduler.schedule-arn>"


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) with linear interpolation between ranks; None for no
    values. Values that are not finite are left out."""
    ordered = sorted(value for value in values if math.isfinite(value))
    if not ordered:
        return None
    rank = (len(ordered) - 1) * min(max(q, 0.0), 100.0) / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def period_after(schedule: Schedule, started: datetime) -> float | None:
    """How long a run that started at ``started`` has before the schedule fires again
    (seconds): rate()'s interval; for cron(), the time to the next fire time after the start
    (a run of an irregular cron is measured against its own gap); None for at() or an
    expression that cannot be read."""
    try:
        parsed = parse_expression(schedule.schedule_expression)
        if isinstance(parsed, AtExpression):
            return None
        if isinstance(parsed, RateExpression):
            return float(parsed.seconds)
        zone = load_zone(schedule.schedule_expression_timezone)
        following = next(instants(parsed, zone, utc(started)), None)
    except (ExpressionError, ZoneError, ValueError, OverflowError):
        return None
    return None if following is None else (following - utc(started)).total_seconds()


def long_running(schedule: Schedule, started: datetime | None, duration: float | None) -> bool:
    """Longer than the schedule's period: the next invocation came while it still ran."""
    if started is None or duration is None:
        return False
    period = period_after(schedule, started)
    return period is not None and duration > period


@dataclass(frozen=True)
class InputMatch:
    """How a schedule's executions are told apart from the state machine's others: by their
    input, which is the schedule's Input with the placeholders substituted. ``pieces``: the
    literal parts between placeholders (one piece: the input exactly); None: nothing to tell
    them by, every execution counts."""

    pieces: tuple[str, ...] | None
    note: str

    def matches(self, execution_input: str | None) -> bool:
        if self.pieces is None:
            return True
        return execution_input is not None and _glob(self.pieces, execution_input.strip())


MAX_PLACEHOLDERS: Final = 16  # more is a template nothing sane writes: not matched


def input_match(schedule: Schedule) -> InputMatch:
    """How to pick this schedule's executions out of ListExecutions (see ``InputMatch``)."""
    text = schedule.target.input
    if not text or not text.strip():
        return InputMatch(
            None,
            "all executions of the state machine: the schedule sends no Input, so nothing "
            "ties an execution to it",
        )
    if schedule.arn:
        text = text.replace(_SCHEDULE_ARN, schedule.arn)
    pieces = tuple(_PLACEHOLDER.split(text.strip()))
    if len(pieces) - 1 > MAX_PLACEHOLDERS:
        return InputMatch(
            None, "all executions of the state machine: its Input has too many placeholders"
        )
    names = schedule.arn is not None and _SCHEDULE_ARN in (schedule.target.input or "")
    return InputMatch(
        pieces,
        "executions whose input names this schedule's ARN"
        if names
        else "executions whose input is this schedule's Input (another starter sending the "
        "same input would be counted too)",
    )


def _glob(pieces: Sequence[str], text: str) -> bool:
    """``text`` is ``pieces`` joined by anything: first at the start, last at the end, the
    others in order between (leftmost match is enough; linear, no backtracking)."""
    if len(pieces) == 1:
        return text == pieces[0]
    first, *middle, last = pieces
    if not text.startswith(first) or not text.endswith(last) or len(text) < len(first) + len(last):
        return False
    cursor, end = len(first), len(text) - len(last)
    for piece in middle:
        found = text.find(piece, cursor, end)
        if found < 0:
            return False
        cursor = found + len(piece)
    return True


def _instant(value: object) -> datetime | None:
    return utc(value) if isinstance(value, datetime) else None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _duration(started: datetime | None, stopped: datetime | None, now: datetime) -> float | None:
    if started is None:
        return None
    return max((utc(stopped or now) - started).total_seconds(), 0.0)


def execution_run(
    schedule: Schedule,
    execution: Mapping[str, Any],
    now: datetime,
    described: Mapping[str, Any] | None = None,
) -> Run:
    """A ListExecutions entry (with its DescribeExecution answer when there is one: error and
    cause of a failed run) as a Run."""
    started = _instant(execution.get("startDate"))
    stopped = _instant(execution.get("stopDate"))
    if stopped is None and described is not None:  # a listing may leave it out (moto does)
        stopped = _instant(described.get("stopDate"))
    status = _text(execution.get("status")) or "UNKNOWN"
    duration = _duration(started, stopped, now)
    detail = None
    if described is not None and status in FAILED_STATUSES:
        parts = [_text(described.get("error")), _text(described.get("cause"))]
        detail = ": ".join(part for part in parts if part) or None
    return Run(
        name=_text(execution.get("name")) or _text(execution.get("executionArn")) or "?",
        started=started,
        stopped=stopped,
        status=status,
        failed=status in FAILED_STATUSES,
        duration=duration,
        detail=detail,
        long_running=long_running(schedule, started, duration),
    )


def task_failed(task: Mapping[str, Any]) -> bool:
    """A task that did not do its work: it never started (stopCode TaskFailedToStart), a
    container exited non-zero, or a stopped container has no exit code but a reason (it
    could not start: CannotPullContainerError...). DescribeTasks does not say which
    containers are essential, so every container counts."""
    if task.get("stopCode") == "TaskFailedToStart":
        return True
    stopped = task.get("lastStatus") == "STOPPED"
    for container in _containers(task):
        code = container.get("exitCode")
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            return True
        if stopped and code is None and _text(container.get("reason")):
            return True
    return False


def _containers(task: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    containers = task.get("containers")
    if not isinstance(containers, list):
        return []
    return [container for container in containers if isinstance(container, Mapping)]


def task_detail(task: Mapping[str, Any]) -> str | None:
    """The stopped reason, each container's exit code (and reason), and who started it."""
    parts = []
    if reason := _text(task.get("stoppedReason")):
        parts.append(reason)
    codes = []
    for container in _containers(task):
        name = _text(container.get("name")) or "?"
        code = container.get("exitCode")
        text = f"{name}={code}" if isinstance(code, int) else name
        if why := _text(container.get("reason")):
            text += f" ({why})"
        if isinstance(code, int) or why:
            codes.append(text)
    if codes:
        parts.append("exit " + ", ".join(codes))
    if started_by := _text(task.get("startedBy")):
        parts.append(f"started by {started_by}")
    return "; ".join(parts) or None


def task_run(schedule: Schedule, task: Mapping[str, Any], now: datetime) -> Run:
    """A DescribeTasks task as a Run: named by its id, from startedAt (createdAt when it
    never started) to stoppedAt, or to ``now`` while it runs."""
    arn = _text(task.get("taskArn")) or "?"
    started = _instant(task.get("startedAt")) or _instant(task.get("createdAt"))
    stopped = _instant(task.get("stoppedAt"))
    status = _text(task.get("lastStatus")) or "UNKNOWN"
    if status == "STOPPED" and stopped is None:
        stopped = _instant(task.get("executionStoppedAt"))
    duration = _duration(started, stopped if status == "STOPPED" else None, now)
    return Run(
        name=arn.rsplit("/", 1)[-1],
        started=started,
        stopped=stopped if status == "STOPPED" else None,
        status=status,
        failed=task_failed(task),
        duration=duration,
        detail=task_detail(task),
        long_running=long_running(schedule, started, duration),
    )


def task_family(task_definition: str) -> str:
    """The family of ``arn:...:task-definition/FAMILY:REVISION``, ``FAMILY:REVISION`` or
    ``FAMILY``."""
    return task_definition.rsplit("/", 1)[-1].split(":", 1)[0]


def run_figures(runs: Iterable[Run]) -> dict[str, float | None]:
    """Counts and duration percentiles (finished runs only, seconds) of a list of runs."""
    kept = list(runs)
    finished = [
        run.duration for run in kept if run.stopped is not None and run.duration is not None
    ]
    return {
        "runs": float(len(kept)),
        "failed": float(sum(run.failed for run in kept)),
        "running": float(sum(run.stopped is None for run in kept)),
        "long-running": float(sum(run.long_running for run in kept)),
        "duration p50": percentile(finished, 50),
        "duration p99": percentile(finished, 99),
        "duration max": max(finished) if finished else None,
    }


def run_durations(runs: Iterable[Run]) -> list[DurationPoint]:
    """One point per finished run, at its start, oldest first."""
    return sorted(
        (
            DurationPoint(run.started, run.duration, run.failed)
            for run in runs
            if run.started is not None and run.stopped is not None and run.duration is not None
        ),
        key=lambda point: point.at,
    )


def run_failures(runs: Iterable[Run]) -> list[FailureLine]:
    """A line per failed run that says why (its cause or stopped reason), newest first."""
    lines = []
    for run in runs:
        at = run.stopped or run.started
        if run.failed and run.detail and at is not None:
            lines.append(FailureLine(at, f"{run.status}: {run.detail}", run.name))
    return sorted(lines, key=lambda line: line.at, reverse=True)
