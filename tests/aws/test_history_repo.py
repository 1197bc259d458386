"""HistoryRepository against botocore's Stubber (moto has no LookupEvents; the Stubber checks
requests and answers against CloudTrail's real model): paging, filtering by name and group,
the rate limit on a fake clock, each fault, and the audit log merged in."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from schedtui.aws.audit import AuditLog, Outcome
from schedtui.aws.errors import AccessDeniedError, EndpointUnreachableError, ThrottledError
from schedtui.aws.history_repo import HistoryRepository
from schedtui.aws.rate_limit import RateLimiter
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.activity.history import DELAY_NOTE, Source
from tests.aws.conftest import REGION
from tests.aws.trail import event, group_arn, page, schedule_arn, schedule_request

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
T0 = NOW - timedelta(days=3)
# Nothing listens on port 9: a call that escaped the Stubber fails at once.
CLOSED = "http://127.0.0.1:9"


class FakeClock:
    """Time that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture
def clients() -> AwsClients:
    return AwsClients(AwsSettings(region=REGION, endpoint_url=CLOSED, max_attempts=1))


@pytest.fixture
def stub(clients: AwsClients) -> Iterator[Stubber]:
    with Stubber(clients.cloudtrail) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.fixture
def repo(clients: AwsClients, audit: AuditLog, clock: FakeClock) -> HistoryRepository:
    return HistoryRepository(clients, audit, clock=clock.clock, sleep=clock.sleep)


def lookup(key: str, value: str, token: str | None = None) -> dict[str, Any]:
    """The request LookupEvents must receive."""
    request: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": key, "AttributeValue": value}],
        "StartTime": NOW - timedelta(days=90),
        "EndTime": NOW,
        "MaxResults": 50,
    }
    if token:
        request["NextToken"] = token
    return request


def test_pages_are_followed_and_only_this_schedule_in_this_group_is_kept(
    stub: Stubber, repo: HistoryRepository
) -> None:
    stub.add_response("lookup_events", page(
        event("UpdateSchedule", T0 + timedelta(hours=2),
              schedule_request("orders", "x", "cron(0 10 * * ? *)"), event_id="u1"),
        event("UpdateSchedule", T0 + timedelta(hours=1),
              schedule_request("billing", "x", "rate(9 hours)"), event_id="other-group"),
        event("UpdateSchedule", T0 + timedelta(hours=1), schedule_request(None, "x"),
              event_id="default-group"),
        token="p2",
    ), lookup("ResourceName", "x"))  # fmt: skip
    stub.add_response("lookup_events", page(
        event("CreateSchedule", T0, schedule_request("orders", "x"), event_id="c1"),
        event("RunInstances", T0, {"instanceName": "x"}, event_id="ec2",
              source="ec2.amazonaws.com"),
    ), lookup("ResourceName", "x", "p2"))  # fmt: skip

    history = repo.schedule_history("orders", "x", now=NOW)

    assert [e.event_id for e in history.events] == ["u1", "c1"]  # newest first
    assert history.events[0].changes == {
        "ScheduleExpression": ("cron(0 9 * * ? *)", "cron(0 10 * * ? *)")
    }
    assert history.fault is None
    assert DELAY_NOTE in history.notes


def test_paged_requests_are_spaced_half_a_second_on_the_clock(
    clients: AwsClients, stub: Stubber, repo: HistoryRepository, clock: FakeClock
) -> None:
    sent: list[float] = []
    clients.cloudtrail.meta.events.register(
        "before-parameter-build.cloudtrail.LookupEvents", lambda **_: sent.append(clock.now)
    )
    for index in range(4):
        token = f"p{index + 1}" if index < 3 else None
        stub.add_response("lookup_events", page(token=token))

    repo.schedule_history("orders", "x", now=NOW)

    assert len(sent) == 4
    assert all(later - earlier >= 0.5 for earlier, later in itertools.pairwise(sent))
    assert clock.slept == [0.5, 0.5, 0.5]  # exactly what was needed, the first not at all


def test_the_limiter_hands_threads_distinct_slots_and_sleeps_only_when_needed() -> None:
    clock = FakeClock()
    slept: list[float] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            slept.append(seconds)

    limiter = RateLimiter(2, clock=clock.clock, sleep=sleep)
    threads = [threading.Thread(target=limiter.wait) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slept) == [0.5, 1.0, 1.5, 2.0, 2.5]  # the first went at once

    later = RateLimiter(2, clock=clock.clock, sleep=clock.sleep)
    assert later.wait() == 0
    clock.now += 2  # a pause longer than the interval: no wait
    assert later.wait() == 0
    assert later.wait() == 0.5


def test_a_throttle_after_retries_keeps_the_events_before_it_and_the_audit_log(
    stub: Stubber, repo: HistoryRepository, audit: AuditLog
) -> None:
    audit.record(action="UpdateSchedule orders/x", arn=schedule_arn("orders", "x"),
                 changes={"State": ("ENABLED", "DISABLED")}, caller_arn="arn:aws:iam::1:user/me",
                 profile=None, region=REGION, outcome=Outcome.APPLIED)  # fmt: skip
    stub.add_response("lookup_events", page(
        event("UpdateSchedule", T0, schedule_request("orders", "x"), event_id="u1"), token="p2"
    ))  # fmt: skip
    stub.add_client_error("lookup_events", "ThrottlingException", "Rate exceeded", 400)

    history = repo.schedule_history("orders", "x", now=NOW + timedelta(days=10))

    assert history.fault is not None
    assert "throttled" in history.fault
    assert "\n" not in history.fault
    assert isinstance(history.fault_error, ThrottledError)
    assert {e.source for e in history.events} == {Source.CLOUDTRAIL, Source.AUDIT_LOG}
    mine = next(e for e in history.events if e.source is Source.AUDIT_LOG)
    assert mine.changes == {"State": ("ENABLED", "DISABLED")}


def test_access_denied_is_one_line_and_the_audit_log_still_shows(
    stub: Stubber, repo: HistoryRepository, audit: AuditLog
) -> None:
    stub.add_client_error(
        "lookup_events", "AccessDeniedException", "not authorized to cloudtrail:LookupEvents", 400
    )
    audit.record(action="CreateSchedule orders/x", arn=schedule_arn("orders", "x"), changes={},
                 caller_arn="me", profile=None, region=REGION, outcome=Outcome.APPLIED)  # fmt: skip
    history = repo.schedule_history("orders", "x", now=NOW + timedelta(days=10))
    assert isinstance(history.fault_error, AccessDeniedError)
    assert "access denied" in (history.fault or "")
    assert [e.action for e in history.events] == ["CreateSchedule"]


def test_an_endpoint_down_is_a_fault_not_an_exception(
    clients: AwsClients, audit: AuditLog, clock: FakeClock
) -> None:
    repo = HistoryRepository(clients, audit, clock=clock.clock, sleep=clock.sleep)
    history = repo.group_history("orders", now=NOW)
    assert isinstance(history.fault_error, EndpointUnreachableError)
    assert history.events == []


def test_unreadable_audit_lines_are_left_out_with_a_note(
    stub: Stubber, repo: HistoryRepository, audit: AuditLog
) -> None:
    audit.record(action="DeleteSchedule orders/x", arn=schedule_arn("orders", "x"), changes={},
                 caller_arn="me", profile=None, region=REGION, outcome=Outcome.APPLIED)  # fmt: skip
    with audit.path.open("a", encoding="utf-8") as out:
        out.write("{half a line\n" + json.dumps(["not", "an", "entry"]) + "\n")
    stub.add_response("lookup_events", page())
    history = repo.schedule_history("orders", "x", now=NOW + timedelta(days=10))
    assert [e.action for e in history.events] == ["DeleteSchedule"]
    assert any("1 unreadable line" in note for note in history.notes)
    assert any("1 entries left out" in note for note in history.notes)


def test_a_group_holds_its_own_events_and_its_schedules_only(
    stub: Stubber, repo: HistoryRepository
) -> None:
    stub.add_response("lookup_events", page(
        event("CreateScheduleGroup", T0, {"Name": "orders", "ClientToken": "t"}, event_id="g1"),
        event("TagResource", T0 + timedelta(hours=1),
              {"ResourceArn": group_arn("orders"), "Tags": [{"Key": "team", "Value": "ops"}]},
              event_id="tag"),
    ), lookup("ResourceName", "orders"))  # fmt: skip
    stub.add_response("lookup_events", page(
        event("UpdateSchedule", T0 + timedelta(hours=3), schedule_request("orders", "a"),
              event_id="mine"),
        event("UpdateSchedule", T0 + timedelta(hours=3), schedule_request("billing", "a"),
              event_id="theirs"),
        event("TagResource", T0 + timedelta(hours=1),
              {"ResourceArn": group_arn("orders"), "Tags": [{"Key": "team", "Value": "ops"}]},
              event_id="tag"),  # found by both lookups: shown once
    ), lookup("EventSource", "scheduler.amazonaws.com"))  # fmt: skip

    history = repo.group_history("orders", now=NOW)

    assert [e.event_id for e in history.events] == ["mine", "tag", "g1"]
    tag = history.events[1]
    assert tag.changes == {"Tags": (None, [{"Key": "team", "Value": "ops"}])}
    assert (tag.group, tag.name) == ("orders", None)


def test_a_group_scan_stops_at_its_bound_and_says_how_far_it_reached(
    stub: Stubber, repo: HistoryRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("schedtui.aws.history_repo.GROUP_SCAN_PAGES", 2)
    stub.add_response("lookup_events", page())
    stub.add_response("lookup_events", page(
        event("UpdateSchedule", T0, schedule_request("orders", "a"), event_id="1"), token="p2"
    ))  # fmt: skip
    stub.add_response("lookup_events", page(token="p3"))
    history = repo.group_history("orders", now=NOW)
    assert any(
        "newest 100 Scheduler events" in note and "2026-03-07" in note for note in history.notes
    )
