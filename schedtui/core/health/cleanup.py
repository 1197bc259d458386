"""What is waste: schedules that will never fire again and can go (the cleanup view).

A candidate is a completed one-time schedule (at() past, ActionAfterCompletion NONE keeps it
forever), an expired one (EndDate past), or one whose target no longer exists (the doctor's
TARGET_MISSING). The facts are the findings' (``findings.py``: AT_PASSED, END_PASSED), never
derived again here. Deleting goes through the write chokepoint; ``export_document`` is
written first (``aws/cleanup_export.py``), so each can be re-created with CreateSchedule.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from schedtui.core.expressions.zones import utc
from schedtui.core.health.doctor import DoctorReport
from schedtui.core.health.findings import Finding, FindingKind, findings
from schedtui.core.schedules.document import json_value
from schedtui.core.schedules.schedule import Schedule

EXPORT_FORMAT: Final = "schedtui-cleanup-export/1"


class CleanupReason(StrEnum):
    COMPLETED = "completed"
    EXPIRED = "expired"
    TARGET_GONE = "target gone"


# Which finding makes a schedule a candidate, first match wins: a completed schedule whose
# target is gone is listed once, as completed (either way it is waste).
_REASONS: Final = (
    (FindingKind.AT_PASSED, CleanupReason.COMPLETED),
    (FindingKind.END_PASSED, CleanupReason.EXPIRED),
    (FindingKind.TARGET_MISSING, CleanupReason.TARGET_GONE),
)


@dataclass(frozen=True)
class Candidate:
    schedule: Schedule
    reason: CleanupReason
    detail: str  # the finding's message: "at() time 2026-10-01 09:00Z is past", ...


def candidates(
    schedules: Sequence[Schedule], now: datetime, doctor: DoctorReport | None = None
) -> list[Candidate]:
    """Every schedule worth deleting, with its reason, in the order given; ``doctor`` adds
    the target-gone ones (without it, only what the definitions say)."""
    diagnosed: dict[tuple[str, str], tuple[Finding, ...]] = {}
    if doctor is not None:
        diagnosed = {(d.group, d.name): d.findings for d in doctor.diagnoses}
    found: list[Candidate] = []
    for schedule in schedules:
        by_kind = {f.kind: f for f in (*findings(schedule, now), *diagnosed.get(schedule.key, ()))}
        for kind, reason in _REASONS:
            finding = by_kind.get(kind)
            if finding is not None:
                found.append(Candidate(schedule, reason, finding.message))
                break
    return found


def export_document(deleted: Sequence[Candidate], now: datetime) -> dict[str, Any]:
    """What is about to be deleted, as CreateSchedule requests (plus each one's reason):
    the JSON file written before the first delete is sent. Dates are ISO-8601, as the AWS
    CLI's ``--cli-input-json`` takes them."""
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utc(now).isoformat(),
        "recreate": (
            "Each entry's request is CreateSchedule's input: aws scheduler create-schedule "
            "--cli-input-json '<request>'. AWS refuses a StartDate more than 5 minutes in the "
            "past: drop it first (a rate() then counts from the new creation)."
        ),
        "schedules": [
            {
                "reason": str(candidate.reason),
                "detail": candidate.detail,
                "arn": candidate.schedule.arn,
                "request": _json_ready(candidate.schedule.to_create_request()),
            }
            for candidate in deleted
        ],
    }


def _json_ready(request: dict[str, Any]) -> dict[str, Any]:
    """``request`` with its datetimes as ISO-8601 text (the rest is JSON already)."""
    ready: dict[str, Any] = json.loads(json.dumps(request, default=json_value))
    return ready
