"""The group form's rules: names, ``key=value`` tag lines, and the tag diff it reviews."""

from __future__ import annotations

import pytest

from schedtui.core.schedules.group import ScheduleGroup
from schedtui.core.schedules.group_form import name_problem, parse_tag_lines, tag_changes, tag_lines


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("orders-nightly_v2.1", None),
        ("x" * 64, None),
        ("", "must not be empty (1 to 64 characters)"),
        ("x" * 65, "must be 1 to 64 characters long (got 65)"),
        ("bad name", "may only hold letters, digits, '-', '_' and '.'"),
        ("ünï", "may only hold letters, digits, '-', '_' and '.'"),
    ],
)
def test_name_rule_in_words_agrees_with_the_model(name: str, problem: str | None) -> None:
    assert name_problem(name) == problem
    model_accepts = True
    try:
        ScheduleGroup.model_validate({"Name": name})
    except ValueError:
        model_accepts = False
    assert model_accepts == (problem is None)


def test_tag_lines_report_every_bad_line_by_number() -> None:
    parsed = parse_tag_lines(
        "Team=sre\n\nno-equals\nEnv=\n=orphan\nTeam=ops\nurl=https://x?a=b\n" + "k" * 129 + "=v"
    )
    assert parsed.tags == {"Team": "sre", "url": "https://x?a=b"}  # split at the first '='
    assert parsed.problems == [
        "line 3: expected key=value",
        "line 4: the value of 'Env' must be 1 to 256 characters long",
        "line 5: key '' must be 1 to 128 characters long",
        "line 6: key 'Team' repeats line 1",
        f"line 8: key '{'k' * 129}' must be 1 to 128 characters long",
    ]
    assert not parsed.ok


def test_at_most_200_tags_and_values_kept_exactly() -> None:
    assert parse_tag_lines("\n".join(f"k{i}=v" for i in range(200))).ok
    too_many = parse_tag_lines("\n".join(f"k{i}=v" for i in range(201)))
    assert too_many.problems == ["tags: must have at most 200 items (got 201)"]
    assert parse_tag_lines("Owner= padded value ").tags == {"Owner": " padded value "}
    assert parse_tag_lines("v=" + "x" * 256).ok
    assert not parse_tag_lines("v=" + "x" * 257).ok


def test_tag_lines_round_trip() -> None:
    tags = {"Service": "batch", "Environment": "prod", "Link": "a=b"}
    assert tag_lines(tags) == "Environment=prod\nLink=a=b\nService=batch"
    assert parse_tag_lines(tag_lines(tags)).tags == tags


def test_tags_that_show_as_the_same_line_are_both_kept_when_untouched() -> None:
    # AWS allows '=' in tag keys, so two tags can show as one line "a=b=c".
    tags = {"a=b": "c", "a": "b=c", "other": "x"}
    shown = tag_lines(tags)
    assert shown.splitlines().count("a=b=c") == 2
    assert parse_tag_lines(shown, tags).tags == tags
    assert tag_changes(tags, parse_tag_lines(shown, tags).tags).empty
    # Deleting one of the two lines removes exactly one tag, never both.
    one_left = shown.replace("a=b=c\n", "", 1)
    assert len(tag_changes(tags, parse_tag_lines(one_left, tags).tags).removed) == 1


def test_tag_changes_split_into_what_tag_and_untag_send() -> None:
    changes = tag_changes(
        {"Environment": "prod", "Service": "batch", "Team": "sre"},
        {"Environment": "staging", "Team": "sre", "Owner": "me"},
    )
    assert changes.to_set() == {"Environment": "staging", "Owner": "me"}
    assert changes.to_remove() == ["Service"]
    assert changes.lines() == [
        ("~", "Environment: prod → staging"),
        ("+", "Owner=me"),
        ("-", "Service=batch"),
    ]
    assert tag_changes({"a": "1"}, {"a": "1"}).empty
