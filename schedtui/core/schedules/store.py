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
    if not (columns.detailed[row] and columns.settled[row]):
        return "…"  # the definition, or its run, is on its way
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
    # Invocations (retries observed included) and the group's share of the Scheduler bill
    # in the next 30 days (core/fleet/cost.py, counted off the UI thread by the groups list).
    Column("invocations", "INV/MO", 10, align="right", lookup="group_invocations"),
    Column("usd", "USD/MO", 8, align="right", lookup="group_usd"),
    Column("created", "CREATED", 16),
    Column("tags", "TAGS", 20, flex=True),
)


def schedule_table_row(columns: ScheduleColumns, row: int) -> TableRow:
    """One schedule's line in the list, built when it is on screen."""
    style = ""
    if columns.state[row] == DISABLED:
        style = "dim"
    elif columns.detailed[row] and columns.settled[row] and columns.next_run[row] == NO_TIME:
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
    """Each column's ascending order of every id, computed when first asked and kept until
    what it depends on changes (``_Field.changes_with``): a sort of a million rows is paid
    once, not per repaint. A changed order is sorted again from the kept one (timsort runs
    in O(n) over an almost sorted list), the descending one is the ascending reversed.
    ``warm`` computes them off the UI thread, in slices that hold the GIL briefly."""

    def __init__(self, columns: ScheduleColumns) -> None:
        self.columns = columns
        # cell -> (stamp, the ids it covered, the ascending order, ids with no key)
        self._kept: dict[int, tuple[object, int, array[int], int]] = {}
        self._reversed: dict[int, tuple[object, array[int]]] = {}

    def _stamp(self, field: _Field, figure: object) -> object:
        columns = self.columns
        match field.changes_with:
            case "names":
                return len(columns)
            case "listing":
                return (len(columns), columns.listing_version)
            case "figures":
                return (len(columns), columns.version, figure)
        return (len(columns), columns.version)

    def order(
        self,
        cell: int,
        reverse: bool,
        figure: Callable[[Any], Any] | None = None,
        *,
        slices: int = 1,
    ) -> array[int]:
        field = _SCHEDULE_FIELDS[cell]
        stamp = self._stamp(field, figure)
        kept = self._kept.get(cell)
        if kept is None or kept[0] != stamp:
            with self.columns.lock:  # a snapshot: rows may arrive while it sorts
                keys = self._keys(field, figure)
                count = len(self.columns)
            # From the kept order when there is one: almost sorted, it sorts in O(n).
            ids = list(range(count)) if kept is None else [*kept[2], *range(kept[1], count)]
            ascending = _sorted_ids(ids, keys, slices)
            missing = keys.count(NO_TIME) if isinstance(keys, list | array) else 0
            kept = self._kept[cell] = (stamp, count, ascending, missing)
        if not reverse:
            return kept[2]
        done = self._reversed.get(cell)
        if done is None or done[0] != stamp:
            ascending, missing = kept[2], kept[3]
            # Descending, ids with no key (no next run, no figure) still come last.
            present = ascending[: len(ascending) - missing]
            present.reverse()
            done = self._reversed[cell] = (stamp, present + ascending[len(present) :])
        return done[1]

    def warm(self, keys: Sequence[str]) -> None:
        """Compute the orders of these columns now (from a worker thread)."""
        for cell, shown in enumerate(_SCHEDULE_FIELDS):
            if shown.column.key in keys and shown.column.lookup is None:
                self.order(cell, False, slices=16)

    def _keys(self, field: _Field, figure: Callable[[Any], Any] | None) -> Sequence[Any]:
        columns = self.columns
        if figure is None:
            return field.sort(columns)
        # A lookup column: each code's figure (None: not known, sorts last).
        codes = columns.groups if field.column.lookup == "group_failures" else columns.dlqs
        figures = [
            # A figure that is no count ("missing") sorts with the unknown ones, last.
            found if value and isinstance(found := figure(value), int | float) else NO_TIME
            for value in codes.values
        ]
        return list(map(figures.__getitem__, field.sort(columns)))


def _sorted_ids(ids: list[int], keys: Sequence[Any], slices: int = 1) -> array[int]:
    """``ids`` in ascending order of ``keys[id]`` (stable, as Python's sort), NO_TIME (no
    instant, no figure) last. In ``slices`` sorted apart and merged pairwise, so that no
    single C call holds the GIL long (from a worker, the UI thread keeps running)."""
    key = keys.__getitem__
    try:
        runs = [ids[start::slices] for start in range(slices)] if slices > 1 else [ids]
        for run in runs:
            run.sort(key=key)
        while len(runs) > 1:
            merged = []
            for first, second in zip(runs[::2], runs[1::2], strict=False):
                first.extend(second)
                first.sort(key=key)  # two sorted runs: timsort merges them
                merged.append(first)
            if len(runs) % 2:
                merged.append(runs[-1])
            runs = merged
        ids = runs[0]
    except TypeError:
        # Mixed types in one column (unexpected data): text order beats a crash.
        ids.sort(key=lambda row: str(keys[row]))
    return array("i", ids)


_MEASURED_VIEW = 50_000  # the most rows whose longest name a view measures


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
        self._asked = 0  # positions asked: past a few, an inverse index pays off
        self._inverse: dict[int, int] | None = None

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
        mask = self.selection.mask
        if mask is not None and row < len(mask) and not mask[row]:
            return None  # not in the view, known without a scan (a cursor's neighbours)
        if self._inverse is None and self._asked < 3:
            self._asked += 1
            try:
                return self.ids.index(row)  # a C-level scan: milliseconds at a million
            except ValueError:
                return None
        if self._inverse is None:
            # Asked again and again (the cursor's row left the view: its neighbours are
            # looked for): one pass, then each answer is a lookup.
            self._inverse = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self._inverse.get(row)

    def longest(self, cell: int) -> int:
        """Only the name column sizes to its content: the longest name shown (the whole
        account's is kept as rows arrive; a view's is measured once, in C)."""
        if _SCHEDULE_FIELDS[cell].column.key != "name":
            return 0
        if self._longest_name is None:
            # A big view sizes by the whole account's longest: measuring it would cost
            # each keystroke of a filter tens of milliseconds, for a few cells of width.
            if len(self.ids) > _MEASURED_VIEW:
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
        elif selection.mask is not None:
            # The selection's own mask (ids past it came later: none of them is kept).
            kept = selection.mask + bytes(len(self.columns) - len(selection.mask))
        else:  # a narrowed selection keeps no mask
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
        self._unfiltered: dict[str | None, Selection] = {}

    @property
    def complete(self) -> bool:
        """The rows are the whole account, as of the last listing."""
        return self.listed and self.partial is None

    @property
    def listing_ended(self) -> bool:
        """A listing has ended: read whole at least once, or the last one stopped midway (its
        rows are all there is until the next). Not the first pages of one under way."""
        return self.listed or self.partial is not None

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

    def summaries(self, group: str | None = None) -> list[ScheduleSummary]:
        """The summaries of the listed schedules (of one group), by group and name: a
        snapshot for a walk over the fleet (the doctor), taken under the columns' lock."""
        columns = self.columns
        with columns.lock:
            rows = range(len(columns)) if group is None else columns.members_of(group)
            found = [columns.summary(row) for row in rows if columns.alive[row]]
        return sorted(found, key=lambda summary: (summary.group_name, summary.name))

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
        before = None if previous is None else previous.selection
        if row_filter.empty and (before is None or not before.row_filter.empty):
            # Clearing a filter: the unfiltered list shown before it, extended since.
            before = self._unfiltered.get(group, before)
        selection = selected(self.columns, group, row_filter, figures, before)
        if row_filter.empty:
            self._unfiltered = {group: selection}  # one kept: a million ids are 4 MB
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
                        name,
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
                        name,
                        name,
                        created or _FAR_FUTURE,
                        tag_text,
                    ),
                    style="dim" if group.state == "DELETING" else "",
                )
            )
        return rows
