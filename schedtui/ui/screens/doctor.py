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
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.table import TableRow
from schedtui.core.text import printable
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.fleet_scan import FleetScanScreen, Progress
from schedtui.ui.screens.schedule_actions import CopiesSchedule

_TITLE_EDGES = 6  # the border's corners and lines, and the spaces around the title
# The line under the table (the cursor's finding and its fix), in lines: the rows keep most
# of a short terminal; from _TALL lines there is room for a long trust message whole.
_LINE_LINES, _LINE_LINES_TALL, _TALL = 6, 10, 30
_MESSAGE_LINES_AT_LEAST = 2  # however long the fix, the message keeps this much


class DoctorScreen(FleetScanScreen, CopiesSchedule):
    KEYS = ("doctor", "scan", "table")
    HELP_TITLE = "Doctor"
    COLUMNS = COLUMNS
    NOUN = "Doctor"
    DEFAULT_CSS = f"DoctorScreen #line {{ max-height: {_LINE_LINES_TALL + 2}; }}"

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
        severity where the title has the room (not at 80 columns: ``f`` shows it), and the
        rows shown when ``f`` or the ``/`` filter hides some."""
        scope, showing = super().title_parts(), f"showing {MINIMUM_TEXT[self.minimum]} (f)"
        # The count is every finding's: say how many rows are left when f or / hides some.
        shown = self.table.row_count
        if shown < sum(len(diagnosis.findings) for diagnosis in self.diagnoses):
            showing += f" · {shown:,} shown"
        anything = bool(self.diagnoses)
        whole = [*scope, self.tally(findings_phrase(self.diagnoses), anything), showing]
        # fleet_scan.py adds the filter's words after these: they must fit too.
        filtered = f" · filter “{' '.join(self.filter_words)}”" if self.filter_words else ""
        if len(" · ".join([self.NOUN, *whole]) + filtered) + _TITLE_EDGES <= self.size.width:
            return whole
        short = findings_phrase(self.diagnoses, breakdown=False)
        return [*scope, self.tally(short, anything), showing]

    def on_resize(self) -> None:
        self.call_after_refresh(self.redraw)  # the title's words follow the width

    def line_text(self, row: TableRow | None) -> Text:
        """The cursor's finding: its message whole (the cell shortens its ARNs), then its fix.
        The fix is never cut; the message takes the lines left of the line's height (fewer
        on a short terminal, where the table needs them) and only past those is it cut."""
        if row is None:
            return Text("" if self.walking else "no findings to show", style="dim")
        diagnosis = self.by_path.get(schedule_of(row.key))
        if diagnosis is None:
            return Text()
        finding = diagnosis.findings[finding_index(row.key)]
        width = max(self.size.width - 2, 20)  # the line's padding
        fix = Text("fix: ", style="green")
        fix.append(printable(finding.fix or "(the doctor says none)"))
        height = _LINE_LINES_TALL if self.size.height >= _TALL else _LINE_LINES
        room = max(_MESSAGE_LINES_AT_LEAST, height - len(self._wrapped(fix, width)))
        message = self._wrapped(Text(printable(finding.message)), width)
        if len(message) > room:
            message = message[:room]
            last = message[-1]
            last.truncate(width - 1)
            last.append("…")
        text = Text("\n").join([*message, fix])
        return text

    def _wrapped(self, text: Text, width: int) -> list[Text]:
        return list(text.wrap(self.app.console, width))

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
