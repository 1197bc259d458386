"""What is waste: schedules that will never fire again and can go (the cleanup view).

A candidate is a completed one-time schedule (at() past, ActionAfterCompletion NONE keeps it
forever), an expired one (EndDate past), or one whose target no longer exists (the doctor's
TARGET_MISSING). Deleting goes through the write chokepoint; ``export_document`` is written
first, so each can be re-created with CreateSchedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from schedtui.core.health.doctor import DoctorReport
from schedtui.core.schedules.schedule import Schedule


class CleanupReason(StrEnum):
    COMPLETED = "completed"
    EXPIRED = "expired"
    TARGET_GONE = "target gone"


@dataclass(frozen=True)
class Candidate:
    schedule: Schedule
    reason: CleanupReason
    detail: str  # "at() 2026-10-01 09:00Z passed", "EndDate ... passed", "function X gone"


def candidates(
    schedules: Sequence[Schedule], now: datetime, doctor: DoctorReport | None = None
) -> list[Candidate]:
    """Every schedule worth deleting, with its reason; ``doctor`` adds the target-gone ones
    (without it, only what the definitions say)."""
    raise NotImplementedError  # helper: ui-doctor


def export_document(deleted: Sequence[Schedule], now: datetime) -> dict[str, Any]:
    """What is about to be deleted, as CreateSchedule requests (plus each one's reason):
    the JSON file written before the first delete is sent."""
    raise NotImplementedError  # helper: ui-doctor
