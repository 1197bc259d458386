"""Every size: at 80x24 the header is one line, the footer has the keys that matter and the
detail shows state, next run, target, retry and DLQ without scrolling; at 60x20 the lists
still show at least five rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from schedtui.aws.session import AwsSettings
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.widgets.status_header import StatusHeader
from tests.ui.test_app import footer_bindings, loaded, table, wait_for


def screen_lines(app: SchedtuiApp) -> list[str]:
    """The terminal's lines as the operator sees them (the compositor's output)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_lists_show_rows_under_a_one_line_header(
    size: tuple[int, int], settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group="orders")
    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await pilot.pause()
        header = app.screen.query_one(StatusHeader)
        assert header.size.height == 1
        lines = screen_lines(app)
        assert "acct" in lines[0] or "123456789012" in lines[0]
        visible = table(app).scrollable_content_region.height - 1  # minus its header line
        assert visible >= 5
        names = [app.session.store.facts(key).name for key in table(app).row_keys()[:5]]
        body = "\n".join(lines)
        assert all(name[:10] in body for name in names)


async def test_the_footer_at_80_columns_shows_the_keys_that_matter(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group="orders")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.pause()
        footer = screen_lines(app)[-1]
        for word in ("Open", "Filter", "Toggle", "Edit", "Help", "Command", "Back"):
            assert word in footer, (word, footer)
        assert {binding.description for binding in footer_bindings(app)} >= {"Sort"}


async def test_the_detail_shows_what_matters_without_scrolling_at_80x24(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group="orders")
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        await wait_for(pilot, lambda: screen.schedule is not None)
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        schedule = screen.schedule
        assert schedule is not None
        for label in ("State", "Target", "Retry", "DLQ"):
            assert f" {label} " in shown, label
        assert schedule.state in shown
        assert "next run in " in shown or "paused" in shown
