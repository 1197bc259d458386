"""The schedules the app knows, as columns: one integer id per ARN, one array per field.

Built for a million schedules (ARCHITECTURE.md, "The store"). A row object per schedule cost
~1.2 KB listed and ~0.4 KB more per definition; here a schedule is its ARN and name strings,
one slot in the ARN -> id map, and about 80 bytes of arrays. Few-valued texts (group, state,
target, expression, zone, DLQ, retry policy) are stored once each (``Codes``) and referenced
by a small int; instants are float seconds since the epoch (``NO_TIME`` when absent).

Ids are never reused: a schedule gone from the account is marked dead (``alive``), and keeps
its id should it come back. Per-group counts are kept as rows change, never recounted.

Threads: the listing writes from the UI thread, definitions arrive from the fetching threads
(``aws/details_cache.py``); every write holds ``lock``, and so does every read that spans
several arrays. ``version`` moves on every change; ``listing_version`` only when which rows
exist, their state or their next run changed (what a filter or a sort depends on).
"""

from __future__ import annotations

import math
import re
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Generic, TypeVar

from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.runs import NextRunCache
from schedtui.core.expressions.zones import EARLIEST, LATEST, utc
from schedtui.core.schedules.rows import ScheduleDigest
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.schedules.target import TargetSummary

NO_TIME: Final = math.inf  # an instant not known (or no next run): sorts last
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)

ENABLED: Final = 1  # state codes (``ScheduleState`` is all AWS may send; 0: not said)
DISABLED: Final = 2
_STATE_TEXT: Final = ("?", "ENABLED", "DISABLED")

T = TypeVar("T")


def seconds_of(instant: datetime | None) -> float:
    """An instant as float seconds since the epoch (naive taken as UTC), NO_TIME for None."""
    return NO_TIME if instant is None else utc(instant).timestamp()


def instant_of(seconds: float) -> datetime | None:
    """The instant back (exact to the microsecond up to year 2255), None for NO_TIME.

    The last microseconds of year 9999 round up, as floats, past datetime's range: LATEST."""
    if seconds == NO_TIME:
        return None
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        return LATEST if seconds > 0 else EARLIEST


class Codes(Generic[T]):
    """Each distinct value once, referenced by a small int; code 0 is "none"."""

    def __init__(self, none: T) -> None:
        self.values: list[T] = [none]
        self._codes: dict[T, int] = {none: 0}

    def code(self, value: T) -> int:
        found = self._codes.get(value)
        if found is None:
            found = self._codes[value] = len(self.values)
            self.values.append(value)
        return found

    def known(self, value: T) -> int | None:
        """The code of ``value`` if it was ever seen (asking never adds it)."""
        return self._codes.get(value)

    def matching(self, test: Callable[[T], bool]) -> set[int]:
        """The codes whose value passes ``test`` (a filter asks a few thousand values, not a
        million rows)."""
        return {code for code, value in enumerate(self.values) if test(value)}


_NAMES_PER_TEXT = 1 << 16
LETTERS: Final = re.compile(r"[^\W\d_]+")  # a run of letters (no digit, no separator)
_MOST_WORDS = 200_000  # distinct runs of letters the index keeps before it gives up


class NameWords:
    """Each run of letters found in the lower-case names, with the ids of the names that
    hold it: a filter word of letters only lies inside one such run, so the names holding
    it are the union of a few lists, set in a mask in C (a word that 200,000 of a million
    names hold: ~15 ms, where finding each in the names' text took ~100). Names whose runs
    of letters are nearly all distinct would make the index as big as the names: past
    ``_MOST_WORDS`` it is dropped (``postings`` None) and the texts answer alone."""

    def __init__(self) -> None:
        self.postings: dict[str, array[int]] | None = {}

    def add(self, row: int, lowered: str) -> None:
        postings = self.postings
        if postings is None:
            return
        for word in set(LETTERS.findall(lowered)):
            found = postings.get(word)
            if found is None:
                if len(postings) >= _MOST_WORDS:
                    self.postings = None
                    return
                found = postings[word] = array("i")
            found.append(row)


class NamesText:
    """Every lower-case name in texts of 65,536 names, each name padded with newlines to
    the same width (the longest's, plus one): ``str.find`` searches them in C, and a hit's
    position divided by the width is its name's place. A word is found among a million
    names in a fraction of the time asking each name takes (names are never renamed: the
    texts only grow)."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, int]] = []  # (text, width of each name's line)
        self._pending: list[str] = []

    def append(self, lowered: str) -> None:
        self._pending.append(lowered.replace("\n", " "))  # a line per name, whatever it holds
        if len(self._pending) == _NAMES_PER_TEXT:
            self._seal()

    def _seal(self) -> None:
        width = max(map(len, self._pending)) + 1
        self.texts.append(("".join(name.ljust(width, "\n") for name in self._pending), width))
        self._pending = []

    def pending(self) -> list[str]:
        """The names not in a text yet (the last ones, fewer than 65,536)."""
        return self._pending


@dataclass
class GroupCounts:
    total: int = 0
    enabled: int = 0
    disabled: int = 0
    pending: int = 0  # listed, its definition not (yet) known


class ScheduleColumns:
    """Every schedule known, listed or only fetched, as columns indexed by id."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.ids: dict[str, int] = {}
        self.arns: list[str] = []
        self.names: list[str] = []
        self.lowered: list[str] = []  # the name in lower case (the same object when it is)
        self.groups: Codes[str] = Codes("")
        self.group = array("i")
        self.state = bytearray()
        self.targets: Codes[str] = Codes("")
        self.target = array("i")
        self.modified = array("d")  # the listing's LastModificationDate
        self.alive = bytearray()  # in the last listing (or not yet listed again)
        self.seen_in = array("i")  # the listing that last saw it
        # The definition (GetSchedule), when known: ``defined`` is its LastModificationDate.
        self.defined = array("d")
        self.detailed = bytearray()  # the definition is the listed version's
        # next_run was computed for the definition held (it arrives from a fetching thread
        # a moment before the sync settles its run: until then the list says "…", not "never")
        self.settled = bytearray()
        self.expressions: Codes[str] = Codes("")
        self.expression = array("i")
        self.zones: Codes[str] = Codes("")
        self.zone = array("i")
        self.dlqs: Codes[str] = Codes("")
        self.dlq = array("i")
        self.retries: Codes[str] = Codes("")
        self.retry = array("i")
        self.window = array("i")  # FlexibleTimeWindow's minutes, 0: OFF
        self.start = array("d")
        self.end = array("d")
        self.created = array("d")
        self.next_run = array("d")
        self.members: dict[int, array[int]] = {}  # group code -> its ids, dead ones too
        self.counts: dict[int, GroupCounts] = {}  # group code -> counts of its live rows
        self.version = 0
        self.listing_version = 0
        # Moved by what changes which rows a filter keeps, other than new rows: a row gone
        # or back, a state changed (``membership``); a live row's definition (``definitions``).
        self.membership = 0
        self.definitions = 0
        self.longest_name = 0
        self._listing = 0
        self._seen: dict[int, int] = {}  # listing -> distinct schedules it has seen
        self.next_runs: NextRunCache | None = None  # one cache for every next run asked
        self.names_text = NamesText()
        self.name_words = NameWords()
        self._earliest = NO_TIME  # no live row's next run is before it

    def __len__(self) -> int:
        return len(self.arns)

    # -- ids --------------------------------------------------------------------------------

    def _id(self, arn: str, name: str, group: str) -> int:
        found = self.ids.get(arn)
        if found is not None:
            return found
        new = len(self.arns)
        self.ids[arn] = new
        self.arns.append(arn)
        self.names.append(name)
        lowered = name.lower()
        self.lowered.append(name if lowered == name else lowered)
        self.names_text.append(lowered)
        self.name_words.add(new, lowered)
        code = self.groups.code(group)
        self.group.append(code)
        self.members.setdefault(code, array("i")).append(new)
        self.longest_name = max(self.longest_name, len(name))
        for column in (self.state, self.alive, self.detailed, self.settled):
            column.append(0)
        for codes in (self.target, self.expression, self.zone, self.dlq, self.retry, self.window):
            codes.append(0)
        for times in (
            self.modified,
            self.defined,
            self.start,
            self.end,
            self.created,
            self.next_run,
        ):
            times.append(NO_TIME)
        self.seen_in.append(0)
        return new

    def id_of(self, arn: str) -> int | None:
        return self.ids.get(arn)

    def live_id(self, arn: str) -> int | None:
        found = self.ids.get(arn)
        return found if found is not None and self.alive[found] else None

    # -- counts -----------------------------------------------------------------------------

    def _count(self, row: int, sign: int) -> None:
        counts = self.counts.setdefault(self.group[row], GroupCounts())
        counts.total += sign
        if self.state[row] == DISABLED:
            counts.disabled += sign
        else:
            counts.enabled += sign
        if not self.detailed[row]:
            counts.pending += sign

    def total(self) -> GroupCounts:
        found = GroupCounts()
        for counts in self.counts.values():
            found.total += counts.total
            found.enabled += counts.enabled
            found.disabled += counts.disabled
            found.pending += counts.pending
        return found

    def group_counts(self, group: str | None) -> GroupCounts:
        """The live rows' counts of one group, or of all (None)."""
        if group is None:
            return self.total()
        code = self.groups.known(group)
        return GroupCounts() if code is None else self.counts.get(code, GroupCounts())

    def counted(self) -> tuple[int, int, int]:
        """What a count over the rows depends on: which rows exist, their state and their
        definitions (not ``version``, which also moves with every next run settled on the
        clock's tick)."""
        return (len(self), self.membership, self.definitions)

    def _changed(self, listing: bool, membership: bool = False, definitions: bool = False) -> None:
        self.version += 1
        self.listing_version += listing
        self.membership += membership
        self.definitions += definitions

    # -- the listing ------------------------------------------------------------------------

    def begin_listing(self) -> int:
        """A new listing starts; what it does not see is dead when it ends."""
        with self.lock:
            self._listing += 1
            self._seen[self._listing] = 0
            return self._listing

    def seen(self, listing: int) -> int:
        """How many distinct schedules the listing has seen so far (an ARN twice is one)."""
        return self._seen.get(listing, 0)

    def put_listed(self, page: Iterable[ScheduleSummary], listing: int = 0) -> list[int]:
        """A ListSchedules page: its rows, new or updated, are alive; returns their ids."""
        ids: list[int] = []
        # A refresh lists every schedule again: only what changed moves the versions (and
        # so invalidates the sort orders and filter results kept).
        grown = changed = membership = definitions = False
        with self.lock:
            for summary in page:
                count = len(self.arns)
                row = self._id(summary.arn, summary.name, summary.group_name)
                grown = grown or row == count
                ids.append(row)
                was_alive = self.alive[row]
                if was_alive:
                    self._count(row, -1)
                old = (self.state[row], self.modified[row], self.detailed[row], self.target[row])
                state = summary.state
                self.state[row] = (
                    ENABLED
                    if state == "ENABLED"
                    else DISABLED
                    if state == "DISABLED"
                    else self.state[row]  # not said (moto, after some updates): as defined
                )
                if summary.target_arn:
                    self.target[row] = self.targets.code(summary.target_arn)
                self.modified[row] = seconds_of(summary.last_modification_date)
                self.detailed[row] = self.defined[row] == self.modified[row] != NO_TIME
                if not self.detailed[row]:
                    self.next_run[row] = NO_TIME
                    self.settled[row] = 0
                self.alive[row] = 1
                if self.seen_in[row] != listing:
                    self.seen_in[row] = listing
                    self._seen[listing] = self._seen.get(listing, 0) + 1
                self._count(row, +1)
                new = (self.state[row], self.modified[row], self.detailed[row], self.target[row])
                if new != old or not was_alive:
                    changed = True
                    if row != count:
                        membership = membership or not was_alive or new[0] != old[0]
                        definitions = definitions or new[2:] != old[2:]
            if changed or grown:
                self._changed(True, membership, definitions)
        return ids

    def end_listing(self, listing: int) -> list[str]:
        """The listing completed: rows it did not see are gone. Returns their ARNs."""
        with self.lock:
            gone = [
                row for row, seen in enumerate(self.seen_in) if seen != listing and self.alive[row]
            ]
            self._kill(gone)
            return [self.arns[row] for row in gone]

    def forget(self, arns: Iterable[str]) -> None:
        """Schedules the operator just deleted, before the next listing says so."""
        with self.lock:
            self._kill([row for arn in arns if (row := self.live_id(arn)) is not None])

    def _kill(self, rows: list[int]) -> None:
        for row in rows:
            self._count(row, -1)
            self.alive[row] = 0
        if rows:
            self._changed(listing=True, membership=True)

    # -- definitions ------------------------------------------------------------------------

    def put_definition(self, digest: ScheduleDigest) -> int:
        """A definition read (any thread). A schedule not listed (yet) gets an id, not alive."""
        with self.lock:
            row = self._id(digest.arn, digest.name, digest.group)
            live = self.alive[row]
            if live:
                self._count(row, -1)
            self.defined[row] = seconds_of(digest.last_modification_date)
            if not live and self.modified[row] == NO_TIME:
                self.modified[row] = self.defined[row]
                self.state[row] = ENABLED if digest.state == "ENABLED" else DISABLED
            stated = self.state[row]
            if not stated or self.defined[row] == self.modified[row]:
                # The listed version's own definition says the state too (a listing that
                # leaves State out, as moto does after some updates, is then told).
                self.state[row] = ENABLED if digest.state == "ENABLED" else DISABLED
            if digest.target_arn:
                self.target[row] = self.targets.code(digest.target_arn)
            self.expression[row] = self.expressions.code(digest.expression)
            self.zone[row] = self.zones.code(digest.zone)
            self.dlq[row] = self.dlqs.code(digest.dlq_arn or "")
            self.retry[row] = self.retries.code(digest.retry)
            self.window[row] = digest.window
            self.start[row] = seconds_of(digest.start_date)
            self.end[row] = seconds_of(digest.end_date)
            self.created[row] = seconds_of(digest.creation_date)
            self.detailed[row] = self.defined[row] == self.modified[row]
            self.next_run[row] = NO_TIME
            self.settled[row] = 0
            if live:
                self._count(row, +1)
            moved = bool(live) and self.state[row] != stated
            self._changed(listing=moved, membership=moved, definitions=bool(live))
            return row

    def drop_definition(self, arn: str) -> None:
        with self.lock:
            row = self.ids.get(arn)
            if row is None:
                return
            if self.alive[row]:
                self._count(row, -1)
            self.defined[row] = NO_TIME
            self.detailed[row] = 0
            self.next_run[row] = NO_TIME
            self.settled[row] = 0
            if self.alive[row]:
                self._count(row, +1)
            self._changed(listing=False, definitions=bool(self.alive[row]))

    def digest(self, arn: str, modified: datetime | None) -> ScheduleDigest | None:
        """The definition held for ``arn`` if it is of that LastModificationDate, else None."""
        row = self.ids.get(arn)
        if row is None:
            return None
        with self.lock:
            defined = self.defined[row]
            if defined == NO_TIME or defined != seconds_of(modified):
                return None
            return self._digest(row)

    def _digest(self, row: int) -> ScheduleDigest:
        dlq = self.dlqs.values[self.dlq[row]]
        return ScheduleDigest(
            arn=self.arns[row],
            group=self.groups.values[self.group[row]],
            name=self.names[row],
            last_modification_date=instant_of(self.defined[row]),
            expression=self.expressions.values[self.expression[row]],
            zone=self.zones.values[self.zone[row]],
            state=_STATE_TEXT[self.state[row]],
            start_date=instant_of(self.start[row]),
            end_date=instant_of(self.end[row]),
            creation_date=instant_of(self.created[row]),
            target_arn=self.targets.values[self.target[row]],
            dlq_arn=dlq or None,
            retry=self.retries.values[self.retry[row]],
            window=self.window[row],
        )

    def digests(self, group: str | None = None) -> Iterator[ScheduleDigest]:
        """The definitions held for live schedules (of one group), built as they are asked."""
        rows = range(len(self)) if group is None else self.members_of(group)
        for row in rows:
            if self.alive[row] and self.defined[row] != NO_TIME:
                yield self._digest(row)

    def dlq_users(self) -> dict[str, list[int]]:
        """Each DLQ named by a live definition, with the ids of the schedules that name it."""
        users: dict[str, list[int]] = {}
        dlqs, alive = self.dlqs.values, self.alive
        for row, code in enumerate(self.dlq):
            if code and alive[row]:
                users.setdefault(dlqs[code], []).append(row)
        return users

    def listed_arns(self) -> list[str]:
        """The ARNs of the live rows (a snapshot)."""
        with self.lock:
            arns, alive = self.arns, self.alive
            return [arns[row] for row in range(len(arns)) if alive[row]]

    def members_of(self, group: str) -> array[int]:
        code = self.groups.known(group)
        return array("i") if code is None else self.members.get(code, array("i"))

    # -- the rest of a schedule, for an action ----------------------------------------------

    def summary(self, row: int) -> ScheduleSummary:
        """The summary an action needs (key, state, LastModificationDate)."""
        target = self.targets.values[self.target[row]]
        return ScheduleSummary.model_construct(
            arn=self.arns[row],
            name=self.names[row],
            group_name=self.groups.values[self.group[row]],
            state=_STATE_TEXT[self.state[row]] if self.state[row] else None,
            last_modification_date=instant_of(self.modified[row]),
            target=TargetSummary.model_construct(arn=target) if target else None,
        )

    def path(self, row: int) -> str:
        """ "group/name"."""
        return f"{self.groups.values[self.group[row]]}/{self.names[row]}"

    def state_text(self, row: int) -> str:
        return _STATE_TEXT[self.state[row]]

    # -- next runs --------------------------------------------------------------------------

    def settle_next_runs(self, rows: Iterable[int], now: datetime) -> None:
        """Compute the next run of ``rows`` (enabled, defined) as of ``now``, through one
        cache for the whole store (an entry stays valid while now is before it)."""
        with self.lock:
            cache = self.next_runs
            if cache is None:
                cache = self.next_runs = NextRunCache(now)
            else:
                cache.move_to(now)
            changed = False
            for row in rows:
                found = NO_TIME
                if self.detailed[row] and self.state[row] != DISABLED:
                    try:
                        found = seconds_of(
                            cache.next_run(
                                self.expressions.values[self.expression[row]],
                                self.zones.values[self.zone[row]] or None,
                                start_date=instant_of(self.start[row]),
                                end_date=instant_of(self.end[row]),
                                anchor=instant_of(self.created[row]),
                            )
                        )
                    except (ExpressionError, ZoneError):
                        found = NO_TIME
                changed = changed or not self.settled[row]
                self.settled[row] = 1
                if self.next_run[row] != found:
                    self.next_run[row] = found
                    self._earliest = min(self._earliest, found)
                    changed = True
            if changed:
                self._changed(listing=True)

    def due(self, now: datetime) -> bool:
        """Some live row's next run may be at or before ``now`` (O(1): asked every tick)."""
        return utc(now).timestamp() >= self._earliest

    def passed(self, now: datetime) -> list[int]:
        """Live rows whose next run is at or before ``now`` (the clock moved past it). Asked
        every clock tick: a scan only when some next run has passed."""
        limit = utc(now).timestamp()
        if limit < self._earliest:
            return []
        with self.lock:
            next_run, alive = self.next_run, self.alive
            found = [row for row, at in enumerate(next_run) if at <= limit and alive[row]]
            self._earliest = min(
                (at for row, at in enumerate(next_run) if at > limit and alive[row]),
                default=NO_TIME,
            )
            return found
