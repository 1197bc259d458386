"""A change to one schedule, planned once: what is sent, what changes, what AWS will do.

Every write (toggle, edit, raw edit, create, clone, delete, one or many) is planned here
from the document read for write (or the new schedule) and the operator's change. The plan
is then shown as it is (the review lists ``diff`` and ``warnings``), sent as it is (the
mutation chokepoint sends ``request()``) and audited as it is (``diff``): nothing computes
the difference or the rules a second time.

Rules applied while planning:

- ``UpdateSchedule`` replaces the whole schedule: the request is the whole document read for
  write with the operator's changed members on top (unknown members included).
- AWS refuses a ``StartDate`` more than five minutes in the past: it is dropped from the
  request. For ``rate()`` that re-anchors every later run, so the plan carries a warning
  that needs the operator's consent (``warnings.NEEDS_CONSENT``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from schedtui.core.changes.warnings import (
    ChangeWarning,
    WarningKind,
    change_warnings,
    needs_consent,
)
from schedtui.core.health import facts
from schedtui.core.schedules.diff import field_diff, field_values
from schedtui.core.schedules.schedule import Schedule


class PlanKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class ChangePlan:
    kind: PlanKind
    before: Schedule | None  # the document read for write (None: a create)
    after: Schedule | None  # what is sent (None: a delete)
    diff: dict[str, tuple[Any, Any]]  # dotted member path -> (before, after)
    warnings: tuple[ChangeWarning, ...] = ()

    @property
    def schedule(self) -> Schedule:
        found = self.after if self.after is not None else self.before
        assert found is not None
        return found

    @property
    def key(self) -> tuple[str, str]:
        return self.schedule.key

    @property
    def label(self) -> str:
        return f"{self.schedule.group_name}/{self.schedule.name}"

    @property
    def needs_consent(self) -> bool:
        return needs_consent(self.warnings)

    def warns(self, kind: WarningKind) -> bool:
        return any(warning.kind is kind for warning in self.warnings)

    @property
    def empty(self) -> bool:
        return self.kind is PlanKind.UPDATE and not self.diff

    def request(self, client_token: str | None) -> dict[str, Any]:
        """UpdateSchedule or CreateSchedule keyword arguments (DeleteSchedule takes the key)."""
        assert self.after is not None, "a delete sends only the name and the group"
        if self.kind is PlanKind.CREATE:
            return self.after.to_create_request(client_token=client_token)
        return self.after.to_update_request(client_token=client_token)


@dataclass
class ClientTokens:
    """One ClientToken per request body, for one form's saves.

    AWS makes a create idempotent by its ClientToken, and refuses a token reused for another
    body. So saving the same request again (after a lost answer) reuses the token and cannot
    create the schedule twice; any other body gets a new one, including the same draft
    planned again after its StartDate fell more than five minutes behind (dropped from the
    request, so the body changed).
    """

    body: dict[str, Any] | None = None
    token: str | None = None

    def for_plan(self, plan: ChangePlan) -> str:
        body = plan.request(None)
        if self.token is None or body != self.body:
            self.body, self.token = body, str(uuid.uuid4())
        return self.token


def _without_refused_start(schedule: Schedule, now: datetime) -> Schedule:
    if facts.start_date_refused(schedule, now):
        return schedule.replace(start_date=None, check_rules=False)
    return schedule


def plan_update(
    current: Schedule, changes: Mapping[str, Any], now: datetime, *, check_rules: bool = True
) -> ChangePlan:
    """``changes`` (model field names) on top of ``current``, the document read for write.

    ``check_rules=False`` (a toggle) does not hold the rest of a schedule AWS stored to the
    form's stricter rules. Raises ValueError (pydantic's) when the result breaks a rule.
    """
    wanted = current.replace(check_rules=check_rules, **dict(changes))
    after = _without_refused_start(wanted, now)
    return ChangePlan(
        PlanKind.UPDATE,
        current,
        after,
        field_diff(current, after),
        tuple(change_warnings(current, wanted, now)),
    )


def plan_create(schedule: Schedule, now: datetime) -> ChangePlan:
    after = _without_refused_start(schedule, now)
    return ChangePlan(
        PlanKind.CREATE,
        None,
        after,
        {path: (None, value) for path, value in field_values(after).items()},
        tuple(change_warnings(None, schedule, now)),
    )


def plan_delete(current: Schedule) -> ChangePlan:
    return ChangePlan(
        PlanKind.DELETE,
        current,
        None,
        {path: (value, None) for path, value in field_values(current).items()},
    )


def update_changes(before: Schedule, after: Schedule) -> dict[str, Any]:
    """The top-level members that differ (model field names), as ``plan_update`` takes
    them: what an edit asks for, to be laid on the document read for write."""
    changes: dict[str, Any] = {}
    for name, model_field in Schedule.model_fields.items():
        if (model_field.alias or name) in Schedule.READ_ONLY_MEMBERS:
            continue
        if getattr(before, name) != getattr(after, name):
            changes[name] = getattr(after, name)
    return changes
