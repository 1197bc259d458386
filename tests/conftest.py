"""Shared fixtures: a real moto server on 127.0.0.1, reached over HTTP like AWS would be.

Every test runs with fake credentials and no user AWS config, so nothing can reach a real
AWS endpoint even by accident.
"""

from __future__ import annotations

import functools
import gc
import logging
import socket
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import moto.backends
import pytest
from hypothesis import settings
from moto.server import ThreadedMotoServer

from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.cli.tui import _tune_garbage_collection

# No per-example deadline: a hypothesis deadline is a timed assertion, and one failed at
# 250 ms on a loaded 2-core CI run. Speed is measured by tests/bench/, never asserted here.
# Derandomized: every run draws the same cases, so CI's verdict never turns on luck (a random
# draw once failed a landing on an engine bug that no change of that session touched).
# `pytest --hypothesis-profile=explore` draws new cases; a failure found so becomes a test.
settings.register_profile("schedtui", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None, derandomize=False)
settings.load_profile("schedtui")

REGION = "us-east-1"

# moto's server asks ``list_of_moto_modules`` on every request, and it lists moto's package
# directory and stats each of its ~250 entries each time: about a tenth of the CPU a request
# costs. The directory does not change during a run, so it is listed once.
_moto_modules = tuple(moto.backends.list_of_moto_modules())
moto.backends.list_of_moto_modules = lambda: _moto_modules

# Every Backend a test connects starts a botocore session, and each session read and parsed
# the same service models and endpoint rules from disk again (~0.1 s of CPU a test). One
# loader per data path serves them all, as it already serves every client of one session.
botocore.session.create_loader = functools.cache(botocore.session.create_loader)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """``-n N`` without ``--dist`` distributes by work stealing, not xdist's ``load``: a
    worker that runs out takes half of the longest queue, so the slow pilot tests at the end
    of the collection do not finish on one worker while the others wait."""
    if getattr(config.option, "numprocesses", None) and config.option.dist == "no":
        config.option.dist = "worksteal"


@pytest.fixture(autouse=True)
def _private_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Crash reports, audit logs, the definitions cache and the remembered theme and context
    of apps under test go to temporary directories, never the operator's real
    ~/.local/state/schedtui or ~/.cache/schedtui (a crashing pilot test left files there);
    and no test reads the operator's config file or themes."""
    for kind in ("state", "config", "cache"):
        monkeypatch.setenv(f"XDG_{kind.upper()}_HOME", str(tmp_path_factory.mktemp(kind)))


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    empty = tmp_path_factory.mktemp("aws") / "none"
    empty.write_text("")
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
    }.items():
        monkeypatch.setenv(name, value)
    for name in (
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_SCHEDULER", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def use_aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """Point AWS_CONFIG_FILE at a config file holding ``text`` (profiles, endpoints...)."""
    config = tmp_path / "config"
    config.write_text(text)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))


def use_credential_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, endpoint: str, program: str
) -> AwsClients:
    """Clients of a profile "helper" whose credentials come from a credential_process
    running the Python ``program`` (no key in the environment to fall back on)."""
    script = tmp_path / "helper.py"
    script.write_text(program)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    use_aws_config(
        tmp_path,
        monkeypatch,
        f"[profile helper]\nregion = {REGION}\nendpoint_url = {endpoint}\n"
        f"credential_process = {sys.executable} {script}\n",
    )
    return AwsClients(AwsSettings(profile="helper", region=REGION))


@pytest.fixture(scope="session", autouse=True)
def _garbage_collection_as_the_app_runs_it() -> None:
    """The app's own tuning (``schedtui`` calls it before ``app.run()``; tests build the app
    themselves): what collection and imports made is frozen out of every collection, and the
    young generation holds 10,000 objects. Untuned, the pilot tests spent ~15% of their CPU
    in the collector (full collections of every widget tree the earlier tests left)."""
    gc.collect()
    _tune_garbage_collection()


@contextmanager
def threaded_moto() -> Iterator[str]:
    """A ThreadedMotoServer on 127.0.0.1 for the block: its endpoint URL. Every server in
    this process serves the same data (moto's backends are process-wide, kept apart by
    account and region)."""
    # werkzeug logs every request at INFO, and pytest captures and formats each one (~250 a
    # pilot test, printed under a failure): warnings and errors are still logged.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The endpoint URL of one ThreadedMotoServer for the whole run (it starts in ms)."""
    with threaded_moto() as endpoint:
        yield endpoint


@pytest.fixture
def moto_endpoint(moto_server: str) -> str:
    """The server, emptied before each test."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).close()
    return moto_server


Seeding = Callable[[str], Any]


@pytest.fixture
def seeding(moto_endpoint: str) -> Seeding:
    """boto3 clients of the emptied server by service name, to seed it (writes allowed):
    apart from the code under test's clients, whose settings (read-only...) the test picks."""

    def client(service: str) -> Any:
        return boto3.client(service, region_name=REGION, endpoint_url=moto_endpoint)

    return client
