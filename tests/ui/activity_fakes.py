"""Deterministic stand-ins for ``Backend.history`` and ``Backend.runs``: a Lambda target that
starts failing right after an update at 15:31Z (16:31 in Berlin), with the fixed clock."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schedtui.core.activity.history import History, HistoryEvent, Source
from schedtui.core.activity.runs import (
    DurationPoint,
    FailureLine,
    Run,
    RunsReport,
    Window,
)
from schedtui.core.schedules.arns import TargetKind
from schedtui.core.schedules.schedule import Schedule
from tests.ui.test_app import FIXED

ZONE = ZoneInfo("Europe/Berlin")  # UTC+1 in November: 15:31Z shows as 16:31
ALICE = "arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com"
CHANGED_AT = FIXED - timedelta(minutes=29)  # 15:31Z


def update() -> HistoryEvent:
    return HistoryEvent(
        at=CHANGED_AT,
        action="UpdateSchedule",
        source=Source.CLOUDTRAIL,
        who=ALICE,
        user_agent="aws-cli/2.15.0 Python/3.11",
        source_ip="203.0.113.7",
        changes={"Target.Input": ('{"mode": "fast"}', '{"mode": "slow"}')},
        event_id="ev-2",
        name="daily-backup-schedule",
        group="batch-jobs-group",
    )


def history() -> History:
    return History(
        events=[
            update(),
            HistoryEvent(
                at=FIXED - timedelta(hours=3),
                action="UpdateSchedule",
                source=Source.AUDIT_LOG,
                who="arn:aws:iam::123456789012:user/bob",
                changes={"State": ("DISABLED", "ENABLED")},
                name="daily-backup-schedule",
                group="batch-jobs-group",
            ),
            HistoryEvent(
                at=FIXED - timedelta(days=12),
                action="CreateSchedule",
                source=Source.CLOUDTRAIL,
                who="arn:aws:iam::123456789012:user/bob",
                changes=None,
                changes_note="created: no earlier parameters to compare",
                event_id="ev-1",
                name="daily-backup-schedule",
                group="batch-jobs-group",
            ),
        ],
        notes=["CloudTrail keeps management events for 90 days"],
    )


def report(schedule: Schedule, window: Window, now: datetime) -> RunsReport:
    start = now - timedelta(seconds=window.seconds)
    durations = []
    for minutes in range(2, 60, 5):  # every 5 minutes of the last hour
        at = start + timedelta(seconds=window.seconds * minutes / 60)
        broken = at > CHANGED_AT
        durations.append(DurationPoint(at, 8.5 if broken else 1.2, failed=broken))
    failures = [
        FailureLine(
            at=CHANGED_AT + timedelta(minutes=minutes),
            text=f"ERROR Task timed out after 8.50 seconds (attempt {minutes})",
            source="2026/11/29/[$LATEST]abc123",
        )
        for minutes in (1, 6, 11)
    ]
    return RunsReport(
        kind=TargetKind.LAMBDA,
        target=schedule.target.arn,
        window=window,
        start=start,
        end=now,
        figures={
            "invocations": 12.0,
            "errors": 6.0,
            "throttles": 0.0,
            "duration p50": 1.2,
            "duration p99": 8.5,
            "duration max": 8.51,
        },
        durations=durations,
        failures=failures,
        notes=["the function's metrics count every invoker, not only this schedule"],
    )


@dataclass
class FakeHistory:
    """``HistoryRepository``'s shape: a fixed answer, a raise, and the calls counted."""

    answer: History | None = None
    error: Exception | None = None
    calls: list[tuple[str, str | None]] = field(default_factory=list)
    gate: threading.Event | None = None  # set: the answer waits for it

    def _answer(self) -> History:
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        return self.answer if self.answer is not None else history()

    def schedule_history(self, group: str, name: str, *, now: datetime, days: int = 90) -> History:
        self.calls.append((group, name))
        return self._answer()

    def group_history(self, group: str, *, now: datetime, days: int = 90) -> History:
        self.calls.append((group, None))
        return self._answer()


@dataclass
class FakeRuns:
    """``RunsRepository``'s shape; ``shape`` edits the report (faults, runs, hostile text)."""

    error: Exception | None = None
    shape: Any = None
    calls: list[Window] = field(default_factory=list)

    def runs(self, schedule: Schedule, window: Window, *, now: datetime) -> RunsReport:
        self.calls.append(window)
        if self.error is not None:
            raise self.error
        made = report(schedule, window, now)
        return self.shape(made) if self.shape else made


def step_functions(made: RunsReport) -> RunsReport:
    """A state machine's executions, one still running past the schedule's period."""
    made.kind = TargetKind.STEP_FUNCTIONS
    made.runs = [
        Run("exec-3", FIXED - timedelta(minutes=50), None, "RUNNING", False, 3000.0,
            long_running=True),
        Run("exec-2", FIXED - timedelta(hours=2), FIXED - timedelta(hours=2) + timedelta(
            seconds=40), "FAILED", True, 40.0, detail="States.TaskFailed: upstream 503"),
    ]  # fmt: skip
    return made
