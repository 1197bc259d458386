"""`schedtui cost` against moto over HTTP: the JSON document, the table, one group, each
schedule's share, retries from the metrics, and metrics that cannot be read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from schedtui.aws.errors import AccessDeniedError
from schedtui.aws.metrics_repo import MetricsRepository
from schedtui.cli import cost as cost_command
from schedtui.cli import main
from schedtui.core.fleet.prices import PRICE_SOURCE
from tests.aws.conftest import REGION, ROLE
from tests.conftest import Seeding

# In the future of any real clock: moto refuses a StartDate in the past, whatever "now" is.
NOW = datetime(2030, 1, 1, tzinfo=UTC)
FUNCTION = f"arn:aws:lambda:{REGION}:123456789012:function:report"


@pytest.fixture
def account(moto_endpoint: str, seeding: Seeding, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(cost_command, "clock", lambda: NOW)

    client = seeding
    scheduler = client("scheduler")
    scheduler.create_schedule_group(Name="reports")
    scheduler.create_schedule_group(Name="quiet")
    target = {"Arn": FUNCTION, "RoleArn": ROLE}
    for name, expression, extra in (
        ("daily", "cron(0 9 * * ? *)", {"ScheduleExpressionTimezone": "Europe/Madrid"}),
        ("hourly", "rate(1 hour)", {}),  # 720 in any 30 days, whatever its anchor
        ("later", "rate(1 hour)", {"StartDate": NOW + timedelta(days=20)}),  # 241
        ("once", "at(2030-01-10T10:00:00)", {}),
        ("off", "cron(* * * * ? *)", {"State": "DISABLED"}),
    ):
        scheduler.create_schedule(
            Name=name,
            GroupName="reports",
            ScheduleExpression=expression,
            FlexibleTimeWindow={"Mode": "OFF"},
            Target=target,
            **extra,
        )
    # 14 failed attempts last week, 7 of them the last of their invocation (sent to the DLQ):
    # 7 retries a week, 30 a month.
    client("cloudwatch").put_metric_data(
        Namespace="AWS/Scheduler",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": [{"Name": "ScheduleGroup", "Value": "reports"}],
                "Timestamp": NOW - timedelta(days=3),
                "Value": value,
                "Unit": "Count",
            }
            for metric, value in (
                ("TargetErrorCount", 14.0),
                ("InvocationsSentToDeadLetterCount", 7.0),
            )
        ],
    )
    return moto_endpoint


def run(capsys: pytest.CaptureFixture[str], endpoint: str, *args: str) -> tuple[int, str, str]:
    code = main(["cost", *args, "--endpoint-url", endpoint, "--read-only"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cost_as_json(account: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, account, "-o", "json")
    assert code == 0, err
    document = json.loads(out)
    groups = {group["GroupName"]: group for group in document["Groups"]}
    assert {"reports", "quiet"} <= set(groups)
    assert groups["reports"] == {
        "GroupName": "reports",
        "Schedules": 5,
        "Runs": 30 + 720 + 241 + 1 + 0,  # from the expressions
        "Retries": 30,  # observed, an estimate rounded
        "Invocations": 992 + 30,  # what is billed, the groups list's INV/MO
        "USD": 0.0,  # far under the free 14 million
        "Unknown": 0,
    }
    assert groups["quiet"]["Schedules"] == 0
    assert (document["Runs"], document["Retries"], document["Invocations"]) == (992, 30, 1022)
    assert document["RetriesObserved"] is True
    assert document["FreeInvocations"] == 14_000_000
    # Counts are counts: ints everywhere, never 992.0 or 30.000000000000004.
    counts = [document[key] for key in ("Runs", "Retries", "Invocations", "FreeInvocations")]
    counts += [
        group[key] for group in groups.values() for key in ("Runs", "Retries", "Invocations")
    ]
    assert all(type(count) is int for count in counts), counts
    assert document["MonthStart"] == "2030-01-01T00:00:00+00:00"
    assert document["MonthEnd"] == "2030-01-31T00:00:00+00:00"
    assert document["Scope"] == {"GroupName": None}  # the account: one shape either way
    assert document["Price"]["Source"] == PRICE_SOURCE
    assert "not included" in document["Price"]["Note"]
    assert "Schedules" not in document  # only with --per-schedule


def test_each_schedule_with_per_schedule(account: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, account, "--group", "reports", "--per-schedule", "-o", "json")
    assert code == 0
    document = json.loads(out)
    assert document["Scope"] == {"GroupName": "reports"}
    assert [group["GroupName"] for group in document["Groups"]] == ["reports"]
    # Busiest first, each with its share of the invocations billed (1,022: retries too).
    assert [(entry["Name"], entry["Runs"]) for entry in document["Schedules"]] == [
        ("hourly", 720),
        ("later", 241),
        ("daily", 30),
        ("once", 1),
        ("off", 0),
    ]
    shares = {entry["Name"]: entry["SharePercent"] for entry in document["Schedules"]}
    assert shares == {"hourly": 70.45, "later": 23.58, "daily": 2.94, "once": 0.1, "off": 0.0}
    assert all(type(entry["Runs"]) is int for entry in document["Schedules"])


def test_cost_as_a_table(account: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, account, "--group", "reports", "--per-schedule")
    assert code == 0
    lines = out.splitlines()
    # INV/MO means what the groups list's INV/MO means: the runs and the retries, billed.
    assert lines[0].split() == ["GROUP", "SCHEDULES", "RUNS/MO", "RETRIES/MO", "INV/MO", "USD/MO"]
    assert lines[1].split() == ["reports", "5", "992", "30", "1,022", "0.00"]
    assert lines[3].split() == ["SCHEDULE", "RUNS/MO", "SHARE", "USD/MO"]
    assert [line.split()[:3] for line in lines[4:9]] == [
        ["reports/hourly", "720", "70.45%"],
        ["reports/later", "241", "23.58%"],
        ["reports/daily", "30", "2.94%"],
        ["reports/once", "1", "0.10%"],
        ["reports/off", "0", "0.00%"],
    ]
    assert "992 runs + 30 retries = 1,022 invocations, 14,000,000 free: USD 0.00 a month" in out
    assert "target costs (Lambda, Step Functions...) not included" in lines[-1]
    assert "only this group was read" in err  # its bill assumes it is the whole account


def test_a_group_that_does_not_exist(account: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, account, "--group", "nope")
    assert code == 1
    assert out == ""
    assert err.startswith("schedtui cost: ")


def test_metrics_that_cannot_be_read_leave_retries_out(
    account: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*_: object) -> dict[str, float]:
        raise AccessDeniedError("GetMetricData AWS/Scheduler: not authorized", code="AccessDenied")

    monkeypatch.setattr(MetricsRepository, "retries_per_month", denied)
    code, out, err = run(capsys, account, "-o", "json")
    document = json.loads(out)
    assert code == 0  # the expressions' counts are whole; retries are "when available"
    assert (document["RetriesObserved"], document["Retries"]) == (False, 0)
    assert document["Invocations"] == document["Runs"] == 992
    assert "retries not counted: GetMetricData AWS/Scheduler: not authorized" in err
    code, out, _ = run(capsys, account)
    row = next(line.split() for line in out.splitlines() if line.startswith("reports"))
    assert row[2:5] == ["992", "-", "992"]  # retries not a zero: not known
    assert "992 invocations (retries not observed)" in out


def test_metrics_whose_sum_overflows_are_a_note_never_a_bill_of_inf(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # AWS caps a datapoint near 1.2e108; moto stores 1e308, whose sum overflows a float
    # to inf: the bill must not say "USD inf"/"nan" nor the JSON "Infinity"/"NaN".
    boto3.client("cloudwatch", region_name=REGION, endpoint_url=account).put_metric_data(
        Namespace="AWS/Scheduler",
        MetricData=[
            {
                "MetricName": "TargetErrorCount",
                "Dimensions": [{"Name": "ScheduleGroup", "Value": "reports"}],
                "Timestamp": NOW - timedelta(days=2, hours=hour),
                "Value": 1e308,
                "Unit": "Count",
            }
            for hour in range(3)
        ],
    )
    code, out, err = run(capsys, account, "-o", "json")

    def refuse(constant: str) -> None:
        raise AssertionError(f"not strict JSON: {constant}")

    document = json.loads(out, parse_constant=refuse)
    assert code == 0
    assert (document["RetriesObserved"], document["USD"]) == (False, 0.0)
    assert "retries not counted: GetMetricData AWS/Scheduler:" in err
    code, out, _ = run(capsys, account)
    assert "inf" not in out
    assert "nan" not in out


def test_a_hostile_group_name_never_reaches_the_terminal_raw(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # AWS allows only [0-9a-zA-Z-_.]; moto stores anything, and schedtui trusts neither.
    hostile = "evil\x1b[2J\u202egroup"
    boto3.client("scheduler", region_name=REGION, endpoint_url=account).create_schedule_group(
        Name=hostile
    )
    code, out, _ = run(capsys, account)
    assert code == 0
    assert "\x1b" not in out
    assert "\u202e" not in out
    assert "evil␛[2J\\u202egroup" in out
    code, out, _ = run(capsys, account, "-o", "json")
    assert "\x1b" not in out
    assert hostile in {group["GroupName"] for group in json.loads(out)["Groups"]}
