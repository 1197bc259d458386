"""Field-level differences between two versions of a model, for the audit log and edit review."""

from __future__ import annotations

from typing import Any

from schedtui.core.schedules.api_model import ApiModel


def field_diff(
    before: ApiModel, after: ApiModel, *, include_read_only: bool = False
) -> dict[str, tuple[Any, Any]]:
    """``{dotted AWS-name path: (before, after)}`` for every leaf member that changed.

    Structures are walked member by member (unknown members included); lists, maps and
    values are leaves, compared whole, in boto3 shape. An absent member is None, so adding a
    dead-letter queue reads ``{"Target.DeadLetterConfig.Arn": (None, "arn:...")}``. Read-only
    members (Arn, CreationDate, LastModificationDate) are left out unless asked for, because
    they change on every write and say nothing about what the operator changed.
    """
    old = _leaves(before, "", include_read_only)
    new = _leaves(after, "", include_read_only)
    changes: dict[str, tuple[Any, Any]] = {}
    for path in [*old, *(path for path in new if path not in old)]:
        old_value, new_value = old.get(path), new.get(path)
        if old_value != new_value:
            changes[path] = (old_value, new_value)
    return changes


def field_values(model: ApiModel) -> dict[str, Any]:
    """``{dotted AWS-name path: value}`` of every member set (the audit of a create or delete)."""
    return _leaves(model, "", False)


def _leaves(model: ApiModel, prefix: str, include_read_only: bool) -> dict[str, Any]:
    skipped = frozenset() if include_read_only or prefix else model.READ_ONLY_MEMBERS
    found: dict[str, Any] = {}
    members: dict[str, Any] = {}
    for name, field in type(model).model_fields.items():
        members[field.alias or name] = getattr(model, name)
    members.update(model.__pydantic_extra__ or {})
    for member, value in members.items():
        if value is None or member in skipped:
            continue
        path = f"{prefix}{member}"
        if isinstance(value, ApiModel):
            found.update(_leaves(value, f"{path}.", include_read_only))
        else:
            found[path] = _plain(value)
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, ApiModel):
        return value.to_api()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
