"""The one mechanism that keeps every view live: beats, run by the app's heartbeat.

Anything that must happen every so often (the account refresh, the detail's re-read, the
monitor's metrics, the clock that re-renders relative times) is a ``Beat``: a period, what
to run, and whether it is still in flight. The app ticks once a second and runs the beats
that are due, its own and the current screen's (``LiveScreen.beats``), unless the operator
is in a form, a dialog or the filter: then nothing is pulled from under them, and the
overdue beats run on the first tick after it closes. A beat never overlaps itself: while
``busy`` says its previous run is still in flight, it waits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from time import monotonic
from typing import Any, Protocol, runtime_checkable

from textual.screen import ModalScreen

HEARTBEAT_SECONDS = 1.0


def _idle() -> bool:
    return False


@dataclass
class Beat:
    """Run ``run`` every ``seconds`` (0 or less: never on its own)."""

    seconds: float
    run: Callable[[], None]
    busy: Callable[[], bool] = _idle
    last: float = field(default_factory=monotonic)

    def due(self, now: float) -> bool:
        return self.seconds > 0 and now - self.last >= self.seconds and not self.busy()

    def ran(self, now: float | None = None) -> None:
        """Count a run started some other way (a key, a change) as this beat's run."""
        self.last = monotonic() if now is None else now

    def tick(self, now: float) -> None:
        if self.due(now):
            self.ran(now)
            self.run()


@runtime_checkable
class LiveScreen(Protocol):
    """A screen that shows AWS state of its own (beyond the account's lists)."""

    def beats(self) -> list[Beat]: ...


@runtime_checkable
class Pausing(Protocol):
    """A screen where the operator can be busy (a form, a filter being typed)."""

    def pauses_refresh(self) -> bool: ...


class Heartbeat:
    """Ticks once a second: runs the app's beats and the current screen's that are due."""

    def __init__(self, app: Any, beats: list[Beat]) -> None:
        self.app = app
        self.beats = beats

    def start(self) -> None:
        self.app.set_interval(HEARTBEAT_SECONDS, self.tick, name="heartbeat")

    def paused(self) -> bool:
        """A form or a dialog is open anywhere in the stack, or the filter is being typed
        in: nothing is pulled from under the operator (what falls due runs right after)."""
        return any(
            isinstance(screen, ModalScreen)
            or (isinstance(screen, Pausing) and screen.pauses_refresh())
            for screen in self.app.screen_stack
        )

    def tick(self) -> None:
        if not self.app.screen_stack or self.paused():
            return
        beats = list(self.beats)
        if isinstance(self.app.screen, LiveScreen):
            beats += self.app.screen.beats()
        now = monotonic()
        for beat in beats:
            beat.tick(now)
