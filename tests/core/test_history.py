"""Reading CloudTrail's events about Scheduler and what each change changed: pure, no AWS."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from schedtui.core.activity.history import (
    NO_PREDECESSOR,
    NOT_HELD,
    REDACTED,
    Source,
    Subject,
    TrailEntry,
    audit_event,
    merged,
    read_trail_event,
    with_changes,
)
from tests.aws.trail import event, schedule_arn, schedule_request

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def read(raw: dict[str, Any]) -> TrailEntry | None:
    names = [resource["ResourceName"] for resource in raw.get("Resources", [])]
    return read_trail_event(
        event_id=raw["EventId"],
        event_name=raw["EventName"],
        event_time=raw["EventTime"],
        username=raw["Username"],
        resource_names=names,
        document_text=raw["CloudTrailEvent"],
    )


def entries(*raws: dict[str, Any]) -> list[TrailEntry]:
    found = [read(raw) for raw in raws]
    assert all(found)
    return [entry for entry in found if entry]


def test_an_event_reads_who_from_where_and_which_schedule() -> None:
    entry = read(event("UpdateSchedule", T0, schedule_request("orders", "x"), event_id="e1"))
    assert entry is not None
    assert entry.subject == Subject("orders", "x")
    assert entry.event.who.endswith(":assumed-role/ops/alice")  # type: ignore[union-attr]
    assert entry.event.user_agent.startswith("aws-cli/2.15.0")  # type: ignore[union-attr]
    assert (entry.event.source_ip, entry.event.at, entry.event.event_id) == (
        "203.0.113.7",
        T0,
        "e1",
    )
    assert entry.event.source is Source.CLOUDTRAIL


def test_no_group_name_is_the_default_group_and_lower_camel_case_reads_the_same() -> None:
    plain = read(event("CreateSchedule", T0, schedule_request(None, "x"), event_id="e1"))
    assert plain is not None
    assert plain.subject == Subject("default", "x")
    camel = {"name": "x", "groupName": "orders", "scheduleExpression": "rate(1 hour)",
             "target": {"arn": "a", "roleArn": "r"}}  # fmt: skip
    entry = read(event("CreateSchedule", T0, camel, event_id="e2"))
    assert entry is not None
    assert entry.subject == Subject("orders", "x")
    assert entry.request == {"Name": "x", "GroupName": "orders", "ScheduleExpression":
                             "rate(1 hour)", "Target": {"Arn": "a", "RoleArn": "r"}}  # fmt: skip


def test_the_schedule_comes_from_an_arn_when_the_request_is_hidden() -> None:
    raw = event("DeleteSchedule", T0, REDACTED, event_id="e1", resource=schedule_arn("b", "x"))
    entry = read(raw)
    assert entry is not None
    assert entry.subject == Subject("b", "x")
    assert read(event("DeleteSchedule", T0, REDACTED, event_id="e2")).subject is None  # type: ignore[union-attr]


def test_other_services_and_reads_are_not_history() -> None:
    other = event("UpdateFunctionConfiguration", T0, {"functionName": "x"}, event_id="e1",
                  source="lambda.amazonaws.com")  # fmt: skip
    assert read(other) is None
    assert read(event("GetSchedule", T0, {"Name": "x"}, event_id="e2")) is None


def test_a_malformed_cloudtrail_event_never_raises_and_unreadable_members_are_none() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    wrong_types = json.dumps({"eventSource": "scheduler.amazonaws.com", "userIdentity": "me",
                              "userAgent": 7, "sourceIPAddress": ["x"], "errorCode": {},
                              "requestParameters": {"Name": "x", "GroupName": 5}})  # fmt: skip
    nested = json.dumps({"requestParameters": {"Name": "x", "Target": _nest(500)}})
    for text in ("{not json", deep, "null", "[]", wrong_types, nested, ""):
        raw = event("UpdateSchedule", T0, {}, event_id="e1", document=text)
        entry = read(raw)
        assert entry is not None  # the event's own members still place it
        assert entry.event.at == T0
        assert entry.event.who == "alice"
        assert entry.event.user_agent is None
        assert entry.event.source_ip is None
    # A GroupName of the wrong type says nothing: the event is not given to the default group.
    assert read(event("UpdateSchedule", T0, {}, event_id="e", document=wrong_types)).subject is None  # type: ignore[union-attr]
    deep_entry = read(event("UpdateSchedule", T0, {}, event_id="e", document=nested))
    assert deep_entry is not None
    assert "(nested too deep to show)" in json.dumps(deep_entry.request)


def _nest(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"a": value}
    return value


def test_each_update_is_compared_with_the_request_before_it() -> None:
    created = schedule_request("orders", "x", "cron(0 9 * * ? *)")
    moved = schedule_request("orders", "x", "cron(0 10 * * ? *)")
    broken = schedule_request("orders", "x", "cron(0 10 * * ? *)", State="DISABLED",
                              Description="paused")  # fmt: skip
    events = with_changes(entries(
        event("UpdateSchedule", T0 + timedelta(hours=2), broken, event_id="e3"),
        event("CreateSchedule", T0, created, event_id="e1"),
        event("UpdateSchedule", T0 + timedelta(hours=1), moved, event_id="e2"),
    ))  # fmt: skip
    by_id = {e.event_id: e for e in events}
    assert by_id["e2"].changes == {
        "ScheduleExpression": ("cron(0 9 * * ? *)", "cron(0 10 * * ? *)")
    }
    assert by_id["e3"].changes == {
        "State": ("ENABLED", "DISABLED"),
        "Description": (None, "paused"),
    }
    # A create sets every member from nothing (ClientToken, new on every call, is noise).
    assert by_id["e1"].changes is not None
    assert by_id["e1"].changes["ScheduleExpression"] == (None, "cron(0 9 * * ? *)")
    assert "ClientToken" not in by_id["e1"].changes
    # Target.Input is hidden by CloudTrail on both sides: never claimed unchanged or changed.
    assert "Target.Input" not in by_id["e2"].changes  # type: ignore[operator]
    assert "CloudTrail hides Target.Input" in (by_id["e2"].changes_note or "")


def test_the_oldest_update_and_a_hidden_request_have_no_changes_and_say_why() -> None:
    events = with_changes(entries(
        event("UpdateSchedule", T0, schedule_request("g", "x"), event_id="e1"),
        event("UpdateSchedule", T0 + timedelta(hours=1), REDACTED, event_id="e2"),
        event("UpdateSchedule", T0 + timedelta(hours=2), None, event_id="e3",
              resource=schedule_arn("g", "x")),
    ))  # fmt: skip
    by_id = {e.event_id: e for e in events}
    assert (by_id["e1"].changes, by_id["e1"].changes_note) == (None, NO_PREDECESSOR)
    assert (by_id["e2"].changes, by_id["e2"].changes_note) == (None, NOT_HELD)
    assert (by_id["e3"].changes, by_id["e3"].changes_note) == (None, NOT_HELD)


def test_a_failed_update_changed_nothing_and_a_delete_has_no_field_changes() -> None:
    first = schedule_request("g", "x", "rate(1 hour)")
    refused = schedule_request("g", "x", "cron(bad)")
    fixed = schedule_request("g", "x", "rate(2 hours)")
    events = with_changes(entries(
        event("CreateSchedule", T0, first, event_id="e1"),
        event("UpdateSchedule", T0 + timedelta(minutes=1), refused, event_id="e2",
              error=("ValidationException", "Invalid Schedule Expression")),
        event("UpdateSchedule", T0 + timedelta(minutes=2), fixed, event_id="e3"),
        event("DeleteSchedule", T0 + timedelta(minutes=3), {"Name": "x", "GroupName": "g"},
              event_id="e4"),
    ))  # fmt: skip
    by_id = {e.event_id: e for e in events}
    assert by_id["e2"].error == "ValidationException: Invalid Schedule Expression"
    assert (by_id["e2"].changes_note or "").startswith("the call failed: nothing changed")
    # Compared with the create, not with the refused request.
    assert by_id["e3"].changes == {"ScheduleExpression": ("rate(1 hour)", "rate(2 hours)")}
    assert by_id["e4"].changes == {}


def test_schedules_of_the_same_name_in_two_groups_are_diffed_apart() -> None:
    events = with_changes(entries(
        event("CreateSchedule", T0, schedule_request("a", "x", "rate(1 hour)"), event_id="a1"),
        event("CreateSchedule", T0, schedule_request("b", "x", "rate(5 hours)"), event_id="b1"),
        event("UpdateSchedule", T0 + timedelta(hours=1),
              schedule_request("a", "x", "rate(2 hours)"), event_id="a2"),
    ))  # fmt: skip
    a2 = next(e for e in events if e.event_id == "a2")
    assert a2.changes == {"ScheduleExpression": ("rate(1 hour)", "rate(2 hours)")}


def test_an_audit_entry_is_marked_as_such_with_its_changes_and_outcome() -> None:
    line = {"time": "2026-03-01T10:00:00+00:00", "caller": "arn:aws:iam::1:user/bob",
            "action": "UpdateSchedule g/x", "arn": schedule_arn("g", "x"), "outcome": "refused",
            "error": "UpdateSchedule g/x: rejected by AWS: bad",
            "changes": {"State": {"before": "ENABLED", "after": "DISABLED"}}}  # fmt: skip
    found = audit_event(line)
    assert found is not None
    assert (found.source, found.action, found.group, found.name) == (
        Source.AUDIT_LOG,
        "UpdateSchedule",
        "g",
        "x",
    )
    assert found.changes == {"State": ("ENABLED", "DISABLED")}
    assert found.error == "refused: UpdateSchedule g/x: rejected by AWS: bad"
    assert found.who == "arn:aws:iam::1:user/bob"
    for bad in (None, [], "text", {"time": "yesterday", "action": "X"}, {"time": 5}):
        assert audit_event(bad) is None


def test_merged_is_newest_first() -> None:
    old = audit_event({"time": "2026-03-01T08:00:00+00:00", "action": "DeleteSchedule g/x",
                       "arn": schedule_arn("g", "x"), "outcome": "applied"})  # fmt: skip
    trail = with_changes(
        entries(event("CreateSchedule", T0, schedule_request("g", "x"), event_id="e1"))
    )
    assert old is not None
    assert [e.source for e in merged(trail, [old])] == [Source.CLOUDTRAIL, Source.AUDIT_LOG]
