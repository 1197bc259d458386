"""One way to find a directory: the XDG variable when it is an absolute path, else
platformdirs' user directory (on Linux, the spec's defaults under the home directory)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from schedtui.aws.audit import default_audit_path
from schedtui.core.paths import cache_dir, config_dir, config_path, shown, state_dir
from schedtui.ui.crash import write_crash_report
from schedtui.ui.themes import user_theme_dir

KINDS: list[tuple[str, Callable[[], Path], str]] = [
    ("XDG_CONFIG_HOME", config_dir, ".config"),
    ("XDG_STATE_HOME", state_dir, ".local/state"),
    ("XDG_CACHE_HOME", cache_dir, ".cache"),
]


@pytest.mark.parametrize(("variable", "directory", "default"), KINDS)
def test_an_absolute_xdg_variable_wins_and_anything_else_is_ignored(
    variable: str,
    directory: Callable[[], Path],
    default: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv(variable, str(tmp_path / "xdg"))
    assert directory() == tmp_path / "xdg" / "schedtui"
    for ignored in ("", "relative/dir"):  # the spec: empty or relative is invalid, ignored
        monkeypatch.setenv(variable, ignored)
        assert directory() == tmp_path / "home" / default / "schedtui"
    monkeypatch.delenv(variable)
    assert directory() == tmp_path / "home" / default / "schedtui"


def test_every_user_of_a_directory_finds_it_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert config_path() == tmp_path / "config" / "schedtui" / "config.toml"
    assert user_theme_dir() == tmp_path / "config" / "schedtui" / "themes"
    assert default_audit_path() == tmp_path / "state" / "schedtui" / "audit.jsonl"
    report = write_crash_report(ValueError("x"))
    assert report is not None
    assert report.parent == tmp_path / "state" / "schedtui"


def test_a_path_in_a_message_shows_the_home_directory_as_a_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert shown(tmp_path / ".config" / "schedtui" / "config.toml") == (
        "~/.config/schedtui/config.toml"
    )
    assert shown(Path("/etc/schedtui.toml")) == "/etc/schedtui.toml"
