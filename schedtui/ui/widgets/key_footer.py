"""The footer every screen shows: compact, and without the palette hint, so that at 80
columns it has room for the keys an operator needs first (ctrl+p is in every help)."""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
