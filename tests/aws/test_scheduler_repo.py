"""Reads over real HTTP against moto: groups, tags, streaming pages, filters, get."""

from __future__ import annotations

from typing import Any

import pytest

from schedtui.aws.errors import NotFoundError, UnreadableAnswerError
from schedtui.aws.scheduler_repo import SchedulerRepository, dropped_members
from schedtui.aws.session import AwsClients
from schedtui.core.schedules.arns import TargetKind
from tests.aws.conftest import full_schedule, seed


def _count_calls(clients: AwsClients, operation: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    clients.scheduler.meta.events.register(
        f"before-parameter-build.scheduler.{operation}", lambda params, **_: seen.append(params)
    )
    return seen


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (100, 1), (101, 2), (1000, 10)])
def test_list_streams_every_schedule_page_by_page(
    repo: SchedulerRepository, clients: AwsClients, count: int, pages: int
) -> None:
    seed(count)
    calls = _count_calls(clients, "ListSchedules")
    streamed = list(repo.iter_schedule_pages())
    assert len(streamed) == pages
    assert all(len(page) <= 100 for page in streamed)
    names = [summary.name for page in streamed for summary in page]
    assert sorted(names) == [f"job-{index:05d}" for index in range(count)]
    assert len(calls) == pages
    assert all(call["MaxResults"] == 100 for call in calls)


def test_summaries_missing_members_are_read_or_named_never_fail_the_page(
    repo: SchedulerRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every ScheduleSummary member is optional in the service model.
    from moto.scheduler.models import Schedule as MotoSchedule

    seed(5)
    original = MotoSchedule.to_dict

    def sparse(self: MotoSchedule, short: bool = False) -> dict[str, Any] | None:
        data = original(self, short)
        if short and self.name == "job-00004":
            return None  # a null entry (a hostile or broken server)
        if short and self.name == "job-00001":
            data.pop("Name"), data.pop("GroupName")  # recoverable from the ARN
        if short and self.name == "job-00002":
            data.pop("Arn"), data.pop("Name")  # nothing to know it by
        return data

    monkeypatch.setattr(MotoSchedule, "to_dict", sparse)
    unreadable: list[str] = []
    listed = [s for page in repo.iter_schedule_pages(unreadable=unreadable) for s in page]
    assert sorted(s.key for s in listed) == [
        ("default", "job-00000"),
        ("default", "job-00001"),
        ("default", "job-00003"),
    ]
    no_arn, null = sorted(unreadable, key=lambda text: "None" in text)
    assert no_arn.startswith("ListSchedules: an entry could not be read and is not shown:")
    assert "Arn" in no_arn
    assert "None (not an entry)" in null
    # Without a list to report them in, such an entry is an error message, never a crash.
    with pytest.raises(UnreadableAnswerError, match="could not be read"):
        list(repo.iter_schedule_pages())


def test_filters_are_sent_to_the_server(repo: SchedulerRepository, clients: AwsClients) -> None:
    seed(3, "orders", prefix="sync")
    seed(2, "orders", prefix="purge", state="DISABLED")
    seed(4, "billing", prefix="sync")
    calls = _count_calls(clients, "ListSchedules")

    def names(**filters: str) -> list[str]:
        return sorted(
            s.key[0] + "/" + s.name for p in repo.iter_schedule_pages(**filters) for s in p
        )

    assert names(group="orders") == [
        *(f"orders/purge-{i:05d}" for i in range(2)),
        *(f"orders/sync-{i:05d}" for i in range(3)),
    ]
    assert names(group="orders", state="DISABLED") == [f"orders/purge-{i:05d}" for i in range(2)]
    assert names(prefix="sync") == [
        *(f"billing/sync-{i:05d}" for i in range(4)),
        *(f"orders/sync-{i:05d}" for i in range(3)),
    ]
    assert calls[0]["GroupName"] == "orders"
    assert calls[1]["State"] == "DISABLED"
    assert calls[2]["NamePrefix"] == "sync"


def test_groups_and_their_tags(repo: SchedulerRepository, clients: AwsClients) -> None:
    clients.scheduler.create_schedule_group(
        Name="batch-jobs-group", Tags=[{"Key": "Environment", "Value": "prod"}]
    )
    groups = {group.name: group for group in repo.list_groups()}
    assert set(groups) == {"default", "batch-jobs-group"}
    assert groups["default"].is_default
    assert repo.group_tags(groups["batch-jobs-group"].arn or "") == {"Environment": "prod"}


def test_get_returns_the_full_schedule(repo: SchedulerRepository, clients: AwsClients) -> None:
    clients.scheduler.create_schedule(**full_schedule())
    schedule = repo.get_schedule("default", "nightly-report")
    assert schedule.schedule_expression == "cron(0 2 * * ? *)"
    assert schedule.schedule_expression_timezone == "Europe/Madrid"
    assert schedule.target.kind == TargetKind.LAMBDA
    assert schedule.target.retry_policy is not None
    assert schedule.target.retry_policy.maximum_retry_attempts == 3
    assert schedule.target.dead_letter_config is not None
    assert schedule.flexible_time_window.maximum_window_in_minutes == 30
    assert schedule.last_modification_date is not None
    assert repo.read_for_write("default", "nightly-report")[1] == []


def test_missing_schedule_is_a_typed_not_found(repo: SchedulerRepository) -> None:
    with pytest.raises(NotFoundError, match="GetSchedule default/ghost: not found"):
        repo.get_schedule("default", "ghost")


def test_dropped_members_finds_what_botocore_did_not_parse() -> None:
    raw = {"Name": "a", "Target": {"Arn": "x", "NewBlock": {"A": 1}}, "Later": [1], "Gone": None}
    parsed = {"Name": "a", "Target": {"Arn": "x"}, "ResponseMetadata": {}}
    assert dropped_members(raw, parsed) == ["Target.NewBlock", "Later"]
