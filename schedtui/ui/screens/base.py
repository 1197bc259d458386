"""What every schedtui screen shares: typed access to the app, the read-only rule for keys,
and the hooks the heartbeat calls (see ui/heartbeat.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual.screen import Screen

from schedtui.ui.keys import MUTATING_ACTIONS, VIEWER_ACTIONS

if TYPE_CHECKING:
    from schedtui.ui.app import SchedtuiApp


class AppScreen(Screen[None]):
    @property
    def schedtui(self) -> SchedtuiApp:
        # Imported here: app.py imports the screens.
        from schedtui.ui.app import SchedtuiApp

        assert isinstance(self.app, SchedtuiApp)
        return self.app

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only hides every key that would change something: not in the footer, and
        inert here (the app says why when one is pressed). ``e`` becomes "View" then."""
        read_only = self.schedtui.backend.settings.read_only
        if action in MUTATING_ACTIONS:
            return not read_only
        if action in VIEWER_ACTIONS:
            return read_only
        return True

    def pauses_refresh(self) -> bool:
        """True while the operator is busy here (a form, the filter): no refresh then."""
        return False

    def clock_moved(self, now: datetime) -> None:
        """The clock beat: re-show whatever on this screen depends on the time."""
