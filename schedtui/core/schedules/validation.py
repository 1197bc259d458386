"""Rule checks shared by the Scheduler models, and the one-line messages the UI shows for them.

Every rule is a pydantic after-validator that consults the validation context. Values read back
from AWS were already accepted by AWS: a rule of ours that is stricter than the service, or an
enum value added after this release, must never make a schedule unreadable or stop an operator
from disabling it. So reads can switch the rules off (``RULES_OFF``) and keep only the type
checks, while anything an operator typed is validated with the rules on (the default).
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from typing import Any, Final

from pydantic import AfterValidator, BaseModel, ValidationError, ValidationInfo
from pydantic_core import PydanticCustomError

RULES_OFF: Final[Mapping[str, Any]] = {"check_rules": False}
"""Validation context that keeps type checks but skips every schedtui rule."""

RULE_ERROR: Final = "schedtui_rule"

# A rule returns None when the value is fine, else the rule in words ("must be ...").
Check = Callable[[Any], str | None]


def rules_enabled(info: ValidationInfo) -> bool:
    # Runs for every member of every model read (100k summaries in a big account): no ABCs.
    context = info.context
    return not isinstance(context, dict) or context.get("check_rules") is not False


def rule_error(message: str, member: str | None = None) -> PydanticCustomError:
    """An error for a broken rule; ``member`` names the offending member of a cross-field rule.

    The message travels as a context value, not as the template, so braces in user values
    cannot be taken for template fields.
    """
    context: dict[str, str] = {"rule": message}
    if member is not None:
        context["member"] = member
    return PydanticCustomError(RULE_ERROR, "{rule}", context)


def rule(*checks: Check) -> AfterValidator:
    """An annotation that applies ``checks`` in order (first failure wins); None passes."""

    def validate(value: Any, info: ValidationInfo) -> Any:
        if value is None or not rules_enabled(info):
            return value
        for check in checks:
            message = check(value)
            if message is not None:
                raise rule_error(message)
        return value

    return AfterValidator(validate)


# --- checks -------------------------------------------------------------------------------


def length(low: int, high: int) -> Check:
    def check(value: str) -> str | None:
        size = len(value)
        if low <= size <= high:
            return None
        if low == 0:
            return f"must be at most {high} characters (got {size})"
        if low == 1 and size == 0:
            return f"must not be empty (1 to {high} characters)"
        return f"must be {low} to {high} characters long (got {size})"

    return check


def int_range(low: int, high: int) -> Check:
    def check(value: int) -> str | None:
        return None if low <= value <= high else f"must be between {low} and {high}"

    return check


def item_count(low: int, high: int) -> Check:
    def check(value: Sized) -> str | None:
        size = len(value)
        if low <= size <= high:
            return None
        if low == 0:
            return f"must have at most {high} items (got {size})"
        return f"must have {low} to {high} items (got {size})"

    return check


def each(*checks: Check) -> Check:
    """Apply checks to every item of a list, naming the first bad item by its position."""

    def check(values: Sequence[Any]) -> str | None:
        for index, value in enumerate(values):
            for item_check in checks:
                message = item_check(value)
                if message is not None:
                    return f"item {index + 1}: {message}"
        return None

    return check


def one_of(*allowed: str) -> Check:
    def check(value: str) -> str | None:
        return None if value in allowed else f"must be one of {', '.join(allowed)}"

    return check


def matches(pattern: str, description: str, flags: int = re.ASCII) -> Check:
    compiled = re.compile(pattern, flags)

    def check(value: str) -> str | None:
        return None if compiled.fullmatch(value) else description

    return check


NAME_CHECKS: Final = (
    length(1, 64),
    matches(r"[0-9a-zA-Z_.-]+", "may only hold letters, digits, '-', '_' and '.'"),
)


# --- messages -----------------------------------------------------------------------------

_PLAIN_WORDS: Final[Mapping[str, str]] = {
    "missing": "is required",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "dict_type": "must be a map of names to values",
    "model_type": "must be an object of members",
    "model_attributes_type": "must be an object of members",
    "datetime_type": "must be a date and time",
    "datetime_parsing": "must be a date and time",
    "datetime_from_date_parsing": "must be a date and time",
    "datetime_object_invalid": "must be a date and time",
}


def error_messages(error: ValidationError, model: type[BaseModel] | None = None) -> list[str]:
    """One line per problem, ``<member path in AWS names>: <rule in words>``.

    ``model`` is the class that was validated; it defaults to the class named by the error,
    which is right for every model of this package.
    """
    return [f"{path}: {text}" for path, text in error_items(error, model)]


def error_items(
    error: ValidationError, model: type[BaseModel] | None = None
) -> list[tuple[str, str]]:
    """``(member path in AWS names, rule in words)`` per problem (forms place them by path)."""
    root = model if model is not None else _MODELS_BY_NAME.get(error.title)
    items = []
    for detail in error.errors():
        path = _aws_path(root, detail["loc"])
        context = detail.get("ctx") or {}
        member = context.get("member")
        if isinstance(member, str):
            path = f"{path}.{member}" if path else member
        if detail["type"] == RULE_ERROR:
            text = str(context.get("rule", detail["msg"]))
        else:
            text = _PLAIN_WORDS.get(detail["type"]) or _lower_first(detail["msg"])
        items.append((path or error.title, text))
    return items


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _aws_path(root: type[BaseModel] | None, loc: Iterable[int | str]) -> str:
    """Spell a pydantic location in AWS member names, whichever key the input used."""
    path = ""
    current = root
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
            continue
        name = part
        if current is not None:
            for field_name, field in current.model_fields.items():
                if part in (field_name, field.alias):
                    name = field.alias or field_name
                    current = _model_inside(field.annotation)
                    break
            else:
                current = None
        path = f"{path}.{name}" if path else name
    return path


def _model_inside(annotation: Any) -> type[BaseModel] | None:
    """The model class a field holds, through Optional, list and Annotated wrappers."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return None
    for argument in typing.get_args(annotation):
        found = _model_inside(argument)
        if found is not None:
            return found
    return None


_MODELS_BY_NAME: dict[str, type[BaseModel]] = {}


def register_model(model: type[BaseModel]) -> None:
    """Let ``error_messages`` find ``model`` by the title pydantic gives its errors."""
    _MODELS_BY_NAME[model.__name__] = model
