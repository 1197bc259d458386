"""The app's base: an unexpected exception leaves a short report and a private traceback
(see ``crash.py``), never Textual's report with every frame's variables."""

from __future__ import annotations

from textual.app import App

from schedtui.ui.crash import crash_summary, write_crash_report


class CrashSafeApp(App[None]):
    """An App whose unexpected exceptions leave a short report (``crash_report``, printed by
    the command line once the terminal is back: a path Rich wrapped could not be copied) and
    a private traceback file, instead of Textual's report with every frame's variables."""

    crash_report: str | None = None

    def _handle_exception(self, error: Exception) -> None:
        self._crash = error  # for _fatal_error, which Textual calls without it
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        error = getattr(self, "_crash", None) or RuntimeError("unknown error")
        self.crash_report = crash_summary(error, write_crash_report(error))
        self.bell()
        self._close_messages_no_wait()
