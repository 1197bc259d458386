"""`schedtui doctor` against moto over HTTP: the JSON document, the table (worst first,
hostile text inert), the exit code per --fail-on, one schedule or a group, and --demo."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pytest

from schedtui.aws import doctor_repo, session
from schedtui.aws.session import AwsClients
from schedtui.cli import doctor as doctor_command
from schedtui.cli import main
from schedtui.cli.parser import SERVICE_LABELS, build_parser
from tests.aws.conftest import ACCOUNT, REGION
from tests.aws.lossy_proxy import LossyProxy
from tests.aws.test_doctor_repo import (
    DLQ_ARN,
    FUNCTION_ARN,
    NOW,
    ROLE,
    Account,
    allow,
)
from tests.conftest import Seeding
from tests.ui.test_hostile_values import unchecked

ESC = "\x1b]0;pwned\x07\x1b[2J"


@pytest.fixture
def account(seeding: Seeding, monkeypatch: pytest.MonkeyPatch) -> Account:
    monkeypatch.setattr(doctor_command, "clock", lambda: NOW)

    client = seeding
    made = Account(client)
    made.role(policy=allow(("lambda:InvokeFunction", FUNCTION_ARN), ("sqs:SendMessage", DLQ_ARN)))
    made.function()
    made.queue("scheduler-dlq", MessageRetentionPeriod="1209600")
    client("scheduler").create_schedule_group(Name="reports")
    client("scheduler").create_schedule_group(Name="ops")
    return made


def add(account: Account, name: str, group: str = "reports", **target: Any) -> None:
    """A careful schedule (cron, a retry policy, a DLQ) with ``target``'s members over it."""
    members: dict[str, Any] = {
        "Arn": FUNCTION_ARN,
        "RoleArn": ROLE,
        "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
        "DeadLetterConfig": {"Arn": DLQ_ARN},
    }
    members.update(target)
    members = {key: value for key, value in members.items() if value is not None}
    account.client("scheduler").create_schedule(
        Name=name,
        GroupName=group,
        ScheduleExpression="cron(0 2 * * ? *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target=members,
    )


def run(capsys: pytest.CaptureFixture[str], endpoint: str, *args: str) -> tuple[int, str, str]:
    code = main(["doctor", *args, "--endpoint-url", endpoint, "--region", REGION, "--read-only"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_lists_every_schedule_worst_first_with_fixes(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add(account, "healthy")
    add(account, "no-dlq", DeadLetterConfig=None)
    add(account, "gone", Arn=f"{FUNCTION_ARN}-deleted")
    code, out, err = run(capsys, moto_endpoint, "-o", "json")
    document = json.loads(out)
    assert set(document) == {"schedules", "notes", "calls", "unread"}
    assert [(s["group"], s["name"]) for s in document["schedules"]] == [
        ("reports", "gone"),
        ("reports", "no-dlq"),
        ("reports", "healthy"),
    ]
    gone, no_dlq, healthy = document["schedules"]
    # The missing function is an error, and the role may not invoke it either.
    assert {f["kind"] for f in gone["findings"]} == {"target-missing", "role-permission-denied"}
    assert all(f["severity"] == "error" and f["fix"] for f in gone["findings"])
    assert [(f["kind"], f["severity"]) for f in no_dlq["findings"]] == [("no-dlq", "warning")]
    assert set(no_dlq["findings"][0]) == {"kind", "severity", "message", "fix"}
    assert healthy["findings"] == []
    assert document["calls"] > 0
    assert document["notes"] == []
    assert document["unread"] == []
    assert code == 5
    assert err == ""


@pytest.mark.parametrize(
    ("worst", "fail_on", "code"),
    [
        ("warning", "error", 0),
        ("warning", "warning", 5),
        ("warning", "info", 5),
        ("warning", "never", 0),
        ("error", "error", 5),
        ("error", "never", 0),
    ],
)
def test_the_exit_code_follows_fail_on(
    account: Account,
    moto_endpoint: str,
    capsys: pytest.CaptureFixture[str],
    worst: str,
    fail_on: str,
    code: int,
) -> None:
    add(account, "healthy")
    if worst == "warning":
        add(account, "no-dlq", DeadLetterConfig=None)
    else:
        add(account, "gone", Arn=f"{FUNCTION_ARN}-deleted")
    assert run(capsys, moto_endpoint, "--fail-on", fail_on)[0] == code


def test_a_healthy_fleet_exits_zero_even_on_info(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add(account, "healthy")
    code, out, _ = run(capsys, moto_endpoint, "--fail-on", "info")
    assert code == 0
    assert out.splitlines()[0].startswith("1 schedule checked: no findings; ")


def test_one_schedule_or_one_group(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add(account, "healthy")
    add(account, "gone", group="ops", Arn=f"{FUNCTION_ARN}-deleted")
    _, out, _ = run(capsys, moto_endpoint, "reports/healthy", "-o", "json")
    assert [s["name"] for s in json.loads(out)["schedules"]] == ["healthy"]
    code, out, _ = run(capsys, moto_endpoint, "--group", "ops", "-o", "json")
    assert [s["name"] for s in json.loads(out)["schedules"]] == ["gone"]
    assert code == 5
    # --group before the subcommand means the same
    main(["--group", "ops", "doctor", "-o", "json", "--endpoint-url", moto_endpoint])
    assert [s["name"] for s in json.loads(capsys.readouterr().out)["schedules"]] == ["gone"]


def test_a_schedule_that_does_not_exist_exits_one(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, moto_endpoint, "reports/nope")
    assert (code, out) == (1, "")
    assert "not found" in err


def test_a_group_that_does_not_exist_exits_one(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A typo in a pipeline's gate must fail it, not pass "0 schedules checked"; as cost says.
    add(account, "healthy")
    code, out, err = run(capsys, moto_endpoint, "--group", "nosuch")
    assert (code, out) == (1, "")
    assert err.startswith("schedtui doctor: GetScheduleGroup nosuch: not found")
    code, _, cost_err = main_cost(capsys, moto_endpoint, "--group", "nosuch")
    assert code == 1
    assert cost_err.removeprefix("schedtui cost: ") == err.removeprefix("schedtui doctor: ")


def main_cost(
    capsys: pytest.CaptureFixture[str], endpoint: str, *args: str
) -> tuple[int, str, str]:
    code = main(["cost", *args, "--endpoint-url", endpoint, "--region", REGION, "--read-only"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_schedule_and_a_group_together_are_refused(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, moto_endpoint, "reports/healthy", "--group", "ops")
    assert code == 2
    assert "not both" in err


def test_the_table_is_worst_first_and_shows_aws_text_inert(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:x{ESC}"
    add(account, "no-dlq", DeadLetterConfig=None)
    add(account, "hostile", Arn=hostile)
    add(account, "healthy")
    code, out, _ = run(capsys, moto_endpoint)
    assert code == 5
    assert "\x1b" not in out
    assert "\x07" not in out
    lines = out.splitlines()
    assert lines[0] == "reports/hostile"
    # The function's name is no name AWS allows: it could not be read, and says so, inert.
    unread = next(line for line in lines if "not-checked" in line)
    assert unread.lstrip().startswith("INFO")
    assert "␛]0;pwned␇" in unread
    assert next(line for line in lines if line.strip().startswith("fix:"))
    assert lines.index("reports/no-dlq") > lines.index("reports/hostile")
    assert "reports/healthy" not in lines  # nothing to say about it, but it is counted
    # The count in the fleet doctor's words (its title says the same): the findings listed
    # above and the schedules they are on, counted here from the table itself.
    labels = [line.split()[0] for line in lines if line.startswith("  ")]
    levels = [label for label in labels if label in ("ERROR", "WARNING", "INFO")]
    assert levels
    on = [line for line in lines if line.startswith("reports/")]
    breakdown = ", ".join(
        f"{levels.count(level)} {word if levels.count(level) == 1 else plural}"
        for level, word, plural in (
            ("ERROR", "error", "errors"),
            ("WARNING", "warning", "warnings"),
            ("INFO", "info", "info"),
        )
        if levels.count(level)
    )
    summary = (
        f"3 schedules checked: {len(levels)} finding{'s' if len(levels) > 1 else ''} "
        f"on {len(on)} schedules ({breakdown}); "
    )
    assert any(line.startswith(summary) for line in lines), summary


def test_json_keeps_hostile_text_but_escapes_it(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:x{ESC}"
    add(account, "hostile", Arn=hostile)
    _, out, _ = run(capsys, moto_endpoint, "-o", "json")
    assert "\x1b" not in out
    messages = [f["message"] for f in json.loads(out)["schedules"][0]["findings"]]
    assert any(hostile in message for message in messages)  # the data, as AWS holds it


def test_progress_goes_to_stderr(
    account: Account,
    moto_endpoint: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(doctor_command, "PROGRESS_EVERY", 2)
    for index in range(4):
        add(account, f"job-{index}")
    code, out, err = run(capsys, moto_endpoint, "-o", "json")
    assert code == 0
    assert err.splitlines() == [
        "schedtui doctor: 2 of 4 schedules checked",
        "schedtui doctor: 4 of 4 schedules checked",
    ]
    assert len(json.loads(out)["schedules"]) == 4


def test_a_definition_it_cannot_read_keeps_its_fault_code(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add(account, "first")
    add(account, "second", Arn=f"{FUNCTION_ARN}-deleted")
    with LossyProxy(moto_endpoint) as proxy:
        proxy.spoil("GET", "/schedules/", "deny")  # one GetSchedule refused, as IAM would
        code, out, err = run(capsys, proxy.url, "-o", "json")
    document = json.loads(out)
    assert len(document["schedules"]) == 1  # the other one is still judged
    assert len(document["unread"]) == 1
    assert "access denied" in document["unread"][0]
    assert "could not be read and were not checked" in err
    assert code == 4  # denied beats findings: a report with holes clears no pipeline


# IAM keeps policy documents in [\t\n\r\x20-\xff]: a C1 CSI (U+009B) in a Sid is a real one.
CSI_SID = "x\x9b2J\x85\r"
# A name travels in IAM's XML, whose parser turns a CR into a LF: the name keeps the rest.
CSI_NAME = "guard\x9b2J\x85"


def test_a_hostile_statement_id_and_policy_name_from_iam_are_shown_inert(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # A Deny whose Sid and policy name hold a CSI, a NEL and a CR: the finding quotes both.
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": CSI_SID, "Effect": "Deny", "Action": "lambda:*", "Resource": "*"}],
    }
    account.client("iam").put_role_policy(
        RoleName=ROLE.rsplit("/", 1)[-1],
        PolicyName=CSI_NAME,
        PolicyDocument=json.dumps(deny),
    )
    add(account, "guarded")
    code, out, _ = run(capsys, moto_endpoint)
    assert code == 5
    assert not [char for char in ("\x9b", "\x85", "\r") if char in out]
    denied = next(line for line in out.splitlines() if "role-permission-denied" in line)
    assert "statement 'x\\x9b2J\\x85␍' of policy inline guard\\x9b2J\\x85 denies" in denied
    _, out, _ = run(capsys, moto_endpoint, "-o", "json")
    assert not [char for char in ("\x9b", "\x85", "\r") if char in out]
    finding = json.loads(out)["schedules"][0]["findings"][0]
    assert f"statement '{CSI_SID}'" in finding["message"]  # the data as IAM holds it


def test_numbers_stored_past_aws_limits_are_findings_not_a_crash(
    account: Account, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # moto stores what boto3 sends with its checks off: a definition AWS's 1,440-minute
    # limit did not guard (another tool, an older API). One schedule must not end the run.
    client = unchecked(moto_endpoint)
    client.create_schedule(
        Name="vast-window",
        GroupName="reports",
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 2**63 - 1},
        Target={"Arn": FUNCTION_ARN, "RoleArn": ROLE, "DeadLetterConfig": {"Arn": DLQ_ARN}},
    )
    client.create_schedule(
        Name="odd-retry",
        GroupName="reports",
        ScheduleExpression="cron(0 2 * * ? *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={
            "Arn": FUNCTION_ARN,
            "RoleArn": ROLE,
            "DeadLetterConfig": {"Arn": DLQ_ARN},
            "RetryPolicy": {"MaximumRetryAttempts": -1, "MaximumEventAgeInSeconds": 2**63 - 1},
        },
    )
    add(account, "healthy")
    code, out, _ = run(capsys, moto_endpoint, "-o", "json")
    assert code == 0  # warnings: --fail-on error by default
    found = {s["name"]: [f["kind"] for f in s["findings"]] for s in json.loads(out)["schedules"]}
    assert "window-over-period" in found["vast-window"]
    assert "dlq-retention-short" in found["odd-retry"]  # the queue keeps 14 days, not 2**63 s
    assert found["healthy"] == []


def endpoint_help(command: str) -> str:
    """The --endpoint-url help of ``schedtui COMMAND``, as ``--help`` prints it."""
    parser = build_parser()
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub = commands.choices[command]
    return next(str(a.help) for a in sub._actions if "--endpoint-url" in a.option_strings)


def doctor_clients() -> set[str]:
    """The boto3 services aws/doctor_repo.py reads, from the ``self._clients.X`` it touches:
    each client property of AwsClients is asked for, and the service it makes recorded."""
    source = Path(doctor_repo.__file__).read_text()
    made: list[str] = []
    clients = AwsClients.__new__(AwsClients)  # no session: only which client is asked for
    clients._client = lambda service, **_: made.append(service)  # type: ignore[method-assign]
    not_clients = {"region", "settings", "known_identity"}
    for name in sorted(set(re.findall(r"self\._clients\.(\w+)", source)) - not_clients):
        if name == "caller_identity":
            made.append("sts")  # GetCallerIdentity: the account the trust is judged for
        else:
            assert isinstance(getattr(AwsClients, name), property), name
            getattr(clients, name)
    return set(made)


def test_endpoint_help_names_every_service_the_doctor_calls() -> None:
    # One URL serves every client (LocalStack, moto): the doctor's reach far past
    # Scheduler/CloudWatch/SQS, and a user emulating AWS must know which services to run.
    used = doctor_clients()
    assert {"iam", "kinesis", "firehose", "sagemaker", "codebuild", "codepipeline"} <= used
    doctor = endpoint_help("doctor")
    top = " ".join(build_parser().format_help().split())  # schedtui --help
    for client in used | {"scheduler"}:  # the schedules themselves
        assert SERVICE_LABELS[client] in doctor, client
        assert SERVICE_LABELS[client] in top, client
    assert "CloudWatch" not in doctor  # the doctor reads no metrics
    assert "IAM" not in endpoint_help("list")  # each command says its own
    assert "CloudWatch" in endpoint_help("cost")  # the retries' metrics


def test_every_client_schedtui_makes_is_named_in_the_top_level_help() -> None:
    made = set(re.findall(r'self\._client\("(\w+)"', Path(session.__file__).read_text()))
    assert made == set(SERVICE_LABELS)  # a new client must get its label there
    top = " ".join(build_parser().format_help().split())
    assert all(label in top for label in SERVICE_LABELS.values())


def test_doctor_help_says_the_trust_conditions_and_every_exit_code() -> None:
    parser = build_parser()
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    text = " ".join(commands.choices["doctor"].format_help().split())
    assert "aws:SourceAccount" in text
    assert "aws:SourceArn" in text
    assert "judged per schedule" in text
    assert "1 when the schedule or group does not exist" in text  # --group nope: exit 1
    assert "5 when one does" in text
