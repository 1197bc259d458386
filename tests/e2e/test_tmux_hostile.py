"""End to end, in a real terminal: text stored in AWS never drives the operator's terminal.

A schedule and a group hold escape sequences that would retitle the window, wipe the screen
and recolour it, bidi overrides and zero-width characters. The installed app (against moto on
127.0.0.1, in a private tmux server) opens them in every view: the groups list (tags), the
schedules list, the detail, the edit form, the clone form and the raw JSON editor. After each,
the pane's title is the one it had and the screen still shows the app's header: nothing the
data carried was acted on. The raw editor receives JSON with the characters as escapes.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from pathlib import Path

import boto3
import pytest

from tests.e2e.test_tmux_demo import TMUX_MISSING, TmuxSession, row_names

REGION = "us-east-1"
ACCOUNT = "123456789012"
GROUP = "hostile-group"
NAME = "hostile"
DESCRIPTION = "Nightly \x1b]2;PWNED\x07 report \x1b[2J\x1b[H\x1b[31mred \u202eevil\u202c\u200bx"
INPUT = "wipe \x1b]0;ALSO-PWNED\x07\x1b[2J\x1b[H then \x9b31m and \u202ereversed\u202c"
TAGS = {"owner": "ops \x1b]0;TAG-PWNED\x07"}


def seed_hostile(endpoint: str) -> None:
    client = boto3.client("scheduler", region_name=REGION, endpoint_url=endpoint)
    client.create_schedule_group(
        Name=GROUP, Tags=[{"Key": key, "Value": value} for key, value in TAGS.items()]
    )
    client.create_schedule(
        Name=NAME,
        GroupName=GROUP,
        ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Description=DESCRIPTION,
        Target={
            "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:work",
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/invoke",
            "Input": INPUT,
        },
    )


def test_hostile_text_never_reaches_the_terminal(tmp_path: Path, moto_endpoint: str) -> None:
    if shutil.which("tmux") is None:
        pytest.fail(TMUX_MISSING, pytrace=False)
    seed_hostile(moto_endpoint)
    received = tmp_path / "editor-received.json"
    editor = tmp_path / "editor.py"
    editor.write_text(
        textwrap.dedent(
            f"""
            import shutil, sys
            shutil.copy(sys.argv[1], {str(received)!r})
            sys.exit(1)  # abandon: nothing is saved
            """
        )
    )
    env = dict(os.environ)
    env.update(
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),  # the definitions cache: not the operator's
        TERM="tmux-256color",
        VISUAL=f"{sys.executable} {editor}",
    )
    command = [
        sys.executable, "-m", "schedtui", "--endpoint-url", moto_endpoint, "--region", REGION,
        "--refresh", "0",
    ]  # fmt: skip
    # Wide enough for the groups list's TAGS column, past INV/MO and USD/MO.
    app = TmuxSession(command, width=170, env=env, cwd=tmp_path)

    def title() -> str:
        return app._tmux("display-message", "-p", "-t", "app:", "#{pane_title}").stdout.strip()

    def untouched(where: str, screen: str, original_title: str) -> None:
        assert title() == original_title, f"{where}: the window title changed to {title()!r}"
        first = screen.splitlines()[0] if screen else ""
        assert first.lstrip().startswith("schedtui"), f"{where}: the screen was wiped:\n{screen}"
        for marker in ("PWNED", "evil"):
            assert marker not in title()

    try:
        app.start()
        original = title()
        screen = app.wait_for(
            ("hostile-group", "owner=ops ␛]0;TAG-PWNED␇"), timeout=20, what="the groups list"
        )
        untouched("groups list", screen, original)

        names = row_names(screen)
        app.keys(*["Down"] * names.index(GROUP), "Enter")
        screen = app.wait_for(lambda s: NAME in row_names(s), what="the group's schedules")
        untouched("schedules list", screen, original)

        app.keys("Enter")
        screen = app.wait_for(
            ("Nightly ␛]2;PWNED␇ report ␛[2J␛[H␛[31mred \\u202eevil\\u202c\\u200bx",),
            what="the detail, every character shown",
        )
        untouched("detail", screen, original)

        app.type("e")
        screen = app.wait_for((f"Edit {GROUP}/{NAME}", "Nightly ␛]2;PWNED␇"), what="the edit form")
        untouched("edit form", screen, original)
        app.keys("Escape")
        app.wait_for(
            lambda s: f"Edit {GROUP}/" not in s and "Next runs" in s, what="back to the detail"
        )

        app.type("c")
        screen = app.wait_for((f"Clone {GROUP}/{NAME}", "Nightly ␛]2;PWNED␇"), what="clone form")
        untouched("clone form", screen, original)
        app.keys("Escape")
        app.wait_for(
            lambda s: f"Clone {GROUP}/" not in s and "Next runs" in s, what="back to the detail"
        )

        app.type("E")
        screen = app.wait_for("The editor exited with status 1", what="the abandoned raw edit")
        untouched("after the raw editor", screen, original)
        raw = received.read_text(encoding="utf-8")
        assert not any(char in raw for char in "\x1b\x07\x9b\u202e\u202c\u200b")
        document = json.loads(raw)
        assert document["Description"] == DESCRIPTION  # the same value, as JSON escapes
        assert document["Target"]["Input"] == INPUT

        app.keys("C-q")
        assert app.wait_until_dead(timeout=10) == "status 0"
    finally:
        app.kill()
