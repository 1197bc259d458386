"""The doctor's fact gathering (read calls only): does each schedule's role, target, DLQ and
KMS key exist, and what do the role's trust and identity policies say. The rules that judge
these facts are ``core/health/doctor.py``'s.

What is read, per resource (each read ONCE per repository, whatever number of schedules
name it; ``forget`` drops what was read):

- role: IAM GetRole (the trust policy), ListRolePolicies + GetRolePolicy (inline),
  ListAttachedRolePolicies + GetPolicy + GetPolicyVersion (attached; each managed policy is
  read once, shared by every role it is attached to). A role in another account than the
  caller's is not read (IAM would look the name up in the caller's account).
- target, by kind: Lambda GetFunction (the ARN's version or alias as Qualifier), Step
  Functions DescribeStateMachine, ECS DescribeClusters (the target ARN is the cluster's) and
  DescribeTaskDefinition (its taskRoleArn and executionRoleArn, for iam:PassRole), SQS
  GetQueueUrl + GetQueueAttributes (FifoQueue, MessageRetentionPeriod), SNS
  GetTopicAttributes, EventBridge DescribeEventBus. Other kinds are not read (a note says so).
- DLQ: as an SQS target. KMS key: DescribeKey (KeyState).

A resource AWS says does not exist is MISSING; one that could not be read (access denied,
throttled after the client's retries, endpoint down, an answer schedtui cannot read, another
region) is UNKNOWN with ``why``: never an exception out of ``facts`` or ``diagnose``.

Rate limits, and why 10,000 schedules stay within them: every request waits for its
service's limiter (``rate_limit.RateLimiter``, shared by the worker threads): IAM at 5
requests a second (its control plane is global and slow to forgive), every other service at
10. Calls are driven by DISTINCT roles, targets, queues and keys, never by schedules: a role
costs 3 calls plus one per inline policy (GetRole, ListRolePolicies, ListAttachedRolePolicies,
GetRolePolicy each) and 2 per managed policy not read before (GetPolicy, GetPolicyVersion);
a target 1 call (2 for SQS and ECS); a DLQ 2; a key 1. 10,000 schedules sharing 40 roles
(2 inline policies each, 10 managed policies between them) and 600 targets, DLQs and keys:
40 x 5 + 10 x 2 = 220 IAM calls, 44 s at 5/s, while the ~800 other calls spread over five
services at 10/s each run beside them (at worst 80 s for one service holding them all).
The definitions themselves are the details cache's GetSchedule reads, at its own rate. The
worst case, every schedule with its own role and target, is ~50,000 IAM calls: 2 h 45 min
at 5/s, still never throttled; ``calls`` counts what a run made, for the report.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import unquote

from schedtui.aws.errors import AwsError, NotFoundError, aws_call
from schedtui.aws.rate_limit import RateLimiter
from schedtui.aws.session import AwsClients
from schedtui.core import jsontext
from schedtui.core.activity.lambda_logs import lambda_function
from schedtui.core.health import doctor
from schedtui.core.health.doctor import Diagnosis, DoctorReport
from schedtui.core.health.facts import dlq_arn
from schedtui.core.health.resources import (
    PolicyDocument,
    Presence,
    ResourceFacts,
    RoleFacts,
    ScheduleFacts,
)
from schedtui.core.schedules.arns import (
    TargetKind,
    is_role_arn,
    parse_arn,
    parse_sqs_queue_arn,
    target_kind,
)
from schedtui.core.schedules.schedule import Schedule

if TYPE_CHECKING:
    from mypy_boto3_sqs.literals import QueueAttributeFilterType

IAM_PER_SECOND: Final = 5.0
OTHER_PER_SECOND: Final = 10.0
DEFAULT_WORKERS: Final = 8
# Kinds whose target the doctor reads; the others get a note.
CHECKED_KINDS: Final = (
    TargetKind.LAMBDA,
    TargetKind.STEP_FUNCTIONS,
    TargetKind.ECS,
    TargetKind.SQS,
    TargetKind.SNS,
    TargetKind.EVENTBRIDGE,
)
_QUEUE_ATTRIBUTES: Final[tuple[QueueAttributeFilterType, ...]] = (
    "FifoQueue",
    "MessageRetentionPeriod",
)
# A cluster or task definition in these states cannot run a task.
_GONE_STATES: Final = frozenset({"INACTIVE", "DELETE_IN_PROGRESS", "DEPROVISIONING"})

T = TypeVar("T")


class _Once:
    """Values computed once per key and shared by threads: a second thread asking for a key
    being computed waits for that computation instead of sending the same requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Hashable, Any] = {}
        self._pending: dict[Hashable, threading.Event] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        while True:
            with self._lock:
                if key in self._values:
                    found: T = self._values[key]
                    return found
                event = self._pending.get(key)
                mine = event is None
                if event is None:
                    event = self._pending[key] = threading.Event()
            if not mine:
                event.wait()
                continue  # computed (or failed: then this thread tries)
            try:
                value = compute()
                with self._lock:
                    self._values[key] = value
                return value
            finally:
                with self._lock:
                    self._pending.pop(key, None)
                event.set()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def policy_document(value: object) -> Mapping[str, Any] | None:
    """A policy document as IAM returns it: botocore decodes it into a dict, but some SDK
    paths hand over the URL-encoded JSON text IAM sends (RFC 3986). None: not a JSON
    object."""
    if isinstance(value, Mapping):
        return value
    if not isinstance(value, str):
        return None
    for text in (value, unquote(value)):
        try:
            parsed = jsontext.loads(text)
        except ValueError:
            continue
        if isinstance(parsed, Mapping):
            return parsed
    return None


def _presence(error: AwsError) -> Presence:
    return Presence.MISSING if isinstance(error, NotFoundError) else Presence.UNKNOWN


def _gone(arn: str, state: str, what: str) -> ResourceFacts:
    return ResourceFacts(arn, Presence.MISSING, {"status": state}, why=f"{what} is {state}")


class DoctorRepository:
    def __init__(
        self,
        clients: AwsClients,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        max_workers: int = DEFAULT_WORKERS,
    ) -> None:
        self._clients = clients
        self._clock = clock
        self._sleep = sleep
        self._max_workers = max(1, max_workers)
        self._lock = threading.Lock()
        self._limiters: dict[str, RateLimiter] = {}
        self._calls = 0
        self._cache = _Once()

    @property
    def calls(self) -> int:
        """AWS requests made so far (every page and every failed one counts)."""
        with self._lock:
            return self._calls

    def limiter(self, service: str) -> RateLimiter:
        """The service's limiter: IAM at 5 requests a second, the others at 10."""
        with self._lock:
            if service not in self._limiters:
                rate = IAM_PER_SECOND if service == "iam" else OTHER_PER_SECOND
                self._limiters[service] = RateLimiter(rate, clock=self._clock, sleep=self._sleep)
            return self._limiters[service]

    @contextmanager
    def _request(self, service: str, action: str) -> Iterator[None]:
        """One request: waits for the service's limiter, counts, translates faults."""
        self.limiter(service).wait()
        with self._lock:
            self._calls += 1
        with aws_call(action):
            yield

    def facts(self, schedule: Schedule) -> ScheduleFacts:
        """What AWS holds about the schedule's resources (cached per resource)."""
        target = schedule.target
        notes: list[str] = []
        target_facts = self._target(target.arn, notes)
        task_definition = None
        if target.kind is TargetKind.ECS and target.ecs_parameters is not None:
            arn = target.ecs_parameters.task_definition_arn
            task_definition = self._resource(("task-definition", arn), arn, self._task_definition)
        queue = dlq_arn(schedule)
        key = schedule.kms_key_arn
        return ScheduleFacts(
            role=self._role(target.role_arn),
            target=target_facts,
            task_definition=task_definition,
            dlq=None if queue is None else self._resource(("sqs", queue), queue, self._queue),
            key=None if not key else self._resource(("kms", key), key, self._key),
            notes=tuple(notes),
        )

    def diagnose(
        self,
        schedules: Sequence[Schedule],
        now: datetime,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> DoctorReport:
        """The doctor over these schedules; ``progress(done, total)`` after each one (on
        the calling thread). Facts are gathered by ``max_workers`` threads: the limiters,
        not the threads, set the pace."""
        before = self.calls
        region = self._region()
        total = len(schedules)
        gathered: dict[int, ScheduleFacts] = {}
        with ThreadPoolExecutor(self._max_workers, thread_name_prefix="doctor") as pool:
            futures = {
                pool.submit(self.facts, schedule): index for index, schedule in enumerate(schedules)
            }
            for done, future in enumerate(as_completed(futures), start=1):
                gathered[futures[future]] = future.result()
                if progress is not None:
                    progress(done, total)
        counted: Counter[str] = Counter()
        diagnoses = []
        for index, schedule in enumerate(schedules):
            facts = gathered[index]
            counted.update(facts.notes)
            found = doctor.diagnose(schedule, facts, now, region=region)
            diagnoses.append(Diagnosis(schedule.group_name, schedule.name, tuple(found)))
        notes = [f"{note} ({count:,} of the schedules)" for note, count in sorted(counted.items())]
        return doctor.report(diagnoses, notes, calls=self.calls - before)

    def forget(self) -> None:
        """Drop the cache (the operator asked for a fresh look)."""
        self._cache.clear()

    # Plumbing

    def _region(self) -> str:
        try:
            return self._clients.region
        except AwsError:
            return self._clients.settings.region or ""

    def _account(self) -> str | None:
        """The caller's account (GetCallerIdentity, once); None when it cannot be known."""

        def read() -> str | None:
            known = self._clients.known_identity
            if known is not None:
                return known.account
            try:
                with self._request("sts", "GetCallerIdentity"):
                    return self._clients.caller_identity().account
            except AwsError:
                return None

        return self._cache.get(("account",), read)

    def _elsewhere(self, arn: str) -> str | None:
        """Why a resource cannot be read from here: another region than the clients'."""
        parsed = parse_arn(arn)
        region = self._region()
        if parsed is not None and parsed.region and region and parsed.region != region:
            return f"it is in {parsed.region}; the doctor reads {region}"
        return None

    def _resource(
        self, key: Hashable, arn: str, read: Callable[[str], ResourceFacts]
    ) -> ResourceFacts:
        """``read(arn)`` once per key; a fault is UNKNOWN (or MISSING) facts, never raised."""

        def guarded() -> ResourceFacts:
            if (elsewhere := self._elsewhere(arn)) is not None:
                return ResourceFacts(arn, Presence.UNKNOWN, why=elsewhere)
            try:
                return read(arn)
            except AwsError as error:
                return ResourceFacts(arn, _presence(error), why=str(error))
            except Exception as error:  # an answer of a shape no service model promised
                return ResourceFacts(arn, Presence.UNKNOWN, why=f"{type(error).__name__}: {error}")

        return self._cache.get(key, guarded)

    # Targets

    def _target(self, arn: str, notes: list[str]) -> ResourceFacts | None:
        kind = target_kind(arn)
        readers: dict[TargetKind, Callable[[str], ResourceFacts]] = {
            TargetKind.LAMBDA: self._function,
            TargetKind.STEP_FUNCTIONS: self._state_machine,
            TargetKind.ECS: self._cluster,
            TargetKind.SQS: self._queue,
            TargetKind.SNS: self._topic,
            TargetKind.EVENTBRIDGE: self._bus,
        }
        read = readers.get(kind)
        if read is None:
            notes.append(f"{kind.label} targets are not checked for existence")
            return None
        service = "sqs" if kind is TargetKind.SQS else "target"
        return self._resource((service, arn), arn, read)

    def _function(self, arn: str) -> ResourceFacts:
        function = lambda_function(arn)
        if function is None:
            return ResourceFacts(arn, Presence.UNKNOWN, why="the ARN names no Lambda function")
        # The unqualified ARN, not the name: a function of another account is looked up there.
        unqualified = arn.removesuffix(f":{function.qualifier}") if function.qualifier else arn
        qualifier = {"Qualifier": function.qualifier} if function.qualifier else {}
        with self._request("lambda", f"GetFunction {function.resource}"):
            self._clients.lambda_.get_function(FunctionName=unqualified, **qualifier)
        return ResourceFacts(arn, Presence.EXISTS)

    def _state_machine(self, arn: str) -> ResourceFacts:
        with self._request("stepfunctions", "DescribeStateMachine"):
            found = self._clients.stepfunctions.describe_state_machine(stateMachineArn=arn)
        status = str(found.get("status") or "")
        if status == "DELETING":
            return _gone(arn, status, "the state machine")
        return ResourceFacts(arn, Presence.EXISTS, {"status": status} if status else {})

    def _cluster(self, arn: str) -> ResourceFacts:
        with self._request("ecs", "DescribeClusters"):
            found = self._clients.ecs.describe_clusters(clusters=[arn])
        for cluster in found.get("clusters", []):
            status = str(cluster.get("status") or "")
            if status in _GONE_STATES:
                return _gone(arn, status, "the cluster")
            return ResourceFacts(arn, Presence.EXISTS, {"status": status} if status else {})
        # DescribeClusters answers a cluster it does not know with a failure, not an error.
        reasons = ", ".join(str(failure.get("reason")) for failure in found.get("failures", []))
        if "MISSING" in reasons or not reasons:
            return ResourceFacts(arn, Presence.MISSING, why="DescribeClusters: MISSING")
        return ResourceFacts(arn, Presence.UNKNOWN, why=f"DescribeClusters: {reasons}")

    def _task_definition(self, arn: str) -> ResourceFacts:
        try:
            with self._request("ecs", "DescribeTaskDefinition"):
                found = self._clients.ecs.describe_task_definition(taskDefinition=arn)
        except AwsError as error:
            # ECS answers a task definition it cannot find with ClientException ("Unable to
            # describe task definition"), its code for the caller's mistakes.
            if error.code == "ClientException":
                return ResourceFacts(arn, Presence.MISSING, why=str(error))
            raise
        definition = found.get("taskDefinition", {})
        attributes = {
            name: str(definition[name])
            for name in ("taskRoleArn", "executionRoleArn", "status")
            if definition.get(name)
        }
        if attributes.get("status") in _GONE_STATES:
            return ResourceFacts(
                arn,
                Presence.MISSING,
                attributes,
                why=f"the task definition is {attributes['status']}: RunTask refuses it",
            )
        return ResourceFacts(arn, Presence.EXISTS, attributes)

    def _queue(self, arn: str) -> ResourceFacts:
        queue = parse_sqs_queue_arn(arn)
        if queue is None:
            return ResourceFacts(arn, Presence.UNKNOWN, why="not an SQS queue ARN")
        with self._request("sqs", f"GetQueueUrl {queue.name}"):
            url = self._clients.sqs.get_queue_url(
                QueueName=queue.name, QueueOwnerAWSAccountId=queue.account
            )["QueueUrl"]
        with self._request("sqs", f"GetQueueAttributes {queue.name}"):
            found = self._clients.sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=list(_QUEUE_ATTRIBUTES)
            )
        attributes = {str(name): str(value) for name, value in found.get("Attributes", {}).items()}
        # SQS leaves FifoQueue out for a standard queue.
        attributes.setdefault("FifoQueue", "false")
        return ResourceFacts(arn, Presence.EXISTS, attributes)

    def _topic(self, arn: str) -> ResourceFacts:
        with self._request("sns", "GetTopicAttributes"):
            self._clients.sns.get_topic_attributes(TopicArn=arn)
        return ResourceFacts(arn, Presence.EXISTS)

    def _bus(self, arn: str) -> ResourceFacts:
        with self._request("events", "DescribeEventBus"):
            self._clients.events.describe_event_bus(Name=arn)
        return ResourceFacts(arn, Presence.EXISTS)

    def _key(self, arn: str) -> ResourceFacts:
        with self._request("kms", "DescribeKey"):
            found = self._clients.kms.describe_key(KeyId=arn)
        metadata = found.get("KeyMetadata", {})
        state = str(metadata.get("KeyState") or "")
        # An alias resolves to its key's ARN: the one IAM policies name for kms:Decrypt.
        return ResourceFacts(
            str(metadata.get("Arn") or arn), Presence.EXISTS, {"KeyState": state} if state else {}
        )

    # Roles

    def _role(self, arn: str) -> RoleFacts:
        def guarded() -> RoleFacts:
            try:
                return self._read_role(arn)
            except AwsError as error:
                return RoleFacts(arn, _presence(error), why=str(error))
            except Exception as error:  # an answer of a shape no service model promised
                return RoleFacts(arn, Presence.UNKNOWN, why=f"{type(error).__name__}: {error}")

        return self._cache.get(("role", arn), guarded)

    def _read_role(self, arn: str) -> RoleFacts:
        if not is_role_arn(arn):
            return RoleFacts(arn, Presence.UNKNOWN, why="not an IAM role ARN")
        parsed = parse_arn(arn)
        account = self._account()
        if parsed is not None and account is not None and parsed.account != account:
            return RoleFacts(
                arn,
                Presence.UNKNOWN,
                why=f"the role is in account {parsed.account}; the doctor reads IAM in {account}",
            )
        name = arn.rsplit("/", 1)[-1]
        iam = self._clients.iam
        with self._request("iam", f"GetRole {name}"):
            role = iam.get_role(RoleName=name)["Role"]
        trust = policy_document(role.get("AssumeRolePolicyDocument"))
        problems: list[str] = []
        policies: list[PolicyDocument] = []
        try:
            inline_names = self._inline_names(name)
        except AwsError as error:
            inline_names = []
            problems.append(f"inline policies: {error}")
        for policy in inline_names:  # one unreadable policy leaves the others read
            source = f"inline {policy}"
            try:
                with self._request("iam", f"GetRolePolicy {name} {policy}"):
                    inline = iam.get_role_policy(RoleName=name, PolicyName=policy)
                self._add(policies, problems, source, inline["PolicyDocument"])
            except AwsError as error:
                self._add(policies, problems, source, error)
        try:
            attached = self._attached_arns(name)
        except AwsError as error:
            attached = []
            problems.append(f"attached policies: {error}")
        for policy_arn in attached:
            self._add(policies, problems, policy_arn, self._managed(policy_arn))
        unread_trust = [] if trust is not None else ["the trust policy is not readable JSON"]
        return RoleFacts(
            arn,
            Presence.EXISTS,
            trust=trust,
            policies=tuple(policies),
            complete=not problems,
            why="; ".join(unread_trust + problems),
        )

    @staticmethod
    def _add(
        policies: list[PolicyDocument], problems: list[str], source: str, text: object
    ) -> None:
        """The policy, or why it could not be read (an AwsError, or not JSON)."""
        document = policy_document(text)
        if isinstance(text, AwsError):
            problems.append(f"{source}: {text}")
        elif document is None:
            problems.append(f"{source}: not readable JSON")
        else:
            policies.append(PolicyDocument(source, document))

    def _inline_names(self, role: str) -> list[str]:
        names: list[str] = []
        marker: dict[str, Any] = {}
        while True:
            with self._request("iam", f"ListRolePolicies {role}"):
                page = self._clients.iam.list_role_policies(RoleName=role, **marker)
            names += page.get("PolicyNames", [])
            if not page.get("IsTruncated") or not page.get("Marker"):
                return names
            marker = {"Marker": page["Marker"]}

    def _attached_arns(self, role: str) -> list[str]:
        arns: list[str] = []
        marker: dict[str, Any] = {}
        while True:
            with self._request("iam", f"ListAttachedRolePolicies {role}"):
                page = self._clients.iam.list_attached_role_policies(RoleName=role, **marker)
            arns += [
                str(p["PolicyArn"]) for p in page.get("AttachedPolicies", []) if p.get("PolicyArn")
            ]
            if not page.get("IsTruncated") or not page.get("Marker"):
                return arns
            marker = {"Marker": page["Marker"]}

    def _managed(self, arn: str) -> object:
        """A managed policy's default version (once per policy, shared by the roles it is
        attached to): the document, or the AwsError that kept it unread."""

        def read() -> object:
            iam = self._clients.iam
            try:
                with self._request("iam", f"GetPolicy {arn}"):
                    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
                with self._request("iam", f"GetPolicyVersion {arn}"):
                    found = iam.get_policy_version(PolicyArn=arn, VersionId=version)
                return found["PolicyVersion"].get("Document")
            except AwsError as error:
                return error

        return self._cache.get(("policy", arn), read)
