"""A second start of the TUI with the definitions cache warm: every row shows its definition
once the listing completes, and GetSchedule is sent only for the schedule changed in between
(counted on the wire, by a proxy in front of moto)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from schedtui.aws.backend import Backend
from schedtui.aws.definitions_db import DefinitionsDb
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.ui.app import AppOptions, SchedtuiApp
from tests.aws.conftest import LAMBDA, REGION, ROLE, scheduler_backend, seed
from tests.aws.lossy_proxy import LossyProxy
from tests.test_cli_cache import gets
from tests.ui.test_app import FIXED, loaded, on_screen, wait_for

GROUP = "nightly"
NAMES = ["careful", *(f"job-{n:05d}" for n in range(20))]


@pytest.fixture
def settings(moto_endpoint: str) -> AwsSettings:
    """Twenty schedules (rate(1 hour)) and a careful one (cron) in one group, seeded
    in moto's backend directly (no API calls)."""
    seed(20, GROUP)
    scheduler_backend().create_schedule(
        description="",
        end_date=None,
        flexible_time_window={"Mode": "OFF"},
        group_name=GROUP,
        kms_key_arn=None,
        name="careful",
        schedule_expression="cron(0 2 * * ? *)",
        schedule_expression_timezone="Europe/Madrid",
        start_date=None,
        state="ENABLED",
        target={"Arn": LAMBDA, "RoleArn": ROLE},
        action_after_completion=None,
    )
    return AwsSettings(region=REGION, endpoint_url=moto_endpoint, max_attempts=2)


@pytest.fixture
def proxy(settings: AwsSettings) -> Iterator[LossyProxy]:
    assert settings.endpoint_url is not None
    with LossyProxy(settings.endpoint_url) as running:
        yield running


def start(settings: AwsSettings, proxy: LossyProxy, tmp_path: Path) -> SchedtuiApp:
    """One run: its own backend and cache object (the same file), through the proxy."""
    backend = Backend.connect(
        replace(settings, endpoint_url=proxy.url),
        audit_path=tmp_path / "audit.jsonl",
        definitions=DefinitionsDb(),
    )
    options = AppOptions(refresh_seconds=0, clock=lambda: FIXED, group=GROUP)
    return SchedtuiApp(backend, options)


async def test_a_second_start_shows_every_definition_and_fetches_only_what_changed(
    settings: AwsSettings, proxy: LossyProxy, tmp_path: Path
) -> None:
    first = start(settings, proxy, tmp_path)
    async with first.run_test(size=(160, 30)) as pilot:
        await loaded(pilot)
    everything = gets(proxy)
    assert everything == 21  # each schedule read once

    repo = SchedulerRepository(AwsClients(settings))
    moved = repo.get_schedule(GROUP, "job-00007")
    moved = moved.replace(schedule_expression="rate(7 minutes)")
    repo.clients.scheduler.update_schedule(**moved.to_update_request())

    second = start(settings, proxy, tmp_path)
    at_listing: list[int] = []
    async with second.run_test(size=(160, 30)) as pilot:
        store = second.session.store

        def listed() -> bool:
            if store.listed and not at_listing:
                at_listing.append(gets(proxy) - everything)
            return store.listed

        await wait_for(pilot, listed)
        await loaded(pilot)
        screen = on_screen(second)
    assert at_listing[0] <= 1
    assert gets(proxy) - everything == 1  # only the changed schedule was read again
    lines = screen.splitlines()
    rows = {name: next(line for line in lines if name in line) for name in NAMES}
    assert "cron(0 2 * * ? *)" in rows["careful"]  # the cached definitions, on screen
    assert all("rate(1 hour)" in rows[f"job-{n:05d}"] for n in range(20) if n != 7)
    assert "rate(7 minutes)" in rows["job-00007"]  # the new one, not the cached one
