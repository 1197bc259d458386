"""The schedule form: edit, create or clone, section by section, validated as you type.

The screen only gathers text and shows what the core form model says about it
(schedtui/core/schedules/form.py): per-field rules, the next runs, the schedule to save.
Saving (review, conflicts, AWS errors) belongs to schedtui/ui/flows/schedule_edit.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum
from typing import Final

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from schedtui.aws.errors import AwsError
from schedtui.core.changes.plan import ClientTokens
from schedtui.core.expressions.zones import load_zone, zone_names
from schedtui.core.jsontext import pretty
from schedtui.core.schedules.arns import ARN_TEMPLATES, TargetKind, arn_template, target_kind
from schedtui.core.schedules.form import (
    DLQ,
    FIELDS,
    FIELDS_BY_KEY,
    MULTILINE,
    PLACEHOLDERS,
    RETRY,
    SECTIONS,
    TARGET,
    TIMING,
    Entry,
    FieldHistory,
    FormField,
    FormResult,
    Values,
    build_schedule,
    not_editable_here,
    preview,
    shown,
)
from schedtui.core.schedules.schedule import Schedule
from schedtui.core.schedules.target import json_problem
from schedtui.core.text import printable
from schedtui.ui.screens.base import AppScreen
from schedtui.ui.screens.dialogs import ConfirmScreen
from schedtui.ui.widgets.key_footer import KeyFooter

_TITLE_ROOM: Final = 24  # below this, the banner's status moves off the title's line
# The banner's names for the sections when the terminal is narrow.
_SHORT_SECTIONS: Final = {RETRY: "Retry", DLQ: "DLQ"}


def cut_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, its middle replaced by an ellipsis."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = width // 2
    tail = width - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")


def short_title(verb: str, group: str, name: str, width: int) -> str:
    """The banner's title in ``width`` characters: the group gives way first, then the
    schedule's name (from its middle), then the verb (names are ASCII: AWS's pattern)."""
    if not name:
        return cut_middle(verb, width)
    full = f"{verb} {group}/{name}"
    if len(full) <= width:
        return full
    room = width - len(f"{verb} …/{name}")
    if room >= 1:
        return f"{verb} {group[:room]}…/{name}"
    room = width - len(f"{verb} …/")
    if room >= 8:
        return f"{verb} …/{cut_middle(name, room)}"
    return cut_middle(full, width)


class FieldArea(TextArea, inherit_bindings=False):
    """A TextArea whose ctrl+z / ctrl+y are the form's (which use its history, and say when
    there is nothing to undo): the footer then lists them in the same place everywhere."""

    BINDINGS = [
        binding
        for binding in TextArea.BINDINGS
        if not (isinstance(binding, Binding) and binding.action in ("undo", "redo"))
    ]


class FormMode(StrEnum):
    EDIT = "edit"
    CREATE = "create"
    CLONE = "clone"


def widget_id(key: str) -> str:
    return "f-" + key.replace(".", "-")


def section_id(section: str) -> str:
    return "sec-" + section.lower().replace(" ", "-")


_SECTION_BY_ID: Final = {section_id(section): section for section in SECTIONS}
_BLANK_LABEL = "(not set)"
KIND: Final = "kind"  # the target kind picker: not an AWS member, but undoable like a field

# Where f2..f6 jump (ui/keys.py binds them): the field focused, and its section.
JUMPS: Final = {
    "dates": ("StartDate", TIMING),
    "window": ("FlexibleTimeWindow", TIMING),
    "target": (KIND, TARGET),
    "retry": ("Target.RetryPolicy.MaximumRetryAttempts", RETRY),
    "dlq": ("Target.DeadLetterConfig.Arn", DLQ),
}

FORM_CSS = """
ScheduleFormScreen #banner { height: auto; padding: 0 1; background: $panel; }
ScheduleFormScreen .form-section { height: auto; }
ScheduleFormScreen #banner.problem { background: $error 25%; }
ScheduleFormScreen #form { height: 1fr; padding: 0 1; }
ScheduleFormScreen .section { text-style: bold; color: $accent; margin-top: 1; }
ScheduleFormScreen .field { height: auto; }
ScheduleFormScreen .field Label { width: 20; color: $text-muted; }
ScheduleFormScreen .field Input, ScheduleFormScreen .field Select { width: 1fr; }
ScheduleFormScreen .field TextArea { width: 1fr; height: 5; padding: 0 1 0 0; }
ScheduleFormScreen .field TextArea.prose { height: auto; max-height: 4; }
ScheduleFormScreen .field #f-Target-Input { height: 10; }
ScheduleFormScreen .message { height: auto; padding-left: 20; color: $text-muted; }
ScheduleFormScreen .message.error { color: $error; }
ScheduleFormScreen #preview { height: auto; padding-left: 20; }
ScheduleFormScreen .tools { height: auto; padding-left: 20; }
ScheduleFormScreen .tools Button { margin-right: 1; }
ScheduleFormScreen .tools Select { width: 40; }
ScheduleFormScreen #actions { height: auto; margin-top: 1; }
ScheduleFormScreen #actions Button { margin-right: 2; }
"""


class ScheduleFormScreen(AppScreen):
    """Every section of a schedule; ``on_save`` receives the schedule the form describes."""

    DEFAULT_CSS = FORM_CSS
    KEYS = ("schedule_form",)
    HELP_TITLE = "Schedule form"

    def __init__(
        self,
        mode: FormMode,
        original: Schedule | None,
        start: Values,
        *,
        values: Values | None = None,
        on_save: Callable[[ScheduleFormScreen, Schedule], None],
        read_only_reason: str | None = None,
    ) -> None:
        super().__init__()
        self.mode = mode
        self.original = original
        self.start = dict(start)  # the schedule's text, as AWS holds it
        # What the widgets open with (create defaults), as the terminal may show it.
        self.initial = shown(values or start)
        self.on_save = on_save
        self.read_only_reason = read_only_reason
        self.result = FormResult(schedule=None)
        self.server_problem: str | None = None  # AWS's refusal, shown until the next edit
        # Whether (group, name) is already in the account (the store knows; asked on save).
        self.is_taken: Callable[[tuple[str, str]], bool] = lambda key: False
        # The last create request sent and its idempotency token (see flows.schedule_edit).
        self.client_tokens = ClientTokens()  # a save retried with the same body: same token
        arn = self.initial.get("Target.Arn", "")
        self.kind = target_kind(arn) if arn else TargetKind.LAMBDA
        self._kind_names: set[str] = set()
        # Widgets by field key, kept at compose: a CSS query per field per keystroke made
        # each keystroke cost ~0.4 s on a 45-field form.
        self._inputs: dict[str, Widget] = {}
        self._messages: dict[str, Static] = {}
        self._rows: dict[str, Horizontal] = {}
        self._message_state: dict[str, tuple[str | None, str, bool]] = {}
        self.save_attempted = False  # from then on every error shows, touched or not
        self.saving: str | None = None  # a save in flight: what the banner says meanwhile
        self._previewed: tuple[str, ...] | None = None  # the timing the preview shows
        self._bannered: tuple[str, bool] | None = None  # the banner as shown
        self._key_by_id: dict[str, str] = {}  # widget id -> field key (KIND for the picker)
        self.section: str | None = None  # the section the operator is in: the banner says it
        self.history: FieldHistory | None = None  # ctrl+z / ctrl+y for Inputs and Selects
        if not read_only_reason:
            # The field on_mount focuses, focused from the start: Textual's auto-focus gave
            # the focus to the scroll container first, and each move in or out of it
            # restyles its ~220 widgets (~0.2 s of CPU for every form opened).
            self.AUTO_FOCUS = "#" + widget_id("Name" if self.creating else "Description")

    def pauses_refresh(self) -> bool:
        return True  # the operator is typing: nothing refreshes underneath

    def leave(self) -> None:
        self.action_cancel()  # q asks before dropping edits, as esc does

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save" and self.read_only_reason:
            return False  # a viewer: nothing to save
        return super().check_action(action, parameters)

    # -- building the form ------------------------------------------------------------------------

    @property
    def creating(self) -> bool:
        return self.mode is not FormMode.EDIT

    @property
    def title_parts(self) -> tuple[str, str, str]:
        """(verb, group, name) of the banner's title; no group and name for a new one."""
        if self.mode is FormMode.CREATE:
            return "New schedule", "", ""
        assert self.original is not None
        verb = "Clone" if self.mode is FormMode.CLONE else "Edit"
        verb = verb if not self.read_only_reason else "View"
        return verb, printable(self.original.group_name), printable(self.original.name)

    @property
    def title_text(self) -> str:
        verb, group, name = self.title_parts
        return f"{verb} {group}/{name}" if name else verb

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="banner")
        with VerticalScroll(id="form"):
            for section in SECTIONS:
                # One box per section: the banner names the box holding the focus, and the
                # section keys jump from box to box.
                with Vertical(classes="form-section", id=section_id(section)):
                    yield Static(Text(section), classes="section")
                    if section == TARGET:
                        yield from self._kind_picker()
                    for form_field in FIELDS:
                        if form_field.section != section:
                            continue
                        yield from self._field(form_field)
            with Horizontal(id="actions"):
                if not self.read_only_reason:
                    yield Button("Review & save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")
        yield KeyFooter()

    def _kind_picker(self) -> ComposeResult:
        kinds = list(ARN_TEMPLATES)
        if self.kind not in kinds:
            kinds.append(self.kind)
        self._kind_names = {kind.name for kind in kinds}
        self._key_by_id[KIND] = KIND
        with Horizontal(classes="field", id="row-kind"):
            yield Label("Target kind")
            self._picker: Select[str] = Select(
                [(kind.label, kind.name) for kind in kinds],
                value=self.kind.name,
                allow_blank=False,
                compact=True,
                id=KIND,
                disabled=bool(self.read_only_reason),
            )
            yield self._picker
        yield Static(
            Text("picks the ARN's start; the kind's own parameters appear below"),
            classes="message",
        )

    def _field(self, form_field: FormField) -> ComposeResult:
        key = form_field.key
        fixed = form_field.fixed_after_creation and not self.creating
        fixed = fixed or not_editable_here(form_field, self.original) is not None
        text = self.initial.get(key, "")
        row = Horizontal(classes="field", id="row-" + widget_id(key))
        self._rows[key] = row
        with row:
            yield Label(form_field.label)
            widget = self._input(form_field, text, disabled=fixed or bool(self.read_only_reason))
            self._inputs[key] = widget
            self._key_by_id[widget_id(key)] = key
            yield widget
        message = Static(
            Text(self._hint(form_field)), classes="message", id="msg-" + widget_id(key)
        )
        self._messages[key] = message
        yield message
        if key == "ScheduleExpression":
            yield Static(id="preview")
        if key == "Target.Input" and not self.read_only_reason:
            with Horizontal(classes="tools"):
                yield Button("Format JSON (ctrl+o)", id="format", compact=True)
                yield Select(
                    [(placeholder, placeholder) for placeholder in PLACEHOLDERS],
                    prompt="Insert a placeholder…",
                    compact=True,
                    id="placeholder",
                )
        if key == "Target.DeadLetterConfig.Arn" and not self.read_only_reason:
            with Horizontal(classes="tools"):
                yield Button("Check the queue", id="check-dlq", compact=True)

    def _input(self, form_field: FormField, text: str, *, disabled: bool) -> Widget:
        ident = widget_id(form_field.key)
        entry = form_field.entry
        if entry in MULTILINE:
            area = FieldArea(text, id=ident, compact=True, soft_wrap=True, show_line_numbers=False)
            area.read_only = disabled
            if entry is Entry.PROSE:
                # As tall as its lines (up to 4): a Description with line breaks shows them.
                area.add_class("prose")
            return area
        if entry in (Entry.CHOICE, Entry.FLAG):
            choices = form_field.choices if entry is Entry.CHOICE else ("", "true", "false")
            options = [(choice, choice) for choice in choices if choice]
            if text and text not in choices:
                # A value AWS holds that this version does not list (or a hostile one): shown
                # (its text already printable) and kept as it is unless another is picked.
                options.append((Text(f"{text} (as stored)"), text))  # a Text: never markup
            allow_blank = "" in choices
            # An unset member with no blank choice (State) shows AWS's default, listed first.
            unset = Select.NULL if allow_blank else options[0][1]
            value = text or unset
            return Select(
                options,
                value=value,
                allow_blank=allow_blank,
                prompt=_BLANK_LABEL,
                compact=True,
                id=ident,
                disabled=disabled,
            )
        suggester = None
        if form_field.key == "ScheduleExpressionTimezone":
            suggester = SuggestFromList(sorted(zone_names()), case_sensitive=False)
        return Input(
            text,
            id=ident,
            compact=True,
            suggester=suggester,
            disabled=disabled,
            placeholder="off" if entry is Entry.WINDOW else "",
            # Focus must not select the stored text: the first key typed would replace it.
            select_on_focus=False,
        )

    def on_mount(self) -> None:
        self._show_kind_fields()
        self.history = FieldHistory(self._undoable())
        self.validate()
        for form_field in FIELDS:
            node = self._inputs.get(form_field.key)
            if form_field.entry is Entry.PROSE and isinstance(node, TextArea):
                # Typing adds to the text: the cursor starts at its end, nothing selected
                # (Inputs: select_on_focus=False, and their cursor starts at the end).
                node.move_cursor(node.document.end)
        first = "Name" if self.creating else "Description"
        if not self.read_only_reason:
            self._inputs[first].focus()

    # -- reading and checking ---------------------------------------------------------------------

    def _judged(self, key: str, values: Values) -> bool:
        """Whether a field's error is shown: a new schedule's empty fields are not wrong yet."""
        return not self.creating or self.save_attempted or values.get(key) != self.initial.get(key)

    def _hint(self, form_field: FormField) -> str:
        if form_field.fixed_after_creation and not self.creating:
            return "fixed after creation: c clones it to rename or move it"
        return not_editable_here(form_field, self.original) or form_field.hint

    def _undoable(self) -> Values:
        """What ctrl+z can put back through the form's own history: every Input and Select,
        and the kind picker (a TextArea keeps its own history)."""
        found = {
            key: text
            for key, text in self.values().items()
            if not isinstance(self._inputs.get(key), TextArea)
        }
        found[KIND] = str(self._picker.value)
        return found

    def values(self) -> Values:
        found: Values = {}
        for form_field in FIELDS:
            node = self._inputs.get(form_field.key)
            if node is None:
                found[form_field.key] = self.initial.get(form_field.key, "")
            elif isinstance(node, TextArea):
                found[form_field.key] = node.text
            elif isinstance(node, Select):
                found[form_field.key] = "" if node.is_blank() else str(node.value)
            elif isinstance(node, Input):
                found[form_field.key] = node.value
        return found

    def validate(self) -> FormResult:
        values = self.values()
        self.result = build_schedule(self.original, self.start, values, new=self.creating)
        schedule = self.result.schedule
        if schedule is not None and self.creating and self.is_taken(schedule.key):
            self.result.errors["Name"] = (
                f"a schedule named {schedule.name} already exists in group {schedule.group_name}"
            )
            self.result.schedule = None
        for key, message in self._messages.items():
            form_field = FIELDS_BY_KEY[key]
            error = self.result.errors.get(key) if self._judged(key, values) else None
            text = printable(error) if error else self._hint(form_field)
            shown = (error, text, bool(text) and form_field.shows_for(self.kind))
            if self._message_state.get(key) == shown:
                continue  # unchanged: no repaint
            self._message_state[key] = shown
            message.set_class(error is not None, "error")
            message.update(Text(text))
            message.display = shown[2]
        self._show_preview(values)
        self._show_banner()
        return self.result

    _TIMING_KEYS = (
        "ScheduleExpression",
        "ScheduleExpressionTimezone",
        "StartDate",
        "EndDate",
        "FlexibleTimeWindow",
    )

    def _show_preview(self, values: Values) -> None:
        # Repainting the preview re-lays out the whole form: only when the timing changed.
        timing = tuple(values.get(key, "") for key in self._TIMING_KEYS)
        if timing == self._previewed:
            return
        self._previewed = timing
        editing = self.original if self.original and not self.creating else None
        shown = preview(
            values,
            self.session.now(),
            anchor=editing.creation_date if editing else None,
            stored_start=editing.start_date if editing else None,
        )
        panel = self.query_one("#preview", Static)
        if shown.problem:
            panel.update(Text(printable(shown.problem), style="dim"))
            return
        zone = load_zone(values.get("ScheduleExpressionTimezone") or None)
        table = Table(box=None, padding=(0, 2, 0, 0), show_header=True, header_style="dim")
        table.add_column(Text(printable(shown.description), style="italic"))
        table.add_column("UTC")
        table.add_column("window ends")
        for run in shown.runs:
            table.add_row(
                f"{run.at.astimezone(zone):%a %Y-%m-%d %H:%M %Z}",
                f"{run.at:%Y-%m-%d %H:%M}Z",
                f"{run.window_end:%H:%M}Z" if run.window_end else "",
            )
        if not shown.runs:
            table.add_row(Text("no runs left", style="yellow"), "", "")
        panel.update(table)

    def _status(self) -> tuple[str, str, list[list[tuple[str, str]]]]:
        """What the banner says after the title, its style, and the lines below (each a
        list of (text, style))."""
        if self.read_only_reason:
            return self.read_only_reason, "yellow", []
        if self.saving:
            return self.saving, "bold yellow", []
        if self.server_problem:
            return (
                "",  # said on the lines below
                "",
                [
                    [("Not saved: ", "bold"), (printable(self.server_problem), "")],
                    [("Your edits are kept.", "dim")],
                ],
            )
        count = len(self.result.errors)
        plural = "s" if count != 1 else ""
        if count and self.creating and not self.save_attempted:
            return f"{count} field{plural} to fill in or fix", "yellow", []
        if count:
            general = self.result.errors.get("")
            return (
                f"{count} field{plural} to fix",
                "red",
                ([[(printable(general), "red")]] if general else []),
            )
        if self.creating:
            return "ready to review", "green", []
        changed = len(self.result.written)
        return (
            f"{changed} field{'s' if changed != 1 else ''} changed",
            ("green" if changed else "dim"),
            [],
        )

    def _show_banner(self) -> None:
        banner = self.query_one("#banner", Static)
        status, status_style, below = self._status()
        # The first line never wraps (at 60 columns too). Where the title would not fit
        # whole, the section's short name and tighter separators; a status too long to
        # leave the title _TITLE_ROOM takes a line of its own; then the group and the name
        # give way.
        width = max(self.app.size.width - 2, 20)
        title = self.title_text
        for short in (False, True):
            section = self._banner_section(short)
            after = [(" · " if short else "  ·  ", ""), (status, status_style)] if status else []
            room = width - sum(len(text) for text, _ in (*section, *after))
            if len(title) <= room:
                break
        if len(title) > room and room < _TITLE_ROOM and status:
            below = [[(status, status_style)], *below]
            after = []
            for short in (False, True):
                section = self._banner_section(short)
                room = width - sum(len(text) for text, _ in section)
                if len(title) <= room:
                    break
        title = short_title(*self.title_parts, max(room, 1))
        parts: list[tuple[str, str]] = [(title, "bold"), *section, *after]
        for line in below:
            parts += [("\n", ""), *line]
        content = Content.assemble(*parts)
        problem = self.server_problem is not None and not (self.read_only_reason or self.saving)
        if (content.plain, problem) == self._bannered:
            return  # unchanged: no re-layout of the form
        self._bannered = (content.plain, problem)
        banner.set_class(problem, "problem")
        banner.update(content)

    def _banner_section(self, short: bool) -> list[tuple[str, str]]:
        if self.section is None:
            return []
        name = _SHORT_SECTIONS.get(self.section, self.section) if short else self.section
        return [(" ▸ ", "dim"), (name, "bold $accent")]

    def on_resize(self, _: events.Resize) -> None:
        if self.is_mounted:
            self._show_banner()

    def show_server_problem(self, message: str) -> None:
        """AWS refused the save (or its answer was lost): say so above the form; the
        operator's edits stay."""
        self.server_problem = message
        self._show_banner()

    def show_progress(self, text: str | None) -> None:
        """A save is in flight (``text`` says so) or over (None): ctrl+s waits meanwhile."""
        self.saving = text
        for button in self.query("#save").results(Button):
            button.disabled = text is not None
        self._show_banner()

    @property
    def dirty(self) -> bool:
        return self.values() != self.initial

    # -- reacting to the operator -----------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == widget_id("Target.Arn"):
            self._follow_arn(event.value)
        self._edited(typed=True)

    def on_text_area_changed(self, _: TextArea.Changed) -> None:
        self._edited()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "kind":
            self._pick_kind(TargetKind[str(event.value)])
        elif event.select.id == "placeholder":
            if not event.select.is_blank():
                area = self.query_one("#" + widget_id("Target.Input"), TextArea)
                area.insert(str(event.value))
                event.select.clear()
                area.focus()
            return
        self._edited()

    def _edited(self, *, typed: bool = False) -> None:
        self.server_problem = None
        if self.is_mounted:
            # After the reactions above (a kind picked rewrites the ARN): one step for both.
            if self.history is not None:  # from on_mount on (the widgets' first values)
                owner = self._field_key(self.focused)
                self.history.seen(self._undoable(), owner, time.monotonic(), typed=typed)
            self.validate()

    # -- undo and redo, field by field ------------------------------------------------------------

    def _field_key(self, node: Widget | None) -> str | None:
        """The field ``node`` belongs to (a Select's overlay is its Select's), or None."""
        while node is not None and node is not self:
            key = self._key_by_id.get(node.id or "")
            if key is not None:
                return key
            node = node.parent if isinstance(node.parent, Widget) else None
        return None

    def _label(self, key: str) -> str:
        return "Target kind" if key == KIND else FIELDS_BY_KEY[key].label

    def action_undo(self) -> None:
        self._undo_or_redo(redo=False)

    def action_redo(self) -> None:
        self._undo_or_redo(redo=True)

    def _undo_or_redo(self, *, redo: bool) -> None:
        verb = "redo" if redo else "undo"
        key = self._field_key(self.focused)
        if key is None or self.history is None:
            self.notify(f"ctrl+z and ctrl+y {verb} in the field you are in.", timeout=3)
            return
        node = self._widget(key)
        if isinstance(node, TextArea):
            # Its own history: edits by the character, the selection put back with them.
            history = node.history
            if not node.read_only and (history.redo_stack if redo else history.undo_stack):
                node.redo() if redo else node.undo()
                return
            texts = None
        else:
            texts = self.history.redo(key) if redo else self.history.undo(key)
        if texts is None:
            self.notify(f"Nothing to {verb} in {self._label(key)}.", timeout=2)
            return
        self._put_back(texts)

    def _widget(self, key: str) -> Widget:
        return self._picker if key == KIND else self._inputs[key]

    def _put_back(self, texts: dict[str, str]) -> None:
        """Set fields to ``texts`` (an undo or redo), with what a change of kind or ARN
        does to the other (done here, so that their Changed messages add no new step)."""
        with self.prevent(Input.Changed, Select.Changed):
            for key, text in texts.items():
                node = self._widget(key)
                if isinstance(node, Select):
                    node.value = text if text else Select.NULL
                elif isinstance(node, Input):
                    node.value = text
                    node.cursor_position = len(text)
            if KIND in texts:
                self.kind = TargetKind[texts[KIND]]
            elif "Target.Arn" in texts:
                self._follow_arn(texts["Target.Arn"])
            self._show_kind_fields()
        assert self.history is not None
        self.history.restored(self._undoable())
        self.server_problem = None
        self.validate()

    # -- sections: where the operator is, and the keys that jump ----------------------------------

    def _section_of(self, node: Widget | None) -> str | None:
        while node is not None and node is not self:
            section = _SECTION_BY_ID.get(node.id or "")
            if section is not None:
                return section
            node = node.parent if isinstance(node.parent, Widget) else None
        return None

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._show_section(self._section_of(event.widget))

    def _show_section(self, section: str | None) -> None:
        if section != self.section:
            self.section = section
            self._show_banner()

    def action_jump(self, where: str) -> None:
        key, section = JUMPS[where]
        node = self._widget(key)
        # The first field of a section shows the section's heading above it; the dates and
        # the window (within the Schedule section) come to the top themselves.
        first = key == KIND or key == next(f.key for f in FIELDS if f.section == section)
        anchor = self._box(section) if first else self._rows[key]
        self._go_to(anchor, node if node in self.focus_chain else None, section)

    def _box(self, section: str) -> Widget:
        return self.query_one("#" + section_id(section))

    def action_section(self, step: int) -> None:
        """The next (1) or previous (-1) section, from the one the operator is in."""
        current = SECTIONS.index(self.section) if self.section in SECTIONS else -1
        if current < 0 and step < 0:
            current = len(SECTIONS)
        index = current + step
        if not 0 <= index < len(SECTIONS):
            return
        section = SECTIONS[index]
        box = self._box(section)
        first = next((node for node in self.focus_chain if box in node.ancestors), None)
        self._go_to(box, first, section)

    def _go_to(self, anchor: Widget, node: Widget | None, section: str) -> None:
        """Focus ``node`` (None: a viewer's disabled field, nothing to focus) and scroll
        ``anchor`` to the top of the form."""
        if node is not None:
            node.focus(scroll_visible=False)
        self.query_one("#form", VerticalScroll).scroll_to_widget(anchor, animate=False, top=True)
        self._show_section(section)

    def _follow_arn(self, arn: str) -> None:
        kind = target_kind(arn.strip())
        if kind is not TargetKind.UNKNOWN and kind is not self.kind:
            self.kind = kind
            picker = self.query_one("#kind", Select)
            if picker.value != kind.name and kind.name in self._kind_names:
                picker.value = kind.name
            self._show_kind_fields()

    def _pick_kind(self, kind: TargetKind) -> None:
        self.kind = kind
        arn_input = self.query_one("#" + widget_id("Target.Arn"), Input)
        if target_kind(arn_input.value.strip()) is not kind and kind in ARN_TEMPLATES:
            info = self.session.header
            region = self.session.backend.clients.region or info.region
            account = info.account if info.account.isdigit() else "<account>"
            arn_input.value = arn_template(kind, region, account)
        self._show_kind_fields()

    def _show_kind_fields(self) -> None:
        for form_field in FIELDS:
            if form_field.kinds is None:
                continue
            # Rows only: validate() shows or hides each field's message line.
            self._rows[form_field.key].display = form_field.shows_for(self.kind)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "save":
            self.action_save()
        elif button == "cancel":
            self.action_cancel()
        elif button == "format":
            self.action_format_input()
        elif button == "check-dlq":
            self.check_dlq()

    def action_format_input(self) -> None:
        area = self.query_one("#" + widget_id("Target.Input"), TextArea)
        formatted = pretty(area.text)
        if formatted is None:
            problem = json_problem(area.text) or "cannot be shown indented"
            self.notify(f"Target input is not JSON: {problem}", severity="warning", markup=False)
        else:
            # An edit, not a new text: ctrl+z takes the formatting back.
            area.history.checkpoint()
            area.replace(formatted + "\n", (0, 0), area.document.end)

    def check_dlq(self) -> None:
        arn = self.values().get("Target.DeadLetterConfig.Arn", "").strip()
        message = self.query_one("#msg-" + widget_id("Target.DeadLetterConfig.Arn"), Static)
        if not arn or "Target.DeadLetterConfig.Arn" in self.result.errors:
            self.notify("Type a valid SQS queue ARN first.", severity="warning")
            return
        message.update(Text("checking the queue…", style="dim"))
        self.run_worker(lambda: self._check_dlq(arn, message), thread=True, group="check-dlq")

    def _check_dlq(self, arn: str, message: Static) -> None:
        try:
            depth = self.session.backend.dlqs.depth(arn)
        except AwsError as error:
            text = Text(f"✗ {printable(str(error))}", style="red")
        else:
            text = Text(f"✓ the queue exists: {depth.visible:,} messages waiting", style="green")
        self.app.call_from_thread(message.update, text)

    def action_save(self) -> None:
        if self.read_only_reason:
            self.notify(self.read_only_reason, severity="warning", markup=False)
            return
        if self.saving:
            return  # one save at a time: the first is sent and its answer awaited
        self.save_attempted = True
        result = self.validate()
        if result.schedule is None:
            count = len(result.errors)
            self.notify(
                f"Not saved: {count} field{'s' if count != 1 else ''} to fix (shown in red).",
                severity="error",
            )
            self._focus_first_error()
            return
        if self.mode is FormMode.EDIT and not result.written:
            self.notify("Nothing changed.")
            return
        self.on_save(self, result.schedule)

    def _focus_first_error(self) -> None:
        for form_field in FIELDS:
            if form_field.key in self.result.errors:
                node = self._inputs.get(form_field.key)
                row = self._rows.get(form_field.key)
                if node is not None and row is not None and row.display:
                    node.focus()
                    return

    def action_cancel(self) -> None:
        if self.read_only_reason or not self.dirty:
            self.dismiss()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss()

        self.app.push_screen(
            ConfirmScreen("Discard your changes?", Text("Nothing has been sent."), "Discard"),
            answered,
        )
