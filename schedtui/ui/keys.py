"""The key map: one table for the footer, the `?` screen and the README (design.md's contract)."""

from __future__ import annotations

KEYMAP: tuple[tuple[str, str, str], ...] = (
    ("?", "anywhere", "help for the current screen"),
    ("ctrl+p", "anywhere", "command palette"),
    (":", "anywhere", "command line: :groups, :schedules [GROUP], :monitor, :dlq, :q"),
    ("/", "lists", "filter (words, state:, group:, target:, tz:, name:); esc clears it"),
    ("enter", "lists", "open the selected group / schedule"),
    ("esc", "anywhere", "back / close dialog"),
    ("q", "anywhere", "back; on the first screen, quit (ctrl+q always quits)"),
    ("r", "anywhere", "refresh now"),
    ("t", "schedule list or detail", "toggle ENABLED/DISABLED (marked rows when any are marked)"),
    ("space", "lists", "mark / unmark row"),
    ("s / S", "lists", "sort by the next column / reverse the order"),
    ("e", "schedule list or detail", "edit (not yet available)"),
    ("n", "lists", "new schedule / group (not yet available)"),
    ("c", "schedule list or detail", "clone (not yet available)"),
    ("ctrl+d", "lists or detail", "delete (not yet available)"),
    ("m", "anywhere", "monitoring panel (metrics, DLQs, alarms); w window, p peek a DLQ"),
    ("y / n", "confirmation dialogs", "confirm / cancel (enter confirms the focused button)"),
)
