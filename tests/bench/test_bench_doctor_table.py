"""Benchmark: the fleet doctor's table over 10,000 schedules (three findings each).

Run on demand: `python -m pytest tests/bench/test_bench_doctor_table.py -s`. What the screen
does on the UI thread after each page and on each `f`: the rows (sorted worst first, then
group and name) at every severity, the counts in the title and the notes of 100 pages
added up.
"""

from __future__ import annotations

import time

from schedtui.core.health.doctor import Diagnosis
from schedtui.core.health.doctor_table import (
    counts_text,
    finding_rows,
    merge_notes,
    severity_counts,
)
from schedtui.core.health.findings import Finding, FindingKind, Severity
from tests.bench.scale import sized

SCHEDULES = sized(10_000, 300)
PAGE = 100


def _fleet() -> list[Diagnosis]:
    kinds = [
        (FindingKind.ROLE_MISSING, Severity.ERROR),
        (FindingKind.NO_DLQ, Severity.WARNING),
        (FindingKind.RATE_FROM_CREATION, Severity.INFO),
    ]
    return [
        Diagnosis(
            f"group-{number % 40}",
            f"schedule-{number:06d}",
            tuple(
                Finding(kind, severity, f"message {number} {kind}", "fix it")
                for kind, severity in kinds[: 1 + number % 3]
            ),
        )
        for number in range(SCHEDULES)
    ]


def _timed(label: str, run: object) -> None:
    assert callable(run)
    start = time.perf_counter()
    run()
    print(f"  {label:<34} {(time.perf_counter() - start) * 1000:8.1f} ms")


def test_doctor_table_over_a_fleet() -> None:
    fleet = _fleet()
    findings = sum(len(diagnosis.findings) for diagnosis in fleet)
    notes = [f"Kinesis targets are not checked for existence ({n} of the schedules)" for n in
             range(SCHEDULES // PAGE)]  # fmt: skip
    print(f"\nfleet doctor table over {SCHEDULES:,} schedules, {findings:,} findings")
    for severity in (Severity.INFO, Severity.WARNING, Severity.ERROR):
        _timed(f"rows at or above {severity}:", lambda s=severity: finding_rows(fleet, s))
    _timed("counts for the title:", lambda: counts_text(severity_counts(fleet)))
    _timed(f"notes of {len(notes)} pages merged:", lambda: merge_notes(notes))
    assert len(finding_rows(fleet)) == findings
