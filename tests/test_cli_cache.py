"""`schedtui cache path|clear` and `--no-cache`, with `schedtui dlq` (the scripting command
that reads every definition) against moto over HTTP, GetSchedule requests counted on the
wire by a proxy in front of it."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from schedtui.aws.definitions_db import default_path
from schedtui.cli import main
from schedtui.cli.cache import definitions_cache
from schedtui.cli.parser import build_parser
from schedtui.core.paths import cache_dir
from tests.aws.conftest import full_schedule, seed
from tests.aws.lossy_proxy import LossyProxy
from tests.test_cli_scripting import Ran, scheduler, sqs


@pytest.fixture
def proxy(moto_endpoint: str) -> Iterator[LossyProxy]:
    """Six schedules (one with a DLQ that exists) behind a proxy that counts requests."""
    seed(5)
    scheduler(moto_endpoint).create_schedule(**full_schedule())
    sqs(moto_endpoint).create_queue(QueueName="scheduler-dlq")
    with LossyProxy(moto_endpoint) as running:
        yield running


def gets(proxy: LossyProxy) -> int:
    """GetSchedule requests so far (GET /schedules/NAME; ListSchedules is GET /schedules)."""
    return sum(
        count
        for (method, path), count in proxy.requests.items()
        if method == "GET" and path.startswith("/schedules/")
    )


def dlq(capsys: pytest.CaptureFixture[str], proxy: LossyProxy, *flags: str) -> Ran:
    code = main(["dlq", "-o", "json", *flags, "--endpoint-url", proxy.url])
    captured = capsys.readouterr()
    return Ran(code, captured.out, captured.err)


def test_a_second_run_reads_no_definition_and_no_cache_makes_no_file(
    proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    blind = dlq(capsys, proxy, "--no-cache")
    assert blind.code == 0, blind.err
    assert not default_path().exists()
    assert not cache_dir().exists()
    assert gets(proxy) == 6

    first = dlq(capsys, proxy)
    assert first.code == 0, first.err
    assert first.err == ""
    assert default_path().exists()
    assert gets(proxy) == 12
    second = dlq(capsys, proxy)
    assert gets(proxy) == 12  # every definition came from the file
    assert second.json() == first.json() == blind.json()
    (queue,) = second.json()["Queues"]
    assert queue["Schedules"] == ["default/nightly-report"]


def test_a_corrupt_cache_file_is_one_line_on_stderr_and_the_run_works(
    proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_dir().mkdir(mode=0o700)
    default_path().write_bytes(random.Random(4).randbytes(4096))
    result = dlq(capsys, proxy)
    assert result.code == 0
    (line,) = result.err.splitlines()
    assert line.startswith("schedtui dlq: the definitions cache ")
    assert "is not a SQLite database" in line
    assert "rebuilt" in line
    assert result.json()["Queues"][0]["Schedules"] == ["default/nightly-report"]
    again = dlq(capsys, proxy)
    assert again.err == ""
    assert gets(proxy) == 6  # the rebuilt file served the second run


def test_cache_path_and_clear(proxy: LossyProxy, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cache", "path"]) == 0
    assert capsys.readouterr().out == f"{cache_dir() / 'definitions.sqlite3'}\n"
    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out.startswith("nothing to remove: ")

    dlq(capsys, proxy)
    assert default_path().exists()
    assert main(["cache", "clear"]) == 0
    said = capsys.readouterr().out.splitlines()
    assert f"removed {default_path()}" in said
    assert all(line.startswith(f"removed {default_path()}") for line in said)
    assert list(cache_dir().iterdir()) == []
    dlq(capsys, proxy)
    assert gets(proxy) == 12  # cleared: everything read again


def test_a_command_that_reads_no_definition_opens_no_file(
    proxy: LossyProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--endpoint-url", proxy.url]) == 0
    assert main(["get", "default/job-00001", "--endpoint-url", proxy.url]) == 0
    assert not default_path().exists()


def test_the_tui_opens_the_cache_unless_told_not_to_or_in_the_demo() -> None:
    parser = build_parser()
    assert definitions_cache(parser.parse_args(["--no-cache"])) is None
    assert definitions_cache(parser.parse_args(["--demo"])) is None
    assert not default_path().exists()
    opened = definitions_cache(parser.parse_args([]))
    assert opened is not None
    assert opened.usable
    assert opened.path == default_path()
    assert default_path().exists()
