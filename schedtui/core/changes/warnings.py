"""What a change will make AWS do that the operator may not expect.

A warning is a kind and a text: every decision (does the change need consent, which label
the confirm button gets) switches on the kind; the text is for people only. The facts
behind them are the ones the findings use (``core/health/facts.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from schedtui.core.expressions.zones import utc, utc_text
from schedtui.core.health import facts
from schedtui.core.schedules.schedule import Schedule


class WarningKind(StrEnum):
    AT_PASSED = "at-passed"  # enabling a past at() may fire it at once
    END_PASSED = "end-passed"  # it will say ENABLED and never fire
    REANCHORS_RATE = "reanchors-rate"  # a past StartDate is dropped: rate() counts from now
    START_DATE_DROPPED = "start-date-dropped"  # the same for cron()/at(): no effect on runs
    DLQ_REMOVED = "dlq-removed"
    RETRY_POLICY_REMOVED = "retry-policy-removed"
    DELETES_ITSELF = "deletes-itself"  # ActionAfterCompletion=DELETE


# A change carrying one of these is sent only with the operator's explicit consent (the
# confirmation that showed it); the chokepoint refuses it otherwise.
NEEDS_CONSENT: Final = frozenset({WarningKind.REANCHORS_RATE})


@dataclass(frozen=True)
class ChangeWarning:
    kind: WarningKind
    text: str


def needs_consent(warnings: Iterable[ChangeWarning]) -> bool:
    return any(warning.kind in NEEDS_CONSENT for warning in warnings)


def change_warnings(before: Schedule | None, after: Schedule, now: datetime) -> list[ChangeWarning]:
    """The surprises in going from ``before`` (None: a new schedule) to ``after``, where
    ``after`` is the schedule as the operator wants it (a past StartDate still in it)."""
    found: list[ChangeWarning] = []

    def add(kind: WarningKind, text: str) -> None:
        found.append(ChangeWarning(kind, text))

    timing_changed = before is None or (
        not before.enabled
        or before.schedule_expression != after.schedule_expression
        or before.schedule_expression_timezone != after.schedule_expression_timezone
        or before.end_date != after.end_date
    )
    if after.enabled and timing_changed:
        if facts.at_passed(after, now):
            add(WarningKind.AT_PASSED, "its at() time has passed: enabling it may fire it at once")
        if facts.end_passed(after, now):
            add(
                WarningKind.END_PASSED, "its EndDate has passed: it will say ENABLED but never fire"
            )
    refused = "is in the past and AWS refuses it: it is dropped"
    if facts.reanchors_rate(before, after, now):
        # Removed or dropped: the same request, the same new anchor (runs.py).
        start = after.start_date or (before.start_date if before is not None else None)
        assert start is not None  # counts_from_write needs one or the other
        reason = refused if after.start_date is not None else "is removed"
        add(
            WarningKind.REANCHORS_RATE,
            f"its StartDate {utc_text(utc(start))}Z {reason}, which re-anchors the rate to now "
            "(later runs shift)",
        )
    elif facts.start_date_refused(after, now) and after.start_date is not None:
        add(
            WarningKind.START_DATE_DROPPED,
            f"its StartDate {utc_text(utc(after.start_date))}Z {refused} "
            "(no effect on when it runs)",
        )
    if before is not None:
        if facts.dlq_arn(before) is not None and facts.dlq_arn(after) is None:
            add(
                WarningKind.DLQ_REMOVED,
                "it removes the dead-letter queue: failed invocations will be lost",
            )
        if before.target.retry_policy is not None and after.target.retry_policy is None:
            add(
                WarningKind.RETRY_POLICY_REMOVED,
                "it removes the retry policy: AWS then retries up to 185 times over 24 hours",
            )
    if after.action_after_completion == "DELETE" and (
        before is None or before.action_after_completion != "DELETE"
    ):
        add(
            WarningKind.DELETES_ITSELF,
            "the schedule deletes itself after its last run (ActionAfterCompletion)",
        )
    return found
