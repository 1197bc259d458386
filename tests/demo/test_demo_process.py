"""The demo's moto server runs in a child process: it serves the seeded data from the very first
request, and it never outlives the app (stopped, or killed)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from schedtui.aws.session import AwsClients
from schedtui.demo import server
from schedtui.demo.server import DemoBackend, DemoFailed


def _running(pid: int) -> bool:
    """The process exists and is not a zombie (an orphan's zombie may wait for a reaper)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _answers(endpoint: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(f"{endpoint}/moto-api/data.json", timeout=2).close()
    except (urllib.error.URLError, OSError):
        return False
    return True


def _wait_until(condition: Any, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_moto_runs_in_a_child_that_ends_with_the_backend() -> None:
    backend = DemoBackend(seed=False)
    with backend as settings:
        pid = backend.pid
        assert pid is not None
        assert pid != os.getpid()
        assert _running(pid)
        assert _answers(backend.endpoint_url)
        groups = AwsClients(settings).scheduler.list_schedule_groups()["ScheduleGroups"]
        assert [group["Name"] for group in groups] == ["default"]
    assert backend.pid is None
    assert not _running(pid)
    assert not _answers(settings.endpoint_url or "")


def test_the_first_request_sees_every_seeded_schedule(tmp_path: Path) -> None:
    # wait=False returns as soon as the port is known, before the child has seeded: what
    # `schedtui --demo` does. A request sent at once waits for the seed, never sees part of it.
    backend = DemoBackend(size=3000, wait=False)
    with backend as settings:
        assert backend.seed_result is None  # not ready when start returned
        scheduler = AwsClients(settings).scheduler
        names = [
            summary["Name"]
            for page in scheduler.get_paginator("list_schedules").paginate(
                PaginationConfig={"PageSize": 100}
            )
            for summary in page["Schedules"]
        ]
        backend.wait_ready()
        assert backend.seed_result is not None
    assert len(names) == len(set(names)) == backend.seed_result.schedules == 3000


def test_the_app_s_process_never_imports_moto() -> None:
    # moto and its data belong to the child: the UI's process must not even import it.
    code = (
        "import sys; from schedtui.demo.server import DemoBackend\n"
        "with DemoBackend(size=10): print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
    )
    assert "'moto'" not in result.stdout
    assert "'schedtui'" in result.stdout


_PARENT = """
import json, sys, time
from schedtui.demo.server import DemoBackend

backend = DemoBackend(seed=False)
backend.start()
print(json.dumps({"pid": backend.pid, "endpoint": backend.endpoint_url}), flush=True)
time.sleep(600)
"""


def test_the_child_ends_when_its_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert parent.stdout is not None
        started = json.loads(parent.stdout.readline())
        child, endpoint = started["pid"], started["endpoint"]
        assert _running(child)
        assert _answers(endpoint)
        parent.send_signal(signal.SIGKILL)  # no clean-up code runs in the parent
        parent.wait(10)
        assert _wait_until(lambda: not _running(child)), "the demo server outlived its parent"
        assert not _answers(endpoint)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_a_child_that_cannot_start_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        server, "_BOOTSTRAP", "import sys; sys.exit('no moto here: pip install moto[server]')"
    )
    backend = DemoBackend()
    with pytest.raises(DemoFailed, match="no moto here"):
        backend.start()
    assert backend.pid is None  # start cleaned up after itself
    backend.stop()  # and stop is still harmless
