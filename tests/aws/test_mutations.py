"""The mutation chokepoint over real HTTP: nothing lost, read-only, conflicts, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schedtui.aws.audit import AuditLog
from schedtui.aws.errors import (
    ConfirmationRequiredError,
    ConflictError,
    NotFoundError,
    ReadOnlyError,
    StaleScheduleError,
    UnsafeWriteError,
    ValidationFailedError,
)
from schedtui.aws.mutations import Mutations
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.changes.warnings import WarningKind
from schedtui.core.schedules.schedule import Schedule
from schedtui.core.schedules.target import RetryPolicy
from tests.aws.conftest import full_schedule, scheduler_backend, seed
from tests.aws.writes import create, delete, set_state, update

MUTATING = ("Create", "Update", "Delete", "Tag", "Untag")


def sent_operations(clients: AwsClients) -> list[str]:
    """Operation names of every request that actually leaves for the server."""
    sent: list[str] = []
    for client in (clients.scheduler, clients.writer("scheduler")):
        client.meta.events.register(
            "before-send.scheduler",
            lambda event_name, **_: sent.append(event_name.split(".")[-1]),
        )
    return sent


def comparable(schedule: Schedule) -> dict[str, Any]:
    data = schedule.to_api()
    for member in ("LastModificationDate", "State"):
        data.pop(member, None)
    return data


@pytest.fixture
def nightly(clients: AwsClients, repo: SchedulerRepository) -> Schedule:
    clients.scheduler.create_schedule(**full_schedule())
    return repo.get_schedule("default", "nightly-report")


def test_toggle_keeps_every_other_field(
    mutations: Mutations, repo: SchedulerRepository, nightly: Schedule
) -> None:
    result = set_state(mutations, nightly, "DISABLED")
    after = repo.get_schedule("default", "nightly-report")
    assert after.state == "DISABLED"
    assert comparable(after) == comparable(nightly)
    assert result.changes == {"State": ("ENABLED", "DISABLED")}
    assert result.schedule == after

    set_state(mutations, after, "ENABLED")
    again = repo.get_schedule("default", "nightly-report")
    assert again.state == "ENABLED"
    assert comparable(again) == comparable(nightly)


def test_naive_update_would_wipe_fields_which_is_why_the_chokepoint_exists(
    clients: AwsClients, repo: SchedulerRepository, nightly: Schedule
) -> None:
    # The hazard, reproduced: UpdateSchedule with only the required members and a new State.
    clients.scheduler.update_schedule(
        Name="nightly-report",
        ScheduleExpression=nightly.schedule_expression,
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": nightly.target.arn, "RoleArn": nightly.target.role_arn},
        State="DISABLED",
    )
    wiped = repo.get_schedule("default", "nightly-report")
    assert wiped.target.dead_letter_config is None
    # The retry policy falls back to AWS's defaults (185 attempts over 24 h).
    assert wiped.target.retry_policy != nightly.target.retry_policy


def test_edit_changes_only_the_requested_field_and_audits_it(
    mutations: Mutations, repo: SchedulerRepository, nightly: Schedule, audit: AuditLog
) -> None:
    target = nightly.target.replace(
        retry_policy=RetryPolicy(MaximumRetryAttempts=5, MaximumEventAgeInSeconds=600)
    )
    result = update(mutations, nightly, {"target": target})
    after = repo.get_schedule("default", "nightly-report")
    assert after.target.retry_policy == RetryPolicy(
        MaximumRetryAttempts=5, MaximumEventAgeInSeconds=600
    )
    assert comparable(after.replace(target=nightly.target, check_rules=False)) == comparable(
        nightly
    )
    assert result.changes == {
        "Target.RetryPolicy.MaximumRetryAttempts": (3, 5),
        "Target.RetryPolicy.MaximumEventAgeInSeconds": (3600, 600),
    }
    (entry,) = audit.entries()
    assert entry["action"] == "UpdateSchedule default/nightly-report"
    assert entry["arn"] == nightly.arn
    assert entry["caller"].startswith("arn:aws:sts::123456789012:")
    assert entry["region"] == "us-east-1"
    assert entry["outcome"] == "applied"
    assert entry["changes"]["Target.RetryPolicy.MaximumRetryAttempts"] == {
        "before": 3,
        "after": 5,
    }


def test_invalid_edit_is_refused_before_sending(
    mutations: Mutations, clients: AwsClients, nightly: Schedule
) -> None:
    sent = sent_operations(clients)
    with pytest.raises(ValidationFailedError, match="ScheduleExpression"):
        update(mutations, nightly, {"schedule_expression": "cron(0 10 ? * 8 *)"})
    assert "UpdateSchedule" not in sent


def test_a_change_behind_the_operators_back_is_not_overwritten(
    mutations: Mutations, clients: AwsClients, repo: SchedulerRepository, nightly: Schedule
) -> None:
    behind = nightly.replace(description="changed by a colleague").to_update_request()
    clients.scheduler.update_schedule(**behind)
    sent = sent_operations(clients)
    with pytest.raises(StaleScheduleError) as caught:
        set_state(mutations, nightly, "DISABLED")
    assert caught.value.changes["Description"] == (
        "Nightly report for finance",
        "changed by a colleague",
    )
    assert "UpdateSchedule" not in sent
    assert repo.get_schedule("default", "nightly-report").state == "ENABLED"

    # Forcing applies the operator's change on top of the server's copy, keeping theirs.
    set_state(mutations, nightly, "DISABLED", force=True)
    after = repo.get_schedule("default", "nightly-report")
    assert (after.state, after.description) == ("DISABLED", "changed by a colleague")


def test_stale_summary_is_detected_too(
    mutations: Mutations, clients: AwsClients, repo: SchedulerRepository, nightly: Schedule
) -> None:
    (summary,) = next(repo.iter_schedule_pages())
    clients.scheduler.update_schedule(**nightly.replace(state="DISABLED").to_update_request())
    with pytest.raises(StaleScheduleError) as caught:
        set_state(mutations, summary, "DISABLED")
    assert caught.value.changes["State"] == ("ENABLED", "DISABLED")


def _move_start_date_into_the_past(name: str) -> None:
    schedule = scheduler_backend().get_schedule("default", name)
    schedule.start_date = (datetime.now(UTC) - timedelta(days=3)).timestamp()


def test_past_start_date_is_dropped_for_cron(
    mutations: Mutations, clients: AwsClients, repo: SchedulerRepository
) -> None:
    start = datetime.now(UTC) + timedelta(hours=1)
    clients.scheduler.create_schedule(**full_schedule(StartDate=start))
    _move_start_date_into_the_past("nightly-report")
    seen = repo.get_schedule("default", "nightly-report")
    plan = mutations.plan_update(seen, {"state": "DISABLED"}, check_rules=False)
    assert [w.kind for w in plan.warnings] == [WarningKind.START_DATE_DROPPED]
    assert not plan.needs_consent  # no effect on when a cron() runs
    result = mutations.apply(plan)
    assert repo.get_schedule("default", "nightly-report").start_date is None
    assert "StartDate" in result.changes  # the review showed it, the audit says it


def test_past_start_date_on_a_rate_needs_consent(
    mutations: Mutations, clients: AwsClients, repo: SchedulerRepository
) -> None:
    start = datetime.now(UTC) + timedelta(hours=1)
    clients.scheduler.create_schedule(
        **full_schedule(ScheduleExpression="rate(6 hours)", StartDate=start)
    )
    _move_start_date_into_the_past("nightly-report")
    seen = repo.get_schedule("default", "nightly-report")
    with pytest.raises(ConfirmationRequiredError, match="re-anchors the rate to now"):
        set_state(mutations, seen, "DISABLED")
    assert repo.get_schedule("default", "nightly-report").state == "ENABLED"
    plan = mutations.plan_update(seen, {"state": "DISABLED"})
    assert plan.warns(WarningKind.REANCHORS_RATE)
    result = mutations.apply(plan, consented=True)
    assert result.changes["StartDate"][1] is None
    assert repo.get_schedule("default", "nightly-report").state == "DISABLED"


def test_members_botocore_would_drop_block_the_write(
    mutations: Mutations,
    clients: AwsClients,
    repo: SchedulerRepository,
    nightly: Schedule,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from moto.scheduler.models import Schedule as MotoSchedule

    original = MotoSchedule.to_dict

    def newer_api(self: MotoSchedule, short: bool = False) -> dict[str, Any]:
        data = original(self, short)
        if not short:
            data["Target"] = {**data["Target"], "FutureRoutingConfig": {"Mode": "X"}}
        return data

    monkeypatch.setattr(MotoSchedule, "to_dict", newer_api)
    sent = sent_operations(clients)
    with pytest.raises(UnsafeWriteError, match=r"Target\.FutureRoutingConfig"):
        set_state(mutations, nightly, "DISABLED")
    assert "UpdateSchedule" not in sent
    # Delete needs only the name and the group: nothing is written back, nothing is erased.
    delete(mutations, nightly)
    assert "DeleteSchedule" in sent
    with pytest.raises(NotFoundError):
        repo.get_schedule(*nightly.key)


def test_create_refuses_invalid_and_is_audited(
    mutations: Mutations, repo: SchedulerRepository, audit: AuditLog, clients: AwsClients
) -> None:
    bad = Schedule.from_api(
        full_schedule(Target={**full_schedule()["Target"], "RetryPolicy": {
            "MaximumRetryAttempts": 999, "MaximumEventAgeInSeconds": 3600}})
    )  # fmt: skip
    sent = sent_operations(clients)
    with pytest.raises(ValidationFailedError, match="MaximumRetryAttempts"):
        create(mutations, bad)
    assert sent == []
    good = Schedule.from_api(full_schedule(name="fresh"))
    result = create(mutations, good, client_token="retry-safe-token-1")
    assert result.schedule is not None
    assert comparable(result.schedule) == comparable(good) | {"Arn": result.schedule.arn} | {
        "CreationDate": result.schedule.creation_date
    }
    assert audit.entries()[-1]["action"] == "CreateSchedule default/fresh"
    with pytest.raises(ConflictError):
        create(mutations, good)


def test_delete_schedule_checks_staleness_and_audits(
    mutations: Mutations, repo: SchedulerRepository, audit: AuditLog, nightly: Schedule
) -> None:
    delete(mutations, nightly)
    with pytest.raises(NotFoundError):
        repo.get_schedule("default", "nightly-report")
    assert audit.entries()[-1]["changes"]["Name"] == {"before": "nightly-report", "after": None}


def test_groups(mutations: Mutations, repo: SchedulerRepository) -> None:
    group = mutations.create_group("batch-jobs-group", {"Environment": "prod"})
    assert group.arn is not None
    assert repo.group_tags(group.arn) == {"Environment": "prod"}
    mutations.tag_group(group.arn, {"Service": "batch"})
    mutations.untag_group(group.arn, ["Environment"])
    assert repo.group_tags(group.arn) == {"Service": "batch"}

    seed(3, "batch-jobs-group")
    with pytest.raises(StaleScheduleError, match="now holds 3 schedules, not 1"):
        mutations.delete_group("batch-jobs-group", expected_schedules=1)
    assert mutations.delete_group("batch-jobs-group", expected_schedules=3) == 3
    assert "batch-jobs-group" not in {g.name for g in repo.list_groups()}
    with pytest.raises(ValidationFailedError, match="default group always exists"):
        mutations.delete_group("default")


def test_read_only_sends_no_mutation_at_all(
    moto_endpoint: str, clients: AwsClients, nightly: Schedule, audit: AuditLog
) -> None:
    group_arn = clients.scheduler.create_schedule_group(Name="ops")["ScheduleGroupArn"]
    read_only = AwsClients(
        AwsSettings(region="us-east-1", endpoint_url=moto_endpoint, read_only=True)
    )
    repo = SchedulerRepository(read_only)
    guarded = Mutations(repo, audit)
    sent = sent_operations(read_only)
    attempts = [
        lambda: set_state(guarded, nightly, "DISABLED"),
        lambda: update(guarded, nightly, {"description": "x"}),
        lambda: create(guarded, Schedule.from_api(full_schedule(name="new"))),
        lambda: delete(guarded, nightly),
        lambda: guarded.create_group("new-group"),
        lambda: guarded.delete_group("ops"),
        lambda: guarded.tag_group(group_arn, {"a": "b"}),
        lambda: guarded.untag_group(group_arn, ["a"]),
        # Even a direct client call that bypasses the chokepoint never leaves the machine.
        lambda: read_only.scheduler.delete_schedule(Name="nightly-report"),
    ]
    for attempt in attempts:
        with pytest.raises(ReadOnlyError, match="read-only"):
            attempt()
    assert not [op for op in sent if op.startswith(MUTATING)]
    assert audit.entries() == []
    assert repo.get_schedule("default", "nightly-report") == nightly
    # The chokepoint claims no reason it was not given (the config may have decided)...
    with pytest.raises(ReadOnlyError) as refused:
        guarded.create_group("new-group")
    assert str(refused.value) == "CreateScheduleGroup new-group: refused, schedtui is read-only"
    # ...and says the one it was given.
    guarded.read_only_reason = "read_only = true in /etc/schedtui/config.toml"
    with pytest.raises(ReadOnlyError, match=r"read-only \(read_only = true in /etc/"):
        guarded.create_group("new-group")
