"""``schedtui doctor [G/NAME] [--group G]``: what is wrong with the schedules and their
resources (the role, its trust and permissions, the target, the DLQ, the KMS key), each
finding with its fix. Read calls only (``aws/doctor_repo.py`` gathers, ``core/health/
doctor.py`` judges).

The fleet is listed page by page, each page's whole definitions read through the details
cache (``DetailsCache.whole``) and diagnosed before the next: only one page of definitions is
held. A progress line goes to stderr every ``PROGRESS_EVERY`` schedules.

``--output json`` is one document: ``{"schedules": [{"group", "name", "findings": [{"kind",
"severity", "message", "fix"}]}], "notes", "calls", "unread"}``, every schedule (those
without findings too), worst first. ``table`` is for people: the schedules with findings,
worst first, each finding with its fix, then a summary line (the count in the fleet doctor's
words: ``core/health/doctor_table.py: findings_phrase``); every AWS text through
``printable``.

Exit codes (``cli/exits.py``): a fault keeps its code (definitions that could not be read:
3, or 4 when denied; no such schedule or group: 1), since a report with holes cannot clear a
pipeline; else ``FINDINGS`` (5) when a finding is at or above ``--fail-on`` (default
error; ``never``: findings never fail), else 0.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Final

from schedtui.aws.backend import Backend
from schedtui.aws.errors import AwsError
from schedtui.cli.exits import FINDINGS, OK, UsageError, exit_code
from schedtui.cli.output import Format, json_text, note
from schedtui.cli.reads import existing_group
from schedtui.core.health.doctor import DoctorReport
from schedtui.core.health.doctor_table import findings_phrase
from schedtui.core.health.findings import Severity
from schedtui.core.schedules.schedule import Schedule
from schedtui.core.text import printable

PROGRESS_EVERY: Final = 1000


def clock() -> datetime:
    """Now; tests replace it (they never read the wall clock)."""
    return datetime.now(UTC)


def _progress(done: int, total: int) -> None:
    if done % PROGRESS_EVERY == 0:
        print(f"schedtui doctor: {done:,} of {total:,} schedules checked", file=sys.stderr)


def check_doctor(args: argparse.Namespace) -> None:
    """The arguments' own rules, checked before the demo starts or AWS is reached."""
    if args.schedule and args.group:
        raise UsageError("give G/NAME or --group G, not both")


def run_doctor(args: argparse.Namespace, backend: Backend, output: Format) -> int:
    unread: list[AwsError] = []
    unlisted: list[str] = []
    if args.schedule:
        group, name = args.schedule
        pages: Any = [[backend.scheduler.get_schedule(group, name)]]  # not found: exit 1
    else:
        if args.group:
            existing_group(backend, args.group)  # a typo is not found (1), not a pass
        pages = _definitions(backend, args.group, unread, unlisted)
    report = backend.doctor.diagnose_pages(pages, clock(), progress=_progress)
    if output is Format.JSON:
        print(json_text(report_document(report, unread, unlisted), indent=2))
    else:
        print("\n".join(report_table(report)))
    for line in unlisted:
        note(line)
    if unread:
        note(
            f"{len(unread):,} schedule definition(s) could not be read and were not checked "
            f"(first: {unread[0]})"
        )
        return max(exit_code(error) for error in unread)
    return FINDINGS if _failing(report, args.fail_on) else OK


def _definitions(
    backend: Backend, group: str | None, unread: list[AwsError], unlisted: list[str]
) -> Iterator[list[Schedule]]:
    """The whole definitions, a listed page at a time; what could not be read is kept."""
    for page in backend.scheduler.iter_schedule_pages(group=group, unreadable=unlisted):
        found, failed = backend.details.whole(page)
        unread += failed
        yield found


def _failing(report: DoctorReport, fail_on: str) -> bool:
    return fail_on != "never" and bool(report.at_or_above(Severity(fail_on)))


def report_document(
    report: DoctorReport, unread: list[AwsError], unlisted: list[str]
) -> dict[str, Any]:
    return {
        "schedules": [
            {
                "group": diagnosis.group,
                "name": diagnosis.name,
                "findings": [
                    {
                        "kind": str(finding.kind),
                        "severity": str(finding.severity),
                        "message": finding.message,
                        "fix": finding.fix,
                    }
                    for finding in diagnosis.findings
                ],
            }
            for diagnosis in report.diagnoses
        ],
        "notes": list(report.notes),
        "calls": report.calls,
        "unread": [str(error) for error in unread] + unlisted,
    }


def _line(text: str) -> str:
    """One line of a table: AWS text shown inert, its line feeds as spaces. Only "\n":
    splitlines() also breaks at NEL, U+2028 and the like, which would then hide as spaces
    where printable() shows them."""
    return printable(" ".join(text.split("\n")))


def report_table(report: DoctorReport) -> list[str]:
    lines: list[str] = []
    width = max(len(severity) for severity in Severity)
    kind_width = max(
        (len(finding.kind) for d in report.diagnoses for finding in d.findings), default=0
    )
    for diagnosis in report.diagnoses:
        if not diagnosis.findings:
            continue
        lines.append(_line(f"{diagnosis.group}/{diagnosis.name}"))
        for finding in diagnosis.findings:
            label = finding.severity.upper().ljust(width)
            lines.append(
                f"  {label}  {finding.kind.value.ljust(kind_width)}  {_line(finding.message)}"
            )
            if finding.fix:
                lines.append(f"  {' ' * width}  {'fix:'.ljust(kind_width)}  {_line(finding.fix)}")
        lines.append("")
    lines.append(_summary(report))
    if report.notes:
        lines += ["", "NOTES", *(f"- {_line(text)}" for text in report.notes)]
    return lines


def _summary(report: DoctorReport) -> str:
    """``12 schedules checked: 8 findings on 5 schedules (2 errors, 5 warnings, 1 info); 40
    AWS read calls``: the count in the fleet doctor's words (``findings_phrase``)."""
    checked = len(report.diagnoses)
    return (
        f"{checked:,} schedule{'s' if checked != 1 else ''} checked: "
        f"{findings_phrase(report.diagnoses)}; {report.calls:,} AWS read calls"
    )
