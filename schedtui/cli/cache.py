"""``schedtui cache path`` and ``schedtui cache clear``: the definitions cache file
(``aws/definitions_db.py``), and whether a run uses it at all.

Free of textual and boto3, like ``schedtui config`` (tests/test_import_hygiene.py).
"""

from __future__ import annotations

import argparse
import sys

from schedtui.aws.definitions_db import DefinitionsDb, default_path, remove_files
from schedtui.core.paths import shown
from schedtui.core.text import printable

# Said at the demo's start, where the operator learns where the data comes from: a cache
# that is off is a start that reads every definition again (README: Definitions cache).
DEMO_CACHE_OFF = "Demo: the definitions cache is off (its schedules are new at each start)"


def definitions_cache(args: argparse.Namespace) -> DefinitionsDb | None:
    """The run's definitions cache: None with ``--no-cache``, and for the demo (its schedules
    are new at each start: their entries could never be used again, and are nobody's)."""
    if getattr(args, "no_cache", False) or getattr(args, "demo", False):
        return None
    return DefinitionsDb()


def cache_notices(args: argparse.Namespace) -> tuple[str, ...]:
    """What the TUI's start says of the cache: that the demo goes without it. (``--no-cache``
    says nothing: the operator just asked for it.)"""
    return (DEMO_CACHE_OFF,) if getattr(args, "demo", False) else ()


def run_cache(args: argparse.Namespace) -> int:
    path = default_path()
    if args.cache_command == "path":
        print(path)
        return 0
    try:
        removed = remove_files(path)
    except OSError as error:
        reason = printable(f"{shown(path)}: {error.strerror or error}")
        print(f"schedtui: cannot remove {reason}", file=sys.stderr)
        return 1
    if not removed:
        print(f"nothing to remove: {printable(shown(path))} does not exist")
    for found in removed:
        print(f"removed {printable(str(found))}")
    return 0
