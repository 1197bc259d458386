"""Benchmark: the doctor's pure rules over a fleet of 10,000 schedules.

Run on demand: `python -m pytest tests/bench/test_bench_doctor_rules.py -s`. The facts are
shared the way the repository shares them (a few roles, a few hundred targets; half the
roles' trust scoped to some of the 50 groups, so the trust is judged per role and group):
what is measured is ``diagnose`` (policy evaluation, the flexible-window gaps of cron expressions)
and ``report``, the part that runs after the AWS reads, for every schedule.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from schedtui.core.health.doctor import Diagnosis, diagnose, report
from schedtui.core.health.findings import Severity
from schedtui.core.health.resources import (
    PolicyDocument,
    Presence,
    ResourceFacts,
    RoleFacts,
    ScheduleFacts,
)
from schedtui.core.schedules.schedule import Schedule
from tests.bench.scale import sized

SCHEDULES = sized(10_000, 300)
ROLES = 20
TARGETS = 300
ACCOUNT = "123456789012"
NOW = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
EXPRESSIONS = [
    "cron(0 * * * ? *)", "cron(0/5 * * * ? *)", "cron(30 2 * * ? *)", "cron(0 9 ? * MON-FRI *)",
    "cron(0 0,23 ? * MON *)", "cron(15 8 L * ? *)", "rate(10 minutes)", "rate(1 hour)",
]  # fmt: skip


def _role(number: int) -> RoleFacts:
    arn = f"arn:aws:iam::{ACCOUNT}:role/r{number}"
    trust = {"Statement": {"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"},
                           "Action": "sts:AssumeRole"}}  # fmt: skip
    if number % 2:  # scoped to the account and the groups g1*: judged per (role, group)
        trust["Statement"]["Condition"] = {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnLike": {"aws:SourceArn": f"arn:aws:scheduler:*:{ACCOUNT}:schedule-group/g1*"},
        }
    statements = [
        {"Effect": "Allow", "Action": ["lambda:Invoke*", "sqs:SendMessage"],
         "Resource": f"arn:aws:*:us-east-1:{ACCOUNT}:*{n}"}
        for n in range(10)
    ]  # fmt: skip
    policies = tuple(PolicyDocument(f"inline p{n}", {"Statement": statements}) for n in range(3))
    return RoleFacts(arn, Presence.EXISTS, trust=trust, policies=policies)


def test_doctor_rules_over_a_fleet() -> None:
    rng = random.Random(16)
    roles = [_role(n) for n in range(ROLES)]
    targets = [f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f{n}" for n in range(TARGETS)]
    fleet: list[tuple[Schedule, ScheduleFacts]] = []
    for number in range(SCHEDULES):
        role, target = rng.choice(roles), rng.choice(targets)
        window = rng.choice([None, 5, 30, 90, 240])
        schedule = Schedule.from_api(
            {
                "Name": f"s{number}",
                "GroupName": f"g{number % 50}",
                "ScheduleExpression": rng.choice(EXPRESSIONS),
                "StartDate": NOW - timedelta(days=3),
                "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": window}
                if window
                else {"Mode": "OFF"},
                "State": rng.choice(["ENABLED", "ENABLED", "DISABLED"]),
                "LastModificationDate": NOW - timedelta(days=rng.randrange(90)),
                "Target": {
                    "Arn": target,
                    "RoleArn": role.arn,
                    "RetryPolicy": {"MaximumRetryAttempts": rng.choice([0, 3])},
                },
            }
        )
        presence = Presence.MISSING if number % 97 == 0 else Presence.EXISTS
        fleet.append((schedule, ScheduleFacts(role, ResourceFacts(target, presence))))

    started = time.perf_counter()
    diagnoses = [
        Diagnosis(s.group_name, s.name, tuple(diagnose(s, f, NOW, region="us-east-1")))
        for s, f in fleet
    ]
    diagnosed = time.perf_counter() - started
    started = time.perf_counter()
    done = report(diagnoses)
    gating = done.at_or_above(Severity.WARNING)
    reported = time.perf_counter() - started

    findings = sum(len(d.findings) for d in done.diagnoses)
    assert done.diagnoses[0].worst is Severity.ERROR
    print(
        f"\ndoctor rules over {SCHEDULES:,} schedules ({ROLES} roles, {TARGETS} targets, "
        f"{findings:,} findings):\n"
        f"  diagnose, every schedule: {diagnosed:.2f} s "
        f"({diagnosed / SCHEDULES * 1e6:.0f} us each)\n"
        f"  report + at_or_above(warning): {reported * 1000:.1f} ms ({len(gating):,} gate)"
    )
