"""What the group form checks and shows: a group name, tags typed as ``key=value`` lines,
and the difference between the tags a group has and the ones the operator typed.

The rules are the models' own (``NAME_CHECKS``, ``tag_problem``, ``MAX_TAGS``), so the form
refuses exactly what ``ScheduleGroup`` refuses. Keys and values are taken verbatim: nothing is
trimmed, so a tag set elsewhere with surrounding spaces is not changed by editing another one.

Tags come from AWS: the lines show them through printable() (a control character appears as
a visible stand-in such as ``␛``). A line left as shown stands for the tag exactly as AWS holds
it; a line edited with a stand-in still in it is refused rather than silently sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from schedtui.core.schedules.group import MAX_TAGS, tag_problem
from schedtui.core.schedules.validation import NAME_CHECKS, item_count
from schedtui.core.text import printable, stand_ins

NAME_RULE = "1 to 64 characters: letters, digits, '-', '_' and '.'"


def name_problem(name: str) -> str | None:
    """The rule a group (or schedule) name breaks, in words, or None when it is valid."""
    for check in NAME_CHECKS:
        message = check(name)
        if message is not None:
            return message
    return None


@dataclass(frozen=True)
class ParsedTags:
    tags: dict[str, str]
    problems: list[str] = field(default_factory=list)  # "line 3: ...", in line order

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_tag_lines(text: str, shown_from: Mapping[str, str] | None = None) -> ParsedTags:
    """``key=value`` per line (split at the first ``=``; blank lines skipped) -> tags.

    ``shown_from``: the tags the lines were shown from (``tag_lines``); a line still as shown
    gives that tag back exactly, control characters included. Every line that breaks a rule
    is reported with its line number; the tags hold the lines that parsed, so a caller can
    still show them.
    """
    # A shown line can stand for more than one tag (AWS allows '=' in keys: "a=b" = "c" and
    # "a" = "b=c" both show as "a=b=c"), so each occurrence takes the next tag it stands for,
    # in the order tag_lines showed them; an untouched tag is never dropped.
    originals: dict[str, list[tuple[str, str]]] = {}
    for k, v in sorted((shown_from or {}).items()):
        originals.setdefault(_shown_line(k, v), []).append((k, v))
    marks = sorted({mark for k, v in (shown_from or {}).items() for mark in stand_ins(k + v)})
    tags: dict[str, str] = {}
    first_line: dict[str, int] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if originals.get(line):
            key, value = originals[line].pop(0)
            first_line[key] = number
            tags[key] = value
            continue
        kept = [mark for mark in marks if mark in line]
        if kept:
            problems.append(
                f"line {number}: still holds {', '.join(kept)}, shown in place of characters "
                "a terminal would act on: remove them, or restore the line as it was"
            )
            continue
        key, equals, value = line.partition("=")
        if not equals:
            problems.append(f"line {number}: expected key=value")
            continue
        problem = tag_problem(key, value)
        if problem is not None:
            problems.append(f"line {number}: {problem}")
            continue
        if key in first_line:
            problems.append(f"line {number}: key '{key}' repeats line {first_line[key]}")
            continue
        first_line[key] = number
        tags[key] = value
    count = item_count(0, MAX_TAGS)(tags)
    if count is not None:
        problems.append(f"tags: {count}")
    return ParsedTags(tags, problems)


def _shown_line(key: str, value: str) -> str:
    return printable(f"{key}={value}")


def tag_lines(tags: Mapping[str, str]) -> str:
    """The form's text for ``tags``, sorted by key, every character printable (the inverse
    of ``parse_tag_lines`` given the same tags as ``shown_from``)."""
    return "\n".join(_shown_line(key, value) for key, value in sorted(tags.items()))


@dataclass(frozen=True)
class TagChanges:
    added: dict[str, str]
    changed: dict[str, tuple[str, str]]  # key -> (before, after)
    removed: dict[str, str]  # key -> the value it had

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)

    def to_set(self) -> dict[str, str]:
        """What TagResource sends: the added tags and the new values of the changed ones."""
        return {**self.added, **{key: after for key, (_, after) in self.changed.items()}}

    def to_remove(self) -> list[str]:
        """What UntagResource sends."""
        return sorted(self.removed)

    def lines(self) -> list[tuple[str, str]]:
        """``(sign, text)`` per change, sorted by key: ``+`` added, ``~`` changed, ``-`` removed."""
        found: list[tuple[str, str, str]] = []
        found += [(key, "+", f"{key}={value}") for key, value in self.added.items()]
        found += [(k, "~", f"{k}: {old} → {new}") for k, (old, new) in self.changed.items()]
        found += [(key, "-", f"{key}={value}") for key, value in self.removed.items()]
        return [(sign, text) for _, sign, text in sorted(found)]


def tag_changes(before: Mapping[str, str], after: Mapping[str, str]) -> TagChanges:
    return TagChanges(
        added={key: value for key, value in after.items() if key not in before},
        changed={
            key: (before[key], value)
            for key, value in after.items()
            if key in before and before[key] != value
        },
        removed={key: value for key, value in before.items() if key not in after},
    )
