"""The header line: who and where you are, and how fresh the data is, on one line at any
width (what does not fit is left out, least important first)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from rich.cells import cell_len
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


# (text, style, rank, short text): a part of rank n is left out before any part of a lower
# rank; when the line is still too long, every part says it shorter.
Part = tuple[str, str, int, str]
# The data's state always stays, but a long one (an error) is cut rather than make the
# others shorter: it counts as at most _STATE_ROOM cells when deciding what fits.
STATE_RANK = -1
_STATE_ROOM = 24


def header_parts(info: HeaderInfo, state: str, state_style: str) -> list[Part]:
    """The header's parts in the order shown. The badges, the account, region and profile,
    and the data's state (fresh, refreshing, an error) always stay; when the line is short
    the caller's ARN goes, then the endpoint says only host:port, then it goes too."""
    parts: list[Part] = [("schedtui", "bold", 0, "schedtui")]
    if info.demo:
        parts.append((" DEMO ", "reverse", 0, " DEMO "))
    if info.read_only:
        parts.append((" READ-ONLY ", "reverse bold", 0, " RO "))
    if info.profile:
        profile = printable(info.profile)
        parts.append((f"profile {profile}", "", 1, profile))
    account = printable(info.account)
    parts.append((f"acct {account}", "", 1, account))
    region = printable(info.region)
    parts.append((region, "", 1, region))
    parts.append((printable(state), state_style, STATE_RANK, printable(state)))
    if info.endpoint:
        endpoint = printable(info.endpoint)
        # Said as host:port before it is left out: a stray AWS_ENDPOINT_URL or a profile's
        # endpoint_url is where every request goes.
        short = printable(urlsplit(info.endpoint).netloc or info.endpoint)
        parts.append((f"endpoint {endpoint}", "italic", 2, short))
    parts.append((printable(info.caller_arn), "dim", 3, ""))
    return parts


def fitted(parts: list[Part], width: int) -> Text:
    """The parts that fit ``width`` cells, two spaces apart, never wrapped. The data's
    state, whole, comes before the endpoint and the caller: they are left out first when
    short of room. Then every part says it shorter, counting a long state as at most
    ``_STATE_ROOM`` cells; what still overflows is the end of the state (a long error: the
    notification and the status line say it whole), cut with an ellipsis."""
    kept = list(parts)

    def length(state_cap: int | None = None) -> int:
        cells = [
            min(cell_len(text), state_cap or cell_len(text))
            if rank == STATE_RANK
            else cell_len(text)
            for text, _, rank, _ in kept
        ]
        return sum(cells) + 2 * (len(kept) - 1)

    for rank in (3, 2):  # account, region and profile always stay (a long state is cut)
        if length() <= width:
            break
        if rank == 2:  # the endpoint says it shorter before it goes
            kept = [(p[3], p[1], p[2], p[3]) if p[2] == 2 else p for p in kept]
            if length() <= width:
                break
        kept = [part for part in kept if part[2] < rank]
    if length(_STATE_ROOM) > width:
        kept = [(short, style, rank, short) for _, style, rank, short in kept]
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    for index, (text, style, _, _) in enumerate(kept):
        if index:
            line.append("  ")
        line.append(text, style=style)
    line.truncate(max(0, width), overflow="ellipsis")
    return line


class StatusHeader(Static):
    DEFAULT_CSS = """
    StatusHeader {
        dock: top;
        height: 1;
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
        self.refresh()

    def render(self) -> Text:
        # Built for the width at each render: a resize re-renders, and what fits changes.
        parts = header_parts(self.info, self.state, self.state_style)
        return fitted(parts, self.content_region.width or 200)
