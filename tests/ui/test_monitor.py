"""The monitoring panel over real HTTP against moto: metrics, DLQs, peek, alarms, faults."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from rich.style import Style
from textual.pilot import Pilot

from schedtui.aws.session import AwsSettings
from schedtui.demo.planted import DELETED_DLQ
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.commands import run_command
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import ChoiceScreen, ConfirmScreen
from schedtui.ui.screens.dlq_messages import DlqMessagesScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.widgets.virtual_table import VirtualTable
from tests.aws.wire import (
    _Body,
    count_calls,
    intercept,
    json_error,
    record_params,
    request_json,
)
from tests.ui.test_app import FIXED, SIZE, loaded, static_text, wait_for

ACCOUNT = "123456789012"
ORDERS_DLQ = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-scheduler-dlq"
# The DLQ the demo deleted for the doctor (planted.py): a finding in every monitor.
PLANTED_MISSING_DLQ = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{DELETED_DLQ}"


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
        confirmation = " ".join(static_text(app, "#confirm-body").split())
        assert "has its receive count raised by one" in confirmation
        assert "No redrive policy: messages stay until retention ends (4 days)" in confirmation
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, DlqMessagesScreen))
        (row,) = [r for r in [app.screen.query_one("#messages", VirtualTable).cursor_row] if r]
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


async def test_a_missing_dlq_is_a_finding_not_a_crash_nor_a_peek(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    sqs = client(settings, "sqs")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="orders-scheduler-dlq")["QueueUrl"])
    app = make_app(settings)
    said = notices(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        missing = cells(screen, "dlqs", ORDERS_DLQ)
        assert missing[1] == "?"
        assert missing[6] == "queue does not exist"  # said first: the column is narrow
        findings = {  # the missing one, the demo's missing and its two FIFO DLQs: first
            ORDERS_DLQ,
            PLANTED_MISSING_DLQ,
            f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-events-dlq.fifo",
            f"arn:aws:sqs:us-east-1:{ACCOUNT}:doctor-demo-dlq.fifo",
        }
        assert set(screen.query_one("#dlqs", VirtualTable).row_keys()[:4]) == findings

        # p on it: no confirmation that can only end in a failed receive; it says why.
        await pilot.press("tab")
        screen.query_one("#dlqs", VirtualTable).move_to(ORDERS_DLQ)
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is screen
        assert "orders-scheduler-dlq does not exist: nothing to peek" in said[-1]


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
    calls = monitor_calls(app.session.backend.clients.cloudwatch)
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


def monitor_calls(cloudwatch: Any) -> list[int]:
    """GetMetricData calls of the monitor (every Scheduler metric), not of the lists' failure
    columns (two metrics, on the lists' own beat)."""
    calls: list[int] = []

    def _count(params: dict[str, Any], **_: Any) -> None:
        names = {
            query.get("MetricStat", {}).get("Metric", {}).get("MetricName")
            for query in params.get("MetricDataQueries", [])
        }
        if "InvocationAttemptCount" in names:
            calls.append(1)

    cloudwatch.meta.events.register("provide-client-params.cloudwatch.GetMetricData", _count)
    return calls


# -- a monitor you can drive ---------------------------------------------------------------------

BILLING_DLQ = f"arn:aws:sqs:us-east-1:{ACCOUNT}:billing-scheduler-dlq"
FIFO_DLQ = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-events-dlq.fifo"
PARKING = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-dlq-parking"


def schedules_using(settings: AwsSettings, group: str, dlq: str) -> list[dict[str, Any]]:
    scheduler = client(settings, "scheduler")
    found = []
    for page in scheduler.get_paginator("list_schedules").paginate(GroupName=group):
        for summary in page["Schedules"]:
            full = scheduler.get_schedule(GroupName=group, Name=summary["Name"])
            if full["Target"].get("DeadLetterConfig", {}).get("Arn") == dlq:
                found.append(full)
    return sorted(found, key=lambda s: s["Name"])


def dead_letter(
    settings: AwsSettings, queue: str, schedule: dict[str, Any], code: str, count: int
) -> None:
    """``count`` messages as Scheduler dead-letters them for ``schedule``."""
    sqs = client(settings, "sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    for index in range(count):
        attributes = {
            "ERROR_CODE": code,
            "ERROR_MESSAGE": "failed",
            "EXECUTION_ID": f"e-{code}-{index}",
            "RETRY_ATTEMPTS": "2",
            "SCHEDULED_TIME": f"2026-11-29T15:{index:02d}:00Z",
            "SCHEDULE_ARN": schedule["Arn"],
            "TARGET_ARN": schedule["Target"]["Arn"],
        }
        sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps({"n": index}),
            MessageAttributes={
                k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()
            },
        )


def set_redrive(settings: AwsSettings, queue: str, max_receive_count: int) -> None:
    sqs = client(settings, "sqs")
    sqs.create_queue(QueueName="orders-dlq-parking")
    sqs.set_queue_attributes(
        QueueUrl=sqs.get_queue_url(QueueName=queue)["QueueUrl"],
        Attributes={
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": PARKING, "maxReceiveCount": str(max_receive_count)}
            )
        },
    )


def header_style(screen: Any, table: str) -> Style:
    found = screen.query_one(f"#{table}", VirtualTable)
    return next(iter(found.render_line(0))).style


def notices(app: SchedtuiApp) -> list[str]:
    """Every notification the app shows from now on, as text."""
    said: list[str] = []
    original = app.notify

    def record(message: str, *args: Any, **kwargs: Any) -> None:
        said.append(str(message))
        original(message, *args, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    return said


async def confirmation_for(pilot: Pilot[None]) -> str:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    screen = app.screen
    assert isinstance(screen, ConfirmScreen)
    return screen.title_text + "\n" + " ".join(static_text(app, "#confirm-body").split())


async def test_p_acts_on_the_focused_panel_and_the_focus_shows(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    put_metrics(settings)
    (billing, *_) = schedules_using(settings, "billing", BILLING_DLQ)
    (orders, *_) = schedules_using(settings, "orders", ORDERS_DLQ)
    dead_letter(settings, "billing-scheduler-dlq", billing, "AccessDeniedException", 3)
    dead_letter(settings, "orders-scheduler-dlq", orders, "AccessDeniedException", 1)
    app = make_app(settings)
    said = notices(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        dlqs = screen.query_one("#dlqs", VirtualTable)
        # Deepest first (the rest are empty), after the queue the demo deleted (a finding).
        assert dlqs.row_keys()[:3] == [PLANTED_MISSING_DLQ, BILLING_DLQ, ORDERS_DLQ]

        # The focused panel looks different, and the mark follows tab.
        assert screen.focused is screen.query_one("#metrics")
        assert header_style(screen, "metrics") != header_style(screen, "dlqs")
        focused_look = header_style(screen, "metrics")
        await pilot.press("tab")
        await pilot.pause()
        assert screen.focused is dlqs
        assert header_style(screen, "dlqs") == focused_look
        assert header_style(screen, "metrics") != focused_look

        # The DLQ panel: the queue under its cursor, whatever the metrics cursor says.
        dlqs.move_to(BILLING_DLQ)
        await pilot.press("p")
        assert "Peek at billing-scheduler-dlq (~3 messages)?" in await confirmation_for(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)

        # The metrics panel: the DLQs of the group under its cursor, deepest first.
        await pilot.press("shift+tab")
        metrics = screen.query_one("#metrics", VirtualTable)
        assert metrics.move_to("orders")
        assert screen.queues_of("orders") == [ORDERS_DLQ, FIFO_DLQ]
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceScreen))
        await pilot.press("1")
        assert "Peek at orders-scheduler-dlq" in await confirmation_for(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)
        assert metrics.move_to("billing")
        assert screen.queues_of("billing") == [BILLING_DLQ]  # one: no choice to make
        await pilot.press("p")
        assert "Peek at billing-scheduler-dlq" in await confirmation_for(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)
        assert metrics.move_to("(account)")
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is screen
        assert "pick a group here, or a queue in the DLQ panel" in said[-1]


async def test_peek_pages_through_the_queue_in_batches_grouped_by_schedule(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    first, second, *_ = schedules_using(settings, "orders", ORDERS_DLQ)
    dead_letter(settings, "orders-scheduler-dlq", first, "Lambda.TooManyRequestsException", 12)
    dead_letter(settings, "orders-scheduler-dlq", first, "AccessDeniedException", 4)
    dead_letter(settings, "orders-scheduler-dlq", second, "AccessDeniedException", 7)
    set_redrive(settings, "orders-scheduler-dlq", 5)
    app = make_app(settings)
    said = notices(app)
    sqs = app.session.backend.clients.sqs
    sent = record_params(sqs, "ReceiveMessage")
    # SQS may hand out other messages on each receive; moto always hands out the oldest
    # visible ones. Hiding each batch from the next receive (in the test only) stands in.
    helper = client(settings, "sqs")

    def _hide_batch(parsed: dict[str, Any], **_: Any) -> None:
        url = helper.get_queue_url(QueueName="orders-scheduler-dlq")["QueueUrl"]
        for message in parsed.get("Messages", []):
            helper.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=300
            )

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        screen.query_one("#dlqs", VirtualTable).focus()
        screen.query_one("#dlqs", VirtualTable).move_to(ORDERS_DLQ)
        await pilot.press("p")
        confirmation = await confirmation_for(pilot)
        assert "(~23 messages)" in confirmation
        assert "moves a message to orders-dlq-parking after 5 receives" in confirmation
        sqs.meta.events.register("after-call.sqs.ReceiveMessage", _hide_batch)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, DlqMessagesScreen))
        peek = app.screen
        assert isinstance(peek, DlqMessagesScreen)
        note = static_text(app, "#note")
        assert "batch 1 of 1: 10 messages · 10 distinct seen of ~23 in queue" in note
        assert "moves a message to orders-dlq-parking after 5 receives" in note

        async def batch(press: str, expected: str) -> None:
            await pilot.press(press)
            await wait_for(pilot, lambda: expected in static_text(app, "#note"))

        await batch("right_square_bracket", "batch 2 of 2: 10 messages · 20 distinct")
        await batch("right_square_bracket", "batch 3 of 3: 3 messages · 23 distinct")
        await pilot.press("right_square_bracket")  # everything seen: the queue gives nothing
        await wait_for(pilot, lambda: "4 receives" in static_text(app, "#note"))
        assert "batch 3 of 3" in static_text(app, "#note")
        assert "returned no message" in said[-1]
        await batch("left_square_bracket", "batch 2 of 3: 10 messages · 23 distinct")
        await batch("right_square_bracket", "batch 3 of 3")  # already received: no receive
        assert len(sent) == 4
        assert all(request["VisibilityTimeout"] == 0 for request in sent)

        groups = peek.query_one("#groups", VirtualTable)
        rows = [groups.cursor_row]
        for _ in range(groups.row_count - 1):
            groups.action_cursor_down()
            rows.append(groups.cursor_row)
        assert [(r.cells[0], r.cells[1], r.cells[2]) for r in rows if r] == [
            (f"orders/{first['Name']}", "Lambda.TooManyRequestsException", "12"),
            (f"orders/{second['Name']}", "AccessDeniedException", "7"),
            (f"orders/{first['Name']}", "AccessDeniedException", "4"),
        ]
        groups.focus()
        assert groups.move_to(rows[1].key if rows[1] else "")
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert detail.summary.name == second["Name"]


async def test_the_next_receive_asks_when_it_may_move_messages_on(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    (schedule, *_) = schedules_using(settings, "orders", ORDERS_DLQ)
    dead_letter(settings, "orders-scheduler-dlq", schedule, "AccessDeniedException", 2)
    set_redrive(settings, "orders-scheduler-dlq", 1)
    app = make_app(settings)
    calls = count_calls(app.session.backend.clients.sqs, "ReceiveMessage")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        screen.query_one("#dlqs", VirtualTable).focus()
        screen.query_one("#dlqs", VirtualTable).move_to(ORDERS_DLQ)
        await pilot.press("p")
        assert "after 1 receive " in await confirmation_for(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, DlqMessagesScreen))
        peek = app.screen
        assert "2 seen at the receive limit" in static_text(app, "#note")
        await pilot.press("right_square_bracket")
        text = await confirmation_for(pilot)
        assert "Receive the next batch anyway?" in text
        assert "2 of the messages seen have been received 1 times" in text
        assert "orders-dlq-parking" in text
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is peek)
        assert len(calls) == 1  # declined: no second receive


async def test_the_redrive_policy_unreadable_or_denied_is_said_never_a_crash(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    mode = {"answer": "hostile"}

    def _answer(request: AWSPreparedRequest) -> AWSResponse | None:
        if "RedrivePolicy" not in request_json(request).get("AttributeNames", []):
            return None  # the depth refresh goes through
        if mode["answer"] == "denied":
            return json_error("AccessDeniedException", "AccessDenied", "not allowed here")
        body = {"Attributes": {"RedrivePolicy": "{[bold]not json[/]\x1b[31m"}}
        return AWSResponse(
            "https://hostile.invalid/",
            200,
            cast(Any, {"content-type": "application/x-amz-json-1.0"}),
            _Body(json.dumps(body).encode()),
        )

    intercept(app.session.backend.clients.sqs, "GetQueueAttributes", _answer)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        screen.query_one("#dlqs", VirtualTable).focus()
        screen.query_one("#dlqs", VirtualTable).move_to(ORDERS_DLQ)
        await pilot.press("p")
        text = await confirmation_for(pilot)
        assert "Unreadable redrive policy" in text
        assert "[bold]not json[/]␛[31m" in text
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)
        mode["answer"] = "denied"
        await pilot.press("p")
        text = await confirmation_for(pilot)
        assert "redrive policy could not be read" in text
        assert "access denied" in text
        await pilot.press("y")  # the operator may still peek
        await wait_for(pilot, lambda: isinstance(app.screen, DlqMessagesScreen))
        assert "Redrive policy unknown" in static_text(app, "#note")


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_small_terminals_still_show_five_rows_of_each_table(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], size: tuple[int, int]
) -> None:
    first, second, *_ = schedules_using(settings, "orders", ORDERS_DLQ)
    dead_letter(settings, "orders-scheduler-dlq", first, "AccessDeniedException", 6)
    dead_letter(settings, "orders-scheduler-dlq", second, "Lambda.TooManyRequestsException", 3)

    def shown(screen: Any, table: str) -> int:
        found = screen.query_one(f"#{table}", VirtualTable)
        assert found.display
        return min(len(found.visible_keys()), found.size.height - 1)

    app = make_app(settings)
    async with app.run_test(size=size) as pilot:
        screen = await open_monitor(pilot)
        await pilot.pause()
        assert screen.query_one("#metrics", VirtualTable).row_count >= 5
        assert shown(screen, "metrics") >= 5
        assert shown(screen, "dlqs") >= 5
        await pilot.press("tab")  # the DLQ panel first now: still five of both
        await pilot.pause()
        assert shown(screen, "dlqs") >= 5
        assert shown(screen, "metrics") >= 5
        screen.query_one("#dlqs", VirtualTable).move_to(ORDERS_DLQ)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, DlqMessagesScreen))
        await pilot.pause()
        peek = app.screen
        assert shown(peek, "messages") >= 5
        assert shown(peek, "groups") == 2  # both groups
        assert peek.query_one("#detail").size.height >= 3


async def test_going_back_while_a_receive_is_in_flight(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    send_dlq_message(settings)
    app = make_app(settings)
    armed, held, release = threading.Event(), threading.Event(), threading.Event()

    def _hold(**_: Any) -> None:
        if armed.is_set():
            held.set()
            release.wait(10)

    app.session.backend.clients.sqs.meta.events.register("before-call.sqs.ReceiveMessage", _hold)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_monitor(pilot)
        screen.query_one("#dlqs", VirtualTable).focus()
        screen.query_one("#dlqs", VirtualTable).move_to(ORDERS_DLQ)
        await pilot.press("p")
        await confirmation_for(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, DlqMessagesScreen))
        armed.set()
        await pilot.press("right_square_bracket")
        await wait_for(pilot, held.is_set)  # the receive is in flight
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        release.set()
        await pilot.pause(0.3)
        assert app.is_running
        assert app.screen is screen
