"""The history of a schedule or a group: who changed what, newest first (CloudTrail's events
and this machine's audit log, each marked), with the fault that cut it short, if any.

Everything in a ``HistoryEvent`` came from AWS or a file: it is shown through ``printable``
as rich ``Text``, never as markup (an ARN or a user agent can hold ``[/]`` or ESC).
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from typing import Any

from rich.text import Text
from textual.widgets import Static

from schedtui.core.activity.correlation import short_identity
from schedtui.core.activity.history import History, HistoryEvent, Source
from schedtui.core.text import printable, shortened

_VALUE_ROOM = 60  # characters of a changed value shown (the JSON view has them whole)
_SOURCE_STYLE = {Source.CLOUDTRAIL: "cyan", Source.AUDIT_LOG: "bold magenta"}
ERROR_STYLE = "bold red"


def local(at: datetime, zone: tzinfo | None, form: str = "%Y-%m-%d %H:%M:%S %Z") -> str:
    """An instant in the operator's zone (``AppOptions.zone``; the machine's by default)."""
    return at.astimezone(zone).strftime(form)


def fetched_at(at: datetime, zone: tzinfo | None) -> str:
    """A view title's note of when it was fetched (it refreshes on r, never by itself)."""
    return f" · fetched {local(at, zone, '%H:%M:%S')} (r)"


def value_text(value: Any) -> str:
    """A changed value on one line: text as is, anything else as compact JSON."""
    if value is None:
        return "(none)"
    shown = value if isinstance(value, str) else json.dumps(value, default=str)
    return shortened(printable(shown), _VALUE_ROOM)


def fault_message(error: BaseException) -> str:
    """What a fetch that raised says in its view (the app keeps working)."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def fault_text(what: str, fault: str) -> Text:
    """One fault line, where the part that could not be fetched would be."""
    return Text(printable(f"{what}: {fault}"), style=ERROR_STYLE)


def event_text(event: HistoryEvent, zone: tzinfo | None, *, with_name: bool) -> Text:
    text = Text()
    text.append(local(event.at, zone), style="bold")
    text.append("  ")
    text.append(printable(event.action), style="bold")
    if with_name and event.name:
        text.append("  " + printable(f"{event.group or ''}/{event.name}".lstrip("/")))
    text.append("  " + printable(short_identity(event.who)))
    text.append("  ")
    text.append(f"[{event.source.value}]", style=_SOURCE_STYLE[event.source])
    if event.error:
        text.append("\n    ✗ " + printable(event.error), style=ERROR_STYLE)
    if event.changes is None:
        note = event.changes_note or "what changed is not known"
        text.append("\n    " + printable(note), style="dim italic")
    else:
        for path, (before, after) in sorted(event.changes.items()):
            text.append("\n    " + printable(path) + ": ")
            text.append(value_text(before), style="red")
            text.append(" → ")
            text.append(value_text(after), style="green")
    details = [printable(part) for part in (event.who, event.user_agent, event.source_ip) if part]
    if details:
        text.append("\n    " + " · ".join(details), style="dim")
    return text


def history_text(
    history: History | None, zone: tzinfo | None, *, with_name: bool = False, loading: bool = False
) -> Text:
    """The whole history view: its fault first (the events before it are kept), the
    events newest first, then the notes."""
    if history is None:
        return Text("Fetching the history…", style="dim")
    text = Text()
    if loading:
        text.append("Fetching the history again…\n", style="dim")
    if history.fault:
        text.append_text(fault_text("History incomplete", history.fault))
        text.append("\n")
    if not history.events and not history.fault:
        text.append(f"No changes in the last {history.days} days.\n", style="dim")
    for event in history.events:
        text.append_text(event_text(event, zone, with_name=with_name))
        text.append("\n")
    for note in history.notes:
        text.append("· " + printable(note) + "\n", style="dim")
    text.rstrip()
    return text


class HistoryView(Static):
    """The history as one block of text (it scrolls with its container)."""

    DEFAULT_CSS = "HistoryView { height: auto; }"

    def show(
        self, history: History | None, zone: tzinfo | None, *, with_name: bool, loading: bool
    ) -> None:
        self.update(history_text(history, zone, with_name=with_name, loading=loading))
