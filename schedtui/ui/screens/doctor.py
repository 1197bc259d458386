"""The fleet doctor (`:doctor [GROUP]`): every finding of the listed schedules, worst first,
then by group and name; `f` narrows to warnings and errors, or errors only; enter opens the
schedule's detail on its doctor panel. The walk, its progress and its stop are
``fleet_scan.py``'s; the rows are ``core/health/doctor_table.py``'s.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from schedtui.core.health.doctor import Diagnosis, DoctorReport
from schedtui.core.health.doctor_table import (
    COLUMNS,
    MINIMUM_TEXT,
    finding_index,
    finding_rows,
    findings_phrase,
    next_minimum,
    schedule_of,
)
from schedtui.core.health.findings import Severity
from schedtui.core.schedules.arns import short_arns
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.table import TableRow
from schedtui.core.text import printable
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.fleet_scan import FleetScanScreen, Progress
from schedtui.ui.screens.schedule_actions import CopiesSchedule

_TITLE_EDGES = 6  # the border's corners and lines, and the spaces around the title


class DoctorScreen(FleetScanScreen, CopiesSchedule):
    KEYS = ("doctor", "scan", "table")
    HELP_TITLE = "Doctor"
    COLUMNS = COLUMNS
    NOUN = "Doctor"

    def __init__(self, group: str | None = None) -> None:
        super().__init__(group)
        self.minimum = Severity.INFO
        self.diagnoses: list[Diagnosis] = []
        self.by_path: dict[tuple[str, str], Diagnosis] = {}
        self.calls = 0  # the pages' reports' (what their diagnoses cost)
        self._calls_before = 0  # the doctor's request count as the walk started

    def started(self) -> None:
        self.diagnoses, self.by_path, self.calls = [], {}, 0
        self._calls_before = self.session.backend.doctor.calls

    def examine(self, schedules: list[Schedule], now: datetime, progress: Progress) -> object:
        if not schedules:
            return DoctorReport(())
        return self.diagnose(schedules, now, progress)

    def absorb(self, result: object) -> None:
        assert isinstance(result, DoctorReport)
        self.diagnoses += result.diagnoses
        self.by_path.update({(d.group, d.name): d for d in result.diagnoses})
        self.notes += result.notes
        self.calls += result.calls

    def rows(self) -> list[TableRow]:
        return finding_rows(self.diagnoses, self.minimum)

    def title_parts(self) -> list[str]:
        """The count in ``schedtui doctor``'s words (``findings_phrase``), its breakdown by
        severity where the title has the room (not at 80 columns: ``f`` shows it)."""
        scope, showing = super().title_parts(), f"showing {MINIMUM_TEXT[self.minimum]} (f)"
        anything = bool(self.diagnoses)
        whole = [*scope, self.tally(findings_phrase(self.diagnoses), anything), showing]
        if len(" · ".join([self.NOUN, *whole])) + _TITLE_EDGES <= self.size.width:
            return whole
        short = findings_phrase(self.diagnoses, breakdown=False)
        return [*scope, self.tally(short, anything), showing]

    def on_resize(self) -> None:
        self.call_after_refresh(self.redraw)  # the title's words follow the width

    def line_text(self, row: TableRow | None) -> Text:
        """The cursor's finding, at most two lines of it, then its fix whole: the fix must
        never be cut (the panel, enter, has the message with its ARNs)."""
        if row is None:
            return Text("" if self.walking else "no findings to show", style="dim")
        diagnosis = self.by_path.get(schedule_of(row.key))
        if diagnosis is None:
            return Text()
        finding = diagnosis.findings[finding_index(row.key)]
        room = 2 * max(self.size.width - 2, 20)  # the line's padding
        message = printable(short_arns(finding.message))
        text = Text(message if len(message) <= room else message[: room - 1] + "…")
        text.append("\nfix: ", style="green")
        text.append(printable(finding.fix or "(the doctor says none)"))
        return text

    def progress_note(self) -> str:
        if self.calls == 0 and self.done and not self.walking:
            # A second look answers from the cache: say so, and how to read AWS again.
            return " · answered from the doctor's cache: no AWS call (r reads AWS again)"
        # While walking, the doctor's own count, request by request (a page's report comes
        # only when its slowest read, IAM's, is in); the reports' sum once done.
        made = self.session.backend.doctor.calls - self._calls_before if self.walking else None
        return f" · {made if made is not None else self.calls:,} AWS read calls (r checks again)"

    def action_next_severity(self) -> None:
        self.minimum = next_minimum(self.minimum)
        self.redraw()

    def listed(self, key: str | None) -> ScheduleSummary | None:
        """The listed schedule of a row (None, said, when it is gone since the check)."""
        if key is None:
            return None
        group, name = schedule_of(key)
        summary = self.session.store.find(group, name)
        if summary is None:
            self.notify(
                printable(f"{group}/{name} is no longer listed (deleted since the check?)"),
                severity="warning",
            )
        return summary

    def open(self, key: str) -> None:
        if summary := self.listed(key):
            self.app.push_screen(DetailScreen(summary, view="doctor"))

    def copied(self) -> ScheduleSummary | None:
        return self.listed(self.table.cursor_key)
