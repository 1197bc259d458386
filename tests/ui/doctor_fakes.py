"""A deterministic stand-in for ``Backend.doctor`` (``aws/doctor_repo.py``'s shape): every
schedule gets the detail's own findings (``core/health/findings.py``, from its definition
and the fixed clock) plus the doctor findings planted here by name, so the demo seed yields
the same report on every run without reading IAM or the targets."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from schedtui.core.health.doctor import Diagnosis, DoctorReport
from schedtui.core.health.findings import Finding, FindingKind, Severity, by_severity, findings
from schedtui.core.health.resources import EVERY_RESOURCE, Resource
from schedtui.core.schedules.schedule import Schedule

ROLE = "arn:aws:iam::123456789012:role/demo-batch-scheduler"
HOSTILE = "target\x1b[2J\x1b]0;pwned\x07 \u202egnp.exe"  # a clear screen, a retitle, a bidi


def planted() -> dict[str, tuple[Finding, ...]]:
    return {
        "daily-backup-schedule": (
            Finding(
                FindingKind.ROLE_PERMISSION_DENIED,
                Severity.ERROR,
                f"The execution role {ROLE} may not lambda:InvokeFunction on backup-function "
                "(no statement allows it)",
                "Allow lambda:InvokeFunction on the function's ARN in an identity policy of "
                "demo-batch-scheduler",
            ),
            Finding(
                FindingKind.ROLE_TRUST_UNCONDITIONED,
                Severity.WARNING,
                "The trust policy lets scheduler.amazonaws.com in without aws:SourceAccount",
                'Add "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}',
            ),
        ),
        "order-status-sync": (
            Finding(
                FindingKind.TARGET_MISSING,
                Severity.ERROR,
                f"The target queue {HOSTILE} does not exist",
                "Create the queue, or point the schedule at one that exists",
            ),
        ),
    }


@dataclass
class FakeDoctor:
    """``DoctorRepository``'s shape: the answer, a raise, a gate the calls wait on, and what
    was asked (the names of each call, the forgets, the requests it counts)."""

    planted: dict[str, tuple[Finding, ...]] = field(default_factory=planted)
    own: bool = True  # add the detail's own findings (False: only what is planted)
    error: Exception | None = None
    gate: threading.Event | None = None  # set: a call waits for it
    asked: list[list[str]] = field(default_factory=list)  # the names of each call
    calls: int = 0  # AWS requests "made" so far, as DoctorRepository.calls counts them
    forgets: int = 0
    notes: tuple[str, ...] = ("1 target of a kind the doctor does not check: kinesis",)
    reads_per_schedule: int = 3  # its role, target and DLQ; 0: answered from the cache
    reads: list[frozenset[Resource]] = field(default_factory=list)  # each call's ``reads``

    def diagnose(
        self,
        schedules: Sequence[Schedule],
        now: datetime,
        *,
        progress: Callable[[int, int], None] | None = None,
        reads: frozenset[Resource] = EVERY_RESOURCE,
    ) -> DoctorReport:
        self.asked.append([schedule.name for schedule in schedules])
        self.reads.append(reads)
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        diagnoses = []
        for done, schedule in enumerate(schedules, 1):
            found = list(self.planted.get(schedule.name, ()))
            if self.own:
                found += findings(schedule, now)
            diagnoses.append(
                Diagnosis(schedule.group_name, schedule.name, tuple(by_severity(found)))
            )
            if progress is not None:
                progress(done, len(schedules))
        # Three reads per schedule: its role, target and DLQ (a real run shares them).
        calls = self.reads_per_schedule * len(schedules)
        self.calls += calls
        return DoctorReport(tuple(diagnoses), self.notes, calls=calls)

    def forget(self) -> None:
        self.forgets += 1
