"""``schedtui completion bash|zsh|fish``: shell completion scripts, generated from the
argument parser itself, so that every command and option added later completes without
anyone editing a script.

What completes: commands (nested ones too, such as ``config init``), each command's
options, an option's fixed choices (``--output json``), themes, regions where Scheduler
exists (botocore's bundled endpoint data, read when the script is generated), and profiles
(read from ``~/.aws/config`` and ``~/.aws/credentials`` at each completion, so a profile
added later completes). zsh uses the bash function through ``bashcompinit``: one logic for
both, and the bash one is what the tests run.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from schedtui.aws.contexts import scheduler_regions
from schedtui.ui.themes import load_themes

# Options whose values come from the machine rather than from the parser's choices.
PROFILE_OPTION = "--profile"
REGION_OPTION = "--region"
THEME_OPTION = "--theme"


@dataclass
class Command:
    """One command level: its options (the ones that take a value, with their choices) and
    its subcommands."""

    path: tuple[str, ...]
    help: str = ""
    flags: list[str] = field(default_factory=list)
    # option -> its fixed values (empty: a free value such as a number or a name)
    valued: dict[str, list[str]] = field(default_factory=dict)
    helps: dict[str, str] = field(default_factory=dict)
    # the fixed values of its positional arguments (`completion bash`)
    positional: list[str] = field(default_factory=list)
    commands: dict[str, Command] = field(default_factory=dict)


def describe_parser(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = (), help_text: str = ""
) -> Command:
    command = Command(path, help_text)
    for action in parser._actions:  # argparse has no public way to walk its actions
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                command.commands[name] = describe_parser(sub, (*path, name), helps.get(name, ""))
            continue
        if action.help == argparse.SUPPRESS:
            continue
        if not action.option_strings:
            command.positional += [str(choice) for choice in action.choices or ()]
            continue
        for option in action.option_strings:
            command.helps[option] = (action.help or "").replace("%%", "%")
            if action.nargs == 0:
                command.flags.append(option)
            else:
                command.valued[option] = [str(choice) for choice in action.choices or ()]
    return command


def _walk(command: Command) -> Iterable[Command]:
    yield command
    for sub in command.commands.values():
        yield from _walk(sub)


def _array(values: Iterable[str]) -> str:
    """A bash array literal's elements: each word single-quoted, so nothing in it expands
    (a theme named ``$(...)`` stays a name). Never put these inside double quotes."""
    return " ".join(shlex.quote(value) for value in values)


# Profiles are read at each completion: "[default]" and "[profile NAME]" from the config
# file, "[NAME]" from the credentials file (the config file's other sections, such as
# "[sso-session x]" or "[services x]", are not profiles).
_BASH_PROFILES = r"""_schedtui_profiles() {
    local config="${AWS_CONFIG_FILE:-$HOME/.aws/config}"
    local credentials="${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}"
    local s='[[:space:]]' name='\([^]]*[^][:space:]]\)'
    {
        [ -r "$config" ] && sed -n -e "s/^$s*\[$s*\(default\)$s*\].*/\1/p" \
            -e "s/^$s*\[$s*profile$s\{1,\}$name$s*\].*/\1/p" "$config"
        [ -r "$credentials" ] && sed -n "s/^$s*\[$s*$name$s*\].*/\1/p" "$credentials"
    } | sort -u
}"""
# Candidates are filtered by prefix here rather than with `compgen -W`, which expands
# `$(...)`, backticks and variables in its word list: profile and theme names are the
# operator's files' text, not code.
_BASH_MATCH = r"""_schedtui_match() {
    local prefix="$1" word
    shift
    for word in "$@"; do
        [[ $word == "$prefix"* ]] && COMPREPLY+=("$word")
    done
}
_schedtui_match_lines() {
    local prefix="$1" word
    while IFS= read -r word; do
        [[ -n $word && $word == "$prefix"* ]] && COMPREPLY+=("$word")
    done
}"""
_FISH_PROFILES = r"""function __schedtui_profiles
    set -l config ~/.aws/config
    set -q AWS_CONFIG_FILE; and set config $AWS_CONFIG_FILE
    set -l credentials ~/.aws/credentials
    set -q AWS_SHARED_CREDENTIALS_FILE; and set credentials $AWS_SHARED_CREDENTIALS_FILE
    begin
        if test -r "$config"
            string match -rq '^\s*\[\s*default\s*\]' <$config; and echo default
            string replace -rf '^\s*\[\s*profile\s+([^\]]*[^\]\s])\s*\].*$' '$1' <$config
        end
        if test -r "$credentials"
            string replace -rf '^\s*\[\s*([^\]]*[^\]\s])\s*\].*$' '$1' <$credentials
        end
    end | sort -u
end"""


def bash_script(root: Command, dynamic: Mapping[str, list[str]], prog: str = "schedtui") -> str:
    """A bash completion function for ``prog``. ``dynamic`` gives the values of the options
    whose values come from the machine (themes, regions); profiles are read at completion.

    No word reaches `compgen -W` or a double-quoted string: fixed words are single-quoted
    array elements, profiles are read line by line (see `_BASH_MATCH`). The command path
    variable is ``cmdpath``: zsh runs this function too, where ``path`` is tied to $PATH."""
    every_valued = sorted({o for c in _walk(root) for o in c.valued})
    commands = sorted({name for c in _walk(root) for name in c.commands})
    lines = [
        "# schedtui completion for bash (generated by `schedtui completion bash`)",
        _BASH_PROFILES,
        _BASH_MATCH,
        f"_{prog}() {{",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    local cmdpath="" word i skip=0',
        "    COMPREPLY=()",
        "    # The command path so far (e.g. 'config init'), skipping option values.",
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        word="${COMP_WORDS[i]}"',
        "        if ((skip)); then skip=0; continue; fi",
        '        case "$word" in',
        f"            {'|'.join(every_valued)}) skip=1 ;;",
        "            -*) ;;",
        f'            {"|".join(commands)}) cmdpath="${{cmdpath:+$cmdpath }}$word" ;;',
        "        esac",
        "    done",
        '    case "$prev" in',
        f"        {PROFILE_OPTION}) "
        '_schedtui_match_lines "$cur" < <(_schedtui_profiles); return ;;',
    ]
    for option, values in sorted(dynamic.items()):
        lines.append(f'        {option}) _schedtui_match "$cur" {_array(values)}; return ;;')
    choices: dict[str, list[str]] = {}
    for command in _walk(root):
        for option, values in command.valued.items():
            if values and option not in dynamic:
                choices[option] = values
    for option, values in sorted(choices.items()):
        lines.append(f'        {option}) _schedtui_match "$cur" {_array(values)}; return ;;')
    free = sorted(set(every_valued) - set(choices) - set(dynamic) - {PROFILE_OPTION})
    if free:
        lines.append(f"        {'|'.join(free)}) return ;;  # a free value: nothing to offer")
    lines += ["    esac", '    case "$cmdpath" in']
    for command in _walk(root):
        words = [*sorted([*command.flags, *command.valued]), *command.positional]
        words += sorted(command.commands)
        lines.append(
            f"        {shlex.quote(' '.join(command.path))}) "
            f'_schedtui_match "$cur" {_array(words)} ;;'
        )
    lines += ["    esac", "}", f"complete -F _{prog} {prog}", ""]
    return "\n".join(lines)


def zsh_script(root: Command, dynamic: Mapping[str, list[str]], prog: str = "schedtui") -> str:
    return "\n".join(
        [
            "# schedtui completion for zsh (generated by `schedtui completion zsh`):",
            "# the bash function, through zsh's bash completion emulation.",
            "autoload -U +X compinit && compinit",
            "autoload -U +X bashcompinit && bashcompinit",
            bash_script(root, dynamic, prog),
        ]
    )


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_words(values: Iterable[str]) -> str:
    """A ``-a`` argument offering exactly ``values``: fish expands ``-a``'s text (command
    substitutions, variables) at each completion, so each word is quoted inside it too."""
    return _fish_quote(" ".join(_fish_quote(value) for value in values))


def fish_script(root: Command, dynamic: Mapping[str, list[str]], prog: str = "schedtui") -> str:
    lines = [
        "# schedtui completion for fish (generated by `schedtui completion fish`)",
        f"complete -c {prog} -f",
        _FISH_PROFILES,
    ]
    for command in _walk(root):
        if command.path:
            parent = command.path[:-1]
            condition = _fish_condition(root, parent)
            lines.append(
                f"complete -c {prog} -n {_fish_quote(condition)} -a {command.path[-1]} "
                f"-d {_fish_quote(command.help)}"
            )
        condition = _fish_condition(root, command.path)
        if command.positional:
            lines.append(
                f"complete -c {prog} -n {_fish_quote(condition)} "
                f"-a {_fish_words(command.positional)}"
            )
        for option in [*command.flags, *command.valued]:
            spec = f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}"
            values = ""
            # -x (-r and -f): a value is required and it is not a file name.
            if option == PROFILE_OPTION:
                values = " -x -a '(__schedtui_profiles)'"
            elif option in command.valued:
                fixed = dynamic.get(option) or command.valued[option]
                values = f" -x -a {_fish_words(fixed)}" if fixed else " -r"
            lines.append(
                f"complete -c {prog} -n {_fish_quote(condition)} {spec}{values} "
                f"-d {_fish_quote(command.helps.get(option, ''))}"
            )
    return "\n".join([*lines, ""])


def _fish_condition(root: Command, path: tuple[str, ...]) -> str:
    """True in fish when the command line is at exactly ``path`` (no deeper command)."""
    if not path:
        return "__fish_use_subcommand"
    parts = [f"__fish_seen_subcommand_from {path[-1]}"]
    node = root
    for name in path:
        node = node.commands[name]
    if node.commands:
        parts.append(f"not __fish_seen_subcommand_from {' '.join(sorted(node.commands))}")
    return "; and ".join(parts)


SCRIPTS = {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}


def completion_script(
    shell: str, parser: argparse.ArgumentParser, dynamic: Mapping[str, list[str]]
) -> str:
    return SCRIPTS[shell](describe_parser(parser), dynamic, parser.prog)


def run_completion(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Print the script for ``args.shell``, with today's themes and Scheduler's regions."""
    dynamic = {
        THEME_OPTION: sorted(load_themes().themes),
        REGION_OPTION: scheduler_regions(None),  # the aws partition's
    }
    print(completion_script(args.shell, parser, dynamic), end="")
    return 0
