"""The demo simulator: a week of Scheduler metrics, DLQ messages and alarms, read back over HTTP.

One ``EmbeddedDemo(simulate=True)`` with a fixed clock serves the module: moto in this process,
as the demo's child process runs it, because the simulator and these tests read moto's backend
objects directly. Its live thread is stopped right after start (and the stop timed) so that
every read-back sees exactly the backfill; the live thread is then tested with a simulator of
its own at a 0.1 s interval. The last test runs it the way ``schedtui --demo`` does, in the
child process of a ``DemoBackend``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from schedtui.aws.metrics_repo import MetricsRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.monitoring.metrics import DLQ_ATTRIBUTES, SCHEDULER_METRICS
from schedtui.core.schedules.arns import parse_schedule_arn
from schedtui.demo.embedded import EmbeddedDemo
from schedtui.demo.seed import FAKE_CREDENTIALS
from schedtui.demo.server import DemoBackend
from schedtui.demo.simulator import (
    DROPPED_ALARM,
    FAILING_GROUP,
    ORDERS_ALARM,
    DemoSimulator,
    SimSchedule,
    fire_seconds,
    plan_simulation,
    read_queues,
    read_schedules,
)

REGION = "us-east-1"
ACCOUNT = "123456789012"
NOW = datetime(2025, 6, 11, 12, 0, 30, tzinfo=UTC)
MINUTE = NOW.replace(second=0)  # the live thread's minute; the backfill's last is before it
TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:scheduler-notifications"
ORDERS_DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-scheduler-dlq"


@dataclass
class Sim:
    backend: EmbeddedDemo
    settings: AwsSettings
    clients: AwsClients
    groups: list[str]
    start_seconds: float
    was_running: bool
    stop_seconds: float


@pytest.fixture(scope="module")
def sim() -> Iterator[Sim]:
    backend = EmbeddedDemo(now=NOW, simulate=True)
    started = time.perf_counter()
    settings = backend.start()
    # The clients made here keep these credentials (the autouse fake ones are per test).
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_CREDENTIALS.items():
            patch.setenv(name.upper(), value)
        yield from _sim(backend, settings, started)


def _sim(backend: EmbeddedDemo, settings: AwsSettings, started: float) -> Iterator[Sim]:
    try:
        start_seconds = time.perf_counter() - started
        assert backend.simulator is not None
        was_running = backend.simulator.running
        stopping = time.perf_counter()
        backend.simulator.stop()
        stop_seconds = time.perf_counter() - stopping
        clients = AwsClients(settings)
        groups = [
            group["Name"]
            for page in clients.scheduler.get_paginator("list_schedule_groups").paginate()
            for group in page["ScheduleGroups"]
        ]
        yield Sim(backend, settings, clients, groups, start_seconds, was_running, stop_seconds)
    finally:
        backend.stop()


def _query(index: int, metric: str, group: str | None, period: int) -> dict[str, Any]:
    dimensions = [] if group is None else [{"Name": "ScheduleGroup", "Value": group}]
    namespace = "AWS/Scheduler"
    return {
        "Id": f"q{index}",
        "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": metric, "Dimensions": dimensions},
            "Period": period,
            "Stat": "Sum",
        },
    }


def _sums(
    clients: AwsClients,
    series: Sequence[tuple[str, str | None]],
    start: datetime,
    end: datetime,
    period: int = 60,
) -> list[float]:
    """Sum of each (metric, group) over [start, end), in one GetMetricData call."""
    cloudwatch: Any = clients.cloudwatch
    response = cloudwatch.get_metric_data(
        MetricDataQueries=[_query(i, m, g, period) for i, (m, g) in enumerate(series)],
        StartTime=start,
        EndTime=end,
    )
    by_id = {result["Id"]: sum(result["Values"]) for result in response["MetricDataResults"]}
    return [by_id[f"q{index}"] for index in range(len(series))]


def test_start_with_simulate_backfills_and_stops(sim: Sim) -> None:
    # The times are printed, not asserted: speed is the benchmarks' business.
    simulator = sim.backend.simulator
    assert simulator is not None
    assert simulator.backfill_result is not None
    result = simulator.backfill_result
    print(
        f"\nEmbeddedDemo(simulate=True) start: {sim.start_seconds:.3f} s; backfill "
        f"{result.seconds:.3f} s (plan {result.plan_seconds:.3f}, write "
        f"{result.write_seconds:.3f}): {result.datapoints} datapoints, "
        f"{result.dead_letters} DLQ messages; stop {sim.stop_seconds:.3f} s"
    )
    assert sim.was_running
    assert not simulator.running
    assert 1000 < result.datapoints < 20_000  # "modest": ~7k for the default demo


def test_orders_is_failing_for_the_last_two_hours(sim: Sim) -> None:
    sums = _per_group(sim, "TargetErrorCount", NOW - timedelta(hours=2), NOW)
    orders = sums.pop(FAILING_GROUP)
    assert orders > 20
    assert orders > 5 * max(sums.values())
    burst = [
        ("InvocationsSentToDeadLetterCount", FAILING_GROUP),
        ("InvocationDroppedCount", FAILING_GROUP),
        ("TargetErrorThrottledCount", FAILING_GROUP),
    ]
    assert all(total > 0 for total in _sums(sim.clients, burst, NOW - timedelta(hours=2), NOW))
    # Before the burst, orders was healthy: no drops, no dead letters.
    quiet = _sums(sim.clients, burst[:2], NOW - timedelta(days=7), NOW - timedelta(hours=2.5))
    assert quiet == [0, 0]


def _per_group(sim: Sim, metric: str, start: datetime, end: datetime) -> dict[str, float]:
    totals = _sums(sim.clients, [(metric, group) for group in sim.groups], start, end)
    return dict(zip(sim.groups, totals, strict=True))


def test_attempts_follow_schedules_and_only_orders_drops(sim: Sim) -> None:
    week = (NOW - timedelta(days=7), MINUTE)
    attempts = _per_group(sim, "InvocationAttemptCount", *week)
    # Every group whose schedules fire has attempts; orders (rate(1 minute) streams) leads.
    assert all(attempts.values())
    assert max(attempts, key=lambda group: attempts[group]) == FAILING_GROUP
    dropped = _per_group(sim, "InvocationDroppedCount", *week)
    assert [group for group, total in dropped.items() if total] == [FAILING_GROUP]
    failed = _per_group(sim, "InvocationsFailedToBeSentToDeadLetterCount", *week)
    assert [group for group, total in failed.items() if total] == ["data-pipeline"]
    errors = _per_group(sim, "TargetErrorCount", *week)
    assert sum(1 for total in errors.values() if total) >= len(sim.groups) // 2  # "most"


def test_account_wide_series_exists_and_is_the_sum_of_the_groups(sim: Sim) -> None:
    cloudwatch: Any = sim.clients.cloudwatch
    listed = cloudwatch.list_metrics(Namespace="AWS/Scheduler", MetricName="TargetErrorCount")
    assert any(not metric.get("Dimensions") for metric in listed["Metrics"])
    # One call: the account-wide query reads only the series without dimension (CloudWatch's
    # exact matching; plain moto would add the groups' datapoints into it).
    for metric in SCHEDULER_METRICS[:7]:
        series: list[tuple[str, str | None]] = [(metric, None)] + [(metric, g) for g in sim.groups]
        account, *groups = _sums(sim.clients, series, NOW - timedelta(days=7), MINUTE, 3600)
        assert account == sum(groups), metric
    account, *_ = _sums(
        sim.clients, [("InvocationAttemptCount", None)], NOW - timedelta(days=7), MINUTE, 3600
    )
    assert account > 0


def test_the_app_reads_every_window(sim: Sim) -> None:
    repository = MetricsRepository(sim.clients)
    for seconds, period in ((3600, 60), (3 * 3600, 300), (24 * 3600, 900), (7 * 86400, 3600)):
        started = time.perf_counter()
        series = repository.fetch(sim.groups, NOW - timedelta(seconds=seconds), NOW, period)
        elapsed = time.perf_counter() - started
        print(f"\nfetch {seconds // 3600} h / {period} s: {elapsed:.3f} s")
        orders = {s.metric: s for s in series if s.group == FAILING_GROUP}
        assert orders["TargetErrorCount"].total > 0


def _messages(sqs: Any, url: str) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for _ in range(30):
        # A visibility timeout: each receive brings new messages until the queue is drained.
        response = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=60,
            MessageAttributeNames=["All"],
        )
        batch = response.get("Messages", [])
        if not batch:
            break
        found.update((message["MessageId"], message) for message in batch)
    return list(found.values())


def test_the_failing_group_s_dlq_holds_scheduler_s_messages(sim: Sim) -> None:
    sqs: Any = sim.clients.sqs
    scheduler: Any = sim.clients.scheduler
    url = sqs.get_queue_url(QueueName="orders-scheduler-dlq")["QueueUrl"]
    messages = _messages(sqs, url)
    sent = _sums(
        sim.clients,
        [("InvocationsSentToDeadLetterCount", FAILING_GROUP)],
        NOW - timedelta(days=7),
        NOW + timedelta(minutes=1),
    )
    assert len(messages) == sent[0] > 10  # the queue holds what the metric counted
    codes = set()
    for message in messages:
        attributes = message["MessageAttributes"]
        assert set(attributes) == set(DLQ_ATTRIBUTES)
        assert {value["DataType"] for value in attributes.values()} == {"String"}
        text = {name: value["StringValue"] for name, value in attributes.items()}
        codes.add(text["ERROR_CODE"])
        assert text["IS_PAYLOAD_TRUNCATED"] == "false"
        assert text["EXHAUSTED_RETRY_CONDITION"] in {
            "MaximumRetryAttempts",
            "MaximumEventAgeInSeconds",
        }
        assert int(text["RETRY_ATTEMPTS"]) >= 0
        scheduled = datetime.fromisoformat(text["SCHEDULED_TIME"])
        assert text["SCHEDULED_TIME"].endswith("Z")
        # Invoked in the last 2 h; scheduled up to a flexible window (4 h at most) before.
        assert NOW - timedelta(hours=6) <= scheduled < NOW
        group_and_name = parse_schedule_arn(text["SCHEDULE_ARN"])
        assert group_and_name is not None
        assert group_and_name[0] == FAILING_GROUP
        schedule = scheduler.get_schedule(GroupName=group_and_name[0], Name=group_and_name[1])
        assert schedule["Arn"] == text["SCHEDULE_ARN"]
        assert schedule["Target"]["DeadLetterConfig"]["Arn"] == ORDERS_DLQ
        assert schedule["Target"]["Arn"] == text["TARGET_ARN"]
        assert message["Body"] == schedule["Target"]["Input"]
    assert {"Lambda.TooManyRequestsException", "AccessDeniedException"} <= codes


def test_a_dlq_body_carries_markup_and_escapes_verbatim(sim: Sim) -> None:
    sqs: Any = sim.clients.sqs
    scheduler: Any = sim.clients.scheduler
    url = sqs.get_queue_url(QueueName="notifications-dlq")["QueueUrl"]
    messages = _messages(sqs, url)
    banner = scheduler.get_schedule(GroupName="notifications", Name="promo-banner-rotate")
    bodies = {message["Body"] for message in messages}
    assert banner["Target"]["Input"] in bodies
    assert any("\x1b[" in body and "[bold]" in body for body in bodies)


def test_alarms_and_the_notification_topic(sim: Sim) -> None:
    cloudwatch: Any = sim.clients.cloudwatch
    alarms = {
        alarm["AlarmName"]: alarm
        for alarm in cloudwatch.describe_alarms(AlarmNames=[ORDERS_ALARM, DROPPED_ALARM])[
            "MetricAlarms"
        ]
    }
    orders = alarms[ORDERS_ALARM]
    assert orders["StateValue"] == "ALARM"
    assert orders["StateReason"].startswith("Threshold Crossed")
    assert orders["AlarmActions"] == [TOPIC]
    assert (orders["Namespace"], orders["MetricName"]) == ("AWS/Scheduler", "TargetErrorCount")
    assert orders["Dimensions"] == [{"Name": "ScheduleGroup", "Value": FAILING_GROUP}]
    dropped = alarms[DROPPED_ALARM]
    assert dropped["StateValue"] == "OK"
    assert dropped["AlarmActions"] == dropped["OKActions"] == [TOPIC]
    assert dropped["MetricName"] == "InvocationDroppedCount"
    assert not dropped.get("Dimensions")
    # The app's view of them.
    seen = {alarm.name: alarm for alarm in MetricsRepository(sim.clients).alarms()}
    assert seen[ORDERS_ALARM].group == FAILING_GROUP
    assert seen[ORDERS_ALARM].alarm_topic_arns == (TOPIC,)
    assert seen[DROPPED_ALARM].group is None
    assert seen[DROPPED_ALARM].ok_topic_arns == (TOPIC,)
    sns = boto3.client("sns", region_name=REGION, endpoint_url=sim.settings.endpoint_url)
    assert TOPIC in {topic["TopicArn"] for topic in sns.list_topics()["Topics"]}


def test_the_live_thread_adds_this_minute_s_datapoints(sim: Sim) -> None:
    series: list[tuple[str, str | None]] = [
        ("TargetErrorCount", FAILING_GROUP),
        ("TargetErrorCount", None),
        ("InvocationAttemptCount", FAILING_GROUP),
    ]
    window = (MINUTE, MINUTE + timedelta(minutes=1))
    before = _sums(sim.clients, series, *window)
    simulator = DemoSimulator(sim.settings, now=lambda: NOW, interval=0.1)
    simulator.start()
    try:
        deadline = time.monotonic() + 5
        while simulator.ticks < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stopping = time.perf_counter()
        simulator.stop()
        stop_seconds = time.perf_counter() - stopping
    print(f"\nsimulator stop: {stop_seconds:.3f} s")
    assert not simulator.running
    assert simulator.ticks >= 3, simulator.last_error
    assert simulator.last_error is None
    after = _sums(sim.clients, series, *window)
    assert all(new > old for new, old in zip(after, before, strict=True)), (before, after)


def test_the_plan_is_deterministic_for_a_given_now(sim: Sim) -> None:
    schedules, queues = read_schedules(REGION), read_queues(REGION)
    first = plan_simulation(schedules, queues, NOW)
    again = plan_simulation(list(reversed(schedules)), queues, NOW)
    assert first == again
    later = plan_simulation(schedules, queues, NOW + timedelta(hours=1))
    assert later.datapoints != first.datapoints


def test_fire_times_start_at_creation_and_follow_the_engine() -> None:
    created = NOW.timestamp() - 3 * 3600 + 30  # rate() fires at creation, then every hour
    schedule = SimSchedule(
        group="g", name="n", arn="arn", expression="rate(1 hour)", zone="UTC", enabled=True,
        created=created, start=None, end=None, target_arn="arn:aws:lambda:us-east-1:1:function:f",
        role_arn="r", input=None, dlq_arn=None, max_retries=3, max_age=3600, window_minutes=None,
    )  # fmt: skip
    high = int(NOW.timestamp())
    assert fire_seconds(schedule, high - 86_400, high) == [
        int(created),
        int(created) + 3600,
        int(created) + 7200,
    ]
    assert fire_seconds(replace(schedule, enabled=False), high - 86_400, high) == []
    end = NOW.timestamp() - 3600
    cron = replace(schedule, expression="cron(0 * * * ? *)", end=end)
    hours = range(math.ceil(created / 3600) * 3600, int(end) + 1, 3600)  # EndDate inclusive
    assert fire_seconds(cron, high - 86_400, high) == list(hours)


def test_backend_stop_stops_the_simulator_first() -> None:
    backend = EmbeddedDemo(size=40, now=NOW, simulate=True)
    backend.start()
    simulator = backend.simulator
    try:
        assert simulator is not None
        assert simulator.running
    finally:
        started = time.perf_counter()
        backend.stop()
    assert time.perf_counter() - started < 2.0
    assert backend.simulator is None
    assert not simulator.running


@pytest.mark.parametrize("endpoint", [None, "https://scheduler.us-east-1.amazonaws.com"])
def test_refuses_anything_but_a_local_demo(endpoint: str | None) -> None:
    with pytest.raises(ValueError, match="only a local demo"):
        DemoSimulator(AwsSettings(region=REGION, endpoint_url=endpoint))


def test_the_demo_s_child_process_runs_the_simulation() -> None:
    backend = DemoBackend(now=NOW, simulate=True)
    with backend as settings:
        clients = AwsClients(settings)
        cloudwatch: Any = clients.cloudwatch
        alarms = cloudwatch.describe_alarms(AlarmNames=[ORDERS_ALARM])["MetricAlarms"]
        errors = _sums(
            clients, [("TargetErrorCount", FAILING_GROUP)], NOW - timedelta(hours=2), NOW
        )
        sqs: Any = clients.sqs
        url = sqs.get_queue_url(QueueName="orders-scheduler-dlq")["QueueUrl"]
        depth = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
    assert backend.backfill is not None
    assert backend.backfill["datapoints"] > 1000
    assert [alarm["StateValue"] for alarm in alarms] == ["ALARM"]
    assert errors[0] > 20  # the orders incident, read through moto_metrics in the child
    assert int(depth) > 0
