"""The operator's AWS configuration, read as the AWS CLI reads it: flag, then environment,
then profile; schedtui's own retry defaults only when nothing is configured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from schedtui.aws.preflight import preflight
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings, effective_profile
from tests.conftest import use_aws_config

TARGET = {
    "Arn": "arn:aws:sqs:eu-west-1:123456789012:q",
    "RoleArn": "arn:aws:iam::123456789012:role/r",
}


def one_schedule_in_each_region(endpoint: str) -> None:
    """A server holding schedules in two regions: in-us-east-1 and in-eu-west-1."""
    for region in ("us-east-1", "eu-west-1"):
        boto3.client("scheduler", region_name=region, endpoint_url=endpoint).create_schedule(
            Name=f"in-{region}",
            ScheduleExpression="rate(1 hour)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target=TARGET,
        )


def retries(clients: AwsClients, *, writes: bool = False) -> dict[str, Any]:
    client = clients.writer("scheduler") if writes else clients.scheduler
    found: dict[str, Any] = client.meta.config.retries
    return found


def test_reads_retry_as_configured_and_writes_never(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = AwsSettings(region="us-east-1")
    assert retries(AwsClients(settings)) == {"mode": "adaptive", "total_max_attempts": 8}
    use_aws_config(tmp_path, monkeypatch, "[default]\nretry_mode = standard\nmax_attempts = 4\n")
    assert retries(AwsClients(settings)) == {"mode": "standard", "total_max_attempts": 4}
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "6")  # the environment beats the profile
    monkeypatch.setenv("AWS_RETRY_MODE", "legacy")
    assert retries(AwsClients(settings)) == {"mode": "legacy", "total_max_attempts": 6}
    flagged = AwsSettings(region="us-east-1", max_attempts=2, retry_mode="adaptive")
    assert retries(AwsClients(flagged)) == {"mode": "adaptive", "total_max_attempts": 2}
    # A write is sent once, whatever is configured: a lost answer is re-read, not re-sent.
    assert retries(AwsClients(settings), writes=True)["total_max_attempts"] == 1


def test_a_profile_with_region_and_endpoint_url_is_reached_without_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    one_schedule_in_each_region(moto_endpoint)
    use_aws_config(
        tmp_path,
        monkeypatch,
        f"[profile ops]\nregion = eu-west-1\nendpoint_url = {moto_endpoint}\n",
    )
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_PROFILE", "ops")
    settings = preflight(AwsSettings())
    assert settings.region == "eu-west-1"
    assert effective_profile(settings) == "ops"
    clients = AwsClients(settings)
    names = [s.name for page in SchedulerRepository(clients).iter_schedule_pages() for s in page]
    assert names == ["in-eu-west-1"]
    assert clients.endpoint_overridden == moto_endpoint  # shown in the header
    # The services section, as the AWS CLI reads it.
    use_aws_config(
        tmp_path,
        monkeypatch,
        "[profile ops]\nregion = eu-west-1\nservices = local\n"
        f"[services local]\nscheduler =\n  endpoint_url = {moto_endpoint}\n",
    )
    assert AwsClients(preflight(AwsSettings())).endpoint_overridden == moto_endpoint
    # Ignored on request: AWS's own endpoint (never called here).
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    ignored = AwsClients(preflight(AwsSettings()))
    assert ignored.endpoint_overridden is None
    assert ignored.scheduler.meta.endpoint_url == "https://scheduler.eu-west-1.amazonaws.com"


def test_aws_region_with_an_endpoint_flag_lists_that_regions_schedules(
    monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    one_schedule_in_each_region(moto_endpoint)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")  # beats AWS_DEFAULT_REGION (us-east-1)
    clients = AwsClients(preflight(AwsSettings(endpoint_url=moto_endpoint)))
    names = [s.name for page in SchedulerRepository(clients).iter_schedule_pages() for s in page]
    assert names == ["in-eu-west-1"]
    assert effective_profile(clients.settings) == "default"
