"""Benchmark: ``schedtui --demo --demo-size N list --output jsonl`` streaming into a pipe.

Run on demand (~8 min; nearly all of it moto listing 1,000 pages at 100,000):

    .venv/bin/python -m pytest tests/bench/test_bench_scripting.py -s
    SCHEDTUI_BENCH_SIZES=1000,5000 .venv/bin/python -m pytest tests/bench/test_bench_scripting.py -s

For each size it runs the real command with its stdout on a pipe read line by line here, and
``SCHEDTUI_TIMINGS`` (``cli/milestones.py``) giving the command's own milestones: its start,
the first and last ListSchedules pages handed to the output, and its end with its peak
resident memory (``ru_maxrss`` of the schedtui process alone; the demo's moto server runs
in a child process and is reported apart, sampled from /proc). Figures printed:

- first page -> first line read from the pipe (issue #15's target: under a second);
- start -> first line (the demo's seeding and startup included), and the whole run;
- peak RSS of schedtui at each size (bounded: about the same at 10k and 100k), and its CPU
  time (moto's ListSchedules slows down with the size of the account: most of a 100,000
  listing is moto's).

It prints figures and asserts only that every schedule came through, never how fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.bench.scale import sized
from tests.bench.test_bench_demo_scale import children, rss_mib

SIZES = [
    int(size)
    for size in os.environ.get("SCHEDTUI_BENCH_SIZES", sized("10000,100000", "300")).split(",")
]


def _peak_of_children(pid: int, stop: threading.Event, peak: list[float]) -> None:
    """The largest RSS seen of ``pid``'s descendants (the demo server), every 0.2 s."""
    while not stop.wait(0.2):
        total = sum(rss_mib(child) or 0.0 for child in children(pid))
        peak[0] = max(peak[0], total)


@pytest.mark.parametrize("size", SIZES)
def test_list_jsonl_streams_in_bounded_memory(size: int, tmp_path: Path) -> None:
    timings = tmp_path / "timings.jsonl"
    env = {**os.environ, "SCHEDTUI_TIMINGS": str(timings), "XDG_STATE_HOME": str(tmp_path)}
    command = ["--demo", "--demo-size", str(size), "list", "--output", "jsonl"]
    started = time.time()
    process = subprocess.Popen(
        [sys.executable, "-m", "schedtui", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    stop = threading.Event()
    demo_peak = [0.0]
    sampler = threading.Thread(target=_peak_of_children, args=(process.pid, stop, demo_peak))
    sampler.start()
    assert process.stdout is not None
    first_line_at = None
    lines = 0
    names = set()
    for line in process.stdout:
        if first_line_at is None:
            first_line_at = time.time()
        names.add(json.loads(line)["Name"])
        lines += 1
    code = process.wait(timeout=600)
    ended = time.time()
    stop.set()
    sampler.join()
    assert process.stderr is not None
    assert code == 0, process.stderr.read().decode()
    assert lines == len(names) == size
    assert first_line_at is not None

    events = {}
    for text in timings.read_text().splitlines():
        event = json.loads(text)
        events.setdefault(event["event"], event)
    first_page = events["first-page"]["time"]
    last_page = events["last-page"]["time"]
    peak = events["done"]["max_rss_kib"] / 1024
    cpu = events["done"]["cpu_seconds"]
    print(
        f"\n[list --output jsonl, {size:,} schedules] "
        f"first page -> first line read: {(first_line_at - first_page) * 1000:.1f} ms; "
        f"start -> first line: {first_line_at - started:.2f} s "
        f"(demo seeded and answering meanwhile); "
        f"first -> last page: {last_page - first_page:.1f} s; "
        f"whole run: {ended - started:.1f} s (schedtui's CPU: {cpu:.1f} s, the rest is moto); "
        f"peak RSS schedtui: {peak:.0f} MiB (the demo's moto server: {demo_peak[0]:.0f} MiB)"
    )
