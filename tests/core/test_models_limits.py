"""Every limit of the facts sheet and the service model: refused with a message that names the
member and the rule, and accepted at its edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from schedtui.core.schedules.group import ScheduleGroup
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.schedules.validation import error_messages
from tests.core.model_samples import (
    ACCOUNT,
    DELETE,
    REGION,
    TARGET_ARNS,
    schedule_response,
    with_member,
)

ECS = "Target.EcsParameters"
VPC = f"{ECS}.NetworkConfiguration.awsvpcConfiguration"


def messages_for(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        Schedule.model_validate(data)
    return error_messages(caught.value)


# (target kind of the base schedule, member path, bad value, the exact expected message)
REFUSED: list[tuple[str, str, Any, str]] = [
    ("lambda", "Name", "", "Name: must not be empty (1 to 64 characters)"),
    ("lambda", "Name", "n" * 65, "Name: must be 1 to 64 characters long (got 65)"),
    ("lambda", "Name", "bad name", "Name: may only hold letters, digits, '-', '_' and '.'"),
    ("lambda", "Name", DELETE, "Name: is required"),
    ("lambda", "GroupName", "team/a", "GroupName: may only hold letters, digits, '-', '_' and '.'"),
    ("lambda", "GroupName", "g" * 65, "GroupName: must be 1 to 64 characters long (got 65)"),
    ("lambda", "Description", "d" * 513, "Description: must be at most 512 characters (got 513)"),
    (
        "lambda",
        "ScheduleExpression",
        "",
        "ScheduleExpression: must not be empty (1 to 256 characters)",
    ),
    (
        "lambda",
        "ScheduleExpression",
        "rate(" + "1" * 260 + " minutes)",
        "ScheduleExpression: must be 1 to 256 characters long (got 274)",
    ),
    ("lambda", "ScheduleExpression", DELETE, "ScheduleExpression: is required"),
    (
        "lambda",
        "ScheduleExpressionTimezone",
        "",
        "ScheduleExpressionTimezone: must not be empty (1 to 50 characters)",
    ),
    (
        "lambda",
        "ScheduleExpressionTimezone",
        "Z" * 51,
        "ScheduleExpressionTimezone: must be 1 to 50 characters long (got 51)",
    ),
    (
        "lambda",
        "StartDate",
        datetime(2030, 1, 1),
        "StartDate: must include a time zone or UTC offset",
    ),
    ("lambda", "EndDate", datetime(2030, 1, 1), "EndDate: must include a time zone or UTC offset"),
    ("lambda", "StartDate", "yesterday", "StartDate: must be a date and time"),
    ("lambda", "State", "PAUSED", "State: must be one of ENABLED, DISABLED"),
    (
        "lambda",
        "ActionAfterCompletion",
        "ARCHIVE",
        "ActionAfterCompletion: must be one of NONE, DELETE",
    ),
    (
        "lambda",
        "KmsKeyArn",
        f"arn:aws:kms:{REGION}:123:key/abc",
        "KmsKeyArn: must be a KMS key or alias ARN "
        "(arn:aws:kms:<region>:<account>:key/<id> or alias/<name>)",
    ),
    (
        "lambda",
        "KmsKeyArn",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:grant/abc",
        "KmsKeyArn: must be a KMS key or alias ARN "
        "(arn:aws:kms:<region>:<account>:key/<id> or alias/<name>)",
    ),
    ("lambda", "KmsKeyArn", "k" * 2049, "KmsKeyArn: must be 1 to 2048 characters long (got 2049)"),
    (
        "lambda",
        "Arn",
        "arn:aws:scheduler:eu-west-1:123456789012:schedule/only-name",
        "Arn: must be a schedule ARN "
        "(arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>)",
    ),
    # FlexibleTimeWindow
    (
        "lambda",
        "FlexibleTimeWindow.Mode",
        "ON",
        "FlexibleTimeWindow.Mode: must be one of OFF, FLEXIBLE",
    ),
    (
        "lambda",
        "FlexibleTimeWindow.MaximumWindowInMinutes",
        0,
        "FlexibleTimeWindow.MaximumWindowInMinutes: must be between 1 and 1440",
    ),
    (
        "lambda",
        "FlexibleTimeWindow.MaximumWindowInMinutes",
        1441,
        "FlexibleTimeWindow.MaximumWindowInMinutes: must be between 1 and 1440",
    ),
    (
        "lambda",
        "FlexibleTimeWindow.MaximumWindowInMinutes",
        DELETE,
        "FlexibleTimeWindow.MaximumWindowInMinutes: is required when Mode is FLEXIBLE",
    ),
    ("lambda", "FlexibleTimeWindow", DELETE, "FlexibleTimeWindow: is required"),
    # RetryPolicy
    (
        "lambda",
        "Target.RetryPolicy",
        {"MaximumRetryAttempts": -1},
        "Target.RetryPolicy.MaximumRetryAttempts: must be between 0 and 185",
    ),
    (
        "lambda",
        "Target.RetryPolicy",
        {"MaximumRetryAttempts": 186},
        "Target.RetryPolicy.MaximumRetryAttempts: must be between 0 and 185",
    ),
    (
        "lambda",
        "Target.RetryPolicy",
        {"MaximumEventAgeInSeconds": 59},
        "Target.RetryPolicy.MaximumEventAgeInSeconds: must be between 60 and 86400",
    ),
    (
        "lambda",
        "Target.RetryPolicy",
        {"MaximumEventAgeInSeconds": 86_401},
        "Target.RetryPolicy.MaximumEventAgeInSeconds: must be between 60 and 86400",
    ),
    (
        "lambda",
        "Target.RetryPolicy",
        {"MaximumRetryAttempts": "many"},
        "Target.RetryPolicy.MaximumRetryAttempts: must be a whole number",
    ),
    # Target
    ("lambda", "Target.Arn", "", "Target.Arn: must not be empty (1 to 1600 characters)"),
    (
        "lambda",
        "Target.Arn",
        "a" * 1601,
        "Target.Arn: must be 1 to 1600 characters long (got 1601)",
    ),
    (
        "lambda",
        "Target.Arn",
        "nightly-report",
        "Target.Arn: must be an ARN (arn:aws:<service>:<region>:<account>:<resource>)",
    ),
    (
        "lambda",
        "Target.Arn",
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:",
        "Target.Arn: must name the Lambda resource after 'function:'",
    ),
    (
        "lambda",
        "Target.Arn",
        "arn:aws:scheduler:::aws-sdk:sqs",
        "Target.Arn: must be arn:aws:scheduler:::aws-sdk:<service>:<apiAction> "
        "(e.g. sqs:sendMessage)",
    ),
    ("lambda", "Target.RoleArn", DELETE, "Target.RoleArn: is required"),
    (
        "lambda",
        "Target.RoleArn",
        "arn:aws:iam::12345:role/short-account",
        "Target.RoleArn: must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)",
    ),
    (
        "lambda",
        "Target.RoleArn",
        f"arn:aws:iam::{ACCOUNT}:user/alice",
        "Target.RoleArn: must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)",
    ),
    (
        "sqs",
        "Target.Input",
        "é" * 131_073,
        "Target.Input: must be at most 256 KB (262144 bytes in UTF-8, got 262146)",
    ),
    (
        "lambda",
        "Target.Input",
        "hello",
        "Target.Input: must be valid JSON for Lambda targets "
        "(Expecting value: line 1 column 1 (char 0))",
    ),
    (
        "step_functions",
        "Target.Input",
        "{'single': 'quotes'}",
        "Target.Input: must be valid JSON for Step Functions targets (Expecting property name "
        "enclosed in double quotes: line 1 column 2 (char 1))",
    ),
    (
        "eventbridge",
        "Target.Input",
        '{"n": NaN}',
        "Target.Input: must be valid JSON for EventBridge targets (NaN is not JSON)",
    ),
    (
        "universal",
        "Target.Input",
        "QueueUrl=x",
        "Target.Input: must be valid JSON for Universal targets "
        "(Expecting value: line 1 column 1 (char 0))",
    ),
    (
        "universal",
        "Target.Arn",
        "arn:aws:scheduler:::aws-sdk:sqs:getQueueUrl",
        "Target.Arn: AWS refuses read-only actions as universal targets ('getQueueUrl' starts "
        "with get, describe, list or a similar prefix)",
    ),
    (
        "lambda",
        "Target.DeadLetterConfig",
        {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq.fifo"},
        "Target.DeadLetterConfig.Arn: must be a standard SQS queue: FIFO queues cannot be "
        "dead-letter queues",
    ),
    (
        "lambda",
        "Target.DeadLetterConfig",
        {"Arn": f"arn:aws:sns:{REGION}:{ACCOUNT}:topic"},
        "Target.DeadLetterConfig.Arn: must be an SQS queue ARN "
        "(arn:aws:sqs:<region>:<12-digit account>:<queue name>)",
    ),
    ("lambda", "Target.DeadLetterConfig", {}, "Target.DeadLetterConfig.Arn: is required"),
    (
        "lambda",
        "Target.EcsParameters",
        {"TaskDefinitionArn": "td"},
        "Target.EcsParameters: only applies to ECS targets (the target is Lambda)",
    ),
    (
        "sqs",
        "Target.KinesisParameters",
        {"PartitionKey": "p"},
        "Target.KinesisParameters: only applies to Kinesis targets (the target is SQS)",
    ),
    (
        "sqs_fifo",
        "Target.SqsParameters",
        DELETE,
        "Target.SqsParameters.MessageGroupId: is required for a FIFO queue target",
    ),
    # EcsParameters
    (
        "ecs",
        f"{ECS}.TaskDefinitionArn",
        DELETE,
        "Target.EcsParameters.TaskDefinitionArn: is required",
    ),
    (
        "ecs",
        f"{ECS}.TaskDefinitionArn",
        "",
        "Target.EcsParameters.TaskDefinitionArn: must not be empty (1 to 1600 characters)",
    ),
    ("ecs", f"{ECS}.TaskCount", 0, "Target.EcsParameters.TaskCount: must be between 1 and 10"),
    ("ecs", f"{ECS}.TaskCount", 11, "Target.EcsParameters.TaskCount: must be between 1 and 10"),
    (
        "ecs",
        f"{ECS}.LaunchType",
        "LAMBDA",
        "Target.EcsParameters.LaunchType: must be one of EC2, FARGATE, EXTERNAL",
    ),
    (
        "ecs",
        f"{VPC}.Subnets",
        [],
        f"{VPC}.Subnets: must have 1 to 16 items (got 0)",
    ),
    (
        "ecs",
        f"{VPC}.Subnets",
        [f"subnet-{i}" for i in range(17)],
        f"{VPC}.Subnets: must have 1 to 16 items (got 17)",
    ),
    ("ecs", f"{VPC}.Subnets", DELETE, f"{VPC}.Subnets: is required"),
    (
        "ecs",
        f"{VPC}.Subnets",
        ["subnet-1", ""],
        f"{VPC}.Subnets: item 2: must not be empty (1 to 1000 characters)",
    ),
    (
        "ecs",
        f"{VPC}.SecurityGroups",
        [f"sg-{i}" for i in range(6)],
        f"{VPC}.SecurityGroups: must have 1 to 5 items (got 6)",
    ),
    (
        "ecs",
        f"{VPC}.SecurityGroups",
        [],
        f"{VPC}.SecurityGroups: must have 1 to 5 items (got 0)",
    ),
    (
        "ecs",
        f"{VPC}.AssignPublicIp",
        "YES",
        f"{VPC}.AssignPublicIp: must be one of ENABLED, DISABLED",
    ),
    (
        "ecs",
        f"{ECS}.LaunchType",
        "EC2",
        f"{VPC}.AssignPublicIp: ENABLED is only allowed with LaunchType FARGATE "
        "(or a FARGATE / FARGATE_SPOT capacity provider strategy)",
    ),
    (
        "ecs",
        f"{ECS}.LaunchType",
        DELETE,
        f"{VPC}.AssignPublicIp: ENABLED is only allowed with LaunchType FARGATE "
        "(or a FARGATE / FARGATE_SPOT capacity provider strategy)",
    ),
    (
        "ecs",
        f"{ECS}.PlatformVersion",
        "",
        "Target.EcsParameters.PlatformVersion: must not be empty (1 to 64 characters)",
    ),
    (
        "ecs",
        f"{ECS}.PlatformVersion",
        "v" * 65,
        "Target.EcsParameters.PlatformVersion: must be 1 to 64 characters long (got 65)",
    ),
    (
        "ecs",
        f"{ECS}.Group",
        "g" * 256,
        "Target.EcsParameters.Group: must be 1 to 255 characters long (got 256)",
    ),
    (
        "ecs",
        f"{ECS}.CapacityProviderStrategy",
        [{"capacityProvider": "FARGATE"}],
        "Target.EcsParameters.LaunchType: cannot be set together with CapacityProviderStrategy "
        "(omit one of them)",
    ),
    (
        "ecs",
        f"{ECS}.CapacityProviderStrategy",
        [{"capacityProvider": f"cp{i}"} for i in range(7)],
        "Target.EcsParameters.CapacityProviderStrategy: must have at most 6 items (got 7)",
    ),
    (
        "ecs",
        f"{ECS}.CapacityProviderStrategy",
        [{"capacityProvider": "FARGATE", "weight": 1001}],
        "Target.EcsParameters.CapacityProviderStrategy[0].weight: must be between 0 and 1000",
    ),
    (
        "ecs",
        f"{ECS}.CapacityProviderStrategy",
        [{"capacityProvider": "FARGATE"}, {"capacityProvider": "FARGATE_SPOT", "weight": -1}],
        "Target.EcsParameters.CapacityProviderStrategy[1].weight: must be between 0 and 1000",
    ),
    (
        "ecs",
        f"{ECS}.CapacityProviderStrategy",
        [{"capacityProvider": "FARGATE", "base": 100_001}],
        "Target.EcsParameters.CapacityProviderStrategy[0].base: must be between 0 and 100000",
    ),
    (
        "ecs",
        f"{ECS}.CapacityProviderStrategy",
        [{"weight": 1}],
        "Target.EcsParameters.CapacityProviderStrategy[0].capacityProvider: is required",
    ),
    (
        "ecs",
        f"{ECS}.CapacityProviderStrategy",
        [{"capacityProvider": ""}],
        "Target.EcsParameters.CapacityProviderStrategy[0].capacityProvider: must not be empty "
        "(1 to 255 characters)",
    ),
    (
        "ecs",
        f"{ECS}.PlacementConstraints",
        [{"type": "distinctInstance"}] * 11,
        "Target.EcsParameters.PlacementConstraints: must have at most 10 items (got 11)",
    ),
    (
        "ecs",
        f"{ECS}.PlacementConstraints[0].type",
        "spread",
        "Target.EcsParameters.PlacementConstraints[0].type: must be one of distinctInstance, "
        "memberOf",
    ),
    (
        "ecs",
        f"{ECS}.PlacementConstraints[0].expression",
        "e" * 2001,
        "Target.EcsParameters.PlacementConstraints[0].expression: must be at most 2000 "
        "characters (got 2001)",
    ),
    (
        "ecs",
        f"{ECS}.PlacementStrategy",
        [{"type": "random"}] * 6,
        "Target.EcsParameters.PlacementStrategy: must have at most 5 items (got 6)",
    ),
    (
        "ecs",
        f"{ECS}.PlacementStrategy[0].type",
        "closest",
        "Target.EcsParameters.PlacementStrategy[0].type: must be one of random, spread, binpack",
    ),
    (
        "ecs",
        f"{ECS}.PlacementStrategy[0].field",
        "f" * 256,
        "Target.EcsParameters.PlacementStrategy[0].field: must be at most 255 characters (got 256)",
    ),
    (
        "ecs",
        f"{ECS}.PropagateTags",
        "SERVICE",
        "Target.EcsParameters.PropagateTags: must be one of TASK_DEFINITION",
    ),
    (
        "ecs",
        f"{ECS}.ReferenceId",
        "r" * 1025,
        "Target.EcsParameters.ReferenceId: must be at most 1024 characters (got 1025)",
    ),
    (
        "ecs",
        f"{ECS}.Tags",
        [{f"k{i}": "v"} for i in range(51)],
        "Target.EcsParameters.Tags: must have at most 50 items (got 51)",
    ),
    (
        "ecs",
        f"{ECS}.Tags",
        [{"a": "1"}, {"b": "2", "c": "k" * 257}],
        "Target.EcsParameters.Tags: item 2: the value of 'c' must be 1 to 256 characters long",
    ),
    (
        "ecs",
        f"{ECS}.Tags",
        [{"a": ""}],
        "Target.EcsParameters.Tags: item 1: the value of 'a' must be 1 to 256 characters long",
    ),
    (
        "ecs",
        f"{ECS}.EnableECSManagedTags",
        "maybe",
        "Target.EcsParameters.EnableECSManagedTags: must be true or false",
    ),
    # SQS, EventBridge, Kinesis, SageMaker
    (
        "sqs_fifo",
        "Target.SqsParameters.MessageGroupId",
        "",
        "Target.SqsParameters.MessageGroupId: must not be empty (1 to 128 characters)",
    ),
    (
        "sqs_fifo",
        "Target.SqsParameters.MessageGroupId",
        "m" * 129,
        "Target.SqsParameters.MessageGroupId: must be 1 to 128 characters long (got 129)",
    ),
    (
        "eventbridge",
        "Target.EventBridgeParameters.DetailType",
        "",
        "Target.EventBridgeParameters.DetailType: must not be empty (1 to 128 characters)",
    ),
    (
        "eventbridge",
        "Target.EventBridgeParameters.DetailType",
        "d" * 129,
        "Target.EventBridgeParameters.DetailType: must be 1 to 128 characters long (got 129)",
    ),
    (
        "eventbridge",
        "Target.EventBridgeParameters.Source",
        "s" * 257,
        "Target.EventBridgeParameters.Source: must be 1 to 256 characters long (got 257)",
    ),
    (
        "eventbridge",
        "Target.EventBridgeParameters.Source",
        "aws.events",
        "Target.EventBridgeParameters.Source: must not start with 'aws.' "
        "(reserved for AWS services)",
    ),
    (
        "eventbridge",
        "Target.EventBridgeParameters.Source",
        "!jobs",
        "Target.EventBridgeParameters.Source: must start with a letter, a digit, '/', '.', '-' "
        "or '_' (or be a JSONPath like $.a)",
    ),
    (
        "eventbridge",
        "Target.EventBridgeParameters.Source",
        DELETE,
        "Target.EventBridgeParameters.Source: is required",
    ),
    (
        "eventbridge",
        "Target.EventBridgePutEventsV2Parameters",
        {"DetailType": "x", "Source": "aws.s3"},
        "Target.EventBridgePutEventsV2Parameters.Source: must not start with 'aws.' "
        "(reserved for AWS services)",
    ),
    (
        "eventbridge",
        "Target.EventBridgePutRawEventsParameters",
        {"Metadata": {"a/b": "1"}},
        "Target.EventBridgePutRawEventsParameters.Metadata: key 'a/b' must be 1 to 128 "
        "characters without '/'",
    ),
    (
        "eventbridge",
        "Target.EventBridgePutRawEventsParameters",
        {"Metadata": {f"k{i}": "v" for i in range(101)}},
        "Target.EventBridgePutRawEventsParameters.Metadata: must have at most 100 items (got 101)",
    ),
    (
        "kinesis",
        "Target.KinesisParameters.PartitionKey",
        "",
        "Target.KinesisParameters.PartitionKey: must not be empty (1 to 256 characters)",
    ),
    (
        "kinesis",
        "Target.KinesisParameters.PartitionKey",
        "p" * 257,
        "Target.KinesisParameters.PartitionKey: must be 1 to 256 characters long (got 257)",
    ),
    (
        "sagemaker",
        "Target.SageMakerPipelineParameters.PipelineParameterList",
        [{"Name": f"p{i}", "Value": "v"} for i in range(201)],
        "Target.SageMakerPipelineParameters.PipelineParameterList: must have at most 200 items "
        "(got 201)",
    ),
    (
        "sagemaker",
        "Target.SageMakerPipelineParameters.PipelineParameterList[0].Name",
        "learning rate",
        "Target.SageMakerPipelineParameters.PipelineParameterList[0].Name: may only hold "
        "letters, digits, '-' and '_'",
    ),
    (
        "sagemaker",
        "Target.SageMakerPipelineParameters.PipelineParameterList[0].Value",
        "",
        "Target.SageMakerPipelineParameters.PipelineParameterList[0].Value: must not be empty "
        "(1 to 1024 characters)",
    ),
    (
        "sagemaker",
        "Target.SageMakerPipelineParameters.PipelineParameterList[0].Value",
        "v" * 1025,
        "Target.SageMakerPipelineParameters.PipelineParameterList[0].Value: must be 1 to 1024 "
        "characters long (got 1025)",
    ),
]


@pytest.mark.parametrize(
    ("kind", "path", "value", "expected"),
    REFUSED,
    ids=[f"{path}={str(value)[:20]!r}" for _, path, value, _ in REFUSED],
)
def test_limit_is_refused_with_member_and_rule(
    kind: str, path: str, value: Any, expected: str
) -> None:
    data = with_member(schedule_response(kind), path, value)
    assert expected in messages_for(data)


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("cron(0 12 ? * 8 *)", "day-of-week"),
        ("every day", "every day"),
        ("rate(0 minutes)", "rate"),
    ],
)
def test_expression_errors_come_from_the_engine(expression: str, fragment: str) -> None:
    messages = messages_for(schedule_response(ScheduleExpression=expression))
    assert len(messages) == 1
    assert messages[0].startswith("ScheduleExpression: ")
    assert fragment in messages[0]


def test_unknown_time_zone_names_the_member_and_the_zone() -> None:
    (message,) = messages_for(schedule_response(ScheduleExpressionTimezone="Mars/Olympus_Mons"))
    assert message.startswith("ScheduleExpressionTimezone: ")
    assert "Mars/Olympus_Mons" in message


@pytest.mark.parametrize("gap", [timedelta(0), timedelta(seconds=-1)])
def test_end_date_must_follow_start_date(gap: timedelta) -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    data = schedule_response(StartDate=start, EndDate=start + gap)
    assert messages_for(data) == ["EndDate: must be after StartDate"]


def test_flexible_window_must_be_absent_when_off() -> None:
    data = schedule_response(FlexibleTimeWindow={"Mode": "OFF", "MaximumWindowInMinutes": 5})
    assert messages_for(data) == [
        "FlexibleTimeWindow.MaximumWindowInMinutes: must be absent when Mode is OFF"
    ]


def test_messages_use_aws_names_when_python_names_were_given() -> None:
    with pytest.raises(ValidationError) as caught:
        Schedule.model_validate(
            {
                "name": "nightly",
                "schedule_expression": "rate(1 hour)",
                "flexible_time_window": {"mode": "OFF"},
                "target": {
                    "arn": TARGET_ARNS["sqs"],
                    "role_arn": "arn:aws:iam::123456789012:role/r",
                    "retry_policy": {"maximum_retry_attempts": 999},
                },
            }
        )
    assert error_messages(caught.value) == [
        "Target.RetryPolicy.MaximumRetryAttempts: must be between 0 and 185"
    ]


# (kind, path, edge value) that must be accepted
ACCEPTED: list[tuple[str, str, Any]] = [
    # A map of several tags per item, as Terraform writes them: AWS accepts and returns it.
    ("ecs", f"{ECS}.Tags", [{"key": "team", "value": "data"}, {}]),
    ("lambda", "Name", "n" * 64),
    ("lambda", "Name", "a"),
    ("lambda", "Name", "Az09-_."),
    ("lambda", "GroupName", "g" * 64),
    ("lambda", "Description", ""),
    ("lambda", "Description", "d" * 512),
    ("lambda", "ScheduleExpression", "cron(" + ",".join(["0"] * 119) + " 12 * * ? *)"),
    ("lambda", "ScheduleExpression", "rate(1 minute)"),
    ("lambda", "ScheduleExpression", "at(2030-06-01T08:00:00)"),
    ("lambda", "ScheduleExpressionTimezone", DELETE),
    ("lambda", "ScheduleExpressionTimezone", "America/Argentina/ComodRivadavia"),
    ("lambda", "State", "DISABLED"),
    ("lambda", "ActionAfterCompletion", "NONE"),
    ("lambda", "ActionAfterCompletion", "DELETE"),
    ("lambda", "KmsKeyArn", f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/scheduler-key"),
    ("lambda", "KmsKeyArn", f"arn:aws-cn:kms:cn-north-1:{ACCOUNT}:key/mrk-1234"),
    ("lambda", "FlexibleTimeWindow.MaximumWindowInMinutes", 1),
    ("lambda", "FlexibleTimeWindow.MaximumWindowInMinutes", 1440),
    ("lambda", "FlexibleTimeWindow", {"Mode": "OFF"}),
    ("lambda", "Target.RetryPolicy", {"MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60}),
    (
        "lambda",
        "Target.RetryPolicy",
        {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86_400},
    ),
    ("lambda", "Target.RetryPolicy", {}),
    ("lambda", "Target.RoleArn", "arn:aws-us-gov:iam::123456789012:role/path/to/Role+=,.@-_"),
    ("lambda", "Target.DeadLetterConfig", {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq_1-a"}),
    ("lambda", "Target.Input", '"just a JSON string"'),
    ("lambda", "Target.Input", '{"when": "<aws.scheduler.scheduled-time>"}'),
    ("lambda", "Target.Input", ""),
    ("sqs", "Target.Input", "plain text, not JSON"),
    ("sqs", "Target.Input", "é" * 131_072),
    ("sns", "Target.Input", "x" * 262_144),
    ("unknown", "Target.Arn", f"arn:aws:newservice:{REGION}:{ACCOUNT}:".ljust(1600, "x")),
    ("universal", "Target.Arn", "arn:aws:scheduler:::aws-sdk:sqs:listenToThings"),
    ("ecs", f"{ECS}.TaskCount", 1),
    ("ecs", f"{ECS}.TaskCount", 10),
    ("ecs", f"{VPC}.Subnets", [f"subnet-{i}" for i in range(16)]),
    ("ecs", f"{VPC}.SecurityGroups", [f"sg-{i}" for i in range(5)]),
    ("ecs", f"{VPC}.SecurityGroups", DELETE),
    ("ecs", f"{VPC}.AssignPublicIp", "DISABLED"),
    ("ecs", f"{ECS}.NetworkConfiguration", {}),
    ("ecs", f"{ECS}.PlacementConstraints", [{"type": "distinctInstance"}] * 10),
    ("ecs", f"{ECS}.PlacementConstraints", []),
    ("ecs", f"{ECS}.PlacementStrategy", [{"type": "binpack", "field": "memory"}] * 5),
    ("ecs", f"{ECS}.Tags", [{f"k{i}": "v"} for i in range(50)]),
    ("ecs", f"{ECS}.Tags", []),
    ("ecs", f"{ECS}.ReferenceId", ""),
    ("ecs", f"{ECS}.ReferenceId", "r" * 1024),
    ("sqs", "Target.SqsParameters", {"MessageGroupId": "m" * 128}),
    ("eventbridge", "Target.EventBridgeParameters.DetailType", "d" * 128),
    ("eventbridge", "Target.EventBridgeParameters.Source", "s" * 256),
    ("eventbridge", "Target.EventBridgeParameters.Source", "$.detail.source"),
    ("eventbridge", "Target.EventBridgeParameters.Source", "awsome.app"),
    ("eventbridge", "Target.EventBridgePutEventsV2Parameters", {"DetailType": "d", "Source": "s"}),
    ("eventbridge", "Target.EventBridgePutRawEventsParameters", {"Metadata": {}}),
    (
        "sagemaker",
        "Target.SageMakerPipelineParameters.PipelineParameterList",
        [{"Name": f"p-{i}_x", "Value": "v" * 1024} for i in range(200)],
    ),
]


@pytest.mark.parametrize(
    ("kind", "path", "value"),
    ACCEPTED,
    ids=[f"{path}={str(value)[:20]!r}" for _, path, value in ACCEPTED],
)
def test_edge_value_is_accepted(kind: str, path: str, value: Any) -> None:
    schedule = Schedule.model_validate(with_member(schedule_response(kind), path, value))
    assert schedule.rule_violations() == []


@pytest.mark.parametrize("launch_type", ["EC2", "EXTERNAL"])
def test_other_launch_types_are_accepted_without_a_public_ip(launch_type: str) -> None:
    data = with_member(schedule_response("ecs"), f"{ECS}.LaunchType", launch_type)
    data = with_member(data, f"{VPC}.AssignPublicIp", "DISABLED")
    assert Schedule.model_validate(data).rule_violations() == []


def test_capacity_provider_strategy_edges_are_accepted() -> None:
    strategy = [
        {"capacityProvider": "FARGATE", "weight": 0, "base": 0},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1000, "base": 100_000},
        *({"capacityProvider": "FARGATE_SPOT"} for _ in range(4)),
    ]
    data = with_member(schedule_response("ecs"), f"{ECS}.LaunchType", DELETE)
    data = with_member(data, f"{ECS}.CapacityProviderStrategy", strategy)
    schedule = Schedule.model_validate(data)
    ecs = schedule.target.ecs_parameters
    assert ecs is not None
    assert ecs.runs_on_fargate is True
    assert ecs.assigns_public_ip is True


def test_public_ip_with_an_ec2_capacity_provider_is_refused() -> None:
    data = with_member(schedule_response("ecs"), f"{ECS}.LaunchType", DELETE)
    data = with_member(data, f"{ECS}.CapacityProviderStrategy", [{"capacityProvider": "asg-1"}])
    assert messages_for(data) == [
        f"{VPC}.AssignPublicIp: ENABLED is only allowed with LaunchType FARGATE "
        "(or a FARGATE / FARGATE_SPOT capacity provider strategy)"
    ]


def test_summary_limits() -> None:
    item = {
        "Arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/g/s",
        "Name": "s",
        "GroupName": "g",
        "State": "PAUSED",
        "Target": {"Arn": TARGET_ARNS["sqs"]},
    }
    with pytest.raises(ValidationError) as caught:
        ScheduleSummary.model_validate(item)
    assert error_messages(caught.value) == ["State: must be one of ENABLED, DISABLED"]
    assert ScheduleSummary.from_api(item).state == "PAUSED"


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"Name": "bad name"}, "Name: may only hold letters, digits, '-', '_' and '.'"),
        ({"State": "GONE"}, "State: must be one of ACTIVE, DELETING"),
        (
            {"Tags": [{"Key": f"k{i}", "Value": "v"} for i in range(201)]},
            "Tags: must have at most 200 items (got 201)",
        ),
        (
            {"Tags": [{"Key": "k", "Value": "v" * 257}]},
            "Tags: the value of 'k' must be 1 to 256 characters long",
        ),
        ({"Tags": [{"Key": "", "Value": "v"}]}, "Tags: key '' must be 1 to 128 characters long"),
        (
            {"Arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/g/s"},
            "Arn: must be a schedule group ARN "
            "(arn:aws:scheduler:<region>:<account>:schedule-group/<name>)",
        ),
    ],
)
def test_group_limits(members: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ScheduleGroup.model_validate({"Name": "team-a", **members})
    assert error_messages(caught.value) == [expected]


def test_group_edges_are_accepted() -> None:
    tags = [{"Key": "k" * 128, "Value": "v" * 256}] + [
        {"Key": f"t{i}", "Value": "x"} for i in range(199)
    ]
    group = ScheduleGroup.model_validate({"Name": "g" * 64, "State": "DELETING", "Tags": tags})
    assert group.tags is not None
    assert len(group.tags) == 200
