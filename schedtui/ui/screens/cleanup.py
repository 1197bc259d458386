"""`:cleanup [GROUP]`: the schedules that will never fire again (completed, expired, target
gone; ``core/health/cleanup.py`` says which), to mark and delete.

The walk over the fleet (whole definitions a page at a time, progress, stop on leave, r
again) is ``fleet_scan.py``'s, shared with the fleet doctor, whose ``diagnose`` of each page
adds the target-gone ones, reading the targets alone (``READS``: no role, DLQ or key).
Deleting goes through the schedules' own delete flow (``flows/deletion.py``: a fresh read,
the typed confirmation, the chokepoint, read-only refused, the audit log, one outcome per
schedule), with the export written after the confirmation and before the first delete is
sent (``aws/cleanup_export.py``): if it cannot be written, nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from rich.text import Text

from schedtui.aws.cleanup_export import write_export
from schedtui.core.health.cleanup import Candidate, candidates, export_document
from schedtui.core.health.doctor import DoctorReport
from schedtui.core.health.resources import Resource
from schedtui.core.paths import shown
from schedtui.core.schedules.schedule import Schedule
from schedtui.core.table import Column, TableRow
from schedtui.core.text import printable
from schedtui.ui.flows.deletion import BeforeSend, delete_schedules
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.fleet_scan import FleetScanScreen, Progress
from schedtui.ui.screens.schedule_actions import CopiesSchedule
from schedtui.ui.widgets.virtual_table import VirtualTable

COLUMNS: Final = (
    Column("reason", "REASON", 11),
    Column("schedule", "SCHEDULE", 24, fit=True, cut="middle"),
    Column("detail", "DETAIL", 30, flex=True),
)


def candidate_row(candidate: Candidate) -> TableRow:
    schedule = candidate.schedule
    path = printable(f"{schedule.group_name}/{schedule.name}")
    cells = (str(candidate.reason), path, printable(candidate.detail))
    # The key is never shown: the raw path, as "a\x1b" and "a␛" print alike.
    key = schedule.arn or f"{schedule.group_name}/{schedule.name}"
    return TableRow(key=key, cells=cells, sort_keys=cells)


@dataclass(frozen=True)
class _Page:
    """What one page of the walk yields."""

    found: list[Candidate]
    notes: list[str]


class CleanupScreen(FleetScanScreen, CopiesSchedule):
    KEYS = ("cleanup", "scan", "table")
    HELP_TITLE = "Cleanup"
    COLUMNS = COLUMNS
    NOUN = "Cleanup"
    MARKABLE = True  # ctrl+d deletes the marked rows
    HINT = "space marks, a marks all; ctrl+d exports them, then deletes"
    # Only "target gone" needs AWS: the roles, DLQs and keys are never read (nor judged).
    READS = frozenset({Resource.TARGET})

    def __init__(self, group: str | None = None) -> None:
        super().__init__(group)
        self.found: dict[str, Candidate] = {}  # row key (the ARN) -> candidate

    # -- the walk (fleet_scan.py): a page of whole definitions at a time ------------------------

    def started(self) -> None:
        self.found = {}

    def examine(self, schedules: list[Schedule], now: datetime, progress: Progress) -> object:
        notes: list[str] = []
        report: DoctorReport | None = None
        if schedules:
            try:
                report = self.diagnose(schedules, now, progress)
                notes += report.notes
            except Exception as error:  # completed and expired stand without the doctor
                notes.append(f"targets not checked: {error}")
        return _Page(candidates(schedules, now, report), notes)

    def absorb(self, result: object) -> None:
        assert isinstance(result, _Page)
        self.found.update((candidate_row(c).key, c) for c in result.found)
        self.notes += result.notes

    def rows(self) -> list[TableRow]:
        return sorted(map(candidate_row, self.found.values()), key=lambda row: row.sort_keys)

    # -- what the operator reads ------------------------------------------------------------------

    def title_parts(self) -> list[str]:
        count, marked = len(self.found), len(self.table.marks)
        found = self.tally(f"{count:,} candidate{'' if count == 1 else 's'}", count > 0)
        parts = [*super().title_parts(), found]
        return parts + ([f"{marked:,} marked"] if marked else [])

    def line_text(self, row: TableRow | None) -> Text:
        """The cursor's candidate whole (the table cuts the detail)."""
        if row is None:
            idle = not self.walking and self.fault is None
            return Text("nothing completed, expired or without its target" if idle else "")
        candidate = self.found.get(row.key)
        return Text(printable(candidate.detail)) if candidate else Text()

    def on_virtual_table_marks_changed(self, _: VirtualTable.MarksChanged) -> None:
        self.redraw()

    def open(self, key: str) -> None:
        candidate = self.found.get(key)
        summary = self.session.store.summary(key) if candidate else None
        if summary is not None:
            self.app.push_screen(DetailScreen(summary))

    def copied(self) -> Schedule | None:
        """The cursor row's schedule, as the walk read it (its ARN is the row's key)."""
        key = self.table.cursor_key
        return self.found[key].schedule if key in self.found else None

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
            path = write_export(export_document(exported, now), now, folder)
            plural = "schedule" if len(exported) == 1 else "schedules"
            return f"Exported {len(exported)} {plural} to {shown(path)} before deleting"

        folder = self.session.backend.files_dir
        says = (
            f"First, each is exported as a CreateSchedule request to {shown(folder)}/"
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
        self.table.marks = self.table.marks - arns  # a failed one stays marked
        self.redraw()
