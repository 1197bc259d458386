"""A schedule as a JSON document for raw editing in $EDITOR, and back.

The document holds every member the schedule has (unknown ones included) except what AWS
sets itself; reading it back applies the same rules as the form, so a raw edit can neither
produce an invalid request nor drop a member by accident (a member deleted from the
document is a member the operator chose to remove, and the review shows it).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from schedtui.core import jsontext
from schedtui.core.schedules.schedule import Schedule
from schedtui.core.schedules.validation import error_messages
from schedtui.core.text import terminal_safe_json


def json_value(value: Any) -> Any:
    """json.dumps' ``default`` for AWS documents: datetimes as ISO-8601."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def to_document(schedule: Schedule) -> str:
    """The JSON the operator edits. Characters a terminal would act on are ``\\u`` escapes
    (the same values once read back), so the editor never receives them raw."""
    data = schedule.to_api()
    for member in Schedule.READ_ONLY_MEMBERS:
        data.pop(member, None)
    text = json.dumps(data, indent=2, ensure_ascii=False, default=json_value)
    return terminal_safe_json(text) + "\n"


def response_document(response: dict[str, Any]) -> str:
    """A GetSchedule answer as JSON, member for member as botocore parsed it (the way
    ``aws scheduler get-schedule`` prints it: dates as ISO-8601), for the read-only view.
    Characters a terminal would act on are ``\\u`` escapes: the same values, shown inert."""
    data = {key: value for key, value in response.items() if key != "ResponseMetadata"}
    text = json.dumps(data, indent=2, ensure_ascii=False, default=json_value)
    return terminal_safe_json(text)


def from_document(text: str, original: Schedule) -> tuple[Schedule | None, list[str]]:
    """The schedule ``text`` describes, or one line per problem (naming the member)."""
    try:
        data = jsontext.loads(text)
    except json.JSONDecodeError as error:
        return None, [f"JSON, line {error.lineno} column {error.colno}: {error.msg}"]
    except ValueError as error:
        return None, [f"JSON: {error}"]
    if not isinstance(data, dict):
        return None, ["the document must be a JSON object ({...})"]
    problems = [
        f"{member}: fixed after creation (it was {expected!r}); clone the schedule (c) instead"
        for member, expected in (("Name", original.name), ("GroupName", original.group_name))
        if data.get(member, expected) != expected
    ]
    if problems:
        return None, problems
    data.setdefault("Name", original.name)
    data.setdefault("GroupName", original.group_name)
    for member in Schedule.READ_ONLY_MEMBERS:  # AWS's, not the operator's: keep them
        data.pop(member, None)
        value = original.to_api().get(member)
        if value is not None:
            data[member] = value
    try:
        return Schedule.from_api(data, check_rules=True), []
    except ValidationError as error:
        return None, error_messages(error, Schedule)
