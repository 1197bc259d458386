"""The groups list's cost line, worded for its width: the longest wording that fits, the
essentials (invocations and USD a month, that target costs are excluded, the price basis)
in every wording, and what gives way in the documented order."""

from __future__ import annotations

import re

import pytest

from schedtui.core.fleet.cost import CostReport
from schedtui.core.fleet.cost_line import cost_line
from schedtui.core.fleet.prices import (
    FREE_INVOCATIONS_PER_MONTH,
    PRICE_BASIS,
    PRICE_BRIEF,
    PRICE_NOTE,
    PRICE_TERSE,
    USD_PER_MILLION,
    monthly_bill,
)


def report(invocations: float, retries: float = 0.0) -> CostReport:
    return CostReport(
        groups=(),
        invocations=invocations,
        free=FREE_INVOCATIONS_PER_MONTH,
        usd=monthly_bill(invocations + retries),
        price_note=PRICE_NOTE,
        retries=retries,
        retries_known=bool(retries),
    )


# The price basis, however worded: the free tier and the price per million.
BASIS = re.compile(
    rf"{FREE_INVOCATIONS_PER_MONTH // 1_000_000}M free, (then )?"
    rf"USD ({USD_PER_MILLION:g}|{USD_PER_MILLION:.2f})/M"
)
ACCOUNTS = [report(231_495, 201), report(123_456_789, 12_345), report(0)]


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("so_far", [False, True])
@pytest.mark.parametrize("unread", [False, True])
def test_every_width_gets_the_essentials_and_the_longest_wording_that_fits(
    account: CostReport, so_far: bool, unread: bool
) -> None:
    total = f"{account.invocations + account.retries:,.0f} inv/mo"
    usd = f"USD {account.usd:,.2f}/mo"
    shortest = len(cost_line(account, 0, so_far=so_far, retries_unread=unread))
    previous = 0
    for width in range(0, 200):
        line = cost_line(account, width, so_far=so_far, retries_unread=unread)
        assert total in line
        assert usd in line
        assert BASIS.search(line)
        assert "excl. targets" in line or "target costs not included" in line
        if unread:
            assert "(retries" in line  # the caveat never gives way
        if not unread and not account.retries:
            assert "retries" not in line
        if width >= shortest:
            assert len(line) <= width  # a wording that fits is always taken...
        assert len(line) >= previous  # ...and the widest one that fits: more room, more words
        previous = len(line)


def test_the_words_give_way_in_order_at_80_columns() -> None:
    account = report(231_495, 201)
    wide = cost_line(account, 200, so_far=False, retries_unread=False)
    assert wide == (
        f"231,696 inv/mo (201 retries): USD 0.00/mo, target costs not included · {PRICE_BRIEF}"
    )
    # 78 cells (80 columns less the padding): the retries' count and long words go, the
    # price's date stays.
    assert cost_line(account, 78, so_far=False, retries_unread=False) == (
        f"231,696 inv/mo: USD 0.00/mo excl. targets · {PRICE_TERSE}"
    )
    # With more to say, the date gives way, then "So far" becomes "≥".
    assert cost_line(account, 78, so_far=False, retries_unread=True) == (
        f"231,696 inv/mo: USD 0.00/mo excl. targets (retries unread) · {PRICE_BASIS}"
    )
    assert cost_line(account, 78, so_far=True, retries_unread=False) == (
        f"So far 231,696 inv/mo: USD 0.00/mo excl. targets · {PRICE_BASIS}"
    )
