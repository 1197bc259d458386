"""Which sparkline columns hold which runs and which changes (core/activity/correlation.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schedtui.core.activity.correlation import (
    change_columns,
    changed_paths,
    changes_in_window,
    column_of,
    duration_columns,
    short_identity,
)
from schedtui.core.activity.history import HistoryEvent, Source
from schedtui.core.activity.runs import DurationPoint

START = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


def event(minutes: float, action: str = "UpdateSchedule", **fields: object) -> HistoryEvent:
    return HistoryEvent(
        at=START + timedelta(minutes=minutes), action=action, source=Source.CLOUDTRAIL, **fields
    )  # type: ignore[arg-type]


def test_an_instant_falls_in_the_column_of_its_share_of_the_window() -> None:
    assert column_of(START, START, END, 60) == 0
    assert column_of(START + timedelta(minutes=30), START, END, 60) == 30
    assert column_of(START + timedelta(minutes=59, seconds=59), START, END, 60) == 59
    assert column_of(END, START, END, 60) == 59  # the end belongs to the last column
    assert column_of(START + timedelta(minutes=30), START, END, 4) == 2


def test_an_instant_outside_the_window_falls_in_no_column() -> None:
    assert column_of(START - timedelta(seconds=1), START, END, 60) is None
    assert column_of(END + timedelta(seconds=1), START, END, 60) is None
    assert column_of(START, START, END, 0) is None
    assert column_of(START, START, START, 10) is None  # an empty window


def test_durations_bucket_to_the_longest_and_a_failure_marks_its_column() -> None:
    points = [
        DurationPoint(START + timedelta(minutes=1), 2.0),
        DurationPoint(START + timedelta(minutes=2), 7.5, failed=True),
        DurationPoint(START + timedelta(minutes=14), 3.0),
        DurationPoint(START + timedelta(minutes=50), 1.0),
        DurationPoint(START - timedelta(minutes=5), 99.0, failed=True),  # before the window
    ]
    columns = duration_columns(points, START, END, 4)
    assert [column.peak for column in columns] == [7.5, None, None, 1.0]
    assert [column.failed for column in columns] == [True, False, False, False]
    assert [column.count for column in columns] == [3, 0, 0, 1]


def test_changes_are_marked_in_their_columns_several_in_one() -> None:
    first, second = event(10), event(12, "CreateSchedule")
    late = event(55)
    outside = [event(-1), event(61)]
    marked = change_columns([late, second, first, *outside], START, END, 6)
    assert marked == {1: [first, second], 5: [late]}


def test_a_failed_call_is_not_a_change() -> None:
    refused = event(30, error="AccessDeniedException: no")
    assert change_columns([refused], START, END, 10) == {}
    assert changes_in_window([refused, event(31)], START, END) == [event(31)]


def test_the_legend_lists_the_changes_in_the_window_oldest_first() -> None:
    events = [event(40), event(-30), event(5), event(90)]
    assert [e.at for e in changes_in_window(events, START, END)] == [
        START + timedelta(minutes=5),
        START + timedelta(minutes=40),
    ]


def test_an_identity_is_shown_by_its_readable_end() -> None:
    assert short_identity("arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com") == (
        "alice@example.com"
    )
    assert short_identity("arn:aws:iam::123456789012:user/bob") == "bob"
    assert short_identity("arn:aws:iam::123456789012:root") == "root"
    assert short_identity("arn:aws:iam::123456789012:user/a/[/]") == "a/[/]"
    assert short_identity("not an arn") == "not an arn"
    assert short_identity(None) == "unknown"


def test_the_changed_paths_are_named_and_counted_beyond_the_limit() -> None:
    changes = {f"Target.Field{n}": (n, n + 1) for n in range(5)}
    assert changed_paths(event(0, changes=changes), limit=2) == (
        "Target.Field0, Target.Field1 +3 more"
    )
    assert changed_paths(event(0, changes=None, changes_note="no parameters")) == ""
