"""``schedtui cost``: invocations a month and the Scheduler bill, per group (and schedule).

The counts need every schedule's definition: the listing page by page, each page through
the details cache (``cli/dlq.py: listed_digests``, shared with ``dlq``), counted as it
arrives, so at most a page of definitions is held. Retries come from the groups'
AWS/Scheduler metrics over the last week (``core/fleet/cost.py``); metrics that cannot be
read are a note on stderr, and the report says retries were not observed. ``--output
json`` is one document; ``table`` is for people. Both carry the price's source and date and
say that target costs are not included.

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
    per_schedule: list[tuple[str, str, int | None]] = []
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
    per_schedule: list[tuple[str, str, int | None]] | None,
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


def cost_document(
    report: CostReport,
    now: datetime,
    group: str | None,
    per_schedule: list[tuple[str, str, int | None]],
) -> dict[str, Any]:
    """The report as JSON members (USD rounded to the cent; invocations as counted)."""
    document: dict[str, Any] = {
        "MonthStart": now,
        "MonthEnd": now + MONTH,
        "Scope": {"GroupName": group} if group else "account",
        "Invocations": report.invocations,
        "Retries": report.retries,
        "RetriesObserved": report.retries_known,
        "FreeInvocations": report.free,
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
                "Invocations": cost.invocations,
                "Retries": cost.retries,
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
                "Invocations": found,
                "USD": None if found is None else round(report.share(found), 4),
            }
            for group_name, name, found in per_schedule
        ]
    return document


def count_text(value: float | None) -> str:
    return "?" if value is None else f"{value:,.0f}"


def usd_text(value: float) -> str:
    """Dollars to the cent; a share below a cent says so rather than 0.00."""
    return "<0.01" if 0 < value < 0.005 else f"{value:,.2f}"


def cost_table(
    report: CostReport, now: datetime, per_schedule: list[tuple[str, str, int | None]] | None
) -> list[str]:
    rows = [
        [
            printable(cost.group),
            f"{cost.schedules:,}",
            count_text(cost.invocations) + ("+" if cost.unknown else ""),
            count_text(cost.retries) if report.retries_known else "-",
            usd_text(cost.usd),
        ]
        for cost in report.groups
    ]
    lines = render_table(
        rows, ["GROUP", "SCHEDULES", "INV/MO", "RETRIES/MO", "USD/MO"], {1, 2, 3, 4}
    )
    if per_schedule is not None:
        schedule_rows = [
            [
                printable(f"{group}/{name}"),
                count_text(found),
                "?" if found is None else usd_text(report.share(found)),
            ]
            for group, name, found in per_schedule
        ]
        lines += ["", *render_table(schedule_rows, ["SCHEDULE", "INV/MO", "USD/MO"], {1, 2})]
    retried = f" + {report.retries:,.0f} retries" if report.retries_known else ""
    lines += [
        "",
        f"30 days from {now.astimezone(UTC):%Y-%m-%d %H:%M} UTC: "
        f"{report.invocations:,.0f} invocations{retried}, {report.free:,.0f} free: "
        f"USD {report.usd:,.2f} a month",
        report.price_note,
    ]
    return lines
