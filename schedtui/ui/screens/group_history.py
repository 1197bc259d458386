"""A group's history: who changed which of its schedules (and the group), newest first, in
the same view as a schedule's (ui/widgets/history_view.py). Opened by H on the groups list."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from schedtui.core.activity.history import History
from schedtui.core.text import printable
from schedtui.ui.heartbeat import Beat
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.widgets.history_view import HistoryView, fault_message, fetched_at
from schedtui.ui.widgets.key_footer import KeyFooter


class GroupHistoryScreen(AppScreen):
    DEFAULT_CSS = """
    GroupHistoryScreen VerticalScroll { padding: 0 1; }
    GroupHistoryScreen #title { text-style: bold; margin-top: 1; color: $accent; }
    """
    KEYS = ("group_history",)
    HELP_TITLE = "Group history"

    def __init__(self, group: str) -> None:
        super().__init__()
        self.group = group
        self.history: History | None = None
        # Not ``loading``: that is Textual's own, and True covers the screen with a spinner.
        self.fetching = False
        self._fetched: datetime | None = None
        self._asked = 0
        # Never due on its own: r runs it (LookupEvents allows 2 requests a second).
        self._beat = Beat(0, self.reload)

    def beats(self) -> list[Beat]:
        return [self._beat]

    def compose(self) -> ComposeResult:
        yield self.header()
        with VerticalScroll():
            yield Static(id="title")
            yield HistoryView()
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._asked += 1
        self.fetching = True
        self._show()
        self._fetch(self._asked)

    @work(thread=True, group="group-history")
    def _fetch(self, asked: int) -> None:
        session = self.session
        try:
            history = session.backend.history.group_history(self.group, now=session.now())
        except Exception as error:  # any fault is the view's line: the app keeps working
            history = History(fault=fault_message(error))
        self.from_worker(self._arrived, asked, history)

    def _arrived(self, asked: int, history: History) -> None:
        if asked == self._asked:
            self.history, self.fetching = history, False
            self._fetched = self.session.now()
            self._show()

    def _show(self) -> None:
        zone = self.session.options.zone
        title = Text("History, 90 days · group " + printable(self.group))
        if self._fetched and not self.fetching:
            title.append(fetched_at(self._fetched, zone), "dim")
        title.no_wrap, title.overflow = True, "ellipsis"
        self.query_one("#title", Static).update(title)
        self.query_one(HistoryView).show(self.history, zone, with_name=True, loading=self.fetching)
