"""IAM policy evaluation, as far as identity and trust policies can say (the doctor's).

``evaluate`` applies AWS's order (an explicit Deny wins, then an Allow, else implicit deny)
to the role's identity policies for one action on one resource, with wildcards in actions
and resources, NotAction / NotResource. What it cannot see (conditions it cannot decide,
permissions boundaries, SCPs, resource policies, a policy it could not read) makes the
answer CANNOT_TELL, never ALLOWED: it says which in ``why``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from schedtui.core.health.resources import PolicyDocument, RoleFacts


class Decision(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    CANNOT_TELL = "cannot tell"


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    why: str  # for people: which statement of which policy decided, or what was unknowable


@dataclass(frozen=True)
class TrustVerdict:
    decision: Decision  # may scheduler.amazonaws.com assume the role
    conditioned: bool  # aws:SourceAccount or aws:SourceArn limits who, as AWS recommends
    why: str


def evaluate(policies: Sequence[PolicyDocument], action: str, resource: str) -> Verdict:
    raise NotImplementedError  # helper: doctor


def evaluate_role(role: RoleFacts, action: str, resource: str) -> Verdict:
    """``evaluate`` on the role's policies; an incomplete read turns DENIED into CANNOT_TELL."""
    raise NotImplementedError  # helper: doctor


def scheduler_trust(role: RoleFacts) -> TrustVerdict:
    raise NotImplementedError  # helper: doctor
