"""The definitions cache on disk: what GetSchedule said about each schedule, kept between runs.

ListSchedules gives summaries only, and every definition costs one GetSchedule: 1,000,000
schedules at 200 a second take ~83 minutes. Kept here (the standard library's SQLite, one
file in the cache directory) keyed by account, region and ARN with the LastModificationDate
it was read at, a second start fetches only the schedules that changed or appeared.

- Private: 0600 in a 0700 directory, created so (the file with ``os.open``). Wider modes
  found on an existing file or directory are narrowed, with a notice, as the audit log's are;
  anything but a regular file at the path (a symlink, a FIFO) is refused: no cache this run.
- Never trusted: a file that is not SQLite, another program's database (``application_id``)
  or another schema version (``user_version``) is reported in one line and rebuilt empty.
  Damage found later, mid-run, is rebuilt the same way, once; then the cache is off for the
  run. Nothing here raises: the cache can only make a start slower, never fail it.
- Two schedtui processes at once: WAL (readers never wait) and a busy timeout for writers.
- Bounded: at most ``MAX_ENTRIES`` definitions across every account and region. Past it,
  the account and region least recently used lose their entries first (within one, the
  oldest written first). Per-scope, not per-entry, recency: stamping each entry on every
  start cost 1.6 s of writes per 100,000 schedules.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from schedtui.aws.audit import narrow, private_directory
from schedtui.core.paths import cache_dir, shown
from schedtui.core.schedules.rows import ScheduleDigest, shared_text

FILE_NAME = "definitions.sqlite3"
# SQLite's companions of the file: the write-ahead log, its index, a rollback journal.
SIDECARS = ("-wal", "-shm", "-journal")
APPLICATION_ID = 0x73636864  # "schd": this file is schedtui's
# 2: each definition's flexible window (the fleet timeline's suggestions); a version-1 file
# is rebuilt empty once, as any other version is.
SCHEMA_VERSION = 2
# The largest account the product is built for (1,000,000 schedules in one region) must fit
# whole, or every start would fetch again what the bound pushed out; half as much again for
# the other accounts and regions visited. ~350 bytes each on disk (measured): ~520 MB at most.
MAX_ENTRIES = 1_500_000
BUSY_SECONDS = 5.0  # how long a writer waits for the other process's transaction
_CHUNK = 500  # ARNs per IN (...) query, far under SQLite's limit on parameters
_FILE_MODE = 0o600
_COUNT = "SELECT count(*) FROM definitions"
_T = TypeVar("_T")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS definitions (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    arn TEXT NOT NULL,
    modified INTEGER NOT NULL,  -- LastModificationDate: microseconds since 1970 (UTC)
    group_name TEXT NOT NULL,
    name TEXT NOT NULL,
    expression TEXT NOT NULL,
    zone TEXT NOT NULL,
    state TEXT NOT NULL,
    start_date INTEGER,
    end_date INTEGER,
    creation_date INTEGER,
    target TEXT NOT NULL,
    dlq TEXT,
    retry TEXT NOT NULL,
    flex_window INTEGER NOT NULL,  -- FlexibleTimeWindow's minutes, 0: OFF
    PRIMARY KEY (account, region, arn)
) STRICT;
CREATE TABLE IF NOT EXISTS scopes (
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    used INTEGER NOT NULL,  -- a counter, bumped by each listing or write: the eviction order
    PRIMARY KEY (account, region)
) STRICT;
"""
_COLUMNS = (
    "arn, modified, group_name, name, expression, zone, state, start_date, end_date, "
    "creation_date, target, dlq, retry, flex_window"
)


@dataclass(frozen=True)
class Scope:
    """One account in one region: what a set of definitions belongs to."""

    account: str
    region: str


def default_path() -> Path:
    return cache_dir() / FILE_NAME


def cache_files(path: Path) -> list[Path]:
    """The file and its SQLite companions, those that exist."""
    candidates = [path, *(path.with_name(path.name + suffix) for suffix in SIDECARS)]
    return [candidate for candidate in candidates if os.path.lexists(candidate)]


def remove_files(path: Path) -> list[Path]:
    """Delete the cache file and its companions; the ones removed. Raises OSError."""
    removed = []
    for found in cache_files(path):
        found.unlink(missing_ok=True)
        removed.append(found)
    return removed


class _Untrusted(Exception):
    """The file is not this schedtui's cache: the reason, for the one-line notice."""


class _Refused(Exception):
    """The cache cannot be used this run (and is not rebuilt): the reason."""


class DefinitionsDb:
    """The cache file of one run, shared by its threads (one connection behind a lock) and
    by every context the run switches to (entries are keyed by scope)."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        max_entries: int = MAX_ENTRIES,
        busy_seconds: float = BUSY_SECONDS,
    ) -> None:
        self.path = path or default_path()
        self.max_entries = max_entries
        self.busy_seconds = busy_seconds
        # One line each: what opening found (a start shows them), then what went wrong
        # later, also passed to ``on_problem`` (the TUI: a notification).
        self.notices: list[str] = []
        self.on_problem: Callable[[str], None] | None = None
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._rebuilt = False
        with self._lock:
            self._open()

    @property
    def usable(self) -> bool:
        return self._db is not None

    # -- reads and writes -----------------------------------------------------------------

    def get_many(self, scope: Scope, arns: Sequence[str]) -> dict[str, ScheduleDigest]:
        """The cached digests of ``arns`` (those found), by ARN. The caller compares each
        one's LastModificationDate with the listing's: a different one is a miss."""

        def read(db: sqlite3.Connection) -> dict[str, ScheduleDigest]:
            found: dict[str, ScheduleDigest] = {}
            for start in range(0, len(arns), _CHUNK):
                chunk = arns[start : start + _CHUNK]
                query = (
                    f"SELECT {_COLUMNS} FROM definitions WHERE account = ? AND region = ? "
                    f"AND arn IN ({','.join('?' * len(chunk))})"
                )
                for row in db.execute(query, (scope.account, scope.region, *chunk)):
                    found[row[0]] = _digest(row)
            return found

        return self._run(read, {})

    def put_many(self, scope: Scope, digests: Iterable[ScheduleDigest]) -> None:
        """Keep ``digests`` (one transaction), then evict past the bound. A digest without a
        LastModificationDate is not kept: nothing could tell it is still the server's."""
        rows = [_row(scope, digest) for digest in digests if digest.last_modification_date]

        def write(db: sqlite3.Connection) -> None:
            with _transaction(db):
                db.executemany(
                    f"INSERT OR REPLACE INTO definitions (account, region, {_COLUMNS}) "
                    f"VALUES ({','.join('?' * 16)})",
                    rows,
                )
                _used(db, scope)
                self._evict(db)

        if rows:
            self._run(write, None)

    def retain(self, scope: Scope, arns: Iterable[str]) -> None:
        """A listing of ``scope`` completed with ``arns``: forget the schedules it no longer
        has, and mark the scope used."""

        def prune(db: sqlite3.Connection) -> None:
            # The listed ARNs go to a temporary table first, outside the transaction: the
            # other process's writers wait only for the delete.
            db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS listed (arn TEXT PRIMARY KEY) WITHOUT ROWID"
            )
            db.execute("DELETE FROM temp.listed")
            db.executemany("INSERT OR IGNORE INTO temp.listed VALUES (?)", ((a,) for a in arns))
            with _transaction(db):
                db.execute(
                    "DELETE FROM definitions WHERE account = ? AND region = ? "
                    "AND arn NOT IN (SELECT arn FROM temp.listed)",
                    (scope.account, scope.region),
                )
                _used(db, scope)
            db.execute("DELETE FROM temp.listed")

        self._run(prune, None)

    def count(self) -> int:
        """How many definitions the file holds, across every scope."""
        return self._run(lambda db: int(db.execute(_COUNT).fetchone()[0]), 0)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _evict(self, db: sqlite3.Connection) -> None:
        """Down to the bound: the least recently used scopes' entries first, each scope's
        oldest written first (INSERT OR REPLACE gives a rewritten entry a new rowid)."""
        excess = int(db.execute(_COUNT).fetchone()[0]) - self.max_entries
        scopes = db.execute("SELECT account, region FROM scopes ORDER BY used").fetchall()
        for account, region in scopes:
            if excess <= 0:
                return
            excess -= db.execute(
                "DELETE FROM definitions WHERE rowid IN (SELECT rowid FROM definitions "
                "WHERE account = ? AND region = ? ORDER BY rowid LIMIT ?)",
                (account, region, excess),
            ).rowcount

    # -- failures ---------------------------------------------------------------------------

    def _run(self, action: Callable[[sqlite3.Connection], _T], default: _T) -> _T:
        """``action`` on the connection, under the lock; no failure leaves here (``default``
        then). Busy past the timeout (the other process held on): skipped, the cache is a
        cache. Anything else (damage, a full disk, the file deleted): rebuilt, once."""
        with self._lock:
            db = self._db
            if db is None:
                return default
            try:
                return action(db)
            except sqlite3.OperationalError as error:
                if "locked" in str(error) or "busy" in str(error):
                    return default
                self._failed(error)
            except (sqlite3.DatabaseError, OverflowError) as error:
                self._failed(error)  # OverflowError: a date no schedtui wrote
            return default

    def _failed(self, error: Exception) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._rebuilt:
            self._say(f"{self._name()} failed again ({error}): not used for the rest of this run")
            return
        self._say(f"{self._name()} failed ({error}): rebuilt empty")
        self._rebuilt = True
        try:
            remove_files(self.path)
            self._db = self._connect(fresh=True)
        except (OSError, sqlite3.Error, _Refused) as again:
            self._db = None
            self._say(f"{self._name()} cannot be rebuilt ({again}): not used this run")

    def _say(self, line: str) -> None:
        self.notices.append(line)
        if self.on_problem is not None:
            self.on_problem(line)

    def _name(self) -> str:
        return f"the definitions cache {shown(self.path)}"

    # -- opening ----------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            self.notices += private_directory(self.path.parent)
            try:
                self._db = self._connect(fresh=_create_private(self.path))
            except _Untrusted as reason:
                self.notices.append(f"{self._name()} {reason}: rebuilt empty")
                remove_files(self.path)
                self._db = self._connect(fresh=_create_private(self.path))
        except (OSError, sqlite3.Error, _Refused, _Untrusted) as problem:
            self._db = None
            self.notices.append(f"{self._name()} is not used this run: {problem}")

    def _connect(self, *, fresh: bool) -> sqlite3.Connection:
        """A connection to the file, checked (raises _Untrusted) or, ``fresh``, given the
        schema. The file already exists, private (``_create_private``)."""
        # Before connecting: SQLite gives its companion files the file's mode.
        narrowed = _narrowed(self.path)
        db = sqlite3.connect(
            self.path, timeout=self.busy_seconds, isolation_level=None, check_same_thread=False
        )
        try:
            self._check_or_create(db)
            # Each is a no-op once set; WAL stays with the file. NORMAL: a power cut may
            # lose the last transactions, never the file's integrity (a cache can lose some).
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            db.close()
            raise
        # Said once trusted: a file about to be rebuilt needs no second line.
        self.notices += narrowed
        return db

    def _check_or_create(self, db: sqlite3.Connection) -> None:
        try:
            application = db.execute("PRAGMA application_id").fetchone()[0]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        except sqlite3.DatabaseError as error:
            raise _Untrusted(f"is not a SQLite database ({error})") from None
        if application == APPLICATION_ID and version == SCHEMA_VERSION:
            return
        if application == 0 and version == 0 and tables == 0:  # new and empty
            with _transaction(db):
                _create(db)
            return
        if application != APPLICATION_ID:
            raise _Untrusted("belongs to another program (not a schedtui cache)")
        raise _Untrusted(
            f"has schema version {version}, this schedtui reads version {SCHEMA_VERSION}"
        )


def _used(db: sqlite3.Connection, scope: Scope) -> None:
    """Stamp ``scope`` as the most recently used (a counter, not the clock)."""
    db.execute(
        "INSERT OR REPLACE INTO scopes VALUES "
        "(?, ?, (SELECT coalesce(max(used), 0) + 1 FROM scopes))",
        (scope.account, scope.region),
    )


def _create(db: sqlite3.Connection) -> None:
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once (IMMEDIATE: two writers never deadlock on an
    upgrade from reading); rolled back on any failure."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.in_transaction:
            db.rollback()
        raise
    db.execute("COMMIT")


def _create_private(path: Path) -> bool:
    """Create ``path`` 0600 if it does not exist (True: created, empty). An existing path
    must be a regular file, not a symlink (raises _Refused)."""
    try:
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        os.close(os.open(path, flags, _FILE_MODE))
        return True
    except FileExistsError:
        pass
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise _Refused(f"{shown(path)} is not a regular file")
    return False


def _narrowed(path: Path) -> list[str]:
    """The file and its companions made 0600; the notice when the file itself was wider
    (its companions, SQLite's, were made with its mode: one line says it)."""
    lines = [narrow(found, _FILE_MODE) for found in cache_files(path)]
    return [lines[0]] if lines and lines[0] else []


def _micros(value: datetime | None) -> int | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // _MICROSECOND


def _instant(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + value * _MICROSECOND


def _row(scope: Scope, digest: ScheduleDigest) -> tuple[object, ...]:
    return (
        scope.account,
        scope.region,
        digest.arn,
        _micros(digest.last_modification_date),
        digest.group,
        digest.name,
        digest.expression,
        digest.zone,
        digest.state,
        _micros(digest.start_date),
        _micros(digest.end_date),
        _micros(digest.creation_date),
        digest.target_arn,
        digest.dlq_arn,
        digest.retry,
        digest.window,
    )


def _digest(row: tuple[object, ...]) -> ScheduleDigest:
    """A stored row as a digest; the few-valued texts as one shared object each
    (``shared_text``), as a fetched digest holds them."""
    (arn, modified, group, name, expression, zone, state, start, end, created, target, dlq,
     retry, window) = row  # fmt: skip
    return ScheduleDigest(
        str(arn),
        shared_text(str(group)),
        str(name),
        _instant(modified),  # type: ignore[arg-type]
        shared_text(str(expression)),
        shared_text(str(zone)),
        shared_text(str(state)),
        _instant(start),  # type: ignore[arg-type]
        _instant(end),  # type: ignore[arg-type]
        _instant(created),  # type: ignore[arg-type]
        str(target),
        None if dlq is None else shared_text(str(dlq)),
        shared_text(str(retry)),
        int(window),  # type: ignore[call-overload]
    )
