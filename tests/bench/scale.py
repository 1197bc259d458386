"""How big a benchmark runs: its real size on demand, a tiny one inside the test suite.

``tests/test_benchmarks_run.py`` runs every benchmark with ``SCHEDTUI_BENCH_TINY=1`` so that
a benchmark a refactor broke fails CI (one stopped running for months and nothing noticed);
at that size its figures mean nothing and only its running is checked. A benchmark's own
size variable (``SCHEDTUI_BENCH_SIZE``...) still wins over both when set.
"""

from __future__ import annotations

import os
from typing import TypeVar

TINY_VARIABLE = "SCHEDTUI_BENCH_TINY"
TINY = os.environ.get(TINY_VARIABLE) == "1"

T = TypeVar("T")


def sized(full: T, tiny: T) -> T:
    """``tiny`` when the suite runs the benchmark, else ``full``."""
    return tiny if TINY else full
