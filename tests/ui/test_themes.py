"""Themes as data files: bundled and user themes, fallbacks, NO_COLOR, and use in a real App."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import Theme
from textual.widgets import Static

from schedtui.ui.themes import (
    DEFAULT_THEME,
    NO_COLOR_THEME,
    bundled_theme_dir,
    choose_theme,
    drop_empty_no_color,
    load_themes,
    no_color_requested,
    resolve_theme_name,
    user_theme_dir,
)

REPO = Path(__file__).resolve().parents[2]
BUNDLED = {"schedtui-dark", "schedtui-light", "schedtui-high-contrast", "schedtui-ansi"}


@pytest.fixture
def no_user_dir(tmp_path: Path) -> Path:
    return tmp_path / "no-such-dir"


def _bundled(no_user_dir: Path) -> dict[str, Theme]:
    result = load_themes(no_user_dir)
    assert result.problems == []
    return result.themes


# --- WCAG 2.x contrast -----------------------------------------------------------------------


def _relative_luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def _contrast(a: Color, b: Color) -> float:
    high, low = sorted((_relative_luminance(a), _relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _resolved(theme: Theme, variable: str) -> Color:
    return Color.parse(theme.to_color_system().generate()[variable])


# --- bundled themes ----------------------------------------------------------------------------


def test_bundled_themes_load_with_distinct_names(no_user_dir: Path) -> None:
    themes = _bundled(no_user_dir)
    assert set(themes) >= BUNDLED
    assert DEFAULT_THEME in themes
    assert NO_COLOR_THEME in themes
    files = sorted(p.name for p in bundled_theme_dir().iterdir() if p.name.endswith(".toml"))
    names = [tomllib.loads((REPO / "themes" / f).read_text())["name"] for f in files]
    assert len(names) == len(set(names)) == len(themes)
    assert all(name == theme.name for name, theme in themes.items())


def test_ansi_theme_uses_the_terminal_palette(no_user_dir: Path) -> None:
    ansi = _bundled(no_user_dir)["schedtui-ansi"]
    assert ansi.ansi is True
    assert ansi.background == "ansi_default"
    assert ansi.error is not None
    assert ansi.warning is not None
    assert Color.parse(ansi.error).ansi is not None
    assert Color.parse(ansi.warning).ansi is not None
    assert all(not t.ansi for n, t in _bundled(no_user_dir).items() if n != "schedtui-ansi")


def test_high_contrast_beats_dark_and_meets_aaa(no_user_dir: Path) -> None:
    themes = _bundled(no_user_dir)
    dark, high = themes["schedtui-dark"], themes["schedtui-high-contrast"]

    def fg_bg(theme: Theme) -> float:
        return _contrast(_resolved(theme, "foreground"), _resolved(theme, "background"))

    assert fg_bg(high) > fg_bg(dark)
    assert fg_bg(high) == pytest.approx(21.0)
    assert fg_bg(dark) >= 7.0
    assert fg_bg(themes["schedtui-light"]) >= 7.0
    background = _resolved(high, "background")
    assert background == Color(0, 0, 0)
    for semantic in ("warning", "error", "success", "primary", "accent"):
        assert _contrast(_resolved(high, semantic), background) >= 7.0, semantic
    # Strongly distinct warning/error, even after Textual's NO_COLOR Monochrome filter.
    warning, error = _resolved(high, "warning"), _resolved(high, "error")
    assert _contrast(warning.monochrome, error.monochrome) >= 2.5
    assert abs(warning.hsl.h - error.hsl.h) > 0.1


class ThemedApp(App[None]):
    CSS = """
    #error { background: $error; color: $foreground; }
    #cursor { background: $block-cursor-background; text-style: $block-cursor-text-style; }
    """

    def compose(self) -> ComposeResult:
        yield Static("boom", id="error")
        yield Static("row", id="cursor")


async def test_every_bundled_theme_registers_and_applies(no_user_dir: Path) -> None:
    themes = _bundled(no_user_dir)
    app = ThemedApp()
    for theme in themes.values():
        app.register_theme(theme)
    async with app.run_test() as pilot:
        for name, theme in themes.items():
            app.theme = name
            await pilot.pause()
            assert app.current_theme is theme
            variables = app.get_css_variables()
            assert theme.error is not None
            expected = Color.parse(variables["error"])
            wanted_error = Color.parse(theme.error)
            assert expected.ansi == wanted_error.ansi, name
            # The colour system round-trips through HSL, so allow a unit of rounding.
            assert (
                max(abs(a - b) for a, b in zip(expected.rgb, wanted_error.rgb, strict=True)) <= 1
            ), name
            widget = app.query_one("#error", Static)
            assert widget.styles.background == expected, name
            cursor = app.query_one("#cursor", Static)
            wanted = theme.variables.get("block-cursor-background")
            if wanted is not None:
                assert cursor.styles.background == Color.parse(wanted), name


# --- user themes -------------------------------------------------------------------------------


def test_user_themes_override_and_add(tmp_path: Path) -> None:
    (tmp_path / "override.toml").write_text(
        'name = "schedtui-dark"\nprimary = "#FF0000"\n', encoding="utf-8"
    )
    (tmp_path / "mine.toml").write_text(
        'primary = "#00FF00"\ndark = false\n[variables]\nborder = "#123456"\n', encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("not a theme", encoding="utf-8")
    result = load_themes(tmp_path)
    assert result.problems == []
    assert result.themes["schedtui-dark"].primary == "#FF0000"
    mine = result.themes["mine"]  # name defaults to the file name
    assert (mine.primary, mine.dark, mine.variables) == ("#00FF00", False, {"border": "#123456"})
    assert set(result.themes) >= BUNDLED


def test_default_user_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    directory = tmp_path / "schedtui" / "themes"
    directory.mkdir(parents=True)
    (directory / "x.toml").write_text('primary = "#abcdef"\n', encoding="utf-8")
    assert user_theme_dir() == directory
    assert load_themes().themes["x"].primary == "#abcdef"


def test_user_theme_dir_ignores_unset_empty_or_relative_xdg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".config" / "schedtui" / "themes"
    for value in (None, "", "rel/dir"):
        if value is None:
            monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
        else:
            monkeypatch.setenv("XDG_CONFIG_HOME", value)
        assert user_theme_dir() == expected
    monkeypatch.setenv("XDG_CONFIG_HOME", "/etc/xdg")
    assert user_theme_dir() == Path("/etc/xdg/schedtui/themes")


BROKEN = {
    "syntax.toml": ('name = "syntax"\nprimary = "#fff', "syntax"),
    "no-primary.toml": ('name = "no-primary"\n', "'primary' is required"),
    "bad-colour.toml": ('primary = "#GGGGGG"\n', "invalid colour"),
    "bad-type.toml": ('primary = "#123456"\ndark = "yes"\n', "'dark' must be true or false"),
    "typo.toml": ('primary = "#123456"\nbackgrund = "#000000"\n', "backgrund"),
    "bad-style.toml": (
        'primary = "#123456"\n[variables]\nblock-cursor-text-style = "wobbly"\n',
        "block-cursor-text-style",
    ),
    "bad-var-colour.toml": (
        'primary = "#123456"\n[variables]\nblock-cursor-background = "bogus"\n',
        "block-cursor-background",
    ),
    "alpha.toml": ('primary = "#123456"\ntext_alpha = 2\n', "text_alpha"),
    "comma.toml": ('name = "a,b"\nprimary = "#123456"\n', "comma"),
}


def test_broken_user_files_are_reported_not_raised(tmp_path: Path) -> None:
    for file_name, (content, _) in BROKEN.items():
        (tmp_path / file_name).write_text(content, encoding="utf-8")
    (tmp_path / "binary.toml").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "good.toml").write_text('primary = "#123456"\n', encoding="utf-8")

    result = load_themes(tmp_path)

    assert "good" in result.themes
    assert set(result.themes) >= BUNDLED
    assert len(result.problems) == len(BROKEN) + 1
    for file_name, (_, reason) in BROKEN.items():
        [message] = [p for p in result.problems if str(tmp_path / file_name) in p]
        assert reason in message, message
        assert file_name.removesuffix(".toml") not in result.themes
    assert any(str(tmp_path / "binary.toml") in p for p in result.problems)


async def test_every_variable_the_loader_accepts_is_one_textual_accepts(tmp_path: Path) -> None:
    # The reason for checking variables at load time: Textual raises on a bad one only once
    # the theme is applied. Values of every kind the loader accepts must apply cleanly.
    (tmp_path / "edge.toml").write_text(
        'primary = "#123456"\n[variables]\n'
        'block-cursor-foreground = "auto 87%"\n'
        'block-cursor-text-style = "bold not underline"\n'
        'input-selection-background = "#81a1c1 35%"\n'
        'link-background = "initial"\n'
        'schedtui-prod-banner = "ansi_bright_red"\n',
        encoding="utf-8",
    )
    result = load_themes(tmp_path)
    assert result.problems == []
    app = ThemedApp()
    app.register_theme(result.themes["edge"])
    async with app.run_test() as pilot:
        app.theme = "edge"
        await pilot.pause()
        assert app.get_css_variables()["block-cursor-foreground"] == "auto 87%"


def test_duplicate_user_names_keep_the_first_file(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('name = "same"\nprimary = "#111111"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('name = "same"\nprimary = "#222222"\n', encoding="utf-8")
    result = load_themes(tmp_path)
    assert result.themes["same"].primary == "#111111"
    [message] = result.problems
    assert str(tmp_path / "b.toml") in message
    assert "already defined" in message


def test_user_dir_that_is_a_file_is_reported(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "themes"
    not_a_dir.write_text("", encoding="utf-8")
    result = load_themes(not_a_dir)
    assert set(result.themes) >= BUNDLED
    [message] = result.problems
    assert str(not_a_dir) in message


# --- choosing a theme --------------------------------------------------------------------------


def test_resolve_theme_name(no_user_dir: Path) -> None:
    themes = _bundled(no_user_dir)
    assert resolve_theme_name(None, themes) == (DEFAULT_THEME, None)
    assert resolve_theme_name("  ", themes) == (DEFAULT_THEME, None)
    assert resolve_theme_name("schedtui-light", themes) == ("schedtui-light", None)
    name, message = resolve_theme_name("solarised-typo", themes)
    assert name == DEFAULT_THEME
    assert message is not None
    assert "solarised-typo" in message
    assert DEFAULT_THEME in message
    assert "schedtui-light" in message  # lists what is available
    # Without the bundled default (a damaged install), Textual's own default, never a name
    # that App.theme would refuse.
    assert resolve_theme_name(None, ["x"]) == (
        "textual-dark",
        "Theme 'schedtui-dark' is missing; using 'textual-dark'",
    )
    assert resolve_theme_name("y", ["x"])[0] == "textual-dark"
    # With an App's available_themes, Textual's built-ins resolve too.
    assert resolve_theme_name("nord", App[None]().available_themes) == ("nord", None)


def test_no_color_picks_high_contrast_unless_a_theme_was_asked_for(no_user_dir: Path) -> None:
    themes = _bundled(no_user_dir)
    assert choose_theme(None, themes, {}) == (DEFAULT_THEME, None)
    assert choose_theme(None, themes, {"NO_COLOR": "1"}) == (NO_COLOR_THEME, None)
    # no-color.org: an empty value does not count; explicit configuration wins.
    assert choose_theme(None, themes, {"NO_COLOR": ""}) == (DEFAULT_THEME, None)
    assert choose_theme("schedtui-light", themes, {"NO_COLOR": "1"}) == ("schedtui-light", None)
    assert choose_theme("nope", themes, {"NO_COLOR": "1"})[0] == DEFAULT_THEME
    assert no_color_requested({"NO_COLOR": "yes"})
    assert not no_color_requested({"NO_COLOR": ""})


def test_drop_empty_no_color() -> None:
    env = {"NO_COLOR": "", "TERM": "xterm"}
    assert drop_empty_no_color(env) is True
    assert env == {"TERM": "xterm"}
    env = {"NO_COLOR": "1"}
    assert drop_empty_no_color(env) is False
    assert env == {"NO_COLOR": "1"}


@pytest.mark.parametrize("value", ["1", ""])
def test_textual_itself_goes_monochrome_on_no_color(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    # Tripwire for the design in schedtui/ui/themes.py: Textual strips colour by itself when
    # NO_COLOR is present, even empty (hence drop_empty_no_color). If this changes, revisit.
    monkeypatch.setenv("NO_COLOR", value)
    assert App[None]().no_color is True
    monkeypatch.delenv("NO_COLOR")
    assert App[None]().no_color is False


# --- packaging ---------------------------------------------------------------------------------


def test_packaged_theme_dir_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert bundled_theme_dir() == REPO / "themes"  # source checkout / editable install
    (tmp_path / "_themes").mkdir()
    monkeypatch.setattr("schedtui.ui.themes.resources.files", lambda package: tmp_path)
    assert bundled_theme_dir() == tmp_path / "_themes"


def test_wheel_force_includes_the_theme_dir_the_loader_reads() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force_include == {"themes": "schedtui/_themes"}


def test_a_theme_file_that_is_a_fifo_is_skipped_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.toml")  # a read would block the start forever
    (tmp_path / "ok.toml").write_text('name = "ok"\nprimary = "#111111"\n', encoding="utf-8")
    result = load_themes(tmp_path)
    assert "ok" in result.themes
    [message] = result.problems
    assert str(tmp_path / "pipe.toml") in message
    assert "not a regular file" in message
