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
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import SuspendNotSupported

from schedtui.aws.batch import apply_plans
from schedtui.aws.errors import AwsError, OutcomeUnknownError, StaleScheduleError
from schedtui.aws.mutations import MutationResult
from schedtui.core.changes.plan import ChangePlan, ClientTokens, PlanKind, update_changes
from schedtui.core.changes.warnings import WarningKind
from schedtui.core.schedules.diff import field_diff
from schedtui.core.schedules.document import from_document, to_document
from schedtui.core.schedules.form import creation_values, values_of
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.text import printable, shortened
from schedtui.ui.flows.bulk import report
from schedtui.ui.screens.dialogs import ChoiceScreen, ConfirmScreen
from schedtui.ui.screens.schedule_form import FormMode, ScheduleFormScreen
from schedtui.ui.session import Host

READ_ONLY_VIEWER = "read-only: a viewer, nothing can be saved"
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
    tokens: ClientTokens = field(default_factory=ClientTokens)  # the form's, across saves
    sending: bool = False


# -- opening -------------------------------------------------------------------------------------


def _load(host: Host, seen: Schedule | ScheduleSummary, then: Callable[[Schedule], None]) -> None:
    """Read the schedule fresh (never edit a cached copy), then continue on the UI thread."""

    def work() -> None:
        try:
            schedule = host.session.backend.scheduler.get_schedule(*seen.key)
        except AwsError as error:
            host.call_from_thread(host.show_error, error)
            return
        host.session.backend.details.store(schedule)
        host.call_from_thread(then, schedule)

    host.run_worker(work, thread=True, group="edit-load")


def _reason(host: Host) -> str | None:
    return READ_ONLY_VIEWER if host.session.read_only else None


def _push_form(
    host: Host,
    mode: FormMode,
    original: Schedule | None,
    values: dict[str, str] | None = None,
) -> None:
    form = ScheduleFormScreen(
        mode,
        original,
        values_of(original),
        values=values,
        on_save=lambda form, schedule: review(host, _form_draft(host, form, schedule)),
        read_only_reason=_reason(host),
    )
    store = host.session.store
    form.is_taken = lambda key: store.find(*key) is not None
    host.push_screen(form)


def open_edit(host: Host, seen: Schedule | ScheduleSummary) -> None:
    _load(host, seen, lambda schedule: _push_form(host, FormMode.EDIT, schedule))


def open_clone(host: Host, seen: Schedule | ScheduleSummary) -> None:
    def ready(schedule: Schedule) -> None:
        values = values_of(schedule)
        values["Name"] = _free_name(host, schedule.group_name, schedule.name)
        _push_form(host, FormMode.CLONE, schedule, values)

    _load(host, seen, ready)


def _free_name(host: Host, group: str, name: str) -> str:
    taken = set(host.session.store.names_in(group))
    candidate, number = f"{name}-copy"[:64], 2
    while candidate in taken:
        candidate, number = f"{name}-copy-{number}"[:64], number + 1
    return candidate


def open_create(host: Host, group: str | None) -> None:
    group = group or "default"
    details = host.session.backend.details
    digests = list(details.columns.digests(group))
    values = creation_values(
        group,
        zones=[digest.zone for digest in digests],
        dead_letter_arns=[digest.dlq_arn for digest in digests],
        role_arns=[
            kept.target.role_arn
            for kept in host.session.backend.details.kept()
            if kept.group_name == group
        ],
        account=host.session.header.account if host.session.header.account.isdigit() else None,
    )
    _push_form(host, FormMode.CREATE, None, values)


def _form_draft(host: Host, form: ScheduleFormScreen, schedule: Schedule) -> Draft:
    def saved() -> None:
        if form.is_up:
            form.dismiss()

    def reload(current: Schedule) -> None:
        saved()
        _push_form(host, FormMode.EDIT, current)

    draft = Draft(
        form.mode,
        form.original,
        schedule,
        form.show_server_problem,
        saved,
        reload,
        progress=form.show_progress,
        tokens=form.client_tokens,
    )
    return draft


# -- review and save ---------------------------------------------------------------------------


def _shown(value: Any) -> str:
    text = "—" if value is None else str(value)
    return shortened(printable(text), _SHOWN_VALUE)


def review_body(plan: ChangePlan) -> Text:
    """The plan as it will be sent: every member that changes (old → new) or, for a new
    schedule, every member it will have; then what AWS will do that may surprise."""
    body = Text()
    if plan.kind is PlanKind.UPDATE:
        for path, (old, new) in plan.diff.items():
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
        for path, (_, value) in plan.diff.items():
            body.append(f"{path}: ", style="bold")
            body.append(f"{_shown(value)}\n")
    for warning in plan.warnings:
        body.append(f"⚠ {printable(warning.text)}\n", style="yellow")
    if plan.kind is PlanKind.UPDATE:
        body.append(
            "\nEvery other member is sent back unchanged; a change made meanwhile on the "
            "server stops the save.",
            style="dim",
        )
    return body


def review(host: Host, draft: Draft, *, force: bool = False) -> None:
    """Plan the draft (an edit: on the document read for write now), then show the plan."""
    mutations = host.session.backend.mutations

    def plan() -> ChangePlan:
        if draft.mode is FormMode.EDIT:
            assert draft.original is not None
            changes = update_changes(draft.original, draft.schedule)
            return mutations.plan_update(draft.original, changes, force=force)
        return mutations.plan_create(draft.schedule)

    _in_worker(host, draft, "checking the server's copy…", plan, partial(_confirm, host, draft))


def _confirm(host: Host, draft: Draft, plan: ChangePlan) -> None:
    name = printable(plan.label)
    if plan.empty:
        host.notify("Nothing changed.")
        return
    if plan.kind is PlanKind.UPDATE:
        count = len(plan.diff)
        title, label = f"Save {count} change{'s' if count != 1 else ''} to {name}?", "Save"
    else:
        title, label = f"Create {name}?", "Create"
    if plan.warns(WarningKind.DLQ_REMOVED):
        label = "Remove the DLQ and save"

    def answered(yes: bool | None) -> None:
        if yes:
            save(host, draft, plan)

    host.push_screen(ConfirmScreen(title, review_body(plan), label), answered)


def save(host: Host, draft: Draft, plan: ChangePlan) -> None:
    """Send the reviewed plan once (the review was the operator's consent to its warnings)."""
    mutations = host.session.backend.mutations
    _in_worker(
        host,
        draft,
        "saving… (sent once; the answer is awaited)",
        lambda: mutations.apply(plan, consented=True, client_token=draft.tokens.for_plan(plan)),
        partial(_saved, host, draft),
    )


def _in_worker(
    host: Host, draft: Draft, doing: str, call: Callable[[], Any], then: Callable[[Any], None]
) -> None:
    """Run ``call`` off the UI thread, then ``then`` with its result (or the conflict, the lost
    answer or the refusal). While it runs the form says ``doing`` and a second ctrl+s (or a
    second y) of the same draft does nothing."""
    if draft.sending:
        return
    draft.sending = True
    draft.progress(doing)

    def work() -> None:
        try:
            result = call()
        except StaleScheduleError as error:
            after = partial(_conflict, host, draft, error)
        except OutcomeUnknownError as error:
            after = partial(_unknown, host, draft, error)
        except AwsError as error:
            after = partial(draft.refused, str(error))
        else:
            after = partial(then, result)
        host.call_from_thread(_finished, draft, after)

    host.run_worker(work, thread=True, group="save")


def _finished(draft: Draft, then: Callable[[], None]) -> None:
    draft.sending = False
    draft.progress(None)
    then()


def _unknown(host: Host, draft: Draft, error: OutcomeUnknownError) -> None:
    """The answer was lost: say so, and what the re-read found. Applied counts as saved (the
    form closes, with a warning that says how it was learnt); anything else keeps the edits."""
    if error.applied and isinstance(error.current, Schedule):
        host.notify(str(error), title="Outcome unknown", severity="warning", timeout=15)
        _saved(host, draft, MutationResult(error.current, {}))
        return
    draft.refused(str(error))


def _saved(host: Host, draft: Draft, result: MutationResult) -> None:
    if result.schedule is not None:
        host.session.backend.details.store(result.schedule)
    name = f"{draft.schedule.group_name}/{draft.schedule.name}"
    if draft.mode is FormMode.EDIT:
        count = len(result.changes)
        host.notify(f"{name} saved: {count} field{'s' if count != 1 else ''} changed")
    else:
        host.notify(f"{name} created")
    draft.saved()
    host.changed()
    if draft.mode is FormMode.CLONE and draft.original is not None:
        _offer_delete_original(host, draft.original, draft.schedule)


def _offer_delete_original(host: Host, original: Schedule, copy: Schedule) -> None:
    """A clone into another group or name is how a schedule moves: offer the second half."""
    body = Text()
    body.append(f"The copy {printable(copy.group_name)}/{printable(copy.name)} exists now.\n")
    body.append(
        f"Delete the original {printable(original.group_name)}/{printable(original.name)} to "
        "complete a move? It is re-read first; if it changed since you cloned it, nothing is "
        "deleted."
    )

    def answered(yes: bool | None) -> None:
        if yes:
            host.run_worker(lambda: _delete_original(host, original), thread=True, group="save")

    host.push_screen(ConfirmScreen("Delete the original?", body, "Delete original"), answered)


def _delete_original(host: Host, original: Schedule) -> None:
    mutations = host.session.backend.mutations
    try:
        plan = mutations.plan_delete(original)
    except AwsError as error:
        host.call_from_thread(host.show_error, error)
        return
    results = apply_plans(mutations, [plan], consented=True)
    if results[0].done and original.arn:
        host.session.backend.details.forget(original.arn)
    host.call_from_thread(report, host, results, "deleted")
    host.call_from_thread(host.changed)


def _conflict(host: Host, draft: Draft, error: StaleScheduleError) -> None:
    body = Text("Changed on the server since you opened it:\n", style="bold")
    for path, (seen, current) in error.changes.items():
        body.append(f"{path}\n", style="bold")
        body.append(f"  you saw {_shown(seen)}\n", style="dim")
        body.append(f"  now     {_shown(current)}\n")
    body.append(
        "\nReload: open the server's version (your edits are dropped).\n"
        "Overwrite: your changed fields over the server's version (its other changes stay); "
        "you review exactly that first.\nBack: return to your edits.",
        style="dim",
    )

    def answered(choice: str | None) -> None:
        if choice == "reload":
            assert draft.original is not None
            _load(host, draft.original, draft.reload)
        elif choice == "overwrite":
            review(host, draft, force=True)

    host.push_screen(
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


def run_editor(host: Host, text: str) -> str | None:
    """Let the operator edit ``text``; None when the editor failed (e.g. vi's :cq)."""
    handle, name = tempfile.mkstemp(prefix="schedtui-", suffix=".json")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        command = [*editor_command(), str(path)]
        try:
            with host.suspend():
                finished = subprocess.run(command, check=False)
        except SuspendNotSupported:  # a headless app (tests): the editor needs no terminal
            finished = subprocess.run(command, check=False, stdin=subprocess.DEVNULL)
        except OSError as error:
            host.notify(f"Cannot start the editor: {error}", severity="error", markup=False)
            return None
        if finished.returncode != 0:
            host.notify(f"The editor exited with status {finished.returncode}: nothing changed.")
            return None
        return path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)


def open_raw_edit(host: Host, seen: Schedule | ScheduleSummary) -> None:
    if host.refused_read_only("Raw edit"):
        return
    _load(host, seen, lambda schedule: raw_edit(host, schedule, to_document(schedule)))


def raw_edit(host: Host, original: Schedule, text: str) -> None:
    """Open ``text`` in the editor; what comes back goes through the form's review and save."""
    edited = run_editor(host, text)
    if edited is None:
        return
    if edited == to_document(original):
        host.notify("Nothing changed.")
        return
    schedule, problems = from_document(edited, original)
    if schedule is None:
        _offer_another_edit(host, original, edited, "The edited schedule is not valid", problems)
        return
    if not field_diff(original, schedule):
        host.notify("Nothing changed.")
        return
    draft = Draft(
        FormMode.EDIT,
        original,
        schedule,
        refused=lambda message: _offer_another_edit(host, original, edited, "Not saved", [message]),
        saved=lambda: None,
        reload=lambda current: raw_edit(host, current, to_document(current)),
    )
    review(host, draft)


def _offer_another_edit(
    host: Host, original: Schedule, edited: str, title: str, problems: list[str]
) -> None:
    body = Text()
    for problem in problems:
        body.append(f"✗ {printable(problem)}\n", style="red")
    body.append("\nEdit again? Your text is kept; nothing has been sent.", style="dim")

    def answered(yes: bool | None) -> None:
        if yes:
            raw_edit(host, original, edited)

    host.push_screen(ConfirmScreen(title, body, "Edit again"), answered)
