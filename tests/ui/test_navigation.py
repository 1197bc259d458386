"""Moving around: `:` commands replace the view (esc is one step back), complete names and
say when a name matches nothing; the palette finds groups and schedules and offers
schedtui's own themes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schedtui.aws.session import AwsSettings
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.commands import CommandsProvider, completions
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import CommandPrompt
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from schedtui.ui.themes import OwnThemesProvider
from schedtui.ui.widgets.virtual_table import VirtualTable
from tests.store_rows import rows_of
from tests.ui.test_app import SIZE, loaded, shown_names, wait_for
from tests.ui.test_monitor import put_metrics

GROUPS = ["billing", "data-pipeline", "ops-maintenance", "orders"]
NAMES = {"orders": ["order-sync", "order-sla-check", "inventory"], "billing": ["invoice"]}


def names_in(group: str) -> list[str]:
    return NAMES.get(group, [])


def test_completion_of_command_words_groups_and_schedule_names() -> None:
    assert completions("sch", GROUPS, names_in) == ["schedules "]  # the name comes next
    assert completions("", GROUPS, names_in)[:2] == ["groups", "schedules "]
    assert completions("fa", GROUPS, names_in) == ["failing"]
    assert completions("schedules o", GROUPS, names_in) == [
        "schedules ops-maintenance",
        "schedules orders",
    ]
    assert completions("s ORD", GROUPS, names_in) == ["s orders"]  # aliases, any case
    assert completions("schedules orders/order-s", GROUPS, names_in) == [
        "schedules orders/order-sla-check",
        "schedules orders/order-sync",
    ]
    assert completions("schedules ord/inv", GROUPS, names_in) == ["schedules orders/inventory"]
    assert completions("schedules nope/x", GROUPS, names_in) == []
    assert completions("monitor x", GROUPS, names_in) == []  # takes no name
    assert completions("schedules orders", GROUPS, names_in) == []  # already whole


def test_names_that_cannot_be_typed_back_are_not_completed() -> None:
    # Completing "grp-\x1b[31mred" put the escape, raw, in the input and on the terminal.
    groups = ["grp-\x1b[31mred", "grp-plain", "grp-\u202erev"]
    assert completions("schedules grp", groups, names_in) == ["schedules grp-plain"]
    assert completions("schedules orders/inv", ["orders"], lambda _: ["inv\x07", "inv-ok"]) == [
        "schedules orders/inv-ok"
    ]


def recorded(app: SchedtuiApp) -> list[str]:
    said: list[str] = []

    def notify(message: str, **_: Any) -> None:
        said.append(message)

    app.notify = notify  # type: ignore[method-assign]
    return said


async def command(pilot: Any, text: str) -> None:
    await pilot.press("colon")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CommandPrompt))
    await pilot.press(*text, "enter")
    await pilot.pause()


async def test_commands_replace_the_view_and_esc_goes_back_one_step(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await command(pilot, "schedules orders")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        await pilot.press("enter")  # a schedule's detail
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await command(pilot, "monitor")
        await wait_for(pilot, lambda: isinstance(app.screen, MonitorScreen))
        await command(pilot, "schedules billing")
        await wait_for(pilot, lambda: getattr(app.screen, "group", None) == "billing")
        assert len(app.screen_stack) == 3  # default, groups, billing: nothing stacked
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))


async def test_an_answer_that_arrives_as_the_operator_leaves_is_dropped(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    # CI caught it: GetSchedule answered while `:monitor` replaced the detail; the screen,
    # off the stack but still attached while Textual removed its widgets, took the answer,
    # its query for #description raised NoMatches, and the app ended.
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await command(pilot, "schedules orders")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        arrived: list[str] = []
        removal = app.pop_screen()  # Textual removes the screen's widgets after this
        assert detail.is_attached  # the window the answer fell into
        detail._if_attached(arrived.append, "answer")
        await removal
        await pilot.pause()
        assert arrived == []
        assert isinstance(app.screen, SchedulesScreen)  # and the app goes on


async def test_a_name_that_matches_nothing_says_so_and_a_unique_prefix_opens(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        said = recorded(app)
        await command(pilot, "schedules zzz")
        assert isinstance(app.screen, GroupsScreen)
        assert said
        assert "No group “zzz”" in said[-1]
        await command(pilot, "schedules ord")  # the one group it starts
        await wait_for(pilot, lambda: getattr(app.screen, "group", None) == "orders")
        await command(pilot, "schedules orders/no-such-schedule")
        assert "No schedule in orders “no-such-schedule”" in said[-1]
        await command(pilot, "shedules")
        assert "Unknown command “shedules” (did you mean schedules?)" in said[-1]
        name = shown_names(app)[0]
        await command(pilot, f"schedules orders/{name}")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("escape")  # back to the group's list, then the groups
        await wait_for(pilot, lambda: getattr(app.screen, "group", None) == "orders")


async def test_tab_completes_in_the_command_line(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("colon", "s", "c", "h", "tab")
        prompt = app.screen
        assert isinstance(prompt, CommandPrompt)
        field = prompt.query_one("#command")
        assert field.value == "schedules "  # type: ignore[attr-defined]
        await pilot.press("o", "r", "tab", "enter")
        await wait_for(pilot, lambda: getattr(app.screen, "group", None) == "orders")


async def test_failing_lists_the_schedules_of_failing_groups_and_dlqs(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    put_metrics(settings)  # target errors and a drop in orders, in the last hour
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await command(pilot, "failing")
        await wait_for(pilot, lambda: "orders" in app.session.store.failures.group_failures)
        figures = app.session.store.failures
        await pilot.pause(0.2)
        store = app.session.store
        expected = {
            arn for arn, row in rows_of(store).items() if figures.failing(row.group, row.dlq_arn)
        }
        assert figures.group_failures["orders"] == 11  # 6 + 4 target errors, 1 dropped
        orders = {arn for arn, row in rows_of(store).items() if row.group == "orders"}
        assert orders <= expected < set(store.columns.listed_arns())
        shown = app.screen.query_one(VirtualTable)
        assert set(shown.row_keys()) == expected
        # Each orders row shows its group's count, under a title that says it is the group's.
        column = [c.key for c in shown.columns].index("failures")
        assert shown.columns[column].label == "GRP FAIL 1h"
        order_row = next(
            shown.rows[position]
            for position in range(shown.row_count)
            if store.facts(shown.rows.key(position)).group == "orders"
        )
        assert shown.cell_text(order_row, column) == "11"
        # Worst first, and esc goes back: the filter is the view the command opened.
        assert (shown.sort_column, shown.sort_reverse) == ("failures", True)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))


async def test_the_palette_finds_schedules_by_fuzzy_name_and_offers_our_themes(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        provider = CommandsProvider(app.screen)
        hits = [hit async for hit in provider.search("dlybackup")]
        assert "batch-jobs-group/daily-backup-schedule" in [hit.text for hit in hits]
        hit = next(h for h in hits if h.text == "batch-jobs-group/daily-backup-schedule")
        # The help is read as markup by the palette: never AWS text (a State "[/]" crashed).
        assert {h.help for h in hits if "/" in str(h.text)} == {"Open the schedule"}
        listed = [h.text async for h in provider.discover()]  # type: ignore[attr-defined]
        assert listed[:3] == ["groups", "schedules", "failing"]  # before anything is typed
        hit.command()
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        themes = OwnThemesProvider(app.screen)
        offered = [hit.text async for hit in themes.discover()]  # type: ignore[attr-defined]
        assert "schedtui-dark" in offered
        assert "monokai" not in offered  # Textual's own are behind one entry
        assert any("Textual" in str(text) for text in offered)
