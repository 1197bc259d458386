"""The runs and the history side by side: which columns of a window's sparkline hold which
durations, and which hold a change to the schedule, so that "it started failing right after
Tuesday's update" shows at a glance. Pure: the runs tab draws what this computes.

A window ``[start, end]`` is cut into ``columns`` equal slices; an instant at ``end`` falls in
the last one, an instant outside the window in none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from schedtui.core.activity.history import HistoryEvent
from schedtui.core.activity.runs import DurationPoint


def column_of(at: datetime, start: datetime, end: datetime, columns: int) -> int | None:
    """The column of the window ``[start, end]`` that ``at`` falls in, or None (outside the
    window, or no columns)."""
    if columns <= 0 or end <= start or not start <= at <= end:
        return None
    share = (at - start) / (end - start)
    return min(columns - 1, int(share * columns))


@dataclass(frozen=True)
class DurationColumn:
    """One column of the sparkline: the longest duration that ended in it (None: no run),
    and whether any of its runs failed (a failure with no duration still marks it)."""

    peak: float | None = None
    failed: bool = False
    count: int = 0


def duration_columns(
    points: Iterable[DurationPoint], start: datetime, end: datetime, columns: int
) -> list[DurationColumn]:
    """The points bucketed into ``columns`` columns (the longest of each: a slow run is what
    an operator looks for, and a median would hide it)."""
    peaks: list[float | None] = [None] * max(columns, 0)
    failed = [False] * max(columns, 0)
    counts = [0] * max(columns, 0)
    for point in points:
        index = column_of(point.at, start, end, columns)
        if index is None:
            continue
        counts[index] += 1
        failed[index] = failed[index] or point.failed
        peak = peaks[index]
        peaks[index] = point.seconds if peak is None else max(peak, point.seconds)
    return [
        DurationColumn(peak, bad, count)
        for peak, bad, count in zip(peaks, failed, counts, strict=True)
    ]


def is_change(event: HistoryEvent) -> bool:
    """A call that changed something: a refused or failed call (CloudTrail's errorCode)
    changed nothing, so it is not marked."""
    return event.error is None


def change_columns(
    events: Iterable[HistoryEvent], start: datetime, end: datetime, columns: int
) -> dict[int, list[HistoryEvent]]:
    """Column -> the changes in it, oldest first; only changes inside the window."""
    marked: dict[int, list[HistoryEvent]] = {}
    for event in sorted(events, key=lambda event: event.at):
        if not is_change(event):
            continue
        index = column_of(event.at, start, end, columns)
        if index is not None:
            marked.setdefault(index, []).append(event)
    return marked


def changes_in_window(
    events: Iterable[HistoryEvent], start: datetime, end: datetime
) -> list[HistoryEvent]:
    """The changes inside ``[start, end]``, oldest first: the legend under the markers."""
    return sorted(
        (event for event in events if is_change(event) and start <= event.at <= end),
        key=lambda event: event.at,
    )


def short_identity(who: str | None) -> str:
    """The readable end of an identity ARN: ``arn:aws:sts::1:assumed-role/Admin/alice`` ->
    ``alice``, ``arn:aws:iam::1:user/bob`` -> ``bob``, ``arn:aws:iam::1:root`` -> ``root``.
    Split at the ARN's fixed places only: the name itself may hold a ``/`` (hostile text)."""
    if not who:
        return "unknown"
    resource = who.split(":", 5)[-1]  # an ARN's resource (the whole text if not an ARN)
    kind, _, rest = resource.partition("/")
    if kind == "assumed-role":  # assumed-role/ROLE/SESSION: the session names the person
        rest = rest.partition("/")[2] or rest
    return rest or resource or who


def changed_paths(event: HistoryEvent, limit: int = 3) -> str:
    """What a change touched, for a one-line legend: ``Target.Input, State`` (+N more)."""
    if not event.changes:
        return ""
    paths: Sequence[str] = sorted(event.changes)
    shown = ", ".join(paths[:limit])
    return shown + (f" +{len(paths) - limit} more" if len(paths) > limit else "")
