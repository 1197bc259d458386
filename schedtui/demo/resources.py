"""The resources behind the demo's schedules, real in moto: what the doctor reads.

Every schedule of the plan (seed.py) points at an execution role, a target, maybe a DLQ and
a KMS key; here they exist:

- each role trusts ``scheduler.amazonaws.com`` with the ``aws:SourceAccount`` condition AWS
  recommends, and allows exactly what its schedules need, as the doctor says it
  (``core/health/doctor.needs``): an inline policy for the targets' actions (and
  ``iam:PassRole`` on an ECS task's execution role), an attached customer managed policy
  for delivery (``sqs:SendMessage`` on the DLQs, ``kms:Decrypt`` on the keys);
- the Lambda functions, Step Functions state machines, SQS queues (targets and DLQs, FIFO
  where the name says so), SNS topics, EventBridge buses, Kinesis streams, Firehose delivery
  streams, SageMaker pipelines, CodeBuild projects, CodePipeline pipelines and KMS keys they
  name; ECS clusters and task definitions are written on the first ECS request
  (``write_ecs_resources``: importing moto's ECS costs a second the demo's start should not
  pay).

The problems of ``planted.py`` are built here: roles with a wrong trust or missing
permissions, a DLQ with a short retention, a disabled key; what it calls ``ABSENT`` is left
out. Inspector and universal targets are not created: the doctor does not check those
kinds.

``plan_resources`` is pure (dicts and sets from the plan); ``write_resources`` writes them
straight into moto's in-process backends, like the seed (an API call each would cost ~10x).
``EmbeddedDemo`` (the demo's process) writes them after the seed; ``seed_demo`` alone (the
UI tests' fixture, ``via_api``) writes schedules and DLQs only.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from schedtui.core.health.doctor import needs
from schedtui.core.health.findings import FindingKind
from schedtui.core.health.resources import Presence, ResourceFacts, RoleFacts, ScheduleFacts
from schedtui.core.schedules.arns import (
    TargetKind,
    parse_arn,
    target_kind,
    target_resource_name,
)
from schedtui.core.schedules.schedule import Schedule
from schedtui.demo import planted
from schedtui.demo.seed import DEMO_ACCOUNT, DemoPlan
from schedtui.demo.targets import (
    LAMBDA_ROLE,
    function_profile,
    write_state_machines,
    write_task_definitions,
)

TASK_EXECUTION_ROLE: Final = "ecsTaskExecutionRole"
PIPELINE_ROLE: Final = "codepipeline-demo"  # CodePipeline refuses a role that does not trust it
_VERSION: Final = "2012-10-17"
# What a permission is for: the finding the doctor makes when it is missing (doctor.Need).
_TARGET, _DLQ, _KMS = (
    FindingKind.ROLE_PERMISSION_DENIED,
    FindingKind.DLQ_PERMISSION_DENIED,
    FindingKind.KMS_PERMISSION_DENIED,
)
_Need = tuple[str, str, FindingKind]  # action, resource, the finding when refused


def scheduler_trust(*, conditioned: bool = True) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": "scheduler.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    if conditioned:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": DEMO_ACCOUNT}}
    return {"Version": _VERSION, "Statement": [statement]}


def _service_trust(service: str) -> dict[str, Any]:
    return {
        "Version": _VERSION,
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }


@dataclass
class RoleSpec:
    trust: dict[str, Any]
    inline: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> document
    attached: dict[str, dict[str, Any]] = field(default_factory=dict)  # managed policy name


@dataclass
class DemoResources:
    roles: dict[str, RoleSpec] = field(default_factory=dict)
    functions: set[tuple[str, str]] = field(default_factory=set)  # (region, name)
    machines: dict[str, str] = field(default_factory=dict)  # ARN -> the role starting it
    queues: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> attributes
    topics: set[str] = field(default_factory=set)
    buses: set[str] = field(default_factory=set)
    keys: dict[str, bool] = field(default_factory=dict)  # key id -> enabled
    clusters: dict[str, set[str]] = field(default_factory=dict)  # name -> task definition ARNs
    # Kinesis, Firehose, SageMaker, CodeBuild, CodePipeline: kind -> {target ARN: name}
    named: dict[TargetKind, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))


@dataclass(frozen=True, slots=True)
class ResourcesResult:
    roles: int
    functions: int
    queues: int
    seconds: float


def target_needs(target: Mapping[str, Any]) -> list[_Need]:
    """What the execution role needs for one Target (and its DLQ), as the doctor says
    (``core/health/doctor.needs``): the demo's policies grant exactly that."""
    # The Target alone decides these needs: any valid schedule around it will do.
    schedule = Schedule.from_api(
        {
            "Name": "needs",
            "GroupName": "default",
            "ScheduleExpression": "rate(1 hour)",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": target,
        }
    )
    facts = None
    if "EcsParameters" in target:
        # The task definitions the demo writes name the execution role (iam:PassRole).
        role = f"arn:aws:iam::{DEMO_ACCOUNT}:role/{TASK_EXECUTION_ROLE}"
        definition = ResourceFacts(
            target["EcsParameters"]["TaskDefinitionArn"],
            Presence.EXISTS,
            {"executionRoleArn": role},
        )
        facts = ScheduleFacts(RoleFacts(target["RoleArn"], Presence.EXISTS), None, definition)
    return [(need.action, need.resource, need.denied) for need in needs(schedule, facts)]


def _statements(
    wanted: Iterable[_Need], condition: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One Allow statement per action, its resources sorted."""
    by_action: dict[str, set[str]] = defaultdict(set)
    for action, resource, _ in wanted:
        by_action[action].add(resource)
    statements = []
    for action, resources in sorted(by_action.items()):
        statement: dict[str, Any] = {
            # IAM takes only letters and digits in a Sid: "redshift-data:ExecuteStatement".
            "Sid": "".join(
                part[:1].upper() + part[1:] for part in re.split("[^A-Za-z0-9]", action)
            ),
            "Effect": "Allow",
            "Action": action,
            "Resource": sorted(resources)[0] if len(resources) == 1 else sorted(resources),
        }
        if condition:
            statement["Condition"] = dict(condition)
        statements.append(statement)
    return statements


def _role(name: str, wanted: set[_Need]) -> RoleSpec:
    """A healthy role for ``needs``, then broken as planted.py says for the planted ones."""
    trust = scheduler_trust(conditioned=name != planted.ROLE_UNCONDITIONED)
    if name == planted.ROLE_WITHOUT_TRUST:
        trust = _service_trust("lambda.amazonaws.com")
    drop = {
        planted.ROLE_WITHOUT_TARGET: _TARGET,
        planted.ROLE_WITHOUT_DLQ: _DLQ,
        planted.ROLE_WITHOUT_DECRYPT: _KMS,
    }.get(name)
    kept = {need for need in wanted if need[2] != drop}
    # An Allow that holds only from the office network: nothing identity policies alone
    # can decide (Scheduler's calls come from no such address).
    condition = (
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}} if name == planted.ROLE_CONDITIONED else None
    )
    spec = RoleSpec(trust)
    invoke = _statements((need for need in kept if need[2] == _TARGET), condition)
    if invoke:
        spec.inline["invoke-targets"] = {"Version": _VERSION, "Statement": invoke}
    delivery = _statements(need for need in kept if need[2] != _TARGET)
    if delivery:
        spec.attached[f"{name}-delivery"] = {"Version": _VERSION, "Statement": delivery}
    return spec


def plan_resources(plan: DemoPlan) -> DemoResources:
    """What must exist for the plan's schedules (planted problems applied)."""
    resources = DemoResources()
    wanted: dict[str, set[_Need]] = defaultdict(set)
    seen: set[int] = set()
    read: set[tuple[str, ...]] = set()
    for planned in plan.schedules:
        request = planned.request
        target = request["Target"]
        key = request.get("KmsKeyArn")
        if key is not None:
            # doctor.needs' KMS need, without building a Schedule per schedule (100,000).
            wanted[target["RoleArn"].rsplit("/", 1)[-1]].add(("kms:Decrypt", key, _KMS))
            key_id = key.split(":", 5)[-1]
            if key_id not in planted.ABSENT:
                resources.keys[key_id.removeprefix("key/")] = key_id != planted.DISABLED_KEY
        if id(target) in seen:
            continue  # generated schedules share their Target dicts: each is read once
        seen.add(id(target))
        # What decides the needs and the resources: far fewer than the Targets (retry
        # policies and inputs vary), and a Schedule model each costs ~0.5 ms.
        ecs = target.get("EcsParameters", {}).get("TaskDefinitionArn", "")
        dlq = target.get("DeadLetterConfig", {}).get("Arn", "")
        resource_key = (target["Arn"], target["RoleArn"], ecs, dlq)
        if resource_key in read:
            continue
        read.add(resource_key)
        wanted[target["RoleArn"].rsplit("/", 1)[-1]].update(target_needs(target))
        _add_target(resources, target)
    for name in plan.queues:
        if name not in planted.ABSENT:
            resources.queues.setdefault(name, _queue_attributes(name))
    resources.roles = {
        name: _role(name, role_needs)
        for name, role_needs in sorted(wanted.items())
        if name not in planted.ABSENT
    }
    return resources


def _queue_attributes(name: str) -> dict[str, str]:
    attributes = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
    if name == planted.SHORT_DLQ:
        attributes["MessageRetentionPeriod"] = str(planted.SHORT_RETENTION_SECONDS)
    return attributes


def _add_target(resources: DemoResources, target: Mapping[str, Any]) -> None:
    arn = target["Arn"]
    parsed = parse_arn(arn)
    name = target_resource_name(arn)
    if parsed is None or name in planted.ABSENT:
        return
    kind = target_kind(arn)
    if kind is TargetKind.LAMBDA:
        resources.functions.add((parsed.region, name))
    elif kind is TargetKind.STEP_FUNCTIONS:
        resources.machines[arn] = target["RoleArn"]
    elif kind is TargetKind.SQS:
        resources.queues.setdefault(name, _queue_attributes(name))
    elif kind is TargetKind.SNS:
        resources.topics.add(name)
    elif kind is TargetKind.EVENTBRIDGE:
        resources.buses.add(name)
    elif kind is TargetKind.ECS:
        definition = target["EcsParameters"]["TaskDefinitionArn"]
        resources.clusters.setdefault(name, set()).add(definition)
    elif kind in _NAMED_KINDS:
        resources.named[kind][arn] = name


_NAMED_KINDS: Final = frozenset(
    {
        TargetKind.KINESIS,
        TargetKind.FIREHOSE,
        TargetKind.SAGEMAKER,
        TargetKind.CODEBUILD,
        TargetKind.CODEPIPELINE,
    }
)


def write_resources(resources: DemoResources, region: str) -> ResourcesResult:
    """Write everything but ECS into moto's in-process backends (ECS: ``write_ecs_resources``).
    Existing resources of the same name are replaced or kept, never an error."""
    from moto.backends import get_backend
    from moto.iam.models import iam_backends

    started = time.perf_counter()
    iam = iam_backends[DEMO_ACCOUNT]["aws"]
    _write_roles(iam, resources.roles)
    sqs = get_backend("sqs")[DEMO_ACCOUNT][region]
    for name, attributes in sorted(resources.queues.items()):
        if name not in sqs.queues:
            sqs.create_queue(name, **attributes)
        else:  # a DLQ the seed made (seed.py: every path of it creates the DLQs)
            sqs.set_queue_attributes(name, attributes)
    sns = get_backend("sns")[DEMO_ACCOUNT][region]
    for topic in sorted(resources.topics):
        sns.create_topic(topic)
    events = get_backend("events")[DEMO_ACCOUNT][region]
    for bus in sorted(resources.buses - set(events.event_buses)):
        events.create_event_bus(bus)
    _write_keys(get_backend("kms")[DEMO_ACCOUNT][region], resources.keys)
    _write_functions(iam, resources.functions)
    write_state_machines(get_backend("stepfunctions")[DEMO_ACCOUNT][region], resources.machines)
    return ResourcesResult(
        roles=len(resources.roles),
        functions=len(resources.functions),
        queues=len(resources.queues),
        seconds=time.perf_counter() - started,
    )


def _write_roles(iam: Any, roles: Mapping[str, RoleSpec]) -> None:
    execution = _service_trust("ecs-tasks.amazonaws.com")
    lambdas = _service_trust("lambda.amazonaws.com")
    everything = {
        **roles,
        TASK_EXECUTION_ROLE: RoleSpec(execution),
        LAMBDA_ROLE: RoleSpec(lambdas),
        PIPELINE_ROLE: RoleSpec(_service_trust("codepipeline.amazonaws.com")),
    }
    existing = {role.name for role in iam.get_roles()}
    for name, spec in everything.items():
        if name in existing:
            continue
        iam.create_role(
            role_name=name,
            assume_role_policy_document=json.dumps(spec.trust),
            path="/service-role/" if name == LAMBDA_ROLE else "/",
            permissions_boundary=None,
            description=f"schedtui demo: {name}",
            tags=[],
            max_session_duration=None,
        )
        for policy, document in spec.inline.items():
            iam.put_role_policy(name, policy, json.dumps(document))
        for policy, document in spec.attached.items():
            managed = iam.create_policy(
                description=f"What {name} needs to deliver failed events",
                path="/",
                policy_document=json.dumps(document),
                policy_name=policy,
                tags=[],
            )
            iam.attach_role_policy(managed.arn, name)


def _write_keys(kms: Any, keys: Mapping[str, bool]) -> None:
    for key_id, enabled in sorted(keys.items()):
        if key_id in kms.keys:
            continue
        # moto draws an RSA-2048 key pair for every symmetric key (~100 ms each); an ECC one
        # is instant, and a symmetric key never signs: then it is made what the demo needs.
        key = kms.create_key(None, "SIGN_VERIFY", "ECC_NIST_P256", "schedtui demo", None)
        key.key_usage, key.key_spec = "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT"
        # The plan names its keys (ARNs in the schedules): moto draws a random id.
        del kms.keys[key.id]
        key.id = key_id
        key.arn = key.arn.rsplit("/", 1)[0] + "/" + key_id
        kms.keys[key_id] = key
        if not enabled:
            kms.disable_key(key_id)


_ZIP: Final = "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="  # an empty zip archive: moto runs nothing


def _write_functions(iam: Any, functions: Iterable[tuple[str, str]]) -> None:
    from moto.backends import get_backend

    role = iam.get_role(LAMBDA_ROLE).arn
    backends = get_backend("lambda")[DEMO_ACCOUNT]
    for region, name in sorted(functions):
        backend = backends[region]
        if name in backend._lambdas._functions:
            continue
        profile = function_profile(name)
        python = profile.runtime.startswith("python")
        backend.create_function(
            {
                "FunctionName": name,
                "Runtime": profile.runtime,
                "Role": role,
                "Handler": "handler.handler" if python else "index.handler",
                "Code": {"ZipFile": _ZIP},
                "MemorySize": profile.memory,
                "Timeout": profile.timeout,
                "Description": f"Scheduled job {name}",
            }
        )


# Where each kind's requests go (moto's backend) and how they start (X-Amz-Target, or the
# rpc-v2-cbor path's equivalent, trail.py): its resources are written on its first request,
# as ECS's, for importing the five backends costs ~0.4 s the demo's start should not pay.
NAMED_BACKENDS: Final[dict[TargetKind, tuple[str, str]]] = {
    TargetKind.KINESIS: ("kinesis", "Kinesis_20131202."),
    TargetKind.FIREHOSE: ("firehose", "Firehose_20150804."),
    TargetKind.SAGEMAKER: ("sagemaker", "SageMaker."),
    TargetKind.CODEBUILD: ("codebuild", "CodeBuild_20161006."),
    TargetKind.CODEPIPELINE: ("codepipeline", "CodePipeline_20150709."),
}


def write_named(kind: TargetKind, targets: Mapping[str, str], region: str) -> None:
    """The streams, delivery streams, pipelines or projects (``kind``) the targets name
    (their ARN -> name), in moto's backend."""
    from moto.backends import get_backend

    backend: Any = get_backend(NAMED_BACKENDS[kind][0])[DEMO_ACCOUNT][region]
    role = f"arn:aws:iam::{DEMO_ACCOUNT}:role/{TASK_EXECUTION_ROLE}"
    for arn, name in sorted(targets.items()):
        if kind is TargetKind.KINESIS and name not in backend.streams:
            backend.create_stream(name, 1)
        elif kind is TargetKind.FIREHOSE and name not in backend.delivery_streams:
            backend.create_delivery_stream(**_delivery_stream(region, name, role))
        elif kind is TargetKind.SAGEMAKER:
            if name not in backend.pipelines:
                backend.create_pipeline(**_pipeline(name, role))
            # The doctor asks DescribePipeline by ARN, as AWS allows; moto looks pipelines
            # up by name only: the demo's answers to both.
            backend.pipelines[arn] = backend.pipelines[name]
        elif kind is TargetKind.CODEBUILD and name not in backend.codebuild_projects:
            backend.create_project(**_project(name, role))
        elif kind is TargetKind.CODEPIPELINE and name not in backend.pipelines:
            backend.create_pipeline(_code_pipeline(name), [])


def _pipeline(name: str, role: str) -> dict[str, Any]:
    """CreatePipeline's arguments (SageMaker), as moto's backend takes them."""
    return {
        "pipeline_name": name,
        "pipeline_display_name": name,
        "pipeline_definition": '{"Version": "2020-12-01", "Steps": []}',
        "pipeline_definition_s3_location": None,
        "pipeline_description": f"schedtui demo: {name}",
        "role_arn": role,
        "tags": [],
        "parallelism_configuration": None,
    }


def _delivery_stream(region: str, name: str, role: str) -> dict[str, Any]:
    """CreateDeliveryStream's arguments, as moto's backend takes them (a DirectPut stream
    to S3)."""
    unset = (
        "kinesis_stream_source_configuration",
        "delivery_stream_encryption_configuration_input",
        "s3_destination_configuration",
        "redshift_destination_configuration",
        "elasticsearch_destination_configuration",
        "splunk_destination_configuration",
        "http_endpoint_destination_configuration",
        "snowflake_destination_configuration",
        "iceberg_destination_configuration",
    )
    return {
        **dict.fromkeys(unset),
        "region": region,
        "delivery_stream_name": name,
        "delivery_stream_type": "DirectPut",
        "extended_s3_destination_configuration": {
            "RoleARN": role,
            "BucketARN": "arn:aws:s3:::schedtui-demo-lake",
        },
        "tags": [],
    }


def _project(name: str, role: str) -> dict[str, Any]:
    """CreateProject's arguments, as moto's backend takes them."""
    unset = (
        "tags",
        "cache",
        "timeout",
        "queued_timeout",
        "source_version",
        "logs_config",
        "vpc_config",
    )
    return {
        **dict.fromkeys(unset),
        "project_name": name,
        "description": f"schedtui demo: {name}",
        "project_source": {"type": "S3", "location": f"schedtui-demo-builds/{name}.zip"},
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        "service_role": role,
    }


def _code_pipeline(name: str) -> dict[str, Any]:
    """A two-stage pipeline (CodePipeline wants at least two), as CreatePipeline takes it."""
    source = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
    build = {**source, "category": "Build", "provider": "CodeBuild"}
    return {
        "name": name,
        "roleArn": f"arn:aws:iam::{DEMO_ACCOUNT}:role/{PIPELINE_ROLE}",
        "artifactStore": {"type": "S3", "location": "schedtui-demo-artifacts"},
        "stages": [
            {"name": "Source", "actions": [{"name": "source", "actionTypeId": source}]},
            {"name": "Build", "actions": [{"name": "build", "actionTypeId": build}]},
        ],
    }


def write_ecs_resources(clusters: Mapping[str, Iterable[str]], region: str) -> None:
    """The ECS clusters and task definitions (at the revisions the schedules name)."""
    from moto.backends import get_backend

    backend = get_backend("ecs")[DEMO_ACCOUNT][region]
    role = f"arn:aws:iam::{DEMO_ACCOUNT}:role/{TASK_EXECUTION_ROLE}"
    write_task_definitions(backend, clusters, region, execution_role=role)
