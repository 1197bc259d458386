"""Reads from EventBridge Scheduler, returning core models (writes live in mutations.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from schedtui.aws.errors import (
    UnreadableAnswerError,
    aws_call,
    new_token,
    validation_problems,
)
from schedtui.aws.session import AwsClients
from schedtui.core import jsontext
from schedtui.core.schedules.group import ScheduleGroup, tags_from_api
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.text import printable

# The raw GetSchedule body rides along in botocore's parsed response under this key, so
# that members the installed botocore does not know (and would drop) can be detected.
_RAW_BODY = "__schedtui_raw_body__"
MAX_PAGE_SIZE = 100  # ListSchedules accepts 1-100


def _keep_raw_body(http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
    if getattr(http_response, "status_code", 0) == 200:
        parsed[_RAW_BODY] = http_response.content


def dropped_members(raw: Any, parsed: Any, prefix: str = "") -> list[str]:
    """Members present in the raw JSON but missing from botocore's parse, as dotted paths."""
    found: list[str] = []
    if isinstance(raw, dict) and isinstance(parsed, dict):
        for key, value in raw.items():
            if value is None:
                continue  # an explicit null carries nothing to lose (moto sends them)
            if key not in parsed:
                found.append(f"{prefix}{key}")
            else:
                found.extend(dropped_members(value, parsed[key], f"{prefix}{key}."))
    elif isinstance(raw, list) and isinstance(parsed, list):
        for index, (raw_item, parsed_item) in enumerate(zip(raw, parsed, strict=False)):
            found.extend(dropped_members(raw_item, parsed_item, f"{prefix[:-1]}[{index}]."))
    return found


def unreadable_text(item: Any, error: Exception) -> str:
    """One line naming a listed entry schedtui could not read, and why."""
    if not isinstance(item, dict):
        name, problems = printable(repr(item)[:80]), "not an entry"
    else:
        name = printable(str(item.get("Arn") or item.get("Name") or "(no ARN or name)"))
        problems = validation_problems(error) if isinstance(error, ValidationError) else str(error)
    return f"ListSchedules: an entry could not be read and is not shown: {name} ({problems})"


class SchedulerRepository:
    def __init__(self, clients: AwsClients) -> None:
        self.clients = clients
        self._hooked = False

    def _scheduler(self) -> Any:
        client = self.clients.scheduler
        if not self._hooked:
            client.meta.events.register("after-call.scheduler.GetSchedule", _keep_raw_body)
            self._hooked = True
        return client

    def list_groups(self) -> list[ScheduleGroup]:
        groups: list[ScheduleGroup] = []
        with aws_call("ListScheduleGroups"):
            for page in self._scheduler().get_paginator("list_schedule_groups").paginate():
                groups.extend(ScheduleGroup.from_api(item) for item in page["ScheduleGroups"])
        return groups

    def get_group(self, name: str) -> ScheduleGroup:
        with aws_call(f"GetScheduleGroup {name}"):
            found = self._scheduler().get_schedule_group(Name=name)
            return ScheduleGroup.from_api(dict(found))

    def group_tags(self, group_arn: str) -> dict[str, str]:
        with aws_call(f"ListTagsForResource {group_arn}"):
            found = self._scheduler().list_tags_for_resource(ResourceArn=group_arn)
            tags: dict[str, str] = tags_from_api(found.get("Tags", []))
        return tags

    def iter_schedule_pages(
        self,
        *,
        group: str | None = None,
        prefix: str | None = None,
        state: str | None = None,
        page_size: int = MAX_PAGE_SIZE,
        unreadable: list[str] | None = None,
    ) -> Iterator[list[ScheduleSummary]]:
        """Schedule summaries page by page, as they arrive; filters run on the server.

        ``unreadable``: an entry schedtui cannot read (no ARN, name or group to know it by)
        is left out and described there, instead of failing the page and every entry after
        it. Without the list, such an entry fails the call."""
        arguments: dict[str, Any] = {"MaxResults": page_size}
        if group:
            arguments["GroupName"] = group
        if prefix:
            arguments["NamePrefix"] = prefix
        if state:
            arguments["State"] = state
        client = self._scheduler()
        token: str | None = None
        seen: set[str] = set()
        while True:
            with aws_call("ListSchedules"):
                page = client.list_schedules(**arguments, **({"NextToken": token} if token else {}))
                items = page.get("Schedules", [])
            summaries = []
            for item in items:
                try:
                    if not isinstance(item, dict):
                        raise TypeError("not an entry")
                    summaries.append(ScheduleSummary.from_api(item))
                except (ValidationError, TypeError) as error:
                    if unreadable is None:
                        raise UnreadableAnswerError(
                            unreadable_text(item, error), code="UnreadableAnswer"
                        ) from None
                    unreadable.append(unreadable_text(item, error))
            yield summaries
            token = page.get("NextToken")
            if not token:
                return
            new_token(token, seen, "ListSchedules: AWS answered a page token")

    def count_schedules(self, group: str) -> int:
        return sum(len(page) for page in self.iter_schedule_pages(group=group))

    def read_for_write(self, group: str, name: str) -> tuple[Schedule, list[str]]:
        """The schedule, and the members AWS sent that this botocore dropped on the way in.

        Writing such a schedule back would erase those members, so the mutation chokepoint
        refuses when the list is not empty.
        """
        with aws_call(f"GetSchedule {group}/{name}"):
            found, dropped = self._get_schedule(group, name)
            return Schedule.from_api(found), dropped

    def get_schedule(self, group: str, name: str) -> Schedule:
        return self.read_for_write(group, name)[0]

    def get_schedule_response(self, group: str, name: str) -> tuple[dict[str, Any], list[str]]:
        """GetSchedule's answer as botocore parsed it, ResponseMetadata left out (the JSON
        view shows it as it came, unread by the models), and the members of the raw body
        this botocore dropped."""
        with aws_call(f"GetSchedule {group}/{name}"):
            found, dropped = self._get_schedule(group, name)
        found.pop("ResponseMetadata", None)
        return found, dropped

    def _get_schedule(self, group: str, name: str) -> tuple[dict[str, Any], list[str]]:
        found = dict(self._scheduler().get_schedule(GroupName=group, Name=name))
        raw_body = found.pop(_RAW_BODY, None)
        dropped: list[str] = []
        if raw_body:
            try:
                dropped = dropped_members(jsontext.loads(raw_body), found)
            except ValueError:
                dropped = []  # not JSON: nothing to compare against; botocore parsed it
        return found, dropped
