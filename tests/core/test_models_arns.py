"""ARN shapes and the target kind an ARN points at."""

from __future__ import annotations

import pytest

from schedtui.core.schedules.arns import (
    SqsQueueArn,
    TargetKind,
    UniversalTarget,
    is_kms_key_arn,
    is_read_only_action,
    is_role_arn,
    parse_arn,
    parse_schedule_arn,
    parse_schedule_group_arn,
    parse_sqs_queue_arn,
    parse_universal_target,
    short_arns,
    target_kind,
    target_resource_name,
)
from schedtui.core.schedules.target import Target, TargetSummary
from tests.core.model_samples import ACCOUNT, REGION, ROLE_ARN, TARGET_ARNS

KINDS = [
    ("lambda", TargetKind.LAMBDA, "nightly-report"),
    ("sqs", TargetKind.SQS, "jobs"),
    ("sqs_fifo", TargetKind.SQS, "jobs.fifo"),
    ("sns", TargetKind.SNS, "alerts"),
    ("step_functions", TargetKind.STEP_FUNCTIONS, "etl"),
    ("ecs", TargetKind.ECS, "batch"),
    ("eventbridge", TargetKind.EVENTBRIDGE, "default"),
    ("kinesis", TargetKind.KINESIS, "clicks"),
    ("firehose", TargetKind.FIREHOSE, "logs"),
    ("sagemaker", TargetKind.SAGEMAKER, "train"),
    ("codebuild", TargetKind.CODEBUILD, "build"),
    ("codepipeline", TargetKind.CODEPIPELINE, "release"),
    ("inspector", TargetKind.INSPECTOR, "0-def"),
    ("universal", TargetKind.UNIVERSAL, "sqs:sendMessage"),
    ("unknown", TargetKind.UNKNOWN, "x"),
]


@pytest.mark.parametrize(("sample", "kind", "name"), KINDS)
def test_target_kind_and_display_name(sample: str, kind: TargetKind, name: str) -> None:
    arn = TARGET_ARNS[sample]
    assert target_kind(arn) is kind
    assert target_resource_name(arn) == name
    target = Target.from_api({"Arn": arn, "RoleArn": ROLE_ARN})
    assert (target.kind, target.resource_name) == (kind, name)
    summary = TargetSummary(Arn=arn)
    assert (summary.kind, summary.resource_name) == (kind, name)


def test_every_kind_is_covered() -> None:
    assert {kind for _, kind, _ in KINDS} == set(TargetKind)


@pytest.mark.parametrize(
    ("arn", "kind", "name"),
    [
        (f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f:live", TargetKind.LAMBDA, "f:live"),
        (f"arn:aws-cn:sns:cn-north-1:{ACCOUNT}:t", TargetKind.SNS, "t"),
        (
            f"arn:aws-us-gov:states:us-gov-west-1:{ACCOUNT}:stateMachine:m",
            TargetKind.STEP_FUNCTIONS,
            "m",
        ),
        (
            "arn:aws-cn:scheduler:::aws-sdk:ec2:startInstances",
            TargetKind.UNIVERSAL,
            "ec2:startInstances",
        ),
        # The universal shape has empty region and account; anything else is not universal.
        (f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/s", TargetKind.UNKNOWN, "s"),
        ("not an arn", TargetKind.UNKNOWN, "not an arn"),
        ("", TargetKind.UNKNOWN, ""),
        (
            "arn:partition:lambda:r:a:function:f",
            TargetKind.UNKNOWN,
            "arn:partition:lambda:r:a:function:f",
        ),
    ],
)
def test_odd_target_arns(arn: str, kind: TargetKind, name: str) -> None:
    assert target_kind(arn) is kind
    assert target_resource_name(arn) == name


def test_kind_labels_and_json_input() -> None:
    assert TargetKind.STEP_FUNCTIONS.label == "Step Functions"
    json_kinds = {kind for kind in TargetKind if kind.input_must_be_json}
    assert json_kinds == {
        TargetKind.LAMBDA,
        TargetKind.STEP_FUNCTIONS,
        TargetKind.EVENTBRIDGE,
        TargetKind.UNIVERSAL,
    }


@pytest.mark.parametrize(
    ("arn", "ok"),
    [
        (ROLE_ARN, True),
        (f"arn:aws:iam::{ACCOUNT}:role/service-role/Amazon_EventBridge_Scheduler_LAMBDA_1", True),
        (f"arn:aws-cn:iam::{ACCOUNT}:role/r", True),
        (f"arn:aws:iam::{ACCOUNT}:role/", False),
        (f"arn:aws:iam::{ACCOUNT}:user/alice", False),
        (f"arn:aws:iam:{REGION}:{ACCOUNT}:role/r", False),
        ("arn:aws:iam::12345678901:role/r", False),
        (f"arn:aws:iam::{ACCOUNT}:role/with space", False),
        (f"arn:gcp:iam::{ACCOUNT}:role/r", False),
    ],
)
def test_role_arn_shape(arn: str, ok: bool) -> None:
    assert is_role_arn(arn) is ok


@pytest.mark.parametrize(
    ("arn", "ok"),
    [
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab", True),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/my-key", True),
        # The service model's pattern: no '/' after alias/ or key/, and the id may be empty.
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/scheduler", False),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/scheduler_key-1", True),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:key/", True),
        (f"arn:aws:kms:{REGION}:{ACCOUNT}:grant/x", False),
        (f"arn:aws:kms::{ACCOUNT}:key/x", False),
        ("alias/my-key", False),
    ],
)
def test_kms_arn_shape(arn: str, ok: bool) -> None:
    assert is_kms_key_arn(arn) is ok


def test_sqs_queue_arns_and_fifo() -> None:
    assert parse_sqs_queue_arn(f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs") == SqsQueueArn(
        "aws", REGION, ACCOUNT, "jobs"
    )
    fifo = parse_sqs_queue_arn(f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs.fifo")
    assert fifo is not None
    assert fifo.fifo
    assert not SqsQueueArn("aws", REGION, ACCOUNT, "jobs").fifo
    assert parse_sqs_queue_arn(f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs.txt") is None
    assert parse_sqs_queue_arn(f"arn:aws:sns:{REGION}:{ACCOUNT}:jobs") is None
    assert parse_sqs_queue_arn(f"arn:aws:sqs:{REGION}:{ACCOUNT}:" + "q" * 81) is None


def test_schedule_and_group_arns() -> None:
    arn = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/team.a/nightly-1"
    assert parse_schedule_arn(arn) == ("team.a", "nightly-1")
    assert parse_schedule_arn(f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/nightly") is None
    assert parse_schedule_arn(f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/a/b/c") is None
    group = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/team.a"
    assert parse_schedule_group_arn(group) == "team.a"
    assert parse_schedule_group_arn(arn) is None


def test_universal_targets() -> None:
    target = parse_universal_target("arn:aws:scheduler:::aws-sdk:sqs:sendMessage")
    assert target == UniversalTarget("sqs", "sendMessage")
    assert target is not None
    assert not target.read_only
    assert parse_universal_target("arn:aws:scheduler:::aws-sdk:sqs") is None
    assert parse_universal_target(f"arn:aws:scheduler:{REGION}::aws-sdk:sqs:sendMessage") is None


@pytest.mark.parametrize(
    ("action", "read_only"),
    [
        ("getQueueUrl", True),
        ("GetQueueUrl", True),
        ("describeInstances", True),
        ("listBrokers", True),
        ("batchGetItem", True),
        ("isAuthorizedWithToken", True),
        ("invokeModel", True),
        ("get", True),
        ("sendMessage", False),
        ("startInstances", False),
        ("listenToThings", False),
        ("invokeFunction", False),
        ("putItem", False),
    ],
)
def test_read_only_universal_actions(action: str, read_only: bool) -> None:
    assert is_read_only_action(action) is read_only


def test_parse_arn_keeps_colons_in_the_resource() -> None:
    parsed = parse_arn(TARGET_ARNS["step_functions"])
    assert parsed is not None
    assert (parsed.service, parsed.resource) == ("states", "stateMachine:etl")
    assert parse_arn("arn:aws:sqs:only-three") is None


SCHEDULER = f"arn:aws:scheduler:{REGION}:{ACCOUNT}"


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        # A target's ARN: its short name, the sentence's full stop kept outside it.
        (f"The Lambda target {TARGET_ARNS['lambda']} does not exist.", "nightly-report does"),
        (f"queue {TARGET_ARNS['sqs_fifo']}: FIFO", "queue jobs.fifo: FIFO"),
        # A schedule group or a schedule: the resource with its kind, never a bare name
        # (``orders`` alone could be a queue, a function, anything).
        (
            f"not this schedule's group ARN {SCHEDULER}:schedule-group/orders.",
            "not this schedule's group ARN schedule-group/orders.",
        ),
        (f"only {SCHEDULER}:schedule/billing/nightly here", "only schedule/billing/nightly here"),
        # A pattern stays whole: its last segment alone ("*") says nothing of what it matches.
        (
            f"only for aws:SourceArn {SCHEDULER}:schedule/billing/* (ArnLike), not this",
            f"only for aws:SourceArn {SCHEDULER}:schedule/billing/* (ArnLike), not this",
        ),
        (
            f"aws:SourceArn {SCHEDULER}:schedule-group/team-? (ArnLike)",
            f"aws:SourceArn {SCHEDULER}:schedule-group/team-? (ArnLike)",
        ),
        (
            f"the role may not act on arn:aws:lambda:*:{ACCOUNT}:function:*.",
            f"the role may not act on arn:aws:lambda:*:{ACCOUNT}:function:*.",
        ),
    ],
)
def test_short_arns_never_leaves_a_bare_wildcard_or_an_ambiguous_name(
    message: str, shown: str
) -> None:
    assert shown in short_arns(message)
