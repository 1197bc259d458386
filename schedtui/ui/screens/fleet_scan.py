"""A screen that walks the listed schedules (all, or one group's) and tables what it finds:
the fleet doctor (``doctor.py``), and any other check over every definition (the cleanup can
derive from it).

The walk runs in one thread worker, a page of summaries at a time: the page's whole
definitions (``DetailsCache.whole``: kept ones are not read again), then the subclass's
``examine`` of them; each page's result comes back to the UI thread (``absorb``), so rows
appear as pages finish and a progress line counts them. Leaving the screen (esc, a `:`
command) sets the walk's stop Event: no page starts after it, and the details pool starts no
more reads; ``r`` stops it and walks again. Opened while the account is still being listed,
the walk waits for the listing to end (the clock's tick starts it): a walk over the first
pages, or none, would end in "no findings" for a fleet it never saw, and nothing walks again
on its own. Everything the table shows is the subclass's rows (``core/table.py`` rows, cells
printable), so the table, the `/` filter (words the row's cells must hold), the cursor's
line, the notes and the status line are shared.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from time import monotonic
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.content import Content
from textual.widgets import Input, Static

from schedtui.aws.errors import AwsError
from schedtui.core.health.doctor import DoctorReport
from schedtui.core.health.doctor_table import merge_notes
from schedtui.core.health.resources import EVERY_RESOURCE, Resource
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.table import Column, TableRow
from schedtui.core.text import printable
from schedtui.ui.heartbeat import HEARTBEAT_SECONDS, Beat
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.table_screen import LIST_CSS
from schedtui.ui.widgets.history_view import fault_message
from schedtui.ui.widgets.key_footer import KeyFooter
from schedtui.ui.widgets.virtual_table import VirtualTable

# Notes under the table: few at 80x24, where the table needs the lines; from 30 lines, as
# many as a walk usually has (one per kind of target it cannot check, and the faults).
_NOTES_SHOWN, _NOTES_SHOWN_TALL, _TALL = 2, 8, 30
_PROGRESS_SECONDS = 0.2  # the progress line is redrawn at most this often from the worker
_TABLE_SECONDS = 1.0  # the table, while walking (always at the end)

Progress = Callable[[int], None]  # schedules of the page done so far


@dataclass(frozen=True)
class Walk:
    """One walk's number (a page of an older one is dropped), its stop and its end, and the
    screen and app it reports to: the app held from the start, because a screen the operator
    left no longer finds its app from a worker thread, and what the walk says then must be
    dropped, not raise (``AppScreen.from_worker`` asks the screen for its app)."""

    number: int
    stop: threading.Event
    ended: threading.Event  # the thread itself has returned, whatever the screen
    screen: AppScreen
    app: App[None]

    def tell(self, callback: Callable[..., None], *args: object) -> None:
        """``callback(*args)`` on the UI thread, while the screen is still up."""
        self.app.call_from_thread(self._if_up, callback, *args)

    def _if_up(self, callback: Callable[..., None], *args: object) -> None:
        if self.screen.is_up:
            callback(*args)


class FleetScanScreen(AppScreen):
    DEFAULT_CSS = (
        LIST_CSS.replace("TableScreen", "FleetScanScreen")
        + """
    FleetScanScreen #progress { height: 1; padding: 0 1; background: $panel; }
    FleetScanScreen Static { text-wrap: nowrap; text-overflow: ellipsis; }
    FleetScanScreen #line { height: auto; max-height: 6; padding: 0 1; text-wrap: wrap; }
    FleetScanScreen #notes { height: auto; max-height: 10; padding: 0 1; color: $text-muted; }
    """
    )
    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    NOUN: ClassVar[str] = ""  # the title's first words ("Doctor")
    PAGE: ClassVar[int] = 100  # summaries per page: one ListSchedules page's worth
    MARKABLE: ClassVar[bool] = False  # space marks rows: only where a bulk action uses them
    HINT: ClassVar[str] = ""  # the last line of the notes: keys the table's rows take
    # What the doctor reads for ``diagnose``: a check that needs less reads less.
    READS: ClassVar[frozenset[Resource]] = EVERY_RESOURCE

    def __init__(self, group: str | None = None) -> None:
        super().__init__()
        self.group = group
        self.stop = threading.Event()
        self.ended = threading.Event()  # see Walk
        self.walks = 0  # walks started; a page of an older walk is dropped
        self.walking = False  # from the walk's start (waiting included) to its end
        self.waiting = False  # for the listing to end: the clock's tick starts the walk
        self.total = self.done = 0
        self.reading = False  # the walk is reading definitions (done counts those read)
        self.unread: list[AwsError] = []  # definitions that could not be read
        self.fault: str | None = None  # what stopped the walk
        self.notes: list[str] = []  # what the walk could not check, every page's (merged)
        self.filter_words: list[str] = []  # /: every one must appear in a row shown
        self._beat = Beat(0, self.walk_again)  # never due on its own: r runs it
        # The seconds so far, every heartbeat while walking: IAM's 5 calls a second can hold
        # a page for a while, and a line that never moves reads as stuck. Half a beat, so a
        # tick that comes a hair early is never skipped.
        self._clock = Beat(HEARTBEAT_SECONDS / 2, self._tick)
        self._drawn = 0.0  # when the table was last rebuilt
        self._walk_started = 0.0  # monotonic(), for the seconds the progress line counts

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="progress")
        yield VirtualTable(self.COLUMNS, markable=self.MARKABLE, id="table")
        yield Input(placeholder="filter: words that must all appear in the row", id="filter")
        yield Static(id="line")
        yield Static(id="notes")
        yield KeyFooter()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#table", VirtualTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.walk()

    def _tick(self) -> None:
        if self.waiting and self.session.store.listing_ended:
            self._start()
            self.redraw()  # the title's "waiting" becomes "checking"
        elif self.walking:
            self.redraw_progress()

    def on_unmount(self) -> None:
        self.stop.set()  # the operator left: the walk ends after the page in hand

    def beats(self) -> list[Beat]:
        return [self._beat, self._clock]

    # -- the walk -------------------------------------------------------------------------------

    def walk(self) -> None:
        self.stop.set()  # an earlier walk still going ends
        self.stop, self.ended = threading.Event(), threading.Event()
        self.walks += 1
        self.total, self.done, self.walking = 0, 0, True
        self.unread, self.fault, self.notes = [], None, []
        self.started()
        # The summaries are taken once, as the walk starts: not before the listing ended.
        self.waiting = not self.session.store.listing_ended
        self.redraw()
        if not self.waiting:
            self._start()

    def _start(self) -> None:
        self.waiting = False
        self._walk_started = monotonic()
        self._walk(Walk(self.walks, self.stop, self.ended, self, self.app))

    def walk_again(self) -> None:
        """r: forget what the check cached and walk again."""
        self.walk()

    @work(thread=True, group="fleet-scan")
    def _walk(self, walk: Walk) -> None:
        try:
            # In the worker: at 100,000 schedules the snapshot takes a moment.
            summaries = self.session.store.summaries(self.group)
            walk.tell(self._counted, walk.number, len(summaries))
            self._pages(walk, summaries)
        finally:
            walk.ended.set()

    def _pages(self, walk: Walk, summaries: Sequence[ScheduleSummary]) -> None:
        session = self.session
        details = session.backend.details
        now = session.now()
        done = 0
        shown = monotonic()

        def told(count: int, reading: bool) -> None:
            nonlocal shown
            if monotonic() - shown >= _PROGRESS_SECONDS:
                shown = monotonic()
                walk.tell(self._progress, walk.number, count, reading)

        def progress(count: int) -> None:  # the page's schedules examined so far
            told(done + count, reading=False)

        # Every definition of every page, kept or fetched, counts once as it is in hand;
        # next() is atomic, and the details pool's threads call each().
        read = itertools.count(1)

        def each(_summary: ScheduleSummary, _outcome: object) -> None:
            told(next(read), reading=True)

        try:
            self.prepare(walk.number == 1)
            for start in range(0, len(summaries), self.PAGE):
                if walk.stop.is_set():
                    return
                page = summaries[start : start + self.PAGE]
                # Definitions not kept yet are read first (at GetSchedule's pace): say so.
                schedules, unread = details.whole(page, on_each=each, stop=walk.stop)
                if walk.stop.is_set():
                    return  # the page was cut short: its result would be partial
                result = self.examine(schedules, now, progress)
                done += len(page)
                walk.tell(self._page_done, walk.number, done, result, unread)
        except Exception as error:  # a fault is the screen's line, never a crash
            walk.tell(self._faulted, walk.number, fault_message(error))
            return
        walk.tell(self._finished, walk.number)

    def _counted(self, walk: int, total: int) -> None:
        if walk == self.walks:
            self.total = total
            self.redraw_progress()

    def _progress(self, walk: int, done: int, reading: bool = False) -> None:
        if walk == self.walks:
            self.done, self.reading = done, reading
            self.redraw_progress()

    def _page_done(self, walk: int, done: int, result: object, unread: list[AwsError]) -> None:
        if walk != self.walks:
            return
        self.done, self.reading = done, False
        self.unread += unread
        self.absorb(result)
        # The rows are rebuilt from every page so far (~150 ms at 20,000 findings): at most
        # once a second while walking, so a big fleet's pages never hog the UI thread.
        if monotonic() - self._drawn >= _TABLE_SECONDS:
            self.redraw()
        else:
            self.redraw_progress()

    def _faulted(self, walk: int, fault: str) -> None:
        if walk == self.walks:
            self.walking, self.fault = False, fault
            self.redraw()

    def _finished(self, walk: int) -> None:
        if walk == self.walks:
            self.walking = False
            self.redraw()

    # -- drawing --------------------------------------------------------------------------------

    def redraw(self) -> None:
        self._drawn = monotonic()
        table = self.table
        rows = self.rows()
        if self.filter_words:
            rows = [row for row in rows if self._matches(row)]
        if len(rows) == table.row_count and [r.key for r in rows] == table.row_keys():
            table.update_rows(rows)
        else:
            table.set_rows(rows)
        filtered = f"filter “{' '.join(self.filter_words)}”" if self.filter_words else ""
        parts = (self.NOUN, *self.title_parts(), filtered)
        title = " · ".join(part for part in parts if part)
        table.border_title = Content(f" {printable(title)} ")
        self.redraw_progress()
        self.show_line()
        self.query_one("#notes", Static).update(self.notes_text())

    def _matches(self, row: TableRow) -> bool:
        text = " ".join(row.cells).casefold()
        return all(word in text for word in self.filter_words)

    # -- the filter (/): the rows' own text, typed words all present ---------------------------

    def action_open_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.add_class("open")
        self.set_focus(field)  # now: a burst like "/kms" must never reach the table's keys

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "filter":
            return
        self.filter_words = event.value.casefold().split()
        marked = self.table.marks
        self.redraw()
        # The table keeps marks on rows it shows only (a bulk action never reaches a hidden
        # row): say so, rather than let a mark vanish.
        if lost := len(marked - self.table.marks):
            plural = "row the filter hides is" if lost == 1 else "rows the filter hides are"
            self.notify(f"{lost} marked {plural} unmarked.", severity="warning")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.table.focus()

    def action_escape(self) -> None:
        field = self.query_one("#filter", Input)
        if not field.has_class("open"):
            self.back()
            return
        field.value = ""
        field.remove_class("open")
        self.filter_words = []
        self.redraw()
        self.table.focus()

    def redraw_progress(self) -> None:
        # The group, the fault and the unread schedules' errors are AWS text: printable.
        where = printable(f"group {self.group}" if self.group else "every group")
        store = self.session.store
        text = Text()
        if self.waiting:
            text.append(f"waiting for the listing… {len(store):,} listed so far ({where})", "bold")
            if store.last_error:  # the refresh failed: the next one lists again
                text.append(printable(store.listing_note()), "dim")
            self.query_one("#progress", Static).update(text)
            return
        if self.walking:
            doing = "reading definitions" if self.reading else "checking"
            text.append(f"{doing}… {self.done:,} of {self.total:,} ({where})", "bold")
            text.append(f" · {monotonic() - self._walk_started:.0f} s")
        elif self.fault is None:
            text.append(f"checked {self.done:,} schedules ({where})")
        else:
            text.append(f"stopped after {self.done:,} of {self.total:,} ({where}): ", "bold red")
            text.append(printable(self.fault), "red")
        text.append(self.progress_note())
        if self.unread:
            first = printable(str(self.unread[0]))
            text.append(f" · {len(self.unread):,} could not be read: {first}", "yellow")
        text.append(printable(store.listing_note()), "dim")
        self.query_one("#progress", Static).update(text)

    def on_virtual_table_cursor_moved(self, _: VirtualTable.CursorMoved) -> None:
        self.show_line()

    def show_line(self) -> None:
        row = self.table.cursor_row
        self.query_one("#line", Static).update(self.line_text(row))

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        self.open(event.key)

    # -- what a subclass provides ---------------------------------------------------------------

    def prepare(self, first: bool) -> None:
        """In the worker, before the first page. Both fleet checks ask the doctor, so r
        (``first`` False) forgets what it cached: a fresh look at every role and target."""
        if not first:
            self.session.backend.doctor.forget()

    def started(self) -> None:
        """On the UI thread as a walk starts: drop the last walk's results."""

    def examine(self, schedules: list[Schedule], now: datetime, progress: Progress) -> object:
        """In the worker: what one page of whole definitions yields (``progress(n)`` after
        each of them)."""
        raise NotImplementedError

    def absorb(self, result: object) -> None:
        """On the UI thread: add one page's result."""
        raise NotImplementedError

    def rows(self) -> list[TableRow]:
        raise NotImplementedError

    def progress_note(self) -> str:
        """Said after the progress (what the walk cost, say)."""
        return ""

    def title_parts(self) -> list[str]:
        return [f"group {self.group}"] if self.group else []

    # -- for the subclasses ----------------------------------------------------------------------

    def diagnose(
        self, schedules: list[Schedule], now: datetime, progress: Progress
    ) -> DoctorReport:
        """The doctor over a page (in the worker): both fleet checks ask it, for their
        ``READS``."""
        return self.session.backend.doctor.diagnose(
            schedules, now, progress=lambda done, _total: progress(done), reads=self.READS
        )

    def tally(self, found: str, anything: bool) -> str:
        """The title's count ``found``, or "checking…" while the walk has found nothing yet
        ("waiting for the listing…" before it starts): "no findings" or "0 candidates" would
        read as a healthy fleet."""
        if self.waiting:
            return "waiting for the listing…"
        return "checking…" if self.walking and not anything else found

    def line_text(self, row: TableRow | None) -> Text:
        """The line under the table: the cursor row in full."""
        return Text()

    def notes_text(self) -> Text:
        """The walk's notes, merged (as many as the height allows), then the ``HINT``."""
        notes = merge_notes(self.notes)
        room = _NOTES_SHOWN if self.size.height < _TALL else _NOTES_SHOWN_TALL
        text = Text(style="dim")
        for note in notes[:room]:
            text.append("· " + printable(note) + "\n")
        if len(notes) > room:
            text.append(f"· +{len(notes) - room} more notes (on a taller terminal)\n")
        if self.HINT:
            text.append("· " + self.HINT)
        text.rstrip()
        return text

    def open(self, key: str) -> None:
        """Enter on a row."""
