"""Where schedtui keeps its files: the one way to find a directory.

- ``config_dir()``: what the operator writes (``config.toml``, ``themes/``);
- ``state_dir()``: what schedtui writes and keeps (the audit log, crash reports, the
  remembered theme and context);
- ``cache_dir()``: what can be thrown away.

Each is ``$XDG_<KIND>_HOME/schedtui`` when that variable is set to an absolute path (the XDG
Base Directory spec: unset, empty or relative is ignored), else platformdirs' user directory
for schedtui: ``~/.config/schedtui``, ``~/.local/state/schedtui`` and ``~/.cache/schedtui``
on Linux, ``~/Library/Application Support/schedtui`` (and ``~/Library/Caches/schedtui``) on
macOS. Nothing is created here: the writer creates what it writes, with the mode it needs.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP = "schedtui"
CONFIG_FILE = "config.toml"
# The most read_small_text reads: far more than a config or state file holds.
MAX_SMALL_FILE = 1 << 20  # 1 MiB


class NotASmallFile(OSError):
    """A file to read that is not a regular file, or is larger than the limit."""


def read_small_text(path: Path, limit: int = MAX_SMALL_FILE) -> str:
    """The UTF-8 text of ``path``, a regular file (symlinks followed) of at most ``limit``
    bytes. A FIFO would block the read forever and /dev/zero would fill the memory: anything
    else is refused before a byte is read (`NotASmallFile`, whose ``strerror`` says why).
    Opened non-blocking, so even a FIFO put in place after a check cannot hang it.

    Raises:
        OSError: FileNotFoundError and the rest as ``open`` raises them, or NotASmallFile.
        UnicodeDecodeError: the bytes are not UTF-8.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise NotASmallFile(0, "not a regular file", str(path))
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotASmallFile(0, f"larger than {_size(limit)}", str(path))
    return data.decode("utf-8")


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 and not limit % (1 << 20) else f"{limit} bytes"


def _directory(variable: str, platform_dir: Callable[..., Path]) -> Path:
    value = os.environ.get(variable, "")
    if value and Path(value).is_absolute():
        return Path(value) / APP
    return Path(platform_dir(APP, appauthor=False))


def config_dir() -> Path:
    return _directory("XDG_CONFIG_HOME", platformdirs.user_config_path)


def state_dir() -> Path:
    return _directory("XDG_STATE_HOME", platformdirs.user_state_path)


def cache_dir() -> Path:
    return _directory("XDG_CACHE_HOME", platformdirs.user_cache_path)


def config_path() -> Path:
    """The configuration file, whether or not it exists."""
    return config_dir() / CONFIG_FILE


def shown(path: Path) -> str:
    """A path as the operator reads it in a message: the home directory as ``~``."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except (ValueError, RuntimeError):  # elsewhere, or no home directory at all
        return str(path)
