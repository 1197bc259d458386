"""The configuration file (``config.toml`` in the config directory, ``core/paths.py``): what
it may hold, how it is read, and what a mistake in it does.

Every key is optional and the file itself is too: a key left out is silent, and the next
source in line decides (a flag beats the environment, which beats this file, which beats
what schedtui remembers, which beats the built-in default; ``cli/context.py`` and
``cli/tui.py`` apply that order). Unknown keys and wrong types are errors.

A mistake never stops schedtui. Each one is a line naming the file, the line and the key
(``~/.config/schedtui/config.toml:12: refresh: must be a number of seconds (0 or more)``),
shown on stderr by the command line and as a notification by the TUI, and only that key
falls back to its default: the rest of the file still applies, so one typo does not lose the
operator's read-only profiles. A file that cannot be read at all (a TOML syntax error) falls
back whole; if it mentions ``read_only``, the read-only settings it meant to give are unknown,
and schedtui starts read-only, saying why (``--read-write`` overrides): failing safe, as a
lost ``read_only_profiles = ["prod*"]`` would otherwise make production writable. The same
holds for an unknown key that is a misspelling of them (``read-only``, ``readonly``,
``READ_ONLY``, ``read_only_profile``: `is_read_only_key`), and for a file that is there but
cannot be read (a dangling symlink, a directory, no permission): what it said is unknown.
"""

from __future__ import annotations

import json
import math
import os
import re
import textwrap
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
)

from schedtui.core.commands import BUILT_IN, COMMANDS
from schedtui.core.paths import read_small_text, shown
from schedtui.core.schedules.store import GROUP_COLUMNS, SCHEDULE_COLUMNS
from schedtui.core.table import Column

# botocore's rule for a region name (botocore.utils.validate_region_name).
_REGION = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?$")
_ALIAS_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
FIRST_COLUMN: Final = "name"  # frozen on the left when the columns scroll: always shown, first


def _listed(value: Any) -> Any:
    """TOML arrays arrive as lists; the model keeps tuples (frozen all the way down)."""
    return tuple(value) if isinstance(value, list) else value


def _seconds(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError("must be a number of seconds (0 or more; 0 turns it off)")
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _region(value: str) -> str:
    if not _REGION.match(value):
        raise ValueError(f"{value!r} is not a region name such as eu-west-1")
    return value


def _columns(known: Sequence[Column]) -> AfterValidator:
    keys = [column.key for column in known]

    def check(value: tuple[str, ...]) -> tuple[str, ...]:
        for position, key in enumerate(value):
            if key not in keys:
                near = get_close_matches(key, keys, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise ValueError(f"unknown column {key!r}{hint}; the columns: {', '.join(keys)}")
            if key in value[:position]:
                raise ValueError(f"{key!r} is listed twice")
            if key == FIRST_COLUMN and position:
                raise ValueError(
                    f"{FIRST_COLUMN!r} is always the first column: list it first or leave it out"
                )
        return value

    return AfterValidator(check)


def _alias_name(name: str) -> str:
    if not _ALIAS_NAME.match(name):
        raise ValueError(f"{name!r}: an alias is one word of letters, digits, - and _")
    if name.lower() in BUILT_IN:
        raise ValueError(f"{name!r} is a built-in command word: an alias cannot replace it")
    return name


def _alias_command(line: str) -> str:
    word = line.split()[0].lower() if line.split() else ""
    if word not in BUILT_IN:
        raise ValueError(
            f"{line!r} does not start with a command ({', '.join(COMMANDS)}); "
            'write it as you would after ":", such as "schedules orders"'
        )
    return " ".join(line.split())


Seconds = Annotated[float, AfterValidator(_seconds)]
Text = Annotated[str, AfterValidator(_text)]
Words = Annotated[tuple[str, ...], BeforeValidator(_listed)]


class Columns(BaseModel):
    """``[columns]``: the lists' columns, in order (None: every column, as built in)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    schedules: Annotated[Words, _columns(SCHEDULE_COLUMNS)] | None = None
    groups: Annotated[Words, _columns(GROUP_COLUMNS)] | None = None


class Config(BaseModel):
    """The file's settings; None (or empty) is silent: the next source in line decides."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    profile: Text | None = None
    region: Annotated[str, AfterValidator(_region)] | None = None
    theme: Text | None = None
    refresh: Seconds | None = None
    monitor_refresh: Seconds | None = None
    read_only: bool = False
    read_only_profiles: Annotated[tuple[Text, ...], BeforeValidator(_listed)] = ()
    columns: Columns = Columns()
    aliases: dict[
        Annotated[str, AfterValidator(_alias_name)],
        Annotated[Text, AfterValidator(_alias_command)],
    ] = {}


# What a key must be, for type errors (a validator's own message says more when it has one).
_RULES: Final = {
    "profile": "must be the name of an AWS profile, in quotes",
    "region": 'must be a region name in quotes, such as "eu-west-1"',
    "theme": 'must be a theme name in quotes, such as "schedtui-light"',
    "refresh": "must be a number of seconds (0 or more; 0 turns it off)",
    "monitor_refresh": "must be a number of seconds (0 or more; 0 turns it off)",
    "read_only": "must be true or false",
    "read_only_profiles": 'must be a list of profile names or patterns, such as ["prod*"]',
    "columns": "must be a table: [columns]",
    "columns.schedules": "must be a list of column keys: "
    + ", ".join(c.key for c in SCHEDULE_COLUMNS),
    "columns.groups": "must be a list of column keys: " + ", ".join(c.key for c in GROUP_COLUMNS),
    "aliases": "must be a table: [aliases]",
}
_TABLES: Final = ("columns", "aliases")
# The bundled themes, for the default file (themes/ in the repository; a test holds this
# list to them).
THEME_NAMES: Final = ("schedtui-dark", "schedtui-light", "schedtui-high-contrast", "schedtui-ansi")
_ALIAS_EXAMPLES: Final = {"o": "schedules orders", "fail": "failing"}
_READ_ONLY_WORD: Final = re.compile(r"read[\s_-]*only", re.IGNORECASE)


def is_read_only_key(key: str) -> bool:
    """Whether ``key`` is, or is a misspelling of, a read-only setting: lower case without
    ``-``, ``_`` or spaces, it starts with ``readonly`` (``read-only``, ``Read_Only``,
    ``read_only_profile``). Such a key that fails must not leave the run writable."""
    return re.sub(r"[\s_-]", "", key).lower().startswith("readonly")


@dataclass(frozen=True)
class LoadedConfig:
    """A configuration file as read: its settings, each problem found (one line each), and
    whether the read-only settings it meant to give are unknown (see the module's doc)."""

    config: Config = field(default_factory=Config)
    problems: tuple[str, ...] = ()
    path: Path | None = None
    read_only_unknown: bool = False

    @property
    def source(self) -> str:
        return shown(self.path) if self.path is not None else "the configuration"


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line (1-based) of each key the text sets: table headers and ``key =`` lines
    (bare or quoted keys, dotted too), enough to point at a key a validator refused."""
    key = r'(?:[A-Za-z0-9_-]+|"[^"]*"|\'[^\']*\')'
    dotted = rf"{key}(?:\s*\.\s*{key})*"
    header = re.compile(rf"^\s*\[\s*({dotted})\s*\]")
    assignment = re.compile(rf"^\s*({dotted})\s*=")
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()

    def parts(found: str) -> tuple[str, ...]:
        return tuple(part.strip().strip("\"'") for part in re.findall(key, found))

    for number, line in enumerate(text.splitlines(), start=1):
        if match := header.match(line):
            table = parts(match.group(1))
            lines.setdefault(table, number)
        elif match := assignment.match(line):
            path = (*table, *parts(match.group(1)))
            for depth in range(1, len(path) + 1):
                lines.setdefault(path[:depth], number)
    return lines


def _syntax_line(error: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """tomllib's message without its position, and the line it names."""
    message = str(error)
    found = re.search(r"\s*\(at line (\d+), column \d+\)", message)
    if found is None:
        return None, message
    return int(found.group(1)), message[: found.start()] + message[found.end() :]


def _depth(loc: tuple[int | str, ...]) -> int:
    """How much of an error's location is the key that falls back: a top-level key, or one
    key of a table (one alias, one column list)."""
    return 2 if loc and loc[0] in _TABLES and len(loc) > 1 else 1


def _reason(error: Mapping[str, Any], key: str) -> str:
    if error["type"] == "extra_forbidden":
        table, _, name = key.rpartition(".")
        known = list(Columns.model_fields) if table == "columns" else list(Config.model_fields)
        near = get_close_matches(name, known, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        return f"unknown key{hint}; the keys: {', '.join(known)}"
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    if key.startswith("aliases."):
        return 'must be the words of a ":" command in quotes, such as "schedules orders"'
    return _RULES.get(key, str(error["msg"]))


def _drop(data: dict[str, Any], path: tuple[str, ...]) -> None:
    if len(path) == 1:
        data.pop(path[0], None)
    elif isinstance(data.get(path[0]), dict):
        data[path[0]] = {k: v for k, v in data[path[0]].items() if k != path[1]}


def parse_config(text: str, path: Path | None = None) -> LoadedConfig:
    """The configuration in ``text`` (read from ``path``, which messages name)."""
    source = shown(path) if path is not None else "the configuration"
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, message = _syntax_line(error)
        where = f"{source}:{line}" if line is not None else source
        return LoadedConfig(
            problems=(f"{where}: {message}; none of the file applies",),
            path=path,
            read_only_unknown=_READ_ONLY_WORD.search(text) is not None,
        )
    lines = _key_lines(text)
    problems: list[tuple[int, str]] = []  # (line, message): said in the file's order
    unknown = False
    # Each round drops the keys that failed, so the rest still applies; a key is dropped
    # once, so this ends (the defaults themselves are valid).
    for _ in range(len(data) + sum(len(v) for v in data.values() if isinstance(v, dict)) + 1):
        try:
            config = Config.model_validate(data)
            break
        except ValidationError as failed:
            dropped: set[tuple[str, ...]] = set()
            for found in failed.errors():
                loc = tuple(str(part) for part in found["loc"])
                key_path = loc[: _depth(found["loc"])]
                if key_path in dropped:
                    continue
                dropped.add(key_path)
                key = ".".join(key_path)
                line = lines.get(key_path)
                where = f"{source}:{line}" if line is not None else source
                problems.append((line or 0, f"{where}: {key}: {_reason(found, key)}"))
                unknown = unknown or is_read_only_key(key_path[0])
                _drop(data, key_path)
    else:  # pragma: no cover - each round drops at least one key
        config = Config()
    said = tuple(message for _, message in sorted(problems, key=lambda found: found[0]))
    return LoadedConfig(config, said, path, read_only_unknown=unknown)


def load_config(path: Path) -> LoadedConfig:
    """The configuration file at ``path``; a missing file is no configuration, not a
    problem; one that cannot be read is said, and nothing of it applies."""
    try:
        text = read_small_text(path)
    except FileNotFoundError as error:
        if not os.path.lexists(path):
            return LoadedConfig(path=path)
        # There, but not to be read: a symlink to nothing. What it meant to say is unknown.
        reason = f"{error.strerror or error}: a symlink to a missing file"
        return LoadedConfig(
            problems=(f"{shown(path)}: cannot be read ({reason}); none of the file applies",),
            path=path,
            read_only_unknown=True,
        )
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return LoadedConfig(
            problems=(f"{shown(path)}: cannot be read ({reason}); none of the file applies",),
            path=path,
            read_only_unknown=True,
        )
    return parse_config(text, path)


def with_first_column(keys: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """A configured column list as shown: ``name`` first, listed or not."""
    if keys is None or keys[:1] == (FIRST_COLUMN,):
        return keys
    return (FIRST_COLUMN, *keys)


def read_only_reason(loaded: LoadedConfig, profile: str | None) -> str | None:
    """Why the configuration starts ``profile`` (the profile in use; None in the demo)
    read-only, or None when it does not."""
    config, source = loaded.config, loaded.source
    if loaded.read_only_unknown:
        return f"the read-only settings of {source} could not be read"
    if config.read_only:
        return f"read_only = true in {source}"
    for pattern in config.read_only_profiles:
        if profile is not None and fnmatchcase(profile, pattern):
            return f"profile {profile!r} matches read_only_profiles {pattern!r} in {source}"
    return None


def _wrapped(text: str) -> str:
    lines = textwrap.wrap(text, 88, break_on_hyphens=False, break_long_words=False)
    return "\n".join(f"# {line}" for line in lines)


def _column_keys(columns: Sequence[Column]) -> str:
    return ", ".join(f"{column.key} ({column.label})" for column in columns)


def default_text(path: Path | None = None) -> str:
    """The commented default file that ``schedtui config init`` writes: every setting
    explained, with an example, and commented out, so that it loads to exactly the
    defaults. An example is a line that starts with ``#`` and no space: remove the ``#``."""
    where = f" ({shown(path)})" if path is not None else ""
    aliases = "\n".join(f"#{name} = {json.dumps(value)}" for name, value in _ALIAS_EXAMPLES.items())
    sections = [
        _wrapped(
            f"schedtui's configuration{where}, in TOML, read at every start. Each setting "
            'is commented out: as written, this file changes nothing. Remove the "#" '
            "before a setting to use it. For every setting a command-line flag beats the "
            "environment, which beats this file, which beats what schedtui remembers from "
            "the last run (the theme chosen in the app, the profile and region), which beats "
            "the built-in default. A mistake here never stops schedtui: it names the line "
            "and the key, and that key keeps its default."
        ),
        _wrapped(
            "The AWS profile and region, when neither a flag (--profile, --region) nor the "
            "environment (AWS_PROFILE or AWS_DEFAULT_PROFILE, AWS_REGION or "
            "AWS_DEFAULT_REGION) names one."
        )
        + '\n#profile = "staging"\n#region = "eu-west-1"',
        _wrapped(
            f"The colour theme (--theme): {', '.join(THEME_NAMES)}, or one of your own in "
            "themes/ beside this file. The default is the first, or high contrast when "
            "NO_COLOR is set."
        )
        + '\n#theme = "schedtui-light"',
        _wrapped(
            "Seconds between automatic refreshes of the lists and the detail (--refresh, "
            "default 30) and of the monitoring panel and the lists' failure columns "
            "(--monitor-refresh, default 60). 0 turns it off."
        )
        + "\n#refresh = 30\n#monitor_refresh = 60",
        _wrapped(
            "Start read-only (every change refused before it is sent): always, or when the "
            "profile in use matches one of the patterns (* and ? as in shell globs, case "
            "sensitive). --read-write overrides both for one run; --read-only is read-only "
            "whatever they say."
        )
        + '\n#read_only = false\n#read_only_profiles = ["prod*", "*-production"]',
        _wrapped(
            f"The lists' columns, in this order. {FIRST_COLUMN!r} is always the first one "
            "(list it first or leave it out). Left out: every column."
        )
        + "\n"
        + _wrapped(f"Schedules: {_column_keys(SCHEDULE_COLUMNS)}.")
        + "\n"
        + _wrapped(f"Groups: {_column_keys(GROUP_COLUMNS)}.")
        + '\n#[columns]\n#schedules = ["name", "state", "next", "failures", "dlq_depth", '
        '"target"]\n#groups = ["name", "schedules", "failures", "tags"]',
        _wrapped(
            'Your own words for the ":" command line: name = "the command as typed after '
            'the colon". What follows an alias is kept (":o/nightly" below is '
            '":schedules orders/nightly"). An alias cannot replace a built-in command word '
            f"({', '.join(sorted(BUILT_IN))})."
        )
        + "\n#[aliases]\n"
        + aliases,
    ]
    return "\n\n".join(sections) + "\n"
