"""Dead-letter queues: how deep they are, and a look at what is in them."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Final

from schedtui.aws.errors import (
    AwsError,
    NotFoundError,
    ValidationFailedError,
    aws_call,
    translate,
)
from schedtui.aws.session import AwsClients
from schedtui.core.monitoring.metrics import (
    DlqMessage,
    QueueDepth,
    decode_dlq_message,
    epoch_millis,
)
from schedtui.core.monitoring.peek import QueueFacts, parse_redrive_policy
from schedtui.core.schedules.arns import SqsQueueArn, parse_sqs_queue_arn

if TYPE_CHECKING:
    from mypy_boto3_sqs.literals import QueueAttributeFilterType
    from mypy_boto3_sqs.type_defs import MessageAttributeValueOutputTypeDef, MessageTypeDef

DEFAULT_WORKERS: Final = 8
OTHER_REGION: Final = "OtherRegion"  # NotFoundError's code for a queue this client cannot see
MAX_RECEIVE_BATCH: Final = 10  # ReceiveMessage's limit
_FACT_ATTRIBUTES: Final[tuple[QueueAttributeFilterType, ...]] = (
    "RedrivePolicy",
    "ApproximateNumberOfMessages",
    "MessageRetentionPeriod",
)
_DEPTH_ATTRIBUTES: Final[tuple[QueueAttributeFilterType, ...]] = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
)


class DlqRepository:
    """Reads SQS queues used as dead-letter queues, possibly owned by other accounts."""

    def __init__(self, clients: AwsClients, *, max_workers: int = DEFAULT_WORKERS) -> None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, not {max_workers}")
        self._clients = clients
        self._max_workers = max_workers
        self._urls: dict[str, str] = {}
        self._lock = threading.Lock()

    def queue_url(self, queue_arn: str) -> str:
        """The queue's URL, from GetQueueUrl with the owner account taken from the ARN.

        Cached per ARN (successes only, so a queue created later is found). Raises
        ValidationFailedError for a text that is not an SQS queue ARN, NotFoundError for a
        queue in another region than the SQS client's, AwsError when GetQueueUrl fails.
        """
        with self._lock:
            cached = self._urls.get(queue_arn)
        if cached is not None:
            return cached
        queue = _parse(queue_arn)
        action = f"GetQueueUrl {queue.name}"
        sqs = self._clients.sqs
        # GetQueueUrl only sees its own region: a queue elsewhere would come back as "does
        # not exist", which sends the operator looking for a queue that is there.
        region = sqs.meta.region_name
        if queue.region != region:
            raise NotFoundError(
                f"{action}: the queue is in {queue.region}, schedtui reads SQS in {region}",
                code=OTHER_REGION,
            )
        with aws_call(action):
            url = sqs.get_queue_url(QueueName=queue.name, QueueOwnerAWSAccountId=queue.account)[
                "QueueUrl"
            ]
        with self._lock:
            self._urls[queue_arn] = url
        return url

    def depth(self, queue_arn: str) -> QueueDepth:
        """Approximate visible, in-flight and delayed counts of one queue; raises AwsError."""
        queue = _parse(queue_arn)
        url, attributes = self._attributes(queue_arn, _DEPTH_ATTRIBUTES)
        return QueueDepth(
            queue_arn=queue_arn,
            url=url,
            visible=int(attributes.get("ApproximateNumberOfMessages", "0")),
            in_flight=int(attributes.get("ApproximateNumberOfMessagesNotVisible", "0")),
            delayed=int(attributes.get("ApproximateNumberOfMessagesDelayed", "0")),
            fifo=queue.fifo,
        )

    def _attributes(
        self, queue_arn: str, names: Iterable[QueueAttributeFilterType]
    ) -> tuple[str, Mapping[str, str]]:
        """The queue's URL and the named attributes (GetQueueAttributes); raises AwsError."""
        queue = _parse(queue_arn)
        url = self.queue_url(queue_arn)
        try:
            with aws_call(f"GetQueueAttributes {queue.name}"):
                found = self._clients.sqs.get_queue_attributes(
                    QueueUrl=url, AttributeNames=list(names)
                )
        except NotFoundError:
            self._forget(queue_arn)  # deleted since: look it up afresh next time
            raise
        return url, {str(name): value for name, value in found.get("Attributes", {}).items()}

    def facts(self, queue_arn: str) -> QueueFacts:
        """The queue's redrive policy, approximate visible count and retention, read before
        a peek so that its confirmation says what receiving can do; raises AwsError.

        A RedrivePolicy that is not the JSON SQS documents is reported unreadable, never
        raised: the operator still decides whether to peek."""
        _, attributes = self._attributes(queue_arn, _FACT_ATTRIBUTES)
        return QueueFacts(
            queue_arn=queue_arn,
            redrive=parse_redrive_policy(attributes.get("RedrivePolicy")),
            visible=_count(attributes.get("ApproximateNumberOfMessages")),
            retention_seconds=_count(attributes.get("MessageRetentionPeriod")),
        )

    def depths(self, queue_arns: Iterable[str]) -> dict[str, QueueDepth | AwsError]:
        """The depth of each queue, fetched concurrently (at most ``max_workers`` at a time).

        Never raises for one queue: a missing queue, a denied one or an invalid ARN is that
        queue's typed AwsError in the result. Keys follow the input order, duplicates once.
        """
        arns = list(dict.fromkeys(queue_arns))
        if not arns:
            return {}
        workers = min(self._max_workers, len(arns))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="schedtui-dlq") as pool:
            results = list(pool.map(self._depth_or_error, arns))
        return dict(zip(arns, results, strict=True))

    def _depth_or_error(self, queue_arn: str) -> QueueDepth | AwsError:
        try:
            return self.depth(queue_arn)
        except Exception as error:  # one bad queue must not hide the others
            return translate(error, f"queue depth {queue_arn}")

    def peek(
        self, queue_arn: str, max_messages: int = 10, *, wait_seconds: int = 1
    ) -> list[DlqMessage]:
        """Up to ``max_messages`` messages of the queue, left in the queue, in receive order.

        Peeking is not read-only: SQS has no way to look without receiving. Every message
        returned has had its ApproximateReceiveCount raised by one, and if this queue has a
        redrive policy of its own, repeated peeks can move messages on to *its* dead-letter
        queue. Call it only when the operator asks. VisibilityTimeout=0 keeps the messages
        visible to their real consumers meanwhile.

        ReceiveMessage returns at most 10 messages and, with a zero visibility timeout, may
        hand back the same ones again; so batches are requested until ``max_messages``
        distinct messages (deduplicated by MessageId) are in hand, the queue answers empty,
        a batch comes back short, or a batch brings nothing new. Stopping on a short batch
        avoids receiving every message of a small queue a second time for nothing; the price
        is that a large queue may show fewer than ``max_messages``. ``wait_seconds`` long-polls
        (every SQS server is asked, so a small queue is not reported empty by sampling); it
        is also how long an empty queue takes to answer.
        Raises ValueError for bad arguments, AwsError when SQS fails.
        """
        if max_messages < 1:
            raise ValueError(f"max_messages must be at least 1, not {max_messages}")
        if not 0 <= wait_seconds <= 20:
            raise ValueError(f"wait_seconds must be 0 to 20, not {wait_seconds}")
        found: dict[str, DlqMessage] = {}
        while len(found) < max_messages:
            asked = min(MAX_RECEIVE_BATCH, max_messages - len(found))
            batch = self.receive(queue_arn, asked, wait_seconds=wait_seconds)
            new = 0
            for message in batch:
                if message.message_id and message.message_id not in found:
                    found[message.message_id] = message
                    new += 1
            if new == 0 or len(batch) < asked:
                break
        return list(found.values())[:max_messages]

    def receive(
        self, queue_arn: str, max_messages: int = MAX_RECEIVE_BATCH, *, wait_seconds: int = 1
    ) -> list[DlqMessage]:
        """One ReceiveMessage of up to ``max_messages`` (at most 10), left on the queue.

        The same caveats as ``peek``: it raises the receive count of every message it
        returns, and may return messages an earlier receive returned (VisibilityTimeout=0
        hides nothing). Raises ValueError for bad arguments, AwsError when SQS fails.
        """
        if not 1 <= max_messages <= MAX_RECEIVE_BATCH:
            raise ValueError(f"max_messages must be 1 to 10 for one receive, not {max_messages}")
        if not 0 <= wait_seconds <= 20:
            raise ValueError(f"wait_seconds must be 0 to 20, not {wait_seconds}")
        queue = _parse(queue_arn)
        url = self.queue_url(queue_arn)
        with aws_call(f"ReceiveMessage {queue.name}"):
            response = self._clients.sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=max_messages,
                VisibilityTimeout=0,
                WaitTimeSeconds=wait_seconds,
                MessageAttributeNames=["All"],
                MessageSystemAttributeNames=["ApproximateReceiveCount", "SentTimestamp"],
            )
        return [
            _dlq_message(message.get("MessageId", ""), message)
            for message in response.get("Messages", [])
        ]

    def _forget(self, queue_arn: str) -> None:
        with self._lock:
            self._urls.pop(queue_arn, None)


def queue_missing(error: object) -> bool:
    """Whether a depth's error says the queue does not exist (a fact about the queue, not a
    figure that could not be read); a queue in another region is only out of reach."""
    return isinstance(error, NotFoundError) and error.code != OTHER_REGION


def _parse(queue_arn: str) -> SqsQueueArn:
    queue = parse_sqs_queue_arn(queue_arn)
    if queue is None:
        raise ValidationFailedError(
            f"{queue_arn!r} is not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>)",
            code="InvalidArn",
        )
    return queue


def _count(text: str | None) -> int | None:
    """A count attribute SQS sends as text; None when missing or not a number."""
    # isdecimal, not isdigit: "²" is a digit that int() refuses. Bounded: a count, not a
    # number of 5,000 digits (which int() also refuses).
    if text is None or not text.strip().isdecimal() or len(text.strip()) > 18:
        return None
    return int(text.strip())


def _string_attributes(
    attributes: Mapping[str, MessageAttributeValueOutputTypeDef],
) -> dict[str, str]:
    """Message attributes as text; Scheduler sends String ones, other senders may not."""
    texts: dict[str, str] = {}
    for name, value in attributes.items():
        if "StringValue" in value:
            texts[name] = value["StringValue"]
        elif "BinaryValue" in value:
            texts[name] = value["BinaryValue"].decode("utf-8", errors="replace")
    return texts


def _dlq_message(message_id: str, message: MessageTypeDef) -> DlqMessage:
    system = message.get("Attributes", {})
    return decode_dlq_message(
        message_id,
        message.get("Body", ""),
        _string_attributes(message.get("MessageAttributes", {})),
        receive_count=_count(system.get("ApproximateReceiveCount")),
        sent_at=epoch_millis(system.get("SentTimestamp")),
    )
