"""The form's undo and redo, field by field, and its multi-line Description, without a UI."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from schedtui.core.schedules.form import (
    FIELDS_BY_KEY,
    Entry,
    FieldHistory,
    build_schedule,
    shown,
    shown_text,
    values_of,
)
from tests.core.test_schedule_form import loaded

START = {"a": "one", "b": "two", "kind": "LAMBDA", "arn": "arn:lambda"}


def typed(history: FieldHistory, values: dict[str, str], key: str, text: str, at: float) -> None:
    values[key] = text
    history.seen(values, key, at, typed=True)


def test_a_burst_of_typing_is_one_step_and_a_pause_starts_another() -> None:
    values = dict(START)
    history = FieldHistory(values, burst=1.0)
    typed(history, values, "a", "one,", 0.0)
    typed(history, values, "a", "one, t", 0.5)
    typed(history, values, "a", "one, tw", 1.2)  # each keystroke less than 1 s after the last
    typed(history, values, "a", "one, two", 5.0)  # after a pause: its own step
    assert history.undo("a") == {"a": "one, tw"}
    history.restored({"a": "one, tw"})
    assert history.undo("a") == {"a": "one"}
    history.restored({"a": "one"})
    assert history.undo("a") is None
    assert not history.can_undo("a")


def test_each_field_has_its_own_history() -> None:
    values = dict(START)
    history = FieldHistory(values)
    typed(history, values, "a", "ONE", 0.0)
    typed(history, values, "b", "TWO", 0.1)
    assert history.undo("a") == {"a": "one"}  # a's change, though b's came later
    history.restored({"a": "one"})
    assert values["b"] == "TWO"
    assert history.undo("b") == {"b": "two"}


def test_redo_puts_the_change_back_and_a_new_edit_forgets_it() -> None:
    values = dict(START)
    history = FieldHistory(values)
    typed(history, values, "a", "ONE", 0.0)
    values.update(history.undo("a") or {})
    history.restored(values)
    assert history.can_redo("a")
    assert history.redo("a") == {"a": "ONE"}
    values["a"] = "ONE"
    history.restored(values)
    values.update(history.undo("a") or {})
    history.restored(values)
    typed(history, values, "a", "uno", 10.0)
    assert not history.can_redo("a")
    assert history.redo("a") is None


def test_a_change_that_moves_another_field_is_undone_whole() -> None:
    """Picking a kind rewrites the ARN: one step, filed under the kind."""
    values = dict(START)
    history = FieldHistory(values)
    values.update(kind="SQS", arn="arn:sqs")
    history.seen(values, "kind", 0.0, typed=False)
    assert history.undo("kind") == {"kind": "LAMBDA", "arn": "arn:lambda"}
    # The ARN also has the change in its own history: already undone, so nothing is left.
    history.restored({"kind": "LAMBDA", "arn": "arn:lambda"})
    assert history.undo("arn") is None


def test_undoing_a_change_leaves_another_field_that_moved_since_alone() -> None:
    values = dict(START)
    history = FieldHistory(values)
    values.update(kind="SQS", arn="arn:sqs")
    history.seen(values, "kind", 0.0, typed=False)
    typed(history, values, "arn", "arn:sqs:my-queue", 5.0)  # typed after the kind
    assert history.undo("kind") == {"kind": "LAMBDA"}  # the typed ARN stays


def test_a_change_outside_the_focused_field_is_filed_under_the_field_it_changed() -> None:
    values = dict(START)
    history = FieldHistory(values)
    values["b"] = "set by code"
    history.seen(values, "a", 0.0, typed=False)
    assert history.undo("a") is None
    assert history.undo("b") == {"b": "two"}


def test_nothing_changed_records_nothing() -> None:
    values = dict(START)
    history = FieldHistory(values)
    history.seen(values, "a", 0.0, typed=True)
    assert not history.can_undo("a")


# -- a Description with line breaks ------------------------------------------------------------


def test_the_description_is_multi_line_and_keeps_its_line_breaks_and_tabs() -> None:
    field = FIELDS_BY_KEY["Description"]
    assert field.entry is Entry.PROSE
    text = "Nightly backup.\nOwner: storage\n\tpage on failure\n"
    assert shown_text(field, text) == text
    # Anything a terminal would act on is still a stand-in, line separators included.
    assert shown_text(field, "a\x1b[2Jb\r\nc\u2028d") == "a␛[2Jb␍\nc\\u2028d"


def test_an_untouched_multi_line_description_goes_back_exactly_and_an_edited_one_as_typed() -> None:
    description = "line one\r\nline two\n\tindented\x1b[31m\n"
    original = loaded(Description=description)
    start = values_of(original)
    form = shown(start)
    result = build_schedule(original, start, form)
    assert result.written == []
    assert result.schedule is not None
    assert result.schedule.description == description
    edited = {**form, "Description": "line one\nline two\n\tindented\nand a new line"}
    result = build_schedule(original, start, edited)
    assert result.written == ["Description"]
    assert result.schedule is not None
    assert result.schedule.description == "line one\nline two\n\tindented\nand a new line"


@given(st.text(max_size=60))
def test_any_description_left_as_shown_is_not_written(description: str) -> None:
    original = loaded(Description=description or None)
    start = values_of(original)
    result = build_schedule(original, start, shown(start))
    assert result.written == []
