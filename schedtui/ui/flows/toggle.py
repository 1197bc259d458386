"""Toggle ENABLED/DISABLED, for one schedule or the marked ones.

Each schedule is read again first, and the toggle is planned on that fresh document (so the
dialog shows what AWS holds and what it will do, and the write sends exactly what was
shown). Planning and sending are ``aws/batch.py``'s, shared with ``schedtui set-state``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text

from schedtui.aws.batch import ResultLine, apply_plans, plan_toggles
from schedtui.aws.errors import AwsError
from schedtui.core.changes.plan import ChangePlan
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary
from schedtui.core.text import printable
from schedtui.ui.flows.bulk import report
from schedtui.ui.screens.dialogs import ConfirmScreen
from schedtui.ui.session import Host

OnDone = Callable[[], None]


def toggle(host: Host, seen: Sequence[Schedule | ScheduleSummary], on_done: OnDone) -> None:
    if host.refused_read_only("Toggle"):
        return
    items = list(seen)
    host.run_worker(lambda: _prepare(host, items, on_done), thread=True, group="toggle")


def _prepare(host: Host, seen: list[Schedule | ScheduleSummary], on_done: OnDone) -> None:
    try:
        plans = plan_toggles(host.session.backend.mutations, seen)
    except AwsError as error:
        host.call_from_thread(host.show_error, error)
        return
    host.call_from_thread(_confirm, host, plans, on_done)


def _confirm(host: Host, plans: list[ChangePlan], on_done: OnDone) -> None:
    body = Text()
    for plan in plans:
        assert plan.before is not None
        assert plan.after is not None
        body.append(printable(plan.label), style="bold")
        body.append(f"  {plan.before.state} → ")
        body.append(plan.after.state, style="bold")
        body.append("\n")
        for warning in plan.warnings:
            body.append(f"  ⚠ {printable(warning.text)}\n", style="yellow")
    body.append(
        "\nEvery other field is sent back unchanged; a change made meanwhile on the "
        "server stops the toggle.",
        style="dim",
    )
    states = {plan.after.state for plan in plans if plan.after is not None}
    verb = {frozenset({"DISABLED"}): "Disable", frozenset({"ENABLED"}): "Enable"}.get(
        frozenset(states), "Toggle"
    )
    count = len(plans)
    title = f"{verb} {count} schedule{'s' if count != 1 else ''}?"

    def answered(yes: bool | None) -> None:
        if yes:
            host.run_worker(lambda: _send(host, plans, on_done), thread=True, group="toggle")

    host.push_screen(ConfirmScreen(title, body, verb), answered)


def _send(host: Host, plans: list[ChangePlan], on_done: OnDone) -> None:
    # The dialog showed every plan's warnings: confirming it is the operator's consent.
    results = apply_plans(host.session.backend.mutations, plans, consented=True)
    states = {plan.after.state for plan in plans if plan.after is not None}
    done = states.pop().lower() if len(states) == 1 else "toggled"  # "… disabled"
    host.call_from_thread(_finished, host, results, done, on_done)


def _finished(host: Host, results: list[ResultLine], done: str, on_done: OnDone) -> None:
    report(host, results, done)
    on_done()
    host.changed()
