"""``schedtui cost``: invocations a month and the Scheduler bill, per group (and schedule).

The counts need every schedule's definition: the listing page by page, each page through
the details cache (``cli/dlq.py: listed_digests``, shared with ``dlq``), counted as it
arrives, so at most a page of definitions is held. Retries come from the groups'
AWS/Scheduler metrics over the last week (``core/fleet/cost.py``); metrics that cannot be
read are a note on stderr, and the report says retries were not observed. ``--output
json`` is one document; ``table`` is for people. Both carry the price's source and date and
say that target costs are not included.

One meaning per figure, the groups list's too: runs (RUNS/MO, ``Runs``) come from the
expressions, retries (RETRIES/MO, ``Retries``) are observed, an estimate rounded to a whole
number, and invocations (INV/MO, ``Invocations``) are their sum, what is billed. Counts are
ints, USD is rounded to the cent. ``--per-schedule`` lists each schedule busiest first
(then group and name) with its share of the invocations (SHARE, ``SharePercent``) and USD.

With ``--group`` only that group is read: its bill is then computed as if it were the
account's whole Scheduler use (the free tier applies to the account's total, which was not
read), and the output says so.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from schedtui.aws.backend import Backend
from schedtui.aws.errors import AwsError
from schedtui.cli.dlq import listed_digests
from schedtui.cli.exits import OK, exit_code
from schedtui.cli.output import Format, json_text, note, render_table
from schedtui.cli.reads import existing_group
from schedtui.core.fleet.cost import MONTH, CostReport, CostTally
from schedtui.core.fleet.prices import (
    FREE_INVOCATIONS_PER_MONTH,
    PRICE_READ_ON,
    PRICE_SOURCE,
    USD_PER_MILLION,
)
from schedtui.core.text import printable

# A schedule's group, name and runs in the month (None: not evaluable, or not read).
Counted = tuple[str, str, int | None]

GROUP_SCOPE_NOTE = (
    "only this group was read: its bill assumes it is the account's only Scheduler use "
    "(the free tier applies to the account's total)"
)


def clock() -> datetime:
    """Now; tests replace it (they never read the wall clock)."""
    return datetime.now(UTC)


def run_cost(args: argparse.Namespace, backend: Backend, output: Format) -> int:
    now = clock()
    group: str | None = getattr(args, "group", None)
    groups = [existing_group(backend, group)] if group else _group_names(backend)
    tally = CostTally(now, groups)
    per_schedule: list[Counted] = []
    failed = _count(backend, tally, group, per_schedule if args.per_schedule else None)
    code = OK
    if failed:
        note(
            f"{len(failed):,} schedule definition(s) could not be read, they are not counted "
            f"(first: {failed[0]})"
        )
        code = max(exit_code(error) for error in failed)
    retries: dict[str, float] | None = None
    try:
        retries = backend.metrics.retries_per_month(groups, now)
    except AwsError as error:
        note(f"retries not counted: {error}")
    report = tally.report(retries)
    if group:
        note(GROUP_SCOPE_NOTE)
    if report.unknown:
        note(f"{report.unknown:,} schedule(s) not counted: definition unread or not evaluable")
    if output is Format.JSON:
        print(json_text(cost_document(report, now, group, per_schedule), indent=2))
    else:
        print("\n".join(cost_table(report, now, per_schedule if args.per_schedule else None)))
    return code


def _group_names(backend: Backend) -> list[str]:
    return sorted(group.name for group in backend.scheduler.list_groups())


def _count(
    backend: Backend,
    tally: CostTally,
    group: str | None,
    per_schedule: list[Counted] | None,
) -> list[AwsError]:
    """Count every listed schedule in, page by page; the definitions that failed."""
    failed: list[AwsError] = []
    for summary, digest in listed_digests(backend, group, failed):
        if digest is not None:
            found = tally.add_digest(digest)
        else:  # unread: a DISABLED one is known to cost nothing all the same
            found = 0 if summary.state == "DISABLED" else None
            tally.add(summary.group_name, found)
        if per_schedule is not None:
            per_schedule.append((summary.group_name, summary.name, found))
    return failed


def busiest_first(per_schedule: list[Counted]) -> list[Counted]:
    """Each schedule's count, the most runs first (not evaluable last), then group and name."""
    return sorted(per_schedule, key=lambda one: (one[2] is None, -(one[2] or 0), one[0], one[1]))


def share_percent(report: CostReport, runs: int) -> float:
    """``runs`` as a percentage of the invocations billed (the account's, or with --group the
    group's): the same share as its USD."""
    return 100 * runs / report.billed if report.billed else 0.0


def cost_document(
    report: CostReport,
    now: datetime,
    group: str | None,
    per_schedule: list[Counted],
) -> dict[str, Any]:
    """The report as JSON members: counts as ints (Runs from the expressions, Retries an
    estimate rounded, Invocations their sum, the billed figure), USD rounded to the cent."""
    retries = round(report.retries)
    document: dict[str, Any] = {
        "MonthStart": now,
        "MonthEnd": now + MONTH,
        # One type whatever the scope (jq reads .Scope.GroupName): null is the whole account.
        "Scope": {"GroupName": group},
        "Runs": round(report.invocations),
        "Retries": retries,
        "Invocations": round(report.invocations) + retries,
        "RetriesObserved": report.retries_known,
        "FreeInvocations": round(report.free),
        "USD": round(report.usd, 2),
        "Unknown": report.unknown,
        "Price": {
            "Source": PRICE_SOURCE,
            "ReadOn": PRICE_READ_ON.isoformat(),
            "FreeInvocationsPerMonth": FREE_INVOCATIONS_PER_MONTH,
            "USDPerMillion": USD_PER_MILLION,
            "Note": report.price_note,
        },
        "Groups": [
            {
                "GroupName": cost.group,
                "Schedules": cost.schedules,
                "Runs": round(cost.invocations),
                "Retries": round(cost.retries),
                "Invocations": cost.billed,
                "USD": round(cost.usd, 2),
                "Unknown": cost.unknown,
            }
            for cost in report.groups
        ],
    }
    if per_schedule:
        document["Schedules"] = [
            {
                "GroupName": group_name,
                "Name": name,
                "Runs": runs,
                "SharePercent": None if runs is None else round(share_percent(report, runs), 2),
                "USD": None if runs is None else round(report.share(runs), 2),
            }
            for group_name, name, runs in busiest_first(per_schedule)
        ]
    return document


def count_text(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def usd_text(value: float) -> str:
    """Dollars to the cent; a share below a cent says so rather than 0.00."""
    return "<0.01" if 0 < value < 0.005 else f"{value:,.2f}"


def percent_text(value: float) -> str:
    """A share to a hundredth of a percent; one below that says so rather than 0.00%."""
    return "<0.01%" if 0 < value < 0.005 else f"{value:.2f}%"


# One meaning per header, as in the groups list: RUNS/MO from the expressions, RETRIES/MO
# observed (an estimate), INV/MO their sum (what is billed; the groups list's INV/MO).
GROUP_HEADER = ["GROUP", "SCHEDULES", "RUNS/MO", "RETRIES/MO", "INV/MO", "USD/MO"]
SCHEDULE_HEADER = ["SCHEDULE", "RUNS/MO", "SHARE", "USD/MO"]


def cost_table(report: CostReport, now: datetime, per_schedule: list[Counted] | None) -> list[str]:
    known = report.retries_known
    rows = [
        [
            printable(cost.group),
            f"{cost.schedules:,}",
            count_text(cost.invocations) + ("+" if cost.unknown else ""),
            count_text(cost.retries) if known else "-",
            count_text(cost.billed) + ("+" if cost.unknown else ""),
            usd_text(cost.usd),
        ]
        for cost in report.groups
    ]
    lines = render_table(rows, GROUP_HEADER, {1, 2, 3, 4, 5})
    if per_schedule is not None:
        schedule_rows = [
            [
                printable(f"{group}/{name}"),
                count_text(runs),
                "?" if runs is None else percent_text(share_percent(report, runs)),
                "?" if runs is None else usd_text(report.share(runs)),
            ]
            for group, name, runs in busiest_first(per_schedule)
        ]
        lines += ["", *render_table(schedule_rows, SCHEDULE_HEADER, {1, 2, 3})]
    runs, retries = round(report.invocations), round(report.retries)
    counted = (
        f"{runs:,} runs + {retries:,} retries = {runs + retries:,} invocations"
        if known
        else f"{runs:,} invocations (retries not observed)"
    )
    lines += [
        "",
        f"30 days from {now.astimezone(UTC):%Y-%m-%d %H:%M} UTC: {counted}, "
        f"{report.free:,.0f} free: USD {report.usd:,.2f} a month",
        report.price_note,
    ]
    return lines
