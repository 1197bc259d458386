"""The detail's doctor panel (D): the schedule's findings, worst first, each with its kind,
its message and the fix; the doctor's notes and the AWS calls it made; or the fault that
stopped it. The screen runs the doctor (in a worker); this draws what it knows.

Messages, fixes and notes name AWS resources (roles, ARNs, policy sources): shown through
``printable`` as rich ``Text``, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.console import Group, RenderableType
from rich.padding import Padding
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


def _indented(text: Text) -> Padding:
    """A block under its finding's first line, wrapped lines kept under it."""
    return Padding(text, (0, 0, 0, 2))


def finding_lines(finding: Finding) -> list[RenderableType]:
    head = Text()
    head.append("● " + finding.severity.value.upper(), style=SEVERITY_STYLE[finding.severity])
    head.append("  " + finding.kind.value, style="bold")
    lines: list[RenderableType] = [head, _indented(Text(printable(finding.message)))]
    if finding.fix:
        fix = Text("fix: ", style="green")
        fix.append(printable(finding.fix))
        lines.append(_indented(fix))
    return lines


def calls_text(calls: int) -> str:
    if calls == 0:
        return "answered from the doctor's cache: no AWS call (r reads AWS again)"
    plural = "" if calls == 1 else "s"
    return f"{calls:,} AWS read call{plural} (shared roles and targets are read once)"


def doctor_lines(state: DoctorState) -> Group:
    """The panel: its state first (checking, the fault), then each finding, then the notes."""
    lines: list[RenderableType] = []
    if state.loading:
        lines.append(Text("checking again…" if state.answered else "checking…", style="dim"))
    if state.fault:
        lines.append(fault_text("Doctor unavailable", state.fault))
    elif state.answered and not state.findings:
        lines.append(Text("no findings: nothing the doctor checks is wrong", style="green"))
    for finding in state.findings:
        lines += finding_lines(finding)
    if state.answered and not state.fault:
        lines += [Text("· " + printable(note), style="dim") for note in state.notes]
        lines.append(Text("· " + calls_text(state.calls), style="dim"))
    return Group(*lines)


class DoctorView(Static):
    """The panel as one block of text (it scrolls with its container)."""

    DEFAULT_CSS = "DoctorView { height: auto; }"

    def show(self, state: DoctorState) -> None:
        self.update(doctor_lines(state))
