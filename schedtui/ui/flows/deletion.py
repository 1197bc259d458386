"""Deleting schedules and schedule groups: nothing AWS can undo happens on one key press.

Each deletion re-reads what it is about to delete and plans it (core/changes/plan.py), shows
it, and asks the operator to type an exact text (the schedule's or group's name; for several
schedules ``delete N schedules``). Sending goes through the mutation chokepoint, which
refuses in read-only mode, refuses a schedule that changed on the server after the dialog
showed it, refuses a group that gained schedules, and audits every field of what it deleted.
Calls run in thread workers. A caller may do one thing after the operator confirmed and
before the first delete is sent (``BeforeSend``: the cleanup writes its export); if it fails,
nothing is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text

from schedtui.aws.batch import apply_plans
from schedtui.aws.errors import AwsError, NotFoundError
from schedtui.core.changes.plan import ChangePlan
from schedtui.core.paths import shown
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.text import printable
from schedtui.ui.flows.bulk import report
from schedtui.ui.flows.groups import refuse_if_deleting
from schedtui.ui.screens.dialogs import TypedConfirmScreen
from schedtui.ui.session import Host

# Called once whatever happens (refused, cancelled, failed, done) with the ARNs deleted.
OnDone = Callable[[set[str]], None]

_GROUP_SCHEDULES_SHOWN = 10


@dataclass(frozen=True)
class BeforeSend:
    """Done once the operator confirmed, before the first delete is sent: ``run`` gets the
    schedules as the dialog showed them (read fresh) and returns what to tell the operator;
    an OSError from it sends nothing, and the operator is told why. ``says``: the dialog's
    line about it."""

    says: str
    run: Callable[[list[Schedule]], str]


def bulk_phrase(count: int) -> str:
    """What the operator types to delete several schedules at once."""
    return f"delete {count} schedules"


# -- schedules ---------------------------------------------------------------------------------


def delete_schedules(
    host: Host,
    seen: Sequence[Schedule | ScheduleSummary],
    on_done: OnDone | None = None,
    *,
    before_send: BeforeSend | None = None,
) -> None:
    done: OnDone = on_done or (lambda _: None)
    if not seen or host.refused_read_only("Delete"):
        done(set())
        return
    items = list(seen)
    host.run_worker(lambda: _plan(host, items, done, before_send), thread=True, group="delete")


def _plan(
    host: Host,
    seen: list[Schedule | ScheduleSummary],
    done: OnDone,
    before_send: BeforeSend | None,
) -> None:
    """Read each schedule fresh: the dialog shows what is there now, not what was listed."""
    mutations = host.session.backend.mutations
    plans: list[tuple[Schedule | ScheduleSummary, ChangePlan]] = []
    gone: list[tuple[str, str]] = []  # (label, arn) of schedules already deleted by someone
    for item in seen:
        try:
            plans.append((item, mutations.plan_delete(item)))
        except NotFoundError:
            gone.append((f"{item.group_name}/{item.name}", item.arn or ""))
        except AwsError as error:
            host.call_from_thread(host.show_error, error)
            host.call_from_thread(done, set())
            return
    host.call_from_thread(_confirm, host, plans, gone, done, before_send)


def _schedule_lines(seen: Schedule | ScheduleSummary, plan: ChangePlan) -> Text:
    current = plan.schedule
    text = Text()
    text.append(printable(plan.label), style="bold")
    text.append(f"  {current.state}\n")
    text.append(f"  {printable(current.schedule_expression)}")
    text.append(f"  ({printable(current.timezone_name)})\n", style="dim")
    target = current.target
    text.append(f"  → {target.kind.value}: {printable(target.arn)}\n")
    if current.last_modification_date != seen.last_modification_date:
        text.append(
            "  ⚠ changed on the server since it was listed: this is the current version\n",
            style="yellow",
        )
    return text


def _confirm(
    host: Host,
    plans: list[tuple[Schedule | ScheduleSummary, ChangePlan]],
    gone: list[tuple[str, str]],
    done: OnDone,
    before_send: BeforeSend | None = None,
) -> None:
    gone_arns = {arn for _, arn in gone if arn}
    _forget(host, gone_arns)
    if not plans:
        host.notify("Already deleted: " + ", ".join(label for label, _ in gone), severity="warning")
        done(gone_arns)
        host.changed()
        return
    body = Text()
    for seen, plan in plans:
        body.append_text(_schedule_lines(seen, plan))
    for label, _ in gone:
        body.append(f"{printable(label)}: already deleted on the server\n", style="yellow")
    body.append(
        "\nDeleting cannot be undone; the audit log keeps every field of what is deleted. "
        "A change made on the server after this dialog opened stops that schedule's delete.",
        style="dim",
    )
    if before_send is not None:
        body.append(f"\n{before_send.says}", style="dim")
    count = len(plans)
    if count == 1:
        plan = plans[0][1]
        title = f"Delete schedule {printable(plan.label)}?"
        expected, label = plan.schedule.name, "Delete"
    else:
        title = f"Delete {count} schedules?"
        expected, label = bulk_phrase(count), f"Delete {count}"
    only_plans = [plan for _, plan in plans]

    def answered(yes: bool | None) -> None:
        if yes:
            host.run_worker(
                lambda: _send(host, only_plans, gone_arns, done, before_send),
                thread=True,
                group="delete",
            )
        else:
            done(gone_arns)

    host.push_screen(TypedConfirmScreen(title, body, expected, label), answered)


def _send(
    host: Host,
    plans: list[ChangePlan],
    gone_arns: set[str],
    done: OnDone,
    before_send: BeforeSend | None = None,
) -> None:
    if before_send is not None:
        try:
            said = before_send.run([plan.schedule for plan in plans])
        except OSError as error:
            where = f" {shown(Path(error.filename))}" if error.filename else ""
            problem = AwsError(
                f"Nothing deleted: the export could not be written{where}: "
                f"{error.strerror or error}"
            )
            host.call_from_thread(host.show_error, problem)
            host.call_from_thread(done, gone_arns)
            return
        host.call_from_thread(host.notify, said)
    results = apply_plans(host.session.backend.mutations, plans, consented=True)
    deleted = set(gone_arns)
    for plan, result in zip(plans, results, strict=True):
        if result.done and plan.schedule.arn:
            deleted.add(plan.schedule.arn)
    host.call_from_thread(_deleted, host, results, deleted, done)


def _forget(host: Host, arns: set[str]) -> None:
    host.session.store.forget(arns)
    for arn in arns:
        host.session.backend.details.forget(arn)


def _deleted(host: Host, results: list, deleted: set[str], done: OnDone) -> None:  # type: ignore[type-arg]
    _forget(host, deleted)
    done(deleted)
    report(host, results, "deleted")
    host.changed()


# -- groups ------------------------------------------------------------------------------------


def delete_group(host: Host, name: str) -> None:
    group = host.session.store.groups.get(name)
    if group is None:
        return
    if group.is_default:
        host.notify("The default group always exists and cannot be deleted", severity="warning")
        return
    if host.refused_read_only("Delete group") or refuse_if_deleting(
        host, group, "deleting it again"
    ):
        return
    host.run_worker(lambda: _count_group(host, name), thread=True, group="delete")


def _count_group(host: Host, name: str) -> None:
    """Count the group's schedules on the server: the number the operator confirms."""
    try:
        count = host.session.backend.scheduler.count_schedules(name)
    except AwsError as error:
        host.call_from_thread(host.show_error, error)
        return
    host.call_from_thread(_confirm_group, host, name, count)


def _confirm_group(host: Host, name: str, count: int) -> None:
    group = host.session.store.groups.get(name)
    body = Text()
    # What goes first: on a small terminal the rest of the body is a scroll away.
    if count:
        plural = "schedule goes" if count == 1 else "schedules go"
        body.append(f"{count} {plural} with the group", style="bold red")
        body.append(" (AWS deletes them shortly after it):\n")
        rows = host.session.store.listed_in(name)
        for schedule_name, state in rows[:_GROUP_SCHEDULES_SHOWN]:
            body.append(f"  {printable(schedule_name)}  {state}\n")
        if len(rows) > _GROUP_SCHEDULES_SHOWN:
            body.append(f"  … and {len(rows) - _GROUP_SCHEDULES_SHOWN} more\n")
    else:
        body.append("The group holds no schedules.\n")
    body.append(f"\nGroup {printable(name)}", style="bold")
    if group is not None and group.arn:
        body.append(f"\n{printable(group.arn)}", style="dim")
        tags = host.session.store.group_tags.get(group.arn, {})
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
            host.run_worker(lambda: _delete_group(host, name, count), thread=True, group="delete")

    title = f"Delete group {printable(name)}" + (
        f" and its {count} schedule{'s' if count != 1 else ''}?" if count else "?"
    )
    host.push_screen(TypedConfirmScreen(title, body, name, "Delete group"), answered)


def _delete_group(host: Host, name: str, expected: int) -> None:
    try:
        count = host.session.backend.mutations.delete_group(name, expected_schedules=expected)
    except AwsError as error:
        host.call_from_thread(host.show_error, error)
        return
    host.call_from_thread(_group_deleted, host, name, count)


def _group_deleted(host: Host, name: str, count: int) -> None:
    host.session.store.groups.pop(name, None)
    _forget(host, host.session.store.arns_in(name))
    plural = "schedule" if count == 1 else "schedules"
    host.notify(f"Group {name} deleted with its {count} {plural}")
    host.changed()
