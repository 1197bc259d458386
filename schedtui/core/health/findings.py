"""Findings an operator must not miss about one schedule (the detail view and the list).

Each finding has a kind (what a program decides on), a severity and a message (for people
only, never compared). The facts behind them live in ``facts.py``, shared with the change
warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.parse import parse_expression
from schedtui.core.expressions.zones import load_zone, utc_text
from schedtui.core.health import facts
from schedtui.core.schedules.schedule import Schedule


class Severity(StrEnum):
    ERROR = "error"  # it will not do what it looks like it does
    WARNING = "warning"  # risky or probably unintended
    INFO = "info"


class FindingKind(StrEnum):
    INVALID_EXPRESSION = "invalid-expression"
    END_PASSED = "end-passed"
    AT_SKIPPED = "at-skipped"
    AT_PASSED = "at-passed"
    NEVER_FIRES = "never-fires"
    START_IN_FUTURE = "start-in-future"
    RATE_FROM_CREATION = "rate-from-creation"
    NO_DLQ = "no-dlq"
    FIFO_DLQ = "fifo-dlq"
    DEFAULT_RETRY = "default-retry"
    ESCAPED_PLACEHOLDER = "escaped-placeholder"
    # The doctor's (core/health/doctor.py): about the resources a schedule depends on, and
    # the schedule's own configuration beyond what the list above says. (Expired is
    # END_PASSED, completed is AT_PASSED: one kind per fact; the doctor adds their fix.)
    ROLE_MISSING = "role-missing"
    ROLE_TRUST_MISSING = "role-trust-missing"  # the trust policy does not let Scheduler in
    ROLE_TRUST_UNCONDITIONED = "role-trust-unconditioned"  # no aws:SourceAccount/SourceArn
    ROLE_PERMISSION_DENIED = "role-permission-denied"  # the target's action is not allowed
    ROLE_PERMISSION_UNCERTAIN = "role-permission-uncertain"  # cannot tell from the policies
    DLQ_PERMISSION_DENIED = "dlq-permission-denied"  # sqs:SendMessage on the DLQ
    KMS_PERMISSION_DENIED = "kms-permission-denied"  # kms:Decrypt on KmsKeyArn
    TARGET_MISSING = "target-missing"
    DLQ_MISSING = "dlq-missing"
    DLQ_RETENTION_SHORT = "dlq-retention-short"  # shorter than the retry policy's event age
    KMS_KEY_MISSING = "kms-key-missing"
    KMS_KEY_DISABLED = "kms-key-disabled"
    DISABLED_LONG = "disabled-long"  # DISABLED and untouched for a long time
    WINDOW_OVER_PERIOD = "window-over-period"  # flexible window larger than the period
    FAILURES_VANISH = "failures-vanish"  # 0 retry attempts and no DLQ
    TARGET_OTHER_REGION = "target-other-region"
    NOT_CHECKED = "not-checked"  # a resource the doctor could not read (denied, throttled)


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    severity: Severity
    message: str
    fix: str = ""  # what to do about it, for people (the doctor's findings always say)


_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def severity_rank(severity: Severity | None) -> int:
    """0 for the most serious; None (no finding at all) after every severity."""
    return len(_ORDER) if severity is None else _ORDER[severity]


def by_severity(found: list[Finding]) -> list[Finding]:
    """Most serious first (stable: the order of equals is kept)."""
    return sorted(found, key=lambda finding: _ORDER[finding.severity])


def findings(schedule: Schedule, now: datetime) -> list[Finding]:
    """Everything worth flagging, most serious first."""
    try:
        parse_expression(schedule.schedule_expression)
    except ExpressionError as error:
        return [
            Finding(FindingKind.INVALID_EXPRESSION, Severity.ERROR, f"Invalid expression: {error}")
        ]
    try:  # a zone AWS stored that this machine's tz database does not know
        load_zone(schedule.schedule_expression_timezone)
    except ZoneError as error:
        return [Finding(FindingKind.INVALID_EXPRESSION, Severity.ERROR, f"Invalid {error}")]
    found: list[Finding] = []

    def add(kind: FindingKind, severity: Severity, message: str) -> None:
        found.append(Finding(kind, severity, message))

    enabled = schedule.enabled
    # Expired, like completed (AT_PASSED), is a warning: its work is done and it is waste to
    # clean up, not a schedule that fails; a pipeline gating on errors must not fail on it.
    if facts.end_passed(schedule, now) and schedule.end_date is not None:
        add(
            FindingKind.END_PASSED,
            Severity.WARNING,
            f"EndDate {utc_text(schedule.end_date)}Z has passed: "
            + ("it still says ENABLED but never fires" if enabled else "it never fires"),
        )
    if facts.at_skipped(schedule):
        add(
            FindingKind.AT_SKIPPED,
            Severity.ERROR,
            "at() names a time skipped by daylight saving: it never fires",
        )
    instant = facts.at_instant(schedule)
    if instant is not None and facts.at_passed(schedule, now):
        add(
            FindingKind.AT_PASSED,
            Severity.WARNING,
            f"at() time {utc_text(instant)}Z is past"
            + (": re-enabling it may fire it at once" if not enabled else ""),
        )
    if facts.never_fires(schedule):
        add(FindingKind.NEVER_FIRES, Severity.ERROR, "The expression names a day that never comes")
    if facts.start_in_future(schedule, now) and schedule.start_date is not None:
        add(
            FindingKind.START_IN_FUTURE,
            Severity.INFO,
            f"StartDate {utc_text(schedule.start_date)}Z is in the future: nothing fires before it",
        )
    if facts.rate_from_creation(schedule):
        add(
            FindingKind.RATE_FROM_CREATION,
            Severity.INFO,
            "rate() counts from the schedule's creation time",
        )
    if facts.dlq_arn(schedule) is None:
        add(
            FindingKind.NO_DLQ,
            Severity.WARNING,
            "No dead-letter queue: failed invocations are dropped",
        )
    elif facts.dlq_is_fifo(schedule):
        # The queue named, as dlq-missing names it: the doctor's own wording (doctor.py).
        add(
            FindingKind.FIFO_DLQ,
            Severity.ERROR,
            f"The dead-letter queue {facts.dlq_arn(schedule)} is FIFO: AWS needs standard",
        )
    if facts.retry_at_defaults(schedule):
        add(
            FindingKind.DEFAULT_RETRY,
            Severity.WARNING,
            "Retry policy at AWS's defaults: up to 185 attempts over 24 hours",
        )
    if facts.escaped_placeholder(schedule):
        add(
            FindingKind.ESCAPED_PLACEHOLDER,
            Severity.WARNING,
            "Input holds an escaped placeholder (\\u003caws.scheduler.…): AWS will not "
            "substitute it",
        )
    return by_severity(found)
