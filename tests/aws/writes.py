"""The write paths the app takes, in the tests' words: plan on a fresh read, then send.

Every helper is two production calls (``Mutations.plan_*`` and ``Mutations.apply``, or the
toggle's ``plan_toggles``/``apply_plans`` from aws/batch.py), so a test exercises exactly
what an operator's key does, minus the dialog.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schedtui.aws.batch import ResultLine, apply_plans, plan_toggles
from schedtui.aws.mutations import MutationResult, Mutations
from schedtui.core.schedules.schedule import Schedule, ScheduleSummary

Seen = Schedule | ScheduleSummary


def update(
    mutations: Mutations,
    seen: Seen,
    changes: Mapping[str, Any],
    *,
    force: bool = False,
    consented: bool = False,
    check_rules: bool = True,
) -> MutationResult:
    """An edit: ``changes`` planned on the schedule as read for write now, then sent."""
    plan = mutations.plan_update(seen, changes, force=force, check_rules=check_rules)
    return mutations.apply(plan, consented=consented)


def set_state(
    mutations: Mutations, seen: Seen, state: str, *, force: bool = False
) -> MutationResult:
    """A state change made as an edit (refused when ``seen`` is stale)."""
    return update(mutations, seen, {"state": state}, force=force, check_rules=False)


def toggle(mutations: Mutations, seen: Seen) -> ResultLine:
    """What ``t`` does (ui/flows/toggle.py): read now, flip, send; the dialog's yes given."""
    (result,) = apply_plans(mutations, plan_toggles(mutations, [seen]), consented=True)
    return result


def create(
    mutations: Mutations, schedule: Schedule, *, client_token: str | None = None
) -> MutationResult:
    return mutations.apply(mutations.plan_create(schedule), client_token=client_token)


def delete(mutations: Mutations, seen: Seen) -> MutationResult:
    return mutations.apply(mutations.plan_delete(seen), consented=True)
