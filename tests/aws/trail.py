"""CloudTrail LookupEvents answers in AWS's shape, for botocore's Stubber (moto has no
LookupEvents). The Stubber checks each answer against CloudTrail's real service model; the
CloudTrailEvent inside is a JSON string shaped as CloudTrail writes it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tests.aws.conftest import ACCOUNT, REGION

WHO = f"arn:aws:sts::{ACCOUNT}:assumed-role/ops/alice"
AGENT = "aws-cli/2.15.0 Python/3.11.6 Linux/6.5 exe/x86_64"


def schedule_arn(group: str, name: str) -> str:
    return f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{group}/{name}"


def group_arn(group: str) -> str:
    return f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/{group}"


def event(
    action: str,
    at: datetime,
    request: Any,
    *,
    event_id: str,
    who: str = WHO,
    agent: str = AGENT,
    ip: str = "203.0.113.7",
    error: tuple[str, str] | None = None,
    response: Any = None,
    resource: str | None = None,
    source: str = "scheduler.amazonaws.com",
    document: str | None = None,
) -> dict[str, Any]:
    """One event of a LookupEvents page (``document`` replaces the CloudTrailEvent text)."""
    trail: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "arn": who, "accountId": ACCOUNT},
        "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": action,
        "awsRegion": REGION,
        "sourceIPAddress": ip,
        "userAgent": agent,
        "requestParameters": request,
        "responseElements": response,
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if error is not None:
        trail["errorCode"], trail["errorMessage"] = error
    found: dict[str, Any] = {
        "EventId": event_id,
        "EventName": action,
        "ReadOnly": "false",
        "EventTime": at,
        "EventSource": source,
        "Username": who.rsplit("/", 1)[-1],
        "CloudTrailEvent": document if document is not None else json.dumps(trail),
    }
    if resource is not None:
        found["Resources"] = [
            {"ResourceType": "AWS::Scheduler::Schedule", "ResourceName": resource}
        ]
    return found


def schedule_request(
    group: str | None, name: str, expression: str = "cron(0 9 * * ? *)", **members: Any
) -> dict[str, Any]:
    """A Create/UpdateSchedule's requestParameters, with the API's member names."""
    request: dict[str, Any] = {
        "Name": name,
        "ScheduleExpression": expression,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {
            "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:report",
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/scheduler",
            "Input": "HIDDEN_DUE_TO_SECURITY_REASONS",
        },
        "State": "ENABLED",
        "ClientToken": f"token-{expression}",
        **members,
    }
    if group is not None:
        request["GroupName"] = group
    return request


def page(*events: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"Events": list(events)}
    if token is not None:
        answer["NextToken"] = token
    return answer
