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
from typing import Protocol, runtime_checkable

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
