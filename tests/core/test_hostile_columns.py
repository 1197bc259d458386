"""Hostile values through the column store: instants at the edges of datetime's range."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from schedtui.aws.definitions_db import DefinitionsDb, Scope
from schedtui.core.expressions.zones import EARLIEST, LATEST
from schedtui.core.schedules.columns import ScheduleColumns, instant_of, seconds_of
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.schedules.store import schedule_table_row

HERE = Scope("123456789012", "us-east-1")
ARN = "arn:aws:scheduler:us-east-1:123456789012:schedule/default/edge"
LISTED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 2, tzinfo=UTC)


def test_the_last_microsecond_of_year_9999_comes_back_instead_of_overflowing() -> None:
    # As a float, 9999-12-31T23:59:59.999999 rounds up to 10000-01-01: one past the range.
    assert instant_of(seconds_of(LATEST)) == LATEST
    assert instant_of(seconds_of(EARLIEST)) == EARLIEST


def test_an_end_date_at_datetime_max_read_back_from_the_cache_file_lists(tmp_path: Path) -> None:
    # A cache file holds what it was given (or what someone wrote into it): an EndDate of
    # the last representable microsecond is a valid row, and must not crash the listing.
    db = DefinitionsDb(tmp_path / "definitions.sqlite3")
    edge = ScheduleDigest(
        ARN, "default", "edge", LISTED, "rate(1 day)", "", "ENABLED",
        EARLIEST, LATEST, LISTED, "", None, "default",
    )  # fmt: skip
    db.put_many(HERE, [edge])
    columns = ScheduleColumns()
    listing = columns.begin_listing()
    summary = ScheduleSummary.model_construct(
        arn=ARN, name="edge", group_name="default", state="ENABLED",
        last_modification_date=LISTED, target=None,
    )  # fmt: skip
    (row,) = columns.put_listed([summary], listing)
    columns.put_definition(db.get_many(HERE, [ARN])[ARN])
    columns.settle_next_runs([row], NOW)
    assert instant_of(columns.next_run[row]) == datetime(2026, 3, 3, tzinfo=UTC)  # from StartDate
    assert schedule_table_row(columns, row).key == ARN
    assert columns.digest(ARN, LISTED) is not None
