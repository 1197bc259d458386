"""The fleet timeline (`:timeline`, `:tl`): the runs of every ENABLED schedule of the account per
minute over the next hour, day or week (w), with the busiest minutes and their schedules,
the collisions on a shared target and the flexible windows that would spread them
(``core/fleet/timeline.py``). Enter on a schedule's line opens its detail; on a "… N more"
line, the list of every schedule it stands for, where enter opens one (esc from its detail
comes back to the list). The cursor never rests on a section's title (it opens nothing).
The target and schedule columns get the room their lines need; where both cannot,
the target gives way first and names are cut in the middle (siblings differ in their tails).

Computed in a worker from the store's columns (100,000 schedules in about a second), again
on `r` and on `w`, and when the store changed (the listing ended, definitions arrived, a
refresh found new schedules: checked on the heartbeat, at most every ``_FOLLOW_SECONDS``);
never on the UI thread. Until the listing ends the title says "listing…", not a count.
Every name and ARN is AWS text: shown through ``printable``, and as ``Text`` (a DataTable
reads a plain string as markup).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Final

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Sparkline, Static

from schedtui.core.fleet.timeline import ScheduleKey, Span, Timeline, columns_timeline
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.text import printable
from schedtui.ui.heartbeat import Beat
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import PickScreen
from schedtui.ui.screens.schedule_actions import CopiesSchedule
from schedtui.ui.widgets.key_footer import KeyFooter
from schedtui.ui.widgets.virtual_table import fit

# What computes a timeline: the store's columns by default; a test may give its own fleet.
Source = Callable[[datetime, Span], Timeline]
SPANS: Final = (Span.HOUR, Span.DAY, Span.WEEK)
_NAMES_PER_COLLISION: Final = 5
_WHEN: Final = "%a %H:%M"
# The table's columns: when and count as wide as their widest ("Sun 16:00", "1,440 min": a
# busy minute's runs, a collision's minutes shared), the target or window and the schedule
# from what they hold; where both cannot have it, the target gives way first (the note under
# the table has the whole ARN).
_WHEN_WIDTH: Final = 9
_TARGET_LEAST: Final = 10  # in a narrow terminal the target gives way first, to this
_SCHEDULE_LEAST: Final = 12
_SUGGESTIONS: Final = "Suggestions: a flexible window"  # the widest section title
_HEADERS: Final = ("when", "count", "target / window", "schedule")
# While definitions pour in, the timeline is computed again at most this often (a few
# tenths of a second of a core at 100,000 schedules).
_FOLLOW_SECONDS: Final = 2.0
_SO_FAR: Final = "not every schedule is read yet: the timeline fills in as they load"


def _local(at: datetime, zone: tzinfo | None, form: str = _WHEN) -> str:
    return at.astimezone(zone).strftime(form)


def axis(start: datetime, end: datetime, zone: tzinfo | None, width: int) -> str:
    """The time axis under the histogram: its first, middle and last minutes."""
    left, right = _local(start, zone), _local(end, zone)
    middle = _local(start + (end - start) / 2, zone)
    if width < len(left) + len(middle) + len(right) + 2:
        return f"{left}{right:>{max(0, width - len(left))}}"[:width]
    line = [" "] * width
    line[: len(left)] = left
    at = (width - len(middle)) // 2
    line[at : at + len(middle)] = middle
    line[width - len(right) :] = right
    return "".join(line)


class TimelineLines(DataTable[Text]):
    """The timeline's table, whose cursor never rests on a section's title: moving onto one
    goes on past it the way the cursor was going (back the other way at either end)."""

    titles: frozenset[int] = frozenset()  # the rows that are a section's title

    def validate_cursor_coordinate(self, value: Coordinate) -> Coordinate:
        value = super().validate_cursor_coordinate(value)
        if value.row not in self.titles:
            return value
        # The cursor still holds where it was: the way it was going is the sign.
        step = 1 if value.row >= self.cursor_coordinate.row else -1
        for way in (step, -step):
            row = value.row + way
            while 0 <= row < self.row_count:
                if row not in self.titles:
                    return Coordinate(row, value.column)
                row += way
        return value


def widths(room: int, count: int, names: int = 0, targets: int = 0) -> tuple[int, int, int, int]:
    """The columns' widths in a table ``room`` cells wide (each column pads a cell on each
    side), the count column ``count`` wide, the widest schedule line ``names`` and the widest
    target or window ``targets``: the target as wide as its widest where the names keep
    theirs (never under its least), the schedule's column what the others leave."""
    padding = 2 * len(_HEADERS)
    rest = room - padding - _WHEN_WIDTH - count
    widest = max(targets, len(_HEADERS[2]))  # the header whole where there is room
    target = max(_TARGET_LEAST, min(widest, rest - max(names, _SCHEDULE_LEAST)))
    return _WHEN_WIDTH, count, target, max(_SCHEDULE_LEAST, rest - target)


def content_widths(found: Timeline) -> tuple[int, int]:
    """(the widest schedule line, the widest target or window) of the table's lines."""
    keys = [key for busy in found.busiest for key in busy.schedules]
    keys += [key for c in found.collisions for key in c.schedules[:_NAMES_PER_COLLISION]]
    keys += [suggestion.schedule for suggestion in found.suggestions]
    names = [len(printable(key.path)) for key in keys]
    targets = [len(printable(target_resource_name(c.target_arn))) for c in found.collisions]
    targets += [len(_window(suggestion.window_minutes)) for suggestion in found.suggestions]
    return max([len(_SUGGESTIONS), *names]), max([0, *targets])


def _window(minutes: int) -> str:
    return f"{minutes} min window"


def count_width(found: Timeline) -> int:
    """The count column's width: its widest figure ("4,700" runs, "1,440 min" shared)."""
    figures = [f"{busy.runs:,}" for busy in found.busiest]
    figures += [_shared(collision.minutes) for collision in found.collisions]
    return max(map(len, [_HEADERS[1], *figures]))


def _shared(minutes: int) -> str:
    """A collision's count: the minutes of the span its schedules share (not runs)."""
    return f"{minutes:,} min"


class TimelineScreen(CopiesSchedule):
    DEFAULT_CSS = """
    TimelineScreen #title {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    TimelineScreen #chart { height: 3; margin: 0 1; }
    TimelineScreen #scale { width: auto; height: 3; color: $text-muted; }
    TimelineScreen #histogram { height: 3; }
    TimelineScreen #axis { height: 1; margin: 0 1; color: $text-muted; }
    TimelineScreen #details { height: 1fr; scrollbar-gutter: stable; }
    TimelineScreen #note { height: 2; padding: 0 1; color: $text-muted; }
    """
    KEYS = ("timeline",)
    HELP_TITLE = "Fleet timeline"

    def __init__(self, source: Source | None = None, span: Span = Span.DAY) -> None:
        super().__init__()
        self._source = source
        self.span = span
        self.timeline: Timeline | None = None
        self.fault = ""
        # Not ``loading``: that is Textual's, and a screen ``loading`` is blanked by a spinner.
        self.computing = False
        self.computed = 0  # timelines shown (a test waits on it)
        self._asked = 0
        # per table row: the schedule it opens, by group and name (its "group/name" text is
        # ambiguous: group "a/b" name "c" reads as group "a" name "b/c")
        self._opens: list[ScheduleKey | None] = []
        self._notes: list[str] = []  # per table row: what the note line says
        # per "… N more" row: (what the list is, every schedule it stands for)
        self._lists: dict[int, tuple[str, tuple[ScheduleKey, ...]]] = {}
        self._sections: list[int] = []  # the table rows that start a section
        self._widths = widths(0, 0)
        self._beat = Beat(0, self.reload)  # never due on its own: r and w run it
        self._follow = Beat(_FOLLOW_SECONDS, self._follow_store, lambda: self.computing)
        self._store_seen: tuple[object, ...] = ()  # the store as the last compute began
        self._keep_cursor = False  # the compute in flight follows the store: cursor stays

    def beats(self) -> list[Beat]:
        return [self._beat, self._follow]

    def _store_state(self) -> tuple[object, ...]:
        """What the timeline depends on in the store (a source of its own: nothing)."""
        if self._source is not None:
            return ()
        store = self.session.store
        return (store.listing_ended, *store.columns.counted())

    def _follow_store(self) -> None:
        """The heartbeat: the listing ended or definitions arrived since: compute again."""
        if self._store_state() != self._store_seen:
            self.reload(keep_cursor=True)

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="title")
        with Horizontal(id="chart"):
            yield Static(id="scale")  # the histogram's top and bottom, in runs per minute
            yield Sparkline([], summary_function=max, id="histogram")
        yield Static(id="axis")
        yield TimelineLines(id="details", cursor_type="row", zebra_stripes=False)
        yield Static(id="note")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#details", TimelineLines)
        table.add_columns(*_HEADERS)  # sized when the timeline arrives (``_show``)
        table.focus()
        self.reload()

    def reload(self, keep_cursor: bool = False) -> None:
        self._asked += 1
        self.computing = True
        # Kept where the operator may be reading; an empty timeline's cursor starts afresh.
        self._keep_cursor = keep_cursor and any(key is not None for key in self._opens)
        self._store_seen = self._store_state()
        self._show_title()
        self._compute(self._asked, self.span)

    @work(thread=True, exclusive=True, group="timeline")
    def _compute(self, asked: int, span: Span) -> None:
        session = self.session
        found: Timeline | str
        try:
            now = session.now()
            if self._source is not None:
                found = self._source(now, span)
            else:
                found = columns_timeline(session.store.columns, now, span)
        except Exception as error:  # any fault is the title's line: the app keeps working
            found = f"the timeline could not be computed: {type(error).__name__}: {error}"
        self.from_worker(self._arrived, asked, found)

    def _arrived(self, asked: int, found: Timeline | str) -> None:
        if asked != self._asked:
            return  # a later span or refresh was asked since
        self.computing = False
        if isinstance(found, str):
            self.fault = printable(found)
        else:
            self.fault, self.timeline = "", found
            self._show(fresh=not self._keep_cursor)
        self.computed += 1
        self._show_title()

    # -- drawing -------------------------------------------------------------------------------

    @property
    def zone(self) -> tzinfo | None:
        return self.session.options.zone

    def _show_title(self) -> None:
        title = Text(f"Fleet timeline · next {self.span.label} (w)", style="bold")
        found = self.timeline
        if self.computing:
            title.append(" · computing…", "dim")
        if self.fault:
            title.append(f" · {self.fault}", "bold red")
        elif self._listing():
            # Nothing is counted yet ("0 schedules run 0 times" would read as an idle fleet).
            title.append(self._listing(), "dim")
        elif found is not None and found.span is self.span:
            peak = found.busiest[0] if found.busiest else None
            # Counted: the schedules with a run in the span (a weekly one is not in the hour).
            if found.schedules or not found.pending:
                title.append(f" · {found.schedules:,} schedules run {found.runs:,} times")
            if peak is not None:
                shown = f" · peak {peak.runs:,}/min at {_local(peak.at, self.zone)}"
                room = self.query_one("#title", Static).content_size.width
                if room and len(title) + len(shown) > room:
                    # Narrow: the peak's time gives way (the first busiest line has it).
                    shown = f" · peak {peak.runs:,}/min"
                title.append(shown)
            if found.pending:
                title.append(f" · {found.pending:,} not read yet", "dim")
        self.query_one("#title", Static).update(title)

    def _listing(self) -> str:
        """What the title says while the listing has not ended ("" once it has)."""
        store = self.session.store
        return "" if self._source is not None or store.listing_ended else store.listing_note()

    def _show(self, fresh: bool = False) -> None:
        """The histogram and the table; ``fresh``: a new timeline, the cursor on its first
        line that opens a schedule (else where it was: a resize re-fits the names)."""
        found = self.timeline
        assert found is not None
        self.query_one("#histogram", Sparkline).data = list(found.per_minute)
        self._show_scale()
        self._show_axis()
        table = self.query_one("#details", TimelineLines)
        was = table.cursor_row
        self._widths = self._fitted()
        target_width, schedule_width = self._widths[2:]
        table.clear(columns=True)
        for header, width in zip(_HEADERS, self._widths, strict=True):
            table.add_column(header, width=width)
        self._opens, self._notes, self._sections, self._lists = [], [], [], {}
        zone = self.zone

        def add(cells: tuple[str, str, str, str], style: str = "") -> None:
            table.add_row(*(Text(cell, style=style) for cell in cells))

        def row(
            when: str,
            count: str,
            schedule: ScheduleKey | None,
            what: str,
            note: str,
            label: str = "",
        ) -> None:
            text = schedule.path if schedule is not None else label
            name = fit(printable(text), schedule_width, cut="middle").rstrip()
            target = fit(printable(what), target_width, cut="middle").rstrip()
            add((when, count, target, name))
            self._opens.append(schedule)
            self._notes.append(printable(note))

        def more(note: str, shown: int, listed: str, everyone: tuple[ScheduleKey, ...]) -> None:
            """The "… N more" line: enter lists ``everyone``."""
            if len(everyone) > shown:
                self._lists[len(self._opens)] = (listed, everyone)
                row(
                    "",
                    "",
                    None,
                    "",
                    f"{note}; enter lists them all",
                    f"… {len(everyone) - shown:,} more",
                )

        # Still loading: an empty section is not an answer yet.
        so_far = bool(self._listing() or found.pending)

        def section(title: str, empty: str, empty_why: str) -> None:
            if empty and so_far:
                empty, empty_why = "none so far", _SO_FAR
            self._sections.append(len(self._opens))
            add(("", "", "", fit(title, schedule_width).rstrip()), "bold")
            self._opens.append(None)
            self._notes.append("")
            if empty:
                add(("", "", "", empty), "dim")
                self._opens.append(None)
                self._notes.append(empty_why)

        section(
            f"Busiest minutes (times {_local(found.start, zone, '%Z')})",
            "" if found.busiest else "none",
            "no ENABLED schedule runs in this span",
        )
        for busy in found.busiest:
            when = _local(busy.at, zone, "%Y-%m-%d %H:%M %Z")
            note = f"{busy.runs:,} runs at {when}"
            for index, key in enumerate(busy.schedules):
                first = index == 0
                shown_at = _local(busy.at, zone) if first else ""
                row(shown_at, f"{busy.runs:,}" if first else "", key, "", note)
            listed = f"{busy.runs:,} runs at {when}: the schedules (fewest runs in the span first)"
            more(note, len(busy.schedules), listed, busy.behind or busy.schedules)
        total = found.collisions_total
        shown = f" ({len(found.collisions)} of {total:,})" if total > len(found.collisions) else ""
        section(
            f"Collisions{shown}",
            "" if found.collisions else "none",
            "no two schedules run on one target in one minute",
        )
        for collision in found.collisions:
            target = target_resource_name(collision.target_arn)
            note = (
                f"{len(collision.schedules)} schedules run {collision.target_arn} together in "
                f"{collision.minutes:,} minute{'s' if collision.minutes > 1 else ''}, first at "
                f"{_local(collision.at, zone, '%Y-%m-%d %H:%M %Z')}"
            )
            named = collision.schedules[:_NAMES_PER_COLLISION]
            for index, key in enumerate(named):
                first = index == 0
                when = _local(collision.at, zone) if first else ""
                times = _shared(collision.minutes) if first else ""
                row(when, times, key, target if first else "", note)
            more(note, len(named), note, collision.schedules)
        section(
            _SUGGESTIONS,
            "" if found.suggestions else "none",
            "nothing collides or peaks without a window",
        )
        for suggestion in found.suggestions:
            window = _window(suggestion.window_minutes)
            row("", "", suggestion.schedule, window, suggestion.why)
        table.titles = frozenset(self._sections)
        opens = [index for index, key in enumerate(self._opens) if key is not None]
        start = (opens[0] if opens else 0) if fresh else was
        table.move_cursor(row=start, scroll=False)
        if fresh:
            table.scroll_to(y=0, animate=False)  # the first title shows above the cursor
        self._show_note()

    def _fitted(self) -> tuple[int, int, int, int]:
        table = self.query_one("#details", TimelineLines)
        room = table.scrollable_content_region.width or self.size.width - 2
        if self.timeline is None:
            return widths(room, 0)
        return widths(room, count_width(self.timeline), *content_widths(self.timeline))

    def _show_scale(self) -> None:
        """The histogram's scale at its left: its top and bottom in runs per minute (the
        bars run from the span's fewest to its most)."""
        found = self.timeline
        counts = found.per_minute if found is not None else ()
        top, bottom = (max(counts), min(counts)) if counts else (0, 0)
        width = len(f"{top:,}")
        scale = self.query_one("#scale", Static)
        scale.update(Text(f"{top:>{width},}\n\n{bottom:>{width},} "))
        scale.styles.width = width + 1

    def _show_axis(self) -> None:
        found = self.timeline
        if found is None:
            return
        width = self.query_one("#axis", Static).content_size.width or self.size.width - 2
        gutter = self.query_one("#scale", Static).styles.width
        indent = int(gutter.value) if gutter is not None else 0
        end = found.start + found.span.length
        line = axis(found.start, end, self.zone, max(0, width - indent))
        self.query_one("#axis", Static).update(" " * indent + line)

    def on_resize(self) -> None:
        self.call_after_refresh(self._refit)

    def _refit(self) -> None:
        self._show_title()
        self._show_axis()
        if self.timeline is not None and self._fitted() != self._widths:
            self._show()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_note()

    def _show_note(self) -> None:
        row = self.query_one("#details", TimelineLines).cursor_row
        note = self._notes[row] if 0 <= row < len(self._notes) else ""
        self.query_one("#note", Static).update(Text(note))

    # -- keys ----------------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        """j (the table's own binding takes down): as in every list."""
        self.query_one("#details", TimelineLines).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#details", TimelineLines).action_cursor_up()

    def action_next_span(self) -> None:
        self.span = SPANS[(SPANS.index(self.span) + 1) % len(SPANS)]
        self.reload()

    def action_next_section(self) -> None:
        table = self.query_one("#details", TimelineLines)
        later = [row for row in self._sections if row > table.cursor_row]
        if self._sections:
            # The section's first line under its title (the title opens nothing).
            target = (later or self._sections)[0]
            table.move_cursor(row=min(target + 1, table.row_count - 1), scroll=False)
            table.scroll_to(y=target, animate=False)

    def action_open_schedule(self) -> None:
        row = self.query_one("#details", TimelineLines).cursor_row
        if row in self._lists:
            title, everyone = self._lists[row]
            names = [printable(listed.path) for listed in everyone]
            pick = PickScreen(printable(title), names, lambda at: self._open(everyone[at]))
            self.app.push_screen(pick)
            return
        if summary := self._at_cursor("enter opens"):
            self.app.push_screen(DetailScreen(summary))

    def _open(self, key: ScheduleKey) -> None:
        """A schedule picked from a "… N more" list: its detail over the list."""
        if summary := self._listed(key):
            self.app.push_screen(DetailScreen(summary))

    def copied(self) -> ScheduleSummary | None:
        return self._at_cursor("y and Y copy")

    def _at_cursor(self, does: str) -> ScheduleSummary | None:
        """The listed schedule of the cursor's line; None, said, when the line names none
        (``does``: what the key does on one) or it is no longer listed."""
        row = self.query_one("#details", TimelineLines).cursor_row
        key = self._opens[row] if 0 <= row < len(self._opens) else None
        if key is None:
            if 0 <= row < len(self._opens):
                self.app.notify(f"{does} the schedule of a line that names one")
            return None
        return self._listed(key)

    def _listed(self, key: ScheduleKey) -> ScheduleSummary | None:
        """The schedule in the list (None, said, when it is gone since)."""
        summary = self.session.store.find(key.group, key.name)
        if summary is None:
            self.app.notify(
                printable(f"{key.path} is not in the schedule list (deleted?)"), severity="warning"
            )
        return summary

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_schedule()
