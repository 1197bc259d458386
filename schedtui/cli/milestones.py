"""Startup milestones for benchmarks: ``SCHEDTUI_TIMINGS=FILE`` appends one JSON line each.

A benchmark drives the real app in a terminal and reads the screen, so it sees when rows are
painted but not when the data behind them arrived. With the variable set, the app appends
``{"event": ..., "time": <epoch seconds>, ...}`` lines for: the start of ``run_tui`` or of a
scripting subcommand (with the process id), the demo server answering (with its process id),
the first ``ListSchedules`` page handed to the app, the last one, every full garbage
collection (``gc``, with its duration: at 100,000 rows one holds every thread for a
noticeable moment), and a scripting subcommand's end (``done``, with its peak resident
memory and CPU time). Unset (the normal case), nothing is written and nothing is wrapped.
"""

from __future__ import annotations

import gc
import json
import os
import time
from collections.abc import Iterator
from typing import Any

from schedtui.aws.backend import Backend
from schedtui.core.schedules.schedule import ScheduleSummary

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


def finished() -> None:
    """A scripting subcommand's end, with the peak resident memory of this process alone
    (the demo's moto server is a child process: not counted)."""
    if not os.environ.get(ENVIRONMENT_VARIABLE):
        return
    import resource  # Unix only, as the benchmarks are

    usage = resource.getrusage(resource.RUSAGE_SELF)
    milestone("done", max_rss_kib=usage.ru_maxrss, cpu_seconds=usage.ru_utime + usage.ru_stime)


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


def watch_collections() -> None:
    """Record each full (generation 2) garbage collection and how long it took."""
    if not os.environ.get(ENVIRONMENT_VARIABLE):
        return
    started = [0.0]

    def timed(phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            milestone("gc", seconds=time.perf_counter() - started[0], collected=info["collected"])

    gc.callbacks.append(timed)
