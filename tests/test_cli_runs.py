"""`schedtui runs G/NAME` against moto over HTTP: json and table, local times, hostile text,
the exit code of a partial report and of a schedule that does not exist."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from schedtui.cli import main
from schedtui.cli import runs as runs_command
from tests.aws.conftest import ROLE
from tests.aws.lossy_proxy import LossyProxy
from tests.aws.test_runs_repo import BAD_ID, ESC, FUNCTION_ARN, NOW, _log_lines
from tests.conftest import Seeding


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Madrid")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def account(moto_endpoint: str, seeding: Seeding, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(runs_command, "clock", lambda: NOW)

    client = seeding
    scheduler = client("scheduler")
    scheduler.create_schedule_group(Name="reports")
    scheduler.create_schedule(
        Name="nightly",
        GroupName="reports",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": FUNCTION_ARN, "RoleArn": ROLE},
    )
    at = NOW - timedelta(minutes=20)
    _log_lines(
        client,
        [
            (at, f"[ERROR] Boom {ESC}\nnext line {BAD_ID}"),
            (at, f"REPORT RequestId: {BAD_ID}\tDuration: 250.00 ms"),
        ],
        group="nightly-report",
    )
    return moto_endpoint


def run(capsys: pytest.CaptureFixture[str], endpoint: str, *args: str) -> tuple[int, str, str]:
    code = main([*args, "--endpoint-url", endpoint, "--read-only"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_runs_as_json(account: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, account, "runs", "reports/nightly", "--window", "1h", "-o", "json")
    document = json.loads(out)
    assert document["Kind"] == "Lambda"
    assert document["Window"] == "1h"
    assert document["End"] == "2026-03-02T12:00:00+00:00"
    assert document["Durations"] == [
        {"At": "2026-03-02T11:40:00+00:00", "Seconds": 0.25, "Failed": True}
    ]
    assert document["Failures"][0]["Text"].startswith(f"[ERROR] Boom {ESC}")  # data, as sent
    assert ESC not in out  # ...written escaped: the terminal never receives it
    # The function itself is gone (never created here): its logs still show, and the
    # report is partial.
    assert set(document["Faults"]) == {"function"}
    assert code == 3
    assert err.startswith("schedtui runs: function: GetFunctionConfiguration nightly-report: ")


@pytest.mark.usefixtures("local_zone")
def test_runs_as_a_table_in_local_time(account: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, account, "runs", "reports/nightly", "--window", "1h")
    assert code == 3
    assert "\x1b" not in out
    assert out.startswith("reports/nightly: Lambda nightly-report, last 1h")
    failure = next(line for line in out.splitlines() if "[ERROR] Boom" in line)
    # 11:40 UTC is 12:40 in Madrid; the log line's newline and escapes shown inert, one line.
    assert failure.startswith("2026-03-02 12:40:00 CET")
    assert "␛]0;pwned␇" in failure
    assert "next line" in failure
    assert "NOT FETCHED" in out


def test_runs_of_a_schedule_that_does_not_exist(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, account, "runs", "reports/gone")
    assert code == 1
    assert out == ""
    assert "not found" in err


def test_runs_denied_a_part_exits_4_as_the_table_says(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """CloudWatch and CloudWatch Logs (their JSON POSTs) answer AccessDenied: the report is
    still printed, each denied part is a line on stderr, and the code is 4 (not allowed:
    retrying will not help), the worst of the faults (the missing function is a 3)."""
    with LossyProxy(account) as proxy:
        proxy.spoil("POST", "/", "deny", times=100)
        code, out, err = run(capsys, proxy.url, "runs", "reports/nightly", "-o", "json")
    document = json.loads(out)
    assert "access denied" in document["Faults"]["logs"]
    assert "schedtui runs: logs: " in err
    assert code == 4


def test_runs_refuses_a_window_it_does_not_offer(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["runs", "reports/nightly", "--window", "2h"])
    assert exit_.value.code == 2
    assert "--window" in capsys.readouterr().err
