"""Every length, count, range and pattern the service model puts on what schedtui writes,
read from the installed botocore's model and tried on schedtui's own rules: no stricter and
no looser. A botocore whose model changes a rule fails this test, and names the member."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from pydantic import ValidationError

from schedtui.core.schedules.schedule import Schedule
from schedtui.core.schedules.validation import error_messages
from tests.core.model_samples import ACCOUNT, REGION, schedule_response, with_member

MODEL = botocore.session.get_session().get_service_model("scheduler")
# Parameter blocks and the sample target kind that carries them.
KINDS = {
    "Target.EcsParameters": "ecs",
    "Target.EventBridgeParameters": "eventbridge",
    "Target.KinesisParameters": "kinesis",
    "Target.SageMakerPipelineParameters": "sagemaker",
    "Target.SqsParameters": "sqs_fifo",
}
# Members schedtui does not model: they round-trip untouched as unknown members, so no rule
# of schedtui's applies to them (tests/core/test_models_roundtrip.py).
NOT_MODELLED: tuple[str, ...] = ()
# Members that are request parameters, not parts of a schedule (checked where they are built).
REQUEST_ONLY = ("ClientToken",)
CAPACITY = [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]
# Members the samples leave out, added when a member inside them is tried.
EXTRA: dict[str, Any] = {
    "KmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k1",
    "Target.DeadLetterConfig": {"Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"},
    "Target.RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
    "Target.EventBridgePutEventsV2Parameters": {"DetailType": "due", "Source": "com.example"},
    "Target.EventBridgePutRawEventsParameters": {"Metadata": {"k": "v"}},
}
# An empty Input is never sent (it is read as no Input: AWS wants none rather than ""), so
# the model's minimum of 1 cannot be broken through schedtui.
NEVER_SENT_EMPTY = ("Target.Input",)


def constrained(shape: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if any(key in shape.metadata for key in ("min", "max", "pattern")) and path:
        yield path, shape
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            yield from constrained(member, f"{path}.{name}" if path else name)
    elif shape.type_name == "list":
        yield from constrained(shape.member, f"{path}[]")
    elif shape.type_name == "map":
        yield from constrained(shape.key, f"{path}{{key}}")
        yield from constrained(shape.value, f"{path}{{value}}")


MEMBERS = [
    (path, shape)
    for path, shape in constrained(MODEL.operation_model("CreateSchedule").input_shape)
    if not path.startswith(NOT_MODELLED + REQUEST_ONLY)
]


def base(path: str) -> dict[str, Any]:
    kind = next((k for prefix, k in KINDS.items() if path.startswith(prefix)), "lambda")
    data = schedule_response(kind)
    if "CapacityProviderStrategy" in path:
        data = with_member(data, "Target.EcsParameters.CapacityProviderStrategy", CAPACITY)
        data["Target"]["EcsParameters"].pop("LaunchType")
        vpc = data["Target"]["EcsParameters"]["NetworkConfiguration"]["awsvpcConfiguration"]
        vpc.pop("AssignPublicIp")
    for prefix, block in EXTRA.items():
        if path.startswith(prefix):
            data = with_member(data, prefix, block)
    if path.startswith("Target.EcsParameters.Tags"):
        data = with_member(data, "Target.EcsParameters.Tags", [{"team": "data"}])
    return data


def place(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``data`` with ``value`` at ``path`` (``X[]`` is X's first item, ``{key}``/``{value}``
    a map's key or value)."""
    if path.endswith("{key}"):
        return place(data, path[: -len("{key}")], {value: "v"})
    if path.endswith("{value}"):
        return place(data, path[: -len("{value}")], {"k": value})
    if path.endswith("[]"):
        return with_member(data, path[:-2], [value])
    if "[]." in path:
        head, tail = path.split("[].", 1)
        return with_member(data, f"{head}[0].{tail}", value)
    return with_member(data, path, value)


def current(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.replace("[]", ".0").replace("{key}", "").replace("{value}", "").split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    if path.endswith("{key}"):
        return next(iter(node))
    if path.endswith("{value}"):
        return next(iter(node.values()))
    return node


def complaints(data: dict[str, Any], path: str, about: str = "") -> list[str]:
    """schedtui's messages about the member at ``path`` (its list or map when inside one),
    those that mention ``about`` when given."""
    owner = re.split(r"\[\]|\{", path, maxsplit=1)[0]
    try:
        Schedule.model_validate(data)
    except ValidationError as error:
        found = error_messages(error)
        return [m for m in found if re.sub(r"\[\d+\]", "", m).startswith(owner) and about in m]
    return []


def of_length(seed: str, length: int) -> str:
    """A text of ``length`` characters that keeps ``seed``'s shape (grown or cut at its end)."""
    if seed.startswith("cron(") and length > len(seed):  # more spaces between two fields
        return seed[:6] + " " * (length - len(seed)) + seed[6:]
    return (seed + "a" * length)[:length] if length else ""


LENGTHS = [
    (path, shape)
    for path, shape in MEMBERS
    if shape.type_name == "string" and ("min" in shape.metadata or "max" in shape.metadata)
]


@pytest.mark.parametrize(("path", "shape"), LENGTHS, ids=[p for p, _ in LENGTHS])
def test_string_lengths_follow_the_model(path: str, shape: Any) -> None:
    data = base(path)
    seed = str(current(data, path)) if path != "Target.Input" else '{"a": 1}'
    low, high = shape.metadata.get("min", 0), shape.metadata.get("max")
    at_max, over = of_length(seed, high or 0), of_length(seed, (high or 0) + 1)
    if high is not None:
        assert not complaints(place(data, path, at_max), path, "character"), f"{path} at max"
        assert complaints(place(data, path, over), path, "character"), f"{path} over max"
    if low > 0 and path not in NEVER_SENT_EMPTY:
        under = complaints(place(data, path, of_length(seed, low - 1)), path)
        assert under, f"{path} under min"


NUMBERS = [(path, shape) for path, shape in MEMBERS if shape.type_name == "integer"]


@pytest.mark.parametrize(("path", "shape"), NUMBERS, ids=[p for p, _ in NUMBERS])
def test_number_ranges_follow_the_model(path: str, shape: Any) -> None:
    data = base(path)
    low, high = shape.metadata["min"], shape.metadata["max"]
    assert not complaints(place(data, path, low), path)
    assert not complaints(place(data, path, high), path)
    assert complaints(place(data, path, low - 1), path)
    assert complaints(place(data, path, high + 1), path)


COUNTS = [(path, shape) for path, shape in MEMBERS if shape.type_name == "list"]


@pytest.mark.parametrize(("path", "shape"), COUNTS, ids=[p for p, _ in COUNTS])
def test_list_sizes_follow_the_model(path: str, shape: Any) -> None:
    data = base(path)
    try:
        item = current(data, f"{path}[]")
    except (KeyError, IndexError):
        pytest.fail(f"{path}: the sample schedule has no item to repeat")
    low, high = shape.metadata.get("min", 0), shape.metadata["max"]
    items = [dict(item) if isinstance(item, dict) else item for _ in range(high + 1)]
    if isinstance(item, str):
        items = [f"{item}{index}" for index in range(high + 1)]
    assert not complaints(with_member(data, path, items[:high]), path), f"{path} at max"
    assert complaints(with_member(data, path, items), path), f"{path} over max"
    if low > 0:
        assert complaints(with_member(data, path, items[: low - 1]), path), f"{path} under"


PATTERNS = [(path, shape) for path, shape in MEMBERS if "pattern" in shape.metadata]
# Texts near each pattern's edge: schedtui must agree with the model on every one.
PROBES = {
    "Name": ["a", "a.b-c_d", "a b", "a/b", "é"],
    "GroupName": ["a", "a.b-c_d", "a b", "a/b"],
    "KmsKeyArn": [
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:key/",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/scheduler",
        f"arn:aws-cn:kms:cn-north-1:{ACCOUNT}:alias/mine",
        f"arn:aws:kms:{REGION}:12345678901:key/k",
        f"arn:aws:kms:{REGION}:{ACCOUNT}:secret/k",
    ],
    "Target.RoleArn": [
        f"arn:aws:iam::{ACCOUNT}:role/invoke",
        f"arn:aws:iam::{ACCOUNT}:role/path/to/invoke+x=y,z.w@q-",
        f"arn:aws:iam::{ACCOUNT}:user/invoke",
        f"arn:aws:iam:{REGION}:{ACCOUNT}:role/invoke",
        "arn:aws:iam::12345678901:role/invoke",
    ],
    "Target.DeadLetterConfig.Arn": [
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq",
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq-1_x",
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq.fifo",  # refused by both (a FIFO DLQ)
        f"arn:aws:sns:{REGION}:{ACCOUNT}:dlq",
        f"arn:aws:sqs:{REGION}:1234567890123:dlq",
    ],
    "Target.EventBridgeParameters.Source": ["com.example", "aws.events", "my/app-1_x", "$.a"],
    "Target.EventBridgePutEventsV2Parameters.Source": ["com.example", "aws.events", "my/app"],
    "Target.EventBridgePutRawEventsParameters.Metadata{key}": ["k", "a/b", "é", "a b"],
    "Target.SageMakerPipelineParameters.PipelineParameterList[].Name": ["epochs", "a-b_c", "a b"],
}


@pytest.mark.parametrize(("path", "shape"), PATTERNS, ids=[p for p, _ in PATTERNS])
def test_patterns_follow_the_model(path: str, shape: Any) -> None:
    assert path in PROBES, f"{path}: a pattern with no probes (add them): {shape.metadata}"
    pattern = re.compile(shape.metadata["pattern"])
    data = base(path)
    for text in PROBES[path]:
        model_accepts = pattern.fullmatch(text) is not None
        ours = not complaints(place(data, path, text), path)
        assert ours == model_accepts, f"{path}: {text!r}: model {model_accepts}, schedtui {ours}"
