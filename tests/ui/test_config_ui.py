"""The config file and the remembered state in the running app: the lists show the configured
columns in the configured order, a `:` alias runs its command, and a theme chosen in the app
is the one the next start uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from schedtui.aws.session import AwsSettings
from schedtui.cli.context import Context
from schedtui.cli.parser import build_parser
from schedtui.cli.tui import app_options
from schedtui.core.config import parse_config
from schedtui.core.state import load_state, remember_theme
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from tests.ui.test_app import SIZE, loaded, open_group, table, wait_for
from tests.ui.test_navigation import command, recorded


def configured(text: str, *argv: str, remembered_theme: str | None = None) -> dict[str, object]:
    """The app options a config file gives (as cli/tui.py builds them), for make_app."""
    context = Context(AwsSettings(), config=parse_config(text))
    options = app_options(build_parser().parse_args(list(argv)), context)
    chosen = {
        key: value
        for key, value in asdict(options).items()
        if key in ("schedule_columns", "group_columns", "aliases", "theme")
    }
    return {**chosen, "remembered_theme": remembered_theme, "remember_theme": remember_theme}


def header(app: SchedtuiApp) -> list[str]:
    return table(app).render_line(0).text.split()


async def test_the_lists_show_the_configured_columns_in_order(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    config = '[columns]\nschedules = ["state", "target", "next"]\ngroups = ["name", "tags"]\n'
    app = make_app(settings, **configured(config))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert isinstance(app.screen, GroupsScreen)
        assert header(app)[:2] == ["NAME", "TAGS"]
        await open_group(pilot, "batch-jobs-group")
        shown = table(app)
        assert [column.key for column in shown.columns] == ["name", "state", "target", "next"]
        assert header(app) == ["NAME", "STATE", "TARGET", "NEXT", "RUN"]
        row = shown.cursor_row
        assert row is not None
        summary = app.session.store.facts(row.key)
        line = shown.render_line(1).text
        assert summary.name in line
        assert summary.target_kind in line  # the TARGET cell, read from the row's own cell
        shown.sort_by("state")
        assert shown.sort_column == "state"
        # :failing sorts by GRP FAIL, which this list leaves out: unsorted, not a crash.
        await command(pilot, "failing")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        assert table(app).sort_column is None
        assert "GRP" not in header(app)


async def test_an_alias_runs_its_command(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, **configured('[aliases]\nbj = "schedules batch-jobs-group"\n'))
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await command(pilot, "bj")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        assert getattr(app.screen, "group", None) == "batch-jobs-group"
        await command(pilot, "groups")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
        said = recorded(app)
        await command(pilot, "bogus")
        assert len(said) == 1
        assert said[-1].endswith("; your aliases: bj")


async def test_a_theme_chosen_in_the_app_is_the_next_starts_theme(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    first = make_app(settings, **configured(""))
    async with first.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first.theme == "schedtui-dark"
        assert load_state().theme is None  # the start's own theme is no choice
        first.theme = "schedtui-light"  # what the palette's "Change theme" does
        await pilot.pause()
    assert load_state().theme == "schedtui-light"
    second = make_app(settings, **configured("", remembered_theme=load_state().theme))
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert second.theme == "schedtui-light"
    asked = make_app(
        settings, **configured("", "--theme", "schedtui-ansi", remembered_theme="schedtui-light")
    )
    async with asked.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert asked.theme == "schedtui-ansi"  # a flag (or the config) beats the remembered


async def test_a_theme_that_cannot_be_remembered_is_said_once(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, remember_theme=lambda _: "could not remember the theme")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        said = recorded(app)
        app.theme = "schedtui-light"
        app.theme = "schedtui-ansi"
        await pilot.pause()
        assert said == ["could not remember the theme"]
        assert app.theme == "schedtui-ansi"  # the app carries on


def toasts(app: SchedtuiApp) -> str:
    """The notifications on screen, their wrapped lines joined."""
    shown = (toast.render() for toast in app.screen.query("Toast"))
    return " ".join(" ".join(str(getattr(body, "plain", body)).split()) for body in shown)


async def test_the_demo_says_at_start_that_the_definitions_cache_is_off(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    for argv, said in ((["--demo"], True), ([], False), (["--no-cache"], False)):
        options = app_options(build_parser().parse_args(argv), Context(AwsSettings()))
        app = make_app(settings, notices=options.notices)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await loaded(pilot)
            shown = toasts(app)
            assert ("Demo: the definitions cache is off" in shown) is said, (argv, shown)
