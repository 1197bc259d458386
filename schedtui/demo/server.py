"""``DemoBackend``: moto's server inside this process, seeded, on 127.0.0.1 only.

    with DemoBackend() as settings:  # AwsSettings(region="us-east-1", endpoint_url=...)
        clients = AwsClients(settings)  # and on as with a real account

``backend.endpoint_url`` is the bare URL; ``seed_result`` and ``startup_seconds`` the figures.
With ``simulate=True`` the monitoring data comes alive too (``schedtui.demo.simulator``): a week
of AWS/Scheduler metrics, DLQ messages and alarms are written after seeding, and a daemon thread
adds the current minute's datapoints until ``stop``.

What it changes in the process, and why (all of it restored by ``stop``):
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
would fail (no such profile in the empty config), which is the safe way to fail. Giving
``AwsSettings`` optional credentials would make the credential part unnecessary.

moto keeps its state in module globals, so a process has one moto state however many servers
it runs: ``start`` resets it (no leftovers from an earlier demo or test), ``stop`` resets it
again and shuts the server down.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import urllib.request
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Final

from schedtui.aws.session import AwsSettings
from schedtui.demo.seed import DEMO_ACCOUNT, DEMO_REGION, FAKE_CREDENTIALS, SeedResult, seed_demo

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer

    from schedtui.demo.simulator import DemoSimulator

_log = logging.getLogger(__name__)

DEMO_HOST: Final = "127.0.0.1"
_LOOPBACK_HOSTS: Final = ("127.0.0.1", "localhost")
# socketserver polls for shutdown every 0.5 s by default: ``stop`` would take half a second.
_SHUTDOWN_POLL_SECONDS: Final = 0.02


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


def _server_class() -> type[ThreadedMotoServer]:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from moto.server import ThreadedMotoServer
    from werkzeug.serving import ThreadedWSGIServer

    # werkzeug logs every request (and any traceback) to stderr, over the TUI's screen:
    # send both to a logger of ours at DEBUG, which prints nothing unless the app asks.
    class _QuietRequestHandler(MotoRequestHandler):
        def log(self, type: str, message: str, *args: object) -> None:
            _log.debug("%s: " + message.rstrip(), type, *args)

    class _QuietServer(ThreadedWSGIServer):
        def log(self, type: str, message: str, *args: object) -> None:
            _log.debug("%s: " + message.rstrip(), type, *args)

    class _DemoMotoServer(ThreadedMotoServer):
        """moto's ThreadedMotoServer, quiet, polling for shutdown every 20 ms (not 500 ms).

        Overrides moto's (private) thread entry, which is eight lines; if moto renames it,
        this override is never called and the demo still works, only louder and slower to
        stop (the tests measure ``stop``).
        """

        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)
            self._server = _QuietServer(
                self._ip_address, self._port, app, handler=_QuietRequestHandler
            )
            self._server_ready_event.set()
            self._server.serve_forever(poll_interval=_SHUTDOWN_POLL_SECONDS)

    return _DemoMotoServer


class DemoBackend:
    """An in-process moto server on 127.0.0.1 (a free port), seeded for ``schedtui --demo``.

    ``size=None`` seeds the default demo, ``size=N`` exactly N schedules, ``seed=False``
    nothing. ``start`` (or ``with``) returns the ``AwsSettings`` to build clients from.
    ``simulate=True`` also backfills metrics, DLQ messages and alarms and starts the live
    simulator (``simulator``; its clock is ``now`` when given, frozen, else the real one).
    """

    def __init__(
        self,
        *,
        size: int | None = None,
        now: datetime | None = None,
        seed: bool = True,
        region: str = DEMO_REGION,
        simulate: bool = False,
    ) -> None:
        self.size = size
        self.now = now
        self.seed = seed
        self.region = region
        self.simulate = simulate
        self.settings: AwsSettings | None = None
        self.seed_result: SeedResult | None = None
        # server start + seeding + simulator backfill (moto import apart)
        self.startup_seconds: float | None = None
        self.simulator: DemoSimulator | None = None
        self._server: ThreadedMotoServer | None = None
        self._saved_environment: dict[str, str | None] | None = None

    @property
    def endpoint_url(self) -> str:
        if self.settings is None or self.settings.endpoint_url is None:
            raise RuntimeError("the demo backend is not running")
        return self.settings.endpoint_url

    def start(self) -> AwsSettings:
        if self._server is not None:
            raise RuntimeError("the demo backend is already running")
        server_class = _server_class()  # imports moto (~0.3 s, boto3 included)
        started = time.perf_counter()
        self._apply_environment()
        try:
            server = server_class(ip_address=DEMO_HOST, port=0, verbose=False)
            server.start()
            self._server = server
            host, port = server.get_host_and_port()
            self.settings = AwsSettings(region=self.region, endpoint_url=f"http://{host}:{port}")
            _reset(server)
            if self.seed:
                self.seed_result = seed_demo(self.settings, self.size, self.now)
            if self.simulate:
                self._start_simulator(self.settings)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started
        return self.settings

    def _start_simulator(self, settings: AwsSettings) -> None:
        from schedtui.demo.simulator import DemoSimulator

        fixed = self.now
        simulator = (
            DemoSimulator(settings) if fixed is None else DemoSimulator(settings, now=lambda: fixed)
        )
        self.simulator = simulator
        simulator.backfill()
        simulator.create_alarms()
        simulator.start()

    def stop(self) -> None:
        """Stop the simulator, reset moto's state, shut the server down, restore the
        environment (idempotent)."""
        simulator, self.simulator = self.simulator, None
        if simulator is not None:
            simulator.stop()  # first: its thread must not talk to a server going away
        server, self._server = self._server, None
        try:
            if server is not None:
                try:
                    # A reset that fails must not keep the server (or the env) around.
                    with contextlib.suppress(OSError):
                        _reset(server)
                finally:
                    server.stop()
        finally:
            self.settings = None
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

    def _apply_environment(self) -> None:
        wanted = _demo_environment()
        self._saved_environment = {name: os.environ.get(name) for name in wanted}
        _set_environment(wanted)

    def _restore_environment(self) -> None:
        if self._saved_environment is not None:
            _set_environment(self._saved_environment)
            self._saved_environment = None


def _reset(server: ThreadedMotoServer) -> None:
    """moto's documented reset (every service, every account), over the loopback, no proxy:
    urllib would honour HTTP_PROXY just like botocore."""
    host, port = server.get_host_and_port()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(f"http://{host}:{port}/moto-api/reset", method="POST")
    with opener.open(request, timeout=10):
        pass


def _set_environment(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
