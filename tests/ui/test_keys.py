"""Every key is declared once (schedtui/ui/keys.py): the README's table is made from it, and
what the screens bind, the footer and the help all come from the same declarations."""

from __future__ import annotations

import re
from pathlib import Path

from schedtui.ui.keys import KEYS, MUTATING_KEYS, bindings, help_rows, readme

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_key_table_is_the_registry() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- keys:[^\n]*-->\n(.*?)\n<!-- /keys -->", text, re.S)
    assert found, "the README has no generated key table"
    assert found.group(1) == readme(), (
        "README.md's key table is out of date: replace it with schedtui.ui.keys.readme()"
    )


def test_each_key_is_declared_once_per_screen() -> None:
    ids = [key.id for key in KEYS]
    assert len(ids) == len(set(ids))
    seen: dict[tuple[str, str], str] = {}
    for key in KEYS:
        if key.viewer:
            continue  # the read-only stand-in of a mutating key, on the same key
        for screen in key.screens:
            for name in key.keys.split(","):
                assert (screen, name) not in seen, f"{name} on {screen}: {seen[screen, name]}"
                seen[screen, name] = key.id


def test_bindings_help_and_read_only_come_from_the_registry() -> None:
    toggle = next(b for b in bindings("schedules") if b.action == "toggle")
    assert (toggle.key, toggle.description, toggle.id) == ("t", "Toggle", "schedules.toggle")
    assert "t" in MUTATING_KEYS
    writable = dict(help_rows(("schedules",), read_only=False))
    assert "t" in writable
    read_only = dict(help_rows(("schedules",), read_only=True))
    assert "t" not in read_only
    assert read_only["e"] == "view in the form (read-only)"
