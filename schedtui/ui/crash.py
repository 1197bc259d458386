"""What an unexpected exception leaves behind: a short report on the terminal, and the
traceback in a private file.

Textual's own crash report prints every frame's local variables, and botocore's frames hold
credentials, session tokens and target inputs: on a shared bastion host that ends up in
scrollback and screen recordings. Here the terminal gets two lines (what failed, where the
details are) and the state directory gets the traceback without any variable (0600 in a 0700
directory, like the audit log).
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from schedtui import __version__
from schedtui.aws.audit import private_directory
from schedtui.core.paths import state_dir
from schedtui.core.text import printable


def unwrapped(error: BaseException) -> BaseException:
    """The exception that failed: a worker's own, not Textual's WorkerFailed around it (whose
    traceback starts in Textual and shows none of the worker's frames)."""
    # textual is looked up, not imported: `schedtui next` reports crashes without loading it.
    worker = sys.modules.get("textual.worker")
    while worker is not None and isinstance(error, worker.WorkerFailed):
        error = error.error
    return error


def write_crash_report(error: BaseException, directory: Path | None = None) -> Path | None:
    """Write ``error``'s traceback (no local variables) to a private file; its path, or None
    when it could not be written."""
    error = unwrapped(error)
    folder = directory or state_dir()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"crash-{stamp}.txt"
    text = f"schedtui {__version__} crashed at {stamp}\n\n" + "".join(
        traceback.format_exception(error)
    )
    try:
        private_directory(folder)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError:
        return None
    return path


def crash_summary(error: BaseException, path: Path | None) -> str:
    """The lines the operator sees: the exception type and where it was raised, and where the
    traceback is. The message stays in the file: it can quote a target input or an ARN, and
    the terminal's scrollback is shared on a bastion host."""
    error = unwrapped(error)
    frames = traceback.extract_tb(error.__traceback__)
    where_raised = ""
    if frames:
        last = frames[-1]
        where_raised = f" in {last.name} ({Path(last.filename).name}:{last.lineno})"
    what = printable(f"{type(error).__name__}{where_raised}")[:300]
    where = (
        f"The traceback (without variables), to report it:\n{path}"
        if path is not None
        else "The traceback could not be saved (the state directory is not writable)."
    )
    return f"schedtui stopped on an unexpected error: {what}\n{where}"


def crash_line(error: BaseException, path: Path | None) -> str:
    """`crash_summary` in one line, for the command line's stderr (one line per error)."""
    summary = crash_summary(error, path)
    what = summary.splitlines()[0]
    where = f"the traceback, to report it: {path}" if path is not None else summary.splitlines()[1]
    return f"{what}; {printable(where)}"
