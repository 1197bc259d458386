"""The definitions cache file on its own: private, never trusted when it is not ours, bounded,
and shared by two processes at once. (With AWS behind it: test_details_cache_persistent.py.)"""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from schedtui.aws.definitions_db import (
    FILE_NAME,
    SCHEMA_VERSION,
    DefinitionsDb,
    Scope,
    cache_files,
    default_path,
)
from schedtui.core.paths import cache_dir
from schedtui.core.schedules.rows import ScheduleDigest

HERE = Scope("123456789012", "us-east-1")
THERE = Scope("210987654321", "eu-west-1")
WHEN = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


def digest(index: int, scope: Scope = HERE, *, modified: datetime = WHEN) -> ScheduleDigest:
    name = f"job-{index:05d}"
    return ScheduleDigest(
        arn=f"arn:aws:scheduler:{scope.region}:{scope.account}:schedule/default/{name}",
        group="default",
        name=name,
        last_modification_date=modified,
        expression="cron(0 2 * * ? *)",
        zone="Europe/Madrid",
        state="ENABLED",
        start_date=None,
        end_date=WHEN + timedelta(days=365),
        creation_date=WHEN - timedelta(days=3),
        target_arn=f"arn:aws:lambda:{scope.region}:{scope.account}:function:report",
        dlq_arn=f"arn:aws:sqs:{scope.region}:{scope.account}:dlq" if index % 2 else None,
        retry="3/1h",
        window=15 * (index % 3),  # a flexible window on some, none on others
    )


def arns(count: int, scope: Scope = HERE) -> list[str]:
    return [digest(index, scope).arn for index in range(count)]


def test_what_is_written_is_read_back_the_same_in_the_cache_directory() -> None:
    db = DefinitionsDb()
    assert db.path == cache_dir() / FILE_NAME == default_path()
    written = [digest(index) for index in range(3)]
    db.put_many(HERE, written)
    found = DefinitionsDb().get_many(HERE, arns(3))  # another run
    assert [found[item.arn] for item in written] == written  # dates to the microsecond
    assert db.get_many(THERE, arns(3)) == {}  # another account's entries are not these
    assert db.notices == []


def test_the_file_is_0600_in_a_0700_directory_from_its_creation(tmp_path: Path) -> None:
    os.umask(old := os.umask(0))  # the most permissive umask: creation alone must be private
    try:
        db = DefinitionsDb(tmp_path / "new" / FILE_NAME)
        db.put_many(HERE, [digest(0)])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    for path in cache_files(db.path):  # the file, its write-ahead log and index
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert db.notices == []


def test_wider_modes_found_are_narrowed_and_said(tmp_path: Path) -> None:
    directory = tmp_path / "cache"
    DefinitionsDb(directory / FILE_NAME).close()
    directory.chmod(0o755)
    (directory / FILE_NAME).chmod(0o644)
    db = DefinitionsDb(directory / FILE_NAME)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / FILE_NAME).stat().st_mode) == 0o600
    assert len(db.notices) == 2
    assert all("readable by others" in notice for notice in db.notices)
    assert db.usable


def test_a_symlink_in_place_of_the_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("someone's file")
    (tmp_path / FILE_NAME).symlink_to(target)
    db = DefinitionsDb(tmp_path / FILE_NAME)
    assert not db.usable
    assert len(db.notices) == 1
    assert "not a regular file" in db.notices[0]
    assert target.read_text() == "someone's file"
    db.put_many(HERE, [digest(0)])  # off: nothing happens, nothing raises
    assert db.get_many(HERE, arns(1)) == {}


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(18).randbytes(8192))


def _foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (text TEXT)")
        other.execute("INSERT INTO notes VALUES ('mine')")
    other.close()


def _newer_schema(path: Path) -> None:
    DefinitionsDb(path).close()
    with sqlite3.connect(path) as other:
        other.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    other.close()


@pytest.mark.parametrize(
    ("spoil", "said"),
    [
        (_random_bytes, "is not a SQLite database"),
        (_foreign_database, "belongs to another program"),
        (_newer_schema, f"has schema version {SCHEMA_VERSION + 1}"),
    ],
)
def test_a_file_that_is_not_this_cache_is_rebuilt_with_one_line(
    tmp_path: Path, spoil: object, said: str
) -> None:
    path = tmp_path / FILE_NAME
    spoil(path)  # type: ignore[operator]
    db = DefinitionsDb(path)
    assert len(db.notices) == 1
    assert said in db.notices[0]
    assert "rebuilt" in db.notices[0]
    assert "\n" not in db.notices[0]
    db.put_many(HERE, [digest(0)])
    assert list(DefinitionsDb(path).get_many(HERE, arns(1))) == arns(1)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_damage_found_mid_run_rebuilds_once_and_never_raises(tmp_path: Path) -> None:
    said: list[str] = []
    db = DefinitionsDb(tmp_path / FILE_NAME)
    db.on_problem = said.append
    db.put_many(HERE, [digest(0)])
    with sqlite3.connect(tmp_path / FILE_NAME) as other:
        other.execute("DROP TABLE definitions")  # as good as damaged, for this run
    other.close()
    assert db.get_many(HERE, arns(1)) == {}
    assert len(said) == 1
    assert "rebuilt" in said[0]
    db.put_many(HERE, [digest(0)])  # the rebuilt file works
    assert list(db.get_many(HERE, arns(1))) == arns(1)


def test_the_bound_evicts_the_least_recently_used_account_first(tmp_path: Path) -> None:
    a, b, c = (Scope(f"00000000000{n}", "us-east-1") for n in range(3))
    db = DefinitionsDb(tmp_path / FILE_NAME, max_entries=10)
    for scope in (a, b, c):
        db.put_many(scope, [digest(index, scope) for index in range(4)])
    assert db.count() == 10
    assert sorted(db.get_many(a, arns(4, a))) == arns(4, a)[2:]  # a's oldest two went
    db.retain(a, arns(4, a))  # a listed again: now b is the least recently used
    db.put_many(c, [digest(index, c) for index in range(4, 6)])
    assert db.count() == 10
    assert sorted(db.get_many(b, arns(4, b))) == arns(4, b)[2:]
    assert sorted(db.get_many(a, arns(4, a))) == arns(4, a)[2:]
    assert len(db.get_many(c, arns(6, c))) == 6  # the account in use keeps all of its own


def test_an_account_larger_than_the_bound_keeps_its_most_recent(tmp_path: Path) -> None:
    db = DefinitionsDb(tmp_path / FILE_NAME, max_entries=5)
    for index in range(8):
        db.put_many(HERE, [digest(index)])
    assert sorted(db.get_many(HERE, arns(8))) == arns(8)[3:]


def test_retain_forgets_what_the_listing_no_longer_has_in_that_scope_only(
    tmp_path: Path,
) -> None:
    db = DefinitionsDb(tmp_path / FILE_NAME)
    db.put_many(HERE, [digest(index) for index in range(5)])
    db.put_many(THERE, [digest(index, THERE) for index in range(2)])
    db.retain(HERE, arns(5)[1:4])
    assert sorted(db.get_many(HERE, arns(5))) == arns(5)[1:4]
    assert len(db.get_many(THERE, arns(2, THERE))) == 2


def test_two_processes_write_and_read_at_once(tmp_path: Path) -> None:
    # Two cache objects: two connections, as two schedtui processes would hold.
    path = tmp_path / FILE_NAME
    first, second = DefinitionsDb(path), DefinitionsDb(path)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def work(db: DefinitionsDb, offset: int) -> None:
        try:
            start.wait()
            for batch in range(20):
                base = offset + batch * 10
                db.put_many(HERE, [digest(index) for index in range(base, base + 10)])
                db.get_many(HERE, arns(base + 10))
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [
        threading.Thread(target=work, args=(first, 0)),
        threading.Thread(target=work, args=(second, 1000)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert first.notices == second.notices == []
    every = [digest(i).arn for i in (*range(200), *range(1000, 1200))]
    assert len(first.get_many(HERE, every)) == 400
    assert len(second.get_many(HERE, every)) == 400
