"""One import for the Scheduler domain models (they live in small modules next to this one)."""

from __future__ import annotations

from schedtui.core.api_model import ApiModel
from schedtui.core.arns import TargetKind, target_kind, target_resource_name
from schedtui.core.diff import field_diff
from schedtui.core.group import ScheduleGroup, ScheduleGroupState, tags_from_api, tags_to_api
from schedtui.core.schedule import (
    DEFAULT_GROUP,
    ActionAfterCompletion,
    FlexibleTimeWindow,
    FlexibleTimeWindowMode,
    Schedule,
    ScheduleState,
    ScheduleSummary,
)
from schedtui.core.target import (
    DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS,
    DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
    MAX_INPUT_BYTES,
    DeadLetterConfig,
    RetryPolicy,
    Target,
    TargetSummary,
)
from schedtui.core.target_params import (
    AssignPublicIp,
    AwsVpcConfiguration,
    CapacityProviderStrategyItem,
    EcsParameters,
    EventBridgeParameters,
    EventBridgePutEventsV2Parameters,
    EventBridgePutRawEventsParameters,
    KinesisParameters,
    LaunchType,
    NetworkConfiguration,
    PlacementConstraint,
    PlacementConstraintType,
    PlacementStrategy,
    PlacementStrategyType,
    PropagateTags,
    SageMakerPipelineParameter,
    SageMakerPipelineParameters,
    SqsParameters,
)
from schedtui.core.validation import RULES_OFF, error_messages

__all__ = [
    "DEFAULT_GROUP",
    "DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS",
    "DEFAULT_MAXIMUM_RETRY_ATTEMPTS",
    "MAX_INPUT_BYTES",
    "RULES_OFF",
    "ActionAfterCompletion",
    "ApiModel",
    "AssignPublicIp",
    "AwsVpcConfiguration",
    "CapacityProviderStrategyItem",
    "DeadLetterConfig",
    "EcsParameters",
    "EventBridgeParameters",
    "EventBridgePutEventsV2Parameters",
    "EventBridgePutRawEventsParameters",
    "FlexibleTimeWindow",
    "FlexibleTimeWindowMode",
    "KinesisParameters",
    "LaunchType",
    "NetworkConfiguration",
    "PlacementConstraint",
    "PlacementConstraintType",
    "PlacementStrategy",
    "PlacementStrategyType",
    "PropagateTags",
    "RetryPolicy",
    "SageMakerPipelineParameter",
    "SageMakerPipelineParameters",
    "Schedule",
    "ScheduleGroup",
    "ScheduleGroupState",
    "ScheduleState",
    "ScheduleSummary",
    "SqsParameters",
    "Target",
    "TargetKind",
    "TargetSummary",
    "error_messages",
    "field_diff",
    "tags_from_api",
    "tags_to_api",
    "target_kind",
    "target_resource_name",
]
