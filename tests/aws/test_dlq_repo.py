"""DlqRepository against the moto server over HTTP: depths, per-queue errors, peeking.

moto 5.2.5 ignores GetQueueUrl's QueueOwnerAWSAccountId (it looks in the caller's account)
and always hands out the oldest visible messages first; the tests assert what schedtui
sends, not what moto does with those two.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from schedtui.aws.dlq_repo import DlqRepository
from schedtui.aws.errors import AccessDeniedError, NotFoundError, ValidationFailedError
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.monitoring.metrics import QueueDepth
from tests.aws.wire import count_calls, intercept, json_error, record_params, request_json

ACCOUNT = "123456789012"  # moto's default account
OTHER_ACCOUNT = "111122223333"


def queue_arn(name: str, account: str = ACCOUNT, region: str = "us-east-1") -> str:
    return f"arn:aws:sqs:{region}:{account}:{name}"


def create_queue(clients: AwsClients, name: str) -> str:
    if name.endswith(".fifo"):
        return clients.sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})[
            "QueueUrl"
        ]
    return clients.sqs.create_queue(QueueName=name)["QueueUrl"]


def scheduler_attributes(
    schedule: str = "arn:aws:scheduler:us-east-1:123456789012:schedule/orders/nightly-export",
    **overrides: str,
) -> dict[str, Any]:
    """The attributes EventBridge Scheduler sets on a dead-lettered invocation."""
    values = {
        "ERROR_CODE": "AWS.Lambda.TooManyRequestsException",
        "ERROR_MESSAGE": "Rate Exceeded.",
        "EXECUTION_ID": "4a7c8f1e-6a1d-4f0b-9d55-0c3e2b1a9f10",
        "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
        "IS_PAYLOAD_TRUNCATED": "false",
        "RETRY_ATTEMPTS": "3",
        "SCHEDULED_TIME": "2026-11-29T02:00:00Z",
        "SCHEDULE_ARN": schedule,
        "TARGET_ARN": "arn:aws:lambda:us-east-1:123456789012:function:export",
    }
    values.update(overrides)
    return {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}


# Depths


def test_depths_of_several_queues_with_a_missing_one(clients: AwsClients) -> None:
    url = create_queue(clients, "orders-dlq")
    for body in ("a", "b", "c", "d"):
        clients.sqs.send_message(QueueUrl=url, MessageBody=body)
    clients.sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=300)
    clients.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=300)
    create_queue(clients, "empty-dlq")
    create_queue(clients, "orders-dlq.fifo")
    arns = [
        queue_arn("orders-dlq"),
        queue_arn("missing-dlq"),
        queue_arn("empty-dlq"),
        queue_arn("orders-dlq.fifo"),
        "arn:aws:sns:us-east-1:123456789012:not-a-queue",
        queue_arn("orders-dlq"),  # asked twice, answered once
    ]

    depths = DlqRepository(clients).depths(arns)

    assert list(depths) == arns[:5]
    assert depths[queue_arn("orders-dlq")] == QueueDepth(
        queue_arn=queue_arn("orders-dlq"), url=url, visible=3, in_flight=1, delayed=1, fifo=False
    )
    missing = depths[queue_arn("missing-dlq")]
    assert isinstance(missing, NotFoundError)
    assert "missing-dlq" in str(missing)
    assert "\n" not in str(missing)
    empty = depths[queue_arn("empty-dlq")]
    assert isinstance(empty, QueueDepth)
    assert (empty.visible, empty.in_flight, empty.delayed, empty.total) == (0, 0, 0, 0)
    fifo = depths[queue_arn("orders-dlq.fifo")]
    assert isinstance(fifo, QueueDepth)
    assert fifo.fifo
    assert isinstance(
        depths["arn:aws:sns:us-east-1:123456789012:not-a-queue"], ValidationFailedError
    )


def test_no_queues_no_calls(clients: AwsClients) -> None:
    calls = count_calls(clients.sqs, "GetQueueUrl")
    assert DlqRepository(clients).depths([]) == {}
    assert calls == []


def test_queue_url_asks_the_owner_account_and_is_cached(clients: AwsClients) -> None:
    create_queue(clients, "shared-dlq")
    sent = record_params(clients.sqs, "GetQueueUrl")
    repository = DlqRepository(clients)

    repository.depths([queue_arn("shared-dlq", account=OTHER_ACCOUNT)])
    repository.depths([queue_arn("shared-dlq", account=OTHER_ACCOUNT)])
    repository.queue_url(queue_arn("shared-dlq"))

    assert sent == [
        {"QueueName": "shared-dlq", "QueueOwnerAWSAccountId": OTHER_ACCOUNT},
        {"QueueName": "shared-dlq", "QueueOwnerAWSAccountId": ACCOUNT},
    ]


def test_a_queue_in_another_region_is_reported_without_a_call(clients: AwsClients) -> None:
    calls = count_calls(clients.sqs, "GetQueueUrl")

    depths = DlqRepository(clients).depths([queue_arn("orders-dlq", region="eu-west-1")])

    error = depths[queue_arn("orders-dlq", region="eu-west-1")]
    assert isinstance(error, NotFoundError)
    assert "eu-west-1" in str(error)
    assert "us-east-1" in str(error)
    assert calls == []


def test_a_deleted_queue_is_looked_up_again(clients: AwsClients) -> None:
    url = create_queue(clients, "orders-dlq")
    calls = count_calls(clients.sqs, "GetQueueUrl")
    repository = DlqRepository(clients)
    assert isinstance(repository.depth(queue_arn("orders-dlq")), QueueDepth)
    clients.sqs.delete_queue(QueueUrl=url)

    with pytest.raises(NotFoundError):
        repository.depth(queue_arn("orders-dlq"))
    create_queue(clients, "orders-dlq")
    assert repository.depth(queue_arn("orders-dlq")).visible == 0
    assert len(calls) == 2


def test_depths_run_concurrently_within_the_worker_bound(clients: AwsClients) -> None:
    names = [f"dlq-{n}" for n in range(6)]
    for name in names:
        create_queue(clients, name)
    both_running = threading.Barrier(2, timeout=5)
    lock = threading.Lock()
    running = 0
    most = 0

    def _track(**_: Any) -> None:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            both_running.wait()  # breaks (and fails the call) unless 2 run at once
            time.sleep(0.02)
        finally:
            with lock:
                running -= 1

    clients.sqs.meta.events.register("before-call.sqs.GetQueueAttributes", _track)

    depths = DlqRepository(clients, max_workers=2).depths(queue_arn(name) for name in names)

    assert all(isinstance(depth, QueueDepth) for depth in depths.values()), depths
    assert most == 2


def test_one_denied_queue_does_not_hide_the_others(moto_endpoint: str) -> None:
    clients = AwsClients(
        AwsSettings(region="us-east-1", endpoint_url=moto_endpoint, max_attempts=1)
    )
    assert clients.sqs.meta.service_model.resolved_protocol == "json"
    for name in ("orders-dlq", "denied-dlq", "billing-dlq"):
        create_queue(clients, name)
    message = (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/oncall/me is not authorized to perform: "
        f"sqs:getqueueattributes on resource: {queue_arn('denied-dlq')}"
    )

    def _deny(request: AWSPreparedRequest) -> AWSResponse | None:
        if request_json(request)["QueueUrl"].endswith("/denied-dlq"):
            return json_error(
                "com.amazon.coral.service#AccessDeniedException", "AccessDenied", message
            )
        return None

    intercept(clients.sqs, "GetQueueAttributes", _deny)

    depths = DlqRepository(clients).depths(
        [queue_arn("orders-dlq"), queue_arn("denied-dlq"), queue_arn("billing-dlq")]
    )

    denied = depths[queue_arn("denied-dlq")]
    assert isinstance(denied, AccessDeniedError)
    assert str(denied).startswith("GetQueueAttributes denied-dlq: access denied: ")
    assert message in str(denied)
    assert "\n" not in str(denied)
    assert isinstance(depths[queue_arn("orders-dlq")], QueueDepth)
    assert isinstance(depths[queue_arn("billing-dlq")], QueueDepth)


# Peeking


def test_peek_decodes_scheduler_attributes_and_tolerates_others(clients: AwsClients) -> None:
    url = create_queue(clients, "orders-dlq")
    clients.sqs.send_message(
        QueueUrl=url, MessageBody='{"order": 42}', MessageAttributes=scheduler_attributes()
    )
    clients.sqs.send_message(QueueUrl=url, MessageBody="sent by hand, no attributes")
    clients.sqs.send_message(
        QueueUrl=url,
        MessageBody="x" * 10,
        MessageAttributes=scheduler_attributes(
            schedule="arn:aws:sqs:us-east-1:123456789012:not-a-schedule",
            RETRY_ATTEMPTS="three",
            SCHEDULED_TIME="yesterday",
            IS_PAYLOAD_TRUNCATED="TRUE",
        ),
    )
    calls = count_calls(clients.sqs, "ReceiveMessage")
    sent = record_params(clients.sqs, "ReceiveMessage")
    before = datetime.now(UTC)

    first, plain, garbled = DlqRepository(clients).peek(queue_arn("orders-dlq"), wait_seconds=0)

    assert first.body == '{"order": 42}'
    assert (first.group, first.name) == ("orders", "nightly-export")
    assert first.error_code == "AWS.Lambda.TooManyRequestsException"
    assert first.error_message == "Rate Exceeded."
    assert first.execution_id == "4a7c8f1e-6a1d-4f0b-9d55-0c3e2b1a9f10"
    assert first.exhausted_retry_condition == "MaximumRetryAttempts"
    assert first.is_payload_truncated is False
    assert first.retry_attempts == 3
    assert first.scheduled_time == datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
    assert first.target_arn == "arn:aws:lambda:us-east-1:123456789012:function:export"
    assert first.receive_count == 1
    assert first.sent_at is not None
    assert abs((first.sent_at - before).total_seconds()) < 60
    assert first.attributes["EXECUTION_ID"] == first.execution_id

    assert plain.body == "sent by hand, no attributes"
    assert plain.message_id
    assert (plain.group, plain.name, plain.schedule_arn, plain.error_code) == (None,) * 4
    assert (plain.retry_attempts, plain.scheduled_time, plain.is_payload_truncated) == (
        None,
        None,
        False,
    )
    assert plain.attributes == {}

    assert (garbled.group, garbled.name) == (None, None)
    assert garbled.schedule_arn == "arn:aws:sqs:us-east-1:123456789012:not-a-schedule"
    assert (garbled.retry_attempts, garbled.scheduled_time) == (None, None)
    assert garbled.is_payload_truncated is True
    assert garbled.attributes["RETRY_ATTEMPTS"] == "three"

    # Three messages for a batch of ten: the queue gave what it had, no second receive.
    assert len(calls) == 1
    assert sent[0]["VisibilityTimeout"] == 0
    assert sent[0]["MaxNumberOfMessages"] == 10
    assert sent[0]["MessageAttributeNames"] == ["All"]


def test_peeking_leaves_messages_visible_and_raises_their_receive_count(
    clients: AwsClients,
) -> None:
    url = create_queue(clients, "orders-dlq")
    for index in range(3):
        clients.sqs.send_message(
            QueueUrl=url, MessageBody=f"m{index}", MessageAttributes=scheduler_attributes()
        )
    repository = DlqRepository(clients)

    once = repository.peek(queue_arn("orders-dlq"), wait_seconds=0)
    twice = repository.peek(queue_arn("orders-dlq"), wait_seconds=0)

    assert [message.receive_count for message in once] == [1, 1, 1]
    assert [message.receive_count for message in twice] == [2, 2, 2]
    assert {message.message_id for message in once} == {message.message_id for message in twice}
    depth = repository.depth(queue_arn("orders-dlq"))
    assert (depth.visible, depth.in_flight) == (3, 0)


def test_peek_stops_at_max_messages(clients: AwsClients) -> None:
    url = create_queue(clients, "orders-dlq")
    for index in range(7):
        clients.sqs.send_message(QueueUrl=url, MessageBody=f"m{index}")
    sent = record_params(clients.sqs, "ReceiveMessage")

    peeked = DlqRepository(clients).peek(queue_arn("orders-dlq"), max_messages=5, wait_seconds=0)

    assert [message.body for message in peeked] == [f"m{index}" for index in range(5)]
    assert [request["MaxNumberOfMessages"] for request in sent] == [5]


def test_peek_receives_in_batches_of_ten_until_max_messages(clients: AwsClients) -> None:
    """SQS may hand out other messages on each receive; moto always hands out the oldest
    visible ones, so each batch is hidden from the next receive to stand in for that."""
    url = create_queue(clients, "orders-dlq")
    for index in range(30):
        clients.sqs.send_message(QueueUrl=url, MessageBody=f"m{index:02d}")
    helper = AwsClients(AwsSettings(region="us-east-1", endpoint_url=clients.settings.endpoint_url))

    def _hide_batch(parsed: dict[str, Any], **_: Any) -> None:
        for message in parsed.get("Messages", []):
            helper.sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=300
            )

    clients.sqs.meta.events.register("after-call.sqs.ReceiveMessage", _hide_batch)
    sent = record_params(clients.sqs, "ReceiveMessage")

    peeked = DlqRepository(clients).peek(queue_arn("orders-dlq"), max_messages=25, wait_seconds=0)

    assert [message.body for message in peeked] == [f"m{index:02d}" for index in range(25)]
    assert [request["MaxNumberOfMessages"] for request in sent] == [10, 10, 5]


def test_peek_dedupes_and_stops_when_a_batch_brings_nothing_new(clients: AwsClients) -> None:
    url = create_queue(clients, "orders-dlq")
    for index in range(13):
        clients.sqs.send_message(QueueUrl=url, MessageBody=f"m{index:02d}")
    calls = count_calls(clients.sqs, "ReceiveMessage")

    # moto answers both receives with the same ten oldest messages.
    peeked = DlqRepository(clients).peek(queue_arn("orders-dlq"), max_messages=20, wait_seconds=0)

    assert len(calls) == 2
    assert [message.body for message in peeked] == [f"m{index:02d}" for index in range(10)]
    assert len({message.message_id for message in peeked}) == 10


def test_peek_of_an_empty_queue(clients: AwsClients) -> None:
    create_queue(clients, "orders-dlq")
    assert DlqRepository(clients).peek(queue_arn("orders-dlq"), wait_seconds=0) == []


def test_peek_of_a_missing_queue_raises_not_found(clients: AwsClients) -> None:
    with pytest.raises(NotFoundError, match="missing-dlq"):
        DlqRepository(clients).peek(queue_arn("missing-dlq"), wait_seconds=0)


@pytest.mark.parametrize(("max_messages", "wait_seconds"), [(0, 0), (10, -1), (10, 21)])
def test_peek_refuses_bad_arguments_before_any_call(
    clients: AwsClients, max_messages: int, wait_seconds: int
) -> None:
    calls = count_calls(clients.sqs, "GetQueueUrl")
    with pytest.raises(ValueError, match="must be"):
        DlqRepository(clients).peek(
            queue_arn("orders-dlq"), max_messages, wait_seconds=wait_seconds
        )
    assert calls == []
