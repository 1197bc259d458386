"""The schedule form without any UI: its fields, their text, and the schedule they build.

A form is a mapping of field key (the member's dotted AWS path) to the text the operator
sees. Building writes back only the fields whose text differs from the text the form started
with, onto a copy of the original schedule's API shape. So members the operator did not
touch (unknown ones included) are sent back exactly as they were read, and the form can never
be the reason a member is lost.

AWS text is shown through printable() (``shown``): a control character, bidi override or
zero-width character appears as a visible stand-in (``␛``, ``\u202e``) and never reaches the
terminal. A field left as shown is not written, so its original characters go back byte for
byte; a field edited with a stand-in still in it is refused (typing the stand-in back would
silently replace the character AWS holds), naming the stand-ins to remove.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from pydantic import ValidationError

from schedtui.core.expressions.describe import describe
from schedtui.core.expressions.errors import ExpressionError, ZoneError
from schedtui.core.expressions.runs import Run, counts_from_write, next_runs
from schedtui.core.schedules.arns import TargetKind, parse_arn, target_kind
from schedtui.core.schedules.schedule import (
    ActionAfterCompletion,
    Schedule,
    ScheduleState,
)
from schedtui.core.schedules.target_params import (
    AssignPublicIp,
    LaunchType,
    PropagateTags,
)
from schedtui.core.schedules.validation import error_items
from schedtui.core.text import printable, stand_ins

GENERAL: Final = "General"
TIMING: Final = "Schedule"
TARGET: Final = "Target"
RETRY: Final = "Retry policy"
DLQ: Final = "Dead-letter queue"
ENCRYPTION: Final = "Encryption"
SECTIONS: Final = (GENERAL, TIMING, TARGET, RETRY, DLQ, ENCRYPTION)

# What the create form suggests: a careful operator bounds retries and keeps failures.
SUGGESTED_RETRY_ATTEMPTS: Final = 3
SUGGESTED_EVENT_AGE_SECONDS: Final = 3600

PLACEHOLDERS: Final = (
    "<aws.scheduler.schedule-arn>",
    "<aws.scheduler.scheduled-time>",
    "<aws.scheduler.execution-id>",
    "<aws.scheduler.attempt-number>",
)


class Entry(StrEnum):
    """What a field is typed as (the form draws each kind with a fitting widget)."""

    TEXT = "text"
    PROSE = "prose"  # free text kept exactly as typed, line breaks included (Description)
    INTEGER = "integer"
    CHOICE = "choice"  # "" means the member is absent
    FLAG = "flag"  # "", "true" or "false": unset stays distinct from false
    DATE = "date"
    LIST = "list"  # comma-separated strings
    PAIRS = "pairs"  # key=value lines
    RECORDS = "records"  # a:b:c lines, members named by FormField.record
    JSON = "json"
    WINDOW = "window"  # the flexible time window: empty for off, or minutes


@dataclass(frozen=True)
class FormField:
    key: str  # dotted AWS member path, e.g. "Target.RetryPolicy.MaximumRetryAttempts"
    label: str
    section: str
    entry: Entry = Entry.TEXT
    hint: str = ""  # the rule in words, shown under the field
    choices: tuple[str, ...] = ()
    kinds: frozenset[TargetKind] | None = None  # shown only for these target kinds
    record: tuple[str, ...] = ()  # RECORDS members in line order; PAIRS: (key, value) names
    integers: frozenset[str] = frozenset()  # RECORDS members that are numbers
    fixed_after_creation: bool = False

    def shows_for(self, kind: TargetKind) -> bool:
        """Whether the form shows this field for a target of ``kind``."""
        return self.kinds is None or kind in self.kinds


_ECS = frozenset({TargetKind.ECS})
_ECS_PREFIX = "Target.EcsParameters."
_VPC_PREFIX = _ECS_PREFIX + "NetworkConfiguration.awsvpcConfiguration."

FIELDS: Final[tuple[FormField, ...]] = (
    FormField(
        "Name",
        "Name",
        GENERAL,
        hint="1-64 letters, digits, '-', '_' or '.'; fixed after creation",
        fixed_after_creation=True,
    ),
    FormField(
        "GroupName",
        "Group",
        GENERAL,
        hint="an existing group; fixed after creation (clone to move a schedule)",
        fixed_after_creation=True,
    ),
    FormField(
        "Description",
        "Description",
        GENERAL,
        Entry.PROSE,
        hint="0-512 characters; line breaks are kept",
    ),
    FormField("State", "State", GENERAL, Entry.CHOICE, choices=tuple(ScheduleState)),
    FormField(
        "ScheduleExpression",
        "Expression",
        TIMING,
        hint="cron(min hour day-of-month month day-of-week year), rate(N unit) or at(...)",
    ),
    FormField(
        "ScheduleExpressionTimezone",
        "Time zone",
        TIMING,
        hint="an IANA name such as Europe/Madrid; empty means UTC",
    ),
    FormField(
        "StartDate",
        "Start date",
        TIMING,
        Entry.DATE,
        hint="ISO 8601 with an offset, e.g. 2027-01-31T09:00:00+00:00; empty for none",
    ),
    FormField("EndDate", "End date", TIMING, Entry.DATE, hint="as the start date; after it"),
    FormField(
        "FlexibleTimeWindow",
        "Flexible window",
        TIMING,
        Entry.WINDOW,
        hint="empty for off, or 1-1440 minutes after each scheduled time",
    ),
    FormField(
        "ActionAfterCompletion",
        "After completion",
        TIMING,
        Entry.CHOICE,
        hint="DELETE removes the schedule after its last run",
        choices=("", *ActionAfterCompletion),
    ),
    FormField("Target.Arn", "Target ARN", TARGET, hint="what is invoked; decides the kind"),
    FormField(
        "Target.RoleArn",
        "Execution role",
        TARGET,
        hint="arn:aws:iam::<12-digit account>:role/<name>",
    ),
    FormField(
        "Target.Input",
        "Input",
        TARGET,
        Entry.JSON,
        hint="at most 256 KB; JSON for Lambda, Step Functions, EventBridge and aws-sdk targets",
    ),
    FormField(
        "Target.SqsParameters.MessageGroupId",
        "Message group id",
        TARGET,
        hint="required for a FIFO queue, 1-128 characters",
        kinds=frozenset({TargetKind.SQS}),
    ),
    FormField(
        "Target.EventBridgeParameters.DetailType",
        "Detail type",
        TARGET,
        hint="1-128 characters",
        kinds=frozenset({TargetKind.EVENTBRIDGE}),
    ),
    FormField(
        "Target.EventBridgeParameters.Source",
        "Source",
        TARGET,
        hint="1-256 characters, not starting with 'aws.'",
        kinds=frozenset({TargetKind.EVENTBRIDGE}),
    ),
    FormField(
        "Target.KinesisParameters.PartitionKey",
        "Partition key",
        TARGET,
        hint="1-256 characters",
        kinds=frozenset({TargetKind.KINESIS}),
    ),
    FormField(
        "Target.SageMakerPipelineParameters.PipelineParameterList",
        "Pipeline parameters",
        TARGET,
        Entry.PAIRS,
        hint="one Name=Value per line, at most 200",
        kinds=frozenset({TargetKind.SAGEMAKER}),
        record=("Name", "Value"),
    ),
    FormField(
        _ECS_PREFIX + "TaskDefinitionArn",
        "Task definition",
        TARGET,
        hint="task definition ARN (required); the target ARN is the cluster",
        kinds=_ECS,
    ),
    FormField(_ECS_PREFIX + "TaskCount", "Task count", TARGET, Entry.INTEGER, "1-10", kinds=_ECS),
    FormField(
        _ECS_PREFIX + "LaunchType",
        "Launch type",
        TARGET,
        Entry.CHOICE,
        "not together with a capacity provider strategy",
        choices=("", *LaunchType),
        kinds=_ECS,
    ),
    FormField(
        _VPC_PREFIX + "Subnets",
        "Subnets",
        TARGET,
        Entry.LIST,
        "1-16 subnet ids, comma-separated",
        kinds=_ECS,
    ),
    FormField(
        _VPC_PREFIX + "SecurityGroups",
        "Security groups",
        TARGET,
        Entry.LIST,
        "up to 5 ids, comma-separated",
        kinds=_ECS,
    ),
    FormField(
        _VPC_PREFIX + "AssignPublicIp",
        "Public IP",
        TARGET,
        Entry.CHOICE,
        "ENABLED only with FARGATE",
        choices=("", *AssignPublicIp),
        kinds=_ECS,
    ),
    FormField(
        _ECS_PREFIX + "PlatformVersion",
        "Platform version",
        TARGET,
        hint="e.g. LATEST or 1.4.0",
        kinds=_ECS,
    ),
    FormField(
        _ECS_PREFIX + "CapacityProviderStrategy",
        "Capacity providers",
        TARGET,
        Entry.RECORDS,
        "one provider:weight:base per line (weight 0-1000, base 0-100000), at most 6",
        kinds=_ECS,
        record=("capacityProvider", "weight", "base"),
        integers=frozenset({"weight", "base"}),
    ),
    FormField(
        _ECS_PREFIX + "PlacementConstraints",
        "Placement constraints",
        TARGET,
        Entry.RECORDS,
        "one type:expression per line (distinctInstance | memberOf), at most 10",
        kinds=_ECS,
        record=("type", "expression"),
    ),
    FormField(
        _ECS_PREFIX + "PlacementStrategy",
        "Placement strategy",
        TARGET,
        Entry.RECORDS,
        "one type:field per line (random | spread | binpack), at most 5",
        kinds=_ECS,
        record=("type", "field"),
    ),
    FormField(
        _ECS_PREFIX + "Tags",
        "Task tags",
        TARGET,
        Entry.PAIRS,
        "one key=value per line, at most 50",
        kinds=_ECS,
    ),
    FormField(
        _ECS_PREFIX + "PropagateTags",
        "Propagate tags",
        TARGET,
        Entry.CHOICE,
        choices=("", *PropagateTags),
        kinds=_ECS,
    ),
    FormField(
        _ECS_PREFIX + "EnableECSManagedTags", "ECS managed tags", TARGET, Entry.FLAG, kinds=_ECS
    ),
    FormField(
        _ECS_PREFIX + "EnableExecuteCommand", "Execute command", TARGET, Entry.FLAG, kinds=_ECS
    ),
    FormField(_ECS_PREFIX + "Group", "Task group", TARGET, hint="1-255 characters", kinds=_ECS),
    FormField(
        _ECS_PREFIX + "ReferenceId", "Reference id", TARGET, hint="0-1024 characters", kinds=_ECS
    ),
    FormField(
        "Target.RetryPolicy.MaximumRetryAttempts",
        "Retry attempts",
        RETRY,
        Entry.INTEGER,
        "0-185; empty means AWS's default, 185",
    ),
    FormField(
        "Target.RetryPolicy.MaximumEventAgeInSeconds",
        "Max event age (s)",
        RETRY,
        Entry.INTEGER,
        "60-86400 seconds; empty means AWS's default, 86400 (24 h)",
    ),
    FormField(
        "Target.DeadLetterConfig.Arn",
        "DLQ ARN",
        DLQ,
        hint="a standard (not FIFO) SQS queue ARN; empty for none: failed runs are then lost",
    ),
    FormField(
        "KmsKeyArn",
        "KMS key ARN",
        ENCRYPTION,
        hint="arn:aws:kms:<region>:<account>:key/<id> or alias/<name>; empty for AWS-owned",
    ),
)
FIELDS_BY_KEY: Final = {form_field.key: form_field for form_field in FIELDS}

# Target parameter blocks that belong to one kind only: dropped when the kind changes.
_KIND_BLOCKS: Final = {
    "EcsParameters": TargetKind.ECS,
    "EventBridgeParameters": TargetKind.EVENTBRIDGE,
    "KinesisParameters": TargetKind.KINESIS,
    "SageMakerPipelineParameters": TargetKind.SAGEMAKER,
    "SqsParameters": TargetKind.SQS,
}

Values = dict[str, str]


# -- schedule -> text --------------------------------------------------------------------------


def _member(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _text(form_field: FormField, value: Any) -> str:
    if value is None:
        return ""
    entry = form_field.entry
    if entry is Entry.FLAG:
        return "true" if value else "false"
    if entry is Entry.DATE:
        return value.isoformat() if isinstance(value, datetime) else str(value)
    if entry is Entry.LIST:
        return ", ".join(str(item) for item in value)
    if entry is Entry.PAIRS:
        if form_field.record:
            key, val = form_field.record
            return "\n".join(f"{item.get(key, '')}={item.get(val, '')}" for item in value)
        return "\n".join(f"{k}={v}" for item in value for k, v in item.items())
    if entry is Entry.RECORDS:
        lines = []
        for item in value:
            parts = [
                "" if item.get(name) is None else str(item[name]) for name in form_field.record
            ]
            lines.append(":".join(parts).rstrip(":"))
        return "\n".join(lines)
    if entry is Entry.WINDOW:
        if value.get("Mode") == "FLEXIBLE":
            return str(value.get("MaximumWindowInMinutes", ""))
        return ""
    return str(value)


def not_editable_here(form_field: FormField, schedule: Schedule | None) -> str | None:
    """Why the form must not edit this field of ``schedule`` (it shows it, disabled), or None.

    ECS task tags are a list of maps that may hold several tags each (Terraform writes
    ``{"key": K, "value": V}``); the form's one-tag-per-line text would split those maps
    on save. Left untouched, the field goes back exactly as stored; ``E`` edits the JSON.
    """
    if schedule is None or form_field.entry is not Entry.PAIRS or form_field.record:
        return None
    value = _member(schedule.to_api(), form_field.key)
    if isinstance(value, list) and any(not isinstance(i, dict) or len(i) != 1 for i in value):
        return "some items hold several tags: kept as stored here; edit them with E (JSON)"
    return None


def values_of(schedule: Schedule | None) -> Values:
    """The text of every field for ``schedule`` (all empty for None)."""
    data = {} if schedule is None else schedule.to_api()
    return {
        form_field.key: _text(form_field, _member(data, form_field.key)) for form_field in FIELDS
    }


def creation_values(
    group: str,
    *,
    zones: Iterable[str] = (),
    dead_letter_arns: Iterable[str | None] = (),
    role_arns: Iterable[str] = (),
    account: str | None = None,
) -> Values:
    """A new schedule's form: what a careful operator wants unless they decide otherwise.

    ``zones``, ``dead_letter_arns`` and ``role_arns`` are those of the group's schedules: the
    zone used most is the default; the dead-letter queue and execution role used most are
    suggested, but only those in the operator's ``account``: a schedule that sends its
    failures to another account's queue was set up that way on purpose, and a new one should
    not inherit it unseen (nor a role, which must live in the schedule's account). With no
    account known, nothing is suggested.
    """
    values = values_of(None)
    values.update(
        {
            "GroupName": group,
            "State": ScheduleState.ENABLED.value,
            "Target.RetryPolicy.MaximumRetryAttempts": str(SUGGESTED_RETRY_ATTEMPTS),
            "Target.RetryPolicy.MaximumEventAgeInSeconds": str(SUGGESTED_EVENT_AGE_SECONDS),
        }
    )
    zone = _most_common(zones)
    if zone:
        values["ScheduleExpressionTimezone"] = zone
    queue = _most_common(arn for arn in dead_letter_arns if _in_account(arn, account))
    if queue:
        values["Target.DeadLetterConfig.Arn"] = queue
    role = _most_common(arn for arn in role_arns if _in_account(arn, account))
    if role:
        values["Target.RoleArn"] = role
    return values


def _in_account(arn: str | None, account: str | None) -> bool:
    parsed = parse_arn(arn) if arn else None
    return account is not None and parsed is not None and parsed.account == account


def _most_common(items: Iterable[str | None]) -> str | None:
    counts = Counter(item for item in items if item)
    return counts.most_common(1)[0][0] if counts else None


MULTILINE: Final = frozenset({Entry.PROSE, Entry.JSON, Entry.PAIRS, Entry.RECORDS})


def shown_text(form_field: FormField, text: str) -> str:
    """The text a field's widget shows: never a character the terminal would act on. A
    multi-line field (``MULTILINE``: its widget lays lines out itself) keeps line feeds and
    tabs, so a Description AWS holds with line breaks shows as lines, and goes back exactly
    as stored when left untouched."""
    multiline = form_field.entry in MULTILINE
    return printable(text, keep_newlines=multiline, keep_tabs=multiline)


def shown(values: Mapping[str, str]) -> Values:
    """``values`` as the form's widgets show them (see ``shown_text``)."""
    return {
        key: shown_text(FIELDS_BY_KEY[key], text) if key in FIELDS_BY_KEY else printable(text)
        for key, text in values.items()
    }


# -- text -> schedule --------------------------------------------------------------------------


class FieldProblem(ValueError):
    """The text of one field cannot be turned into a value (says the rule in words)."""


def _integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise FieldProblem(f"'{text.strip()}' is not a whole number") from None


def _value(form_field: FormField, text: str) -> Any:
    """The API value for ``text``; None when the member should be absent."""
    entry = form_field.entry
    if entry is Entry.JSON:
        return text or None  # the input is sent exactly as typed (whitespace included)
    if entry is Entry.PROSE:
        return text or None  # as typed: spaces and line breaks are the operator's
    stripped = text.strip()
    if entry is Entry.WINDOW:
        if not stripped or stripped.lower() == "off":
            return {"Mode": "OFF"}
        return {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": _integer(stripped)}
    if not stripped:
        return None
    if entry is Entry.INTEGER:
        return _integer(stripped)
    if entry is Entry.FLAG:
        if stripped.lower() not in ("true", "false"):
            raise FieldProblem("must be true, false or empty")
        return stripped.lower() == "true"
    if entry is Entry.CHOICE:
        if stripped not in form_field.choices:
            raise FieldProblem(f"must be one of {', '.join(c for c in form_field.choices if c)}")
        return stripped
    if entry is Entry.DATE:
        return _date(stripped)
    if entry is Entry.LIST:
        return [item.strip() for item in stripped.split(",") if item.strip()]
    if entry is Entry.PAIRS:
        return _pairs(form_field, stripped)
    if entry is Entry.RECORDS:
        return _records(form_field, stripped)
    return stripped


def _date(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise FieldProblem(
            f"'{text}' is not an ISO 8601 date and time (e.g. 2027-01-31T09:00:00+00:00)"
        ) from None
    if value.tzinfo is None:
        raise FieldProblem("must include a UTC offset or Z (e.g. 2027-01-31T09:00:00Z)")
    return value


def _lines(text: str) -> list[tuple[int, str]]:
    return [
        (number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()
    ]


def _pairs(form_field: FormField, text: str) -> list[dict[str, str]]:
    items = []
    for number, line in _lines(text):
        key, equals, value = line.partition("=")
        if not equals or not key.strip():
            raise FieldProblem(f"line {number}: must be key=value")
        if form_field.record:
            key_name, value_name = form_field.record
            items.append({key_name: key.strip(), value_name: value.strip()})
        else:
            items.append({key.strip(): value.strip()})
    return items


def _records(form_field: FormField, text: str) -> list[dict[str, Any]]:
    names = form_field.record
    items = []
    for number, line in _lines(text):
        parts = [part.strip() for part in line.split(":", len(names) - 1)]
        if not parts[0]:
            raise FieldProblem(f"line {number}: the {names[0]} is required")
        item: dict[str, Any] = {}
        for name, part in zip(names, parts, strict=False):
            if not part:
                continue
            if name in form_field.integers:
                try:
                    item[name] = int(part)
                except ValueError:
                    raise FieldProblem(
                        f"line {number}: {name} '{part}' is not a whole number"
                    ) from None
            else:
                item[name] = part
        items.append(item)
    return items


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, for None, remove) a member; parents emptied by a removal go too."""
    parts = path.split(".")
    parents = [data]
    for part in parts[:-1]:
        child = parents[-1].get(part)
        if not isinstance(child, dict):
            if value is None:
                return
            child = parents[-1][part] = {}
        parents.append(child)
    if value is None:
        parents[-1].pop(parts[-1], None)
        for depth in range(len(parts) - 1, 0, -1):
            if parents[depth]:
                break
            parents[depth - 1].pop(parts[depth - 1], None)
    else:
        parents[-1][parts[-1]] = value


@dataclass
class FormResult:
    schedule: Schedule | None  # None while any field is invalid
    errors: dict[str, str] = field(default_factory=dict)  # field key ("" = form) -> rule
    written: list[str] = field(default_factory=list)  # keys whose text differs from the start


def build_schedule(
    original: Schedule | None,
    start: Mapping[str, str],
    values: Mapping[str, str],
    *,
    new: bool = False,
) -> FormResult:
    """The schedule the form describes, or why it is invalid, field by field.

    ``original`` is the schedule being edited or cloned (None to create); ``start`` the text
    of its fields (``values_of``), ``values`` the text the widgets hold now. Only fields
    whose text differs from what the form showed at the start (``shown(start)``) are written
    onto a copy of ``original``; everything else, unknown members included, stays as it was
    read. ``new`` (create, clone) leaves out what AWS sets on the original (Arn and dates).
    """
    data: dict[str, Any] = copy.deepcopy(original.to_api()) if original else {}
    if new:
        for member in Schedule.READ_ONLY_MEMBERS:
            data.pop(member, None)
    result = FormResult(schedule=None)
    for form_field in FIELDS:
        text = values.get(form_field.key, "")
        started = start.get(form_field.key, "")
        # A new schedule has nothing to keep: every field is written (empty ones as absent).
        if original is not None and text in (started, shown_text(form_field, started)):
            continue
        result.written.append(form_field.key)
        marks = [mark for mark in stand_ins(started) if mark in text]
        if marks:
            result.errors[form_field.key] = (
                f"still holds {', '.join(marks)}, shown in place of characters a terminal "
                "would act on: remove them, or undo the edit to keep the field as AWS holds it"
            )
            continue
        try:
            value = _value(form_field, text)
        except FieldProblem as problem:
            result.errors[form_field.key] = str(problem)
            continue
        if form_field.entry is Entry.WINDOW:
            # Mode and minutes are set member by member: the structure may hold members
            # this version does not know, and they must survive.
            window = data.setdefault(form_field.key, {})
            window.pop("MaximumWindowInMinutes", None)
            window.update(value)
        else:
            _set(data, form_field.key, value)
    _drop_other_kinds(original, data)
    try:
        schedule = Schedule.model_validate(data)
    except ValidationError as error:
        for path, text in error_items(error, Schedule):
            result.errors.setdefault(field_for(path), text)
        return result
    if not result.errors:
        result.schedule = schedule
    return result


def _drop_other_kinds(original: Schedule | None, data: dict[str, Any]) -> None:
    """A target that changed kind loses the parameter blocks of other kinds."""
    target = data.get("Target")
    if not isinstance(target, dict):
        return
    kind = target_kind(str(target.get("Arn", "")))
    if kind is TargetKind.UNKNOWN or (original is not None and original.target.kind is kind):
        return
    for block, block_kind in _KIND_BLOCKS.items():
        if block_kind is not kind:
            target.pop(block, None)


_INDEX = re.compile(r"\[\d+\].*$")


def field_for(path: str) -> str:
    """The form field an error at AWS member ``path`` belongs to ("" for the whole form)."""
    path = _INDEX.sub("", path)
    best = ""
    for key in FIELDS_BY_KEY:
        if (path == key or path.startswith(key + ".")) and len(key) > len(best):
            best = key
    if best:
        return best
    # An error on a structure (e.g. "is required" on a block) goes to its first field.
    for key in FIELDS_BY_KEY:
        if key.startswith(path + "."):
            return key
    return ""


# -- the live preview --------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    description: str = ""
    runs: tuple[Run, ...] = ()
    problem: str = ""  # why there is no preview (the expression, zone or a date is invalid)


def preview(
    values: Mapping[str, str],
    now: datetime,
    *,
    anchor: datetime | None,
    count: int = 5,
    stored_start: datetime | None = None,
) -> Preview:
    """The English description and the next ``count`` runs of what the form says so far.

    ``stored_start``: the StartDate the schedule has now; removing it moves a rate's anchor
    to the write, as dropping a refused one does (runs.py, the anchor rule)."""
    expression = values.get("ScheduleExpression", "").strip()
    if not expression:
        return Preview(problem="type an expression to see its next runs")
    zone = values.get("ScheduleExpressionTimezone", "").strip() or None
    try:
        start = _value(FIELDS_BY_KEY["StartDate"], values.get("StartDate", ""))
        end = _value(FIELDS_BY_KEY["EndDate"], values.get("EndDate", ""))
        window = _value(FIELDS_BY_KEY["FlexibleTimeWindow"], values.get("FlexibleTimeWindow", ""))
        if counts_from_write(stored_start, start, now):
            # Dropped or removed when saved: it counts from the write (runs.py, anchor rule).
            start, anchor = None, None
        runs = next_runs(
            expression,
            zone,
            after=now,
            count=count,
            start_date=start,
            end_date=end,
            anchor=anchor,
            window_minutes=window.get("MaximumWindowInMinutes"),
        )
        description = describe(expression, zone)
    except (ExpressionError, ZoneError, FieldProblem) as error:
        return Preview(problem=str(error))
    return Preview(description=description, runs=tuple(runs))


# -- undo and redo, field by field -------------------------------------------------------------


@dataclass
class Step:
    """One change, filed under the field it was made in (``owner``): the text of every field
    it changed, before and after. A change can move other fields too (picking a target kind
    rewrites the ARN): undoing it puts those back only if they still hold what it left."""

    owner: str
    before: dict[str, str]
    after: dict[str, str]
    at: float  # when it was last extended (a burst of typing is one step)


class FieldHistory:
    """Undo and redo for a form, each field with its own history.

    The form reports what its fields hold after every change (``seen``); the history works
    out what changed and files it under the field the operator was in. ``undo(key)`` returns
    the text to put back into the fields (the form puts it back, then calls ``restored``).
    Keystrokes in one field less than ``burst`` seconds apart are one step, as in an editor.
    """

    def __init__(self, values: Mapping[str, str], *, burst: float = 1.0) -> None:
        self._seen = dict(values)
        self._undo: dict[str, list[Step]] = {}
        self._redo: dict[str, list[Step]] = {}
        self.burst = burst
        self._typing: Step | None = None  # the step the next keystroke may join

    def seen(
        self, values: Mapping[str, str], owner: str | None, now: float, *, typed: bool
    ) -> None:
        """Record the change from the last values seen to ``values``.

        ``owner`` is the field the operator is in (None: none); the change is filed under it
        when it is among the fields that changed, else each changed field gets its own step.
        ``typed``: a keystroke, which joins the step of the keystroke before it.
        """
        changed = {key for key, text in values.items() if self._seen.get(key, "") != text}
        if not changed:
            return
        before = {key: self._seen.get(key, "") for key in changed}
        after = {key: values[key] for key in changed}
        self._seen.update(after)
        owners = [owner] if owner in changed else sorted(changed)
        last = self._typing
        if (
            typed
            and len(owners) == 1
            and changed == {owners[0]}
            and last is not None
            and last.owner == owners[0]
            and set(last.after) == changed
            and now - last.at < self.burst
            and self._undo.get(last.owner, [None])[-1] is last
        ):
            last.after.update(after)
            last.at = now
            return
        self._typing = None
        for key in owners:
            if len(owners) == 1:
                step = Step(key, before, after, now)
            else:
                step = Step(key, {key: before[key]}, {key: after[key]}, now)
            self._undo.setdefault(key, []).append(step)
            self._redo.pop(key, None)
            if typed:
                self._typing = step

    def can_undo(self, key: str) -> bool:
        return any(self._undoes(step) for step in self._undo.get(key, ()))

    def can_redo(self, key: str) -> bool:
        return bool(self._redo.get(key))

    def _undoes(self, step: Step) -> bool:
        """Whether undoing ``step`` changes what its field holds now (a step whose change
        was already undone by another one, as part of it, is skipped)."""
        return self._seen.get(step.owner, "") != step.before[step.owner]

    def undo(self, key: str) -> dict[str, str] | None:
        """The text to put back to undo ``key``'s last change (None: nothing to undo)."""
        self._typing = None
        steps = self._undo.get(key, [])
        while steps:
            step = steps.pop()
            if not self._undoes(step):
                continue
            self._redo.setdefault(key, []).append(step)
            return self._put_back(step, step.after, step.before)
        return None

    def redo(self, key: str) -> dict[str, str] | None:
        """The text to put back to redo ``key``'s last undone change (None: nothing)."""
        self._typing = None
        steps = self._redo.get(key, [])
        if not steps:
            return None
        step = steps.pop()
        self._undo.setdefault(key, []).append(step)
        return self._put_back(step, step.before, step.after)

    def _put_back(self, step: Step, now: dict[str, str], then: dict[str, str]) -> dict[str, str]:
        # The field itself always; the others it moved only if nothing moved them since.
        return {
            key: text
            for key, text in then.items()
            if key == step.owner or self._seen.get(key, "") == now[key]
        }

    def restored(self, values: Mapping[str, str]) -> None:
        """The form put text back (undo, redo): what it holds now is not a new change."""
        self._seen.update(values)
        self._typing = None
