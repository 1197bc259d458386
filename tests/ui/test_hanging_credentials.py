"""A profile whose credential_process never answers (``sleep 600``, from a real AWS config
file): the app starts, says which profile and that its credential_process did not answer in
time, and stays usable. Every endpoint is 127.0.0.1: nothing reaches AWS."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from schedtui.aws import credentials
from schedtui.aws.session import AwsSettings
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.dialogs import HelpScreen
from tests.conftest import closed_port
from tests.ui.test_app import SIZE, static_text, wait_for

LIMIT = 2.0  # seconds; the app's own is credentials.TIMEOUT
SAID = f"profile hang: its credential_process did not answer within {LIMIT:g} seconds"


def _sleepers() -> list[int]:
    """This process's children running ``sleep 600``: the credential_process botocore ran."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and command[:2] == [b"sleep", b"600"]:
            found.append(int(entry.name))
    return found


@pytest.fixture
def hanging_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsSettings]:
    config = tmp_path / "config"
    config.write_text("[profile hang]\nregion = us-east-1\ncredential_process = sleep 600\n")
    (tmp_path / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)  # else the environment's keys would be used, not the profile
    monkeypatch.setattr(credentials, "TIMEOUT", LIMIT)
    endpoint = f"http://127.0.0.1:{closed_port()}"
    yield AwsSettings(profile="hang", region="us-east-1", endpoint_url=endpoint, max_attempts=1)
    for pid in _sleepers():  # the processes this test started, by their id
        os.kill(pid, signal.SIGTERM)


async def test_the_app_starts_says_the_profile_did_not_answer_and_stays_usable(
    hanging_profile: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(hanging_profile)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: bool(app.session.error_log))
        assert SAID in app.session.error_log[0]
        assert "error:" in static_text(app, "StatusHeader")  # no longer "refreshing…"
        assert len(_sleepers()) == 1  # botocore really ran it, once
        # Usable: the help opens and closes; r asks again and is told at once.
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        before = len(app.session.error_log)
        await pilot.press("r")
        await wait_for(pilot, lambda: len(app.session.error_log) > before)
        assert SAID in app.session.error_log[-1]
        assert len(_sleepers()) == 1  # still the one: not started again while it hangs
