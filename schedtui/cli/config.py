"""``schedtui config path`` and ``schedtui config init``: where the configuration file is,
and a commented default to start from (``core/config.py`` says what it may hold).

Free of textual and boto3, like ``schedtui next`` (tests/test_import_hygiene.py).
"""

from __future__ import annotations

import argparse
import sys

from schedtui.core.config import default_text, load_config
from schedtui.core.paths import config_path
from schedtui.core.text import printable

EXIT_EXISTS = 2


def run_config(args: argparse.Namespace) -> int:
    path = config_path()
    if args.config_command == "path":
        print(path)
        for problem in load_config(path).problems:
            print(f"schedtui: {printable(problem)}", file=sys.stderr)
        return 0
    if path.exists() and not args.force:
        print(
            f"schedtui: {printable(str(path))} exists; `schedtui config init --force` replaces it",
            file=sys.stderr,
        )
        return EXIT_EXISTS
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(default_text(path), encoding="utf-8")
    except OSError as error:
        reason = printable(f"{path}: {error.strerror or error}")
        print(f"schedtui: cannot write {reason}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0
