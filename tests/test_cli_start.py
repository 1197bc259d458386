"""Starting the TUI with a bad endpoint, profile or no region: one line, exit 2, no traceback.

Each case fails before the TUI would paint, so the process runs without a terminal. The
environment is the test's: fake credentials and an empty AWS config (see tests/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from schedtui.aws.backend import Backend
from schedtui.aws.preflight import PreflightError, preflight
from schedtui.aws.session import AwsSettings, effective_profile
from schedtui.cli import main
from schedtui.cli.context import aws_context
from schedtui.cli.parser import build_parser
from tests.conftest import use_aws_config


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "schedtui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "AWS_EC2_METADATA_DISABLED": "true", **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def no_region() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("AWS_DEFAULT_REGION", None)
    env.pop("AWS_REGION", None)
    return env


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            ["--endpoint-url", "notaurl"],
            {},
            "schedtui: --endpoint-url: 'notaurl' is not an http(s) URL with a host",
        ),
        (
            ["--endpoint-url", "http://127.0.0.1:port"],
            {},
            "schedtui: --endpoint-url: 'http://127.0.0.1:port' has a port that is not a number",
        ),
        (["--profile", "nope"], {}, "schedtui: --profile nope: no such profile"),
        ([], {"AWS_PROFILE": "nope"}, "schedtui: AWS_PROFILE='nope': no such profile"),
        (
            ["--region", "not a region"],
            {},
            "schedtui: region 'not a region' is not a region name such as eu-west-1",
        ),
        ([], {"AWS_REGION": "eu_west/1"}, "schedtui: region 'eu_west/1' is not a region name"),
        (
            [],
            {"AWS_MAX_ATTEMPTS": "abc"},
            "schedtui: AWS_MAX_ATTEMPTS: 'abc' is not a whole number",
        ),
        ([], {"AWS_RETRY_MODE": "bogus"}, "schedtui: AWS_RETRY_MODE: 'bogus' is not a retry mode"),
    ],
)
def test_a_bad_start_exits_2_with_one_line(
    args: list[str], env: dict[str, str], message: str
) -> None:
    result = start(*args, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


def test_no_region_says_how_to_set_one() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "schedtui"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**no_region(), "AWS_EC2_METADATA_DISABLED": "true"},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("schedtui: no AWS region: pass --region, set AWS_REGION")
    assert len(result.stderr.splitlines()) == 1


def test_aws_region_is_honoured_as_the_aws_cli_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    assert preflight(AwsSettings()).region == "eu-west-1"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    assert preflight(AwsSettings()).region == "eu-west-1"  # AWS_REGION comes first
    assert preflight(AwsSettings(region="ap-south-1")).region == "ap-south-1"


def test_a_good_endpoint_passes() -> None:
    settings = preflight(AwsSettings(endpoint_url="http://127.0.0.1:4566"))
    assert settings.region == "us-east-1"
    with pytest.raises(PreflightError):
        preflight(AwsSettings(endpoint_url="ftp://example.com"))


def test_a_profile_retry_setting_botocore_cannot_use_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_aws_config(tmp_path, monkeypatch, "[default]\nregion = us-east-1\nmax_attempts = lots\n")
    with pytest.raises(PreflightError, match="the profile's max_attempts: 'lots' is not a whole"):
        preflight(AwsSettings())
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")  # the environment wins: the profile's is unused
    assert preflight(AwsSettings()).region == "us-east-1"


def test_the_profile_botocore_uses_is_the_one_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE: so do the header and messages.
    use_aws_config(
        tmp_path, monkeypatch, "[profile a]\nregion = us-east-1\n[profile b]\nregion = eu-west-1\n"
    )
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_PROFILE", "a")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "b")
    settings = preflight(AwsSettings())
    assert settings.region == "eu-west-1"
    assert effective_profile(settings) == "b"
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "nosuch")
    with pytest.raises(PreflightError, match="AWS_DEFAULT_PROFILE='nosuch': no such profile"):
        preflight(AwsSettings())


def test_an_unreadable_config_file_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_aws_config(tmp_path, monkeypatch, "[profile p1\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_PROFILE", "p1")
    with pytest.raises(PreflightError, match="the AWS config cannot be read"):
        preflight(AwsSettings())


def test_demo_without_the_demo_extra_says_how_to_install_it_and_exits_2(
    tmp_path: Path,
) -> None:
    # A Python where moto cannot be imported: a directory first on the path whose `moto` and
    # `flask` are not packages find_spec can load (what a plain `pip install schedtui` gives).
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\n"
        "class Hide:\n"
        "    def __init__(self, inner):\n"
        "        self.inner = inner\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('moto', 'flask'):\n"
        "            return None\n"
        "        return self.inner.find_spec(name, path, target)\n"
        "    def __getattr__(self, name):\n"
        "        return getattr(self.inner, name)\n"
        "sys.meta_path[:] = [Hide(finder) for finder in sys.meta_path]\n"
    )
    result = start("--demo", env={"PYTHONPATH": str(blocker)})
    assert result.returncode == 2
    assert (
        result.stderr == "schedtui: the demo needs the demo extra: pip install 'schedtui[demo]'\n"
    )


def test_the_demo_keeps_its_audit_log_and_exports_out_of_the_operators_and_removes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    args = build_parser().parse_args(["--demo", "--demo-size", "0"])
    with aws_context(args) as context:
        assert context.audit_path is not None
        backend = Backend.connect(context.settings, audit_path=context.audit_path)
        audit = backend.mutations.audit
        assert audit.path == context.audit_path
        assert not audit.path.is_relative_to(state)
        directory = audit.path.parent
        assert directory.is_dir()
        assert backend.files_dir == directory  # cleanup's exports go there too
    assert not directory.exists()
    assert not state.exists()  # nothing written into the operator's state directory


def test_theme_alone_lists_the_themes_with_the_default_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A user theme is listed beside the bundled ones; a broken one is named on stderr.
    user = tmp_path / "schedtui" / "themes"
    user.mkdir(parents=True)
    (user / "night-shift.toml").write_text('primary = "#00aaff"\n')
    (user / "broken.toml").write_text("primary = \n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["--theme"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert "schedtui-dark  (default)" in lines
    assert {"schedtui-light", "schedtui-high-contrast", "night-shift"} <= set(lines)
    assert "broken" not in out
    assert "broken.toml" in err


def test_theme_names_are_listed_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A user theme's name is its file's text: listed, it must not retitle the terminal."""
    user = tmp_path / "schedtui" / "themes"
    user.mkdir(parents=True)
    (user / "evil.toml").write_text('name = "evil\\u001b]0;pwned\\u0007"\nprimary = "#00aaff"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["--theme"]) == 0
    out, _ = capsys.readouterr()
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "evil␛]0;pwned␇" in out.splitlines()
