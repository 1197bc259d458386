"""`schedtui history`: formats, hostile text, usage errors, and a fault's exit code.

moto has no LookupEvents: the CloudTrail client every AwsClients hands out is replaced by
one stubbed with botocore's Stubber (answers checked against the real model), and the rate
limiter by one that never sleeps (its spacing is tested on a fake clock in
tests/aws/test_history_repo.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from schedtui.aws.session import AwsClients
from schedtui.cli import main
from tests.aws.conftest import REGION
from tests.aws.trail import event, page, schedule_request

# Nothing listens on port 9: any call the stub does not answer fails at once.
CLOSED = "http://127.0.0.1:9"
# CloudTrail picks the window's events; the repository keeps what it answers.
RECENT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
HOSTILE = "\x1b]0;pwned\x07\x1b[31mred\u202eevil"


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    client = boto3.client("cloudtrail", region_name=REGION, endpoint_url=CLOSED)
    monkeypatch.setattr(AwsClients, "cloudtrail", property(lambda self: client))
    monkeypatch.setattr("schedtui.aws.rate_limit.RateLimiter.wait", lambda self: 0.0)
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # the table's local zone: +05:30
    time.tzset()
    with Stubber(client) as stubber:
        yield stubber
    monkeypatch.undo()
    time.tzset()


def history(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["history", *args, "--endpoint-url", CLOSED])
    out = capsys.readouterr()
    return code, out.out, out.err


def two_events() -> dict[str, Any]:
    return page(
        event("UpdateSchedule", RECENT + timedelta(hours=1),
              schedule_request("orders", "x", "cron(0 25 * * ? *)"), event_id="u1",
              agent=HOSTILE, who=f"arn:aws:iam::123456789012:user/{HOSTILE}"),
        event("CreateSchedule", RECENT, schedule_request("orders", "x"), event_id="c1"),
    )  # fmt: skip


def test_json_has_every_event_with_its_changes_in_utc(
    stub: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.add_response("lookup_events", two_events())
    code, out, err = history(capsys, "orders/x", "-o", "json")
    assert code == 0, err
    assert "\x1b" not in out
    assert "\u202e" not in out
    events = json.loads(out)["Events"]
    assert [e["EventId"] for e in events] == ["u1", "c1"]
    assert events[0]["Changes"]["ScheduleExpression"] == {
        "Before": "cron(0 9 * * ? *)",
        "After": "cron(0 25 * * ? *)",
    }
    assert events[0]["UserAgent"] == HOSTILE  # the same value, once parsed
    assert events[0]["Time"].endswith("+00:00")
    assert "5-15 minutes" in err  # the repository's notes, on stderr


def test_the_table_is_in_local_time_and_shows_hostile_text_inert(
    stub: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.add_response("lookup_events", two_events())
    code, out, _ = history(capsys, "orders/x")
    assert code == 0
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "\x07" not in out
    assert "\\u202e" in out  # shown as its escape
    assert "2026-03-01 15:30:00 IST" in out  # 10:00 UTC
    assert "ScheduleExpression: cron(0 9 * * ? *) -> cron(0 25 * * ? *)" in out


def test_a_throttled_lookup_prints_the_fault_on_stderr_and_exits_3(
    stub: Stubber, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.add_response("lookup_events", page(*two_events()["Events"], token="p2"))
    stub.add_client_error("lookup_events", "ThrottlingException", "Rate exceeded", 400)
    code, out, err = history(capsys, "orders/x", "-o", "jsonl")
    assert code == 3
    assert len(out.splitlines()) == 2  # what came before the fault
    assert "schedtui history: CloudTrail LookupEvents: throttled" in err


def test_access_denied_exits_4(stub: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    stub.add_client_error("lookup_events", "AccessDeniedException", "no", 400)
    code, _, err = history(capsys, "--group", "orders")
    assert code == 4
    assert "access denied" in err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--days", "91"], "--days: '91' is not a number of days from 1 to 90"),
        (["--days", "0"], "from 1 to 90"),
        ([], "give one of G/NAME"),
        (["--group", "orders"], "give one of G/NAME"),  # with orders/x: both
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    schedule = ["orders/x"] if args != [] else []
    try:
        code, _, err = history(capsys, *schedule, *args)
    except SystemExit as exit:  # argparse's own refusal
        code, err = int(exit.code or 0), capsys.readouterr().err
    assert code == 2
    assert says in err
    assert len(err.strip().splitlines()) == 1
