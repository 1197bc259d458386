"""The two header lines: who and where you are, and how fresh the data is."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from schedtui.core.text import printable


@dataclass
class HeaderInfo:
    account: str = "…"
    caller_arn: str = "…"
    profile: str | None = None
    region: str = "…"
    endpoint: str | None = None
    read_only: bool = False
    demo: bool = False


class StatusHeader(Static):
    DEFAULT_CSS = """
    StatusHeader {
        dock: top;
        height: 2;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def __init__(self, info: HeaderInfo, state: tuple[str, str] = ("starting…", "dim")) -> None:
        super().__init__()
        self.info = info
        self.state, self.state_style = state

    def show(self, info: HeaderInfo, state: tuple[str, str]) -> None:
        self.info = info
        self.state, self.state_style = state
        self.refresh_text()

    def on_mount(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        info = self.info
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append("schedtui", style="bold")
        if info.demo:
            line.append("  ")
            line.append(" DEMO ", style="reverse")
        if info.read_only:
            line.append("  ")
            line.append(" READ-ONLY ", style="reverse bold")
        line.append(f"  acct {printable(info.account)}  {printable(info.region)}")
        if info.profile:
            line.append(f"  profile {printable(info.profile)}")
        if info.endpoint:
            line.append(f"  endpoint {printable(info.endpoint)}", style="italic")
        # Two separate lines, each cut with an ellipsis at the width: a long endpoint or ARN
        # must never wrap and push the freshness line out of the two-row header.
        fresh = Text(no_wrap=True, overflow="ellipsis")
        fresh.append(printable(self.state), style=self.state_style)
        fresh.append("  ")
        fresh.append(printable(info.caller_arn), style="dim")
        self.update(Group(line, fresh))
