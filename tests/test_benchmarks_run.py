"""Every benchmark under tests/bench/ runs here at a tiny size, so one a refactor broke fails CI.

The benchmarks are left out of the suite (``--ignore=tests/bench``: at their real size they
take minutes) and run on demand, so nothing noticed when two of them stopped running. Here
each runs the way an operator runs it, ``python -m pytest tests/bench/<file> -s``, in a
subprocess with ``SCHEDTUI_BENCH_TINY=1`` (``tests/bench/scale.py``: a few hundred schedules,
a few keys, a second of waiting). The test asserts only that it passed and printed its
figures, never what they are: at that size they mean nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bench.scale import TINY_VARIABLE

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "tests" / "bench"

# Lines each benchmark prints: its title and the labels of its figures. A benchmark added
# without an entry here fails below, so none can be left out of the suite.
FIGURES = {
    "test_bench_cleanup_reads.py": [
        ":cleanup over every group of the demo",
        "before, the whole doctor:",
        "after, targets only:",
    ],
    "test_bench_cost.py": [
        "cost of 300 demo schedules",
        "invocations a month:",
        "USD a month:",
        "from the columns (list):",
        "from the digests (CLI):",
    ],
    "test_bench_demo_scale.py": [
        "schedtui --demo --demo-size 300 in tmux",
        "first page -> first rows on screen",
        "resident memory (MiB)",
        "key latency",
        "full garbage collections",
    ],
    "test_bench_doctor_fleet.py": [
        "doctor over 200 schedules in moto over HTTP",
        "AWS read calls:",
        "wall time with the limiters:",
        "second run, cache warm:",
    ],
    "test_bench_doctor_rules.py": [
        "doctor rules over",
        "diagnose, every schedule:",
        "report + at_or_above(warning):",
    ],
    "test_bench_doctor_table.py": [
        "fleet doctor table over",
        "rows at or above info:",
        "counts for the title:",
        "notes of",
    ],
    "test_bench_filter.py": ["filter over 2,000 rows", "'state:disabled'"],
    "test_bench_million.py": [
        "2,000 schedules, in process",
        "memory: rows + definitions + table",
        "list rebuild per tick while listing",
        "/ filter 'nightly'",
        "/ clearing the filter",
        "sort by name",
        "next-run column for all rows",
        "full garbage collection with every row in the store",
    ],
    "test_bench_monitor.py": [
        "monitor refresh, 10 groups",
        "GetMetricData:",
        "DLQ depths:",
        "panel rows rebuilt",
        "second refresh of DLQ depths",
    ],
    "test_bench_next_runs.py": [
        "next run for 2,000 schedules",
        "croniter afresh per schedule:",
        "shared cache (list view):",
        "speed-up:",
    ],
    "test_bench_repository.py": [
        "400 schedules in moto over HTTP",
        "plain boto3 paginator:",
        "repository layer:",
        "all details cold",
        "refresh where nothing changed",
    ],
    "test_bench_scripting.py": [
        "[list --output jsonl, 300 schedules]",
        "first page -> first line read:",
        "peak RSS schedtui:",
    ],
    "test_bench_second_start.py": [
        "second start with a warm definitions cache, 300 schedules",
        "first start (GetSchedule at",
        "start -> listing complete:",
        "at listing complete: rows without their definition",
        "start -> every definition in:",
        "GetSchedule calls, second start:",
        "cache file after the second start:",
        "the same start with --no-cache",
        "GetSchedule calls:",
    ],
    "test_bench_timeline.py": [
        "fleet timeline, ",
        "next  1h:",
        "next 24h:",
        "next  7d:",
    ],
    "test_bench_tui.py": [
        "TUI in tmux 120x36",
        "first group row",
        "TUI in process, 160x48, 300 demo schedules",
        "storing rows",
        "rebuilding the list on screen",
        "down key quiet",
        "filter over 300 rows, quiet",
        "RSS of this process",
    ],
    "test_bench_virtual_table.py": [
        "VirtualTable benchmark: 1,000 rows",
        "+ first paint",
        "key down",
        "peak RSS",
    ],
}

BENCHMARKS = sorted(path.name for path in BENCH.glob("test_bench_*.py"))


def test_every_benchmark_has_its_figures_listed() -> None:
    assert set(FIGURES) == set(BENCHMARKS)


def _environment() -> dict[str, str]:
    # An operator's own size variables (SCHEDTUI_BENCH_SIZE...) would win over the tiny
    # setting, and the outer run's xdist and pytest markers mean nothing to the inner one.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SCHEDTUI_BENCH_", "PYTEST_XDIST", "PYTEST_CURRENT_TEST"))
    }
    env[TINY_VARIABLE] = "1"
    # The benchmarks start `python -m schedtui` in tmux from a temporary directory: this
    # checkout's code, not whichever schedtui the interpreter has installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_runs_tiny_and_prints_its_figures(name: str, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "pytest", f"tests/bench/{name}", "-s", "-q"]
    command += ["-p", "no:cacheprovider", "--basetemp", str(tmp_path)]
    # The timeout stops a hung benchmark (a tmux pane that never ends), not a slow one.
    result = subprocess.run(
        command, cwd=ROOT, env=_environment(), capture_output=True, text=True, timeout=600
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # Every test passed: none skipped, xfailed or deselected (each would hide a broken
    # benchmark); warnings are no failure.
    last = output.rstrip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed(, \d+ warnings?)? in [\d.]+s( \([\d:]+\))?", last), output
    missing = [label for label in FIGURES[name] if label not in output]
    assert not missing, f"not printed: {missing}\n{output}"
