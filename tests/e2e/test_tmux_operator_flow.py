"""End to end at 80x24, the smallest common terminal: an operator filters, sorts, opens a
schedule, copies its ARN, peeks at a DLQ batch by batch, and goes back with esc, in the real
app in a real terminal (tmux, its own server; see test_tmux_demo.py for the helper)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.e2e.test_tmux_demo import (
    TMUX_MISSING,
    TmuxSession,
    filter_focused,
    footer,
    row_names,
)

NOW = "2026-11-29T09:13:00Z"  # pinned: what the screen shows must not depend on the hour


def title(screen: str) -> str:
    """The list's title line (the table's top border)."""
    return next((line for line in screen.splitlines() if line.startswith("─ ")), "")


def test_an_operator_walks_the_demo_at_80x24(tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.fail(TMUX_MISSING, pytrace=False)
    env = dict(os.environ)
    env.update(
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        TERM="tmux-256color",
        SCHEDTUI_NOW=NOW,
    )
    command = [sys.executable, "-m", "schedtui", "--demo", "--refresh", "0"]
    app = TmuxSession(command, width=80, height=24, env=env, cwd=tmp_path)
    try:
        app.start()
        # OSC 52 from the app lands in tmux's buffer (what a terminal's clipboard would get).
        app._tmux("set-option", "-g", "set-clipboard", "on")
        screen = app.wait_for(
            lambda s: "groups ·" in s and "loading…" not in s and "refreshed" in s,
            timeout=20,
            what="the groups",
        )
        first = screen.splitlines()[0]
        assert "acct 123456789012" in first
        assert "us-east-1" in first  # the header is one line, even at 80 columns
        assert screen.splitlines()[1].startswith("─ Schedule groups")
        assert "? Help" in footer(screen)

        # `:` with completion: "sch" + tab, " ord" + tab, enter.
        app.type(":")
        app.wait_for("tab completes", what="the command line")
        app.type("sch")
        app.wait_for("tab completes: schedules\n", what="one candidate")
        app.keys("Tab")  # the word and its space: the groups are the candidates now
        app.wait_for("tab completes: schedules batch-jobs-group", what="the word completed")
        app.type("ord")  # the completion brought the space
        app.wait_for("tab completes: schedules orders", what="the group as the candidate")
        app.keys("Tab")
        app.wait_for(lambda s: "tab completes" not in s, what="the group completed")
        app.keys("Enter")
        app.wait_for(
            lambda s: "Schedules · group orders" in title(s) and "⏎ Open" in footer(s),
            what="the orders list, focused",
        )

        # Filter, then sort by name both ways: the title says both.
        app.type("/")
        app.wait_for(filter_focused, what="the filter focused")
        app.type("replay")
        app.wait_for(lambda s: "filter “replay”" in title(s), what="the filter applied")
        app.keys("Enter")
        app.wait_for(lambda s: "⏎ Open" in footer(s), what="the table focused again")
        app.type("s")
        screen = app.wait_for(
            lambda s: "sorted by NAME ▲" in title(s) and "filter “replay”" in title(s),
            what="the sort and filter in the title",
        )
        names = row_names(screen)
        assert len(names) >= 3
        assert all("replay" in name or "…" in name for name in names), names
        assert names == sorted(names)
        app.type("s")
        screen = app.wait_for(lambda s: "sorted by NAME ▼" in title(s), what="reversed")
        assert row_names(screen) == sorted(names, reverse=True)

        # The detail: what matters is above the fold; y copies the ARN.
        top = row_names(screen)[0]
        app.keys("Home", "Enter")  # the cursor kept its row through the sorts: to the top
        detail = app.wait_for(("State ", "Target ", "Retry ", "DLQ "), what="the detail")
        assert f"orders/{top}" in detail or top.replace("…", "") in detail
        app.type("y")
        app.wait_for("ARN copied", what="the copy notification")
        copied = app._tmux("show-buffer").stdout
        assert re.fullmatch(
            r"arn:aws:scheduler:us-east-1:123456789012:schedule/orders/\S+", copied
        ), copied

        # The monitor: focus the DLQ panel, peek, page, back.
        app.type("m")
        app.wait_for(("DEAD-LETTER QUEUE", "orders-scheduler-dlq"), what="the monitor's DLQs")
        app.keys("Tab")
        app.wait_for(
            lambda s: any(line.startswith("▌  DEAD-LETTER QUEUE") for line in s.splitlines()),
            what="the DLQ panel focused (marked)",
        )
        # The demo's planted problem DLQs sort above it. The deleted one comes first, and p
        # on it says there is nothing to peek; then step down to orders-scheduler-dlq,
        # asking each row's peek and declining the others.
        # (By its title: the copy's notification may still cover the dialog's buttons.)
        app.type("p")
        app.wait_for("nothing to peek", what="the missing queue's notice")
        for _ in range(12):
            app.keys("Down")
            app.type("p")
            screen = app.wait_for("Peek at ", what="the peek confirmation")
            if "Peek at orders-scheduler-dlq" in screen:
                break
            app.keys("Escape")
            app.wait_for(lambda s: "Peek at " not in s, what="the confirmation closed")
        app.wait_for("Peek at orders-scheduler-dlq", what="the peek confirmation")
        app.type("y")
        app.wait_for("batch 1 of 1", timeout=15, what="the first batch")
        app.type("]")
        app.wait_for(
            lambda s: "batch 2 of 2" in s or "all seen already" in s, what="the next batch"
        )
        app.type("[")
        app.wait_for("batch 1 of", what="the first batch again")

        # esc: one step back each time, to the monitor, the detail, the filtered list, the
        # list without its filter, the groups.
        app.keys("Escape")
        app.wait_for("DEAD-LETTER QUEUE", what="back on the monitor")
        app.keys("Escape")
        app.wait_for(("State ", "Next runs"), what="back on the detail")
        app.keys("Escape")
        app.wait_for(lambda s: "filter “replay”" in title(s), what="back on the list")
        app.keys("Escape")
        app.wait_for(
            lambda s: "Schedules · group orders" in title(s) and "filter" not in title(s),
            what="the filter cleared",
        )
        app.keys("Escape")
        app.wait_for(lambda s: title(s).startswith("─ Schedule groups"), what="the groups")
        app.keys("C-q")
        assert app.wait_until_dead() == "status 0"
    finally:
        app.kill()
