"""The read-only scripting subcommands (`groups`, `list`, `get`, `dlq`) against moto over HTTP:
every format, the field names scripts rely on, exit codes, and real pipes into a reader.

Most runs call `main()` in this process (fast); the pipe tests run `python -m schedtui`
with its stdout connected to another process's stdin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest

from schedtui.aws.errors import (
    AccessDeniedError,
    AwsError,
    CredentialsExpiredError,
    CredentialsMissingError,
    EndpointUnreachableError,
    NotFoundError,
    OutcomeUnknownError,
    ReadOnlyError,
    StaleScheduleError,
    ThrottledError,
    UnsafeWriteError,
    Verified,
)
from schedtui.cli import main, scripting
from schedtui.cli.exits import exit_code
from tests.aws.conftest import ACCOUNT, DLQ, LAMBDA, REGION, full_schedule, seed
from tests.aws.lossy_proxy import LossyProxy
from tests.aws.test_dlq_repo import scheduler_attributes


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]


def run(capsys: pytest.CaptureFixture[str], endpoint: str, *args: str) -> Ran:
    """``schedtui ARGS --endpoint-url ENDPOINT`` in this process."""
    code = main([*args, "--endpoint-url", endpoint])
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


def process(*args: str, **options: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "2"}
    return subprocess.Popen([sys.executable, "-m", "schedtui", *args], env=env, **options)


def scheduler(endpoint: str) -> Any:
    return boto3.client("scheduler", region_name=REGION, endpoint_url=endpoint)


def sqs(endpoint: str) -> Any:
    return boto3.client("sqs", region_name=REGION, endpoint_url=endpoint)


@pytest.fixture
def account(moto_endpoint: str) -> str:
    """Two groups: 150 enabled schedules in `orders` (two pages), 30 disabled ones in
    `billing`, and one careful schedule with a DLQ in `default`."""
    seed(150, "orders", prefix="export")
    seed(30, "billing", prefix="invoice", state="DISABLED")
    scheduler(moto_endpoint).create_schedule(**full_schedule())
    return moto_endpoint


# -- groups --------------------------------------------------------------------------------------


def test_groups_as_json_and_as_a_table(account: str, capsys: pytest.CaptureFixture[str]) -> None:
    document = run(capsys, account, "groups", "-o", "json")
    assert document.code == 0, document.err
    groups = {group["Name"]: group for group in document.json()["ScheduleGroups"]}
    assert set(groups) == {"default", "orders", "billing"}
    assert groups["orders"]["Arn"] == (
        f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/orders"
    )
    assert groups["orders"]["State"] == "ACTIVE"
    assert set(groups["orders"]) >= {"Name", "Arn", "State", "CreationDate", "LastModificationDate"}

    table = run(capsys, account, "groups")  # table is the default
    header, *rows = table.out.splitlines()
    assert header.split() == ["NAME", "STATE", "CREATED", "LAST", "MODIFIED"]
    assert sorted(row.split()[0] for row in rows) == ["billing", "default", "orders"]
    # Aligned: every row's STATE starts under the header's.
    assert {row.index("ACTIVE") for row in rows} == {header.index("STATE")}


# -- list ----------------------------------------------------------------------------------------


def test_list_as_json_has_the_api_member_names_and_every_schedule(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, account, "list", "-o", "json")
    assert result.code == 0, result.err
    schedules = result.json()["Schedules"]
    assert len(schedules) == 181
    nightly = next(s for s in schedules if s["Name"] == "nightly-report")
    assert nightly["GroupName"] == "default"
    assert nightly["State"] == "ENABLED"
    assert nightly["Arn"].endswith(":schedule/default/nightly-report")
    assert nightly["Target"] == {"Arn": LAMBDA}
    # Dates are ISO-8601 in UTC.
    assert datetime.fromisoformat(nightly["CreationDate"]).utcoffset().total_seconds() == 0


def test_list_filters_run_on_the_server_and_the_tui_filter_on_the_summaries(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    def names(*args: str) -> list[str]:
        result = run(capsys, account, "list", "-o", "jsonl", *args)
        assert result.code == 0, result.err
        return sorted(record["Name"] for record in result.lines())

    assert len(names("--group", "billing")) == 30
    assert len(names("--state", "disabled")) == 30
    assert names("--name-prefix", "export-0001") == [f"export-0001{i}" for i in range(10)]
    assert names("--filter", "state:enabled target:lambda group:default") == ["nightly-report"]
    assert names("--filter", "is:paused invoice-0002") == [f"invoice-0002{i}" for i in range(10)]
    assert len(names("--group", "orders", "--filter", "export-0014")) == 10


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("tz:europe", "tz:europe needs each schedule's definition"),
        ("is:failing", "is:failing needs the failure figures"),
        ("is:broken", "is:broken is not one of is:enabled, is:disabled, is:paused"),
    ],
)
def test_list_refuses_filter_terms_a_summary_cannot_decide(
    moto_endpoint: str, capsys: pytest.CaptureFixture[str], expression: str, says: str
) -> None:
    result = run(capsys, moto_endpoint, "list", "--filter", expression)
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith(f"schedtui list: --filter: {says}")
    assert len(result.err.splitlines()) == 1


def test_list_as_text_is_tab_separated_and_as_a_table_aligned(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = run(capsys, account, "list", "-o", "text", "--group", "default")
    (line,) = text.out.splitlines()
    fields = line.split("\t")
    assert fields[:4] == ["default", "nightly-report", "ENABLED", LAMBDA]
    assert fields[4].endswith(":schedule/default/nightly-report")
    assert len(fields) == 7

    table = run(capsys, account, "list", "--group", "billing")
    header, *rows = table.out.splitlines()
    assert header.split()[:4] == ["GROUP", "NAME", "STATE", "TARGET"]
    assert len(rows) == 30
    assert {row.index("DISABLED") for row in rows} == {header.index("STATE")}
    assert all("Lambda nightly-report" in row for row in rows)


def test_list_jsonl_through_a_real_pipe_into_python(account: str) -> None:
    """Two processes joined by a pipe, as a shell joins them: the reader sees every record."""
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import json, sys\n"
            "records = [json.loads(line) for line in sys.stdin]\n"
            "print(len(records), sum(r['State'] == 'DISABLED' for r in records))",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    writer = process("list", "-o", "jsonl", "--endpoint-url", account, stdout=reader.stdin)
    assert reader.stdin is not None
    reader.stdin.close()  # the writer holds the pipe's write end now
    assert reader.stdout is not None
    with reader.stdout:
        out = reader.stdout.read()
    assert writer.wait(timeout=60) == 0
    assert reader.wait(timeout=60) == 0
    assert out.decode().split() == ["181", "30"]


def test_a_reader_that_stops_early_ends_the_listing_quietly(account: str) -> None:
    """`schedtui list | head -1`: the writer stops on the closed pipe, without a traceback."""
    writer = process(
        "list",
        "-o",
        "jsonl",
        "--endpoint-url",
        account,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert writer.stdout is not None
    first = json.loads(writer.stdout.readline())
    writer.stdout.close()
    assert writer.wait(timeout=60) == 141  # 128 + SIGPIPE, as a shell reports it
    assert writer.stderr is not None
    with writer.stderr:
        assert b"Traceback" not in writer.stderr.read()
    assert set(first) >= {"Name", "GroupName", "State", "Arn"}


# -- get -----------------------------------------------------------------------------------------


def test_get_prints_the_schedule_as_getschedule_returns_it(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, account, "get", "default/nightly-report", "-o", "json")
    assert result.code == 0, result.err
    answer = scheduler(account).get_schedule(GroupName="default", Name="nightly-report")
    answer.pop("ResponseMetadata")
    expected = json.loads(json.dumps(answer, default=lambda value: value.isoformat()))
    assert result.json() == expected
    assert result.json()["Target"]["DeadLetterConfig"] == {"Arn": DLQ}

    line = run(capsys, account, "get", "default/nightly-report", "-o", "jsonl")
    assert line.out.count("\n") == 1
    assert json.loads(line.out) == expected


def test_get_as_a_table_and_as_text_one_line_per_member(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    table = run(capsys, account, "get", "default/nightly-report")
    header, *rows = table.out.splitlines()
    assert header.split() == ["MEMBER", "VALUE"]
    cells = {row.split()[0]: row.split()[1:] for row in rows}
    assert cells["Target.RetryPolicy.MaximumRetryAttempts"] == ["3"]
    assert cells["Description"] == ["Nightly", "report", "for", "finance"]
    # Aligned: every value starts under the header's VALUE.
    assert {row.index(cells[row.split()[0]][0]) for row in rows} == {header.index("VALUE")}
    text = run(capsys, account, "get", "default/nightly-report", "-o", "text")
    members = dict(line.split("\t") for line in text.out.splitlines())
    assert members["Target.DeadLetterConfig.Arn"] == DLQ
    assert members["FlexibleTimeWindow.MaximumWindowInMinutes"] == "30"
    assert members["ScheduleExpressionTimezone"] == "Europe/Madrid"


def test_hostile_text_never_reaches_the_terminal_and_never_splits_a_record(
    moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "\x1b]0;pwned\x07\x1b[31mred\ttabbed\nsecond line\u202e"
    scheduler(moto_endpoint).create_schedule(**full_schedule(Description=hostile))
    for output in ("table", "text", "json", "jsonl"):
        result = run(capsys, moto_endpoint, "get", "default/nightly-report", "-o", output)
        assert result.code == 0
        assert "\x1b" not in result.out
        assert "\u202e" not in result.out
        assert "\x07" not in result.out
        if output in ("json", "jsonl"):
            assert result.json()["Description"] == hostile  # the same value, escaped
    text = run(capsys, moto_endpoint, "get", "default/nightly-report", "-o", "text")
    (description,) = [line for line in text.out.splitlines() if line.startswith("Description\t")]
    assert description.count("\t") == 1  # the tab inside became its stand-in


def test_get_of_a_missing_schedule_exits_1_and_a_bad_name_2(
    moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = run(capsys, moto_endpoint, "get", "default/nope", "-o", "json")
    assert missing.code == 1
    assert missing.out == ""
    assert missing.err.startswith("schedtui get: GetSchedule default/nope: not found")
    with pytest.raises(SystemExit) as usage:
        main(["get", "nope"])
    assert usage.value.code == 2
    assert "'nope' is not GROUP/NAME" in capsys.readouterr().err


# -- exit codes for AWS failures -----------------------------------------------------------------


def test_access_denied_exits_4_and_an_unreachable_endpoint_3(
    moto_endpoint: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with LossyProxy(moto_endpoint) as proxy:
        proxy.spoil("GET", "/schedules", "deny")
        denied = run(capsys, proxy.url, "list", "-o", "json")
    assert denied.code == 4
    assert denied.out == ""  # nothing listed: no document at all, not an empty one
    assert "access denied" in denied.err

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    down = run(capsys, "http://127.0.0.1:9", "groups")
    assert down.code == 3
    assert "endpoint unreachable" in down.err


def test_a_listing_that_fails_midway_leaves_no_valid_document(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second page is refused: the first page's records are out, the JSON document is
    left unclosed (no parser takes half a list for all of it), and the exit code says why."""
    for output in ("json", "jsonl"):
        with LossyProxy(account) as proxy:
            proxy.spoil("GET", "/schedules", "deny", after=1)
            result = run(capsys, proxy.url, "list", "--group", "orders", "-o", output)
        assert result.code == 4
        assert result.out.count("\n") == 100  # the first page, one record a line
        if output == "json":
            with pytest.raises(json.JSONDecodeError):
                json.loads(result.out)
        assert "schedtui: note: 100 listed before the listing failed" in result.err


# -- dlq -----------------------------------------------------------------------------------------


def test_dlq_depths_of_the_queues_the_schedules_use(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client = sqs(account)
    url = client.create_queue(QueueName="scheduler-dlq")["QueueUrl"]
    for index in range(3):
        client.send_message(QueueUrl=url, MessageBody=f"m{index}")
    result = run(capsys, account, "dlq", "-o", "json")
    assert result.code == 0, result.err
    (queue,) = result.json()["Queues"]
    assert queue["QueueArn"] == DLQ
    assert queue["ApproximateNumberOfMessages"] == 3
    assert queue["ApproximateNumberOfMessagesNotVisible"] == 0
    assert queue["Schedules"] == ["default/nightly-report"]
    assert queue["Error"] is None

    table = run(capsys, account, "dlq")
    header, row = table.out.splitlines()
    assert header.split()[:2] == ["QUEUE", "VISIBLE"]
    assert row.split()[:2] == ["scheduler-dlq", "3"]


def test_a_dlq_the_schedules_name_but_that_does_not_exist_exits_1(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, account, "dlq", "-o", "jsonl")
    assert result.code == 1
    (queue,) = result.lines()
    assert queue["ApproximateNumberOfMessages"] is None
    assert "queue does not exist" in queue["Error"]


def test_dlq_peek_leaves_every_message_in_the_queue_and_visible(
    moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    client = sqs(moto_endpoint)
    url = client.create_queue(QueueName="orders-dlq")["QueueUrl"]
    for index in range(3):
        client.send_message(
            QueueUrl=url, MessageBody=f'{{"n": {index}}}', MessageAttributes=scheduler_attributes()
        )
    result = run(capsys, moto_endpoint, "dlq", "--queue", "orders-dlq", "--peek", "2", "-o", "json")
    assert result.code == 0, result.err
    (queue,) = result.json()["Queues"]
    assert queue["QueueArn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"
    assert len(queue["Messages"]) == 2
    message = queue["Messages"][0]
    assert message["ApproximateReceiveCount"] == 1
    assert message["Schedule"] == "orders/nightly-export"
    assert message["MessageAttributes"]["ERROR_CODE"] == "AWS.Lambda.TooManyRequestsException"
    assert "receive count went up by one" in result.err
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "3"  # none deleted
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"  # none hidden

    table = run(capsys, moto_endpoint, "dlq", "--queue", "orders-dlq", "--peek", "3")
    assert "AWS.Lambda.TooManyRequestsException" in table.out
    text = run(capsys, moto_endpoint, "dlq", "--queue", url, "--peek", "3", "-o", "text")
    assert len(text.out.splitlines()) == 3
    assert all(line.split("\t")[3] == "orders/nightly-export" for line in text.out.splitlines())


def test_dlq_usage_errors_and_a_missing_queue(
    moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    peek = run(capsys, moto_endpoint, "dlq", "--peek", "5")
    assert peek.code == 2
    assert peek.err.startswith("schedtui dlq: --peek needs --queue")
    missing = run(capsys, moto_endpoint, "dlq", "--queue", "nosuch", "--peek", "1")
    assert missing.code == 1
    # A group that does not exist is not "no DLQs": a check on their depth must not pass.
    typo = run(capsys, moto_endpoint, "dlq", "--group", "nosuch")
    assert (typo.code, typo.out) == (1, "")
    assert typo.err.startswith("schedtui dlq: GetScheduleGroup nosuch: not found")
    assert "queue does not exist" in missing.out
    bad = run(capsys, moto_endpoint, "dlq", "--queue", "arn:aws:sqs:nope")
    assert bad.code == 2


def test_the_scripting_subcommands_take_the_context_flags_before_or_after(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = main(["--endpoint-url", account, "--region", REGION, "groups", "-o", "jsonl"])
    assert before == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (NotFoundError("x"), 1),
        (AccessDeniedError("x"), 4),
        (CredentialsExpiredError("x"), 4),
        (CredentialsMissingError("x"), 4),
        (ReadOnlyError("x"), 4),
        (ThrottledError("x"), 3),
        (EndpointUnreachableError("x"), 3),
        (StaleScheduleError("x", changes={}), 3),
        (UnsafeWriteError("x"), 3),
        (OutcomeUnknownError("x", verified=Verified.APPLIED), 0),
        (OutcomeUnknownError("x", verified=Verified.NOT_APPLIED), 3),
        (OutcomeUnknownError("x", verified=Verified.UNREADABLE), 3),
    ],
)
def test_each_kind_of_failure_has_its_exit_code(error: AwsError, code: int) -> None:
    assert exit_code(error) == code


def test_a_crash_exits_70_with_one_line_naming_the_crash_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not 1: a script reads 1 as "not found". 70 is sysexits' EX_SOFTWARE."""
    import schedtui.cli.scripting as scripting

    def broken(args: object) -> int:
        raise RuntimeError("a bug, with a secret in its message")

    monkeypatch.setattr(scripting, "run_scripting", broken)
    assert main(["groups"]) == 70
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("schedtui stopped on an unexpected error: RuntimeError in broken (")
    report = line.rpartition("the traceback, to report it: ")[2]
    assert "a bug" in Path(report).read_text(encoding="utf-8")
    assert "secret" not in line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["doctor", "reports/nightly", "--group", "reports"], "schedtui doctor: give G/NAME"),
        (["history"], "schedtui history: give one of G/NAME"),
        (["dlq", "--peek", "5"], "schedtui dlq: --peek needs --queue"),
        (["dlq", "--queue", "q", "--group", "g"], "schedtui dlq: --group picks the DLQs"),
    ],
)
def test_conflicting_arguments_are_refused_before_the_demo_starts(
    args: list[str],
    said: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The demo takes seconds to start: a usage mistake is answered before, and nothing is
    # started or reached.
    started: list[object] = []
    monkeypatch.setattr(scripting, "aws_context", lambda *a, **k: started.append(a))
    code = main([*args, "--demo"])
    assert (code, started) == (2, [])
    assert capsys.readouterr().err.startswith(said)
