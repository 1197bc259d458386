"""Schedules as GetSchedule returns them and UpdateSchedule / CreateSchedule take them back.

UpdateSchedule replaces the whole schedule: every member left out is reset to its default. So
``to_update_request`` sends every member the model holds, including unknown ones, minus what
AWS sets itself (Arn, CreationDate, LastModificationDate).
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Self

from pydantic import Field, ValidationInfo, model_validator

# The parser only: the engine (croniter) loads with the run computations, not with the models.
from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.parse import parse_expression
from schedtui.core.expressions.zones import load_zone
from schedtui.core.schedules.api_model import ApiModel
from schedtui.core.schedules.arns import TargetKind, is_kms_key_arn, parse_schedule_arn
from schedtui.core.schedules.target import Target, TargetSummary
from schedtui.core.schedules.validation import (
    NAME_CHECKS,
    int_range,
    length,
    one_of,
    rule,
    rule_error,
    rules_enabled,
)

DEFAULT_GROUP: Final = "default"
_CLIENT_TOKEN = re.compile(r"[a-zA-Z0-9_-]{1,64}", re.ASCII)


class ScheduleState(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class ActionAfterCompletion(StrEnum):
    NONE = "NONE"
    DELETE = "DELETE"


class FlexibleTimeWindowMode(StrEnum):
    OFF = "OFF"
    FLEXIBLE = "FLEXIBLE"


class FlexibleTimeWindow(ApiModel):
    """Invocations land anywhere in [scheduled time, scheduled time + window]."""

    mode: Annotated[str, rule(one_of(*FlexibleTimeWindowMode))] = Field(alias="Mode")
    maximum_window_in_minutes: Annotated[int | None, rule(int_range(1, 1440))] = Field(
        None, alias="MaximumWindowInMinutes"
    )

    @model_validator(mode="after")
    def _window_matches_mode(self, info: ValidationInfo) -> Self:
        if not rules_enabled(info):
            return self
        if self.mode == FlexibleTimeWindowMode.FLEXIBLE and self.maximum_window_in_minutes is None:
            raise rule_error("is required when Mode is FLEXIBLE", "MaximumWindowInMinutes")
        if self.mode == FlexibleTimeWindowMode.OFF and self.maximum_window_in_minutes is not None:
            raise rule_error("must be absent when Mode is OFF", "MaximumWindowInMinutes")
        return self


def _expression(value: str) -> str | None:
    try:
        parse_expression(value)
    except ExpressionError as error:
        return str(error)
    return None


def _time_zone(value: str) -> str | None:
    try:
        load_zone(value)
    except ZoneError as error:
        return str(error) or "must be an IANA time zone name"
    return None


def _aware(value: datetime) -> str | None:
    if value.tzinfo is None or value.utcoffset() is None:
        return "must include a time zone or UTC offset"
    return None


def _kms_key(value: str) -> str | None:
    if is_kms_key_arn(value):
        return None
    return (
        "must be a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id> or alias/<name>)"
    )


def _schedule_arn(value: str) -> str | None:
    if parse_schedule_arn(value) is None:
        return (
            "must be a schedule ARN (arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>)"
        )
    return None


_Name = Annotated[str, rule(*NAME_CHECKS)]
_Date = Annotated[datetime | None, rule(_aware)]


class Schedule(ApiModel):
    """A full schedule (GetSchedule); Arn and the two dates are set by AWS and never sent."""

    READ_ONLY_MEMBERS = frozenset({"Arn", "CreationDate", "LastModificationDate"})

    name: _Name = Field(alias="Name")
    group_name: _Name = Field(DEFAULT_GROUP, alias="GroupName")
    schedule_expression: Annotated[str, rule(length(1, 256), _expression)] = Field(
        alias="ScheduleExpression"
    )
    schedule_expression_timezone: Annotated[str | None, rule(length(1, 50), _time_zone)] = Field(
        None, alias="ScheduleExpressionTimezone"
    )
    start_date: _Date = Field(None, alias="StartDate")
    end_date: _Date = Field(None, alias="EndDate")
    description: Annotated[str | None, rule(length(0, 512))] = Field(None, alias="Description")
    state: Annotated[str, rule(one_of(*ScheduleState))] = Field(
        ScheduleState.ENABLED.value, alias="State"
    )
    kms_key_arn: Annotated[str | None, rule(length(1, 2048), _kms_key)] = Field(
        None, alias="KmsKeyArn"
    )
    target: Target = Field(alias="Target")
    flexible_time_window: FlexibleTimeWindow = Field(alias="FlexibleTimeWindow")
    action_after_completion: Annotated[str | None, rule(one_of(*ActionAfterCompletion))] = Field(
        None, alias="ActionAfterCompletion"
    )
    arn: Annotated[str | None, rule(_schedule_arn)] = Field(None, alias="Arn")
    creation_date: datetime | None = Field(None, alias="CreationDate")
    last_modification_date: datetime | None = Field(None, alias="LastModificationDate")

    @model_validator(mode="after")
    def _dates_in_order(self, info: ValidationInfo) -> Self:
        if not rules_enabled(info):
            return self
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise rule_error("must be after StartDate", "EndDate")
        return self

    @property
    def key(self) -> tuple[str, str]:
        """``(group, name)``: what identifies a schedule in the API."""
        return self.group_name, self.name

    @property
    def enabled(self) -> bool:
        return self.state == ScheduleState.ENABLED

    @property
    def timezone_name(self) -> str:
        """The zone the expression is evaluated in (absent means UTC)."""
        return self.schedule_expression_timezone or "UTC"

    @property
    def target_kind(self) -> TargetKind:
        return self.target.kind

    def to_update_request(self, *, client_token: str | None = None) -> dict[str, Any]:
        """UpdateSchedule keyword arguments: the whole schedule, read-only members stripped."""
        return self._request(client_token)

    def to_create_request(self, *, client_token: str | None = None) -> dict[str, Any]:
        """CreateSchedule keyword arguments; pass a stable ``client_token`` when retrying."""
        return self._request(client_token)

    def _request(self, client_token: str | None) -> dict[str, Any]:
        request = self.to_api()
        for member in self.READ_ONLY_MEMBERS:
            request.pop(member, None)
        if client_token is not None:
            if _CLIENT_TOKEN.fullmatch(client_token) is None:
                raise ValueError("ClientToken: must be 1 to 64 of letters, digits, '-' and '_'")
            request["ClientToken"] = client_token
        return request


class ScheduleSummary(ApiModel):
    """One ListSchedules entry: no expression, zone, dates, input, retry or DLQ."""

    arn: Annotated[str, rule(_schedule_arn)] = Field(alias="Arn")
    name: _Name = Field(alias="Name")
    group_name: _Name = Field(alias="GroupName")
    # Optional although AWS always sends it: moto leaves it empty after some updates.
    state: Annotated[str | None, rule(one_of(*ScheduleState))] = Field(None, alias="State")
    creation_date: datetime | None = Field(None, alias="CreationDate")
    last_modification_date: datetime | None = Field(None, alias="LastModificationDate")
    target: TargetSummary | None = Field(None, alias="Target")

    @model_validator(mode="before")
    @classmethod
    def _name_and_group_from_arn(cls, data: Any) -> Any:
        """Every ScheduleSummary member is optional in the service model: a Name or GroupName
        left out is read from the ARN (``schedule/<group>/<name>``) rather than failing the
        whole page."""
        if isinstance(data, dict) and (not data.get("Name") or not data.get("GroupName")):
            found = parse_schedule_arn(str(data.get("Arn") or ""))
            if found is not None:
                group, name = found
                data = {"GroupName": group, "Name": name, **{k: v for k, v in data.items() if v}}
        return data

    @property
    def key(self) -> tuple[str, str]:
        return self.group_name, self.name

    @property
    def target_arn(self) -> str | None:
        return None if self.target is None else self.target.arn

    @property
    def target_kind(self) -> TargetKind:
        return TargetKind.UNKNOWN if self.target is None else self.target.kind
