"""The cleanup's candidates (completed, expired, target gone) and its export document."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from schedtui.core.health.cleanup import (
    EXPORT_FORMAT,
    Candidate,
    CleanupReason,
    candidates,
    export_document,
)
from schedtui.core.health.doctor import Diagnosis, DoctorReport
from schedtui.core.health.findings import Finding, FindingKind, Severity
from schedtui.core.schedules.schedule import Schedule
from tests.core.test_health import NOW, make

GONE = Finding(
    FindingKind.TARGET_MISSING,
    Severity.ERROR,
    "function f does not exist",
    fix="re-create it or point the schedule elsewhere",
)
ARN = "arn:aws:scheduler:us-east-1:123456789012:schedule/{group}/{name}"


FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:f"


def named(name: str, group: str = "default", **members: Any) -> Schedule:
    members["target"] = {"Arn": FUNCTION, **members.get("target", {})}
    return make(Name=name, GroupName=group, Arn=ARN.format(group=group, name=name), **members)


def reasons(found: list[Candidate]) -> list[tuple[str, CleanupReason]]:
    return [(c.schedule.name, c.reason) for c in found]


def test_a_past_at_kept_after_completion_is_completed() -> None:
    done = named("done", ScheduleExpression="at(2026-11-01T09:00:00)", ActionAfterCompletion="NONE")
    [found] = candidates([done], NOW)
    assert found.reason is CleanupReason.COMPLETED
    assert "2026-11-01 09:00Z" in found.detail  # the finding's own words, its instant in UTC


def test_an_at_in_the_schedules_zone_counts_when_it_passed_there() -> None:
    # 10:00 in Tokyo is 01:00 UTC: passed at NOW (16:00 UTC) the same day.
    tokyo = named("tokyo", ScheduleExpression="at(2026-11-29T10:00:00)",
                  ScheduleExpressionTimezone="Asia/Tokyo")  # fmt: skip
    assert reasons(candidates([tokyo], NOW)) == [("tokyo", CleanupReason.COMPLETED)]
    # 23:00 in Los Angeles is 07:00 UTC the next day: still ahead.
    ahead = named("ahead", ScheduleExpression="at(2026-11-29T23:00:00)",
                  ScheduleExpressionTimezone="America/Los_Angeles")  # fmt: skip
    assert candidates([ahead], NOW) == []


def test_a_passed_end_date_is_expired_enabled_or_not() -> None:
    expired = named("expired", EndDate=NOW - timedelta(days=3))
    disabled = named("off", EndDate=NOW - timedelta(minutes=1), State="DISABLED")
    found = candidates([expired, disabled], NOW)
    assert reasons(found) == [("expired", CleanupReason.EXPIRED), ("off", CleanupReason.EXPIRED)]
    assert "has passed" in found[0].detail


def test_the_doctor_adds_the_schedules_whose_target_is_gone() -> None:
    orphan, fine = named("orphan", "jobs"), named("fine", "jobs")
    report = DoctorReport((Diagnosis("jobs", "orphan", (GONE,)), Diagnosis("jobs", "fine", ())))
    found = candidates([orphan, fine], NOW, report)
    assert reasons(found) == [("orphan", CleanupReason.TARGET_GONE)]
    assert found[0].detail == GONE.message
    # Without the doctor, only what the definitions say: the target is not judged.
    assert candidates([orphan, fine], NOW) == []


def test_the_doctor_of_another_group_does_not_mark_a_namesake() -> None:
    namesake = named("orphan", "other")
    report = DoctorReport((Diagnosis("jobs", "orphan", (GONE,)),))
    assert candidates([namesake], NOW, report) == []


def test_a_schedule_with_several_reasons_is_listed_once_as_the_first() -> None:
    both = named("both", ScheduleExpression="at(2026-11-01T09:00:00)")
    report = DoctorReport((Diagnosis("default", "both", (GONE,)),))
    assert reasons(candidates([both], NOW, report)) == [("both", CleanupReason.COMPLETED)]


def test_healthy_and_future_schedules_are_not_candidates() -> None:
    healthy = [
        named("cron"),
        named("later", ScheduleExpression="at(2026-12-24T18:00:00)"),
        named("ends-later", EndDate=NOW + timedelta(days=1)),
        named("exactly-now", ScheduleExpression="rate(5 minutes)", EndDate=NOW),
        # AWS ignores EndDate for at(): a future at() with a past EndDate is not expired.
        named(
            "at-end", ScheduleExpression="at(2026-12-24T18:00:00)", EndDate=NOW - timedelta(days=1)
        ),
        named("broken", ScheduleExpression="garbage"),  # judged by nobody: never deleted
    ]
    assert candidates(healthy, NOW, DoctorReport(())) == []


def test_the_export_holds_create_requests_that_re_create_each_schedule() -> None:
    done = named("done", "jobs", ScheduleExpression="at(2026-11-01T09:00:00)",
                 ScheduleExpressionTimezone="Europe/Madrid", ActionAfterCompletion="NONE",
                 Description="one-off \x1b[31m", CreationDate=NOW - timedelta(days=40),
                 LastModificationDate=NOW - timedelta(days=30),
                 target={"Input": '{"a": 1}'})  # fmt: skip
    expired = named("expired", "jobs", ScheduleExpression="rate(1 hour)",
                    StartDate=datetime(2026, 1, 1, tzinfo=UTC), EndDate=NOW - timedelta(days=1),
                    KmsKeyArn="arn:aws:kms:us-east-1:123456789012:key/k")  # fmt: skip
    found = candidates([done, expired], NOW)
    document = json.loads(json.dumps(export_document(found, NOW)))  # JSON through and through
    assert document["format"] == EXPORT_FORMAT
    assert document["exported_at"] == "2026-11-29T16:00:00+00:00"
    entries = document["schedules"]
    assert [(e["reason"], e["arn"]) for e in entries] == [
        ("completed", ARN.format(group="jobs", name="done")),
        ("expired", ARN.format(group="jobs", name="expired")),
    ]
    assert all(e["detail"] for e in entries)
    for entry, original in zip(entries, (done, expired), strict=True):
        request = entry["request"]
        # What AWS sets itself is not part of a create; the rest is, member for member.
        assert not {"Arn", "CreationDate", "LastModificationDate"} & set(request)
        again = Schedule.from_api(request, check_rules=True)  # schedtui's own rules hold
        assert again.rule_violations() == []
        assert again.to_create_request() == original.to_create_request()
    assert entries[1]["request"]["EndDate"] == "2026-11-28T16:00:00+00:00"
    assert entries[0]["request"]["Target"]["Input"] == '{"a": 1}'
