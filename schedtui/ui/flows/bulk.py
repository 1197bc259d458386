"""Reporting the outcome of changes sent one after the other (``aws/batch.py`` sends them):
shared by toggle, delete and edit (one schedule or many)."""

from __future__ import annotations

from rich.text import Text

from schedtui.aws.batch import ResultLine
from schedtui.aws.errors import AwsError
from schedtui.core.text import printable
from schedtui.ui.screens.dialogs import MessageScreen
from schedtui.ui.session import Host


def report(host: Host, results: list[ResultLine], done: str) -> None:
    """One outcome as a notification ("group/name disabled"), several in a dialog."""
    if len(results) != 1:
        host.push_screen(results_screen(results, done))
        return
    line = results[0]
    if line.unknown:
        host.notify(line.error or "", title="Outcome unknown", severity="warning", timeout=15)
    elif line.error:
        host.show_error(AwsError(f"{line.label}: {line.error}"))
    else:
        host.notify(f"{line.label} {done}")


def results_screen(results: list[ResultLine], verb: str) -> MessageScreen:
    """One line per item: ✓ done, ✗ and why, or ? when the answer was lost (the line says
    what a re-read found)."""
    body = Text()
    for line in results:
        if line.unknown:
            body.append("? ", style="yellow")
        else:
            body.append("✗ " if line.error else "✓ ", style="red" if line.error else "green")
        body.append(printable(line.label))
        body.append((f": {printable(line.error)}" if line.error else "") + "\n")
    count = sum(1 for line in results if line.done)
    return MessageScreen(f"{count} of {len(results)} {verb}", body)
