"""The README's "Running it" names every command ``schedtui --help`` lists: a command added
to the parser and not to that list is one a reader of the README never learns of."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from schedtui.cli.parser import build_parser

README = Path(__file__).resolve().parents[1] / "README.md"
OPENING = "Without a command, schedtui opens the TUI."


def running_it_commands() -> set[str]:
    """The first word of every `code` span in the paragraph that lists the commands."""
    text = README.read_text()
    paragraph = text[text.index(OPENING) :].split("\n\n", 1)[0]
    return {span.split()[0] for span in re.findall(r"`([^`]+)`", paragraph)}


def parser_commands() -> set[str]:
    parser = build_parser()
    (commands,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(commands.choices)


def test_running_it_names_every_command_the_parser_knows() -> None:
    known = parser_commands()
    assert {"doctor", "cost", "runs", "history", "next"} <= known  # the parser is read
    assert known - running_it_commands() == set()
