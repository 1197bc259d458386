"""What schedtui remembers between runs, in ``state.json`` in the state directory
(``core/paths.py``): the theme the operator last chose in the app, and the last context (the
profile and region in use).

It is a convenience, never a reason to stop: a file that cannot be read or written is one
line for the operator (``Remembered.problem``, or what ``remember_*`` returns) and schedtui
carries on without it. Writes are atomic (a temporary file renamed over the old one), so a
crash or a second schedtui never leaves half a file; the last writer wins. A corrupt file is
replaced by the next write.

What is remembered comes after everything the operator says (flags, environment, the config
file) and before the built-in defaults: ``cli/context.py`` (profile, region: for the TUI
only, never a scripting subcommand) and ``cli/tui.py`` (theme) apply it.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from schedtui.core.paths import read_small_text, shown, state_dir

STATE_FILE = "state.json"
_FIELDS = ("theme", "profile", "region")


@dataclass(frozen=True)
class Remembered:
    theme: str | None = None
    profile: str | None = None  # None: no profile named (the default one)
    region: str | None = None  # the region used with ``profile``
    problem: str | None = None  # why the file could not be read (one line), if it could not


def state_path() -> Path:
    return state_dir() / STATE_FILE


def load_state(path: Path | None = None) -> Remembered:
    """What was remembered; nothing (and the reason, when the file exists) when it cannot be
    read."""
    path = state_path() if path is None else path
    try:
        data: Any = json.loads(read_small_text(path))
    except FileNotFoundError:
        return Remembered()
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return Remembered(problem=_unreadable(path, error))
    if not isinstance(data, dict) or any(
        not isinstance(data.get(name), str | None) for name in _FIELDS
    ):
        return Remembered(problem=_unreadable(path, ValueError("not what schedtui writes")))
    return Remembered(**{name: data.get(name) or None for name in _FIELDS})


def _unreadable(path: Path, error: Exception) -> str:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return (
        f"the remembered theme and context ({shown(path)}) cannot be read ({reason}); "
        "starting without them"
    )


def _write(path: Path, remembered: Remembered) -> str | None:
    """Write atomically; the problem (one line) when it could not be written."""
    data = {name: value for name, value in asdict(remembered).items() if name in _FIELDS}
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".state-", dir=path.parent)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2)
                handle.write("\n")
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as error:
        reason = error.strerror or str(error)
        return f"schedtui could not remember the theme and context in {shown(path)} ({reason})"
    return None


def remember_theme(theme: str, path: Path | None = None) -> str | None:
    """Remember the theme the operator chose; the problem (one line) if it could not be."""
    path = state_path() if path is None else path
    return _write(path, replace(load_state(path), theme=theme, problem=None))


def remember_context(
    profile: str | None, region: str | None, path: Path | None = None
) -> str | None:
    """Remember the context in use (the profile as named, None for the default one, and the
    region); the problem (one line) if it could not be. Called when the TUI starts, and by
    whatever switches profile or region in the app."""
    path = state_path() if path is None else path
    current = load_state(path)
    return _write(path, replace(current, profile=profile, region=region, problem=None))
