"""DoctorRepository against the moto server over HTTP: the facts it gathers for each broken
resource, the cache, the rate limits and the faults.

The repository's clients are read-only (``AwsSettings(read_only=True)``) and every request
on the wire is recorded: the doctor sends read operations only. Resources are made through
moto's API by separate, writable clients. What moto cannot produce is answered on the wire
by a ``before-send`` handler (``tests/aws/wire.py``), so botocore parses it as it would
AWS's answer: access denied, throttling, and IAM's Marker paging (moto 5 answers every
listing in one page). moto implements every API the doctor calls, so no Stubber is needed;
SageMaker's DescribePipeline is answered on the wire from moto's pipelines, as AWS answers it
(moto takes no ARN there, and says ValidationException where AWS says ResourceNotFound).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest

from schedtui.aws.doctor_repo import DoctorRepository, _batches, policy_document
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.health import doctor as doctor_rules
from schedtui.core.health.doctor import DoctorReport
from schedtui.core.health.findings import FindingKind
from schedtui.core.health.resources import Presence, Resource, ScheduleFacts
from schedtui.core.schedules.schedule import Schedule
from schedtui.demo.resources import scheduler_trust
from tests.aws.conftest import ACCOUNT, REGION
from tests.aws.wire import (
    intercept,
    json_answer,
    json_error,
    query_error,
    query_page,
    request_json,
)
from tests.conftest import Seeding, closed_port

READS = ("Get", "List", "Describe", "BatchGet")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ROLE_NAME = "scheduler-invoke"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/{ROLE_NAME}"
FUNCTION = "nightly-report"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}"
MACHINE_ARN = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:etl"
CLUSTER_ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/batch"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:alerts"
BUS_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:work"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:scheduler-dlq"
TASK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/export-task"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/export-execution"
STREAM_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/clicks"
DELIVERY_ARN = f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/usage"
PIPELINE_ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/retrain"
PROJECT_ARN = f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/nightly-build"
CODE_PIPELINE_ARN = f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:deploy"

# The demo's: Scheduler may assume the role, from this account only.
SCHEDULER_TRUST: dict[str, Any] = scheduler_trust()
LAMBDA_TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def allow(*pairs: tuple[str, str]) -> dict[str, Any]:
    """An identity policy allowing each (action, resource)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": action, "Resource": resource}
            for action, resource in pairs
        ],
    }


class Account:
    """Makes resources in moto through writable clients (never the repository's)."""

    def __init__(self, seeding: Seeding) -> None:
        self.client = seeding

    def role(
        self,
        name: str = ROLE_NAME,
        policy: dict[str, Any] | None = None,
        trust: dict[str, Any] = SCHEDULER_TRUST,
        managed: tuple[str, ...] = (),
    ) -> str:
        iam = self.client("iam")
        arn: str = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]["Arn"]
        if policy is not None:
            iam.put_role_policy(
                RoleName=name, PolicyName="invoke", PolicyDocument=json.dumps(policy)
            )
        for policy_arn in managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        return arn

    def managed_policy(self, name: str, document: dict[str, Any]) -> str:
        arn: str = self.client("iam").create_policy(
            PolicyName=name, PolicyDocument=json.dumps(document)
        )["Policy"]["Arn"]
        return arn

    def function(self, name: str = FUNCTION, alias: str | None = None) -> None:
        iam = self.client("iam")
        iam.create_role(RoleName=f"{name}-fn", AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST))
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr("handler.py", "def handler(event, context): return 1\n")
        functions = self.client("lambda")
        functions.create_function(
            FunctionName=name,
            Runtime="python3.12",
            Role=f"arn:aws:iam::{ACCOUNT}:role/{name}-fn",
            Handler="handler.handler",
            Code={"ZipFile": archive.getvalue()},
            Publish=True,
        )
        if alias:
            functions.create_alias(FunctionName=name, Name=alias, FunctionVersion="1")

    def state_machine(self) -> None:
        self.client("stepfunctions").create_state_machine(
            name="etl",
            definition='{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}',
            roleArn=ROLE,
        )

    def cluster(self) -> str:
        ecs = self.client("ecs")
        ecs.create_cluster(clusterName="batch")
        definition: str = ecs.register_task_definition(
            family="export",
            containerDefinitions=[{"name": "app", "image": "app:1", "memory": 128}],
            taskRoleArn=TASK_ROLE,
            executionRoleArn=EXECUTION_ROLE,
        )["taskDefinition"]["taskDefinitionArn"]
        return definition

    def queue(self, name: str, **attributes: str) -> str:
        url: str = self.client("sqs").create_queue(QueueName=name, Attributes=attributes)[
            "QueueUrl"
        ]
        return url

    def topic(self) -> None:
        self.client("sns").create_topic(Name="alerts")

    def bus(self) -> None:
        self.client("events").create_event_bus(Name="orders")

    def stream(self) -> None:
        self.client("kinesis").create_stream(StreamName="clicks", ShardCount=1)

    def delivery_stream(self) -> None:
        self.client("firehose").create_delivery_stream(
            DeliveryStreamName="usage",
            ExtendedS3DestinationConfiguration={"RoleARN": ROLE, "BucketARN": "arn:aws:s3:::lake"},
        )

    def pipeline(self) -> None:
        self.client("sagemaker").create_pipeline(
            PipelineName="retrain",
            PipelineDefinition='{"Version": "2020-12-01", "Steps": []}',
            RoleArn=ROLE,
            ClientRequestToken="retrain-pipeline-0000000000000000000001",
        )

    def project(self) -> None:
        self.client("codebuild").create_project(
            name="nightly-build",
            source={"type": "S3", "location": "builds/source.zip"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment={
                "type": "LINUX_CONTAINER",
                "image": "aws/codebuild/standard:7.0",
                "computeType": "BUILD_GENERAL1_SMALL",
            },
            serviceRole=ROLE,
        )

    def code_pipeline(self) -> None:
        trust = json.loads(json.dumps(LAMBDA_TRUST).replace("lambda", "codepipeline"))
        self.client("iam").create_role(
            RoleName="deploy-pipeline", AssumeRolePolicyDocument=json.dumps(trust)
        )
        action = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
        build = {**action, "category": "Build", "provider": "CodeBuild"}
        self.client("codepipeline").create_pipeline(
            pipeline={
                "name": "deploy",
                "roleArn": f"arn:aws:iam::{ACCOUNT}:role/deploy-pipeline",
                "artifactStore": {"type": "S3", "location": "artifacts"},
                "stages": [
                    {"name": "Source", "actions": [{"name": "s", "actionTypeId": action}]},
                    {"name": "Build", "actions": [{"name": "b", "actionTypeId": build}]},
                ],
            }
        )

    def key(self, state: str = "Enabled") -> str:
        kms = self.client("kms")
        key = kms.create_key()["KeyMetadata"]
        # moto's DisableKey and ScheduleKeyDeletion want the key id, not its ARN
        if state == "Disabled":
            kms.disable_key(KeyId=key["KeyId"])
        elif state == "PendingDeletion":
            kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
        arn: str = key["Arn"]
        return arn

    def healthy(self, trust: dict[str, Any] = SCHEDULER_TRUST) -> Schedule:
        """A careful Lambda schedule whose every resource exists and allows what it must
        (its role trusted as ``trust`` says)."""
        key = self.key()
        self.role(
            trust=trust,
            policy=allow(
                ("lambda:InvokeFunction", FUNCTION_ARN),
                ("sqs:SendMessage", DLQ_ARN),
                ("kms:Decrypt", key),
            ),
        )
        self.function()
        self.queue("scheduler-dlq", MessageRetentionPeriod="1209600")
        return schedule(FUNCTION_ARN, dlq=DLQ_ARN, key=key)


def schedule(
    target: str,
    *,
    name: str = "nightly",
    role: str = ROLE,
    dlq: str | None = None,
    key: str | None = None,
    task_definition: str | None = None,
    event_age: int = 3600,
    group: str = "reports",
) -> Schedule:
    members: dict[str, Any] = {"Arn": target, "RoleArn": role}
    members["RetryPolicy"] = {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": event_age}
    if dlq:
        members["DeadLetterConfig"] = {"Arn": dlq}
    if task_definition is not None:
        members["EcsParameters"] = {"TaskDefinitionArn": task_definition}
    document: dict[str, Any] = {
        "Name": name,
        "GroupName": group,
        "Arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{group}/{name}",
        "ScheduleExpression": "cron(0 2 * * ? *)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": members,
    }
    if key:
        document["KmsKeyArn"] = key
    # As a read of AWS: the model's own rules (a FIFO DLQ...) do not stop what AWS holds.
    return Schedule.from_api(document)


@pytest.fixture
def account(seeding: Seeding) -> Account:
    return Account(seeding)


@pytest.fixture
def clients(moto_endpoint: str, seeding: Seeding) -> AwsClients:
    made = AwsClients(
        AwsSettings(region=REGION, endpoint_url=moto_endpoint, read_only=True, max_attempts=1)
    )
    intercept(made.sagemaker, "DescribePipeline", lambda request: describe_pipeline(
        seeding("sagemaker"), request_json(request)["PipelineName"]))  # fmt: skip
    return made


def describe_pipeline(sagemaker: Any, arn: str) -> Any:
    """DescribePipeline by ARN as AWS answers it, from moto's pipelines (by name there)."""
    name = arn.rsplit("/", 1)[-1]
    if name not in {p["PipelineName"] for p in sagemaker.list_pipelines()["PipelineSummaries"]}:
        return json_error("ResourceNotFound", "ResourceNotFound", f"Pipeline '{arn}' not found")
    found = sagemaker.describe_pipeline(PipelineName=name)
    return json_answer({key: found[key] for key in ("PipelineArn", "PipelineStatus")})


SERVICES = (
    "iam", "lambda_", "stepfunctions", "ecs", "sqs", "sns", "events", "kms", "sts", "kinesis",
    "firehose", "sagemaker", "codebuild", "codepipeline",
)  # fmt: skip


@pytest.fixture
def operations(clients: AwsClients) -> list[str]:
    """Every operation the repository's clients send, in order."""
    sent: list[str] = []
    for service in SERVICES:
        client = getattr(clients, service)
        client.meta.events.register("before-call", lambda model, **_: sent.append(model.name))
    return sent


def only_reads(operations: list[str]) -> None:
    assert operations
    assert all(name.startswith(READS) for name in operations), operations


@pytest.fixture
def doctor(clients: AwsClients) -> DoctorRepository:
    return DoctorRepository(clients, sleep=lambda _: None)


def test_a_healthy_schedule_is_all_there_with_its_policies(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    facts = doctor.facts(account.healthy())
    assert facts.role.presence is Presence.EXISTS
    assert facts.role.complete
    assert facts.role.trust == SCHEDULER_TRUST
    assert [policy.source for policy in facts.role.policies] == ["inline invoke"]
    assert facts.role.policies[0].document["Statement"][0]["Action"] == "lambda:InvokeFunction"
    assert facts.target is not None
    assert facts.target.presence is Presence.EXISTS
    assert facts.dlq is not None
    assert facts.dlq.presence is Presence.EXISTS
    assert facts.dlq.attributes == {"FifoQueue": "false", "MessageRetentionPeriod": "1209600"}
    assert facts.key is not None
    assert facts.key.attributes == {"KeyState": "Enabled"}
    assert facts.task_definition is None
    assert facts.notes == ()
    only_reads(operations)
    assert doctor.calls == len(operations)


def test_a_role_that_does_not_exist_is_missing(account: Account, doctor: DoctorRepository) -> None:
    account.function()
    facts = doctor.facts(schedule(FUNCTION_ARN))
    assert facts.role.presence is Presence.MISSING
    assert "not found" in facts.role.why


def test_managed_policies_are_read_and_shared_between_roles(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    shared = account.managed_policy("invoke-all", allow(("lambda:InvokeFunction", "*")))
    account.role("first", managed=(shared,))
    account.role("second", managed=(shared,))
    account.function()
    for role in ("first", "second"):
        facts = doctor.facts(schedule(FUNCTION_ARN, role=f"arn:aws:iam::{ACCOUNT}:role/{role}"))
        assert [policy.source for policy in facts.role.policies] == [shared], facts.role.why
        assert facts.role.policies[0].document["Statement"][0]["Resource"] == "*"
    assert operations.count("GetPolicy") == 1
    assert operations.count("GetPolicyVersion") == 1
    assert operations.count("GetRole") == 2


def test_policy_documents_url_encoded_as_iam_sends_them_are_decoded() -> None:
    encoded = quote(json.dumps(SCHEDULER_TRUST))
    assert policy_document(encoded) == SCHEDULER_TRUST
    assert policy_document(json.dumps(SCHEDULER_TRUST)) == SCHEDULER_TRUST
    assert policy_document(SCHEDULER_TRUST) == SCHEDULER_TRUST
    assert policy_document("%7Bnot json") is None
    assert policy_document("[" * 100_000) is None  # nested too deep: unreadable, no crash
    assert policy_document('["a list"]') is None


def test_a_trust_policy_without_scheduler_is_gathered_as_it_is(
    account: Account, doctor: DoctorRepository
) -> None:
    account.role(trust=LAMBDA_TRUST, policy=allow(("lambda:InvokeFunction", FUNCTION_ARN)))
    facts = doctor.facts(schedule(FUNCTION_ARN))
    assert facts.role.trust == LAMBDA_TRUST


def _delete_function(account: Account) -> str:
    account.function()
    account.client("lambda").delete_function(FunctionName=FUNCTION)
    return FUNCTION_ARN


def _delete_machine(account: Account) -> str:
    account.state_machine()
    account.client("stepfunctions").delete_state_machine(stateMachineArn=MACHINE_ARN)
    return MACHINE_ARN


def _delete_queue(account: Account) -> str:
    account.client("sqs").delete_queue(QueueUrl=account.queue("work"))
    return QUEUE_ARN


def _delete_topic(account: Account) -> str:
    account.topic()
    account.client("sns").delete_topic(TopicArn=TOPIC_ARN)
    return TOPIC_ARN


def _delete_bus(account: Account) -> str:
    account.bus()
    account.client("events").delete_event_bus(Name="orders")
    return BUS_ARN


def _delete_cluster(account: Account) -> str:
    account.cluster()
    account.client("ecs").delete_cluster(cluster="batch")
    return CLUSTER_ARN


def _delete_stream(account: Account) -> str:
    account.stream()
    account.client("kinesis").delete_stream(StreamName="clicks")
    return STREAM_ARN


def _delete_delivery_stream(account: Account) -> str:
    account.delivery_stream()
    account.client("firehose").delete_delivery_stream(DeliveryStreamName="usage")
    return DELIVERY_ARN


def _delete_pipeline(account: Account) -> str:
    account.pipeline()
    account.client("sagemaker").delete_pipeline(
        PipelineName="retrain", ClientRequestToken="retrain-pipeline-0000000000000000000002"
    )
    return PIPELINE_ARN


def _delete_project(account: Account) -> str:
    account.project()
    account.client("codebuild").delete_project(name="nightly-build")
    return PROJECT_ARN


def _delete_code_pipeline(account: Account) -> str:
    account.code_pipeline()
    account.client("codepipeline").delete_pipeline(name="deploy")
    return CODE_PIPELINE_ARN


DELETES = [
    _delete_function, _delete_machine, _delete_queue, _delete_topic, _delete_bus, _delete_cluster,
    _delete_stream, _delete_delivery_stream, _delete_pipeline, _delete_project,
    _delete_code_pipeline,
]  # fmt: skip
KINDS = [
    "lambda", "states", "sqs", "sns", "events", "ecs", "kinesis", "firehose", "sagemaker",
    "codebuild", "codepipeline",
]  # fmt: skip


@pytest.mark.parametrize("delete", DELETES, ids=KINDS)
def test_a_deleted_target_is_missing(
    account: Account,
    doctor: DoctorRepository,
    operations: list[str],
    delete: Callable[[Account], str],
) -> None:
    account.role()
    arn = delete(account)
    facts = doctor.facts(schedule(arn))
    assert facts.target is not None
    assert (facts.target.arn, facts.target.presence) == (arn, Presence.MISSING)
    only_reads(operations)


@pytest.mark.parametrize(
    "make",
    [
        lambda account: (account.function(), FUNCTION_ARN)[1],
        lambda account: (account.state_machine(), MACHINE_ARN)[1],
        lambda account: (account.queue("work"), QUEUE_ARN)[1],
        lambda account: (account.topic(), TOPIC_ARN)[1],
        lambda account: (account.bus(), BUS_ARN)[1],
        lambda account: (account.cluster(), CLUSTER_ARN)[1],
        lambda account: (account.stream(), STREAM_ARN)[1],
        lambda account: (account.delivery_stream(), DELIVERY_ARN)[1],
        lambda account: (account.pipeline(), PIPELINE_ARN)[1],
        lambda account: (account.project(), PROJECT_ARN)[1],
        lambda account: (account.code_pipeline(), CODE_PIPELINE_ARN)[1],
    ],
    ids=KINDS,
)
def test_an_existing_target_of_each_kind_exists(
    account: Account,
    doctor: DoctorRepository,
    operations: list[str],
    make: Callable[[Account], str],
) -> None:
    account.role()
    facts = doctor.facts(schedule(make(account)))
    assert facts.target is not None
    assert facts.target.presence is Presence.EXISTS, facts.target.why
    only_reads(operations)


def test_a_lambda_alias_is_looked_up_with_its_qualifier(
    account: Account, doctor: DoctorRepository
) -> None:
    account.role()
    account.function(alias="live")
    live = doctor.facts(schedule(f"{FUNCTION_ARN}:live")).target
    gone = doctor.facts(schedule(f"{FUNCTION_ARN}:canary")).target
    assert live is not None
    assert live.presence is Presence.EXISTS
    assert gone is not None
    assert gone.presence is Presence.MISSING


def test_an_ecs_target_reads_its_task_definitions_roles(
    account: Account, doctor: DoctorRepository
) -> None:
    account.role()
    definition = account.cluster()
    facts = doctor.facts(schedule(CLUSTER_ARN, task_definition=definition))
    assert facts.target is not None
    assert facts.target.presence is Presence.EXISTS
    assert facts.task_definition is not None
    assert facts.task_definition.presence is Presence.EXISTS
    assert facts.task_definition.attributes["taskRoleArn"] == TASK_ROLE
    assert facts.task_definition.attributes["executionRoleArn"] == EXECUTION_ROLE


def test_a_deregistered_or_unknown_task_definition_is_missing(
    account: Account, doctor: DoctorRepository
) -> None:
    account.role()
    definition = account.cluster()
    account.client("ecs").deregister_task_definition(taskDefinition=definition)
    inactive = doctor.facts(schedule(CLUSTER_ARN, task_definition=definition)).task_definition
    never = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/never:1"
    unknown = doctor.facts(schedule(CLUSTER_ARN, task_definition=never)).task_definition
    assert inactive is not None
    assert inactive.presence is Presence.MISSING
    assert "INACTIVE" in inactive.why
    assert unknown is not None
    assert unknown.presence is Presence.MISSING


def test_a_fifo_or_short_retention_dlq_says_so(account: Account, doctor: DoctorRepository) -> None:
    account.role()
    account.function()
    account.queue("dead.fifo", FifoQueue="true")
    account.queue("short", MessageRetentionPeriod="60")
    fifo = doctor.facts(schedule(FUNCTION_ARN, dlq=f"{DLQ_ARN[: -len('scheduler-dlq')]}dead.fifo"))
    short = doctor.facts(schedule(FUNCTION_ARN, dlq=f"{DLQ_ARN[: -len('scheduler-dlq')]}short"))
    assert fifo.dlq is not None
    assert fifo.dlq.attributes["FifoQueue"] == "true"
    assert short.dlq is not None
    assert short.dlq.attributes["MessageRetentionPeriod"] == "60"


def test_a_missing_dlq_is_missing(account: Account, doctor: DoctorRepository) -> None:
    account.role()
    account.function()
    facts = doctor.facts(schedule(FUNCTION_ARN, dlq=DLQ_ARN))
    assert facts.dlq is not None
    assert facts.dlq.presence is Presence.MISSING


@pytest.mark.parametrize("state", ["Disabled", "PendingDeletion"])
def test_a_disabled_or_doomed_key_says_its_state(
    account: Account, doctor: DoctorRepository, state: str
) -> None:
    account.role()
    account.function()
    facts = doctor.facts(schedule(FUNCTION_ARN, key=account.key(state)))
    assert facts.key is not None
    assert (facts.key.presence, facts.key.attributes) == (Presence.EXISTS, {"KeyState": state})


def test_a_deleted_key_is_missing(account: Account, doctor: DoctorRepository) -> None:
    account.role()
    account.function()
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    facts = doctor.facts(schedule(FUNCTION_ARN, key=key))
    assert facts.key is not None
    assert facts.key.presence is Presence.MISSING


def test_targets_of_kinds_it_does_not_read_get_a_note_and_no_call(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    account.role()
    template = f"arn:aws:inspector:{REGION}:{ACCOUNT}:target/0-nvgVhaxX/template/0-7sbz2Kz0"
    facts = doctor.facts(schedule(template))
    assert facts.target is None
    assert facts.notes == ("Inspector targets are not checked for existence",)
    assert not any(name.startswith("Describe") for name in operations)


def test_a_stream_being_deleted_is_gone(
    account: Account, clients: AwsClients, doctor: DoctorRepository
) -> None:
    # moto deletes at once; AWS answers DELETING for a while, when no PutRecord succeeds.
    account.role(policy=allow(("*", "*")))
    account.stream()
    summary = {"StreamName": "clicks", "StreamARN": STREAM_ARN, "StreamStatus": "DELETING"}
    intercept(
        clients.kinesis,
        "DescribeStreamSummary",
        lambda _: json_answer({"StreamDescriptionSummary": summary}),
    )
    target = doctor.facts(schedule(STREAM_ARN)).target
    assert target is not None
    assert (target.presence, target.why) == (Presence.MISSING, "the stream is DELETING")
    assert found(doctor, schedule(STREAM_ARN)) == {FindingKind.NO_DLQ, FindingKind.TARGET_MISSING}


@pytest.mark.parametrize(
    "arn",
    [arn.replace(ACCOUNT, "210987654321") for arn in (DELIVERY_ARN, CODE_PIPELINE_ARN)],
    ids=["firehose", "codepipeline"],
)
def test_a_target_looked_up_by_name_in_another_account_is_not_read_here(
    account: Account, doctor: DoctorRepository, operations: list[str], arn: str
) -> None:
    # DescribeDeliveryStream and GetPipeline take a name: this account's namesake must not
    # be taken for the other account's.
    account.role()
    account.delivery_stream()
    account.code_pipeline()
    facts = doctor.facts(schedule(arn))
    assert facts.target is not None
    assert facts.target.presence is Presence.UNKNOWN
    assert facts.target.elsewhere == "account 210987654321"
    assert not {"DescribeDeliveryStream", "GetPipeline"} & set(operations)


def test_a_target_in_another_region_is_not_read(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    account.role()
    elsewhere = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{FUNCTION}"
    facts = doctor.facts(schedule(elsewhere))
    assert facts.target is not None
    assert facts.target.presence is Presence.UNKNOWN
    assert "eu-west-1" in facts.target.why
    assert facts.target.elsewhere == "Region eu-west-1"  # the fix: look there
    assert "GetFunction" not in operations


def test_a_role_of_another_account_is_not_looked_up_here(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    account.role()  # the same name in this account must not be taken for it
    account.function()
    other = f"arn:aws:iam::210987654321:role/{ROLE_NAME}"
    facts = doctor.facts(schedule(FUNCTION_ARN, role=other))
    assert facts.role.presence is Presence.UNKNOWN
    assert "210987654321" in facts.role.why
    assert facts.role.elsewhere == "account 210987654321"
    assert "GetRole" not in operations


def test_denied_reads_are_unknown_with_why(
    account: Account, clients: AwsClients, doctor: DoctorRepository
) -> None:
    account.healthy()
    intercept(clients.iam, "GetRole", lambda _: query_error("AccessDenied", "not authorized", 403))
    intercept(
        clients.lambda_,
        "GetFunction",
        lambda _: json_error("AccessDeniedException", "AccessDenied", "no", 403),
    )
    facts = doctor.facts(account_schedule())
    assert facts.role.presence is Presence.UNKNOWN
    assert "access denied" in facts.role.why
    assert facts.target is not None
    assert facts.target.presence is Presence.UNKNOWN
    assert "access denied" in facts.target.why
    assert facts.dlq is not None
    assert facts.dlq.presence is Presence.EXISTS


def account_schedule() -> Schedule:
    return schedule(FUNCTION_ARN, dlq=DLQ_ARN)


def test_a_policy_it_cannot_read_makes_the_role_incomplete(
    account: Account, clients: AwsClients, doctor: DoctorRepository
) -> None:
    account.healthy()
    intercept(
        clients.iam, "GetRolePolicy", lambda _: query_error("AccessDenied", "not authorized", 403)
    )
    role = doctor.facts(account_schedule()).role
    assert role.presence is Presence.EXISTS
    assert not role.complete
    assert "inline invoke" in role.why
    assert "access denied" in role.why


def test_throttled_after_retries_is_unknown(
    account: Account, clients: AwsClients, doctor: DoctorRepository
) -> None:
    account.healthy()
    intercept(
        clients.sqs,
        "GetQueueUrl",
        lambda _: json_error("ThrottlingException", "Throttling", "slow down", 400),
    )
    facts = doctor.facts(account_schedule())
    assert facts.dlq is not None
    assert facts.dlq.presence is Presence.UNKNOWN
    assert "throttled" in facts.dlq.why


def test_an_endpoint_that_is_down_is_unknown_never_raised() -> None:
    clients = AwsClients(
        AwsSettings(
            region=REGION,
            endpoint_url=f"http://127.0.0.1:{closed_port()}",
            max_attempts=1,
            connect_timeout=1,
        )
    )
    facts = DoctorRepository(clients, sleep=lambda _: None).facts(
        schedule(FUNCTION_ARN, dlq=DLQ_ARN)
    )
    assert facts.role.presence is Presence.UNKNOWN
    assert "unreachable" in facts.role.why
    assert facts.target is not None
    assert facts.target.presence is Presence.UNKNOWN
    assert facts.dlq is not None
    assert facts.dlq.presence is Presence.UNKNOWN


def test_each_resource_is_read_once_for_a_hundred_schedules(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    account.healthy()
    fleet = [account_schedule_named(f"job-{index:03d}") for index in range(100)]
    with ThreadPoolExecutor(8) as pool:
        gathered: list[ScheduleFacts] = list(pool.map(doctor.facts, fleet))
    assert all(facts.role.presence is Presence.EXISTS for facts in gathered)
    assert sorted(operations) == sorted(
        [
            "GetCallerIdentity",
            "GetRole",
            "ListRolePolicies",
            "GetRolePolicy",
            "ListAttachedRolePolicies",
            "GetFunction",
            "GetQueueUrl",
            "GetQueueAttributes",
        ]
    )
    assert doctor.calls == len(operations)
    doctor.forget()
    doctor.facts(fleet[0])
    assert operations.count("GetRole") == 2  # a fresh look reads again


def account_schedule_named(name: str) -> Schedule:
    return schedule(FUNCTION_ARN, name=name, dlq=DLQ_ARN)


def test_requests_are_spaced_by_their_service_limiter(
    account: Account, clients: AwsClients
) -> None:
    account.healthy()
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    doctor = DoctorRepository(clients, clock=lambda: now[0], sleep=sleep)
    doctor.facts(account_schedule())
    # facts() reads on the calling thread, in order: GetCallerIdentity, the four IAM
    # requests (GetRole, ListRolePolicies, GetRolePolicy, ListAttachedRolePolicies) 0.2 s
    # apart (5 a second), GetFunction, then the SQS pair 0.1 s apart. STS and Lambda, alone
    # on their limiters, never wait.
    assert slept == pytest.approx([0.2, 0.2, 0.2, 0.1])
    assert now[0] == pytest.approx(0.7)


# Findings: the facts gathered here, judged by core/health/doctor.py's rules.


def found(doctor: DoctorRepository, *schedules: Schedule) -> set[FindingKind]:
    report = doctor.diagnose(schedules, NOW)
    return {finding.kind for diagnosis in report.diagnoses for finding in diagnosis.findings}


def test_a_healthy_setup_has_no_finding(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    report = doctor.diagnose([account.healthy()], NOW)
    assert [diagnosis.findings for diagnosis in report.diagnoses] == [()]
    assert report.calls == len(operations)
    only_reads(operations)


def test_a_key_named_by_its_alias_is_judged_by_the_key_iam_sees(
    account: Account, doctor: DoctorRepository
) -> None:
    key = account.key()
    account.client("kms").create_alias(AliasName="alias/scheduler", TargetKeyId=key)
    alias = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/scheduler"
    # kms:Decrypt on the key's ARN covers the alias; sqs:SendMessage is left out on purpose,
    # so that the one finding shows the rules ran.
    account.role(policy=allow(("lambda:InvokeFunction", FUNCTION_ARN), ("kms:Decrypt", key)))
    account.function()
    account.queue("scheduler-dlq", MessageRetentionPeriod="1209600")
    assert found(doctor, schedule(FUNCTION_ARN, dlq=DLQ_ARN, key=alias)) == {
        FindingKind.DLQ_PERMISSION_DENIED
    }


def test_a_missing_role(account: Account, doctor: DoctorRepository) -> None:
    account.function()
    assert found(doctor, schedule(FUNCTION_ARN)) >= {FindingKind.ROLE_MISSING}


@pytest.mark.parametrize(
    ("trust", "kind"),
    [
        (LAMBDA_TRUST, FindingKind.ROLE_TRUST_MISSING),
        (
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "scheduler.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            FindingKind.ROLE_TRUST_UNCONDITIONED,
        ),
    ],
    ids=["no-scheduler", "no-condition"],
)
def test_a_role_scheduler_may_not_or_may_too_freely_assume(
    account: Account, doctor: DoctorRepository, trust: dict[str, Any], kind: FindingKind
) -> None:
    account.role(trust=trust, policy=allow(("lambda:InvokeFunction", FUNCTION_ARN)))
    account.function()
    assert found(doctor, schedule(FUNCTION_ARN)) == {FindingKind.NO_DLQ, kind}


@pytest.mark.parametrize(
    ("granted", "kind"),
    [
        ((("sqs:SendMessage", DLQ_ARN), ("kms:Decrypt", "*")), FindingKind.ROLE_PERMISSION_DENIED),
        (
            (("lambda:InvokeFunction", FUNCTION_ARN), ("kms:Decrypt", "*")),
            FindingKind.DLQ_PERMISSION_DENIED,
        ),
        (
            (("lambda:InvokeFunction", FUNCTION_ARN), ("sqs:SendMessage", DLQ_ARN)),
            FindingKind.KMS_PERMISSION_DENIED,
        ),
    ],
    ids=["target", "dlq", "kms"],
)
def test_a_role_without_a_permission_it_needs(
    account: Account,
    doctor: DoctorRepository,
    granted: tuple[tuple[str, str], ...],
    kind: FindingKind,
) -> None:
    key = account.key()
    account.role(policy=allow(*granted))
    account.function()
    account.queue("scheduler-dlq", MessageRetentionPeriod="1209600")
    assert found(doctor, schedule(FUNCTION_ARN, dlq=DLQ_ARN, key=key)) == {kind}


def test_an_ecs_role_must_pass_the_task_roles(account: Account, doctor: DoctorRepository) -> None:
    definition = account.cluster()
    account.role(policy=allow(("ecs:RunTask", definition), ("iam:PassRole", TASK_ROLE)))
    report = doctor.diagnose([schedule(CLUSTER_ARN, task_definition=definition)], NOW)
    denied = [
        finding.message
        for finding in report.diagnoses[0].findings
        if finding.kind is FindingKind.ROLE_PERMISSION_DENIED
    ]
    assert len(denied) == 1
    assert "iam:PassRole" in denied[0]
    assert EXECUTION_ROLE in denied[0]


@pytest.mark.parametrize("delete", DELETES, ids=KINDS)
def test_a_deleted_target_is_a_finding(
    account: Account, doctor: DoctorRepository, delete: Callable[[Account], str]
) -> None:
    account.role(policy=allow(("*", "*")))
    assert found(doctor, schedule(delete(account))) == {
        FindingKind.NO_DLQ,
        FindingKind.TARGET_MISSING,
    }


def test_a_deregistered_task_definition_is_a_finding(
    account: Account, doctor: DoctorRepository
) -> None:
    account.role(policy=allow(("*", "*")))
    definition = account.cluster()
    account.client("ecs").deregister_task_definition(taskDefinition=definition)
    assert found(doctor, schedule(CLUSTER_ARN, task_definition=definition)) == {
        FindingKind.NO_DLQ,
        FindingKind.TARGET_MISSING,
    }


@pytest.mark.parametrize(
    ("queue", "attributes", "kind"),
    [
        (None, {}, FindingKind.DLQ_MISSING),
        ("dead.fifo", {"FifoQueue": "true"}, FindingKind.FIFO_DLQ),
        ("short", {"MessageRetentionPeriod": "600"}, FindingKind.DLQ_RETENTION_SHORT),
    ],
    ids=["missing", "fifo", "short-retention"],
)
def test_a_dlq_that_cannot_keep_failed_events(
    account: Account,
    doctor: DoctorRepository,
    queue: str | None,
    attributes: dict[str, str],
    kind: FindingKind,
) -> None:
    account.role(policy=allow(("*", "*")))
    account.function()
    name = queue or "gone"
    if queue is not None:
        account.queue(queue, **attributes)
    dlq = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
    assert found(doctor, schedule(FUNCTION_ARN, dlq=dlq)) == {kind}


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        (None, FindingKind.KMS_KEY_MISSING),
        ("Disabled", FindingKind.KMS_KEY_DISABLED),
        ("PendingDeletion", FindingKind.KMS_KEY_DISABLED),
    ],
)
def test_a_key_that_cannot_decrypt(
    account: Account, doctor: DoctorRepository, state: str | None, kind: FindingKind
) -> None:
    account.role(policy=allow(("*", "*")))
    account.function()
    account.queue("scheduler-dlq", MessageRetentionPeriod="1209600")
    key = (
        account.key(state)
        if state
        else f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    assert found(doctor, schedule(FUNCTION_ARN, dlq=DLQ_ARN, key=key)) == {kind}


def test_a_denied_read_is_not_checked_never_a_verdict(
    account: Account, clients: AwsClients, doctor: DoctorRepository
) -> None:
    account.healthy()
    intercept(clients.iam, "GetRole", lambda _: query_error("AccessDenied", "not authorized", 403))
    report = doctor.diagnose([account_schedule()], NOW)
    (finding,) = report.diagnoses[0].findings
    assert finding.kind is FindingKind.NOT_CHECKED
    assert ROLE in finding.message
    assert "access denied" in finding.message


def test_a_hundred_schedules_sharing_a_role_and_target_make_a_handful_of_calls(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    account.healthy()
    fleet = [account_schedule_named(f"job-{index:03d}") for index in range(100)]
    seen: list[tuple[int, int]] = []
    report: DoctorReport = doctor.diagnose(fleet, NOW, progress=lambda *p: seen.append(p))
    assert len(report.diagnoses) == 100
    assert report.calls == len(operations) == 8  # 4 IAM, STS, Lambda, 2 SQS: once each
    assert seen[-1] == (100, 100)
    assert [done for done, _ in seen] == list(range(1, 101))
    only_reads(operations)


def test_a_role_with_more_inline_policies_than_a_page_is_read_to_the_end(
    account: Account, clients: AwsClients, doctor: DoctorRepository, operations: list[str]
) -> None:
    account.healthy()
    account.client("iam").put_role_policy(
        RoleName=ROLE_NAME,
        PolicyName="deny-all",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "*", "Resource": "*"}]}),
    )  # fmt: skip
    markers: list[str] = []

    def pages(request: Any) -> Any:
        # IAM's own paging, which moto does not do: one name a page.
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        marker = dict(part.split("=", 1) for part in body.split("&")).get("Marker")
        markers.append(marker or "")
        names, more = (["invoke"], "page-2") if marker is None else (["deny-all"], None)
        return query_page("ListRolePolicies", "PolicyNames", names, more)

    intercept(clients.iam, "ListRolePolicies", pages)
    role = doctor.facts(account_schedule()).role
    assert markers == ["", "page-2"]
    assert [policy.source for policy in role.policies] == ["inline invoke", "inline deny-all"]
    assert role.complete
    assert operations.count("GetRolePolicy") == 2


def test_an_iam_marker_given_twice_ends_the_listing_and_the_role_is_incomplete(
    account: Account, clients: AwsClients, doctor: DoctorRepository
) -> None:
    # A hostile (or broken) endpoint answering the same Marker for ever: botocore's
    # paginators refuse it, and so must the doctor's own paging, or it never ends.
    account.healthy()
    markers: list[str] = []

    def again(request: Any) -> Any:
        body = request.body.decode() if isinstance(request.body, bytes) else str(request.body)
        markers.append(dict(part.split("=", 1) for part in body.split("&")).get("Marker", ""))
        looping = len(markers) < 20  # a guard for this test only, should the doctor loop
        return query_page(
            "ListRolePolicies", "PolicyNames", ["invoke"], "again" if looping else None
        )

    intercept(clients.iam, "ListRolePolicies", again)
    role = doctor.facts(account_schedule()).role
    assert markers == ["", "again"]
    assert not role.complete
    assert "Marker it had already given" in role.why


def test_a_policy_it_cannot_read_makes_the_permissions_uncertain_not_denied(
    account: Account, clients: AwsClients, doctor: DoctorRepository
) -> None:
    healthy = account.healthy()
    intercept(
        clients.iam, "GetRolePolicy", lambda _: query_error("AccessDenied", "not authorized", 403)
    )
    report = doctor.diagnose([healthy], NOW)
    kinds = [finding.kind for finding in report.diagnoses[0].findings]
    assert set(kinds) == {FindingKind.ROLE_PERMISSION_UNCERTAIN}
    assert all(finding.severity == "info" for finding in report.diagnoses[0].findings)


def test_pages_are_judged_in_batches_of_at_least_the_batch_size() -> None:
    pages = [[1, 2], [3], [4, 5, 6], [7]]
    assert list(_batches(pages, 3)) == [[1, 2, 3], [4, 5, 6], [7]]
    assert list(_batches([], 3)) == []


def test_an_allow_beside_a_policy_it_cannot_read_is_uncertain_not_allowed(
    account: Account, clients: AwsClients, doctor: DoctorRepository
) -> None:
    # The managed policy allows everything; the inline one IAM would not hand over may
    # hold a Deny: the doctor cannot say the schedule's permissions are fine.
    healthy = account.healthy()
    everything = account.managed_policy("allow-all", allow(("*", "*")))
    account.client("iam").attach_role_policy(RoleName=ROLE_NAME, PolicyArn=everything)
    intercept(
        clients.iam, "GetRolePolicy", lambda _: query_error("AccessDenied", "not authorized", 403)
    )
    findings = doctor.diagnose([healthy], NOW).diagnoses[0].findings
    assert findings
    assert {finding.kind for finding in findings} == {FindingKind.ROLE_PERMISSION_UNCERTAIN}
    assert all("may deny it" in finding.message for finding in findings)


def test_an_ecs_target_with_an_empty_task_definition_is_not_looked_up(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    # AWS requires a TaskDefinitionArn; a definition that holds "" was written around it.
    # There is nothing to look up: no DescribeTaskDefinition of "", and the role's need is
    # ecs:RunTask on a task definition the doctor cannot know ("*"), not on "".
    account.role(policy=allow(("ecs:RunTask", f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/*")))
    account.cluster()
    hollow = schedule(CLUSTER_ARN, task_definition="")
    report = doctor.diagnose([hollow], NOW)
    assert "DescribeTaskDefinition" not in operations
    messages = [finding.message for finding in report.diagnoses[0].findings]
    assert not [message for message in messages if "on  (" in message or "definition  " in message]
    assert any("ecs:RunTask on *" in message for message in messages), messages


def test_a_definition_a_rule_fails_on_is_its_finding_and_the_others_are_judged(
    account: Account, doctor: DoctorRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A value no rule foresaw (two were found: a window near 2**63, a RetryPolicy of -1)
    # stands in here as a rule raising on one schedule: the walk goes on.
    healthy = account.healthy()
    odd = schedule(FUNCTION_ARN, name="odd\x1b[2J", dlq=DLQ_ARN)
    judge = doctor_rules.diagnose

    def failing(schedule: Schedule, *args: Any, **kwargs: Any) -> Any:
        if schedule.name.startswith("odd"):
            raise OverflowError("Python int too large to convert to C int")
        return judge(schedule, *args, **kwargs)

    monkeypatch.setattr(doctor_rules, "diagnose", failing)
    report = doctor.diagnose([odd, healthy], NOW)
    judged = {diagnosis.name: diagnosis.findings for diagnosis in report.diagnoses}
    assert judged["nightly"] == ()
    (finding,) = judged["odd\x1b[2J"]
    assert finding.kind is FindingKind.NOT_CHECKED
    assert "OverflowError: Python int too large" in finding.message


def test_a_trust_copied_from_another_account_is_found_over_the_wire(
    account: Account, doctor: DoctorRepository
) -> None:
    # The trust document as IAM sends it (URL-encoded in GetRole), its aws:SourceAccount
    # another account's: Scheduler could never assume the role for this schedule.
    copied = json.loads(json.dumps(SCHEDULER_TRUST).replace(ACCOUNT, "999999999999"))
    found = doctor.diagnose([account.healthy(trust=copied)], NOW)
    kinds = [finding.kind for finding in found.diagnoses[0].findings]
    assert kinds == [FindingKind.ROLE_TRUST_MISSING]


def test_a_trust_scoped_to_another_group_is_found_over_the_wire(
    account: Account, doctor: DoctorRepository
) -> None:
    # The trust as AWS recommends it, scoped to one schedule group's ARN (what Scheduler
    # sends as aws:SourceArn): the reports group's schedules may use the role, the finance
    # group's never can. One role read, judged per group.
    reports = f"arn:aws:scheduler:*:{ACCOUNT}:schedule-group/reports"
    scoped = json.loads(json.dumps(SCHEDULER_TRUST))
    scoped["Statement"][0]["Condition"]["ArnLike"] = {"aws:SourceArn": reports}
    healthy = account.healthy(trust=scoped)
    finance = healthy.model_copy(
        update={
            "group_name": "finance",
            "arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/finance/nightly",
        }
    )
    report = doctor.diagnose([healthy, finance], NOW)
    judged = {diagnosis.group: diagnosis.findings for diagnosis in report.diagnoses}
    assert judged["reports"] == ()
    (missing,) = judged["finance"]
    assert missing.kind is FindingKind.ROLE_TRUST_MISSING
    assert f"only for aws:SourceArn {reports} (ArnLike)" in missing.message
    group_arn = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/finance"
    assert f"not this schedule's group ARN {group_arn}" in missing.message
    assert missing.fix.startswith(f"Add {group_arn} to that statement's aws:SourceArn values")


def test_reading_the_targets_alone_sends_no_iam_call_and_still_finds_a_deleted_target(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    # The cleanup view's question: is the target gone? The role does not even exist and
    # the DLQ and key are missing: none of them is read, and none is a finding (nor a
    # "could not check").
    gone = _delete_function(account)
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    orphan = schedule(gone, dlq=DLQ_ARN, key=key)
    report = doctor.diagnose([orphan], NOW, reads=frozenset({Resource.TARGET}))
    assert [f.kind for f in report.diagnoses[0].findings] == [FindingKind.TARGET_MISSING]
    assert operations == ["GetFunction"]
    assert report.calls == 1
    assert report.notes == ()


def test_facts_not_asked_for_are_left_out_and_the_full_doctor_reads_them_after(
    account: Account, doctor: DoctorRepository, operations: list[str]
) -> None:
    healthy = account.healthy()
    targets = doctor.facts(healthy, frozenset({Resource.TARGET}))
    assert (targets.dlq, targets.key, targets.read) == (None, None, {Resource.TARGET})
    assert targets.target is not None
    assert targets.target.presence is Presence.EXISTS
    assert operations == ["GetFunction"]
    # The doctor's default reads everything; the target read already is not sent again.
    assert doctor.diagnose([healthy], NOW).diagnoses[0].findings == ()
    assert operations.count("GetFunction") == 1
    assert "GetRole" in operations
