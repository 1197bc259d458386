"""The `:` command line's words: the commands, their built-in short forms, and the
operator's own aliases from the config file expanded into them (``ui/commands.py`` runs
them; ``core/config.py`` checks that an alias names a command and replaces none)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

COMMANDS: Final = {
    "groups": "Show schedule groups",
    "schedules": "Show schedules: all, one group's (schedules GROUP), or one (GROUP/NAME)",
    "failing": "Show the schedules whose group failed in the last hour or whose DLQ holds messages",
    "monitor": "Monitoring panel",
    "dlq": "Dead-letter queues",
    "doctor": "Check schedules for broken roles, missing targets, risky settings (doctor GROUP "
    "or GROUP/NAME)",
    "cleanup": "Completed, expired and target-gone schedules to delete (GROUP: one group's)",
    "timeline": "Fleet timeline: runs per minute (1h/24h/7d), busiest minutes, collisions",
    "profile": "Switch the AWS profile (profile NAME; alone: pick one from the AWS config)",
    "region": "Switch the region (region NAME; alone: pick one where Scheduler exists)",
    "help": "Keys for this screen",
    "q": "Quit",
}
ALIASES: Final = {
    "g": "groups",
    "gr": "groups",
    "s": "schedules",
    "sc": "schedules",
    "quit": "q",
    "m": "monitor",
    "mon": "monitor",
    "f": "failing",
    "tl": "timeline",
    "?": "help",
}
BUILT_IN: Final = frozenset(COMMANDS) | frozenset(ALIASES)


def expand(text: str, aliases: Mapping[str, str]) -> str:
    """``text`` (a command line, without the `:`) with an operator's alias in its first word
    replaced by what it stands for; what follows the alias is kept after it
    (``o = "schedules orders"``: ``o/nightly`` is ``schedules orders/nightly``)."""
    stripped = text.strip()
    for name in sorted(aliases, key=len, reverse=True):
        rest = stripped[len(name) :]
        if stripped.lower().startswith(name.lower()) and (not rest or rest[0] in " /"):
            return f"{aliases[name]}{rest}"
    return stripped
