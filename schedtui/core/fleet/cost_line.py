"""The groups list's cost line, worded for the width it has.

Operators run schedtui over SSH in 80-column terminals: a line cut at the edge there lost
the price it was computed at. So the line has wordings from the longest to the shortest and
the first that fits is shown. What gives way, in order: the retries' own count (the total
includes them), "price of" and "then", long words ("target costs not included" becomes
"excl. targets"), the price's date, then "So far" becomes "≥". What never goes: the
invocations a month, the USD a month, that target costs are excluded, and the price basis
(the free tier and the price per million).
"""

from __future__ import annotations

from dataclasses import dataclass

from schedtui.core.fleet.cost import CostReport
from schedtui.core.fleet.prices import (
    PRICE_BASIS,
    PRICE_BRIEF,
    PRICE_TERSE,
    TARGETS_BRIEF,
    TARGETS_TERSE,
)


@dataclass(frozen=True)
class _Wording:
    retries: bool  # the retries' own count after the total
    targets: str  # ", target costs not included" or shorter
    unread: str  # said when the metrics could not be read
    so_far: str  # said when the count is not the whole account's yet
    price: str


_WORDINGS = (
    _Wording(True, f", {TARGETS_BRIEF}", " (retries not read)", "So far ", PRICE_BRIEF),
    _Wording(True, f", {TARGETS_BRIEF}", " (retries not read)", "So far ", PRICE_TERSE),
    _Wording(False, f", {TARGETS_BRIEF}", " (retries not read)", "So far ", PRICE_TERSE),
    _Wording(False, f" {TARGETS_TERSE}", " (retries unread)", "So far ", PRICE_TERSE),
    _Wording(False, f" {TARGETS_TERSE}", " (retries unread)", "So far ", PRICE_BASIS),
    _Wording(False, f" {TARGETS_TERSE}", " (retries unread)", "≥", PRICE_BASIS),
)


def cost_line(report: CostReport, width: int, *, so_far: bool, retries_unread: bool) -> str:
    """The account's invocations and Scheduler bill a month and the price behind them, in
    the longest wording at most ``width`` cells wide (every character here is one cell);
    the shortest when none fits (the screen then ends it in an ellipsis)."""
    line = ""
    for wording in _WORDINGS:
        line = _worded(report, wording, so_far=so_far, retries_unread=retries_unread)
        if len(line) <= width:
            break
    return line


def _worded(report: CostReport, wording: _Wording, *, so_far: bool, retries_unread: bool) -> str:
    total = report.invocations + report.retries
    retried = f" ({report.retries:,.0f} retries)" if wording.retries and report.retries else ""
    return (
        f"{wording.so_far if so_far else ''}{total:,.0f} inv/mo{retried}: "
        f"USD {report.usd:,.2f}/mo{wording.targets}{wording.unread if retries_unread else ''}"
        f" · {wording.price}"
    )
