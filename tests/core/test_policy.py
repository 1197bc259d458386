"""The doctor's IAM evaluation: allowed, denied or cannot tell, and which statement said so."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from schedtui.core.health.policy import (
    Decision,
    evaluate,
    evaluate_role,
    scheduler_trust,
)
from schedtui.core.health.resources import PolicyDocument, Presence, RoleFacts

FN = "arn:aws:lambda:us-east-1:123456789012:function:billing"
ROLE = "arn:aws:iam::123456789012:role/scheduler"


def policy(*statements: Any, source: str = "inline p") -> PolicyDocument:
    return PolicyDocument(source, {"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = FN, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **more}


def deny(action: Any, resource: Any = FN, **more: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **more}


def decide(*policies: PolicyDocument, action: str = "lambda:InvokeFunction", res: str = FN) -> Any:
    return evaluate(policies, action, res)


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("lambda:InvokeFunction", FN),
        (["s3:GetObject", "lambda:InvokeFunction"], [FN]),
        ("lambda:*", "*"),
        ("*", "arn:aws:lambda:*:123456789012:function:*"),
        ("LAMBDA:invokefunction", FN),  # actions ignore case
        ("lambda:Invoke*", "arn:aws:lambda:us-east-1:123456789012:function:bill?ng"),
    ],
)
def test_an_allow_that_covers_the_request(action: Any, resource: Any) -> None:
    verdict = decide(policy(allow(action, resource, Sid="Invoke")))
    assert verdict.decision is Decision.ALLOWED
    assert "statement 'Invoke' of policy inline p" in verdict.why


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("lambda:GetFunction", FN),
        ("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:other"),
        ("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:Billing"),
        ("lambda:Invoke?", FN),  # ? is exactly one character
        ("sqs:*", "*"),
    ],
)
def test_an_allow_that_misses_is_an_implicit_deny(action: Any, resource: Any) -> None:
    verdict = decide(policy(allow(action, resource)))
    assert verdict.decision is Decision.DENIED
    assert not verdict.explicit
    assert "no statement allows lambda:InvokeFunction on " + FN in verdict.why
    assert "inline p" in verdict.why


def test_no_policies_at_all() -> None:
    assert decide().decision is Decision.DENIED


def test_explicit_deny_wins_over_any_allow_in_any_policy() -> None:
    verdict = decide(
        policy(allow("*", "*"), source="arn:aws:iam::aws:policy/AdministratorAccess"),
        policy(allow("lambda:InvokeFunction")),
        policy({"Sid": "NoLambda", **deny("lambda:*", "*")}, source="inline guard"),
    )
    assert verdict.decision is Decision.DENIED
    assert verdict.explicit
    assert "statement 'NoLambda' of policy inline guard" in verdict.why


def test_a_deny_on_another_resource_leaves_the_allow() -> None:
    verdict = decide(policy(allow("lambda:*", "*"), deny("lambda:*", FN + "-prod")))
    assert verdict.decision is Decision.ALLOWED
    assert "statement 1 of policy inline p" in verdict.why  # no Sid: its index


def test_not_action_and_not_resource() -> None:
    everything_but_iam = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    assert decide(policy(everything_but_iam)).decision is Decision.ALLOWED
    no_lambda = {"Effect": "Allow", "NotAction": ["lambda:*"], "Resource": "*"}
    assert decide(policy(no_lambda)).decision is Decision.DENIED
    not_this = {"Effect": "Allow", "Action": "lambda:*", "NotResource": FN}
    assert decide(policy(not_this)).decision is Decision.DENIED
    not_others = {"Effect": "Allow", "Action": "lambda:*", "NotResource": [FN + "-x"]}
    assert decide(policy(not_others)).decision is Decision.ALLOWED
    deny_others = {"Effect": "Deny", "Action": "*", "NotResource": FN}
    assert decide(policy(allow("*", "*"), deny_others)).decision is Decision.ALLOWED


def test_a_conditional_allow_cannot_be_told() -> None:
    conditional = allow(
        "lambda:InvokeFunction", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    )
    verdict = decide(policy(conditional))
    assert verdict.decision is Decision.CANNOT_TELL
    assert "statement 1 of policy inline p" in verdict.why
    assert "condition" in verdict.why


def test_a_conditional_deny_that_would_match_makes_an_allow_uncertain() -> None:
    guard = deny("*", "*", Sid="OffHours", Condition={"DateGreaterThan": {"aws:CurrentTime": "x"}})
    verdict = decide(policy(allow("lambda:*", "*")), policy(guard, source="inline hours"))
    assert verdict.decision is Decision.CANNOT_TELL
    assert "statement 'OffHours' of policy inline hours" in verdict.why
    # A conditional deny of something else changes nothing.
    other = deny("s3:*", "*", Condition={"Bool": {"aws:SecureTransport": "false"}})
    assert decide(policy(allow("lambda:*", "*"), other)).decision is Decision.ALLOWED
    # Without any allow, it is denied anyway.
    assert decide(policy(guard)).decision is Decision.DENIED


def test_a_policy_variable_in_the_resource_cannot_be_told() -> None:
    mine = allow("lambda:*", "arn:aws:lambda:us-east-1:123456789012:function:${aws:username}")
    assert decide(policy(mine)).decision is Decision.CANNOT_TELL
    elsewhere = allow("lambda:*", "arn:aws:lambda:eu-west-1:123456789012:function:${aws:username}")
    assert decide(policy(elsewhere)).decision is Decision.DENIED


def test_an_unknown_resource_is_covered_only_by_a_star() -> None:
    # A universal target acts on what its Input names: the doctor asks about "*".
    star = policy(allow("sqs:SendMessage", "*"))
    assert evaluate([star], "sqs:SendMessage", "*").decision is Decision.ALLOWED
    one_queue = policy(allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q"))
    assert evaluate([one_queue], "sqs:SendMessage", "*").decision is Decision.CANNOT_TELL


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"Statement": "nope"},
        {"Statement": []},
        {"Statement": [42]},
        {"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": 7, "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "*", "NotAction": "x", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": "x"}]},
        ["not", "a", "mapping"],
    ],
)
def test_a_malformed_document_never_crashes_and_is_never_sure(document: Any) -> None:
    verdict = decide(PolicyDocument("inline odd", document))
    assert verdict.decision is Decision.CANNOT_TELL
    assert "inline odd" in verdict.why
    assert "malformed" in verdict.why


@pytest.mark.parametrize(
    "look_alike",
    ["lambda:\u0130nvokeFunction", "lambda:\u0131nvokeFunction", "\u017fqs:SendMessage"],
)
def test_a_unicode_look_alike_action_is_not_the_ascii_action(look_alike: str) -> None:
    # IAM compares actions ignoring ASCII case only; Python's Unicode folding takes the
    # dotted I, the dotless i and the long s for ASCII letters and would say ALLOWED.
    action = "sqs:SendMessage" if "qs:" in look_alike else "lambda:InvokeFunction"
    assert decide(policy(allow(look_alike, "*")), action=action).decision is Decision.DENIED
    assert decide(policy(allow(action.upper(), "*")), action=action).decision is Decision.ALLOWED


def test_a_malformed_policy_does_not_hide_an_explicit_deny() -> None:
    odd = PolicyDocument("inline odd", {"Statement": {"Effect": 1}})
    verdict = decide(odd, policy(deny("lambda:*", "*")))
    assert verdict.decision is Decision.DENIED


def test_a_single_statement_object_is_read() -> None:
    single = PolicyDocument("inline one", {"Statement": allow("lambda:InvokeFunction")})
    assert decide(single).decision is Decision.ALLOWED


def role(**members: Any) -> RoleFacts:
    return RoleFacts(**{"arn": ROLE, "presence": Presence.EXISTS, **members})


def test_evaluate_role_incomplete_read_makes_an_implicit_deny_uncertain() -> None:
    partial = role(policies=(policy(allow("s3:*", "*")),), complete=False, why="AccessDenied")
    verdict = evaluate_role(partial, "lambda:InvokeFunction", FN)
    assert verdict.decision is Decision.CANNOT_TELL
    assert "could not be read" in verdict.why
    assert "AccessDenied" in verdict.why
    # A Deny that was read is certain whatever was not.
    denied = role(policies=(policy(deny("lambda:*", "*")),), complete=False)
    assert evaluate_role(denied, "lambda:InvokeFunction", FN).decision is Decision.DENIED
    whole = role(policies=(policy(allow("s3:*", "*")),))
    assert evaluate_role(whole, "lambda:InvokeFunction", FN).decision is Decision.DENIED


def test_an_allow_beside_a_policy_that_could_not_be_read_is_never_sure() -> None:
    # The unread policy may hold an explicit Deny (IAM answered the name of one the doctor
    # could not fetch: denied, throttled, a name that did not survive the wire).
    partial = role(
        policies=(policy(allow("lambda:*", "*")),), complete=False, why="inline guard: not found"
    )
    verdict = evaluate_role(partial, "lambda:InvokeFunction", FN)
    assert verdict.decision is Decision.CANNOT_TELL
    assert "allows lambda:InvokeFunction" in verdict.why
    assert "could not be read (inline guard: not found) and may deny it" in verdict.why
    whole = role(policies=(policy(allow("lambda:*", "*")),))
    assert evaluate_role(whole, "lambda:InvokeFunction", FN).decision is Decision.ALLOWED


@pytest.mark.parametrize("presence", [Presence.MISSING, Presence.UNKNOWN])
def test_evaluate_role_of_a_role_not_read(presence: Presence) -> None:
    facts = role(presence=presence, policies=(policy(allow("*", "*")),), why="Throttling")
    verdict = evaluate_role(facts, "lambda:InvokeFunction", FN)
    assert verdict.decision is Decision.CANNOT_TELL
    assert ROLE in verdict.why


def trust(*statements: Any) -> RoleFacts:
    return role(trust={"Version": "2012-10-17", "Statement": list(statements)})


def assume(principal: Any, **more: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **more}


@pytest.mark.parametrize(
    "principal",
    [
        {"Service": "scheduler.amazonaws.com"},
        {"Service": ["lambda.amazonaws.com", "scheduler.amazonaws.com"]},
        "*",
        {"AWS": "*"},
    ],
)
def test_trust_that_lets_scheduler_in_without_a_condition(principal: Any) -> None:
    verdict = scheduler_trust(trust(assume(principal, Sid="Sched")))
    assert verdict.decision is Decision.ALLOWED
    assert not verdict.conditioned
    assert "statement 'Sched' of the trust policy of " + ROLE in verdict.why


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:scheduler:us-east-1:123456789012:schedule/*"}},
        {"StringLike": {"AWS:SOURCEARN": "arn:aws:scheduler:*:123456789012:*"}},
        {
            "StringEquals": {"aws:SourceAccount": "123456789012"},
            "ArnEquals": {"aws:SourceArn": "arn:aws:scheduler:us-east-1:123456789012:x"},
        },
    ],
)
def test_trust_conditioned_on_the_source(condition: dict[str, Any]) -> None:
    # Without the schedule's account and group ARN, the values are not checked: the
    # statement limits who may use the role, which is all the guard asks.
    service = {"Service": "scheduler.amazonaws.com"}
    verdict = scheduler_trust(trust(assume(service, Condition=condition)))
    assert verdict.decision is Decision.ALLOWED
    assert verdict.conditioned


@pytest.mark.parametrize(
    ("condition", "decision"),
    [
        ({"StringEquals": {"aws:SourceAccount": "999999999999"}}, Decision.DENIED),
        (
            {"StringEquals": {"aws:SourceAccount": ["999999999999", "123456789012"]}},
            Decision.ALLOWED,
        ),
        ({"StringLike": {"AWS:SourceAccount": "12345678901?"}}, Decision.ALLOWED),
        ({"StringLikeIfExists": {"aws:SourceAccount": "9*"}}, Decision.DENIED),
    ],
)
def test_trust_conditioned_on_another_account_keeps_the_schedule_out(
    condition: dict[str, Any], decision: Decision
) -> None:
    # A trust copied from another account: Scheduler's aws:SourceAccount is the
    # schedule's own, the condition fails, and every invocation fails to assume the role.
    guarded = trust(assume({"Service": "scheduler.amazonaws.com"}, Condition=condition))
    verdict = scheduler_trust(guarded, "123456789012")
    assert verdict.decision is decision
    if decision is Decision.DENIED:
        assert "not the schedule's account 123456789012" in verdict.why
    # Without the schedule's account, the values are not checked.
    assert scheduler_trust(guarded).decision is not Decision.DENIED


def test_trust_for_another_service_or_action_keeps_scheduler_out() -> None:
    lambda_only = assume({"Service": "lambda.amazonaws.com"})
    tagging = {**assume({"Service": "scheduler.amazonaws.com"}), "Action": "sts:TagSession"}
    verdict = scheduler_trust(trust(lambda_only, tagging))
    assert verdict.decision is Decision.DENIED
    assert "scheduler.amazonaws.com" in verdict.why


def test_trust_with_a_wildcard_action_and_a_list() -> None:
    wild = {**assume({"Service": "scheduler.amazonaws.com"}), "Action": ["sts:Assume*"]}
    assert scheduler_trust(trust(wild)).decision is Decision.ALLOWED


def test_trust_under_another_condition_cannot_be_told() -> None:
    external = assume(
        {"Service": "scheduler.amazonaws.com"},
        Condition={"StringEquals": {"sts:ExternalId": "x", "aws:SourceAccount": "123456789012"}},
    )
    verdict = scheduler_trust(trust(external))
    assert verdict.decision is Decision.CANNOT_TELL
    assert verdict.conditioned


def test_trust_explicit_deny_and_unread_trust() -> None:
    service = {"Service": "scheduler.amazonaws.com"}
    denied = scheduler_trust(trust(assume(service), {**assume(service), "Effect": "Deny"}))
    assert denied.decision is Decision.DENIED
    assert scheduler_trust(role(trust=None)).decision is Decision.CANNOT_TELL
    missing = role(presence=Presence.MISSING)
    assert scheduler_trust(missing).decision is Decision.CANNOT_TELL
    odd = scheduler_trust(role(trust={"Statement": [{"Effect": "Allow", "Action": 3}]}))
    assert odd.decision is Decision.CANNOT_TELL
    assert "malformed" in odd.why


@pytest.mark.parametrize("condition", [[], ["aws:SourceAccount"], "x", 0])
def test_a_trust_condition_that_is_not_an_object_is_never_read_as_none(condition: Any) -> None:
    # An empty list or a string is no Condition AWS would store: the doctor cannot say
    # the role is open to Scheduler (nor unconditioned), only that it cannot tell.
    odd = assume({"Service": "scheduler.amazonaws.com"}, Condition=condition)
    verdict = scheduler_trust(trust(odd))
    assert verdict.decision is Decision.CANNOT_TELL
    assert "its Condition is not an object" in verdict.why


def test_brackets_are_literal_and_a_hostile_pattern_ends() -> None:
    bracket = "arn:aws:sqs:us-east-1:123456789012:q[1]"
    queue = policy(allow("sqs:SendMessage", bracket))
    assert evaluate([queue], "sqs:SendMessage", bracket).decision is Decision.ALLOWED
    assert evaluate([queue], "sqs:SendMessage", bracket[:-3] + "1").decision is Decision.DENIED
    # Backtracking regexes take for ever on this; the answer must simply come.
    hostile = policy(allow("sqs:*", "*a" * 40 + "*b"))
    assert decide(hostile, action="sqs:SendMessage", res="a" * 20_000).decision is Decision.DENIED


def test_answers_remembered_per_role_follow_the_role() -> None:
    # The doctor remembers answers per role object: another role with other policies (or
    # a fresh read of the same role) is never answered from the first one's memory.
    for _ in range(3):
        allowed = role(policies=(policy(allow("lambda:*", "*")),))
        denied = role(policies=(policy(allow("sqs:*", "*")),))
        assert evaluate_role(allowed, "lambda:InvokeFunction", FN).decision is Decision.ALLOWED
        assert evaluate_role(denied, "lambda:InvokeFunction", FN).decision is Decision.DENIED
        open_trust = trust(assume("*"))
        assert scheduler_trust(open_trust).decision is Decision.ALLOWED
        assert scheduler_trust(trust()).decision is Decision.CANNOT_TELL  # no statement


ACCOUNT = "123456789012"
GROUP_ARN = f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule-group/finance"
OTHER_GROUP = f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule-group/other"
SCHEDULER = {"Service": "scheduler.amazonaws.com"}


def for_finance(*statements: Any) -> Any:
    """The trust verdict for a schedule of group finance in account ACCOUNT."""
    return scheduler_trust(trust(*statements), ACCOUNT, GROUP_ARN)


# Each condition on the source keys, judged for the finance schedule: does the statement
# admit it, and does it limit the role to the owner's schedules (the confused-deputy guard)?
@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        # IfExists: a request without the key would pass, but Scheduler always sends it.
        {"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}},
        {"ForAnyValue:StringEquals": {"aws:SourceAccount": ACCOUNT}},
        # ForAllValues on a single-valued key passes a request without it (AWS warns);
        # Scheduler's has it, so it tests the one value.
        {"ForAllValues:StringEquals": {"aws:SourceAccount": ACCOUNT}},
        {"StringEqualsIgnoreCase": {"aws:SourceArn": GROUP_ARN.upper()}},
        {"StringLike": {"aws:SourceArn": f"arn:aws:scheduler:*:{ACCOUNT}:schedule-group/*"}},
        {"ArnLike": {"aws:SourceArn": f"arn:aws:scheduler:*:{ACCOUNT}:schedule-group/fin*"}},
        {"ArnLikeIfExists": {"aws:SourceArn": [OTHER_GROUP, GROUP_ARN]}},
        # ArnEquals takes wildcards within each segment, as ArnLike does (AWS's docs).
        {"ArnEquals": {"aws:SourceArn": GROUP_ARN.replace("finance", "fin?nce")}},
        {
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
            "ArnLike": {"aws:SourceArn": GROUP_ARN},
        },
    ],
)
def test_a_positive_source_condition_the_schedule_meets_is_the_guard(
    condition: dict[str, Any],
) -> None:
    verdict = for_finance(assume(SCHEDULER, Condition=condition))
    assert (verdict.decision, verdict.conditioned) == (Decision.ALLOWED, True)


@pytest.mark.parametrize(
    ("condition", "said"),
    [
        # Negated operators keep some accounts out and let every other one in.
        ({"StringNotEquals": {"aws:SourceAccount": "999999999999"}}, "(StringNotEquals)"),
        ({"StringNotEqualsIfExists": {"aws:SourceAccount": "9*"}}, "(StringNotEqualsIfExists)"),
        ({"StringNotLike": {"aws:SourceArn": "arn:aws:scheduler:*:999999999999:*"}}, "NotLike"),
        ({"ArnNotEquals": {"aws:SourceArn": OTHER_GROUP}}, OTHER_GROUP),
        ({"ForAnyValue:ArnNotLikeIfExists": {"aws:SourceArn": OTHER_GROUP}}, "ArnNotLike"),
        # Positive, but any account's schedule matches.
        ({"StringLike": {"aws:SourceAccount": "*"}}, "aws:SourceAccount * (StringLike)"),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:scheduler:*:*:schedule-group/*"}}, "ArnLike"),
        ({"Null": {"aws:SourceArn": "false"}}, "(Null)"),
    ],
)
def test_a_source_condition_that_limits_nothing_is_no_guard(
    condition: dict[str, Any], said: str
) -> None:
    verdict = for_finance(assume(SCHEDULER, Sid="Loose", Condition=condition))
    assert (verdict.decision, verdict.conditioned) == (Decision.ALLOWED, False)
    assert "statement 'Loose'" in verdict.why
    assert said in verdict.why
    assert "does not limit it to this account's schedules" in verdict.why


@pytest.mark.parametrize(
    ("condition", "said"),
    [
        ({"StringEquals": {"aws:SourceAccount": "999999999999"}}, "the schedule's account"),
        ({"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}, "keeps out aws:SourceAccount"),
        ({"ArnLike": {"aws:SourceArn": OTHER_GROUP}}, f"only for aws:SourceArn {OTHER_GROUP}"),
        ({"ForAllValues:ArnLike": {"aws:SourceArn": OTHER_GROUP}}, OTHER_GROUP),
        # Case matters in ARNs; StringEquals takes "*" literally; every segment must be there.
        ({"ArnEquals": {"aws:SourceArn": GROUP_ARN.upper()}}, GROUP_ARN.upper()),
        ({"StringEquals": {"aws:SourceArn": GROUP_ARN[:-7] + "*"}}, "(StringEquals)"),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:scheduler:*"}}, "(ArnLike)"),
        ({"StringNotLike": {"aws:SourceArn": GROUP_ARN[:-4] + "*"}}, "keeps out aws:SourceArn"),
        ({"Null": {"aws:SourceAccount": "true"}}, "Scheduler always sends it"),
        (
            {"ArnEquals": {"aws:SourceArn": GROUP_ARN.replace("-group/", "/") + "/billing"}},
            "never a schedule's",
        ),
    ],
)
def test_a_source_condition_the_schedule_fails_keeps_it_out(
    condition: dict[str, Any], said: str
) -> None:
    verdict = for_finance(assume(SCHEDULER, Sid="Copied", Condition=condition))
    assert verdict.decision is Decision.DENIED
    assert "statement 'Copied'" in verdict.why
    assert said in verdict.why
    on_arn = "aws:SourceArn" in json_keys(condition)
    if on_arn and "Null" not in condition:
        assert f"this schedule's group ARN {GROUP_ARN}" in verdict.why
    # Adding the group to the values fixes a positive test only; a negated one must stop
    # matching it instead.
    negated = any("Not" in operator for operator in condition)
    assert verdict.other_group is (on_arn and not negated)
    assert bool(verdict.kept_out_by) is (on_arn and negated)


def json_keys(condition: dict[str, Any]) -> set[str]:
    return {key for tests in condition.values() for key in tests}


@pytest.mark.parametrize(
    "condition",
    [
        {"NumericEquals": {"aws:SourceAccount": "1"}},
        {"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}},
        {"ArnLike": {"aws:SourceAccount": ACCOUNT}},  # an account is no ARN
        {"ForAnyValue:DateEquals": {"aws:SourceArn": GROUP_ARN}},
    ],
)
def test_a_source_condition_the_doctor_does_not_evaluate_cannot_be_told(
    condition: dict[str, Any],
) -> None:
    verdict = for_finance(assume(SCHEDULER, Condition=condition))
    assert verdict.decision is Decision.CANNOT_TELL
    assert "is not evaluated" in verdict.why or "policy variable" in verdict.why


@pytest.mark.parametrize(
    ("condition", "decision"),
    [
        # IAM's grammar: quotes are optional for numbers and booleans; compared as their text.
        ({"StringEquals": {"aws:SourceAccount": int(ACCOUNT)}}, Decision.ALLOWED),
        ({"StringEquals": {"aws:SourceAccount": [999999999999, int(ACCOUNT)]}}, Decision.ALLOWED),
        ({"StringEquals": {"aws:SourceAccount": 999999999999}}, Decision.DENIED),
        ({"Null": {"aws:SourceArn": True}}, Decision.DENIED),
        ({"StringEquals": {"aws:SourceAccount": True}}, Decision.DENIED),  # "true", not "1"
        # A float's text is lost in parsing (1.23456789012e11); a number too long to print;
        # no value; an object: never a confident answer.
        ({"StringEquals": {"aws:SourceAccount": float(ACCOUNT)}}, Decision.CANNOT_TELL),
        ({"StringEquals": {"aws:SourceAccount": 10**5_000}}, Decision.CANNOT_TELL),
        ({"StringEquals": {"aws:SourceAccount": []}}, Decision.CANNOT_TELL),
        ({"StringEquals": {"aws:SourceAccount": {"n": 1}}}, Decision.CANNOT_TELL),
    ],
)
def test_unquoted_numbers_and_booleans_are_judged_as_their_text(
    condition: dict[str, Any], decision: Decision
) -> None:
    assert for_finance(assume(SCHEDULER, Condition=condition)).decision is decision


def test_an_unquoted_null_false_beside_the_account_is_the_guard() -> None:
    condition = {"Null": {"aws:SourceArn": False}, "StringEquals": {"aws:SourceAccount": ACCOUNT}}
    verdict = for_finance(assume(SCHEDULER, Condition=condition))
    assert (verdict.decision, verdict.conditioned) == (Decision.ALLOWED, True)


def test_a_sibling_the_doctor_cannot_judge_keeps_the_guard_in_doubt() -> None:
    # IAM grants if any statement allows: beside the guarded one, a statement conditioned
    # on the time only may let any account's schedules in.
    guarded = assume(
        SCHEDULER, Sid="Guarded", Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    )
    timed = {"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}
    verdict = for_finance(guarded, assume(SCHEDULER, Sid="Always", Condition=timed))
    assert (verdict.decision, verdict.conditioned) == (Decision.ALLOWED, False)
    assert "statement 'Always'" in verdict.why
    # The same sibling with its own guard, or fenced by a Deny, guards nothing less.
    both = {**timed, "StringEquals": {"aws:SourceAccount": ACCOUNT}}
    verdict = for_finance(guarded, assume(SCHEDULER, Sid="Also", Condition=both))
    assert (verdict.decision, verdict.conditioned) == (Decision.ALLOWED, True)
    fence = {
        **assume(SCHEDULER, Sid="Fence"),
        "Effect": "Deny",
        "Condition": {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}},
    }
    verdict = for_finance(guarded, assume(SCHEDULER, Sid="Always", Condition=timed), fence)
    assert (verdict.decision, verdict.conditioned) == (Decision.ALLOWED, True)
    # A sibling whose source test the doctor cannot evaluate may or may not be a guard.
    odd = {"ArnLike": {"aws:SourceAccount": ACCOUNT}}
    verdict = for_finance(guarded, assume(SCHEDULER, Sid="Odd", Condition=odd))
    assert verdict.decision is Decision.CANNOT_TELL
    assert "statement 'Odd'" in verdict.why
    assert "is not evaluated" in verdict.why


@pytest.mark.parametrize(
    ("condition", "other_group", "kept_out"),
    [
        # Copied from another account: the account test fails as well as the group's.
        (
            {
                "ArnLike": {"aws:SourceArn": GROUP_ARN.replace(ACCOUNT, "999999999999")},
                "StringEquals": {"aws:SourceAccount": "999999999999"},
            },
            False,
            False,
        ),
        # Two positive group tests, both naming another group: adding it to both lets it in.
        (
            {
                "ArnLike": {"aws:SourceArn": OTHER_GROUP},
                "StringLike": {"aws:SourceArn": OTHER_GROUP},
            },
            True,
            False,
        ),
        # One names another group, one keeps this group out: neither fix alone will do.
        (
            {"ArnLike": {"aws:SourceArn": OTHER_GROUP}, "ArnNotLike": {"aws:SourceArn": GROUP_ARN}},
            False,
            False,
        ),
        ({"ArnNotEquals": {"aws:SourceArn": GROUP_ARN}}, False, True),
    ],
)
def test_every_failing_source_test_is_named_and_shapes_the_fix(
    condition: dict[str, Any], other_group: bool, kept_out: bool
) -> None:
    verdict = for_finance(assume(SCHEDULER, Condition=condition))
    assert verdict.decision is Decision.DENIED
    for operator in condition:
        assert f"({operator})" in verdict.why
    assert verdict.other_group is other_group
    assert bool(verdict.kept_out_by) is kept_out


def test_deny_statements_are_judged_for_the_schedule_too() -> None:
    # "Deny unless it is my account" beside an open Allow: the Deny is the guard.
    fence = {**assume(SCHEDULER, Sid="Fence"), "Effect": "Deny"}
    mine = {**fence, "Condition": {"StringNotEquals": {"aws:SourceAccount": ACCOUNT}}}
    verdict = for_finance(assume(SCHEDULER), mine)
    assert (verdict.decision, verdict.conditioned) == (Decision.ALLOWED, True)
    assert "statement 'Fence'" in verdict.why
    # A Deny that also asks for this schedule's own group fences nobody else out.
    narrow = {**mine, "Condition": {**mine["Condition"], "ArnLike": {"aws:SourceArn": GROUP_ARN}}}
    verdict = for_finance(assume(SCHEDULER), narrow)
    assert (verdict.decision, verdict.conditioned) == (Decision.ALLOWED, False)
    # A fence for another account's schedules denies this one.
    theirs = {**fence, "Condition": {"StringNotEquals": {"aws:SourceAccount": "999999999999"}}}
    assert for_finance(assume(SCHEDULER), theirs).decision is Decision.DENIED
    # A Deny for another group's schedules does not touch this one (nor guard it).
    other = {**fence, "Condition": {"ArnLike": {"aws:SourceArn": OTHER_GROUP}}}
    verdict = for_finance(assume(SCHEDULER), other)
    assert (verdict.decision, verdict.conditioned) == (Decision.ALLOWED, False)
    # Without the schedule's account, a conditioned Deny is a doubt, never a sure answer.
    unknown = {**fence, "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}
    assert scheduler_trust(trust(assume(SCHEDULER), unknown)).decision is Decision.CANNOT_TELL


def test_the_trust_verdict_is_remembered_per_group() -> None:
    # One role, schedules of two groups: the answer for one is never the other's.
    named = trust(assume(SCHEDULER, Condition={"ArnLike": {"aws:SourceArn": GROUP_ARN}}))
    for _ in range(2):
        assert scheduler_trust(named, ACCOUNT, GROUP_ARN).decision is Decision.ALLOWED
        assert scheduler_trust(named, ACCOUNT, OTHER_GROUP).decision is Decision.DENIED


def test_a_hostile_source_condition_is_quoted_briefly_and_never_hangs() -> None:
    # Thousands of values, each huge and a backtracking trap: the answer comes, and the
    # message quotes the first few, cut short.
    trap = "arn:aws:scheduler:*:*:" + "*a" * 2_000 + "*b"
    condition = {"ArnLike": {"aws:SourceArn": [trap] * 5_000}}
    verdict = for_finance(assume(SCHEDULER, Condition=condition))
    assert verdict.decision is Decision.DENIED
    assert "and 4997 more (ArnLike)" in verdict.why
    assert len(verdict.why) < 1_500


def test_thousands_of_failing_source_tests_are_counted_not_listed() -> None:
    # Each spelling of an operator is a test of its own (IAM folds their case): a hostile
    # statement may fail thousands; the answer comes at once and names the first few.
    spellings = itertools.product(*((c, c.upper()) for c in "stringequals"))
    condition = {"".join(s): {"aws:SourceAccount": "999999999999"} for s in spellings}
    verdict = for_finance(assume(SCHEDULER, Condition=condition))
    assert verdict.decision is Decision.DENIED
    assert f"and fails {len(condition) - 3} more source tests" in verdict.why
    assert len(verdict.why) < 1_500
