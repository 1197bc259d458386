"""JSON text from AWS or the operator, parsed and pretty-printed without surprises.

A target Input or a DLQ body is any text up to 8 KiB (256 KiB for a message): "[[[[…" nested
a few thousand deep is valid JSON that makes the json module raise RecursionError instead of
ValueError. Every caller that shows or checks such text goes through these two functions, so a
hostile document is "not JSON we can show" rather than a crash.
"""

from __future__ import annotations

import json
from typing import Any


def loads(text: str, **options: Any) -> Any:
    """json.loads, with "nested too deeply" raised as the ValueError callers already handle."""
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise ValueError("nested too deeply to read") from None


def pretty(text: str) -> str | None:
    """``text`` indented two spaces (non-ASCII kept), or None when it is not JSON we can show."""
    try:
        return json.dumps(loads(text), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return None
