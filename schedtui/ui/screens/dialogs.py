"""Modal dialogs: confirmation, results, help and the `:` command prompt."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from schedtui.ui.keys import KEYMAP

# Textual scopes a screen's DEFAULT_CSS to that screen, so each dialog names itself.
DIALOG_CSS = """
ConfirmScreen, MessageScreen, HelpScreen {
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
    BINDINGS = [
        Binding("y", "answer(True)", "Confirm", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="confirm.no"),
    ]

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


class MessageScreen(ModalScreen[None]):
    """Results of a bulk action, one line per schedule."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="message.close")]

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


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, screen_name: str, screen_keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.screen_name = screen_name
        self.screen_keys = screen_keys

    def compose(self) -> ComposeResult:
        here = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        here.add_column("key", style="bold", no_wrap=True)
        here.add_column("action")
        for key, description in self.screen_keys:
            here.add_row(key, description)
        everywhere = Table(box=None, padding=(0, 2, 0, 0))
        everywhere.add_column("key", style="bold")
        everywhere.add_column("where")
        everywhere.add_column("action")
        for key, where, action in KEYMAP:
            everywhere.add_row(key, where, action)
        with Vertical(classes="dialog"):
            yield Static(Text(f"Help: {self.screen_name}"), classes="title")
            with VerticalScroll():
                yield Static(here)
                yield Static(Text("\nAll keys", style="bold"))
                yield Static(everywhere)

    def action_close(self) -> None:
        self.dismiss(None)


class CommandPrompt(ModalScreen[str | None]):
    """k9s-style `:` command line at the bottom of the screen."""

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
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="groups | schedules [GROUP] | monitor | dlq | help | q", id="command"
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
