"""The doctor's rules: each finding kind fires on its broken case, with a fix an operator can
apply, and a healthy schedule whose resources are healthy yields none of them."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from schedtui.core.health.doctor import (
    DISABLED_LONG_AFTER,
    Diagnosis,
    Need,
    diagnose,
    needs,
    report,
)
from schedtui.core.health.findings import Finding, FindingKind, Severity
from schedtui.core.health.resources import (
    PolicyDocument,
    Presence,
    ResourceFacts,
    RoleFacts,
    ScheduleFacts,
)
from schedtui.core.schedules.schedule import Schedule
from schedtui.demo.resources import scheduler_trust

NOW = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)
REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/scheduler-billing"
FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:billing"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:billing-dlq"
KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# The kinds only the doctor adds (findings.py's own are the detail's).
DOCTOR_KINDS = frozenset(list(FindingKind)[list(FindingKind).index(FindingKind.ROLE_MISSING) :]) | {
    FindingKind.FIFO_DLQ
}


def schedule(**members: Any) -> Schedule:
    target: dict[str, Any] = {
        "Arn": FN,
        "RoleArn": ROLE,
        "DeadLetterConfig": {"Arn": DLQ},
        "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
    }
    target.update(members.pop("target", {}))
    return Schedule.from_api(
        {
            "Name": "billing",
            "GroupName": "finance",
            "Arn": f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/finance/billing",
            "ScheduleExpression": "cron(0 2 * * ? *)",
            "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
            "KmsKeyArn": KEY,
            "LastModificationDate": NOW - timedelta(days=400),
            "Target": {k: v for k, v in target.items() if v is not None},
            **members,
        }
    )


def allow(action: str, resource: str) -> dict[str, str]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


# The demo's: Scheduler may assume the role, from this account only.
GOOD_TRUST: dict[str, Any] = scheduler_trust()
GOOD_POLICY = PolicyDocument(
    "inline billing",
    {
        "Statement": [
            allow("lambda:InvokeFunction", FN),
            allow("sqs:SendMessage", DLQ),
            allow("kms:Decrypt", KEY),
        ]
    },
)


def facts(**changes: Any) -> ScheduleFacts:
    role = RoleFacts(ROLE, Presence.EXISTS, trust=GOOD_TRUST, policies=(GOOD_POLICY,))
    healthy = ScheduleFacts(
        role=replace(role, **changes.pop("role", {})),
        target=ResourceFacts(FN, Presence.EXISTS),
        dlq=ResourceFacts(
            DLQ,
            Presence.EXISTS,
            {"FifoQueue": "false", "MessageRetentionPeriod": "345600"},
        ),
        key=ResourceFacts(KEY, Presence.EXISTS, {"KeyState": "Enabled"}),
    )
    return replace(healthy, **changes)


def kinds(found: list[Finding]) -> list[FindingKind]:
    return [finding.kind for finding in found]


def test_a_healthy_schedule_with_healthy_resources_has_no_finding() -> None:
    assert diagnose(schedule(), facts(), NOW, region=REGION) == []


def one_kind(kind: FindingKind, found: list[Finding]) -> Finding:
    matching = [finding for finding in found if finding.kind is kind]
    assert matching, f"{kind} not in {kinds(found)}"
    return matching[0]


# kind -> (schedule members, facts changes, severity, words the message must hold)
BROKEN: dict[FindingKind, tuple[dict[str, Any], dict[str, Any], Severity, str]] = {
    FindingKind.ROLE_MISSING: (
        {},
        {"role": {"presence": Presence.MISSING, "trust": None, "policies": ()}},
        Severity.ERROR,
        f"The execution role {ROLE} does not exist",
    ),
    FindingKind.ROLE_TRUST_MISSING: (
        {},
        {
            "role": {
                "trust": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                }
            }
        },
        Severity.ERROR,
        f"The role {ROLE} does not let scheduler.amazonaws.com assume it",
    ),
    FindingKind.ROLE_TRUST_UNCONDITIONED: (
        {},
        {
            "role": {
                "trust": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "scheduler.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                }
            }
        },
        Severity.WARNING,
        "no aws:SourceAccount or aws:SourceArn condition limiting it",
    ),
    FindingKind.ROLE_PERMISSION_DENIED: (
        {"target": {"Arn": FN + "-v2"}},
        {"target": ResourceFacts(FN + "-v2", Presence.EXISTS)},
        Severity.ERROR,
        f"may not lambda:InvokeFunction on {FN}-v2",
    ),
    FindingKind.ROLE_PERMISSION_UNCERTAIN: (
        {},
        {
            "role": {
                "policies": (
                    PolicyDocument(
                        "arn:aws:iam::aws:policy/Conditional",
                        {"Statement": [{**allow("*", "*"), "Condition": {"Bool": {"x": "y"}}}]},
                    ),
                )
            }
        },
        Severity.INFO,
        "Cannot tell whether the role",
    ),
    FindingKind.DLQ_PERMISSION_DENIED: (
        {"target": {"DeadLetterConfig": {"Arn": DLQ + "-2"}}},
        {"dlq": ResourceFacts(DLQ + "-2", Presence.EXISTS)},
        Severity.ERROR,
        f"may not sqs:SendMessage on {DLQ}-2 (to send failed events to the DLQ)",
    ),
    FindingKind.KMS_PERMISSION_DENIED: (
        {"KmsKeyArn": KEY[:-1] + "c"},
        {"key": ResourceFacts(KEY[:-1] + "c", Presence.EXISTS, {"KeyState": "Enabled"})},
        Severity.ERROR,
        "may not kms:Decrypt",
    ),
    FindingKind.TARGET_MISSING: (
        {},
        {"target": ResourceFacts(FN, Presence.MISSING)},
        Severity.ERROR,
        f"The Lambda target {FN} does not exist",
    ),
    FindingKind.DLQ_MISSING: (
        {},
        {"dlq": ResourceFacts(DLQ, Presence.MISSING)},
        Severity.ERROR,
        f"The dead-letter queue {DLQ} does not exist",
    ),
    FindingKind.DLQ_RETENTION_SHORT: (
        {},
        {"dlq": ResourceFacts(DLQ, Presence.EXISTS, {"MessageRetentionPeriod": "1800"})},
        Severity.WARNING,
        "keeps messages 30m, less than the retry policy's maximum event age of 1h",
    ),
    FindingKind.KMS_KEY_MISSING: (
        {},
        {"key": ResourceFacts(KEY, Presence.MISSING)},
        Severity.ERROR,
        f"The KMS key {KEY} does not exist",
    ),
    FindingKind.KMS_KEY_DISABLED: (
        {},
        {"key": ResourceFacts(KEY, Presence.EXISTS, {"KeyState": "PendingDeletion"})},
        Severity.ERROR,
        f"The KMS key {KEY} is PendingDeletion",
    ),
    FindingKind.DISABLED_LONG: (
        {"State": "DISABLED", "LastModificationDate": NOW - timedelta(days=45)},
        {},
        Severity.INFO,
        "DISABLED and unchanged for 45 days",
    ),
    FindingKind.WINDOW_OVER_PERIOD: (
        {
            "ScheduleExpression": "rate(10 minutes)",
            "StartDate": NOW - timedelta(days=1),
            "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 30},
        },
        {},
        Severity.WARNING,
        "Flexible window of 30 minutes is longer than the 10m between runs",
    ),
    FindingKind.FAILURES_VANISH: (
        {"target": {"DeadLetterConfig": None, "RetryPolicy": {"MaximumRetryAttempts": 0}}},
        {"dlq": None},
        Severity.WARNING,
        "MaximumRetryAttempts is 0 and there is no dead-letter queue",
    ),
    FindingKind.TARGET_OTHER_REGION: (
        {"target": {"Arn": FN.replace(REGION, "eu-west-1")}},
        {"role": {"policies": (PolicyDocument("inline all", {"Statement": allow("*", "*")}),)}},
        Severity.WARNING,
        "is in eu-west-1, the schedule in us-east-1",
    ),
    FindingKind.NOT_CHECKED: (
        {},
        {"target": ResourceFacts(FN, Presence.UNKNOWN, why="AccessDeniedException")},
        Severity.INFO,
        f"Could not check the Lambda target {FN}: AccessDeniedException",
    ),
    FindingKind.FIFO_DLQ: (
        {},
        {"dlq": ResourceFacts(DLQ, Presence.EXISTS, {"FifoQueue": "true"})},
        Severity.ERROR,
        f"The dead-letter queue {DLQ} is FIFO",
    ),
}


def test_every_doctor_kind_has_a_broken_case() -> None:
    assert set(BROKEN) == DOCTOR_KINDS


@pytest.mark.parametrize("kind", list(BROKEN), ids=str)
def test_each_kind_fires_on_its_broken_case_with_a_fix(kind: FindingKind) -> None:
    members, changes, severity, words = BROKEN[kind]
    found = diagnose(schedule(**members), facts(**changes), NOW, region=REGION)
    finding = one_kind(kind, found)
    assert finding.severity is severity
    assert words in finding.message
    assert finding.fix


def test_most_serious_first() -> None:
    broken = schedule(State="DISABLED", LastModificationDate=NOW - timedelta(days=90))
    found = diagnose(broken, facts(target=ResourceFacts(FN, Presence.MISSING)), NOW, region=REGION)
    assert kinds(found) == [FindingKind.TARGET_MISSING, FindingKind.DISABLED_LONG]


def test_a_denied_permission_says_the_exact_statement_to_add() -> None:
    other = FN + "-v2"
    found = diagnose(schedule(target={"Arn": other}), facts(target=None), NOW, region=REGION)
    fix = one_kind(FindingKind.ROLE_PERMISSION_DENIED, found).fix
    assert fix == (
        f'Add to the role {ROLE}: {{"Effect": "Allow", "Action": "lambda:InvokeFunction", '
        f'"Resource": "{other}"}}'
    )


def test_an_explicit_deny_is_named_in_the_fix() -> None:
    guard = PolicyDocument(
        "inline guard",
        {"Statement": {"Sid": "NoKms", "Effect": "Deny", "Action": "kms:*", "Resource": "*"}},
    )
    role = {"policies": (GOOD_POLICY, guard)}
    found = diagnose(schedule(), facts(role=role), NOW, region=REGION)
    finding = one_kind(FindingKind.KMS_PERMISSION_DENIED, found)
    assert "statement 'NoKms' of policy inline guard" in finding.fix
    assert finding.fix.startswith("Remove or narrow the Deny")


def test_trust_fixes_give_the_statement_with_the_source_account() -> None:
    members, changes, _, _ = BROKEN[FindingKind.ROLE_TRUST_MISSING]
    found = diagnose(schedule(**members), facts(**changes), NOW, region=REGION)
    fix = one_kind(FindingKind.ROLE_TRUST_MISSING, found).fix
    assert '"Service": "scheduler.amazonaws.com"' in fix
    assert f'"aws:SourceAccount": "{ACCOUNT}"' in fix


def test_a_trust_for_another_accounts_schedules_is_a_missing_trust() -> None:
    # The trust statement copied from another account: Scheduler's aws:SourceAccount is
    # this schedule's account, the condition fails, every invocation fails.
    copied = json.loads(json.dumps(GOOD_TRUST).replace(ACCOUNT, "999999999999"))
    found = diagnose(schedule(), facts(role={"trust": copied}), NOW, region=REGION)
    missing = one_kind(FindingKind.ROLE_TRUST_MISSING, found)
    assert missing.severity is Severity.ERROR
    assert "only for aws:SourceAccount 999999999999" in missing.message
    assert f"not the schedule's account {ACCOUNT}" in missing.message
    assert f'"aws:SourceAccount": "{ACCOUNT}"' in missing.fix
    assert diagnose(schedule(), facts(), NOW, region=REGION) == []  # its own account: fine


GROUP_ARN = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/finance"
OTHER_GROUP = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule-group/reports"


def trust_with(condition: dict[str, Any]) -> dict[str, Any]:
    statement = {**GOOD_TRUST["Statement"][0], "Sid": "Sched", "Condition": condition}
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_a_trust_naming_another_groups_source_arn_is_a_missing_trust() -> None:
    # Scheduler sends the group's ARN as aws:SourceArn: a trust scoped to the reports
    # group does not let the finance group's schedules in.
    scoped = trust_with({"ArnLike": {"aws:SourceArn": OTHER_GROUP}})
    found = diagnose(schedule(), facts(role={"trust": scoped}), NOW, region=REGION)
    missing = one_kind(FindingKind.ROLE_TRUST_MISSING, found)
    assert "statement 'Sched'" in missing.message
    assert f"only for aws:SourceArn {OTHER_GROUP} (ArnLike)" in missing.message
    assert f"not this schedule's group ARN {GROUP_ARN}" in missing.message
    assert missing.fix.startswith(f"Add {GROUP_ARN} to that statement's aws:SourceArn values")
    assert f'"aws:SourceAccount": "{ACCOUNT}"' in missing.fix
    # The same role for a schedule of the reports group: no finding about the trust.
    reports = schedule(GroupName="reports", Arn=OTHER_GROUP.replace("-group/", "/") + "/b")
    assert diagnose(reports, facts(role={"trust": scoped}), NOW, region=REGION) == []


def test_a_trust_keeping_this_group_out_says_to_stop_matching_it() -> None:
    # A negated test (ArnNotLike) that matches this group: adding the group's ARN to its
    # values would keep it out all the more; the fix is to take it out of them.
    keeps_out = trust_with({"ArnNotLike": {"aws:SourceArn": f"{GROUP_ARN[:-3]}*"}})
    found = diagnose(schedule(), facts(role={"trust": keeps_out}), NOW, region=REGION)
    missing = one_kind(FindingKind.ROLE_TRUST_MISSING, found)
    assert missing.fix.startswith(f"Remove {GROUP_ARN}, or the pattern that matches it, from")
    assert f"aws:SourceArn {GROUP_ARN[:-3]}* (ArnNotLike)" in missing.fix
    assert f'"aws:SourceAccount": "{ACCOUNT}"' in missing.fix


def test_a_schedule_without_an_arn_is_judged_in_the_sessions_region() -> None:
    # A schedule not yet created has no ARN: its group ARN is the session's region, the
    # role's account and its group.
    scoped = trust_with({"ArnEquals": {"aws:SourceArn": GROUP_ARN}})
    fresh = schedule(Arn=None)
    assert diagnose(fresh, facts(role={"trust": scoped}), NOW, region=REGION) == []
    found = diagnose(fresh, facts(role={"trust": scoped}), NOW, region="eu-west-1")
    assert "schedule-group/finance" in one_kind(FindingKind.ROLE_TRUST_MISSING, found).message


@pytest.mark.parametrize(
    ("condition", "kind"),
    [
        ({"StringEquals": {"aws:SourceAccount": ACCOUNT}}, None),
        ({"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}}, None),
        ({"ForAllValues:StringLike": {"aws:SourceArn": GROUP_ARN[:-3] + "*"}}, None),
        ({"StringEqualsIgnoreCase": {"aws:SourceArn": GROUP_ARN.upper()}}, None),
        ({"StringNotEquals": {"aws:SourceAccount": "999999999999"}}, "unconditioned"),
        ({"ArnNotLike": {"aws:SourceArn": OTHER_GROUP}}, "unconditioned"),
        ({"StringLike": {"aws:SourceAccount": "*"}}, "unconditioned"),
        ({"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}, "missing"),
        ({"ArnNotLikeIfExists": {"aws:SourceArn": GROUP_ARN}}, "missing"),
        ({"StringLike": {"aws:SourceArn": f"arn:aws:scheduler:*:{ACCOUNT}:schedule/*"}}, "missing"),
        ({"NumericLessThan": {"aws:SourceAccount": "5"}}, "uncertain"),
    ],
)
def test_each_source_operator_is_judged_for_the_schedule(
    condition: dict[str, Any], kind: str | None
) -> None:
    found = diagnose(schedule(), facts(role={"trust": trust_with(condition)}), NOW, region=REGION)
    expected = {
        None: [],
        "unconditioned": [FindingKind.ROLE_TRUST_UNCONDITIONED],
        "missing": [FindingKind.ROLE_TRUST_MISSING],
        "uncertain": [FindingKind.ROLE_PERMISSION_UNCERTAIN],
    }[kind]
    assert kinds(found) == expected
    if kind == "unconditioned":
        # It says which condition fails to guard, not "there is none".
        operator = next(iter(condition))
        assert f"({operator})" in found[0].message
        assert "statement 'Sched'" in found[0].message


def test_a_missing_role_gives_the_whole_recipe_and_nothing_else_about_the_role() -> None:
    members, changes, _, _ = BROKEN[FindingKind.ROLE_MISSING]
    found = diagnose(schedule(**members), facts(**changes), NOW, region=REGION)
    assert kinds(found) == [FindingKind.ROLE_MISSING]
    assert f"lambda:InvokeFunction on {FN}" in found[0].fix
    assert f"kms:Decrypt on {KEY}" in found[0].fix


def test_a_role_that_could_not_be_read_is_one_not_checked() -> None:
    role = {"presence": Presence.UNKNOWN, "trust": None, "policies": (), "why": "Throttling"}
    found = diagnose(schedule(), facts(role=role), NOW, region=REGION)
    assert kinds(found) == [FindingKind.NOT_CHECKED]
    assert found[0].message == f"Could not check the execution role {ROLE}: Throttling"


def test_what_is_out_of_reach_is_fixed_by_looking_there_not_by_a_permission() -> None:
    denied = diagnose(schedule(), facts(**BROKEN[FindingKind.NOT_CHECKED][1]), NOW, region=REGION)
    assert "Grant the doctor read access" in denied[0].fix
    target = ResourceFacts(
        FN, Presence.UNKNOWN, why="it is in eu-west-1", elsewhere="Region eu-west-1"
    )
    (elsewhere,) = [
        f
        for f in diagnose(schedule(), facts(target=target), NOW, region=REGION)
        if f.kind is FindingKind.NOT_CHECKED
    ]
    assert elsewhere.fix.startswith("Run the doctor against Region eu-west-1 (--region")
    assert "Grant" not in elsewhere.fix
    role = {"presence": Presence.UNKNOWN, "why": "another account", "elsewhere": "account 999"}
    (other,) = diagnose(schedule(), facts(role=role), NOW, region=REGION)
    assert other.fix.startswith("Run the doctor against account 999")


def test_an_incomplete_read_is_uncertain_not_denied() -> None:
    role = {"policies": (), "complete": False, "why": "ListAttachedRolePolicies denied"}
    found = diagnose(schedule(), facts(role=role), NOW, region=REGION)
    assert set(kinds(found)) == {FindingKind.ROLE_PERMISSION_UNCERTAIN}
    assert len(found) == 3  # the target, the DLQ, the key
    assert all("ListAttachedRolePolicies denied" in f.message for f in found)


def test_without_facts_only_the_definition_speaks() -> None:
    broken = schedule(
        target={"Arn": FN.replace(REGION, "eu-west-1"), "RetryPolicy": {"MaximumRetryAttempts": 0}}
    )
    assert kinds(diagnose(broken, None, NOW, region=REGION)) == [FindingKind.TARGET_OTHER_REGION]
    assert diagnose(schedule(), None, NOW, region=REGION) == []


def test_expired_and_completed_are_warnings_with_their_cleanup_fix() -> None:
    expired = diagnose(schedule(EndDate=NOW - timedelta(days=1)), None, NOW, region=REGION)
    assert "cleanup view" in one_kind(FindingKind.END_PASSED, expired).fix
    once = "at(2026-01-01T00:00:00)"
    kept = diagnose(schedule(ScheduleExpression=once), None, NOW, region=REGION)
    assert (
        "ActionAfterCompletion NONE keeps it forever" in one_kind(FindingKind.AT_PASSED, kept).fix
    )
    # Both are done and waste, not broken: the default --fail-on error passes them.
    assert one_kind(FindingKind.END_PASSED, expired).severity is Severity.WARNING
    assert one_kind(FindingKind.AT_PASSED, kept).severity is Severity.WARNING
    deleting = schedule(ScheduleExpression=once, ActionAfterCompletion="DELETE", State="DISABLED")
    found = diagnose(deleting, None, NOW, region=REGION)
    assert "it has not run" in one_kind(FindingKind.AT_PASSED, found).fix
    # A schedule already expired is not also "disabled for long": one fact, one finding.
    old = schedule(EndDate=NOW - timedelta(days=100), State="DISABLED")
    assert FindingKind.DISABLED_LONG not in kinds(diagnose(old, None, NOW, region=REGION))


def test_every_finding_of_the_definition_gets_a_fix() -> None:
    sloppy = schedule(
        ScheduleExpression="rate(1 hour)",
        StartDate=None,
        target={"DeadLetterConfig": None, "RetryPolicy": None, "Input": '"\\u003caws.scheduler."'},
    )
    found = diagnose(sloppy, None, NOW, region=REGION)
    assert len(found) >= 3
    assert all(finding.fix for finding in found)


@pytest.mark.parametrize(
    ("days", "fires"),
    [(DISABLED_LONG_AFTER.days - 1, False), (DISABLED_LONG_AFTER.days + 1, True)],
)
def test_disabled_long_threshold(days: int, fires: bool) -> None:
    disabled = schedule(State="DISABLED", LastModificationDate=NOW - timedelta(days=days))
    found = kinds(diagnose(disabled, None, NOW, region=REGION))
    assert (FindingKind.DISABLED_LONG in found) is fires


@pytest.mark.parametrize(
    ("expression", "window", "fires"),
    [
        ("rate(1 hour)", 60, False),  # equal to the period: not larger
        ("rate(1 hour)", 61, True),
        ("cron(0 9,10 * * ? *)", 90, True),  # the smallest gap is 60 minutes
        ("cron(0 9,10 * * ? *)", 60, False),
        ("cron(0/5 * * * ? *)", 6, True),
        ("cron(0 2 * * ? *)", 1440, False),  # daily: no window is longer than a day
        ("cron(0 0,23 * * ? *)", 90, True),  # 23:00 to 00:00 the next day: one hour
        ("cron(0 0,23 ? * MON *)", 90, False),  # ...but only when two days in a row fire
        ("cron(0 0,23 ? * MON,TUE *)", 90, True),
        ("at(2027-01-01T00:00:00)", 30, False),
    ],
)
def test_window_over_period(expression: str, window: int, fires: bool) -> None:
    flexible = {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": window}
    found = diagnose(
        schedule(ScheduleExpression=expression, FlexibleTimeWindow=flexible, StartDate=NOW),
        None,
        NOW,
        region=REGION,
    )
    assert (FindingKind.WINDOW_OVER_PERIOD in kinds(found)) is fires


def test_retention_of_the_default_event_age_and_odd_attributes() -> None:
    defaults = schedule(target={"RetryPolicy": None})
    day = ResourceFacts(DLQ, Presence.EXISTS, {"MessageRetentionPeriod": "3600"})
    found = diagnose(defaults, facts(dlq=day), NOW, region=REGION)
    assert "maximum event age of 1d" in one_kind(FindingKind.DLQ_RETENTION_SHORT, found).message
    odd = ResourceFacts(DLQ, Presence.EXISTS, {"MessageRetentionPeriod": "\x1b[31m", "X": "y"})
    assert diagnose(schedule(), facts(dlq=odd), NOW, region=REGION) == []


@pytest.mark.parametrize("retention", ["-5", "1_000", "\u0663\u0660\u0660", " 60 ", "+3", "0x10"])
def test_a_retention_sqs_would_never_write_is_no_finding(retention: str) -> None:
    # SQS answers plain decimal digits; int() also takes a sign, "_" separators, padding
    # and other scripts' digits, and the doctor would report "keeps messages -5s".
    odd = ResourceFacts(DLQ, Presence.EXISTS, {"MessageRetentionPeriod": retention})
    assert diagnose(schedule(), facts(dlq=odd), NOW, region=REGION) == []


@pytest.mark.parametrize("minutes", [2**63 - 1, 10**12])
def test_a_window_of_minutes_near_two_to_the_63_is_a_finding_not_an_overflow(
    minutes: int,
) -> None:
    # AWS allows 1,440; a definition stored around that (another tool, an older API) must
    # not crash the doctor of the whole fleet with OverflowError.
    huge = schedule(FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": minutes})
    found = one_kind(FindingKind.WINDOW_OVER_PERIOD, diagnose(huge, facts(), NOW, region=REGION))
    assert f"Flexible window of {minutes} minutes" in found.message
    assert "Set MaximumWindowInMinutes to at most 1440" in found.fix


@pytest.mark.parametrize("value", [-1, 0, 2**63 - 1])
def test_a_retry_policy_stored_outside_aws_ranges_is_judged_not_a_crash(value: int) -> None:
    # AWS allows 0-185 attempts and 60-86,400 seconds; a definition stored around that
    # must not end the doctor's run with a ValidationError.
    odd = schedule(
        target={"RetryPolicy": {"MaximumRetryAttempts": value, "MaximumEventAgeInSeconds": value}}
    )
    found = diagnose(odd, facts(), NOW, region=REGION)
    short = [f for f in found if f.kind is FindingKind.DLQ_RETENTION_SHORT]
    assert bool(short) == (value > 345_600)  # the healthy DLQ keeps 4 days


def test_hostile_text_is_kept_as_data() -> None:
    # Messages are plain data (the UI sanitizes them): never cut, never crashed on.
    hostile = FN + "-\x1b[2J\u202e" + "x" * 5000
    found = diagnose(
        schedule(target={"Arn": hostile}),
        facts(target=ResourceFacts(hostile, Presence.MISSING)),
        NOW,
        region=REGION,
    )
    assert hostile in one_kind(FindingKind.TARGET_MISSING, found).message


ECS_CLUSTER = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/jobs"
TASK_DEF = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/report:3"
TASK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/report-task"
EXEC_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"


def target_needs(arn: str, **target: Any) -> list[tuple[str, str]]:
    plain = schedule(KmsKeyArn=None, target={"Arn": arn, "DeadLetterConfig": None, **target})
    return [(need.action, need.resource) for need in needs(plain)]


@pytest.mark.parametrize(
    ("arn", "action", "resource"),
    [
        (FN, "lambda:InvokeFunction", FN),
        (f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:m", "states:StartExecution", None),
        (f"arn:aws:sqs:{REGION}:{ACCOUNT}:q", "sqs:SendMessage", None),
        (f"arn:aws:sns:{REGION}:{ACCOUNT}:t", "sns:Publish", None),
        (f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/b", "events:PutEvents", None),
        (f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/s", "kinesis:PutRecord", None),
        (f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/d", "firehose:PutRecord", None),
        (
            f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/p",
            "sagemaker:StartPipelineExecution",
            None,
        ),
        (f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/p", "codebuild:StartBuild", None),
        (f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:p", "codepipeline:StartPipelineExecution", None),
        (f"arn:aws:inspector:{REGION}:{ACCOUNT}:target/t", "inspector:StartAssessmentRun", "*"),
        ("arn:aws:scheduler:::aws-sdk:sfn:startExecution", "states:StartExecution", "*"),
        ("arn:aws:scheduler:::aws-sdk:lambda:invoke", "lambda:InvokeFunction", "*"),
        ("arn:aws:scheduler:::aws-sdk:dynamodb:putItem", "dynamodb:PutItem", "*"),
        ("arn:aws:scheduler:::aws-sdk:cloudwatchlogs:putLogEvents", "logs:PutLogEvents", "*"),
        ("arn:aws:scheduler:::aws-sdk:sqs:sendMessageBatch", "sqs:SendMessage", "*"),
    ],
)
def test_the_targets_action(arn: str, action: str, resource: str | None) -> None:
    assert target_needs(arn) == [(action, resource or arn)]


def test_an_unknown_target_kind_needs_nothing_the_doctor_can_name() -> None:
    assert target_needs(f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/q") == []


def test_ecs_needs_run_task_and_pass_role_on_the_task_definitions_roles() -> None:
    ecs = {"EcsParameters": {"TaskDefinitionArn": TASK_DEF}}
    plain = schedule(KmsKeyArn=None, target={"Arn": ECS_CLUSTER, **ecs})
    assert [(n.action, n.resource) for n in needs(plain)] == [
        ("ecs:RunTask", TASK_DEF),
        ("sqs:SendMessage", DLQ),
    ]
    task = ResourceFacts(
        TASK_DEF,
        Presence.EXISTS,
        {"taskRoleArn": TASK_ROLE, "executionRoleArn": EXEC_ROLE},
    )
    known = facts(target=ResourceFacts(ECS_CLUSTER, Presence.EXISTS), task_definition=task)
    assert [(n.action, n.resource) for n in needs(plain, known)][:3] == [
        ("ecs:RunTask", TASK_DEF),
        ("iam:PassRole", TASK_ROLE),
        ("iam:PassRole", EXEC_ROLE),
    ]
    # The role may run the task but not pass its execution role.
    policy = PolicyDocument(
        "inline ecs",
        {
            "Statement": [
                allow("ecs:RunTask", "arn:aws:ecs:*:*:task-definition/report:*"),
                allow("iam:PassRole", TASK_ROLE),
                allow("sqs:SendMessage", DLQ),
            ]
        },
    )
    known = replace(known, role=replace(known.role, policies=(policy,)))
    found = diagnose(plain, known, NOW, region=REGION)
    assert kinds(found) == [FindingKind.ROLE_PERMISSION_DENIED]
    assert f"may not iam:PassRole on {EXEC_ROLE}" in found[0].message
    missing = replace(task, presence=Presence.MISSING)
    found = diagnose(plain, replace(known, task_definition=missing), NOW, region=REGION)
    assert kinds(found) == [FindingKind.TARGET_MISSING]  # no roles to pass are known now
    assert f"The ECS task definition {TASK_DEF} does not exist" in found[0].message


def test_dlq_and_kms_needs_and_a_key_alias() -> None:
    assert needs(schedule())[1:] == [
        Need("sqs:SendMessage", DLQ, "to send failed events to the DLQ",
             FindingKind.DLQ_PERMISSION_DENIED),
        Need("kms:Decrypt", KEY, "to decrypt the schedule's data with its KMS key",
             FindingKind.KMS_PERMISSION_DENIED),
    ]  # fmt: skip
    alias = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/billing"
    aliased = schedule(KmsKeyArn=alias)
    assert needs(aliased)[-1].resource == "*"  # IAM sees the key, which is not known
    resolved = facts(key=ResourceFacts(KEY, Presence.EXISTS, {"KeyState": "Enabled"}))
    assert needs(aliased, resolved)[-1].resource == KEY


def diagnosis(name: str, *severities: Severity, group: str = "g") -> Diagnosis:
    found = tuple(Finding(FindingKind.NOT_CHECKED, s, name) for s in severities)
    return Diagnosis(group, name, found)


def test_report_sorts_by_worst_then_group_and_name_and_gates() -> None:
    done = report(
        [
            diagnosis("quiet"),
            diagnosis("b", Severity.WARNING, Severity.INFO),
            diagnosis("a", Severity.INFO),
            diagnosis("z", Severity.ERROR, Severity.INFO),
            diagnosis("b", Severity.WARNING, group="a"),
        ],
        notes=["3 targets of kinds the doctor does not check"],
        calls=7,
    )
    assert [(d.group, d.name) for d in done.diagnoses] == [
        ("g", "z"), ("a", "b"), ("g", "b"), ("g", "a"), ("g", "quiet"),
    ]  # fmt: skip
    assert done.calls == 7
    assert done.notes == ("3 targets of kinds the doctor does not check",)
    assert len(done.at_or_above(Severity.ERROR)) == 1
    assert [(d.name, f.severity) for d, f in done.at_or_above(Severity.WARNING)] == [
        ("z", Severity.ERROR), ("b", Severity.WARNING), ("b", Severity.WARNING),
    ]  # fmt: skip
    assert len(done.at_or_above(Severity.INFO)) == 6


def test_a_zone_this_machine_does_not_know_is_a_finding_not_a_crash() -> None:
    stored = Schedule.from_api(
        {
            "Name": "s",
            "ScheduleExpression": "at(2020-01-01T00:00:00)",
            "ScheduleExpressionTimezone": "Mars/Olympus",
            "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5},
            "Target": {"Arn": FN, "RoleArn": ROLE},
        }
    )
    found = diagnose(stored, facts(), NOW, region=REGION)
    invalid = one_kind(FindingKind.INVALID_EXPRESSION, found)
    assert invalid.message == (
        "Invalid time zone: 'Mars/Olympus' is not an IANA time zone name (e.g. Europe/Madrid)"
    )
    assert invalid.fix
