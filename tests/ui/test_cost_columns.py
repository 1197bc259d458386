"""The groups list's INV/MO and USD/MO columns and its cost line: counted from the store's
columns, equal to what the whole definitions (GetSchedule) give, retries from the metrics
included, the line worded for 120 and for 80 columns (never cut), and metrics that cannot be
read said so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import boto3
import pytest
from textual.pilot import Pilot

from schedtui.aws.errors import AccessDeniedError
from schedtui.aws.metrics_repo import MetricsRepository
from schedtui.aws.session import AwsSettings
from schedtui.core.fleet.cost import cost_report
from schedtui.core.fleet.prices import PRICE_BASIS, PRICE_BRIEF, PRICE_TERSE
from schedtui.core.schedules.schedule import Schedule
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.widgets.virtual_table import VirtualTable
from tests.ui.test_app import FIXED, SIZE, loaded, scheduler, static_text, wait_for
from tests.ui.test_sizes import screen_lines


def every_schedule(settings: AwsSettings) -> list[Schedule]:
    """The account's whole definitions, read apart from the app (its own path)."""
    client = scheduler(settings)
    found = []
    for page in client.get_paginator("list_schedules").paginate():
        for item in page["Schedules"]:
            answer = client.get_schedule(GroupName=item["GroupName"], Name=item["Name"])
            found.append(Schedule.from_api(dict(answer)))
    return found


def put_retries(settings: AwsSettings) -> None:
    """14 target errors in billing two days ago, none of them a last attempt: 60 a month."""
    cloudwatch = boto3.client(
        "cloudwatch", region_name="us-east-1", endpoint_url=settings.endpoint_url
    )
    cloudwatch.put_metric_data(
        Namespace="AWS/Scheduler",
        MetricData=[
            {
                "MetricName": "TargetErrorCount",
                "Dimensions": [{"Name": "ScheduleGroup", "Value": "billing"}],
                "Timestamp": FIXED - timedelta(days=2),
                "Value": 14.0,
                "Unit": "Count",
            }
        ],
    )


def column_texts(table: VirtualTable, key: str) -> dict[str, str]:
    column = [c.key for c in table.columns].index(key)
    return {
        str(table.rows[row].key): table.cell_text(table.rows[row], column)
        for row in range(table.row_count)
    }


async def counted(pilot: Pilot[None], app: SchedtuiApp) -> GroupsScreen:
    """The groups list once listed and every definition counted, the cost line drawn."""
    await loaded(pilot)
    screen = app.screen
    assert isinstance(screen, GroupsScreen)
    await wait_for(pilot, lambda: screen.cost is not None and not screen.cost.unknown)
    await pilot.pause(0.1)
    return screen


async def test_each_group_shows_its_invocations_and_share(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    put_retries(settings)
    expected = cost_report(every_schedule(settings), FIXED, {"billing": 60.0})
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await counted(pilot, app)
        table = screen.table
        invocations = column_texts(table, "invocations")
        usd = column_texts(table, "usd")
        for group in expected.groups:
            billed = round(group.invocations + group.retries)
            assert invocations[group.group] == f"{billed:,}", group.group
            assert usd[group.group] == f"{group.usd:,.2f}"
        # The demo's account is far under the free tier: every share is zero.
        assert set(usd.values()) == {"0.00"}
        status = static_text(app, "#status")
        total = expected.invocations + 60
        assert f"{total:,.0f} inv/mo (60 retries): USD 0.00/mo" in status
        assert "target costs not included" in status
        # Whole at 120 columns, the price's date included.
        assert status.splitlines()[1].rstrip().endswith(f"{PRICE_BRIEF}")
        # Sorted by INV/MO, the busiest group comes first.
        table.sort_by("invocations", reverse=True)
        await pilot.pause(0.1)
        busiest = max(expected.groups, key=lambda g: g.invocations + g.retries)
        assert table.rows.key(0) == busiest.group


async def test_the_cost_line_fits_80_columns_and_says_unread_retries(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def denied(*_: object) -> dict[str, float]:
        raise AccessDeniedError("GetMetricData: not authorized", code="AccessDenied")

    monkeypatch.setattr(MetricsRepository, "retries_per_month", denied)
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await counted(pilot, app)
        assert screen.cost is not None
        assert not screen.cost.retries_known
        # Shorter words, never a cut: the figures, the exclusion, the unread retries and the
        # price basis all fit 78 cells (the line's padding); the price's date gave way.
        assert cost_line_shown(app) == (
            f"{screen.cost.invocations:,.0f} inv/mo: USD 0.00/mo excl. targets "
            f"(retries unread) · {PRICE_BASIS}"
        )


def cost_line_shown(app: SchedtuiApp) -> str:
    """The cost line as the terminal shows it: the status's second line, as composed."""
    status = app.screen.query_one("#status")
    return screen_lines(app)[status.region.y + 1].strip()


async def test_the_cost_line_keeps_its_price_at_120_and_at_80_columns(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await counted(pilot, app)
        assert screen.cost is not None
        figures = f"{screen.cost.billed:,.0f} inv/mo: USD 0.00/mo"
        wide = cost_line_shown(app)
        assert wide == f"{figures}, target costs not included · {PRICE_BRIEF}"
        # The operator's SSH window is 80 columns: shorter words, the price and its date
        # still there, nothing cut at the edge.
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: cost_line_shown(app) != wide)
        narrow = cost_line_shown(app)
        assert narrow == f"{figures} excl. targets · {PRICE_TERSE}"
        assert screen.query_one("#status").content_size.width == 78  # what it had to fit
