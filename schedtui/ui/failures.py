"""The schedules list's failure columns: each group's failures in the last hour and each
DLQ's depth, fetched on their own clock (a beat of the schedules screen, so only while a
schedules list is shown) and kept in the store, so that a list opened later shows the last
figures at once. See core/monitoring/failures.py for what counts as a failure.
"""

from __future__ import annotations

from datetime import datetime

from schedtui.aws.backend import Backend
from schedtui.aws.dlq_repo import queue_missing
from schedtui.aws.errors import AwsError
from schedtui.core.monitoring.failures import (
    FAILURE_METRICS,
    FAILURE_PERIOD,
    FAILURE_WINDOW,
    FailureFigures,
    failure_figures,
)
from schedtui.core.monitoring.metrics import MetricSeries
from schedtui.core.text import printable


def fetch_failures(
    backend: Backend, groups: list[str], now: datetime, partial: bool = False
) -> FailureFigures:
    """One GetMetricData call (per 500 series) for the groups' failure metrics, and the
    depth of every DLQ the loaded definitions name. Each part fails on its own: the figures
    it could not read stay unknown and the problem is named; a DLQ that does not exist is
    that fact, not a problem reading it."""
    problems: list[str] = []
    series: list[MetricSeries] | None = None
    try:
        series = backend.metrics.fetch(
            groups, now - FAILURE_WINDOW, now, FAILURE_PERIOD, FAILURE_METRICS, causes=False
        )
    except AwsError as error:
        problems.append(f"failures: {printable(str(error))}")
    queues = sorted(backend.details.columns.dlq_users())
    depths = backend.dlqs.depths(queues)
    missing = [arn for arn, depth in depths.items() if queue_missing(depth)]
    for arn in missing:
        del depths[arn]
    return failure_figures(series, depths, now, problems, partial, missing)
