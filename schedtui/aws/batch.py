"""Changes to one schedule or many: each planned on a fresh read, then sent one after the
other through the mutation chokepoint, each with its own outcome.

Shared by the TUI's toggle, delete and edit flows (``ui/flows/``) and by ``schedtui
set-state`` (``cli/set_state.py``), so that a key and a command send the same requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from schedtui.aws.errors import AwsError, NotFoundError, OutcomeUnknownError, StaleScheduleError
from schedtui.aws.mutations import Mutations
from schedtui.core.changes.plan import ChangePlan, PlanKind, plan_update
from schedtui.core.schedules.schedule import Schedule, ScheduleState, ScheduleSummary

Seen = Schedule | ScheduleSummary | tuple[str, str]


@dataclass(frozen=True)
class ResultLine:
    """One item of a bulk action: done (``error`` None), failed, or its answer lost."""

    label: str
    error: str | None = None  # why it failed; for a lost answer, what the re-read found
    unknown: bool = False  # the answer was lost (``applied`` then says what AWS holds)
    applied: bool = False
    # The typed error (for a command's exit code), and the schedule as read back after
    # the write (None after a delete, a failure or an empty plan).
    failure: AwsError | None = field(default=None, compare=False, repr=False)
    schedule: Schedule | None = field(default=None, compare=False, repr=False)

    @property
    def done(self) -> bool:
        return self.error is None or (self.unknown and self.applied)

    @classmethod
    def of(cls, label: str, error: AwsError | None) -> ResultLine:
        if isinstance(error, OutcomeUnknownError):
            return cls(label, str(error), unknown=True, applied=error.applied, failure=error)
        return cls(label, None if error is None else str(error), failure=error)


def plan_state(mutations: Mutations, seen: Seen, state: ScheduleState | None = None) -> ChangePlan:
    """The schedule read for write now, and ``state`` planned on it (None: the flip of its
    current state): the operator confirms against what is there now, not what was listed.

    A schedule already in ``state`` gets an empty plan (nothing to send): planning the same
    state again would still drop a StartDate AWS now refuses, a write nobody asked for."""
    current = mutations.read_for_write(seen, force=True)
    if state is None:
        state = ScheduleState.DISABLED if current.enabled else ScheduleState.ENABLED
    if current.state == state:
        return ChangePlan(PlanKind.UPDATE, current, current, {})
    # A state change does not hold the rest of a schedule AWS stored to the form's rules.
    return plan_update(current, {"state": str(state)}, mutations.now(), check_rules=False)


def plan_toggles(mutations: Mutations, seen: Sequence[Seen]) -> list[ChangePlan]:
    """Each schedule read for write now, and the flip of its current state planned on it."""
    return [plan_state(mutations, item) for item in seen]


def stale_message(error: StaleScheduleError) -> str:
    fields = [path for path in error.changes if path != "LastModificationDate"]
    what = ", ".join(fields) if fields else "LastModificationDate"
    return (
        f"not sent: it changed on the server after the plan was shown ({what}); "
        "open it again to see the current version"
    )


def apply_plan(mutations: Mutations, plan: ChangePlan, *, consented: bool = False) -> ResultLine:
    """Send one plan; ``consented``: the operator confirmed its warnings. A delete that finds
    the schedule already gone counts as done."""
    try:
        result = mutations.apply(plan, consented=consented)
    except StaleScheduleError as error:
        return ResultLine(plan.label, stale_message(error), failure=error)
    except NotFoundError as error:
        gone = plan.kind is PlanKind.DELETE
        return ResultLine.of(plan.label, None if gone else error)
    except AwsError as error:
        return ResultLine.of(plan.label, error)
    return ResultLine(plan.label, schedule=result.schedule)


def apply_plans(
    mutations: Mutations, plans: Sequence[ChangePlan], *, consented: bool = False
) -> list[ResultLine]:
    """Send each plan, one after the other (a worker thread in the TUI)."""
    return [apply_plan(mutations, plan, consented=consented) for plan in plans]
