"""The schedule form as an operator types in it (issue #14, part 4): nothing preselected,
ctrl+z / ctrl+y per field, f2..f6 and ctrl+up/down to move between sections (the banner
names the one the focus is in), a Description with line breaks shown as lines and sent back
byte for byte, and a form that stays usable at 80x24 and 60x20."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.document._document import Document
from textual.widgets import Footer, Input, Select, Static, TextArea
from textual.widgets._footer import FooterKey

from schedtui.aws.session import AwsSettings
from schedtui.core.schedules.form import FIELDS_BY_KEY, shown_text
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.schedule_form import (
    ScheduleFormScreen,
    cut_middle,
    short_title,
    widget_id,
)
from tests.ui.test_app import SIZE, loaded, wait_for
from tests.ui.test_delete_and_groups import notes
from tests.ui.test_schedule_form import (
    GROUP,
    REGION,
    colleague_edits,
    form,
    open_form,
    read,
    save_and_confirm,
    set_field,
)

MULTI_LINE = "Nightly backup.\nOwner: team-storage\n\tpage on failure"
RETRY = "Target.RetryPolicy.MaximumRetryAttempts"
DLQ_ARN = "Target.DeadLetterConfig.Arn"


def node(app: SchedtuiApp, key: str) -> Any:
    return form(app).query_one("#" + (key if key == "kind" else widget_id(key)))


def banner_lines(app: SchedtuiApp) -> list[str]:
    banner = form(app).query_one("#banner", Static)
    return str(banner.render()).splitlines()


def names(line: str, section: str) -> bool:
    """Whether the banner's first line names ``section`` (by its short name when narrow)."""
    short = {"Retry policy": "Retry", "Dead-letter queue": "DLQ"}.get(section, section)
    return f"▸ {section}" in line or f"▸ {short}" in line


def focused_key(app: SchedtuiApp) -> str | None:
    return form(app)._field_key(app.focused)


# -- nothing preselected -------------------------------------------------------------------------


async def test_no_field_selects_its_text_on_focus_and_typing_adds_at_the_end(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        for field in form(app).query(Input).results(Input):
            if field.disabled or not field.value:
                continue
            field.focus()
            await pilot.pause()
            assert field.selection.is_empty, field.id
            assert field.cursor_position == len(field.value), field.id
        description = node(app, "Description")
        description.focus()
        await pilot.pause()
        assert description.selection.is_empty
        assert description.cursor_location == description.document.end


async def test_a_new_schedule_opens_on_its_name_with_nothing_selected(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))
        await pilot.pause()
        name = node(app, "Name")
        assert app.focused is name
        await pilot.press("?")  # typed, not help: the name field holds it
        assert name.value == "?"
        assert isinstance(app.screen, ScheduleFormScreen)


# -- a Description with line breaks --------------------------------------------------------------


@given(st.text(max_size=40))
def test_the_description_widget_holds_exactly_the_text_it_is_given(text: str) -> None:
    """What the TextArea returns is what it was given (shown text: no CR, no separators), so
    an untouched Description is never taken for an edit."""
    shown = shown_text(FIELDS_BY_KEY["Description"], text)
    assert Document(shown).text == shown


async def test_a_description_with_line_breaks_shows_as_lines_and_goes_back_exactly(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    colleague_edits(settings, Description=MULTI_LINE)
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        area = node(app, "Description")
        assert isinstance(area, TextArea)
        assert area.text == MULTI_LINE
        assert area.size.height == 3  # one row per line: nothing runs into the next field
        set_field(app, RETRY, "5")
        await pilot.pause()
        assert form(app).result.written == [RETRY]
        review = await save_and_confirm(pilot)
        assert "Description" not in review
    after = read(settings)
    assert after["Description"] == MULTI_LINE
    assert after["Target"]["RetryPolicy"]["MaximumRetryAttempts"] == 5


async def test_a_line_typed_into_the_description_is_saved_as_typed(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    colleague_edits(settings, Description=MULTI_LINE)
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        assert app.focused is node(app, "Description")
        await pilot.press("enter", *"on call: ops")
        await pilot.pause()
        assert form(app).result.written == ["Description"]
        await save_and_confirm(pilot)
    assert read(settings)["Description"] == MULTI_LINE + "\non call: ops"


# -- undo and redo, field by field ---------------------------------------------------------------


async def test_ctrl_z_undoes_the_focused_fields_last_change_and_ctrl_y_redoes_it(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_form(pilot)
        seen = notes(app)
        retry, zone = node(app, RETRY), node(app, "ScheduleExpressionTimezone")
        retry.focus()
        await pilot.press("9", "9")  # 3 -> 399
        zone.focus()
        await pilot.press("end", "x")
        retry.focus()
        await pilot.press("ctrl+z")  # retry's change, though the zone's came later
        assert (retry.value, zone.value) == ("3", "UTCx")
        assert retry.cursor_position == 1
        await pilot.press("ctrl+y")
        assert retry.value == "399"
        await pilot.press("ctrl+z", "ctrl+z")
        assert retry.value == "3"
        assert seen[-1] == "Nothing to undo in Retry attempts."
        zone.focus()
        await pilot.press("ctrl+z")
        assert zone.value == "UTC"
        await pilot.pause()
        assert form(app).result.written == []


async def test_undo_in_a_select_and_in_the_kind_picker_with_the_arn_it_rewrote(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        state = node(app, "State")
        state.focus()
        await pilot.pause()
        state.value = "DISABLED"
        await pilot.pause()
        await pilot.press("ctrl+z")
        assert state.value == "ENABLED"
        arn = node(app, "Target.Arn").value
        picker = node(app, "kind")
        picker.focus()
        await pilot.pause()
        picker.value = "SQS"  # picking SQS rewrites the ARN to an SQS queue's
        await pilot.pause()
        assert node(app, "Target.Arn").value.startswith("arn:aws:sqs:")
        assert form(app)._rows["Target.SqsParameters.MessageGroupId"].display
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert (picker.value, node(app, "Target.Arn").value) == ("LAMBDA", arn)
        assert form(app).kind.name == "LAMBDA"
        assert not form(app)._rows["Target.SqsParameters.MessageGroupId"].display
        assert form(app).result.written == []
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert picker.value == "SQS"
        assert node(app, "Target.Arn").value.startswith("arn:aws:sqs:")


async def test_ctrl_z_in_the_description_and_the_input_uses_their_own_history(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_form(pilot)
        seen = notes(app)
        area = node(app, "Description")
        before = area.text
        await pilot.press("!", "!")
        await pilot.press("ctrl+z")
        assert area.text == before
        await pilot.press("ctrl+z")
        assert seen[-1] == "Nothing to undo in Description."
        target_input = node(app, "Target.Input")
        target_input.focus()
        await pilot.pause()
        original = target_input.text
        await pilot.press("ctrl+o")  # formatting is an edit too: ctrl+z takes it back
        assert target_input.text != original
        await pilot.press("ctrl+z")
        assert target_input.text == original


# -- moving between sections ---------------------------------------------------------------------

JUMPS = [
    ("f2", "StartDate", "Schedule"),
    ("f3", "FlexibleTimeWindow", "Schedule"),
    ("f4", "kind", "Target"),
    ("f5", RETRY, "Retry policy"),
    ("f6", DLQ_ARN, "Dead-letter queue"),
]


def in_view(app: SchedtuiApp, key: str) -> bool:
    scroll = form(app).query_one("#form")
    return scroll.region.contains_region(node(app, key).region)


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])  # the small sizes prove the point
async def test_f2_to_f6_jump_to_their_fields_and_the_banner_names_the_section(
    size: tuple[int, int], settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=size) as pilot:
        await open_form(pilot)
        assert "General" in banner_lines(app)[0]
        node(app, "Target.Input").focus()  # a TextArea binds f6 itself: the jump wins
        await pilot.pause()
        for key, field, section in [*JUMPS, *reversed(JUMPS)]:
            await pilot.press(key)
            await pilot.pause()
            assert focused_key(app) == field, key
            assert names(banner_lines(app)[0], section), key
            assert in_view(app, field), key


async def test_ctrl_down_and_up_move_through_every_section(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        firsts = ["ScheduleExpression", "kind", RETRY, DLQ_ARN, "KmsKeyArn"]
        for first in firsts:
            await pilot.press("ctrl+down")
            await pilot.pause()
            assert focused_key(app) == first
            assert in_view(app, first)
        await pilot.press("ctrl+down")  # the last section: it stays
        await pilot.pause()
        assert focused_key(app) == "KmsKeyArn"
        for first in reversed(["Description", *firsts[:-1]]):
            await pilot.press("ctrl+up")
            await pilot.pause()
            assert focused_key(app) == first
        assert "General" in banner_lines(app)[0]


async def test_a_viewer_jumps_too_with_nothing_to_focus(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    read_only = AwsSettings(region=REGION, endpoint_url=settings.endpoint_url, read_only=True)
    app = make_app(read_only, group=GROUP)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert names(banner_lines(app)[0], "Retry policy")
        assert in_view(app, RETRY)


# -- small terminals -----------------------------------------------------------------------------


def footer_keys(app: SchedtuiApp) -> dict[str, FooterKey]:
    footer = form(app).query_one(Footer)
    return {key.action: key for key in footer.query(FooterKey).results(FooterKey)}


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_form_stays_usable_on_a_small_terminal(
    size: tuple[int, int], settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    colleague_edits(settings, Description=MULTI_LINE)
    width, _ = size
    app = make_app(settings, group=GROUP)
    async with app.run_test(size=size) as pilot:
        await open_form(pilot)
        lines = banner_lines(app)
        assert len(lines) == 1  # the title does not wrap
        assert len(lines[0]) <= width - 2
        assert "daily-backup-schedule" in lines[0]
        set_field(app, RETRY, "399")
        await pilot.pause()
        assert "1 field to fix" in " ".join(banner_lines(app))
        assert all(len(line) <= width - 2 for line in banner_lines(app))
        keys = footer_keys(app)
        palette = keys.pop("command_palette", None)
        right = palette.region.x if palette is not None else width
        for action in ("save", "cancel", "app.help", "jump('dates')"):
            assert action in keys, action
            assert keys[action].region.right <= right, action  # whole, not cut
        assert isinstance(node(app, "State"), Select)


def test_the_title_gives_way_group_first_then_name() -> None:
    verb, group, name = "Edit", "batch-jobs-group", "daily-backup-schedule"
    assert short_title(verb, group, name, 80) == "Edit batch-jobs-group/daily-backup-schedule"
    assert short_title(verb, group, name, 35) == "Edit batch-j…/daily-backup-schedule"
    assert short_title(verb, group, name, 28) == "Edit …/daily-backup-schedule"
    assert short_title(verb, group, name, 20) == "Edit …/daily-…hedule"
    for width in range(1, 50):
        assert len(short_title(verb, group, name, width)) <= width
    assert short_title("New schedule", "", "", 40) == "New schedule"
    assert cut_middle("abcdef", 4) == "ab…f"
