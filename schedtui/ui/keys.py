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
    ("e", "lists or detail", "edit: a schedule in a validated form (ctrl+s to review), group tags"),
    ("E", "schedule list or detail", "edit as JSON in $EDITOR (vi when unset), same review"),
    ("n", "lists", "new schedule / group"),
    ("c", "schedule list or detail", "clone to a new name and/or group (how a schedule moves)"),
    ("ctrl+d", "lists or detail", "delete (type the name to confirm; marked rows when any)"),
    ("m", "anywhere", "monitoring panel (metrics, DLQs, alarms); w window, p peek a DLQ"),
    ("y / n", "confirmation dialogs", "confirm / cancel (enter confirms the focused button)"),
)

# Actions that change something in AWS (or open a form to): hidden and inert when read-only.
MUTATING_ACTIONS = frozenset(
    {"toggle", "delete", "edit", "raw_edit", "clone", "new", "new_group", "edit_group",
     "delete_group"}
)  # fmt: skip
# Their keys, left out of the help when read-only; pressed anyway, the app says why.
MUTATING_KEYS = ("t", "ctrl+d", "e", "E", "c", "n")
# Shown only when read-only: the same key opens the form as a viewer.
VIEWER_ACTIONS = frozenset({"view", "view_group"})
