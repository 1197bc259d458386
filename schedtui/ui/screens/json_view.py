"""A schedule exactly as GetSchedule returned it, as JSON, read-only (`v`).

The document is made by ``core/schedules/document.py: response_document``: every member
botocore parsed, dates as ISO-8601, and whatever a terminal would act on as a ``\\u``
escape, so the text on screen and on the clipboard is the same inert JSON. A read-only
TextArea scrolls it and lets the operator select part of it with the mouse.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static, TextArea

from schedtui.core.text import printable
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.widgets.key_footer import KeyFooter


class JsonViewScreen(AppScreen):
    DEFAULT_CSS = """
    JsonViewScreen #json-title { padding: 0 1; text-style: bold; color: $accent; }
    JsonViewScreen #json-note { padding: 0 1; color: $warning; }
    JsonViewScreen TextArea { height: 1fr; }
    """
    KEYS = ("json_view",)
    HELP_TITLE = "Schedule as JSON"

    def __init__(
        self,
        group: str,
        name: str,
        document: str,
        *,
        dropped: list[str],
        read_at: datetime,
        copy: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.group = group
        self.name_shown = name
        # Already terminal-safe JSON; printable() again costs nothing and keeps the rule
        # (every string from AWS passes it) visible here. It leaves line feeds alone.
        self.document = printable(document, keep_newlines=True)
        self.dropped = dropped
        self.read_at = read_at
        self._copy = copy

    def compose(self) -> ComposeResult:
        yield self.header()
        title = (
            f"GetSchedule {self.group}/{self.name_shown} · as AWS returned it at "
            f"{self.read_at:%H:%M:%S}Z · read-only"
        )
        yield Static(Text(printable(title)), id="json-title")
        note = Static(id="json-note")
        if self.dropped:
            members = ", ".join(self.dropped)
            note.update(
                Text(
                    printable(
                        f"AWS also sent members this botocore does not know (not shown): {members}"
                    )
                )
            )
        else:
            note.display = False
        yield note
        yield TextArea(
            self.document,
            id="json",
            read_only=True,
            soft_wrap=True,
            show_line_numbers=True,
            tab_behavior="focus",
        )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_copy_json(self) -> None:
        self._copy(self.document)
