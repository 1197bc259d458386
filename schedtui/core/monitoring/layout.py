"""How the lines of a screen of stacked panels are shared out (the monitor, the DLQ messages).

Fixed heights waste a tall terminal and hide a table on a small one (at 60x20 a table
showed no row at all). Instead each panel says how many lines it could use, and the lines
there are go, in the screen's order of priority (the focused panel first):

1. to every panel, its floor (a table's header and one row: it stays findable);
2. to every panel, its comfortable height (a table's header and five rows);
3. to every panel, all it could use.

What is left over goes to the panel named to take it (a detail pane that scrolls), or stays
blank at the bottom. A panel that has nothing (an empty table is its header) stays small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

COMFORTABLE_ROWS: Final = 5


@dataclass(frozen=True, slots=True)
class Panel:
    """``lines``: all it could use; ``floor`` and ``comfortable`` are capped by it."""

    name: str
    lines: int
    floor: int = 1
    comfortable: int = 1


def table_panel(name: str, rows: int, *, comfortable_rows: int = COMFORTABLE_ROWS) -> Panel:
    """A table: a header line, then its rows."""
    return Panel(name, 1 + rows, floor=1 + min(rows, 1), comfortable=1 + comfortable_rows)


def allot(budget: int, panels: Sequence[Panel], *, spare_to: str | None = None) -> dict[str, int]:
    """Lines per panel, ``panels`` in order of priority; the sum never exceeds ``budget``."""
    heights = {panel.name: 0 for panel in panels}
    left = max(budget, 0)
    for level in ("floor", "comfortable", "lines"):
        for panel in panels:
            wanted = min(getattr(panel, level), panel.lines)
            grant = min(max(wanted - heights[panel.name], 0), left)
            heights[panel.name] += grant
            left -= grant
    if spare_to is not None and spare_to in heights:
        heights[spare_to] += left
    return heights
