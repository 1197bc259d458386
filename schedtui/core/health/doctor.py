"""The doctor's rules: from a schedule and what was gathered about its resources
(``resources.py``), the findings with their fix. Pure: ``aws/doctor_repo.py`` gathers.

``diagnose`` includes the detail's own findings (``findings.py``) and adds the doctor's
kinds (FindingKind.ROLE_MISSING ... NOT_CHECKED), each with a ``fix``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from schedtui.core.health.findings import Finding, Severity
from schedtui.core.health.resources import ScheduleFacts
from schedtui.core.schedules.schedule import Schedule


@dataclass(frozen=True)
class Need:
    """A permission the execution role must have for the schedule to work."""

    action: str  # "lambda:InvokeFunction"
    resource: str  # the ARN it acts on ("*" when the resource cannot be known)
    why: str  # "to invoke the target", "to send failed events to the DLQ"...


def needs(schedule: Schedule, facts: ScheduleFacts | None = None) -> list[Need]:
    """What the role must be allowed: the target's action (ECS: ecs:RunTask on the task
    definition and iam:PassRole on its roles, from ``facts.task_definition`` when known),
    sqs:SendMessage on the DLQ, kms:Decrypt on KmsKeyArn."""
    raise NotImplementedError  # helper: doctor


def diagnose(
    schedule: Schedule, facts: ScheduleFacts | None, now: datetime, *, region: str
) -> list[Finding]:
    """Every finding for the schedule, most serious first. ``facts`` None: only what the
    definition itself says (no AWS reads were made). ``region``: the session's, for the
    target-in-another-region rule."""
    raise NotImplementedError  # helper: doctor


@dataclass(frozen=True)
class Diagnosis:
    group: str
    name: str
    findings: tuple[Finding, ...]

    @property
    def worst(self) -> Severity | None:
        return self.findings[0].severity if self.findings else None


@dataclass(frozen=True)
class DoctorReport:
    """One run of the doctor over some schedules: every schedule's findings (worst first,
    schedules without findings included), what could not be checked and the calls made."""

    diagnoses: tuple[Diagnosis, ...]
    notes: tuple[str, ...] = ()  # "23 targets of kinds the doctor does not check: ..."
    calls: int = 0  # AWS read calls made (after the per-role/per-target cache)

    def at_or_above(self, severity: Severity) -> list[tuple[Diagnosis, Finding]]:
        raise NotImplementedError  # helper: doctor


def report(
    diagnoses: Sequence[Diagnosis], notes: Sequence[str] = (), calls: int = 0
) -> DoctorReport:
    """The report, schedules sorted by their worst finding, then group and name."""
    raise NotImplementedError  # helper: doctor
