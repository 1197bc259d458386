"""Hostile values through the column store: instants at the edges of datetime's range."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from schedtui.aws.definitions_db import DefinitionsDb, Scope
from schedtui.core.expressions.zones import EARLIEST, LATEST
from schedtui.core.schedules import selection
from schedtui.core.schedules.columns import ScheduleColumns, instant_of, seconds_of
from schedtui.core.schedules.rows import ScheduleDigest, parse_filter
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


def _summary(index: int) -> ScheduleSummary:
    return ScheduleSummary.model_construct(
        arn=f"arn:aws:scheduler:us-east-1:123456789012:schedule/default/job-{index}",
        name=f"job-{index}", group_name="default", state="ENABLED",
        last_modification_date=LISTED, target=None,
    )  # fmt: skip


def _listed(count: int) -> ScheduleColumns:
    columns = ScheduleColumns()
    columns.put_listed(map(_summary, range(count)), columns.begin_listing())
    return columns


def test_a_pasted_filter_of_thousands_of_terms_asks_each_distinct_one_once_and_stops_at_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 3,000 words pasted into `/` took 17 s over 20,000 rows (every word scanned every name,
    # on the UI thread): a repeated word is the same condition, and once no row is left the
    # rest cannot bring one back.
    columns = _listed(50)
    asked: list[str] = []
    real = selection._names_mask

    def counted(columns: ScheduleColumns, word: str, *rest: object) -> bytes:
        asked.append(word)
        return real(columns, word, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(selection, "_names_mask", counted)
    repeated = parse_filter(" ".join(["job"] * 3000))
    assert list(selection.select(columns, None, repeated)) == list(range(50))
    assert asked == ["job"]
    asked.clear()
    none_left = parse_filter("name:nothing " + " ".join(f"name:{index}" for index in range(3000)))
    assert list(selection.select(columns, None, none_left)) == []
    assert asked == ["nothing"]


def test_narrowing_a_long_pasted_filter_still_tells_what_narrows() -> None:
    many = " ".join(f"name:{index}" for index in range(3000))
    assert selection.narrows(parse_filter(many + "x job"), parse_filter(many + " job"))
    assert selection.narrows(parse_filter(many + " jobs job"), parse_filter(many + " job job"))
    assert not selection.narrows(parse_filter(many), parse_filter(many + " job"))
    assert not selection.narrows(parse_filter("name:ab"), parse_filter("name:ab name:c"))
