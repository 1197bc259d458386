"""The audit log: one JSON line per mutation schedtui sends, in the user's state directory.

After an incident the question "who changed what, from where" must have an answer even when
CloudTrail is slow or out of reach; the line holds the field-level before and after.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def default_audit_path() -> Path:
    state_home = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state_home) / "schedtui" / "audit.jsonl"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


class AuditLog:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_audit_path()
        self._lock = threading.Lock()

    def record(
        self,
        *,
        action: str,
        arn: str,
        changes: dict[str, tuple[Any, Any]],
        caller_arn: str,
        profile: str | None,
        region: str,
        outcome: str = "ok",
    ) -> None:
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="seconds"),
            "caller": caller_arn,
            "profile": profile,
            "region": region,
            "action": action,
            "arn": arn,
            "outcome": outcome,
            "changes": {
                field: {"before": _plain(before), "after": _plain(after)}
                for field, (before, after) in changes.items()
            },
        }
        line = json.dumps(entry, default=str, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
