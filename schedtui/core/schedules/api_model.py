"""The base of every Scheduler model: AWS member names, lossless round trips, unknown members.

Models keep members they do not know (``extra="allow"``) and write them back unchanged, so a
newer API field read through a current botocore survives an edit. They are frozen because the
UI shares them between thread workers; changes go through ``replace``, which validates again.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from schedtui.core.schedules.validation import RULES_OFF, error_messages, register_model

# Request and response envelope members that are not part of any resource.
_ENVELOPE_MEMBERS = frozenset({"ResponseMetadata"})


class ApiModel(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        validate_by_name=True,
        validate_by_alias=True,
        frozen=True,
    )

    # Members AWS sets and never accepts back (stripped from requests, ignored by diffs).
    READ_ONLY_MEMBERS: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        register_model(cls)

    @model_validator(mode="before")
    @classmethod
    def _drop_envelope(cls, data: Any) -> Any:
        if isinstance(data, dict) and not _ENVELOPE_MEMBERS.isdisjoint(data):
            return {key: value for key, value in data.items() if key not in _ENVELOPE_MEMBERS}
        return data

    @model_validator(mode="after")
    def _own_unknown_members(self) -> Self:
        # Unknown members are stored by reference; copying them keeps a later change to the
        # boto3 response (or to a request built from this model) from reaching into the model.
        extra = self.__pydantic_extra__
        if extra:
            for key, value in extra.items():
                extra[key] = copy.deepcopy(value)
        return self

    @classmethod
    def from_api(cls, data: Mapping[str, Any], *, check_rules: bool = False) -> Self:
        """Build from a boto3 response shape (or a raw JSON body, epoch-second dates included).

        Rules are off by default: what AWS returned, AWS accepted, and the operator must be
        able to see and disable it even where schedtui would have refused it. Call
        ``rule_violations()`` to list what schedtui would refuse.
        """
        return cls.model_validate(dict(data), context=None if check_rules else RULES_OFF)

    def to_api(self) -> dict[str, Any]:
        """Every member the model holds, in boto3 shape (AWS names, absent members omitted)."""
        return self.model_dump(by_alias=True, exclude_none=True)

    def replace(self, *, check_rules: bool = True, **changes: Any) -> Self:
        """A copy with ``changes`` (Python field names; None removes a member), validated again.

        With ``check_rules=False`` only types are checked, for changes such as a toggle that
        must go through even when an untouched member breaks one of schedtui's rules.
        """
        data = self.to_api()
        fields = type(self).model_fields
        for name, value in changes.items():
            field = fields.get(name)
            if field is None:
                raise TypeError(f"{type(self).__name__} has no field {name!r}")
            member = field.alias or name
            if value is None:
                data.pop(member, None)
            else:
                data[member] = _as_api(value)
        return type(self).model_validate(data, context=None if check_rules else RULES_OFF)

    def rule_violations(self) -> list[str]:
        """Every schedtui rule this model breaks, as one-line messages (empty when valid)."""
        try:
            type(self).model_validate(self.to_api())
        except ValidationError as error:
            return error_messages(error, type(self))
        return []

    def unknown_members(self) -> list[str]:
        """Dotted AWS-name paths of members this model does not know, at every level.

        The repository uses it to refuse writing a target whose unknown members the installed
        botocore would not send (for instance when the model was built from a raw HTTP body).
        """
        found: list[str] = []
        _collect_unknown(self, "", found)
        return found


def _collect_unknown(model: ApiModel, prefix: str, found: list[str]) -> None:
    found.extend(f"{prefix}{key}" for key in model.__pydantic_extra__ or {})
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        member = f"{prefix}{field.alias or name}"
        if isinstance(value, ApiModel):
            _collect_unknown(value, f"{member}.", found)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, ApiModel):
                    _collect_unknown(item, f"{member}[{index}].", found)


def _as_api(value: Any) -> Any:
    if isinstance(value, ApiModel):
        return value.to_api()
    if isinstance(value, list | tuple):
        return [_as_api(item) for item in value]
    return value
