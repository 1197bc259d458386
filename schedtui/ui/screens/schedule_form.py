"""The schedule form: edit, create or clone, section by section, validated as you type.

The screen only gathers text and shows what the core form model says about it
(schedtui/core/schedules/form.py): per-field rules, the next runs, the schedule to save.
Saving (review, conflicts, AWS errors) belongs to schedtui/ui/flows/schedule_edit.py.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static, TextArea

from schedtui.aws.errors import AwsError
from schedtui.core.changes.plan import ClientTokens
from schedtui.core.expressions.zones import load_zone, zone_names
from schedtui.core.jsontext import pretty
from schedtui.core.schedules.arns import ARN_TEMPLATES, TargetKind, arn_template, target_kind
from schedtui.core.schedules.form import (
    FIELDS,
    FIELDS_BY_KEY,
    PLACEHOLDERS,
    SECTIONS,
    Entry,
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


class FormMode(StrEnum):
    EDIT = "edit"
    CREATE = "create"
    CLONE = "clone"


def widget_id(key: str) -> str:
    return "f-" + key.replace(".", "-")


_MULTILINE = (Entry.JSON, Entry.PAIRS, Entry.RECORDS)
_BLANK_LABEL = "(not set)"

FORM_CSS = """
ScheduleFormScreen #banner { height: auto; padding: 0 1; background: $panel; }
ScheduleFormScreen #banner.problem { background: $error 25%; }
ScheduleFormScreen #form { height: 1fr; padding: 0 1; }
ScheduleFormScreen .section { text-style: bold; color: $accent; margin-top: 1; }
ScheduleFormScreen .field { height: auto; }
ScheduleFormScreen .field Label { width: 20; color: $text-muted; }
ScheduleFormScreen .field Input, ScheduleFormScreen .field Select { width: 1fr; }
ScheduleFormScreen .field TextArea { width: 1fr; height: 5; }
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
        self.taken_names: set[tuple[str, str]] = set()  # (group, name) already in the account
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
    def title_text(self) -> str:
        if self.mode is FormMode.CREATE:
            return "New schedule"
        assert self.original is not None
        name = printable(f"{self.original.group_name}/{self.original.name}")
        verb = "Clone" if self.mode is FormMode.CLONE else "Edit"
        return f"{verb} {name}" if not self.read_only_reason else f"View {name}"

    def compose(self) -> ComposeResult:
        yield self.header()
        yield Static(id="banner")
        with VerticalScroll(id="form"):
            for section in SECTIONS:
                yield Static(Text(section), classes="section")
                if section == "Target":
                    yield from self._kind_picker()
                for form_field in FIELDS:
                    if form_field.section != section:
                        continue
                    yield from self._field(form_field)
            with Horizontal(id="actions"):
                if not self.read_only_reason:
                    yield Button("Review & save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer()

    def _kind_picker(self) -> ComposeResult:
        kinds = list(ARN_TEMPLATES)
        if self.kind not in kinds:
            kinds.append(self.kind)
        self._kind_names = {kind.name for kind in kinds}
        with Horizontal(classes="field"):
            yield Label("Target kind")
            yield Select(
                [(kind.label, kind.name) for kind in kinds],
                value=self.kind.name,
                allow_blank=False,
                compact=True,
                id="kind",
                disabled=bool(self.read_only_reason),
            )
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
        if entry in _MULTILINE:
            area = TextArea(text, id=ident, compact=True, soft_wrap=True, show_line_numbers=False)
            area.read_only = disabled
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
        self.validate()
        first = "#f-Name" if self.creating else "#f-Description"
        if not self.read_only_reason:
            self.query_one(first).focus()

    # -- reading and checking ---------------------------------------------------------------------

    def _judged(self, key: str, values: Values) -> bool:
        """Whether a field's error is shown: a new schedule's empty fields are not wrong yet."""
        return not self.creating or self.save_attempted or values.get(key) != self.initial.get(key)

    def _hint(self, form_field: FormField) -> str:
        if form_field.fixed_after_creation and not self.creating:
            return "fixed after creation: AWS cannot rename or move a schedule (clone with c)"
        return not_editable_here(form_field, self.original) or form_field.hint

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
        if schedule is not None and self.creating and schedule.key in self.taken_names:
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

    def _show_banner(self) -> None:
        banner = self.query_one("#banner", Static)
        text = Text(self.title_text, style="bold")
        problem = False
        if self.read_only_reason:
            text.append(f"  ·  {self.read_only_reason}", style="yellow")
        elif self.saving:
            text.append(f"  ·  {self.saving}", style="bold yellow")
        elif self.server_problem:
            text.append("\nNot saved: ", style="bold")
            text.append(printable(self.server_problem))
            text.append("\nYour edits are kept.", style="dim")
            problem = True
        else:
            count = len(self.result.errors)
            if count and self.creating and not self.save_attempted:
                plural = "s" if count != 1 else ""
                text.append(f"  ·  {count} field{plural} to fill in or fix", style="yellow")
            elif count:
                text.append(f"  ·  {count} field{'s' if count != 1 else ''} to fix", style="red")
                general = self.result.errors.get("")
                if general:
                    text.append("\n" + printable(general), style="red")
            else:
                changed = len(self.result.written) if not self.creating else None
                text.append(
                    "  ·  ready to review"
                    if changed is None
                    else f"  ·  {changed} field{'s' if changed != 1 else ''} changed",
                    style="green" if changed != 0 else "dim",
                )
        if (text.plain, problem) == self._bannered:
            return  # unchanged: no re-layout of the form
        self._bannered = (text.plain, problem)
        banner.set_class(problem, "problem")
        banner.update(text)

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
        self._edited()

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

    def _edited(self) -> None:
        self.server_problem = None
        if self.is_mounted:
            self.validate()

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
            area.text = formatted + "\n"

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
