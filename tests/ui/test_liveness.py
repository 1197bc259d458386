"""The app never goes stale: refreshes fire on their own, pause under a form, recover when
the endpoint comes back, report a partial listing as partial, and relative times move.

Everything runs against moto over HTTP; no key is pressed unless the test says so.
"""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from moto.server import ThreadedMotoServer

from schedtui.aws.session import AwsSettings
from schedtui.demo.seed import seed_demo
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.schedule_form import ScheduleFormScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from tests.aws.conftest import LAMBDA, ROLE, seed
from tests.aws.test_faults import aws_error_response
from tests.aws.wire import count_calls
from tests.store_rows import rows_of
from tests.ui.test_app import (
    FIXED,
    SIZE,
    loaded,
    open_group,
    scheduler,
    shown_names,
    static_text,
    table,
    wait_for,
)

GROUP = "batch-jobs-group"


async def test_a_schedule_created_behind_the_apps_back_appears_without_a_key(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, refresh_seconds=1)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await open_group(pilot, GROUP)
        assert "created-elsewhere" not in shown_names(app)
        scheduler(settings).create_schedule(
            Name="created-elsewhere",
            GroupName=GROUP,
            ScheduleExpression="rate(1 hour)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": LAMBDA, "RoleArn": ROLE},
        )
        await wait_for(pilot, lambda: "created-elsewhere" in shown_names(app), timeout=10)
        assert isinstance(app.screen, SchedulesScreen)


async def test_nothing_refreshes_under_an_open_form_and_it_catches_up_after(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, refresh_seconds=1, group=GROUP)
    listings = count_calls(app.session.backend.clients.scheduler, "ListSchedules")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))
        before = len(listings)
        await pilot.pause(2.5)  # two refresh periods
        assert len(listings) == before, "a refresh ran under the form"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        await wait_for(pilot, lambda: len(listings) > before, timeout=5)


async def test_the_detail_view_refreshes_itself(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, refresh_seconds=1, schedule=f"{GROUP}/daily-backup-schedule")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, DetailScreen) and app.screen.schedule is not None,
        )
        client = scheduler(settings)
        current = client.get_schedule(GroupName=GROUP, Name="daily-backup-schedule")
        request = {
            key: current[key]
            for key in (
                "Name", "GroupName", "ScheduleExpression", "FlexibleTimeWindow", "Target",
                "State",
            )
        }  # fmt: skip
        client.update_schedule(**request, Description="changed from another terminal")
        await wait_for(
            pilot,
            lambda: "changed from another terminal" in static_text(app, "#fields"),
            timeout=10,
        )


async def test_relative_times_move_with_the_clock_and_passed_runs_move_on(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    now = [FIXED]  # 16:00Z; daily-backup-schedule runs at 02:00 UTC
    app = make_app(settings, group=GROUP, clock=lambda: now[0], clock_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        shown = table(app)
        found = app.session.store.find(GROUP, "daily-backup-schedule")
        assert found is not None
        column = [c.key for c in shown.columns].index("next")

        def next_cell() -> str:
            row = next(r for r in shown._rows if r.key == found.arn)
            return shown.cell_text(row, column)

        assert next_cell() == "in 10h"
        now[0] = FIXED + timedelta(hours=3, minutes=30)
        await wait_for(pilot, lambda: next_cell() == "in 6h30m")
        now[0] = datetime(2026, 11, 30, 2, 1, tzinfo=UTC)  # the run has passed
        await wait_for(pilot, lambda: next_cell() == "in 23h59m")


async def test_a_listing_that_fails_midway_is_partial_then_complete(
    moto_endpoint: str, make_app: Callable[..., SchedtuiApp]
) -> None:
    seed(350, "big")
    settings = AwsSettings(region="us-east-1", endpoint_url=moto_endpoint, max_attempts=2)
    app = make_app(settings, group="big")
    calls = [0]

    def third_page_fails(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        calls[0] += 1
        if calls[0] in (3, 4):  # page 3 and its one retry
            return aws_error_response(request.url, 500, "InternalServerException", "boom")
        return None

    app.session.backend.clients.scheduler.meta.events.register_first(
        "before-send.scheduler.ListSchedules", third_page_fails
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.store.partial is not None, timeout=20)
        await wait_for(
            pilot,
            lambda: (
                len(app.session.store) == 200
                and all(row.detailed for row in rows_of(app.session.store).values())
                and not app.sync.refreshing
            ),
            timeout=30,
        )
        status = " ".join(static_text(app, "#status").split())
        assert "200 shown of 200 listed so far" in status
        assert "listing stopped after 200 (the next refresh lists again)" in status
        # Why, in the header (the status line is one line and may be cut).
        assert "internal error: boom" in static_text(app, "StatusHeader")
        assert "listing…" not in status
        assert "details loading" not in status
        await pilot.press("r")
        await wait_for(
            pilot,
            lambda: app.session.store.complete and len(app.session.store) == 350,
            timeout=20,
        )
        await wait_for(pilot, lambda: "350 shown of 350 ·" in static_text(app, "#status"))


async def test_the_header_recovers_when_the_endpoint_comes_back(
    make_app: Callable[..., SchedtuiApp],
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = f"http://127.0.0.1:{port}"
    down = AwsSettings(region="us-east-1", endpoint_url=endpoint, max_attempts=1, connect_timeout=1)
    app = make_app(down, refresh_seconds=1)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.store.last_error is not None)
        assert "acct …" in static_text(app, "StatusHeader")
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        try:
            urllib.request.urlopen(
                urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10
            ).close()
            seed_demo(endpoint, now=FIXED)
            await wait_for(
                pilot, lambda: app.session.store.complete and bool(len(app.session.store)), 20
            )
            await wait_for(pilot, lambda: "acct 123456789012" in static_text(app, "StatusHeader"))
            assert "error" not in static_text(app, "StatusHeader")
            assert "not loaded" not in static_text(app, "#status")
        finally:
            server.stop()


async def test_on_a_narrow_terminal_the_header_is_one_line_with_account_and_freshness(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    # Account, region, the local endpoint and the caller are longer than 60 columns: the
    # endpoint and caller go, the rest shortens, and nothing wraps.
    app = make_app(settings)
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_for(pilot, lambda: app.session.store.complete)
        await wait_for(pilot, lambda: "refreshed" in static_text(app, "StatusHeader"))
        lines = static_text(app, "StatusHeader").splitlines()
        assert len(lines) == 1
        assert "123456789012" in lines[0]
        assert "refreshed" in lines[0]


async def test_definitions_arriving_before_a_new_screen_is_composed_wait_for_it(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    # Seen in a busy CI run: a batch of definitions reached a list screen pushed a moment
    # before, whose table did not exist yet, and the app stopped on NoMatches.
    from schedtui.ui.sync import RowsArrived

    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.store.complete and bool(len(app.session.store)))
        app.push_screen(SchedulesScreen(group=GROUP))  # not composed until the next pause
        app.sync.apply(RowsArrived(app.sync.generation, 3, definitions=True))
        await pilot.pause()
        assert app.is_running
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        await wait_for(pilot, lambda: app.screen.table.row_count > 0)  # type: ignore[attr-defined]
