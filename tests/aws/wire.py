"""Test helpers that work on the wire: canned AWS error responses and request recorders.

Faults are injected with a ``before-send`` handler, so botocore parses them exactly as it
would parse AWS's answer (status, protocol headers, body) and the real retry path runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, cast

from botocore.awsrequest import AWSPreparedRequest, AWSResponse


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def json_error(type_name: str, query_code: str, message: str, status: int = 400) -> AWSResponse:
    """An error as an awsJson service answers it; CloudWatch and SQS are both query-compatible,
    so the old query error code travels in ``x-amzn-query-error`` as well."""
    return AWSResponse(
        "https://fault.invalid/",
        status,
        # A plain dict is what AWSResponse turns into its HeadersDict (its stub says
        # HTTPHeaders, the type of the one urllib3 hands it).
        cast(
            Any,
            {
                "content-type": "application/x-amz-json-1.0",
                "x-amzn-query-error": f"{query_code};Sender",
                "x-amzn-requestid": "fault-injected",
            },
        ),
        _Body(json.dumps({"__type": type_name, "message": message}).encode()),
    )


def json_answer(body: dict[str, Any]) -> AWSResponse:
    """A successful answer of an awsJson service (what moto cannot answer as AWS would)."""
    return AWSResponse(
        "https://answer.invalid/",
        200,
        cast(Any, {"content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "answered"}),
        _Body(json.dumps(body).encode()),
    )


def query_error(code: str, message: str, status: int = 400) -> AWSResponse:
    """An error as a query-protocol service (IAM, SNS, STS) answers it: XML."""
    body = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{code}</Code><Message>{message}</Message>"
        "</Error><RequestId>fault-injected</RequestId></ErrorResponse>"
    )
    return AWSResponse(
        "https://fault.invalid/",
        status,
        cast(Any, {"content-type": "text/xml", "x-amzn-requestid": "fault-injected"}),
        _Body(body.encode()),
    )


def query_page(operation: str, member: str, items: list[str], marker: str | None) -> AWSResponse:
    """One page of a query-protocol listing (IAM's ``ListRolePolicies``...): ``items`` under
    ``member``, truncated with ``marker`` when one is given."""
    listed = "".join(f"<member>{item}</member>" for item in items)
    more = f"<IsTruncated>true</IsTruncated><Marker>{marker}</Marker>" if marker else ""
    body = (
        f"<{operation}Response><{operation}Result><{member}>{listed}</{member}>{more}"
        f"</{operation}Result><ResponseMetadata><RequestId>paged</RequestId>"
        f"</ResponseMetadata></{operation}Response>"
    )
    return AWSResponse(
        "https://fault.invalid/",
        200,
        cast(Any, {"content-type": "text/xml", "x-amzn-requestid": "paged"}),
        _Body(body.encode()),
    )


def request_json(request: AWSPreparedRequest) -> dict[str, Any]:
    body = request.body
    text = body.decode() if isinstance(body, bytes | bytearray) else str(body or "")
    loaded: dict[str, Any] = json.loads(text or "{}")
    return loaded


def intercept(
    client: Any, operation: str, answer: Callable[[AWSPreparedRequest], AWSResponse | None]
) -> None:
    """Answer ``operation`` requests with ``answer(request)`` instead of the server whenever it
    returns a response (None lets the request through to the server)."""
    service = client.meta.service_model.service_id.hyphenize()

    def _send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        return answer(request)

    # First, so that no other before-send handler answers before it.
    client.meta.events.register_first(f"before-send.{service}.{operation}", _send)


def record_params(client: Any, operation: str) -> list[dict[str, Any]]:
    """The API parameters of every ``operation`` call the client makes, in order (copies)."""
    seen: list[dict[str, Any]] = []
    service = client.meta.service_model.service_id.hyphenize()

    def _record(params: dict[str, Any], **_: Any) -> None:
        seen.append(dict(params))

    client.meta.events.register(f"before-parameter-build.{service}.{operation}", _record)
    return seen


def count_calls(client: Any, operation: str) -> list[int]:
    """A list that grows by one for each ``operation`` request the client is about to make."""
    calls: list[int] = []
    service = client.meta.service_model.service_id.hyphenize()

    def _count(**_: Any) -> None:
        calls.append(1)

    client.meta.events.register(f"before-call.{service}.{operation}", _count)
    return calls
