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
import traceback
from datetime import UTC, datetime
from pathlib import Path

from schedtui import __version__
from schedtui.aws.audit import private_directory, state_directory
from schedtui.core.text import printable


def write_crash_report(error: BaseException, directory: Path | None = None) -> Path | None:
    """Write ``error``'s traceback (no local variables) to a private file; its path, or None
    when it could not be written."""
    folder = directory or state_directory()
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
    """The lines the operator sees: what failed, and where the traceback is."""
    what = printable(f"{type(error).__name__}: {error}")[:300]
    where = (
        f"The traceback (without variables), to report it:\n{path}"
        if path is not None
        else "The traceback could not be saved (the state directory is not writable)."
    )
    return f"schedtui stopped on an unexpected error: {what}\n{where}"
