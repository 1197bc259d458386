"""The configuration file: a mistake names the file, the line and the key, and only that key
falls back to its default; a file that cannot be read falls back whole (and read-only, when
it meant to say something about read-only); the default file `config init` writes explains
every key and changes nothing."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from schedtui.core.config import (
    THEME_NAMES,
    Config,
    default_text,
    load_config,
    parse_config,
    read_only_reason,
    with_first_column,
)
from schedtui.core.schedules.store import SCHEDULE_COLUMNS
from schedtui.ui.themes import bundled_theme_dir

FILE = Path("/etc/schedtui/config.toml")
T = TypeVar("T")


def problems(text: str) -> list[str]:
    return list(parse_config(text, FILE).problems)


def test_a_mistake_names_the_file_the_line_and_the_key_and_the_rest_still_applies() -> None:
    loaded = parse_config(
        '# my config\nprofile = "ops"\n\nrefresh = -5\nread_only_profiles = ["prod*"]\n',
        FILE,
    )
    assert loaded.problems == (
        "/etc/schedtui/config.toml:4: refresh: must be a number of seconds (0 or more; "
        "0 turns it off)",
    )
    assert loaded.config == Config(profile="ops", read_only_profiles=("prod*",))
    assert not loaded.read_only_unknown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('refresh = "30"', ":1: refresh: must be a number of seconds"),  # no coercion
        ("monitor_refresh = true", ":1: monitor_refresh: must be a number of seconds"),
        ("refresh = nan", ":1: refresh: must be a number of seconds"),
        ('read_only = "yes"', ":1: read_only: must be true or false"),
        ("profile = 3", ":1: profile: must be the name of an AWS profile"),
        ('profile = "  "', ":1: profile: must not be empty"),
        ('region = "eu west"', ":1: region: 'eu west' is not a region name such as eu-west-1"),
        ('read_only_profiles = "prod*"', ":1: read_only_profiles: must be a list"),
        ("refersh = 30", ":1: refersh: unknown key (did you mean 'refresh'?)"),
        ("[columns]\nschedule = []", ":2: columns.schedule: unknown key (did you mean"),
        ("columns = 3", ":1: columns: must be a table: [columns]"),
        ("[aliases]\nx = 3", ':2: aliases.x: must be the words of a ":" command'),
    ],
)
def test_unknown_keys_and_wrong_types_are_errors(text: str, expected: str) -> None:
    (problem,) = problems(text)
    assert problem.startswith(str(FILE) + expected)


def test_errors_are_said_in_the_files_order_each_key_once() -> None:
    text = 'typo = 1\n[columns]\nschedules = ["bogus", 3]\n[aliases]\ns = "groups"\nok = "g"\n'
    found = problems(text)
    assert [problem.split(": ")[0:2] for problem in found] == [
        [f"{FILE}:1", "typo"],
        [f"{FILE}:3", "columns.schedules"],
        [f"{FILE}:5", "aliases.s"],
    ]
    assert parse_config(text).config.aliases == {"ok": "g"}


def test_a_syntax_error_names_its_line_and_nothing_of_the_file_applies() -> None:
    loaded = parse_config('profile = "ops"\nrefresh = [\n', FILE)
    (problem,) = loaded.problems
    assert problem.startswith(f"{FILE}:")
    assert problem.endswith("; none of the file applies")
    assert loaded.config == Config()
    assert not loaded.read_only_unknown  # it said nothing about read-only
    broken = parse_config('read_only_profiles = ["prod*"\nrefresh = 1\n', FILE)
    assert re.match(rf"{FILE}:\d+: ", broken.problems[0])
    assert broken.read_only_unknown  # it did: fail safe
    assert read_only_reason(broken, "dev") == (
        f"the read-only settings of {FILE} could not be read"
    )


def test_a_bad_read_only_setting_starts_read_only_rather_than_writable() -> None:
    loaded = parse_config('read_only_profiles = ["prod*", 7]\n', FILE)
    assert loaded.config.read_only_profiles == ()
    assert loaded.read_only_unknown
    assert read_only_reason(loaded, "staging") is not None


def test_read_only_profiles_are_globs_on_the_profile_in_use() -> None:
    loaded = parse_config('read_only_profiles = ["prod*", "*-live"]\n', FILE)
    assert read_only_reason(loaded, "prod-eu") == (
        f"profile 'prod-eu' matches read_only_profiles 'prod*' in {FILE}"
    )
    assert read_only_reason(loaded, "shop-live") is not None
    assert read_only_reason(loaded, "staging") is None
    assert read_only_reason(loaded, "Prod") is None  # profile names are case-sensitive
    assert read_only_reason(loaded, None) is None  # the demo: no profile
    everywhere = parse_config("read_only = true\n", FILE)
    assert read_only_reason(everywhere, "dev") == f"read_only = true in {FILE}"


def test_column_sets_name_the_unknown_column_and_keep_name_first() -> None:
    (unknown,) = problems('[columns]\nschedules = ["name", "nxt"]\n')
    assert unknown.startswith(f"{FILE}:2: columns.schedules: unknown column 'nxt' (did you")
    assert "next" in unknown  # the columns are listed
    (twice,) = problems('[columns]\ngroups = ["state", "state"]\n')
    assert twice.endswith("'state' is listed twice")
    (late,) = problems('[columns]\nschedules = ["state", "name"]\n')
    assert late.endswith("'name' is always the first column: list it first or leave it out")
    config = parse_config('[columns]\nschedules = ["state", "target"]\n').config
    assert with_first_column(config.columns.schedules) == ("name", "state", "target")
    assert with_first_column(("name", "zone")) == ("name", "zone")
    assert with_first_column(config.columns.groups) is None  # every column


def test_an_alias_may_not_replace_a_built_in_word_and_must_run_a_command() -> None:
    found = problems(
        '[aliases]\ngroups = "failing"\nq = "groups"\nx = "frobnicate now"\n"a b" = "g"\n'
    )
    assert [problem.split(": ", 2)[1:] for problem in found] == [
        ["aliases.groups", "'groups' is a built-in command word: an alias cannot replace it"],
        ["aliases.q", "'q' is a built-in command word: an alias cannot replace it"],
        [
            "aliases.x",
            "'frobnicate now' does not start with a command (groups, schedules, failing, "
            "monitor, dlq, doctor, cleanup, timeline, profile, region, help, q); write it as you "
            'would after ":", such as "schedules orders"',
        ],
        ["aliases.a b", "'a b': an alias is one word of letters, digits, - and _"],
    ]
    config = parse_config('[aliases]\nord = "  schedules   orders "\nbad = "no"\n').config
    assert config.aliases == {"ord": "schedules orders"}


def test_the_default_file_changes_nothing_and_explains_every_key() -> None:
    text = default_text(FILE)
    loaded = parse_config(text, FILE)
    assert loaded.problems == ()
    assert loaded.config == Config()
    assert str(FILE) in text
    assert all(line.startswith("#") for line in text.splitlines() if line)  # all comments
    for key in ("profile", "region", "theme", "refresh", "monitor_refresh", "read_only"):
        assert f"#{key} = " in text
    for key in ("read_only_profiles = ", "[columns]", "schedules = ", "groups = ", "[aliases]"):
        assert f"#{key}" in text
    prose = text.replace("\n# ", " ")
    for column in SCHEDULE_COLUMNS:
        assert f"{column.key} ({column.label})" in prose


def test_the_default_files_examples_are_valid_settings() -> None:
    """Removing the "#" before each example gives a valid file that sets every key."""
    examples = "\n".join(
        line[1:] if re.match(r"#[^\s#]", line) else line for line in default_text().splitlines()
    )
    loaded = parse_config(examples)
    assert loaded.problems == ()
    unset = [name for name, value in loaded.config if value in (None, (), {})]
    assert unset == []


def test_the_readmes_example_is_a_valid_file_that_sets_every_key() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    loaded = parse_config(example)
    assert loaded.problems == ()
    assert [name for name, value in loaded.config if value in (None, (), {})] == []


def test_the_default_file_names_the_bundled_themes() -> None:
    bundled = {entry.name.removesuffix(".toml") for entry in bundled_theme_dir().iterdir()}
    assert set(THEME_NAMES) <= bundled


def test_a_missing_file_is_no_configuration_and_an_unreadable_one_is_said(
    tmp_path: Path,
) -> None:
    missing = load_config(tmp_path / "config.toml")
    assert (missing.config, missing.problems) == (Config(), ())
    (tmp_path / "dir.toml").mkdir()
    unreadable = load_config(tmp_path / "dir.toml")
    (problem,) = unreadable.problems
    assert problem.startswith(f"{tmp_path / 'dir.toml'}: cannot be read (")
    assert unreadable.read_only_unknown
    (tmp_path / "bytes.toml").write_bytes(b"profile = '\xff'\n")
    assert "cannot be read" in load_config(tmp_path / "bytes.toml").problems[0]


@pytest.mark.parametrize(
    "text",
    [
        "read-only = true",
        "readonly = true",
        "Read_Only = true",
        "READ_ONLY = true",
        'read_only_profile = ["prod*"]',
        '"read only" = true',
        "[read-only]\nall = true",
    ],
)
def test_a_misspelled_read_only_key_starts_read_only_rather_than_writable(text: str) -> None:
    loaded = parse_config('profile = "ops"\n' + text + "\n", FILE)
    (problem,) = loaded.problems
    assert "unknown key" in problem
    assert loaded.config.profile == "ops"  # the rest still applies
    assert loaded.read_only_unknown
    assert read_only_reason(loaded, "dev") == f"the read-only settings of {FILE} could not be read"


def test_another_unknown_key_is_only_a_mistake() -> None:
    assert not parse_config("refersh = 30\n[columns]\nreadonly = []\n", FILE).read_only_unknown
    assert parse_config("read-only = tru\n", FILE).read_only_unknown  # a syntax error


def test_a_file_that_is_there_but_cannot_be_read_starts_read_only(tmp_path: Path) -> None:
    dangling = tmp_path / "config.toml"
    dangling.symlink_to(tmp_path / "gone.toml")
    loaded = load_config(dangling)
    (problem,) = loaded.problems
    assert problem.startswith(f"{dangling}: cannot be read (")
    assert "symlink" in problem
    assert loaded.read_only_unknown
    assert read_only_reason(loaded, "dev") is not None


def promptly(load: Callable[[], T]) -> T:
    """``load()``, run in a thread: a guard so that a hang fails this test instead of the
    whole run (not a measure of speed)."""
    found: list[T] = []
    worker = threading.Thread(target=lambda: found.append(load()), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert found, "the load hung"
    return found[0]


def test_a_fifo_or_a_device_or_a_huge_file_is_an_error_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    loaded = promptly(lambda: load_config(fifo))
    assert loaded.problems == (
        f"{fifo}: cannot be read (not a regular file); none of the file applies",
    )
    assert loaded.read_only_unknown
    zero = tmp_path / "zero.toml"
    zero.symlink_to("/dev/zero")
    assert "(not a regular file)" in promptly(lambda: load_config(zero)).problems[0]
    huge = tmp_path / "huge.toml"
    huge.write_text("# " + "x" * (1 << 20) + "\n")
    (problem,) = promptly(lambda: load_config(huge)).problems
    assert problem == f"{huge}: cannot be read (larger than 1 MiB); none of the file applies"
    fits = tmp_path / "fits.toml"
    fits.write_text('profile = "ops"\n# ' + "x" * 1000 + "\n")
    assert load_config(fits).config.profile == "ops"
