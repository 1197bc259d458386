"""Peeking at a dead-letter queue: what the queue does with a message received too often,
the batches received so far, and the messages grouped by schedule and error code.

SQS has no cursor and no read-only look: every ReceiveMessage raises the receive count of
what it returns, and with a visibility timeout of 0 (so that nothing is hidden from the
queue's real consumers) the next receive may hand back the same messages. So a peek is a
log of receives: each batch keeps the messages it brought that no earlier batch had
(de-duplicated by MessageId), "previous" goes back to a batch already received, "next"
receives again only from the last one. Pure functions and records, tested without AWS.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from schedtui.core.monitoring.metrics import DlqMessage

# SQS's limits for maxReceiveCount; anything else in the attribute is not a policy SQS applies.
MAX_RECEIVE_COUNT_LIMIT: Final = 1000
# A redrive policy is a short JSON object; a longer text is not one, whatever it holds.
_MAX_POLICY_TEXT: Final = 4096


@dataclass(frozen=True, slots=True)
class RedrivePolicy:
    """A queue's RedrivePolicy attribute, read.

    ``present`` False: the queue has none (messages stay until its retention ends).
    ``readable`` False: there is an attribute but it is not the JSON SQS documents
    (``raw`` keeps it, to show literally); the receive limit is then unknown.
    """

    present: bool
    readable: bool = True
    max_receive_count: int | None = None
    dead_letter_target_arn: str | None = None
    raw: str = ""


NO_REDRIVE_POLICY: Final = RedrivePolicy(present=False)


def parse_redrive_policy(text: str | None) -> RedrivePolicy:
    """The RedrivePolicy attribute (``{"deadLetterTargetArn": ..., "maxReceiveCount": N}``,
    the count as a number or a string) as a RedrivePolicy; never raises. An absent or blank
    attribute is no policy; anything else SQS would not have written is unreadable."""
    if text is None or not text.strip():
        return NO_REDRIVE_POLICY
    unreadable = RedrivePolicy(present=True, readable=False, raw=text)
    if len(text) > _MAX_POLICY_TEXT:
        return unreadable
    try:
        found = json.loads(text)
    except (ValueError, RecursionError):
        return unreadable
    if not isinstance(found, dict):
        return unreadable
    target = found.get("deadLetterTargetArn")
    count = _receive_count(found.get("maxReceiveCount"))
    if not isinstance(target, str) or not target.strip() or count is None:
        return unreadable
    return RedrivePolicy(
        present=True, max_receive_count=count, dead_letter_target_arn=target.strip(), raw=text
    )


def _receive_count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 5:
        value = int(value.strip())
    if isinstance(value, int) and 1 <= value <= MAX_RECEIVE_COUNT_LIMIT:
        return value
    return None


@dataclass(frozen=True, slots=True)
class QueueFacts:
    """What the peek confirmation and the messages screen say about the queue itself."""

    queue_arn: str
    redrive: RedrivePolicy
    visible: int | None = None  # ApproximateNumberOfMessages
    retention_seconds: int | None = None  # MessageRetentionPeriod


def _duration(seconds: int) -> str:
    if seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def redrive_sentence(facts: QueueFacts) -> str:
    """What this queue does with a message received again and again, in one sentence.

    The names in it come from AWS: the caller makes the text printable.
    """
    policy = facts.redrive
    if not policy.present:
        retention = f" ({_duration(facts.retention_seconds)})" if facts.retention_seconds else ""
        return (
            f"No redrive policy: messages stay until retention ends{retention}; receiving "
            "never moves them."
        )
    if not policy.readable:
        return (
            "Unreadable redrive policy (not the JSON SQS documents): how many receives "
            f"move a message on, and where to, is unknown. It reads: {policy.raw[:200]}"
        )
    count = policy.max_receive_count
    target = _queue_name(policy.dead_letter_target_arn or "")
    times = f"{count} time{'s' if count != 1 else ''}"
    return (
        f"Redrive policy: moves a message to {target} after {count} receive"
        f"{'s' if count != 1 else ''} (the next receive of a message already received "
        f"{times} moves it there)."
    )


def _queue_name(arn: str) -> str:
    return arn.rsplit(":", 1)[-1] or arn


def at_redrive_limit(messages: Iterable[DlqMessage], policy: RedrivePolicy) -> int:
    """How many of ``messages`` the next receive may move on: received maxReceiveCount times
    already (0 when the queue has no readable policy)."""
    limit = policy.max_receive_count
    if limit is None:
        return 0
    return sum(1 for m in messages if m.receive_count is not None and m.receive_count >= limit)


# -- the log of receives -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Received:
    """What one receive did: how many messages it returned and how many were new."""

    returned: int
    new: int


@dataclass
class PeekLog:
    """The batches of one peek: each the messages first seen on that receive.

    ``messages`` keeps the latest copy of every message seen (a later receive brings a
    higher receive count); a receive that brings nothing new adds no batch.
    """

    batches: list[list[str]] = field(default_factory=list)
    messages: dict[str, DlqMessage] = field(default_factory=dict)
    receives: int = 0

    def add(self, received: Iterable[DlqMessage]) -> Received:
        self.receives += 1
        returned = 0
        batch: list[str] = []
        for message in received:
            if not message.message_id:
                continue  # SQS always sets one; without it nothing can be de-duplicated
            returned += 1
            if message.message_id not in self.messages and message.message_id not in batch:
                batch.append(message.message_id)
            self.messages[message.message_id] = message
        if batch:
            self.batches.append(batch)
        return Received(returned, len(batch))

    def batch(self, index: int) -> list[DlqMessage]:
        """The messages of batch ``index`` (0-based), latest copies; [] when out of range."""
        if not 0 <= index < len(self.batches):
            return []
        return [self.messages[message_id] for message_id in self.batches[index]]

    @property
    def seen(self) -> int:
        return len(self.messages)


def page_text(log: PeekLog, index: int, facts: QueueFacts | None) -> str:
    """ "batch 2 of 3 · 10 new · 27 distinct messages seen of ~111 in the queue"."""
    if not log.batches:
        return f"no message seen in {log.receives} receive{'s' if log.receives != 1 else ''}"
    shown = len(log.batches[index]) if 0 <= index < len(log.batches) else 0
    of = ""
    if facts is not None and facts.visible is not None:
        of = f" of ~{facts.visible:,} in queue"
    return (
        f"batch {index + 1} of {len(log.batches)}: {shown} message{'s' if shown != 1 else ''}"
        f" · {log.seen:,} distinct seen{of} · {log.receives} receive"
        f"{'s' if log.receives != 1 else ''}"
    )


# -- groups ---------------------------------------------------------------------------------


NOT_FROM_SCHEDULER: Final = "(not from Scheduler)"


@dataclass(frozen=True, slots=True)
class MessageGroup:
    """The messages of one schedule failing with one error code."""

    group: str | None  # None with name None: the message names no schedule
    name: str | None
    error_code: str | None
    count: int
    newest: datetime | None  # the latest scheduled time (or, without one, sent time)
    message_ids: tuple[str, ...]

    @property
    def key(self) -> str:
        # Names and codes never hold a NUL; the key must be unique, not pretty.
        return f"{self.group or ''}\0{self.name or ''}\0{self.error_code or ''}"

    @property
    def schedule(self) -> str:
        return f"{self.group}/{self.name}" if self.name else NOT_FROM_SCHEDULER


def _when(message: DlqMessage) -> datetime | None:
    return message.scheduled_time or message.sent_at


def message_groups(messages: Mapping[str, DlqMessage] | Iterable[DlqMessage]) -> list[MessageGroup]:
    """The messages grouped by (schedule, error code), largest group first, then by name."""
    items = messages.values() if isinstance(messages, Mapping) else messages
    found: dict[tuple[str | None, str | None, str | None], list[DlqMessage]] = {}
    for message in items:
        key = (
            message.group if message.name else None,
            message.name,
            message.error_code,
        )
        found.setdefault(key, []).append(message)
    groups = []
    for (group, name, code), members in found.items():
        times = [when for m in members if (when := _when(m)) is not None]
        groups.append(
            MessageGroup(
                group=group,
                name=name,
                error_code=code,
                count=len(members),
                newest=max(times) if times else None,
                message_ids=tuple(m.message_id for m in members),
            )
        )
    return sorted(
        groups,
        key=lambda g: (-g.count, g.name is None, g.group or "", g.name or "", g.error_code or ""),
    )


# -- what the confirmation says -------------------------------------------------------------


def confirmation_lines(facts: QueueFacts | None, problem: str | None = None) -> list[str]:
    """The body of the confirmation before the first receive: what receiving does, and this
    queue's own redrive policy (``problem``: why it could not be read). Text from AWS is in
    it: the caller makes it printable."""
    lines = [
        "Peeking is receiving: every message a receive returns has its receive count "
        "raised by one. schedtui receives up to 10 messages a batch, leaves them on the "
        "queue and visible (visibility timeout 0) and never deletes them.",
    ]
    if facts is not None:
        lines.append(redrive_sentence(facts))
    else:
        lines.append(
            f"The queue's redrive policy could not be read ({problem or 'no answer'}): "
            "if it has one, receiving may move messages on to another queue."
        )
    return lines
