"""Valid Scheduler API shapes (as boto3 returns them) for the model tests, and path helpers."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from typing import Any

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/scheduler-invoke"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:scheduler-dlq"
KMS_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

TARGET_ARNS = {
    "lambda": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nightly-report",
    "sqs": f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs",
    "sqs_fifo": f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs.fifo",
    "sns": f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts",
    "step_functions": f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:etl",
    "ecs": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/batch",
    "eventbridge": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default",
    "kinesis": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/clicks",
    "firehose": f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/logs",
    "sagemaker": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/train",
    "codebuild": f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/build",
    "codepipeline": f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:release",
    "inspector": f"arn:aws:inspector:{REGION}:{ACCOUNT}:target/0-abc/template/0-def",
    "universal": "arn:aws:scheduler:::aws-sdk:sqs:sendMessage",
    "unknown": f"arn:aws:newservice:{REGION}:{ACCOUNT}:thing/x",
}

CREATED = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
MODIFIED = datetime(2024, 3, 2, 10, 0, tzinfo=UTC)


def ecs_parameters() -> dict[str, Any]:
    """An EcsParameters block with every member set."""
    return {
        "TaskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/report:7",
        "TaskCount": 2,
        "LaunchType": "FARGATE",
        "NetworkConfiguration": {
            "awsvpcConfiguration": {
                "Subnets": ["subnet-0a", "subnet-0b"],
                "SecurityGroups": ["sg-01"],
                "AssignPublicIp": "ENABLED",
            }
        },
        "PlatformVersion": "LATEST",
        "Group": "family:report",
        "EnableECSManagedTags": True,
        "EnableExecuteCommand": False,
        "PlacementConstraints": [
            {"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}
        ],
        "PlacementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}],
        "PropagateTags": "TASK_DEFINITION",
        "ReferenceId": "ref-1",
        "Tags": [{"team": "data"}, {"cost-centre": "42"}],
    }


def target(kind: str = "lambda") -> dict[str, Any]:
    """A valid Target for ``kind`` (a TARGET_ARNS key) with its parameter block."""
    data: dict[str, Any] = {"Arn": TARGET_ARNS[kind], "RoleArn": ROLE_ARN}
    if kind in ("lambda", "step_functions", "eventbridge", "universal"):
        data["Input"] = '{"job": "report"}'
    if kind == "ecs":
        data["EcsParameters"] = ecs_parameters()
    elif kind == "sqs_fifo":
        data["SqsParameters"] = {"MessageGroupId": "g1"}
    elif kind == "eventbridge":
        data["EventBridgeParameters"] = {"DetailType": "Report due", "Source": "com.example.jobs"}
    elif kind == "kinesis":
        data["KinesisParameters"] = {"PartitionKey": "pk"}
    elif kind == "sagemaker":
        data["SageMakerPipelineParameters"] = {
            "PipelineParameterList": [{"Name": "epochs", "Value": "3"}]
        }
    return data


def schedule_response(kind: str = "lambda", **members: Any) -> dict[str, Any]:
    """A GetSchedule response (ResponseMetadata included) for a valid schedule."""
    data: dict[str, Any] = {
        "ResponseMetadata": {"HTTPStatusCode": 200, "RetryAttempts": 0},
        "Arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/nightly",
        "Name": "nightly",
        "GroupName": "default",
        "ScheduleExpression": "cron(0 2 * * ? *)",
        "ScheduleExpressionTimezone": "Europe/Madrid",
        "Description": "Nightly report",
        "State": "ENABLED",
        "CreationDate": CREATED,
        "LastModificationDate": MODIFIED,
        "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
        "Target": target(kind),
    }
    data.update(members)
    return data


def request_from(response: dict[str, Any]) -> dict[str, Any]:
    """What UpdateSchedule must receive for ``response``: everything minus read-only members."""
    request = copy.deepcopy(response)
    for member in ("ResponseMetadata", "Arn", "CreationDate", "LastModificationDate"):
        request.pop(member, None)
    return request


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _STEP.findall(path)]


def with_member(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with the member at ``path`` (``A.B[0].c``) set, or removed when
    ``value`` is ``DELETE``."""
    result = copy.deepcopy(data)
    *parents, last = _steps(path)
    node: Any = result
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return result


DELETE = object()
