"""What every schedtui screen shares: the host and session, the read-only rule for keys, the
help, going back, and the hooks the heartbeat calls (see ui/heartbeat.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from textual.screen import Screen

from schedtui.ui.keys import MUTATING_ACTIONS, VIEWER_ACTIONS, bindings
from schedtui.ui.session import Host, Session, host
from schedtui.ui.widgets.status_header import StatusHeader


def allowed(action: str, read_only: bool) -> bool:
    """Read-only leaves out every action that would change something (not in the footer,
    inert); its viewer stand-ins (``e`` opens the forms as viewers) show only then."""
    if action in MUTATING_ACTIONS:
        return not read_only
    if action in VIEWER_ACTIONS:
        return read_only
    return True


class AppScreen(Screen[None]):
    # The screen's name in the key registry (ui/keys.py) and its title in the help.
    KEYS: ClassVar[tuple[str, ...]] = ()
    HELP_TITLE: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: object) -> None:
        # Before Textual's own __init_subclass__, which merges BINDINGS into the class.
        if "KEYS" in cls.__dict__:
            cls.BINDINGS = [binding for name in cls.KEYS for binding in bindings(name)]
        super().__init_subclass__(**kwargs)

    @property
    def host(self) -> Host:
        return host(self.app)

    @property
    def session(self) -> Session:
        """The session this screen was opened in, kept: after a switch of profile or region
        (ui/context_switch.py), what a worker of this screen still brings in goes into the
        old context's store, which nothing shows, never into the new one's."""
        pinned: Session | None = getattr(self, "_pinned_session", None)
        if pinned is None:
            pinned = self._pinned_session = self.host.session
        return pinned

    def from_worker(self, callback: Callable[..., object], *args: object) -> None:
        """From a worker thread: ``callback(*args)`` on the UI thread, if this screen is still
        up. The operator may leave while AWS answers; the answer then has no widgets to go
        to (a query for them raised NoMatches and ended the app)."""
        self.app.call_from_thread(self._if_attached, callback, *args)

    @property
    def is_up(self) -> bool:
        """On the app's screen stack (shown, or under a dialog). Not merely attached: a
        screen popped or replaced stays attached while Textual removes its widgets, and a
        query in that window raised NoMatches and ended the app."""
        return self.is_attached and self in self.app.screen_stack

    def _if_attached(self, callback: Callable[..., object], *args: object) -> None:
        if self.is_up:
            callback(*args)

    def header(self) -> StatusHeader:
        session = self.session
        return StatusHeader(session.header, session.header_state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return allowed(action, self.session.read_only)

    def back(self) -> None:
        """Back to the screen below; never out of the app (only q and ctrl+q quit)."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

    def action_back(self) -> None:
        self.back()

    def leave(self) -> None:
        """What q does here (a form asks before dropping edits)."""
        self.back()

    def pauses_refresh(self) -> bool:
        """True while the operator is busy here (a form, the filter): no refresh then."""
        return False

    def clock_moved(self, now: datetime) -> None:
        """The clock beat: re-show whatever on this screen depends on the time."""
