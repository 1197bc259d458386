"""A schedule's target: what it invokes, with which role and input, retries and DLQ."""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Self

from pydantic import BeforeValidator, Field, ValidationInfo, model_validator

from schedtui.core import jsontext
from schedtui.core.schedules.api_model import ApiModel
from schedtui.core.schedules.arns import (
    TargetKind,
    is_role_arn,
    parse_arn,
    parse_sqs_queue_arn,
    parse_universal_target,
    target_kind,
    target_resource_name,
)
from schedtui.core.schedules.target_params import (
    EcsParameters,
    EventBridgeParameters,
    EventBridgePutEventsV2Parameters,
    EventBridgePutRawEventsParameters,
    KinesisParameters,
    SageMakerPipelineParameters,
    SqsParameters,
)
from schedtui.core.schedules.validation import int_range, length, rule, rule_error, rules_enabled

MAX_INPUT_BYTES: Final = 256 * 1024
UNIVERSAL_PREFIX: Final = "arn:aws:scheduler:::aws-sdk:"
DEFAULT_MAXIMUM_RETRY_ATTEMPTS: Final = 185
DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS: Final = 86_400


def _dead_letter_queue(value: str) -> str | None:
    queue = parse_sqs_queue_arn(value)
    if queue is None:
        return "must be an SQS queue ARN (arn:aws:sqs:<region>:<12-digit account>:<queue name>)"
    if queue.fifo:
        return "must be a standard SQS queue: FIFO queues cannot be dead-letter queues"
    return None


class DeadLetterConfig(ApiModel):
    arn: Annotated[str | None, rule(length(1, 1600), _dead_letter_queue)] = Field(None, alias="Arn")

    @model_validator(mode="after")
    def _arn_required(self, info: ValidationInfo) -> Self:
        # The service model makes Arn optional, but a DLQ setting without a queue means nothing.
        if rules_enabled(info) and self.arn is None:
            raise rule_error("is required", "Arn")
        return self


class RetryPolicy(ApiModel):
    maximum_event_age_in_seconds: Annotated[int | None, rule(int_range(60, 86_400))] = Field(
        None, alias="MaximumEventAgeInSeconds"
    )
    maximum_retry_attempts: Annotated[int | None, rule(int_range(0, 185))] = Field(
        None, alias="MaximumRetryAttempts"
    )

    @property
    def effective_maximum_retry_attempts(self) -> int:
        """What AWS applies: the value, or 185 when unset."""
        if self.maximum_retry_attempts is None:
            return DEFAULT_MAXIMUM_RETRY_ATTEMPTS
        return self.maximum_retry_attempts

    @property
    def effective_maximum_event_age_in_seconds(self) -> int:
        """What AWS applies: the value, or 86400 (24 hours) when unset."""
        if self.maximum_event_age_in_seconds is None:
            return DEFAULT_MAXIMUM_EVENT_AGE_IN_SECONDS
        return self.maximum_event_age_in_seconds


def _role_arn(value: str) -> str | None:
    if is_role_arn(value):
        return None
    return "must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)"


def _input_size(value: str) -> str | None:
    size = len(value.encode("utf-8", "surrogatepass"))
    if size <= MAX_INPUT_BYTES:
        return None
    return f"must be at most 256 KB ({MAX_INPUT_BYTES} bytes in UTF-8, got {size})"


def _empty_input_is_none(value: Any) -> Any:
    # AWS refuses an empty Input; the operator's empty box means "no input", so never send "".
    return None if value == "" else value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def json_problem(text: str) -> str | None:
    """Why ``text`` is not strict JSON (NaN and Infinity included), or None when it is."""
    try:
        jsontext.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:  # JSONDecodeError is a ValueError
        return str(error)
    return None


def _target_arn_problem(arn: str, kind: TargetKind) -> str | None:
    """Why ``arn`` cannot be a target: not an ARN, or a template with nothing after it."""
    if kind is TargetKind.UNIVERSAL:
        return None
    if arn.startswith(UNIVERSAL_PREFIX):
        return f"must be {UNIVERSAL_PREFIX}<service>:<apiAction> (e.g. sqs:sendMessage)"
    parsed = parse_arn(arn)
    if parsed is None:
        return "must be an ARN (arn:aws:<service>:<region>:<account>:<resource>)"
    if kind is not TargetKind.UNKNOWN and not _ACCOUNT_ID.fullmatch(parsed.account):
        return f"the account id must be exactly 12 digits (got '{parsed.account}')"
    if kind is not TargetKind.UNKNOWN and not target_resource_name(arn).strip():
        return f"must name the {kind.label} resource after '{parsed.resource}'"
    return None


_ACCOUNT_ID: Final = re.compile(r"[0-9]{12}")  # ASCII digits: \d would take '٣' too


# Parameter block member -> the only kind of target it applies to.
_BLOCK_KINDS: Final = {
    "EcsParameters": TargetKind.ECS,
    "EventBridgeParameters": TargetKind.EVENTBRIDGE,
    "KinesisParameters": TargetKind.KINESIS,
    "SageMakerPipelineParameters": TargetKind.SAGEMAKER,
    "SqsParameters": TargetKind.SQS,
}


class Target(ApiModel):
    arn: Annotated[str, rule(length(1, 1600))] = Field(alias="Arn")
    role_arn: Annotated[str, rule(length(1, 1600), _role_arn)] = Field(alias="RoleArn")
    dead_letter_config: DeadLetterConfig | None = Field(None, alias="DeadLetterConfig")
    retry_policy: RetryPolicy | None = Field(None, alias="RetryPolicy")
    input: Annotated[str | None, BeforeValidator(_empty_input_is_none), rule(_input_size)] = Field(
        None, alias="Input"
    )
    ecs_parameters: EcsParameters | None = Field(None, alias="EcsParameters")
    event_bridge_parameters: EventBridgeParameters | None = Field(
        None, alias="EventBridgeParameters"
    )
    event_bridge_put_events_v2_parameters: EventBridgePutEventsV2Parameters | None = Field(
        None, alias="EventBridgePutEventsV2Parameters"
    )
    event_bridge_put_raw_events_parameters: EventBridgePutRawEventsParameters | None = Field(
        None, alias="EventBridgePutRawEventsParameters"
    )
    kinesis_parameters: KinesisParameters | None = Field(None, alias="KinesisParameters")
    sage_maker_pipeline_parameters: SageMakerPipelineParameters | None = Field(
        None, alias="SageMakerPipelineParameters"
    )
    sqs_parameters: SqsParameters | None = Field(None, alias="SqsParameters")

    @property
    def kind(self) -> TargetKind:
        return target_kind(self.arn)

    @property
    def resource_name(self) -> str:
        return target_resource_name(self.arn)

    @property
    def effective_retry_policy(self) -> RetryPolicy:
        """The retry policy AWS applies, with its defaults filled in (185 attempts, 24 h)."""
        policy = self.retry_policy or RetryPolicy()
        # A read of what AWS holds (from_api, rules off): a value outside AWS's ranges that
        # another tool stored must not raise here (the doctor asks every schedule).
        return RetryPolicy.from_api(
            {
                "MaximumEventAgeInSeconds": policy.effective_maximum_event_age_in_seconds,
                "MaximumRetryAttempts": policy.effective_maximum_retry_attempts,
            }
        )

    @model_validator(mode="after")
    def _target_rules(self, info: ValidationInfo) -> Self:
        if not rules_enabled(info):
            return self
        kind = self.kind
        problem = _target_arn_problem(self.arn, kind)
        if problem is not None:
            raise rule_error(problem, "Arn")
        universal = parse_universal_target(self.arn)
        if universal is not None and universal.read_only:
            raise rule_error(
                f"AWS refuses read-only actions as universal targets ('{universal.action}' "
                "starts with get, describe, list or a similar prefix)",
                "Arn",
            )
        if self.input is not None and kind.input_must_be_json:
            problem = json_problem(self.input)
            if problem is not None:
                raise rule_error(
                    f"must be valid JSON for {kind.label} targets ({problem})", "Input"
                )
        if kind is not TargetKind.UNKNOWN:
            for field_name, field in type(self).model_fields.items():
                block_kind = _BLOCK_KINDS.get(field.alias or "")
                if (
                    block_kind is not None
                    and block_kind is not kind
                    and getattr(self, field_name) is not None
                ):
                    raise rule_error(
                        f"only applies to {block_kind.label} targets (the target is {kind.label})",
                        field.alias,
                    )
        if kind is TargetKind.SQS:
            queue = parse_sqs_queue_arn(self.arn)
            group_id = None if self.sqs_parameters is None else self.sqs_parameters.message_group_id
            if queue is not None and queue.fifo and group_id is None:
                raise rule_error(
                    "is required for a FIFO queue target", "SqsParameters.MessageGroupId"
                )
        return self


class TargetSummary(ApiModel):
    """The target as ListSchedules reports it: only its ARN."""

    arn: str = Field(alias="Arn")

    @property
    def kind(self) -> TargetKind:
        return target_kind(self.arn)

    @property
    def resource_name(self) -> str:
        return target_resource_name(self.arn)
