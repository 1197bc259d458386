"""Sparklines and trouble-first ordering of the monitoring panel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schedtui.core.monitoring.metrics import MetricAlarm, MetricSeries
from schedtui.core.monitoring.panel import ACCOUNT, group_health, sparkline

START = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def series(metric: str, group: str | None, values: list[float]) -> MetricSeries:
    stamps = tuple(START + timedelta(minutes=5 * i) for i in range(len(values)))
    return MetricSeries(metric, group, 300, stamps, tuple(values))


def test_sparkline_scales_and_keeps_a_single_error_visible() -> None:
    assert sparkline([0, 0, 0, 0], 4) == "    "
    assert sparkline([0, 1, 0, 8], 4) == " ▁ █"
    assert sparkline([1000, 0, 0, 1], 4) == "█  ▁"  # 1 in 1000 still shows
    assert len(sparkline(list(range(100)), 8)) == 8
    assert sparkline(list(range(100)), 8)[-1] == "█"
    assert sparkline([], 5) == "     "


def test_groups_are_ordered_trouble_first_after_the_account() -> None:
    found = group_health(
        [
            series("InvocationAttemptCount", None, [5, 5]),
            series("InvocationAttemptCount", "quiet", [50, 50]),
            series("TargetErrorCount", "quiet", [0, 0]),
            series("TargetErrorCount", "flaky", [1, 0]),
            series("InvocationDroppedCount", "losing", [0, 1]),
            series("TargetErrorCount", "alarmed", [0, 0]),
        ],
        [
            MetricAlarm(
                "errors",
                "ALARM",
                "threshold crossed",
                "TargetErrorCount",
                "alarmed",
                1.0,
                "GreaterThanThreshold",
            ),
        ],
    )
    assert [health.group for health in found] == [ACCOUNT, "alarmed", "losing", "flaky", "quiet"]
    losing = next(health for health in found if health.group == "losing")
    assert losing.total("InvocationDroppedCount") == 1
    assert losing.latest("InvocationDroppedCount") == 1
    assert losing.total("TargetErrorCount") == 0  # missing series read as zero
