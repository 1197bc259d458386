"""A write has three outcomes: applied, refused, unknown. Lost answers are never misreported.

The requests go through a proxy in front of moto that applies a write and then drops the
connection (or answers after the read timeout, or answers HTTP 500), or drops it without
applying anything. The write must be sent exactly once (botocore would otherwise send it
again, up to 8 times), reported as "outcome unknown" with what a re-read found, and audited
the same way.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from schedtui.aws.audit import AuditLog, Outcome
from schedtui.aws.errors import (
    ConflictError,
    EndpointUnreachableError,
    OutcomeUnknownError,
    ValidationFailedError,
    Verified,
)
from schedtui.aws.mutations import Mutations
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.schedules.schedule import Schedule
from tests.aws.conftest import REGION, full_schedule
from tests.aws.lossy_proxy import LossyProxy
from tests.aws.writes import create, delete, set_state, update

NAME = "nightly-report"
PATH = f"/schedules/{NAME}"


@pytest.fixture
def proxy(moto_endpoint: str) -> Iterator[LossyProxy]:
    with LossyProxy(moto_endpoint, slow_seconds=2.5) as running:
        yield running


@pytest.fixture
def through(proxy: LossyProxy, tmp_path: Path) -> Mutations:
    """Mutations whose every request crosses the proxy (read timeout 1 s, 3 read attempts)."""
    settings = AwsSettings(region=REGION, endpoint_url=proxy.url, max_attempts=3, read_timeout=1.0)
    return Mutations(SchedulerRepository(AwsClients(settings)), AuditLog(tmp_path / "audit.jsonl"))


@pytest.fixture
def nightly(through: Mutations) -> Schedule:
    through.clients.scheduler.create_schedule(**full_schedule(name=NAME))
    return through.repository.get_schedule("default", NAME)


def only_entry(mutations: Mutations) -> dict[str, object]:
    entries = mutations.audit.entries()
    assert len(entries) == 1, entries
    return entries[0]


@pytest.mark.parametrize("mode", ["apply-then-drop", "apply-then-slow", "apply-then-500"])
def test_an_applied_write_whose_answer_was_lost_is_unknown_then_verified_applied(
    mode: str, proxy: LossyProxy, through: Mutations, nightly: Schedule
) -> None:
    proxy.spoil("PUT", PATH, mode)  # type: ignore[arg-type]
    with pytest.raises(OutcomeUnknownError) as caught:
        set_state(through, nightly, "DISABLED")
    error = caught.value
    assert error.verified is Verified.APPLIED
    assert error.applied
    assert "outcome unknown" in str(error)
    assert "it was applied" in str(error)
    assert isinstance(error.current, Schedule)
    assert error.current.state == "DISABLED"
    assert proxy.count("PUT", PATH) == 1, "the write was sent again"
    assert through.repository.get_schedule("default", NAME).state == "DISABLED"
    entry = only_entry(through)
    assert (entry["outcome"], entry["verified"]) == ("unknown", "applied")
    assert entry["changes"] == {"State": {"before": "ENABLED", "after": "DISABLED"}}


def test_a_write_lost_before_it_was_applied_is_unknown_then_verified_not_applied(
    proxy: LossyProxy, through: Mutations, nightly: Schedule
) -> None:
    proxy.spoil("PUT", PATH, "drop")
    with pytest.raises(OutcomeUnknownError) as caught:
        update(through, nightly, {"description": "moved to 03:00"})
    assert caught.value.verified is Verified.NOT_APPLIED
    assert "it was not applied" in str(caught.value)
    assert proxy.count("PUT", PATH) == 1
    assert through.repository.get_schedule("default", NAME) == nightly
    entry = only_entry(through)
    assert (entry["outcome"], entry["verified"]) == ("unknown", "not applied")


def test_a_lost_create_is_verified_and_audited_with_the_real_arn(
    proxy: LossyProxy, through: Mutations
) -> None:
    proxy.spoil("POST", PATH, "apply-then-drop")
    schedule = Schedule.from_api(full_schedule(name=NAME))
    with pytest.raises(OutcomeUnknownError) as caught:
        create(through, schedule, client_token="retry-safe-token")
    assert caught.value.applied
    assert proxy.count("POST", PATH) == 1
    entry = only_entry(through)
    assert entry["verified"] == "applied"
    assert str(entry["arn"]).endswith(f":schedule/default/{NAME}")


def test_a_lost_delete_is_verified(
    proxy: LossyProxy, through: Mutations, nightly: Schedule
) -> None:
    proxy.spoil("DELETE", PATH, "apply-then-drop")
    with pytest.raises(OutcomeUnknownError) as caught:
        delete(through, nightly)
    assert caught.value.applied
    assert proxy.count("DELETE", PATH) == 1


def test_created_and_refused_writes_are_audited_as_such(
    proxy: LossyProxy, through: Mutations
) -> None:
    created = create(through, Schedule.from_api(full_schedule(name=NAME)))
    assert created.schedule is not None
    entry = only_entry(through)
    assert entry["outcome"] == "applied"
    assert entry["arn"] == created.schedule.arn  # the real ARN, from CreateSchedule's answer
    assert "error" not in entry
    assert "verified" not in entry
    # A second schedule of the same name: AWS (and moto) answer ConflictException.
    with pytest.raises(ConflictError):
        create(through, Schedule.from_api(full_schedule(name=NAME)))
    assert [e["outcome"] for e in through.audit.entries()] == ["applied", "refused"]
    assert proxy.count("POST", PATH) == 2


def test_a_request_that_never_left_is_not_audited(tmp_path: Path) -> None:
    settings = AwsSettings(region=REGION, endpoint_url="http://127.0.0.1:9", max_attempts=1)
    mutations = Mutations(
        SchedulerRepository(AwsClients(settings)), AuditLog(tmp_path / "audit.jsonl")
    )
    with pytest.raises(EndpointUnreachableError):
        mutations.create_group("never-sent")
    assert mutations.audit.entries() == []


def test_a_write_refused_before_sending_is_not_audited(
    through: Mutations, nightly: Schedule
) -> None:
    with pytest.raises(ValidationFailedError):
        update(through, nightly, {"description": "x" * 600})
    assert through.audit.entries() == []


# -- the audit log as a security record ------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_audit_log_is_private(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "state" / "schedtui" / "audit.jsonl")
    log.record(
        action="UpdateSchedule a/b", arn="arn", changes={}, caller_arn="me", profile=None,
        region=REGION, outcome=Outcome.APPLIED,
    )  # fmt: skip
    assert _mode(log.path) == 0o600
    assert _mode(log.path.parent) == 0o700
    assert log.warnings == []


def test_existing_loose_permissions_are_narrowed_with_a_warning(tmp_path: Path) -> None:
    directory = tmp_path / "schedtui"
    directory.mkdir(mode=0o755)
    os.chmod(directory, 0o755)
    path = directory / "audit.jsonl"
    path.write_text("")
    os.chmod(path, 0o644)
    warnings = AuditLog(path).secure()
    assert (_mode(path), _mode(directory)) == (0o600, 0o700)
    assert len(warnings) == 2
    assert all("readable by others" in warning for warning in warnings)


def test_control_characters_are_escaped_in_the_file_and_round_trip(tmp_path: Path) -> None:
    hostile = "\x1b]2;owned\x07 \x9b31m \u202eevil\u202c \u200b"
    log = AuditLog(tmp_path / "audit.jsonl")
    log.record(
        action="UpdateSchedule a/b", arn="arn", caller_arn="me", profile=None, region=REGION,
        outcome=Outcome.APPLIED,
        changes={"Description": ("before", hostile)},
    )  # fmt: skip
    raw = log.path.read_text(encoding="utf-8")
    assert not any(char in raw for char in "\x1b\x07\x9b\u202e\u202c\u200b")
    assert "\\u202e" in raw
    assert log.entries()[0]["changes"]["Description"]["after"] == hostile
