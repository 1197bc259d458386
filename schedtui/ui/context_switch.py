"""Switching profile or region in the app (`:profile`, `:region` and their palette entries,
parsed in ``commands.py``).

The new context is checked off the UI thread first (``aws/contexts.py``: the preflight
checks, then GetCallerIdentity and ListScheduleGroups with its credentials). A failure is one
notification naming the context and the reason; the context in use goes on untouched. A
success becomes a new ``Session`` (a new backend writing to the same audit log, an empty
store, empty caches and failure figures) that the app hands to the sync, and the screens are
rebuilt from the groups list up with the same kind of view on top: `esc` never leads back
into the old context. Each screen keeps the session it was opened in (``screens/base.py``)
and the sync's workers theirs, so nothing still in flight for the old context can reach the
new one's store or screens.

Read-only is a latch: a read-only session makes the next one read-only too, and
``AppOptions.read_only_for`` can make a profile read-only on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final

from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen

from schedtui.aws.contexts import (
    ContextFailed,
    OpenedContext,
    next_settings,
    open_context,
    profile_names,
    scheduler_regions,
)
from schedtui.aws.definitions_db import DefinitionsDb
from schedtui.aws.session import AwsSettings, effective_profile
from schedtui.core.text import printable
from schedtui.ui.screens.dialogs import CommandPrompt
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.schedule_form import ScheduleFormScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.session import Session

KINDS: Final = ("profile", "region")
# The app's own background workers; any other app worker is a flow on its way to a write
# (or to a screen of its own), which must finish in the context it started in.
_BACKGROUND: Final = frozenset({"refresh", "clock", "context"})

_RETRY_SECONDS = 0.2  # how often a checked switch looks whether the command line has closed
View = Callable[[], Screen[Any]] | None  # what goes on top of the new groups list


@dataclass
class ContextSwitch:
    app: Any  # the schedtui app (ui/app.py): its session, screens and workers
    attempt: int = 0  # the latest switch asked for; an older one's answer is dropped
    rule: str | None = None  # why the latest switch asked for is read-only by the config

    # -- what can be switched to -------------------------------------------------------------

    def names(self, kind: str) -> list[str]:
        """The profiles of the AWS config files, or the regions where Scheduler exists (in
        the current region's partition). Raises ContextFailed (an unreadable config)."""
        if kind == "profile":
            return [] if self.app.session.options.demo else profile_names()
        return scheduler_regions(self.app.session.backend.settings.region)

    def current(self, kind: str) -> str | None:
        session: Session = self.app.session
        if kind == "profile":
            return None if session.options.demo else effective_profile(session.backend.settings)
        return session.backend.settings.region

    # -- switching ------------------------------------------------------------------------------

    def start(self, kind: str, name: str) -> None:
        """Check the context ``kind`` ``name`` names, then switch to it (``name`` is one of
        ``names(kind)``)."""
        app = self.app
        label = f"{kind} {name}"
        if name == self.current(kind):
            app.notify(f"Already on {label} (r refreshes it)")
            return
        if reason := self.blocked():
            app.notify(f"Not switched to {label}: {reason}", severity="warning")
            return
        session: Session = app.session
        settings = session.backend.settings
        profile = name if kind == "profile" else None
        region = name if kind == "region" else None
        # The latch; then the rule for the profile switched to (the demo's belongs to none).
        # A --read-write given at start was for the start's context: a switch into a profile
        # the config makes read-only is read-only.
        rule = None
        if not session.read_only and not session.options.demo:
            rule = session.options.read_only_for(profile or effective_profile(settings))
        read_only = session.read_only or rule is not None
        wanted = next_settings(settings, profile=profile, region=region, read_only=read_only)
        self.attempt += 1
        self.rule = rule
        attempt, audit = self.attempt, session.backend.mutations.audit.path
        definitions = session.backend.details.persistent  # the run's cache file goes along
        app.notify(f"Opening {label}…", timeout=3)
        app.run_worker(
            lambda: self._check(attempt, label, wanted, audit, definitions),
            thread=True,
            exclusive=True,
            group="context",
            name="context",
        )

    def blocked(self) -> str | None:
        """Why a switch must wait now, if it must: what is open or in flight belongs to the
        context in use."""
        app = self.app
        for worker in app.workers:
            if worker.node is app and worker.group not in _BACKGROUND and not worker.is_finished:
                return "a change (or the read before one) is in flight; try again once it is done"
        for screen in app.screen_stack:
            if isinstance(screen, ScheduleFormScreen) and screen.dirty:
                return "the form has changes; save or cancel it first"
            if isinstance(screen, ModalScreen) and not isinstance(
                screen, CommandPalette | CommandPrompt
            ):
                return "a dialog is open; close it first"
        return None

    def _check(
        self,
        attempt: int,
        label: str,
        settings: AwsSettings,
        audit: Path,
        definitions: DefinitionsDb | None,
    ) -> None:
        """In a worker thread: open the context, then hand it to the UI thread."""
        try:
            opened = open_context(settings, audit_path=audit, definitions=definitions)
        except ContextFailed as problem:
            self.app.call_from_thread(self._failed, attempt, label, str(problem))
            return
        self.app.call_from_thread(self._adopt, attempt, label, opened)

    def _failed(self, attempt: int, label: str, reason: str) -> None:
        if attempt != self.attempt:
            return  # another switch was asked for meanwhile
        session: Session = self.app.session
        message = printable(f"{label} not opened: {reason}")
        session.error_log.append(message)
        self.app.notify(
            f"{message} · still on {_where(session)}",
            title="Switch",
            severity="error",
            timeout=15,
        )

    def _adopt(self, attempt: int, label: str, opened: OpenedContext) -> None:
        if attempt != self.attempt:
            return
        if reason := self.blocked():  # opened while the check ran
            self.app.notify(f"Not switched to {label}: {reason}", severity="warning")
            return
        if any(isinstance(s, CommandPalette | CommandPrompt) for s in self.app.screen_stack):
            # The operator is typing a command: taking the line away would send the keys
            # that follow to the list below (`t`, `y`: a toggle, confirmed). The switch lands
            # once the line is closed, unless another one was asked for meanwhile.
            self.app.set_timer(_RETRY_SECONDS, partial(self._adopt, attempt, label, opened))
            return
        app = self.app
        old: Session = app.session
        view, note = _view(app.screen_stack, opened)
        session = Session(opened.backend, old.options, error_log=old.error_log)
        session.identified(opened.identity, opened.region, opened.endpoint)
        app.use_session(session)
        # Back to the bottom, a new groups list in place of the old one, the view on top.
        while len(app.screen_stack) > 2:
            app.pop_screen()
        app.switch_screen(GroupsScreen())
        if view is not None:
            app.push_screen(view())
        said = [f"Now on {_where(session)}", *([note] if note else [])]
        if self.rule:
            said.append(f"read-only: {self.rule}")
        app.notify(printable("; ".join(said)))
        remember = old.options.remember_context
        if remember is not None and not old.options.demo:
            settings = opened.backend.settings
            if problem := remember(settings.profile, settings.region):
                app.notify(printable(problem), severity="warning")


def _where(session: Session) -> str:
    header = session.header
    profile = f"profile {header.profile}, " if header.profile else ""
    return f"{profile}account {header.account}, {header.region}"


def _view(stack: list[Screen[Any]], opened: OpenedContext) -> tuple[View, str]:
    """The kind of view the operator was in (the list under a detail or a form, the monitor
    under what it opened), to be made anew for the new context; and what changed of it."""
    for screen in reversed(stack):
        if isinstance(screen, GroupsScreen):
            return None, ""
        if isinstance(screen, SchedulesScreen):
            group, note = screen.group, ""
            if group is not None and group not in {found.name for found in opened.groups}:
                note, group = f"no group {group} there: all groups shown", None
            table = screen.table if screen.table_ready else None
            sort = (table.sort_column, table.sort_reverse) if table and table.sort_column else None
            return partial(SchedulesScreen, group, screen.filter_text, sort), note
        if isinstance(screen, MonitorScreen):
            return partial(_monitor, screen.window), ""
    return None, ""


def _monitor(window: str) -> MonitorScreen:
    screen = MonitorScreen()
    screen.window = window  # the window the operator chose stays
    return screen
