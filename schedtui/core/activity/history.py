"""A schedule's (or group's) change history: CloudTrail management events and the local audit
log's entries, merged, newest first, with what each UpdateSchedule changed.

The models only; ``aws/history_repo.py`` fetches the CloudTrail events and the audit entries.
Everything here came from AWS or a file: texts are shown through ``core/text.printable``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, get_args

from schedtui.core.jsontext import loads
from schedtui.core.schedules.api_model import ApiModel
from schedtui.core.schedules.arns import parse_schedule_arn, parse_schedule_group_arn
from schedtui.core.schedules.schedule import Schedule


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
    # The typed error behind ``fault`` (an ``aws/errors.py`` AwsError), for a caller that
    # decides on its kind (the command line's exit code); None when there is no fault.
    fault_error: Exception | None = field(default=None, repr=False, compare=False)


# -- reading CloudTrail ----------------------------------------------------------------------

SCHEDULER_SOURCE: Final = "scheduler.amazonaws.com"
# What CloudTrail writes in place of a value it does not keep (secrets, target inputs...).
REDACTED: Final = "HIDDEN_DUE_TO_SECURITY_REASONS"
DEFAULT_GROUP: Final = "default"
SCHEDULE_ACTIONS: Final = frozenset({"CreateSchedule", "UpdateSchedule", "DeleteSchedule"})
# A group's own writes (tags live on groups only). Reads (Get*, List*) are left out: the
# question is who changed it.
GROUP_ACTIONS: Final = frozenset(
    {"CreateScheduleGroup", "DeleteScheduleGroup", "TagResource", "UntagResource"}
)
DELAY_NOTE: Final = (
    "CloudTrail shows an event about 5-15 minutes after the call, and holds 90 days of them"
)
NO_PREDECESSOR: Final = (
    "the first event of this schedule in the window: no earlier request to compare with"
)
NOT_HELD: Final = "CloudTrail does not hold this request's parameters"
# Members that change on every request and say nothing about the schedule.
_NOISE: Final = frozenset({"ClientToken"})


@dataclass(frozen=True)
class Subject:
    """What an event is about: a schedule (``name`` set) or a group (``name`` None)."""

    group: str
    name: str | None = None


@dataclass(frozen=True)
class TrailEntry:
    """One CloudTrail event about Scheduler, read; ``request`` is its requestParameters with
    member names as the API spells them, None when CloudTrail does not hold them."""

    event: HistoryEvent
    subject: Subject | None
    request: dict[str, Any] | None


def _text(value: Any) -> str | None:
    """A string member, or None when it is absent or of another type."""
    return value if isinstance(value, str) and value else None


def _member(document: Any, *names: str) -> Any:
    """The first of ``names`` present in ``document`` (a dict), else None."""
    if not isinstance(document, dict):
        return None
    for name in names:
        if name in document:
            return document[name]
    return None


def _wire_names() -> dict[str, str]:
    """The API's member names of a schedule's request (every nested model's too) and of the
    group and tag calls, by their lower-cased form: CloudTrail may record a request's
    members as the API spells them (``ScheduleExpression``) or in lower camelCase
    (``scheduleExpression``); both read as the API's name, the one the audit log uses."""
    names = {name.lower(): name for name in _OTHER_MEMBERS}
    pending: list[Any] = [Schedule]
    while pending:
        kind = pending.pop()
        if isinstance(kind, type) and issubclass(kind, ApiModel):
            for name, info in kind.model_fields.items():
                wire = info.alias or name
                names.setdefault(wire.lower(), wire)
                pending.append(info.annotation)
        else:
            pending.extend(get_args(kind))  # X | None, list[X], Annotated[X, ...]
    return names


# Members of the calls other than Create/UpdateSchedule, and of their answers.
_OTHER_MEMBERS: Final = (
    "ClientToken", "ResourceArn", "Tags", "TagKeys", "Key", "Value", "ScheduleArn",
    "ScheduleGroupArn",
)  # fmt: skip
_WIRE: Final = _wire_names()


# Deeper than any Scheduler request: what lies below is shown as this text, so that walking
# a hostile document (valid JSON nested hundreds deep) never meets Python's recursion limit.
MAX_DEPTH: Final = 32
TOO_DEEP: Final = "(nested too deep to show)"


def canonical(value: Any, depth: int = 0) -> Any:
    """``value`` with every dict key the API's spelling of it (unknown keys kept as they are),
    cut at ``MAX_DEPTH``."""
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        return TOO_DEEP
    if isinstance(value, dict):
        return {
            _WIRE.get(str(key).lower(), str(key)): canonical(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [canonical(item, depth + 1) for item in value]
    return value


def read_trail_event(
    *,
    event_id: str | None,
    event_name: str | None,
    event_time: datetime | None,
    username: str | None,
    resource_names: list[str],
    document_text: Any,
) -> TrailEntry | None:
    """One LookupEvents event as a history entry, or None when it is not a Scheduler write.

    ``document_text`` is the event's CloudTrailEvent, a JSON string: whatever it holds
    (malformed, nested too deep, members of the wrong type), this never raises; a member
    that cannot be read is None."""
    try:
        document = loads(document_text) if isinstance(document_text, str) else None
    except ValueError:
        document = None
    if not isinstance(document, dict):
        document = {}
    source = _text(document.get("eventSource"))
    action = event_name or _text(document.get("eventName"))
    if (source is not None and source != SCHEDULER_SOURCE) or action is None:
        return None
    if action not in SCHEDULE_ACTIONS | GROUP_ACTIONS:
        return None
    at = event_time or _instant(document.get("eventTime"))
    if at is None:
        return None  # an event with no time cannot be placed in a history
    raw_request = document.get("requestParameters")
    request = canonical(raw_request) if isinstance(raw_request, dict) else None
    identity = document.get("userIdentity")
    who = _text(_member(identity, "arn")) or _text(_member(identity, "invokedBy")) or username
    code, message = _text(document.get("errorCode")), _text(document.get("errorMessage"))
    error = f"{code}: {message}" if code and message else (code or message)
    subject = _subject(action, request, canonical(document.get("responseElements")), resource_names)
    event = HistoryEvent(
        at=at.astimezone(UTC),
        action=action,
        source=Source.CLOUDTRAIL,
        who=who,
        user_agent=_text(document.get("userAgent")),
        source_ip=_text(document.get("sourceIPAddress")),
        error=error,
        event_id=event_id or _text(document.get("eventID")),
        name=subject.name if subject else None,
        group=subject.group if subject else None,
    )
    return TrailEntry(event=event, subject=subject, request=request)


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _subject(
    action: str, request: dict[str, Any] | None, response: Any, resource_names: list[str]
) -> Subject | None:
    """Which schedule or group an event is about: its request's Name and GroupName (no
    GroupName means the default group), else an ARN in the response or among the event's
    resources. None when nothing says."""
    if action in ("TagResource", "UntagResource"):
        arns = [_text(_member(request, "ResourceArn")), *resource_names]
        groups = [parse_schedule_group_arn(arn) for arn in arns if arn]
        group = next((found for found in groups if found), None)
        return Subject(group) if group else None
    request = request or {}
    name = _text(request.get("Name"))
    if action in ("CreateScheduleGroup", "DeleteScheduleGroup"):
        if name:
            return Subject(name)
        groups = [parse_schedule_group_arn(arn) for arn in resource_names]
        found = next((group for group in groups if group), None)
        return Subject(found) if found else None
    group = request.get("GroupName")
    if name and (group is None or _text(group)):  # a GroupName of another type says nothing
        return Subject(group or DEFAULT_GROUP, name)
    arns = [_text(_member(response, "ScheduleArn", "Arn")), *resource_names]
    keys = [parse_schedule_arn(arn) for arn in arns if arn]
    key = next((found for found in keys if found), None)
    return Subject(*key) if key else None


# -- what changed ------------------------------------------------------------------------------


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """``{dotted path: value}`` of every leaf member of a request; lists and values are
    leaves, compared whole (as ``core/schedules/diff.py`` does for the models)."""
    if isinstance(value, dict) and value:
        found: dict[str, Any] = {}
        for key, item in value.items():
            found.update(leaves(item, f"{path}.{key}" if path else str(key)))
        return found
    return {path: value} if path else {}


def request_diff(
    before: dict[str, Any] | None, after: dict[str, Any]
) -> tuple[dict[str, tuple[Any, Any]], list[str]]:
    """What ``after`` changed from ``before`` (None: nothing before), and the paths whose
    values CloudTrail hides on either side (whether those changed cannot be known)."""
    old = {k: v for k, v in leaves(before or {}).items() if k not in _NOISE}
    new = {k: v for k, v in leaves(after).items() if k not in _NOISE}
    changes: dict[str, tuple[Any, Any]] = {}
    hidden: list[str] = []
    for path in [*old, *(path for path in new if path not in old)]:
        old_value, new_value = old.get(path), new.get(path)
        if REDACTED in (old_value, new_value):
            hidden.append(path)
        elif old_value != new_value:
            changes[path] = (old_value, new_value)
    return changes, hidden


def _hidden_note(hidden: list[str]) -> str:
    return f"CloudTrail hides {', '.join(hidden)}: whether it changed is unknown"


def with_changes(entries: list[TrailEntry]) -> list[HistoryEvent]:
    """The events, each with what it changed: an UpdateSchedule replaces the whole schedule,
    so each Create/Update is compared with the last request of the same schedule that
    succeeded before it (oldest to newest). A create changes every field from nothing; a
    delete has no field changes ({}); a failed call is compared too, but is not the next
    one's predecessor (it changed nothing)."""
    last: dict[Subject, dict[str, Any] | None] = {}  # absent key: no earlier event seen
    done: list[HistoryEvent] = []
    for entry in sorted(entries, key=lambda entry: entry.event.at):
        event, subject, request = entry.event, entry.subject, entry.request
        changes: dict[str, tuple[Any, Any]] | None
        note: str | None = None
        if event.action in ("CreateSchedule", "UpdateSchedule"):
            seen = subject in last
            before = last.get(subject) if subject else None
            if request is None:
                changes, note = None, NOT_HELD
            elif event.action == "UpdateSchedule" and not seen:
                changes, note = None, NO_PREDECESSOR
            elif event.action == "UpdateSchedule" and before is None:
                changes, note = None, "the request before it is not held by CloudTrail"
            else:
                changes, hidden = request_diff(
                    before if event.action == "UpdateSchedule" else None, request
                )
                note = _hidden_note(hidden) if hidden else None
            if subject is not None and event.error is None:
                last[subject] = request
        elif event.action in ("DeleteSchedule", "DeleteScheduleGroup"):
            changes = {}
            if subject is not None and event.error is None:
                last.pop(subject, None)
        elif event.action == "UntagResource":
            keys = _member(request, "TagKeys")
            removed = ", ".join(str(key) for key in keys) if isinstance(keys, list) else None
            changes = None
            note = f"removed the tags {removed}" if removed else NOT_HELD
        elif request is None:
            changes, note = None, NOT_HELD
        else:  # CreateScheduleGroup, TagResource: what the request set
            changes = {
                path: (None, value)
                for path, value in leaves(request).items()
                if path not in _NOISE | {"Name", "ResourceArn"}
            }
        if event.error is not None:
            note = "the call failed: nothing changed" + (f"; {note}" if note else "")
        done.append(replace(event, changes=changes, changes_note=note))
    return done


# -- the audit log ---------------------------------------------------------------------------


def audit_event(entry: Any) -> HistoryEvent | None:
    """One line of this machine's audit log (``aws/audit.py``) as a history event; None when
    the line cannot be read as one (its time, action or ARN missing or of the wrong type)."""
    if not isinstance(entry, dict):
        return None
    at = _instant(entry.get("time"))
    verb, _, label = str(entry.get("action") or "").partition(" ")
    if at is None or not verb:
        return None
    arn = _text(entry.get("arn")) or ""
    key = parse_schedule_arn(arn)
    group = parse_schedule_group_arn(arn)
    if key is None and verb in SCHEDULE_ACTIONS and label.count("/") == 1:
        key = (label.split("/")[0], label.split("/")[1])  # a create whose ARN never came
    if group is None and key is None and verb in GROUP_ACTIONS:
        group = parse_schedule_group_arn(label) or label or None
    outcome = _text(entry.get("outcome"))
    error = None
    if outcome != "applied":
        detail = _text(entry.get("error"))
        error = f"{outcome or 'outcome unknown'}: {detail}" if detail else outcome
    raw_changes = entry.get("changes")
    changes: dict[str, tuple[Any, Any]] = {}
    if isinstance(raw_changes, dict):
        for path, change in raw_changes.items():
            if isinstance(change, dict):
                changes[str(path)] = (change.get("before"), change.get("after"))
    return HistoryEvent(
        at=at.astimezone(UTC),
        action=verb,
        source=Source.AUDIT_LOG,
        who=_text(entry.get("caller")),
        error=error,
        changes=changes,
        name=key[1] if key else None,
        group=key[0] if key else group,
    )


def merged(*sources: list[HistoryEvent]) -> list[HistoryEvent]:
    """Every event of ``sources``, newest first."""
    events = [event for source in sources for event in source]
    return sorted(events, key=lambda event: event.at, reverse=True)
