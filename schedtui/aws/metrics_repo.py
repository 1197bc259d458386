"""AWS/Scheduler metrics and the CloudWatch alarms watching them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from schedtui.aws.errors import (
    AccessDeniedError,
    ServiceFailureError,
    UnreadableAnswerError,
    aws_call,
    new_token,
)
from schedtui.aws.session import AwsClients
from schedtui.core.expressions.zones import utc
from schedtui.core.fleet.cost import (
    RETRY_METRICS,
    RETRY_PERIOD,
    RETRY_WINDOW,
    retries_per_month,
    retry_window,
)
from schedtui.core.monitoring.metrics import (
    GROUP_DIMENSION,
    NAMESPACE,
    SCHEDULER_METRICS,
    MetricAlarm,
    MetricSeries,
    failure_cause,
    metric_window,
    sns_topic_arns,
    zero_filled_series,
)

if TYPE_CHECKING:
    from mypy_boto3_cloudwatch.type_defs import (
        DimensionTypeDef,
        GetMetricDataInputTypeDef,
        MetricAlarmTypeDef,
        MetricDataQueryTypeDef,
        MetricOutputTypeDef,
    )

MAX_QUERIES_PER_CALL: Final = 500  # GetMetricData's limit


@dataclass(frozen=True, slots=True)
class _Query:
    id: str
    metric: str
    group: str | None


class MetricsRepository:
    """Reads AWS/Scheduler metrics (Sum per period) and the alarms on them."""

    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients

    def cause_metrics(self, groups: Sequence[str]) -> list[tuple[str, str | None]]:
        """The per-cause DLQ failure metrics published (``metric, group``; None: account
        wide) for the account and ``groups``, from ListMetrics (names sorted)."""
        wanted = {None, *groups}
        found: set[tuple[str, str | None]] = set()
        paginator = self._clients.cloudwatch.get_paginator("list_metrics")
        with aws_call(f"ListMetrics {NAMESPACE}"):
            for page in paginator.paginate(Namespace=NAMESPACE):
                for metric in page.get("Metrics", []):
                    name = metric.get("MetricName", "")
                    group = _group_of(metric.get("Dimensions", []))
                    if failure_cause(name) and group in wanted:
                        found.add((name, group))
        return sorted(found, key=lambda item: (item[1] or "", item[0]))

    def fetch(
        self,
        groups: Sequence[str],
        start: datetime,
        end: datetime,
        period: int,
        metrics: Sequence[str] = SCHEDULER_METRICS,
        causes: bool = True,
    ) -> list[MetricSeries]:
        """Every Scheduler metric, account-wide and per group, summed per ``period`` seconds.

        The window is widened to whole periods (see ``metric_window``), and every period of
        it is present in each series: a missing datapoint is 0, as Scheduler publishes no
        zeros. Order: the account-wide series (in SCHEDULER_METRICS order), then each group's,
        in the order given (duplicates dropped), then the per-cause DLQ failure series that
        ListMetrics finds (``cause_metrics``). One GetMetricData call per 500 queries,
        following NextToken. ``metrics`` narrows the fetch (the list's failure columns need
        two), ``causes=False`` skips the per-cause series (and their ListMetrics). Raises
        ValueError for a bad window or period, AwsError on failure, including a query
        CloudWatch answered as Forbidden or InternalError (a series shown as zeros would hide
        a real problem).
        """
        first, last = metric_window(start, end, period)
        series = [(group, metric) for group in [None, *dict.fromkeys(groups)] for metric in metrics]
        if causes:
            series += [(group, metric) for metric, group in self.cause_metrics(groups)]
        # Positional ids: group names may hold '-' and '.', which ids may not.
        queries = [
            _Query(id=f"m{index}", metric=metric, group=group)
            for index, (group, metric) in enumerate(series)
        ]
        datapoints: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
        for offset in range(0, len(queries), MAX_QUERIES_PER_CALL):
            chunk = queries[offset : offset + MAX_QUERIES_PER_CALL]
            for query_id, timestamp, value in self._get_metric_data(chunk, first, last, period):
                datapoints[query_id].append((timestamp, value))
        return [
            zero_filled_series(query.metric, query.group, first, last, period, datapoints[query.id])
            for query in queries
        ]

    def _get_metric_data(
        self, chunk: list[_Query], start: datetime, end: datetime, period: int
    ) -> Iterator[tuple[str, datetime, float]]:
        queries = [_metric_data_query(query, period) for query in chunk]
        return self.metric_data(queries, start, end, f"GetMetricData {NAMESPACE}")

    def metric_data(
        self, queries: list[MetricDataQueryTypeDef], start: datetime, end: datetime, action: str
    ) -> Iterator[tuple[str, datetime, float]]:
        """``(query id, timestamp, value)`` of every datapoint GetMetricData answers for
        ``queries`` (any namespace), following NextToken. Raises AwsError on failure,
        including a query answered Forbidden or InternalError."""
        request: GetMetricDataInputTypeDef = {
            "MetricDataQueries": queries,
            "StartTime": start,
            "EndTime": end,
            "ScanBy": "TimestampAscending",
        }
        seen: set[str] = set()
        while True:
            with aws_call(action):
                page = self._clients.cloudwatch.get_metric_data(**request)
            for result in page.get("MetricDataResults", []):
                status = result.get("StatusCode", "Complete")
                if status in ("Forbidden", "InternalError"):
                    kind = AccessDeniedError if status == "Forbidden" else ServiceFailureError
                    detail = " ".join(  # one line, whatever the messages hold
                        "; ".join(
                            message.get("Value", "") for message in result.get("Messages", [])
                        ).split()
                    )
                    raise kind(
                        f"{action}: {result.get('Label') or result.get('Id')}: {status}"
                        + (f": {detail}" if detail else ""),
                        code=status,
                        aws_message=detail,
                    )
                query_id = result.get("Id", "")
                yield from (
                    (query_id, timestamp, value)
                    for timestamp, value in zip(
                        result.get("Timestamps", []), result.get("Values", []), strict=False
                    )
                )
            token = page.get("NextToken")
            if not token:
                return
            request["NextToken"] = new_token(
                token, seen, f"{action}: CloudWatch answered a NextToken"
            )

    def retries_per_month(self, groups: Sequence[str], now: datetime) -> dict[str, float]:
        """Each group's retries observed over the last week, scaled to a month (our reading
        of the metrics: ``core/fleet/cost.py: RETRY_METRICS``). One GetMetricData call per
        500 series. Raises AwsError as ``fetch`` does."""
        start, end = retry_window(now)
        series = self.fetch(groups, start, end, RETRY_PERIOD, RETRY_METRICS, causes=False)
        try:
            return retries_per_month(series, RETRY_WINDOW)
        except ValueError as error:  # NaN, inf or a negative count: no figure, a message
            raise UnreadableAnswerError(f"GetMetricData AWS/Scheduler: {error}") from error

    def alarms(self) -> list[MetricAlarm]:
        """The metric alarms on AWS/Scheduler metrics (plain or metric math), by name."""
        found: list[MetricAlarm] = []
        paginator = self._clients.cloudwatch.get_paginator("describe_alarms")
        with aws_call("DescribeAlarms"):
            for page in paginator.paginate(AlarmTypes=["MetricAlarm"]):
                for alarm in page.get("MetricAlarms", []):
                    converted = _scheduler_alarm(alarm)
                    if converted is not None:
                        found.append(converted)
        return sorted(found, key=lambda alarm: alarm.name)


def _metric_data_query(query: _Query, period: int) -> MetricDataQueryTypeDef:
    dimensions: list[DimensionTypeDef] = (
        [] if query.group is None else [{"Name": GROUP_DIMENSION, "Value": query.group}]
    )
    # No Unit: CloudWatch would silently drop datapoints published with another unit.
    return {
        "Id": query.id,
        "MetricStat": {
            "Metric": {
                "Namespace": NAMESPACE,
                "MetricName": query.metric,
                "Dimensions": dimensions,
            },
            "Period": period,
            "Stat": "Sum",
        },
    }


def _group_of(dimensions: Sequence[DimensionTypeDef]) -> str | None:
    for dimension in dimensions:
        if dimension.get("Name") == GROUP_DIMENSION:
            return dimension.get("Value")
    return None


def _scheduler_alarm(alarm: MetricAlarmTypeDef) -> MetricAlarm | None:
    """The alarm as a MetricAlarm when it watches an AWS/Scheduler metric, else None."""
    metric: MetricOutputTypeDef | None = None
    statistic = alarm.get("Statistic") or alarm.get("ExtendedStatistic")
    period = alarm.get("Period")
    if alarm.get("Namespace") == NAMESPACE:
        metric = {
            "Namespace": NAMESPACE,
            "MetricName": alarm.get("MetricName", ""),
            "Dimensions": alarm.get("Dimensions", []),
        }
    else:
        # A metric-math alarm names its metrics in Metrics[].MetricStat; the first Scheduler
        # one stands for the alarm (the expression itself has no single metric).
        for query in alarm.get("Metrics", []):
            stat = query.get("MetricStat")
            if stat is not None and stat["Metric"].get("Namespace") == NAMESPACE:
                metric = stat["Metric"]
                statistic = statistic or stat.get("Stat")
                period = period or stat.get("Period")
                break
    if metric is None:
        return None
    return MetricAlarm(
        name=alarm.get("AlarmName", ""),
        arn=alarm.get("AlarmArn"),
        state=alarm.get("StateValue", "INSUFFICIENT_DATA"),
        reason=alarm.get("StateReason", ""),
        state_updated_at=utc(updated) if (updated := alarm.get("StateUpdatedTimestamp")) else None,
        metric=metric.get("MetricName") or None,
        group=_group_of(metric.get("Dimensions", [])),
        threshold=alarm.get("Threshold"),
        comparison=alarm.get("ComparisonOperator"),
        statistic=statistic,
        period=period,
        evaluation_periods=alarm.get("EvaluationPeriods"),
        actions_enabled=alarm.get("ActionsEnabled", True),
        alarm_topic_arns=sns_topic_arns(alarm.get("AlarmActions", [])),
        ok_topic_arns=sns_topic_arns(alarm.get("OKActions", [])),
        insufficient_data_topic_arns=sns_topic_arns(alarm.get("InsufficientDataActions", [])),
    )
