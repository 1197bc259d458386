"""Fixtures for the repository layer: clients on the moto server, and fast seeding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from moto.backends import get_backend

from schedtui.aws.audit import AuditLog
from schedtui.aws.mutations import Mutations
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/scheduler-invoke"
LAMBDA = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nightly-report"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:scheduler-dlq"


@pytest.fixture
def settings(moto_endpoint: str) -> AwsSettings:
    return AwsSettings(region=REGION, endpoint_url=moto_endpoint, max_attempts=3)


@pytest.fixture
def clients(settings: AwsSettings) -> AwsClients:
    return AwsClients(settings)


@pytest.fixture
def repo(clients: AwsClients) -> SchedulerRepository:
    return SchedulerRepository(clients)


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


@pytest.fixture
def mutations(repo: SchedulerRepository, audit: AuditLog) -> Mutations:
    return Mutations(repo, audit)


def scheduler_backend(account: str = ACCOUNT) -> Any:
    """moto's in-process store behind the server: seeding here costs no API calls."""
    return get_backend("scheduler")[account][REGION]


def seed(
    count: int,
    group: str = "default",
    *,
    prefix: str = "job",
    state: str = "ENABLED",
    account: str = ACCOUNT,
) -> None:
    backend = scheduler_backend(account)
    if group not in backend.schedule_groups:
        backend.create_schedule_group(name=group, tags=[])
    for index in range(count):
        backend.create_schedule(
            description="",
            end_date=None,
            flexible_time_window={"Mode": "OFF"},
            group_name=group,
            kms_key_arn=None,
            name=f"{prefix}-{index:05d}",
            schedule_expression="rate(1 hour)",
            schedule_expression_timezone=None,
            start_date=None,
            state=state,
            target={"Arn": LAMBDA, "RoleArn": ROLE},
            action_after_completion=None,
        )


def full_schedule(
    name: str = "nightly-report", group: str = "default", **members: Any
) -> dict[str, Any]:
    """A CreateSchedule request using most optional members (a realistic, careful schedule)."""
    request: dict[str, Any] = {
        "Name": name,
        "GroupName": group,
        "ScheduleExpression": "cron(0 2 * * ? *)",
        "ScheduleExpressionTimezone": "Europe/Madrid",
        "Description": "Nightly report for finance",
        "State": "ENABLED",
        "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 30},
        "ActionAfterCompletion": "NONE",
        "KmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/scheduler",
        "Target": {
            "Arn": LAMBDA,
            "RoleArn": ROLE,
            "Input": '{"report": "nightly", "at": "<aws.scheduler.scheduled-time>"}',
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": DLQ},
        },
    }
    request.update(members)
    return request
