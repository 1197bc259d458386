"""A Lambda function's log lines, read for the runs view: REPORT lines become durations,
ERROR and ``Task timed out`` lines become failure lines.

Pure parsing of what FilterLogEvents returned (``aws/runs_repo.py`` fetches it). Log lines
are hostile text: nothing here raises on them, and their text is kept as data (shown through
``core/text.printable``). Both of Lambda's log formats are read: plain text (``REPORT
RequestId: ... Duration: 12.3 ms ...``) and JSON (``{"type": "platform.report", ...}``, a
function whose LoggingConfig.LogFormat is JSON).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from schedtui.core.activity.runs import DurationPoint, FailureLine
from schedtui.core.jsontext import loads
from schedtui.core.schedules.arns import parse_arn

# What FilterLogEvents is asked for: every line that says a request failed or how long it
# took. A pattern of '?' terms matches any of them (JSON-format lines hold the quoted words).
LOG_PATTERN: Final = '?ERROR ?"Task timed out" ?REPORT ?"platform.report"'
MAX_FAILURE_LINES: Final = 50  # the newest ones: the latest errors matter most
MAX_LINE_CHARS: Final = 2000  # a traceback can be long; a log event up to 256 KB

_REPORT = re.compile(r"REPORT\s+RequestId:\s*(?P<id>\S+)\s+Duration:\s*(?P<ms>\d+(?:\.\d+)?)\s*ms")
_STATUS = re.compile(r"\bStatus:\s*(?P<status>\w+)")
_TIMEOUT = re.compile(r"Task timed out after")
_ERROR = re.compile(r"\bERROR\b")
_REQUEST_ID = re.compile(
    r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
)
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class LambdaFunction:
    """The function a target ARN invokes: ``arn:aws:lambda:r:a:function:NAME[:QUALIFIER]``."""

    name: str
    qualifier: str | None

    @property
    def default_log_group(self) -> str:
        return f"/aws/lambda/{self.name}"

    @property
    def resource(self) -> str:
        """AWS/Lambda's ``Resource`` dimension for a version or alias: ``NAME:QUALIFIER``."""
        return f"{self.name}:{self.qualifier}" if self.qualifier else self.name


def lambda_function(arn: str) -> LambdaFunction | None:
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "lambda" or not parsed.resource.startswith("function:"):
        return None
    name, _, qualifier = parsed.resource.removeprefix("function:").partition(":")
    return LambdaFunction(name, qualifier or None) if name else None


def configured_log_group(configuration: Mapping[str, Any], function: LambdaFunction) -> str:
    """GetFunctionConfiguration's LoggingConfig.LogGroup, else Lambda's default group."""
    logging = configuration.get("LoggingConfig")
    group = logging.get("LogGroup") if isinstance(logging, Mapping) else None
    return group if isinstance(group, str) and group else function.default_log_group


@dataclass(frozen=True)
class _Line:
    at: datetime
    text: str
    source: str
    request_id: str | None
    duration: float | None = None  # seconds: a REPORT line
    failed: bool = False  # an ERROR or timeout line, or a REPORT with an error status


def event_time(millis: object) -> datetime | None:
    """A log event's timestamp (milliseconds since the epoch); None when it is not one."""
    if isinstance(millis, bool) or not isinstance(millis, int | float):
        return None
    try:
        return _EPOCH + timedelta(milliseconds=millis)
    except (OverflowError, ValueError):
        return None


def _json_line(message: str, at: datetime, source: str) -> _Line | None:
    try:
        document = loads(message)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    if document.get("type") == "platform.report":
        record = document.get("record")
        record = record if isinstance(record, dict) else {}
        metrics = record.get("metrics")
        millis = metrics.get("durationMs") if isinstance(metrics, dict) else None
        if isinstance(millis, bool) or not isinstance(millis, int | float) or millis < 0:
            return None
        request = record.get("requestId")
        return _Line(
            at,
            message,
            source,
            request if isinstance(request, str) else None,
            duration=float(millis) / 1000,
            failed=record.get("status") not in (None, "success"),
        )
    if str(document.get("level", "")).upper() in ("ERROR", "FATAL"):
        request = document.get("requestId")
        request_id = request if isinstance(request, str) else None
        return _Line(at, message, source, request_id, failed=True)
    return None


def _line(event: Mapping[str, Any]) -> _Line | None:
    """One log event as a REPORT or failure line; None for any other line or a bad event."""
    at = event_time(event.get("timestamp"))
    message = event.get("message")
    if at is None or not isinstance(message, str):
        return None
    source = str(event.get("logStreamName") or "")
    text = message.strip()
    if text.startswith("{"):
        found = _json_line(text, at, source)
        if found is not None:
            return found
    report = _REPORT.search(text)
    if report is not None:
        status = _STATUS.search(text)
        return _Line(
            at,
            text,
            source,
            report.group("id"),
            duration=float(report.group("ms")) / 1000,
            failed=status is not None and status.group("status").lower() != "success",
        )
    if _TIMEOUT.search(text) or _ERROR.search(text):
        request = _REQUEST_ID.search(text)
        return _Line(at, text, source, request.group(0) if request else None, failed=True)
    return None


def _clipped(text: str) -> str:
    return text if len(text) <= MAX_LINE_CHARS else text[: MAX_LINE_CHARS - 1] + "…"


def read_log_events(
    events: Iterable[Mapping[str, Any]],
) -> tuple[list[DurationPoint], list[FailureLine]]:
    """The durations (oldest first; a request that logged an ERROR or a timeout, or whose
    REPORT says it failed, is marked failed) and the failure lines (newest first, at most
    ``MAX_FAILURE_LINES``) of ``events``. Never raises on odd events: they are skipped."""
    lines = [line for event in events if isinstance(event, Mapping) and (line := _line(event))]
    failed_requests = {
        line.request_id
        for line in lines
        if line.failed and line.duration is None and line.request_id
    }
    durations = sorted(
        (
            DurationPoint(line.at, line.duration, line.failed or line.request_id in failed_requests)
            for line in lines
            if line.duration is not None
        ),
        key=lambda point: point.at,
    )
    failures = sorted(
        (
            FailureLine(line.at, _clipped(line.text), line.source)
            for line in lines
            if line.failed and line.duration is None
        ),
        key=lambda failure: failure.at,
        reverse=True,
    )
    return durations, failures[:MAX_FAILURE_LINES]
