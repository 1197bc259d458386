"""End to end: the installed app, in a real terminal (tmux), driven by keys like a person.

It runs ``python -m schedtui --demo --refresh 0`` in a private tmux server (its own ``-L``
socket, no user configuration, killed in a ``finally``), with ``XDG_STATE_HOME`` in a temporary
directory so the audit log lands there, and walks the operator's path: the groups screen,
one group's schedules, a schedule's detail, a toggle with its confirmation and audit line,
the help screen, the filter, and ctrl+q. Every wait polls the screen (no fixed sleeps), so it
takes as long as the app does (~6 s here) and fails with the screen it last saw.

tmux is required: without it the test fails and says how to install it (it is not skipped).
The ``TmuxSession`` helper is reused by ``tests/bench/test_bench_tui.py``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from schedtui.core.schedules.store import GROUP_COLUMNS, SCHEDULE_COLUMNS

TMUX_MISSING = (
    "tmux is not installed: the end-to-end tests drive the real app in tmux. "
    "Install it (Debian/Ubuntu: `apt-get install tmux`; macOS: `brew install tmux`)."
)


SESSION = "app"


def tmux_path() -> str:
    path = shutil.which("tmux")
    if path is None:
        raise RuntimeError(TMUX_MISSING)
    return path


class TmuxSession:
    """One program in one pane of a private tmux server of `width` x `height` cells."""

    def __init__(
        self,
        command: Sequence[str],
        *,
        width: int = 120,
        height: int = 36,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.tmux = tmux_path()
        self.socket = f"schedtui-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.command = command
        self.width = width
        self.height = height
        self.env = dict(os.environ if env is None else env)
        self.cwd = cwd
        self.status_file = Path(tempfile.gettempdir()) / f"{self.socket}.status"

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> None:
        self.env.pop("TMUX", None)  # inside a tmux session, tmux would refuse to nest
        # The pane sets the size. COLUMNS/LINES would override it (shutil.get_terminal_size
        # reads them first), and pytest-xdist workers have COLUMNS=80 LINES=24.
        self.env.pop("COLUMNS", None)
        self.env.pop("LINES", None)
        self.status_file.unlink(missing_ok=True)
        # A shell records the exit status: tmux's own #{pane_dead_status} is unreliable (with
        # tmux 3.3a the pane sometimes reports dead while the program stays an unreaped zombie
        # with no status, for good).
        wrapped = ["sh", "-c", f'"$@"; echo $? > {shlex.quote(str(self.status_file))}', "sh"]
        self._tmux(
            "new-session",
            "-d",
            "-s",
            SESSION,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            shlex.join([*wrapped, *self.command]),
            # Set in the same client call, before the program can possibly exit.
            ";",
            "set-option",
            "-g",
            "remain-on-exit",
            "on",
        )

    def kill(self) -> None:
        """Kill this session's private server (never any other); safe to call twice."""
        subprocess.run(
            [self.tmux, "-L", self.socket, "kill-server"],
            capture_output=True,
            check=False,
            timeout=10,
            env=self.env,
        )
        # tmux leaves the socket file behind; it is ours alone, so tidy it up.
        tmpdir = Path(self.env.get("TMUX_TMPDIR") or "/tmp") / f"tmux-{os.getuid()}"
        (tmpdir / self.socket).unlink(missing_ok=True)
        self.status_file.unlink(missing_ok=True)

    # -- input and output -----------------------------------------------------------------------

    def keys(self, *keys: str) -> None:
        """tmux key names: Enter, Escape, Down, C-q, ..."""
        self._tmux("send-keys", "-t", self._pane, *keys)

    def type(self, text: str) -> None:
        """Literal text, character by character, like a person typing."""
        self._tmux("send-keys", "-t", self._pane, "-l", text)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self._pane).stdout

    def pane_status(self) -> tuple[bool, str | None]:
        """(the pane is dead or gone, how the program ended: "status N", None while unknown)."""
        result = subprocess.run(
            [self.tmux, "-L", self.socket, "list-panes", "-t", self._pane, "-F", "#{pane_dead}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
            env=self.env,
        )
        dead = result.returncode != 0 or result.stdout.strip() == "1"
        try:
            ended = f"status {self.status_file.read_text().strip()}"
        except FileNotFoundError:
            ended = None
        if ended == "status ":
            ended = None  # the shell is writing it right now
        return dead, ended

    def wait_for(
        self,
        condition: str | tuple[str, ...] | Callable[[str], bool],
        *,
        timeout: float = 10.0,
        interval: float = 0.05,
        what: str | None = None,
    ) -> str:
        """Poll the screen until `condition` holds: a text on screen, all of a tuple of texts
        (wait for everything a check needs: a screen can be captured half painted), or a
        predicate. Returns the screen that satisfied it; fails with the last screen otherwise.
        """
        texts = (condition,) if isinstance(condition, str) else condition
        if isinstance(texts, tuple):
            wanted = texts

            def check(screen: str) -> bool:
                return all(text in screen for text in wanted)

        else:
            check = texts
        deadline = time.perf_counter() + timeout
        screen = ""
        while True:
            screen = self.screen()
            if check(screen):
                return screen
            dead, ended = self.pane_status()
            if dead or time.perf_counter() > deadline:
                reason = f"the program ended ({ended})" if dead else f"{timeout} s passed"
                raise AssertionError(
                    f"waiting for {what or repr(condition)}: {reason}; the screen was:\n{screen}"
                )
            time.sleep(interval)

    def wait_until_dead(self, timeout: float = 10.0) -> str:
        """Wait for the program to end and its pane to close; how it ended ("status 0")."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            dead, ended = self.pane_status()
            if dead and ended is not None:
                return ended
            time.sleep(0.02)
        raise AssertionError(
            f"the program still runs {timeout} s later; the screen was:\n{self.screen()}"
        )

    # -- plumbing -------------------------------------------------------------------------------

    @property
    def _pane(self) -> str:
        return f"{SESSION}:"  # the active (only) pane of the private server's only session

    def _tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [self.tmux, "-L", self.socket, "-f", os.devnull, *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
            env=self.env,
            cwd=self.cwd,
        )
        if result.returncode != 0:
            raise AssertionError(
                f"tmux {' '.join(args[:2])} failed ({result.returncode}): {result.stderr.strip()}"
            )
        return result


# -- reading the screen ------------------------------------------------------------------------

STATUS = re.compile(
    r"(?P<shown>[\d,]+) shown of (?P<total>[\d,]+) · (?P<enabled>[\d,]+) enabled · "
    r"(?P<disabled>[\d,]+) disabled"
)


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def table(screen: str) -> tuple[str, list[str]]:
    """The header line and the data lines of the list on screen (empty when there is none)."""
    lines = screen.splitlines()
    at = next((at for at, line in enumerate(lines) if line.startswith("  NAME ")), None)
    if at is None:
        return "", []
    rows = []
    for line in lines[at + 1 :]:
        if not line.strip() or line.startswith("▊"):  # the end of the rows, or the filter box
            break
        rows.append(line)
    return lines[at], rows


def row_names(screen: str) -> list[str]:
    return [row[2:].split()[0] for row in table(screen)[1] if row[2:].strip()]


def cell(header: str, row: str, column: str) -> str:
    """The text of `column` in `row`, by the app's own column layout (not by where the wall
    clock happens to make a value end): a fixed-width column spans its width from its label's
    left edge, or to its label's right edge when right-aligned; a flexible one runs to the
    next label."""
    spec = next(c for c in (*SCHEDULE_COLUMNS, *GROUP_COLUMNS) if c.label == column)
    start = header.index(column)
    if not spec.flex:
        if spec.align == "right":
            end = start + len(column)
            return row[end - spec.width : end].strip()
        return row[start : start + spec.width].strip()
    following = re.search(r"\S", header[start + len(column) :])
    end = start + len(column) + (following.start() if following else len(header))
    return row[start:end].strip()


def footer(screen: str) -> str:
    lines = screen.rstrip("\n").splitlines()
    return lines[-1] if lines else ""


def filter_focused(screen: str) -> bool:
    """The filter box is open and has the focus (the footer lost the table's keys)."""
    return "filter: words" in screen and "⏎ Open" not in footer(screen)


def status(screen: str) -> dict[str, int]:
    found = STATUS.search(screen)
    assert found, f"no schedules status line on the screen:\n{screen}"
    return {name: _number(value) for name, value in found.groupdict().items()}


def audit_lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def open_row(app: TmuxSession, name: str) -> None:
    """Move the cursor from the first row down to `name` and press enter, like a person."""
    names = row_names(app.screen())
    assert name in names, f"{name} is not on the list {names}"
    app.keys(*["Down"] * names.index(name), "Enter")


# -- the test ----------------------------------------------------------------------------------


# The walk runs at several hours of the day (the app's and the demo's clock pinned through
# SCHEDTUI_NOW): what the screen shows, next runs above all, depends on the hour, and a
# check that only holds at 09:00 would block every landing at 21:00.
HOURS = ("2026-11-29T01:30:00Z", "2026-11-29T09:13:00Z", "2026-11-29T21:45:00Z")
# daily-backup-schedule runs at 02:00 UTC: its NEXT RUN cell at each of those hours (the
# widest, "in 16h47m", is wider than its label: reading by label offsets broke on it).
DAILY_NEXT = {HOURS[0]: "in 30m", HOURS[1]: "in 16h47m", HOURS[2]: "in 4h15m"}


@pytest.mark.parametrize("now", HOURS)
def test_operator_walk_through_the_demo(tmp_path: Path, now: str) -> None:
    if shutil.which("tmux") is None:
        pytest.fail(TMUX_MISSING, pytrace=False)
    state_home = tmp_path / "state"
    operators_audit = state_home / "schedtui" / "audit.jsonl"
    # The demo keeps its audit log in a temporary directory of its own (never the operator's
    # log): under this TMPDIR, found while the demo runs.
    scratch = tmp_path / "tmp"
    scratch.mkdir()

    def audit() -> Path:
        found = sorted(scratch.glob("schedtui-demo-*/audit.jsonl"))
        return found[0] if found else scratch / "no-audit-log-yet"

    env = dict(os.environ)
    env.update(
        TMPDIR=str(scratch),
        XDG_STATE_HOME=str(state_home),
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # no user themes
        TERM="tmux-256color",
        VISUAL="vi",  # the raw edit below drives the editor every bastion host has
        SCHEDTUI_NOW=now,
    )
    # From an empty directory: the package must come from the installation, not the checkout.
    command = [sys.executable, "-m", "schedtui", "--demo", "--refresh", "0"]
    app = TmuxSession(command, env=env, cwd=tmp_path)
    steps: dict[str, float] = {}
    began = time.perf_counter()

    def step(name: str) -> None:
        steps[name] = time.perf_counter() - began

    try:
        app.start()

        # The groups screen, then the listing finishes (the counts stop saying loading…).
        app.wait_for("batch-jobs-group", timeout=15, what="the groups screen")
        step("groups visible")
        groups = app.wait_for(
            lambda s: "groups ·" in s and "loading…" not in s, what="the full listing"
        )
        step("listing complete")
        assert "schedtui" in groups
        assert " DEMO " in groups, "the header must say this is the demo"
        assert "endpoint http://127.0.0.1:" in groups, "the demo must talk to 127.0.0.1 only"

        # Open batch-jobs-group: its two schedules.
        open_row(app, "batch-jobs-group")
        screen = app.wait_for(
            lambda s: (
                "daily-backup-schedule" in row_names(s)
                and any(name.startswith("weekly-maintenance-sc") for name in row_names(s))
            ),
            what="both batch-jobs-group schedules",
        )
        step("group opened")
        assert "group batch-jobs-group" in screen
        header, rows = table(screen)
        assert len(rows) == 2, rows
        # At 120 columns the GROUP column is narrower than the name: cut in the middle, so
        # that both ends show ("batch…-group").
        groups_shown = [cell(header, row, "GROUP") for row in rows]
        assert all(g.startswith("batch") and g.endswith("-group") for g in groups_shown), rows

        def daily_row(screen: str) -> dict[str, str]:
            header, rows = table(screen)
            for row in rows:
                if "daily-backup-schedule" in row:
                    labels = ("STATE", "NEXT RUN", "EXPRESSION", "ZONE")
                    return {label: cell(header, row, label) for label in labels}
            return {}

        # The list shows "…" until the schedule's details arrive (GetSchedule, in the background).
        screen = app.wait_for(
            lambda s: (
                "…" not in (daily_row(s).get("EXPRESSION", "…"), daily_row(s).get("NEXT RUN", "…"))
            ),
            timeout=15,
            what="the row's details",
        )
        step("row details loaded")
        assert daily_row(screen) == {
            "STATE": "ENABLED",
            "NEXT RUN": DAILY_NEXT[now],
            "EXPRESSION": "cron(0 2 * * ? *)",
            "ZONE": "UTC",
        }

        # The detail screen of daily-backup-schedule.
        open_row(app, "daily-backup-schedule")
        detail = app.wait_for(
            (
                "batch-jobs-group/daily-backup-schedule",
                "At 02:00, every day",
                "Next runs",
                "arn:aws:sqs:us-east-1:123456789012:scheduler-dlq",
                "Dead-letter queue ",
            ),
            what="the detail screen",
        )
        step("detail shown")
        run_lines = re.findall(
            r"^ \w{3} \d{4}-\d{2}-\d{2} 02:00 UTC  \d{4}-\d{2}-\d{2} 02:00Z", detail, re.M
        )
        assert len(run_lines) == 10, f"expected 10 next runs at 02:00 UTC:\n{detail}"
        assert re.search(r"Retry policy\s+3 attempts", detail)
        dlq = "arn:aws:sqs:us-east-1:123456789012:scheduler-dlq"
        assert re.search(rf"Dead-letter queue\s+{re.escape(dlq)}", detail)
        assert re.search(r"State\s+ENABLED", detail)
        # What matters first, above the findings and the runs.
        glance = detail.split("Next runs")[0]
        assert re.search(r"State\s+ENABLED\s+next run in ", glance), glance
        assert re.search(r"Target\s+Lambda: backup-function", glance), glance
        assert re.search(r"Retry\s+3 attempts over 1h", glance), glance
        assert re.search(r"DLQ\s+scheduler-dlq", glance), glance

        # Toggle: the confirmation says what will happen; y sends it; the audit log has it.
        before = audit_lines(audit())
        app.type("t")
        app.wait_for(
            (
                "Disable 1 schedule?",
                "batch-jobs-group/daily-backup-schedule  ENABLED → DISABLED",
                "Disable (y)",
                "Cancel (n)",
            ),
            what="the toggle confirmation",
        )
        app.type("y")
        app.wait_for(
            lambda s: (
                re.search(r"State\s+DISABLED", s) is not None
                and "Disable 1" not in s
                and "batch-jobs-group/daily-backup-schedule disabled" in s
            ),
            what="the detail screen showing DISABLED and the toggle's notification",
        )
        step("toggled")
        after = audit_lines(audit())
        assert len(after) == len(before) + 1, f"one audit line expected, got {after[len(before) :]}"
        entry = after[-1]
        assert entry["arn"] == (
            "arn:aws:scheduler:us-east-1:123456789012:schedule/batch-jobs-group/"
            "daily-backup-schedule"
        )
        assert entry["outcome"] == "applied"
        assert entry["changes"] == {"State": {"before": "ENABLED", "after": "DISABLED"}}
        assert str(entry["caller"]).startswith("arn:aws:sts::123456789012:")

        # Help for the detail screen, then escape closes it.
        app.type("?")
        app.wait_for(
            # (The runs, history and doctor keys pushed "Everywhere" below the fold.)
            ("Help: Schedule", "toggle ENABLED/DISABLED", "who changed the schedule", "doctor:"),
            what="the help screen",
        )
        app.keys("Escape")
        app.wait_for(lambda s: "Help: Schedule" not in s and "Next runs" in s, what="help closed")
        step("help shown and closed")

        # Raw edit in a real vi: the app steps aside, vi edits the schedule as JSON, and what
        # comes back is reviewed field by field before anything is sent.
        app.type("E")
        app.wait_for('"MaximumRetryAttempts": 3', what="vi showing the schedule as JSON")
        app.type(':%s/"MaximumRetryAttempts": 3/"MaximumRetryAttempts": 4/')
        app.keys("Enter")
        app.type(":wq")
        app.keys("Enter")
        app.wait_for(
            (
                "Save 1 change to batch-jobs-group/daily-backup-schedule?",
                "Target.RetryPolicy.MaximumRetryAttempts  3  → 4",
            ),
            what="the review of the raw edit",
        )
        audited = len(audit_lines(audit()))
        app.type("y")
        app.wait_for(
            lambda s: re.search(r"Retry policy\s+4 attempts", s) is not None,
            what="the detail screen showing the edited retry policy",
        )
        step("raw edit in vi")
        # The detail's own refresh may show the value read back from AWS a moment before the
        # save's worker writes its audit line (seen on a loaded machine): wait for the line.
        deadline = time.perf_counter() + 10
        while len(audit_lines(audit())) == audited and time.perf_counter() < deadline:
            time.sleep(0.05)
        entry = audit_lines(audit())[-1]
        assert entry["changes"] == {
            "Target.RetryPolicy.MaximumRetryAttempts": {"before": 3, "after": 4}
        }

        # Back to the group's list: the row is now DISABLED; filter on state:disabled.
        app.keys("Escape")
        # (The status line may be under the toggle's notification for a few seconds.)
        screen = app.wait_for(
            lambda s: "group batch-jobs-group" in s and daily_row(s).get("STATE") == "DISABLED",
            what="the group's list with the row disabled",
        )
        header, rows = table(screen)
        weekly = next(row for row in rows if "weekly-maintenance" in row)
        assert cell(header, weekly, "STATE") == "ENABLED"
        app.type("/")
        app.wait_for(filter_focused, what="the filter box, focused")
        app.type("state:disabled")
        screen = app.wait_for(
            lambda s: "1 shown of 2" in s and len(table(s)[1]) == 1, what="the filtered group list"
        )
        assert row_names(screen) == ["daily-backup-schedule"]
        app.keys("Enter")  # back to the table; the filter stays
        # Wait for the table to have the focus (the footer shows its keys again): Textual moves
        # focus after the key is handled, so a key sent at once would still go to the filter.
        app.wait_for(lambda s: "⏎ Open" in footer(s), what="the focus back on the table")

        # The same filter over every group: only disabled rows, as many as the status counts.
        app.type(":")
        app.wait_for("groups | schedules GROUP", what="the command line")
        app.type("schedules")
        app.keys("Enter")
        screen = app.wait_for(
            lambda s: "all groups ·" in s and STATUS.search(s) is not None, what="all schedules"
        )
        everything = status(screen)
        assert everything["shown"] == everything["total"] > 2
        assert everything["disabled"] >= 2
        app.type("/")
        app.wait_for(filter_focused, what="the filter box, focused")
        app.type("state:disabled")
        screen = app.wait_for(
            lambda s: (
                STATUS.search(s) is not None
                and status(s)["shown"] == everything["disabled"] == len(table(s)[1])
            ),
            what="only the disabled schedules",
        )
        step("filtered")
        header, rows = table(screen)
        assert {cell(header, row, "STATE") for row in rows} == {"DISABLED"}
        assert "daily-backup-schedule" in row_names(screen)

        # ctrl+q quits from anywhere, even with the filter box focused, and cleanly.
        app.keys("C-q")
        ended = app.wait_until_dead(timeout=10)
        step("exited")
        assert ended == "status 0", f"the app ended with {ended}; the screen was:\n{app.screen()}"
        assert "Traceback" not in app.screen()
        # The demo's writes never reached the operator's audit log, and its own went with it.
        assert not operators_audit.exists()
        assert list(scratch.glob("schedtui-demo-*")) == []
    finally:
        app.kill()
    print("\n" + "\n".join(f"{seconds:6.2f} s  {name}" for name, seconds in steps.items()))
