"""Hostile target ARNs for the doctor's new existence checks (moto over HTTP).

Each test here fails today; the docstring says why."""

from __future__ import annotations

from schedtui.aws.doctor_repo import DoctorRepository
from schedtui.core.health.resources import Presence
from tests.aws.test_doctor_repo import PROJECT_ARN, Account, schedule

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
