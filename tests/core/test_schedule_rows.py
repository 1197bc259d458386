"""List rows and the `/` filter language: what an operator types, what they get."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from schedtui.core.monitoring.failures import FailureFigures, failure_figures
from schedtui.core.monitoring.metrics import MetricSeries, QueueDepth
from schedtui.core.schedules.rows import ScheduleDigest, duration_text, parse_filter, relative_text
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.schedules.store import (
    SCHEDULE_COLUMNS,
    AccountStore,
    RowFacts,
    schedule_table_row,
)

SCHEDULE_KEYS = [column.key for column in SCHEDULE_COLUMNS]

NOW = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
ROLE = "arn:aws:iam::123456789012:role/r"


def schedule(name: str, group: str, **members: object) -> tuple[ScheduleSummary, Schedule]:
    target = {"Arn": "arn:aws:lambda:us-east-1:123456789012:function:backup", "RoleArn": ROLE}
    data = {
        "Name": name,
        "GroupName": group,
        "Arn": f"arn:aws:scheduler:us-east-1:123456789012:schedule/{group}/{name}",
        "ScheduleExpression": "cron(0 2 * * ? *)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED",
        "Target": target,
        "LastModificationDate": NOW - timedelta(days=1),
        **members,
    }
    full = Schedule.from_api(data)
    summary = ScheduleSummary.from_api(
        {k: data[k] for k in ("Arn", "Name", "GroupName", "State", "LastModificationDate")}
        | {
            "Target": {
                "Arn": target["Arn"] if "Target" not in members else members["Target"]["Arn"]
            }
        }  # type: ignore[index]
    )
    return summary, full


def filled_store(figures: FailureFigures | None = None) -> AccountStore:
    """A store holding three listed schedules with their definitions, next runs as of NOW."""
    store = AccountStore()
    if figures is not None:
        store.failures = figures
    specs = [
        schedule(
            "daily-backup-schedule", "batch-jobs-group", ScheduleExpressionTimezone="Europe/Madrid"
        ),
        schedule("nightly-report", "billing", State="DISABLED"),
        schedule(
            "sync-orders",
            "orders",
            ScheduleExpression="rate(5 minutes)",
            Target={"Arn": "arn:aws:sqs:us-east-1:123456789012:orders", "RoleArn": ROLE},
        ),
    ]
    columns = store.columns
    listing = columns.begin_listing()
    ids = columns.put_listed([summary for summary, _ in specs], listing)
    for _, full in specs:
        columns.put_definition(ScheduleDigest.of(full))
    columns.settle_next_runs(ids, NOW)
    columns.end_listing(listing)
    return store


def shown(text: str, figures: FailureFigures | None = None) -> list[str]:
    """The names the list shows for a filter text, in store order."""
    store = filled_store(figures)
    view = store.view(None, parse_filter(text))
    return [store.columns.names[row] for row in view.ids]


def rows() -> list[RowFacts]:
    store = filled_store()
    return [facts for arn in store.columns.listed_arns() if (facts := store.facts(arn))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["daily-backup-schedule", "nightly-report", "sync-orders"]),
        ("daily", ["daily-backup-schedule"]),
        ("DAILY", ["daily-backup-schedule"]),
        ("backup", ["daily-backup-schedule", "nightly-report"]),  # the target is function:backup
        ("state:disabled", ["nightly-report"]),
        ("state:enabled", ["daily-backup-schedule", "sync-orders"]),
        ("group:orders", ["sync-orders"]),
        ("target:lambda", ["daily-backup-schedule", "nightly-report"]),
        ("target:sqs", ["sync-orders"]),
        ("tz:europe", ["daily-backup-schedule"]),
        ("tz:utc", ["nightly-report", "sync-orders"]),
        ("name:report", ["nightly-report"]),
        ("rate", ["sync-orders"]),  # words also match the expression
        ("state:enabled group:batch-jobs-group", ["daily-backup-schedule"]),
        ("daily sync", []),  # every word must match
        ("nosuchkey:x", []),  # an unknown key is just a word
    ],
)
def test_filter_terms(text: str, expected: list[str]) -> None:
    assert shown(text) == expected


def test_row_columns() -> None:
    backup, disabled, rate = rows()
    assert backup.expression == "cron(0 2 * * ? *)"
    assert backup.zone == "Europe/Madrid"
    assert backup.next_run == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 02:00 CET
    assert backup.target_kind == "Lambda"
    assert backup.retry == "default"
    assert disabled.next_run is None  # a disabled schedule does not fire
    assert rate.target_kind == "SQS"
    assert rate.next_run is not None


def test_summary_only_rows_wait_for_details() -> None:
    summary, _ = schedule("x", "g")
    store = AccountStore()
    store.columns.put_listed([summary])
    row = store.facts(summary.arn)
    assert row is not None
    assert (row.detailed, row.expression, row.next_run) == (False, None, None)
    assert row.target_kind == "Lambda"
    cells = schedule_table_row(store.columns, 0).cells
    assert cells[SCHEDULE_KEYS.index("next")] == "…"  # its definition is on its way
    assert cells[SCHEDULE_KEYS.index("target")] == "Lambda: backup"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(5, "5s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"), (3900, "1h05m"),
     (86400, "1d"), (90000, "1d01h"), (86400 * 150, "150d")],
)  # fmt: skip
def test_durations(seconds: int, text: str) -> None:
    assert duration_text(timedelta(seconds=seconds)) == text


def test_relative_text() -> None:
    assert relative_text(NOW + timedelta(hours=3, minutes=5), NOW) == "in 3h05m"
    assert relative_text(NOW - timedelta(minutes=2), NOW) == "2m ago"
    assert relative_text(None, NOW) == ""


def test_is_failing_asks_the_failure_figures_of_the_group_and_the_dlq() -> None:
    assert shown("is:failing") == []  # none known
    figures = FailureFigures(group_failures={"billing": 3, "orders": 0}, as_of=NOW)
    assert shown("is:failing", figures) == ["nightly-report"]
    assert shown("is:paused") == ["nightly-report"]
    assert shown("is:nonsense") == []


def test_a_dlq_holding_messages_makes_its_schedules_failing() -> None:
    figures = failure_figures([], {"arn:aws:sqs:us-east-1:123456789012:orders-dlq": _depth(4)}, NOW)
    assert figures.failing("any-group", "arn:aws:sqs:us-east-1:123456789012:orders-dlq")
    # The same name in another region is another queue.
    assert not figures.failing("any-group", "arn:aws:sqs:eu-west-1:123456789012:orders-dlq")
    assert not figures.failing("any-group", None)


@pytest.mark.parametrize("total", [float("inf"), float("nan"), -15.0])
def test_a_sum_that_cannot_be_a_count_is_unknown_never_a_crash(total: float) -> None:
    series = MetricSeries("TargetErrorCount", "orders", 300, (NOW,), (total,))
    figures = failure_figures([series], {}, NOW)
    assert "orders" not in figures.group_failures  # the list shows a dash
    assert any("orders" in problem for problem in figures.problems)


def test_the_list_says_paused_for_a_disabled_schedule_not_a_next_run() -> None:
    store = filled_store()
    disabled = store.columns.ids[rows()[1].arn]
    assert schedule_table_row(store.columns, disabled).cells[SCHEDULE_KEYS.index("next")] == (
        "paused"
    )


def _depth(visible: int) -> QueueDepth:
    arn = "arn:aws:sqs:us-east-1:123456789012:orders-dlq"
    return QueueDepth(arn, "https://q", visible, 0, 0, fifo=False)
