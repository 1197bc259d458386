"""CloudTrail for the demo: the management events of its schedules and groups, and
``LookupEvents`` (which moto does not implement) answered over HTTP in AWS's shape.

``build_trail(region, now)`` reads the seeded schedules and groups from moto (in this process)
and makes their history: a CreateSchedule at each schedule's CreationDate by Terraform (a CI
role), an UpdateSchedule at its LastModificationDate where that differs (Terraform too, except
the story's: alice's console update that broke ``fx-rates-refresh-acme-uk`` and bob's CLI
update of ``digest-emea``, see story.py), CreateScheduleGroup and TagResource for the groups,
a DeleteSchedule of a schedule that no longer exists (whose user agent carries terminal escape
sequences: the app must show it safely), and one UpdateSchedule refused with
AccessDeniedException. Request parameters use the Scheduler API's wire member names (what the
JSON body carries: ``Name``, ``GroupName``, ``Target.Input``..., dates as epoch seconds).

``TrailMiddleware`` wraps moto's WSGI app: a request whose X-Amz-Target is CloudTrail's
LookupEvents is answered from the trail (the JSON 1.1 protocol: one LookupAttribute of
EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource or
AccessKeyId; StartTime/EndTime; MaxResults 1-50, default 50; NextToken; newest first; the
last 90 days), everything else goes to moto. It also runs a callable once before the first
request of a service prefix (``on_first``): the ECS data is written then, because importing
moto's ECS costs a second (it loads EC2's catalogue) that the demo's start should not pay.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from schedtui.demo.seed import DEMO_ACCOUNT
from schedtui.demo.story import (
    HARMLESS_EDITOR,
    HARMLESS_GROUP,
    HARMLESS_SCHEDULE,
    STORY_EDITOR,
    STORY_GROUP,
    STORY_SCHEDULE,
    create_request,
)

LOOKUP_TARGET: Final = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
SOURCE: Final = "scheduler.amazonaws.com"
RETENTION: Final = timedelta(days=90)  # what CloudTrail's event history keeps
MAX_RESULTS: Final = 50
_KEYS: Final = frozenset(
    {"EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName",
     "EventSource", "AccessKeyId"}
)  # fmt: skip

TERRAFORM_ROLE: Final = (
    "arn:aws:sts::123456789012:assumed-role/terraform-ci-deployer/gitlab-ci-4471"
)
_TERRAFORM_AGENT: Final = (
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) "
    "terraform-provider-aws/5.40.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
    "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.21.8 md/GOOS#linux md/GOARCH#amd64 "
    "api/scheduler#1.8.2"
)
_CONSOLE_AGENT: Final = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/125.0.0.0 Safari/537.36"
)
_CLI_AGENT: Final = (
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off "
    "md/command#scheduler.update-schedule"
)
# The hostile one: a title change, a screen clear and a fake prompt hidden in a user agent.
_HOSTILE_AGENT: Final = "aws-cli/2.13.0 \x1b]0;pwned\x07\x1b[2J\x1b[H[bold red]root#[/] \x1b[8m"
_READ_ONLY_USER: Final = (
    "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_ReadOnly_0a1b2c3d4e5f6789/"
    "dave@example.com"
)
_GONE_GROUP, _GONE_SCHEDULE = "default", "tmp-load-test-old"
_GONE_USER: Final = (
    "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PowerUser_9d8e7f6a5b4c3d21/"
    "john@example.com"
)


@dataclass(frozen=True, slots=True)
class TrailEvent:
    """One management event: what LookupEvents lists, and the record it carries."""

    event_id: str
    name: str  # EventName
    at: int  # epoch seconds
    username: str
    access_key: str
    resources: tuple[tuple[str, str], ...]  # (ResourceType, ResourceName)
    record: Mapping[str, Any]  # the CloudTrail record (CloudTrailEvent, as JSON)

    def listed(self) -> dict[str, Any]:
        return {
            "EventId": self.event_id,
            "EventName": self.name,
            "ReadOnly": "false",
            "AccessKeyId": self.access_key,
            "EventTime": self.at,
            "EventSource": SOURCE,
            "Username": self.username,
            "Resources": [
                {"ResourceType": kind, "ResourceName": name} for kind, name in self.resources
            ],
            "CloudTrailEvent": json.dumps(self.record, separators=(",", ":")),
        }

    def matches(self, key: str, value: str) -> bool:
        if key == "ResourceName":
            return any(name == value for _kind, name in self.resources)
        if key == "ResourceType":
            return any(kind == value for kind, _name in self.resources)
        return {
            "EventId": self.event_id,
            "EventName": self.name,
            "ReadOnly": "false",
            "Username": self.username,
            "EventSource": SOURCE,
            "AccessKeyId": self.access_key,
        }.get(key) == value


def _digest(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _event_id(*parts: object) -> str:
    text = _digest("event", *parts)
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:32]}"


def _identity(arn: str, at: int) -> tuple[dict[str, Any], str, str]:
    """(userIdentity, Username, AccessKeyId) of an assumed-role session ARN."""
    role, session = arn.split(":assumed-role/", 1)[1].split("/", 1)
    role_id = "AROA" + _digest("role", role)[:17].upper()
    key = "ASIA" + _digest("key", arn, at // 3600)[:16].upper()
    path = "/aws-reserved/sso.amazonaws.com/" if role.startswith("AWSReservedSSO_") else "/"
    identity = {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": arn,
        "accountId": DEMO_ACCOUNT,
        "accessKeyId": key,
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": f"arn:aws:iam::{DEMO_ACCOUNT}:role{path}{role}",
                "accountId": DEMO_ACCOUNT,
                "userName": role,
            },
            "attributes": {
                "creationDate": _iso(at - 1800),
                "mfaAuthenticated": "false",
            },
        },
    }
    return identity, session, key


def _iso(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _event(
    name: str,
    at: int,
    who: str,
    agent: str,
    ip: str,
    region: str,
    resources: Iterable[tuple[str, str]],
    parameters: Mapping[str, Any] | None,
    response: Mapping[str, Any] | None,
    error: tuple[str, str] | None = None,
) -> TrailEvent:
    identity, username, key = _identity(who, at)
    event_id = _event_id(name, at, who, json.dumps(parameters, sort_keys=True, default=str))
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": _iso(at),
        "eventSource": SOURCE,
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": ip,
        "userAgent": agent,
    }
    if error is not None:
        record["errorCode"], record["errorMessage"] = error
    record |= {
        "requestParameters": parameters,
        "responseElements": response,
        "requestID": _event_id("request", event_id),
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": DEMO_ACCOUNT,
        "eventCategory": "Management",
    }
    if agent == _CONSOLE_AGENT:
        record["sessionCredentialFromConsole"] = "true"
    return TrailEvent(event_id, name, at, username, key, tuple(resources), record)


def _wire(value: Any) -> Any:
    """A request member as the JSON body carried it (dates as epoch seconds)."""
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, Mapping):
        return {key: _wire(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire(item) for item in value]
    return value


def _request(schedule: Any) -> dict[str, Any]:
    """A moto schedule's definition as a CreateSchedule/UpdateSchedule request."""
    request: dict[str, Any] = {
        "Name": schedule.name,
        "GroupName": schedule.group_name,
        "ScheduleExpression": schedule.schedule_expression,
        "ScheduleExpressionTimezone": schedule.schedule_expression_timezone,
        "Description": schedule.description,
        "FlexibleTimeWindow": schedule.flexible_time_window,
        "Target": schedule.target,
        "State": schedule.state,
        "KmsKeyArn": schedule.kms_key_arn,
        "StartDate": schedule.start_date,
        "EndDate": schedule.end_date,
        "ActionAfterCompletion": schedule.action_after_completion,
    }
    return {key: _wire(value) for key, value in request.items() if value is not None}


def build_trail(region: str, now: datetime) -> list[TrailEvent]:
    """The demo's CloudTrail management events for Scheduler, newest first (reads moto)."""
    from moto.backends import get_backend

    scheduler = get_backend("scheduler")[DEMO_ACCOUNT][region]
    ip_ci, ip_office = "34.228.19.201", "203.0.113.42"
    events: list[TrailEvent] = []
    for group in list(scheduler.schedule_groups.values()):
        resources = [("AWS::Scheduler::ScheduleGroup", group.name)]
        if group.name != "default" and group.created_on is not None:  # default is AWS's own
            created = int(group.created_on)
            tags = scheduler.list_tags_for_resource(group.arn).get("Tags") or None
            events.append(
                _event(
                    "CreateScheduleGroup", created, TERRAFORM_ROLE, _TERRAFORM_AGENT, ip_ci,
                    region, resources, {"Name": group.name, "Tags": tags},
                    {"ScheduleGroupArn": group.arn},
                )
            )  # fmt: skip
        if group.name == STORY_GROUP:
            # The finance team's cost-centre tag, added by Terraform last month.
            events.append(
                _event(
                    "TagResource", int(now.timestamp()) - 33 * 86_400 - 4_211, TERRAFORM_ROLE,
                    _TERRAFORM_AGENT, ip_ci, region, resources,
                    {"ResourceArn": group.arn, "Tags": [{"Key": "CostCenter", "Value": "CC-4410"}]},
                    None,
                )
            )  # fmt: skip
        for schedule in list(group.schedules.values()):
            events += _schedule_events(schedule, region, ip_ci, ip_office)
    at = int(now.timestamp())
    gone = [("AWS::Scheduler::Schedule", _GONE_SCHEDULE),
            ("AWS::Scheduler::ScheduleGroup", _GONE_GROUP)]  # fmt: skip
    events.append(
        _event(
            "DeleteSchedule", at - 9 * 86_400 - 5_077, _GONE_USER, _HOSTILE_AGENT, ip_office,
            region, gone, {"Name": _GONE_SCHEDULE, "GroupName": _GONE_GROUP}, None,
        )
    )  # fmt: skip
    story = [("AWS::Scheduler::Schedule", STORY_SCHEDULE),
             ("AWS::Scheduler::ScheduleGroup", STORY_GROUP)]  # fmt: skip
    story_arn = f"arn:aws:scheduler:{region}:{DEMO_ACCOUNT}:schedule/{STORY_GROUP}/{STORY_SCHEDULE}"
    events.append(
        _event(
            "UpdateSchedule", at - 47 * 60, _READ_ONLY_USER, _CONSOLE_AGENT, "198.51.100.7",
            region, story, None, None,
            ("AccessDeniedException", f"User: {_READ_ONLY_USER} is not authorized to perform: "
             f"scheduler:UpdateSchedule on resource: {story_arn} because no identity-based "
             "policy allows the scheduler:UpdateSchedule action"),
        )
    )  # fmt: skip
    cutoff = at - int(RETENTION.total_seconds())
    kept = [event for event in events if cutoff <= event.at <= at]
    kept.sort(key=lambda event: (event.at, event.event_id), reverse=True)
    return kept


def _schedule_events(schedule: Any, region: str, ip_ci: str, ip_office: str) -> list[TrailEvent]:
    group, name = schedule.group_name, schedule.name
    resources = [("AWS::Scheduler::Schedule", name), ("AWS::Scheduler::ScheduleGroup", group)]
    current = _request(schedule)
    token = _digest("token", schedule.arn)[:36]
    created, modified = int(schedule.creation_date), int(schedule.last_modified_date)
    response = {"ScheduleArn": schedule.arn}
    events = [
        _event(
            "CreateSchedule", created, TERRAFORM_ROLE, _TERRAFORM_AGENT, ip_ci, region,
            resources, {**create_request(group, name, current), "ClientToken": token}, response,
        )
    ]  # fmt: skip
    if modified > created:
        who, agent, ip = TERRAFORM_ROLE, _TERRAFORM_AGENT, ip_ci
        if (group, name) == (STORY_GROUP, STORY_SCHEDULE):
            who, agent, ip = STORY_EDITOR, _CONSOLE_AGENT, ip_office
        elif (group, name) == (HARMLESS_GROUP, HARMLESS_SCHEDULE):
            who, agent, ip = HARMLESS_EDITOR, _CLI_AGENT, "198.51.100.23"
        update = {**current, "ClientToken": _digest("update", schedule.arn, modified)[:36]}
        events.append(
            _event("UpdateSchedule", modified, who, agent, ip, region, resources, update, response)
        )
    return events


# LookupEvents


class LookupError_(Exception):
    """A LookupEvents request CloudTrail would refuse (its error code and message)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _time(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise LookupError_("ValidationException", f"{name} is not a timestamp") from None


def lookup_events(
    events: list[TrailEvent], request: Mapping[str, Any], now: datetime
) -> dict[str, Any]:
    """LookupEvents over ``events`` (newest first), as CloudTrail answers it."""
    attributes = request.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise LookupError_(
            "InvalidLookupAttributesException", "You cannot specify more than one lookup attribute."
        )
    attribute = attributes[0] if attributes else None
    if attribute is not None and attribute.get("AttributeKey") not in _KEYS:
        raise LookupError_(
            "InvalidLookupAttributesException",
            f"{attribute.get('AttributeKey')!r} is not a valid lookup attribute key.",
        )
    limit = request.get("MaxResults", MAX_RESULTS)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_RESULTS:
        raise LookupError_("InvalidMaxResultsException", "MaxResults must be from 1 to 50.")
    end = _time(request.get("EndTime"), "EndTime")
    start = _time(request.get("StartTime"), "StartTime")
    if start is not None and end is not None and start > end:
        raise LookupError_("InvalidTimeRangeException", "StartTime must be before EndTime.")
    low = start if start is not None else (now - RETENTION).timestamp()
    high = end if end is not None else now.timestamp()
    found = [
        event
        for event in events
        if low <= event.at <= high
        and (
            attribute is None
            or event.matches(attribute["AttributeKey"], attribute["AttributeValue"])
        )
    ]
    query = _digest(json.dumps({k: v for k, v in request.items() if k != "NextToken"},
                               sort_keys=True, default=str))  # fmt: skip
    offset = 0
    token = request.get("NextToken")
    if token is not None:
        try:
            mark, _, number = base64.b64decode(token).decode().partition(":")
            offset = int(number)
        except (ValueError, UnicodeDecodeError):
            mark = ""
        if mark != query[:16] or not 0 < offset <= len(found):
            raise LookupError_("InvalidNextTokenException", "Invalid NextToken.")
    page = found[offset : offset + limit]
    answer: dict[str, Any] = {"Events": [event.listed() for event in page]}
    if offset + limit < len(found):
        answer["NextToken"] = base64.b64encode(f"{query[:16]}:{offset + limit}".encode()).decode()
    return answer


# The WSGI side

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _rpc_v2_target(path: str) -> str:
    """``/service/CodeBuild_20161006/operation/BatchGetProjects`` -> its X-Amz-Target
    equivalent, ``CodeBuild_20161006.BatchGetProjects`` ("" for any other path)."""
    parts = path.strip("/").split("/")
    if len(parts) == 4 and parts[0] == "service" and parts[2] == "operation":
        return f"{parts[1]}.{parts[3]}"
    return ""


class TrailMiddleware:
    """moto's WSGI app, plus LookupEvents from ``trail`` (set when it is built; until then
    the history is empty) and writes deferred to a service's first request."""

    def __init__(self, app: WsgiApp, now: Callable[[], datetime]) -> None:
        self.app = app
        self.now = now
        self.trail: list[TrailEvent] = []
        self._deferred: dict[str, list[Callable[[], None]]] = {}
        self._lock = threading.Lock()

    def on_first(self, target_prefix: str, write: Callable[[], None]) -> None:
        """Run ``write`` once, before the first request whose X-Amz-Target starts with
        ``target_prefix`` reaches moto (several for one prefix: in the order given). A
        request in the rpc-v2-cbor protocol (CodeBuild, CodePipeline) has no X-Amz-Target:
        its path's ``/service/S/operation/O`` stands for ``S.O``."""
        with self._lock:
            self._deferred.setdefault(target_prefix, []).append(write)

    def _run_deferred(self, target: str) -> None:
        for prefix in [prefix for prefix in self._deferred if target.startswith(prefix)]:
            with self._lock:
                for write in self._deferred.pop(prefix, []):
                    write()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target == LOOKUP_TARGET:
            return self._lookup(environ, start_response)
        if self._deferred:
            self._run_deferred(target or _rpc_v2_target(environ.get("PATH_INFO", "")))
        return self.app(environ, start_response)

    def _lookup(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        try:
            request = json.loads(body or b"{}")
            if not isinstance(request, dict):
                raise LookupError_("SerializationException", "Start of structure expected")
            status, answer = "200 OK", lookup_events(self.trail, request, self.now())
        except LookupError_ as error:
            status, answer = "400 Bad Request", {"__type": error.code, "Message": error.message}
        except ValueError:
            status = "400 Bad Request"
            answer = {"__type": "SerializationException", "Message": "Malformed JSON"}
        data = json.dumps(answer).encode()
        start_response(
            status,
            [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("Content-Length", str(len(data))),
                ("x-amzn-RequestId", _event_id("lookup", body)),
            ],
        )
        return [data]
