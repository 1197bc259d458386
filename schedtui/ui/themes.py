"""Themes as data files: the bundled ones plus the user's, from the XDG config dir.

A theme file is TOML whose top-level keys are the fields of `textual.theme.Theme` (``name``,
``primary`` ... ``text_alpha``, ``ansi``) plus an optional ``[variables]`` table that overrides
Textual's CSS variables (``block-cursor-background`` and so on). ``name`` defaults to the file
name without ``.toml``. The app registers every loaded theme with `App.register_theme` and
switches with ``app.theme = name``.

Where the files are:

- bundled: ``importlib.resources.files("schedtui") / "_themes"`` in an installed wheel (the
  repository's ``themes/`` is force-included there by hatchling), falling back to the
  repository's ``themes/`` in a source checkout or editable install;
- user: ``themes/*.toml`` in the config directory (``core/paths.py``:
  ``$XDG_CONFIG_HOME/schedtui/themes``, ``~/.config/schedtui/themes`` when ``XDG_CONFIG_HOME``
  is unset, empty or relative, as the XDG spec asks). A user theme with the name of a bundled
  one replaces it.

A broken file never stops the app: it is skipped, and `ThemeLoadResult.problems` says which
file and why, for the app to show. Every theme is checked the way Textual will use it (colours
parsed, each CSS variable parsed in a CSS declaration), because a bad value found only when
the theme is applied would raise inside the running app.

NO_COLOR, and what Textual already does with it (checked in Textual 8.2.8, ``App.__init__``):
Textual reads ``NO_COLOR`` itself. When the variable is *present* (even empty) it sets
``App.no_color`` (which enables the ``:nocolor`` pseudo-class its own widgets use to swap
colour highlights for reverse/underline) and adds an output filter: ``Monochrome`` (every
colour replaced by the grey of its Rec. 709 luminance) or, when the theme current *at
construction* is a native-ANSI one, ``NoColor`` (terminal default colours only). The filter
is chosen once in ``__init__`` and not revisited when the theme changes.

So schedtui does not strip colour itself; it chooses the theme whose greys still carry the
meaning: `NO_COLOR_THEME` (high contrast: black background, white text, warning, error and
success far apart in luminance, cursor a solid bar). `choose_theme` applies it only when no
theme was asked for explicitly, since no-color.org lets explicit configuration and command-line
options win over NO_COLOR. The app must set its theme *after* ``App.__init__`` (Textual's
filter is then ``Monochrome``, which the high-contrast theme is tuned for). no-color.org also
says an empty NO_COLOR means "not set", while Textual treats it as set: `no_color_requested`
follows the spec, and `drop_empty_no_color` lets the entry point remove an empty NO_COLOR
before the App is built, so Textual and schedtui agree.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Collection, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import partial
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.css.stylesheet import Stylesheet, StylesheetParseError
from textual.theme import Theme

from schedtui.core.paths import config_dir, read_small_text

__all__ = [
    "DEFAULT_THEME",
    "NO_COLOR_THEME",
    "TEXTUAL_FALLBACK_THEME",
    "ThemeLoadResult",
    "bundled_theme_dir",
    "choose_theme",
    "drop_empty_no_color",
    "install_themes",
    "load_themes",
    "no_color_requested",
    "parse_theme",
    "resolve_theme_name",
    "user_theme_dir",
]

DEFAULT_THEME = "schedtui-dark"
"""The theme used when none is asked for (or the one asked for does not exist)."""

NO_COLOR_THEME = "schedtui-high-contrast"
"""The theme used when NO_COLOR is set and no theme was asked for explicitly."""

TEXTUAL_FALLBACK_THEME = "textual-dark"
"""Textual's own default, registered in every App: the last resort if DEFAULT_THEME is gone."""

THEME_SUFFIX = ".toml"

_COLOR_FIELDS = (
    "primary",
    "secondary",
    "warning",
    "error",
    "success",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
_BOOL_FIELDS = ("dark", "ansi")
_FLOAT_FIELDS = ("luminosity_spread", "text_alpha")
_KNOWN_KEYS = frozenset(("name", "variables", *_COLOR_FIELDS, *_BOOL_FIELDS, *_FLOAT_FIELDS))
_VARIABLE_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_-]*$")


@dataclass(frozen=True)
class ThemeLoadResult:
    """The themes that loaded, by name, and one message per file that did not."""

    themes: dict[str, Theme]
    problems: list[str] = field(default_factory=list)


class ThemeFileError(ValueError):
    """A theme file's content is not a usable theme."""


# --- where the files are -------------------------------------------------------------------


def bundled_theme_dir() -> Traversable:
    """The directory of the themes shipped with schedtui.

    An installed wheel carries them as package data in ``schedtui/_themes``; a source
    checkout or editable install has them in the repository's top-level ``themes/``.
    """
    packaged = resources.files("schedtui") / "_themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"


def user_theme_dir() -> Path:
    """The operator's themes: ``themes/`` in the config directory (core/paths.py)."""
    return config_dir() / "themes"


# --- parsing and checking one theme ---------------------------------------------------------


def _probe_property(variable: str) -> str:
    """The CSS property a Textual variable of this name is used with, to check its value."""
    if variable.endswith("style"):
        return "text-style"
    if (
        variable.endswith(("foreground", "color"))
        or variable == "text"
        or variable.startswith("text-")
    ):
        # `color` also accepts "auto 87%", which `background` does not.
        return "color"
    return "background"


def _css_value_ok(prop: str, value: str) -> bool:
    stylesheet = Stylesheet(variables={"probe": value})
    stylesheet.add_source(f"Probe {{ {prop}: $probe; }}", read_from=("schedtui-theme", prop))
    try:
        stylesheet.parse()
    except StylesheetParseError:
        return False
    return True


def _check_variable(name: str, value: str) -> str | None:
    """None when ``value`` parses where Textual will use ``name``; else the reason."""
    if not _VARIABLE_NAME.match(name):
        return f"variables: {name!r} is not a valid CSS variable name"
    prop = _probe_property(name)
    if _css_value_ok(prop, value):
        return None
    if prop == "background" and _css_value_ok("text-style", value):
        # An app-defined variable (not one of Textual's) may hold a text style.
        return None
    kind = "text style (e.g. 'bold reverse')" if prop == "text-style" else "colour"
    return f"variables: {name} = {value!r} is not a valid {kind}"


def parse_theme(data: Mapping[str, Any], default_name: str) -> Theme:
    """Build a checked `Theme` from a parsed theme file.

    Raises:
        ThemeFileError: naming the offending key, when anything would fail in Textual.
    """
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_KNOWN_KEYS))
        raise ThemeFileError(f"unknown key(s) {', '.join(unknown)} (allowed: {allowed})")

    name = data.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError("'name' must be a non-empty string")
    if name != name.strip() or "," in name:
        # Textual's App.get_theme treats commas as separators between alternatives.
        raise ThemeFileError(f"'name' {name!r} must not contain commas or surrounding spaces")
    if "primary" not in data:
        raise ThemeFileError("'primary' is required")

    kwargs: dict[str, Any] = {}
    for key in _COLOR_FIELDS:
        if key in data:
            if not isinstance(data[key], str):
                raise ThemeFileError(f'{key!r} must be a colour string, e.g. "#4F9CF0"')
            kwargs[key] = data[key]
    for key in _BOOL_FIELDS:
        if key in data:
            if not isinstance(data[key], bool):
                raise ThemeFileError(f"{key!r} must be true or false")
            kwargs[key] = data[key]
    for key in _FLOAT_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ThemeFileError(f"{key!r} must be a number")
            if not 0.0 <= float(value) <= 1.0:
                raise ThemeFileError(f"{key!r} must be between 0 and 1")
            kwargs[key] = float(value)

    raw_variables = data.get("variables", {})
    if not isinstance(raw_variables, dict):
        raise ThemeFileError("'variables' must be a table of name = \"value\"")
    variables: dict[str, str] = {}
    for var_name, var_value in raw_variables.items():
        if not isinstance(var_value, str):
            raise ThemeFileError(f"variables: {var_name} must be a string")
        reason = _check_variable(var_name, var_value)
        if reason is not None:
            raise ThemeFileError(reason)
        variables[var_name] = var_value

    theme = Theme(name=name, variables=variables, **kwargs)
    try:
        # The same computation App.get_css_variables does when the theme is applied.
        theme.to_color_system().generate()
    except Exception as error:  # ColorParseError and friends: report, never crash.
        raise ThemeFileError(f"invalid colour: {error}") from error
    return theme


def _theme_files(directory: Traversable) -> list[Traversable]:
    entries = [
        entry
        for entry in directory.iterdir()
        if entry.name.endswith(THEME_SUFFIX) and not entry.name.startswith(".")
    ]
    return sorted(entries, key=lambda entry: entry.name)


def _load_dir(directory: Traversable, problems: list[str]) -> dict[str, Theme]:
    """Themes of one directory, first file (by file name) winning a duplicate name."""
    themes: dict[str, Theme] = {}
    origin: dict[str, str] = {}
    try:
        files = _theme_files(directory)
    except OSError as error:
        problems.append(f"{directory}: cannot list theme directory: {error}")
        return themes
    for path in files:
        try:
            # The operator's files through read_small_text: a FIFO named x.toml would block
            # the start forever, /dev/zero fill the memory (the bundled ones are ours).
            text = read_small_text(path) if isinstance(path, Path) else path.read_text("utf-8")
            data = tomllib.loads(text)
            theme = parse_theme(data, default_name=path.name.removesuffix(THEME_SUFFIX))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ThemeFileError) as error:
            problems.append(f"{path}: {error}; skipped")
            continue
        if theme.name in themes:
            problems.append(
                f"{path}: theme {theme.name!r} is already defined by {origin[theme.name]}; skipped"
            )
            continue
        themes[theme.name] = theme
        origin[theme.name] = str(path)
    return themes


def load_themes(user_dir: Path | None = None) -> ThemeLoadResult:
    """Load the bundled themes, then the user's (which replace bundled ones of the same name).

    Args:
        user_dir: where user themes are; default `user_theme_dir()`. A missing directory is
            normal (no user themes) and is not reported.
    """
    problems: list[str] = []
    themes = _load_dir(bundled_theme_dir(), problems)
    directory = user_theme_dir() if user_dir is None else user_dir
    try:
        is_dir, exists = directory.is_dir(), directory.exists()
    except OSError as error:  # e.g. a parent directory we may not enter
        problems.append(f"{directory}: cannot read user theme directory: {error}")
        return ThemeLoadResult(themes=themes, problems=problems)
    if is_dir:
        themes.update(_load_dir(directory, problems))
    elif exists:
        problems.append(f"{directory}: not a directory; no user themes loaded")
    return ThemeLoadResult(themes=themes, problems=problems)


# --- choosing one ---------------------------------------------------------------------------


def resolve_theme_name(
    requested: str | None, available: Collection[str] | Mapping[str, Theme]
) -> tuple[str, str | None]:
    """The theme to use for ``requested``, and a message when it had to fall back.

    ``available`` is a collection of names or a mapping such as `ThemeLoadResult.themes` or
    ``app.available_themes`` (pass the latter to also allow Textual's built-in themes).
    """
    # Should the bundled default itself be missing (a damaged install), fall back to Textual's
    # own default, which every App registers, rather than to a name App.theme would refuse.
    default = DEFAULT_THEME if DEFAULT_THEME in available else TEXTUAL_FALLBACK_THEME
    if requested is None or not requested.strip():
        if default == DEFAULT_THEME:
            return default, None
        return default, f"Theme {DEFAULT_THEME!r} is missing; using {default!r}"
    name = requested.strip()
    if name in available:
        return name, None
    names = ", ".join(sorted(available))
    return default, f"Unknown theme {name!r}; using {default!r}. Available: {names}"


def no_color_requested(environ: Mapping[str, str] | None = None) -> bool:
    """True when NO_COLOR is set to a non-empty value (https://no-color.org)."""
    env = os.environ if environ is None else environ
    return bool(env.get("NO_COLOR"))


def drop_empty_no_color(environ: MutableMapping[str, str] | None = None) -> bool:
    """Remove a NO_COLOR that is set but empty; True when one was removed.

    Textual treats a present-but-empty NO_COLOR as set; no-color.org says it is not. Call this
    before constructing the App so the two agree.
    """
    env = os.environ if environ is None else environ
    if "NO_COLOR" in env and not env["NO_COLOR"]:
        del env["NO_COLOR"]
        return True
    return False


def choose_theme(
    requested: str | None,
    available: Collection[str] | Mapping[str, Theme],
    environ: Mapping[str, str] | None = None,
    remembered: str | None = None,
) -> tuple[str, str | None]:
    """The startup theme: an explicit request (--theme, the config file's) wins, then
    NO_COLOR, then the theme last chosen in the app (``remembered``, if it still exists: a
    removed theme file is not worth a warning), then the default."""
    explicit = requested is not None and bool(requested.strip())
    if not explicit and no_color_requested(environ) and NO_COLOR_THEME in available:
        return NO_COLOR_THEME, None
    if not explicit and remembered is not None and remembered in available:
        return remembered, None
    return resolve_theme_name(requested, available)


def install_themes(
    app: App[Any], requested: str | None, remembered: str | None = None
) -> list[str]:
    """Register the bundled and user themes on ``app`` and switch to the startup one; each
    theme file that could not be used, or a requested theme that does not exist, is a
    warning the operator sees. Returns the names of schedtui's themes (the palette offers
    those; Textual's own stay reachable by name with --theme)."""
    loaded = load_themes()
    for theme in loaded.themes.values():
        app.register_theme(theme)
    app.theme, message = choose_theme(requested, app.available_themes, remembered=remembered)
    for problem in [*loaded.problems, *([message] if message else [])]:
        app.notify(problem, title="Theme", severity="warning")
    return sorted(loaded.themes)


class OwnThemesProvider(Provider):
    """The palette's theme list: schedtui's themes (bundled and the operator's), then one
    entry that lists Textual's too."""

    async def search(self, query: str) -> Hits:
        app: Any = self.app
        matcher = self.matcher(query)
        for name in getattr(app, "own_themes", []):
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    partial(setattr, app, "theme", name),
                    text=name,
                    help="schedtui theme",
                )
        label = "all themes (Textual's too)"
        score = matcher.match(label)
        if score > 0:
            yield Hit(score, matcher.highlight(label), app.search_themes, text=label)

    async def discover(self) -> Hits:
        app: Any = self.app
        for name in getattr(app, "own_themes", []):
            yield DiscoveryHit(name, partial(setattr, app, "theme", name), help="schedtui theme")
        yield DiscoveryHit("all themes (Textual's too)", app.search_themes)
