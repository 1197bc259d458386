"""The `:` command line and the command palette: the same commands, one implementation.

A command replaces the current view instead of stacking on it: the stack goes back to the
groups list, then the command's view goes on top, so `esc` is always one logical step back
(to the groups). A name that matches nothing says so, with the closest names. The
operator's aliases (the config file's ``[aliases]``) expand into command lines first
(``core/commands.py``). `:profile` and `:region` switch the AWS context
(``context_switch.py``); alone, they open a picker.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from difflib import get_close_matches
from functools import cache
from typing import Any, ClassVar, Final

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen
from textual.style import Style

from schedtui.aws.contexts import ContextFailed
from schedtui.core.commands import ALIASES, COMMANDS, expand
from schedtui.core.text import printable
from schedtui.ui.screens.cleanup import CleanupScreen
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import HelpScreen
from schedtui.ui.screens.doctor import DoctorScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.screens.timeline import TimelineScreen
from schedtui.ui.session import host
from schedtui.ui.widgets.virtual_table import VirtualTable

# The commands that switch the AWS context, and what they switch to (context_switch.py).
SWITCHES: Final = ("profile", "region")
_TAKES_NAME: Final = frozenset({"schedules", "doctor", *SWITCHES})
_MAX_COMPLETIONS: Final = 50
_MAX_PALETTE_SCHEDULES: Final = 30


def run_command(app: Any, text: str | None) -> None:
    """Run one `:` command line (``app`` is the schedtui app)."""
    if not text or not text.strip():
        return
    line = expand(text.strip().lstrip(":"), host(app).session.options.aliases)
    word, _, argument = line.partition(" ")
    command = ALIASES.get(word.lower(), word.lower())
    argument = argument.strip()
    if command == "q":
        app.exit()
    elif command == "groups":
        _home(app)
    elif command == "schedules":
        _open_schedules(app, argument)
    elif command == "failing":
        _home(app)
        # Worst first: by the group's failures, descending.
        app.push_screen(SchedulesScreen(filter_text="is:failing", sort=("failures", True)))
    elif command == "help":
        app.action_help()
    elif command in ("monitor", "dlq"):
        _home(app)
        open_monitor(app, focus="dlqs" if command == "dlq" else "metrics")
    elif command == "doctor":
        _open_doctor(app, argument)
    elif command == "cleanup":
        _open_cleanup(app, argument)
    elif command == "timeline":
        _home(app)
        app.push_screen(TimelineScreen())
    elif command in SWITCHES:
        _switch(app, command, argument)
    else:
        near = get_close_matches(command, list(COMMANDS), n=1, cutoff=0.6)
        hint = f" (did you mean {near[0]}?)" if near else ""
        aliases = host(app).session.options.aliases
        mine = f"; your aliases: {', '.join(sorted(aliases))}" if aliases else ""
        app.notify(
            f"Unknown command “{word}”{hint}. Commands: " + ", ".join(COMMANDS) + mine,
            severity="warning",
        )


def _home(app: Any) -> None:
    """Back to the groups list, the bottom of every path (a command replaces the view)."""
    while len(app.screen_stack) > 2:
        app.pop_screen()


def _open_schedules(app: Any, argument: str, view: str = "overview") -> None:
    store = host(app).session.store
    group_text, slash, name = argument.partition("/")
    if not group_text:
        _home(app)
        app.push_screen(SchedulesScreen())
        return
    group = _resolve(group_text, store.groups)
    if group is None:
        _no_such(app, "group", group_text, store.groups)
        return
    if not slash or not name:
        _home(app)
        app.push_screen(SchedulesScreen(group=group))
        return
    summary = store.find(group, name)
    if summary is None:
        _no_such(app, f"schedule in {group}", name, store.names_in(group))
        return
    _home(app)
    app.push_screen(SchedulesScreen(group=group))
    app.push_screen(DetailScreen(summary, view=view))


def _open_doctor(app: Any, argument: str) -> None:
    """`:doctor` (every listed schedule), `:doctor GROUP`, `:doctor GROUP/NAME` (the
    schedule's detail on its doctor panel)."""
    if "/" in argument:
        _open_schedules(app, argument, view="doctor")
        return
    store = host(app).session.store
    group = None
    if argument:
        group = _resolve(argument, store.groups)
        if group is None:
            _no_such(app, "group", argument, store.groups)
            return
    _home(app)
    app.push_screen(DoctorScreen(group))


def _open_cleanup(app: Any, argument: str) -> None:
    groups = host(app).session.store.groups
    group = _resolve(argument, groups) if argument else None
    if argument and group is None:
        _no_such(app, "group", argument, groups)
        return
    _home(app)
    app.push_screen(CleanupScreen(group))


def _switch(app: Any, kind: str, name: str) -> None:
    """`:profile [NAME]` / `:region [NAME]`: switch to NAME (exactly: a prefix must not pick
    an account), or pick from the list."""
    try:
        names = app.contexts.names(kind)
    except ContextFailed as problem:
        app.notify(str(problem), severity="error")
        return
    if not names:
        where = os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
        demo = host(app).session.options.demo
        app.notify(
            "The demo has no AWS profiles; :region switches its region"
            if demo
            else f"No {kind}s to switch to: none in {where} or the credentials file",
            severity="warning",
        )
    elif not name:
        placeholder = f"Switch to {kind}… (current: {app.contexts.current(kind) or 'none'})"
        app.push_screen(CommandPalette(providers=[_PICKERS[kind]], placeholder=placeholder))
    elif name in names:
        app.contexts.start(kind, name)
    else:
        _no_such(app, kind, name, names)


def _resolve(text: str, names: Iterable[str]) -> str | None:
    """A name typed: exact, else the one name it is a case-insensitive prefix of."""
    names = list(names)
    if text in names:
        return text
    prefixed = [name for name in names if name.lower().startswith(text.lower())]
    return prefixed[0] if len(prefixed) == 1 else None


def _no_such(app: Any, what: str, text: str, names: Iterable[str]) -> None:
    names = list(names)
    near = [n for n in names if n.lower().startswith(text.lower())][:3] or get_close_matches(
        text, names, n=3, cutoff=0.5
    )
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    app.notify(f"No {what} “{text}”.{hint}", severity="warning")


def completions(
    text: str,
    groups: Iterable[str],
    names_in: Callable[[str], Iterable[str]],
    aliases: Iterable[str] = (),
    choices: Mapping[str, Callable[[], list[str]]] | None = None,
) -> list[str]:
    """Whole command lines that ``text`` (what is typed after `:`) can complete to: command
    words (and the operator's ``aliases``) first, then group names after `schedules `, then
    schedule names after `schedules GROUP/`, and after `profile ` or `region ` the names
    ``choices`` gives for them (asked only then). Prefix matches, case-insensitive, in order,
    never what is already typed in full; at most 50."""
    word, space, argument = text.lstrip(":").partition(" ")
    if not space:
        typed = word.lower()
        words = [*COMMANDS, *sorted(aliases)]
        found = [w for w in words if w.lower().startswith(typed) and w.lower() != typed]
        # The aliases only when no command word starts so (they would crowd the list).
        found = found or [a for a in ALIASES if len(a) > 1 and a.startswith(typed) and a != typed]
        # A word that takes a name comes with its space: the name is typed next.
        return [f"{w} " if ALIASES.get(w, w) in _TAKES_NAME else w for w in found]
    command = ALIASES.get(word.lower(), word.lower())
    if command not in _TAKES_NAME:
        return []
    if command in SWITCHES:
        names = (choices or {}).get(command, list)()
        typed = argument.lower()
        found = [n for n in names if n.lower().startswith(typed) and n != argument]
        return [f"{word} {n}" for n in found if printable(n) == n][:_MAX_COMPLETIONS]
    group_text, slash, name = argument.partition("/")
    # Only names that can be typed back: one holding a control character or a bidi override
    # would put it in the input, raw, on the terminal (open such a one from the list).
    groups = [group for group in groups if printable(group) == group]
    if not slash:
        typed = group_text.lower()
        found = [g for g in sorted(groups) if g.lower().startswith(typed) and g != group_text]
        return [f"{word} {group}" for group in found][:_MAX_COMPLETIONS]
    group = _resolve(group_text, groups)
    if group is None:
        return []
    found = sorted(
        n
        for n in names_in(group)
        if n.lower().startswith(name.lower()) and n != name and printable(n) == n
    )
    return [f"{word} {group}/{n}" for n in found][:_MAX_COMPLETIONS]


def command_completions(app: Any) -> Callable[[str], list[str]]:
    """The completion function of the `:` prompt, over the store as it is now."""
    session = host(app).session
    store, aliases = session.store, session.options.aliases
    choices = _choices(app)
    return lambda text: completions(text, store.groups, store.names_in, aliases, choices)


def _choices(app: Any) -> dict[str, Callable[[], list[str]]]:
    """The names `:profile` and `:region` take, read once per prompt or palette, when first
    asked (an unreadable AWS config: none, and the command itself says why)."""

    def names(kind: str) -> Callable[[], list[str]]:
        @cache
        def read() -> list[str]:
            try:
                found: list[str] = app.contexts.names(kind)
            except ContextFailed:
                return []
            return found

        return read

    return {kind: names(kind) for kind in SWITCHES}


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
    shared += ["marks"] if getattr(screen, "MARKABLE", False) else []
    names = (*(name for name in names if name not in shared), *shared)
    title = getattr(screen, "HELP_TITLE", "") or "schedtui"
    return HelpScreen(title, tuple(names), read_only=host(app).session.read_only)


def _shown(matcher: Any, text: str) -> Content:
    shown = printable(text)  # a group or schedule name is AWS text
    # highlight() reads its candidate as markup: a name with "[" is shown plain.
    return Content(shown) if "[" in shown else matcher.highlight(shown)


class CommandsProvider(Provider):
    """The `:` commands in the palette, every group and schedule by name (fuzzy), and every
    profile and region to switch to."""

    def __init__(self, screen: Screen[Any], match_style: Style | None = None) -> None:
        super().__init__(screen, match_style)
        self.choices = _choices(screen.app)  # read when first searched, once per palette

    async def discover(self) -> Hits:
        """What the palette lists before anything is typed: the commands."""
        app = self.app
        for text, help_text in COMMANDS.items():
            run: Callable[[], None] = lambda text=text: run_command(app, text)  # noqa: E731
            yield DiscoveryHit(text, run, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        app = self.app
        matcher = self.matcher(query)
        store = host(app).session.store
        groups = sorted(store.groups)
        choices: list[tuple[str, str]] = [
            *COMMANDS.items(),
            *((f"schedules {group}", "Show this group's schedules") for group in groups),
        ]
        if len(query.strip()) >= 2:  # "pr", "re": not every region for one letter
            for kind in SWITCHES:
                help_text = f"Switch to this {kind}"
                choices += [(f"{kind} {name}", help_text) for name in self.choices[kind]()]
        for text, help_text in choices:
            score = matcher.match(text)
            if score > 0:
                run: Callable[[], None] = lambda text=text: run_command(app, text)  # noqa: E731
                yield Hit(score, _shown(matcher, text), run, text=printable(text), help=help_text)
        if len(query.strip()) < 2:
            return  # a letter matches most of a big account: wait for a second one
        found = 0
        for path in store.paths():
            score = matcher.match(path)
            if score <= 0:
                continue
            line = f"schedules {path}"
            open_it: Callable[[], None] = lambda line=line: run_command(app, line)  # noqa: E731
            yield Hit(
                score,
                _shown(matcher, path),
                open_it,
                text=printable(path),
                # Hit.help is read as markup: fixed text, never AWS's (a State "[/]" crashed).
                help="Open the schedule",
            )
            found += 1
            if found >= _MAX_PALETTE_SCHEDULES:
                return


class _Picker(Provider):
    """`:profile` or `:region` alone: the names to switch to, the current one marked."""

    KIND: ClassVar[str] = ""

    async def startup(self) -> None:
        app: Any = self.app
        self.current = app.contexts.current(self.KIND)
        names = _choices(app)[self.KIND]()
        # The current one first, marked: where the operator is, then where they can go.
        self.names = sorted(names, key=lambda name: name != self.current)

    def _run(self, name: str) -> Callable[[], None]:
        app: Any = self.app
        return lambda: run_command(app, f"{self.KIND} {name}")

    def _help(self, name: str) -> str:
        return f"the current {self.KIND}" if name == self.current else ""

    async def discover(self) -> Hits:
        for name in self.names:
            shown = printable(name)
            # Hit text is read as markup: a profile name is the operator's own text.
            yield DiscoveryHit(Content(shown), self._run(name), text=shown, help=self._help(name))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name in self.names:
            score = matcher.match(name)
            if score > 0:
                shown, run = _shown(matcher, name), self._run(name)
                yield Hit(score, shown, run, text=printable(name), help=self._help(name))


class _ProfilePicker(_Picker):
    KIND = "profile"


class _RegionPicker(_Picker):
    KIND = "region"


_PICKERS: Final[dict[str, type[Provider]]] = {"profile": _ProfilePicker, "region": _RegionPicker}
