"""The fleet doctor's rows: worst first then group and name, the severity filter, AWS text
made printable, and the notes of several pages merged into one report's."""

from __future__ import annotations

from collections import Counter

from schedtui.core.health.doctor import Diagnosis
from schedtui.core.health.doctor_table import (
    counts_text,
    finding_rows,
    findings_phrase,
    merge_notes,
    next_minimum,
    schedule_of,
    severity_counts,
)
from schedtui.core.health.findings import Finding, FindingKind, Severity

ERROR = Finding(FindingKind.TARGET_MISSING, Severity.ERROR, "function gone", "create it")
WARNING = Finding(FindingKind.NO_DLQ, Severity.WARNING, "no DLQ", "add one")
INFO = Finding(FindingKind.RATE_FROM_CREATION, Severity.INFO, "rate() anchor")


def fleet() -> list[Diagnosis]:
    return [
        Diagnosis("zeta", "a", (WARNING, INFO)),
        Diagnosis("alpha", "z", (ERROR, WARNING)),
        Diagnosis("alpha", "b", (WARNING,)),
        Diagnosis("alpha", "clean", ()),
        Diagnosis("beta", "x", (ERROR,)),
    ]


def test_rows_are_worst_first_then_by_group_and_name() -> None:
    rows = finding_rows(fleet())
    assert [(row.cells[0], schedule_of(row.key)) for row in rows] == [
        ("ERROR", ("alpha", "z")),
        ("ERROR", ("beta", "x")),
        ("WARNING", ("alpha", "b")),
        ("WARNING", ("alpha", "z")),
        ("WARNING", ("zeta", "a")),
        ("INFO", ("zeta", "a")),
    ]
    assert [row.style for row in rows[:3]] == ["error", "error", "warning"]
    # sorting by the SEVERITY column orders by rank, not alphabetically (ERROR < INFO < WARNING)
    assert [row.sort_keys[0] for row in rows] == [0, 0, 1, 1, 1, 2]


def test_the_filter_keeps_findings_at_or_above_the_chosen_severity() -> None:
    assert {row.cells[0] for row in finding_rows(fleet(), Severity.WARNING)} == {
        "ERROR",
        "WARNING",
    }
    assert len(finding_rows(fleet(), Severity.ERROR)) == 2
    assert next_minimum(Severity.INFO) is Severity.WARNING
    assert next_minimum(Severity.WARNING) is Severity.ERROR
    assert next_minimum(Severity.ERROR) is Severity.INFO


def test_cells_from_aws_are_printable_and_keys_find_their_schedule() -> None:
    hostile = Finding(FindingKind.ROLE_MISSING, Severity.ERROR, "role \x1b[2J\u202egone", "fix")
    (row,) = finding_rows([Diagnosis("g", "n\x07ame", (hostile,))])
    assert row.cells[2] == "g/n␇ame"
    assert row.cells[3] == "role ␛[2J\\u202egone"
    assert schedule_of(row.key) == ("g", "n\x07ame")  # the real name, to open it


def test_a_name_holding_slashes_or_hashes_keeps_its_own_key() -> None:
    # AWS allows neither in a name; a hostile store might. Split on "/", group "a/b" with
    # name "c" read as group "a", name "b/c": another schedule's detail.
    finding = Finding(FindingKind.NO_DLQ, Severity.WARNING, "no DLQ")
    rows = finding_rows([Diagnosis("a/b", "c#1", (finding,)), Diagnosis("a", "b/c#1", (finding,))])
    assert [schedule_of(row.key) for row in rows] == [("a", "b/c#1"), ("a/b", "c#1")]
    assert len({row.key for row in rows}) == 2


def test_counts_say_only_what_was_found() -> None:
    assert counts_text(severity_counts(fleet())) == "2 errors, 3 warnings, 1 info"
    assert counts_text(Counter({Severity.ERROR: 1})) == "1 error"
    assert counts_text(Counter()) == "no findings"


def test_notes_counted_per_page_are_added_up_once() -> None:
    pages = [
        "targets of kinds the doctor does not check: kinesis (3 of the schedules)",
        "the role's policies could not all be read",
        "targets of kinds the doctor does not check: kinesis (1,200 of the schedules)",
        "the role's policies could not all be read",
    ]
    assert merge_notes(pages) == [
        "targets of kinds the doctor does not check: kinesis (1,203 of the schedules)",
        "the role's policies could not all be read",
    ]


def test_the_message_cell_names_resources_not_arns() -> None:
    # The column is narrow: "The role arn:aws:iam::12345678901…" said nothing. The whole
    # message, ARNs and all, is the line under the table.
    denied = Finding(
        FindingKind.ROLE_PERMISSION_DENIED,
        Severity.ERROR,
        "The role arn:aws:iam::123456789012:role/svc/runner may not lambda:InvokeFunction on "
        "arn:aws:lambda:us-east-1:123456789012:function:ledger:prod (policies read: "
        "arn:aws:iam::123456789012:policy/delivery, arn:aws:iam::aws:policy/ReadOnly). "
        "Queue arn:aws:sqs:us-east-1:123456789012:dlq\x1b[2J.",
    )
    (row,) = finding_rows([Diagnosis("g", "n", (denied,))])
    assert row.cells[3] == (
        "The role runner may not lambda:InvokeFunction on ledger:prod (policies read: "
        "delivery, ReadOnly). Queue dlq␛[2J."
    )


def test_the_count_says_findings_and_the_schedules_they_are_on() -> None:
    assert findings_phrase(fleet()) == "6 findings on 4 schedules (2 errors, 3 warnings, 1 info)"
    assert findings_phrase(fleet(), breakdown=False) == "6 findings on 4 schedules"
    one = [Diagnosis("alpha", "z", (ERROR,)), Diagnosis("alpha", "clean", ())]
    assert findings_phrase(one) == "1 finding on 1 schedule (1 error)"
    assert findings_phrase([Diagnosis("alpha", "clean", ())]) == "no findings"
    assert findings_phrase([]) == "no findings"
