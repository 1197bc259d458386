"""Which schedules a `/` filter keeps, decided over the columns (``columns.py``), not rows.

A filter over a million schedules must answer in under 100 ms in CPython, so nothing here
loops over rows in Python: a term asks the few thousand distinct values of a column which
codes pass, then one C-level pass (``map`` of a set's ``__contains__`` or a byte table over
the column) gives a byte per row; terms combine as big-integer ANDs and ORs, and
``itertools.compress`` turns the result into ids. Extending the filter text (typing
"nightl" -> "nightly") narrows from the current result instead of the whole table.

The language itself (words, ``key:value`` terms) is ``rows.py: RowFilter``.
"""

from __future__ import annotations

import re
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat
from operator import floordiv
from re import Match
from typing import Any

from schedtui.core.monitoring.failures import FailureFigures
from schedtui.core.schedules.arns import target_kind, target_resource_name
from schedtui.core.schedules.columns import DISABLED, ENABLED, LETTERS, ScheduleColumns
from schedtui.core.schedules.rows import RowFilter

_ALL = None  # a term that keeps every row it is asked about
_ONE = re.compile(b"\x01")


@lru_cache(maxsize=65536)
def target_text(arn: str) -> str:
    """A target as the list shows it, "Lambda: nightly-export" (cached per distinct ARN)."""
    if not arn:
        return "?"
    name = target_resource_name(arn)
    kind = target_kind(arn).value
    return f"{kind}: {name}" if name else kind


@lru_cache(maxsize=65536)
def target_words(arn: str) -> tuple[str, str]:
    """What the filter matches of a target: its kind (``target:lambda``) and name (words)."""
    if not arn:
        return "?", ""
    return target_kind(arn).value.lower().replace(" ", ""), target_resource_name(arn).lower()


@dataclass(frozen=True)
class Selection:
    """What a view was selected by, over which state of the columns, and the ids it kept
    (in id order)."""

    group: str | None
    row_filter: RowFilter
    figures: FailureFigures | None
    stamp: tuple[int, int]  # see ``stamp``
    count: int  # the ids there were: later ones are new rows
    ids: array[int]
    # A byte per id below ``count``, 1 for the ids kept (None after a narrowing): "is this
    # row in the view" in O(1), where the ids array answers in a scan.
    mask: bytes | None = None


def stamp(columns: ScheduleColumns, row_filter: RowFilter) -> tuple[int, int]:
    """What a selection depends on besides new rows: rows gone or back and states, and the
    definitions when the filter reads them."""
    return columns.membership, columns.definitions if row_filter.reads_definitions else 0


def selected(
    columns: ScheduleColumns,
    group: str | None,
    row_filter: RowFilter,
    figures: FailureFigures | None,
    previous: Selection | None = None,
) -> Selection:
    """The selection for (group, filter) now, from ``previous`` where it can: the same one
    when nothing it depends on changed; extended by the rows added since (a listing's pages
    append); narrowed when only the filter text grew; else over every row."""
    with columns.lock:
        now, count = stamp(columns, row_filter), len(columns)
        ids, mask = None, None
        if previous is not None and previous.stamp == now and previous.figures is figures:
            same = previous.group == group and previous.row_filter == row_filter
            if same and previous.count == count:
                return previous
            if same:
                new = array("i", range(previous.count, count))
                added, kept = _selected(columns, group, row_filter, figures, new)
                ids = previous.ids + added
                mask = None if previous.mask is None else previous.mask + kept
            elif (
                previous.group == group
                and previous.count == count
                # Narrowing asks each candidate twice as much as a pass over all rows does:
                # worth it only from a result well below the whole.
                and len(previous.ids) * 4 < count
                and narrows(row_filter, previous.row_filter)
            ):
                ids = select(columns, group, row_filter, figures, previous.ids)
        if ids is None:
            ids, mask = _selected(columns, group, row_filter, figures, None)
        return Selection(group, row_filter, figures, now, count, ids, mask)


def narrows(new: RowFilter, old: RowFilter) -> bool:
    """Every row ``new`` keeps, ``old`` keeps: each old word is inside a new word, and each
    old term has a new one at least as strict (a longer prefix or substring, or the same)."""
    # Typing extends one term: every other is in ``new`` as it was, found in a set (a pasted
    # filter of thousands of terms, compared each to each, took seconds per key).
    words, terms = set(new.words), set(new.terms)
    for word in set(old.words) - words:
        if not any(word in candidate for candidate in words):
            return False
    for key, value in set(old.terms) - terms:
        if not any(
            key == new_key
            and (
                new_value == value
                or (key in ("name", "tz", "target") and new_value.startswith(value))
                or (key == "name" and value in new_value)
            )
            for new_key, new_value in new.terms
        ):
            return False
    return True


def select(
    columns: ScheduleColumns,
    group: str | None,
    row_filter: RowFilter,
    figures: FailureFigures | None = None,
    within: array[int] | None = None,
) -> array[int]:
    """The ids of live rows (of ``group``, or all) that pass ``row_filter``, in id order;
    ``within``: only those of these ids (a narrowing), in their order."""
    return _selected(columns, group, row_filter, figures, within)[0]


def _selected(
    columns: ScheduleColumns,
    group: str | None,
    row_filter: RowFilter,
    figures: FailureFigures | None,
    within: array[int] | None,
) -> tuple[array[int], bytes]:
    """``select``'s ids, and the byte per candidate (every id, or ``within``) saying which."""
    with columns.lock:
        count = len(columns)

        def view(column: Sequence[Any]) -> Iterable[Any]:
            # Dense: the whole column as it is; narrowed: only the candidates' values.
            return column if within is None else map(column.__getitem__, within)

        def masks() -> Iterator[bytes]:
            # Each distinct condition once (a pasted filter may repeat a word thousands of
            # times), asked only while some row is left (``_all_of``).
            yield bytes(view(columns.alive))
            if group is not None:
                code = columns.groups.known(group)  # a group never seen has no rows
                yield _codes_mask(view(columns.group), set() if code is None else {code})
            for key, value in dict.fromkeys(row_filter.terms):
                mask = _term(columns, key, value, figures, view, within)
                if mask is not _ALL:
                    yield mask
            for word in dict.fromkeys(row_filter.words):
                yield _word(columns, word, view, within)

        size = count if within is None else len(within)
        kept = _all_of(masks(), size)
        if within is None and kept.count(1) * 16 < count:
            # Few kept: their places, found in C, instead of a million ints made and dropped.
            return array("i", map(Match.start, _ONE.finditer(kept))), kept
        return array("i", compress(range(count) if within is None else within, kept)), kept


def _all_of(masks: Iterable[bytes], size: int) -> bytes:
    """The rows every mask keeps; the masks after one that leaves none are never made."""
    found = iter(masks)
    first = next(found)
    combined = None
    for mask in found:
        if combined is None:
            combined = int.from_bytes(first, "little")
        combined &= int.from_bytes(mask, "little")
        if not combined:
            break
    return first if combined is None else combined.to_bytes(size, "little")


def _any_of(masks: list[bytes], size: int) -> bytes:
    if len(masks) == 1:
        return masks[0]
    combined = 0
    for mask in masks:
        combined |= int.from_bytes(mask, "little")
    return combined.to_bytes(size, "little")


def _codes_mask(column: Iterable[int], codes: set[int]) -> bytes:
    """A byte per row: 1 where its code is one of ``codes``.

    Over a whole column of codes (an ``array('i')``) in C: its bytes, read a byte plane at
    a time (``raw[0::4]`` is each code's low byte), go through ``bytes.translate`` tables,
    one pass per distinct high byte among the codes wanted (a handful), ANDed and ORed as
    big integers. A million rows take milliseconds where asking each code took 60 ms."""
    if not codes:
        return bytes(_size(column))
    if not isinstance(column, array) or column.itemsize != 4 or max(codes) >= 1 << 16:
        return bytes(map(codes.__contains__, column))
    raw = column.tobytes()
    low, high = raw[0::4], raw[1::4]
    upper = raw[2::4]
    if upper.count(0) != len(upper) or raw[3::4].count(0) != len(upper):
        return bytes(map(codes.__contains__, column))  # 65,536 distinct values or more
    plain = high.count(0) == len(high)  # every code below 256: the low byte says it all
    by_high: dict[int, set[int]] = {}
    for code in codes:
        by_high.setdefault(code >> 8, set()).add(code & 0xFF)
    found = 0
    for top, lows in by_high.items():
        if plain and top:
            continue  # no row holds a code this high
        wanted = int.from_bytes(low.translate(_table(lows)), "little")
        if not plain:
            wanted &= int.from_bytes(high.translate(_table({top})), "little")
        found |= wanted
    return found.to_bytes(len(low), "little")


def _table(values: set[int]) -> bytes:
    """A ``bytes.translate`` table: 1 for ``values``, 0 for every other byte."""
    return bytes(1 if byte in values else 0 for byte in range(256))


def _size(column: Iterable[int]) -> int:
    return len(column) if isinstance(column, Sized) else sum(1 for _ in column)


def _state_mask(column: Iterable[int], *states: int) -> bytes:
    table = _table(set(states))
    if isinstance(column, bytearray | bytes):
        return bytes(column.translate(table))
    return bytes(map(table.__getitem__, column))


View = Callable[[Sequence[Any]], Iterable[Any]]


def _term(
    columns: ScheduleColumns,
    key: str,
    value: str,
    figures: FailureFigures | None,
    view: View,
    within: array[int] | None,
) -> bytes | None:
    if key == "is":
        if value == "failing":
            return _failing(columns, figures, view)
        if value in ("paused", "disabled"):
            return _state_mask(view(columns.state), DISABLED)
        if value == "enabled":
            return _state_mask(view(columns.state), ENABLED)
        return _codes_mask(view(columns.state), set())  # an unknown is: matches nothing
    if key == "state":
        wanted = {"ENABLED": ENABLED, "DISABLED": DISABLED}.get(value.upper())
        return _state_mask(view(columns.state), *(() if wanted is None else (wanted,)))
    if key == "group":
        codes = columns.groups.matching(lambda name: name.lower() == value)
        return _codes_mask(view(columns.group), codes)
    if key == "target":
        codes = columns.targets.matching(lambda arn: target_words(arn)[0].startswith(value))
        return _codes_mask(view(columns.target), codes)
    if key == "tz":
        codes = columns.zones.matching(lambda zone: bool(zone) and zone.lower().startswith(value))
        return _codes_mask(view(columns.zone), codes)
    # name:
    return _names_mask(columns, value, view, within)


def _names_mask(
    columns: ScheduleColumns, word: str, view: View, within: array[int] | None
) -> bytes:
    """A byte per row: 1 where the lower-case name holds ``word``: over every row, found in
    the texts of names (``columns.NamesText``) by one regular expression scan each, every
    hit's name set in the mask by C iterators (a hit at p is name p // width)."""
    if within is not None:
        return bytes(map(str.__contains__, view(columns.lowered), repeat(word)))
    postings = columns.name_words.postings
    if postings is not None and LETTERS.fullmatch(word):
        found = bytearray(len(columns))
        mark = found.__setitem__
        for run, rows in postings.items():
            if word in run:
                deque(map(mark, rows, repeat(1)), maxlen=0)
        return bytes(found)
    mask = bytearray()
    # The rest of the name is part of the match: one match per name, however often it
    # holds the word ("o" is twice in "order-events-replay-0004").
    pattern = re.compile(re.escape(word) + "[^\n]*")
    for text, width in columns.names_text.texts:
        part = bytearray(len(text) // width)
        lines = map(floordiv, map(Match.start, pattern.finditer(text)), repeat(width))
        deque(map(part.__setitem__, lines, repeat(1)), maxlen=0)
        mask += part
    rest = columns.names_text.pending()
    mask += bytes(map(str.__contains__, rest, repeat(word)))
    return bytes(mask)


def _word(columns: ScheduleColumns, word: str, view: View, within: array[int] | None) -> bytes:
    """A free word: in the name, the group, the expression or the target's name."""
    masks = [_names_mask(columns, word, view, within)]
    for codes, column in (
        (columns.groups.matching(lambda name: word in name.lower()), columns.group),
        (columns.expressions.matching(lambda text: word in text.lower()), columns.expression),
        (columns.targets.matching(lambda arn: word in target_words(arn)[1]), columns.target),
    ):
        if codes:
            masks.append(_codes_mask(view(column), codes))
    return _any_of(masks, len(masks[0]))


def _failing(columns: ScheduleColumns, figures: FailureFigures | None, view: View) -> bytes:
    """The group failed in the last hour, or the schedule's DLQ holds messages."""
    if figures is None:
        return _codes_mask(view(columns.state), set())
    groups = columns.groups.matching(lambda name: figures.group_failures.get(name, 0) > 0)
    queues = columns.dlqs.matching(lambda arn: bool(arn) and (figures.dlq_depths.get(arn) or 0) > 0)
    masks = [_codes_mask(view(columns.group), groups)]
    if queues:
        masks.append(_codes_mask(view(columns.dlq), queues))
    return _any_of(masks, len(masks[0]))
