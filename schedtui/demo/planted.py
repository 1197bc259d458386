"""The problems planted in the demo for the doctor to find: one place, so tests iterate it.

The ``doctor-demo`` group holds one schedule per problem, named for it, each otherwise
healthy (a role that may invoke its target, an existing standard DLQ, an explicit retry
policy): ``PLANTED`` maps its name to the finding kind the doctor must report. The broken
resources behind them (a role without Scheduler's trust, a deleted function, a short-lived
DLQ...) are named here too, so the seed (seed.py) points at them and the resources writer
(resources.py) builds them broken or leaves them out. ``COLLIDING`` share one target and
fire in the same minute (the fleet timeline's collisions; no finding of their own).

Dates are relative to the demo's ``now`` (seed.py), never fixed years.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Final

from schedtui.core.health.findings import FindingKind

DOCTOR_GROUP: Final = "doctor-demo"
DOCTOR_ROLE: Final = "scheduler-doctor-demo"  # the group's healthy role
DOCTOR_DLQ: Final = "doctor-demo-dlq"
DOCTOR_FUNCTION: Final = "ledger-export"  # the healthy target most of them invoke

# Broken resources (resources.py builds them so).
ROLE_WITHOUT_TRUST: Final = "scheduler-doctor-lambda-trust"  # trusts lambda.amazonaws.com only
ROLE_UNCONDITIONED: Final = "scheduler-doctor-unconditioned"  # no aws:SourceAccount/SourceArn
ROLE_WITHOUT_TARGET: Final = "scheduler-doctor-dlq-only"  # may send to its DLQ, nothing else
ROLE_WITHOUT_DLQ: Final = "scheduler-doctor-no-dlq-send"  # may invoke, not send to its DLQ
ROLE_WITHOUT_DECRYPT: Final = "scheduler-doctor-no-decrypt"  # may invoke, not kms:Decrypt
ROLE_CONDITIONED: Final = "scheduler-doctor-ip-conditioned"  # Allow only under aws:SourceIp
SHORT_DLQ: Final = "doctor-demo-short-retention-dlq"
SHORT_RETENTION_SECONDS: Final = 3600  # the schedule keeps events for a day
FIFO_DOCTOR_DLQ: Final = "doctor-demo-dlq.fifo"
DISABLED_KEY: Final = "key/0d1e2f3a-4b5c-4d6e-8f70-819203a4b5c6"
OTHER_REGION: Final = "eu-west-1"  # where the other-region target's function lives
# Absent on purpose (resources.py never creates them).
DELETED_ROLE: Final = "scheduler-doctor-deleted-role"
DELETED_FUNCTION: Final = "legacy-ledger-export"
DELETED_DLQ: Final = "doctor-demo-deleted-dlq"
DELETED_KEY: Final = "key/7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
ABSENT: Final = frozenset({DELETED_ROLE, DELETED_FUNCTION, DELETED_DLQ, DELETED_KEY})

DISABLED_FOR: Final = timedelta(days=400)  # untouched that long before the demo's now
EXPIRED_AGO: Final = timedelta(days=20)
COMPLETED_AGO: Final = timedelta(days=30)

# name -> the finding the doctor must report for it
PLANTED: Final[Mapping[str, FindingKind]] = MappingProxyType(
    {
        "role-without-scheduler-trust": FindingKind.ROLE_TRUST_MISSING,
        "trust-without-source-condition": FindingKind.ROLE_TRUST_UNCONDITIONED,
        "role-missing-target-permission": FindingKind.ROLE_PERMISSION_DENIED,
        "role-permission-uncertain": FindingKind.ROLE_PERMISSION_UNCERTAIN,
        "role-cannot-send-to-dlq": FindingKind.DLQ_PERMISSION_DENIED,
        "role-cannot-decrypt": FindingKind.KMS_PERMISSION_DENIED,
        "role-does-not-exist": FindingKind.ROLE_MISSING,
        "target-function-deleted": FindingKind.TARGET_MISSING,
        "dlq-deleted": FindingKind.DLQ_MISSING,
        "dlq-is-fifo": FindingKind.FIFO_DLQ,
        "dlq-retention-shorter-than-event-age": FindingKind.DLQ_RETENTION_SHORT,
        "kms-key-disabled": FindingKind.KMS_KEY_DISABLED,
        "kms-key-deleted": FindingKind.KMS_KEY_MISSING,
        "expired-end-date-passed": FindingKind.END_PASSED,
        "completed-at-kept-forever": FindingKind.AT_PASSED,
        "disabled-for-over-a-year": FindingKind.DISABLED_LONG,
        "window-wider-than-period": FindingKind.WINDOW_OVER_PERIOD,
        "no-retries-no-dlq": FindingKind.FAILURES_VANISH,
        "target-in-another-region": FindingKind.TARGET_OTHER_REGION,
    }
)
COLLIDING: Final = ("ledger-export-emea", "ledger-export-americas", "ledger-export-apac")
COLLISION_EXPRESSION: Final = "cron(32 1 * * ? *)"  # all three, UTC: the same minute
