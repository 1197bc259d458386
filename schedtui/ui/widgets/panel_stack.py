"""Panels stacked top to bottom whose heights the screen computes (core/monitoring/layout.py),
with the focused table marked: an accent bar down its left edge and an accent header.

Several tables on one screen need the focus to show: the cursor of an unfocused table is
only dimmer, which is not enough to know where a key will land.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual import events
from textual.containers import Vertical


class PanelStack(Vertical):
    DEFAULT_CSS = """
    PanelStack {
        height: 1fr;
        & > VirtualTable {
            border-left: blank;
            height: 1;
        }
        & > VirtualTable:focus {
            border-left: outer $accent;
        }
        & > VirtualTable:focus > .virtual-table--header {
            background: $accent;
            color: $background;
            text-style: bold;
        }
    }
    """

    def __init__(self, relayout: Callable[[int], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._relayout = relayout

    def on_resize(self, event: events.Resize) -> None:
        self._relayout(event.size.height)

    def apply(self, heights: Mapping[str, int]) -> None:
        """Set each child's height by id (0 hides it); children not named are left alone."""
        for child in self.children:
            if child.id in heights:
                height = heights[child.id]
                child.display = height > 0
                if height > 0:
                    child.styles.height = height
