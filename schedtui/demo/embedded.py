"""``EmbeddedDemo``: moto's server in *this* process, seeded before it answers a single request.

This is what the demo's child process runs (``schedtui.demo.child``); tests that must reach
moto's backend objects directly (the simulator's) run it in their own process.

    demo = EmbeddedDemo(size=None, simulate=True)
    settings = demo.start()   # AwsSettings(region="us-east-1", endpoint_url="http://127.0.0.1:N")
    ...
    demo.stop()

The order is the point: the listening socket exists first (its port can be handed out at once,
and clients that connect queue in its backlog), then the data is written straight into moto's
backend objects, and only then does the server accept connections. So the very first
ListSchedules a client sends sees every seeded schedule, however early it was sent. The
simulator (``simulate=True``) starts after that: it sends its DLQ messages and alarms over
HTTP like any client.

moto keeps its state in module globals, so a process has one moto state however many servers
it runs: ``start`` resets it (no leftovers from an earlier demo or test in the same process)
and ``stop`` resets it again.

Nothing here touches ``os.environ``; ``DemoBackend`` (the parent side) does that.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from schedtui.aws.session import AwsSettings
from schedtui.demo.ports import listening_socket
from schedtui.demo.resources import (
    NAMED_BACKENDS,
    ResourcesResult,
    plan_resources,
    write_ecs_resources,
    write_named,
    write_resources,
)
from schedtui.demo.seed import DEMO_REGION, SeedResult, plan_demo, seed_plan
from schedtui.demo.simulator import DemoSimulator
from schedtui.demo.targets import (
    ECS_TARGET_PREFIX,
    TargetsResult,
    plan_targets,
    write_ecs,
    write_targets,
)
from schedtui.demo.trail import TrailMiddleware, build_trail

if TYPE_CHECKING:
    from werkzeug.serving import BaseWSGIServer

_log = logging.getLogger(__name__)

# socketserver polls for shutdown every 0.5 s by default: ``stop`` would take half a second.
_SHUTDOWN_POLL_SECONDS: Final = 0.02


def _wsgi_server(sock: socket.socket, middleware: Callable[[Any], Any]) -> BaseWSGIServer:
    """moto's WSGI app on ``sock``, quiet: werkzeug logs every request (and any traceback) to
    stderr, which in the demo is the terminal the TUI draws on; both go to a logger of ours at
    DEBUG instead."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import ThreadedWSGIServer

    class _QuietRequestHandler(MotoRequestHandler):
        def log(self, type: str, message: str, *args: object) -> None:
            _log.debug("%s: " + message.rstrip(), type, *args)

    class _QuietServer(ThreadedWSGIServer):
        def log(self, type: str, message: str, *args: object) -> None:
            _log.debug("%s: " + message.rstrip(), type, *args)

    host, port = sock.getsockname()[:2]
    app = middleware(DomainDispatcherApplication(create_backend_app))
    # fd: werkzeug serves on a duplicate of the already listening socket.
    return _QuietServer(host, port, app, handler=_QuietRequestHandler, fd=sock.fileno())


def _reset_moto() -> None:
    """What moto's ``POST /moto-api/reset`` does (every service, every account), called
    directly: the server may not be answering yet."""
    from moto.moto_api._internal import moto_api_backend

    moto_api_backend.reset()


class EmbeddedDemo:
    """moto on 127.0.0.1 in this process, seeded for ``schedtui --demo``.

    ``size=None`` seeds the default demo, ``size=N`` exactly N schedules, ``seed=False``
    nothing. ``simulate=True`` also backfills metrics, DLQ messages and alarms and, unless
    ``live=False``, starts the simulator's live thread (its clock is ``now`` when given,
    frozen, else the real one). ``sock``: a listening socket to serve on (else one is made).
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
        sock: socket.socket | None = None,
    ) -> None:
        self.size = size
        self.now = now
        self.seed = seed
        self.region = region
        self.simulate = simulate
        self.live = live
        self.settings: AwsSettings | None = None
        self.seed_result: SeedResult | None = None
        self.resources_result: ResourcesResult | None = None
        self.simulator: DemoSimulator | None = None
        self.targets_result: TargetsResult | None = None
        self.trail: TrailMiddleware | None = None
        self._socket = sock
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> AwsSettings:
        if self._server is not None:
            raise RuntimeError("the embedded demo is already running")
        try:
            sock = self._socket or listening_socket()
            self._socket = sock
            host, port = sock.getsockname()[:2]
            settings = AwsSettings(region=self.region, endpoint_url=f"http://{host}:{port}")
            self._server = server = _wsgi_server(sock, self._wrap)  # imports moto (~0.4 s)
            _reset_moto()
            if self.seed:
                self._seed(settings)
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": _SHUTDOWN_POLL_SECONDS},
                name="schedtui-demo-moto",
                daemon=True,
            )
            self._thread = thread
            thread.start()  # from here on, queued and new connections are answered
            self.settings = settings
            if self.simulate:
                self._start_simulator(settings)
        except BaseException:
            self.stop()
            raise
        return settings

    def _seed(self, settings: AwsSettings) -> None:
        """The schedules, then the roles, targets, queues and keys behind them (ECS,
        Kinesis, Firehose, SageMaker, CodeBuild and CodePipeline on their first request:
        importing their moto backends costs a second, which the start should not pay)."""
        plan = plan_demo(self.size, self.now, region=self.region)
        self.seed_result = seed_plan(settings, plan)
        resources = plan_resources(plan)
        self.resources_result = write_resources(resources, self.region)
        if self.trail is not None:
            clusters, region = resources.clusters, self.region
            self.trail.on_first(ECS_TARGET_PREFIX, lambda: write_ecs_resources(clusters, region))
            for kind, targets in resources.named.items():
                prefix = NAMED_BACKENDS[kind][1]
                self.trail.on_first(prefix, partial(write_named, kind, targets, region))

    def _wrap(self, app: Any) -> TrailMiddleware:
        self.trail = TrailMiddleware(app, self._clock)
        return self.trail

    def _clock(self) -> datetime:
        return self.now if self.now is not None else datetime.now(UTC)

    def _start_simulator(self, settings: AwsSettings) -> None:
        fixed = self.now
        simulator = (
            DemoSimulator(settings) if fixed is None else DemoSimulator(settings, now=lambda: fixed)
        )
        self.simulator = simulator
        simulator.backfill()
        plan = simulator.backfill_plan
        if plan is not None and self.size is None and self.trail is not None:
            # The targets' own records and the CloudTrail history: the default demo only.
            now = simulator.clock()
            targets = plan_targets(plan, now)
            self.targets_result = write_targets(targets, self.region, now)
            self.trail.on_first(ECS_TARGET_PREFIX, lambda: write_ecs(targets, self.region))
            self.trail.trail = build_trail(self.region, now)
        simulator.create_alarms()
        if self.live:
            simulator.start()

    def stop(self) -> None:
        """Stop the simulator, shut the server down, reset moto's state (idempotent)."""
        simulator, self.simulator = self.simulator, None
        if simulator is not None:
            simulator.stop()  # first: its thread must not talk to a server going away
        server, self._server = self._server, None
        thread, self._thread = self._thread, None
        sock, self._socket = self._socket, None
        try:
            if server is not None:
                if thread is not None:
                    server.shutdown()
                    thread.join()
                server.server_close()
                _reset_moto()
        finally:
            self.settings = None
            if sock is not None:
                sock.close()
