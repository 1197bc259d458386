"""The configuration file and the remembered state as the command line applies them: for each
setting a flag beats the environment, which beats the config file, which beats what was
remembered, which beats the built-in default; `schedtui config path` and `config init`."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from schedtui.aws.session import AwsSettings, effective_profile
from schedtui.cli import main
from schedtui.cli.context import Context, ContextError, aws_context, report_notices
from schedtui.cli.parser import build_parser
from schedtui.cli.tui import app_options, remember_start
from schedtui.core.config import Config, load_config, parse_config
from schedtui.core.paths import config_path
from schedtui.core.state import Remembered, load_state, remember_context, state_path
from schedtui.ui.session import AppOptions
from tests.conftest import use_aws_config

PROFILES = """
[default]
region = us-west-2
[profile flag]
region = eu-west-1
[profile env]
region = eu-west-2
[profile cfg]
region = eu-west-3
[profile mem]
region = eu-north-1
[profile prod-eu]
region = eu-central-1
[profile dev]
region = eu-south-1
"""


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_aws_config(tmp_path, monkeypatch, PROFILES)


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def context(*argv: str, remembered: bool = True) -> Context:
    """The TUI's context for ``argv`` (``remembered=False``: a scripting subcommand's)."""
    with aws_context(build_parser().parse_args(list(argv)), remembered=remembered) as found:
        return found


def profile_in_use(*argv: str) -> str:
    return effective_profile(context(*argv).settings)


@pytest.mark.usefixtures("profiles")
def test_profile_flag_beats_environment_beats_config_beats_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    remember_context("mem", None)
    write_config('profile = "cfg"\n')
    monkeypatch.setenv("AWS_PROFILE", "env")
    assert profile_in_use("--profile", "flag") == "flag"
    assert profile_in_use() == "env"
    monkeypatch.delenv("AWS_PROFILE")
    assert profile_in_use() == "cfg"
    write_config("")
    assert profile_in_use() == "mem"
    state_path().unlink()
    assert profile_in_use() == "default"


@pytest.mark.usefixtures("profiles")
def test_region_flag_beats_environment_beats_config_beats_remembered_beats_the_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    remember_context(None, "ap-south-1")  # with the default profile
    write_config('region = "eu-central-2"\n')
    monkeypatch.setenv("AWS_REGION", "sa-east-1")

    def region(*argv: str) -> str | None:
        return context(*argv).settings.region

    assert region("--region", "ca-central-1") == "ca-central-1"
    assert region() == "sa-east-1"
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "me-south-1")
    assert region() == "me-south-1"
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert region() == "eu-central-2"
    write_config("")
    assert region() == "ap-south-1"
    # A region is remembered with its profile: another profile has its own.
    assert region("--profile", "flag") == "eu-west-1"
    state_path().unlink()
    assert region() == "us-west-2"  # the AWS profile's


@pytest.mark.usefixtures("profiles")
def test_scripts_never_follow_the_context_the_tui_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cron job's `set-state --yes` without --profile must not write into whichever account
    the operator last switched to in the TUI: the remembered context is the TUI's alone."""
    import schedtui.cli.scripting as scripting
    import schedtui.cli.tui as tui

    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    remember_context("mem", "eu-north-1")
    used: dict[str, AwsSettings] = {}

    def connect(settings: AwsSettings, **_: object) -> object:
        used["script"] = settings
        return SimpleNamespace(mutations=SimpleNamespace(read_only_reason=None))

    monkeypatch.setattr(scripting.Backend, "connect", staticmethod(connect))
    monkeypatch.setattr(scripting, "watch_listing", lambda backend: None)
    for name in ("groups", "set-state"):
        monkeypatch.setitem(scripting.COMMANDS, name, lambda args, backend, output: 0)

    def start(args: object, found: Context, now: object) -> int:
        used["tui"] = found.settings
        return 0

    monkeypatch.setattr(tui, "_run", start)
    assert main(["groups"]) == 0
    assert effective_profile(used["script"]) == "default"
    assert used["script"].region == "us-west-2"  # the default profile's, not eu-north-1
    assert main(["set-state", "orders/nightly", "--disable", "--yes"]) == 0
    assert effective_profile(used["script"]) == "default"
    monkeypatch.setenv("AWS_PROFILE", "env")
    assert main(["set-state", "orders/nightly", "--disable", "--yes"]) == 0
    assert effective_profile(used["script"]) == "env"
    monkeypatch.delenv("AWS_PROFILE")
    write_config('profile = "cfg"\n')
    assert main(["groups"]) == 0
    assert effective_profile(used["script"]) == "cfg"
    write_config("")
    assert main([]) == 0  # the TUI's start: the remembered context applies
    assert effective_profile(used["tui"]) == "mem"
    assert used["tui"].region == "eu-north-1"
    assert context(remembered=False).remembered == Remembered()


@pytest.mark.usefixtures("profiles")
def test_read_only_per_profile_glob_and_the_flags_still_decide() -> None:
    write_config('read_only_profiles = ["prod*"]\n')
    prod = context("--profile", "prod-eu")
    assert prod.settings.read_only
    assert prod.read_only_reason is not None
    assert "profile 'prod-eu' matches read_only_profiles 'prod*'" in prod.read_only_reason
    assert not context("--profile", "prod-eu", "--read-write").settings.read_only
    dev = context("--profile", "dev")
    assert not dev.settings.read_only
    flagged = context("--profile", "dev", "--read-only")  # no glob matches: the flag wins
    assert flagged.settings.read_only
    assert flagged.read_only_reason is None  # the flag said so, not the config


@pytest.mark.usefixtures("profiles")
def test_a_config_error_is_a_notice_and_the_rest_of_the_file_applies() -> None:
    path = write_config('profile = "dev"\nrefresh = "soon"\n')
    found = context()
    assert found.notices == (
        f"{path}:2: refresh: must be a number of seconds (0 or more; 0 turns it off)",
    )
    assert effective_profile(found.settings) == "dev"
    broken = write_config('read_only = tru\nprofile = "dev"\n')
    started = context()
    assert started.notices[0].startswith(f"{broken}:1: ")
    assert effective_profile(started.settings) == "default"  # nothing of it applies...
    assert started.settings.read_only  # ...and what it meant about read-only is unknown
    assert started.read_only_reason == f"the read-only settings of {broken} could not be read"


@pytest.mark.usefixtures("profiles")
def test_a_remembered_profile_that_is_gone_is_dropped_with_one_line() -> None:
    remember_context("deleted-since", "eu-west-1")
    found = context()
    assert effective_profile(found.settings) == "default"
    (notice,) = found.notices
    assert notice.startswith("the remembered context was not used: the remembered profile ")
    assert "'deleted-since': no such profile" in notice


@pytest.mark.usefixtures("profiles")
def test_a_config_profile_that_does_not_exist_stops_naming_the_file() -> None:
    path = write_config('profile = "nope"\n')
    with pytest.raises(ContextError, match=f"profile 'nope' in {path}: no such profile"):
        context()


def test_a_corrupt_state_file_is_one_line_and_not_fatal() -> None:
    state_path().parent.mkdir(parents=True, exist_ok=True)
    state_path().write_text("{not json")
    found = context()
    (notice,) = found.notices
    assert notice.startswith("the remembered theme and context (")
    assert found.remembered == Remembered(problem=notice)
    assert remember_start(found) is None  # and the start writes a good one over it
    assert load_state().problem is None


def test_the_tui_start_remembers_the_context_in_use() -> None:
    settings = AwsSettings(profile="prod-eu", region="eu-central-1")
    assert remember_start(Context(settings)) is None
    assert load_state() == Remembered(profile="prod-eu", region="eu-central-1")


def options(argv: list[str], config: str = "", remembered: Remembered | None = None) -> AppOptions:
    args = build_parser().parse_args(argv)
    found = Context(
        AwsSettings(), config=parse_config(config), remembered=remembered or Remembered()
    )
    return app_options(args, found)


def test_tui_options_flag_beats_config_beats_built_in() -> None:
    config = "refresh = 10\nmonitor_refresh = 0\ntheme = 'schedtui-light'\n"
    flagged = options(["--refresh", "5", "--monitor-refresh", "7", "--theme", "schedtui-ansi"])
    assert (flagged.refresh_seconds, flagged.monitor_refresh_seconds) == (5, 7)
    configured = options([], config)
    assert (configured.refresh_seconds, configured.monitor_refresh_seconds) == (10, 0)
    assert configured.theme == "schedtui-light"
    both = options(["--refresh", "0", "--theme", "schedtui-ansi"], config)
    assert (both.refresh_seconds, both.theme) == (0, "schedtui-ansi")
    built_in = options([])
    assert (built_in.refresh_seconds, built_in.monitor_refresh_seconds) == (30, 60)


def test_tui_theme_config_beats_remembered_which_beats_the_default() -> None:
    remembered = Remembered(theme="schedtui-high-contrast")
    # The remembered theme goes in as such: the app uses it only when nothing was asked
    # for (and NO_COLOR is not set: ui/themes.py choose_theme).
    silent = options([], remembered=remembered)
    assert (silent.theme, silent.remembered_theme) == (None, "schedtui-high-contrast")
    configured = options([], "theme = 'schedtui-light'", remembered)
    assert configured.theme == "schedtui-light"


def test_a_read_only_profile_says_why_at_start() -> None:
    args = build_parser().parse_args([])
    found = Context(AwsSettings(read_only=True), read_only_reason="read_only = true in x")
    assert app_options(args, found).notices == (
        "Read-only: read_only = true in x (--read-write allows changes)",
    )


def test_a_switch_in_the_app_asks_the_config_for_the_profile_and_is_remembered() -> None:
    # The in-app switch (ui/context_switch.py) applies the same rule as a start, and keeps the
    # context switched to for the next start.
    switching = options(["--read-write"], "read_only_profiles = ['prod*']\n")
    reason = switching.read_only_for("prod-eu")
    assert reason is not None
    assert "'prod-eu' matches read_only_profiles 'prod*'" in reason
    assert switching.read_only_for("dev") is None
    assert switching.remember_context is not None
    assert switching.remember_context("dev", "eu-south-1") is None
    assert load_state() == Remembered(profile="dev", region="eu-south-1")


def test_config_path_honours_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert main(["config", "path"]) == 0
    assert capsys.readouterr() == (f"{tmp_path}/xdg/schedtui/config.toml\n", "")
    write_config("refresh = -1\n")
    assert main(["config", "path"]) == 0
    out, err = capsys.readouterr()
    assert out == f"{tmp_path}/xdg/schedtui/config.toml\n"
    assert err == (
        f"schedtui: {tmp_path}/xdg/schedtui/config.toml:1: refresh: must be a number of "
        "seconds (0 or more; 0 turns it off)\n"
    )


def test_config_init_writes_the_commented_default_and_never_overwrites_unasked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = config_path()
    assert main(["config", "init"]) == 0
    assert capsys.readouterr().out == f"wrote {path}\n"
    written = path.read_text()
    assert written.startswith("# schedtui's configuration")
    loaded = load_config(path)
    assert (loaded.config, loaded.problems) == (Config(), ())  # exactly the defaults
    path.write_text("refresh = 5\n")
    assert main(["config", "init"]) == 2
    assert capsys.readouterr().err == (
        f"schedtui: {path} exists; `schedtui config init --force` replaces it\n"
    )
    assert path.read_text() == "refresh = 5\n"  # untouched
    assert main(["config", "init", "--force"]) == 0
    assert path.read_text() == written


def test_config_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_code:
        main(["config"])
    assert exit_code.value.code == 2
    assert "required: ACTION" in capsys.readouterr().err


def test_read_only_and_read_write_together_are_refused() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--read-only", "--read-write"])
    assert build_parser().parse_args([]).read_only is None  # not given: the config decides


def test_config_notices_and_usage_errors_reach_the_terminal_inert(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A key name is the file's text, an argument the operator's: neither may drive the
    terminal (an OSC sequence retitles it, and worse)."""
    write_config('"\\u001b]0;T\\u0007" = 1\n')
    assert main(["config", "path"]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "␛]0;T␇: unknown key" in err
    report_notices(context(remembered=False))
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "␛]0;T␇: unknown key" in err
    write_config("")
    with pytest.raises(SystemExit) as stop:
        main(["get", "orders\x1b]0;T\x07"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "␛]0;T␇" in err
