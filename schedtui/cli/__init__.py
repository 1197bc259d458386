"""The command line: ``schedtui`` opens the TUI, ``schedtui next`` answers from the shell,
``schedtui config`` finds and starts the configuration file, ``schedtui cache`` finds and
clears the definitions cache, and the scripting subcommands
(``groups``, ``list``, ``get``, ``dlq``, ``set-state``) read and change the account for
scripts.

This package wires everything (the layers below never import it). Its deferred imports, the
TUI runner and the scripting runner, are deliberate: ``schedtui next`` in a shell loop (and
``schedtui config``) must not pay for textual or boto3, and the scripting subcommands must
not pay for textual (tests/test_import_hygiene.py holds these rules).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from schedtui.cli.config import run_config
from schedtui.cli.next import run_next
from schedtui.cli.parser import EXIT_CRASH, build_parser
from schedtui.ui.crash import crash_line, write_crash_report


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`schedtui next ... | head`): stop quietly, as cat does. Point
        # stdout at /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a writer killed by the pipe
    except Exception as error:  # the last line of defence: no traceback with locals
        # One line, and 70 (sysexits' EX_SOFTWARE), not 1: a script reads 1 as "not found".
        print(crash_line(error, write_crash_report(error)), file=sys.stderr)
        return EXIT_CRASH


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "next":
        return run_next(args)
    if args.command == "completion":
        from schedtui.cli.completion import run_completion  # deferred: loads the themes

        return run_completion(args, parser)
    if args.command == "config":
        return run_config(args)
    if args.command == "cache":
        from schedtui.cli.cache import run_cache  # deferred: `schedtui next` needs no sqlite3

        return run_cache(args)
    if args.demo_size is not None and not args.demo:
        parser.error("--demo-size goes with --demo")
    if args.command is not None:
        # deferred like the TUI: boto3 and the demo load only for a command that uses them
        from schedtui.cli.scripting import run_scripting

        return run_scripting(args)
    if args.schedule and "/" not in args.schedule:
        parser.error(f"--schedule: '{args.schedule}' is not GROUP/NAME")
    from schedtui.cli.tui import run_tui  # deferred: see the module's docstring

    return run_tui(args)
