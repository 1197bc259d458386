"""A schedule's or group's change history: CloudTrail ``LookupEvents`` (management events of
the last 90 days) merged with this machine's audit log. Read calls only.

What is looked up (``core/activity/history.py`` reads and diffs the events):

- a schedule: ``ResourceName`` = its name, every page of the window; events kept when
  Scheduler's and about that name in that group (no GroupName: the default group).
- a group: ``ResourceName`` = the group's name (its own CreateScheduleGroup,
  DeleteScheduleGroup; tag calls name its ARN, kept when they come back), then
  ``EventSource`` = scheduler.amazonaws.com for its schedules' events, newest first and
  bounded in pages (a note says how far back it reached when the bound stopped it).

Every request waits for the repository's one rate limiter (LookupEvents: 2 per second per
account and region). A fault keeps what came before it, says what happened in
``History.fault``, and never raises: the audit log's entries are shown all the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from schedtui.aws.audit import AuditLog
from schedtui.aws.errors import AwsError, aws_call
from schedtui.aws.rate_limit import RateLimiter
from schedtui.aws.session import AwsClients
from schedtui.core.activity.history import (
    DELAY_NOTE,
    SCHEDULER_SOURCE,
    History,
    HistoryEvent,
    Subject,
    TrailEntry,
    audit_event,
    merged,
    read_trail_event,
    with_changes,
)

LOOKUPS_PER_SECOND: Final = 2.0
PAGE_SIZE: Final = 50  # LookupEvents' largest page
MAX_DAYS: Final = 90  # what CloudTrail's event history holds
# A name can match other services' resources too ("test"): a schedule's lookup stops after
# 5,000 events (50 s at 2 requests a second), a group's scan of the account's Scheduler
# events after 1,000 (10 s); a note says so.
SCHEDULE_PAGES: Final = 100
GROUP_SCAN_PAGES: Final = 20


class HistoryRepository:
    def __init__(
        self,
        clients: AwsClients,
        audit: AuditLog,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clients = clients
        self._audit = audit
        self.limiter = RateLimiter(LOOKUPS_PER_SECOND, clock=clock, sleep=sleep)

    def schedule_history(self, group: str, name: str, *, now: datetime, days: int = 90) -> History:
        history = History(days=_days(days), notes=[DELAY_NOTE])
        since = now - timedelta(days=history.days)
        subject = Subject(group, name)
        found, more = self._lookup(history, "ResourceName", name, since, now, SCHEDULE_PAGES)
        entries = [entry for entry in found if entry.subject == subject]
        if more:
            history.notes.append(_bounded(SCHEDULE_PAGES, found))
        audit = self._audit_events(history, since, lambda e: (e.group, e.name) == (group, name))
        history.events = merged(with_changes(entries), audit)
        return history

    def group_history(self, group: str, *, now: datetime, days: int = 90) -> History:
        """The group's own events (create, delete, tags) and its schedules' events."""
        history = History(days=_days(days), notes=[DELAY_NOTE])
        since = now - timedelta(days=history.days)
        own, _ = self._lookup(history, "ResourceName", group, since, now, SCHEDULE_PAGES)
        scanned: list[TrailEntry] = []
        if history.fault is None:
            scanned, more = self._lookup(
                history, "EventSource", SCHEDULER_SOURCE, since, now, GROUP_SCAN_PAGES
            )
            if more:
                history.notes.append(_bounded(GROUP_SCAN_PAGES, scanned, "Scheduler events"))
        entries: dict[str, TrailEntry] = {}
        for entry in [*own, *scanned]:
            if entry.subject is not None and entry.subject.group == group:
                entries.setdefault(entry.event.event_id or str(id(entry)), entry)
        audit = self._audit_events(history, since, lambda event: event.group == group)
        history.events = merged(with_changes(list(entries.values())), audit)
        return history

    def _lookup(
        self,
        history: History,
        key: str,
        value: str,
        since: datetime,
        now: datetime,
        max_pages: int,
    ) -> tuple[list[TrailEntry], bool]:
        """The Scheduler writes LookupEvents finds for ``key`` = ``value``, page after page,
        and whether pages were left (``max_pages`` reached). A fault ends the lookup: it is
        set on ``history`` and what was found before it is returned."""
        found: list[TrailEntry] = []
        token: str | None = None
        for _ in range(max_pages):
            request: dict[str, Any] = {
                "LookupAttributes": [{"AttributeKey": key, "AttributeValue": value}],
                "StartTime": since,
                "EndTime": now,
                "MaxResults": PAGE_SIZE,
            }
            if token:
                request["NextToken"] = token
            self.limiter.wait()
            try:
                with aws_call("CloudTrail LookupEvents"):
                    page = self._clients.cloudtrail.lookup_events(**request)
            except AwsError as error:
                history.fault, history.fault_error = str(error), error
                return found, False
            found += [entry for raw in page.get("Events", []) if (entry := _entry(raw))]
            token = page.get("NextToken")
            if not token:
                return found, False
        return found, True

    def _audit_events(
        self, history: History, since: datetime, about: Callable[[HistoryEvent], bool]
    ) -> list[HistoryEvent]:
        lines, problems = self._audit.readable_entries()
        history.notes += problems
        events = []
        unreadable = 0
        for line in lines:
            event = audit_event(line)
            if event is None:
                unreadable += 1
            elif event.at >= since and about(event):
                events.append(event)
        if unreadable:
            history.notes.append(
                f"audit log {self._audit.path}: {unreadable} entries left out (not an audit "
                "entry schedtui can read)"
            )
        return events


def _days(days: int) -> int:
    return max(1, min(days, MAX_DAYS))


def _entry(raw: Any) -> TrailEntry | None:
    """One event of a LookupEvents page, when it is a Scheduler write."""
    if not isinstance(raw, dict):
        return None
    source = raw.get("EventSource")
    if isinstance(source, str) and source and source != SCHEDULER_SOURCE:
        return None  # another service's resource of the same name
    resources = raw.get("Resources")
    names = [
        str(resource["ResourceName"])
        for resource in (resources if isinstance(resources, list) else [])
        if isinstance(resource, dict) and isinstance(resource.get("ResourceName"), str)
    ]
    at = raw.get("EventTime")
    return read_trail_event(
        event_id=_string(raw.get("EventId")),
        event_name=_string(raw.get("EventName")),
        event_time=at if isinstance(at, datetime) else None,
        username=_string(raw.get("Username")),
        resource_names=names,
        document_text=raw.get("CloudTrailEvent"),
    )


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _bounded(pages: int, found: list[TrailEntry], what: str = "events") -> str:
    oldest = min((entry.event.at for entry in found), default=None)
    reach = f" (back to {oldest:%Y-%m-%d %H:%M} UTC)" if oldest else ""
    return (
        f"only the newest {pages * PAGE_SIZE:,} {what} were searched{reach}: older changes "
        "may be missing"
    )
