"""Start the TUI from parsed command-line arguments (real AWS or the embedded demo).

The AWS context comes from ``cli/context.py``; the TUI's own options here, each from the
first that says something: the flag, the config file, what was remembered (the theme last
chosen in the app), the built-in default.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from datetime import UTC, datetime

from schedtui.aws.backend import Backend
from schedtui.aws.session import named_profile
from schedtui.cli.cache import cache_notices, definitions_cache
from schedtui.cli.context import Context, ContextError, aws_context, read_only_why
from schedtui.cli.milestones import milestone, watch_collections, watch_listing
from schedtui.cli.parser import LIST_THEMES
from schedtui.core.config import read_only_reason, with_first_column
from schedtui.core.state import remember_context, remember_theme
from schedtui.core.text import printable
from schedtui.ui.app import AppOptions, SchedtuiApp
from schedtui.ui.themes import DEFAULT_THEME, drop_empty_no_color, load_themes

# Pins the app's clock (and the demo's) to an instant: for tests and screenshots that read
# the screen, so that what they see does not depend on the hour they run at.
CLOCK_VARIABLE = "SCHEDTUI_NOW"


def _pinned_now() -> datetime | None:
    text = os.environ.get(CLOCK_VARIABLE)
    if not text:
        return None
    value = datetime.fromisoformat(text)  # a ValueError names the bad value
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def print_themes() -> int:
    """``schedtui --theme``: the themes it can start with, the default marked; a theme file
    that cannot be used is named on stderr (as the app would warn)."""
    loaded = load_themes()
    for name in sorted(loaded.themes):
        shown = printable(name)  # a user theme's name is the file's text
        print(f"{shown}  (default)" if name == DEFAULT_THEME else shown)
    for problem in loaded.problems:
        print(f"schedtui: {printable(problem)}", file=sys.stderr)
    return 0


def run_tui(args: argparse.Namespace) -> int:
    if args.theme == LIST_THEMES:
        return print_themes()
    milestone("start", pid=os.getpid())
    watch_collections()
    drop_empty_no_color()  # no-color.org: an empty NO_COLOR means unset; Textual disagrees
    try:
        now = _pinned_now()
    except ValueError:
        print(f"schedtui: {CLOCK_VARIABLE} is not an ISO-8601 instant", file=sys.stderr)
        return 2
    try:
        with aws_context(args, remembered=True, wait=False, now=now) as context:
            return _run(args, context, now)
    except ContextError as problem:
        print(f"schedtui: {printable(str(problem))}", file=sys.stderr)
        return 2


_BUILT_IN = AppOptions()


def _first(*values: float | None) -> float:
    return next(value for value in values if value is not None)


def app_options(
    args: argparse.Namespace,
    context: Context,
    now: datetime | None = None,
    notices: tuple[str, ...] = (),
) -> AppOptions:
    """The TUI's options: a flag, else the config file, else what was remembered, else the
    built-in default (``notices``: more lines to show at start)."""
    config = context.config.config
    reason = context.read_only_reason
    said = (
        *context.notices,
        *([f"Read-only: {reason} (--read-write allows changes)"] if reason else []),
        *cache_notices(args),
    )
    return AppOptions(
        refresh_seconds=_first(args.refresh, config.refresh, _BUILT_IN.refresh_seconds),
        monitor_refresh_seconds=_first(
            args.monitor_refresh, config.monitor_refresh, _BUILT_IN.monitor_refresh_seconds
        ),
        group=args.group,
        schedule=args.schedule,
        theme=args.theme or config.theme,
        remembered_theme=context.remembered.theme,
        remember_theme=remember_theme,
        schedule_columns=with_first_column(config.columns.schedules),
        group_columns=with_first_column(config.columns.groups),
        aliases=dict(config.aliases),
        demo=args.demo,
        read_only_for=lambda profile: read_only_reason(context.config, profile),
        remember_context=remember_context,
        clock=None if now is None else lambda: now,
        notices=(*said, *notices),
    )


def remember_start(context: Context) -> str | None:
    """Remember the context the TUI starts with (the profile as named: None for the default
    one), for the next start; the problem line if it could not be. The demo's context is
    nobody's to remember."""
    if context.demo is not None:
        return None
    settings = context.settings
    return remember_context(named_profile(settings) or None, settings.region)


def _run(args: argparse.Namespace, context: Context, now: datetime | None) -> int:
    demo = context.demo
    if demo is not None:
        milestone("demo-started", pid=demo.pid)
    definitions = definitions_cache(args)
    backend = Backend.connect(
        context.settings, audit_path=context.audit_path, definitions=definitions
    )
    backend.mutations.read_only_reason = read_only_why(context)
    try:  # private now, not at the first write; the app says what was narrowed
        notices = tuple(backend.mutations.audit.secure())
    except OSError as error:
        notices = (f"the audit log cannot be made private: {error}",)
    notices += tuple(definitions.notices) if definitions is not None else ()
    unremembered = remember_start(context)
    notices += (unremembered,) if unremembered else ()
    watch_listing(backend)
    app = SchedtuiApp(backend, app_options(args, context, now, notices))
    if definitions is not None:  # a failure later in the run (app.notify is thread-safe)
        definitions.on_problem = lambda line: app.notify(
            line, title="Definitions cache", severity="warning", timeout=15
        )
    _tune_garbage_collection()
    app.run()
    if app.crash_report:
        print(app.crash_report, file=sys.stderr)
    if demo is not None and (failure := demo.failure()):
        # Said after the TUI has left the screen; meanwhile the app showed the endpoint
        # as unreachable.
        print(f"schedtui: the demo server stopped: {failure}", file=sys.stderr)
        return 1
    return app.return_code or 0


def _tune_garbage_collection() -> None:
    """Fewer and shorter full garbage collections: each one stops every thread, and with
    100,000 schedules listed it takes 0.3-0.5 s (measured: 29 of them while definitions load).

    - What the imports made (~50,000 objects) lives as long as the process: frozen, it is
      left out of every collection (~35 ms less each).
    - A young generation of 10,000 objects instead of 700: a fetched definition is garbage
      within a second, but at 700 it outlived two young collections, was promoted to the old
      generation and brought the next full collection closer. Measured on 20,000 definitions:
      5 full collections become 1; a young one takes up to ~40 ms instead of ~20.
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
