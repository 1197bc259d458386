"""Edit, create, clone and raw-edit a schedule: open the form (or $EDITOR), review, save.

Every path ends in the same review (exactly the fields that change, and what AWS will do
that the operator may not expect) and the same save through the mutation chokepoint. When
the schedule changed on the server meanwhile, the operator chooses: reload (nothing of the
stale copy is kept) or overwrite (their fields win, the server's other changes stay).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import SuspendNotSupported

from schedtui.aws.errors import AwsError, OutcomeUnknownError, StaleScheduleError
from schedtui.aws.mutations import MutationResult
from schedtui.core.changes.warnings import REANCHOR_WORD, change_warnings
from schedtui.core.schedules.diff import field_diff, field_values
from schedtui.core.schedules.document import from_document, to_document
from schedtui.core.schedules.form import creation_values, update_changes, values_of
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.text import printable
from schedtui.ui.screens.dialogs import ChoiceScreen, ConfirmScreen
from schedtui.ui.screens.schedule_form import FormMode, ScheduleFormScreen

if TYPE_CHECKING:
    from schedtui.ui.app import SchedtuiApp

READ_ONLY_VIEWER = "read-only (--read-only): a viewer, nothing can be saved"
_SHOWN_VALUE = 160  # characters of a value shown in the review before it is cut


@dataclass
class Draft:
    """A schedule ready to save, and how to report back to where it was edited."""

    mode: FormMode
    original: Schedule | None  # as loaded (edit), the source (clone), None (create)
    schedule: Schedule
    refused: Callable[[str], None]  # AWS refused it (or the answer was lost): keep the edits
    saved: Callable[[], None]
    reload: Callable[[Schedule], None]  # a conflict answered with "reload"
    progress: Callable[[str | None], None] = lambda _: None  # show "saving…" (None: done)
    client_token: str = field(default_factory=lambda: str(uuid.uuid4()))
    sending: bool = False


# -- opening -------------------------------------------------------------------------------------


def _load(
    app: SchedtuiApp, seen: Schedule | ScheduleSummary, then: Callable[[Schedule], None]
) -> None:
    """Read the schedule fresh (never edit a cached copy), then continue on the UI thread."""

    def work() -> None:
        try:
            schedule = app.backend.scheduler.get_schedule(*seen.key)
        except AwsError as error:
            app.call_from_thread(app.show_error, error)
            return
        app.backend.details.store(schedule)
        app.call_from_thread(then, schedule)

    app.run_worker(work, thread=True, group="edit-load")


def _reason(app: SchedtuiApp) -> str | None:
    return READ_ONLY_VIEWER if app.backend.settings.read_only else None


def _push_form(
    app: SchedtuiApp,
    mode: FormMode,
    original: Schedule | None,
    values: dict[str, str] | None = None,
) -> None:
    form = ScheduleFormScreen(
        mode,
        original,
        values_of(original),
        values=values,
        on_save=lambda form, schedule: review(app, _form_draft(app, form, schedule)),
        read_only_reason=_reason(app),
    )
    form.taken_names = {(row.group, row.name) for row in app.store.rows.values()}
    app.push_screen(form)


def open_edit(app: SchedtuiApp, seen: Schedule | ScheduleSummary) -> None:
    _load(app, seen, lambda schedule: _push_form(app, FormMode.EDIT, schedule))


def open_clone(app: SchedtuiApp, seen: Schedule | ScheduleSummary) -> None:
    def ready(schedule: Schedule) -> None:
        values = values_of(schedule)
        values["Name"] = _free_name(app, schedule.group_name, schedule.name)
        _push_form(app, FormMode.CLONE, schedule, values)

    _load(app, seen, ready)


def _free_name(app: SchedtuiApp, group: str, name: str) -> str:
    taken = {row.name for row in app.store.rows.values() if row.group == group}
    candidate, number = f"{name}-copy"[:64], 2
    while candidate in taken:
        candidate, number = f"{name}-copy-{number}"[:64], number + 1
    return candidate


def open_create(app: SchedtuiApp, group: str | None) -> None:
    group = group or "default"
    digests = [digest for digest in app.backend.details.digests() if digest.group == group]
    values = creation_values(
        group,
        zones=[digest.zone for digest in digests],
        dead_letter_arns=[digest.dlq_arn for digest in digests],
        role_arns=[
            kept.target.role_arn for kept in app.backend.details.kept() if kept.group_name == group
        ],
    )
    _push_form(app, FormMode.CREATE, None, values)


def _form_draft(app: SchedtuiApp, form: ScheduleFormScreen, schedule: Schedule) -> Draft:
    def saved() -> None:
        if form.is_attached:
            form.dismiss()

    def reload(current: Schedule) -> None:
        saved()
        _push_form(app, FormMode.EDIT, current)

    draft = Draft(
        form.mode,
        form.original,
        schedule,
        form.show_server_problem,
        saved,
        reload,
        progress=form.show_progress,
    )
    # Retrying the same create after a timeout must not create it twice: same request, same
    # token. A different request gets a new token (AWS refuses a token reused for another).
    request = schedule.to_create_request()
    if form.last_request == request and form.client_token:
        draft.client_token = form.client_token
    form.last_request, form.client_token = request, draft.client_token
    return draft


# -- review and save ---------------------------------------------------------------------------


def _shown(value: Any) -> str:
    text = "—" if value is None else str(value)
    text = printable(text)
    return text if len(text) <= _SHOWN_VALUE else text[: _SHOWN_VALUE - 1] + "…"


def review_body(draft: Draft, warnings: list[str]) -> Text:
    body = Text()
    if draft.mode is FormMode.EDIT:
        assert draft.original is not None
        changes = field_diff(draft.original, draft.schedule)
        for path, (old, new) in changes.items():
            before, after = _shown(old), _shown(new)
            body.append(path, style="bold")
            # Short values read best on one line; long ones (inputs, ARNs) one per line.
            joiner = (
                "  " if len(before) + len(after) < 50 and "\n" not in before + after else "\n  "
            )
            body.append(joiner)
            body.append(before, style="red")
            body.append(f"{joiner}→ ")
            body.append(after + "\n", style="green")
    else:
        for path, value in field_values(draft.schedule).items():
            body.append(f"{path}: ", style="bold")
            body.append(f"{_shown(value)}\n")
    for warning in warnings:
        body.append(f"⚠ {printable(warning)}\n", style="yellow")
    body.append(
        "\nEvery other member is sent back unchanged; a change made meanwhile on the server "
        "stops the save."
        if draft.mode is FormMode.EDIT
        else "",
        style="dim",
    )
    return body


def review(app: SchedtuiApp, draft: Draft) -> None:
    before = draft.original if draft.mode is FormMode.EDIT else None
    warnings = change_warnings(before, draft.schedule, app.now())
    name = printable(f"{draft.schedule.group_name}/{draft.schedule.name}")
    if draft.mode is FormMode.EDIT:
        assert draft.original is not None
        count = len(field_diff(draft.original, draft.schedule))
        title = f"Save {count} change{'s' if count != 1 else ''} to {name}?"
        label = "Save"
    else:
        title = f"Create {name}?"
        label = "Create"
    if any("dead-letter queue" in warning for warning in warnings):
        label = "Remove the DLQ and save"

    def answered(yes: bool | None) -> None:
        if yes:
            save(app, draft, reanchor=any(REANCHOR_WORD in w for w in warnings))

    app.push_screen(ConfirmScreen(title, review_body(draft, warnings), label), answered)


def save(app: SchedtuiApp, draft: Draft, *, reanchor: bool, force: bool = False) -> None:
    """Send the draft once. While it is in flight ``draft.sending`` is set and a second save
    of the same draft (a double ctrl+s, a second y) is ignored."""
    if draft.sending:
        return
    draft.sending = True
    draft.progress("saving… (sent once; the answer is awaited)")
    mutations = app.backend.mutations

    def work() -> None:
        try:
            if draft.mode is FormMode.EDIT:
                assert draft.original is not None
                result = mutations.update_schedule(
                    draft.original,
                    update_changes(draft.original, draft.schedule),
                    force=force,
                    accept_rate_reanchor=reanchor,
                )
            else:
                result = mutations.create_schedule(draft.schedule, client_token=draft.client_token)
        except StaleScheduleError as error:
            then = partial(_conflict, app, draft, error, reanchor)
        except OutcomeUnknownError as error:
            then = partial(_unknown, app, draft, error)
        except AwsError as error:
            then = partial(draft.refused, str(error))
        else:
            then = partial(_saved, app, draft, result)
        app.call_from_thread(_finished, draft, then)

    app.run_worker(work, thread=True, group="save")


def _finished(draft: Draft, then: Callable[[], None]) -> None:
    draft.sending = False
    draft.progress(None)
    then()


def _unknown(app: SchedtuiApp, draft: Draft, error: OutcomeUnknownError) -> None:
    """The answer was lost: say so, and what the re-read found. Applied counts as saved (the
    form closes, with a warning that says how it was learnt); anything else keeps the edits."""
    if error.applied and isinstance(error.current, Schedule):
        app.notify(str(error), title="Outcome unknown", severity="warning", timeout=15)
        _saved(app, draft, MutationResult(error.current, {}))
        return
    draft.refused(str(error))


def _saved(app: SchedtuiApp, draft: Draft, result: MutationResult) -> None:
    if result.schedule is not None:
        app.backend.details.store(result.schedule)
    name = printable(f"{draft.schedule.group_name}/{draft.schedule.name}")
    verb = "saved" if draft.mode is FormMode.EDIT else "created"
    app.notify(f"{name}: {verb}", markup=False)
    for note in result.notes:
        app.notify(printable(note), severity="warning", markup=False)
    draft.saved()
    app.refresh_after_change()
    _reload_details(app)
    if draft.mode is FormMode.CLONE and draft.original is not None:
        _offer_delete_original(app, draft.original, draft.schedule)


def _reload_details(app: SchedtuiApp) -> None:
    """Detail screens under the form show the schedule as it is now."""
    from schedtui.ui.screens.detail import DetailScreen

    for screen in app.screen_stack:
        if isinstance(screen, DetailScreen):
            screen.reload()


def _offer_delete_original(app: SchedtuiApp, original: Schedule, copy: Schedule) -> None:
    """A clone into another group or name is how a schedule moves: offer the second half."""
    body = Text()
    body.append(f"The copy {printable(copy.group_name)}/{printable(copy.name)} exists now.\n")
    body.append(
        f"Delete the original {printable(original.group_name)}/{printable(original.name)} to "
        "complete a move? It is re-read first; if it changed since you cloned it, nothing is "
        "deleted."
    )

    def answered(yes: bool | None) -> None:
        if not yes:
            return

        def work() -> None:
            try:
                app.backend.mutations.delete_schedule(original)
            except AwsError as error:
                app.call_from_thread(app.show_error, error)
                return
            if original.arn:
                app.backend.details.forget(original.arn)
            app.call_from_thread(app.notify, f"{original.group_name}/{original.name}: deleted")
            app.call_from_thread(app.refresh_after_change)

        app.run_worker(work, thread=True, group="save")

    app.push_screen(ConfirmScreen("Delete the original?", body, "Delete original"), answered)


def _conflict(app: SchedtuiApp, draft: Draft, error: StaleScheduleError, reanchor: bool) -> None:
    body = Text("Changed on the server since you opened it:\n", style="bold")
    for path, (seen, current) in error.changes.items():
        body.append(f"{path}\n", style="bold")
        body.append(f"  you saw {_shown(seen)}\n", style="dim")
        body.append(f"  now     {_shown(current)}\n")
    body.append(
        "\nReload: open the server's version (your edits are dropped).\n"
        "Overwrite: send your changed fields over the server's version; its other changes "
        "stay.\nBack: return to your edits.",
        style="dim",
    )

    def answered(choice: str | None) -> None:
        if choice == "reload":
            assert draft.original is not None
            _load(app, draft.original, draft.reload)
        elif choice == "overwrite":
            save(app, draft, reanchor=reanchor, force=True)

    app.push_screen(
        ChoiceScreen(
            "The schedule changed meanwhile",
            body,
            [
                ("reload", "Reload (l)", "l"),
                ("overwrite", "Overwrite (o)", "o"),
                ("back", "Back (b)", "b"),
            ],
        ),
        answered,
    )


# -- raw edit in $EDITOR --------------------------------------------------------------------------


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else vi (present on every bastion host)."""
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def run_editor(app: SchedtuiApp, text: str) -> str | None:
    """Let the operator edit ``text``; None when the editor failed (e.g. vi's :cq)."""
    handle, name = tempfile.mkstemp(prefix="schedtui-", suffix=".json")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        command = [*editor_command(), str(path)]
        try:
            with app.suspend():
                finished = subprocess.run(command, check=False)
        except SuspendNotSupported:  # a headless app (tests): the editor needs no terminal
            finished = subprocess.run(command, check=False, stdin=subprocess.DEVNULL)
        except OSError as error:
            app.notify(f"Cannot start the editor: {error}", severity="error", markup=False)
            return None
        if finished.returncode != 0:
            app.notify(f"The editor exited with status {finished.returncode}: nothing changed.")
            return None
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)


def open_raw_edit(app: SchedtuiApp, seen: Schedule | ScheduleSummary) -> None:
    if app.backend.settings.read_only:
        app.notify("Raw edit refused: " + READ_ONLY_VIEWER, severity="warning")
        return
    _load(app, seen, lambda schedule: raw_edit(app, schedule, to_document(schedule)))


def raw_edit(app: SchedtuiApp, original: Schedule, text: str) -> None:
    """Open ``text`` in the editor; what comes back goes through the form's review and save."""
    edited = run_editor(app, text)
    if edited is None:
        return
    if edited == to_document(original):
        app.notify("Nothing changed.")
        return
    schedule, problems = from_document(edited, original)
    if schedule is None:
        _offer_another_edit(app, original, edited, "The edited schedule is not valid", problems)
        return
    if not field_diff(original, schedule):
        app.notify("Nothing changed.")
        return
    draft = Draft(
        FormMode.EDIT,
        original,
        schedule,
        refused=lambda message: _offer_another_edit(app, original, edited, "Not saved", [message]),
        saved=lambda: None,
        reload=lambda current: raw_edit(app, current, to_document(current)),
    )
    review(app, draft)


def _offer_another_edit(
    app: SchedtuiApp, original: Schedule, edited: str, title: str, problems: list[str]
) -> None:
    body = Text()
    for problem in problems:
        body.append(f"✗ {printable(problem)}\n", style="red")
    body.append("\nEdit again? Your text is kept; nothing has been sent.", style="dim")

    def answered(yes: bool | None) -> None:
        if yes:
            raw_edit(app, original, edited)

    app.push_screen(ConfirmScreen(title, body, "Edit again"), answered)
