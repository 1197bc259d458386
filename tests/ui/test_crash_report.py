"""An unexpected exception: two lines on the terminal, the traceback without a single local
variable in a private file (Textual's own report prints every frame's locals, and botocore
frames hold credentials and target inputs)."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from schedtui.aws.session import AwsSettings
from schedtui.ui.app import SchedtuiApp
from tests.ui.test_app import SIZE, loaded

SECRET = "AKIA-very-secret-session-token"


async def test_a_crash_prints_a_short_report_and_keeps_no_local_variable(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = make_app(settings)

    def monitor() -> None:
        credentials = {"token": SECRET}  # a local variable a traceback with locals would show
        raise ValueError(f"broken with {len(credentials)} credential")

    monkeypatch.setattr(app, "action_monitor", monitor)

    async def press_m() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await pilot.press("m")
            await pilot.pause()

    with pytest.raises(ValueError, match="broken with 1 credential"):
        await press_m()
    assert capfd.readouterr().err == ""  # Textual's report (with locals) is not printed
    report = app.crash_report or ""  # what schedtui prints once the terminal is back
    assert (
        "schedtui stopped on an unexpected error: ValueError in monitor (test_crash_report.py:"
        in report
    )
    assert "broken with" not in report  # the message may quote AWS data: only in the file
    assert SECRET not in report
    (crash,) = (tmp_path / "state" / "schedtui").glob("crash-*.txt")
    assert str(crash) in report.splitlines()  # on a line of its own, whole
    assert stat.S_IMODE(crash.stat().st_mode) == 0o600
    text = crash.read_text()
    assert 'raise ValueError(f"broken with {len(credentials)} credential")' in text
    assert SECRET not in text
    assert "ValueError: broken with 1 credential" in text


async def test_a_crash_in_a_worker_keeps_the_workers_own_traceback(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = make_app(settings)

    def failing_read() -> None:
        raise KeyError("lost-in-a-worker")

    def monitor() -> None:
        app.run_worker(failing_read, thread=True)

    monkeypatch.setattr(app, "action_monitor", monitor)

    async def press_m() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            await pilot.press("m")
            await app.workers.wait_for_complete()
            await pilot.pause()

    with pytest.raises(Exception, match="lost-in-a-worker"):
        await press_m()
    report = app.crash_report or ""
    assert "KeyError in failing_read (test_crash_report.py:" in report
    (crash,) = (tmp_path / "state" / "schedtui").glob("crash-*.txt")
    text = crash.read_text()
    assert 'raise KeyError("lost-in-a-worker")' in text  # the worker's frame, not Textual's
