"""IAM policy evaluation, as far as identity and trust policies can say (the doctor's).

``evaluate`` applies AWS's order (an explicit Deny wins, then an Allow, else implicit deny)
to the role's identity policies for one action on one resource, with wildcards in actions
and resources, NotAction / NotResource. What it cannot see (conditions it cannot decide,
permissions boundaries, SCPs, resource policies, a policy it could not read) makes the
answer CANNOT_TELL, never ALLOWED: it says which in ``why``.

Each statement matches a request YES, NO or MAYBE (MAYBE: it would match under a condition
the doctor cannot decide, a policy variable, or an unknown resource). An explicit Deny that
matches YES decides DENIED; one that matches MAYBE makes an Allow CANNOT_TELL. A malformed
statement (AWS refuses those, so a reader gave us something odd) is MAYBE both ways: never
a crash, never a confident answer. Permissions boundaries and SCPs are not read: ALLOWED
means "the role's own policies allow it".

One simplification: a ``*`` in a resource matches across colons wherever it stands (IAM
lets only a ``*`` that ends an ARN segment do that). Policies rarely put one mid-segment,
and an exact segment-aware matcher would give up fnmatch's protection against patterns
that backtrack for ever.
"""

from __future__ import annotations

import fnmatch
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from functools import partial
from threading import Lock
from typing import Any, Final, TypeVar

from schedtui.core.health.resources import PolicyDocument, Presence, RoleFacts

SCHEDULER_PRINCIPAL: Final = "scheduler.amazonaws.com"
# The condition keys AWS recommends on the scheduler's trust (the confused-deputy guard).
_SOURCE_KEYS: Final = frozenset({"aws:sourceaccount", "aws:sourcearn"})
# The resource when the doctor cannot know it (a universal target acts on what its Input says).
ANY_RESOURCE: Final = "*"
T = TypeVar("T")


class Decision(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    CANNOT_TELL = "cannot tell"


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    why: str  # for people: which statement of which policy decided, or what was unknowable
    explicit: bool = False  # DENIED by a Deny statement (certain even when a read was partial)


@dataclass(frozen=True)
class TrustVerdict:
    decision: Decision  # may scheduler.amazonaws.com assume the role
    conditioned: bool  # aws:SourceAccount or aws:SourceArn limits who, as AWS recommends
    why: str


class _Match(IntEnum):
    NO = 0
    MAYBE = 1
    YES = 2


class _Malformed(ValueError):
    """A policy element of a shape AWS would refuse."""


def _strings(value: Any, element: str) -> list[str]:
    """A policy element that may be one string or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return list(value)
    raise _Malformed(f"{element} is neither a string nor a list of strings")


def _label(statement: Mapping[str, Any], index: int) -> str:
    sid = statement.get("Sid")
    return f"statement '{sid}'" if isinstance(sid, str) and sid else f"statement {index + 1}"


def _wildcards(patterns: Sequence[str], ignore_case: bool) -> re.Pattern[str] | None:
    """One regex for IAM wildcards (``*`` any run, ``?`` any one character, the rest
    literal). fnmatch's translation, with ``[`` made literal: its atomic groups keep a
    hostile pattern (``*a*a*a*a*``) from backtracking for ever."""
    if not patterns:
        return None
    parts = (fnmatch.translate(pattern.replace("[", "[[]")) for pattern in patterns)
    # IAM folds only ASCII case in actions: Python's Unicode folding would read a look-alike
    # (a long s for "s", a dotted capital I for "i") as the real action and say ALLOWED.
    flags = re.IGNORECASE | re.ASCII if ignore_case else 0
    return re.compile("(?:" + "|".join(parts) + ")", flags)


_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _element(statement: Mapping[str, Any], name: str) -> tuple[list[str], bool]:
    """``name`` (Action, Resource) or its Not- form: the patterns and whether negated."""
    plain, negated = statement.get(name), statement.get(f"Not{name}")
    if (plain is None) == (negated is None):
        raise _Malformed(f"it needs exactly one of {name} and Not{name}")
    if plain is not None:
        return _strings(plain, name), False
    return _strings(negated, f"Not{name}"), True


def _invert(match: _Match, negated: bool) -> _Match:
    return _Match(2 - match) if negated else match  # MAYBE stays MAYBE


class _ByIdentity:
    """Answers remembered per object (a role, a policy): the repository hands one
    RoleFacts to every schedule of that role (10,000 schedules share a few roles). Keyed by
    identity, since they hold dicts and have no hash; each entry keeps its object, so an
    id cannot be reused while it is remembered. The last ``size`` objects; thread-safe."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._entries: OrderedDict[int, tuple[object, dict[Any, Any]]] = OrderedDict()
        self._lock = Lock()

    def get(self, owner: object, key: Any, compute: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(id(owner))
            if entry is not None and entry[0] is owner and key in entry[1]:
                self._entries.move_to_end(id(owner))
                answer: T = entry[1][key]
                return answer
        answer = compute()
        with self._lock:
            entry = self._entries.get(id(owner))
            if entry is None or entry[0] is not owner:
                entry = (owner, {})
                self._entries[id(owner)] = entry
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
            entry[1][key] = answer
        return answer


_REMEMBERED = _ByIdentity()


@dataclass(frozen=True)
class _Rule:
    """One statement, compiled once (a fleet asks a role's policies thousands of times)."""

    where: str  # "statement 'Sid' of policy X", for people
    effect: str | None  # "Allow" / "Deny"; None: malformed, could be either
    problem: str = ""  # why it is malformed
    actions: re.Pattern[str] | None = None
    not_action: bool = False
    any_resource: bool = False  # a "*" among the resources
    resources: re.Pattern[str] | None = None  # the patterns without a policy variable
    loose: re.Pattern[str] | None = None  # those with one, the variable read as "*"
    not_resource: bool = False
    conditional: bool = False

    def match(self, action: str, resource: str) -> _Match:
        if self.actions is None:
            return _Match.MAYBE  # malformed: it could say anything
        named = _Match.YES if self.actions.fullmatch(action) else _Match.NO
        if _invert(named, self.not_action) is _Match.NO:
            return _Match.NO
        if resource == ANY_RESOURCE:  # unknown resource: only "*" is sure to cover it
            found = _Match.YES if self.any_resource else _Match.MAYBE
        elif self.resources is not None and self.resources.fullmatch(resource):
            found = _Match.YES
        elif self.loose is not None and self.loose.fullmatch(resource):
            found = _Match.MAYBE  # ${aws:username} and the like: the value is not known here
        else:
            found = _Match.NO
        # Conditions test the request's context (source IP, tags, time...), which the
        # doctor does not have: a statement with one matches at best MAYBE.
        condition = _Match.MAYBE if self.conditional else _Match.YES
        return min(_invert(found, self.not_resource), condition)


def _rule(where: str, statement: Mapping[str, Any]) -> _Rule:
    effect = statement.get("Effect")
    if effect not in ("Allow", "Deny"):
        return _Rule(where, None, "its Effect is neither Allow nor Deny")
    try:
        actions, not_action = _element(statement, "Action")
        resources, not_resource = _element(statement, "Resource")
        condition = statement.get("Condition")
        if condition is not None and not isinstance(condition, Mapping):
            raise _Malformed("its Condition is not an object")
    except _Malformed as error:
        return _Rule(where, None, str(error))
    exact = [pattern for pattern in resources if "${" not in pattern]
    loose = [_VARIABLE.sub("*", pattern) for pattern in resources if "${" in pattern]
    return _Rule(
        where,
        effect,
        actions=_wildcards(actions, ignore_case=True),
        not_action=not_action,
        any_resource="*" in resources,
        resources=_wildcards(exact, ignore_case=False),
        loose=_wildcards(loose, ignore_case=False),
        not_resource=not_resource,
        conditional=bool(condition),
    )


def _each_statement(policy: PolicyDocument) -> Iterator[tuple[str, Mapping[str, Any] | None, str]]:
    """``(where, statement, problem)`` for each statement; a statement or a document of
    the wrong shape comes as None with the problem (never an exception)."""
    document = policy.document
    where = f"policy {policy.source}"
    raw = document.get("Statement") if isinstance(document, Mapping) else None
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        yield where, None, "it has no Statement list"
        return
    for index, statement in enumerate(raw):
        if not isinstance(statement, Mapping):
            yield f"statement {index + 1} of {where}", None, "not an object"
        else:
            yield f"{_label(statement, index)} of {where}", statement, ""


def _compile(policy: PolicyDocument) -> tuple[_Rule, ...]:
    return tuple(
        _Rule(where, None, problem) if statement is None else _rule(where, statement)
        for where, statement, problem in _each_statement(policy)
    )


@dataclass(frozen=True)
class _Outcome:
    effect: str | None
    match: _Match
    where: str
    problem: str


def _outcomes(policies: Sequence[PolicyDocument], action: str, resource: str) -> Iterator[_Outcome]:
    for policy in policies:
        for rule in _REMEMBERED.get(policy, "rules", partial(_compile, policy)):
            match = rule.match(action, resource)
            if match is not _Match.NO:
                yield _Outcome(rule.effect, match, rule.where, rule.problem)


def _why_maybe(outcome: _Outcome) -> str:
    if outcome.problem:
        return f"{outcome.where} is malformed ({outcome.problem})"
    return (
        f"{outcome.where} applies only under a condition or to a resource the doctor cannot check"
    )


def evaluate(policies: Sequence[PolicyDocument], action: str, resource: str) -> Verdict:
    request = f"{action} on {resource}"
    outcomes = list(_outcomes(policies, action, resource))
    for outcome in outcomes:
        if outcome.effect == "Deny" and outcome.match is _Match.YES:
            return Verdict(Decision.DENIED, f"{outcome.where} denies {request}", explicit=True)
    doubts = [o for o in outcomes if o.match is _Match.MAYBE and o.effect != "Allow"]
    allows = [o for o in outcomes if o.effect == "Allow"]
    sure = next((o for o in allows if o.match is _Match.YES), None)
    if sure is not None:
        if doubts:
            return Verdict(
                Decision.CANNOT_TELL,
                f"{sure.where} allows {request}, but {_why_maybe(doubts[0])} and may deny it",
            )
        return Verdict(Decision.ALLOWED, f"{sure.where} allows {request}")
    maybe = allows + [o for o in doubts if o.effect is None]
    if maybe:
        return Verdict(Decision.CANNOT_TELL, f"{_why_maybe(maybe[0])}; it may allow {request}")
    if not policies:
        return Verdict(Decision.DENIED, f"no policy allows {request} (the role has none)")
    names = ", ".join(policy.source for policy in policies)
    return Verdict(Decision.DENIED, f"no statement allows {request} (policies read: {names})")


def evaluate_role(role: RoleFacts, action: str, resource: str) -> Verdict:
    """``evaluate`` on the role's policies; an incomplete read turns an implicit deny and
    an allow into CANNOT_TELL (the unread policy may allow it, or deny it).

    Only a Deny statement that was read is certain whatever was not.
    """
    return _REMEMBERED.get(role, (action, resource), lambda: _evaluate_role(role, action, resource))


def _evaluate_role(role: RoleFacts, action: str, resource: str) -> Verdict:
    if role.presence is Presence.MISSING:
        return Verdict(Decision.CANNOT_TELL, f"the role {role.arn} does not exist")
    if role.presence is Presence.UNKNOWN:
        return Verdict(
            Decision.CANNOT_TELL,
            f"the role {role.arn} could not be read" + (f": {role.why}" if role.why else ""),
        )
    verdict = evaluate(role.policies, action, resource)
    if verdict.explicit or role.complete or verdict.decision is Decision.CANNOT_TELL:
        return verdict
    unread = f" ({role.why})" if role.why else ""
    may = "allow" if verdict.decision is Decision.DENIED else "deny"
    return Verdict(
        Decision.CANNOT_TELL,
        f"{verdict.why}, but some of the role's policies could not be read{unread} and may "
        f"{may} it",
    )


def _lets_scheduler_in(statement: Mapping[str, Any]) -> bool:
    """Principal (or NotPrincipal) admits scheduler.amazonaws.com; raises _Malformed."""
    principal, negated = statement.get("Principal"), statement.get("NotPrincipal")
    if (principal is None) == (negated is None):
        raise _Malformed("it needs exactly one of Principal and NotPrincipal")
    given = principal if principal is not None else negated
    if given == "*":
        named = True
    elif isinstance(given, Mapping):
        named = False
        for kind, value in given.items():
            values = {v.lower() for v in _strings(value, f"Principal.{kind}")}
            wanted = {"*", SCHEDULER_PRINCIPAL} if kind == "Service" else {"*"}
            if kind in ("AWS", "Service") and values & wanted:
                named = True
    else:
        raise _Malformed("its Principal is neither '*' nor an object")
    return named if principal is not None else not named


def _condition_keys(statement: Mapping[str, Any]) -> set[str]:
    condition = statement.get("Condition", {})
    if not isinstance(condition, Mapping):  # [] or "" too: never read as "no condition"
        raise _Malformed("its Condition is not an object")
    keys: set[str] = set()
    for operator, tests in condition.items():
        if not isinstance(tests, Mapping):
            raise _Malformed(f"its Condition {operator} is not an object")
        keys.update(str(key).lower() for key in tests)
    return keys


def scheduler_trust(role: RoleFacts, account: str | None = None) -> TrustVerdict:
    """May ``scheduler.amazonaws.com`` sts:AssumeRole the role, and is it conditioned on
    aws:SourceAccount / aws:SourceArn (the confused-deputy guard AWS recommends).

    ``account``: the schedule's (Scheduler's aws:SourceAccount): a statement whose
    StringEquals / StringLike on aws:SourceAccount names only other accounts does not
    admit the schedule (a trust copied from another account). None: not checked."""
    return _REMEMBERED.get(role, ("trust", account), lambda: _scheduler_trust(role, account))


_ACCOUNT_TESTS: Final = {"stringequals": False, "stringlike": True}  # operator: wildcards


def _other_accounts(statement: Mapping[str, Any], account: str) -> str | None:
    """The accounts the statement's aws:SourceAccount test names when ``account`` is none
    of them; None when it passes or cannot be told. Raises _Malformed."""
    condition = statement.get("Condition", {})
    for operator, tests in condition.items() if isinstance(condition, Mapping) else ():
        wildcards = _ACCOUNT_TESTS.get(str(operator).lower().removesuffix("ifexists"))
        if wildcards is None or not isinstance(tests, Mapping):
            continue
        for key, value in tests.items():
            if str(key).lower() != "aws:sourceaccount":
                continue
            named = _strings(value, f"Condition {operator} {key}")
            pattern = _wildcards(named, ignore_case=False) if wildcards else None
            passes = pattern.fullmatch(account) if pattern else account in named
            if not passes:
                return ", ".join(named)
    return None


def _scheduler_trust(role: RoleFacts, account: str | None = None) -> TrustVerdict:
    if role.presence is not Presence.EXISTS:
        return TrustVerdict(Decision.CANNOT_TELL, False, f"the role {role.arn} was not read")
    if role.trust is None:
        why = role.why or "its trust policy was not read"
        return TrustVerdict(Decision.CANNOT_TELL, False, f"the role {role.arn}: {why}")
    trust = PolicyDocument(f"trust policy of {role.arn}", role.trust)
    allowed: list[tuple[str, set[str]]] = []
    doubts: list[str] = []
    elsewhere: list[str] = []  # Allows for other accounts' schedules only
    for where, statement, problem in _each_statement(trust):
        effect = statement.get("Effect") if statement is not None else None
        if statement is None or effect not in ("Allow", "Deny"):
            doubts.append(
                f"{where} is malformed ({problem or 'its Effect is neither Allow nor Deny'})"
            )
            continue
        try:
            actions, negated = _element(statement, "Action")
            pattern = _wildcards(actions, ignore_case=True)
            named = pattern is not None and pattern.fullmatch("sts:AssumeRole") is not None
            if named == negated or not _lets_scheduler_in(statement):
                continue
            keys = _condition_keys(statement)
            others = _other_accounts(statement, account) if account and effect == "Allow" else None
        except _Malformed as error:
            doubts.append(f"{where} is malformed ({error})")
            continue
        if effect == "Deny":
            if not keys:
                why = f"{where} denies {SCHEDULER_PRINCIPAL} sts:AssumeRole"
                return TrustVerdict(Decision.DENIED, False, why)
            doubts.append(f"{where} denies it under a condition")
            continue
        if others is not None:
            elsewhere.append(
                f"{where} admits {SCHEDULER_PRINCIPAL} only for aws:SourceAccount {others}, "
                f"not the schedule's account {account}"
            )
            continue
        allowed.append((where, keys))
    # A statement conditioned only on the source keys is what Scheduler satisfies when the
    # values are right; any other key (sts:ExternalId...) is one the doctor cannot decide.
    plain = [(where, keys) for where, keys in allowed if keys <= _SOURCE_KEYS]
    if plain and not doubts:
        guarded = [where for where, keys in plain if keys & _SOURCE_KEYS]
        # Either statement admits Scheduler: an unconditioned one makes the guard moot.
        if len(guarded) == len(plain):
            return TrustVerdict(
                Decision.ALLOWED,
                True,
                f"{guarded[0]} lets {SCHEDULER_PRINCIPAL} assume the role, "
                "conditioned on aws:SourceAccount/aws:SourceArn",
            )
        where = next(w for w, keys in plain if not keys & _SOURCE_KEYS)
        why = f"{where} lets {SCHEDULER_PRINCIPAL} assume the role without a source condition"
        return TrustVerdict(Decision.ALLOWED, False, why)
    conditioned = any(keys & _SOURCE_KEYS for _, keys in allowed)
    if allowed or doubts:
        if doubts:
            why = doubts[0]
        else:
            why = (
                f"{allowed[0][0]} admits {SCHEDULER_PRINCIPAL} only under a condition the "
                "doctor cannot check"
            )
        return TrustVerdict(Decision.CANNOT_TELL, conditioned, why)
    if elsewhere:
        return TrustVerdict(Decision.DENIED, True, elsewhere[0])
    why = (
        f"no statement of the trust policy of {role.arn} lets {SCHEDULER_PRINCIPAL} sts:AssumeRole"
    )
    return TrustVerdict(Decision.DENIED, False, why)
