"""Hostile trust policies for the doctor's trust-condition evaluator.

Each test here failed before its fix (hostile review, 2026-12-04); its docstring says how."""

from __future__ import annotations

from schedtui.core.health.findings import FindingKind
from tests.core.test_doctor_rules import (
    ACCOUNT,
    GROUP_ARN,
    NOW,
    REGION,
    diagnose,
    facts,
    kinds,
    one_kind,
    schedule,
    trust_with,
)


def test_a_trust_that_keeps_this_group_out_is_not_fixed_by_adding_it_to_the_list() -> None:
    """Failed before its fix: a statement whose ArnNotLike aws:SourceArn names THIS schedule's group
    keeps it out (a negated test), yet the verdict is flagged ``other_group`` as if the
    statement named other groups only, and the fix says "Add <this group ARN> to that
    statement's aws:SourceArn values": done, that would keep the group out all the more.
    The fix must not tell the operator to add the group to a negated test's values."""
    keeps_out = trust_with({"ArnNotLike": {"aws:SourceArn": GROUP_ARN}})
    found = diagnose(schedule(), facts(role={"trust": keeps_out}), NOW, region=REGION)
    missing = one_kind(FindingKind.ROLE_TRUST_MISSING, found)
    assert "keeps out" in missing.message  # the verdict itself is right
    assert not missing.fix.startswith(f"Add {GROUP_ARN} to that statement's aws:SourceArn")


def test_an_unguarded_sibling_the_doctor_cannot_judge_is_not_taken_as_guarded() -> None:
    """Failed before its fix: beside the guarded statement, a second Allow admits Scheduler under
    ``DateGreaterThan aws:CurrentTime 2000-01-01`` only, a condition every request meets, so
    any account's schedules may assume the role (the confused deputy). The doctor cannot
    judge that condition and sets the statement aside, then trusts the guarded one alone:
    no finding at all. An Allow it cannot judge that has no source condition must keep the
    guard in doubt (a trust warning or an "uncertain" finding), never silence."""
    guarded = trust_with({"StringEquals": {"aws:SourceAccount": ACCOUNT}})
    always = {
        **guarded["Statement"][0],
        "Sid": "Always",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}},
    }
    trust = {**guarded, "Statement": [*guarded["Statement"], always]}
    found = diagnose(schedule(), facts(role={"trust": trust}), NOW, region=REGION)
    assert kinds(found) in (
        [FindingKind.ROLE_TRUST_UNCONDITIONED],
        [FindingKind.ROLE_PERMISSION_UNCERTAIN],
    )


def test_an_unquoted_account_number_is_the_guard_iam_accepts() -> None:
    """Failed before its fix: IAM's policy grammar makes quotes optional for numbers and booleans
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html:
    "Quotation marks are optional for numeric and Boolean values"), so
    ``"aws:SourceAccount": 123456789012`` is a valid trust that IAM stores and returns and
    that guards the role exactly as the quoted form does. The doctor calls the statement
    malformed ("neither a string nor a list of strings") and reports it cannot tell
    whether Scheduler may assume the role: an "uncertain" finding on a healthy role."""
    quoted = trust_with({"StringEquals": {"aws:SourceAccount": ACCOUNT}})
    assert diagnose(schedule(), facts(role={"trust": quoted}), NOW, region=REGION) == []
    unquoted = trust_with({"StringEquals": {"aws:SourceAccount": int(ACCOUNT)}})
    assert diagnose(schedule(), facts(role={"trust": unquoted}), NOW, region=REGION) == []


def test_a_trust_copied_from_another_account_is_not_fixed_by_adding_the_group() -> None:
    """Failed before its fix: a statement copied from account 999999999999 tests both its group ARN
    (ArnLike, listed first) and aws:SourceAccount 999999999999. Only the first failing test
    is kept, so the verdict is flagged ``other_group`` and the fix leads with "Add <this
    group ARN> to that statement's aws:SourceArn values": done, the statement still keeps
    the schedule out on aws:SourceAccount (conditions are ANDed). The group-only fix fits
    only when the aws:SourceArn values are all that keeps the schedule out."""
    copied = trust_with(
        {
            "ArnLike": {"aws:SourceArn": GROUP_ARN.replace(ACCOUNT, "999999999999")},
            "StringEquals": {"aws:SourceAccount": "999999999999"},
        }
    )
    found = diagnose(schedule(), facts(role={"trust": copied}), NOW, region=REGION)
    missing = one_kind(FindingKind.ROLE_TRUST_MISSING, found)
    assert not missing.fix.startswith(f"Add {GROUP_ARN} to that statement's aws:SourceArn")
