"""What the app knows about the account, updated by refresh workers, read by the screens.

Only the main thread mutates the store (workers hand over through ``call_from_thread``);
rows and their cells are built in the worker, so that 100,000 of them never block a key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

from schedtui.core.expressions.zones import utc, utc_text
from schedtui.core.monitoring.failures import NO_FIGURES, FailureFigures
from schedtui.core.schedules.group import ScheduleGroup
from schedtui.core.schedules.rows import (
    Failing,
    RowFilter,
    ScheduleRow,
    relative_text,
    shared_text,
)
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.schedules.target import TargetSummary
from schedtui.core.table import Column, TableRow
from schedtui.core.text import printable

_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def _stamp(instant: datetime | None) -> str:
    return utc_text(instant) if instant else ""


def _pending(row: ScheduleRow, text: str | None, absent: str = "") -> str:
    """A definition's text: "…" while the definition is still being fetched."""
    return text or (absent if row.detailed else "…")


def _next(row: ScheduleRow) -> datetime | str:
    """The next run's instant (the table shows it relative to its clock), or why none."""
    if row.state == "DISABLED":
        return "paused"  # a DISABLED schedule fires nothing, whatever its expression says
    if not row.detailed:
        return "…"
    if row.next_run is None:
        return "never"
    return row.next_run


def _target(row: ScheduleRow) -> str:
    return f"{row.target_kind}: {row.target_name}" if row.target_name else row.target_kind


@dataclass(frozen=True)
class _Field:
    """A column of the schedules list, with what its cell shows and what it sorts by."""

    column: Column
    cell: Callable[[ScheduleRow], object]
    sort: Callable[[ScheduleRow], object]


# What fires next comes first: at 80 columns an operator still sees name, state and next run.
# Cells are printable (AWS text is never markup); few-valued ones are shared objects.
_SCHEDULE_FIELDS: Final = (
    _Field(
        Column("name", "NAME", 22, flex=True, fit=True, cut="middle"),
        lambda r: printable(r.name),
        lambda r: r.name,
    ),
    _Field(Column("state", "STATE", 8), lambda r: r.state, lambda r: r.state),
    # Live: the cell holds the instant, shown relative to the table's clock ("in 5m"); 10
    # cells hold the longest such text up to the horizon ("23h59m ago", "in 173y").
    _Field(
        Column("next", "NEXT RUN", 10, align="right", live=relative_text),
        _next,
        lambda r: r.next_run or _FAR_FUTURE,
    ),
    # Failure at a glance. Figures live apart from the rows (`lookup`), refreshed on their
    # own clock (ui/failures.py): the cell is the key. AWS has no per-schedule metric: the
    # title says the count is the group's.
    _Field(
        Column("failures", "GRP FAIL 1h", 11, align="right", lookup="group_failures"),
        lambda r: r.group,
        lambda r: r.group,
    ),
    _Field(
        Column("dlq_depth", "DLQ MSGS", 8, align="right", lookup="dlq_depths"),
        lambda r: r.dlq_arn or "",
        lambda r: r.dlq_arn or "",
    ),
    _Field(
        Column("expression", "EXPRESSION", 20, flex=True),
        lambda r: printable(_pending(r, r.expression)),
        lambda r: r.expression or "",
    ),
    _Field(Column("zone", "ZONE", 12), lambda r: _pending(r, r.zone), lambda r: r.zone or ""),
    _Field(
        Column("group", "GROUP", 12, cut="middle"), lambda r: printable(r.group), lambda r: r.group
    ),
    _Field(
        Column("next_at", "NEXT (UTC)", 12),
        lambda r: shared_text(f"{utc(r.next_run):%m-%d %H:%MZ}" if r.next_run else ""),
        lambda r: r.next_run or _FAR_FUTURE,
    ),
    _Field(
        Column("target", "TARGET", 18, flex=True, cut="middle"),
        lambda r: printable(_target(r)),
        _target,
    ),
    _Field(
        Column("dlq", "DLQ", 10, cut="middle"),
        lambda r: printable(_pending(r, r.dlq, "—")),
        lambda r: r.dlq or "",
    ),
    _Field(Column("retry", "RETRY", 7), lambda r: _pending(r, r.retry), lambda r: r.retry or ""),
    _Field(
        Column("modified", "MODIFIED", 16),
        lambda r: _stamp(r.last_modified),
        lambda r: r.last_modified or _FAR_FUTURE,
    ),
)
SCHEDULE_COLUMNS: Final = tuple(field.column for field in _SCHEDULE_FIELDS)
_CELLS: Final = tuple(field.cell for field in _SCHEDULE_FIELDS)
_SORTS: Final = tuple(field.sort for field in _SCHEDULE_FIELDS)
GROUP_COLUMNS: Final = (
    Column("name", "NAME", 24, flex=True, fit=True, cut="middle"),
    Column("state", "STATE", 8),
    Column("schedules", "SCHEDULES", 9, align="right"),
    Column("enabled", "ENABLED", 8, align="right"),
    Column("disabled", "DISABLED", 8, align="right"),
    # TargetError + Dropped in the last hour (ui/failures.py): the cell is the group's name.
    Column("failures", "FAIL 1h", 8, align="right", lookup="group_failures"),
    Column("created", "CREATED", 16),
    Column("tags", "TAGS", 20, flex=True),
)


def schedule_table_row(row: ScheduleRow) -> TableRow:
    """One schedule's line in the list."""
    style = ""
    if row.state == "DISABLED":
        style = "dim"
    elif row.detailed and row.next_run is None:
        style = "warning"  # enabled, yet nothing will ever fire
    return TableRow(
        key=row.arn,
        cells=tuple(cell(row) for cell in _CELLS),
        sort_keys=tuple(sort(row) for sort in _SORTS),
        style=style,
    )


def _count_text(count: int, complete: bool) -> str:
    """A group's count, with "+" while the listing is not complete (never claim a total)."""
    if complete:
        return str(count)
    return f"{count}+" if count else "…"


def summary_of(row: ScheduleRow) -> ScheduleSummary:
    """The summary an action needs (key, state, LastModificationDate), rebuilt from the row.

    The store keeps no pydantic summaries: at 100,000 schedules they took 191 MB (measured),
    against 22 MB for the rows that already hold the same facts.
    """
    return ScheduleSummary.model_construct(
        arn=row.arn,
        name=row.name,
        group_name=row.group,
        state=row.state,
        last_modification_date=row.last_modified,
        target=TargetSummary.model_construct(arn=row.target_arn) if row.target_arn else None,
    )


@dataclass
class GroupCounts:
    total: int = 0
    enabled: int = 0
    disabled: int = 0


@dataclass
class AccountStore:
    groups: dict[str, ScheduleGroup] = field(default_factory=dict)
    group_tags: dict[str, dict[str, str]] = field(default_factory=dict)
    rows: dict[str, ScheduleRow] = field(default_factory=dict)
    table_rows: dict[str, TableRow] = field(default_factory=dict)
    loading: bool = False
    listed: bool = False  # the list has been read completely at least once
    # The last listing stopped midway: why (printable), and how many it had listed.
    partial: str | None = None
    partial_count: int = 0
    last_refreshed: datetime | None = None
    last_error: str | None = None
    failures: FailureFigures = NO_FIGURES  # the list's failure columns (ui/failures.py)

    @property
    def complete(self) -> bool:
        """The rows are the whole account, as of the last listing."""
        return self.listed and self.partial is None

    def listing_note(self) -> str:
        """What the status line says about the listing when it is not complete."""
        if self.partial is not None:
            return (
                f" · listing stopped after {self.partial_count:,} (the next refresh lists "
                f"again): {self.partial}"
            )
        if not self.listed:
            return " · not loaded (see the error above)" if self.last_error else " · listing…"
        return ""

    def put_rows(self, rows: list[tuple[ScheduleRow, TableRow]]) -> None:
        for row, table_row in rows:
            self.rows[row.arn] = row
            self.table_rows[row.arn] = table_row

    def summary(self, arn: str) -> ScheduleSummary | None:
        row = self.rows.get(arn)
        return None if row is None else summary_of(row)

    def names_in(self, group: str) -> list[str]:
        """The names of the group's listed schedules."""
        return [row.name for row in self.rows.values() if row.group == group]

    def find(self, group: str, name: str) -> ScheduleSummary | None:
        for row in self.rows.values():
            if row.group == group and row.name == name:
                return self.summary(row.arn)
        return None

    def keep_only(self, arns: set[str]) -> list[str]:
        """Forget schedules that are gone; return their ARNs."""
        gone = [arn for arn in self.rows if arn not in arns]
        for arn in gone:
            self.rows.pop(arn, None)
            self.table_rows.pop(arn, None)
        return gone

    def forget(self, arns: set[str]) -> None:
        """Drop schedules the operator just deleted, before the next listing says so."""
        for arn in arns:
            self.rows.pop(arn, None)
            self.table_rows.pop(arn, None)

    def counts(self) -> dict[str, GroupCounts]:
        found: dict[str, GroupCounts] = {}
        for row in self.rows.values():
            counts = found.setdefault(row.group, GroupCounts())
            counts.total += 1
            if row.state == "DISABLED":
                counts.disabled += 1
            else:
                counts.enabled += 1
        return found

    def visible(
        self, group: str | None, row_filter: RowFilter, failing: Failing | None = None
    ) -> list[TableRow]:
        """The table rows of one group (or all) that pass the filter, in store order
        (``failing``: the failure figures' test, for ``is:failing``)."""
        tables = self.table_rows
        rows: list[ScheduleRow] = list(self.rows.values())
        if group is not None:
            rows = [row for row in rows if row.group == group]
        if row_filter.empty:
            return [tables[row.arn] for row in rows]
        test = row_filter.predicate(failing)
        return [tables[row.arn] for row in rows if test(row)]

    def group_table_rows(self) -> list[TableRow]:
        counts = self.counts()
        rows = []
        for name, group in sorted(self.groups.items()):
            count = counts.get(name, GroupCounts())
            tags = self.group_tags.get(group.arn or "", {})
            tag_text = ", ".join(f"{k}={v}" for k, v in sorted(tags.items()))
            created = group.creation_date
            rows.append(
                TableRow(
                    key=name,
                    cells=(
                        printable(name),
                        str(group.state or ""),
                        _count_text(count.total, self.complete),
                        str(count.enabled),
                        str(count.disabled),
                        name,
                        _stamp(created),
                        printable(tag_text),
                    ),
                    sort_keys=(
                        name,
                        str(group.state),
                        count.total,
                        count.enabled,
                        count.disabled,
                        name,
                        created or _FAR_FUTURE,
                        tag_text,
                    ),
                    style="dim" if group.state == "DELETING" else "",
                )
            )
        return rows
