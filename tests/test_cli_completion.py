"""Shell completion: generated from the parser, so every command and option completes.

The bash script is run by a real bash (its completion function called as bash calls it);
zsh runs the same function through bashcompinit. fish is not installed here: its script is
checked line by line against the parser instead.
"""

from __future__ import annotations

import shlex
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
    config.write_text("[default]\nregion = eu-west-1\n[profile prod-admin]\n[profile dev]\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[ci-bot]\naws_access_key_id = x\n")
    env = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}

    def run(line: str) -> list[str]:
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

    return run


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
    # Profiles are read at completion time, from both files and the variables naming them.
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
    assert any("-l profile -r -a '(__schedtui_profiles)'" in line for line in fish)
    assert any("-l region -r -a '" in line and "eu-west-1" in line for line in fish)


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
