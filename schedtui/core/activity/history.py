"""A schedule's (or group's) change history: CloudTrail management events and the local audit
log's entries, merged, newest first, with what each UpdateSchedule changed.

The models only; ``aws/history_repo.py`` fetches the CloudTrail events and the audit entries.
Everything here came from AWS or a file: texts are shown through ``core/text.printable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    CLOUDTRAIL = "CloudTrail"
    AUDIT_LOG = "audit log"  # this machine's schedtui audit log, marked as such


@dataclass(frozen=True)
class HistoryEvent:
    at: datetime  # aware, UTC
    action: str  # CreateSchedule, UpdateSchedule, DeleteSchedule, CreateScheduleGroup, ...
    source: Source
    who: str | None = None  # the identity's ARN
    user_agent: str | None = None
    source_ip: str | None = None
    error: str | None = None  # "Code: message" when the call failed (CloudTrail errorCode)
    # {dotted AWS member path: (before, after)}; None when it cannot be known, and then
    # ``changes_note`` says why (no request parameters held, no earlier event in the window).
    changes: dict[str, tuple[Any, Any]] | None = None
    changes_note: str | None = None
    event_id: str | None = None  # CloudTrail EventId, or None for an audit entry
    name: str | None = None  # the schedule's name (a group's history lists several)
    group: str | None = None


@dataclass
class History:
    """What is known of the last ``days`` days: ``events`` newest first. ``fault`` says why
    it is partial (a fetch failed midway: the events before it are kept); ``notes`` what
    the operator should know of it (CloudTrail's 90-day horizon, an audit log unreadable)."""

    events: list[HistoryEvent] = field(default_factory=list)
    days: int = 90
    fault: str | None = None
    notes: list[str] = field(default_factory=list)
