"""Seed data for ``schedtui --demo``: the module guide's schedules plus a realistic account.

The default demo (``size=None``) holds the two schedules and the group of the Terraform module
guide (/work/shared/seed-module-guide.md, the project's first real-world input) and about 200
more over eight groups, chosen so that every screen and every health finding has something to
show: every target kind, many time zones, rate/at/cron with L, W, #, wrapping ranges, flexible
windows, DLQs on most schedules, a FIFO DLQ, a passed EndDate, a past at(), a future StartDate,
retry policies left at AWS's defaults, an escaped placeholder and Rich markup and terminal escape
sequences in free text. ``size=N`` gives exactly N schedules of the same kinds (benchmarks).

Two ways in, one plan:
- ``plan_demo`` builds CreateSchedule requests in boto3's shapes (pure, deterministic: a fixed
  RNG seed and dates relative to ``now``);
- ``seed_demo`` writes them straight into moto's in-process backend objects (100k schedules in a
  few seconds instead of ~6 minutes of API calls), or, with ``via_api=True``, sends them through
  boto3 (for a moto server in another process, and to prove the two paths store the same shapes).

What the guide has that Scheduler does not, and what we did with it: tags on schedules (AWS
tags only groups: dropped), a group description (no such member: dropped), an ECS target whose
ARN is the task definition (AWS wants the cluster ARN as the target: the task definition moved to
EcsParameters, as the brief asks), ``assign_public_ip = false`` (sent as ``DISABLED``) and the
``region``/``account`` placeholders (us-east-1 / 123456789012, moto's default account).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from schedtui.aws.session import AwsSettings
from schedtui.core.schedules.arns import TargetKind, arn_template
from schedtui.demo import planted
from schedtui.demo.story import apply_story, story_dates

if TYPE_CHECKING:
    from mypy_boto3_scheduler.type_defs import TagTypeDef

DEMO_ACCOUNT: Final = "123456789012"  # moto's default account, and the guide's example one
DEMO_REGION: Final = "us-east-1"
# The module guide's 2 plus "about 200", plus the doctor's group (planted.py).
DEFAULT_DEMO_SIZE: Final = 212 + len(planted.PLANTED) + len(planted.COLLIDING)
# Fixed, so that one `now` always gives the same demo (screenshots and tests depend on it).
_RNG_SEED: Final = 20_240_611
# Fake credentials for the demo's clients; moto maps any unknown key to DEMO_ACCOUNT.
FAKE_CREDENTIALS: Final[Mapping[str, str]] = {
    "aws_access_key_id": "AKIADEMOSCHEDTUI0000",
    "aws_secret_access_key": "demo-secret-not-a-real-key",
    "aws_session_token": "demo-session-token",
}
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})

# Target kinds, by the ARN they use (see ``_target``).
LAMBDA, SQS, SNS, SFN, ECS = "lambda", "sqs", "sns", "sfn", "ecs"
EVENTS, KINESIS, FIREHOSE, SAGEMAKER = "events", "kinesis", "firehose", "sagemaker"
CODEBUILD, CODEPIPELINE = "codebuild", "codepipeline"
INSPECTOR, UNIVERSAL = "inspector", "universal"
TARGET_KINDS: Final = (
    LAMBDA, SQS, SNS, SFN, ECS, EVENTS, KINESIS, FIREHOSE,
    SAGEMAKER, CODEBUILD, CODEPIPELINE, INSPECTOR, UNIVERSAL,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoGroup:
    name: str
    tags: Mapping[str, str]
    role: str  # IAM role name its schedules use
    dlq: str  # name of the SQS queue its schedules use as DLQ
    qualifiers: tuple[str, ...]  # what generated names vary by (market, entity, env...)
    weight: int  # share of the generated schedules


@dataclass(frozen=True, slots=True)
class PlannedSchedule:
    """One schedule: CreateSchedule keyword arguments plus the dates only AWS sets."""

    request: dict[str, Any]
    created: datetime
    modified: datetime


@dataclass(frozen=True, slots=True)
class DemoPlan:
    groups: tuple[DemoGroup, ...]
    schedules: list[PlannedSchedule]
    queues: tuple[str, ...]  # every DLQ the schedules name (but planted.ABSENT); ".fifo": FIFO


@dataclass(frozen=True, slots=True)
class SeedResult:
    groups: int
    schedules: int
    queues: int
    seconds: float


GUIDE_GROUP: Final = "batch-jobs-group"
# fmt: off
GROUPS: Final[tuple[DemoGroup, ...]] = (
    # The module guide's group holds only its two schedules, exactly as the guide writes them.
    DemoGroup(GUIDE_GROUP, {"Environment": "prod", "Service": "batch"},
              "EventBridgeSchedulerRole", "scheduler-dlq", (), 0),
    DemoGroup("orders", {"Environment": "prod", "Service": "orders", "Team": "commerce"},
              "scheduler-orders-invoke", "orders-scheduler-dlq",
              ("es", "fr", "de", "it", "uk", "us", "mx", "br", "jp", "au"), 20),
    DemoGroup("billing", {"Environment": "prod", "Service": "billing", "Team": "finance-eng",
                          "CostCenter": "CC-4410"},
              "scheduler-billing-invoke", "billing-scheduler-dlq",
              ("acme-es", "acme-us", "acme-uk", "acme-jp", "acme-au", "acme-de"), 12),
    DemoGroup("data-pipeline", {"Environment": "prod", "Service": "data-platform",
                                "Team": "data-eng"},
              "scheduler-data-platform", "data-pipeline-dlq",
              ("clickstream", "orders-db", "crm", "payments", "inventory", "support"), 20),
    DemoGroup("notifications", {"Environment": "prod", "Service": "notifications",
                                "Team": "growth"},
              "scheduler-notifications", "notifications-dlq",
              ("emea", "americas", "apac", "anz", "india", "latam"), 15),
    DemoGroup("ml-training", {"Environment": "prod", "Service": "ml-platform", "Team": "ml"},
              "scheduler-ml-platform", "ml-training-dlq",
              ("churn", "ranking", "fraud", "forecast", "recsys", "search"), 8),
    DemoGroup("ops-maintenance", {"Environment": "prod", "Service": "platform", "Team": "sre"},
              "scheduler-ops-automation", "scheduler-dlq",
              ("dev", "staging", "sandbox", "perf", "qa", "demo"), 15),
    DemoGroup("qa-synthetics", {"Environment": "staging", "Service": "qa", "Team": "quality"},
              "scheduler-qa-synthetics", "qa-synthetics-dlq",
              ("eu-west-1", "us-east-1", "ap-northeast-1", "sa-east-1"), 6),
    # One schedule per problem the doctor finds (planted.py); no generated ones.
    DemoGroup(planted.DOCTOR_GROUP, {"Environment": "prod", "Service": "ledger", "Team": "sre"},
              planted.DOCTOR_ROLE, planted.DOCTOR_DLQ, (), 0),
    # `default` always exists and has no tags; people leave odds and ends in it.
    DemoGroup("default", {}, "scheduler-default-invoke", "scheduler-dlq",
              ("tmp", "old", "v2", "test", "john", "maria"), 4),
)
# fmt: on
_GROUPS_BY_NAME: Final = {group.name: group for group in GROUPS}
FIFO_DLQ: Final = "orders-events-dlq.fifo"  # the one DLQ AWS would refuse (a health finding)


@dataclass(frozen=True, slots=True)
class _Job:
    """A kind of job a group runs; generated schedules are a job for one qualifier.

    ``resource`` and ``input`` may hold ``@Q@`` (the qualifier); ``description`` holds ``{q}``.
    ``resource`` packs the kind's extra parameters, see ``_target``.
    """

    base: str
    kind: str
    resource: str
    cadence: str
    description: str
    input: str | None = None


# fmt: off
_JOBS: Final[dict[str, tuple[_Job, ...]]] = {
    "orders": (
        _Job("abandoned-cart-reminder", LAMBDA, "abandoned-cart-reminder", "hourly",
             "Emails shoppers who left items in the cart ({q} storefront)",
             '{"market":"@Q@","lookbackMinutes":60}'),
        _Job("order-export-to-warehouse", SQS, "warehouse-order-export", "frequent",
             "Pushes paid orders to the {q} warehouse WMS", '{"market":"@Q@","status":"PAID"}'),
        _Job("order-sla-breach-check", LAMBDA, "order-sla-monitor", "frequent",
             "Flags orders not shipped within the {q} SLA", '{"market":"@Q@","slaHours":48}'),
        _Job("daily-sales-report", SFN, "daily-sales-report", "daily",
             "Builds the {q} daily sales report and mails it to finance",
             '{"market":"@Q@","reportDate":"<aws.scheduler.scheduled-time>"}'),
        _Job("returns-auto-close", LAMBDA, "returns-auto-close", "daily",
             "Closes {q} return requests with no parcel after 30 days",
             '{"market":"@Q@","maxAgeDays":30}'),
        _Job("order-events-replay", EVENTS, "orders-bus|com.acme.orders|OrderReplayRequested",
             "hourly", "Replays {q} order events the search indexer missed",
             '{"market":"@Q@","window":"PT1H"}'),
        _Job("clickstream-heartbeat", KINESIS, "storefront-clickstream|heartbeat-@Q@", "frequent",
             "Heartbeat record so {q} clickstream consumers notice idle shards",
             '{"type":"heartbeat","market":"@Q@"}'),
        _Job("inventory-snapshot", FIREHOSE, "inventory-snapshots", "hourly",
             "Streams the {q} inventory snapshot to the data lake",
             '{"market":"@Q@","kind":"snapshot"}'),
        _Job("flash-sale-start", SNS, "flash-sale-events", "oneoff",
             "Opens the {q} flash sale and notifies subscribers",
             '{"event":"FLASH_SALE_START","market":"@Q@"}'),
        _Job("cart-cleanup", ECS, "orders-cluster|cart-cleanup", "weekly",
             "Deletes {q} guest carts older than 90 days"),
    ),
    "billing": (
        _Job("invoice-generation", SFN, "invoice-generation", "monthly",
             "Generates and emails monthly invoices for {q}",
             '{"entity":"@Q@","period":"previous-month"}'),
        _Job("dunning-emails", SNS, "billing-dunning", "business",
             "Reminds {q} customers with overdue invoices",
             '{"entity":"@Q@","daysOverdue":[7,14,30]}'),
        _Job("usage-aggregation", FIREHOSE, "metered-usage", "hourly",
             "Aggregates metered usage records for {q}", '{"entity":"@Q@"}'),
        _Job("payment-retry-sweep", SQS, "payment-retries", "hourly",
             "Retries failed card payments for {q}", '{"entity":"@Q@","maxAttempts":3}'),
        _Job("fx-rates-refresh", LAMBDA, "fx-rates-refresh", "hourly",
             "Refreshes the FX rates used to price {q} invoices",
             '{"base":"EUR","entity":"@Q@"}'),
        _Job("ledger-close", SFN, "ledger-close", "monthly", "Month-end ledger close for {q}",
             '{"entity":"@Q@","closeDate":"<aws.scheduler.scheduled-time>"}'),
        _Job("tax-report", CODEBUILD, "tax-report-generator", "quarterly",
             "Builds the quarterly VAT / sales-tax report for {q}",
             '{"environmentVariablesOverride":[{"name":"ENTITY","value":"@Q@",'
             '"type":"PLAINTEXT"}]}'),
        _Job("payout-reconcile", LAMBDA, "payout-reconciler", "daily",
             "Reconciles PSP payouts against the {q} ledger", '{"entity":"@Q@","psp":"adyen"}'),
        _Job("revenue-recognition", EVENTS,
             "finance-bus|com.acme.billing|RevenueRecognitionDue", "daily",
             "Emits the daily revenue-recognition event for {q}", '{"entity":"@Q@"}'),
    ),
    "data-pipeline": (
        _Job("s3-ingest", SFN, "raw-zone-ingest", "hourly",
             "Ingests new {q} files from the landing bucket",
             '{"source":"@Q@","partition":"<aws.scheduler.scheduled-time>"}'),
        _Job("glue-crawler", UNIVERSAL, "glue:startCrawler", "daily",
             "Crawls the {q} raw zone so Athena sees new partitions",
             '{"Name":"@Q@-raw-crawler"}'),
        _Job("athena-partition-repair", UNIVERSAL, "athena:startQueryExecution", "daily",
             "Repairs the {q} table partitions",
             '{"QueryString":"MSCK REPAIR TABLE raw.\\"@Q@\\"","WorkGroup":"etl"}'),
        _Job("parquet-compaction", ECS, "data-platform|parquet-compactor", "daily",
             "Compacts small {q} parquet files"),
        _Job("dbt-run", CODEBUILD, "dbt-nightly", "daily", "Runs the dbt models tagged {q}",
             '{"sourceVersion":"main","environmentVariablesOverride":[{"name":"DBT_SELECT",'
             '"value":"tag:@Q@","type":"PLAINTEXT"}]}'),
        _Job("data-quality-checks", LAMBDA, "data-quality-runner", "daily",
             "Runs the data-quality suite on {q}", '{"suite":"@Q@","failOn":"error"}'),
        _Job("mv-refresh", UNIVERSAL, "redshiftdata:executeStatement", "hourly",
             "Refreshes the {q} materialized views in the warehouse",
             '{"ClusterIdentifier":"analytics","Database":"dw","DbUser":"etl",'
             '"Sql":"CALL refresh_mv(\'@Q@\')"}'),
        _Job("cdc-replay", KINESIS, "cdc-events|@Q@", "hourly",
             "Replays {q} change events for late consumers", '{"source":"@Q@","mode":"replay"}'),
        _Job("lake-backfill", FIREHOSE, "lake-backfill", "weekly",
             "Weekly backfill of {q} into the lake", '{"source":"@Q@","days":7}'),
    ),
    "notifications": (
        _Job("daily-digest-email", LAMBDA, "digest-sender", "daily",
             "Sends the daily activity digest to {q} users",
             '{"region":"@Q@","template":"daily-digest-v3"}'),
        _Job("push-campaign", SNS, "push-campaigns", "oneoff", "Scheduled push campaign for {q}",
             '{"campaign":"spring-@Q@","audience":"active-30d"}'),
        _Job("weekly-newsletter", SFN, "newsletter-send", "weekly",
             "Assembles and sends the {q} newsletter", '{"edition":"weekly","region":"@Q@"}'),
        _Job("webhook-retry-drain", SQS, "webhook-retries", "frequent",
             "Re-drives failed customer webhooks ({q})", '{"region":"@Q@","batch":100}'),
        _Job("sms-quiet-hours-flush", LAMBDA, "sms-queue-flush", "daily",
             "Sends {q} SMS held back during quiet hours", '{"region":"@Q@"}'),
        _Job("oncall-reminder", SNS, "oncall-reminders", "business",
             "Reminds the {q} on-call engineer of open pages",
             "On-call (@Q@): check open pages before handover."),
        _Job("badge-refresh", EVENTS, "notifications-bus|com.acme.notifications|BadgeRefresh",
             "frequent", "Refreshes unread badges for {q}", '{"region":"@Q@"}'),
        _Job("bounce-export", FIREHOSE, "ses-bounces", "hourly",
             "Exports {q} email bounces to the lake", '{"region":"@Q@"}'),
    ),
    "ml-training": (
        _Job("nightly-retrain", SAGEMAKER,
             "@Q@-training-pipeline|TrainingInstanceType=ml.g5.2xlarge,Epochs=20", "daily",
             "Retrains the {q} model on yesterday's data"),
        _Job("feature-backfill", SAGEMAKER,
             "feature-store-backfill|FeatureGroup=@Q@-features,LookbackDays=7", "weekly",
             "Backfills the {q} feature group"),
        _Job("drift-monitor", LAMBDA, "model-drift-monitor", "hourly",
             "Checks the {q} model for data drift", '{"model":"@Q@","threshold":0.15}'),
        _Job("gpu-training-window", ECS, "ml-gpu|@Q@-trainer|EC2", "weekly",
             "Weekend GPU training run for {q} on spot capacity"),
        _Job("notebook-stop", UNIVERSAL, "sagemaker:stopNotebookInstance", "business",
             "Stops the {q} research notebook at night",
             '{"NotebookInstanceName":"@Q@-research"}'),
        _Job("model-promote", CODEPIPELINE, "@Q@-model-promotion", "weekly",
             "Promotes the {q} candidate model if it beat production"),
        _Job("embeddings-refresh", SFN, "embeddings-refresh", "daily",
             "Recomputes {q} embeddings", '{"model":"@Q@","shards":16}'),
    ),
    "ops-maintenance": (
        _Job("ec2-stop-nightly", UNIVERSAL, "ec2:stopInstances", "evening",
             "Stops the {q} EC2 fleet out of hours",
             '{"InstanceIds":["i-0a1b2c3d4e5f60718","i-0f9e8d7c6b5a40312"]}'),
        _Job("ec2-start-morning", UNIVERSAL, "ec2:startInstances", "morning",
             "Starts the {q} EC2 fleet before office hours",
             '{"InstanceIds":["i-0a1b2c3d4e5f60718","i-0f9e8d7c6b5a40312"]}'),
        _Job("rds-cluster-start", UNIVERSAL, "rds:startDBCluster", "morning",
             "Starts the {q} Aurora cluster", '{"DbClusterIdentifier":"@Q@-aurora"}'),
        _Job("rds-cluster-stop", UNIVERSAL, "rds:stopDBCluster", "evening",
             "Stops the {q} Aurora cluster to save money", '{"DbClusterIdentifier":"@Q@-aurora"}'),
        _Job("inspector-assessment", INSPECTOR, "0-nvgVhaxX|0-7sbz2Kz0", "weekly",
             "Runs the CIS benchmark assessment on {q} hosts"),
        _Job("cert-expiry-scan", LAMBDA, "cert-expiry-scanner", "daily",
             "Pages when a {q} certificate expires within 21 days",
             '{"environment":"@Q@","warnDays":21}'),
        _Job("ami-cleanup", CODEBUILD, "ami-janitor", "weekly",
             "Deregisters unused {q} AMIs older than 90 days"),
        _Job("infra-drift-detection", CODEPIPELINE, "infra-drift-@Q@", "daily",
             "Runs terraform plan on {q} and reports drift"),
        _Job("ecs-scale-down", UNIVERSAL, "ecs:updateService", "evening",
             "Scales the {q} web service to zero at night",
             '{"Cluster":"@Q@","Service":"web","DesiredCount":0}'),
        _Job("asg-scale-up", UNIVERSAL, "autoscaling:setDesiredCapacity", "morning",
             "Scales the {q} workers up for business hours",
             '{"AutoScalingGroupName":"@Q@-workers","DesiredCapacity":4}'),
        _Job("patch-run", UNIVERSAL, "ssm:startAutomationExecution", "monthly",
             "Monthly patching of {q} instances with rollback",
             '{"DocumentName":"AWS-PatchInstanceWithRollback",'
             '"Parameters":{"InstanceId":["i-0123456789abcdef0"]}}'),
        _Job("log-retention-enforcer", LAMBDA, "log-retention-enforcer", "weekly",
             "Sets a 30-day retention on new {q} log groups",
             '{"environment":"@Q@","retentionDays":30}'),
    ),
    "qa-synthetics": (
        _Job("canary-login-flow", LAMBDA, "synthetics-login", "frequent",
             "Synthetic login from {q}", '{"region":"@Q@","user":"canary-01"}'),
        _Job("canary-checkout", LAMBDA, "synthetics-checkout", "frequent",
             "Synthetic checkout from {q}", '{"region":"@Q@","sku":"TEST-SKU-001"}'),
        _Job("load-test", CODEBUILD, "k6-load-tests", "weekly", "Weekly k6 load test from {q}",
             '{"environmentVariablesOverride":[{"name":"TARGET_REGION","value":"@Q@",'
             '"type":"PLAINTEXT"}]}'),
        _Job("e2e-suite", CODEPIPELINE, "e2e-regression", "daily",
             "Nightly end-to-end regression ({q})"),
        _Job("synthetic-order-placer", SFN, "synthetic-orders", "hourly",
             "Places and cancels a test order from {q}", '{"region":"@Q@","cancel":true}'),
    ),
    "default": (
        _Job("test-schedule", LAMBDA, "hello-world", "hourly", "testing", '{"hello":"world"}'),
        _Job("legacy-cron-migration", SQS, "legacy-jobs", "daily",
             "Migrated from the old crontab on batch01 ({q})", "run-legacy-job --id @Q@"),
        _Job("team-reminder", SNS, "team-reminders", "weekly", "Reminder for {q}",
             "Friendly reminder (@Q@): fill in your timesheet."),
    ),
}

# Plausible expressions per cadence; the curated schedules add the rarer shapes.
_CADENCES: Final[dict[str, tuple[str, ...]]] = {
    "frequent": ("rate(1 minute)", "rate(5 minutes)", "rate(10 minutes)", "rate(15 minutes)",
                 "cron(0/5 * * * ? *)", "cron(0/15 * * * ? *)"),
    "hourly": ("rate(1 hour)", "rate(2 hours)", "rate(30 minutes)", "cron(0 * * * ? *)",
               "cron(15 0/2 * * ? *)", "cron(0 8-20 ? * MON-FRI *)", "rate(6 hours)"),
    "daily": ("cron(0 2 * * ? *)", "cron(30 3 * * ? *)", "cron(0 6 * * ? *)",
              "cron(45 23 * * ? *)", "rate(1 day)", "cron(0 22-2 * * ? *)", "rate(12 hours)"),
    "business": ("cron(0 8 ? * MON-FRI *)", "cron(0 18 ? * MON-FRI *)", "cron(30 9 ? * 2-6 *)",
                 "cron(0 10 ? * MON,WED,FRI *)"),
    "morning": ("cron(0 7 ? * MON-FRI *)", "cron(30 6 ? * MON-FRI *)", "cron(45 7 ? * 2-6 *)"),
    "evening": ("cron(0 20 ? * MON-FRI *)", "cron(30 19 ? * MON-FRI *)", "cron(0 21 ? * 2-6 *)"),
    "weekly": ("cron(0 0 ? * SUN *)", "cron(0 3 ? * SAT *)", "rate(7 days)", "cron(0 10 ? * MON *)",
               "cron(30 21 ? * FRI-MON *)"),
    "monthly": ("cron(0 1 1 * ? *)", "cron(0 23 L * ? *)", "cron(0 7 1W * ? *)",
                "cron(0 6 LW * ? *)", "cron(0 10 ? * 2#1 *)", "cron(0 17 ? * 6L *)",
                "cron(0 9 15 * ? *)", "cron(0 12 ? * 3#2 *)"),
    "quarterly": ("cron(0 7 1 1,4,7,10 ? *)", "cron(0 6 L 3,6,9,12 ? *)",
                  "cron(0 9 ? JAN,APR,JUL,OCT 2#1 *)"),
    "oneoff": (),  # at(), drawn relative to `now`
}
# fmt: on
# None: no ScheduleExpressionTimezone at all (AWS evaluates in UTC).
_ZONES: Final = (
    (None, 30),
    ("UTC", 8),
    ("Europe/Madrid", 12),
    ("America/New_York", 12),
    ("Asia/Tokyo", 6),
    ("Australia/Sydney", 5),
    ("Europe/London", 6),
    ("America/Los_Angeles", 6),
    ("Asia/Kolkata", 4),
    ("America/Sao_Paulo", 3),
    ("Europe/Berlin", 4),
    ("Asia/Singapore", 2),
)  # fmt: skip
_WINDOWS: Final = (5, 10, 15, 30, 60, 120, 240)
_RETRIES: Final = ((0, 60), (2, 3600), (3, 3600), (5, 7200), (10, 21600), (185, 86400))
_KMS_KEY: Final = "key/5f0c8a3e-2b7d-4c1a-9e6f-8d2b1a0c7e34"


# The demo's short names for target kinds.
_KINDS: Final = {
    "lambda": TargetKind.LAMBDA,
    "sqs": TargetKind.SQS,
    "sns": TargetKind.SNS,
    "sfn": TargetKind.STEP_FUNCTIONS,
    "ecs": TargetKind.ECS,
    "events": TargetKind.EVENTBRIDGE,
    "kinesis": TargetKind.KINESIS,
    "firehose": TargetKind.FIREHOSE,
    "sagemaker": TargetKind.SAGEMAKER,
    "codebuild": TargetKind.CODEBUILD,
    "codepipeline": TargetKind.CODEPIPELINE,
    "inspector": TargetKind.INSPECTOR,
    "universal": TargetKind.UNIVERSAL,
}


class _Arns:
    """The ARNs the demo uses, for one region (moto's default account)."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.prefix = f"{region}:{DEMO_ACCOUNT}"

    def role(self, name: str) -> str:
        return f"arn:aws:iam::{DEMO_ACCOUNT}:role/{name}"

    def sqs(self, queue: str) -> str:
        return f"arn:aws:sqs:{self.prefix}:{queue}"

    def kms(self, key: str = _KMS_KEY) -> str:
        return f"arn:aws:kms:{self.prefix}:{key}"

    def target_arn(self, kind: str, resource: str) -> str:
        if kind == "inspector":
            target, template = resource.split("/")
            resource = f"{target}/template/{template}"
        return arn_template(_KINDS[kind], self.region, DEMO_ACCOUNT, resource)


def _target(
    arns: _Arns,
    kind: str,
    resource: str,
    role: str,
    *,
    input: str | None = None,
    dlq: str | None = None,
    retry: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """A Target in boto3's shape. ``resource`` packs what the kind needs, '|'-separated:
    ecs ``cluster|task-family[|EC2]``, events ``bus|source|detail-type``, kinesis
    ``stream|partition-key``, sagemaker ``pipeline|Name=Value,...``, sqs ``queue[|group-id]``
    (a group id for FIFO queues), inspector ``target-id|template-id``, universal
    ``service:action``; the rest is the resource name.
    """
    parts = resource.split("|")
    target: dict[str, Any] = {"RoleArn": arns.role(role)}
    if kind == ECS:
        cluster, family = parts[0], parts[1]
        target["Arn"] = arns.target_arn(kind, cluster)
        ec2 = len(parts) > 2 and parts[2] == "EC2"
        revision = 3 + len(family) % 9  # any stable, plausible revision
        ecs: dict[str, Any] = {
            "TaskDefinitionArn": f"arn:aws:ecs:{arns.prefix}:task-definition/{family}:{revision}",
            "TaskCount": 1,
            "LaunchType": "EC2" if ec2 else "FARGATE",
            "NetworkConfiguration": {
                "awsvpcConfiguration": {
                    "Subnets": ["subnet-0b1c2d3e4f5a6b7c8", "subnet-0c2d3e4f5a6b7c8d9"],
                    "SecurityGroups": ["sg-0a9b8c7d6e5f40312"],
                    "AssignPublicIp": "DISABLED",
                }
            },
        }
        if ec2:
            # The capacity-provider form replaces LaunchType in real use: show both shapes.
            del ecs["LaunchType"]
            ecs["CapacityProviderStrategy"] = [
                {"capacityProvider": "gpu-spot", "weight": 3, "base": 0},
                {"capacityProvider": "gpu-on-demand", "weight": 1, "base": 1},
            ]
            ecs["PlacementStrategy"] = [{"type": "binpack", "field": "memory"}]
            ecs["EnableECSManagedTags"] = True
            ecs["PropagateTags"] = "TASK_DEFINITION"
        else:
            ecs["PlatformVersion"] = "LATEST"
        target["EcsParameters"] = ecs
    elif kind == EVENTS:
        target["Arn"] = arns.target_arn(kind, parts[0])
        target["EventBridgeParameters"] = {"Source": parts[1], "DetailType": parts[2]}
    elif kind == KINESIS:
        target["Arn"] = arns.target_arn(kind, parts[0])
        target["KinesisParameters"] = {"PartitionKey": parts[1]}
    elif kind == SAGEMAKER:
        target["Arn"] = arns.target_arn(kind, parts[0])
        target["SageMakerPipelineParameters"] = {
            "PipelineParameterList": [
                {"Name": name, "Value": value}
                for name, value in (pair.split("=", 1) for pair in parts[1].split(","))
            ]
        }
    elif kind == SQS:
        target["Arn"] = arns.target_arn(kind, parts[0])
        if len(parts) > 1:
            target["SqsParameters"] = {"MessageGroupId": parts[1]}
    elif kind == INSPECTOR:
        target["Arn"] = arns.target_arn(kind, "/".join(parts))
    else:
        target["Arn"] = arns.target_arn(kind, parts[0])
    if input is not None:
        target["Input"] = input
    if retry is not None:
        target["RetryPolicy"] = {
            "MaximumRetryAttempts": retry[0],
            "MaximumEventAgeInSeconds": retry[1],
        }
    if dlq is not None:
        target["DeadLetterConfig"] = {"Arn": arns.sqs(dlq)}
    return target


_OFF: Final[dict[str, Any]] = {"Mode": "OFF"}  # shared by generated schedules, never edited


def _window(minutes: int | None) -> dict[str, Any]:
    if minutes is None:
        return {"Mode": "OFF"}
    return {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": minutes}


def _request(
    name: str,
    group: str,
    expression: str,
    target: dict[str, Any],
    *,
    zone: str | None = None,
    description: str | None = None,
    state: str = "ENABLED",
    window: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    kms: str | None = None,
    after: str | None = None,
) -> dict[str, Any]:
    """CreateSchedule keyword arguments; members left None are omitted, as a client would."""
    request: dict[str, Any] = {
        "Name": name,
        "GroupName": group,
        "ScheduleExpression": expression,
        "FlexibleTimeWindow": _window(window),
        "Target": target,
        "State": state,
    }
    optional = {
        "ScheduleExpressionTimezone": zone,
        "Description": description,
        "StartDate": start,
        "EndDate": end,
        "KmsKeyArn": kms,
        "ActionAfterCompletion": after,
    }
    request.update((key, value) for key, value in optional.items() if value is not None)
    return request


def _at(moment: datetime) -> str:
    return f"at({moment:%Y-%m-%dT%H:%M:%S})"


def _guide_schedules(arns: _Arns) -> list[dict[str, Any]]:
    """The module guide's two schedules, field for field (see the module docstring)."""
    role = "EventBridgeSchedulerRole"
    backup = _target(
        arns,
        LAMBDA,
        "backup-function",
        role,
        input=json.dumps({"operation": "backup", "type": "full"}, separators=(",", ":")),
        retry=(3, 3600),
        dlq="scheduler-dlq",
    )
    maintenance: dict[str, Any] = {
        "Arn": arns.target_arn(ECS, "maintenance-cluster"),
        "RoleArn": arns.role(role),
        "EcsParameters": {
            "TaskDefinitionArn": f"arn:aws:ecs:{arns.prefix}:task-definition/maintenance:1",
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
    }
    # fmt: off
    return [
        _request("daily-backup-schedule", GUIDE_GROUP, "cron(0 2 * * ? *)", backup,
                 description="Programación diaria de respaldos", window=30),
        _request("weekly-maintenance-schedule", GUIDE_GROUP, "cron(0 0 ? * SUN *)", maintenance,
                 description="Programación semanal de mantenimiento", window=60),
    ]
    # fmt: on


def _curated(arns: _Arns, now: datetime) -> list[dict[str, Any]]:
    """Hand-written schedules: every target kind and every case a screen or finding needs."""

    def t(kind: str, resource: str, group: str, **kwargs: Any) -> dict[str, Any]:
        # Unless told otherwise: the group's role and DLQ, a sane retry policy.
        g = _GROUPS_BY_NAME[group]
        kwargs.setdefault("dlq", g.dlq)
        kwargs.setdefault("retry", (3, 3600))
        return _target(arns, kind, resource, g.role, **kwargs)

    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    markup_description = (
        "[bold]DO NOT DELETE[/] owned by [link=https://wiki.example.com/reports]reporting[/link]"
        " \x1b[31mlegacy\x1b[0m [red]mailer[/red] [/]"
    )
    escape_description = (
        "Rotates the promo banner \x1b[2J\x1b[H (copied from a terminal) "
        "\x1b]8;;https://example.com\x07click\x1b]8;;\x07 [i]unbalanced[/b] \\[escaped]"
    )
    # fmt: off
    return [
        # orders: FIFO target queue (valid) and a FIFO DLQ (AWS would refuse it: a finding).
        _request("order-status-sync", "orders", "rate(5 minutes)",
                 t(SQS, "order-status-updates.fifo|order-status", "orders",
                   input='{"sync":"carrier-status"}', dlq=FIFO_DLQ),
                 description="Polls carriers and queues status changes in order (FIFO)",
                 window=None),
        # exactly one EndDate already passed, still ENABLED: it never fires again.
        _request("spring-sale-price-sync", "orders", "rate(15 minutes)",
                 t(LAMBDA, "price-sync", "orders", input='{"campaign":"spring-sale"}'),
                 description="Syncs spring-sale prices to the storefront (campaign over)",
                 start=day - timedelta(days=60), end=day - timedelta(days=9)),
        # exactly one at() in the past, ENABLED, kept after completion.
        _request("black-friday-capacity-prewarm", "orders",
                 _at((day - timedelta(days=17)).replace(hour=6)),
                 t(UNIVERSAL, "autoscaling:setDesiredCapacity", "orders",
                   input='{"AutoScalingGroupName":"storefront-web","DesiredCapacity":48}'),
                 zone="America/New_York", after="NONE",
                 description="Pre-warms the storefront fleet before the sale opens"),
        _request("flash-sale-start-jp-summer", "orders",
                 _at((day + timedelta(days=12)).replace(hour=10)),
                 t(SNS, "flash-sale-events", "orders",
                   input='{"event":"FLASH_SALE_START","market":"jp"}'),
                 zone="Asia/Tokyo", after="DELETE", window=None,
                 description="Opens the summer flash sale in Japan"),
        _request("order-events-replay-nightly", "orders", "cron(0 3 * * ? *)",
                 t(EVENTS, "orders-bus|com.acme.orders|OrderReplayRequested", "orders",
                   input='{"window":"P1D","reason":"nightly"}'),
                 zone="Europe/Madrid", window=15,
                 description="Replays the day's order events for the search indexer"),
        _request("clickstream-shard-keepalive", "orders", "rate(1 minute)",
                 t(KINESIS, "storefront-clickstream|keepalive", "orders",
                   input='{"type":"keepalive"}', retry=(0, 60)),
                 description="Keeps idle clickstream shards visible to consumers"),
        # billing: L, W, #, nL, a future StartDate, KMS.
        _request("month-end-close", "billing", "cron(0 18 L * ? *)",
                 t(SFN, "ledger-close", "billing", input='{"entity":"acme-es"}'),
                 zone="Europe/Madrid", window=60, kms=arns.kms(),
                 description="Closes the ledger on the last day of the month"),
        _request("payroll-run", "billing", "cron(0 9 ? * 6L *)",
                 t(SFN, "payroll", "billing", input='{"country":"ES"}', retry=(2, 7200)),
                 zone="Europe/Madrid", kms=arns.kms(),
                 description="Runs payroll on the last Friday of the month"),
        _request("first-business-day-ledger-open", "billing", "cron(0 8 1W * ? *)",
                 t(LAMBDA, "ledger-open", "billing", input='{"entity":"acme-us"}'),
                 zone="America/New_York",
                 description="Opens the new period on the weekday nearest the 1st"),
        _request("board-pack-first-monday", "billing", "cron(0 7 ? * 2#1 *)",
                 t(CODEBUILD, "board-pack-builder", "billing"),
                 zone="Europe/London", window=30,
                 description="Builds the board pack on the first Monday of the month"),
        _request("new-tax-rules-recalculation", "billing", "cron(0 3 * * ? *)",
                 t(LAMBDA, "tax-recalculation", "billing",
                   input='{"ruleset":"2025-vat-reform","dryRun":false}'),
                 zone="Europe/Madrid", start=day + timedelta(days=14),
                 end=day + timedelta(days=200),
                 description="Recalculates open invoices once the new VAT rules apply"),
        _request("usage-to-firehose", "billing", "rate(1 hour)",
                 t(FIREHOSE, "metered-usage", "billing", input='{"granularity":"hour"}',
                   retry=None),
                 start=day - timedelta(days=120), window=10,
                 description="Flushes metered usage to the billing lake"),
        # data-pipeline: universal targets, SageMaker, escaped placeholder, LW, year range.
        _request("partner-feed-export", "data-pipeline", "cron(0 5 * * ? *)",
                 t(LAMBDA, "partner-feed-exporter", "data-pipeline",
                   input='{"feed":"partners","runAt":"\\u003caws.scheduler.scheduled-time>"}'),
                 description="Exports the partner feed (input generated by Terraform jsonencode)"),
        _request("redshift-resume-weekday", "data-pipeline", "cron(0 7 ? * MON-FRI *)",
                 t(UNIVERSAL, "redshift:resumeCluster", "data-pipeline",
                   input='{"ClusterIdentifier":"analytics"}'),
                 zone="Europe/Madrid", description="Resumes the warehouse for office hours"),
        _request("redshift-pause-weekday", "data-pipeline", "cron(0 21 ? * MON-FRI *)",
                 t(UNIVERSAL, "redshift:pauseCluster", "data-pipeline",
                   input='{"ClusterIdentifier":"analytics"}'),
                 zone="Europe/Madrid", description="Pauses the warehouse overnight"),
        _request("warehouse-vacuum-last-weekday", "data-pipeline", "cron(0 4 LW * ? *)",
                 t(UNIVERSAL, "redshiftdata:executeStatement", "data-pipeline",
                   input='{"ClusterIdentifier":"analytics","Database":"dw","DbUser":"etl",'
                   '"Sql":"VACUUM FULL"}'),
                 description="Full vacuum on the last weekday of the month"),
        _request("yearly-archive-rollover", "data-pipeline",
                 f"cron(0 9 1 1 ? {now.year + 1}-{now.year + 3})",
                 t(SFN, "archive-rollover", "data-pipeline", input='{"tier":"glacier"}'),
                 description="Moves last year's partitions to Glacier (next three years)"),
        _request("night-batch-watchdog", "data-pipeline", "cron(0/30 22-2 * * ? *)",
                 t(LAMBDA, "batch-watchdog", "data-pipeline", input='{"maxLagMinutes":45}'),
                 zone="UTC", description="Checks the night batch every 30 min, 22:00-02:30"),
        # notifications: the same daily job across zones; markup and escapes in free text.
        _request("digest-emea", "notifications", "cron(0 8 * * ? *)",
                 t(LAMBDA, "digest-sender", "notifications", input='{"region":"emea"}'),
                 zone="Europe/Madrid", window=30, description="Morning digest for EMEA"),
        _request("digest-americas", "notifications", "cron(0 8 * * ? *)",
                 t(LAMBDA, "digest-sender", "notifications", input='{"region":"americas"}'),
                 zone="America/New_York", window=30, description="Morning digest for the Americas"),
        _request("digest-apac", "notifications", "cron(0 8 * * ? *)",
                 t(LAMBDA, "digest-sender", "notifications", input='{"region":"apac"}'),
                 zone="Asia/Tokyo", window=30, description="Morning digest for APAC"),
        _request("digest-anz", "notifications", "cron(0 8 * * ? *)",
                 t(LAMBDA, "digest-sender", "notifications", input='{"region":"anz"}'),
                 zone="Australia/Sydney", window=30, description="Morning digest for ANZ"),
        _request("newsletter-first-tuesday", "notifications", "cron(0 10 ? * 3#1 *)",
                 t(SFN, "newsletter-send", "notifications", input='{"edition":"monthly"}'),
                 zone="Europe/London", description="Monthly newsletter, first Tuesday"),
        _request("promo-banner-rotate", "notifications", "rate(6 hours)",
                 t(SQS, "banner-rotation", "notifications",
                   input="[bold]next banner[/] \x1b[5mblink\x1b[0m [link=https://x]open[/link]"),
                 description=escape_description),
        _request("schedule-failure-digest", "notifications", "cron(0 9 ? * MON-FRI *)",
                 t(SNS, "scheduler-notifications", "notifications",
                   input='{"events":["SCHEDULE_START","SCHEDULE_COMPLETE","SCHEDULE_FAILED"]}'),
                 zone="Europe/Madrid",
                 description="Mails the scheduler failures of the last 24 h to the platform team"),
        # ml-training: SageMaker pipeline parameters, CodePipeline, EC2 capacity providers.
        _request("churn-model-retrain", "ml-training", "cron(0 1 ? * SUN *)",
                 t(SAGEMAKER, "churn-training-pipeline|TrainingInstanceType=ml.m5.4xlarge,"
                   "Epochs=30,DataWindowDays=90", "ml-training"),
                 window=120, description="Weekly churn model retraining"),
        _request("ranking-model-promotion", "ml-training", "cron(0 14 ? * WED *)",
                 t(CODEPIPELINE, "ranking-model-promotion", "ml-training"),
                 zone="America/Los_Angeles",
                 description="Promotes the ranking candidate when it beats production"),
        _request("gpu-weekend-training", "ml-training", "cron(0 20 ? * FRI *)",
                 t(ECS, "ml-gpu|recsys-trainer|EC2", "ml-training", retry=(1, 3600)),
                 zone="Europe/Madrid", window=240,
                 description="Weekend GPU training on spot capacity"),
        # ops-maintenance: universal EC2 / RDS actions, Inspector, disabled ones.
        _request("ec2-dev-stop-nightly", "ops-maintenance", "cron(0 20 ? * MON-FRI *)",
                 t(UNIVERSAL, "ec2:stopInstances", "ops-maintenance",
                   input='{"InstanceIds":["i-0a1b2c3d4e5f60718","i-0f9e8d7c6b5a40312"]}'),
                 zone="Europe/Madrid", description="Stops the dev fleet out of hours"),
        _request("ec2-dev-start-morning", "ops-maintenance", "cron(30 7 ? * MON-FRI *)",
                 t(UNIVERSAL, "ec2:startInstances", "ops-maintenance",
                   input='{"InstanceIds":["i-0a1b2c3d4e5f60718","i-0f9e8d7c6b5a40312"]}'),
                 zone="Europe/Madrid", description="Starts the dev fleet before office hours"),
        _request("rds-staging-cluster-start", "ops-maintenance", "cron(0 7 ? * MON-FRI *)",
                 t(UNIVERSAL, "rds:startDBCluster", "ops-maintenance",
                   input='{"DbClusterIdentifier":"staging-aurora"}'),
                 zone="America/New_York", description="Starts the staging Aurora cluster"),
        _request("rds-staging-cluster-stop", "ops-maintenance", "cron(0 19 ? * MON-FRI *)",
                 t(UNIVERSAL, "rds:stopDBCluster", "ops-maintenance",
                   input='{"DbClusterIdentifier":"staging-aurora"}'),
                 zone="America/New_York", description="Stops the staging Aurora cluster"),
        _request("inspector-weekly-assessment", "ops-maintenance", "cron(0 2 ? * SAT *)",
                 t(INSPECTOR, "0-nvgVhaxX|0-7sbz2Kz0", "ops-maintenance"),
                 description="CIS benchmark assessment of the production hosts"),
        _request("weekend-housekeeping", "ops-maintenance", "cron(30 21 ? * FRI-MON *)",
                 t(CODEBUILD, "ami-janitor", "ops-maintenance", retry=None, dlq=None),
                 zone="Australia/Sydney", state="DISABLED",
                 description="Paused while the AMI janitor is rewritten (OPS-2291)"),
        _request("legacy-nagios-ping", "ops-maintenance", "rate(1 minute)",
                 t(LAMBDA, "nagios-ping", "ops-maintenance", input='{}', retry=None, dlq=None),
                 state="DISABLED", description="Replaced by CloudWatch synthetics"),
        # qa-synthetics (staging)
        _request("canary-login-eu", "qa-synthetics", "rate(5 minutes)",
                 t(LAMBDA, "synthetics-login", "qa-synthetics", input='{"region":"eu-west-1"}',
                   retry=(0, 60)),
                 description="Synthetic login from Ireland"),
        # default: the odds and ends, Rich markup in description and input.
        _request("legacy-report-mailer", "default", "cron(0 6 ? * MON *)",
                 t(LAMBDA, "report-mailer", "default",
                   input=json.dumps({"subject": "[bold red]Weekly report[/]",
                                     "footer": "[link=https://x]unsubscribe[/link] [/]"}),
                   retry=None, dlq=None),
                 zone="Asia/Kolkata", description=markup_description),
        _request("tmp-test-do-not-use", "default", "rate(30 minutes)",
                 t(LAMBDA, "hello-world", "default", input='{"hello":"world"}', retry=None,
                   dlq=None),
                 state="DISABLED"),
        _request("cost-report-sao-paulo", "default", "cron(0 11 ? * MON-FRI *)",
                 t(SNS, "cost-reports", "default", input="Daily cost report is ready."),
                 zone="America/Sao_Paulo", description="Daily cost report for the LATAM team"),
    ]
    # fmt: on


def _doctor_demo(arns: _Arns, now: datetime) -> list[dict[str, Any]]:
    """The ``doctor-demo`` group: one schedule per planted problem (planted.py), each
    otherwise healthy (the group's role, its standard DLQ, 3 retries over an hour, a cron
    expression: no rate() anchored at creation), at its own minute so that only
    ``COLLIDING`` collide; then the colliding three."""
    p = planted
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    function = p.DOCTOR_FUNCTION
    elsewhere = _Arns(p.OTHER_REGION).target_arn(LAMBDA, function)

    def t(resource: str = function, role: str = p.DOCTOR_ROLE, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("dlq", p.DOCTOR_DLQ)
        kwargs.setdefault("retry", (3, 3600))
        kwargs.setdefault("input", '{"ledger":"main"}')
        return _target(arns, LAMBDA, resource, role, **kwargs)

    # fmt: off
    cases: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {  # name -> (target, options)
        "role-without-scheduler-trust": (t(role=p.ROLE_WITHOUT_TRUST), {}),
        "trust-without-source-condition": (t(role=p.ROLE_UNCONDITIONED), {}),
        "role-missing-target-permission": (t(role=p.ROLE_WITHOUT_TARGET), {}),
        "role-permission-uncertain": (t(role=p.ROLE_CONDITIONED), {}),
        "role-cannot-send-to-dlq": (t(role=p.ROLE_WITHOUT_DLQ), {}),
        "role-cannot-decrypt": (t(role=p.ROLE_WITHOUT_DECRYPT), {"kms": arns.kms()}),
        "role-does-not-exist": (t(role=p.DELETED_ROLE), {}),
        "target-function-deleted": (t(p.DELETED_FUNCTION), {}),
        "dlq-deleted": (t(dlq=p.DELETED_DLQ), {}),
        "dlq-is-fifo": (t(dlq=p.FIFO_DOCTOR_DLQ), {}),
        "dlq-retention-shorter-than-event-age": (t(dlq=p.SHORT_DLQ, retry=(3, 86400)), {}),
        "kms-key-disabled": (t(), {"kms": arns.kms(p.DISABLED_KEY)}),
        "kms-key-deleted": (t(), {"kms": arns.kms(p.DELETED_KEY)}),
        "expired-end-date-passed": (t(), {"end": day - p.EXPIRED_AGO}),
        "completed-at-kept-forever": (t(), {"expression": _at((day - p.COMPLETED_AGO)
                                                                .replace(hour=9)),
                                            "after": "NONE"}),
        "disabled-for-over-a-year": (t(), {"state": "DISABLED"}),
        "window-wider-than-period": (t(), {"expression": "cron(0/10 * * * ? *)", "window": 60}),
        "no-retries-no-dlq": (t(dlq=None, retry=(0, 60)), {}),
        "target-in-another-region": ({**t(), "Arn": elsewhere}, {}),
    }
    # fmt: on
    if set(cases) != set(p.PLANTED):
        raise AssertionError("planted.PLANTED and the doctor-demo schedules disagree")
    requests = []
    for minute, (name, (target, options)) in enumerate(cases.items()):
        expression = options.pop("expression", f"cron({minute} 4 * * ? *)")
        requests.append(
            _request(name, p.DOCTOR_GROUP, expression, target,
                     description=f"Planted for the doctor: {p.PLANTED[name].value}", **options)
        )  # fmt: skip
    for region in ("emea", "americas", "apac"):
        name = f"ledger-export-{region}"
        target = t(input=json.dumps({"ledger": region}))
        requests.append(
            _request(name, p.DOCTOR_GROUP, p.COLLISION_EXPRESSION, target,
                     description=f"Exports the {region} ledger (same function, same minute)")
        )  # fmt: skip
    return requests


def _planted_dates(request: dict[str, Any], now: datetime) -> tuple[datetime, datetime]:
    """Created and modified dates of a doctor-demo schedule: long ago, the disabled one
    untouched for ``DISABLED_FOR`` (no random draw: the rest of the demo keeps its own)."""
    created = now - planted.DISABLED_FOR - timedelta(days=100)
    if request["State"] == "DISABLED":
        return created, now - planted.DISABLED_FOR
    return created, now - timedelta(days=30)


def _weighted(pairs: Iterable[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    values, cumulative, total = [], [], 0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cumulative.append(total)
    return values, cumulative


def _generated(
    arns: _Arns, now: datetime, count: int, taken: set[str], rng: random.Random
) -> list[dict[str, Any]]:
    """``count`` varied schedules from the job catalogue; names unique across ``taken``.

    Only harmless variety here (the one-off cases live in ``_curated``): EndDates and at()
    times are in the future and StartDates in the past, and only on rate() schedules (where
    they anchor the rate) so that moto's StartDate check never refuses them over the API.

    Written for 100k schedules in well under a second: ``seq[int(rand() * len(seq))]`` instead
    of ``rng.choice`` (3x cheaper), and one Target per (job, qualifier, retry, DLQ) shared by
    every schedule that draws it (a few thousand distinct ones; it also saves memory). Shared
    targets are never edited: the direct writer hands moto a copy, and moto replaces a target
    on update rather than changing it.
    """
    groups = [group for group in GROUPS if group.weight]
    picks = rng.choices(groups, weights=[group.weight for group in groups], k=count)
    zones, zone_weights = _weighted(_ZONES)
    zone_picks = rng.choices(zones, cum_weights=zone_weights, k=count)
    rand = rng.random
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    kms = arns.kms()
    targets: dict[tuple[str, str, str, int, bool], dict[str, Any]] = {}
    windows = [_window(minutes) for minutes in _WINDOWS]
    used: dict[str, int] = {}  # name stem -> how many schedules took it, to number repeats
    requests = []
    for group, zone in zip(picks, zone_picks, strict=True):
        jobs = _JOBS[group.name]
        job = jobs[int(rand() * len(jobs))]
        qualifier = group.qualifiers[int(rand() * len(group.qualifiers))]
        stem = f"{job.base}-{qualifier}"
        name = stem
        while name in taken:
            used[stem] = used.get(stem, 1) + 1
            name = f"{stem}-{used[stem]:03d}"
        taken.add(name)
        request: dict[str, Any] = {"Name": name, "GroupName": group.name}
        roll = rand()
        if job.cadence == "oneoff":
            # 08:00-20:45 local: never a time that daylight saving skips.
            moment = day + timedelta(
                days=1 + int(rand() * 120), hours=8 + int(rand() * 13), minutes=15 * int(rand() * 4)
            )
            request["ScheduleExpression"] = _at(moment)
            request["ActionAfterCompletion"] = "DELETE" if roll < 0.7 else "NONE"
        else:
            cadence = _CADENCES[job.cadence]
            expression = cadence[int(rand() * len(cadence))]
            request["ScheduleExpression"] = expression
            if roll < 0.3 and expression.startswith("rate("):
                request["StartDate"] = day - timedelta(
                    days=1 + int(rand() * 400), hours=int(roll * 80)
                )
        if roll > 0.95:
            request["EndDate"] = day + timedelta(days=30 + int(rand() * 370))
        retry = -1 if rand() < 0.25 else int(rand() * len(_RETRIES))
        has_dlq = rand() < 0.8
        key = (group.name, job.base, qualifier, retry, has_dlq)
        target = targets.get(key)
        if target is None:
            target = targets[key] = _target(
                arns,
                job.kind,
                job.resource.replace("@Q@", qualifier),
                group.role,
                input=None if job.input is None else job.input.replace("@Q@", qualifier),
                dlq=group.dlq if has_dlq else None,
                retry=None if retry < 0 else _RETRIES[retry],
            )
        request["Target"] = target
        request["State"] = "DISABLED" if rand() < 0.08 else "ENABLED"
        window = rand()
        request["FlexibleTimeWindow"] = (
            windows[int(window * 2.5 * len(_WINDOWS))] if window < 0.4 else _OFF
        )
        if zone is not None:
            request["ScheduleExpressionTimezone"] = zone
        if rand() < 0.85:
            request["Description"] = job.description.replace("{q}", qualifier)
        if rand() < 0.04:
            request["KmsKeyArn"] = kms
        requests.append(request)
    return requests


def plan_demo(
    size: int | None = None, now: datetime | None = None, *, region: str = DEMO_REGION
) -> DemoPlan:
    """The groups, schedules and DLQ names of a demo (nothing is sent or written).

    ``size=None`` is the default demo (``DEFAULT_DEMO_SIZE`` schedules). ``size=N`` gives exactly
    N: the module guide's two first, then the curated cases, the doctor's (planted.py), then
    generated ones (so a small N may leave some curated or planted cases out). Deterministic
    for a given ``now`` (default: the clock).
    Requests may share nested members (see ``_generated``): copy before changing one.
    """
    if size is not None and size < 0:
        raise ValueError("size must be >= 0")
    now = _aware(now)
    arns = _Arns(region)
    rng = random.Random(_RNG_SEED)
    wanted = DEFAULT_DEMO_SIZE if size is None else size
    requests = (_guide_schedules(arns) + _curated(arns, now) + _doctor_demo(arns, now))[:wanted]
    taken = {request["Name"] for request in requests}
    requests += _generated(arns, now, wanted - len(requests), taken, rng)
    if size is None:
        # The story the runs and history tell (story.py): after the generator, so that the
        # rest of the demo stays what it was.
        requests = [apply_story(request) or request for request in requests]
    rand = rng.random
    now_ts = now.timestamp()
    recent = now_ts - 300.0  # AWS takes a StartDate at most 5 minutes before creation
    schedules = []
    queues: dict[str, None] = {}  # an ordered set
    for request in requests:
        if request["GroupName"] == planted.DOCTOR_GROUP:
            schedules.append(PlannedSchedule(request, *_planted_dates(request, now)))
            _collect_dlq(request, queues)
            continue
        # Created up to ~2.5 years ago, never after its own StartDate, a day before its at()
        # time, a month before its EndDate; modified some time since (mostly long ago).
        latest = recent
        if "StartDate" in request:
            latest = min(latest, request["StartDate"].timestamp())
        expression = request["ScheduleExpression"]
        if expression.startswith("at("):
            # Read as UTC: the day of margin covers every zone's offset.
            moment = datetime.fromisoformat(expression[3:-1]).replace(tzinfo=UTC).timestamp()
            latest = min(latest, moment - 86_400.0, now_ts - 86_400.0)
        if "EndDate" in request:
            latest = min(latest, request["EndDate"].timestamp() - 30 * 86_400.0)
        created = int(latest - rand() * 900 * 86_400)
        modified = int(created + (now_ts - created) * rand() ** 3)
        dates = datetime.fromtimestamp(created, UTC), datetime.fromtimestamp(modified, UTC)
        if size is None:
            dates = story_dates(request["GroupName"], request["Name"], now, *dates)
        schedules.append(PlannedSchedule(request, *dates))
        _collect_dlq(request, queues)
    return DemoPlan(GROUPS, schedules, tuple(queues))


def _collect_dlq(request: dict[str, Any], queues: dict[str, None]) -> None:
    dlq = request["Target"].get("DeadLetterConfig")
    if dlq is not None:
        name = dlq["Arn"].rsplit(":", 1)[1]
        if name not in planted.ABSENT:  # the deleted DLQ stays deleted
            queues[name] = None


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    # A naive `now` is taken as UTC, the zone every date the API carries is in.
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _endpoint_and_region(settings_or_endpoint: AwsSettings | str) -> tuple[str, str]:
    if isinstance(settings_or_endpoint, AwsSettings):
        endpoint = settings_or_endpoint.endpoint_url
        region = settings_or_endpoint.region or DEMO_REGION
    else:
        endpoint, region = settings_or_endpoint, DEMO_REGION
    # Seeding writes hundreds of thousands of fake schedules: refuse anything but a local
    # server, so a mistyped flag can never fill a real account.
    host = urlsplit(endpoint).hostname if endpoint else None
    if host not in _LOOPBACK:
        raise ValueError(f"refusing to seed {endpoint!r}: the demo seeds only 127.0.0.1")
    assert endpoint is not None
    return endpoint, region


def seed_demo(
    settings_or_endpoint: AwsSettings | str,
    size: int | None = None,
    now: datetime | None = None,
    *,
    via_api: bool = False,
) -> SeedResult:
    """Create the demo's groups, DLQ queues and schedules on a local moto server.

    By default the data is written straight into moto's backend objects, which requires the
    server to run in this process (``EmbeddedDemo``, as the demo's child process runs it, or
    ``ThreadedMotoServer``); pass ``via_api=True`` for a server elsewhere (it sends one
    CreateSchedule per schedule).
    Existing groups are kept (moto would drop their schedules if re-created) and schedules of
    the same name are replaced, so seeding twice is harmless. Do not seed while clients are
    reading: moto's dicts are not locked.
    """
    started = time.perf_counter()
    _, region = _endpoint_and_region(settings_or_endpoint)
    result = seed_plan(settings_or_endpoint, plan_demo(size, now, region=region), via_api=via_api)
    return replace(result, seconds=time.perf_counter() - started)


def seed_plan(
    settings_or_endpoint: AwsSettings | str, plan: DemoPlan, *, via_api: bool = False
) -> SeedResult:
    """``seed_demo`` for a plan already made (the embedded demo also writes the resources
    behind it, resources.py)."""
    started = time.perf_counter()
    endpoint, region = _endpoint_and_region(settings_or_endpoint)
    if via_api:
        _write_via_api(plan, endpoint, region)
    else:
        _write_direct(plan, region)
    return SeedResult(
        groups=len(plan.groups),
        schedules=len(plan.schedules),
        queues=len(plan.queues),
        seconds=time.perf_counter() - started,
    )


def _epoch(moment: datetime | None) -> int | None:
    # What boto3 sends for a rest-json timestamp, and therefore what moto stores.
    return None if moment is None else int(moment.timestamp())


def _write_direct(plan: DemoPlan, region: str) -> None:
    from moto.backends import get_backend
    from moto.scheduler.models import Schedule

    scheduler = get_backend("scheduler")[DEMO_ACCOUNT][region]
    sqs = get_backend("sqs")[DEMO_ACCOUNT][region]
    for queue in plan.queues:
        if queue.endswith(".fifo"):
            sqs.create_queue(queue, FifoQueue="true")
        else:
            sqs.create_queue(queue)
    oldest = min((planned.created for planned in plan.schedules), default=None)
    for group in plan.groups:
        tags = [{"Key": key, "Value": value} for key, value in group.tags.items()]
        existing = scheduler.schedule_groups.get(group.name)
        if existing is None:
            existing = scheduler.create_schedule_group(name=group.name, tags=tags)
            if oldest is not None:
                # Groups predate their schedules; moto stamps them "now".
                existing.created_on = existing.last_modified = oldest.timestamp() - 86_400
        elif tags:
            scheduler.tag_resource(existing.arn, tags)
    groups = scheduler.schedule_groups
    for planned in plan.schedules:
        request = planned.request
        schedule = Schedule(
            region=region,
            account_id=DEMO_ACCOUNT,
            group_name=request["GroupName"],
            name=request["Name"],
            description=request.get("Description"),
            schedule_expression=request["ScheduleExpression"],
            schedule_expression_timezone=request.get("ScheduleExpressionTimezone"),
            flexible_time_window=request["FlexibleTimeWindow"],
            # A copy: moto adds the default RetryPolicy to the dict it is given, in place.
            target=dict(request["Target"]),
            state=request["State"],
            kms_key_arn=request.get("KmsKeyArn"),
            # Set below: moto's constructor refuses a past StartDate on cron() expressions,
            # which a schedule created long ago legitimately has.
            start_date=None,
            end_date=None,
            action_after_completion=request.get("ActionAfterCompletion"),
        )
        # moto annotates these `str`, but stores whatever the JSON request held: epoch numbers.
        schedule.start_date = _epoch(request.get("StartDate"))  # type: ignore[assignment]
        schedule.end_date = _epoch(request.get("EndDate"))  # type: ignore[assignment]
        schedule.creation_date = planned.created.timestamp()
        schedule.last_modified_date = planned.modified.timestamp()
        groups[request["GroupName"]].add_schedule(schedule)  # replaces a same-named one


def _write_via_api(plan: DemoPlan, endpoint: str, region: str) -> None:
    import boto3
    from botocore.config import Config

    # Explicit fake credentials and no proxies: this path never depends on the user's
    # environment, and its traffic stays on the loopback interface.
    session = boto3.session.Session(
        aws_access_key_id=FAKE_CREDENTIALS["aws_access_key_id"],
        aws_secret_access_key=FAKE_CREDENTIALS["aws_secret_access_key"],
        aws_session_token=FAKE_CREDENTIALS["aws_session_token"],
        region_name=region,
    )
    config = Config(proxies={}, retries={"total_max_attempts": 2}, max_pool_connections=16)
    scheduler = session.client("scheduler", endpoint_url=endpoint, config=config)
    sqs = session.client("sqs", endpoint_url=endpoint, config=config)
    for queue in plan.queues:
        if queue.endswith(".fifo"):
            sqs.create_queue(QueueName=queue, Attributes={"FifoQueue": "true"})
        else:
            sqs.create_queue(QueueName=queue)
    existing = {
        group["Name"]
        for page in scheduler.get_paginator("list_schedule_groups").paginate()
        for group in page["ScheduleGroups"]
    }
    for group in plan.groups:
        tags: list[TagTypeDef] = [{"Key": key, "Value": value} for key, value in group.tags.items()]
        if group.name not in existing:
            scheduler.create_schedule_group(Name=group.name, Tags=tags)
        elif tags:
            arn = scheduler.get_schedule_group(Name=group.name)["Arn"]
            scheduler.tag_resource(ResourceArn=arn, Tags=tags)
    for planned in plan.schedules:
        scheduler.create_schedule(**planned.request)
