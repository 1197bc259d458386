"""What schedtui remembers between runs (the theme chosen in the app, the last context): kept
atomically in the state directory, and never a reason to stop."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from schedtui.core.state import (
    Remembered,
    load_state,
    remember_context,
    remember_theme,
    state_path,
)
from tests.core.test_config import promptly


def test_the_theme_and_the_context_are_remembered_together(tmp_path: Path) -> None:
    path = tmp_path / "schedtui" / "state.json"
    assert load_state(path) == Remembered()  # nothing yet, and no problem
    assert remember_theme("schedtui-light", path) is None
    assert remember_context("prod", "eu-west-1", path) is None
    assert load_state(path) == Remembered("schedtui-light", "prod", "eu-west-1")
    assert remember_context(None, "us-east-1", path) is None  # the default profile
    assert load_state(path) == Remembered("schedtui-light", None, "us-east-1")
    assert [entry.name for entry in path.parent.iterdir()] == ["state.json"]  # no leftovers


def test_it_lives_in_the_state_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert state_path() == tmp_path / "schedtui" / "state.json"
    remember_theme("schedtui-ansi")
    assert json.loads(state_path().read_text())["theme"] == "schedtui-ansi"


def test_a_corrupt_state_file_is_one_line_and_the_next_write_replaces_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.json"
    for corrupt in ('{"theme": "schedtui-li', '["a list"]', '{"profile": 3}', "\xff"):
        path.write_text(corrupt, encoding="latin-1")
        remembered = load_state(path)
        assert (remembered.theme, remembered.profile, remembered.region) == (None, None, None)
        assert remembered.problem is not None
        assert "\n" not in remembered.problem
        assert remembered.problem.startswith(f"the remembered theme and context ({path})")
        assert remembered.problem.endswith("; starting without them")
    assert remember_theme("schedtui-dark", path) is None
    assert load_state(path) == Remembered(theme="schedtui-dark")


def test_a_state_directory_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    problem = remember_context("prod", "eu-west-1", blocker / "state.json")
    assert problem is not None
    assert problem.startswith("schedtui could not remember the theme and context in ")
    assert "\n" not in problem


def test_a_fifo_or_a_huge_state_file_is_one_line_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "state.json"
    os.mkfifo(fifo)
    found = promptly(lambda: load_state(fifo))
    assert found.problem is not None
    assert f"({fifo}) cannot be read (not a regular file)" in found.problem
    # And the next write replaces it with a good file.
    assert promptly(lambda: remember_theme("schedtui-light", fifo)) is None
    assert load_state(fifo) == Remembered(theme="schedtui-light")
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({"theme": "x" * (1 << 20)}))
    problem = promptly(lambda: load_state(huge)).problem
    assert problem is not None
    assert "cannot be read (larger than 1 MiB)" in problem
