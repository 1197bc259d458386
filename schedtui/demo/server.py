"""``DemoBackend``: the demo's moto server in a child process, seeded, on 127.0.0.1 only.

    with DemoBackend() as settings:  # AwsSettings(region="us-east-1", endpoint_url=...)
        clients = AwsClients(settings)  # and on as with a real account

This side binds a free port and hands the listening socket to the child (``python -m
schedtui.demo.child``, running ``EmbeddedDemo``), which seeds moto's backend directly and only
then answers requests: the first ListSchedules always sees the seeded data. ``start`` waits
until the child is ready (seeded, simulator running) unless ``wait=False``: then it returns at
once, and the first requests simply take as long as the seeding (``schedtui --demo`` paints
its screen meanwhile). ``seed_result``, ``startup_seconds`` and ``backfill`` are the child's
figures once it is ready (``wait_ready``). ``stop`` ends the child; if this process dies
instead, the child notices (its stdin closes) and ends too.

What it changes in this process, and why (all of it restored by ``stop``; the child inherits
it):
- ``AwsSettings`` carries no credentials and ``AwsClients`` builds its boto3 session from the
  environment, so the demo sets fake ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` /
  ``AWS_SESSION_TOKEN``, overriding real ones: a demo never signs with a real key.
- ``AWS_PROFILE`` / ``AWS_DEFAULT_PROFILE`` are removed and ``AWS_CONFIG_FILE`` /
  ``AWS_SHARED_CREDENTIALS_FILE`` point at an empty file: a profile could name a missing
  profile (boto3 fails), or an SSO / assume-role / credential_process source that calls real
  AWS endpoints before the first request reaches the demo.
- ``AWS_EC2_METADATA_DISABLED=true``: no probe of the instance metadata service.
- ``NO_PROXY`` / ``no_proxy`` gain ``127.0.0.1,localhost``: with ``HTTP(S)_PROXY`` set,
  botocore would send the demo's traffic to the proxy.
- ``MOTO_ACCOUNT_ID`` is set to the demo account, the account the seed writes into.
So in demo mode the app must use the returned settings as they are: a ``--profile`` passed on
would fail (no such profile in the empty config), which is the safe way to fail.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

import schedtui
from schedtui.aws.session import AwsSettings
from schedtui.demo.ports import DEMO_HOST, listening_socket
from schedtui.demo.seed import DEMO_ACCOUNT, DEMO_REGION, FAKE_CREDENTIALS, SeedResult

_LOOPBACK_HOSTS: Final = ("127.0.0.1", "localhost")
_READY_TIMEOUT: Final = 600.0  # seeding a million schedules takes ~30 s; this is a hang
_STOP_TIMEOUT: Final = 5.0
# The child imports the schedtui this process runs (checkout or installed), nothing else:
# -P keeps the current directory off its path, and the package's parent directory goes first
# unless it is already on the path (site-packages must not move ahead of the stdlib).
_BOOTSTRAP: Final = (
    "import sys; root = sys.argv[2]; "
    "root in sys.path or sys.path.insert(0, root); "
    "from schedtui.demo.child import main; sys.exit(main(sys.argv[1:2]))"
)


class DemoFailed(RuntimeError):
    """The demo server could not start (its message, and what it printed, say why)."""


def _demo_environment() -> dict[str, str | None]:
    """The variables the demo sets (None: removed)."""
    empty = os.devnull  # an empty config: no profiles, no endpoints, no credential sources
    return {
        "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["aws_secret_access_key"],
        "AWS_SESSION_TOKEN": FAKE_CREDENTIALS["aws_session_token"],
        "AWS_PROFILE": None,
        "AWS_DEFAULT_PROFILE": None,
        "AWS_CONFIG_FILE": empty,
        "AWS_SHARED_CREDENTIALS_FILE": empty,
        "AWS_EC2_METADATA_DISABLED": "true",
        "MOTO_ACCOUNT_ID": DEMO_ACCOUNT,
        "NO_PROXY": _with_loopback(os.environ.get("NO_PROXY")),
        "no_proxy": _with_loopback(os.environ.get("no_proxy")),
    }


def _with_loopback(value: str | None) -> str:
    entries = [entry.strip() for entry in (value or "").split(",") if entry.strip()]
    entries += [host for host in _LOOPBACK_HOSTS if host not in entries]
    return ",".join(entries)


class DemoBackend:
    """The demo's moto server in a child process on 127.0.0.1 (a free port).

    ``size=None`` seeds the default demo, ``size=N`` exactly N schedules, ``seed=False``
    nothing. ``start`` (or ``with``) returns the ``AwsSettings`` to build clients from.
    ``simulate=True`` also backfills metrics, DLQ messages and alarms in the child and runs
    the live simulator there (``live=False``: backfill only); its clock is ``now`` when
    given, frozen, else the real one. ``wait=False``: see the module's docstring.
    """

    def __init__(
        self,
        *,
        size: int | None = None,
        now: datetime | None = None,
        seed: bool = True,
        region: str = DEMO_REGION,
        simulate: bool = False,
        live: bool = True,
        wait: bool = True,
    ) -> None:
        self.size = size
        self.now = now
        self.seed = seed
        self.region = region
        self.simulate = simulate
        self.live = live
        self.wait = wait
        self.settings: AwsSettings | None = None
        self.seed_result: SeedResult | None = None
        self.backfill: dict[str, Any] | None = None  # the simulator's BackfillResult, as a dict
        # from start to ready, as this process saw it (moto's import included)
        self.startup_seconds: float | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._ready = False
        self._started_at = 0.0
        self._saved_environment: dict[str, str | None] | None = None

    @property
    def endpoint_url(self) -> str:
        if self.settings is None or self.settings.endpoint_url is None:
            raise RuntimeError("the demo backend is not running")
        return self.settings.endpoint_url

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return None if self._process is None else self._process.pid

    def start(self) -> AwsSettings:
        if self._process is not None:
            raise RuntimeError("the demo backend is already running")
        self._started_at = time.perf_counter()
        self._apply_environment()
        try:
            # Bound here and passed down: the port is known before the child even starts.
            with listening_socket() as sock:
                self._spawn(sock)
                port = sock.getsockname()[1]
            self.settings = AwsSettings(
                region=self.region, endpoint_url=f"http://{DEMO_HOST}:{port}"
            )
            if self.wait:
                self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self.settings

    def wait_ready(self, timeout: float = _READY_TIMEOUT) -> None:
        """Wait until the child has seeded and answers (and the simulator runs); raises
        ``DemoFailed`` with the child's message when it could not start."""
        if self._ready:
            return
        figures = self._next("ready", timeout)
        seed = figures.get("seed")
        self.seed_result = None if seed is None else SeedResult(**seed)
        self.backfill = figures.get("backfill")
        self.startup_seconds = time.perf_counter() - self._started_at
        self._ready = True

    def failure(self) -> str | None:
        """Why the child ended on its own (its last words on stderr), else None."""
        process = self._process
        if process is None or process.poll() is None:
            return None
        return self._child_said() or f"the demo server ended with status {process.returncode}"

    def stop(self) -> None:
        """End the child and restore the environment (idempotent)."""
        process, self._process = self._process, None
        try:
            if process is not None:
                if process.stdin is not None:
                    process.stdin.close()  # end-of-file: the child exits at once
                try:
                    process.wait(_STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                if process.stdout is not None:
                    process.stdout.close()
        finally:
            if self._stderr is not None:
                self._stderr.close()
                self._stderr = None
            self.settings = None
            self._ready = False
            self._restore_environment()

    def __enter__(self) -> AwsSettings:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- the child ----------------------------------------------------------------------------

    def _spawn(self, sock: socket.socket) -> None:
        config = {
            "socket_fd": sock.fileno(),
            "size": self.size,
            "now": None if self.now is None else self.now.isoformat(),
            "seed": self.seed,
            "region": self.region,
            "simulate": self.simulate,
            "live": self.live,
        }
        root = str(Path(schedtui.__file__).resolve().parent.parent)
        # A file, not a pipe, for stderr: nobody reads it while all goes well, and a pipe
        # nobody reads would block the child once full. Never the terminal: the TUI is on it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop)
        self._messages = queue.Queue()
        self._ready = False
        self._process = process = subprocess.Popen(
            [sys.executable, "-P", "-c", _BOOTSTRAP, json.dumps(config), root],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            # Its own session: the terminal's signals (ctrl+c, a dropped SSH session's hangup)
            # go to the app, whose exit then ends the child through its stdin.
            start_new_session=True,
            pass_fds=(sock.fileno(),),
        )
        threading.Thread(
            target=self._read_messages,
            args=(process.stdout, self._messages),
            name="schedtui-demo-messages",
            daemon=True,
        ).start()

    @staticmethod
    def _read_messages(stdout: IO[bytes] | None, into: queue.Queue[dict[str, Any]]) -> None:
        try:
            for line in stdout or ():
                try:
                    into.put(json.loads(line))
                except ValueError:
                    continue  # not ours (a library printing to stdout): ignore it
        except (OSError, ValueError):
            pass  # closed by stop
        into.put({"ended": None})

    def _next(self, wanted: str, timeout: float) -> Any:
        """The value of the child's next ``wanted`` message; DemoFailed when it failed or
        ended first, or said nothing for ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self._messages.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise DemoFailed(
                    f"the demo server said no '{wanted}' within {timeout:.0f} s"
                ) from None
            if wanted in message:
                return message[wanted]
            if "failed" in message or "ended" in message:
                self._messages.put(message)  # a later call gets the same answer
                detail = message.get("failed") or self._child_said() or "it ended"
                raise DemoFailed(f"the demo server failed to start: {detail}")

    def _child_said(self) -> str:
        stream = self._stderr
        if stream is None:
            return ""
        stream.seek(0)
        lines = stream.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else ""

    # -- environment --------------------------------------------------------------------------

    def _apply_environment(self) -> None:
        wanted = _demo_environment()
        self._saved_environment = {name: os.environ.get(name) for name in wanted}
        _set_environment(wanted)

    def _restore_environment(self) -> None:
        if self._saved_environment is not None:
            _set_environment(self._saved_environment)
            self._saved_environment = None


def _set_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
