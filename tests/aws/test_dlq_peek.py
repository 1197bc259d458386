"""What a peek reads before and while receiving, against the moto server over HTTP: the
queue's redrive policy (GetQueueAttributes), and one receive at a time that hides nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from schedtui.aws.dlq_repo import DlqRepository
from schedtui.aws.errors import NotFoundError
from schedtui.aws.session import AwsClients
from tests.aws.test_dlq_repo import create_queue, queue_arn, scheduler_attributes
from tests.aws.wire import intercept, record_params, request_json


def test_facts_read_the_redrive_policy_size_and_retention(clients: AwsClients) -> None:
    url = create_queue(clients, "orders-dlq")
    create_queue(clients, "orders-dlq-parking")
    clients.sqs.set_queue_attributes(
        QueueUrl=url,
        Attributes={
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": queue_arn("orders-dlq-parking"), "maxReceiveCount": 3}
            ),
            "MessageRetentionPeriod": str(14 * 86400),
        },
    )
    for index in range(2):
        clients.sqs.send_message(QueueUrl=url, MessageBody=f"m{index}")
    sent = record_params(clients.sqs, "GetQueueAttributes")

    facts = DlqRepository(clients).facts(queue_arn("orders-dlq"))

    assert facts.redrive.readable
    assert facts.redrive.max_receive_count == 3
    assert facts.redrive.dead_letter_target_arn == queue_arn("orders-dlq-parking")
    assert (facts.visible, facts.retention_seconds) == (2, 14 * 86400)
    assert set(sent[0]["AttributeNames"]) >= {"RedrivePolicy", "ApproximateNumberOfMessages"}


def test_a_queue_without_a_redrive_policy(clients: AwsClients) -> None:
    create_queue(clients, "orders-dlq")
    facts = DlqRepository(clients).facts(queue_arn("orders-dlq"))
    assert not facts.redrive.present
    assert facts.visible == 0
    assert facts.retention_seconds == 4 * 86400  # SQS's default


def test_hostile_attributes_are_unreadable_not_a_crash(clients: AwsClients) -> None:
    create_queue(clients, "orders-dlq")

    def _hostile(request: AWSPreparedRequest) -> AWSResponse | None:
        body = {
            "Attributes": {
                "RedrivePolicy": '{"deadLetterTargetArn": [bold]x[/], "maxReceiveCount"',
                "ApproximateNumberOfMessages": "²",
                "MessageRetentionPeriod": "9" * 5000,
            }
        }
        assert request_json(request)["QueueUrl"].endswith("/orders-dlq")
        headers: Any = {"content-type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 200, headers, _Raw(json.dumps(body).encode()))

    intercept(clients.sqs, "GetQueueAttributes", _hostile)

    facts = DlqRepository(clients).facts(queue_arn("orders-dlq"))

    assert facts.redrive.present
    assert not facts.redrive.readable
    assert facts.redrive.raw.startswith('{"deadLetterTargetArn": [bold]')
    assert (facts.visible, facts.retention_seconds) == (None, None)


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Any:
        yield self._data


def test_facts_of_a_missing_queue_raise_not_found(clients: AwsClients) -> None:
    with pytest.raises(NotFoundError, match="missing-dlq"):
        DlqRepository(clients).facts(queue_arn("missing-dlq"))


def test_one_receive_hides_nothing_and_asks_for_the_receive_count(clients: AwsClients) -> None:
    url = create_queue(clients, "orders-dlq")
    for index in range(12):
        clients.sqs.send_message(
            QueueUrl=url, MessageBody=f"m{index:02d}", MessageAttributes=scheduler_attributes()
        )
    sent = record_params(clients.sqs, "ReceiveMessage")
    repository = DlqRepository(clients)

    first = repository.receive(queue_arn("orders-dlq"), wait_seconds=0)
    second = repository.receive(queue_arn("orders-dlq"), wait_seconds=0)

    assert len(first) == 10
    assert [m.receive_count for m in second] == [2] * len(second)  # moto: the same ten
    assert first[0].name == "nightly-export"
    assert sent[0] == {
        "QueueUrl": url,
        "MaxNumberOfMessages": 10,
        "VisibilityTimeout": 0,
        "WaitTimeSeconds": 0,
        "MessageAttributeNames": ["All"],
        "MessageSystemAttributeNames": ["ApproximateReceiveCount", "SentTimestamp"],
    }
    depth = repository.depth(queue_arn("orders-dlq"))
    assert (depth.visible, depth.in_flight) == (12, 0)  # nothing hidden, nothing deleted
    with pytest.raises(ValueError, match="1 to 10"):
        repository.receive(queue_arn("orders-dlq"), 11)
