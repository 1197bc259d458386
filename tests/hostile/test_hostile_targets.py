"""Hostile target ARNs for the doctor's new existence checks (moto over HTTP).

Each test here fails today; the docstring says why."""

from __future__ import annotations

import pytest

from schedtui.aws.doctor_repo import DoctorRepository
from schedtui.aws.session import AwsClients
from schedtui.core.health.resources import Presence
from tests.aws.conftest import ACCOUNT, REGION
from tests.aws.test_doctor_repo import DELIVERY_ARN, PROJECT_ARN, Account, schedule
from tests.aws.wire import intercept, query_error

OTHER = "210987654321"


def test_a_codebuild_project_of_another_account_is_not_called_missing(
    account: Account, doctor: DoctorRepository
) -> None:
    """fails today: BatchGetProjects is asked for another account's project ARN, and an
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
    """fails today: Firehose and CodePipeline are looked up by a name taken with
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
    """fails today: Firehose is looked up by name, so a stream of another account is not
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
