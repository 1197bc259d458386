"""The doctor's rules: from a schedule and what was gathered about its resources
(``resources.py``), the findings with their fix. Pure: ``aws/doctor_repo.py`` gathers.

``diagnose`` includes the detail's own findings (``findings.py``), each given a fix, and
adds the doctor's kinds (FindingKind.ROLE_MISSING ... NOT_CHECKED). Thresholds, decided
here once:

- DISABLED_LONG: DISABLED and LastModificationDate more than ``DISABLED_LONG_AFTER``
  (30 days) before now (not for a schedule already expired or completed: that finding says
  more).
- WINDOW_OVER_PERIOD: a FLEXIBLE window strictly longer than rate()'s period, or than the
  smallest wall-clock gap between a cron()'s runs (within a day from its fields; across
  midnight over the next ``_GAP_HORIZON``, 32 days, at most ``_GAP_RUNS`` runs): windows
  overlap, so runs bunch up and may land out of order.
- FAILURES_VANISH: MaximumRetryAttempts 0 and no DLQ (one failure is lost without trace).
- TARGET_OTHER_REGION: the target ARN names a region and it is not the session's.
- DLQ_RETENTION_SHORT: the queue's MessageRetentionPeriod below the retry policy's
  effective MaximumEventAgeInSeconds (AWS's default, 24 h, when none is set).
- A permission the doctor cannot decide is ROLE_PERMISSION_UNCERTAIN (INFO, with the why):
  a pipeline gating on warnings is not failed by what nobody could know.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import islice, pairwise, takewhile
from typing import Final

from schedtui.core.expressions.cron import CronSpec
from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.parse import CronExpression, RateExpression
from schedtui.core.expressions.runs import instants
from schedtui.core.expressions.zones import load_zone, utc
from schedtui.core.health import facts as schedule_facts
from schedtui.core.health.findings import (
    Finding,
    FindingKind,
    Severity,
    by_severity,
    findings,
    severity_rank,
)
from schedtui.core.health.policy import (
    ANY_RESOURCE,
    SCHEDULER_PRINCIPAL,
    Decision,
    evaluate_role,
    scheduler_trust,
)
from schedtui.core.health.resources import (
    Presence,
    Resource,
    ResourceFacts,
    RoleFacts,
    ScheduleFacts,
)
from schedtui.core.schedules.arns import (
    Arn,
    TargetKind,
    parse_arn,
    parse_universal_target,
    schedule_group_arn,
)
from schedtui.core.schedules.rows import duration_text
from schedtui.core.schedules.schedule import ActionAfterCompletion, FlexibleTimeWindowMode, Schedule

DISABLED_LONG_AFTER: Final = timedelta(days=30)
_GAP_HORIZON: Final = timedelta(days=32)
_GAP_RUNS: Final = 500
_DAY_MINUTES: Final = 24 * 60
_WINDOW_CAP_MINUTES: Final = 10**9

# The IAM action each templated target calls on its ARN (the Scheduler user guide's
# "templated targets"; Inspector Classic has no resource-level permissions, hence "*").
_TARGET_ACTIONS: Final[dict[TargetKind, str]] = {
    TargetKind.LAMBDA: "lambda:InvokeFunction",
    TargetKind.SQS: "sqs:SendMessage",
    TargetKind.SNS: "sns:Publish",
    TargetKind.STEP_FUNCTIONS: "states:StartExecution",
    TargetKind.ECS: "ecs:RunTask",
    TargetKind.EVENTBRIDGE: "events:PutEvents",
    TargetKind.KINESIS: "kinesis:PutRecord",
    TargetKind.FIREHOSE: "firehose:PutRecord",
    TargetKind.SAGEMAKER: "sagemaker:StartPipelineExecution",
    TargetKind.CODEBUILD: "codebuild:StartBuild",
    TargetKind.CODEPIPELINE: "codepipeline:StartPipelineExecution",
    TargetKind.INSPECTOR: "inspector:StartAssessmentRun",
}
_ANY_RESOURCE_KINDS: Final = frozenset({TargetKind.INSPECTOR})

# Universal targets name the SDK's service id; IAM's prefix differs for these.
_IAM_PREFIXES: Final[dict[str, str]] = {
    "sfn": "states",
    "cloudwatchlogs": "logs",
    "cloudwatchevents": "events",
    "eventbridge": "events",
    "efs": "elasticfilesystem",
    "emr": "elasticmapreduce",
    "emrserverless": "emr-serverless",
    "emrcontainers": "emr-containers",
    "elasticloadbalancingv2": "elasticloadbalancing",
    "applicationautoscaling": "application-autoscaling",
    "cognitoidentityprovider": "cognito-idp",
    "cognitoidentity": "cognito-identity",
    "configservice": "config",
    "costexplorer": "ce",
    "databasemigration": "dms",
    "directoryservice": "ds",
    "elasticsearch": "es",
    "opensearch": "es",
    "sesv2": "ses",
    "acmpca": "acm-pca",
    "rdsdata": "rds-data",
    "redshiftdata": "redshift-data",
    "sagemakerruntime": "sagemaker",
    "bedrockruntime": "bedrock",
    "bedrockagentruntime": "bedrock",
    "ssoadmin": "sso",
    "mwaa": "airflow",
    "iotdata": "iot",
    "timestreamwrite": "timestream",
    "resourcegroupstaggingapi": "tag",
    "ecrpublic": "ecr-public",
    "ssmincidents": "ssm-incidents",
    "ssmcontacts": "ssm-contacts",
}
# API operations whose IAM action has another name (service prefix, operation lower-cased).
_IAM_ACTIONS: Final[dict[tuple[str, str], str]] = {
    ("lambda", "invoke"): "InvokeFunction",
    ("lambda", "invokewithresponsestream"): "InvokeFunction",
    ("sqs", "sendmessagebatch"): "SendMessage",
    ("sns", "publishbatch"): "Publish",
}


@dataclass(frozen=True)
class Need:
    """A permission the execution role must have for the schedule to work."""

    action: str  # "lambda:InvokeFunction"
    resource: str  # the ARN it acts on ("*" when the resource cannot be known)
    why: str  # "to invoke the target", "to send failed events to the DLQ"...
    denied: FindingKind = FindingKind.ROLE_PERMISSION_DENIED  # the finding when it is not


def universal_action(service: str, api_action: str) -> str:
    """``sfn`` + ``startExecution`` -> ``states:StartExecution`` (IAM's spelling)."""
    prefix = _IAM_PREFIXES.get(service, service)
    name = _IAM_ACTIONS.get((prefix, api_action.lower())) or (
        api_action[:1].upper() + api_action[1:]
    )
    return f"{prefix}:{name}"


def _target_needs(schedule: Schedule, facts: ScheduleFacts | None) -> list[Need]:
    target = schedule.target
    kind = target.kind
    universal = parse_universal_target(target.arn)
    if universal is not None:
        action = universal_action(universal.service, universal.action)
        return [Need(action, ANY_RESOURCE, "to call the universal target's API action")]
    templated = _TARGET_ACTIONS.get(kind)
    if templated is None:
        return []
    if kind is not TargetKind.ECS:
        resource = ANY_RESOURCE if kind in _ANY_RESOURCE_KINDS else target.arn
        return [Need(templated, resource, f"to invoke the {kind.label} target")]
    ecs = target.ecs_parameters
    # None or "" (AWS requires one; a definition written around that has none to name).
    task_definition = (ecs.task_definition_arn if ecs is not None else "") or ANY_RESOURCE
    found = [Need(templated, task_definition, "to run the ECS task definition")]
    known = facts.task_definition if facts is not None else None
    if known is not None and known.presence is Presence.EXISTS:
        for member in ("taskRoleArn", "executionRoleArn"):
            role = known.attributes.get(member)
            if role:
                found.append(Need("iam:PassRole", role, f"to pass the task's {member}"))
    return found


def needs(schedule: Schedule, facts: ScheduleFacts | None = None) -> list[Need]:
    """What the role must be allowed: the target's action (ECS: ecs:RunTask on the task
    definition and iam:PassRole on its roles, from ``facts.task_definition`` when known),
    sqs:SendMessage on the DLQ, kms:Decrypt on KmsKeyArn."""
    found = _target_needs(schedule, facts)
    dlq = schedule_facts.dlq_arn(schedule)
    if dlq is not None:
        found.append(
            Need(
                "sqs:SendMessage",
                dlq,
                "to send failed events to the DLQ",
                FindingKind.DLQ_PERMISSION_DENIED,
            )
        )
    if schedule.kms_key_arn:
        found.append(
            Need(
                "kms:Decrypt",
                _key_resource(schedule.kms_key_arn, facts),
                "to decrypt the schedule's data with its KMS key",
                FindingKind.KMS_PERMISSION_DENIED,
            )
        )
    return found


def _key_resource(key_arn: str, facts: ScheduleFacts | None) -> str:
    """IAM sees the key's ARN, never an alias's: an alias resolved by the reader, or "*"."""
    if ":alias/" not in key_arn:
        return key_arn
    known = facts.key if facts is not None else None
    if known is not None and ":key/" in known.arn:
        return known.arn
    return ANY_RESOURCE


def _statement(action: str, resource: str) -> str:
    return json.dumps({"Effect": "Allow", "Action": action, "Resource": resource})


def _owner(schedule: Schedule) -> Arn | None:
    """The first ARN that names the schedule's account: its own, else its role's."""
    for arn in (schedule.arn, schedule.target.role_arn):
        parsed = parse_arn(arn or "")
        if parsed is not None and parsed.account:
            return parsed
    return None


def _known_account(schedule: Schedule) -> str | None:
    owner = _owner(schedule)
    return None if owner is None else owner.account


def _source(schedule: Schedule, region: str) -> tuple[str | None, str | None]:
    """What Scheduler sends as aws:SourceAccount and aws:SourceArn (the ARN of the
    schedule's group) when it assumes the role: from the schedule's own ARN, else the
    role's account in the session's region."""
    owner = _owner(schedule)
    if owner is None:
        return None, None
    where = owner.region if owner.service == "scheduler" else region
    return owner.account, schedule_group_arn(
        owner.partition, where, owner.account, schedule.group_name
    )


def _account(schedule: Schedule) -> str:
    return _known_account(schedule) or "<account id>"


def _trust_statement(schedule: Schedule) -> str:
    return _trust_for(_account(schedule))


@lru_cache(maxsize=64)
def _trust_for(account: str) -> str:
    """The trust statement to add, for an account (one text per account: a fleet's
    schedules share a few)."""
    return json.dumps(
        {
            "Effect": "Allow",
            "Principal": {"Service": SCHEDULER_PRINCIPAL},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        }
    )


# The fix of each finding ``findings.py`` states (the detail's): the doctor always says one.
_DEFINITION_FIXES: Final[dict[FindingKind, str]] = {
    FindingKind.INVALID_EXPRESSION: (
        "Edit the expression into a valid at(), rate() or cron(), with an IANA time zone name."
    ),
    FindingKind.END_PASSED: (
        "Delete it (the cleanup view lists expired schedules), or move EndDate forward if "
        "it should run again."
    ),
    FindingKind.AT_SKIPPED: (
        "Move the at() time out of the daylight-saving gap, or give it a zone without one."
    ),
    FindingKind.NEVER_FIRES: "Change the expression to name a day that exists, or delete it.",
    FindingKind.START_IN_FUTURE: "Nothing, if intended; otherwise move StartDate earlier.",
    FindingKind.RATE_FROM_CREATION: "Set a StartDate to anchor rate() at a time you choose.",
    FindingKind.NO_DLQ: (
        "Set DeadLetterConfig to a standard SQS queue the role may sqs:SendMessage to."
    ),
    FindingKind.FIFO_DLQ: "Use a standard (not FIFO) SQS queue as the dead-letter queue.",
    FindingKind.DEFAULT_RETRY: (
        "Set a RetryPolicy that fits the target (e.g. 3 attempts within 1 hour)."
    ),
    FindingKind.ESCAPED_PLACEHOLDER: (
        "Write the placeholder unescaped in Input: <aws.scheduler.scheduled-time>."
    ),
}


def _completed_fix(schedule: Schedule) -> str:
    if schedule.action_after_completion == ActionAfterCompletion.DELETE:
        return (
            "ActionAfterCompletion is DELETE, yet it is still here: it has not run (is it "
            "disabled?). Give it a new at() time or delete it."
        )
    return (
        "It has done its work and ActionAfterCompletion NONE keeps it forever: delete it "
        "(the cleanup view lists completed schedules), and set ActionAfterCompletion DELETE "
        "on one-time schedules."
    )


def _with_fix(finding: Finding, schedule: Schedule) -> Finding:
    if finding.fix:
        return finding
    if finding.kind is FindingKind.AT_PASSED:
        return replace(finding, fix=_completed_fix(schedule))
    return replace(finding, fix=_DEFINITION_FIXES.get(finding.kind, ""))


def _gap_below(schedule: Schedule, window: timedelta, now: datetime) -> timedelta | None:
    """A time between two runs shorter than ``window``, or None when there is none.

    rate(): its period. cron(): the wall-clock gaps within a day come from the minute and
    hour fields (exact, no iteration); only when the gap across midnight could be the
    short one does the engine look at the next runs (``_GAP_HORIZON``, ``_GAP_RUNS``),
    stopping at the first short gap: 10,000 schedules stay cheap.
    """
    parsed = schedule_facts.parsed(schedule)
    if isinstance(parsed, RateExpression):
        period = timedelta(seconds=min(parsed.seconds, 10**9))  # rate(3000000 days) fits
        return period if period < window else None
    if not isinstance(parsed, CronExpression):
        return None
    gaps = _day_gaps(parsed.spec)
    if gaps is None:
        return None
    within, across = gaps
    if within < window:
        return within
    if across >= window:
        return None
    return _runs_gap_below(parsed, schedule.schedule_expression_timezone, window, utc(now))


@lru_cache(maxsize=1024)
def _day_gaps(spec: CronSpec) -> tuple[timedelta, timedelta] | None:
    """The smallest wall-clock gap between a cron's runs within a day, and from its last
    run of a day to its first of the next (None: no time of day at all)."""
    times = sorted(hour * 60 + minute for hour in spec.hours for minute in spec.minutes)
    if not times:
        return None
    within = min((b - a for a, b in pairwise(times)), default=_DAY_MINUTES)
    return timedelta(minutes=within), timedelta(minutes=times[0] + _DAY_MINUTES - times[-1])


@lru_cache(maxsize=1024)  # a fleet shares expressions, zones, windows and the doctor's now
def _runs_gap_below(
    parsed: CronExpression, zone_name: str | None, window: timedelta, now: datetime
) -> timedelta | None:
    """Does it fire on two days in a row, closer than ``window``: ask the engine."""
    try:
        zone = load_zone(zone_name)
        horizon = now + _GAP_HORIZON
        runs = islice(takewhile(lambda at: at <= horizon, instants(parsed, zone, now)), _GAP_RUNS)
        return next((b - a for a, b in pairwise(runs) if b - a < window), None)
    except (ExpressionError, ZoneError, OverflowError):
        return None


def _window_over_period(schedule: Schedule, now: datetime) -> Finding | None:
    window = schedule.flexible_time_window
    minutes = window.maximum_window_in_minutes
    if window.mode != FlexibleTimeWindowMode.FLEXIBLE or not minutes or minutes < 1:
        return None
    # AWS allows 1440; a stored 2**63 would overflow timedelta. Past any gap compared
    # (rate()'s period is capped at 10**9 seconds, a cron's gaps at _GAP_HORIZON), a
    # longer window says nothing more.
    gap = _gap_below(schedule, timedelta(minutes=min(minutes, _WINDOW_CAP_MINUTES)), now)
    if gap is None:
        return None
    shown = duration_text(gap)
    return Finding(
        FindingKind.WINDOW_OVER_PERIOD,
        Severity.WARNING,
        f"Flexible window of {minutes} minutes is longer than the {shown} between runs: "
        "runs can bunch up and land out of order",
        f"Set MaximumWindowInMinutes to at most {int(gap.total_seconds() // 60)}, "
        "or turn the flexible window OFF.",
    )


def _schedule_rules(
    schedule: Schedule, now: datetime, region: str, done: set[FindingKind]
) -> list[Finding]:
    """The doctor's rules that need only the definition."""
    found: list[Finding] = []
    modified = schedule.last_modification_date
    if (
        not schedule.enabled
        and modified is not None
        and utc(now) - utc(modified) > DISABLED_LONG_AFTER
        and not done & {FindingKind.END_PASSED, FindingKind.AT_PASSED}
    ):
        days = (utc(now) - utc(modified)).days
        found.append(
            Finding(
                FindingKind.DISABLED_LONG,
                Severity.INFO,
                f"DISABLED and unchanged for {days} days",
                "Delete it if it is no longer needed, or enable it; a schedule kept off for "
                "a month is usually forgotten.",
            )
        )
    window = _window_over_period(schedule, now)
    if window is not None:
        found.append(window)
    retry = schedule.target.effective_retry_policy
    if retry.maximum_retry_attempts == 0 and schedule_facts.dlq_arn(schedule) is None:
        found.append(
            Finding(
                FindingKind.FAILURES_VANISH,
                Severity.WARNING,
                "MaximumRetryAttempts is 0 and there is no dead-letter queue: a failed "
                "invocation is lost without a trace",
                "Set a DeadLetterConfig (a standard SQS queue), or allow some retries.",
            )
        )
    target = parse_arn(schedule.target.arn)
    if target is not None and target.region and target.region != region:
        found.append(
            Finding(
                FindingKind.TARGET_OTHER_REGION,
                Severity.WARNING,
                f"The target {schedule.target.arn} is in {target.region}, the schedule in {region}",
                f"Create the schedule in {target.region}, next to its target, unless the "
                "cross-Region call is intended and allowed.",
            )
        )
    return found


def _not_checked(what: str, known: ResourceFacts | RoleFacts) -> Finding:
    why = f": {known.why}" if known.why else ""
    if known.elsewhere:  # no permission would help: it is out of these credentials' reach
        fix = (
            f"Run the doctor against {known.elsewhere} (--region, or --profile for another "
            "account), or check it by hand."
        )
    else:
        fix = (
            "Grant the doctor read access to it (see the README's IAM section), or check it "
            "by hand."
        )
    return Finding(
        FindingKind.NOT_CHECKED, Severity.INFO, f"Could not check the {what} {known.arn}{why}", fix
    )


def _role_rules(schedule: Schedule, facts: ScheduleFacts, region: str) -> list[Finding]:
    role = facts.role
    name = role.arn
    if role.presence is Presence.MISSING:
        wanted = ", ".join(f"{need.action} on {need.resource}" for need in needs(schedule, facts))
        return [
            Finding(
                FindingKind.ROLE_MISSING,
                Severity.ERROR,
                f"The execution role {name} does not exist: every invocation fails",
                f"Create the role with the trust statement {_trust_statement(schedule)} "
                f"and allow {wanted}; or point the schedule at an existing role.",
            )
        ]
    if role.presence is Presence.UNKNOWN:
        return [_not_checked("execution role", role)]
    trust = _trust_rule(schedule, role, region)
    return ([] if trust is None else [trust]) + _permission_rules(schedule, facts)


def _trust_rule(schedule: Schedule, role: RoleFacts, region: str) -> Finding | None:
    name = role.arn
    account, group_arn = _source(schedule, region)
    trust = scheduler_trust(role, account, group_arn)
    if trust.decision is Decision.DENIED:
        fix = f"Add to its trust policy: {_trust_statement(schedule)}"
        if trust.other_group:  # the statement names other groups: this one may join them
            fix = (
                f"Add {group_arn} to that statement's aws:SourceArn values, or add to its "
                f"trust policy: {_trust_statement(schedule)}"
            )
        elif trust.kept_out_by:  # a negated test keeps this group out: adding it would not do
            fix = (
                f"Remove {group_arn}, or the pattern that matches it, from the values of "
                f"that statement's test {trust.kept_out_by}, or add to its trust policy: "
                f"{_trust_statement(schedule)}"
            )
        return Finding(
            FindingKind.ROLE_TRUST_MISSING,
            Severity.ERROR,
            f"The role {name} does not let {SCHEDULER_PRINCIPAL} assume it ({trust.why}): "
            "every invocation fails",
            fix,
        )
    if trust.decision is Decision.CANNOT_TELL:
        return Finding(
            FindingKind.ROLE_PERMISSION_UNCERTAIN,
            Severity.INFO,
            f"Cannot tell whether {SCHEDULER_PRINCIPAL} may assume the role {name}: {trust.why}",
            f"Check its trust policy holds: {_trust_statement(schedule)}",
        )
    if not trust.conditioned:
        return Finding(
            FindingKind.ROLE_TRUST_UNCONDITIONED,
            Severity.WARNING,
            # trust.why says which statement lets it in and why that limits nothing.
            f"The role {name} has no aws:SourceAccount or aws:SourceArn condition limiting it "
            f"to this account, so any account's schedule could use it (confused deputy): "
            f"{trust.why}",
            f"Replace that trust statement with: {_trust_statement(schedule)}",
        )
    return None


def _permission_rules(schedule: Schedule, facts: ScheduleFacts) -> list[Finding]:
    """What the role's policies say about each of the schedule's needs."""
    role, name = facts.role, facts.role.arn
    found: list[Finding] = []
    for need in needs(schedule, facts):
        verdict = evaluate_role(role, need.action, need.resource)
        if verdict.decision is Decision.ALLOWED:
            continue
        if verdict.decision is Decision.DENIED:
            fix = (
                f"Remove or narrow the Deny ({verdict.why})."
                if verdict.explicit
                else f"Add to the role {name}: {_statement(need.action, need.resource)}"
            )
            found.append(
                Finding(
                    need.denied,
                    Severity.ERROR,
                    f"The role {name} may not {need.action} on {need.resource} "
                    f"({need.why}): {verdict.why}",
                    fix,
                )
            )
            continue
        found.append(
            Finding(
                FindingKind.ROLE_PERMISSION_UNCERTAIN,
                Severity.INFO,
                f"Cannot tell whether the role {name} may {need.action} on {need.resource} "
                f"({need.why}): {verdict.why}",
                f"Check it allows {_statement(need.action, need.resource)}, e.g. with the IAM "
                "policy simulator.",
            )
        )
    return found


def _unread_or_missing(
    what: str, known: ResourceFacts, kind: FindingKind, consequence: str, fix: str
) -> Finding | None:
    """NOT_CHECKED when it could not be read, ``kind`` when AWS says it does not exist."""
    if known.presence is Presence.UNKNOWN:
        return _not_checked(what, known)
    if known.presence is Presence.MISSING:
        message = f"The {what} {known.arn} does not exist: {consequence}"
        return Finding(kind, Severity.ERROR, message, fix)
    return None


def _target_rules(schedule: Schedule, facts: ScheduleFacts) -> list[Finding]:
    found: list[Finding] = []
    label = schedule.target.kind.label
    for what, known in (
        (f"{label} target", facts.target),
        ("ECS task definition", facts.task_definition),
    ):
        if known is None:
            continue
        finding = _unread_or_missing(
            what,
            known,
            FindingKind.TARGET_MISSING,
            "every invocation fails",
            f"Re-create the {what}, point the schedule at one that exists, or delete the "
            "schedule (the cleanup view lists it).",
        )
        if finding is not None:
            found.append(finding)
    return found


def _seconds(value: str | None) -> int | None:
    """A count of seconds as SQS writes it (ASCII digits only: int() would also take a
    sign, "_", padding and other scripts' digits); None otherwise."""
    if value is None or not (value.isascii() and value.isdigit()):
        return None
    return int(value)


def _dlq_rules(schedule: Schedule, facts: ScheduleFacts, done: set[FindingKind]) -> list[Finding]:
    dlq = facts.dlq
    if dlq is None:
        return []
    absent = _unread_or_missing(
        "dead-letter queue",
        dlq,
        FindingKind.DLQ_MISSING,
        "failed events are lost",
        "Create the queue (standard, not FIFO) or point DeadLetterConfig at one that exists.",
    )
    if absent is not None:
        return [absent]
    found: list[Finding] = []
    if dlq.attributes.get("FifoQueue", "").lower() == "true" and FindingKind.FIFO_DLQ not in done:
        found.append(
            Finding(
                FindingKind.FIFO_DLQ,
                Severity.ERROR,
                f"The dead-letter queue {dlq.arn} is FIFO: AWS needs standard",
                _DEFINITION_FIXES[FindingKind.FIFO_DLQ],
            )
        )
    retention = _seconds(dlq.attributes.get("MessageRetentionPeriod"))
    age = schedule.target.effective_retry_policy.effective_maximum_event_age_in_seconds
    if retention is not None and retention < age:
        found.append(
            Finding(
                FindingKind.DLQ_RETENTION_SHORT,
                Severity.WARNING,
                f"The dead-letter queue {dlq.arn} keeps messages {duration_text(retention)}, "
                f"less than the retry policy's maximum event age of {duration_text(age)}",
                f"Raise the queue's MessageRetentionPeriod to at least {age} seconds.",
            )
        )
    return found


def _key_rules(facts: ScheduleFacts) -> list[Finding]:
    key = facts.key
    if key is None:
        return []
    absent = _unread_or_missing(
        "KMS key",
        key,
        FindingKind.KMS_KEY_MISSING,
        "the schedule cannot be decrypted",
        "Point KmsKeyArn at a key that exists, or remove it to use an AWS owned key.",
    )
    if absent is not None:
        return [absent]
    state = key.attributes.get("KeyState", "")
    if state and state != "Enabled":
        fix = (
            "Cancel its deletion (kms cancel-key-deletion), then enable it."
            if state == "PendingDeletion"
            else "Enable the key (kms enable-key), or point KmsKeyArn at an enabled one."
        )
        return [
            Finding(
                FindingKind.KMS_KEY_DISABLED,
                Severity.ERROR,
                f"The KMS key {key.arn} is {state}: the schedule cannot be decrypted",
                fix,
            )
        ]
    return []


def unjudged(error: Exception) -> Finding:
    """The finding of a definition a rule failed on (a value no rule foresaw): one
    schedule's INFO, never the end of a fleet's check."""
    return Finding(
        FindingKind.NOT_CHECKED,
        Severity.INFO,
        f"The doctor could not judge this definition ({type(error).__name__}: {error})",
        "Check the definition by hand (schedtui get GROUP/NAME), and report it as a schedtui bug.",
    )


def diagnose(
    schedule: Schedule, facts: ScheduleFacts | None, now: datetime, *, region: str
) -> list[Finding]:
    """Every finding for the schedule, most serious first. ``facts`` None: only what the
    definition itself says (no AWS reads were made). ``region``: the session's, for the
    target-in-another-region rule."""
    found = [_with_fix(finding, schedule) for finding in findings(schedule, now)]
    done = {finding.kind for finding in found}
    found += _schedule_rules(schedule, now, region, done)
    if facts is not None:
        found += _target_rules(schedule, facts)  # first among equals: the most basic
        if Resource.ROLE in facts.read:  # a role not read is no finding (resources.py)
            found += _role_rules(schedule, facts, region)
        found += _dlq_rules(schedule, facts, done)
        found += _key_rules(facts)
    return by_severity(found)


@dataclass(frozen=True)
class Diagnosis:
    group: str
    name: str
    findings: tuple[Finding, ...]

    @property
    def worst(self) -> Severity | None:
        return self.findings[0].severity if self.findings else None


@dataclass(frozen=True)
class DoctorReport:
    """One run of the doctor over some schedules: every schedule's findings (worst first,
    schedules without findings included), what could not be checked and the calls made."""

    diagnoses: tuple[Diagnosis, ...]
    notes: tuple[str, ...] = ()  # "23 targets of kinds the doctor does not check: ..."
    calls: int = 0  # AWS read calls made (after the per-role/per-target cache)

    def at_or_above(self, severity: Severity) -> list[tuple[Diagnosis, Finding]]:
        """Every finding as serious as ``severity`` or more (what ``--fail-on`` counts),
        in the report's order."""
        bar = severity_rank(severity)
        return [
            (diagnosis, finding)
            for diagnosis in self.diagnoses
            for finding in diagnosis.findings
            if severity_rank(finding.severity) <= bar
        ]


def report(
    diagnoses: Sequence[Diagnosis], notes: Sequence[str] = (), calls: int = 0
) -> DoctorReport:
    """The report, schedules sorted by their worst finding, then group and name."""
    ordered = sorted(diagnoses, key=lambda d: (severity_rank(d.worst), d.group, d.name))
    return DoctorReport(tuple(ordered), tuple(notes), calls)
