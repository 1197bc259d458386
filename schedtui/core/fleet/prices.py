"""EventBridge Scheduler's published price: the one place schedtui keeps it.

Change the figures and the date together when AWS changes the page. Only Scheduler's own
invocations are priced: what the targets cost (Lambda, Step Functions, ECS...) is not, and
every place that shows a cost says so (``PRICE_NOTE``).
"""

from __future__ import annotations

from datetime import date
from typing import Final

PRICE_SOURCE: Final = "https://aws.amazon.com/eventbridge/pricing/"
# When the figures below were taken: from issue #16, which quotes the page (this machine
# cannot reach it; check the page when changing them).
PRICE_READ_ON: Final = date(2026, 12, 4)
FREE_INVOCATIONS_PER_MONTH: Final = 14_000_000  # per account, every month
USD_PER_MILLION: Final = 1.00  # each million invocations after the free ones

TARGETS_NOT_INCLUDED: Final = "target costs (Lambda, Step Functions...) not included"
# The groups list's status line: short, so it fits 120 columns whole (``cost_line.py``).
TARGETS_BRIEF: Final = "target costs not included"
PRICE_BRIEF: Final = (
    f"{FREE_INVOCATIONS_PER_MONTH // 1_000_000}M free, then USD {USD_PER_MILLION:.2f}/M "
    f"(price of {PRICE_READ_ON.isoformat()})"
)
# Shorter wordings for narrow terminals (``cost_line.py`` picks the longest that fits): the
# price basis without its date is the last to go, never the price itself.
TARGETS_TERSE: Final = "excl. targets"
PRICE_TERSE: Final = (
    f"{FREE_INVOCATIONS_PER_MONTH // 1_000_000}M free, USD {USD_PER_MILLION:g}/M "
    f"({PRICE_READ_ON.isoformat()})"
)
PRICE_BASIS: Final = f"{FREE_INVOCATIONS_PER_MONTH // 1_000_000}M free, USD {USD_PER_MILLION:g}/M"
PRICE_NOTE: Final = (
    f"Scheduler invocations only: first {FREE_INVOCATIONS_PER_MONTH // 1_000_000} million a "
    f"month free, then USD {USD_PER_MILLION:.2f} per million ({PRICE_SOURCE}, read "
    f"{PRICE_READ_ON.isoformat()}); {TARGETS_NOT_INCLUDED}"
)


def monthly_bill(invocations: float) -> float:
    """The account's Scheduler bill in USD for ``invocations`` in a month (the free tier
    applies once, to the account's total)."""
    billed = max(0.0, invocations - FREE_INVOCATIONS_PER_MONTH)
    return billed / 1_000_000 * USD_PER_MILLION
