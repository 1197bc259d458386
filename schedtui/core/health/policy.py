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
import string
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import IntEnum, StrEnum
from functools import lru_cache, partial
from threading import Lock
from typing import Any, Final, TypeVar

from schedtui.core.health.resources import PolicyDocument, Presence, RoleFacts
from schedtui.core.text import shortened

SCHEDULER_PRINCIPAL: Final = "scheduler.amazonaws.com"
# The condition keys AWS recommends on the scheduler's trust (the confused-deputy guard):
# Scheduler sends the schedule's account as aws:SourceAccount and its GROUP's ARN
# (arn:aws:scheduler:REGION:ACCOUNT:schedule-group/GROUP, never the schedule's) as
# aws:SourceArn.
# https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html
_SOURCE_KEYS: Final = ("aws:sourceaccount", "aws:sourcearn")
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
    other_group: bool = False  # DENIED: only positive aws:SourceArn tests (naming other groups)
    # DENIED: only negated aws:SourceArn tests keep this group out; the first, for people
    kept_out_by: str = ""


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


def _condition_values(value: Any, element: str) -> list[str]:
    """A condition's values: strings, or numbers and booleans unquoted (IAM's grammar makes
    the quotes optional, and compares them as their JSON text: ``false`` is "false")."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise _Malformed(f"{element} has no value")
    return [_condition_value(item, element) for item in items]


def _condition_value(item: Any, element: str) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, bool):  # before int: a bool is an int in Python
        return "true" if item else "false"
    if isinstance(item, int):
        try:
            return str(item)
        except ValueError:  # more digits than Python will print: no account number anyway
            raise _Malformed(f"{element} holds a number thousands of digits long") from None
    # A float's JSON text is lost in parsing (1e3 and 1000.0 both read as 1000.0).
    raise _Malformed(f"{element} is neither a string, a whole number nor a boolean")


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


def _each_statement(
    policy: PolicyDocument, where: str | None = None
) -> Iterator[tuple[str, Mapping[str, Any] | None, str]]:
    """``(where, statement, problem)`` for each statement; a statement or a document of
    the wrong shape comes as None with the problem (never an exception). ``where`` names
    the document for people: "policy SOURCE" unless given (a trust policy is no "policy
    trust policy of …")."""
    document = policy.document
    where = where or f"policy {policy.source}"
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


def scheduler_trust(
    role: RoleFacts, account: str | None = None, group_arn: str | None = None
) -> TrustVerdict:
    """May ``scheduler.amazonaws.com`` sts:AssumeRole the role for one schedule, and is
    that limited to the owner's schedules by aws:SourceAccount / aws:SourceArn (the
    confused-deputy guard AWS recommends).

    ``account`` and ``group_arn``: what Scheduler sends as aws:SourceAccount and
    aws:SourceArn for the schedule (its account, its group's ARN). A statement whose
    conditions on them fail does not admit the schedule (a trust copied from another
    account, or naming another group). None: that key's tests are not checked."""
    return _REMEMBERED.get(
        role, ("trust", account, group_arn), lambda: _scheduler_trust(role, account, group_arn)
    )


# The operators on the source keys: base name (lower case) -> (negated, how values compare).
# ArnEquals compares like ArnLike (wildcards within each of the six segments), as AWS does:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
_OPERATORS: Final[dict[str, tuple[bool, str]]] = {
    "stringequals": (False, "exact"),
    "stringequalsignorecase": (False, "fold"),
    "stringlike": (False, "like"),
    "arnequals": (False, "arn"),
    "arnlike": (False, "arn"),
    "stringnotequals": (True, "exact"),
    "stringnotequalsignorecase": (True, "fold"),
    "stringnotlike": (True, "like"),
    "arnnotequals": (True, "arn"),
    "arnnotlike": (True, "arn"),
}
_FOLD: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _matches(compare: str, pattern: str, value: str) -> bool:
    if compare == "exact":
        return pattern == value
    if compare == "fold":  # ASCII only, as IAM: a look-alike letter is not the letter
        return pattern.translate(_FOLD) == value.translate(_FOLD)
    if compare == "like":
        return _fullmatch(pattern, value)
    wanted, given = pattern.split(":", 5), value.split(":", 5)
    return len(wanted) == len(given) == 6 and all(map(_fullmatch, wanted, given))


def _fullmatch(pattern: str, value: str) -> bool:
    compiled = _pattern(pattern)
    return compiled is not None and compiled.fullmatch(value) is not None


@lru_cache(maxsize=1024)
def _pattern(pattern: str) -> re.Pattern[str] | None:
    """One condition value's wildcards, compiled once: a fleet's roles share their trust
    values, and IAM's trust policy size limit (4,096 characters) bounds the distinct ones."""
    return _wildcards([pattern], ignore_case=False)


def _pins_account(key: str, compare: str, pattern: str) -> bool:
    """The value names the account (no wildcard in it): ``StringLike "*"`` on aws:SourceAccount,
    or an aws:SourceArn of any account, admits every account's schedules."""
    if compare in ("exact", "fold"):
        return True
    account = pattern if key == "aws:sourceaccount" else (pattern.split(":", 5) + [""] * 5)[4]
    return bool(account) and "*" not in account and "?" not in account


@dataclass(frozen=True)
class _Failure:
    """A source test this schedule's request fails."""

    why: str  # for people
    test: str  # the test, for people
    on_group: bool  # on aws:SourceArn
    negated: bool  # a negated operator (StringNotEquals, ArnNotLike...); False for Null
    pins: bool  # its values name specific accounts
    null: bool = False  # a Null test


@dataclass(frozen=True)
class _Conditions:
    """What a trust statement's Condition says about one schedule's request."""

    other: bool = False  # a test on another key (sts:ExternalId...): not decidable here
    doubt: str = ""  # a test on a source key the doctor cannot evaluate
    unchecked: bool = False  # a source test whose value was not given (assumed to pass)
    # The source tests the request fails: the tests are ANDed, so the fix must mend each.
    # The first _KEPT; a hostile statement may hold thousands (``unlisted``: how many more).
    failures: tuple[_Failure, ...] = ()
    unlisted: int = 0
    guard: bool = False  # a positive source test naming specific accounts, which passes
    loose: str = ""  # a source test that passes but limits nothing (negated, wildcards)

    @property
    def fails(self) -> str:
        """Why the statement keeps this schedule out, for people ("" when it does not)."""
        named = " and ".join(failure.why for failure in self.failures[:_NAMED])
        more = len(self.failures) + self.unlisted - _NAMED
        return named + (f" and fails {more} more source tests" if more > 0 else "")

    def failing(self, failure: _Failure) -> _Conditions:
        """These conditions with one more failing test."""
        if len(self.failures) < _KEPT:
            return replace(self, failures=(*self.failures, failure))
        return replace(self, unlisted=self.unlisted + 1)

    def _only(self, kind: Callable[[_Failure], bool]) -> bool:
        """Every failing test is of ``kind`` (unsure when some were not kept: False)."""
        return bool(self.failures) and not self.unlisted and all(map(kind, self.failures))

    @property
    def fences(self) -> bool:
        """Only negated tests naming specific accounts keep this schedule out: another
        account's schedule passes them all ("Deny unless it is my account")."""
        return self._only(lambda f: f.negated and f.pins)

    @property
    def other_group(self) -> bool:
        """Only positive aws:SourceArn tests keep this schedule out: adding its group's ARN
        to their values lets it in."""
        return self._only(lambda f: f.on_group and not (f.negated or f.null))

    @property
    def kept_out_by(self) -> str:
        """Only negated aws:SourceArn tests keep this schedule out: the first of them."""
        return self.failures[0].test if self._only(lambda f: f.on_group and f.negated) else ""

    @property
    def passed(self) -> bool:
        """Some source test passes (limiting or not)."""
        return self.guard or bool(self.loose)

    @property
    def decided(self) -> bool:
        """Every test of the statement was judged (none on another key, none unknown)."""
        return not (self.other or self.doubt)


def _source_conditions(
    statement: Mapping[str, Any], account: str | None, group_arn: str | None
) -> _Conditions:
    """The statement's conditions judged for a request from Scheduler with ``account`` as
    aws:SourceAccount and ``group_arn`` as aws:SourceArn (None: not checked). Raises
    _Malformed.

    Scheduler always sends both keys, so ``IfExists`` changes nothing, and on these
    single-valued keys ``ForAnyValue:`` / ``ForAllValues:`` test the one value like the
    plain operator (ForAllValues would pass a request without the key: Scheduler's has it).
    """
    condition = statement.get("Condition", {})
    if not isinstance(condition, Mapping):  # [] or "" too: never read as "no condition"
        raise _Malformed("its Condition is not an object")
    found = _Conditions()
    sent = dict(zip(_SOURCE_KEYS, (account, group_arn), strict=True))
    for operator, tests in condition.items():
        if not isinstance(tests, Mapping):
            raise _Malformed(f"its Condition {operator} is not an object")
        base = str(operator).lower().removeprefix("foranyvalue:").removeprefix("forallvalues:")
        for key, value in tests.items():
            name = str(key).lower()
            if name not in sent:
                found = replace(found, other=True)
                continue
            named = _condition_values(value, f"Condition {operator} {key}")
            found = _judge(found, _Test(str(operator), str(key), named, base), sent[name])
    return found


@dataclass(frozen=True)
class _Test:
    operator: str  # as written
    key: str  # as written
    values: list[str]
    base: str  # the operator, lower case, without ForAnyValue: / ForAllValues:

    def __str__(self) -> str:
        # A hostile trust may list thousands of values: the first few say enough.
        named = ", ".join(shortened(value, _ROOM) for value in self.values[:_NAMED])
        more = len(self.values) - _NAMED
        key, operator = shortened(self.key, _ROOM), shortened(self.operator, _ROOM)
        return f"{key} {named}{f' and {more} more' if more > 0 else ''} ({operator})"


_NAMED, _ROOM = 3, 200  # values of a condition quoted in a message, characters of each
_KEPT = 16  # failing tests of a statement remembered


def _judge(found: _Conditions, test: _Test, actual: str | None) -> _Conditions:
    """``found`` with one more source test judged against ``actual``, the value Scheduler
    sends (None: not known; the test is taken to pass)."""
    key = test.key.lower()
    if test.base == "null":  # "false": the key must be there, and Scheduler sends it
        if "false" in (value.lower() for value in test.values):
            return found if found.loose else replace(found, loose=f"{test}")
        fails = f"requires {test} to be absent, and Scheduler always sends it"
        failure = _Failure(fails, f"{test}", key == "aws:sourcearn", False, False, null=True)
        return found.failing(failure)
    known = _OPERATORS.get(test.base.removesuffix("ifexists"))
    if known is None or (known[1] == "arn" and key == "aws:sourceaccount"):
        return found if found.doubt else replace(found, doubt=f"{test} is not evaluated")
    if any("${" in value for value in test.values):
        return found if found.doubt else replace(found, doubt=f"{test} holds a policy variable")
    negated, compare = known
    pins = all(_pins_account(key, compare, value) for value in test.values)
    if actual is None:
        found = replace(found, unchecked=True)
    elif any(_matches(compare, value, actual) for value in test.values) == negated:
        why = _refusal(test, negated, actual)
        failure = _Failure(why, f"{test}", key == "aws:sourcearn", negated, pins)
        return found.failing(failure)
    if not negated and pins:
        return replace(found, guard=True)
    return found if found.loose else replace(found, loose=f"{test}")


def _refusal(test: _Test, negated: bool, actual: str) -> str:
    """Why a source test keeps this schedule out, and what Scheduler sends instead."""
    if test.key.lower() == "aws:sourceaccount":
        sent = f"the schedule's account {actual}"
    else:
        sent = f"this schedule's group ARN {actual}"
        if any(":schedule/" in value for value in test.values):
            sent += " (Scheduler sends the group's ARN, never a schedule's)"
    if negated:
        return f"keeps out {test}, which matches {sent}"
    return f"admits {SCHEDULER_PRINCIPAL} only for {test}, not {sent}"


def _scheduler_trust(
    role: RoleFacts, account: str | None = None, group_arn: str | None = None
) -> TrustVerdict:
    if role.presence is not Presence.EXISTS:
        return TrustVerdict(Decision.CANNOT_TELL, False, f"the role {role.arn} was not read")
    if role.trust is None:
        why = role.why or "its trust policy was not read"
        return TrustVerdict(Decision.CANNOT_TELL, False, f"the role {role.arn}: {why}")
    trust = PolicyDocument(role.arn, role.trust)
    allowed: list[tuple[str, _Conditions]] = []
    doubts: list[str] = []
    elsewhere: list[tuple[str, _Conditions]] = []  # Allows that keep this schedule out
    fences: list[str] = []  # Denies that keep every other account's schedules out
    for where, statement, problem in _each_statement(trust, f"the trust policy of {role.arn}"):
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
            conditions = _source_conditions(statement, account, group_arn)
        except _Malformed as error:
            doubts.append(f"{where} is malformed ({error})")
            continue
        if effect == "Deny":
            if conditions.fails:  # it does not apply to this schedule
                # "Deny unless it is my account" (nothing else asked): a guard.
                if conditions.fences and conditions.decided and not conditions.passed:
                    fences.append(where)
                continue
            if conditions.decided and not conditions.unchecked:
                why = f"{where} denies {SCHEDULER_PRINCIPAL} sts:AssumeRole"
                return TrustVerdict(Decision.DENIED, False, why)
            doubts.append(f"{where} denies it under a condition")
            continue
        if conditions.fails:
            elsewhere.append((f"{where} {conditions.fails}", conditions))
            continue
        allowed.append((where, conditions))
    # A statement conditioned only on the source keys is what Scheduler satisfies when the
    # values are right; any other key (sts:ExternalId...) is one the doctor cannot decide.
    plain = [(where, c) for where, c in allowed if c.decided]
    if plain and not doubts:
        # IAM grants if any statement allows: an unguarded one makes the guard moot, unless
        # a Deny keeps every other account out. That holds for a statement the doctor
        # cannot judge too (a condition on the time): it may admit any account's schedules.
        unguarded = [(where, c) for where, c in allowed if not c.guard]
        unguarded.sort(key=lambda item: not item[1].decided)  # a certain one first
        if not unguarded:
            why = (
                f"{plain[0][0]} lets {SCHEDULER_PRINCIPAL} assume the role, "
                "conditioned on aws:SourceAccount/aws:SourceArn"
            )
            return TrustVerdict(Decision.ALLOWED, True, why)
        where, conditions = unguarded[0]
        if fences:
            why = (
                f"{where} lets {SCHEDULER_PRINCIPAL} assume the role, and {fences[0]} denies "
                "it to other accounts' schedules"
            )
            return TrustVerdict(Decision.ALLOWED, True, why)
        if conditions.doubt:  # its source test may be a guard or not
            why = (
                f"{plain[0][0]} lets {SCHEDULER_PRINCIPAL} assume the role, but {where} may "
                f"admit it too and the doctor cannot tell whether that is limited to this "
                f"account's schedules ({conditions.doubt})"
            )
            return TrustVerdict(Decision.CANNOT_TELL, False, why)
        if conditions.loose:
            limit = (
                f": its condition on {conditions.loose} does not limit it to this account's "
                "schedules"
            )
        else:
            limit = " without a source condition"
        why = f"{where} lets {SCHEDULER_PRINCIPAL} assume the role{limit}"
        if not conditions.decided:
            why = (
                f"{where} may let {SCHEDULER_PRINCIPAL} assume the role{limit} (it also "
                "tests a key the doctor cannot check)"
            )
        return TrustVerdict(Decision.ALLOWED, False, why)
    # Conditioned only if every statement that may admit Scheduler is guarded.
    conditioned = bool(fences) or (bool(allowed) and all(c.guard for _, c in allowed))
    if allowed or doubts:
        if doubts:
            why = doubts[0]
        else:
            where, conditions = allowed[0]
            why = (
                f"{where} admits {SCHEDULER_PRINCIPAL} only under a condition the doctor "
                f"cannot check{f' ({conditions.doubt})' if conditions.doubt else ''}"
            )
        return TrustVerdict(Decision.CANNOT_TELL, conditioned, why)
    if elsewhere:
        why, conditions = elsewhere[0]
        return TrustVerdict(
            Decision.DENIED,
            True,
            why,
            other_group=conditions.other_group,
            kept_out_by=conditions.kept_out_by,
        )
    why = (
        f"no statement of the trust policy of {role.arn} lets {SCHEDULER_PRINCIPAL} sts:AssumeRole"
    )
    return TrustVerdict(Decision.DENIED, False, why)
