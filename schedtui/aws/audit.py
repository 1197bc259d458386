"""The audit log: one JSON line per write schedtui sent, in the user's state directory.

After an incident the question "who changed what, from where" must have an answer even when
CloudTrail is slow or out of reach; the line holds the field-level before and after.

It is a security record: it holds target inputs, so it is private (0600, in a 0700
directory; wider permissions found on an existing file or directory are narrowed, with a
warning), and it is safe to read on a terminal (characters a terminal would act on are JSON
escapes: the same values, shown inert). A line is written only for a request that was sent,
with its outcome: applied, refused (AWS answered with an error) or unknown (the answer was
lost; ``verified`` then says what a re-read found).
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from schedtui.core.jsontext import loads
from schedtui.core.paths import state_dir
from schedtui.core.text import terminal_safe_json

_DIRECTORY_MODE = 0o700
_FILE_MODE = 0o600


class Outcome(StrEnum):
    APPLIED = "applied"
    REFUSED = "refused"  # AWS answered with an error: nothing was applied
    UNKNOWN = "unknown"  # the answer was lost: see "verified"


def default_audit_path() -> Path:
    return state_dir() / "audit.jsonl"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def narrow(path: Path, mode: int) -> str | None:
    """Make ``path`` private; say so when it was not."""
    current = stat.S_IMODE(path.stat().st_mode)
    if current & ~mode == 0:
        return None
    path.chmod(mode)
    return f"{path} was readable by others ({current:04o}); it is now {mode:04o}"


def private_directory(directory: Path) -> list[str]:
    """Create ``directory`` (0700) or narrow its permissions; the warnings to show."""
    if not directory.exists():
        directory.mkdir(mode=_DIRECTORY_MODE, parents=True, exist_ok=True)
        directory.chmod(_DIRECTORY_MODE)  # mkdir's mode is filtered by the umask
        return []
    warning = narrow(directory, _DIRECTORY_MODE)
    return [warning] if warning else []


class AuditLog:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_audit_path()
        self._lock = threading.Lock()
        self._secured = False
        self.warnings: list[str] = []  # permissions narrowed: for the UI to show once
        # A line that could not be written (disk full, directory removed): the request was
        # already sent, so its outcome must still be reported. Each failure is kept here and
        # passed to ``on_unwritten`` (the UI shows it), never raised over the outcome.
        self.unwritten: list[str] = []
        self.on_unwritten: Callable[[str], None] | None = None

    def secure(self) -> list[str]:
        """Make the directory 0700 and the file 0600 (fixing existing ones); the warnings."""
        with self._lock:
            self._secure()
            return list(self.warnings)

    def _secure(self) -> None:
        if self._secured:
            return
        self.warnings += private_directory(self.path.parent)
        if self.path.exists():
            warning = narrow(self.path, _FILE_MODE)
            if warning:
                self.warnings.append(warning)
        self._secured = True

    def record(
        self,
        *,
        action: str,
        arn: str,
        changes: dict[str, tuple[Any, Any]],
        caller_arn: str,
        profile: str | None,
        region: str,
        outcome: Outcome,
        error: str | None = None,
        verified: str | None = None,
    ) -> None:
        entry: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "caller": caller_arn,
            "profile": profile,
            "region": region,
            "action": action,
            "arn": arn,
            "outcome": str(outcome),
        }
        if error is not None:
            entry["error"] = error
        if verified is not None:
            entry["verified"] = verified
        entry["changes"] = {
            field: {"before": _plain(before), "after": _plain(after)}
            for field, (before, after) in changes.items()
        }
        line = terminal_safe_json(json.dumps(entry, default=str, ensure_ascii=False))
        try:
            with self._lock:
                self._secure()
                flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
                with os.fdopen(os.open(self.path, flags, _FILE_MODE), "a", encoding="utf-8") as out:
                    out.write(line + "\n")
        except OSError as error:
            message = f"audit log {self.path}: {action} {arn} ({outcome}) was not recorded: {error}"
            self.unwritten.append(message)
            if self.on_unwritten is not None:
                self.on_unwritten(message)

    def readable_entries(self) -> tuple[list[Any], list[str]]:
        """Every line as JSON, for a history to show, and what could not be read (a line
        that is not JSON, the file itself): never raises, a bad line costs only itself."""
        try:
            with self.path.open(encoding="utf-8", errors="replace") as handle:
                lines = [line for line in handle if line.strip()]
        except FileNotFoundError:
            return [], []
        except OSError as error:
            return [], [f"audit log {self.path} could not be read: {error}"]
        found: list[Any] = []
        unreadable = 0
        for line in lines:
            try:
                found.append(loads(line))
            except ValueError:
                unreadable += 1
        problems = [f"audit log {self.path}: {unreadable} unreadable line(s) left out"]
        return found, problems if unreadable else []

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
