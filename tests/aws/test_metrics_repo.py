"""MetricsRepository against the moto server over HTTP: sums, zero fill, chunking, alarms.

moto 5.2.5 deviates from CloudWatch in one way these tests must step around: a query with
no dimensions matches the metric under *every* dimension set (CloudWatch matches only the
series published without dimensions). So the account-wide series is checked on a metric
that has no per-group datapoints, and no test asserts what moto returns for the overlap.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from schedtui.aws.errors import (
    AccessDeniedError,
    AwsError,
    ThrottledError,
    UnreadableAnswerError,
)
from schedtui.aws.metrics_repo import MetricsRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.monitoring.metrics import SCHEDULER_METRICS, MetricSeries
from schedtui.core.monitoring.panel import group_health
from tests.aws.wire import count_calls, intercept, json_error, record_params

ATTEMPTS = "InvocationAttemptCount"
TARGET_ERRORS = "TargetErrorCount"
THROTTLED = "InvocationThrottleCount"
GROUPS = ["orders", "billing", "idle"]


@pytest.fixture
def end() -> datetime:
    """The end of every test window: the last whole hour (data is placed relative to it)."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def _put(clients: AwsClients, metric: str, group: str | None, at: datetime, value: float) -> None:
    clients.cloudwatch.put_metric_data(
        Namespace="AWS/Scheduler",
        MetricData=[
            {
                "MetricName": metric,
                "Dimensions": [] if group is None else [{"Name": "ScheduleGroup", "Value": group}],
                "Timestamp": at,
                "Value": value,
                "Unit": "Count",
            }
        ],
    )


@pytest.fixture
def published(clients: AwsClients, end: datetime) -> None:
    hour_ago = end - timedelta(hours=1)
    for metric, group, at, value in [
        # Two datapoints in the first 5-minute period of the last hour: they add up.
        (ATTEMPTS, "orders", hour_ago + timedelta(minutes=1), 3),
        (ATTEMPTS, "orders", hour_ago + timedelta(minutes=2, seconds=30), 2),
        (ATTEMPTS, "orders", hour_ago + timedelta(minutes=7), 4),
        (ATTEMPTS, "orders", end - timedelta(minutes=3), 6),
        (ATTEMPTS, "orders", end - timedelta(hours=5) + timedelta(minutes=10), 8),
        # Outside every window: exactly at the (exclusive) end, and a day and more ago.
        (ATTEMPTS, "orders", end, 1000),
        (ATTEMPTS, "orders", end - timedelta(hours=25), 1000),
        (TARGET_ERRORS, "orders", hour_ago + timedelta(minutes=7), 1),
        (ATTEMPTS, "billing", end - timedelta(minutes=30), 9),
        (THROTTLED, None, hour_ago + timedelta(minutes=1), 2),
        (THROTTLED, None, end - timedelta(minutes=10), 3),
    ]:
        _put(clients, metric, group, at, value)


def _by_key(series: list[MetricSeries]) -> dict[tuple[str | None, str], MetricSeries]:
    return {(one.group, one.metric): one for one in series}


@pytest.mark.usefixtures("published")
def test_last_hour_in_5_minute_periods(clients: AwsClients, end: datetime) -> None:
    # An unaligned window is widened to whole periods: the same 12 buckets as [end-1h, end).
    series = MetricsRepository(clients).fetch(
        GROUPS, end - timedelta(hours=1) + timedelta(seconds=17), end - timedelta(seconds=29), 300
    )

    assert len(series) == len(SCHEDULER_METRICS) * (1 + len(GROUPS))
    assert [(one.group, one.metric) for one in series[: len(SCHEDULER_METRICS)]] == [
        (None, metric) for metric in SCHEDULER_METRICS
    ]
    buckets = [end - timedelta(hours=1) + timedelta(minutes=5 * k) for k in range(12)]
    for one in series:
        assert one.period == 300
        assert list(one.timestamps) == buckets
        assert len(one.values) == 12
    found = _by_key(series)
    orders = found[("orders", ATTEMPTS)]
    assert orders.values == (5, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6)
    assert (orders.total, orders.latest) == (15, 6)
    assert found[("orders", TARGET_ERRORS)].values == (0, 1, *[0] * 10)
    assert found[("billing", ATTEMPTS)].values == (*[0] * 6, 9, *[0] * 5)
    assert found[(None, THROTTLED)].values == (2, *[0] * 9, 3, 0)
    assert found[(None, THROTTLED)].account_wide
    # Nothing published means zeros, not gaps, for every other series.
    non_zero = {("orders", ATTEMPTS), ("orders", TARGET_ERRORS), ("billing", ATTEMPTS)}
    for (group, metric), one in found.items():
        if group is not None and (group, metric) not in non_zero:
            assert one.values == (0,) * 12, (group, metric)
    assert all(one.total == 0 for (group, _), one in found.items() if group == "idle")


@pytest.mark.usefixtures("published")
def test_last_day_in_hourly_periods(clients: AwsClients, end: datetime) -> None:
    series = MetricsRepository(clients).fetch(GROUPS, end - timedelta(hours=24), end, 3600)

    found = _by_key(series)
    orders = found[("orders", ATTEMPTS)]
    assert list(orders.timestamps) == [end - timedelta(hours=24 - k) for k in range(24)]
    # 19: the hour starting 5 hours before the end; 23: the last hour (3 + 2 + 4 + 6).
    assert orders.values == (*[0] * 19, 8, 0, 0, 0, 15)
    assert orders.total == 23
    assert found[("orders", TARGET_ERRORS)].values == (*[0] * 23, 1)
    assert found[("billing", ATTEMPTS)].values == (*[0] * 23, 9)
    assert found[(None, THROTTLED)].values == (*[0] * 23, 5)
    assert found[("idle", THROTTLED)].values == (0,) * 24


@pytest.mark.parametrize("group_count", [61, 62, 125])
def test_queries_are_sent_500_per_call(
    clients: AwsClients, end: datetime, group_count: int
) -> None:
    groups = [f"group-{n:03d}.x_y" for n in range(group_count)]
    last = groups[-1]
    _put(clients, TARGET_ERRORS, last, end - timedelta(minutes=20), 7)
    calls = count_calls(clients.cloudwatch, "GetMetricData")
    sent = record_params(clients.cloudwatch, "GetMetricData")

    series = MetricsRepository(clients).fetch(groups, end - timedelta(hours=1), end, 3600)

    queries = len(SCHEDULER_METRICS) * (1 + group_count)
    assert len(calls) == math.ceil(queries / 500)  # GetMetricData's limit
    assert len(series) == queries
    for request in sent:
        ids = [query["Id"] for query in request["MetricDataQueries"]]
        assert len(ids) <= 500
        assert len(set(ids)) == len(ids)
        assert all(re.fullmatch(r"[a-z][a-zA-Z0-9_]*", query_id) for query_id in ids)
        assert {query["MetricStat"]["Stat"] for query in request["MetricDataQueries"]} == {"Sum"}
    assert sum(len(request["MetricDataQueries"]) for request in sent) == queries
    # The datapoint of the very last query (in the last chunk) lands on the right series.
    found = _by_key(series)
    assert found[(last, TARGET_ERRORS)].values == (7,)
    assert found[(groups[0], TARGET_ERRORS)].values == (0,)


def test_dlq_failures_by_cause_are_found_and_fetched_in_the_same_batches(
    clients: AwsClients, end: datetime
) -> None:
    # The per-cause names are not listed anywhere (the documented example is the missing
    # queue): ListMetrics finds them, and they ride in the same 500-query batches.
    groups = [f"group-{n:03d}" for n in range(62)]
    missing = "InvocationsFailedToBeSentToDeadLetterCount_AWS.SimpleQueueService.NonExistentQueue"
    denied = "InvocationsFailedToBeSentToDeadLetterCount_AccessDenied"
    at = end - timedelta(minutes=20)
    _put(clients, missing, groups[5], at, 2)
    _put(clients, denied, groups[5], at, 1)
    # Account-wide only (moto sums every dimension set into a query without dimensions;
    # CloudWatch does not, so the two are kept apart here).
    kms = "InvocationsFailedToBeSentToDeadLetterCount_KMS.AccessDeniedException"
    _put(clients, kms, None, at, 4)
    _put(clients, missing, "a-group-not-shown", at, 9)
    calls = count_calls(clients.cloudwatch, "GetMetricData")

    series = MetricsRepository(clients).fetch(groups, end - timedelta(hours=1), end, 3600)

    found = _by_key(series)
    assert found[(groups[5], missing)].values == (2,)
    assert found[(None, kms)].values == (4,)
    assert ("a-group-not-shown", missing) not in found
    queries = len(SCHEDULER_METRICS) * (1 + len(groups)) + 3
    assert len(series) == queries
    assert len(calls) == math.ceil(queries / 500)
    health = {one.group: one for one in group_health(series, [])}
    assert health[groups[5]].failure_causes() == [
        ("AWS.SimpleQueueService.NonExistentQueue", 2.0),
        ("AccessDenied", 1.0),
    ]
    assert health[groups[0]].failure_causes() == []


@pytest.mark.usefixtures("published")
def test_next_token_pages_are_merged(clients: AwsClients, end: datetime) -> None:
    """moto answers in one page; this splits its answer into two, as CloudWatch may."""
    repository = MetricsRepository(clients)
    start = end - timedelta(hours=1)
    whole = repository.fetch(GROUPS, start, end, 300)
    held_back: dict[str, tuple[list[Any], list[float]]] = {}
    pages = 0

    def _split(parsed: dict[str, Any], **_: Any) -> None:
        nonlocal pages
        pages += 1
        for result in parsed["MetricDataResults"]:
            if pages == 1:
                held_back[result["Id"]] = (result["Timestamps"][1:], result["Values"][1:])
                result["Timestamps"], result["Values"] = (
                    result["Timestamps"][:1],
                    result["Values"][:1],
                )
                result["StatusCode"] = "PartialData"
            else:
                result["Timestamps"], result["Values"] = held_back.get(result["Id"], ([], []))
        if pages == 1:
            parsed["NextToken"] = "page-2"

    clients.cloudwatch.meta.events.register("after-call.cloudwatch.GetMetricData", _split)
    sent = record_params(clients.cloudwatch, "GetMetricData")

    paged = repository.fetch(GROUPS, start, end, 300)

    assert [request.get("NextToken") for request in sent] == [None, "page-2"]
    assert paged == whole
    assert _by_key(paged)[("orders", ATTEMPTS)].values[:2] == (5, 4)


def test_a_next_token_given_twice_is_an_unreadable_answer_not_an_endless_loop(
    clients: AwsClients, end: datetime
) -> None:
    # A hostile (or broken) endpoint answering "again" for ever: botocore's paginators
    # refuse a token given twice, and so must this loop, or `schedtui cost` never ends.
    calls = 0

    def _again(parsed: dict[str, Any], **_: Any) -> None:
        nonlocal calls
        calls += 1
        if calls < 20:  # a guard for this test only, should the loop not stop
            parsed["NextToken"] = "again"

    clients.cloudwatch.meta.events.register("after-call.cloudwatch.GetMetricData", _again)
    with pytest.raises(UnreadableAnswerError, match="NextToken it had already given"):
        MetricsRepository(clients).fetch(GROUPS, end - timedelta(hours=1), end, 300)
    assert calls == 2


@pytest.mark.usefixtures("published")
def test_a_forbidden_query_raises_instead_of_showing_zeros(
    clients: AwsClients, end: datetime
) -> None:
    def _forbid(parsed: dict[str, Any], **_: Any) -> None:
        parsed["MetricDataResults"][3]["StatusCode"] = "Forbidden"
        parsed["MetricDataResults"][3]["Messages"] = [{"Code": "Forbidden", "Value": "no access"}]

    clients.cloudwatch.meta.events.register("after-call.cloudwatch.GetMetricData", _forbid)

    with pytest.raises(AccessDeniedError, match="Forbidden: no access"):
        MetricsRepository(clients).fetch(GROUPS, end - timedelta(hours=1), end, 300)


@pytest.mark.parametrize("period", [0, 30, 90, -60])
def test_a_period_cloudwatch_would_refuse_is_refused_locally(
    clients: AwsClients, end: datetime, period: int
) -> None:
    calls = count_calls(clients.cloudwatch, "GetMetricData")
    with pytest.raises(ValueError, match="period"):
        MetricsRepository(clients).fetch(GROUPS, end - timedelta(hours=1), end, period)
    assert calls == []


DENIED = (
    "User: arn:aws:sts::123456789012:assumed-role/oncall/me is not authorized to perform: "
    "cloudwatch:GetMetricData because no identity-based policy allows it"
)


@pytest.mark.parametrize(
    ("type_name", "query_code", "message", "error_type", "words"),
    [
        (
            "com.amazon.coral.service#AccessDeniedException",
            "AccessDenied",
            DENIED,
            AccessDeniedError,
            "access denied",
        ),
        (
            "com.amazon.coral.availability#ThrottlingException",
            "Throttling",
            "Rate exceeded",
            ThrottledError,
            "throttled",
        ),
    ],
)
def test_a_fault_on_the_wire_becomes_one_typed_line(
    moto_endpoint: str,
    end: datetime,
    type_name: str,
    query_code: str,
    message: str,
    error_type: type[AwsError],
    words: str,
) -> None:
    clients = AwsClients(
        AwsSettings(region="us-east-1", endpoint_url=moto_endpoint, max_attempts=1)
    )
    # The canned answer must be in the protocol botocore speaks to CloudWatch.
    assert clients.cloudwatch.meta.service_model.resolved_protocol == "json"
    sent: list[int] = []

    def _fail(request: AWSPreparedRequest) -> AWSResponse:
        sent.append(1)
        return json_error(type_name, query_code, message)

    intercept(clients.cloudwatch, "GetMetricData", _fail)

    with pytest.raises(error_type) as raised:
        MetricsRepository(clients).fetch(["orders"], end - timedelta(hours=1), end, 300)

    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith("GetMetricData AWS/Scheduler: ")
    assert words in text
    assert message in text
    assert raised.value.code == query_code
    assert sent == [1]  # max_attempts=1: no retry


# Alarms

TOPIC = "arn:aws:sns:us-east-1:123456789012:scheduler-oncall"
OK_TOPIC = "arn:aws:sns:us-east-1:123456789012:scheduler-ok"
NO_DATA_TOPIC = "arn:aws:sns:us-east-1:123456789012:scheduler-no-data"
SCALING_POLICY = (
    "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1a2b3c4d-5e6f-7a8b-9c0d-"
    "1e2f3a4b5c6d:autoScalingGroupName/workers:policyName/scale-out"
)


def _alarm(clients: AwsClients, name: str, namespace: str, **extra: Any) -> None:
    clients.cloudwatch.put_metric_alarm(
        AlarmName=name,
        Namespace=namespace,
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        **extra,
    )


def test_alarms_on_scheduler_metrics_with_their_state_and_topics(clients: AwsClients) -> None:
    _alarm(
        clients,
        "orders-target-errors",
        "AWS/Scheduler",
        MetricName=TARGET_ERRORS,
        Dimensions=[{"Name": "ScheduleGroup", "Value": "orders"}],
        AlarmActions=[TOPIC, SCALING_POLICY],
        OKActions=[OK_TOPIC],
        InsufficientDataActions=[NO_DATA_TOPIC],
    )
    _alarm(clients, "account-dropped", "AWS/Scheduler", MetricName="InvocationDroppedCount")
    clients.cloudwatch.put_metric_alarm(
        AlarmName="billing-dlq-math",
        EvaluationPeriods=1,
        Threshold=10,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[TOPIC],
        Metrics=[
            {
                "Id": "m1",
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/Scheduler",
                        "MetricName": "InvocationsSentToDeadLetterCount",
                        "Dimensions": [{"Name": "ScheduleGroup", "Value": "billing"}],
                    },
                    "Period": 600,
                    "Stat": "Sum",
                },
                "ReturnData": False,
            },
            {"Id": "e1", "Expression": "m1 * 2", "ReturnData": True},
        ],
    )
    _alarm(clients, "lambda-errors", "AWS/Lambda", MetricName="Errors", AlarmActions=[TOPIC])
    _alarm(clients, "lookalike", "Custom/Scheduler", MetricName=TARGET_ERRORS)
    reason = "Threshold Crossed: 1 datapoint [3.0] was greater than or equal to the threshold"
    clients.cloudwatch.set_alarm_state(
        AlarmName="orders-target-errors", StateValue="ALARM", StateReason=reason
    )
    clients.cloudwatch.set_alarm_state(
        AlarmName="account-dropped", StateValue="INSUFFICIENT_DATA", StateReason="no data"
    )

    alarms = {alarm.name: alarm for alarm in MetricsRepository(clients).alarms()}

    assert list(alarms) == ["account-dropped", "billing-dlq-math", "orders-target-errors"]
    orders = alarms["orders-target-errors"]
    assert (orders.state, orders.reason) == ("ALARM", reason)
    assert (orders.metric, orders.group) == (TARGET_ERRORS, "orders")
    assert (orders.threshold, orders.comparison) == (1.0, "GreaterThanOrEqualToThreshold")
    assert (orders.statistic, orders.period, orders.evaluation_periods) == ("Sum", 300, 1)
    assert orders.alarm_topic_arns == (TOPIC,)  # the scaling policy is not a topic
    assert orders.ok_topic_arns == (OK_TOPIC,)
    assert orders.insufficient_data_topic_arns == (NO_DATA_TOPIC,)
    assert orders.arn == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-target-errors"
    assert orders.state_updated_at is not None
    assert orders.state_updated_at.tzinfo == UTC
    dropped = alarms["account-dropped"]
    assert (dropped.state, dropped.metric, dropped.group) == (
        "INSUFFICIENT_DATA",
        "InvocationDroppedCount",
        None,
    )
    assert dropped.alarm_topic_arns == ()
    math_alarm = alarms["billing-dlq-math"]
    assert (math_alarm.metric, math_alarm.group) == ("InvocationsSentToDeadLetterCount", "billing")
    assert (math_alarm.statistic, math_alarm.period, math_alarm.threshold) == ("Sum", 600, 10.0)
    assert math_alarm.alarm_topic_arns == (TOPIC,)


def test_no_alarms(clients: AwsClients) -> None:
    _alarm(clients, "lambda-errors", "AWS/Lambda", MetricName="Errors")
    assert MetricsRepository(clients).alarms() == []
