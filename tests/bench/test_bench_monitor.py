"""Benchmark: one monitoring refresh with 500 groups and 1,000 distinct DLQs (moto over HTTP).

Run on demand: `python -m pytest tests/bench/test_bench_monitor.py -s`. Prints the API calls
and wall time of the fetch (metrics, alarms, DLQ depths) and the time to redraw the panel.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from moto.backends import get_backend

from schedtui.aws.dlq_repo import DlqRepository
from schedtui.aws.metrics_repo import MetricsRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.monitoring.metrics import SCHEDULER_METRICS
from schedtui.core.monitoring.panel import group_health, health_row
from schedtui.ui.screens.monitor import Snapshot
from tests.bench.scale import sized

GROUPS = sized(500, 10)
QUEUES = sized(1000, 20)
NOW = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)


def _count(clients: AwsClients) -> Counter[str]:
    calls: Counter[str] = Counter()
    for client in (clients.cloudwatch, clients.sqs):
        client.meta.events.register(
            "before-send", lambda event_name, **_: calls.update([event_name.split(".")[-1]])
        )
    return calls


def test_monitor_refresh_with_500_groups_and_1000_dlqs(moto_endpoint: str) -> None:
    clients = AwsClients(AwsSettings(region="us-east-1", endpoint_url=moto_endpoint))
    sqs: Any = get_backend("sqs")["123456789012"]["us-east-1"]
    for index in range(QUEUES):
        sqs.create_queue(f"dlq-{index:04d}")
    arns = [f"arn:aws:sqs:us-east-1:123456789012:dlq-{index:04d}" for index in range(QUEUES)]
    groups = [f"group-{index:03d}" for index in range(GROUPS)]
    clients.cloudwatch.put_metric_data(
        Namespace="AWS/Scheduler",
        MetricData=[
            {
                "MetricName": "TargetErrorCount",
                "Dimensions": [{"Name": "ScheduleGroup", "Value": group}],
                "Timestamp": NOW - timedelta(minutes=30),
                "Value": 1,
            }
            for group in groups[:20]
        ],
    )
    metrics, dlqs = MetricsRepository(clients), DlqRepository(clients)
    calls = _count(clients)

    started = time.perf_counter()
    series = metrics.fetch(groups, NOW - timedelta(hours=3), NOW, 300)
    metrics_seconds = time.perf_counter() - started
    started = time.perf_counter()
    alarms = metrics.alarms()
    depths = dlqs.depths(arns)
    dlq_seconds = time.perf_counter() - started
    assert len(series) == (GROUPS + 1) * len(SCHEDULER_METRICS)
    assert all(not isinstance(depth, Exception) for depth in depths.values())

    started = time.perf_counter()
    health = group_health(series, alarms)
    rows = [health_row(item) for item in health]
    redraw_seconds = time.perf_counter() - started
    snapshot = Snapshot(health, alarms, dict(depths), {})
    assert len(rows) == GROUPS + 1
    assert snapshot.health == health
    queries = (GROUPS + 1) * len(SCHEDULER_METRICS)
    print(
        f"\nmonitor refresh, {GROUPS} groups ({queries:,} metric series), {QUEUES:,} DLQs:\n"
        f"  GetMetricData: {calls['GetMetricData']} calls ({-(-queries // 500)} expected at 500 "
        f"series per call), {metrics_seconds:.2f} s\n"
        f"  DLQ depths: {calls['GetQueueUrl']} GetQueueUrl + {calls['GetQueueAttributes']} "
        f"GetQueueAttributes (8 at a time; URLs cached for later refreshes), plus "
        f"{calls['DescribeAlarms']} DescribeAlarms: {dlq_seconds:.2f} s\n"
        f"  panel rows rebuilt (ranking + sparklines): {redraw_seconds * 1000:.0f} ms"
    )
    calls.clear()
    started = time.perf_counter()
    dlqs.depths(arns)
    print(
        f"  second refresh of DLQ depths: {calls['GetQueueUrl']} GetQueueUrl, "
        f"{calls['GetQueueAttributes']} GetQueueAttributes, {time.perf_counter() - started:.2f} s"
    )
