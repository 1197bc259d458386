"""The `:` command line and the command palette: the same commands, one implementation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from textual.command import Hit, Hits, Provider
from textual.content import Content

from schedtui.core.text import printable
from schedtui.ui.screens.dialogs import HelpScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.session import host
from schedtui.ui.widgets.virtual_table import VirtualTable

COMMANDS: Final = {
    "groups": "Show schedule groups",
    "schedules": "Show schedules (optionally of one group: schedules GROUP)",
    "monitor": "Monitoring panel",
    "dlq": "Dead-letter queues",
    "help": "Keys for this screen",
    "q": "Quit",
}
ALIASES: Final = {
    "g": "groups",
    "gr": "groups",
    "s": "schedules",
    "sc": "schedules",
    "quit": "q",
    "m": "monitor",
    "mon": "monitor",
    "?": "help",
}


def run_command(app: Any, text: str | None) -> None:
    """Run one `:` command line (``app`` is the schedtui app)."""
    if not text:
        return
    word, _, argument = text.strip().lstrip(":").partition(" ")
    command = ALIASES.get(word.lower(), word.lower())
    if command == "q":
        app.exit()
    elif command == "groups":
        while len(app.screen_stack) > 2:
            app.pop_screen()
    elif command == "schedules":
        app.push_screen(SchedulesScreen(group=argument.strip() or None))
    elif command == "help":
        app.action_help()
    elif command in ("monitor", "dlq"):
        open_monitor(app, focus="dlqs" if command == "dlq" else "metrics")
    else:
        app.notify(f"Unknown command: {text}", severity="warning")


def open_monitor(app: Any, focus: str = "metrics") -> None:
    screen = app.screen
    if not isinstance(screen, MonitorScreen):
        screen = MonitorScreen()
        app.push_screen(screen)
    app.call_after_refresh(lambda: screen.query_one(f"#{focus}", VirtualTable).focus())


def help_screen(app: Any) -> HelpScreen:
    """The help of the current screen: its keys (from the registry) under its real title."""
    screen = app.screen
    names = getattr(screen, "KEYS", ())
    # The screen's own keys first, then what all lists share, then the table's.
    shared = [name for name in ("list", "table") if name in names or "list" in names]
    names = (*(name for name in names if name not in shared), *shared)
    title = getattr(screen, "HELP_TITLE", "") or "schedtui"
    return HelpScreen(title, tuple(names), read_only=host(app).session.read_only)


class CommandsProvider(Provider):
    """The same commands as the `:` command line, in the palette."""

    async def search(self, query: str) -> Hits:
        app = self.app
        matcher = self.matcher(query)
        groups = sorted(host(app).session.store.groups)
        choices: list[tuple[str, str]] = [
            *COMMANDS.items(),
            *((f"schedules {group}", "Show this group's schedules") for group in groups),
        ]
        for text, help_text in choices:
            score = matcher.match(text)
            if score > 0:
                run: Callable[[], None] = lambda text=text: run_command(app, text)  # noqa: E731
                shown = printable(text)  # a group name is AWS text
                # highlight() reads its candidate as markup: a name with "[" is shown plain.
                display = Content(shown) if "[" in shown else matcher.highlight(shown)
                yield Hit(score, display, run, text=shown, help=help_text)
