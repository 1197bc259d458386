"""RunsRepository against the moto server over HTTP, per target kind and per fault.

Clients are read-only (``AwsSettings(read_only=True)``): every call a report makes must pass
that guard, and the wire is checked to carry read operations only. Where moto cannot produce
a state through its API, the test sets it on moto's in-process backend (the server runs in
this process): log events older than moto's 14-day wall-clock check (so that ``now`` stays a
fixed instant), a FAILED / TIMED_OUT execution with its error and cause, and a stopped ECS
task with exit codes. moto 5.2.5 crashes on percentile statistics (HTTP 500): the Lambda
percentiles are tested with botocore's Stubber, and against moto their part is a fault while
every other figure stands.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber
from moto.backends import get_backend

from schedtui.aws.dlq_repo import DlqRepository
from schedtui.aws.metrics_repo import MetricsRepository
from schedtui.aws.runs_repo import RunsRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.activity.runs import Window
from schedtui.core.schedules.schedule import Schedule
from tests.aws.conftest import ACCOUNT, REGION, ROLE
from tests.aws.wire import intercept, json_error

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
FUNCTION = "nightly-report"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}"
SCHEDULE_ARN = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/reports/nightly"
READS = ("Get", "List", "Describe", "Filter")
ESC = "\x1b]0;pwned\x07\x1b[2J"


def schedule(target: dict[str, Any], expression: str = "rate(1 hour)") -> Schedule:
    return Schedule.model_validate(
        {
            "Name": "nightly",
            "GroupName": "reports",
            "Arn": SCHEDULE_ARN,
            "ScheduleExpression": expression,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"RoleArn": ROLE, **target},
        }
    )


@pytest.fixture
def clients(moto_endpoint: str) -> AwsClients:
    return AwsClients(
        AwsSettings(region=REGION, endpoint_url=moto_endpoint, read_only=True, max_attempts=1)
    )


@pytest.fixture
def operations(clients: AwsClients) -> list[str]:
    """Every operation the repository's clients send, in order."""
    sent: list[str] = []
    for client in (clients.lambda_, clients.logs, clients.cloudwatch, clients.stepfunctions,
                   clients.ecs, clients.sqs):  # fmt: skip
        client.meta.events.register("before-call", lambda model, **_: sent.append(model.name))
    return sent


def repository(clients: AwsClients) -> RunsRepository:
    return RunsRepository(clients, MetricsRepository(clients), DlqRepository(clients))


def only_reads(operations: list[str]) -> None:
    assert operations
    assert all(name.startswith(READS) for name in operations), operations


# Lambda


def _millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


@pytest.fixture
def function(seeding: Any) -> None:
    iam = seeding("iam")
    iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", "def handler(event, context): return 1\n")
    seeding("lambda").create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=f"arn:aws:iam::{ACCOUNT}:role/fn",
        Handler="handler.handler",
        Code={"ZipFile": archive.getvalue()},
    )


def _log_lines(seeding: Any, lines: list[tuple[datetime, str]], group: str = FUNCTION) -> None:
    logs = seeding("logs")
    name = f"/aws/lambda/{group}"
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="2026/03/02/[$LATEST]abc")
    # Straight into the stream: moto's PutLogEvents refuses events 14 days older than the
    # wall clock, and NOW is a fixed instant.
    stream = get_backend("logs")[ACCOUNT][REGION].groups[name].streams["2026/03/02/[$LATEST]abc"]
    stream.put_log_events([{"timestamp": _millis(at), "message": text} for at, text in lines])


OK_ID = "11111111-1111-1111-1111-111111111111"
BAD_ID = "22222222-2222-2222-2222-222222222222"
SLOW_ID = "33333333-3333-3333-3333-333333333333"


@pytest.fixture
def logged(seeding: Any) -> None:
    at = NOW - timedelta(minutes=50)
    _log_lines(
        seeding,
        [
            (at, f"START RequestId: {OK_ID} Version: $LATEST"),
            (at, f"REPORT RequestId: {OK_ID}\tDuration: 1200.50 ms\tBilled Duration: 1201 ms"),
            (at + timedelta(minutes=10), f"[ERROR] KeyError: 'account' {ESC}\nRequestId: {BAD_ID}"),
            (at + timedelta(minutes=10), f"REPORT RequestId: {BAD_ID}\tDuration: 80.00 ms"),
            (
                at + timedelta(minutes=20),
                f"2026-03-02T11:50:00Z {SLOW_ID} Task timed out after 3.00 seconds",
            ),
            (at + timedelta(minutes=20), f"REPORT RequestId: {SLOW_ID}\tDuration: 3000.00 ms"),
            (NOW - timedelta(hours=3), f"REPORT RequestId: {OK_ID}\tDuration: 9.00 ms"),  # before
        ],
    )


@pytest.fixture
def lambda_metrics(seeding: Any) -> None:
    data = [("Invocations", 3.0), ("Errors", 2.0), ("Duration", 1200.5), ("Duration", 3000.0)]
    seeding("cloudwatch").put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": [{"Name": "FunctionName", "Value": FUNCTION}],
                "Timestamp": NOW - timedelta(minutes=30),
                "Value": value,
            }
            for metric, value in data
        ],
    )


@pytest.mark.usefixtures("function", "logged", "lambda_metrics")
def test_lambda_durations_failures_and_figures(clients: AwsClients, operations: list[str]) -> None:
    report = repository(clients).runs(schedule({"Arn": FUNCTION_ARN}), Window.HOUR, now=NOW)
    assert [(point.seconds, point.failed) for point in report.durations] == [
        (1.2005, False),
        (0.08, True),  # its request logged an ERROR
        (3.0, True),  # its request timed out
    ]
    # Newest first; the hostile text kept as data (the CLI and the UI make it printable).
    assert [line.text.split(" ")[0] for line in report.failures] == [
        "2026-03-02T11:50:00Z",
        "[ERROR]",
    ]
    assert ESC in report.failures[1].text
    assert report.failures[1].source == "2026/03/02/[$LATEST]abc"
    assert report.figures["invocations"] == 3.0
    assert report.figures["errors"] == 2.0
    assert report.figures["throttles"] == 0.0
    assert report.figures["duration max"] == 3.0
    assert list(report.figures)[:6] == [
        "invocations", "errors", "throttles", "duration p50", "duration p99", "duration max"
    ]  # fmt: skip
    # moto cannot answer percentiles: that part alone is a fault.
    assert set(report.faults) == {"duration percentiles"}
    only_reads(operations)
    assert {"GetFunctionConfiguration", "GetMetricData", "FilterLogEvents"} <= set(operations)


@pytest.mark.usefixtures("function", "lambda_metrics")
def test_access_denied_on_the_logs_leaves_the_metrics(clients: AwsClients, seeding: Any) -> None:
    _log_lines(
        seeding, [(NOW - timedelta(minutes=5), f"REPORT RequestId: {OK_ID}\tDuration: 5 ms")]
    )
    intercept(
        clients.logs,
        "FilterLogEvents",
        lambda _: json_error("AccessDeniedException", "AccessDenied", "no logs:FilterLogEvents"),
    )
    report = repository(clients).runs(schedule({"Arn": FUNCTION_ARN}), Window.HOUR, now=NOW)
    assert "access denied" in report.faults["logs"]
    assert "\n" not in report.faults["logs"]
    assert report.figures["invocations"] == 3.0
    # No REPORT line read: the sparkline falls back on AWS/Lambda's average per period.
    assert [point.seconds for point in report.durations] == [pytest.approx(2.10025)]
    assert any("average per period" in note for note in report.notes)


@pytest.mark.usefixtures("function")
def test_a_missing_log_group_is_a_note_not_a_fault(clients: AwsClients) -> None:
    report = repository(clients).runs(schedule({"Arn": FUNCTION_ARN}), Window.DAY, now=NOW)
    assert "logs" not in report.faults
    assert any("/aws/lambda/nightly-report does not exist" in note for note in report.notes)
    assert report.durations == []
    assert report.failures == []


@pytest.mark.usefixtures("logged")
def test_a_function_that_no_longer_exists_still_shows_its_logs(clients: AwsClients) -> None:
    report = repository(clients).runs(schedule({"Arn": FUNCTION_ARN}), Window.HOUR, now=NOW)
    assert "not found" in report.faults["function"]
    assert len(report.durations) == 3  # its log group outlives it


def test_percentiles_and_a_qualified_function_with_stubber(clients: AwsClients) -> None:
    """moto cannot answer p50/p99: the request and the answer's reading, stubbed."""
    cloudwatch = clients.cloudwatch
    seen: list[dict[str, Any]] = []
    with Stubber(cloudwatch) as stub:

        def answer(ids: list[str], values: list[float]) -> dict[str, Any]:
            return {
                "MetricDataResults": [
                    {"Id": query_id, "StatusCode": "Complete",
                     "Timestamps": [NOW] if value else [], "Values": [value] if value else []}
                    for query_id, value in zip(ids, values, strict=True)
                ]
            }  # fmt: skip

        stub.add_response(
            "get_metric_data",
            answer(
                ["metric_invocations", "metric_errors", "metric_throttles", "metric_max",
                 "metric_average"],
                [10.0, 0.0, 0.0, 900.0, 0.0],
            ),
        )  # fmt: skip
        stub.add_response("get_metric_data", answer(["metric_p50", "metric_p99"], [120.0, 850.0]))
        cloudwatch.meta.events.register(
            "before-parameter-build.cloudwatch.GetMetricData",
            lambda params, **_: seen.append(params),
        )
        target = schedule({"Arn": FUNCTION_ARN + ":live"})
        report = repository(clients).runs(target, Window.HOUR, now=NOW)
    assert report.figures["duration p50"] == 0.12
    assert report.figures["duration p99"] == 0.85
    assert report.figures["duration max"] == 0.9
    assert report.figures["invocations"] == 10.0
    stats = {
        query["MetricStat"]["Stat"]: query["MetricStat"]["Metric"]["Dimensions"]
        for call in seen
        for query in call["MetricDataQueries"]
    }
    assert set(stats) == {"Sum", "Maximum", "Average", "p50", "p99"}
    assert stats["p99"] == [
        {"Name": "FunctionName", "Value": FUNCTION},
        {"Name": "Resource", "Value": f"{FUNCTION}:live"},
    ]
    assert any("every version" in note for note in report.notes)


# Step Functions

MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:etl"


def _executions(seeding: Any, inputs: list[str]) -> list[Any]:
    sfn = seeding("stepfunctions")
    sfn.create_state_machine(
        name="etl", definition='{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}',
        roleArn=ROLE,
    )  # fmt: skip
    for index, text in enumerate(inputs):
        sfn.start_execution(stateMachineArn=MACHINE, name=f"run-{index}", input=text)
    machine = get_backend("stepfunctions")[ACCOUNT][REGION].describe_state_machine(MACHINE)
    return sorted(machine.executions, key=lambda execution: execution.name)


def test_step_functions_matches_the_schedules_executions_by_input(
    clients: AwsClients, seeding: Any, operations: list[str]
) -> None:
    mine = f'{{"from": "{SCHEDULE_ARN}", "at": "2026-03-02T10:00:00Z"}}'
    ours, failed, other, slow, old = _executions(
        seeding, [mine, mine.replace("10:00", "11:00"), '{"from": "someone else"}', mine, mine]
    )
    # moto starts every execution RUNNING at the wall clock's now: the states set here.
    for execution, started, minutes, status in [
        (ours, NOW - timedelta(hours=2), 5, "SUCCEEDED"),
        (failed, NOW - timedelta(hours=1), 1, "FAILED"),
        (other, NOW - timedelta(minutes=30), 1, "FAILED"),
        (slow, NOW - timedelta(hours=3), None, "RUNNING"),  # past the 1 h period
        (old, NOW - timedelta(days=2), 1, "SUCCEEDED"),  # outside the window
    ]:
        execution.start_date = started
        execution.status = status
        execution.stop_date = None if minutes is None else started + timedelta(minutes=minutes)
    failed.error, failed.cause = "States.TaskFailed", f"boom {ESC}"
    target = schedule(
        {"Arn": MACHINE, "Input": '{"from": "<aws.scheduler.schedule-arn>", '
         '"at": "<aws.scheduler.scheduled-time>"}'}
    )  # fmt: skip
    report = repository(clients).runs(target, Window.DAY, now=NOW)
    assert report.faults == {}
    assert [run.name for run in report.runs] == ["run-1", "run-0", "run-3"]
    by_name = {run.name: run for run in report.runs}
    assert by_name["run-1"].failed
    assert by_name["run-1"].detail == f"States.TaskFailed: boom {ESC}"
    assert by_name["run-3"].status == "RUNNING"
    assert by_name["run-3"].long_running
    assert by_name["run-3"].duration == 3 * 3600
    assert not by_name["run-0"].long_running
    assert by_name["run-0"].duration == 300
    assert report.figures["runs"] == 3
    assert report.figures["failed"] == 1
    assert report.figures["running"] == 1
    assert report.figures["long-running"] == 1
    assert [line.source for line in report.failures] == ["run-1"]
    assert any("names this schedule's ARN" in note for note in report.notes)
    only_reads(operations)


def test_step_functions_without_input_counts_every_execution(
    clients: AwsClients, seeding: Any
) -> None:
    first, second = _executions(seeding, ["{}", '{"x": 1}'])
    for execution in (first, second):
        execution.start_date = NOW - timedelta(minutes=20)
        execution.stop_date = NOW - timedelta(minutes=10)
        execution.status = "SUCCEEDED"
    second.status = "ABORTED"  # (moto never sends a TIMED_OUT one's stopDate)
    report = repository(clients).runs(schedule({"Arn": MACHINE}), Window.HOUR, now=NOW)
    assert len(report.runs) == 2
    assert report.figures["failed"] == 1
    assert any(note.startswith("all executions") for note in report.notes)
    assert [point.seconds for point in report.durations] == [600, 600]


# ECS

CLUSTER = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/batch"


def _tasks(seeding: Any, groups: list[str]) -> list[Any]:
    ecs = seeding("ecs")
    ecs.create_cluster(clusterName="batch")
    ecs.register_task_definition(
        family="export", containerDefinitions=[{"name": "app", "image": "app:1", "memory": 128}]
    )
    arns = [
        ecs.run_task(cluster="batch", taskDefinition="export", group=group, launchType="FARGATE")[
            "tasks"
        ][0]["taskArn"]
        for group in groups
    ]
    tasks = get_backend("ecs")[ACCOUNT][REGION].tasks["batch"]
    return [tasks[arn] for arn in arns]


def test_ecs_tasks_of_the_schedules_group(
    clients: AwsClients, seeding: Any, operations: list[str]
) -> None:
    done, crashed, running, stranger = _tasks(seeding, ["nightly", "nightly", "nightly", "adhoc"])
    # moto runs tasks at the wall clock's now and without exit codes: set on its backend.
    for task, minutes_ago, length in [(done, 50, 10), (crashed, 30, 2), (running, 90, None),
                                      (stranger, 20, 1)]:  # fmt: skip
        task.started_at = NOW - timedelta(minutes=minutes_ago)
        if length is not None:
            task.last_status = "STOPPED"
            task.desired_status = "STOPPED"
            task.stopped_at = task.started_at + timedelta(minutes=length)
            task.stopped_reason = "Essential container in task exited"
    crashed.containers[0].exitCode = 137
    crashed.containers[0].reason = f"OutOfMemoryError {ESC}"
    target = schedule(
        {"Arn": CLUSTER, "EcsParameters": {"TaskDefinitionArn": "export:1", "Group": "nightly"}}
    )
    report = repository(clients).runs(target, Window.HOUR, now=NOW)
    assert report.faults == {}
    names = {run.name: run for run in report.runs}
    assert set(names) == {done.id, crashed.id, running.id}
    assert names[crashed.id].failed
    assert "app=137" in (names[crashed.id].detail or "")
    assert not names[done.id].failed
    assert names[done.id].duration == 600
    assert names[running.id].stopped is None
    assert names[running.id].long_running
    assert report.figures["runs"] == 3
    assert report.figures["failed"] == 1
    assert any("about an hour" in note for note in report.notes)
    only_reads(operations)


# Other kinds


def test_other_targets_show_the_groups_scheduler_figures_and_the_dlq(
    clients: AwsClients, seeding: Any, operations: list[str]
) -> None:
    queue = seeding("sqs").create_queue(QueueName="dlq")["QueueUrl"]
    seeding("sqs").send_message(QueueUrl=queue, MessageBody="{}")
    seeding("cloudwatch").put_metric_data(
        Namespace="AWS/Scheduler",
        MetricData=[
            {"MetricName": "TargetErrorCount", "Timestamp": NOW - timedelta(minutes=10),
             "Dimensions": [{"Name": "ScheduleGroup", "Value": "reports"}], "Value": 4.0}
        ],
    )  # fmt: skip
    target = schedule(
        {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:work",
         "DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"}}
    )  # fmt: skip
    report = repository(clients).runs(target, Window.HOUR, now=NOW)
    assert report.faults == {}
    assert report.figures["target errors"] == 4.0
    assert report.figures["attempts"] == 0.0
    assert report.figures["DLQ messages"] == 1.0
    assert any("per group, not per schedule" in note for note in report.notes)
    only_reads(operations)


def test_a_throttled_metric_read_is_a_fault_beside_the_dlq(
    clients: AwsClients, seeding: Any
) -> None:
    seeding("sqs").create_queue(QueueName="dlq")
    intercept(
        clients.cloudwatch,
        "GetMetricData",
        lambda _: json_error("ThrottlingException", "Throttling", "Rate exceeded", 400),
    )
    target = schedule(
        {"Arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:topic",
         "DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"}}
    )  # fmt: skip
    report = repository(clients).runs(target, Window.WEEK, now=NOW)
    assert "throttled" in report.faults["metrics"]
    assert report.figures["DLQ messages"] == 0.0
    assert report.figures["target errors"] is None  # unknown, never a zero
