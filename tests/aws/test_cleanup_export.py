"""The cleanup's export file: private, never over an earlier one, inert on a terminal."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schedtui.aws.cleanup_export import write_export

NOW = datetime(2026, 11, 29, 16, 0, 5, 123456, tzinfo=UTC)


def test_written_private_in_a_private_directory_named_by_its_utc_time(tmp_path: Path) -> None:
    folder = tmp_path / "state"
    path = write_export({"schedules": []}, NOW, folder)
    assert path == folder / "cleanup-20261129T160005Z.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert json.loads(path.read_text()) == {"schedules": []}


def test_a_second_export_in_the_same_second_never_overwrites_the_first(tmp_path: Path) -> None:
    first = write_export({"n": 1}, NOW, tmp_path)
    second = write_export({"n": 2}, NOW, tmp_path)
    assert second.name == "cleanup-20261129T160005Z-2.json"
    assert json.loads(first.read_text()) == {"n": 1}
    assert json.loads(second.read_text()) == {"n": 2}


def test_control_characters_are_json_escapes_the_same_value_read_back(tmp_path: Path) -> None:
    hostile = "report \x1b]0;owned\x07 \u202egnp.exe"
    path = write_export({"Description": hostile}, NOW, tmp_path)
    text = path.read_text()
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert json.loads(text) == {"Description": hostile}


def test_a_directory_that_cannot_be_made_raises_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(NotADirectoryError):
        write_export({"n": 1}, NOW, blocker / "state")
    assert blocker.read_text() == ""
