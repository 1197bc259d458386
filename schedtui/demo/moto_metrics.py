"""GetMetricData for the demo's moto: exact dimension matching, in one pass over the data.

moto 5.2's ``CloudWatchBackend.get_metric_data`` differs from CloudWatch in two ways that the
demo's monitoring data runs into:

- A query without dimensions sums every datapoint of that metric name, whatever its
  dimensions. Scheduler publishes an account-wide series (no dimension) *and* one per group,
  so moto would show the account-wide figures doubled. CloudWatch matches the exact set of
  dimensions: a query without dimensions reads only the series published without any.
- It rescans every datapoint of the window for every query and every period, which is
  O(queries x periods x datapoints). The app asks 8 metrics x (1 + groups) series; for the 7-day
  window (168 hourly periods) over a few thousand datapoints that is seconds per refresh.

``install_exact_metric_reads`` replaces the method on one backend *instance* (moto's reset
builds new instances, so ``EmbeddedDemo.stop`` removes it) with a version that indexes the
window's datapoints once per call: O(datapoints + queries x non-empty periods). Statistics
are computed by moto's own ``Statistics`` class, so Sum/Average/Minimum/Maximum/SampleCount
mean exactly what they mean in moto. Percentiles (``p50``, ``p99``, ``p99.9``...), which crash
moto's own method, are computed here over the single values published in the period (the demo
publishes Lambda's Duration one value per invocation), by the nearest-rank rule; aggregated
datapoints (StatisticValues) carry no values to rank and are left out of them. Anything else
(metric math, Metrics Insights) is handed to moto's original method unchanged.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from moto.cloudwatch.models import CloudWatchBackend, MetricDatumBase

_SIMPLE_STATS: Final = frozenset({"Sum", "Average", "Minimum", "Maximum", "SampleCount"})
_PERCENTILE: Final = re.compile(r"p(\d{1,2}(?:\.\d+)?|100)")
_MARKER: Final = "_schedtui_exact_metric_reads"

_SeriesKey = tuple[str, str, frozenset[tuple[str | None, str | None]]]


def install_exact_metric_reads(backend: CloudWatchBackend) -> bool:
    """Give ``backend`` the exact, indexed GetMetricData; False if it already has it."""
    if getattr(backend, _MARKER, False):
        return False
    original = backend.get_metric_data

    def get_metric_data(
        queries: list[dict[str, Any]],
        start_time: datetime,
        end_time: datetime,
        scan_by: str = "TimestampAscending",
    ) -> list[dict[str, Any]]:
        if not queries or not all(_simple(query) for query in queries):
            return original(queries, start_time, end_time, scan_by)
        return _exact_metric_data(backend, queries, start_time, end_time, scan_by)

    # An instance attribute shadows the class's method for this backend only.
    backend.get_metric_data = get_metric_data  # type: ignore[method-assign]
    setattr(backend, _MARKER, True)
    return True


def _simple(query: dict[str, Any]) -> bool:
    stat = query.get("MetricStat")
    if not isinstance(stat, dict):
        return False
    name = stat.get("Stat")
    return name in _SIMPLE_STATS or (isinstance(name, str) and _percentile(name) is not None)


def _percentile(stat: str) -> float | None:
    """The percentile a statistic names (``p99`` -> 99.0), or None."""
    match = _PERCENTILE.fullmatch(stat)
    return None if match is None else float(match.group(1))


def percentile(values: list[float], rank: float) -> float | None:
    """The nearest-rank percentile of ``values`` (None for none)."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(math.ceil(rank / 100 * len(ordered)) - 1, 0)
    return ordered[min(index, len(ordered) - 1)]


def _naive_utc(moment: datetime) -> datetime:
    # moto stores and parses timestamps as naive UTC.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _series_key(
    namespace: str, name: str, dimensions: Any, read: Callable[[Any], tuple[Any, Any]]
) -> _SeriesKey:
    return (namespace, name, frozenset(read(dimension) for dimension in dimensions))


def _exact_metric_data(
    backend: CloudWatchBackend,
    queries: list[dict[str, Any]],
    start_time: datetime,
    end_time: datetime,
    scan_by: str,
) -> list[dict[str, Any]]:
    from moto.cloudwatch.exceptions import ValidationError
    from moto.cloudwatch.models import MetricDatum, Statistics

    start, end = _naive_utc(start_time), _naive_utc(end_time)
    if start > end:
        raise ValidationError("The parameter EndTime must be greater than StartTime.")
    if start == end:
        raise ValidationError("The parameter StartTime must not equal parameter EndTime.")
    # One pass: the window's datapoints by exact series. ``get_all_metrics`` returns a new
    # list, so a datapoint appended meanwhile by another request thread is harmless.
    series: dict[Hashable, list[MetricDatumBase]] = defaultdict(list)
    for datum in backend.get_all_metrics():
        if start <= datum.timestamp < end:
            key = _series_key(
                datum.namespace, datum.name, datum.dimensions, lambda d: (d.name, d.value)
            )
            series[key].append(datum)
    results = []
    for query in queries:
        stat_query = query["MetricStat"]
        metric = stat_query["Metric"]
        stat = stat_query["Stat"]
        unit = stat_query.get("Unit")
        period = timedelta(seconds=int(stat_query["Period"]))
        key = _series_key(
            metric["Namespace"],
            metric["MetricName"],
            metric.get("Dimensions", []),
            lambda d: (d["Name"], d.get("Value")),
        )
        buckets: dict[int, list[MetricDatumBase]] = defaultdict(list)
        for datum in series.get(key, ()):
            if not unit or datum.unit == unit:
                buckets[(datum.timestamp - start) // period].append(datum)
        timestamps: list[datetime] = []
        values: list[Any] = []
        rank = _percentile(stat)
        for index in sorted(buckets):
            if rank is not None:
                singles = [d.value for d in buckets[index] if isinstance(d, MetricDatum)]
                value = percentile(singles, rank)
                if value is not None:
                    timestamps.append(start + index * period)
                    values.append(value)
                continue
            statistics = Statistics([stat], start + index * period)
            statistics.metric_data = buckets[index]
            timestamps.append(statistics.timestamp)
            values.append(statistics.get_statistics_for_type(stat))
        if scan_by == "TimestampDescending":
            timestamps.reverse()
            values.reverse()
        if query.get("ReturnData", True):
            results.append(
                {
                    "id": query["Id"],
                    "label": query.get("Label") or f"{metric['MetricName']} {stat}",
                    "values": values,
                    "timestamps": timestamps,
                    "status_code": "Complete",
                }
            )
    return results
