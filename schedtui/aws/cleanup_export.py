"""The cleanup's export file: what is about to be deleted, as CreateSchedule requests
(``core/health/cleanup.py: export_document``), written before the first delete is sent.

A record like the audit log (it holds target inputs): private (0600, in the 0700 state
directory), never overwriting an earlier export, and safe to ``cat`` on a terminal
(characters a terminal would act on are JSON escapes: the same values, shown inert). A file
that cannot be written raises OSError: the caller then sends no delete at all.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from schedtui.aws.audit import private_directory
from schedtui.core.expressions.zones import utc
from schedtui.core.paths import state_dir
from schedtui.core.text import terminal_safe_json

_FILE_MODE: Final = 0o600
_NEW_FILE: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC  # never over another
_MAX_TRIES: Final = 100  # exports started within the same second get -2, -3, ...


def write_export(document: dict[str, Any], now: datetime, directory: Path | None = None) -> Path:
    """Write ``document`` as ``cleanup-<UTC timestamp>.json`` in ``directory`` (the state
    directory by default); its path.

    Raises:
        OSError: the directory or the file could not be made, or the write failed (a
            partial file is removed).
    """
    folder = directory or state_dir()
    private_directory(folder)
    text = terminal_safe_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
    stamp = utc(now).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(1, _MAX_TRIES + 1):
        path = folder / (
            f"cleanup-{stamp}.json" if attempt == 1 else f"cleanup-{stamp}-{attempt}.json"
        )
        try:
            descriptor = os.open(
                path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, _FILE_MODE
            )
        except FileExistsError:
            continue
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError:
            path.unlink(missing_ok=True)
            raise
        return path
    raise FileExistsError(0, f"{_MAX_TRIES} exports already named cleanup-{stamp}", str(folder))
