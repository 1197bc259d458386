"""The schedule-group form: a new group (name and tags), or an existing group's tags.

It validates as the operator types, with the rule in words; Save stays disabled until the
whole form is valid (and, for an existing group, until something changed). It does not send
anything itself: ``on_save`` (a flow) does, and reports back with ``busy``/``failed``, so
an error from AWS is shown next to the form and the operator's edits are kept. With
``read_only`` the form is a viewer: inputs disabled, no Save, and a line saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static, TextArea

from schedtui.core.schedules.group import MAX_TAGS
from schedtui.core.schedules.group_form import (
    NAME_RULE,
    TagChanges,
    name_problem,
    parse_tag_lines,
    tag_changes,
    tag_lines,
)
from schedtui.core.text import printable
from schedtui.ui.keys import bindings
from schedtui.ui.screens.dialogs import DIALOG_CSS

Mode = Literal["new", "edit"]
SaveHandler = Callable[["GroupFormScreen", str, dict[str, str]], None]

_SHOWN_PROBLEMS = 5
_SIGN_STYLE = {"+": "green", "~": "yellow", "-": "red"}


def changes_text(changes: TagChanges) -> Text:
    """The review lines: ``+ key=value`` added, ``~ key: old → new`` changed, ``- key=value``."""
    text = Text()
    for sign, line in changes.lines():
        text.append(f"{sign} ", style=_SIGN_STYLE[sign])
        text.append(printable(line) + "\n")
    text.rstrip()
    return text


class GroupFormScreen(ModalScreen[None]):
    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    GroupFormScreen { align: center middle; }
    GroupFormScreen .dialog { height: 90%; max-height: 40; }
    GroupFormScreen .dialog #fields { height: 1fr; max-height: 100%; }
    GroupFormScreen .label { margin-top: 1; text-style: bold; }
    GroupFormScreen .message { display: none; }
    GroupFormScreen .message.shown { display: block; }
    GroupFormScreen .hint { color: $text-muted; }
    GroupFormScreen .problem { color: $error; }
    GroupFormScreen #readonly { color: $warning; text-style: bold; }
    GroupFormScreen #form-error { color: $error; text-style: bold; }
    GroupFormScreen #form-status { color: $text-muted; }
    GroupFormScreen TextArea { height: 7; }
    """
    )
    BINDINGS = bindings("group_form")

    def __init__(
        self,
        mode: Mode,
        *,
        name: str = "",
        tags: Mapping[str, str] | None = None,
        existing: Collection[str] = (),
        read_only: bool = False,
        on_save: SaveHandler | None = None,
    ) -> None:
        super().__init__()
        self.mode = mode
        self.group_name = name
        self.baseline: dict[str, str] = dict(tags or {})  # the tags the group has now
        self.existing = frozenset(existing)
        self.read_only = read_only
        self.on_save = on_save
        self.is_busy = False

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        if self.mode == "new":
            title = "New schedule group"
        else:
            title = f"Tags of schedule group {printable(self.group_name)}"
        with Vertical(classes="dialog"):
            yield Static(Text(title), classes="title")
            if self.read_only:
                yield Static(
                    Text("Read-only: nothing here can be saved."),
                    id="readonly",
                )
            with VerticalScroll(id="fields"):
                if self.mode == "new":
                    yield Static(Text("Name"), classes="label")
                    yield Input(
                        placeholder="e.g. orders-nightly", id="name", disabled=self.read_only
                    )
                    yield Static(Text(NAME_RULE), id="name-hint", classes="hint")
                    yield Static(id="name-problem", classes="message problem")
                else:
                    name = Text("Name: ", style="bold")
                    name.append(printable(self.group_name), style="not bold")
                    name.append("  (a group's name cannot change)", style="dim")
                    yield Static(name, id="name-fixed")
                yield Static(Text("Tags, one key=value per line"), classes="label")
                yield TextArea(tag_lines(self.baseline), id="tags", read_only=self.read_only)
                if not self.read_only:
                    yield Static(
                        Text(
                            f"Key 1 to 128 characters, value 1 to 256, at most {MAX_TAGS} tags; "
                            "taken exactly as typed."
                        ),
                        classes="hint",
                    )
                yield Static(id="tags-problem", classes="message problem")
                if self.mode == "edit" and not self.read_only:
                    yield Static(Text("Changes"), classes="label")
                    yield Static(id="changes")
            yield Static(id="form-error", classes="message")
            yield Static(id="form-status", classes="message")
            with Horizontal(classes="buttons"):
                if not self.read_only:
                    label = "Create (ctrl+s)" if self.mode == "new" else "Review (ctrl+s)"
                    yield Button(label, variant="primary", id="save", disabled=True)
                yield Button("Close (esc)" if self.read_only else "Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        if self.read_only:
            self.query_one("#cancel", Button).focus()
        elif self.mode == "new":
            self.query_one("#name", Input).focus()
        else:
            tags = self.query_one("#tags", TextArea)
            tags.move_cursor(tags.document.end)  # typing adds to the tags, never before them
            tags.focus()
        self.check()

    # -- validation as you type -----------------------------------------------------------------

    def values(self) -> tuple[str, dict[str, str], list[str], str | None]:
        """(name, tags, tag problems, name problem) as the form holds them now."""
        parsed = parse_tag_lines(self.query_one("#tags", TextArea).text, self.baseline)
        name, problem = self.group_name, None
        if self.mode == "new":
            name = self.query_one("#name", Input).value
            problem = name_problem(name)
            if problem is None and name in self.existing:
                problem = "a group with this name already exists"
        return name, parsed.tags, parsed.problems, problem

    @property
    def changes(self) -> TagChanges:
        return tag_changes(self.baseline, self.values()[1])

    def check(self) -> bool:
        """Show every problem next to its field; return whether Save may be pressed."""
        name, tags, tag_problems, problem = self.values()
        if self.mode == "new":
            self._say("#name-problem", f"✗ {printable(problem)}" if problem and name else "")
        shown = [f"✗ {printable(line)}" for line in tag_problems[:_SHOWN_PROBLEMS]]
        if len(tag_problems) > _SHOWN_PROBLEMS:
            shown.append(f"… and {len(tag_problems) - _SHOWN_PROBLEMS} more")
        self._say("#tags-problem", "\n".join(shown))
        changes = tag_changes(self.baseline, tags)
        if self.mode == "edit" and not self.read_only:
            shown_changes = changes_text(changes) if not tag_problems else Text()
            if not tag_problems and changes.empty:
                shown_changes = Text("none yet", style="dim")
            self.query_one("#changes", Static).update(shown_changes)
        ready = problem is None and not tag_problems
        if self.mode == "edit":
            ready = ready and not changes.empty
        can_save = ready and not self.read_only and not self.is_busy
        for button in self.query("#save").results(Button):
            button.disabled = not can_save
        return can_save

    def _say(self, selector: str, text: str) -> None:
        """Show a message line, or hide it when there is nothing to say."""
        widget = self.query_one(selector, Static)
        widget.update(Text(text))
        widget.set_class(bool(text), "shown")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._say("#form-error", "")
        self.check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#tags", TextArea).focus()

    def on_text_area_changed(self, _: TextArea.Changed) -> None:
        self._say("#form-error", "")
        self.check()

    # -- saving: the flow reports back ----------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_close()

    def action_save(self) -> None:
        if self.read_only or self.on_save is None or not self.check():
            return
        name, tags, _, _ = self.values()
        self.on_save(self, name, tags)

    def action_close(self) -> None:
        self.dismiss(None)

    def busy(self, text: str) -> None:
        self.is_busy = True
        self._say("#form-error", "")
        self._say("#form-status", text)
        self.check()

    def failed(self, message: str, baseline: Mapping[str, str] | None = None) -> None:
        """Show why nothing (or not everything) was saved; the operator's edits stay.

        ``baseline`` replaces the tags the group is known to have (read back after the
        failure), so the changes shown, and sent next time, are against the server's.
        """
        self.is_busy = False
        if baseline is not None:
            self.baseline = dict(baseline)
        self._say("#form-status", "")
        self._say("#form-error", f"✗ {printable(message)}")
        self.check()

    def idle(self) -> None:
        """Back to editing (e.g. the review was cancelled)."""
        self.is_busy = False
        self._say("#form-status", "")
        self.check()
