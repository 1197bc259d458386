"""What a schedule's target did when it fired, per target kind, over a window. Read calls only.

Each part of a report is fetched on its own (``_part``): a part that fails (access denied on
the log group, a throttled listing) becomes one line in ``report.faults`` and the others are
still filled; ``runs`` never raises for an AWS fault or odd data. The rules that need no AWS
are in ``core/activity/lambda_logs.py`` and ``core/activity/target_runs.py``.

- Lambda: AWS/Lambda metrics of the function (or its version/alias), and its log group's
  REPORT, ERROR and timeout lines (FilterLogEvents, newest slices first, at most
  ``MAX_LOG_PAGES`` pages).
- Step Functions: ListExecutions of the state machine (at most ``MAX_EXECUTION_PAGES`` pages),
  picked out by their input when the schedule's Input allows it (DescribeExecution, at most
  ``MAX_DESCRIBED`` calls), failed ones with their error and cause.
- ECS: ListTasks of the task definition's family, RUNNING and STOPPED, and DescribeTasks.
- Any other kind: the group's AWS/Scheduler metrics and the DLQ's depth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from schedtui.aws.dlq_repo import DlqRepository
from schedtui.aws.errors import AwsError, NotFoundError, aws_call, translate
from schedtui.aws.metrics_repo import MetricsRepository
from schedtui.aws.session import AwsClients
from schedtui.core.activity.lambda_logs import (
    LOG_PATTERN,
    LambdaFunction,
    configured_log_group,
    lambda_function,
    read_log_events,
)
from schedtui.core.activity.runs import DurationPoint, Run, RunsReport, Window
from schedtui.core.activity.target_runs import (
    FAILED_STATUSES,
    execution_run,
    input_match,
    run_durations,
    run_failures,
    run_figures,
    task_family,
    task_run,
)
from schedtui.core.expressions.zones import utc, utc_text
from schedtui.core.monitoring.metrics import (
    ATTEMPTS,
    DROPPED,
    FAILED_TO_DLQ,
    INVOCATION_THROTTLED,
    SENT_TO_DLQ,
    TARGET_ERRORS,
    TARGET_THROTTLED,
    metric_window,
)
from schedtui.core.monitoring.panel import WINDOWS
from schedtui.core.schedules.arns import TargetKind
from schedtui.core.schedules.schedule import Schedule

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch.type_defs import DimensionTypeDef, MetricDataQueryTypeDef

# Bounds: what one report may cost, whatever the account holds.
LOG_SLICES: Final = 4  # the window read newest quarter first: the latest lines matter most
LOG_PAGE_SIZE: Final = 1000
MAX_LOG_PAGES: Final = 20
MAX_EXECUTION_PAGES: Final = 5  # of 100 executions
MAX_DESCRIBED: Final = 50  # DescribeExecution calls per report
MAX_TASK_PAGES: Final = 5  # of 100 tasks, per desired status
DESCRIBE_TASKS_BATCH: Final = 100  # DescribeTasks' limit

LAMBDA_NAMESPACE: Final = "AWS/Lambda"
# The group's AWS/Scheduler figures, in the order a table reads them.
SCHEDULER_FIGURES: Final = (
    ("attempts", ATTEMPTS),
    ("target errors", TARGET_ERRORS),
    ("target throttled", TARGET_THROTTLED),
    ("invocation throttled", INVOCATION_THROTTLED),
    ("dropped", DROPPED),
    ("sent to DLQ", SENT_TO_DLQ),
    ("failed to DLQ", FAILED_TO_DLQ),
)


class RunsRepository:
    def __init__(
        self, clients: AwsClients, metrics: MetricsRepository, dlqs: DlqRepository
    ) -> None:
        self._clients = clients
        self._metrics = metrics
        self._dlqs = dlqs

    def runs(self, schedule: Schedule, window: Window, *, now: datetime) -> RunsReport:
        """The report for ``schedule`` over the ``window`` that ends at ``now``."""
        end = utc(now)
        report = RunsReport(
            kind=schedule.target.kind,
            target=schedule.target.arn,
            window=window,
            start=end - timedelta(seconds=window.seconds),
            end=end,
        )
        fetch: Callable[[Schedule, RunsReport], None] = {
            TargetKind.LAMBDA: self._lambda,
            TargetKind.STEP_FUNCTIONS: self._step_functions,
            TargetKind.ECS: self._ecs,
        }.get(report.kind, self._scheduler_figures)
        with _part(report, "runs"):  # a fault no part caught: still a report
            fetch(schedule, report)
        return report

    # Lambda

    def _lambda(self, schedule: Schedule, report: RunsReport) -> None:
        function = lambda_function(schedule.target.arn)
        if function is None:
            report.notes.append("the target ARN names no Lambda function")
            return
        log_group = function.default_log_group
        try:
            qualifier = {"Qualifier": function.qualifier} if function.qualifier else {}
            with aws_call(f"GetFunctionConfiguration {function.resource}"):
                configuration = self._clients.lambda_.get_function_configuration(
                    FunctionName=function.name, **qualifier
                )
            log_group = configured_log_group(dict(configuration), function)
        except NotFoundError as error:
            _fault(report, "function", error)
        except AwsError as error:
            report.notes.append(
                f"log group: {log_group}, the default (the function's own "
                f"configuration could not be read: {error})"
            )
        report.figures.update(
            dict.fromkeys(
                (
                    "invocations",
                    "errors",
                    "throttles",
                    "duration p50",
                    "duration p99",
                    "duration max",
                )
            )
        )
        averages: list[DurationPoint] = []
        with _part(report, "metrics"):
            averages = self._lambda_metrics(function, report)
        with _part(report, "duration percentiles"):
            self._lambda_percentiles(function, report)
        with _part(report, "logs"):
            self._lambda_logs(function, log_group, report)
        if function.qualifier:
            report.notes.append(
                f"log lines of every version of {function.name} (the log group is shared); "
                f"metrics of {function.resource} only"
            )
        if not report.durations and averages:
            report.durations = averages
            report.notes.append(
                "durations: AWS/Lambda's average per period (no REPORT line was read)"
            )

    def _lambda_window(self, report: RunsReport) -> tuple[datetime, datetime, int]:
        period = WINDOWS[report.window.label][1]
        first, last = metric_window(report.start, report.end, period)
        return first, last, period

    def _lambda_metrics(self, function: LambdaFunction, report: RunsReport) -> list[DurationPoint]:
        """Invocations, errors, throttles and the longest duration over the window (one
        period spanning it), and the average duration per period (the sparkline's fallback)."""
        first, last, period = self._lambda_window(report)
        whole = int((last - first).total_seconds())
        queries = [
            _lambda_query("invocations", "Invocations", "Sum", function, whole),
            _lambda_query("errors", "Errors", "Sum", function, whole),
            _lambda_query("throttles", "Throttles", "Sum", function, whole),
            _lambda_query("max", "Duration", "Maximum", function, whole),
            _lambda_query("average", "Duration", "Average", function, period),
        ]
        found = self._datapoints(queries, first, last, function)
        for figure in ("invocations", "errors", "throttles"):
            # No datapoint: nothing happened (AWS publishes no zeros).
            report.figures[figure] = sum(value for _, value in found["metric_" + figure])
        maxima = [value for _, value in found["metric_max"]]
        report.figures["duration max"] = max(maxima) / 1000 if maxima else None
        return [DurationPoint(at, value / 1000) for at, value in sorted(found["metric_average"])]

    def _lambda_percentiles(self, function: LambdaFunction, report: RunsReport) -> None:
        """p50 and p99 of the duration over the whole window: a call of their own, so that a
        CloudWatch (or a moto) that cannot answer percentiles leaves the rest standing."""
        first, last, _ = self._lambda_window(report)
        whole = int((last - first).total_seconds())
        queries = [
            _lambda_query("p50", "Duration", "p50", function, whole),
            _lambda_query("p99", "Duration", "p99", function, whole),
        ]
        found = self._datapoints(queries, first, last, function)
        for stat in ("p50", "p99"):
            values = [value for _, value in found["metric_" + stat]]
            report.figures[f"duration {stat}"] = max(values) / 1000 if values else None

    def _datapoints(
        self,
        queries: list[MetricDataQueryTypeDef],
        first: datetime,
        last: datetime,
        function: LambdaFunction,
    ) -> dict[str, list[tuple[datetime, float]]]:
        found: dict[str, list[tuple[datetime, float]]] = {query["Id"]: [] for query in queries}
        action = f"GetMetricData {LAMBDA_NAMESPACE} {function.resource}"
        for query_id, at, value in self._metrics.metric_data(queries, first, last, action):
            found.setdefault(query_id, []).append((utc(at), float(value)))
        return found

    def _lambda_logs(self, function: LambdaFunction, log_group: str, report: RunsReport) -> None:
        try:
            events, complete = self._log_events(log_group, report.start, report.end)
        except NotFoundError:
            report.notes.append(
                f"log group {log_group} does not exist: {function.name} has logged nothing "
                "there (never invoked, or its logs go elsewhere)"
            )
            return
        report.durations, report.failures = read_log_events(events)
        if complete is not None:
            report.notes.append(
                f"log lines read back to {utc_text(complete)} UTC only ({MAX_LOG_PAGES} pages "
                "of FilterLogEvents, newest first)"
            )

    def _log_events(
        self, log_group: str, start: datetime, end: datetime
    ) -> tuple[list[Mapping[str, Any]], datetime | None]:
        """The window's matching events, read a slice at a time from the newest, and the
        instant the read stopped at when the page bound cut it short (None: all read)."""
        events: list[Mapping[str, Any]] = []
        pages = 0
        step = (end - start) / LOG_SLICES
        for index in reversed(range(LOG_SLICES)):
            low = start + step * index
            high = end if index == LOG_SLICES - 1 else start + step * (index + 1)
            request: dict[str, Any] = {
                "logGroupName": log_group,
                "startTime": _millis(low),
                # endTime is inclusive: a slice stops a millisecond before the next one.
                "endTime": _millis(high) - (0 if index == LOG_SLICES - 1 else 1),
                "filterPattern": LOG_PATTERN,
                "limit": LOG_PAGE_SIZE,
            }
            while True:
                if pages >= MAX_LOG_PAGES:
                    return events, high
                with aws_call(f"FilterLogEvents {log_group}"):
                    page = self._clients.logs.filter_log_events(**request)
                pages += 1
                events.extend(page.get("events", []))
                token = page.get("nextToken")
                if not token:
                    break
                request["nextToken"] = token
        return events, None

    # Step Functions

    def _step_functions(self, schedule: Schedule, report: RunsReport) -> None:
        machine = schedule.target.arn
        match = input_match(schedule)
        report.notes.append(match.note)
        runs: list[Run] = []
        with _part(report, "executions"):
            executions, cut = self._executions(machine, report.start)
            if cut:
                report.notes.append(
                    f"only the newest {MAX_EXECUTION_PAGES * 100} executions were listed"
                )
            # Inputs (to match) and causes (of failures) need DescribeExecution: bounded.
            described: dict[str, Mapping[str, Any]] = {}
            wanted = [
                execution
                for execution in executions
                if match.pieces is not None or execution.get("status") in FAILED_STATUSES
            ]
            if len(wanted) > MAX_DESCRIBED:
                report.notes.append(
                    f"only the newest {MAX_DESCRIBED} executions were described"
                    + (" and matched to the schedule" if match.pieces is not None else "")
                )
            with _part(report, "execution details"):
                for execution in wanted[:MAX_DESCRIBED]:
                    arn = str(execution.get("executionArn", ""))
                    with aws_call(f"DescribeExecution {arn}"):
                        described[arn] = self._clients.stepfunctions.describe_execution(
                            executionArn=arn
                        )
            for execution in executions:
                arn = str(execution.get("executionArn", ""))
                details = described.get(arn)
                unmatched = details is None or not match.matches(_text(details.get("input")))
                if match.pieces is not None and unmatched:
                    continue
                runs.append(execution_run(schedule, execution, report.end, details))
        _runs_into(report, runs)

    def _executions(self, machine: str, start: datetime) -> tuple[list[Mapping[str, Any]], bool]:
        """The executions started at or after ``start``, newest first (ListExecutions' order),
        and whether the page bound cut the listing short."""
        found: list[Mapping[str, Any]] = []
        request: dict[str, Any] = {"stateMachineArn": machine, "maxResults": 100}
        for _ in range(MAX_EXECUTION_PAGES):
            with aws_call(f"ListExecutions {machine}"):
                page = self._clients.stepfunctions.list_executions(**request)
            older = False
            for execution in page.get("executions", []):
                started = execution.get("startDate")
                if isinstance(started, datetime) and utc(started) < start:
                    older = True
                    continue
                found.append(execution)
            token = page.get("nextToken")
            if older or not token:
                return found, False
            request["nextToken"] = token
        return found, True

    # ECS

    def _ecs(self, schedule: Schedule, report: RunsReport) -> None:
        parameters = schedule.target.ecs_parameters
        if parameters is None:
            report.notes.append("the schedule has no EcsParameters: no task definition to look up")
            return
        family = task_family(parameters.task_definition_arn)
        group = parameters.group
        report.notes.append(
            f"tasks of group {group}"
            if group
            else f"all tasks of family {family}: the schedule sets no Group to tell its tasks by"
        )
        report.notes.append("ECS keeps a stopped task for about an hour: older runs are not listed")
        runs: list[Run] = []
        with _part(report, "tasks"):
            for task in self._tasks(schedule.target.arn, family):
                if group and task.get("group") != group:
                    continue
                run = task_run(schedule, task, report.end)
                if run.stopped is None or run.started is None or run.started >= report.start:
                    runs.append(run)
        runs.sort(key=lambda run: run.started or report.start, reverse=True)
        _runs_into(report, runs)

    def _tasks(self, cluster: str, family: str) -> Iterator[Mapping[str, Any]]:
        ecs = self._clients.ecs
        arns: list[str] = []
        for status in ("RUNNING", "STOPPED"):
            request: dict[str, Any] = {
                "cluster": cluster,
                "family": family,
                "desiredStatus": status,
                "maxResults": 100,
            }
            for _ in range(MAX_TASK_PAGES):
                with aws_call(f"ListTasks {family}"):
                    page = ecs.list_tasks(**request)
                arns.extend(page.get("taskArns", []))
                token = page.get("nextToken")
                if not token:
                    break
                request["nextToken"] = token
        arns = list(dict.fromkeys(arns))
        for offset in range(0, len(arns), DESCRIBE_TASKS_BATCH):
            with aws_call(f"DescribeTasks {family}"):
                answer = ecs.describe_tasks(
                    cluster=cluster, tasks=arns[offset : offset + DESCRIBE_TASKS_BATCH]
                )
            yield from answer.get("tasks", [])

    # Any other kind

    def _scheduler_figures(self, schedule: Schedule, report: RunsReport) -> None:
        group = schedule.group_name
        report.notes.append(
            f"Scheduler publishes its metrics per group, not per schedule: the figures are "
            f"group {group}'s"
        )
        report.figures.update(dict.fromkeys(label for label, _ in SCHEDULER_FIGURES))
        with _part(report, "metrics"):
            period = WINDOWS[report.window.label][1]
            series = self._metrics.fetch(
                [group],
                report.start,
                report.end,
                period,
                metrics=[metric for _, metric in SCHEDULER_FIGURES],
                causes=False,
            )
            totals = {item.metric: item.total for item in series if item.group == group}
            for label, metric in SCHEDULER_FIGURES:
                report.figures[label] = totals.get(metric)
        dlq = schedule.target.dead_letter_config
        if dlq is not None and dlq.arn:
            report.figures["DLQ messages"] = None
            with _part(report, "DLQ"):
                report.figures["DLQ messages"] = float(self._dlqs.depth(dlq.arn).visible)


@contextmanager
def _part(report: RunsReport, name: str) -> Iterator[None]:
    """One part of the report: whatever fails in it is that part's fault, in one line."""
    try:
        yield
    except Exception as error:  # an AWS fault or data no rule expected: the rest stands
        _fault(report, name, translate(error, name))


def _fault(report: RunsReport, name: str, error: AwsError) -> None:
    """A part's fault, its message and its typed error (the first one a part meets stands)."""
    if name not in report.faults:
        report.faults[name] = str(error)
        report.causes[name] = error


def _runs_into(report: RunsReport, runs: list[Run]) -> None:
    report.runs = runs
    report.figures.update(run_figures(runs))
    report.durations = run_durations(runs)
    report.failures = run_failures(runs)


def _lambda_query(
    name: str, metric: str, stat: str, function: LambdaFunction, period: int
) -> MetricDataQueryTypeDef:
    dimensions: list[DimensionTypeDef] = [{"Name": "FunctionName", "Value": function.name}]
    if function.qualifier:
        dimensions.append({"Name": "Resource", "Value": function.resource})
    return {
        "Id": f"metric_{name}",
        "MetricStat": {
            "Metric": {
                "Namespace": LAMBDA_NAMESPACE,
                "MetricName": metric,
                "Dimensions": dimensions,
            },
            "Period": period,
            "Stat": stat,
        },
    }


def _millis(instant: datetime) -> int:
    return int(utc(instant).timestamp() * 1000)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
