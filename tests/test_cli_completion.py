"""Shell completion: generated from the parser, so every command and option completes.

The bash script is run by a real bash (its completion function called as bash calls it);
zsh runs the same function through bashcompinit. fish is not installed here: its script is
checked line by line against the parser instead.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from schedtui.cli import main
from schedtui.cli.completion import describe_parser
from schedtui.cli.parser import build_parser


def script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


@pytest.fixture
def offered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> object:
    """offered("schedtui next --t") -> what bash offers with the cursor at the line's end."""
    path = tmp_path / "schedtui.bash"
    path.write_text(script("bash", capsys))
    config = tmp_path / "config"
    config.write_text(
        "[default]\nregion = eu-west-1\n[profile prod-admin]\n[profile dev]\n"
        "[sso-session corp]\nsso_region = eu-west-1\n[services local]\n"
    )
    credentials = tmp_path / "credentials"
    credentials.write_text("[ci-bot]\naws_access_key_id = x\n")
    env = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}

    def run(line: str) -> list[str]:
        return bash_offers(path, line, env)

    return run


def bash_offers(path: Path, line: str, env: dict[str, str]) -> list[str]:
    """What the bash script at ``path`` offers for ``line``, run by a real bash."""
    words = line.split(" ")
    driver = (
        f"source {shlex.quote(str(path))}\n"
        f"COMP_WORDS=({' '.join(shlex.quote(word) for word in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_schedtui\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", driver],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    assert result.stderr == ""
    return sorted(word for word in result.stdout.splitlines() if word)


def test_bash_completes_commands_options_and_values(offered) -> None:  # type: ignore[no-untyped-def]
    commands = sorted(describe_parser(build_parser()).commands)
    assert "next" in commands
    assert "completion" in commands
    # Every command of the parser, whichever is added later, completes at the start.
    assert [word for word in offered("schedtui ") if not word.startswith("-")] == commands
    assert offered("schedtui ne") == ["next"]
    assert offered("schedtui next --t") == ["--tz"]
    assert offered("schedtui --read-only next --ex") == ["--explain"]
    # An option's value is not taken for a command: `--profile next` is a profile named next.
    assert "--tz" not in offered("schedtui --profile next --t")
    assert offered("schedtui completion ") == ["--help", "-h", "bash", "fish", "zsh"]
    assert offered("schedtui --region eu-west-") == ["eu-west-1", "eu-west-2", "eu-west-3"]
    assert offered("schedtui --theme schedtui-l") == ["schedtui-light"]
    # Profiles are read at completion time, from both files and the variables naming them;
    # the config file's sections that are not profiles ([sso-session x]) are not offered.
    assert offered("schedtui --profile ") == ["ci-bot", "default", "dev", "prod-admin"]
    assert offered("schedtui next --tz ") == []  # a free value: nothing made up


def test_zsh_uses_the_same_function_through_bashcompinit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    zsh = script("zsh", capsys)
    bash = script("bash", capsys)
    assert "bashcompinit" in zsh
    assert bash in zsh


def test_fish_completes_every_command_and_option_of_the_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    fish = script("fish", capsys).splitlines()
    root = describe_parser(build_parser())
    for name, command in root.commands.items():
        assert any(
            line.startswith("complete -c schedtui -n '__fish_use_subcommand' -a " + name + " ")
            for line in fish
        ), name
        for option in [*command.flags, *command.valued]:
            flag = f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"
            assert any(
                f"'__fish_seen_subcommand_from {name}" in line and f" {flag}" in line
                for line in fish
            ), (name, option)
    assert any("-l profile -x -a '(__schedtui_profiles)'" in line for line in fish)
    assert any("-l region -x -a '" in line and "eu-west-1" in line for line in fish)


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["completion", "powershell"])
    assert stop.value.code == 2
    assert "invalid choice: 'powershell'" in capsys.readouterr().err


def test_options_given_before_the_command_mean_the_same_after_it() -> None:
    # Seen in review: `schedtui --group orders list` listed every group.
    parser = build_parser()
    assert parser.parse_args(["--group", "orders", "list"]).group == "orders"
    assert parser.parse_args(["list", "--group", "orders"]).group == "orders"
    assert parser.parse_args(["--group", "orders", "dlq"]).group == "orders"
    assert parser.parse_args(["list"]).group is None


def test_fixed_values_complete(offered) -> None:  # type: ignore[no-untyped-def]
    assert offered("schedtui list --state ") == ["DISABLED", "ENABLED"]


def test_the_cache_command_and_no_cache_complete(offered) -> None:  # type: ignore[no-untyped-def]
    assert offered("schedtui ca") == ["cache"]
    assert [word for word in offered("schedtui cache ") if word[0] != "-"] == ["clear", "path"]
    assert offered("schedtui --no-c") == ["--no-cache"]
    assert offered("schedtui dlq --no-c") == ["--no-cache"]


HOSTILE = ["$(touch${IFS}PWNED)", "`touch PWNED`", 'x";touch PWNED;"', "x';touch PWNED;'"]


def test_bash_never_runs_profile_or_theme_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names from the operator's files are words to offer, never code: `compgen -W` would
    expand `$(...)` in them, and a name inside a double-quoted word list breaks out of it."""
    themes = tmp_path / "xdg" / "schedtui" / "themes"
    themes.mkdir(parents=True)
    for number, name in enumerate(HOSTILE):
        name_toml = name.replace("\\", "\\\\").replace('"', '\\"')
        (themes / f"evil{number}.toml").write_text(f'name = "{name_toml}"\nprimary = "#4F9CF0"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "schedtui.bash"
    path.write_text(script("bash", capsys))
    config = tmp_path / "config"
    config.write_text("".join(f"[profile {name}]\n" for name in HOSTILE))
    work = tmp_path / "work"
    work.mkdir()
    env = {"AWS_CONFIG_FILE": str(config), "HOME": str(work)}
    # bash runs in `work` (cwd below): any `touch PWNED` lands there.
    monkeypatch.chdir(work)
    profiles = bash_offers(path, "schedtui --profile ", env)
    dollar = bash_offers(path, "schedtui --profile $", env)
    offered_themes = bash_offers(path, "schedtui --theme ", env)
    backtick = bash_offers(path, "schedtui --theme `", env)
    assert list(work.iterdir()) == []
    assert profiles == sorted(HOSTILE)
    assert dollar == [HOSTILE[0]]
    assert set(HOSTILE) <= set(offered_themes)
    assert backtick == [HOSTILE[1]]


def test_zsh_does_not_assign_path(capsys: pytest.CaptureFixture[str]) -> None:
    """zsh ties `path` to $PATH: a function's `local path=""` there empties the command
    search path (completion printed `command not found: sed`)."""
    zsh = script("zsh", capsys)
    assert not re.search(r"(^|[\s;(])(local\s+)?path=", zsh)
    assert not re.search(r"\$\{?path\b", zsh)


def needs(shell: str) -> None:
    """The shell itself, never a skip: .ci/run installs zsh and fish as it installs tmux."""
    if shutil.which(shell) is None:
        pytest.fail(f"{shell} is not installed (apt-get install {shell})", pytrace=False)


def test_zsh_completes_profiles_through_bashcompinit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    needs("zsh")
    path = tmp_path / "schedtui.zsh"
    path.write_text(script("zsh", capsys))
    config = tmp_path / "config"
    config.write_text("[default]\n[profile dev]\n[sso-session corp]\n")
    # bashcompinit's own `compgen -F`, as its _bash_complete calls the function.
    driver = (
        f"source {shlex.quote(str(path))}\n"
        "COMP_WORDS=(schedtui --profile d)\nCOMP_CWORD=2\ncompgen -F _schedtui -- d\n"
    )
    result = subprocess.run(
        ["zsh", "-f", "-c", driver],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_CONFIG_FILE": str(config)},
        check=False,
    )
    assert "command not found" not in result.stderr
    assert sorted(result.stdout.split()) == ["default", "dev"]


def fish_offers(script_path: Path, line: str, env: dict[str, str]) -> list[str]:
    result = subprocess.run(
        [
            "fish",
            "--no-config",
            "-c",
            f"source {shlex.quote(str(script_path))}; complete -C {shlex.quote(line)}",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return sorted(row.split("\t")[0] for row in result.stdout.splitlines() if row)


def test_fish_offers_profiles_only_and_never_runs_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    needs("fish")
    themes = tmp_path / "xdg" / "schedtui" / "themes"
    themes.mkdir(parents=True)
    (themes / "evil.toml").write_text('name = "(touch PWNED)$HOME"\nprimary = "#4F9CF0"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "schedtui.fish"
    path.write_text(script("fish", capsys))
    config = tmp_path / "config"
    config.write_text("[default]\n[profile dev]\n[sso-session corp]\n[services local]\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[ci-bot]\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "a-file").write_text("")
    monkeypatch.chdir(work)
    env = {
        "HOME": str(tmp_path / "home"),
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
    }
    # Profiles only: not the sso-session, not the files of the current directory.
    assert fish_offers(path, "schedtui --profile ", env) == ["ci-bot", "default", "dev"]
    assert "(touch PWNED)$HOME" in fish_offers(path, "schedtui --theme ", env)
    assert sorted(p.name for p in work.iterdir()) == ["a-file"]
