"""The Textual app: it owns the screens and the session, and nothing else.

The account's data comes from ``sync.py`` (a worker posting messages), every live view is
kept fresh by the heartbeat (``heartbeat.py``), what a key does lives with its screen and
flow, and every key is declared in ``keys.py``. See ARCHITECTURE.md.
"""

from __future__ import annotations

from textual import events, on
from textual.app import App, SystemCommand
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input

from schedtui.aws.backend import Backend
from schedtui.core.text import printable
from schedtui.ui.commands import (
    CommandsProvider,
    command_completions,
    help_screen,
    open_monitor,
    run_command,
)
from schedtui.ui.context_switch import ContextSwitch
from schedtui.ui.heartbeat import Heartbeat, LiveScreen
from schedtui.ui.keys import READ_ONLY_REFUSAL, bindings
from schedtui.ui.safe_app import CrashSafeApp
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.dialogs import CommandPrompt
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.session import AppOptions, AuditUnwritten, Session, show_state
from schedtui.ui.sync import AccountSync, SyncMessage
from schedtui.ui.themes import OwnThemesProvider, install_themes

# While the operator is in a form (or typing a filter), these would leave it behind or pull
# data under it.
_NOT_IN_FORMS = frozenset({"command_line", "monitor", "refresh"})


class SchedtuiApp(CrashSafeApp):
    TITLE = "schedtui"
    COMMANDS = App.COMMANDS | {CommandsProvider}
    BINDINGS = [*bindings("app"), READ_ONLY_REFUSAL]
    # Once the start-up theme is set, a theme set is the operator's choice (class-level: the
    # theme's watcher may run while App.__init__ sets the default).
    _themes_installed = False
    _remember_failed = False

    def __init__(self, backend: Backend, options: AppOptions | None = None) -> None:
        super().__init__()
        self.session = Session(backend, options or AppOptions())
        self.sync = AccountSync(self, self.session)
        self.heartbeat = Heartbeat(self, [self.sync.refresh_beat, self.sync.clock_beat])
        self.contexts = ContextSwitch(self)  # :profile and :region
        self.own_themes: list[str] = []

    def on_mount(self) -> None:
        options = self.session.options
        self.own_themes = install_themes(self, options.theme, options.remembered_theme)
        self._themes_installed = True
        self.push_screen(GroupsScreen())
        if self.session.options.group:
            self.push_screen(SchedulesScreen(group=self.session.options.group))
        self._watch_audit()
        for notice in self.session.options.notices:
            self.notify(notice, severity="warning", timeout=10)
        show_state(self, "connecting…", "dim")
        self.sync.refresh()
        self.heartbeat.start()

    def _watch_audit(self) -> None:
        audit = self.session.backend.mutations.audit
        audit.on_unwritten = lambda text: self.post_message(AuditUnwritten(text))

    def use_session(self, session: Session) -> None:
        """Another profile or region (ui/context_switch.py): ``session`` is the app's from
        now on, and the sync lists it at once."""
        self.session = session
        self._watch_audit()
        self.sync.switch(session)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the app (the palette) is the one the next start uses."""
        remember = self.session.options.remember_theme
        if not self._themes_installed or remember is None:
            return
        problem = remember(theme)
        if problem and not self._remember_failed:  # said once: the app carries on
            self._remember_failed = True
            self.notify(problem, title="Theme", severity="warning")

    @on(AuditUnwritten)
    def _audit_unwritten(self, message: AuditUnwritten) -> None:
        self.session.error_log.append(message.text)
        self.notify(message.text, title="Audit log", severity="error", timeout=30)

    @on(SyncMessage)
    def _synced(self, message: SyncMessage) -> None:
        self.sync.apply(message)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste) and not event.is_forwarded:
            # Pasted text (from a log, a web page) reaches inputs printable: an escape or a
            # bidi override shows as its stand-in, which a form then refuses to save.
            event.text = printable(event.text, keep_newlines=True, keep_tabs=True)
        await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        """A printable key that reached the app unused, from a burst (a paste, a fast
        typist) right after '/' or ':': the app sent it to the widget that had the focus
        when it arrived (the table), before the key that moves the focus had run. It
        belongs to the field now focused, or to the command prompt (which keeps it until
        it is composed). A key typed into a field never gets here: the field takes it."""
        if not (event.is_printable and event.character):
            return
        if isinstance(self.screen, CommandPrompt):
            if self.screen.take(event):
                event.stop()
        elif isinstance(self.focused, Input):
            self.focused.insert_text_at_cursor(event.character)
            event.stop()

    # -- what screens and flows ask of the app (ui/session.py: Host) ----------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, whatever built it, reaches the terminal printable and without
        markup: messages quote AWS text (names, errors) that could hold either."""
        text, heading = printable(message), printable(title)
        super().notify(text, title=heading, severity=severity, timeout=timeout, markup=False)

    def show_error(self, error: Exception) -> None:
        message = printable(str(error))
        self.notify(message, title="AWS", severity="error", timeout=8)
        self.session.store.last_error = message
        self.session.error_log.append(message)
        show_state(self, f"error: {message}", "bold red")

    def changed(self) -> None:
        """A write went out: list again now (superseding a refresh in flight), and re-read
        what the screens below show."""
        self.sync.refresh(supersede=True)
        self._reread_screen()  # the screens below re-read when they are shown again

    def _reread_screen(self) -> None:
        if isinstance(self.screen, LiveScreen):
            for beat in self.screen.beats():
                beat.ran()
                beat.run()

    def refused_read_only(self, what: str) -> bool:
        if not self.session.read_only:
            return False
        # The start's reason (the flag or the config's rule); after a switch, none is claimed.
        why = self.session.backend.mutations.read_only_reason
        said = f" ({why})" if why else ""
        message = f"{what}: refused, schedtui is read-only{said}; nothing was sent"
        self.session.error_log.append(message)
        self.notify(message, title="Read-only", severity="warning")
        return True

    # -- keys -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "read_only_key":
            return self.session.read_only
        screen = self.screen
        busy = isinstance(screen, AppScreen) and screen.pauses_refresh()
        return not (action in _NOT_IN_FORMS and busy)

    def action_read_only_key(self) -> None:
        self.refused_read_only("That key")

    def action_back(self) -> None:
        screen = self.screen
        if isinstance(screen, AppScreen) and len(self.screen_stack) > 2:
            screen.leave()
        elif len(self.screen_stack) <= 2:
            self.exit()

    def action_help(self) -> None:
        self.push_screen(help_screen(self))

    def action_command_line(self) -> None:
        prompt = CommandPrompt(command_completions(self))
        self.push_screen(prompt, lambda text: run_command(self, text))

    def action_monitor(self) -> None:
        open_monitor(self)

    def action_refresh(self) -> None:
        self.sync.refresh()
        self._reread_screen()

    def get_system_commands(self, screen: Screen[object]):  # type: ignore[no-untyped-def]
        for command in super().get_system_commands(screen):
            if command.title != "Theme":  # ours lists schedtui's themes first (themes.py)
                yield command
        yield SystemCommand("Theme", "Change the theme (schedtui's themes)", self._pick_theme)
        yield SystemCommand("Refresh", "Refresh now (r)", self.action_refresh)

    def _pick_theme(self) -> None:
        self.push_screen(
            CommandPalette(providers=[OwnThemesProvider], placeholder="Search for themes…")
        )


__all__ = ["AppOptions", "SchedtuiApp"]
