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
    assert "schedtui stopped on an unexpected error: ValueError: broken with 1 credential" in report
    assert SECRET not in report
    (crash,) = (tmp_path / "state" / "schedtui").glob("crash-*.txt")
    assert str(crash) in report.splitlines()  # on a line of its own, whole
    assert stat.S_IMODE(crash.stat().st_mode) == 0o600
    text = crash.read_text()
    assert 'raise ValueError(f"broken with {len(credentials)} credential")' in text
    assert SECRET not in text
