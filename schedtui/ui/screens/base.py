"""What every schedtui screen shares: typed access to the app and its state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from schedtui.ui.app import SchedtuiApp


class AppScreen(Screen[None]):
    @property
    def schedtui(self) -> SchedtuiApp:
        # Imported here: app.py imports the screens.
        from schedtui.ui.app import SchedtuiApp

        assert isinstance(self.app, SchedtuiApp)
        return self.app
