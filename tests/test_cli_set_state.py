"""`schedtui set-state`: the TUI's toggle path for scripts, against moto over HTTP.

A recording proxy sits in front of moto and keeps every request that reaches it, so "sends
nothing" and "sends the whole schedule exactly once" are checked on the server's side.
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.aws.conftest import full_schedule
from tests.aws.lossy_proxy import LossyProxy
from tests.test_cli_scripting import Ran, run, scheduler

NIGHTLY = "default/nightly-report"
WEEKLY = "default/weekly-report"


@pytest.fixture
def account(moto_endpoint: str) -> str:
    client = scheduler(moto_endpoint)
    client.create_schedule(**full_schedule())
    client.create_schedule(**full_schedule("weekly-report", ScheduleExpression="rate(7 days)"))
    return moto_endpoint


@pytest.fixture
def proxy(account: str) -> Any:
    with LossyProxy(account) as recording:
        yield recording


def writes(proxy: LossyProxy) -> list[tuple[str, str, bytes]]:
    """Every request that could change something (anything but a GET: STS and SQS answer
    POSTs too, and none of those should be sent by a refused command either)."""
    return [request for request in proxy.sent if request[0] != "GET"]


def get(endpoint: str, key: str = NIGHTLY) -> dict[str, Any]:
    group, name = key.split("/")
    answer: dict[str, Any] = scheduler(endpoint).get_schedule(GroupName=group, Name=name)
    answer.pop("ResponseMetadata")
    return answer


def audit_lines() -> list[dict[str, Any]]:
    path = Path(os.environ["XDG_STATE_HOME"]) / "schedtui" / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_read_only_refuses_before_sending_anything(
    account: str, proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, proxy.url, "set-state", NIGHTLY, "--disable", "--yes", "--read-only")
    assert result.code == 4
    assert result.out == ""
    assert result.err == (
        f"schedtui set-state: UpdateSchedule {NIGHTLY}: refused, schedtui is read-only "
        "(started with --read-only)\n"
    )
    assert proxy.sent == []  # not a write, not even a read
    assert audit_lines() == []
    assert get(account)["State"] == "ENABLED"


def test_read_only_dry_run_reads_and_plans_and_writes_nothing(
    account: str, proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, proxy.url, "--read-only", "set-state", NIGHTLY, "--disable", "--dry-run")
    assert result.code == 0, result.err
    header, row = result.out.splitlines()
    assert header.split() == ["GROUP", "NAME", "WAS", "STATE", "OUTCOME", "DETAIL"]
    assert row.split()[:5] == ["default", "nightly-report", "ENABLED", "ENABLED", "planned"]
    assert row.endswith("State: ENABLED → DISABLED")
    assert proxy.sent  # it did read
    assert writes(proxy) == []


def test_disable_sends_the_whole_schedule_once_and_audits_it(
    account: str, proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    before = get(account)
    result = run(capsys, proxy.url, "set-state", NIGHTLY, "--disable", "--yes", "-o", "json")
    assert result.code == 0, result.err
    (record,) = result.json()["Results"]
    assert record["Outcome"] == "applied"
    assert (record["PreviousState"], record["State"]) == ("ENABLED", "DISABLED")
    assert record["Changes"] == {"State": {"Before": "ENABLED", "After": "DISABLED"}}
    assert record["ExitCode"] == 0

    (update,) = [request for request in writes(proxy) if request[0] == "PUT"]
    assert update[1] == "/schedules/nightly-report"
    sent = json.loads(update[2])
    assert sent.pop("ClientToken")
    assert sent.pop("State") == "DISABLED"
    kept = {k: v for k, v in before.items() if k not in ("Arn", "CreationDate", "State", "Name")}
    kept.pop("LastModificationDate")
    assert {k: v for k, v in sent.items() if k in kept} == kept  # every member sent back

    after = get(account)
    assert after["State"] == "DISABLED"
    for member in set(before) - {"State", "LastModificationDate"}:
        assert after[member] == before[member], member
    (line,) = audit_lines()
    assert line["action"] == f"UpdateSchedule {NIGHTLY}"
    assert line["outcome"] == "applied"
    assert line["changes"] == {"State": {"before": "ENABLED", "after": "DISABLED"}}


def test_a_schedule_already_in_that_state_is_left_alone(
    account: str, proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, proxy.url, "set-state", NIGHTLY, "--enable", "--yes", "-o", "jsonl")
    assert result.code == 0, result.err
    (record,) = result.lines()
    assert record["Outcome"] == "unchanged"
    assert record["State"] == "ENABLED"
    assert writes(proxy) == []
    assert audit_lines() == []


def test_several_schedules_each_have_an_outcome_and_the_exit_code_is_the_worst(
    account: str, proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.spoil("PUT", "/schedules/weekly-report", "deny")
    result = run(
        capsys,
        proxy.url,
        "set-state",
        NIGHTLY,
        "default/nope",
        WEEKLY,
        NIGHTLY,  # named twice: changed once
        "--disable",
        "--yes",
        "-o",
        "text",
    )
    assert result.code == 4  # applied (0), not found (1), denied (4)
    lines = [line.split("\t") for line in result.out.splitlines()]
    assert [fields[:5] for fields in lines] == [
        ["default", "nightly-report", "ENABLED", "DISABLED", "applied"],
        ["default", "nope", "", "", "failed"],
        ["default", "weekly-report", "ENABLED", "ENABLED", "failed"],
    ]
    assert "not found" in lines[1][5]
    assert "access denied" in lines[2][5]
    assert get(account, WEEKLY)["State"] == "ENABLED"
    assert [line["outcome"] for line in audit_lines()] == ["applied", "refused"]


def test_without_yes_and_without_a_terminal_nothing_is_read_or_sent(
    account: str, proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, proxy.url, "set-state", NIGHTLY, "--disable")
    assert result.code == 2
    assert result.err.startswith("schedtui set-state: stdin is not a terminal to confirm on")
    assert proxy.sent == []


@pytest.mark.parametrize(("answer", "state", "code"), [("y", "DISABLED", 0), ("n", "ENABLED", 2)])
def test_on_a_terminal_it_shows_the_plan_and_asks(
    account: str, tmp_path: Path, answer: str, state: str, code: int
) -> None:
    controller, terminal = pty.openpty()
    os.write(controller, f"{answer}\n".encode())  # typed ahead: the terminal holds it
    command = ["set-state", NIGHTLY, "--disable", "--endpoint-url", account]
    result = subprocess.run(
        [sys.executable, "-m", "schedtui", *command],
        stdin=terminal,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "XDG_STATE_HOME": str(tmp_path)},
    )
    os.close(terminal)
    os.close(controller)
    assert result.returncode == code, result.stderr
    assert f"  {NIGHTLY}  ENABLED → DISABLED" in result.stderr
    assert "Disable 1 schedule? [y/N]" in result.stderr
    assert get(account)["State"] == state
    if answer == "n":
        assert result.stdout == ""
        assert "not confirmed: nothing was sent" in result.stderr


@pytest.mark.parametrize(
    ("mode", "outcome", "verified", "code", "state"),
    [
        ("apply-then-drop", "applied", "applied", 0, "DISABLED"),
        ("drop", "unknown", "not applied", 3, "ENABLED"),
    ],
)
def test_a_lost_answer_is_read_again_and_the_outcome_says_what_aws_holds(
    account: str,
    proxy: LossyProxy,
    capsys: pytest.CaptureFixture[str],
    mode: Any,
    outcome: str,
    verified: str,
    code: int,
    state: str,
) -> None:
    proxy.spoil("PUT", "/schedules/nightly-report", mode)
    result: Ran = run(capsys, proxy.url, "set-state", NIGHTLY, "--disable", "--yes", "-o", "json")
    assert result.code == code
    (record,) = result.json()["Results"]
    assert (record["Outcome"], record["Verified"], record["State"]) == (outcome, verified, state)
    assert "outcome unknown, the answer was lost" in record["Error"]
    assert proxy.count("PUT", "/schedules/nightly-report") == 1  # never sent twice
    assert get(account)["State"] == state
    (line,) = audit_lines()
    assert (line["outcome"], line["verified"]) == ("unknown", verified)


def test_a_config_file_that_says_read_only_refuses_and_read_write_overrides_it(
    account: str, proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "schedtui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("read_only = true\n")
    refused = run(capsys, proxy.url, "set-state", NIGHTLY, "--disable", "--yes")
    assert refused.code == 4
    # One line, naming what made it read-only: the config file, not a flag never given.
    assert refused.err == (
        f"schedtui set-state: UpdateSchedule {NIGHTLY}: refused, schedtui is read-only "
        f"(read_only = true in {config}; --read-write allows changes)\n"
    )
    assert proxy.sent == []

    allowed = run(capsys, proxy.url, "set-state", NIGHTLY, "--disable", "--yes", "--read-write")
    assert allowed.code == 0, allowed.err
    assert get(account)["State"] == "DISABLED"


def test_ctrl_c_while_the_write_is_on_the_wire_is_audited_as_unknown_and_exits_130(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The PUT reaches AWS (and applies), then Ctrl-C arrives while schedtui waits for the
    answer: the audit log still gets its line, and the operator is told what to check."""
    main_thread = threading.main_thread().ident
    assert main_thread is not None
    with LossyProxy(account, slow_seconds=1.0) as proxy:
        proxy.spoil("PUT", "/schedules/nightly-report", "apply-then-slow")
        forward = proxy._forward

        def forward_then_interrupt(request: Any, body: bytes) -> Any:
            answer = forward(request, body)
            if request.command == "PUT":  # applied on the server; the answer not yet sent
                signal.pthread_kill(main_thread, signal.SIGINT)
            return answer

        setattr(proxy, "_forward", forward_then_interrupt)  # noqa: B010
        answer = proxy._answer

        def answer_nobody_reads(*args: Any) -> None:
            with contextlib.suppress(OSError):  # schedtui hung up on Ctrl-C
                answer(*args)

        # Set for good, not monkeypatched: the handler answers after this test has ended.
        setattr(proxy, "_answer", answer_nobody_reads)  # noqa: B010
        result = run(capsys, proxy.url, "set-state", NIGHTLY, "--disable", "--yes")
    assert result.code == 130
    (line,) = result.err.splitlines()
    assert f"the outcome of {NIGHTLY} is unknown" in line
    assert f"`schedtui get {NIGHTLY}`" in line
    (audited,) = audit_lines()
    assert audited["outcome"] == "unknown"
    assert audited["error"] == "interrupted: the answer was not read"
    assert audited["action"] == f"UpdateSchedule {NIGHTLY}"
    assert get(account)["State"] == "DISABLED"  # it was sent, and applied
