"""The monitoring panel over real HTTP against moto: metrics, DLQs, peek, alarms, faults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
from textual.pilot import Pilot

from schedtui.aws.session import AwsSettings
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.commands import run_command
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import ConfirmScreen
from schedtui.ui.screens.dlq_messages import DlqMessagesScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.widgets.virtual_table import VirtualTable
from tests.aws.wire import count_calls, intercept, json_error
from tests.ui.test_app import FIXED, SIZE, loaded, static_text, wait_for

ACCOUNT = "123456789012"
ORDERS_DLQ = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-scheduler-dlq"


def client(settings: AwsSettings, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=settings.endpoint_url)


def put_metrics(settings: AwsSettings) -> None:
    """Attempts everywhere, a burst of errors and one drop in orders, inside the 3 h window."""
    data = []
    for minutes_ago, group, metric, value in (
        (100, "billing", "InvocationAttemptCount", 7),
        (40, "orders", "InvocationAttemptCount", 20),
        (40, "orders", "TargetErrorCount", 6),
        (10, "orders", "TargetErrorCount", 4),
        (10, "orders", "InvocationDroppedCount", 1),
        (10, "orders", "InvocationsFailedToBeSentToDeadLetterCount", 3),
        (10, "orders", "InvocationsFailedToBeSentToDeadLetterCount_AccessDenied", 1),
        (
            10,
            "orders",
            "InvocationsFailedToBeSentToDeadLetterCount_AWS.SimpleQueueService.NonExistentQueue",
            2,
        ),
    ):
        data.append(
            {
                "MetricName": metric,
                "Dimensions": [{"Name": "ScheduleGroup", "Value": group}],
                "Timestamp": FIXED - timedelta(minutes=minutes_ago),
                "Value": value,
                "Unit": "Count",
            }
        )
    client(settings, "cloudwatch").put_metric_data(Namespace="AWS/Scheduler", MetricData=data)


def send_dlq_message(settings: AwsSettings) -> None:
    sqs = client(settings, "sqs")
    url = sqs.get_queue_url(QueueName="orders-scheduler-dlq")["QueueUrl"]
    schedule = next(
        s
        for page in client(settings, "scheduler")
        .get_paginator("list_schedules")
        .paginate(GroupName="orders")
        for s in page["Schedules"]
        if client(settings, "scheduler")
        .get_schedule(GroupName="orders", Name=s["Name"])["Target"]
        .get("DeadLetterConfig", {})
        .get("Arn")
        == ORDERS_DLQ
    )
    attributes = {
        "ERROR_CODE": "Lambda.TooManyRequestsException",
        "ERROR_MESSAGE": "Rate exceeded [bold]not markup[/]",
        "EXECUTION_ID": "e-1",
        "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
        "IS_PAYLOAD_TRUNCATED": "false",
        "RETRY_ATTEMPTS": "3",
        "SCHEDULED_TIME": "2026-11-29T15:50:00Z",
        "SCHEDULE_ARN": schedule["Arn"],
        "TARGET_ARN": schedule["Target"]["Arn"],
    }
    sqs.send_message(
        QueueUrl=url,
        MessageBody='{"order": "A-1", "note": "\x1b[31mred\x1b[0m"}',
        MessageAttributes={
            k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()
        },
    )
    return schedule["Name"]  # type: ignore[no-any-return]


async def open_monitor(pilot: Pilot[None]) -> MonitorScreen:
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    await loaded(pilot)
    await pilot.press("m")
    await wait_for(pilot, lambda: isinstance(app.screen, MonitorScreen))
    screen = app.screen
    assert isinstance(screen, MonitorScreen)
    await wait_for(pilot, lambda: screen.refreshes >= 1)
    return screen


def cells(screen: MonitorScreen, table: str, key: str) -> tuple[str, ...]:
    found = screen.query_one(f"#{table}", VirtualTable)
    assert found.move_to(key), key
    row = found.cursor_row
    assert row is not None
    return row.cells


async def test_metrics_per_group_trouble_first_with_figures(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    put_metrics(settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        metrics = screen.query_one("#metrics", VirtualTable)
        keys = metrics.row_keys()
        assert keys[:2] == ["(account)", "orders"]  # the failing group right after the account
        orders = cells(screen, "metrics", "orders")
        # Each metric cell: a sparkline, then the current-period figure (the last 5 minutes).
        assert orders[1].endswith(" 0")  # attempts: none in the current period
        assert metrics.cursor_row is not None
        assert metrics.cursor_row.style == "error"
        await pilot.pause()  # the totals line follows the cursor
        totals = static_text(app, "#totals")
        assert "attempts 20" in totals
        assert "target err 10" in totals
        assert "dropped 1" in totals
        assert "dlq failed 3" in " ".join(totals.split())  # the line wraps at the width
        # The breakdown by cause, from the per-error-code metrics, largest first.
        assert (
            "DLQ failed by cause: AWS.SimpleQueueService.NonExistentQueue 2, AccessDenied 1"
            in " ".join(totals.split())
        )
        billing = cells(screen, "metrics", "billing")
        assert billing[2].strip() == "0"  # no target errors: a blank sparkline and 0
        await pilot.press("w")  # 24h
        await wait_for(pilot, lambda: screen.window == "24h" and not screen._busy)
        assert "[24h]" in static_text(app, "#window")


async def test_dlq_depths_findings_peek_and_jump_to_the_schedule(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    name = send_dlq_message(settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        orders = cells(screen, "dlqs", ORDERS_DLQ)
        assert orders[0] == "orders-scheduler-dlq"
        assert orders[1] == "1"  # visible
        assert "orders/" in orders[5]  # the schedules that point at it
        fifo = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-events-dlq.fifo"
        assert "FIFO" in cells(screen, "dlqs", fifo)[6]

        screen.query_one("#dlqs", VirtualTable).move_to(ORDERS_DLQ)
        screen.query_one("#dlqs", VirtualTable).focus()
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "raises each one's receive count" in static_text(app, "#confirm-body")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, DlqMessagesScreen))
        (row,) = [r for r in [app.screen.query_one(VirtualTable).cursor_row] if r]
        assert row.cells[0] == f"orders/{name}"
        assert row.cells[2] == "Lambda.TooManyRequestsException"
        assert row.cells[3] == "3"
        detail = static_text(app, "#message")
        assert "Rate exceeded [bold]not markup[/]" in detail
        assert "␛[31mred␛[0m" in detail
        assert "\x1b" not in detail
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail_screen = app.screen
        assert isinstance(detail_screen, DetailScreen)
        assert detail_screen.summary.name == name


async def test_a_missing_dlq_is_a_finding_not_a_crash(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    sqs = client(settings, "sqs")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="orders-scheduler-dlq")["QueueUrl"])
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        missing = cells(screen, "dlqs", ORDERS_DLQ)
        assert missing[1] == "?"
        assert "queue does not exist" in missing[6]
        assert screen.query_one("#dlqs", VirtualTable).row_keys()[0] in (
            ORDERS_DLQ,
            f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-events-dlq.fifo",
        )  # findings first


async def test_alarms_with_their_sns_topics(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    cloudwatch = client(settings, "cloudwatch")
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:scheduler-notifications"
    cloudwatch.put_metric_alarm(
        AlarmName="orders-target-errors",
        Namespace="AWS/Scheduler",
        MetricName="TargetErrorCount",
        Dimensions=[{"Name": "ScheduleGroup", "Value": "orders"}],
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=[topic],
    )
    cloudwatch.set_alarm_state(
        AlarmName="orders-target-errors", StateValue="ALARM", StateReason="errors"
    )
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        alarm = cells(screen, "alarms", "orders-target-errors")
        assert alarm[1] == "ALARM"
        assert alarm[2] == "TargetErrorCount (orders)"
        assert alarm[3] == "scheduler-notifications"
        # Next to the metric it watches: the group's row in the metrics panel.
        assert "orders-target-errors:ALARM" in cells(screen, "metrics", "orders")[-1]
        assert screen.query_one("#metrics", VirtualTable).row_keys()[1] == "orders"


async def test_a_cloudwatch_failure_shows_on_the_panel_and_the_rest_keeps_working(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    send_dlq_message(settings)
    app = make_app(settings)
    denied = json_error("AccessDeniedException", "AccessDenied", "not allowed: GetMetricData")
    intercept(app.session.backend.clients.cloudwatch, "GetMetricData", lambda _: denied)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        assert "access denied" in static_text(app, "#metrics-error")
        assert cells(screen, "dlqs", ORDERS_DLQ)[1] == "1"  # the DLQ panel still works
        await pilot.press("escape")
        run_command(app, "schedules orders")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        assert app.screen.query_one(VirtualTable).row_count > 0


async def test_refreshes_never_overlap_and_pause_while_hidden(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, monitor_refresh_seconds=0.2)
    calls = count_calls(app.session.backend.clients.cloudwatch, "GetMetricData")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        screen.reload()
        screen.reload()  # while one is in flight: dropped
        screen.reload()
        await wait_for(pilot, lambda: not screen._busy)
        assert len(calls) == screen.refreshes  # one call per refresh, none overlapping
        await wait_for(pilot, lambda: screen.refreshes >= 3)  # the chain keeps going
        await pilot.press("escape")  # hidden: the chain stops
        await pilot.pause(0.3)
        paused_at = len(calls)
        await pilot.pause(0.8)
        assert len(calls) == paused_at
