"""``schedtui dlq``: how deep the dead-letter queues are, and a look at what is in one.

Without ``--queue`` the queues are the ones the schedules name (``DeadLetterConfig.Arn``):
that takes every schedule's definition, one GetSchedule each (at the details cache's rate,
200 a second at most); ``--group`` narrows it. ``--peek N`` receives up to N messages of one
queue through ``aws/dlq_repo.py``: visibility timeout 0, never deleted (see its ``peek``).
"""

from __future__ import annotations

import argparse
import re
import threading
from collections.abc import Iterator
from contextlib import suppress
from typing import Any, Final
from urllib.parse import urlsplit

from schedtui.aws.backend import Backend
from schedtui.aws.errors import AwsError
from schedtui.cli.exits import OK, UsageError, exit_code
from schedtui.cli.output import Column, Format, Record, View, Writer, fields, note
from schedtui.cli.reads import existing_group
from schedtui.core.monitoring.metrics import (
    ERROR_CODE,
    ERROR_MESSAGE,
    DlqMessage,
    QueueDepth,
)
from schedtui.core.monitoring.panel import dlq_order
from schedtui.core.monitoring.peek import at_redrive_limit, redrive_sentence
from schedtui.core.schedules.arns import parse_sqs_queue_arn, target_resource_name
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import ScheduleSummary

_QUEUE_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,80}(\.fifo)?")

QUEUES = View(
    "Queues",
    table=(
        Column("QUEUE", lambda record: target_resource_name(str(record["QueueArn"]))),
        Column("VISIBLE", "ApproximateNumberOfMessages", align="right"),
        Column("IN FLIGHT", "ApproximateNumberOfMessagesNotVisible", align="right"),
        Column("DELAYED", "ApproximateNumberOfMessagesDelayed", align="right"),
        Column("SCHEDULES", lambda record: len(record["Schedules"] or []) or None),
        Column("ERROR", "Error"),
    ),
    text=fields(
        "QueueArn",
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "Schedules",
        "Error",
    ),
)


MESSAGES = View(
    "Messages",
    table=(
        Column("MESSAGE ID", "MessageId"),
        Column("RECEIVES", "ApproximateReceiveCount", align="right"),
        Column("SENT", "SentTimestamp"),
        Column("SCHEDULE", "Schedule"),
        Column("ERROR CODE", f"MessageAttributes.{ERROR_CODE}"),
        Column("ERROR MESSAGE", f"MessageAttributes.{ERROR_MESSAGE}"),
    ),
    text=fields(
        "MessageId",
        "ApproximateReceiveCount",
        "SentTimestamp",
        "Schedule",
        f"MessageAttributes.{ERROR_CODE}",
        f"MessageAttributes.{ERROR_MESSAGE}",
        "Body",
    ),
)


def queue_record(arn: str, depth: QueueDepth | AwsError, users: list[str] | None) -> dict[str, Any]:
    """A queue's depth with SQS's attribute names (None when it could not be read, and
    ``Error`` says why). ``Schedules``: the schedules naming it (None: not looked up)."""
    known = depth if isinstance(depth, QueueDepth) else None
    return {
        "QueueArn": arn,
        "QueueUrl": known.url if known else None,
        "ApproximateNumberOfMessages": known.visible if known else None,
        "ApproximateNumberOfMessagesNotVisible": known.in_flight if known else None,
        "ApproximateNumberOfMessagesDelayed": known.delayed if known else None,
        "Schedules": users,
        "Error": None if known else str(depth),
    }


def message_record(message: DlqMessage) -> Record:
    """A peeked message with SQS's member names; ``Schedule`` (GROUP/NAME) is decoded from
    Scheduler's SCHEDULE_ARN attribute."""
    return {
        "MessageId": message.message_id,
        "ApproximateReceiveCount": message.receive_count,
        "SentTimestamp": message.sent_at,
        "Schedule": f"{message.group}/{message.name}" if message.name else None,
        "MessageAttributes": dict(message.attributes),
        "Body": message.body,
    }


def queue_arn(text: str, backend: Backend) -> str:
    """``--queue``: an SQS queue ARN as it is, or a name (or a queue URL) in the account and
    region in use (the caller's identity gives the account and partition)."""
    text = text.strip()
    if text.startswith("arn:"):
        if parse_sqs_queue_arn(text) is None:
            raise UsageError(f"--queue: '{text}' is not an SQS queue ARN")
        return text
    if text.startswith(("https://", "http://")):
        parts = [part for part in urlsplit(text).path.split("/") if part]
        if len(parts) != 2:
            raise UsageError(f"--queue: '{text}' is not a queue URL (…/ACCOUNT/NAME)")
        account, name = parts
    else:
        account, name = "", text
    if _QUEUE_NAME.fullmatch(name) is None:
        raise UsageError(
            f"--queue: '{name}' is not a queue name (1-80 letters, digits, - and _, "
            "optionally .fifo)"
        )
    identity = backend.clients.caller_identity()
    partition = identity.arn.split(":")[1] if identity.arn.count(":") >= 5 else "aws"
    region = backend.clients.sqs.meta.region_name
    return f"arn:{partition}:sqs:{region}:{account or identity.account}:{name}"


def dlq_users(backend: Backend, group: str | None) -> tuple[dict[str, list[str]], list[AwsError]]:
    """The DLQ ARNs the schedules name, each with its schedules (GROUP/NAME, sorted), and
    the definitions that could not be read (``listed_digests``: page by page, from the
    cache file when it holds the listed version)."""
    users: dict[str, list[str]] = {}
    failed: list[AwsError] = []
    for summary, digest in listed_digests(backend, group, failed):
        if digest is not None and digest.dlq_arn:
            users.setdefault(digest.dlq_arn, []).append(f"{summary.group_name}/{summary.name}")
    for names in users.values():
        names.sort()
    return users, failed


def listed_digests(
    backend: Backend, group: str | None, failed: list[AwsError]
) -> Iterator[tuple[ScheduleSummary, ScheduleDigest | None]]:
    """Every listed schedule (of ``group``) with its definition's digest (None: it could not
    be read, and the error is appended to ``failed``). Page by page: at most one page of
    definitions is held at a time. A definition in the cache file with the listed
    LastModificationDate is not fetched."""
    lock = threading.Lock()

    def each(summary: ScheduleSummary, outcome: Any) -> None:
        if isinstance(outcome, AwsError):
            with lock:
                failed.append(outcome)

    details = backend.details
    if details.persistent is not None:
        with suppress(AwsError):  # whose entries the cache holds; unknown: not used
            backend.clients.caller_identity()
    for page in backend.scheduler.iter_schedule_pages(group=group):
        details.fetch(page, on_each=each)
        for summary in page:
            yield summary, details.digest(summary)


def check_dlq(args: argparse.Namespace) -> None:
    """The arguments' own rules, checked before the demo starts or AWS is reached."""
    if args.peek and not args.queue:
        raise UsageError(
            "--peek needs --queue: a peek raises the receive count of every message it "
            "sees, so it looks at one queue, named"
        )
    if args.queue and args.group:
        raise UsageError("--group picks the DLQs of a group's schedules: leave it out with --queue")


def run_dlq(args: argparse.Namespace, backend: Backend, output: Format) -> int:
    code = OK
    if args.queue:
        arns: list[str] = [queue_arn(args.queue, backend)]
        users: dict[str, list[str]] | None = None
    else:
        if args.group:
            existing_group(backend, args.group)  # a typo is not found (1), not "no queues"
        users, failed = dlq_users(backend, args.group)
        arns = list(users)
        if failed:
            note(
                f"{len(failed):,} schedule definition(s) could not be read, their DLQs are "
                f"not listed (first: {failed[0]})"
            )
            code = max(exit_code(error) for error in failed)
    depths = backend.dlqs.depths(arns)
    ranked = sorted(
        depths.items(),
        key=lambda item: dlq_order(
            item[0],
            item[1] if isinstance(item[1], QueueDepth) else None,
            "" if isinstance(item[1], QueueDepth) else "unread",
        ),
    )
    records = [
        queue_record(arn, depth, None if users is None else users.get(arn, []))
        for arn, depth in ranked
    ]
    code = max([code, *(exit_code(d) for d in depths.values() if isinstance(d, AwsError))])
    if not args.peek:
        writer = Writer(QUEUES, output)
        writer.add(records)
        writer.close()
        return code
    (record,) = records
    if record["Error"] is not None:
        # The queue itself could not be read: nothing to peek at.
        writer = Writer(QUEUES, output)
        writer.add(records)
        writer.close()
        return code
    return max(code, _peek(backend, record, args.peek, output))


def _peek(backend: Backend, record: Record, count: int, output: Format) -> int:
    arn = str(record["QueueArn"])
    facts = backend.dlqs.facts(arn)
    messages = backend.dlqs.peek(arn, count)
    record["RedrivePolicy"] = facts.redrive.raw or None
    record["Messages"] = [message_record(message) for message in messages]
    note(
        f"peeked {len(messages)} message(s) with a visibility timeout of 0: none deleted or "
        "hidden, each one's receive count went up by one. " + redrive_sentence(facts)
    )
    if moved := at_redrive_limit(messages, facts.redrive):
        note(f"{moved} of them reached this queue's maxReceiveCount: the next receive moves them")
    if output in (Format.JSON, Format.JSONL):
        writer = Writer(QUEUES, output)
        writer.add([record])
        writer.close()
        return OK
    if output is Format.TABLE:
        queue = Writer(QUEUES, output)
        queue.add([record])
        queue.close()
        print()
    writer = Writer(MESSAGES, output)  # text: message lines only (the depth: without --peek)
    writer.add(record["Messages"])
    writer.close()
    return OK
