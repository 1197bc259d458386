"""Startup milestones for benchmarks: ``SCHEDTUI_TIMINGS=FILE`` appends one JSON line each.

A benchmark drives the real app in a terminal and reads the screen, so it sees when rows are
painted but not when the data behind them arrived. With the variable set, the app appends
``{"event": ..., "time": <epoch seconds>, ...}`` lines for: the start of ``run_tui`` (with the
process id), the demo server answering (with its process id), the first ``ListSchedules`` page
handed to the app, and the last one. Unset (the normal case), nothing is written and nothing
is wrapped.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

from schedtui.aws.backend import Backend
from schedtui.core.schedule import ScheduleSummary

ENVIRONMENT_VARIABLE = "SCHEDTUI_TIMINGS"


def milestone(event: str, **details: Any) -> None:
    """Append one milestone when ``SCHEDTUI_TIMINGS`` names a file; never fails the app."""
    path = os.environ.get(ENVIRONMENT_VARIABLE)
    if not path:
        return
    line = json.dumps({"event": event, "time": time.time(), **details})
    try:
        with open(path, "a", encoding="utf-8") as file:
            file.write(line + "\n")
    except OSError:
        pass  # a benchmark's file: the app must run on without it


def watch_listing(backend: Backend) -> None:
    """Record the first and the last ``ListSchedules`` page of every listing."""
    if not os.environ.get(ENVIRONMENT_VARIABLE):
        return
    pages = backend.scheduler.iter_schedule_pages

    def iter_schedule_pages(**arguments: Any) -> Iterator[list[ScheduleSummary]]:
        count = 0
        for page in pages(**arguments):
            count += len(page)
            if count == len(page):
                milestone("first-page", rows=len(page))
            yield page
        milestone("last-page", rows=count)

    # An instance attribute: only this backend's repository is wrapped.
    backend.scheduler.iter_schedule_pages = iter_schedule_pages  # type: ignore[method-assign]
