"""``schedtui history G/NAME`` and ``schedtui history --group G``: who changed a schedule or a
group, from CloudTrail's event history and this machine's audit log, newest first.

Records carry: Time (ISO-8601 UTC in JSON; the operator's local zone in the table), Source
(CloudTrail or audit log), Action, Schedule (GROUP/NAME, absent for a group's own event), Who
(the identity's ARN), UserAgent, SourceIp, Error, Changes ({path: {Before, After}}, null when
it cannot be known, then ChangesNote says why) and EventId. The repository's notes go to
stderr. A fault (throttled, denied, unreachable) prints the events found before it, the
fault on stderr, and exits as that error does (``cli/exits.py``: 3, or 4 when denied).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any, Final

from schedtui.aws.backend import Backend
from schedtui.aws.errors import AwsError
from schedtui.cli.exits import AWS_ERROR, OK, UsageError, exit_code
from schedtui.cli.output import (
    Column,
    Format,
    Record,
    View,
    Writer,
    fields,
    json_text,
    local_time,
    note,
)
from schedtui.core.activity.history import HistoryEvent
from schedtui.core.text import printable, shortened

# A table line stays readable: a long value (a target input, a user agent) is cut.
_VALUE_CELLS: Final = 60
_CHANGES_CELLS: Final = 240
_AGENT_CELLS: Final = 40


def event_record(event: HistoryEvent) -> Record:
    changes = None
    if event.changes is not None:
        changes = {key: {"Before": old, "After": new} for key, (old, new) in event.changes.items()}
    return {
        "Time": event.at,
        "Source": str(event.source),
        "Action": event.action,
        "Schedule": f"{event.group}/{event.name}" if event.name else None,
        "Group": event.group,
        "Who": event.who,
        "UserAgent": event.user_agent,
        "SourceIp": event.source_ip,
        "Error": event.error,
        "Changes": changes,
        "ChangesNote": event.changes_note,
        "EventId": event.event_id,
    }


def _value(value: Any) -> str:
    return shortened(value if isinstance(value, str) else json_text(value), _VALUE_CELLS)


def _what(record: Record) -> str:
    """The changes in one cell: ``Path: before -> after; ...``, else the note."""
    changes = record["Changes"]
    parts = [
        f"{path}: {_value(change['Before'])} -> {_value(change['After'])}"
        for path, change in (changes or {}).items()
    ]
    if record["ChangesNote"]:
        parts.append(f"({record['ChangesNote']})")
    return shortened("; ".join(parts), _CHANGES_CELLS) if parts else ""


def _agent(record: Record) -> str | None:
    agent = record["UserAgent"]
    return shortened(agent, _AGENT_CELLS) if agent else None


EVENTS: Final = View(
    "Events",
    table=(
        Column("WHEN", lambda record: local_time(record["Time"])),
        Column("SOURCE", "Source"),
        Column("ACTION", "Action"),
        Column("SCHEDULE", "Schedule"),
        Column("WHO", "Who"),
        Column("FROM", "SourceIp"),
        Column("USER AGENT", _agent),
        Column("ERROR", "Error"),
        Column("CHANGES", _what),
    ),
    text=fields("Time", "Source", "Action", "Schedule", "Who", "SourceIp", "UserAgent", "Error"),
)


def check_history(args: argparse.Namespace) -> None:
    """The arguments' own rules, checked before the demo starts or AWS is reached."""
    if (args.schedule is None) == (getattr(args, "group", None) is None):
        raise UsageError("give one of G/NAME (a schedule) or --group G (a group)")


def run_history(args: argparse.Namespace, backend: Backend, output: Format) -> int:
    schedule, group = args.schedule, getattr(args, "group", None)
    now = datetime.now(UTC)
    if schedule is not None:
        history = backend.history.schedule_history(*schedule, now=now, days=args.days)
    else:
        history = backend.history.group_history(group, now=now, days=args.days)
    writer = Writer(EVENTS, output)
    writer.add(event_record(event) for event in history.events)
    writer.close()
    for line in history.notes:
        note(line)
    if history.fault is None:
        return OK
    print(f"schedtui history: {printable(history.fault)}", file=sys.stderr)
    error = history.fault_error
    return exit_code(error) if isinstance(error, AwsError) else AWS_ERROR
