"""English descriptions: right for AWS's day numbering, L, W, #, years, rate and at."""

from __future__ import annotations

import pytest

from schedtui.core.expressions.describe import describe
from schedtui.core.expressions.errors import ExpressionError


@pytest.mark.parametrize(
    ("expression", "zone", "expected"),
    [
        ("cron(0 2 * * ? *)", "Europe/Madrid", "At 02:00, every day, in Europe/Madrid"),
        ("cron(0 9 ? * 2#1 *)", None, "At 09:00, on the first Monday of the month, in UTC"),
        ("cron(0 9 ? * MON#3 *)", None, "At 09:00, on the third Monday of the month, in UTC"),
        ("cron(0 10 ? * 1 *)", None, "At 10:00, only on Sunday, in UTC"),
        ("cron(0 10 ? * 7 *)", None, "At 10:00, only on Saturday, in UTC"),
        ("cron(0 10 ? * L *)", None, "At 10:00, only on Saturday, in UTC"),
        ("cron(0 10 ? * 6L *)", None, "At 10:00, on the last Friday of the month, in UTC"),
        ("cron(0 10 ? * FRIL *)", None, "At 10:00, on the last Friday of the month, in UTC"),
        ("cron(0 10 L * ? *)", None, "At 10:00, on the last day of the month, in UTC"),
        ("cron(0 10 LW * ? *)", None, "At 10:00, on the last weekday of the month, in UTC"),
        (
            "cron(0 10 15W * ? *)",
            None,
            "At 10:00, on the weekday nearest day 15 of the month, in UTC",
        ),
        (
            "cron(0/15 9-17 ? * MON-FRI *)",
            "America/New_York",
            "Every 15 minutes, between 09:00 and 17:59, Monday through Friday, in America/New_York",
        ),
        ("cron(0 10 ? * FRI-MON *)", None, "At 10:00, Friday through Monday, in UTC"),
        (
            "cron(5,35 14 * * ? 2030)",
            None,
            "At 14:05 and 14:35, every day, only in 2030, in UTC",
        ),
        (
            "cron(30 22 ? * 1 2026-2028)",
            None,
            "At 22:30, only on Sunday, 2026 through 2028, in UTC",
        ),
        (
            "cron(0 0 1 1 ? *)",
            None,
            "At 00:00, on day 1 of the month, only in January, in UTC",
        ),
        ("rate(1 minute)", None, "Every minute, from the start date (or creation time)"),
        (
            "rate(5 minutes)",
            "Asia/Tokyo",
            "Every 5 minutes, from the start date (or creation time)",
        ),
        ("rate(2 days)", None, "Every 2 days, from the start date (or creation time)"),
        (
            "at(2026-12-01T09:30:00)",
            "Europe/Madrid",
            "Once, at 2026-12-01 09:30:00, in Europe/Madrid",
        ),
    ],
)
def test_descriptions(expression: str, zone: str | None, expected: str) -> None:
    assert describe(expression, zone) == expected


def test_invalid_expressions_are_not_described() -> None:
    with pytest.raises(ExpressionError):
        describe("cron(0 10 ? * 8 *)")
