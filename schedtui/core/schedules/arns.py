"""ARN shapes EventBridge Scheduler cares about, and what kind of target an ARN points at.

Parsers return None for text of the wrong shape rather than raising: ARNs reach us from DLQ
message attributes and hand-typed forms, and "not that kind of ARN" is an ordinary answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Final

# Partitions: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, ...
_PARTITION: Final = r"aws[a-z-]*"
_REGION: Final = r"[a-z0-9-]+"
_ACCOUNT: Final = r"\d{12}"
_SCHEDULER_NAME: Final = r"[0-9a-zA-Z_.-]+"

_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):"
    r"(?P<resource>.+)",
    re.DOTALL,
)
_ROLE = re.compile(rf"arn:{_PARTITION}:iam::{_ACCOUNT}:role/(?P<path_name>[\w+=,.@/-]+)", re.ASCII)
# The service model's pattern, exactly (tests/core/test_rules_match_botocore.py holds it to
# the installed botocore): no '/' after key/ or alias/, and the id may be empty.
_KMS = re.compile(
    rf"arn:{_PARTITION}:kms:{_REGION}:{_ACCOUNT}:(?P<kind>key|alias)/(?P<id>[0-9a-zA-Z_-]*)",
    re.ASCII,
)
# SQS queue names: letters, digits, '-' and '_', up to 80 chars; FIFO queues end in '.fifo'.
_SQS = re.compile(
    rf"arn:(?P<partition>{_PARTITION}):sqs:(?P<region>{_REGION}):(?P<account>{_ACCOUNT}):"
    r"(?P<name>[a-zA-Z0-9_-]{1,80}(?:\.fifo)?)",
    re.ASCII,
)
_SCHEDULE = re.compile(
    rf"arn:{_PARTITION}:scheduler:{_REGION}:{_ACCOUNT}:"
    rf"schedule/(?P<group>{_SCHEDULER_NAME})/(?P<name>{_SCHEDULER_NAME})",
    re.ASCII,
)
# The SCHEDULE_ARN attribute of a DLQ message may leave the group out: AWS's own samples
# show "schedule/DLQ-test", a schedule of the default group.
# https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
_SCHEDULE_NO_GROUP = re.compile(
    rf"arn:{_PARTITION}:scheduler:{_REGION}:{_ACCOUNT}:schedule/(?P<name>{_SCHEDULER_NAME})",
    re.ASCII,
)
_SCHEDULE_GROUP = re.compile(
    rf"arn:{_PARTITION}:scheduler:{_REGION}:{_ACCOUNT}:schedule-group/(?P<name>{_SCHEDULER_NAME})",
    re.ASCII,
)
_UNIVERSAL = re.compile(
    rf"arn:{_PARTITION}:scheduler:::aws-sdk:(?P<service>[a-z0-9.-]+):(?P<action>[a-zA-Z0-9]+)",
    re.ASCII,
)

# AWS's published list of read-only action prefixes that universal targets refuse.
_READ_ONLY_ACTION_PREFIXES: Final = (
    "get",
    "describe",
    "list",
    "poll",
    "receive",
    "search",
    "scan",
    "query",
    "select",
    "read",
    "lookup",
    "discover",
    "validate",
    "batchGet",
    "batchDescribe",
    "batchRead",
    "transactGet",
    "adminGet",
    "adminList",
    "testMigration",
    "retrieve",
    "testConnection",
    "translateDocument",
    "isAuthorized",
    "isAuthorizedWithToken",
    "invokeModel",
)


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """Split any ``arn:partition:service:region:account:resource``; None if not that shape."""
    match = _ARN.fullmatch(text)
    if match is None:
        return None
    return Arn(**match.groupdict())


def is_role_arn(text: str) -> bool:
    """True for ``arn:aws[a-z-]*:iam::<12 digits>:role/<path/name>``."""
    return _ROLE.fullmatch(text) is not None


def is_kms_key_arn(text: str) -> bool:
    """True for a KMS key or alias ARN: ``arn:aws[a-z-]*:kms:<region>:<acct>:(key|alias)/...``."""
    return _KMS.fullmatch(text) is not None


@dataclass(frozen=True)
class SqsQueueArn:
    partition: str
    region: str
    account: str
    name: str

    @property
    def fifo(self) -> bool:
        return self.name.endswith(".fifo")


def parse_sqs_queue_arn(text: str) -> SqsQueueArn | None:
    match = _SQS.fullmatch(text)
    if match is None:
        return None
    return SqsQueueArn(**match.groupdict())


def parse_schedule_arn(text: str) -> tuple[str, str] | None:
    """``(group, name)`` from ``arn:aws:scheduler:<region>:<acct>:schedule/<group>/<name>``."""
    match = _SCHEDULE.fullmatch(text)
    if match is None:
        return None
    return match["group"], match["name"]


def schedule_of_dlq_message(text: str) -> tuple[str, str] | None:
    """``(group, name)`` from a DLQ message's SCHEDULE_ARN, where a missing group segment
    means the ``default`` group."""
    found = parse_schedule_arn(text)
    if found is not None:
        return found
    match = _SCHEDULE_NO_GROUP.fullmatch(text)
    return None if match is None else ("default", match["name"])


def parse_schedule_group_arn(text: str) -> str | None:
    """The group name from ``arn:aws:scheduler:<region>:<acct>:schedule-group/<name>``."""
    match = _SCHEDULE_GROUP.fullmatch(text)
    return None if match is None else match["name"]


def schedule_group_arn(partition: str, region: str, account: str, group: str) -> str:
    """The ARN of a schedule group: what Scheduler sends as aws:SourceArn when it assumes a
    schedule's execution role."""
    return f"arn:{partition}:scheduler:{region}:{account}:schedule-group/{group}"


@dataclass(frozen=True)
class UniversalTarget:
    service: str
    action: str

    @property
    def read_only(self) -> bool:
        """True when AWS refuses the action as a target (a get/describe/list... action)."""
        return is_read_only_action(self.action)


def parse_universal_target(text: str) -> UniversalTarget | None:
    """``(service, apiAction)`` from ``arn:aws:scheduler:::aws-sdk:<service>:<apiAction>``."""
    match = _UNIVERSAL.fullmatch(text)
    if match is None:
        return None
    return UniversalTarget(match["service"], match["action"])


def is_read_only_action(action: str) -> bool:
    """True when ``action`` starts with a prefix AWS refuses for universal targets.

    The prefix must end a camelCase word (``getQueueUrl``), so ``getaway`` would pass; the
    first letter is compared case-insensitively because hand-typed ARNs vary there.
    """
    normalised = action[:1].lower() + action[1:]
    for prefix in _READ_ONLY_ACTION_PREFIXES:
        if normalised.startswith(prefix):
            rest = normalised[len(prefix) :]
            if not rest or rest[0].isupper() or rest[0].isdigit():
                return True
    return False


class TargetKind(Enum):
    """What a target ARN invokes; the value is the label the UI shows."""

    LAMBDA = "Lambda"
    SQS = "SQS"
    SNS = "SNS"
    STEP_FUNCTIONS = "Step Functions"
    ECS = "ECS"
    EVENTBRIDGE = "EventBridge"
    KINESIS = "Kinesis"
    FIREHOSE = "Firehose"
    SAGEMAKER = "SageMaker"
    CODEBUILD = "CodeBuild"
    CODEPIPELINE = "CodePipeline"
    INSPECTOR = "Inspector"
    UNIVERSAL = "Universal"
    UNKNOWN = "Unknown"

    @property
    def label(self) -> str:
        return self.value

    @property
    def input_must_be_json(self) -> bool:
        """AWS requires Input to be JSON for these targets."""
        return self in _JSON_INPUT_KINDS


_JSON_INPUT_KINDS: Final = frozenset(
    {TargetKind.LAMBDA, TargetKind.STEP_FUNCTIONS, TargetKind.EVENTBRIDGE, TargetKind.UNIVERSAL}
)

# Service namespace in the ARN -> (kind, resource-type prefix stripped for display).
_KINDS_BY_SERVICE: Final[dict[str, tuple[TargetKind, str]]] = {
    "lambda": (TargetKind.LAMBDA, "function:"),
    "sqs": (TargetKind.SQS, ""),
    "sns": (TargetKind.SNS, ""),
    "states": (TargetKind.STEP_FUNCTIONS, "stateMachine:"),
    "ecs": (TargetKind.ECS, "cluster/"),
    "events": (TargetKind.EVENTBRIDGE, "event-bus/"),
    "kinesis": (TargetKind.KINESIS, "stream/"),
    "firehose": (TargetKind.FIREHOSE, "deliverystream/"),
    "sagemaker": (TargetKind.SAGEMAKER, "pipeline/"),
    "codebuild": (TargetKind.CODEBUILD, "project/"),
    "codepipeline": (TargetKind.CODEPIPELINE, ""),
    "inspector": (TargetKind.INSPECTOR, ""),
}


def target_kind(arn: str) -> TargetKind:
    """The kind of target, decided by the ARN's service namespace (UNKNOWN if unrecognised)."""
    if _UNIVERSAL.fullmatch(arn):
        return TargetKind.UNIVERSAL
    parsed = parse_arn(arn)
    if parsed is None:
        return TargetKind.UNKNOWN
    known = _KINDS_BY_SERVICE.get(parsed.service)
    return TargetKind.UNKNOWN if known is None else known[0]


def target_resource_name(arn: str) -> str:
    """A short name for display: function, queue, topic, state machine, cluster, bus...

    Universal targets read ``service:apiAction``; Lambda keeps a ``:qualifier``; Inspector
    templates and anything unrecognised show the last path segment of the ARN.
    """
    universal = parse_universal_target(arn)
    if universal is not None:
        return f"{universal.service}:{universal.action}"
    parsed = parse_arn(arn)
    if parsed is None:
        return arn
    known = _KINDS_BY_SERVICE.get(parsed.service)
    resource = parsed.resource
    if known is not None and known[1] and resource.startswith(known[1]):
        return resource[len(known[1]) :]
    return resource.rsplit("/", 1)[-1]


# An ARN inside prose: it ends at whitespace, a comma, a parenthesis or a quote.
_ARN_IN_TEXT = re.compile(r"arn:aws[a-z-]*:[^\s,;()\"']+")


def short_arn(arn: str) -> str:
    """One ARN as ``short_arns`` shows it (see there for the rule)."""
    if "*" in arn or "?" in arn:
        return arn  # a pattern: every part of it says what it matches
    parsed = parse_arn(arn)
    if parsed is not None and parsed.service == "scheduler" and parse_universal_target(arn) is None:
        return parsed.resource  # schedule-group/NAME, schedule/GROUP/NAME
    return target_resource_name(arn)


def short_arns(text: str) -> str:
    """``text`` with every ARN in it shortened, for a cell too narrow for ARNs; show the
    full text beside it. The rule: a target's ARN becomes its short name
    (``target_resource_name``: ``backup-function``, ``orders-dlq``); a Scheduler ARN keeps
    its resource whole (``schedule-group/orders``, ``schedule/billing/nightly``), since a
    bare ``orders`` could be any resource and a schedule's name means little without its
    group; an ARN holding a wildcard (``*`` or ``?``) stays whole, since a pattern's last
    segment alone (``*``) says nothing about what it matches. A full stop or colon that
    ends a sentence stays outside the name."""

    def short(match: re.Match[str]) -> str:
        arn = match.group(0)
        kept = arn.rstrip(".:")
        return short_arn(kept) + arn[len(kept) :]

    return _ARN_IN_TEXT.sub(short, text)


# How each templated target's ARN starts (the resource follows): the kind picker writes it,
# the demo builds its targets with it.
ARN_TEMPLATES: Final[dict[TargetKind, str]] = {
    TargetKind.LAMBDA: "arn:aws:lambda:{region}:{account}:function:",
    TargetKind.SQS: "arn:aws:sqs:{region}:{account}:",
    TargetKind.SNS: "arn:aws:sns:{region}:{account}:",
    TargetKind.STEP_FUNCTIONS: "arn:aws:states:{region}:{account}:stateMachine:",
    TargetKind.ECS: "arn:aws:ecs:{region}:{account}:cluster/",
    TargetKind.EVENTBRIDGE: "arn:aws:events:{region}:{account}:event-bus/",
    TargetKind.KINESIS: "arn:aws:kinesis:{region}:{account}:stream/",
    TargetKind.FIREHOSE: "arn:aws:firehose:{region}:{account}:deliverystream/",
    TargetKind.SAGEMAKER: "arn:aws:sagemaker:{region}:{account}:pipeline/",
    TargetKind.CODEBUILD: "arn:aws:codebuild:{region}:{account}:project/",
    TargetKind.CODEPIPELINE: "arn:aws:codepipeline:{region}:{account}:",
    TargetKind.INSPECTOR: "arn:aws:inspector:{region}:{account}:target/",
    TargetKind.UNIVERSAL: "arn:aws:scheduler:::aws-sdk:",
}


def arn_template(kind: TargetKind, region: str, account: str, resource: str = "") -> str:
    """The ARN of ``resource`` (empty: the start of one) for a target of ``kind``."""
    return ARN_TEMPLATES.get(kind, "").format(region=region, account=account) + resource
