"""Deleting schedules and schedule groups: nothing AWS can undo happens on one key press.

Each deletion re-reads what it is about to delete, shows it, and asks the operator to type
an exact text (the schedule's or group's name; for several schedules ``delete N schedules``).
Sending goes through the mutation chokepoint, which refuses in read-only mode, refuses a
schedule that changed on the server after the dialog showed it, refuses a group that gained
schedules, and audits every field of what it deleted. Calls run in thread workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from schedtui.aws.errors import (
    AwsError,
    NotFoundError,
    OutcomeUnknownError,
    ReadOnlyError,
    StaleScheduleError,
)
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.text import printable
from schedtui.ui.flows.groups import refuse_if_deleting
from schedtui.ui.screens.dialogs import ResultLine, TypedConfirmScreen, results_screen

if TYPE_CHECKING:
    from schedtui.ui.app import SchedtuiApp

# Called once whatever happens (refused, cancelled, failed, done) with the ARNs deleted.
OnDone = Callable[[set[str]], None]

_GROUP_SCHEDULES_SHOWN = 10


def bulk_phrase(count: int) -> str:
    """What the operator types to delete several schedules at once."""
    return f"delete {count} schedules"


@dataclass(frozen=True)
class _Plan:
    seen: Schedule | ScheduleSummary  # what the operator was looking at
    current: Schedule  # read again just before the dialog: what it shows and what goes

    @property
    def label(self) -> str:
        return f"{self.current.group_name}/{self.current.name}"


# -- schedules ---------------------------------------------------------------------------------


def delete_schedules(
    app: SchedtuiApp,
    seen: Sequence[Schedule | ScheduleSummary],
    on_done: OnDone | None = None,
) -> None:
    done: OnDone = on_done or (lambda _: None)
    if not seen:
        done(set())
        return
    if app.backend.settings.read_only:
        app.show_error(ReadOnlyError("Delete refused: schedtui is read-only (--read-only)"))
        done(set())
        return
    items = list(seen)
    app.run_worker(lambda: _read_schedules(app, items, done), thread=True, group="delete")


def _read_schedules(app: SchedtuiApp, seen: list[Schedule | ScheduleSummary], done: OnDone) -> None:
    """Read each schedule fresh: the dialog shows what is there now, not what was listed."""
    plans: list[_Plan] = []
    gone: list[tuple[str, str]] = []  # (label, arn) of schedules already deleted by someone
    for item in seen:
        try:
            plans.append(_Plan(item, app.backend.scheduler.get_schedule(*item.key)))
        except NotFoundError:
            gone.append((f"{item.group_name}/{item.name}", item.arn or ""))
        except AwsError as error:
            app.call_from_thread(app.show_error, error)
            app.call_from_thread(done, set())
            return
    app.call_from_thread(_confirm_schedules, app, plans, gone, done)


def _schedule_lines(plan: _Plan) -> Text:
    current = plan.current
    text = Text()
    text.append(printable(plan.label), style="bold")
    text.append(f"  {current.state}\n")
    text.append(f"  {printable(current.schedule_expression)}")
    text.append(f"  ({printable(current.timezone_name)})\n", style="dim")
    target = current.target
    text.append(f"  → {target.kind.value}: {printable(target.arn)}\n")
    if current.last_modification_date != plan.seen.last_modification_date:
        text.append(
            "  ⚠ changed on the server since it was listed: this is the current version\n",
            style="yellow",
        )
    return text


def _confirm_schedules(
    app: SchedtuiApp, plans: list[_Plan], gone: list[tuple[str, str]], done: OnDone
) -> None:
    gone_arns = {arn for _, arn in gone if arn}
    if gone_arns:
        _forget(app, gone_arns)
    if not plans:
        app.notify(
            "Already deleted: " + ", ".join(printable(label) for label, _ in gone),
            severity="warning",
            markup=False,
        )
        done(gone_arns)
        app.refresh_after_change()
        return
    body = Text()
    for plan in plans:
        body.append_text(_schedule_lines(plan))
    for label, _ in gone:
        body.append(f"{printable(label)}: already deleted on the server\n", style="yellow")
    body.append(
        "\nDeleting cannot be undone; the audit log keeps every field of what is deleted. "
        "A change made on the server after this dialog opened stops that schedule's delete.",
        style="dim",
    )
    count = len(plans)
    if count == 1:
        title = f"Delete schedule {printable(plans[0].label)}?"
        expected, label = plans[0].current.name, "Delete"
    else:
        title = f"Delete {count} schedules?"
        expected, label = bulk_phrase(count), f"Delete {count}"

    def answered(yes: bool | None) -> None:
        if yes:
            app.run_worker(
                lambda: _delete_schedules(app, plans, gone_arns, done),
                thread=True,
                group="delete",
            )
        else:
            done(gone_arns)

    app.push_screen(TypedConfirmScreen(title, body, expected, label), answered)


def _stale_message(error: StaleScheduleError) -> str:
    fields = [path for path in error.changes if path != "LastModificationDate"]
    what = ", ".join(fields) if fields else "LastModificationDate"
    return (
        f"not deleted: it changed on the server after the dialog showed it ({what}); "
        "open it again to see the current version"
    )


def _delete_schedules(
    app: SchedtuiApp, plans: list[_Plan], gone_arns: set[str], done: OnDone
) -> None:
    results: list[ResultLine] = []
    deleted = set(gone_arns)
    for plan in plans:
        try:
            # What the dialog showed is what the operator confirmed: a later change refuses.
            app.backend.mutations.delete_schedule(plan.current)
        except StaleScheduleError as error:
            results.append(ResultLine(plan.label, _stale_message(error)))
            continue
        except NotFoundError:
            results.append(ResultLine(plan.label))  # someone else deleted it meanwhile: gone
        except OutcomeUnknownError as error:
            results.append(ResultLine.of(plan.label, error))
            if not error.applied:
                continue
        except AwsError as error:
            results.append(ResultLine.of(plan.label, error))
            continue
        else:
            results.append(ResultLine(plan.label))
        if plan.current.arn:
            deleted.add(plan.current.arn)
    app.call_from_thread(_schedules_deleted, app, results, deleted, done)


def _forget(app: SchedtuiApp, arns: set[str]) -> None:
    app.store.forget(arns)
    for arn in arns:
        app.backend.details.forget(arn)


def _schedules_deleted(
    app: SchedtuiApp, results: list[ResultLine], deleted: set[str], done: OnDone
) -> None:
    _forget(app, deleted)
    done(deleted)
    _reload_table(app)
    if len(results) == 1:
        line = results[0]
        if line.unknown:
            app.notify(line.error or "", title="Outcome unknown", severity="warning", timeout=15)
        elif line.error:
            app.show_error(AwsError(f"{line.label}: {line.error}"))
        else:
            app.notify(f"{line.label} deleted")
    else:
        app.push_screen(results_screen(results, "deleted"))
    app.refresh_after_change()


def _reload_table(app: SchedtuiApp) -> None:
    """Show the rows gone now (a list under a dialog reloads when the dialog closes)."""
    from schedtui.ui.screens.lists import TableScreen

    if isinstance(app.screen, TableScreen):
        app.screen.reload()


# -- groups ------------------------------------------------------------------------------------


def delete_group(app: SchedtuiApp, name: str) -> None:
    group = app.store.groups.get(name)
    if group is None:
        return
    if group.is_default:
        app.notify("The default group always exists and cannot be deleted", severity="warning")
        return
    if app.backend.settings.read_only:
        app.show_error(ReadOnlyError("Delete group refused: schedtui is read-only (--read-only)"))
        return
    if refuse_if_deleting(app, group, "deleting it again"):
        return
    app.run_worker(lambda: _count_group(app, name), thread=True, group="delete")


def _count_group(app: SchedtuiApp, name: str) -> None:
    """Count the group's schedules on the server: the number the operator confirms."""
    try:
        count = app.backend.scheduler.count_schedules(name)
    except AwsError as error:
        app.call_from_thread(app.show_error, error)
        return
    app.call_from_thread(_confirm_group, app, name, count)


def _confirm_group(app: SchedtuiApp, name: str, count: int) -> None:
    group = app.store.groups.get(name)
    body = Text()
    # What goes first: on a small terminal the rest of the body is a scroll away.
    if count:
        plural = "schedule goes" if count == 1 else "schedules go"
        body.append(f"{count} {plural} with the group", style="bold red")
        body.append(" (AWS deletes them shortly after it):\n")
        rows = sorted(
            (row for row in app.store.rows.values() if row.group == name), key=lambda r: r.name
        )
        for row in rows[:_GROUP_SCHEDULES_SHOWN]:
            body.append(f"  {printable(row.name)}  {row.state}\n")
        if len(rows) > _GROUP_SCHEDULES_SHOWN:
            body.append(f"  … and {len(rows) - _GROUP_SCHEDULES_SHOWN} more\n")
    else:
        body.append("The group holds no schedules.\n")
    body.append(f"\nGroup {printable(name)}", style="bold")
    if group is not None and group.arn:
        body.append(f"\n{printable(group.arn)}", style="dim")
        tags = app.store.group_tags.get(group.arn, {})
        if tags:
            shown = ", ".join(f"{k}={v}" for k, v in sorted(tags.items()))
            body.append(f"\nTags: {printable(shown)}")
    body.append(
        "\n\nDeleting cannot be undone. If more schedules appear in the group before the "
        "delete is sent, nothing is sent.",
        style="dim",
    )

    def answered(yes: bool | None) -> None:
        if yes:
            app.run_worker(lambda: _delete_group(app, name, count), thread=True, group="delete")

    title = f"Delete group {printable(name)}" + (
        f" and its {count} schedule{'s' if count != 1 else ''}?" if count else "?"
    )
    app.push_screen(TypedConfirmScreen(title, body, name, "Delete group"), answered)


def _delete_group(app: SchedtuiApp, name: str, expected: int) -> None:
    try:
        count = app.backend.mutations.delete_group(name, expected_schedules=expected)
    except AwsError as error:
        app.call_from_thread(app.show_error, error)
        return
    app.call_from_thread(_group_deleted, app, name, count)


def _group_deleted(app: SchedtuiApp, name: str, count: int) -> None:
    app.store.groups.pop(name, None)
    _forget(app, {arn for arn, row in app.store.rows.items() if row.group == name})
    plural = "schedule" if count == 1 else "schedules"
    app.notify(f"Group {printable(name)} deleted with its {count} {plural}", markup=False)
    _reload_table(app)
    app.refresh_after_change()
