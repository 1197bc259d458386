"""Target parameter blocks: ECS RunTask, SQS, EventBridge, Kinesis and SageMaker templates.

Member names and limits follow botocore's ``scheduler`` service model (2021-06-30), including
its lower camelCase inside ECS (``awsvpcConfiguration``, ``capacityProvider``, ``type``...).
Enumerated members are typed ``str`` and checked as rules, so a value AWS adds later is still
readable; the ``StrEnum`` classes name the values known today.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, ValidationInfo, model_validator

from schedtui.core.schedules.api_model import ApiModel
from schedtui.core.schedules.validation import (
    Check,
    each,
    int_range,
    item_count,
    length,
    matches,
    one_of,
    rule,
    rule_error,
    rules_enabled,
)


class LaunchType(StrEnum):
    EC2 = "EC2"
    FARGATE = "FARGATE"
    EXTERNAL = "EXTERNAL"


class AssignPublicIp(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class PlacementConstraintType(StrEnum):
    DISTINCT_INSTANCE = "distinctInstance"
    MEMBER_OF = "memberOf"


class PlacementStrategyType(StrEnum):
    RANDOM = "random"
    SPREAD = "spread"
    BINPACK = "binpack"


class PropagateTags(StrEnum):
    TASK_DEFINITION = "TASK_DEFINITION"


# Capacity providers that run tasks on Fargate, where a public IP may be assigned.
FARGATE_CAPACITY_PROVIDERS = frozenset({"FARGATE", "FARGATE_SPOT"})


def _tag_maps(tags: list[dict[str, str]]) -> str | None:
    """Each item is a map of any number of tags (the service model sets no limit per map:
    Terraform writes {"key": K, "value": V}, which AWS accepts and returns), each key 1 to
    128 characters and each value 1 to 256."""
    for index, tag in enumerate(tags, start=1):
        for key, value in tag.items():
            if not 1 <= len(key) <= 128:
                return f"item {index}: the key must be 1 to 128 characters long"
            if not 1 <= len(value) <= 256:
                return f"item {index}: the value of '{key}' must be 1 to 256 characters long"
    return None


class AwsVpcConfiguration(ApiModel):
    subnets: Annotated[list[str], rule(item_count(1, 16), each(length(1, 1000)))] = Field(
        alias="Subnets"
    )
    security_groups: Annotated[list[str] | None, rule(item_count(1, 5), each(length(1, 1000)))] = (
        Field(None, alias="SecurityGroups")
    )
    assign_public_ip: Annotated[str | None, rule(one_of(*AssignPublicIp))] = Field(
        None, alias="AssignPublicIp"
    )


class NetworkConfiguration(ApiModel):
    awsvpc_configuration: AwsVpcConfiguration | None = Field(None, alias="awsvpcConfiguration")


class CapacityProviderStrategyItem(ApiModel):
    capacity_provider: Annotated[str, rule(length(1, 255))] = Field(alias="capacityProvider")
    weight: Annotated[int | None, rule(int_range(0, 1000))] = Field(None, alias="weight")
    base: Annotated[int | None, rule(int_range(0, 100_000))] = Field(None, alias="base")


class PlacementConstraint(ApiModel):
    type: Annotated[str | None, rule(one_of(*PlacementConstraintType))] = Field(None, alias="type")
    expression: Annotated[str | None, rule(length(0, 2000))] = Field(None, alias="expression")


class PlacementStrategy(ApiModel):
    type: Annotated[str | None, rule(one_of(*PlacementStrategyType))] = Field(None, alias="type")
    field: Annotated[str | None, rule(length(0, 255))] = Field(None, alias="field")


class EcsParameters(ApiModel):
    """Templated target for ECS RunTask; the target ARN is the cluster ARN."""

    task_definition_arn: Annotated[str, rule(length(1, 1600))] = Field(alias="TaskDefinitionArn")
    task_count: Annotated[int | None, rule(int_range(1, 10))] = Field(None, alias="TaskCount")
    launch_type: Annotated[str | None, rule(one_of(*LaunchType))] = Field(None, alias="LaunchType")
    network_configuration: NetworkConfiguration | None = Field(None, alias="NetworkConfiguration")
    platform_version: Annotated[str | None, rule(length(1, 64))] = Field(
        None, alias="PlatformVersion"
    )
    group: Annotated[str | None, rule(length(1, 255))] = Field(None, alias="Group")
    capacity_provider_strategy: Annotated[
        list[CapacityProviderStrategyItem] | None, rule(item_count(0, 6))
    ] = Field(None, alias="CapacityProviderStrategy")
    enable_ecs_managed_tags: bool | None = Field(None, alias="EnableECSManagedTags")
    enable_execute_command: bool | None = Field(None, alias="EnableExecuteCommand")
    placement_constraints: Annotated[list[PlacementConstraint] | None, rule(item_count(0, 10))] = (
        Field(None, alias="PlacementConstraints")
    )
    placement_strategy: Annotated[list[PlacementStrategy] | None, rule(item_count(0, 5))] = Field(
        None, alias="PlacementStrategy"
    )
    propagate_tags: Annotated[str | None, rule(one_of(*PropagateTags))] = Field(
        None, alias="PropagateTags"
    )
    reference_id: Annotated[str | None, rule(length(0, 1024))] = Field(None, alias="ReferenceId")
    tags: Annotated[list[dict[str, str]] | None, rule(item_count(0, 50), _tag_maps)] = Field(
        None, alias="Tags"
    )

    @property
    def assigns_public_ip(self) -> bool:
        network = self.network_configuration
        vpc = None if network is None else network.awsvpc_configuration
        return vpc is not None and vpc.assign_public_ip == AssignPublicIp.ENABLED

    @property
    def runs_on_fargate(self) -> bool | None:
        """True or False when the launch type or the capacity providers say; None if unknown.

        Unknown means neither is set, so the cluster's default strategy decides.
        """
        if self.launch_type is not None:
            return self.launch_type == LaunchType.FARGATE
        if self.capacity_provider_strategy:
            return all(
                item.capacity_provider in FARGATE_CAPACITY_PROVIDERS
                for item in self.capacity_provider_strategy
            )
        return None

    @model_validator(mode="after")
    def _ecs_rules(self, info: ValidationInfo) -> Self:
        if not rules_enabled(info):
            return self
        if self.launch_type is not None and self.capacity_provider_strategy:
            # ECS RunTask refuses both: the strategy replaces the launch type.
            raise rule_error(
                "cannot be set together with CapacityProviderStrategy (omit one of them)",
                "LaunchType",
            )
        if self.assigns_public_ip and not self.runs_on_fargate:
            raise rule_error(
                "ENABLED is only allowed with LaunchType FARGATE "
                "(or a FARGATE / FARGATE_SPOT capacity provider strategy)",
                "NetworkConfiguration.awsvpcConfiguration.AssignPublicIp",
            )
        return self


class SqsParameters(ApiModel):
    message_group_id: Annotated[str | None, rule(length(1, 128))] = Field(
        None, alias="MessageGroupId"
    )


# botocore's pattern for Source: not reserved for AWS, or a JSONPath into the input.
_SOURCE = re.compile(
    r"(?=[/\.\-_A-Za-z0-9]+)((?!aws\.).*)|(\$(\.[\w_-]+(\[(\d+|\*)\])*)*)", re.ASCII
)


def _event_source(value: str) -> str | None:
    if value.startswith("aws."):
        return "must not start with 'aws.' (reserved for AWS services)"
    if _SOURCE.fullmatch(value) is None:
        return "must start with a letter, a digit, '/', '.', '-' or '_' (or be a JSONPath like $.a)"
    return None


_DETAIL_TYPE_CHECKS: tuple[Check, ...] = (length(1, 128),)
_SOURCE_CHECKS: tuple[Check, ...] = (length(1, 256), _event_source)


class EventBridgeParameters(ApiModel):
    """Templated target for EventBridge PutEvents (event bus ARN)."""

    detail_type: Annotated[str, rule(*_DETAIL_TYPE_CHECKS)] = Field(alias="DetailType")
    source: Annotated[str, rule(*_SOURCE_CHECKS)] = Field(alias="Source")


class EventBridgePutEventsV2Parameters(ApiModel):
    """Templated target for the EventBridge v2 (eventsv2) PutEvents operation."""

    detail_type: Annotated[str, rule(*_DETAIL_TYPE_CHECKS)] = Field(alias="DetailType")
    source: Annotated[str, rule(*_SOURCE_CHECKS)] = Field(alias="Source")


def _metadata(values: dict[str, str]) -> str | None:
    for key, value in values.items():
        if not 1 <= len(key) <= 128 or "/" in key:
            return f"key '{key}' must be 1 to 128 characters without '/'"
        if not value:
            return f"the value of '{key}' must not be empty"
    return None


class EventBridgePutRawEventsParameters(ApiModel):
    """Templated target for the EventBridge v2 (eventsv2) PutRawEvents operation."""

    metadata: Annotated[dict[str, str] | None, rule(item_count(0, 100), _metadata)] = Field(
        None, alias="Metadata"
    )


class KinesisParameters(ApiModel):
    partition_key: Annotated[str, rule(length(1, 256))] = Field(alias="PartitionKey")


class SageMakerPipelineParameter(ApiModel):
    name: Annotated[
        str,
        rule(
            length(1, 256), matches(r"[A-Za-z0-9_-]*", "may only hold letters, digits, '-' and '_'")
        ),
    ] = Field(alias="Name")
    value: Annotated[str, rule(length(1, 1024))] = Field(alias="Value")


class SageMakerPipelineParameters(ApiModel):
    pipeline_parameter_list: Annotated[
        list[SageMakerPipelineParameter] | None, rule(item_count(0, 200))
    ] = Field(None, alias="PipelineParameterList")


__all__ = [
    "FARGATE_CAPACITY_PROVIDERS",
    "AssignPublicIp",
    "AwsVpcConfiguration",
    "CapacityProviderStrategyItem",
    "EcsParameters",
    "EventBridgeParameters",
    "EventBridgePutEventsV2Parameters",
    "EventBridgePutRawEventsParameters",
    "KinesisParameters",
    "LaunchType",
    "NetworkConfiguration",
    "PlacementConstraint",
    "PlacementConstraintType",
    "PlacementStrategy",
    "PlacementStrategyType",
    "PropagateTags",
    "SageMakerPipelineParameter",
    "SageMakerPipelineParameters",
    "SqsParameters",
]
