"""``schedtui groups``, ``list`` and ``get``: what the account holds, for scripts.

Records carry the AWS API's member names (ListScheduleGroups, ListSchedules and GetSchedule
answers, as botocore parses them); the documented members are always present (null when AWS
left one out), members this schedtui does not know follow them.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from schedtui.aws.backend import Backend
from schedtui.aws.errors import AwsError
from schedtui.cli.exits import AWS_ERROR, OK, UsageError
from schedtui.cli.output import (
    Column,
    Format,
    Record,
    View,
    Writer,
    fields,
    json_text,
    member,
    note,
)
from schedtui.core.schedules.arns import target_kind, target_resource_name
from schedtui.core.schedules.columns import ScheduleColumns
from schedtui.core.schedules.document import response_document
from schedtui.core.schedules.group import ScheduleGroup
from schedtui.core.schedules.rows import RowFilter, parse_filter
from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.core.schedules.selection import select

GROUP_MEMBERS = ("Name", "Arn", "State", "CreationDate", "LastModificationDate")
SUMMARY_MEMBERS = ("Name", "GroupName", "State", "Arn", "CreationDate", "LastModificationDate")


def existing_group(backend: Backend, name: str) -> str:
    """The group ``--group`` names, read (GetScheduleGroup): one that does not exist is
    NotFoundError (exit 1, the message naming it), never an empty report that passes a
    pipeline gate (ListSchedules of an unknown group may answer nothing: moto's does)."""
    return backend.scheduler.get_group(name).name


def ordered(api: dict[str, Any], members: tuple[str, ...]) -> Record:
    """``api`` with ``members`` first and always present (None when absent), then the rest."""
    record: Record = {name: api.get(name) for name in members}
    record.update((name, value) for name, value in api.items() if name not in record)
    return record


def _target(record: Record) -> str | None:
    arn = member("Target.Arn")(record)
    if not isinstance(arn, str) or not arn:
        return None
    return f"{target_kind(arn).value} {target_resource_name(arn)}"


GROUPS = View(
    "ScheduleGroups",
    table=(
        Column("NAME", "Name"),
        Column("STATE", "State"),
        Column("CREATED", "CreationDate"),
        Column("LAST MODIFIED", "LastModificationDate"),
    ),
    text=fields(*GROUP_MEMBERS),
)

SCHEDULES = View(
    "Schedules",
    table=(
        Column("GROUP", "GroupName"),
        Column("NAME", "Name"),
        Column("STATE", "State"),
        Column("TARGET", _target),
        Column("LAST MODIFIED", "LastModificationDate"),
    ),
    text=fields(
        "GroupName", "Name", "State", "Target.Arn", "Arn", "CreationDate", "LastModificationDate"
    ),
)

# `get` in a table or as text: one line per leaf member, by its dotted path.
MEMBERS = View(
    "Members",
    table=(Column("MEMBER", "Member"), Column("VALUE", "Value")),
    text=fields("Member", "Value"),
)


def group_record(group: ScheduleGroup) -> Record:
    api = group.to_api()
    if not api.get("Tags"):
        api.pop("Tags", None)  # ListScheduleGroups sends none: not "no tags"
    return ordered(api, GROUP_MEMBERS)


def summary_record(summary: ScheduleSummary) -> Record:
    record = ordered(summary.to_api(), SUMMARY_MEMBERS)
    record.setdefault("Target", None)
    return record


def run_groups(args: argparse.Namespace, backend: Backend, output: Format) -> int:
    writer = Writer(GROUPS, output)
    writer.add(group_record(group) for group in backend.scheduler.list_groups())
    writer.close()
    return OK


def summary_filter(text: str | None) -> RowFilter | None:
    """``--filter``: the TUI's filter language, refused (usage) for the terms a
    ListSchedules entry cannot decide."""
    if not text or not text.strip():
        return None
    row_filter = parse_filter(text)
    for key, value in row_filter.beyond_summaries():
        if key == "tz":
            raise UsageError(
                f"--filter: tz:{value} needs each schedule's definition (its time zone), one "
                "GetSchedule each; list reads ListSchedules only (use the TUI, or filter "
                "`schedtui get` output)"
            )
        if value == "failing":
            raise UsageError(
                "--filter: is:failing needs the failure figures (CloudWatch metrics and DLQ "
                "depths); use `schedtui dlq` or the TUI"
            )
        raise UsageError(f"--filter: is:{value} is not one of is:enabled, is:disabled, is:paused")
    return row_filter


def run_list(args: argparse.Namespace, backend: Backend, output: Format) -> int:
    row_filter = summary_filter(args.filter)
    writer = Writer(SCHEDULES, output)
    unreadable: list[str] = []
    try:
        for page in backend.scheduler.iter_schedule_pages(
            group=args.group, prefix=args.name_prefix, state=args.state, unreadable=unreadable
        ):
            writer.add(summary_record(summary) for summary in kept(page, row_filter))
    except AwsError:
        writer.close(complete=False)
        note(f"{writer.count:,} listed before the listing failed")
        raise
    writer.close()
    for line in unreadable:
        note(line)
    return AWS_ERROR if unreadable else OK


def kept(page: list[ScheduleSummary], row_filter: RowFilter | None) -> list[ScheduleSummary]:
    """The page's schedules that pass ``--filter``, decided the way the TUI's `/` decides
    (``core/schedules/selection.py``), over the page alone: memory stays one page."""
    if row_filter is None:
        return page
    columns = ScheduleColumns()
    ids = columns.put_listed(page)  # a page may name an ARN twice: one id for both
    keep = set(select(columns, None, row_filter))
    return [summary for summary, row in zip(page, ids, strict=True) if row in keep]


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted path, value)`` of every leaf member: ``Target.RetryPolicy.MaximumRetryAttempts``,
    list items by index (``Subnets[0]``)."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def run_get(args: argparse.Namespace, backend: Backend, output: Format) -> int:
    group, name = args.schedule
    response, dropped = backend.scheduler.get_schedule_response(group, name)
    if dropped:
        note(
            "AWS sent members this botocore does not know, left out here: "
            + ", ".join(dropped)
            + " (upgrade boto3 and botocore to see them)"
        )
    if output is Format.JSON:
        print(response_document(response))
    elif output is Format.JSONL:
        print(json_text(response))
    else:
        writer = Writer(MEMBERS, output)
        writer.add({"Member": path, "Value": value} for path, value in leaves(response))
        writer.close()
    return OK
