"""The resources behind the demo's schedules exist in moto, read back over HTTP as the doctor
reads them; the problems of planted.py are there exactly as planted, and nothing else is
broken.

One ``EmbeddedDemo`` (no simulator: the resources do not depend on it) with a fixed clock
serves the module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from schedtui.aws.doctor_repo import DoctorRepository
from schedtui.aws.session import AwsClients
from schedtui.core.expressions.runs import next_runs
from schedtui.core.health.doctor import needs
from schedtui.core.health.policy import Decision, evaluate_role, scheduler_trust
from schedtui.core.schedules.arns import (
    TargetKind,
    parse_arn,
    parse_sqs_queue_arn,
    target_kind,
    target_resource_name,
)
from schedtui.core.schedules.schedule import Schedule
from schedtui.demo import planted
from schedtui.demo.embedded import EmbeddedDemo
from schedtui.demo.seed import DEFAULT_DEMO_SIZE, FAKE_CREDENTIALS

NOW = datetime(2026, 3, 9, 10, 17, 40, tzinfo=UTC)
ACCOUNT = "123456789012"


@dataclass
class Demo:
    settings: Any
    schedules: dict[tuple[str, str], dict[str, Any]]  # GetSchedule answers by (group, name)

    def client(self, service: str, region: str | None = None) -> Any:
        return boto3.session.Session(
            aws_access_key_id=FAKE_CREDENTIALS["aws_access_key_id"],
            aws_secret_access_key=FAKE_CREDENTIALS["aws_secret_access_key"],
            region_name=region or self.settings.region,
        ).client(service, endpoint_url=self.settings.endpoint_url)

    def healthy(self) -> list[dict[str, Any]]:
        """The schedules outside the doctor's group, plus its colliding (healthy) ones."""
        return [
            schedule
            for (group, name), schedule in self.schedules.items()
            if group != planted.DOCTOR_GROUP or name in planted.COLLIDING
        ]


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    embedded = EmbeddedDemo(now=NOW)
    try:
        settings = embedded.start()
        partial = Demo(settings, {})
        scheduler = partial.client("scheduler")
        for page in scheduler.get_paginator("list_schedules").paginate():
            for summary in page["Schedules"]:
                group, name = summary["GroupName"], summary["Name"]
                partial.schedules[(group, name)] = scheduler.get_schedule(
                    GroupName=group, Name=name
                )
        yield partial
    finally:
        embedded.stop()


def _error_code(call: Any, **kwargs: Any) -> str | None:
    try:
        call(**kwargs)
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return None


def _role_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _trusts_scheduler(document: dict[str, Any]) -> tuple[bool, bool]:
    """(a statement lets scheduler.amazonaws.com assume the role, and one with the
    aws:SourceAccount condition)."""
    allowed = conditioned = False
    for statement in document["Statement"]:
        services = statement.get("Principal", {}).get("Service", [])
        services = [services] if isinstance(services, str) else services
        if statement["Effect"] == "Allow" and "scheduler.amazonaws.com" in services:
            allowed = True
            condition = statement.get("Condition", {}).get("StringEquals", {})
            conditioned |= condition.get("aws:SourceAccount") == ACCOUNT
    return allowed, conditioned


def _trust(demo: Demo, role: str) -> dict[str, Any]:
    document = demo.client("iam").get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    # botocore decodes the URL-encoded JSON IAM returns into a dict already.
    return document if isinstance(document, dict) else json.loads(document)


def test_the_demo_holds_every_planted_schedule_and_the_colliding_ones(demo: Demo) -> None:
    group = {name for (g, name) in demo.schedules if g == planted.DOCTOR_GROUP}
    assert group == set(planted.PLANTED) | set(planted.COLLIDING)
    assert len(demo.schedules) == DEFAULT_DEMO_SIZE


def test_every_role_exists_and_trusts_scheduler_with_the_source_account(demo: Demo) -> None:
    roles = {_role_name(s["Target"]["RoleArn"]) for s in demo.healthy()}
    assert len(roles) >= 10
    for role in sorted(roles):
        assert _trusts_scheduler(_trust(demo, role)) == (True, True), role


def test_healthy_roles_allow_everything_their_schedules_need(demo: Demo) -> None:
    """As the doctor judges them: its fact gathering over HTTP, its needs, its evaluation."""
    repository = DoctorRepository(AwsClients(demo.settings))
    checked: set[str] = set()
    for response in demo.healthy():
        schedule = Schedule.from_api(response)
        facts = repository.facts(schedule)
        trust = scheduler_trust(facts.role)
        assert (trust.decision, trust.conditioned) == (Decision.ALLOWED, True), schedule.name
        for need in needs(schedule, facts):
            verdict = evaluate_role(facts.role, need.action, need.resource)
            assert verdict.decision is Decision.ALLOWED, (schedule.name, need, verdict.why)
            checked.add(need.action)
    # Every kind of target, universal ones, DLQs, keys and the ECS task's role were judged.
    assert {
        "lambda:InvokeFunction",
        "states:StartExecution",
        "ecs:RunTask",
        "iam:PassRole",
        "sns:Publish",
        "events:PutEvents",
        "sqs:SendMessage",
        "kms:Decrypt",
        "redshift-data:ExecuteStatement",
    } <= checked


def test_every_role_has_an_inline_and_an_attached_policy(demo: Demo) -> None:
    iam = demo.client("iam")
    for role in sorted({_role_name(s["Target"]["RoleArn"]) for s in demo.healthy()}):
        assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["invoke-targets"], role
        attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        assert [policy["PolicyName"] for policy in attached] == [f"{role}-delivery"], role


def _target_error(demo: Demo, target: dict[str, Any]) -> str | None:
    """The error code reading the target gives (None: it exists); "unchecked" for the kinds
    the doctor does not check (the demo does not create them)."""
    arn = target["Arn"]
    parsed = parse_arn(arn)
    kind = target_kind(arn)
    name = target_resource_name(arn)
    region = parsed.region if parsed is not None else None
    if kind is TargetKind.LAMBDA:
        return _error_code(demo.client("lambda", region).get_function, FunctionName=name)
    if kind is TargetKind.STEP_FUNCTIONS:
        return _error_code(demo.client("stepfunctions").describe_state_machine, stateMachineArn=arn)
    if kind is TargetKind.SQS:
        return _error_code(demo.client("sqs").get_queue_url, QueueName=name)
    if kind is TargetKind.SNS:
        return _error_code(demo.client("sns").get_topic_attributes, TopicArn=arn)
    if kind is TargetKind.EVENTBRIDGE:
        return _error_code(demo.client("events").describe_event_bus, Name=name)
    if kind is TargetKind.ECS:
        ecs = demo.client("ecs")
        clusters = ecs.describe_clusters(clusters=[arn])
        if clusters["failures"]:
            return str(clusters["failures"][0]["reason"])
        definition = target["EcsParameters"]["TaskDefinitionArn"]
        return _error_code(ecs.describe_task_definition, taskDefinition=definition)
    return "unchecked"


def test_every_target_of_the_checked_kinds_exists(demo: Demo) -> None:
    checked: set[TargetKind] = set()
    seen: set[str] = set()
    for schedule in demo.healthy() + [
        demo.schedules[(planted.DOCTOR_GROUP, name)] for name in planted.PLANTED
    ]:
        target = schedule["Target"]
        key = json.dumps(target, sort_keys=True, default=str)
        if key in seen or target_resource_name(target["Arn"]) in planted.ABSENT:
            continue
        seen.add(key)
        error = _target_error(demo, target)
        if error != "unchecked":
            assert error is None, (schedule["Name"], target["Arn"], error)
            checked.add(target_kind(target["Arn"]))
    assert checked == {
        TargetKind.LAMBDA,
        TargetKind.STEP_FUNCTIONS,
        TargetKind.SQS,
        TargetKind.SNS,
        TargetKind.EVENTBRIDGE,
        TargetKind.ECS,
    }


def test_every_dlq_exists_standard_and_keeps_events_as_long_as_they_live(demo: Demo) -> None:
    sqs = demo.client("sqs")
    dlqs = {s["Target"].get("DeadLetterConfig", {}).get("Arn", "") for s in demo.healthy()} - {""}
    assert len(dlqs) >= 8
    for arn in sorted(dlqs):
        queue = parse_sqs_queue_arn(arn)
        assert queue is not None
        url = sqs.get_queue_url(QueueName=queue.name, QueueOwnerAWSAccountId=queue.account)
        attributes = sqs.get_queue_attributes(QueueUrl=url["QueueUrl"], AttributeNames=["All"])
        retention = int(attributes["Attributes"]["MessageRetentionPeriod"])
        assert retention >= 86_400, arn  # the longest MaximumEventAgeInSeconds
        if queue.name.endswith(".fifo"):  # the curated FIFO DLQ (a finding of its own)
            assert attributes["Attributes"]["FifoQueue"] == "true"


def test_every_kms_key_exists_and_is_enabled(demo: Demo) -> None:
    keys = {s["KmsKeyArn"] for s in demo.healthy() if s.get("KmsKeyArn")}
    assert keys
    for arn in keys:
        metadata = demo.client("kms").describe_key(KeyId=arn)["KeyMetadata"]
        assert (metadata["Arn"], metadata["KeyState"]) == (arn, "Enabled")
        assert metadata["KeySpec"] == "SYMMETRIC_DEFAULT"


def test_ecs_task_definitions_name_an_execution_role_that_exists(demo: Demo) -> None:
    ecs, iam = demo.client("ecs"), demo.client("iam")
    definitions = {
        s["Target"]["EcsParameters"]["TaskDefinitionArn"]
        for s in demo.healthy()
        if "EcsParameters" in s["Target"]
    }
    assert len(definitions) >= 3
    for arn in definitions:
        role = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"][
            "executionRoleArn"
        ]
        assert iam.get_role(RoleName=_role_name(role))["Role"]["Arn"] == role


# The planted problems, one by one, as the doctor will find them.


def _planted(demo: Demo, name: str) -> dict[str, Any]:
    return demo.schedules[(planted.DOCTOR_GROUP, name)]


def test_planted_roles_are_broken_as_named(demo: Demo) -> None:
    iam = demo.client("iam")

    def role_of(name: str) -> str:
        return _role_name(_planted(demo, name)["Target"]["RoleArn"])

    assert _trusts_scheduler(_trust(demo, role_of("role-without-scheduler-trust")))[0] is False
    assert _trusts_scheduler(_trust(demo, role_of("trust-without-source-condition"))) == (
        True,
        False,
    )
    missing = role_of("role-does-not-exist")
    assert _error_code(iam.get_role, RoleName=missing) == "NoSuchEntity"

    def actions(role: str) -> set[str]:
        found = set()
        for policy in iam.list_role_policies(RoleName=role)["PolicyNames"]:
            document = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
            found |= {statement["Action"] for statement in document["Statement"]}
        for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
            policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
            version = iam.get_policy_version(
                PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"]
            )
            document = version["PolicyVersion"]["Document"]
            found |= {statement["Action"] for statement in document["Statement"]}
        return found

    assert actions(role_of("role-missing-target-permission")) == {"sqs:SendMessage"}
    assert actions(role_of("role-cannot-send-to-dlq")) == {"lambda:InvokeFunction"}
    assert actions(role_of("role-cannot-decrypt")) == {"lambda:InvokeFunction", "sqs:SendMessage"}
    assert actions(role_of("trust-without-source-condition")) == {
        "lambda:InvokeFunction",
        "sqs:SendMessage",
    }
    conditioned = iam.get_role_policy(
        RoleName=role_of("role-permission-uncertain"), PolicyName="invoke-targets"
    )["PolicyDocument"]["Statement"]
    assert [statement.get("Condition") for statement in conditioned] == [
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    ]


def test_planted_targets_queues_and_keys_are_broken_as_named(demo: Demo) -> None:
    deleted = _planted(demo, "target-function-deleted")["Target"]
    assert _target_error(demo, deleted) == "ResourceNotFoundException"
    elsewhere = _planted(demo, "target-in-another-region")["Target"]["Arn"]
    assert ":eu-west-1:" in elsewhere
    assert _target_error(demo, {"Arn": elsewhere}) is None

    sqs = demo.client("sqs")

    def queue(name: str) -> str:
        return str(_planted(demo, name)["Target"]["DeadLetterConfig"]["Arn"].rsplit(":", 1)[1])

    assert _error_code(sqs.get_queue_url, QueueName=queue("dlq-deleted")) == (
        "AWS.SimpleQueueService.NonExistentQueue"
    )
    fifo = sqs.get_queue_url(QueueName=queue("dlq-is-fifo"))["QueueUrl"]
    assert sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["FifoQueue"])["Attributes"] == {
        "FifoQueue": "true"
    }
    short = _planted(demo, "dlq-retention-shorter-than-event-age")
    url = sqs.get_queue_url(QueueName=queue("dlq-retention-shorter-than-event-age"))["QueueUrl"]
    retention = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["MessageRetentionPeriod"])
    kept = int(retention["Attributes"]["MessageRetentionPeriod"])
    assert kept < short["Target"]["RetryPolicy"]["MaximumEventAgeInSeconds"]

    kms = demo.client("kms")
    disabled = kms.describe_key(KeyId=_planted(demo, "kms-key-disabled")["KmsKeyArn"])
    assert disabled["KeyMetadata"]["KeyState"] == "Disabled"
    gone = _planted(demo, "kms-key-deleted")["KmsKeyArn"]
    assert _error_code(kms.describe_key, KeyId=gone) == "NotFoundException"


def test_planted_schedule_problems_are_relative_to_the_demos_now(demo: Demo) -> None:
    expired = _planted(demo, "expired-end-date-passed")
    assert expired["State"] == "ENABLED"
    assert expired["EndDate"] < NOW
    completed = _planted(demo, "completed-at-kept-forever")
    at = datetime.fromisoformat(completed["ScheduleExpression"][3:-1]).replace(tzinfo=UTC)
    assert at < NOW
    assert completed["ActionAfterCompletion"] == "NONE"
    disabled = _planted(demo, "disabled-for-over-a-year")
    assert disabled["State"] == "DISABLED"
    assert disabled["LastModificationDate"] <= NOW - timedelta(days=365)
    window = _planted(demo, "window-wider-than-period")
    runs = next_runs(window["ScheduleExpression"], after=NOW, count=2)
    period_minutes = (runs[1].at - runs[0].at).total_seconds() / 60
    assert window["FlexibleTimeWindow"]["MaximumWindowInMinutes"] > period_minutes
    vanish = _planted(demo, "no-retries-no-dlq")["Target"]
    assert vanish["RetryPolicy"]["MaximumRetryAttempts"] == 0
    assert "DeadLetterConfig" not in vanish


def test_the_colliding_schedules_share_a_target_and_a_minute(demo: Demo) -> None:
    colliding = [_planted(demo, name) for name in planted.COLLIDING]
    assert len({s["Target"]["Arn"] for s in colliding}) == 1
    firsts = {
        next_runs(s["ScheduleExpression"], s.get("ScheduleExpressionTimezone"), after=NOW)[0].at
        for s in colliding
    }
    assert len(firsts) == 1
    # No other planted schedule fires in that minute on that target (the collision is theirs).
    (minute,) = firsts
    others = [
        s
        for name, s in ((n, _planted(demo, n)) for n in planted.PLANTED)
        if s["State"] == "ENABLED"
        and not s["ScheduleExpression"].startswith("at(")
        and s.get("EndDate") is None
        and s["Target"]["Arn"] == colliding[0]["Target"]["Arn"]
        and any(
            run.at == minute
            for run in next_runs(
                s["ScheduleExpression"], after=NOW - timedelta(minutes=1), count=300
            )
        )
    ]
    assert others == [], [s["Name"] for s in others]
