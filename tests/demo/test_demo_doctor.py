"""The doctor over the demo finds every planted problem (planted.py) with its kind, and no
problem with a resource anywhere else: the demo's resources are otherwise healthy.

Twice: as the app runs it (``DoctorRepository`` reading an embedded demo over HTTP with the
app's clients, with a fixed clock) and as a pipeline runs it (``schedtui doctor --demo -o
json`` in a process of its own, the demo on the real clock: every planted date is relative
to the demo's now), whose exit code follows ``--fail-on``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from schedtui.aws.doctor_repo import DoctorRepository
from schedtui.aws.session import AwsClients
from schedtui.cli.exits import FINDINGS, OK
from schedtui.core.health.doctor import DoctorReport
from schedtui.core.health.findings import FindingKind, Severity
from schedtui.core.schedules.schedule import Schedule
from schedtui.demo import planted
from schedtui.demo.embedded import EmbeddedDemo

NOW = datetime(2026, 8, 21, 16, 42, 5, tzinfo=UTC)
# What the doctor says about a role, a target, a DLQ or a key (beyond the definition).
RESOURCE_KINDS = frozenset(
    {
        FindingKind.ROLE_MISSING,
        FindingKind.ROLE_TRUST_MISSING,
        FindingKind.ROLE_TRUST_UNCONDITIONED,
        FindingKind.ROLE_PERMISSION_DENIED,
        FindingKind.ROLE_PERMISSION_UNCERTAIN,
        FindingKind.DLQ_PERMISSION_DENIED,
        FindingKind.KMS_PERMISSION_DENIED,
        FindingKind.TARGET_MISSING,
        FindingKind.DLQ_MISSING,
        FindingKind.DLQ_RETENTION_SHORT,
        FindingKind.KMS_KEY_MISSING,
        FindingKind.KMS_KEY_DISABLED,
        FindingKind.TARGET_OTHER_REGION,
        FindingKind.NOT_CHECKED,
    }
)


@pytest.fixture(scope="module")
def report() -> Iterator[DoctorReport]:
    embedded = EmbeddedDemo(now=NOW)
    try:
        settings = embedded.start()
        with pytest.MonkeyPatch.context() as env:
            # The module's fixture outlives the function-scoped fake credentials.
            env.setenv("AWS_ACCESS_KEY_ID", "testing")
            env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
            clients = AwsClients(settings)
            scheduler = clients.scheduler
            schedules = [
                Schedule.from_api(
                    scheduler.get_schedule(GroupName=summary["GroupName"], Name=summary["Name"])
                )
                for page in scheduler.get_paginator("list_schedules").paginate()
                for summary in page["Schedules"]
            ]
            yield DoctorRepository(clients).diagnose(schedules, NOW)
    finally:
        embedded.stop()


def test_every_planted_problem_is_found_with_its_kind(report: DoctorReport) -> None:
    found = {
        diagnosis.name: {finding.kind for finding in diagnosis.findings}
        for diagnosis in report.diagnoses
        if diagnosis.group == planted.DOCTOR_GROUP
    }
    missed = {name: kind for name, kind in planted.PLANTED.items() if kind not in found[name]}
    assert missed == {}, {name: found[name] for name in missed}


def test_each_planted_schedule_has_its_problem_and_nothing_else_about_resources(
    report: DoctorReport,
) -> None:
    for diagnosis in report.diagnoses:
        if diagnosis.group != planted.DOCTOR_GROUP:
            continue
        about_resources = {f.kind for f in diagnosis.findings} & RESOURCE_KINDS
        expected = planted.PLANTED.get(diagnosis.name)
        if expected is FindingKind.TARGET_OTHER_REGION:
            # The doctor reads one region: the target elsewhere is also "not checked".
            assert about_resources == {expected, FindingKind.NOT_CHECKED}
        elif expected in RESOURCE_KINDS:
            assert about_resources == {expected}, diagnosis
        else:
            assert about_resources == set(), diagnosis


def test_the_colliding_schedules_are_healthy(report: DoctorReport) -> None:
    colliding = [d for d in report.diagnoses if d.name in planted.COLLIDING]
    assert len(colliding) == len(planted.COLLIDING)
    assert all(diagnosis.findings == () for diagnosis in colliding)


def test_no_resource_problem_outside_the_doctors_group(report: DoctorReport) -> None:
    broken = [
        (diagnosis.group, diagnosis.name, finding.kind.value, finding.message)
        for diagnosis in report.diagnoses
        if diagnosis.group != planted.DOCTOR_GROUP
        for finding in diagnosis.findings
        if finding.kind in RESOURCE_KINDS
    ]
    assert broken == []
    assert len(report.diagnoses) > 200


def test_every_templated_target_but_inspector_is_read(report: DoctorReport) -> None:
    # The demo's Kinesis, Firehose, SageMaker, CodeBuild and CodePipeline targets exist and
    # are read (the healthy ones: no finding above); only these kinds are left unread.
    unread = {note.split(" targets are not checked")[0] for note in report.notes}
    assert unread == {"Inspector", "Universal"}, report.notes


# `schedtui doctor --demo`, as a pipeline runs it


def doctor(*args: str) -> tuple[int, dict[str, Any]]:
    """Exit code and JSON document of ``schedtui doctor --demo -o json ARGS``."""
    result = subprocess.run(
        [sys.executable, "-m", "schedtui", "doctor", "--demo", "-o", "json", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "AWS_EC2_METADATA_DISABLED": "true"},
        stdin=subprocess.DEVNULL,
    )
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def test_schedtui_doctor_demo_lists_every_planted_problem_and_fails_on_errors() -> None:
    code, document = doctor()
    kinds = {
        (entry["group"], entry["name"]): {finding["kind"] for finding in entry["findings"]}
        for entry in document["schedules"]
    }
    missed = [
        name
        for name, kind in planted.PLANTED.items()
        if kind.value not in kinds.get((planted.DOCTOR_GROUP, name), set())
    ]
    assert missed == []
    for name in planted.COLLIDING:
        assert kinds[(planted.DOCTOR_GROUP, name)] == set()
    # Planted errors (a missing role, a deleted function...) fail the default --fail-on error.
    assert code == FINDINGS


@pytest.mark.parametrize("planted_name", ["completed-at-kept-forever", "expired-end-date-passed"])
def test_done_schedules_warn_and_pass_the_default_gate(planted_name: str) -> None:
    # A completed at() kept forever, an EndDate passed: waste, whose worst finding is a
    # warning, so the default --fail-on error passes them and --fail-on warning does not.
    name = f"{planted.DOCTOR_GROUP}/{planted_name}"
    code, document = doctor(name)
    (entry,) = document["schedules"]
    severities = {Severity(finding["severity"]) for finding in entry["findings"]}
    assert severities == {Severity.WARNING}
    assert code == OK
    assert doctor(name, "--fail-on", "warning")[0] == FINDINGS


def test_the_exit_code_follows_fail_on() -> None:
    # A missing role is an error, and "never" never fails.
    missing = f"{planted.DOCTOR_GROUP}/role-does-not-exist"
    assert doctor(missing, "--fail-on", "never")[0] == OK
    # A healthy schedule passes whatever the threshold.
    assert doctor(f"{planted.DOCTOR_GROUP}/{planted.COLLIDING[0]}", "--fail-on", "info")[0] == OK
