"""What the app knows about the account, and how the schedules list shows it.

The schedules themselves are columns (``columns.py``: a million of them in a few hundred
MB); a list view is an array of ids (``StoreRows``) whose rows are built only when they are
on screen, filtered over the columns (``selection.py``) and sorted by each column's order,
kept until what it depends on changes (``_Orders``). The listing writes on the UI thread,
definitions arrive from the fetching threads (see ``columns.py``).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import compress
from typing import Any, Final

from schedtui.core.expressions.zones import utc, utc_text
from schedtui.core.monitoring.failures import NO_FIGURES, FailureFigures
from schedtui.core.schedules.arns import target_kind, target_resource_name
from schedtui.core.schedules.columns import (
    DISABLED,
    NO_TIME,
    Codes,
    GroupCounts,
    ScheduleColumns,
    instant_of,
)
from schedtui.core.schedules.group import ScheduleGroup
from schedtui.core.schedules.rows import RowFilter, relative_text, shared_text
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.schedules.selection import Selection, selected, target_text
from schedtui.core.table import Column, TableRow
from schedtui.core.text import printable

_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def _stamp(instant: datetime | None) -> str:
    return utc_text(instant) if instant else ""


def _pending(columns: ScheduleColumns, row: int, text: str, absent: str = "") -> str:
    """A definition's text: "…" while the definition is still being fetched."""
    if not columns.detailed[row]:
        return "…"
    return text or absent


def _next(columns: ScheduleColumns, row: int) -> datetime | str:
    """The next run's instant (the table shows it relative to its clock), or why none."""
    if columns.state[row] == DISABLED:
        return "paused"  # a DISABLED schedule fires nothing, whatever its expression says
    if not columns.detailed[row]:
        return "…"
    return instant_of(columns.next_run[row]) or "never"


def _next_at(columns: ScheduleColumns, row: int) -> str:
    at = instant_of(columns.next_run[row])
    return shared_text(f"{utc(at):%m-%d %H:%MZ}") if at else ""


Cell = Callable[[ScheduleColumns, int], object]
# What a column sorts by: one key per id (a list or an array), from the columns.
SortKeys = Callable[[ScheduleColumns], Sequence[Any]]


def _by_text(
    codes: Codes[str], column: Sequence[int], text: Callable[[str], str] = str
) -> list[int]:
    """Sort keys of a coded column: each code's rank in the order of its values' texts."""
    ranks = [0] * len(codes.values)
    order = sorted(range(len(codes.values)), key=lambda code: text(codes.values[code]))
    for rank, code in enumerate(order):
        ranks[code] = rank
    return list(map(ranks.__getitem__, column))


def _dlq_name(arn: str) -> str:
    return target_resource_name(arn) if arn else ""


@dataclass(frozen=True)
class _Field:
    """A column of the schedules list, with what its cell shows and what it sorts by."""

    column: Column
    cell: Cell
    sort: SortKeys
    # What the order depends on: "names" (only new rows change it), "listing" (states,
    # next runs: ``listing_version``), "all" (definitions too: ``version``), "figures".
    changes_with: str = "all"


# What fires next comes first: at 80 columns an operator still sees name, state and next run.
# Cells are printable (AWS text is never markup); few-valued ones are shared objects.
_SCHEDULE_FIELDS: Final = (
    _Field(
        Column("name", "NAME", 22, flex=True, fit=True, cut="middle"),
        lambda c, r: printable(c.names[r]),
        lambda c: c.names,
        "names",
    ),
    _Field(
        Column("state", "STATE", 8),
        lambda c, r: c.state_text(r),
        # "?" < "DISABLED" < "ENABLED", as their texts sort
        lambda c: c.state.translate(bytes([0, 2, 1, *range(3, 256)])),
        "listing",
    ),
    # Live: the cell holds the instant, shown relative to the table's clock ("in 5m"); 10
    # cells hold the longest such text up to the horizon ("23h59m ago", "in 173y").
    _Field(
        Column("next", "NEXT RUN", 10, align="right", live=relative_text),
        _next,
        lambda c: c.next_run,
        "listing",
    ),
    # Failure at a glance. Figures live apart from the rows (`lookup`), refreshed on their
    # own clock (ui/failures.py): the cell is the key. AWS has no per-schedule metric: the
    # title says the count is the group's.
    _Field(
        Column("failures", "GRP FAIL 1h", 11, align="right", lookup="group_failures"),
        lambda c, r: c.groups.values[c.group[r]],
        lambda c: c.group,
        "figures",
    ),
    _Field(
        Column("dlq_depth", "DLQ MSGS", 8, align="right", lookup="dlq_depths"),
        lambda c, r: c.dlqs.values[c.dlq[r]],
        lambda c: c.dlq,
        "figures",
    ),
    _Field(
        Column("expression", "EXPRESSION", 20, flex=True),
        lambda c, r: printable(_pending(c, r, c.expressions.values[c.expression[r]])),
        lambda c: _by_text(c.expressions, c.expression),
    ),
    _Field(
        Column("zone", "ZONE", 12),
        lambda c, r: _pending(c, r, c.zones.values[c.zone[r]]),
        lambda c: _by_text(c.zones, c.zone),
    ),
    _Field(
        Column("group", "GROUP", 12, cut="middle"),
        lambda c, r: printable(c.groups.values[c.group[r]]),
        lambda c: _by_text(c.groups, c.group),
        "names",
    ),
    _Field(Column("next_at", "NEXT (UTC)", 12), _next_at, lambda c: c.next_run, "listing"),
    _Field(
        Column("target", "TARGET", 18, flex=True, cut="middle"),
        lambda c, r: printable(target_text(c.targets.values[c.target[r]])),
        lambda c: _by_text(c.targets, c.target, target_text),
    ),
    _Field(
        Column("dlq", "DLQ", 10, cut="middle"),
        lambda c, r: printable(_pending(c, r, _dlq_name(c.dlqs.values[c.dlq[r]]), "—")),
        lambda c: _by_text(c.dlqs, c.dlq, _dlq_name),
    ),
    _Field(
        Column("retry", "RETRY", 7),
        lambda c, r: _pending(c, r, c.retries.values[c.retry[r]]),
        lambda c: _by_text(c.retries, c.retry),
    ),
    _Field(
        Column("modified", "MODIFIED", 16),
        lambda c, r: _stamp(instant_of(c.modified[r])),
        lambda c: c.modified,
        "listing",
    ),
)
SCHEDULE_COLUMNS: Final = tuple(field.column for field in _SCHEDULE_FIELDS)
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


def schedule_table_row(columns: ScheduleColumns, row: int) -> TableRow:
    """One schedule's line in the list, built when it is on screen."""
    style = ""
    if columns.state[row] == DISABLED:
        style = "dim"
    elif columns.detailed[row] and columns.next_run[row] == NO_TIME:
        style = "warning"  # enabled, yet nothing will ever fire
    return TableRow(
        key=columns.arns[row],
        cells=tuple(cell(columns, row) for cell in _CELLS),
        style=style,
    )


_CELLS: Final = tuple(field.cell for field in _SCHEDULE_FIELDS)


def _count_text(count: int, complete: bool) -> str:
    """A group's count, with "+" while the listing is not complete (never claim a total)."""
    if complete:
        return str(count)
    return f"{count}+" if count else "…"


class _Orders:
    """Each column's order of every id, computed when first asked and kept until what it
    depends on changes (``_Field.changes_with``): a sort of a million rows is paid once,
    not per repaint. Rows that only arrived are merged into a kept name or group order."""

    def __init__(self, columns: ScheduleColumns) -> None:
        self.columns = columns
        self._kept: dict[tuple[int, bool], tuple[object, array[int]]] = {}

    def _stamp(self, field: _Field, figure: object) -> object:
        columns = self.columns
        match field.changes_with:
            case "names":
                return len(columns)
            case "listing":
                return columns.listing_version
            case "figures":
                return (len(columns), columns.version, figure)
        return columns.version

    def order(self, cell: int, reverse: bool, figure: Callable[[Any], Any] | None) -> array[int]:
        field = _SCHEDULE_FIELDS[cell]
        stamp = self._stamp(field, figure)
        kept = self._kept.get((cell, reverse))
        if kept is not None and kept[0] == stamp:
            return kept[1]
        columns = self.columns
        with columns.lock:
            keys = self._keys(field, figure)
            count = len(columns)
            if kept is not None and field.changes_with == "names" and isinstance(kept[0], int):
                # Only new ids since: sort them, and let timsort merge the two runs.
                old = kept[1]
                ids = list(old)
                ids.extend(sorted(range(kept[0], count), key=keys.__getitem__, reverse=reverse))
            else:
                ids = list(range(count))
            found = _sorted_ids(ids, keys, reverse)
        self._kept[(cell, reverse)] = (stamp, found)
        return found

    def _keys(self, field: _Field, figure: Callable[[Any], Any] | None) -> Sequence[Any]:
        columns = self.columns
        if figure is None:
            return field.sort(columns)
        # A lookup column: each code's figure (None: not known, sorts last).
        codes = columns.groups if field.column.lookup == "group_failures" else columns.dlqs
        figures = [
            found if value and (found := figure(value)) is not None else NO_TIME
            for value in codes.values
        ]
        return list(map(figures.__getitem__, field.sort(columns)))


def _sorted_ids(ids: list[int], keys: Sequence[Any], reverse: bool) -> array[int]:
    """``ids`` ordered by ``keys[id]`` (a stable sort, as Python's); ids whose key is
    NO_TIME (no instant, no figure) last in both directions."""
    try:
        ids.sort(key=keys.__getitem__, reverse=reverse)
    except TypeError:
        ids.sort(key=lambda row: str(keys[row]), reverse=reverse)
    if reverse:
        # Descending, the missing came first: move them after the rest.
        missing = 0
        while missing < len(ids) and keys[ids[missing]] == NO_TIME:
            missing += 1
        if missing:
            ids = ids[missing:] + ids[:missing]
    return array("i", ids)


class StoreRows:
    """A view of the store for the table: the ids kept, in display order; each row is
    built only when the table draws it (``core/table.py: Rows``)."""

    def __init__(
        self,
        store: AccountStore,
        ids: array[int],
        selection: Selection,
        longest_name: int | None = None,
    ) -> None:
        self.store = store
        self.columns = store.columns
        self.ids = ids
        self.selection = selection
        self._longest_name = longest_name

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, position: int) -> TableRow:
        return schedule_table_row(self.columns, self.ids[position])

    def key(self, position: int) -> str:
        return self.columns.arns[self.ids[position]]

    def position(self, key: str) -> int | None:
        row = self.columns.ids.get(key)
        if row is None:
            return None
        try:
            return self.ids.index(row)  # a C-level scan: milliseconds at a million
        except ValueError:
            return None

    def longest(self, cell: int) -> int:
        """Only the name column sizes to its content: the longest name shown (the whole
        account's is kept as rows arrive; a view's is measured once, in C)."""
        if _SCHEDULE_FIELDS[cell].column.key != "name":
            return 0
        if self._longest_name is None:
            selection = self.selection
            if selection.group is None and selection.row_filter.empty:
                return self.columns.longest_name
            names = self.columns.names
            self._longest_name = max(map(len, map(names.__getitem__, self.ids)), default=0)
        return self._longest_name

    def sorted(
        self, cell: int, reverse: bool, figure: Callable[[Any], Any] | None = None
    ) -> StoreRows:
        order = self.store.orders.order(cell, reverse, figure)
        selection = self.selection
        if selection.group is None and selection.row_filter.empty:
            kept: Sequence[int] = self.columns.alive  # every live row: no mask to build
        else:
            kept = bytearray(len(self.columns))
            for row in self.ids:
                kept[row] = 1
        ids = array("i", compress(order, map(kept.__getitem__, order)))
        return StoreRows(self.store, ids, selection, self._longest_name)


@dataclass(frozen=True)
class RowFacts:
    """One schedule's facts as the store holds them, as an object (for an action or a test;
    the list itself never builds these)."""

    arn: str
    name: str
    group: str
    state: str
    detailed: bool  # the definition held is the listed version's
    expression: str | None
    zone: str | None
    dlq_arn: str | None
    retry: str | None
    target_arn: str
    next_run: datetime | None

    @property
    def target_kind(self) -> str:
        return target_kind(self.target_arn).value if self.target_arn else "?"


@dataclass
class AccountStore:
    groups: dict[str, ScheduleGroup] = field(default_factory=dict)
    group_tags: dict[str, dict[str, str]] = field(default_factory=dict)
    # Shared with the definitions cache (aws/details_cache.py), which fills the definitions.
    columns: ScheduleColumns = field(default_factory=ScheduleColumns)
    loading: bool = False
    listed: bool = False  # the list has been read completely at least once
    # The last listing stopped midway: why (printable), and how many it had listed.
    partial: str | None = None
    partial_count: int = 0
    last_refreshed: datetime | None = None
    last_error: str | None = None
    failures: FailureFigures = NO_FIGURES  # the list's failure columns (ui/failures.py)

    def __post_init__(self) -> None:
        self.orders = _Orders(self.columns)

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

    def __len__(self) -> int:
        """The schedules listed (alive)."""
        return self.columns.total().total

    def summary(self, arn: str) -> ScheduleSummary | None:
        row = self.columns.live_id(arn)
        return None if row is None else self.columns.summary(row)

    def listed_arns(self) -> Iterator[str]:
        """The ARNs of every listed schedule, in id order."""
        columns = self.columns
        return (columns.arns[row] for row in range(len(columns)) if columns.alive[row])

    def facts(self, arn: str) -> RowFacts | None:
        columns = self.columns
        row = columns.live_id(arn)
        if row is None:
            return None
        detailed = bool(columns.detailed[row])
        dlq = columns.dlqs.values[columns.dlq[row]]
        return RowFacts(
            arn=arn,
            name=columns.names[row],
            group=columns.groups.values[columns.group[row]],
            state=columns.state_text(row),
            detailed=detailed,
            expression=columns.expressions.values[columns.expression[row]] if detailed else None,
            zone=columns.zones.values[columns.zone[row]] if detailed else None,
            dlq_arn=dlq or None,
            retry=columns.retries.values[columns.retry[row]] if detailed else None,
            target_arn=columns.targets.values[columns.target[row]],
            next_run=instant_of(columns.next_run[row]),
        )

    def names_in(self, group: str) -> list[str]:
        """The names of the group's listed schedules."""
        columns = self.columns
        return [columns.names[row] for row in columns.members_of(group) if columns.alive[row]]

    def listed_in(self, group: str) -> list[tuple[str, str]]:
        """(name, state) of the group's listed schedules, by name."""
        columns = self.columns
        return sorted(
            (columns.names[row], columns.state_text(row))
            for row in columns.members_of(group)
            if columns.alive[row]
        )

    def paths(self) -> Iterator[str]:
        """ "group/name" of every listed schedule (the palette's search)."""
        columns = self.columns
        for row in range(len(columns)):
            if columns.alive[row]:
                yield columns.path(row)

    def arns_in(self, group: str) -> set[str]:
        columns = self.columns
        return {columns.arns[row] for row in columns.members_of(group) if columns.alive[row]}

    def find(self, group: str, name: str) -> ScheduleSummary | None:
        columns = self.columns
        for row in columns.members_of(group):
            if columns.alive[row] and columns.names[row] == name:
                return columns.summary(row)
        return None

    def forget(self, arns: set[str]) -> None:
        """Drop schedules the operator just deleted, before the next listing says so."""
        self.columns.forget(arns)

    def counts(self) -> dict[str, GroupCounts]:
        columns = self.columns
        return {columns.groups.values[code]: counts for code, counts in columns.counts.items()}

    def view(
        self,
        group: str | None,
        row_filter: RowFilter,
        previous: StoreRows | None = None,
    ) -> StoreRows:
        """The rows of one group (or all) that pass the filter, in id order (the table
        sorts). ``previous``: the view shown, narrowed from when the filter only grew."""
        figures = self.failures if row_filter.asks_failures else None
        selection = selected(
            self.columns,
            group,
            row_filter,
            figures,
            None if previous is None else previous.selection,
        )
        if previous is not None and selection is previous.selection:
            return previous
        return StoreRows(self, selection.ids, selection)

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
