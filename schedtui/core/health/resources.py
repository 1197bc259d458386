"""What the doctor learned about the resources a schedule depends on (gathered read-only by
``aws/doctor_repo.py``, judged by ``doctor.py``). Pure data: nothing here calls AWS.

A resource is EXISTS, MISSING (AWS said it does not exist) or UNKNOWN (it could not be read:
access denied, throttled, a kind the doctor does not check); ``why`` says which, for people.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final


class Resource(StrEnum):
    """What the doctor reads, to ask for part of it: the cleanup view needs only whether
    each target still exists, not the roles (IAM, at 5 requests a second, the slow part)."""

    ROLE = "role"  # the execution role: its trust and identity policies
    TARGET = "target"  # the target (an ECS target's task definition too)
    DLQ = "dlq"
    KEY = "key"


EVERY_RESOURCE: Final = frozenset(Resource)


class Presence(StrEnum):
    EXISTS = "exists"
    MISSING = "missing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PolicyDocument:
    """One identity policy of a role: ``source`` names it for people ("inline NAME", or a
    managed policy's ARN); ``document`` is the parsed JSON."""

    source: str
    document: Mapping[str, Any]


@dataclass(frozen=True)
class RoleFacts:
    arn: str
    presence: Presence
    trust: Mapping[str, Any] | None = None  # AssumeRolePolicyDocument, parsed
    policies: tuple[PolicyDocument, ...] = ()  # inline and attached identity policies
    complete: bool = True  # False: some policy could not be read (say "cannot tell")
    why: str = ""
    elsewhere: str = ""  # UNKNOWN as it is out of the doctor's reach: "account 999..."


@dataclass(frozen=True)
class ResourceFacts:
    """A target, a DLQ, a KMS key, an ECS task definition. ``attributes`` holds what the
    rules need, under these names: a queue's ``FifoQueue`` and ``MessageRetentionPeriod``
    (seconds, as SQS spells them), a key's ``KeyState`` ("Enabled", "Disabled",
    "PendingDeletion"...), a task definition's ``taskRoleArn`` / ``executionRoleArn``."""

    arn: str
    presence: Presence
    attributes: Mapping[str, str] = field(default_factory=dict)
    why: str = ""
    elsewhere: str = ""  # UNKNOWN as it is out of the doctor's reach: "Region eu-west-1"


@dataclass(frozen=True)
class ScheduleFacts:
    """Everything gathered for one schedule. None: not applicable (no DLQ, no key), not
    read (``read`` leaves it out), or a target kind the doctor does not check (then
    ``notes`` says so). A role left out of ``read`` is a placeholder the rules never judge:
    what was not read is no finding, and no "could not check" either."""

    role: RoleFacts
    target: ResourceFacts | None = None
    task_definition: ResourceFacts | None = None  # ECS targets only
    dlq: ResourceFacts | None = None
    key: ResourceFacts | None = None
    notes: tuple[str, ...] = ()
    read: frozenset[Resource] = EVERY_RESOURCE  # what was asked for
