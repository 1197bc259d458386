"""Hostile target ARNs for the doctor's new existence checks (moto over HTTP).

Each test here failed before its fix (hostile review, 2026-12-04); its docstring says how."""

from __future__ import annotations

import pytest

from schedtui.aws.doctor_repo import DoctorRepository
from schedtui.aws.session import AwsClients
from schedtui.core.health.resources import Presence, Resource
from tests.aws.conftest import ACCOUNT, REGION
from tests.aws.test_doctor_repo import (
    DELIVERY_ARN,
    PIPELINE_ARN,
    PROJECT_ARN,
    Account,
    schedule,
)
from tests.aws.wire import intercept, query_error

OTHER = "210987654321"


def test_a_codebuild_project_of_another_account_is_not_called_missing(
    account: Account, doctor: DoctorRepository
) -> None:
    """Failed before its fix: BatchGetProjects is asked for another account's project ARN, and an
    answer without it (CodeBuild lists a project it cannot see, unshared or not there, in
    projectsNotFound; moto likewise) is read as MISSING: the doctor reports TARGET_MISSING
    and cleanup offers to delete a schedule whose project may well exist in that account.
    Firehose and CodePipeline already say UNKNOWN with ``elsewhere`` for another account;
    a CodeBuild project there can be neither confirmed nor denied from here."""
    account.role()
    account.project()  # this account's namesake must not be taken for it either
    arn = PROJECT_ARN.replace(account_id(PROJECT_ARN), OTHER)
    target = doctor.facts(schedule(arn)).target
    assert target is not None
    assert target.presence is Presence.UNKNOWN, target


def account_id(arn: str) -> str:
    return arn.split(":")[4]


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:firehose:{REGION}:{ACCOUNT}:usage",  # no deliverystream/ before the name
        f"arn:aws:firehose:{REGION}:{ACCOUNT}:stream/usage",  # a Kinesis resource type
        f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:pipeline/deploy",  # the name is "deploy"?
    ],
    ids=["firehose-no-type", "firehose-wrong-type", "codepipeline-with-type"],
)
def test_a_malformed_arn_is_not_reported_to_exist_by_its_last_segment(
    account: Account, doctor: DoctorRepository, arn: str
) -> None:
    """Failed before its fix: Firehose and CodePipeline are looked up by a name taken with
    target_resource_name, a display helper that falls back to the ARN's last path segment.
    A malformed target ARN whose tail happens to be the name of an existing stream or
    pipeline is then reported to exist (no finding), while Scheduler's PutRecord /
    StartPipelineExecution on that ARN fails at every invocation. A Lambda ARN that names
    no function is UNKNOWN ("the ARN names no Lambda function"); these should be too (or
    MISSING), never EXISTS."""
    account.role()
    account.delivery_stream()  # "usage"
    account.code_pipeline()  # "deploy"
    target = doctor.facts(schedule(arn)).target
    assert target is not None
    assert target.presence is not Presence.EXISTS, target


def test_a_target_of_another_account_is_not_missing_when_the_callers_account_is_unknown(
    account: Account, clients: AwsClients, doctor: DoctorRepository
) -> None:
    """Failed before its fix: Firehose is looked up by name, so a stream of another account is not
    read here, but only when the caller's account is known (GetCallerIdentity). When that
    call fails (throttled, endpoint trouble), the other account's stream is looked up by
    its name in this account, where it is absent: MISSING, a TARGET_MISSING error, and
    cleanup offers to delete a schedule whose stream exists. Not knowing whose account the
    ARN names must leave it UNKNOWN."""
    account.role()
    intercept(clients.sts, "GetCallerIdentity", lambda _: query_error("Throttling", "slow"))
    target = doctor.facts(schedule(DELIVERY_ARN.replace(ACCOUNT, OTHER))).target
    assert target is not None
    assert target.presence is not Presence.MISSING, target


@pytest.mark.parametrize("here", [True, False], ids=["namesake-here", "none-here"])
def test_a_sagemaker_pipeline_of_another_account_is_not_called_missing(
    account: Account, doctor: DoctorRepository, here: bool
) -> None:
    # DescribePipeline takes the ARN, but AWS does not document what another account's
    # unshared pipeline answers: a not-found there (or this account's namesake answered in
    # its place) is out of sight, not gone, and a wrong MISSING makes cleanup offer a delete.
    account.role()
    if here:
        account.pipeline()  # "retrain"
    target = doctor.facts(schedule(PIPELINE_ARN.replace(ACCOUNT, OTHER))).target
    assert target is not None
    assert target.presence is Presence.UNKNOWN, target
    assert target.elsewhere == f"account {OTHER}"


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:kinesis:{REGION}:{ACCOUNT}:clicks",  # no stream/ before the name
        f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/x/clicks",
        f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:retrain",
        f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model/retrain",
        f"arn:aws:codebuild:{REGION}:{ACCOUNT}:nightly-build",
        f"arn:aws:codebuild:{REGION}:{ACCOUNT}:build/nightly-build",
        f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/",
    ],
)
def test_an_arn_that_names_no_resource_is_unknown_and_never_read(
    account: Account, doctor: DoctorRepository, operations: list[str], arn: str
) -> None:
    # As a Lambda ARN naming no function: each tail names an existing resource, and the
    # ARN is still one Scheduler's call fails on; nothing is looked up by a guessed name.
    account.role()
    account.stream()
    account.pipeline()
    account.project()
    target = doctor.facts(schedule(arn), frozenset({Resource.TARGET})).target
    assert target is not None
    assert target.presence is Presence.UNKNOWN, target
    assert target.why.startswith("the ARN names no "), target.why
    assert not operations  # the target alone was asked for: no call at all


def test_a_role_is_not_looked_up_by_name_when_the_callers_account_is_unknown(
    account: Account, clients: AwsClients, doctor: DoctorRepository, operations: list[str]
) -> None:
    # GetRole takes a name: with GetCallerIdentity failing, the role's account may not be
    # this one, and a "NoSuchEntity" here would be a wrong ROLE_MISSING.
    intercept(clients.sts, "GetCallerIdentity", lambda _: query_error("Throttling", "slow"))
    role = doctor.facts(schedule(DELIVERY_ARN)).role
    assert role.presence is Presence.UNKNOWN, role
    assert "Throttling" in role.why or "throttled" in role.why, role.why
    assert "GetRole" not in operations
