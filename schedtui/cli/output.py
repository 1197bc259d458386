"""How the scripting subcommands print records: ``--output table|json|jsonl|text``.

Every record is first a JSON object with the AWS API's member names (``Name``,
``GroupName``, ``State``, ``Target.Arn``...); the four formats are views of it:

- ``json``: one document, ``{"Schedules": [...]}`` (the API's own wrapper member), one record
  per line inside it. Written as pages arrive and closed at the end: it is valid JSON only
  when the command succeeded (a listing that fails midway leaves it unclosed, so no parser
  takes part of a list for all of it; the exit code says so too).
- ``jsonl``: one record per line, flushed page by page: bounded memory whatever the size.
- ``table``: aligned columns with a header, for people; it waits for the last record to
  size its columns.
- ``text``: tab-separated fields, one record per line, no header: for ``cut`` and ``awk``.

Everything from AWS is hostile text. In ``table`` and ``text`` it goes through ``printable``
(so a name can neither act on the terminal nor break a record over two lines: a tab or a
newline becomes its visible stand-in); in JSON through ``terminal_safe_json`` (the same
values, with the characters a terminal would act on written as ``\\u`` escapes). Dates are
ISO-8601 in UTC: ``2026-03-01T09:30:00+00:00`` in JSON and text, to the second with a ``Z`` in
tables.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TextIO

from rich.cells import cell_len

from schedtui.core.text import printable, terminal_safe_json

Record = dict[str, Any]


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    TEXT = "text"


def note(text: str) -> None:
    """One line on stderr, beside the records (never in them): what the output cannot say."""
    print(f"schedtui: note: {printable(text)}", file=sys.stderr)


def json_value(value: Any) -> Any:
    """``json.dumps``'s ``default``: a date as ISO-8601 in UTC."""
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``value`` as JSON (non-ASCII kept, terminal-safe, dates as ISO-8601 UTC)."""
    text = json.dumps(value, ensure_ascii=False, indent=indent, default=json_value)
    return terminal_safe_json(text)


def local_time(at: datetime | None) -> str:
    """An instant on the operator's wall clock, its zone named (a table's times)."""
    return "-" if at is None else at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z").rstrip()


def cell(value: Any, *, table: bool = False) -> str:
    """One field as text: printable, dates in UTC, lists comma-separated, None empty."""
    if value is None:
        return "-" if table else ""
    if isinstance(value, datetime):
        utc = value.astimezone(UTC) if value.tzinfo else value
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ") if table else utc.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(cell(item, table=table) for item in value)
    if isinstance(value, dict):
        return printable(json_text(value))
    return printable(str(value))


def member(path: str) -> Callable[[Record], Any]:
    """A record's member by its dotted path (``Target.Arn``); None when absent."""
    parts = path.split(".")

    def get(record: Record) -> Any:
        value: Any = record
        for part in parts:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    return get


@dataclass(frozen=True)
class Column:
    """One table column or text field: its header, and the member it shows (a dotted path)
    or the function of the record that makes it."""

    label: str
    value: str | Callable[[Record], Any]
    align: str = "left"
    of: Callable[[Record], Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        value = self.value
        object.__setattr__(self, "of", member(value) if isinstance(value, str) else value)


def fields(*paths: str) -> tuple[Column, ...]:
    """Text fields named for the members they show."""
    return tuple(Column(path, path) for path in paths)


@dataclass(frozen=True)
class View:
    """One kind of record: the JSON document's member holding them, the table's columns, and
    the text lines' fields (in order)."""

    root: str
    table: tuple[Column, ...]
    text: tuple[Column, ...]


def render_table(rows: list[list[str]], header: list[str], right: set[int]) -> list[str]:
    """Aligned lines: two spaces between columns, widths in terminal cells, no trailing
    blanks."""
    widths = [cell_len(label) for label in header]
    for row in rows:
        for index, text in enumerate(row):
            widths[index] = max(widths[index], cell_len(text))
    lines = []
    for row in [header, *rows]:
        parts = []
        for index, text in enumerate(row):
            pad = " " * (widths[index] - cell_len(text))
            parts.append(pad + text if index in right else text + pad)
        lines.append("  ".join(parts).rstrip())
    return lines


class Writer:
    """Prints the records of one view in one format, as they come (``add``), then ``close``.

    ``close(complete=False)`` after a failure: a table still prints the rows it has (people
    read it along with the error), a JSON document stays unclosed (see the module's
    docstring). Counts what it wrote in ``count``.
    """

    def __init__(self, view: View, output: Format, stream: TextIO | None = None) -> None:
        self.view = view
        self.output = output
        self.stream = stream or sys.stdout
        self.count = 0
        self._rows: list[list[str]] = []

    def add(self, records: Iterable[Record]) -> None:
        """Print ``records`` (a page) and flush, so a reader sees each page as it arrives."""
        out = self.stream
        for record in records:
            if self.output is Format.JSON:
                out.write(f'{{"{self.view.root}": [\n' if self.count == 0 else ",\n")
                out.write(json_text(record))
            elif self.output is Format.JSONL:
                out.write(json_text(record) + "\n")
            elif self.output is Format.TEXT:
                out.write("\t".join(cell(c.of(record)) for c in self.view.text) + "\n")
            else:
                self._rows.append([cell(c.of(record), table=True) for c in self.view.table])
            self.count += 1
        if self.output is not Format.TABLE:
            out.flush()

    def close(self, *, complete: bool = True) -> None:
        out = self.stream
        if self.output is Format.JSON and complete:
            out.write(f'{{"{self.view.root}": []}}\n' if self.count == 0 else "\n]}\n")
        elif self.output is Format.TABLE:
            columns = self.view.table
            right = {index for index, column in enumerate(columns) if column.align == "right"}
            header = [column.label for column in columns]
            for line in render_table(self._rows, header, right):
                out.write(line + "\n")
            self._rows = []
        out.flush()
