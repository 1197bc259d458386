"""What a schedule's target did over a window: runs, durations, failures, per target kind.

The models only; ``aws/runs_repo.py`` gathers them (AWS/Lambda metrics and its log group,
Step Functions executions, ECS tasks; other kinds: the group's Scheduler metrics and DLQ).
Everything here came from AWS: texts are shown through ``core/text.printable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from schedtui.core.schedules.arns import TargetKind


class Window(Enum):
    """The windows a runs view offers: (label, seconds)."""

    HOUR = ("1h", 3600)
    DAY = ("24h", 86400)
    WEEK = ("7d", 7 * 86400)

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def seconds(self) -> int:
        return self.value[1]


@dataclass(frozen=True)
class Run:
    """One execution (Step Functions) or task (ECS) the target ran."""

    name: str  # execution name, or task id
    started: datetime | None
    stopped: datetime | None  # None while it runs
    status: str  # AWS's own word: SUCCEEDED, FAILED, TIMED_OUT, ABORTED, RUNNING, STOPPED...
    failed: bool
    duration: float | None  # seconds; for a running one, so far
    detail: str | None = None  # failure cause, stopped reason, exit codes
    long_running: bool = False  # longer than the schedule's period (or still running past it)


@dataclass(frozen=True)
class FailureLine:
    """A line that says something failed: a log line (Lambda) or a run's cause."""

    at: datetime
    text: str
    source: str  # log stream, execution name, task id


@dataclass(frozen=True)
class DurationPoint:
    """A duration over time, for the sparkline: one per run, or per metric period."""

    at: datetime
    seconds: float
    failed: bool = False


@dataclass
class RunsReport:
    """Everything the runs tab and ``schedtui runs`` show for one schedule and window.

    ``figures``: named counts and durations in display order (e.g. "invocations", "errors",
    "throttles", "duration p50", "duration p99", "duration max"; seconds for durations,
    None when AWS had no datapoint). ``faults``: a part that could not be fetched ->
    the message (e.g. "logs": "AccessDenied: ..."): the other parts are still shown.
    ``causes``: the error behind each fault, for a caller that tells faults apart (the
    CLI's exit code says "denied" apart from "failed").
    ``notes``: what the operator must know to read it right (e.g. "all executions of the
    state machine: nothing ties an execution to this schedule")."""

    kind: TargetKind
    target: str  # the target's ARN
    window: Window
    start: datetime
    end: datetime
    figures: dict[str, float | None] = field(default_factory=dict)
    durations: list[DurationPoint] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    failures: list[FailureLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    faults: dict[str, str] = field(default_factory=dict)
    causes: dict[str, Exception] = field(default_factory=dict, repr=False, compare=False)
