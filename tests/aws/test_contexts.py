"""What a switch of profile or region can go to, and the check a new context passes first
(aws/contexts.py), against moto over HTTP and botocore's own configuration reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from schedtui.aws.contexts import (
    ContextFailed,
    next_settings,
    open_context,
    profile_names,
    scheduler_regions,
)
from schedtui.aws.errors import login_fix, remember_profile
from schedtui.aws.session import AwsSettings
from tests.aws.conftest import ACCOUNT, REGION, seed
from tests.conftest import closed_port, use_aws_config


def test_profiles_come_from_both_aws_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_aws_config(tmp_path, monkeypatch, "[profile prod]\nregion = eu-west-1\n[default]\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[ci]\naws_access_key_id = x\naws_secret_access_key = y\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    assert profile_names() == ["ci", "default", "prod"]
    use_aws_config(tmp_path, monkeypatch, "[profile broken\n")
    with pytest.raises(ContextFailed, match="the AWS config cannot be read"):
        profile_names()


def test_regions_are_where_scheduler_exists_in_the_current_partition() -> None:
    commercial = scheduler_regions("eu-west-1")
    assert {"us-east-1", "eu-west-1", "ap-southeast-2"} <= set(commercial)
    assert commercial == sorted(commercial)
    assert "cn-north-1" not in commercial
    assert "us-gov-west-1" in scheduler_regions("us-gov-east-1")
    assert "us-east-1" not in scheduler_regions("us-gov-east-1")
    assert scheduler_regions("xx-nowhere-9") == commercial  # unknown: the aws partition


def test_a_profile_brings_its_own_region_and_endpoint_a_region_keeps_them() -> None:
    current = AwsSettings(
        profile="dev", region="eu-west-1", endpoint_url="http://127.0.0.1:4566", max_attempts=3
    )
    to_prod = next_settings(current, profile="prod", read_only=True)
    assert (to_prod.profile, to_prod.region, to_prod.endpoint_url) == ("prod", None, None)
    assert to_prod.read_only
    assert to_prod.max_attempts == 3  # the operator's flags for retries and timeouts stay
    elsewhere = next_settings(current, region="us-west-2", read_only=False)
    assert (elsewhere.profile, elsewhere.region) == ("dev", "us-west-2")
    assert elsewhere.endpoint_url == "http://127.0.0.1:4566"


def test_open_context_answers_with_identity_and_groups(moto_endpoint: str, tmp_path: Path) -> None:
    seed(1, "alpha-group")
    settings = AwsSettings(region=REGION, endpoint_url=moto_endpoint, max_attempts=1)
    opened = open_context(settings, audit_path=tmp_path / "audit.jsonl")
    assert opened.identity.account == ACCOUNT
    assert opened.region == REGION
    assert opened.endpoint == moto_endpoint
    assert {group.name for group in opened.groups} == {"default", "alpha-group"}
    assert opened.backend.mutations.audit.path == tmp_path / "audit.jsonl"


def test_a_context_that_cannot_work_says_why_and_keeps_the_current_login_fix(
    moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_aws_config(
        tmp_path,
        monkeypatch,
        f"""
[profile expired]
region = {REGION}
endpoint_url = {moto_endpoint}
credential_process = /bin/sh -c "echo 'token expired at 09:00' >&2; exit 1"

[profile down]
region = {REGION}
endpoint_url = http://127.0.0.1:{closed_port()}
aws_access_key_id = x
aws_secret_access_key = y

[profile nowhere]
endpoint_url = {moto_endpoint}
""",
    )
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    remember_profile("current")
    audit = tmp_path / "audit.jsonl"
    reasons = {}
    for profile in ("expired", "down", "nowhere", "missing"):
        with pytest.raises(ContextFailed) as failed:
            open_context(AwsSettings(profile=profile, max_attempts=1), audit_path=audit)
        reasons[profile] = str(failed.value)
    assert "could not obtain credentials" in reasons["expired"]
    assert "token expired at 09:00" in reasons["expired"]
    assert "endpoint unreachable" in reasons["down"]
    assert reasons["nowhere"].startswith("no AWS region")
    assert "no such profile" in reasons["missing"]
    assert all("\n" not in reason for reason in reasons.values())
    # The profile in use is still the one an expired login's fix names.
    assert login_fix() == "aws sso login --profile current"
    assert not audit.exists()
