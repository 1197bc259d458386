"""``schedtui set-state G/NAME... --enable|--disable``: the TUI's toggle, for scripts.

The same path as the ``t`` key (``aws/batch.py``): each schedule is read for write, the state
is planned on that fresh document (the whole schedule is sent back, only State changed, with
a ClientToken), and the plan goes through the mutation chokepoint (read-only refusal, one
send and no retry, applied / refused / unknown with a re-read, the audit log). A schedule
already in the state asked for is left alone: nothing is sent.

Consent: ``--yes``, or a "y" typed on a terminal after the plan is shown; without either
(stdin not a terminal) nothing is read or sent and the command exits 2. ``--dry-run`` reads
and plans, prints the plan, and sends nothing. Read-only (``--read-only``, or the config
file's ``read_only`` / ``read_only_profiles``) refuses before anything is read (exit 4),
unless it is a dry run.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any, Final

from schedtui.aws.backend import Backend
from schedtui.aws.batch import ResultLine, apply_plan, plan_state
from schedtui.aws.errors import AwsError, OutcomeUnknownError
from schedtui.cli.exits import OK, USAGE, UsageError, exit_code
from schedtui.cli.output import Column, Format, Record, View, Writer, cell, fields, note
from schedtui.core.changes.plan import ChangePlan
from schedtui.core.schedules.schedule import Schedule, ScheduleState
from schedtui.core.text import printable

# Outcome of each schedule (the records' "Outcome").
APPLIED: Final = "applied"  # sent, and AWS applied it (or a re-read after a lost answer says so)
UNCHANGED: Final = "unchanged"  # already in that state: nothing sent
PLANNED: Final = "planned"  # --dry-run: what would be sent
FAILED: Final = "failed"  # not applied: "Error" says why (nothing sent, or AWS refused it)
UNKNOWN: Final = "unknown"  # sent, the answer lost, and the re-read could not confirm it
INTERRUPTED: Final = 130  # 128 + SIGINT, what a shell reports


def _detail(record: Record) -> str | None:
    if record["Error"]:
        return str(record["Error"])
    parts = [
        f"{path}: {cell(change['Before'], table=True)} → {cell(change['After'], table=True)}"
        for path, change in (record["Changes"] or {}).items()
    ]
    parts += [f"⚠ {text}" for text in record["Warnings"]]
    return "; ".join(parts) or None


RESULTS = View(
    "Results",
    table=(
        Column("GROUP", "GroupName"),
        Column("NAME", "Name"),
        Column("WAS", "PreviousState"),
        Column("STATE", "State"),
        Column("OUTCOME", "Outcome"),
        Column("DETAIL", _detail),
    ),
    text=(
        *fields("GroupName", "Name", "PreviousState", "State", "Outcome"),
        Column("Detail", _detail),
    ),
)


@dataclass
class Item:
    """One schedule named on the command line, as it goes."""

    key: tuple[str, str]
    plan: ChangePlan | None = None
    error: AwsError | None = None  # reading or planning failed: nothing sent


def _record(
    item: Item,
    state: str,
    outcome: str,
    *,
    now: Schedule | None = None,
    error: AwsError | None = None,
) -> Record:
    group, name = item.key
    plan = item.plan
    before = plan.before if plan is not None else None
    shown = now if now is not None else before
    record: dict[str, Any] = {
        "GroupName": group,
        "Name": name,
        "Arn": before.arn if before is not None else None,
        "RequestedState": state,
        "PreviousState": before.state if before is not None else None,
        "State": shown.state if shown is not None else None,
        "Outcome": outcome,
        "Changes": {
            path: {"Before": old, "After": new}
            for path, (old, new) in (plan.diff if plan is not None else {}).items()
        },
        "Warnings": [w.text for w in plan.warnings] if plan is not None else [],
        "Error": str(error) if error is not None else None,
        "Verified": str(error.verified) if isinstance(error, OutcomeUnknownError) else None,
        "ExitCode": exit_code(error) if error is not None else OK,
    }
    return record


def _outcome_record(item: Item, state: str, result: ResultLine) -> Record:
    failure = result.failure
    if failure is None:
        return _record(item, state, APPLIED, now=result.schedule)
    if isinstance(failure, OutcomeUnknownError):
        current = failure.current if isinstance(failure.current, Schedule) else None
        outcome = APPLIED if failure.applied else UNKNOWN
        return _record(item, state, outcome, now=current, error=failure)
    # Stale (changed after the plan was made), refused by AWS, or by the chokepoint.
    return _record(item, state, FAILED, error=failure)


def _ask(items: list[Item], state: str) -> bool:
    """Show the plans on stderr and read y/N on the terminal."""
    verb = "Enable" if state == ScheduleState.ENABLED else "Disable"
    sending = [item.plan for item in items if item.plan is not None and not item.plan.empty]
    for plan in sending:
        before, after = plan.before, plan.after
        assert before is not None
        assert after is not None
        print(f"  {printable(plan.label)}  {before.state} → {after.state}", file=sys.stderr)
        for path, (old, new) in plan.diff.items():
            if path != "State":
                print(
                    f"    {path}: {cell(old, table=True)} → {cell(new, table=True)}",
                    file=sys.stderr,
                )
        for warning in plan.warnings:
            print(f"    ⚠ {printable(warning.text)}", file=sys.stderr)
    print(
        "Every other member is sent back unchanged; a change made meanwhile on the server "
        "stops it.",
        file=sys.stderr,
    )
    count = len(sending)
    sys.stderr.write(f"{verb} {count} schedule{'s' if count != 1 else ''}? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes")


def _interrupted(item: Item) -> None:
    """Ctrl-C while a write was on its way: the request may have been sent and its answer was
    not read (the audit log has an ``unknown`` line). One line: what to check."""
    key = printable("/".join(item.key))
    print(
        f"schedtui set-state: interrupted: the outcome of {key} is unknown (the request may "
        f"have been sent; the audit log says so); check it with `schedtui get {key}`",
        file=sys.stderr,
    )


def run_set_state(args: argparse.Namespace, backend: Backend, output: Format) -> int:
    mutations = backend.mutations
    state = ScheduleState(args.state)
    keys = list(dict.fromkeys(args.schedules))  # each schedule once, in the order given
    if not args.dry_run:
        # The chokepoint's own guard, before any read: read-only sends nothing at all.
        shown = ", ".join(f"{group}/{name}" for group, name in keys[:3])
        more = f" and {len(keys) - 3} more" if len(keys) > 3 else ""
        mutations.refuse_if_read_only(f"UpdateSchedule {shown}{more}")
        if not args.yes and not sys.stdin.isatty():
            raise UsageError(
                "stdin is not a terminal to confirm on: add --yes to change the schedules, "
                "or --dry-run to see the plan (nothing was read or sent)"
            )
        for narrowed in mutations.audit.secure():
            note(narrowed)
        mutations.audit.on_unwritten = note
    items = [Item(key) for key in keys]
    for item in items:
        try:
            item.plan = plan_state(mutations, item.key, state)
        except AwsError as error:
            item.error = error
    sending = [item for item in items if item.plan is not None and not item.plan.empty]
    if sending and not args.dry_run and not args.yes and not _ask(items, state):
        print("schedtui set-state: not confirmed: nothing was sent", file=sys.stderr)
        return USAGE
    writer = Writer(RESULTS, output)
    codes = [OK]
    for item in items:
        plan = item.plan
        if plan is None:
            record = _record(item, state, FAILED, error=item.error)
        elif plan.empty:
            record = _record(item, state, UNCHANGED)
        elif args.dry_run:
            record = _record(item, state, PLANNED)
        else:
            if args.yes and plan.warnings:
                for warning in plan.warnings:
                    note(f"{plan.label}: {warning.text}")
            # --yes, or the answer to the plan just shown, is the operator's consent.
            try:
                result = apply_plan(mutations, plan, consented=True)
            except KeyboardInterrupt:
                _interrupted(item)
                return INTERRUPTED
            record = _outcome_record(item, state, result)
        codes.append(record["ExitCode"])
        writer.add([record])
    writer.close()
    return max(codes)
