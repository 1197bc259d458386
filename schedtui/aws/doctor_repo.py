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
  GetTopicAttributes, EventBridge DescribeEventBus, Kinesis DescribeStreamSummary, Firehose
  DescribeDeliveryStream, SageMaker DescribePipeline, CodeBuild BatchGetProjects (a project
  it does not know is in projectsNotFound, not an error), CodePipeline GetPipeline. Firehose
  and CodePipeline take a name, not an ARN: one of another account than the caller's is not
  read (as a role). CodeBuild and SageMaker take the ARN, but not answering another
  account's resource (unshared, or gone: from here the two look alike) is UNKNOWN, not
  MISSING. While the caller's account is unknown (GetCallerIdentity failed) every ARN
  naming an account is another account's for these rules. The name is parsed strictly from
  the ARN's resource (``deliverystream/NAME``, ``stream/NAME``, ``pipeline/NAME``,
  ``project/NAME``, CodePipeline's bare ``NAME``): an ARN of another shape names nothing
  and is UNKNOWN, never read. Inspector and universal targets are not read (a note says so).
- ``reads`` (``core/health/resources.Resource``) picks which of role, target, DLQ and key
  are read at all: the cleanup view asks for the targets alone (no IAM call).
- DLQ: as an SQS target. KMS key: DescribeKey (KeyState).

A resource AWS says does not exist is MISSING; one that could not be read (access denied,
throttled after the client's retries, endpoint down, an answer schedtui cannot read, another
region) is UNKNOWN with ``why``: never an exception out of ``facts`` or ``diagnose``.

Rate limits, and why 10,000 schedules stay within them: every request waits for its
service's limiter (``rate_limit.RateLimiter``): IAM at 5 requests a second (its control
plane is global and slow to forgive), every other service at 10. Calls are driven by
DISTINCT roles, targets, queues and keys, never by schedules: a role costs 3 calls plus one
per inline policy (GetRole, ListRolePolicies, ListAttachedRolePolicies, GetRolePolicy each)
and 2 per managed policy not read before (GetPolicy, GetPolicyVersion); a target 1 call (2
for SQS and ECS); a DLQ 2; a key 1. ``diagnose`` reads a batch's distinct resources first,
each service on its own two threads, so the services wait side by side, never one behind
another. 10,000 schedules sharing 40 roles (2 inline policies each, 10 managed policies
between them), 300 targets, 20 DLQs and 10 keys: 40 x 5 + 10 x 2 = 220 IAM calls, 44 s at
5/s, while the ~450 others run beside them (SQS's 240 the most: 24 s); measured 48 s
(``tests/bench/test_bench_doctor_fleet.py``). The definitions are the details cache's
GetSchedule reads, at its own rate. The worst case, every schedule with its own role and
target, is ~50,000 IAM calls: 2 h 45 min at 5/s, still never throttled; ``calls`` counts
what a run made, for the report.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import unquote

from schedtui.aws.errors import AwsError, NotFoundError, aws_call, new_token
from schedtui.aws.rate_limit import RateLimiter
from schedtui.aws.session import AwsClients
from schedtui.core import jsontext
from schedtui.core.activity.lambda_logs import lambda_function
from schedtui.core.health import doctor
from schedtui.core.health.doctor import Diagnosis, DoctorReport
from schedtui.core.health.facts import dlq_arn
from schedtui.core.health.resources import (
    EVERY_RESOURCE,
    PolicyDocument,
    Presence,
    Resource,
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
# Threads per service: its limiter, not its threads, sets the pace; two keep a request in
# flight while the next one waits for its slot.
WORKERS_PER_SERVICE: Final = 2
# Schedules whose resources are read together before they are judged (a fleet's listing
# comes in pages of 100): more shares the services' waiting, fewer reports progress sooner.
BATCH: Final = 500
_QUEUE_ATTRIBUTES: Final[tuple[QueueAttributeFilterType, ...]] = (
    "FifoQueue",
    "MessageRetentionPeriod",
)
# A cluster or task definition in these states cannot run a task.
_GONE_STATES: Final = frozenset({"INACTIVE", "DELETE_IN_PROGRESS", "DEPROVISIONING"})

T = TypeVar("T")


@dataclass(frozen=True)
class _Read:
    """One cached read: the service whose limiter paces it, its cache key, and the read
    itself (which never raises: a fault is facts)."""

    service: str
    key: Hashable
    read: Callable[[], Any]


def _batches(pages: Iterable[Sequence[T]], size: int) -> Iterator[list[T]]:
    """The pages' items in lists of at least ``size`` (the last may be shorter)."""
    batch: list[T] = []
    for page in pages:
        batch.extend(page)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Once:
    """Values computed once per key and shared by threads: a second thread asking for a key
    being computed waits for that computation instead of sending the same requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[Hashable, Any] = {}
        self._pending: dict[Hashable, threading.Event] = {}
        self._generation = 0  # a read in flight across a clear() is not kept

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        while True:
            with self._lock:
                if key in self._values:
                    found: T = self._values[key]
                    return found
                event = self._pending.get(key)
                generation = self._generation
                mine = event is None
                if event is None:
                    event = self._pending[key] = threading.Event()
            if not mine:
                event.wait()
                continue  # computed (or failed: then this thread tries)
            try:
                value = compute()
                with self._lock:
                    if generation == self._generation:
                        self._values[key] = value
                return value
            finally:
                with self._lock:
                    self._pending.pop(key, None)
                event.set()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._generation += 1


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


def _named(arn: str, service: str, prefix: str) -> str | None:
    """The name in a target ARN whose resource is exactly ``<prefix><name>`` (the name
    with no '/' or ':'); None for any other ARN. Strict, unlike ``target_resource_name``
    (a display helper that falls back to the last segment): a malformed ARN must never be
    looked up by a name it does not hold, as Scheduler's call on it fails every time."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != service or not parsed.resource.startswith(prefix):
        return None
    name = parsed.resource[len(prefix) :]
    return name if name and "/" not in name and ":" not in name else None


def _names_no(arn: str, what: str) -> ResourceFacts:
    return ResourceFacts(arn, Presence.UNKNOWN, why=f"the ARN names no {what}")


def _presence(error: AwsError) -> Presence:
    return Presence.MISSING if isinstance(error, NotFoundError) else Presence.UNKNOWN


def _gone(arn: str, state: str, what: str) -> ResourceFacts:
    return ResourceFacts(arn, Presence.MISSING, {"status": state}, why=f"{what} is {state}")


def _by_status(arn: str, status: object, what: str) -> ResourceFacts:
    """A resource AWS described, by its status: being deleted is as good as gone (every
    service spells it DELETING, SageMaker Deleting)."""
    state = str(status or "")
    if state.upper() == "DELETING":
        return _gone(arn, state, what)
    return ResourceFacts(arn, Presence.EXISTS, {"status": state} if state else {})


class DoctorRepository:
    def __init__(
        self,
        clients: AwsClients,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        workers_per_service: int = WORKERS_PER_SERVICE,
    ) -> None:
        self._clients = clients
        self._clock = clock
        self._sleep = sleep
        self._workers_per_service = max(1, workers_per_service)
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

    def facts(
        self, schedule: Schedule, reads: frozenset[Resource] = EVERY_RESOURCE
    ) -> ScheduleFacts:
        """What AWS holds about the schedule's resources (cached per resource); only the
        ``reads`` kinds are read (a role left out is a placeholder, never judged)."""
        wanted, notes = self._reads(schedule, reads)
        got: dict[str, Any] = {slot: self._cache.get(r.key, r.read) for slot, r in wanted.items()}
        role = schedule.target.role_arn
        return ScheduleFacts(
            role=got.get("role") or RoleFacts(role, Presence.UNKNOWN, why="not read"),
            target=got.get("target"),
            task_definition=got.get("task_definition"),
            dlq=got.get("dlq"),
            key=got.get("key"),
            notes=tuple(notes),
            read=reads,
        )

    def diagnose(
        self,
        schedules: Sequence[Schedule],
        now: datetime,
        *,
        progress: Callable[[int, int], None] | None = None,
        reads: frozenset[Resource] = EVERY_RESOURCE,
    ) -> DoctorReport:
        """The doctor over these schedules; ``progress(done, total)`` after each one (on
        the calling thread). ``reads``: the resources to read and judge (the cleanup view
        asks for the targets alone); the definitions' own findings are always there."""
        return self.diagnose_pages(
            [schedules], now, progress=progress, total=len(schedules), reads=reads
        )

    def diagnose_pages(
        self,
        pages: Iterable[Sequence[Schedule]],
        now: datetime,
        *,
        progress: Callable[[int, int], None] | None = None,
        total: int | None = None,
        reads: frozenset[Resource] = EVERY_RESOURCE,
    ) -> DoctorReport:
        """``diagnose`` over pages of definitions as they come (a fleet's listing): only a
        batch of definitions is held at a time, the report keeps the findings.
        ``progress``'s total is ``total``, else the schedules seen so far.

        Each batch's distinct resources are read first, each service's by its own small
        pool, so that the slow IAM reads never hold up the others; the schedules are then
        judged from the cache."""
        before = self.calls
        region = self._region()
        counted: Counter[str] = Counter()
        diagnoses: list[Diagnosis] = []
        done = seen = 0
        pools: dict[str, ThreadPoolExecutor] = {}
        try:
            for batch in _batches(pages, BATCH):
                seen += len(batch)
                self._warm(batch, pools, reads)
                for schedule in batch:
                    facts = self.facts(schedule, reads)
                    counted.update(facts.notes)
                    try:
                        found = doctor.diagnose(schedule, facts, now, region=region)
                    except Exception as error:  # one odd definition never ends the walk
                        found = [doctor.unjudged(error)]
                    diagnoses.append(Diagnosis(schedule.group_name, schedule.name, tuple(found)))
                    done += 1
                    if progress is not None:
                        progress(done, seen if total is None else total)
        finally:
            for pool in pools.values():
                pool.shutdown(wait=True, cancel_futures=True)
        notes = [f"{note} ({count:,} of the schedules)" for note, count in sorted(counted.items())]
        return doctor.report(diagnoses, notes, calls=self.calls - before)

    def _warm(
        self,
        batch: Sequence[Schedule],
        pools: dict[str, ThreadPoolExecutor],
        reads: frozenset[Resource],
    ) -> None:
        """Read the batch's distinct resources into the cache, each service's on its pool."""
        unique: dict[Hashable, _Read] = {}
        for schedule in batch:
            for read in self._reads(schedule, reads)[0].values():
                unique.setdefault(read.key, read)
        futures = []
        for read in unique.values():
            if read.service not in pools:
                pools[read.service] = ThreadPoolExecutor(
                    self._workers_per_service, thread_name_prefix=f"doctor-{read.service}"
                )
            futures.append(pools[read.service].submit(self._cache.get, read.key, read.read))
        for future in futures:
            future.result()

    def forget(self) -> None:
        """Drop the cache (the operator asked for a fresh look)."""
        self._cache.clear()

    # Plumbing

    def _region(self) -> str:
        try:
            return self._clients.region
        except AwsError:
            return self._clients.settings.region or ""

    def _identity(self) -> str | AwsError:
        """The caller's account, or why GetCallerIdentity could not tell it (once)."""

        def read() -> str | AwsError:
            known = self._clients.known_identity
            if known is not None:
                return known.account
            try:
                with self._request("sts", "GetCallerIdentity"):
                    return self._clients.caller_identity().account
            except AwsError as error:
                return error

        return self._cache.get(("account",), read)

    def _elsewhere(self, arn: str) -> ResourceFacts | None:
        """UNKNOWN facts when the resource cannot be read from here: another region than
        the clients'."""
        parsed = parse_arn(arn)
        region = self._region()
        if parsed is not None and parsed.region and region and parsed.region != region:
            why = f"it is in {parsed.region}; the doctor reads {region}"
            return ResourceFacts(
                arn, Presence.UNKNOWN, why=why, elsewhere=f"Region {parsed.region}"
            )
        return None

    def _resource(
        self, service: str, arn: str, read: Callable[[str], ResourceFacts], key: str = ""
    ) -> _Read:
        """``read(arn)`` as one cached read; a fault is UNKNOWN (or MISSING) facts, never
        raised."""

        def guarded() -> ResourceFacts:
            if (elsewhere := self._elsewhere(arn)) is not None:
                return elsewhere
            try:
                return read(arn)
            except AwsError as error:
                return ResourceFacts(arn, _presence(error), why=str(error))
            except Exception as error:  # an answer of a shape no service model promised
                return ResourceFacts(arn, Presence.UNKNOWN, why=f"{type(error).__name__}: {error}")

        return _Read(service, (key or service, arn), guarded)

    def _reads(
        self, schedule: Schedule, wanted: frozenset[Resource]
    ) -> tuple[dict[str, _Read], list[str]]:
        """The ``wanted`` reads the schedule's facts take, by ScheduleFacts member, and its
        notes."""
        target = schedule.target
        reads: dict[str, _Read] = {}
        notes: list[str] = []
        if Resource.ROLE in wanted:
            reads["role"] = self._role(target.role_arn)
        if Resource.TARGET in wanted:
            notes += self._target_reads(schedule, reads)
        queue = dlq_arn(schedule)
        if queue is not None and Resource.DLQ in wanted:
            reads["dlq"] = self._resource("sqs", queue, self._queue)
        if schedule.kms_key_arn and Resource.KEY in wanted:
            reads["key"] = self._resource("kms", schedule.kms_key_arn, self._key)
        return reads, notes

    def _target_reads(self, schedule: Schedule, reads: dict[str, _Read]) -> list[str]:
        """Adds the target's reads (an ECS target's task definition too); its notes."""
        target = schedule.target
        notes: list[str] = []
        kind = target_kind(target.arn)
        readers: dict[TargetKind, tuple[str, Callable[[str], ResourceFacts]]] = {
            TargetKind.LAMBDA: ("lambda", self._function),
            TargetKind.STEP_FUNCTIONS: ("stepfunctions", self._state_machine),
            TargetKind.ECS: ("ecs", self._cluster),
            TargetKind.SQS: ("sqs", self._queue),
            TargetKind.SNS: ("sns", self._topic),
            TargetKind.EVENTBRIDGE: ("events", self._bus),
            TargetKind.KINESIS: ("kinesis", self._stream),
            TargetKind.FIREHOSE: ("firehose", self._delivery_stream),
            TargetKind.SAGEMAKER: ("sagemaker", self._pipeline),
            TargetKind.CODEBUILD: ("codebuild", self._project),
            TargetKind.CODEPIPELINE: ("codepipeline", self._code_pipeline),
        }
        if kind in readers:
            service, read = readers[kind]
            reads["target"] = self._resource(service, target.arn, read)
        else:
            notes.append(f"{kind.label} targets are not checked for existence")
        ecs = target.ecs_parameters
        if kind is TargetKind.ECS and ecs is not None and ecs.task_definition_arn:
            arn = ecs.task_definition_arn
            reads["task_definition"] = self._resource(
                "ecs", arn, self._task_definition, "task-definition"
            )
        return notes

    # Targets

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
        return _by_status(arn, found.get("status"), "the state machine")

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

    def _stream(self, arn: str) -> ResourceFacts:
        if _named(arn, "kinesis", "stream/") is None:
            return _names_no(arn, "Kinesis stream")
        # By ARN: Kinesis reads another account's stream when its resource policy allows.
        with self._request("kinesis", "DescribeStreamSummary"):
            found = self._clients.kinesis.describe_stream_summary(StreamARN=arn)
        summary = found.get("StreamDescriptionSummary") or {}
        return _by_status(arn, summary.get("StreamStatus"), "the stream")

    def _delivery_stream(self, arn: str) -> ResourceFacts:
        name = _named(arn, "firehose", "deliverystream/")
        if name is None:
            return _names_no(arn, "Firehose delivery stream")
        if (away := self._other_account(arn)) is not None:
            return away
        with self._request("firehose", f"DescribeDeliveryStream {name}"):
            found = self._clients.firehose.describe_delivery_stream(DeliveryStreamName=name)
        described = found.get("DeliveryStreamDescription") or {}
        status = described.get("DeliveryStreamStatus")
        return _by_status(arn, status, "the delivery stream")

    def _pipeline(self, arn: str) -> ResourceFacts:
        if _named(arn, "sagemaker", "pipeline/") is None:
            return _names_no(arn, "SageMaker pipeline")
        # By ARN, which DescribePipeline takes: SageMaker writes the name lower-cased in it.
        # (moto looks pipelines up by name only, and answers ValidationException, not AWS's
        # ResourceNotFound: the tests answer as AWS does, tests/aws/test_doctor_repo.py.)
        try:
            with self._request("sagemaker", "DescribePipeline"):
                found = self._clients.sagemaker.describe_pipeline(PipelineName=arn)
        except NotFoundError as error:
            # AWS does not document what another account's pipeline (unshared through RAM)
            # answers: not found from here is not gone there.
            away = self._other_account(arn, f"DescribePipeline: {error}")
            if away is not None:
                return away
            raise
        # The answer must be this ARN's pipeline, not a namesake here (moto reads names).
        answered = str(found.get("PipelineArn") or arn)
        if answered.lower() != arn.lower():
            return self._not_answered(arn, "DescribePipeline", f"it answered {answered}")
        return _by_status(arn, found.get("PipelineStatus"), "the pipeline")

    def _project(self, arn: str) -> ResourceFacts:
        if _named(arn, "codebuild", "project/") is None:
            return _names_no(arn, "CodeBuild project")
        with self._request("codebuild", "BatchGetProjects"):
            found = self._clients.codebuild.batch_get_projects(names=[arn])
        # The answer must be this ARN's project, not a namesake here (moto reads names).
        if any(project.get("arn") == arn for project in found.get("projects") or []):
            return ResourceFacts(arn, Presence.EXISTS)
        # A project CodeBuild does not know, or cannot show (another account's, unshared),
        # is listed in projectsNotFound, not an error (moto leaves that list empty).
        return self._not_answered(arn, "BatchGetProjects", "not found")

    def _not_answered(self, arn: str, action: str, why: str) -> ResourceFacts:
        """A read by ARN that did not answer the resource: MISSING in the caller's account;
        UNKNOWN for another account's (or when the caller's is unknown): not visible from
        here is not gone, and a wrong MISSING makes cleanup offer a delete."""
        away = self._other_account(arn, f"{action}: {why}")
        return away or ResourceFacts(arn, Presence.MISSING, why=f"{action}: {why}")

    def _code_pipeline(self, arn: str) -> ResourceFacts:
        # CodePipeline's ARN is arn:...:codepipeline:<region>:<account>:<name>, no type.
        name = _named(arn, "codepipeline", "")
        if name is None:
            return _names_no(arn, "CodePipeline pipeline")
        if (away := self._other_account(arn)) is not None:
            return away
        with self._request("codepipeline", f"GetPipeline {name}"):
            self._clients.codepipeline.get_pipeline(name=name)
        return ResourceFacts(arn, Presence.EXISTS)

    def _other_account(self, arn: str, answered: str = "") -> ResourceFacts | None:
        """UNKNOWN facts for a resource that may not be in the caller's account: another
        account's, or any account's when the caller's could not be read (GetCallerIdentity
        failed). For an API that takes a name only (Firehose, CodePipeline) the name would
        be looked up here; for one that did not answer an ARN (``answered`` says what it
        said), the resource may just be out of sight. None: the caller's own account."""
        parsed = parse_arn(arn)
        if parsed is None or not parsed.account:
            return None
        account = self._identity()
        if parsed.account == account:
            return None
        said = f" ({answered})" if answered else ""
        if isinstance(account, AwsError):
            why = (
                f"it names account {parsed.account}, and the caller's account could not be "
                f"read ({account}){said}"
            )
            return ResourceFacts(arn, Presence.UNKNOWN, why=why)
        why = f"it is in account {parsed.account}; the doctor reads {account}{said}"
        return ResourceFacts(arn, Presence.UNKNOWN, why=why, elsewhere=f"account {parsed.account}")

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

    def _role(self, arn: str) -> _Read:
        def guarded() -> RoleFacts:
            try:
                return self._read_role(arn)
            except AwsError as error:
                return RoleFacts(arn, _presence(error), why=str(error))
            except Exception as error:  # an answer of a shape no service model promised
                return RoleFacts(arn, Presence.UNKNOWN, why=f"{type(error).__name__}: {error}")

        return _Read("iam", ("role", arn), guarded)

    def _read_role(self, arn: str) -> RoleFacts:
        if not is_role_arn(arn):
            return RoleFacts(arn, Presence.UNKNOWN, why="not an IAM role ARN")
        # GetRole takes a name, looked up in the caller's account: another account's role
        # (or any, when the caller's account is unknown) is not read.
        if (away := self._other_account(arn)) is not None:
            return RoleFacts(
                arn, Presence.UNKNOWN, why=f"the role: {away.why}", elsewhere=away.elsewhere
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

    def _iam_pages(self, action: str, list_page: Callable[..., Any]) -> Iterator[Any]:
        """An IAM listing page by page (``Marker``), each page a request of its own."""
        more: dict[str, Any] = {}
        seen: set[str] = set()
        while True:
            with self._request("iam", action):
                page = list_page(**more)
            yield page
            if not page.get("IsTruncated") or not page.get("Marker"):
                return
            marker = new_token(str(page["Marker"]), seen, f"{action}: IAM answered a Marker")
            more = {"Marker": marker}

    def _inline_names(self, role: str) -> list[str]:
        iam = self._clients.iam
        pages = self._iam_pages(
            f"ListRolePolicies {role}", lambda **more: iam.list_role_policies(RoleName=role, **more)
        )
        return [str(name) for page in pages for name in page.get("PolicyNames", [])]

    def _attached_arns(self, role: str) -> list[str]:
        iam = self._clients.iam
        pages = self._iam_pages(
            f"ListAttachedRolePolicies {role}",
            lambda **more: iam.list_attached_role_policies(RoleName=role, **more),
        )
        return [
            str(policy["PolicyArn"])
            for page in pages
            for policy in page.get("AttachedPolicies", [])
            if policy.get("PolicyArn")
        ]

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
