"""An HTTP proxy in front of moto that loses answers, the way a flaky network does.

For the requests a rule matches it can forward the request to moto (so the write is applied)
and then close the connection without answering, answer too late (after the client's read
timeout), answer HTTP 500, close the connection without forwarding at all, or refuse it as
AWS refuses a caller without the permission (403 AccessDeniedException, not forwarded).
Every request that reaches it is counted and kept (``sent``), so a test can assert a write
was sent exactly once, and what it carried; so is every answer it finished sending (a test
can wait for a slowed answer to have gone out).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import urlsplit

Mode = Literal["apply-then-drop", "drop", "apply-then-slow", "apply-then-500", "deny"]


@dataclass
class Rule:
    method: str
    path_prefix: str
    mode: Mode
    times: int = 1  # how many matching requests it spoils; the rest pass through
    after: int = 0  # how many matching requests pass through before it spoils any

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and method == self.method and path.startswith(self.path_prefix)


class LossyProxy:
    def __init__(
        self,
        upstream: str,
        *,
        slow_seconds: float = 3.0,
        deny_message: str = "User is not authorized to perform this action",
    ) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.slow_seconds = slow_seconds
        self.deny_message = deny_message  # what a denial says (a test makes it huge, hostile)
        self.rules: list[Rule] = []
        self.requests: Counter[tuple[str, str]] = Counter()  # (method, path without query)
        self.answered: Counter[tuple[str, str]] = Counter()  # answers sent in full
        self.sent: list[tuple[str, str, bytes]] = []  # (method, path, body), in order
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_: object) -> None:
                pass

            def _handle(self) -> None:
                proxy.handle(self)

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LossyProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def spoil(
        self, method: str, path_prefix: str, mode: Mode, times: int = 1, *, after: int = 0
    ) -> None:
        with self._lock:
            self.rules.append(Rule(method, path_prefix, mode, times, after))

    def count(self, method: str, path: str) -> int:
        return self.requests[(method, path)]

    def _rule(self, method: str, path: str) -> Rule | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(method, path):
                    if rule.after > 0:
                        rule.after -= 1
                        return None
                    rule.times -= 1
                    return rule
        return None

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        method, path = request.command, request.path.split("?", 1)[0]
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        with self._lock:
            self.requests[(method, path)] += 1
            self.sent.append((method, path, body))
        rule = self._rule(method, path)
        if rule is not None and rule.mode == "drop":
            self._hang_up(request)
            return
        if rule is not None and rule.mode == "deny":
            self._answer(
                request,
                403,
                "Forbidden",
                [("x-amzn-ErrorType", "AccessDeniedException")],
                # __type as the JSON protocols (CloudWatch Logs, Lambda) carry it; the
                # header is what the REST-JSON ones (Scheduler) read.
                json.dumps(
                    {"__type": "AccessDeniedException", "message": self.deny_message}
                ).encode(),
            )
            return
        status, reason, headers, answer = self._forward(request, body)
        if rule is not None:
            if rule.mode == "apply-then-drop":
                self._hang_up(request)
                return
            if rule.mode == "apply-then-slow":
                time.sleep(self.slow_seconds)
            elif rule.mode == "apply-then-500":
                status, reason = 500, "Internal Server Error"
                headers = [("x-amzn-ErrorType", "InternalServerException")]
                answer = b'{"message": "Internal error"}'
        self._answer(request, status, reason, headers, answer)

    def _answer(
        self,
        request: BaseHTTPRequestHandler,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        answer: bytes,
    ) -> None:
        request.send_response(status, reason)
        for name, value in headers:
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                request.send_header(name, value)
        request.send_header("Content-Length", str(len(answer)))
        request.end_headers()
        request.wfile.write(answer)
        request.wfile.flush()
        with self._lock:
            self.answered[(request.command, request.path.split("?", 1)[0])] += 1

    def _forward(
        self, request: BaseHTTPRequestHandler, body: bytes
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            headers = dict(request.headers.items())
            connection.request(request.command, request.path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.reason, response.getheaders(), response.read()
        finally:
            connection.close()

    @staticmethod
    def _hang_up(request: BaseHTTPRequestHandler) -> None:
        """Close the connection without a byte of answer: the client sees it drop."""
        request.close_connection = True
        with contextlib.suppress(OSError):
            request.connection.shutdown(socket.SHUT_RDWR)
