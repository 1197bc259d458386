"""The fleet doctor's table as data: one row per finding, worst first, then by group and
name (the order a fleet is triaged in), at or above a chosen severity.

Every cell that came from AWS (names, messages) goes through ``printable``: the virtual
table shows cells literally, never as markup, but the terminal still must not receive them
raw. Pure: ``ui/screens/doctor.py`` shows it. ``findings_phrase`` is the count both the
fleet doctor's title and ``schedtui doctor``'s summary say.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from schedtui.core.health.doctor import Diagnosis
from schedtui.core.health.findings import Finding, Severity, severity_rank
from schedtui.core.schedules.arns import short_arns
from schedtui.core.table import Column, TableRow
from schedtui.core.text import printable

COLUMNS = (
    Column("severity", "SEVERITY", 8),
    Column("kind", "KIND", 12, fit=True),
    Column("schedule", "SCHEDULE", 16, fit=True, cut="middle"),
    # The row's point: at 80 columns it keeps 30 cells, the kind and the name give way.
    Column("message", "MESSAGE", 30, flex=True, reserve=True),
)
# The virtual table's component classes ("error", "warning"): the row's colour.
_STYLE = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: ""}
# What the severity filter shows, cycled in this order (f), and how the title says it.
MINIMUMS = (Severity.INFO, Severity.WARNING, Severity.ERROR)
MINIMUM_TEXT = {
    Severity.INFO: "all",
    Severity.WARNING: "warnings and errors",
    Severity.ERROR: "errors only",
}


def next_minimum(minimum: Severity) -> Severity:
    return MINIMUMS[(MINIMUMS.index(minimum) + 1) % len(MINIMUMS)]


def finding_key(group: str, name: str, index: int) -> str:
    """A row's key: the schedule's group and name and the finding's place in its diagnosis,
    as JSON, so no character of a hostile name ("/", "#") can make it another's key."""
    return json.dumps([group, name, index])


def schedule_of(key: str) -> tuple[str, str]:
    """(group, name) of a row's key."""
    group, name, _ = json.loads(key)
    return str(group), str(name)


def finding_index(key: str) -> int:
    """The finding's place in its schedule's diagnosis, from a row's key."""
    return int(json.loads(key)[2])


def finding_rows(
    diagnoses: Iterable[Diagnosis], minimum: Severity = Severity.INFO
) -> list[TableRow]:
    """One row per finding at or above ``minimum``: worst first, then group, name and the
    finding's own order. SEVERITY sorts by rank, not alphabetically."""
    picked: list[tuple[int, str, str, int, Finding]] = []
    lowest = severity_rank(minimum)
    for diagnosis in diagnoses:
        for index, finding in enumerate(diagnosis.findings):
            order = severity_rank(finding.severity)
            if order <= lowest:
                picked.append((order, diagnosis.group, diagnosis.name, index, finding))
    picked.sort(key=lambda entry: entry[:4])
    rows = []
    for order, group, name, index, finding in picked:
        path = printable(f"{group}/{name}")
        message = printable(short_arns(finding.message))  # whole under the table
        rows.append(
            TableRow(
                finding_key(group, name, index),
                (finding.severity.value.upper(), finding.kind.value, path, message),
                sort_keys=(order, finding.kind.value, path, message),
                style=_STYLE[finding.severity],
            )
        )
    return rows


def severity_counts(diagnoses: Iterable[Diagnosis]) -> Counter[Severity]:
    return Counter(finding.severity for diagnosis in diagnoses for finding in diagnosis.findings)


def counts_text(counts: Counter[Severity]) -> str:
    """ "2 errors, 5 warnings, 1 info" (only the severities found), or "no findings"."""
    parts = []
    for severity in Severity:
        count = counts.get(severity, 0)
        if count:
            word = severity.value if severity is Severity.INFO or count == 1 else f"{severity}s"
            parts.append(f"{count:,} {word}")
    return ", ".join(parts) or "no findings"


def findings_phrase(diagnoses: Sequence[Diagnosis], *, breakdown: bool = True) -> str:
    """How every doctor counts, in the same words: the fleet doctor's title and
    ``schedtui doctor``'s summary both say "8 findings on 5 schedules (2 errors, 5
    warnings, 1 info)" (``breakdown``: the part in brackets), or "no findings". Findings
    and the schedules that have them: one count alone misleads (one schedule with ten
    findings is not ten broken schedules)."""
    found = sum(len(diagnosis.findings) for diagnosis in diagnoses)
    if not found:
        return "no findings"
    on = sum(1 for diagnosis in diagnoses if diagnosis.findings)
    phrase = f"{_count(found, 'finding')} on {_count(on, 'schedule')}"
    return f"{phrase} ({counts_text(severity_counts(diagnoses))})" if breakdown else phrase


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


# How aws/doctor_repo.py counts a note over the schedules of one diagnose call.
_COUNTED = re.compile(r"^(?P<note>.*) \((?P<count>[\d,]+) of the schedules\)$")


def merge_notes(notes: Iterable[str]) -> list[str]:
    """The notes of several pages as one report's: a note counted per page ("... (3 of the
    schedules)") once, with the pages' counts added; any other note once, in order."""
    counts: dict[str, int | None] = {}
    for note in notes:
        counted = _COUNTED.match(note)
        if counted is None:
            counts.setdefault(note, None)
            continue
        text, count = counted["note"], int(counted["count"].replace(",", ""))
        counts[text] = (counts.get(text) or 0) + count
    return [
        note if count is None else f"{note} ({count:,} of the schedules)"
        for note, count in counts.items()
    ]
