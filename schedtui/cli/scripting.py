"""The scripting subcommands' common run: the AWS context (flags or the demo, as for the
TUI), the repository layer, the output format, and one exit code.

Exit codes (``cli/exits.py``): 0 ok, 1 not found, 2 usage, 3 AWS error, 4 denied, 5 the
doctor's findings. An error
is one line on stderr naming the call and the fix; stdout carries records only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Final

from schedtui.aws.backend import Backend
from schedtui.aws.errors import AwsError
from schedtui.cli.cache import definitions_cache
from schedtui.cli.context import ContextError, aws_context, read_only_why, report_notices
from schedtui.cli.cost import run_cost
from schedtui.cli.dlq import check_dlq, run_dlq
from schedtui.cli.doctor import check_doctor, run_doctor
from schedtui.cli.exits import USAGE, UsageError, exit_code
from schedtui.cli.history import check_history, run_history
from schedtui.cli.milestones import finished, milestone, watch_listing
from schedtui.cli.output import Format
from schedtui.cli.reads import run_get, run_groups, run_list
from schedtui.cli.runs import run_runs
from schedtui.cli.set_state import run_set_state
from schedtui.core.text import printable

Command = Callable[[argparse.Namespace, Backend, Format], int]
COMMANDS: Final[dict[str, Command]] = {
    "groups": run_groups,
    "list": run_list,
    "get": run_get,
    "dlq": run_dlq,
    "set-state": run_set_state,
    "history": run_history,
    "runs": run_runs,
    "doctor": run_doctor,
    "cost": run_cost,
}
# The rules between a command's arguments, checked before the demo starts (seconds) or AWS
# is reached: a usage mistake is answered at once.
CHECKS: Final[dict[str, Callable[[argparse.Namespace], None]]] = {
    "dlq": check_dlq,
    "history": check_history,
    "doctor": check_doctor,
}
# The commands that read every definition: they open the definitions cache file.
READS_DEFINITIONS: Final = frozenset({"dlq", "doctor", "cost"})


def run_scripting(args: argparse.Namespace) -> int:
    name = args.command
    milestone("start", pid=os.getpid(), command=name)  # SCHEDTUI_TIMINGS (benchmarks) only
    try:
        if name in CHECKS:
            CHECKS[name](args)
        with aws_context(args) as context:
            report_notices(context)  # config mistakes, a remembered profile dropped
            # Only these read every definition; the others never open the cache file.
            definitions = definitions_cache(args) if name in READS_DEFINITIONS else None
            for notice in definitions.notices if definitions is not None else ():
                print(f"schedtui {name}: {printable(notice)}", file=sys.stderr)
            backend = Backend.connect(
                context.settings, audit_path=context.audit_path, definitions=definitions
            )
            # A refusal names what made the run read-only: the flag or the config's rule.
            backend.mutations.read_only_reason = read_only_why(context)
            watch_listing(backend)
            code = COMMANDS[name](args, backend, Format(args.output))
    except (ContextError, UsageError) as problem:
        print(f"schedtui {name}: {printable(str(problem))}", file=sys.stderr)
        return USAGE
    except AwsError as error:
        print(f"schedtui {name}: {printable(str(error))}", file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        return 130  # 128 + SIGINT, what a shell reports
    finished()
    return code
