"""Hostile trust policies for the doctor's trust-condition evaluator.

Each test here fails today; the docstring says why."""

from __future__ import annotations

from schedtui.core.health.findings import FindingKind
from tests.core.test_doctor_rules import (
    GROUP_ARN,
    NOW,
    REGION,
    diagnose,
    facts,
    one_kind,
    schedule,
    trust_with,
)


def test_a_trust_that_keeps_this_group_out_is_not_fixed_by_adding_it_to_the_list() -> None:
    """fails today: a statement whose ArnNotLike aws:SourceArn names THIS schedule's group
    keeps it out (a negated test), yet the verdict is flagged ``other_group`` as if the
    statement named other groups only, and the fix says "Add <this group ARN> to that
    statement's aws:SourceArn values": done, that would keep the group out all the more.
    The fix must not tell the operator to add the group to a negated test's values."""
    keeps_out = trust_with({"ArnNotLike": {"aws:SourceArn": GROUP_ARN}})
    found = diagnose(schedule(), facts(role={"trust": keeps_out}), NOW, region=REGION)
    missing = one_kind(FindingKind.ROLE_TRUST_MISSING, found)
    assert "keeps out" in missing.message  # the verdict itself is right
    assert not missing.fix.startswith(f"Add {GROUP_ARN} to that statement's aws:SourceArn")
