"""Benchmark: the doctor's AWS reads for 10,000 schedules in moto over HTTP, at the limits.

Run on demand: `python -m pytest tests/bench/test_bench_doctor_fleet.py -s`. The fleet
shares 40 roles (2 inline policies each, 10 managed policies between them) and 300 targets
(Lambda functions, SQS queues, SNS topics), 20 DLQs and 10 KMS keys, the shape the README's
rate-limit arithmetic assumes. ``DoctorRepository.diagnose`` runs with its real limiters
(IAM 5 requests a second, the others 10): printed are the calls per service (distinct
resources, not schedules, drive them), the wall time, the floor the limiters set (the
slowest service's calls over its rate), and a second run's calls (the cache: none).
"""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import boto3

from schedtui.aws.doctor_repo import IAM_PER_SECOND, OTHER_PER_SECOND, DoctorRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.schedules.schedule import Schedule
from tests.aws.test_doctor_repo import SCHEDULER_TRUST as TRUST
from tests.bench.scale import sized

SCHEDULES = sized(10_000, 200)
ROLES = sized(40, 4)
MANAGED = sized(10, 2)
FUNCTIONS = sized(100, 3)
QUEUES = sized(100, 3)
TOPICS = sized(100, 3)
DLQS = sized(20, 2)
KEYS = sized(10, 2)
ACCOUNT = "123456789012"
REGION = "us-east-1"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _allow(action: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
        }
    )


def _account(client: Any) -> tuple[list[str], list[str], list[str], list[str]]:
    """Roles, targets, DLQs and keys made through moto's API."""
    iam = client("iam")
    managed = [
        iam.create_policy(PolicyName=f"m{i}", PolicyDocument=_allow(f"sns:Publish{i}"))["Policy"][
            "Arn"
        ]
        for i in range(MANAGED)
    ]
    roles = []
    for i in range(ROLES):
        name = f"scheduler-{i}"
        roles.append(
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"][
                "Arn"
            ]
        )
        iam.put_role_policy(RoleName=name, PolicyName="invoke", PolicyDocument=_allow("lambda:*"))
        iam.put_role_policy(RoleName=name, PolicyName="send", PolicyDocument=_allow("sqs:*"))
        for arn in (managed[i % MANAGED], managed[(i + 1) % MANAGED]):
            iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    iam.create_role(RoleName="fn", AssumeRolePolicyDocument="{}")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("handler.py", "def handler(event, context): return 1\n")
    functions = client("lambda")
    targets = []
    for i in range(FUNCTIONS):
        targets.append(
            functions.create_function(
                FunctionName=f"f{i}",
                Runtime="python3.12",
                Role=f"arn:aws:iam::{ACCOUNT}:role/fn",
                Handler="handler.handler",
                Code={"ZipFile": archive.getvalue()},
            )["FunctionArn"]
        )
    sqs = client("sqs")
    for i in range(QUEUES):
        sqs.create_queue(QueueName=f"q{i}")
        targets.append(f"arn:aws:sqs:{REGION}:{ACCOUNT}:q{i}")
    sns = client("sns")
    targets += [sns.create_topic(Name=f"t{i}")["TopicArn"] for i in range(TOPICS)]
    dlqs = []
    for i in range(DLQS):
        sqs.create_queue(QueueName=f"dlq{i}")
        dlqs.append(f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq{i}")
    kms = client("kms")
    keys = [kms.create_key()["KeyMetadata"]["Arn"] for _ in range(KEYS)]
    return roles, targets, dlqs, keys


def _fleet(
    roles: list[str], targets: list[str], dlqs: list[str], keys: list[str]
) -> list[Schedule]:
    return [
        Schedule.from_api(
            {
                "Name": f"job-{i:05d}",
                "GroupName": f"g{i % 20}",
                "ScheduleExpression": "cron(0 2 * * ? *)",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "KmsKeyArn": keys[i % len(keys)],
                "Target": {
                    "Arn": targets[i % len(targets)],
                    "RoleArn": roles[i % len(roles)],
                    "DeadLetterConfig": {"Arn": dlqs[i % len(dlqs)]},
                    "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
                },
            }
        )
        for i in range(SCHEDULES)
    ]


def test_doctor_over_a_fleet_at_the_rate_limits(moto_endpoint: str) -> None:
    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=moto_endpoint)

    fleet = _fleet(*_account(client))
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=moto_endpoint, read_only=True))
    per_service: Counter[str] = Counter()
    for name in ("iam", "lambda_", "sqs", "sns", "kms", "sts"):
        getattr(clients, name).meta.events.register(
            "before-call",
            lambda model, **_: per_service.update([model.service_model.service_name]),
        )
    doctor = DoctorRepository(clients)
    started = time.perf_counter()
    report = doctor.diagnose(fleet, NOW)
    seconds = time.perf_counter() - started
    assert len(report.diagnoses) == SCHEDULES
    assert report.calls == sum(per_service.values())
    floor = max(
        calls / (IAM_PER_SECOND if service == "iam" else OTHER_PER_SECOND)
        for service, calls in per_service.items()
    )
    first = dict(sorted(per_service.items()))
    per_service.clear()
    again = doctor.diagnose(fleet, NOW)
    print(
        f"\ndoctor over {SCHEDULES:,} schedules in moto over HTTP ({ROLES} roles, "
        f"{len({s.target.arn for s in fleet})} targets, {DLQS} DLQs, {KEYS} keys):\n"
        f"  AWS read calls: {report.calls:,} ({first})\n"
        f"  wall time with the limiters: {seconds:.1f} s "
        f"(floor set by the slowest service: {floor:.1f} s)\n"
        f"  second run, cache warm: {again.calls} calls"
    )
    assert again.calls == sum(per_service.values()) == 0
