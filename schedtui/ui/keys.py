"""Every key, declared once: the screens' bindings, the footer, the help screen and the
README's key table are all made from ``KEYS`` (a test compares the README with ``readme()``).

A key belongs to one or more screens ("app" for every screen). ``mutates`` marks what would
change something in AWS: in read-only mode those keys leave the footer and the help, do
nothing, and a keystroke on one says why (``READ_ONLY_REFUSAL``); ``viewer`` marks the
read-only stand-in that the same key becomes (``e`` opens the forms as viewers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    id: str  # unique, "screen.what": also the Binding's id (a user keymap can rebind it)
    keys: str  # Textual key names, comma-separated
    action: str
    label: str  # the footer's word
    description: str  # the help screen's line
    screens: frozenset[str]
    shown: str = ""  # how the help and README write the keys (default: ``keys``)
    where: str = ""  # the README's "where" column; empty: not in the README table
    mutates: bool = False
    viewer: bool = False  # the read-only stand-in of a mutating key
    footer: bool = True
    not_in_footer_of: frozenset[str] = frozenset()  # screens whose footer has no room for it
    priority: bool = False
    footer_shows: str = ""  # how the footer writes the key (default: Textual's way)

    @property
    def display(self) -> str:
        return self.shown or self.keys


def _screens(*names: str) -> frozenset[str]:
    return frozenset(names)


APP = _screens("app")
LISTS = _screens("list")  # what both lists share
SCHEDULES = _screens("schedules", "detail")
# The fleet doctor, cleanup and the timeline list schedules too: `y` / `Y` copy the cursor row's.
COPY = _screens(
    "schedules", "detail", "groups", "monitor", "dlq_messages", "doctor", "cleanup", "timeline"
)

KEYS: Final[tuple[Key, ...]] = (
    # -- everywhere -------------------------------------------------------------------------
    Key("app.help", "question_mark", "help", "Help", "help for the current screen", APP, "?",
        "anywhere"),
    Key("app.palette", "ctrl+p", "command_palette", "Palette",
        "command palette (the `:` commands, themes, schedules and groups)", APP,
        where="anywhere", footer=False),
    Key("app.command", "colon", "command_line", "Command",
        "command line: :groups, :schedules (GROUP or GROUP/NAME), :failing, :monitor, :dlq, "
        ":doctor (GROUP or GROUP/NAME), :cleanup (GROUP), :timeline (:tl), :profile, :region "
        "(NAME, or alone to pick), :q (replaces the view; tab completes)", APP,
        ":", "anywhere"),
    Key("app.back", "q", "back", "Back",
        "back; on the first screen, quit (ctrl+q always quits)", APP, where="anywhere"),
    Key("app.quit", "ctrl+q", "quit", "Quit", "quit", APP, footer=False, priority=True),
    Key("app.refresh", "r", "refresh", "Refresh", "refresh now", APP, where="anywhere",
        footer=False),
    Key("app.monitor", "m", "monitor", "Monitor",
        "monitoring panel: metrics, DLQ depths, alarms", APP, where="anywhere"),
    # -- the lists ---------------------------------------------------------------------------
    Key("list.filter", "slash", "open_filter", "Filter",
        "filter: words, state:disabled group:NAME target:lambda tz:ZONE name:TEXT", LISTS,
        "/", "lists"),
    Key("list.escape", "escape", "escape", "Back", "clear the filter, then back", LISTS, "esc",
        footer=False),
    Key("table.sort", "s", "sort_focused", "Sort",
        "sort by the focused column; again: reverse (or click a header)", _screens("table"),
        where="lists and tables"),
    # Only on the tables whose screen acts on marks (MARKABLE): the schedules, cleanup.
    Key("table.mark", "space", "toggle_mark", "Mark", "mark / unmark the row",
        _screens("marks"), where="lists", footer=False),
    Key("table.select", "enter", "select_row", "Open",
        "open the selected row's group or schedule (the doctor: on its doctor panel)",
        _screens("table"), where="lists"),
    # The timeline's table is a DataTable, which binds up and down but not k and j.
    Key("table.up", "up,k", "cursor_up", "Up", "previous row",
        _screens("table", "timeline", "pick"), "up / k", footer=False),
    Key("table.down", "down,j", "cursor_down", "Down", "next row",
        _screens("table", "timeline", "pick"), "down / j", footer=False),
    Key("table.page_up", "pageup", "cursor_page_up", "Page up", "a page up",
        _screens("table"), footer=False),
    Key("table.page_down", "pagedown", "cursor_page_down", "Page down", "a page down",
        _screens("table"), footer=False),
    Key("table.home", "home", "cursor_home", "First row", "first row", _screens("table"),
        footer=False),
    Key("table.end", "end", "cursor_end", "Last row", "last row", _screens("table"),
        footer=False),
    Key("table.left", "left,h", "column_left", "Column left",
        "focus the column to the left (the columns scroll; the name stays)",
        _screens("table"), "left / h", footer=False),
    Key("table.right", "right,l", "column_right", "Column right",
        "focus the column to the right", _screens("table"), "right / l", footer=False),
    Key("table.narrow", "less_than_sign", "narrow_column", "Narrower",
        "narrow the focused column", _screens("table"), "<", "lists and tables",
        footer=False),
    Key("table.widen", "greater_than_sign", "widen_column", "Wider",
        "widen the focused column", _screens("table"), ">", "lists and tables", footer=False),
    # -- groups ------------------------------------------------------------------------------
    Key("groups.new", "n", "new_group", "New", "new group, with tags", _screens("groups"),
        where="groups list", mutates=True),
    Key("groups.tags", "e", "edit_group", "Tags", "edit the group's tags",
        _screens("groups"), where="groups list", mutates=True),
    Key("groups.view", "e", "view_group", "Tags", "view the group's tags (read-only)",
        _screens("groups"), viewer=True),
    Key("groups.delete", "ctrl+d", "delete_group", "Delete",
        "delete the group and its schedules (type its name to confirm; never default)",
        _screens("groups"), where="groups list", mutates=True),
    Key("groups.history", "H", "group_history", "History",
        "the group's history: who changed its schedules (CloudTrail, 90 days, and the audit "
        "log)", _screens("groups"), where="groups list", footer=False),
    Key("group_history.back", "escape", "back", "Back", "back", _screens("group_history"),
        "esc"),
    # -- schedules and one schedule ----------------------------------------------------------
    Key("schedules.toggle", "t", "toggle", "Toggle",
        "toggle ENABLED/DISABLED (the marked rows when any are marked)", SCHEDULES,
        where="schedule list or detail", mutates=True),
    # Left out of the list's footer, so that "? Help" still fits at 80 columns.
    Key("schedules.delete", "ctrl+d", "delete", "Delete",
        "delete: type the name to confirm (marked rows: `delete N schedules`)", SCHEDULES,
        where="schedule list or detail", mutates=True,
        not_in_footer_of=_screens("schedules")),
    Key("schedules.edit", "e", "edit", "Edit",
        "edit in a validated form (ctrl+s reviews exactly what changes, then saves)",
        SCHEDULES, where="schedule list or detail", mutates=True),
    Key("schedules.view", "e", "view", "View", "view in the form (read-only)", SCHEDULES,
        viewer=True),
    Key("schedules.raw_edit", "E", "raw_edit", "Edit JSON",
        "edit as JSON in $VISUAL / $EDITOR (vi when unset), same review", SCHEDULES,
        where="schedule list or detail", mutates=True, footer=False),
    Key("schedules.clone", "c", "clone", "Clone",
        "clone to a new name and/or group (how a schedule moves)", SCHEDULES,
        where="schedule list or detail", mutates=True,
        not_in_footer_of=_screens("schedules", "detail")),
    Key("schedules.new", "n", "new", "New",
        "new schedule (in this group, or the cursor row's)", _screens("schedules"),
        where="schedule list", mutates=True, footer=False),
    # The detail's views of the same schedule (ui/screens/detail.py): what its target did
    # and who changed it; esc comes back to the overview first.
    Key("detail.runs", "R", "show_runs", "Runs",
        "runs of the target over a window: figures, duration sparkline with the changes "
        "marked (▲), failure lines, executions or tasks", _screens("detail"),
        where="schedule detail"),
    Key("detail.history", "H", "show_history", "History",
        "who changed the schedule: CloudTrail (90 days) and this machine's audit log, with "
        "what changed", _screens("detail"), where="schedule detail"),
    Key("detail.doctor", "D", "show_doctor", "Doctor",
        "doctor: what is wrong with the role, target, DLQ, key and settings, with the fix "
        "(r checks again)", _screens("detail"), where="schedule detail"),
    Key("detail.window", "w", "next_runs_window", "Window", "cycle the runs window: 1h, 24h, 7d",
        _screens("detail"), where="runs view"),
    Key("detail.overview", "o", "show_overview", "Overview",
        "back to the overview (esc too)", _screens("detail"),
        where="runs, history or doctor view", footer=False),
    Key("detail.back", "escape", "back", "Back",
        "back (from the runs, history or doctor view: to the overview); in a list, clear the "
        "filter first", _screens("detail"), "esc", "anywhere"),
    # -- copy and leave (ui/flows/copy.py): not in the footers, which have no room ---------
    Key("copy.arn", "y", "copy_arn", "Copy ARN",
        "copy the ARN (in the groups list, the group's; in the monitor, the DLQ's) and show it",
        COPY,
        where="lists, detail, monitor, fleet doctor, cleanup, timeline", footer=False),
    Key("copy.console", "Y", "copy_console_url", "Console URL",
        "copy the AWS console URL of the schedule (or group, or DLQ) and show it", COPY,
        where="lists, detail, monitor, fleet doctor, cleanup, timeline", footer=False),
    Key("schedules.json", "v", "view_json", "JSON",
        "view the schedule exactly as GetSchedule returned it (read-only JSON)", SCHEDULES,
        where="schedule list or detail", footer=False),
    Key("json.copy", "y", "copy_json", "Copy", "copy the whole JSON", _screens("json_view"),
        where="JSON view"),
    Key("json.back", "escape", "back", "Back", "back", _screens("json_view"), "esc"),
    # -- the fleet doctor (:doctor [GROUP], ui/screens/doctor.py) ----------------------------
    Key("doctor.severity", "f", "next_severity", "Severity",
        "show all findings, warnings and errors, or errors only", _screens("doctor"),
        where="fleet doctor"),
    # -- what the fleet doctor and cleanup share (ui/screens/fleet_scan.py) ------------------
    Key("scan.filter", "slash", "open_filter", "Filter",
        "filter the rows: every word must appear in the row (a kind, a group, a name...)",
        _screens("scan"), "/", "fleet doctor, cleanup"),
    Key("scan.back", "escape", "escape", "Back", "clear the filter, then back (stops the check)",
        _screens("scan"), "esc", footer=False),  # the footer says q Back, as on the lists
    # -- cleanup (ui/screens/cleanup.py): space marks a row, as in the lists ---------------
    Key("cleanup.mark_all", "a", "mark_all", "Mark all",
        "mark every candidate; again: unmark them all", _screens("cleanup"), where="cleanup"),
    Key("cleanup.delete", "ctrl+d", "delete", "Delete",
        "delete the marked candidates (or the one under the cursor): each is exported first "
        "(cleanup-TIME.json in the state directory), then type the name (several: `delete N "
        "schedules`)",
        _screens("cleanup"), where="cleanup", mutates=True),
    # -- monitoring --------------------------------------------------------------------------
    Key("monitor.window", "w", "next_window", "Window",
        "cycle the window: 1h, 3h, 24h, 7d", _screens("monitor"), where="monitor"),
    Key("monitor.back", "escape", "back", "Back", "back", _screens("monitor"), "esc"),
    Key("monitor.peek", "p", "peek", "Peek DLQ",
        "peek at the focused panel's DLQ: the DLQ row's, or the DLQs of the group of the "
        "metrics or alarm row (asks first, naming the queue's redrive policy)",
        _screens("monitor"), where="monitor"),
    Key("monitor.panel", "tab", "app.focus_next", "Next panel",
        "move between the metrics, DLQ and alarm panels (the focused one is marked)",
        _screens("monitor"), footer=False),
    Key("dlq.next", "right_square_bracket", "next_batch", "Next batch",
        "next batch: receive up to 10 more (left on the queue, receive count +1), or the "
        "next one already received", _screens("dlq_messages"), "]", "DLQ messages"),
    Key("dlq.previous", "left_square_bracket", "previous_batch", "Prev batch",
        "previous batch (no receive)", _screens("dlq_messages"), "[", "DLQ messages"),
    Key("dlq.goto", "g", "go_to_schedule", "Go to schedule",
        "open the schedule of the message, or of the group (enter too)",
        _screens("dlq_messages"), where="DLQ messages"),
    Key("dlq.panel", "tab", "app.focus_next", "Next panel",
        "move between the groups, the batch's messages and the message",
        _screens("dlq_messages"), footer=False),
    Key("dlq.back", "escape", "back", "Back", "back", _screens("dlq_messages"), "esc"),
    # -- the fleet timeline (ui/screens/timeline.py) -----------------------------------------
    Key("timeline.span", "w", "next_span", "Span", "cycle the timeline's span: 1h, 24h, 7d",
        _screens("timeline"), where="fleet timeline"),
    Key("timeline.section", "tab", "next_section", "Section",
        "next section: busiest minutes, collisions, suggestions", _screens("timeline"),
        where="fleet timeline"),
    Key("timeline.open", "enter", "open_schedule", "Open",
        "open the schedule of the selected line (on `… N more`: list them all, where enter "
        "opens one and esc closes the list)",
        _screens("timeline"), where="fleet timeline"),
    Key("timeline.back", "escape", "back", "Back", "back", _screens("timeline"), "esc"),
    # -- forms -------------------------------------------------------------------------------
    # In the footer by importance: at 60 columns the first four still fit. Typing goes to
    # the focused field, so no plain letter is bound here (`?` types a `?`: f1 is help).
    Key("form.save", "ctrl+s", "save", "Review & save",
        "review the changes, then save (once: a second ctrl+s waits)",
        _screens("schedule_form"), where="forms"),
    Key("form.cancel", "escape", "cancel", "Cancel",
        "cancel (asks first when something was changed)", _screens("schedule_form"), "esc"),
    Key("form.help", "f1,question_mark", "app.help", "Help",
        "help (`?` too, outside a text field: in one it types a `?`)",
        _screens("schedule_form", "group_form"), "f1", "forms"),
    # f2..f6 jump in the form's order; priority: a TextArea binds f6 (select line).
    Key("form.jump_dates", "f2", "jump('dates')", "Jump",
        "jump to the start and end dates", _screens("schedule_form"), where="forms",
        footer_shows="f2…f6", priority=True),
    Key("form.jump_window", "f3", "jump('window')", "Window",
        "jump to the flexible time window", _screens("schedule_form"), where="forms",
        footer=False, priority=True),
    Key("form.jump_target", "f4", "jump('target')", "Target", "jump to the target",
        _screens("schedule_form"), where="forms", footer=False, priority=True),
    Key("form.jump_retry", "f5", "jump('retry')", "Retry", "jump to the retry policy",
        _screens("schedule_form"), where="forms", footer=False, priority=True),
    Key("form.jump_dlq", "f6", "jump('dlq')", "DLQ", "jump to the dead-letter queue",
        _screens("schedule_form"), where="forms", footer=False, priority=True),
    Key("form.next_section", "ctrl+down", "section(1)", "Next section",
        "next section (General, Schedule, Target, Retry, DLQ, Encryption)",
        _screens("schedule_form"), where="forms", footer=False),
    Key("form.previous_section", "ctrl+up", "section(-1)", "Previous section",
        "previous section", _screens("schedule_form"), where="forms", footer=False),
    # The form's TextAreas leave ctrl+z / ctrl+y to these (schedule_form.FieldArea).
    Key("form.undo", "ctrl+z", "undo", "Undo",
        "undo the focused field's last change (each field has its own history)",
        _screens("schedule_form"), where="forms"),
    Key("form.redo", "ctrl+y", "redo", "Redo", "redo what ctrl+z undid in the focused field",
        _screens("schedule_form"), where="forms", footer=False),
    # Not in the footer (no room): the button under the target input names it.
    Key("form.format", "ctrl+o", "format_input", "Format JSON",
        "pretty-print the target input (JSON)", _screens("schedule_form"), where="forms",
        footer=False),
    Key("group_form.save", "ctrl+s", "save", "Save", "review and save the group",
        _screens("group_form")),
    Key("group_form.cancel", "escape", "close", "Cancel", "cancel", _screens("group_form"),
        "esc"),
    # -- dialogs -----------------------------------------------------------------------------
    Key("confirm.yes", "y", "answer(True)", "Confirm",
        "confirm / cancel (enter confirms the focused button)", _screens("confirm"), "y / n",
        "confirmation dialogs"),
    Key("confirm.no", "n,escape", "answer(False)", "Cancel", "cancel", _screens("confirm"),
        "n / esc"),
    Key("typed.cancel", "escape", "cancel", "Cancel", "cancel", _screens("typed_confirm"),
        "esc"),
    Key("message.close", "escape,enter,q", "close", "Close", "close", _screens("message"),
        "esc"),
    Key("pick.close", "escape,q", "close", "Close", "close the list", _screens("pick"), "esc"),
    Key("help.close", "escape,q,question_mark", "close", "Close", "close", _screens("help"),
        "esc"),
    Key("prompt.cancel", "escape", "cancel", "Cancel", "cancel", _screens("prompt"), "esc"),
    Key("prompt.complete", "tab", "complete", "Complete",
        "complete the command, group, schedule, profile or region name", _screens("prompt"),
        where="`:` command line", priority=True),  # before Screen's own tab (focus next)
    Key("choice.back", "escape", "choose(None)", "Back", "back", _screens("choice"), "esc"),
)  # fmt: skip

# Every key a mutating action is bound to: pressed in read-only mode, the app says why.
MUTATING_KEYS: Final = tuple(
    dict.fromkeys(key for entry in KEYS if entry.mutates for key in entry.keys.split(","))
)
READ_ONLY_REFUSAL: Final = Binding(
    ",".join(MUTATING_KEYS), "read_only_key", show=False, id="app.read_only"
)
MUTATING_ACTIONS: Final = frozenset(entry.action for entry in KEYS if entry.mutates)
VIEWER_ACTIONS: Final = frozenset(entry.action for entry in KEYS if entry.viewer)


def bindings(screen: str) -> list[Binding]:
    """The BINDINGS of ``screen`` (a screen's class declares ``BINDINGS = bindings(...)``)."""
    return [
        Binding(
            entry.keys,
            entry.action,
            entry.label,
            show=entry.footer and screen not in entry.not_in_footer_of,
            priority=entry.priority,
            id=entry.id,
            key_display=entry.footer_shows or None,
        )
        for entry in KEYS
        if screen in entry.screens and entry.action != "command_palette"
    ]


def help_rows(screens: tuple[str, ...], read_only: bool) -> list[tuple[str, str]]:
    """(keys as written, what they do) for the help of a screen made of ``screens``, in
    that order (its own keys first, say, then the list's, then the table's)."""
    rows: list[tuple[str, str]] = []
    for screen in screens:
        rows += [
            (entry.display, entry.description)
            for entry in KEYS
            if screen in entry.screens
            and not (read_only and entry.mutates)
            and (read_only or not entry.viewer)
            and (entry.display, entry.description) not in rows
        ]
    return rows


def readme() -> str:
    """The README's key table (between its ``<!-- keys -->`` markers)."""
    lines = ["| key | where | action |", "|---|---|---|"]
    for entry in KEYS:
        if entry.where:
            lines.append(f"| `{entry.display}` | {entry.where} | {entry.description} |")
    return "\n".join(lines)
