"""`:cleanup [GROUP]`: the schedules that will never fire again (completed, expired, target
gone; ``core/health/cleanup.py`` says which), to mark and delete.

The whole definitions are read a page at a time (``DetailsCache.whole``: kept ones are not
read again) in a thread worker that stops when the screen goes; the doctor adds the
target-gone ones. Deleting goes through the schedules' own delete flow (``flows/deletion.py``:
a fresh read, the typed confirmation, the chokepoint, read-only refused, the audit log, one
outcome per schedule), with the export written after the confirmation and before the first
delete is sent (``aws/cleanup_export.py``): if it cannot be written, nothing is deleted.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Final

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from schedtui.aws.cleanup_export import write_export
from schedtui.core.health.cleanup import Candidate, candidates, export_document
from schedtui.core.health.doctor import DoctorReport
from schedtui.core.paths import shown, state_dir
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.table import Column, TableRow
from schedtui.core.text import printable
from schedtui.ui.flows.deletion import BeforeSend, delete_schedules
from schedtui.ui.heartbeat import Beat
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.widgets.key_footer import KeyFooter
from schedtui.ui.widgets.virtual_table import VirtualTable

COLUMNS: Final = (
    Column("reason", "REASON", 11),
    Column("schedule", "SCHEDULE", 24, fit=True, cut="middle"),
    Column("detail", "DETAIL", 30, flex=True),
)
PAGE: Final = 500  # definitions held at once: the whole of a page, then its candidates
_WAIT_SECONDS: Final = 0.5  # for the first listing, before there is anything to read
_NO_DOCTOR: Final = "target checks need the doctor"


def candidate_row(candidate: Candidate) -> TableRow:
    schedule = candidate.schedule
    path = f"{schedule.group_name}/{schedule.name}"
    return TableRow(
        key=schedule.arn or path,
        cells=(str(candidate.reason), path, candidate.detail),
        sort_keys=(str(candidate.reason), path, candidate.detail),
    )


class CleanupScreen(AppScreen):
    DEFAULT_CSS = """
    CleanupScreen #progress { height: 1; padding: 0 1; background: $panel; }
    CleanupScreen VirtualTable { height: 1fr; }
    CleanupScreen #status {
        height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """
    KEYS = ("cleanup",)
    HELP_TITLE = "Cleanup"

    def __init__(self, group: str | None = None) -> None:
        super().__init__()
        self.group = group
        self.found: dict[str, Candidate] = {}  # row key (ARN) -> candidate
        self.read = 0  # definitions read (or tried) in this scan
        self.total = 0
        self.unreadable = 0
        self.notes: list[str] = []
        self.scanning = False
        self._scan_id = 0
        self._stop = threading.Event()
        # Never due on its own: r, and a delete (host.changed), read again.
        self._beat = Beat(0, self.scan, busy=lambda: self.scanning)

    def beats(self) -> list[Beat]:
        return [self._beat]

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="progress")
        yield VirtualTable(COLUMNS, id="candidates")
        yield Static(id="status")
        yield KeyFooter()

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#candidates", VirtualTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.scan()

    def on_unmount(self) -> None:
        self._stop.set()  # the worker stops between reads: nobody is looking any more

    # -- reading: a page of whole definitions at a time, off the UI thread ----------------------

    def scan(self) -> None:
        store = self.session.store
        if not store.listed:
            self._show_progress()
            self.set_timer(_WAIT_SECONDS, self.scan)
            return
        self._stop.set()  # a scan in flight gives way to this one
        self._stop = threading.Event()
        self._scan_id += 1
        summaries = store.summaries(self.group)
        self.found, self.notes = {}, []
        self.read, self.total, self.unreadable = 0, len(summaries), 0
        self.scanning = True
        self.table.set_rows([])
        self._show_progress()
        self._scan(self._scan_id, summaries, self._stop)

    @work(thread=True, group="cleanup")
    def _scan(self, scan_id: int, summaries: list[ScheduleSummary], stop: threading.Event) -> None:
        backend, now = self.session.backend, self.session.now()
        doctor_usable = True
        for start in range(0, len(summaries), PAGE):
            if stop.is_set():
                return
            page = summaries[start : start + PAGE]
            schedules, failed = backend.details.whole(page, stop=stop)
            if stop.is_set():
                return
            report: DoctorReport | None = None
            note = ""
            if doctor_usable and schedules:
                try:
                    report = backend.doctor.diagnose(schedules, now)
                except NotImplementedError:  # until the doctor's fact gathering lands
                    doctor_usable, note = False, _NO_DOCTOR
                except Exception as error:  # a fault is a line here: completed/expired stand
                    doctor_usable, note = False, f"target checks failed: {error}"
            found = candidates(schedules, now, report)
            self.from_worker(self._page_read, scan_id, found, len(page), len(failed), note)
        self.from_worker(self._scan_done, scan_id)

    def _page_read(
        self, scan_id: int, found: list[Candidate], read: int, unreadable: int, note: str
    ) -> None:
        if scan_id != self._scan_id:
            return
        self.read += read
        self.unreadable += unreadable
        if note:
            self.notes.append(note)
        if found:
            self.found.update((candidate_row(c).key, c) for c in found)
            self.table.set_rows(sorted(map(candidate_row, self.found.values()), key=_order))
        self._show_progress()

    def _scan_done(self, scan_id: int) -> None:
        if scan_id == self._scan_id:
            self.scanning = False
            self._show_progress()

    # -- what the operator sees ------------------------------------------------------------------

    def _show_progress(self) -> None:
        where = f"group {self.group}" if self.group else "all groups"
        if not self.session.store.listed:
            text = f"Cleanup · {where} · waiting for the listing…"
        elif self.scanning:
            text = f"Cleanup · {where} · reading definitions {self.read:,} of {self.total:,}…"
        else:
            text = f"Cleanup · {where} · {self.total:,} schedules read"
        parts = [text]
        if self.unreadable:
            parts.append(f"{self.unreadable:,} unreadable (not judged)")
        parts += self.notes
        self.query_one("#progress", Static).update(Text(printable(" · ".join(parts))))
        self._show_status()

    def _show_status(self) -> None:
        count, marked = len(self.found), len(self.table.marks)
        text = f"{count:,} candidate{'' if count == 1 else 's'}"
        if marked:
            text += f" · {marked:,} marked"
        if not count and not self.scanning and self.session.store.listed:
            text += ": nothing completed, expired or without its target"
        self.query_one("#status", Static).update(Text(text))

    def on_virtual_table_marks_changed(self, _: VirtualTable.MarksChanged) -> None:
        self._show_status()

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        summary = self.session.store.summary(event.key)
        if summary is not None:
            self.app.push_screen(DetailScreen(summary))

    # -- marking and deleting ----------------------------------------------------------------------

    def action_mark_all(self) -> None:
        table = self.table
        keys = set(table.row_keys())
        table.marks = set() if keys and table.marks >= keys else keys

    def in_hand(self) -> list[Candidate]:
        """The marked rows, or else the row under the cursor."""
        table = self.table
        keys = sorted(table.marks) if table.marks else [table.cursor_key]
        return [self.found[key] for key in keys if key in self.found]

    def action_delete(self) -> None:
        chosen = self.in_hand()
        if not chosen:
            return
        reasons = {c.schedule.key: c for c in chosen}

        def export(fresh: list[Schedule]) -> str:
            # As the dialog showed them (read again), each with the reason it was listed for.
            exported = [replace(reasons[s.key], schedule=s) for s in fresh if s.key in reasons]
            now = self.session.now()
            path = write_export(export_document(exported, now), now)
            plural = "schedule" if len(exported) == 1 else "schedules"
            return f"Exported {len(exported)} {plural} to {shown(path)} before deleting"

        says = (
            f"First, each is exported as a CreateSchedule request to {shown(state_dir())}/"
            "cleanup-<time>.json (nothing is deleted if it cannot be written)."
        )
        delete_schedules(
            self.host,
            [c.schedule for c in chosen],
            on_done=self._deleted,
            before_send=BeforeSend(says, export),
        )

    def _deleted(self, arns: set[str]) -> None:
        if not self.is_up or not arns:
            return
        for arn in arns:
            self.found.pop(arn, None)
        table = self.table
        table.marks = table.marks - arns  # a failed one stays marked
        table.set_rows(sorted(map(candidate_row, self.found.values()), key=_order))
        self._show_status()


def _order(row: TableRow) -> tuple[str, ...]:
    return row.sort_keys  # by reason, then group/name
