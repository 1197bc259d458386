"""`schedtui next`: the contract scripts rely on, checked through a real process."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys

import pytest

F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)  # Linux
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
        (["rate(² minutes)"], "rate: '²' must be a positive whole number"),
        (["rate(1 days)"], "rate: 'days' must be singular when the value is 1: rate(1 day)"),
        (["rate(5 hour)"], "rate: 'hour' must be plural when the value is over 1: rate(5 hours)"),
        (["rate(1 minute)", "--tz", ""], "--tz: '' is empty: give an IANA time zone"),
        (["rate(1 minute)", "--tz", "  "], "--tz: '  ' is empty"),
        (
            ["rate(1 minute)", "--tz", "berlin"],
            "'berlin' is not an IANA time zone name (did you mean Europe/Berlin?)",
        ),
        (["rate(1 minute)", "--tz", "new york"], "(did you mean America/New_York?)"),
        (["rate(1 minute)", "-n", "10000000"], "'10000000' is more than 1000 runs"),
        (
            ["rate(1 minute)", "--start-date", "2026-01-02T00:00:00Z", "--end-date", "2026-01-01"],
            "--end-date 2026-01-01T00:00:00Z is not after --start-date 2026-01-02T00:00:00Z",
        ),
        (["rate(1 minute)", "--from", "0001-01-01T00:00:00+05:00"], "outside the years 1-9999"),
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
    assert schedtui("-V").stdout == schedtui("--version").stdout
    help_text = schedtui("--help").stdout
    assert "next" in help_text
    # The command is optional: `schedtui` alone opens the TUI, and the help says so.
    assert "[COMMAND]" in help_text.split("\n\n")[0]
    assert "optional: without one, schedtui opens the TUI" in help_text
    assert "--start-date" in schedtui("next", "--help").stdout


@pytest.mark.parametrize(
    "expression",
    [
        "rate(3000000 days)",
        "rate(2147483648 minutes)",
        "cron(0 8,0/6 * * ? *)",
        "cron(0 */5,1 * * ? *)",
        "cron(0 0 ? * 01 *)",
        "at(9999-12-31T23:59:59)",
    ],
)
def test_any_stored_expression_answers_without_a_traceback(expression: str) -> None:
    for flag in ("--explain", "--json"):
        result = schedtui("next", expression, "--from", "2026-11-29T12:00:00Z", "-n", "3", flag)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr


def test_runs_beyond_the_horizon_are_not_evaluated_and_a_note_says_so() -> None:
    result = schedtui("next", "rate(100 days)", "--from", "2199-06-01T00:00:00Z", "-n", "5")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == [
        "2199-06-01T00:00:00Z",  # created then (--created defaults to --from): fires at once
        "2199-09-09T00:00:00Z",
        "2199-12-18T00:00:00Z",
    ]
    assert result.stderr == (
        "schedtui next: note: no runs before the end of 2199: schedtui does not evaluate further\n"
    )


def test_a_mixed_hour_list_is_described_and_listed() -> None:
    result = schedtui(
        "next", "cron(0 8,0/6 * * ? *)", "--from", "2026-11-29T12:00:00Z", "-n", "3", "--explain"
    )
    assert result.stdout.splitlines() == [
        "# At minute 0 past hour 0, 6, 8, 12, 18, every day, in UTC",
        "2026-11-29T18:00:00Z  Sun 2026-11-29 18:00:00 UTC +0000",
        "2026-11-30T00:00:00Z  Mon 2026-11-30 00:00:00 UTC +0000",
        "2026-11-30T06:00:00Z  Mon 2026-11-30 06:00:00 UTC +0000",
    ]


def test_a_reader_that_stops_early_ends_it_quietly() -> None:
    # `schedtui next ... | head -1`: the pipe closes after one line; no traceback follows.
    # The smallest pipe (one page): the 56 kB of output cannot all fit before the close, so
    # a write after it always meets the closed pipe, however fast the process is.
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)
    command = ["next", "rate(1 minute)", "-n", "1000", "--from", "2026-11-29T12:00:00Z"]
    process = subprocess.Popen(
        [sys.executable, "-m", "schedtui", *command],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(write_end)
    with os.fdopen(read_end) as reader:
        first = reader.readline()
    assert process.stderr is not None
    error = process.stderr.read()
    assert process.wait(timeout=60) == 141
    assert first.startswith("2026-11-29T12:00:00Z")
    assert error == ""


def test_a_creation_time_given_means_the_same_as_one_left_out() -> None:
    # --created defaults to --from: giving it explicitly lists the same runs.
    common = ["next", "rate(5 minutes)", "--from", "2026-01-01T00:00:00Z", "-n", "2"]
    left_out = schedtui(*common)
    given = schedtui(*common, "--created", "2026-01-01T00:00:00Z")
    assert left_out.stdout == given.stdout
    assert [line.split()[0] for line in given.stdout.splitlines()] == [
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:05:00Z",
    ]


def test_json_times_are_whole_seconds_even_from_a_fractional_instant() -> None:
    # rate() counts from the creation time, which defaults to --from: a fractional --from
    # printed "local": "...T00:00:00.500000+00:00" beside a whole-second "utc".
    result = schedtui(
        "next",
        "rate(7 minutes)",
        "--json",
        "-n",
        "2",
        "--tz",
        "Asia/Kolkata",
        "--from",
        "2026-01-01T00:00:00.5Z",
    )
    runs = json.loads(result.stdout)["runs"]
    assert [run["local"] for run in runs] == [
        "2026-01-01T05:30:00+05:30",
        "2026-01-01T05:37:00+05:30",
    ]
    assert [run["utc"] for run in runs] == ["2026-01-01T00:00:00Z", "2026-01-01T00:07:00Z"]
