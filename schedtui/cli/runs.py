"""``schedtui runs G/NAME``: what the schedule's target did over a window (1h, 24h, 7d).

The same report as the detail view's runs tab (``aws/runs_repo.py``): figures, runs, failure
lines, notes and faults. ``--output json`` is one document (times ISO 8601 in UTC, durations
in seconds); ``table`` is for people (times in the operator's local zone, every AWS text
through ``printable``). A part that could not be fetched is still a report: the rest is
printed, each fault is a line on stderr, and the exit code is the worst of the faults' as
``cli/exits.py`` maps them, never below 3 (the report is partial; retrying may complete it):
4 when a part was denied. A part whose resource is gone (the function) is 3 too: 1 says the
schedule itself does not exist, as for ``get``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from schedtui.aws.backend import Backend
from schedtui.aws.errors import AwsError
from schedtui.cli.exits import AWS_ERROR, OK, exit_code
from schedtui.cli.output import Format, json_text, local_time, render_table
from schedtui.core.activity.runs import RunsReport, Window
from schedtui.core.schedules.arns import target_resource_name
from schedtui.core.text import printable

WINDOWS = {window.label: window for window in Window}


def clock() -> datetime:
    """Now; tests replace it (they never read the wall clock)."""
    return datetime.now(UTC)


def run_runs(args: argparse.Namespace, backend: Backend, output: Format) -> int:
    group, name = args.schedule
    schedule = backend.scheduler.get_schedule(group, name)
    report = backend.runs.runs(schedule, WINDOWS[args.window], now=clock())
    if output is Format.JSON:
        print(json_text(report_document(f"{group}/{name}", report), indent=2))
    else:
        print("\n".join(report_table(f"{group}/{name}", report)))
    for part, fault in report.faults.items():
        print(f"schedtui runs: {printable(part)}: {printable(fault)}", file=sys.stderr)
    return faults_code(report)


def faults_code(report: RunsReport) -> int:
    """0 for a whole report; else the worst fault's code, at least 3 (a partial report)."""
    if not report.faults:
        return OK
    causes = report.causes.values()
    return max([AWS_ERROR, *(exit_code(e) for e in causes if isinstance(e, AwsError))])


def report_document(schedule: str, report: RunsReport) -> dict[str, Any]:
    """The report as JSON members (dates stay datetimes: ``json_text`` writes them in UTC)."""
    return {
        "Schedule": schedule,
        "Kind": report.kind.label,
        "Target": report.target,
        "Window": report.window.label,
        "Start": report.start,
        "End": report.end,
        "Figures": report.figures,
        "Runs": [
            {
                "Name": run.name,
                "Status": run.status,
                "Failed": run.failed,
                "LongRunning": run.long_running,
                "Started": run.started,
                "Stopped": run.stopped,
                "DurationSeconds": run.duration,
                "Detail": run.detail,
            }
            for run in report.runs
        ],
        "Durations": [
            {"At": point.at, "Seconds": point.seconds, "Failed": point.failed}
            for point in report.durations
        ],
        "Failures": [
            {"At": line.at, "Source": line.source, "Text": line.text} for line in report.failures
        ],
        "Notes": report.notes,
        "Faults": report.faults,
    }


def seconds_text(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.3f} s" if value < 10 else f"{value:,.1f} s"


def _figure(name: str, value: float | None) -> str:
    if value is None:
        return "-"  # no datapoint or not fetched: never a zero
    if name.startswith("duration"):
        return seconds_text(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _one_line(text: str) -> str:
    """A cell of one line: whatever AWS wrote, newlines and controls shown inert."""
    return printable(" ".join(text.split("\n")))


def _cell(text: str | None) -> str:
    return "-" if not text else _one_line(text)


def _section(
    title: str, header: list[str], rows: list[list[str]], right: set[int] | None = None
) -> list[str]:
    return ["", title, *render_table(rows, header, right or set())] if rows else []


def report_table(schedule: str, report: RunsReport) -> list[str]:
    cell = _cell
    target = printable(target_resource_name(report.target))
    lines = [
        f"{printable(schedule)}: {report.kind.label} {target}, "
        f"last {report.window.label} ({local_time(report.start)} to {local_time(report.end)})"
    ]
    lines += _section(
        "FIGURES",
        ["FIGURE", "VALUE"],
        [[printable(name), _figure(name, value)] for name, value in report.figures.items()],
        {1},
    )
    lines += _section(
        "RUNS (newest first)",
        ["NAME", "STATUS", "STARTED", "DURATION", "FLAGS", "DETAIL"],
        [
            [
                cell(run.name),
                cell(run.status),
                local_time(run.started),
                seconds_text(run.duration),
                ",".join(
                    flag for flag, on in (("failed", run.failed), ("long", run.long_running)) if on
                )
                or "-",
                cell(run.detail),
            ]
            for run in report.runs
        ],
        {3},
    )
    lines += _section(
        "FAILURES (newest first)",
        ["AT", "SOURCE", "LINE"],
        [[local_time(line.at), cell(line.source), cell(line.text)] for line in report.failures],
    )
    if report.notes:
        lines += ["", "NOTES", *(f"- {_one_line(note)}" for note in report.notes)]
    if report.faults:
        lines += [
            "",
            "NOT FETCHED",
            *(f"- {printable(part)}: {_one_line(fault)}" for part, fault in report.faults.items()),
        ]
    return lines
