"""`schedtui next`: the contract scripts rely on, checked through a real process."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  ")


def schedtui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "schedtui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_one_line_per_run_first_token_utc_then_wall_clock() -> None:
    result = schedtui(
        "next",
        "cron(0 2 * * ? *)",
        "--tz",
        "Europe/Madrid",
        "--from",
        "2026-11-29T12:00:00Z",
        "-n",
        "3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "2026-11-30T01:00:00Z  Mon 2026-11-30 02:00:00 CET +0100",
        "2026-12-01T01:00:00Z  Tue 2026-12-01 02:00:00 CET +0100",
        "2026-12-02T01:00:00Z  Wed 2026-12-02 02:00:00 CET +0100",
    ]


def test_defaults_ten_runs_in_utc_from_now() -> None:
    result = schedtui("next", "rate(1 minute)")
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    assert all(LINE.match(line) and " UTC +0000" in line for line in lines)


def test_offsets_and_window() -> None:
    result = schedtui(
        "next",
        "cron(0 9 ? * 2#1 *)",
        "--tz",
        "America/New_York",
        "--from",
        "2026-01-01T00:00:00-05:00",
        "-n",
        "1",
        "--window",
        "45",
    )
    assert result.stdout == (
        "2026-01-05T14:00:00Z  Mon 2026-01-05 09:00:00 EST -0500"
        "  window until 2026-01-05T14:45:00Z\n"
    )


def test_start_and_end_dates() -> None:
    result = schedtui(
        "next",
        "rate(1 day)",
        "--from",
        "2026-01-01T00:00:00Z",
        "--start-date",
        "2026-01-03T06:00:00Z",
        "--end-date",
        "2026-01-04T06:00:00Z",
    )
    assert [line.split()[0] for line in result.stdout.splitlines()] == [
        "2026-01-03T06:00:00Z",
        "2026-01-04T06:00:00Z",
    ]


def test_no_runs_left_prints_nothing_and_succeeds() -> None:
    result = schedtui("next", "at(2020-01-01T00:00:00)", "--from", "2026-01-01T00:00:00Z")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_explain_and_json() -> None:
    explained = schedtui(
        "next",
        "cron(0 2 * * ? *)",
        "--tz",
        "Europe/Madrid",
        "--from",
        "2026-11-29T12:00:00Z",
        "-n",
        "1",
        "--explain",
    )
    assert explained.stdout.splitlines() == [
        "# At 02:00, every day, in Europe/Madrid",
        "2026-11-30T01:00:00Z  Mon 2026-11-30 02:00:00 CET +0100",
    ]
    document = json.loads(
        schedtui(
            "next",
            "cron(0 2 * * ? *)",
            "--tz",
            "Europe/Madrid",
            "--from",
            "2026-11-29T12:00:00Z",
            "-n",
            "1",
            "--json",
            "--window",
            "30",
        ).stdout
    )
    assert document["description"] == "At 02:00, every day, in Europe/Madrid"
    assert document["runs"] == [
        {
            "utc": "2026-11-30T01:00:00Z",
            "local": "2026-11-30T02:00:00+01:00",
            "window_end": "2026-11-30T01:30:00Z",
        }
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["cron(0 10 ? * 8 *)"], "day-of-week: '8' is outside 1-7 (1 = Sunday)"),
        (["cron(0 10 * * ? *)", "--tz", "Mars/Base"], "'Mars/Base' is not an IANA time zone"),
        (["cron(0 10 * * ? *)", "--from", "yesterday"], "'yesterday' is not an ISO-8601"),
        (["cron(0 10 * * ? *)", "--end-date", "2026-13-01"], "'2026-13-01' is not an ISO-8601"),
        (["cron(0 10 * * ? *)", "-n", "-1"], "'-1' is not a whole number of runs"),
        (["cron(0 10 * * ? *)", "--window", "0"], "'0' is not a flexible window of 1-1440"),
        (["cron(0 10 * * ? *)", "--window", "1441"], "'1441' is not a flexible window"),
        (["rate(0 minutes)"], "rate: '0' must be a positive whole number"),
        (["0 10 * * ? *"], "must be at(...), rate(...) or cron(...)"),
        ([], "the following arguments are required: expression"),
    ],
)
def test_invalid_input_exits_2_with_one_clear_line(args: list[str], message: str) -> None:
    result = schedtui("next", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_version_and_help() -> None:
    assert schedtui("--version").stdout.startswith("schedtui ")
    assert "next" in schedtui("--help").stdout
    assert "--start-date" in schedtui("next", "--help").stdout
