"""The detail's doctor panel (D): the schedule's findings, worst first, each with its kind,
its message and the fix; the doctor's notes and the AWS calls it made; or the fault that
stopped it. The screen runs the doctor (in a worker); this draws what it knows.

Messages, fixes and notes name AWS resources (roles, ARNs, policy sources): shown through
``printable`` as rich ``Text``, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from schedtui.core.health.findings import Finding, Severity
from schedtui.core.text import printable
from schedtui.ui.widgets.history_view import fault_text

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


@dataclass
class DoctorState:
    """What the panel knows: the findings of the last check (kept while the next runs), or
    the fault that stopped it."""

    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()
    calls: int = 0
    fault: str | None = None
    loading: bool = True
    checked: datetime | None = None  # when the last check answered
    answered: bool = False  # a check has answered (findings or fault)


def finding_text(finding: Finding) -> Text:
    text = Text()
    text.append("● " + finding.severity.value.upper(), style=SEVERITY_STYLE[finding.severity])
    text.append("  " + finding.kind.value, style="bold")
    text.append("\n  " + printable(finding.message))
    if finding.fix:
        text.append("\n  fix: ", style="green")
        text.append(printable(finding.fix))
    return text


def doctor_text(state: DoctorState) -> Text:
    text = Text()
    if state.loading:
        text.append("checking…" if not state.answered else "checking again…", style="dim")
        text.append("\n")
    if state.fault:
        text.append_text(fault_text("Doctor unavailable", state.fault))
        text.append("\n")
    elif state.answered and not state.findings:
        text.append("no findings: nothing the doctor checks is wrong\n", style="green")
    for finding in state.findings:
        text.append_text(finding_text(finding))
        text.append("\n")
    if state.answered and not state.fault:
        for note in state.notes:
            text.append("· " + printable(note) + "\n", style="dim")
        calls = f"{state.calls:,} AWS read call{'' if state.calls == 1 else 's'}"
        text.append(f"· {calls} (shared roles and targets are read once)\n", style="dim")
    text.rstrip()
    return text


class DoctorView(Static):
    """The panel as one block of text (it scrolls with its container)."""

    DEFAULT_CSS = "DoctorView { height: auto; }"

    def show(self, state: DoctorState) -> None:
        self.update(doctor_text(state))
