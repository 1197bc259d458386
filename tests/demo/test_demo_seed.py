"""The demo backend: moto in a child process, seeded, read back over HTTP like AWS.

One default demo is started per module and read in full once (the module guide's schedules,
the variety the screens need); the rest start their own backend. Each ``DemoBackend`` runs
moto in a process of its own, so these tests leave nothing behind in this one; the last ones
check that the process ends with the backend, and when its parent is killed.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.schedules.arns import TargetKind, target_kind
from schedtui.core.schedules.schedule import Schedule
from schedtui.demo.planted import ABSENT, DOCTOR_GROUP
from schedtui.demo.seed import (
    DEFAULT_DEMO_SIZE,
    FIFO_DLQ,
    DemoPlan,
    plan_demo,
    seed_demo,
)
from schedtui.demo.server import DemoBackend

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/EventBridgeSchedulerRole"
NAME = re.compile(r"[0-9a-zA-Z_.-]{1,64}")
TASK_DEFINITION = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/maintenance:1"
READ_ONLY = ("Arn", "CreationDate", "LastModificationDate", "ResponseMetadata")


@dataclass
class Demo:
    now: datetime
    plan: DemoPlan
    schedules: dict[tuple[str, str], dict[str, Any]]  # GetSchedule responses by (group, name)
    groups: list[dict[str, Any]]
    group_tags: dict[str, dict[str, str]]
    queues: dict[str, dict[str, str]]  # queue name -> attributes
    start_seconds: float


def _present(response: dict[str, Any]) -> dict[str, Any]:
    """A GetSchedule response without read-only and null members (moto sends nulls)."""
    return {k: v for k, v in response.items() if k not in READ_ONLY and v is not None}


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    with DemoBackend(now=now) as settings:
        start_seconds = time.perf_counter() - started
        # The app's own client factory: proves the demo's credentials reach it.
        clients = AwsClients(settings)
        # Plain dicts from here on: the tests index responses freely.
        scheduler: Any = clients.scheduler
        sqs: Any = clients.sqs
        groups = [
            group
            for page in scheduler.get_paginator("list_schedule_groups").paginate()
            for group in page["ScheduleGroups"]
        ]
        group_tags = {
            group["Name"]: {
                tag["Key"]: tag["Value"]
                for tag in scheduler.list_tags_for_resource(ResourceArn=group["Arn"])["Tags"]
            }
            for group in groups
        }
        summaries = [
            summary
            for page in scheduler.get_paginator("list_schedules").paginate()
            for summary in page["Schedules"]
        ]
        schedules = {
            (s["GroupName"], s["Name"]): scheduler.get_schedule(
                GroupName=s["GroupName"], Name=s["Name"]
            )
            for s in summaries
        }
        queues = {}
        for url in sqs.list_queues()["QueueUrls"]:
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
            queues[url.rsplit("/", 1)[1]] = attributes["Attributes"]
        yield Demo(now, plan_demo(now=now), schedules, groups, group_tags, queues, start_seconds)


def test_default_demo_starts_seeded(demo: Demo) -> None:
    # A child interpreter, moto's import in it (~0.4 s), the seed; the app does not wait for
    # it (wait=False), this fixture does. How long: printed, measured by the benchmarks
    # (a timed assertion here failed on a loaded CI machine).
    print(f"\nDemoBackend start + default seed: {demo.start_seconds:.3f} s")
    assert demo.schedules
    assert demo.groups


def test_daily_backup_schedule_is_the_module_guide_s(demo: Demo) -> None:
    got = _present(demo.schedules[("batch-jobs-group", "daily-backup-schedule")])
    # The guide sets no zone: AWS evaluates in UTC (moto reports "UTC", AWS may omit it).
    assert got.pop("ScheduleExpressionTimezone", "UTC") == "UTC"
    assert got == {
        "Name": "daily-backup-schedule",
        "GroupName": "batch-jobs-group",
        "Description": "Programación diaria de respaldos",
        "ScheduleExpression": "cron(0 2 * * ? *)",
        "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 30},
        "State": "ENABLED",
        "Target": {
            "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:backup-function",
            "RoleArn": ROLE,
            "Input": '{"operation":"backup","type":"full"}',
            "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
            "DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:scheduler-dlq"},
        },
    }


def test_weekly_maintenance_schedule_is_the_module_guide_s(demo: Demo) -> None:
    got = _present(demo.schedules[("batch-jobs-group", "weekly-maintenance-schedule")])
    assert got.pop("ScheduleExpressionTimezone", "UTC") == "UTC"
    assert got == {
        "Name": "weekly-maintenance-schedule",
        "GroupName": "batch-jobs-group",
        "Description": "Programación semanal de mantenimiento",
        "ScheduleExpression": "cron(0 0 ? * SUN *)",
        "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 60},
        "State": "ENABLED",
        "Target": {
            # AWS runs ECS tasks on a cluster: the guide's task definition is in EcsParameters.
            "Arn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/maintenance-cluster",
            "RoleArn": ROLE,
            "EcsParameters": {
                "TaskDefinitionArn": TASK_DEFINITION,
                "TaskCount": 1,
                "LaunchType": "FARGATE",
                "NetworkConfiguration": {
                    "awsvpcConfiguration": {
                        "Subnets": ["subnet-12345678"],
                        "SecurityGroups": ["sg-12345678"],
                        "AssignPublicIp": "DISABLED",
                    }
                },
            },
            "RetryPolicy": {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 7200},
        },
    }


def test_module_guide_group_has_its_tags_and_only_its_schedules(demo: Demo) -> None:
    assert demo.group_tags["batch-jobs-group"] == {"Environment": "prod", "Service": "batch"}
    in_group = sorted(name for group, name in demo.schedules if group == "batch-jobs-group")
    assert in_group == ["daily-backup-schedule", "weekly-maintenance-schedule"]


def test_about_two_hundred_schedules_over_seven_or_more_groups(demo: Demo) -> None:
    assert len(demo.schedules) == DEFAULT_DEMO_SIZE >= 200
    per_group = Counter(group for group, _ in demo.schedules)
    assert len(per_group) >= 7
    assert {group["Name"] for group in demo.groups} == set(per_group)
    assert "default" in per_group
    assert all(NAME.fullmatch(name) for _, name in demo.schedules)


def test_every_target_kind_is_present(demo: Demo) -> None:
    targets = [s["Target"] for s in demo.schedules.values()]
    kinds = Counter(target_kind(target["Arn"]) for target in targets)
    assert set(kinds) == set(TargetKind) - {TargetKind.UNKNOWN}
    universal = {t["Arn"].rsplit(":", 2)[1] + ":" + t["Arn"].rsplit(":", 1)[1] for t in targets}
    assert {"ec2:stopInstances", "rds:startDBCluster"} <= universal
    # Parameter blocks that go with their kinds.
    members = {member for target in targets for member in target}
    assert {
        "EcsParameters",
        "EventBridgeParameters",
        "KinesisParameters",
        "SageMakerPipelineParameters",
        "SqsParameters",
    } <= members


def test_the_cases_the_screens_and_findings_need(demo: Demo) -> None:
    now = demo.now
    # The doctor's group plants one of each on purpose (tests/demo/test_demo_resources.py).
    schedules = [s for (group, _), s in demo.schedules.items() if group != DOCTOR_GROUP]

    def is_at(s: dict[str, Any]) -> bool:
        return bool(s["ScheduleExpression"].startswith("at("))

    assert any(s["State"] == "DISABLED" for s in schedules)
    expired = [s["Name"] for s in schedules if s.get("EndDate") and s["EndDate"] < now]
    assert expired == ["spring-sale-price-sync"]
    assert demo.schedules[("orders", "spring-sale-price-sync")]["State"] == "ENABLED"
    past_at = [
        s["Name"]
        for s in schedules
        if is_at(s)
        and datetime.fromisoformat(s["ScheduleExpression"][3:-1]) < now.replace(tzinfo=None)
    ]
    assert past_at == ["black-friday-capacity-prewarm"]
    assert any(s.get("StartDate") and s["StartDate"] > now for s in schedules)
    assert any("DeadLetterConfig" not in s["Target"] for s in schedules)
    dlqs = {s["Name"]: s["Target"].get("DeadLetterConfig", {}).get("Arn", "") for s in schedules}
    fifo = [name for name, dlq in dlqs.items() if dlq.endswith(".fifo")]
    assert fifo == ["order-status-sync"]
    assert any("\\u003caws.scheduler." in s["Target"].get("Input", "") for s in schedules)
    descriptions = [s.get("Description") or "" for s in schedules]
    assert any("[bold]" in d and "[/]" in d and "[link=" in d for d in descriptions)
    assert any("\x1b[" in d for d in descriptions)
    assert any("[bold" in s["Target"].get("Input", "") for s in schedules)
    # Retry policies left unset (moto, like AWS, then reports the 185 / 86400 defaults).
    assert any("RetryPolicy" not in p.request["Target"] for p in demo.plan.schedules)


def test_expressions_zones_and_windows_are_varied(demo: Demo) -> None:
    schedules = list(demo.schedules.values())
    expressions = [s["ScheduleExpression"] for s in schedules]
    assert {e.split("(")[0] for e in expressions} == {"rate", "at", "cron"}
    crons = [e for e in expressions if e.startswith("cron(")]
    for feature in (r"\bL\b", r"\dL\b", r"\d+W\b", r"\bLW\b", "#", r"\d-\d", "[A-Z]{3}-[A-Z]{3}"):
        assert any(re.search(feature, e) for e in crons), feature
    zones = {s.get("ScheduleExpressionTimezone") for s in schedules}
    assert {
        "Europe/Madrid",
        "America/New_York",
        "Asia/Tokyo",
        "Australia/Sydney",
    } <= zones
    modes = Counter(s["FlexibleTimeWindow"]["Mode"] for s in schedules)
    assert modes["OFF"]
    assert modes["FLEXIBLE"]


def test_every_schedule_passes_schedtui_rules_but_the_fifo_dlqs(demo: Demo) -> None:
    refused = {}
    for key, response in demo.schedules.items():
        violations = Schedule.from_api(response).rule_violations()
        if violations:
            refused[key] = violations
    assert sorted(refused) == [("doctor-demo", "dlq-is-fifo"), ("orders", "order-status-sync")]


def test_every_dead_letter_queue_exists(demo: Demo) -> None:
    dlqs = {
        s["Target"]["DeadLetterConfig"]["Arn"]
        for s in demo.schedules.values()
        if "DeadLetterConfig" in s["Target"]
        and s["Target"]["DeadLetterConfig"]["Arn"].rsplit(":", 1)[1] not in ABSENT
    }
    arns = {attributes["QueueArn"]: attributes for attributes in demo.queues.values()}
    assert dlqs <= set(arns)
    assert arns[f"arn:aws:sqs:{REGION}:{ACCOUNT}:{FIFO_DLQ}"]["FifoQueue"] == "true"
    standard = [a for arn, a in arns.items() if arn in dlqs and not arn.endswith(".fifo")]
    assert standard
    assert all(a.get("FifoQueue", "false") == "false" for a in standard)


def test_plan_is_deterministic_and_relative_to_now() -> None:
    now = datetime(2031, 3, 4, 5, 6, 7, tzinfo=UTC)
    first, second = plan_demo(now=now), plan_demo(now=now)
    assert [p.request for p in first.schedules] == [p.request for p in second.schedules]
    later = plan_demo(now=now + timedelta(days=10))
    assert [p.request["Name"] for p in later.schedules] == [
        p.request["Name"] for p in first.schedules
    ]
    expired = next(p for p in later.schedules if p.request["Name"] == "spring-sale-price-sync")
    assert expired.request["EndDate"] == datetime(2031, 3, 5, tzinfo=UTC)  # later's day - 9
    assert all(p.created <= p.modified <= now for p in first.schedules)


def test_size_seeds_exactly_that_many_readable_schedules_fast() -> None:
    backend = DemoBackend(size=5000)
    with backend as settings:
        scheduler = AwsClients(settings).scheduler
        names = [
            (summary["GroupName"], summary["Name"])
            for page in scheduler.get_paginator("list_schedules").paginate(
                PaginationConfig={"PageSize": 100}
            )
            for summary in page["Schedules"]
        ]
        one = scheduler.get_schedule(GroupName=names[-1][0], Name=names[-1][1])
    assert backend.seed_result is not None
    seconds = backend.seed_result.seconds
    print(f"\nseed_demo(size=5000): {seconds:.3f} s")
    assert len(names) == len(set(names)) == 5000
    assert all(NAME.fullmatch(name) for _, name in names)
    assert len({group for group, _ in names}) >= 7
    assert one["Target"]["RoleArn"].startswith(f"arn:aws:iam::{ACCOUNT}:role/")


def test_api_and_direct_seeding_store_the_same_schedules() -> None:
    now = datetime.now(UTC).replace(microsecond=0)

    def read_all(settings: AwsSettings) -> dict[tuple[str, str], dict[str, Any]]:
        scheduler: Any = AwsClients(settings).scheduler
        return {
            (s["GroupName"], s["Name"]): _present(
                scheduler.get_schedule(GroupName=s["GroupName"], Name=s["Name"])
            )
            for page in scheduler.get_paginator("list_schedules").paginate()
            for s in page["Schedules"]
        }

    with DemoBackend(now=now) as settings:
        direct = read_all(settings)
    with DemoBackend(now=now, seed=False) as settings:
        result = seed_demo(settings, now=now, via_api=True)
        through_api = read_all(settings)
    print(f"\nseed_demo(via_api=True), default demo: {result.seconds:.3f} s")
    assert through_api == direct


def test_backend_lifecycle_environment_and_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    # Hostile surroundings: a proxy that does not exist and a profile that does not either.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALLOOKINGKEY00")
    before = dict(os.environ)
    backend = DemoBackend(seed=False)
    settings = backend.start()
    try:
        assert settings.region == REGION
        assert settings.endpoint_url == backend.endpoint_url
        assert settings.endpoint_url is not None
        assert settings.endpoint_url.startswith("http://127.0.0.1:")
        assert os.environ["AWS_ACCESS_KEY_ID"] != "AKIAREALLOOKINGKEY00"
        assert "AWS_PROFILE" not in os.environ
        groups = AwsClients(settings).scheduler.list_schedule_groups()["ScheduleGroups"]
        assert [group["Name"] for group in groups] == ["default"]
    finally:
        started = time.perf_counter()
        backend.stop()
        stop_seconds = time.perf_counter() - started
    assert dict(os.environ) == before
    print(f"\nstop: {stop_seconds:.3f} s")
    backend.stop()  # idempotent


def test_seeding_refuses_anything_but_the_loopback() -> None:
    for target in (
        "https://scheduler.us-east-1.amazonaws.com",
        AwsSettings(region=REGION),  # no endpoint: boto3 would go to AWS
        AwsSettings(region=REGION, endpoint_url="http://10.0.0.8:5000"),
    ):
        with pytest.raises(ValueError, match="refusing to seed"):
            seed_demo(target, size=1)
