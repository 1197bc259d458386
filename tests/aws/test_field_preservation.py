"""Property, over real HTTP against moto: no write schedtui makes loses a single field.

Hypothesis builds schedules holding a random subset of every optional member (every target
kind, ECS parameters in full, retry policy, DLQ, KMS key, flexible window, time zone,
description, start and end dates, ActionAfterCompletion) and creates each one through the
mutation chokepoint. Then, for the same schedule:

(a) the toggle flow (ui/flows/toggle.py: plan on a fresh read, send) flips
    ENABLED/DISABLED: every other member read back is identical to before, and the
    UpdateSchedule request that left the machine is the whole schedule with only State
    changed;
(b) an edit (``Mutations.plan_update`` then ``apply``) changes ONE field at a time, every
    field in turn (in a random order): after each edit, the request sent and the schedule
    read back differ from the previous version in that field only.

moto deviations met here (the assertions follow AWS, never moto):
- moto's UpdateSchedule ignores ActionAfterCompletion: the read-back keeps the value given at
  create whatever is sent. So ActionAfterCompletion is checked on the UpdateSchedule request
  actually sent (captured with a ``before-parameter-build`` handler), and the read-back after
  an ActionAfterCompletion edit is expected to keep the old value.
- moto stores an omitted Target.RetryPolicy as 185 attempts / 86400 s and an omitted
  ScheduleExpressionTimezone as "UTC". Those are the values AWS documents as applied when the
  members are absent, so the create read-back is compared on what AWS applies
  (``as_aws_applies``), not on literal presence.
- moto reads back an omitted ActionAfterCompletion as absent; AWS's default is NONE (same
  comparison).
- moto accepts a StartDate in the past only within 5 minutes, and only for cron() (AWS
  refuses it for every expression): generated start dates are at least 10 minutes ahead.
"""

from __future__ import annotations

import copy
import json
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from schedtui.aws.mutations import Mutations
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients
from schedtui.core.schedules.diff import field_diff
from schedtui.core.schedules.schedule import Schedule
from schedtui.core.schedules.target import (
    DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS,
    DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
    Target,
)
from tests.aws.writes import create, toggle, update
from tests.core.model_samples import ACCOUNT, REGION, TARGET_ARNS, request_from
from tests.core.test_models_roundtrip import (
    EXPRESSIONS,
    UNKNOWN_PREFIX,
    ZONES,
    get_schedule_responses,
)

# Each example costs 30-60 HTTP round trips to moto (a create, a toggle, every edit).
EXAMPLES_PER_KIND = 3
ECS_EXAMPLES = 10
PROPERTY_SETTINGS = settings(
    deadline=None,
    # Shrinking replays whole examples over HTTP and takes minutes; a failure is reported
    # with the schedule and edit as drawn (every draw is labelled), which is readable enough.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    # The clients/repo/mutations fixtures are shared by every example on purpose: moto is
    # reset at the start of each example instead (``fresh_server``).
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

MIN_LEAD = 600  # seconds: start and end dates are at least 10 minutes ahead
MAX_LEAD = 2 * 365 * 86_400
KMS_KEYS = (
    f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/scheduler",
    f"arn:aws:kms:{REGION}:{ACCOUNT}:key/feedf00d-0000-4000-8000-000000000001",
)
READ_ONLY = ("Arn", "CreationDate", "LastModificationDate")

Changes = dict[str, Any]


# -- plumbing --------------------------------------------------------------------------------


def fresh_server(endpoint: str) -> None:
    """Empty moto; hypothesis runs every example inside one test call."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()


class SentRequests:
    """The parameters of every CreateSchedule / UpdateSchedule call, as botocore got them."""

    def __init__(self, clients: AwsClients) -> None:
        self.create: list[dict[str, Any]] = []
        self.update: list[dict[str, Any]] = []
        events = clients.writer("scheduler").meta.events  # every write goes through it
        events.register("before-parameter-build.scheduler.CreateSchedule", self._create)
        events.register("before-parameter-build.scheduler.UpdateSchedule", self._update)

    def _create(self, params: dict[str, Any], **_: Any) -> None:
        self.create.append(copy.deepcopy(params))

    def _update(self, params: dict[str, Any], **_: Any) -> None:
        self.update.append(copy.deepcopy(params))

    def clear(self) -> None:
        self.create.clear()
        self.update.clear()

    @staticmethod
    def only(calls: list[dict[str, Any]]) -> dict[str, Any]:
        """The one call sent, without its random ClientToken (which must be there)."""
        assert len(calls) == 1, f"expected exactly one request, got {len(calls)}"
        request = dict(calls[0])
        assert request.pop("ClientToken", None), "no ClientToken sent: a retry is not idempotent"
        return request


@pytest.fixture
def sent(clients: AwsClients) -> SentRequests:
    return SentRequests(clients)


def without_unknown(data: Any) -> Any:
    """Drop the Future* members the model generators add: botocore refuses to send them."""
    if isinstance(data, dict):
        return {
            key: without_unknown(value)
            for key, value in data.items()
            if not key.startswith(UNKNOWN_PREFIX)
        }
    if isinstance(data, list):
        return [without_unknown(item) for item in data]
    return data


def as_aws_applies(data: dict[str, Any]) -> dict[str, Any]:
    """A schedule in API shape, with the defaults AWS applies to absent members filled in."""
    result = copy.deepcopy(data)
    for member in READ_ONLY:
        result.pop(member, None)
    result.setdefault("ScheduleExpressionTimezone", "UTC")
    result.setdefault("ActionAfterCompletion", "NONE")
    retry = result["Target"].setdefault("RetryPolicy", {})
    retry.setdefault("MaximumRetryAttempts", DEFAULT_MAXIMUM_RETRY_ATTEMPTS)
    retry.setdefault("MaximumEventAgeInSeconds", DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS)
    return result


def full_request(schedule: Schedule) -> dict[str, Any]:
    """What UpdateSchedule must carry for ``schedule``: every member but the read-only ones.

    Built from ``to_api`` rather than the code under test (``to_update_request``).
    """
    return {key: value for key, value in schedule.to_api().items() if key not in READ_ONLY}


def everything_but_modification_date(schedule: Schedule) -> dict[str, Any]:
    data = schedule.to_api()
    data.pop("LastModificationDate", None)
    return data


# -- what hypothesis draws -------------------------------------------------------------------


def now_to_the_second() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@st.composite
def create_requests(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """A CreateSchedule request with a random subset of every optional member.

    Dates are drawn as leads from the time the example runs, so that a replayed example is
    the same schedule and its dates are always ahead.
    """
    request: dict[str, Any] = without_unknown(request_from(draw(get_schedule_responses(kind))))
    request.pop("StartDate", None)
    request.pop("EndDate", None)
    now = now_to_the_second()
    if draw(st.booleans()):
        request["StartDate"] = now + timedelta(seconds=draw(st.integers(MIN_LEAD, MAX_LEAD)))
    if draw(st.booleans()):
        base = request.get("StartDate", now)
        request["EndDate"] = base + timedelta(seconds=draw(st.integers(MIN_LEAD, MAX_LEAD)))
    return request


def _different(current: Any) -> Callable[[Any], bool]:
    return lambda value: value != current


def _target_edit(target: Target, **changes: Any) -> Changes:
    return {"target": target.replace(**changes)}


def ecs_member_edits(target: Target) -> dict[str, st.SearchStrategy[Changes]]:
    """Edits of one EcsParameters member each, the rest of the block untouched."""
    ecs = target.ecs_parameters
    assert ecs is not None
    constraints = None if ecs.placement_constraints is None else [
        item.to_api() for item in ecs.placement_constraints
    ]  # fmt: skip
    strategies = None if ecs.placement_strategy is None else [
        item.to_api() for item in ecs.placement_strategy
    ]  # fmt: skip
    values: dict[str, tuple[str, st.SearchStrategy[Any]]] = {
        "TaskDefinitionArn": (
            "task_definition_arn",
            st.integers(1, 999)
            .map(lambda n: f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/edited:{n}")
            .filter(_different(ecs.task_definition_arn)),
        ),
        "TaskCount": ("task_count", st.integers(1, 10).filter(_different(ecs.task_count))),
        "PlatformVersion": (
            "platform_version",
            st.sampled_from(["LATEST", "1.4.0", "1.3.0"]).filter(_different(ecs.platform_version)),
        ),
        "Group": ("group", st.sampled_from(["family:a", "family:b"]).filter(_different(ecs.group))),
        "ReferenceId": (
            "reference_id",
            st.sampled_from(["ref-a", "ref-b"]).filter(_different(ecs.reference_id)),
        ),
        "EnableExecuteCommand": ("enable_execute_command", st.just(not ecs.enable_execute_command)),
        "EnableECSManagedTags": (
            "enable_ecs_managed_tags",
            st.just(not ecs.enable_ecs_managed_tags),
        ),
        "Tags": ("tags", st.just([{"edited": "yes"}]).filter(_different(ecs.tags))),
        "PlacementConstraints": (
            "placement_constraints",
            st.just([{"type": "distinctInstance"}]).filter(_different(constraints)),
        ),
        "PlacementStrategy": (
            "placement_strategy",
            st.just([{"type": "binpack", "field": "memory"}]).filter(_different(strategies)),
        ),
    }
    network = ecs.network_configuration
    vpc = None if network is None else network.awsvpc_configuration
    if network is not None and vpc is not None:
        # One member deep inside; the block's other members (unknown ones too) stay put.
        values["NetworkConfiguration.awsvpcConfiguration.Subnets"] = (
            "network_configuration",
            st.just(["subnet-edited"])
            .filter(_different(vpc.subnets))
            .map(
                lambda subnets: network.replace(awsvpc_configuration=vpc.replace(subnets=subnets))
            ),
        )
    return {
        f"EcsParameters.{member}": strategy.map(_ecs_edit(target, field))
        for member, (field, strategy) in values.items()
    }


def _ecs_edit(target: Target, field: str) -> Callable[[Any], Changes]:
    ecs = target.ecs_parameters
    assert ecs is not None
    return lambda value: _target_edit(target, ecs_parameters=ecs.replace(**{field: value}))


def parameter_block_edits(target: Target, kind: str) -> dict[str, st.SearchStrategy[Changes]]:
    """Edits of one member of the target's parameter block (none when the kind has none)."""
    word = st.from_regex(r"[a-z][a-z0-9-]{0,11}", fullmatch=True)
    if kind == "ecs":
        return ecs_member_edits(target)
    if kind in ("sqs", "sqs_fifo"):
        group_id = target.sqs_parameters and target.sqs_parameters.message_group_id
        return {
            "SqsParameters.MessageGroupId": word.filter(_different(group_id)).map(
                lambda group_id: _target_edit(target, sqs_parameters={"MessageGroupId": group_id})
            )
        }
    if kind == "eventbridge":
        block = target.event_bridge_parameters
        source = "com.example.jobs" if block is None else block.source
        detail_type = None if block is None else block.detail_type
        return {
            "EventBridgeParameters.DetailType": word.filter(_different(detail_type)).map(
                lambda detail: _target_edit(
                    target, event_bridge_parameters={"DetailType": detail, "Source": source}
                )
            )
        }
    if kind == "kinesis":
        partition_key = target.kinesis_parameters and target.kinesis_parameters.partition_key
        return {
            "KinesisParameters.PartitionKey": word.filter(_different(partition_key)).map(
                lambda key: _target_edit(target, kinesis_parameters={"PartitionKey": key})
            )
        }
    if kind == "sagemaker":
        return {
            "SageMakerPipelineParameters.PipelineParameterList": st.integers(1, 99).map(
                lambda epochs: _target_edit(
                    target,
                    sage_maker_pipeline_parameters={
                        # "edited-" makes it differ from anything the generator draws.
                        "PipelineParameterList": [{"Name": "edited-epochs", "Value": str(epochs)}]
                    },
                )
            )
        }
    return {}


def one_field_edits(before: Schedule, kind: str) -> dict[str, st.SearchStrategy[Changes]]:
    """Every single-field edit an operator can make to ``before``, by name."""
    target = before.target
    now = now_to_the_second()
    lead = st.integers(MIN_LEAD, MAX_LEAD).map(lambda seconds: timedelta(seconds=seconds))
    window = before.flexible_time_window.to_api()
    flexible = (
        st.integers(1, 1440)
        .map(lambda minutes: {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": minutes})
        .filter(_different(window))
    )
    windows = flexible if window == {"Mode": "OFF"} else st.just({"Mode": "OFF"}) | flexible
    edits: dict[str, st.SearchStrategy[Changes]] = {
        "description": st.text(min_size=1, max_size=40)
        .filter(_different(before.description))
        .map(lambda text: {"description": text}),
        "expression": st.sampled_from(EXPRESSIONS)
        .filter(_different(before.schedule_expression))
        .map(lambda expression: {"schedule_expression": expression}),
        "time zone": st.sampled_from(ZONES)
        .filter(_different(before.timezone_name))
        .map(lambda zone: {"schedule_expression_timezone": zone}),
        "flexible window": windows.map(lambda window: {"flexible_time_window": window}),
        "retry policy": st.fixed_dictionaries(
            {
                "MaximumRetryAttempts": st.integers(0, 185),
                "MaximumEventAgeInSeconds": st.integers(60, 86_400),
            }
        )
        .filter(_different(target.retry_policy and target.retry_policy.to_api()))
        .map(lambda policy: _target_edit(target, retry_policy=policy)),
        "dead-letter queue": st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
        .map(lambda queue: f"arn:aws:sqs:{REGION}:{ACCOUNT}:edited-{queue}")
        .filter(_different(target.dead_letter_config and target.dead_letter_config.arn))
        .map(lambda arn: _target_edit(target, dead_letter_config={"Arn": arn})),
        "input": st.integers()
        .map(lambda n: json.dumps({"edited": n}))
        .filter(_different(target.input))
        .map(lambda text: _target_edit(target, input=text)),
        "kms key": st.sampled_from(KMS_KEYS)
        .filter(_different(before.kms_key_arn))
        .map(lambda arn: {"kms_key_arn": arn}),
        "end date": lead.map(lambda delta: (before.start_date or now) + delta)
        .filter(_different(before.end_date))
        .map(lambda end: {"end_date": end}),
        "action after completion": st.just(
            {
                "action_after_completion": (
                    "NONE" if before.action_after_completion == "DELETE" else "DELETE"
                )
            }
        ),
    }
    removable = {
        "remove description": ("description", before.description),
        "remove kms key": ("kms_key_arn", before.kms_key_arn),
        "remove start date": ("start_date", before.start_date),
        "remove end date": ("end_date", before.end_date),
    }
    for label, (field, value) in removable.items():
        if value is not None:
            edits[label] = st.just({field: None})
    if target.dead_letter_config is not None:
        edits["remove dead-letter queue"] = st.just(_target_edit(target, dead_letter_config=None))
    # A new start date stays before the end date (schedtui refuses the opposite).
    latest = int((before.end_date - now).total_seconds()) - 60 if before.end_date else MAX_LEAD
    if latest > MIN_LEAD:
        edits["start date"] = (
            st.integers(MIN_LEAD, latest)
            .map(lambda seconds: now + timedelta(seconds=seconds))
            .filter(_different(before.start_date))
            .map(lambda start: {"start_date": start})
        )
    edits.update(parameter_block_edits(target, kind))
    return edits


# -- the property ----------------------------------------------------------------------------


def check_one_edit(
    name: str,
    changes: Changes,
    before: Schedule,
    mutations: Mutations,
    repo: SchedulerRepository,
    sent: SentRequests,
) -> Schedule:
    """Apply one single-field edit; only that field may change, on the wire and on the server."""
    expected = before.replace(**changes)
    expected_diff = field_diff(before, expected)
    assert expected_diff, f"the {name} edit changes nothing: the check would be vacuous"
    sent.clear()
    # The review is the consent (removing a rate's StartDate asks for it): given, as a user would.
    result = update(mutations, before, changes, consented=True)
    assert SentRequests.only(sent.update) == full_request(expected), name
    edited = repo.get_schedule(*before.key)
    assert result.changes == expected_diff, name
    assert result.schedule == edited, name
    if name == "action after completion":
        # moto deviation: UpdateSchedule ignores ActionAfterCompletion. The request checked
        # above carried the new value, which is what AWS would store.
        expected = expected.replace(
            check_rules=False, action_after_completion=before.action_after_completion
        )
    read_back = everything_but_modification_date(edited)
    assert read_back == everything_but_modification_date(expected), name
    return edited


def check_writes_keep_every_field(
    data: st.DataObject,
    kind: str,
    mutations: Mutations,
    repo: SchedulerRepository,
    sent: SentRequests,
) -> None:
    assert mutations.clients.settings.endpoint_url is not None
    fresh_server(mutations.clients.settings.endpoint_url)
    sent.clear()

    # Create: what AWS would hold is exactly what was asked for.
    request = data.draw(create_requests(kind), label="create request")
    if request["GroupName"] != "default":
        mutations.create_group(request["GroupName"])
    created = create(mutations, Schedule.from_api(request, check_rules=True))
    assert SentRequests.only(sent.create) == request
    key = (request["GroupName"], request["Name"])
    original = repo.get_schedule(*key)
    assert created.schedule == original
    assert as_aws_applies(original.to_api()) == as_aws_applies(request)

    # (a) Toggle: only State changes, on the wire and on the server.
    new_state = "DISABLED" if original.state == "ENABLED" else "ENABLED"
    sent.clear()
    result = toggle(mutations, original)  # the toggle flow's own planning and sending
    assert result.done, result.error
    toggled_expected = original.replace(check_rules=False, state=new_state)
    assert SentRequests.only(sent.update) == full_request(toggled_expected)
    toggled = repo.get_schedule(*key)
    assert toggled.state == new_state
    assert everything_but_modification_date(toggled) == everything_but_modification_date(
        toggled_expected
    )
    audited = mutations.audit.entries()[-1]["changes"]
    assert audited == {"State": {"before": original.state, "after": new_state}}

    # (b) Every single-field edit, one after the other in a random order, each one checked
    # against the schedule as the previous one left it.
    current = toggled
    for name in data.draw(st.permutations(sorted(one_field_edits(toggled, kind))), label="order"):
        edits = one_field_edits(current, kind)
        if name not in edits:  # e.g. "remove end date" after the end date went
            continue
        event(name)
        changes = data.draw(edits[name], label=name)
        current = check_one_edit(name, changes, current, mutations, repo, sent)


@pytest.mark.parametrize("kind", sorted(TARGET_ARNS))
@settings(PROPERTY_SETTINGS, max_examples=EXAMPLES_PER_KIND)
@given(data=st.data())
def test_toggle_and_single_edits_keep_every_other_field(
    kind: str,
    data: st.DataObject,
    mutations: Mutations,
    repo: SchedulerRepository,
    sent: SentRequests,
) -> None:
    check_writes_keep_every_field(data, kind, mutations, repo, sent)


@settings(PROPERTY_SETTINGS, max_examples=ECS_EXAMPLES)
@given(data=st.data())
def test_ecs_parameters_survive_toggles_and_edits_in_full(
    data: st.DataObject, mutations: Mutations, repo: SchedulerRepository, sent: SentRequests
) -> None:
    """ECS carries the largest parameter block (nested, lists, lower camelCase members)."""
    check_writes_keep_every_field(data, "ecs", mutations, repo, sent)


def test_the_comparison_sees_a_lost_field(
    mutations: Mutations, repo: SchedulerRepository, clients: AwsClients
) -> None:
    """The checks above can fail: a write that drops the DLQ is caught by the comparison."""
    request = {
        "Name": "lossy",
        "GroupName": "default",
        "ScheduleExpression": "rate(1 hour)",
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {
            "Arn": TARGET_ARNS["lambda"],
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/invoke",
            "DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"},
        },
    }
    before = create(mutations, Schedule.from_api(request)).schedule
    assert before is not None
    lossy = before.replace(target=before.target.replace(dead_letter_config=None))
    clients.scheduler.update_schedule(**full_request(lossy))
    after = repo.get_schedule("default", "lossy")
    assert everything_but_modification_date(after) != everything_but_modification_date(before)
    assert as_aws_applies(after.to_api()) != as_aws_applies(request)
