"""Schedule groups. Tags live only on groups, and come from a separate ListTagsForResource."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import BeforeValidator, Field, field_serializer

from schedtui.core.schedules.api_model import ApiModel
from schedtui.core.schedules.arns import parse_schedule_group_arn
from schedtui.core.schedules.schedule import DEFAULT_GROUP
from schedtui.core.schedules.validation import NAME_CHECKS, item_count, one_of, rule

MAX_TAGS: Final = 200
_CLIENT_TOKEN = re.compile(r"[a-zA-Z0-9_-]{1,64}", re.ASCII)


class ScheduleGroupState(StrEnum):
    ACTIVE = "ACTIVE"
    DELETING = "DELETING"


def tags_from_api(tags: Any) -> Any:
    """``[{"Key": k, "Value": v}, ...]`` (the API's TagList) -> ``{k: v}``; maps pass through."""
    if isinstance(tags, list) and all(isinstance(tag, Mapping) for tag in tags):
        return {tag.get("Key"): tag.get("Value") for tag in tags}
    return tags


def tags_to_api(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """``{k: v}`` -> the API's TagList, in the map's order (a read-back keeps AWS's order)."""
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tag_problem(key: str, value: str) -> str | None:
    """The rule one tag breaks, in words (TagKey 1-128, TagValue 1-256 characters), or None."""
    if not 1 <= len(key) <= 128:
        return f"key '{key}' must be 1 to 128 characters long"
    if not 1 <= len(value) <= 256:
        return f"the value of '{key}' must be 1 to 256 characters long"
    return None


def _tag_sizes(tags: dict[str, str]) -> str | None:
    for key, value in tags.items():
        problem = tag_problem(key, value)
        if problem is not None:
            return problem
    return None


def _group_arn(value: str) -> str | None:
    if parse_schedule_group_arn(value) is None:
        return (
            "must be a schedule group ARN "
            "(arn:aws:scheduler:<region>:<account>:schedule-group/<name>)"
        )
    return None


class ScheduleGroup(ApiModel):
    """A group (GetScheduleGroup / ListScheduleGroups entry); ``tags`` None means not loaded."""

    READ_ONLY_MEMBERS = frozenset({"Arn", "State", "CreationDate", "LastModificationDate"})

    name: Annotated[str, rule(*NAME_CHECKS)] = Field(alias="Name")
    arn: Annotated[str | None, rule(_group_arn)] = Field(None, alias="Arn")
    state: Annotated[str | None, rule(one_of(*ScheduleGroupState))] = Field(None, alias="State")
    creation_date: datetime | None = Field(None, alias="CreationDate")
    last_modification_date: datetime | None = Field(None, alias="LastModificationDate")
    tags: Annotated[
        dict[str, str] | None,
        BeforeValidator(tags_from_api),
        rule(item_count(0, MAX_TAGS), _tag_sizes),
    ] = Field(None, alias="Tags")

    @field_serializer("tags")
    def _tags_as_tag_list(self, tags: dict[str, str] | None) -> list[dict[str, str]] | None:
        return None if tags is None else tags_to_api(tags)

    @property
    def is_default(self) -> bool:
        """The ``default`` group always exists and cannot be deleted."""
        return self.name == DEFAULT_GROUP

    @property
    def active(self) -> bool:
        return self.state == ScheduleGroupState.ACTIVE

    def to_create_request(self, *, client_token: str | None = None) -> dict[str, Any]:
        """CreateScheduleGroup keyword arguments (Name, Tags when any, unknown members)."""
        request = self.to_api()
        for member in self.READ_ONLY_MEMBERS:
            request.pop(member, None)
        if not request.get("Tags"):
            request.pop("Tags", None)
        if client_token is not None:
            if _CLIENT_TOKEN.fullmatch(client_token) is None:
                raise ValueError("ClientToken: must be 1 to 64 of letters, digits, '-' and '_'")
            request["ClientToken"] = client_token
        return request
