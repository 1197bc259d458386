"""Modal dialogs: confirmation (plain and typed), results, a list to pick from, help and the
`:` command prompt."""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from schedtui.core.text import printable
from schedtui.ui.keys import bindings, help_rows
from schedtui.ui.widgets.label_table import label_table

# Textual scopes a screen's DEFAULT_CSS to that screen, so each dialog names itself.
DIALOG_CSS = """
ConfirmScreen, TypedConfirmScreen, ChoiceScreen, MessageScreen, HelpScreen, PickScreen {
    align: center middle;
}
.dialog {
    width: 80%;
    max-width: 100;
    height: auto;
    max-height: 90%;
    border: thick $primary;
    background: $surface;
    padding: 1 2;
}
.dialog .title {
    text-style: bold;
    margin-bottom: 1;
}
.dialog VerticalScroll {
    height: auto;
    max-height: 20;
}
.dialog .buttons {
    height: auto;
    margin-top: 1;
    align-horizontal: right;
}
.dialog Button {
    margin-left: 2;
}
"""


class ConfirmScreen(ModalScreen[bool]):
    """Says exactly what will change; y confirms, n or esc cancels."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = bindings("confirm")

    def __init__(self, title: str, body: Text, confirm_label: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="title")
            with VerticalScroll():
                yield Static(self.body, id="confirm-body")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.confirm_label} (y)", variant="warning", id="yes")
                yield Button("Cancel (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the safe choice has the focus

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TypedConfirmScreen(ModalScreen[bool]):
    """For what cannot be undone: the operator types ``expected`` exactly to confirm.

    The confirm button stays disabled until the text matches; enter in the field confirms
    only then; esc cancels. ``expected`` is shown literally (never as markup).
    """

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    TypedConfirmScreen .dialog VerticalScroll { height: 1fr; }  /* the body scrolls, the
        field and buttons always fit, down to 80x24 */
    TypedConfirmScreen #typed-prompt { margin-top: 1; }
    TypedConfirmScreen #typed-hint { color: $text-muted; }
    """
    )
    BINDINGS = bindings("typed_confirm")

    def __init__(self, title: str, body: Text, expected: str, confirm_label: str) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.expected = expected
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        prompt = Text("Type ")
        prompt.append(printable(self.expected), style="bold")
        prompt.append(" to confirm:")
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="title")
            with VerticalScroll():
                yield Static(self.body, id="confirm-body")
            yield Static(prompt, id="typed-prompt")
            yield Input(id="typed")
            yield Static(Text("enter confirms once the text matches; esc cancels"), id="typed-hint")
            with Horizontal(classes="buttons"):
                yield Button(self.confirm_label, variant="error", id="yes", disabled=True)
                yield Button("Cancel (esc)", id="no")

    def on_mount(self) -> None:
        self.query_one("#typed", Input).focus()

    @property
    def matches(self) -> bool:
        return self.query_one("#typed", Input).value == self.expected

    def on_input_changed(self, _: Input.Changed) -> None:
        self.query_one("#yes", Button).disabled = not self.matches

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.matches:
            self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes" and self.matches:
            self.dismiss(True)
        elif event.button.id == "no":
            self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)


class MessageScreen(ModalScreen[None]):
    """Results of a bulk action, one line per schedule."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = bindings("message")

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="title")
            with VerticalScroll():
                yield Static(self.body, id="message-body")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="close")

    def on_button_pressed(self, _: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class PickScreen(ModalScreen[None]):
    """A list with a cursor (the timeline's "… N more"): enter calls ``pick`` with the line's
    index and the list stays, under what it opened; esc closes. ``lines`` are shown as they
    are (the caller makes them printable)."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    PickScreen OptionList { height: auto; max-height: 50vh; }  /* the hint stays in view */
    PickScreen .hint { color: $text-muted; margin-top: 1; }
    """
    )
    BINDINGS = bindings("pick")

    def __init__(self, title: str, lines: list[str], pick: Callable[[int], None]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.pick = pick

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="title")
            yield OptionList(*(Option(Text(line)) for line in self.lines), id="pick-list")
            yield Static(Text("enter opens · esc closes"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.pick(event.option_index)

    def action_cursor_down(self) -> None:
        """j (the list's own binding takes down): as in every list."""
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """The keys of one screen, then the ones that work everywhere (from ui/keys.py)."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = bindings("help")

    def __init__(self, title: str, screens: tuple[str, ...], *, read_only: bool) -> None:
        super().__init__()
        self.title_text = title
        self.here = help_rows(screens, read_only)
        self.everywhere = help_rows(("app",), read_only)
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(f"Help: {self.title_text}"), classes="title")
            with VerticalScroll():
                if self.read_only:
                    yield Static(
                        Text(
                            "Read-only: the keys that change AWS are off; e opens "
                            "forms as viewers.",
                            style="yellow",
                        )
                    )
                yield Static(_keys_table(self.here))
                yield Static(Text("\nEverywhere", style="bold"))
                yield Static(_keys_table(self.everywhere))

    def action_close(self) -> None:
        self.dismiss(None)


def _keys_table(rows: list[tuple[str, str]]) -> Table:
    table = label_table()
    for key, description in rows:
        table.add_row(key, description)
    return table


class _Completer(Suggester):
    """The prompt's inline completion (the first candidate, shown dimmed after the text)."""

    def __init__(self, complete: Callable[[str], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.complete = complete

    async def get_suggestion(self, value: str) -> str | None:
        found = self.complete(value)
        return found[0] if found else None


class CommandPrompt(ModalScreen[str | None]):
    """k9s-style `:` command line at the bottom of the screen, completing command words,
    group, schedule, profile and region names (tab or right accepts; the line above lists the
    candidates)."""

    DEFAULT_CSS = """
    CommandPrompt {
        align: left bottom;
        background: transparent;
    }
    CommandPrompt Input {
        dock: bottom;
        width: 100%;
        border: tall $accent;
    }
    CommandPrompt #candidates {
        dock: bottom;
        width: 100%;
        height: auto;
        max-height: 3;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """
    BINDINGS = bindings("prompt")

    def __init__(self, complete: Callable[[str], list[str]] | None = None) -> None:
        super().__init__()
        self.complete = complete or (lambda _: [])
        self._early: list[events.Key] = []  # keys taken before the field existed

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder=(
                "groups | schedules GROUP or GROUP/NAME | failing | monitor | dlq | "
                "profile | region | q"
            ),
            id="command",
            suggester=_Completer(self.complete),
        )
        yield Static(id="candidates")

    def on_mount(self) -> None:
        self.query_one("#command", Input).focus()
        self._show_candidates("")
        early, self._early = self._early, []
        for event in early:
            self.take(event)

    def take(self, event: events.Key) -> bool:
        """A printable key typed right after ':' (":sch" in one burst) that reached the app
        unused, or this screen before its field had the focus: it belongs to the field.
        False for a key that is not the field's."""
        if not (event.is_printable and event.character):
            return False
        if not self.query("#command"):
            self._early.append(event)  # not composed yet: on_mount takes it
            return True
        field = self.query_one("#command", Input)
        field.insert_text_at_cursor(event.character)
        field.focus()
        return True

    def on_key(self, event: events.Key) -> None:
        field = self.query_one("#command", Input)
        if not field.has_focus and self.take(event):
            event.stop()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_candidates(event.value)

    def _show_candidates(self, value: str) -> None:
        found = self.complete(value)
        line = Text(no_wrap=False, overflow="ellipsis")
        if found:
            line.append("tab completes: ", style="italic")
            line.append("  ".join(printable(item) for item in found[:12]))
            if len(found) > 12:
                line.append(f"  … {len(found) - 12} more")
        panel = self.query_one("#candidates", Static)
        panel.update(line)
        panel.display = bool(found)

    def action_complete(self) -> None:
        field = self.query_one("#command", Input)
        if field.has_focus:
            self._complete()
            return
        # A burst right after ':' (":sch<tab>"): the first letters still wait in this
        # screen's queue, the next ones in the input's. Drain both, in that order, first.
        self.call_later(lambda: field.call_later(self._complete))

    def _complete(self) -> None:
        field = self.query_one("#command", Input)
        found = self.complete(field.value)
        if found:
            # The longest common prefix of the candidates: tab twice never skips a choice.
            common = found[0]
            for item in found[1:]:
                while not item.startswith(common):
                    common = common[:-1]
            field.value = common if len(common) > len(field.value) else found[0]
            field.cursor_position = len(field.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceScreen(ModalScreen[str | None]):
    """More than yes or no (reload / overwrite / back): one button and one key per choice."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = bindings("choice")

    def __init__(self, title: str, body: Text, choices: list[tuple[str, str, str]]) -> None:
        """``choices``: (id, button label, key); the last one has the focus (the safe one)."""
        super().__init__()
        self.title_text = title
        self.body = body
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.title_text), classes="title")
            with VerticalScroll():
                yield Static(self.body, id="choice-body")
            with Horizontal(classes="buttons"):
                for ident, label, _ in self.choices:
                    yield Button(label, id=ident)

    def on_mount(self) -> None:
        self.query_one(f"#{self.choices[-1][0]}", Button).focus()

    def on_key(self, event: events.Key) -> None:
        for ident, _, key in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(ident)
                return

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
