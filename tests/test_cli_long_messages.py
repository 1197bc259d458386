"""An AWS error message of 100,000 characters (a broken or hostile endpoint can send one)
reaches the CLI's stderr and the audit log bounded, at the one place AWS errors become the
app's messages (``aws/errors.py``): its start, and how much was cut, never a raw escape."""

from __future__ import annotations

import re

import pytest

from tests.aws.lossy_proxy import LossyProxy
from tests.test_cli_scripting import run
from tests.test_cli_set_state import NIGHTLY, account, audit_lines

__all__ = ["account"]  # the fixture: one schedule, default/nightly-report, on moto

HUGE = "\x1b]0;pwned\x07 denied because " + "x" * 100_000
ROOM = 1_200  # a line of that size is a long message, not a dump


def kept_and_cut(text: str) -> tuple[str, int]:
    """The part of AWS's message a line kept (after "access denied: "), and how much it says
    was cut."""
    match = re.search(r"access denied: (.*)… \(([\d,]+) more characters\)", text)
    assert match, text[:300]
    return match[1], int(match[2].replace(",", ""))


def test_stderr_gets_the_start_of_a_huge_message_and_how_much_was_cut(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with LossyProxy(account, deny_message=HUGE) as proxy:
        proxy.spoil("GET", "/schedules/nightly-report", "deny")
        ran = run(capsys, proxy.url, "get", NIGHTLY)
    assert ran.code == 4
    (line,) = ran.err.splitlines()
    assert len(line) < ROOM
    assert "\x1b" not in line  # still printable
    assert "\x07" not in line
    kept, cut = kept_and_cut(line)
    assert kept.startswith("␛]0;pwned␇ denied because xxx")
    assert len(kept) + cut == len(HUGE)  # the count is true
    assert line.endswith("(check the IAM policy of your role)")  # the fix survives the cut


def test_the_audit_log_records_the_bounded_message(
    account: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with LossyProxy(account, deny_message=HUGE) as proxy:
        proxy.spoil("PUT", "/schedules/nightly-report", "deny")
        ran = run(capsys, proxy.url, "set-state", NIGHTLY, "--disable", "--yes")
    assert ran.code == 4
    assert len(ran.err) < ROOM
    (entry,) = audit_lines()
    assert entry["outcome"] == "refused"
    # The log says what was sent and how AWS answered; the answer's start is the evidence,
    # and 100 kB a refusal would make every refused write a 100 kB line.
    assert len(entry["error"]) < ROOM
    kept, cut = kept_and_cut(entry["error"])
    assert len(kept) + cut == len(HUGE)
