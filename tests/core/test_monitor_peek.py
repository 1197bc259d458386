"""Peeking at a DLQ without AWS: the redrive policy read from hostile text, the log of
receives (batches of new messages, de-duplicated), groups by schedule and error code, and
the panel layout that keeps five rows of a table on a small terminal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from schedtui.core.monitoring.layout import Panel, allot, table_panel
from schedtui.core.monitoring.metrics import DlqMessage, QueueDepth
from schedtui.core.monitoring.panel import dlq_order
from schedtui.core.monitoring.peek import (
    NO_REDRIVE_POLICY,
    PeekLog,
    QueueFacts,
    at_redrive_limit,
    confirmation_lines,
    message_groups,
    page_text,
    parse_redrive_policy,
    redrive_sentence,
)

QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders-dlq"
PARKING = "arn:aws:sqs:us-east-1:123456789012:orders-dlq-parking"


# -- the redrive policy -------------------------------------------------------------------------


@pytest.mark.parametrize("count", ['"5"', "5", '" 5 "'])
def test_a_redrive_policy_names_its_queue_and_receive_limit(count: str) -> None:
    policy = parse_redrive_policy(
        f'{{"deadLetterTargetArn": "{PARKING}", "maxReceiveCount": {count}}}'
    )
    assert (policy.present, policy.readable) == (True, True)
    assert (policy.max_receive_count, policy.dead_letter_target_arn) == (5, PARKING)
    sentence = redrive_sentence(QueueFacts(QUEUE, policy))
    assert "moves a message to orders-dlq-parking after 5 receives" in sentence


@pytest.mark.parametrize("text", [None, "", "   "])
def test_no_redrive_policy_says_messages_stay_until_retention_ends(text: str | None) -> None:
    policy = parse_redrive_policy(text)
    assert policy == NO_REDRIVE_POLICY
    facts = QueueFacts(QUEUE, policy, visible=3, retention_seconds=4 * 86400)
    assert redrive_sentence(facts).startswith(
        "No redrive policy: messages stay until retention ends (4 days)"
    )
    assert "(1 h)" in redrive_sentence(QueueFacts(QUEUE, policy, retention_seconds=3600))


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[bold]red[/]",
        "[]",
        '"a string"',
        "null",
        "5",
        '{"maxReceiveCount": 5}',  # no target
        f'{{"deadLetterTargetArn": "{PARKING}"}}',  # no count
        f'{{"deadLetterTargetArn": "{PARKING}", "maxReceiveCount": 0}}',
        f'{{"deadLetterTargetArn": "{PARKING}", "maxReceiveCount": 1001}}',
        f'{{"deadLetterTargetArn": "{PARKING}", "maxReceiveCount": true}}',
        f'{{"deadLetterTargetArn": "{PARKING}", "maxReceiveCount": 5.5}}',
        f'{{"deadLetterTargetArn": "{PARKING}", "maxReceiveCount": "²"}}',
        f'{{"deadLetterTargetArn": "{PARKING}", "maxReceiveCount": "{"9" * 5000}"}}',
        '{"deadLetterTargetArn": 42, "maxReceiveCount": 5}',
        '{"deadLetterTargetArn": "  ", "maxReceiveCount": 5}',
        "[" * 2000 + "]" * 2000,  # deeper than the JSON parser's recursion limit
        '{"deadLetterTargetArn": "' + "x" * 10_000 + '", "maxReceiveCount": 5}',
    ],
)
def test_a_malformed_redrive_policy_is_unreadable_never_a_crash(text: str) -> None:
    policy = parse_redrive_policy(text)
    assert (policy.present, policy.readable, policy.max_receive_count) == (True, False, None)
    sentence = redrive_sentence(QueueFacts(QUEUE, policy))
    assert sentence.startswith("Unreadable redrive policy")
    assert len(sentence) < 400  # the raw text is quoted, cut short


def test_the_confirmation_says_receiving_raises_the_count_and_the_policy() -> None:
    facts = QueueFacts(
        QUEUE, parse_redrive_policy(f'{{"deadLetterTargetArn": "{PARKING}", "maxReceiveCount": 1}}')
    )
    first, second = confirmation_lines(facts)
    assert "receive count" in first
    assert "visibility timeout 0" in first
    assert "never deletes" in first
    assert "after 1 receive " in second
    _, unknown = confirmation_lines(None, "GetQueueAttributes orders-dlq: access denied")
    assert "could not be read (GetQueueAttributes orders-dlq: access denied)" in unknown


def test_messages_at_the_receive_limit_are_counted() -> None:
    policy = parse_redrive_policy(f'{{"deadLetterTargetArn": "{PARKING}", "maxReceiveCount": 2}}')
    messages = [message("a", receive_count=1), message("b", receive_count=2), message("c")]
    assert at_redrive_limit(messages, policy) == 1
    assert at_redrive_limit(messages, NO_REDRIVE_POLICY) == 0
    assert at_redrive_limit(messages, parse_redrive_policy("{bad")) == 0


# -- the log of receives ------------------------------------------------------------------------


def message(
    message_id: str,
    *,
    schedule: tuple[str, str] | None = ("orders", "export"),
    code: str | None = "Lambda.TooManyRequestsException",
    when: datetime | None = None,
    receive_count: int | None = 1,
) -> DlqMessage:
    return DlqMessage(
        message_id=message_id,
        body="{}",
        receive_count=receive_count,
        error_code=code,
        scheduled_time=when,
        group=schedule[0] if schedule else None,
        name=schedule[1] if schedule else None,
    )


def test_each_batch_keeps_only_the_messages_no_earlier_batch_brought() -> None:
    log = PeekLog()
    first = log.add([message("a"), message("b"), message("c")])
    again = log.add([message("b", receive_count=2), message("a", receive_count=2)])
    more = log.add([message("c", receive_count=2), message("d"), message("d"), message("")])
    empty = log.add([])

    assert (first.returned, first.new) == (3, 3)
    assert (again.returned, again.new) == (2, 0)  # nothing new: no batch added
    assert (more.returned, more.new) == (3, 1)  # "d" twice in one receive counts once
    assert (empty.returned, empty.new) == (0, 0)
    assert log.batches == [["a", "b", "c"], ["d"]]
    assert log.receives == 4
    assert log.seen == 4
    # The latest copy of each: a later receive raised the receive count.
    assert [m.receive_count for m in log.batch(0)] == [2, 2, 2]
    assert log.batch(2) == []
    assert page_text(log, 1, QueueFacts(QUEUE, NO_REDRIVE_POLICY, visible=111)) == (
        "batch 2 of 2: 1 message · 4 distinct seen of ~111 in queue · 4 receives"
    )
    assert page_text(PeekLog(), 0, None) == "no message seen in 0 receives"


def test_messages_group_by_schedule_and_error_code_largest_first() -> None:
    early = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
    late = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    groups = message_groups(
        [
            message("1", when=early),
            message("2", when=late),
            message("3", code="AccessDeniedException"),
            message("4", schedule=("billing", "invoice"), when=early),
            message("5", schedule=("billing", "invoice")),
            message("6", schedule=None, code=None),
            message("7", schedule=("orders", "export"), when=early),
        ]
    )
    assert [(g.schedule, g.error_code, g.count) for g in groups] == [
        ("orders/export", "Lambda.TooManyRequestsException", 3),
        ("billing/invoice", "Lambda.TooManyRequestsException", 2),
        ("orders/export", "AccessDeniedException", 1),
        ("(not from Scheduler)", None, 1),
    ]
    assert groups[0].newest == late
    assert groups[0].message_ids == ("1", "2", "7")
    assert groups[2].newest is None
    assert len({g.key for g in groups}) == len(groups)


# -- layout -------------------------------------------------------------------------------------


def test_at_60x20_the_focused_table_and_the_next_keep_five_rows() -> None:
    # 16 lines under the window line: metrics (10 groups), totals (3), DLQs (8), alarms (2).
    heights = allot(
        16,
        [
            table_panel("dlqs", 8),  # focused
            table_panel("metrics", 10),
            table_panel("alarms", 2),
            Panel("totals", 3, floor=1, comfortable=3),
        ],
    )
    assert heights == {"dlqs": 6, "metrics": 6, "alarms": 3, "totals": 1}


def test_lines_go_floor_first_then_comfortable_then_all_and_the_spare_to_one() -> None:
    panels = [table_panel("a", 20), table_panel("b", 0), table_panel("c", 3)]
    assert allot(3, panels) == {"a": 2, "b": 1, "c": 0}  # the focused one first
    assert allot(40, panels) == {"a": 21, "b": 1, "c": 4}  # blank below
    detail = Panel("detail", 100, floor=3, comfortable=3)
    # Floors (2, 1, 2, 3) first, then the focused table's five rows.
    assert allot(12, [*panels, detail], spare_to="detail") == {
        "a": 6,
        "b": 1,
        "c": 2,
        "detail": 3,
    }
    assert allot(50, [table_panel("a", 2), detail], spare_to="detail") == {"a": 3, "detail": 47}
    assert allot(-5, panels) == {"a": 0, "b": 0, "c": 0}


# -- DLQ order ----------------------------------------------------------------------------------


def depth(arn: str, visible: int) -> QueueDepth:
    return QueueDepth(arn, "url", visible, 0, 0, fifo=False)


def test_dlqs_deepest_first_an_unreadable_one_on_top() -> None:
    arns = [f"arn:aws:sqs:us-east-1:123456789012:{n}" for n in ("a", "b", "c", "d", "e")]
    ranked = sorted(
        [
            (arns[0], depth(arns[0], 2), ""),
            (arns[1], depth(arns[1], 111), ""),
            (arns[2], None, "queue does not exist"),
            (arns[3], depth(arns[3], 0), ""),
            (arns[4], depth(arns[4], 0), "FIFO queue"),
        ],
        key=lambda item: dlq_order(*item),
    )
    assert [arn.rsplit(":", 1)[1] for arn, _, _ in ranked] == ["c", "b", "a", "e", "d"]
