"""The fleet timeline (`:timeline`, `:tl`): the runs of every listed ENABLED schedule per
minute over the next hour, day or week (w), with the busiest minutes and their schedules,
the collisions on a shared target and the flexible windows that would spread them
(``core/fleet/timeline.py``). Enter on a schedule's line opens its detail.

Computed in a worker from the store's columns (100,000 schedules in about a second), again
on `r` and on `w`; never on the UI thread. Every name and ARN is AWS text: shown through
``printable``, and as ``Text`` (a DataTable reads a plain string as markup).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Final

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Sparkline, Static

from schedtui.core.fleet.timeline import Span, Timeline, columns_timeline
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.text import printable, shortened
from schedtui.ui.heartbeat import Beat
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.widgets.key_footer import KeyFooter

# What computes a timeline: the store's columns by default; a test may give its own fleet.
Source = Callable[[datetime, Span], Timeline]
SPANS: Final = (Span.HOUR, Span.DAY, Span.WEEK)
_NAMES_PER_COLLISION: Final = 5
_WHEN: Final = "%a %H:%M"
_TARGET_ROOM: Final = 24  # a target's name in the table (the note under it has the ARN)


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


class TimelineScreen(AppScreen):
    DEFAULT_CSS = """
    TimelineScreen #title {
        height: 1;
        padding: 0 1;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    TimelineScreen #histogram { height: 3; margin: 0 1; }
    TimelineScreen #axis { height: 1; margin: 0 1; color: $text-muted; }
    TimelineScreen #details { height: 1fr; }
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
        self.loading = False
        self.computed = 0  # timelines shown (a test waits on it)
        self._asked = 0
        self._paths: list[str | None] = []  # per table row: the schedule it opens
        self._notes: list[str] = []  # per table row: what the note line says
        self._sections: list[int] = []  # the table rows that start a section
        self._beat = Beat(0, self.reload)  # never due on its own: r and w run it

    def beats(self) -> list[Beat]:
        return [self._beat]

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="title")
        yield Sparkline([], summary_function=max, id="histogram")
        yield Static(id="axis")
        table: DataTable[Text] = DataTable(id="details", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static(id="note")
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#details", DataTable)
        table.add_columns("when", "runs", "target / window", "schedule")
        table.focus()
        self.reload()

    def reload(self) -> None:
        self._asked += 1
        self.loading = True
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
        self.loading = False
        if isinstance(found, str):
            self.fault = printable(found)
        else:
            self.fault, self.timeline = "", found
            self._show()
        self.computed += 1
        self._show_title()

    # -- drawing -------------------------------------------------------------------------------

    @property
    def zone(self) -> tzinfo | None:
        return self.session.options.zone

    def _show_title(self) -> None:
        title = Text(f"Fleet timeline · next {self.span.label} (w)", style="bold")
        found = self.timeline
        if self.loading:
            title.append(" · computing…", "dim")
        if self.fault:
            title.append(f" · {self.fault}", "bold red")
        elif found is not None and found.span is self.span:
            peak = found.busiest[0] if found.busiest else None
            title.append(f" · {found.schedules:,} schedules, {found.runs:,} runs")
            if peak is not None:
                title.append(f" · peak {peak.runs:,}/min at {_local(peak.at, self.zone)}")
            if found.pending:
                title.append(f" · {found.pending:,} not read yet", "dim")
        self.query_one("#title", Static).update(title)

    def _show(self) -> None:
        found = self.timeline
        assert found is not None
        self.query_one("#histogram", Sparkline).data = list(found.per_minute)
        self._show_axis()
        table = self.query_one("#details", DataTable)
        table.clear()
        self._paths, self._notes, self._sections = [], [], []
        zone = self.zone

        def row(
            when: str, runs: str, schedule: str | None, what: str, note: str, label: str = ""
        ) -> None:
            cells = (when, runs, printable(what), printable(schedule or label))
            table.add_row(*(Text(cell) for cell in cells))
            self._paths.append(schedule)
            self._notes.append(printable(note))

        def section(title: str, empty: str, empty_why: str) -> None:
            self._sections.append(len(self._paths))
            table.add_row(Text(""), Text(""), Text(""), Text(title, style="bold"))
            self._paths.append(None)
            self._notes.append("")
            if empty:
                table.add_row(Text(""), Text(""), Text(""), Text(empty, style="dim"))
                self._paths.append(None)
                self._notes.append(empty_why)

        section(
            f"Busiest minutes (times {_local(found.start, zone, '%Z')})",
            "" if found.busiest else "none",
            "no ENABLED schedule runs in this span",
        )
        for busy in found.busiest:
            more = busy.runs - len(busy.schedules)
            note = f"{busy.runs:,} runs at {_local(busy.at, zone, '%Y-%m-%d %H:%M %Z')}"
            note += f"; {more:,} more schedules than those named" if more > 0 else ""
            for index, path in enumerate(busy.schedules):
                first = index == 0
                when = _local(busy.at, zone) if first else ""
                row(when, f"{busy.runs:,}" if first else "", path, "", note)
            if more > 0:
                row("", "", None, "", note, label=f"… {more:,} more")
        total = found.collisions_total
        shown = f" ({len(found.collisions)} of {total:,})" if total > len(found.collisions) else ""
        section(
            f"Collisions{shown}",
            "" if found.collisions else "none",
            "no two schedules run on one target in one minute",
        )
        for collision in found.collisions:
            target = shortened(target_resource_name(collision.target_arn), _TARGET_ROOM)
            note = (
                f"{len(collision.schedules)} schedules run {collision.target_arn} together in "
                f"{collision.minutes:,} minute{'s' if collision.minutes > 1 else ''}, first at "
                f"{_local(collision.at, zone, '%Y-%m-%d %H:%M %Z')}"
            )
            named = collision.schedules[:_NAMES_PER_COLLISION]
            for index, path in enumerate(named):
                first = index == 0
                when = _local(collision.at, zone) if first else ""
                times = f"{collision.minutes:,}x" if first else ""
                row(when, times, path, target if first else "", note)
            more = len(collision.schedules) - len(named)
            if more > 0:
                row("", "", None, "", note, label=f"… {more:,} more")
        section(
            "Suggestions: a flexible window",
            "" if found.suggestions else "none",
            "nothing collides or peaks without a window",
        )
        for suggestion in found.suggestions:
            window = f"{suggestion.window_minutes} min window"
            row("", "", suggestion.schedule, window, suggestion.why)
        self._show_note()

    def _show_axis(self) -> None:
        found = self.timeline
        if found is None:
            return
        width = self.query_one("#axis", Static).content_size.width or self.size.width - 2
        end = found.start + found.span.length
        self.query_one("#axis", Static).update(axis(found.start, end, self.zone, width))

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_axis)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_note()

    def _show_note(self) -> None:
        row = self.query_one("#details", DataTable).cursor_row
        note = self._notes[row] if 0 <= row < len(self._notes) else ""
        self.query_one("#note", Static).update(Text(note))

    # -- keys ----------------------------------------------------------------------------------

    def action_next_span(self) -> None:
        self.span = SPANS[(SPANS.index(self.span) + 1) % len(SPANS)]
        self.reload()

    def action_next_section(self) -> None:
        table = self.query_one("#details", DataTable)
        later = [row for row in self._sections if row > table.cursor_row]
        if self._sections:
            # The section's first line under its title (the title opens nothing).
            target = (later or self._sections)[0]
            table.move_cursor(row=min(target + 1, table.row_count - 1), scroll=False)
            table.scroll_to(y=target, animate=False)

    def action_open_schedule(self) -> None:
        row = self.query_one("#details", DataTable).cursor_row
        path = self._paths[row] if 0 <= row < len(self._paths) else None
        if path is None:
            return
        group, _, name = path.partition("/")
        summary = self.session.store.find(group, name)
        if summary is None:
            self.app.notify(
                printable(f"{path} is not in the schedule list (deleted?)"), severity="warning"
            )
            return
        self.app.push_screen(DetailScreen(summary))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_schedule()
