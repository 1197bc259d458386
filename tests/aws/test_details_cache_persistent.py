"""The details cache with its file behind it, over real HTTP: a second start (new clients, a
new cache, the same file) fetches only the schedules that changed or appeared."""

from __future__ import annotations

from pathlib import Path

from schedtui.aws.definitions_db import DefinitionsDb, Scope
from schedtui.aws.details_cache import DetailsCache
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.schedules.schedule import ScheduleSummary
from tests.aws.conftest import ACCOUNT, REGION, full_schedule, seed
from tests.aws.test_details_cache import count_gets, summaries


class Start:
    """What one run of schedtui holds: its clients, its cache, its GetSchedule calls."""

    def __init__(self, settings: AwsSettings, path: Path, *, identified: bool = True) -> None:
        self.clients = AwsClients(settings)
        if identified:
            self.clients.caller_identity()  # the sync asks it first
        self.repo = SchedulerRepository(self.clients)
        self.file = DefinitionsDb(path)
        self.cache = DetailsCache(self.repo, persistent=self.file)
        self.gets = count_gets(self.clients)

    def listed(self) -> list[ScheduleSummary]:
        """A complete listing, into the columns as the app's sync lists (the schedules it
        no longer holds are marked gone: ``self.gone``)."""
        found = summaries(self.repo)
        columns = self.cache.columns
        listing = columns.begin_listing()
        columns.put_listed(found, listing)
        self.gone = columns.end_listing(listing)
        return found


def test_a_second_start_fetches_only_the_schedules_changed_or_added(
    settings: AwsSettings, tmp_path: Path
) -> None:
    path = tmp_path / "definitions.sqlite3"
    seed(20)
    first = Start(settings, path)
    first.cache.fetch(first.listed())
    assert len(first.gets) == 20

    scheduler = first.clients.scheduler
    moved = scheduler.get_schedule(Name="job-00003")
    scheduler.update_schedule(
        Name="job-00003",
        ScheduleExpression="rate(5 minutes)",
        FlexibleTimeWindow=moved["FlexibleTimeWindow"],
        Target=moved["Target"],
        State="ENABLED",
    )
    scheduler.create_schedule(**full_schedule("appeared"))

    second = Start(settings, path)
    listed = second.listed()
    second.cache.fetch(listed)
    assert sorted(second.gets) == ["appeared", "job-00003"]
    assert all(second.cache.digest(summary) is not None for summary in listed)
    changed = next(summary for summary in listed if summary.name == "job-00003")
    digest = second.cache.digest(changed)
    assert digest is not None
    assert digest.expression == "rate(5 minutes)"  # the new definition, not the cached one
    kept = next(summary for summary in listed if summary.name == "job-00007")
    loaded = second.cache.digest(kept)
    assert loaded is not None
    assert loaded.expression == "rate(1 hour)"
    # The listed row's strings, as a fetched digest holds them (no second copy in memory).
    assert loaded.arn is kept.arn
    assert loaded.name is kept.name
    assert loaded.target_arn is listed[0].target_arn  # one object for every equal target

    third = Start(settings, path)
    third.cache.fetch(third.listed())
    assert third.gets == []  # everything the second start read was written through


def test_a_page_preloaded_while_listing_needs_no_fetch(
    settings: AwsSettings, tmp_path: Path
) -> None:
    path = tmp_path / "definitions.sqlite3"
    seed(5)
    first = Start(settings, path)
    first.cache.fetch(first.listed())
    second = Start(settings, path)
    for page in second.repo.iter_schedule_pages():
        assert [second.cache.digest(summary) for summary in page] == [None] * len(page)
        second.cache.preload(page)
        assert all(second.cache.digest(summary) is not None for summary in page)
    assert second.cache.stale(second.listed()) == []
    assert second.gets == []


def test_schedules_gone_from_a_complete_listing_leave_the_file(
    settings: AwsSettings, tmp_path: Path
) -> None:
    path = tmp_path / "definitions.sqlite3"
    seed(4)
    first = Start(settings, path)
    first.cache.fetch(first.listed())
    first.clients.scheduler.delete_schedule(Name="job-00001")
    listed = first.listed()
    first.cache.listing_done(first.gone)  # what the sync does when a listing completes
    first.cache.save()
    scope = Scope(ACCOUNT, REGION)
    gone = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/job-00001"
    assert DefinitionsDb(path).get_many(scope, [gone]) == {}
    assert len(DefinitionsDb(path).get_many(scope, [s.arn for s in listed])) == 3


def test_a_definition_stored_after_a_write_is_written_through(
    settings: AwsSettings, tmp_path: Path
) -> None:
    path = tmp_path / "definitions.sqlite3"
    seed(1)
    first = Start(settings, path)
    schedule = first.repo.get_schedule("default", "job-00000")
    first.cache.store(schedule)  # as a flow does after its write
    first.cache.fetch([])  # the next refresh's fetch saves what is pending
    second = Start(settings, path)
    second.cache.fetch(second.listed())
    assert second.gets == []


def test_while_the_account_is_unknown_the_file_is_neither_read_nor_written(
    settings: AwsSettings, tmp_path: Path
) -> None:
    path = tmp_path / "definitions.sqlite3"
    seed(3)
    blind = Start(settings, path, identified=False)
    blind.cache.fetch(blind.listed())
    assert len(blind.gets) == 3
    assert DefinitionsDb(path).count() == 0
    first = Start(settings, path)
    first.cache.fetch(first.listed())
    later = Start(settings, path, identified=False)
    later.cache.fetch(later.listed())
    assert len(later.gets) == 3  # the entries are there, but whose they are is not known


def test_without_a_file_nothing_changes(settings: AwsSettings) -> None:
    seed(2)
    clients = AwsClients(settings)
    clients.caller_identity()
    cache = DetailsCache(SchedulerRepository(clients))
    gets = count_gets(clients)
    cache.fetch(summaries(cache.repository))
    cache.fetch(summaries(cache.repository))
    assert len(gets) == 2
