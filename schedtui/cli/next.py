"""``schedtui next``: the next run times of an expression, for people and scripts.

Light on purpose (the core's engine only): scripts call it in shell loops.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from schedtui.cli.parser import EXIT_USAGE
from schedtui.core.expressions.describe import describe
from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.parse import AtExpression, parse_expression
from schedtui.core.expressions.runs import RunsEnd, next_runs, runs_end
from schedtui.core.expressions.zones import load_zone, utc_text
from schedtui.core.text import printable


def _utc_text(instant: datetime) -> str:
    return utc_text(instant, seconds=True, sep="T") + "Z"


def run_next(args: argparse.Namespace) -> int:
    after = args.after or datetime.now(UTC)
    if args.start_date and args.end_date and args.end_date <= args.start_date:
        print(
            f"schedtui next: --end-date {_utc_text(args.end_date)} is not after --start-date "
            f"{_utc_text(args.start_date)}: AWS refuses that (EndDate must be after StartDate)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        parsed = parse_expression(args.expression)
        zone = load_zone(args.tz)
        runs = next_runs(
            parsed,
            args.tz,
            after=after,
            count=args.count,
            start_date=args.start_date,
            end_date=args.end_date,
            anchor=args.created,
            window_minutes=args.window,
        )
    except (ExpressionError, ZoneError) as error:
        print(f"schedtui next: {printable(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(parsed, AtExpression) and (args.start_date or args.end_date):
        print(
            "schedtui next: note: EventBridge Scheduler ignores StartDate and EndDate for "
            "one-time at() schedules",
            file=sys.stderr,
        )
    if len(runs) < args.count:
        last = runs[-1].at if runs else after
        if runs_end(parsed, args.tz, last, end_date=args.end_date) is RunsEnd.HORIZON:
            print(f"schedtui next: note: {RunsEnd.HORIZON.value}", file=sys.stderr)
    description = describe(parsed, args.tz)
    if args.json:
        document = {
            "expression": parsed.text,
            "timezone": args.tz,
            "description": description,
            "runs": [
                {
                    "utc": _utc_text(run.at),
                    "local": run.at.astimezone(zone).isoformat(timespec="seconds"),
                    "window_end": _utc_text(run.window_end) if run.window_end else None,
                }
                for run in runs
            ],
        }
        print(json.dumps(document, indent=2))
        return 0
    if args.explain:
        print(f"# {description}")
    for run in runs:
        local = run.at.astimezone(zone)
        line = f"{_utc_text(run.at)}  {local:%a %Y-%m-%d %H:%M:%S} {local:%Z} {local:%z}"
        if run.window_end is not None:
            line += f"  window until {_utc_text(run.window_end)}"
        print(line)
    return 0
