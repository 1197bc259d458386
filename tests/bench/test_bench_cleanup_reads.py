"""Benchmark: what `:cleanup` over every group of the demo costs in AWS calls and seconds,
reading only the targets (``CleanupScreen.READS``) against the whole doctor (every role,
policy, DLQ and key: what it read before).

Run on demand: `python -m pytest tests/bench/test_bench_cleanup_reads.py -s`. The demo
runs embedded (moto over HTTP on 127.0.0.1, its clock fixed); each run has a repository of
its own (a cold cache) with the real limiters (IAM 5 requests a second, the others 10), as
the screen's walk has. Printed per run: the calls by service, the wall time, and the
candidates found (the same both ways: the roles never made one).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from schedtui.aws.doctor_repo import DoctorRepository
from schedtui.aws.session import AwsClients
from schedtui.core.health.cleanup import Candidate, candidates
from schedtui.core.health.resources import EVERY_RESOURCE, Resource
from schedtui.core.schedules.schedule import Schedule
from schedtui.demo.embedded import EmbeddedDemo
from schedtui.ui.screens.cleanup import CleanupScreen
from tests.bench.scale import sized

NOW = datetime(2026, 8, 21, 16, 42, 5, tzinfo=UTC)
SIZE = sized(None, 60)  # None: the default demo
SERVICES = (
    "iam", "sts", "lambda_", "stepfunctions", "ecs", "sqs", "sns", "events", "kms", "kinesis",
    "firehose", "sagemaker", "codebuild", "codepipeline",
)  # fmt: skip


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[EmbeddedDemo, list[Schedule]]]:
    embedded = EmbeddedDemo(now=NOW, size=SIZE)
    try:
        settings = embedded.start()
        with pytest.MonkeyPatch.context() as env:
            env.setenv("AWS_ACCESS_KEY_ID", "testing")
            env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
            scheduler = AwsClients(settings).scheduler
            schedules = [
                Schedule.from_api(
                    scheduler.get_schedule(GroupName=summary["GroupName"], Name=summary["Name"])
                )
                for page in scheduler.get_paginator("list_schedules").paginate()
                for summary in page["Schedules"]
            ]
            yield embedded, schedules
    finally:
        embedded.stop()


def _no_wait(_seconds: float) -> None:
    """The limiters' sleep in the tiny run."""


def _cleanup(
    embedded: EmbeddedDemo, schedules: list[Schedule], reads: frozenset[Resource]
) -> tuple[list[Candidate], Counter[str], float]:
    assert embedded.settings is not None
    clients = AwsClients(embedded.settings)
    per_service: Counter[str] = Counter()
    for name in SERVICES:
        getattr(clients, name).meta.events.register(
            "before-call",
            lambda model, **_: per_service.update([model.service_model.service_name]),
        )
    # The suite's tiny run checks only that this runs: it skips the limiters' waits (~20 s).
    doctor = DoctorRepository(clients, sleep=sized(time.sleep, _no_wait))
    started = time.perf_counter()
    # As the screen's walk: a page of 100 definitions at a time (fleet_scan.py's PAGE).
    found: list[Candidate] = []
    for start in range(0, len(schedules), CleanupScreen.PAGE):
        page = schedules[start : start + CleanupScreen.PAGE]
        found += candidates(page, NOW, doctor.diagnose(page, NOW, reads=reads))
    seconds = time.perf_counter() - started
    assert doctor.calls == sum(per_service.values())
    return found, per_service, seconds


def test_cleanup_reads_only_the_targets(
    demo: tuple[EmbeddedDemo, list[Schedule]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    embedded, schedules = demo
    before, before_calls, before_seconds = _cleanup(embedded, schedules, EVERY_RESOURCE)
    after, after_calls, after_seconds = _cleanup(embedded, schedules, CleanupScreen.READS)
    assert [c.schedule.key for c in after] == [c.schedule.key for c in before]
    assert after_calls["iam"] == 0
    print(
        f"\n:cleanup over every group of the demo ({len(schedules):,} schedules, "
        f"{len(after)} candidates), cold cache, real limiters:\n"
        f"  before, the whole doctor: {sum(before_calls.values()):,} AWS calls "
        f"({dict(sorted(before_calls.items()))}), {before_seconds:.1f} s\n"
        f"  after, targets only: {sum(after_calls.values()):,} AWS calls "
        f"({dict(sorted(after_calls.items()))}), {after_seconds:.1f} s"
    )
