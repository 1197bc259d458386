"""The one chokepoint for every write to EventBridge Scheduler.

Every mutation (1) refuses in read-only mode before anything is sent, (2) re-reads the
schedule and refuses when LastModificationDate moved since the operator loaded it (unless
forced), (3) sends the full schedule, because UpdateSchedule resets every member left out,
and (4) appends one JSON line to the audit log. Views never call boto3 mutations; no other
module in schedtui sends a Create/Update/Delete/Tag call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from schedtui.aws.audit import AuditLog
from schedtui.aws.errors import (
    ConfirmationRequiredError,
    ReadOnlyError,
    StaleScheduleError,
    UnsafeWriteError,
    ValidationFailedError,
    aws_call,
)
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.core.change_warnings import reanchors_rate, start_date_refused
from schedtui.core.diff import field_diff, field_values
from schedtui.core.group import ScheduleGroup, tags_to_api
from schedtui.core.schedule import DEFAULT_GROUP, Schedule, ScheduleState, ScheduleSummary

if TYPE_CHECKING:
    from mypy_boto3_scheduler.type_defs import TagTypeDef


@dataclass(frozen=True)
class MutationResult:
    schedule: Schedule | None  # as read back after the write (None after a delete)
    changes: dict[str, tuple[Any, Any]]  # field path -> (before, after), as audited
    notes: list[str] = field(default_factory=list)  # what the operator should know


class Mutations:
    def __init__(
        self,
        repository: SchedulerRepository,
        audit: AuditLog,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository
        self.clients = repository.clients
        self.audit = audit
        self._now = now

    # -- the guard every write passes ---------------------------------------------------------

    def _refuse_if_read_only(self, action: str) -> None:
        if self.clients.settings.read_only:
            raise ReadOnlyError(
                f"{action}: refused, schedtui is read-only (started with --read-only)",
                code="ReadOnly",
            )

    def _send(
        self, action: str, arn: str, changes: dict[str, tuple[Any, Any]], call: Callable[[], Any]
    ) -> Any:
        self._refuse_if_read_only(action)
        identity = self.clients.caller_identity()

        def audit(outcome: str) -> None:
            self.audit.record(
                action=action,
                arn=arn,
                changes=changes,
                caller_arn=identity.arn,
                profile=self.clients.settings.profile,
                region=self.clients.region,
                outcome=outcome,
            )

        try:
            with aws_call(action):
                response = call()
        except Exception as error:
            audit(f"failed: {error}")
            raise
        audit("ok")
        return response

    # -- schedules ------------------------------------------------------------------------------

    def _current(self, seen: Schedule | ScheduleSummary, force: bool) -> Schedule:
        """Re-read the schedule; refuse when it moved since ``seen`` or cannot be written back."""
        current, dropped = self.repository.read_for_write(*seen.key)
        if not force and current.last_modification_date != seen.last_modification_date:
            if isinstance(seen, Schedule):
                changes = field_diff(seen, current)
            else:
                changes = (
                    {"State": (seen.state, current.state)} if seen.state != current.state else {}
                )
            changes["LastModificationDate"] = (
                seen.last_modification_date,
                current.last_modification_date,
            )
            raise StaleScheduleError(
                f"{seen.group_name}/{seen.name} changed on the server since you loaded it "
                f"(at {current.last_modification_date}); reload it, or overwrite",
                changes=changes,
            )
        if dropped:
            raise UnsafeWriteError(
                f"{seen.group_name}/{seen.name} has members this botocore does not know "
                f"({', '.join(dropped)}); writing it back would erase them. Upgrade boto3 and "
                "botocore, then retry",
                code="UnknownMembers",
            )
        return current

    def _past_start_date(
        self, schedule: Schedule, accept_rate_reanchor: bool
    ) -> tuple[Schedule, list[str]]:
        """AWS refuses a StartDate in the past: drop it, which re-anchors rate() to now."""
        now = self._now()
        start = schedule.start_date
        if start is None or not start_date_refused(schedule, now):
            return schedule, []
        is_rate = reanchors_rate(schedule, now)
        if is_rate and not accept_rate_reanchor:
            raise ConfirmationRequiredError(
                f"StartDate {start.isoformat()} is in the past and AWS refuses it; dropping it "
                f"re-anchors {schedule.schedule_expression} to the time of this change, which "
                "shifts every later run",
                code="RateReanchor",
            )
        note = f"StartDate {start.isoformat()} was in the past and was dropped" + (
            ": the rate now counts from this change" if is_rate else " (no effect on runs)"
        )
        return schedule.replace(start_date=None, check_rules=False), [note]

    def update_schedule(
        self,
        seen: Schedule | ScheduleSummary,
        changes: Mapping[str, Any],
        *,
        force: bool = False,
        accept_rate_reanchor: bool = False,
        check_rules: bool = True,
    ) -> MutationResult:
        """Apply ``changes`` (model field names) to the server's copy and send it whole.

        ``seen`` is what the operator loaded; with ``force`` a change made meanwhile on the
        server is overwritten for the fields in ``changes`` only, and kept for the others.
        """
        action = f"UpdateSchedule {seen.group_name}/{seen.name}"
        self._refuse_if_read_only(action)
        current = self._current(seen, force)
        try:
            updated = current.replace(check_rules=check_rules, **dict(changes))
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            raise ValidationFailedError(f"{action}: {error}", code="Invalid") from error
        updated, notes = self._past_start_date(updated, accept_rate_reanchor)
        diff = field_diff(current, updated)
        if not diff:
            return MutationResult(current, {}, ["nothing to change"])
        request = updated.to_update_request(client_token=str(uuid.uuid4()))
        self._send(
            action,
            current.arn or "",
            diff,
            lambda: self.clients.scheduler.update_schedule(**request),
        )
        return MutationResult(self.repository.get_schedule(*seen.key), diff, notes)

    def set_state(
        self, seen: Schedule | ScheduleSummary, state: ScheduleState | str, *, force: bool = False
    ) -> MutationResult:
        """ENABLED/DISABLED, every other member preserved; our stricter rules do not block it."""
        return self.update_schedule(seen, {"state": str(state)}, force=force, check_rules=False)

    def create_schedule(
        self, schedule: Schedule, *, client_token: str | None = None
    ) -> MutationResult:
        """Create; pass the same ``client_token`` when retrying after a timeout (idempotent)."""
        action = f"CreateSchedule {schedule.group_name}/{schedule.name}"
        self._refuse_if_read_only(action)
        violations = schedule.rule_violations()
        if violations:
            raise ValidationFailedError(f"{action}: " + "; ".join(violations), code="Invalid")
        schedule, notes = self._past_start_date(schedule, accept_rate_reanchor=False)
        request = schedule.to_create_request(client_token=client_token or str(uuid.uuid4()))
        changes = {path: (None, value) for path, value in field_values(schedule).items()}
        self._send(action, "", changes, lambda: self.clients.scheduler.create_schedule(**request))
        return MutationResult(self.repository.get_schedule(*schedule.key), changes, notes)

    def delete_schedule(
        self, seen: Schedule | ScheduleSummary, *, force: bool = False
    ) -> MutationResult:
        action = f"DeleteSchedule {seen.group_name}/{seen.name}"
        self._refuse_if_read_only(action)
        current = self._current(seen, force)
        changes = {path: (value, None) for path, value in field_values(current).items()}
        self._send(
            action,
            current.arn or "",
            changes,
            lambda: self.clients.scheduler.delete_schedule(
                GroupName=current.group_name, Name=current.name, ClientToken=str(uuid.uuid4())
            ),
        )
        return MutationResult(None, changes)

    # -- groups ---------------------------------------------------------------------------------

    def create_group(self, name: str, tags: Mapping[str, str] | None = None) -> ScheduleGroup:
        action = f"CreateScheduleGroup {name}"
        self._refuse_if_read_only(action)
        group = ScheduleGroup.model_validate({"Name": name, "Tags": dict(tags or {})})
        request = group.to_create_request(client_token=str(uuid.uuid4()))
        changes: dict[str, tuple[Any, Any]] = {"Name": (None, name)}
        if tags:
            changes["Tags"] = (None, dict(tags))
        response = self._send(
            action, "", changes, lambda: self.clients.scheduler.create_schedule_group(**request)
        )
        return ScheduleGroup.from_api(
            {"Name": name, "Arn": response["ScheduleGroupArn"], "State": "ACTIVE"}
        )

    def delete_group(self, name: str, *, expected_schedules: int | None = None) -> int:
        """Delete a group and (eventually, on AWS's side) its schedules; return how many.

        ``expected_schedules`` is the count the operator confirmed; if more schedules exist
        now, nothing is sent.
        """
        action = f"DeleteScheduleGroup {name}"
        self._refuse_if_read_only(action)
        if name == DEFAULT_GROUP:
            raise ValidationFailedError(
                f"{action}: the default group always exists and cannot be deleted",
                code="DefaultGroup",
            )
        count = self.repository.count_schedules(name)
        if expected_schedules is not None and count > expected_schedules:
            raise StaleScheduleError(
                f"{action}: the group now holds {count} schedules, not {expected_schedules}; "
                "confirm again",
                changes={"ScheduleCount": (expected_schedules, count)},
            )
        self._send(
            action,
            name,
            {"Name": (name, None), "ScheduleCount": (count, 0)},
            lambda: self.clients.scheduler.delete_schedule_group(
                Name=name, ClientToken=str(uuid.uuid4())
            ),
        )
        return count

    def tag_group(self, group_arn: str, tags: Mapping[str, str]) -> None:
        before = self.repository.group_tags(group_arn)
        changes = {f"Tags.{k}": (before.get(k), v) for k, v in tags.items() if before.get(k) != v}
        self._send(
            f"TagResource {group_arn}",
            group_arn,
            changes,
            lambda: self.clients.scheduler.tag_resource(
                ResourceArn=group_arn, Tags=cast("list[TagTypeDef]", tags_to_api(tags))
            ),
        )

    def untag_group(self, group_arn: str, keys: list[str]) -> None:
        before = self.repository.group_tags(group_arn)
        changes = {f"Tags.{k}": (before.get(k), None) for k in keys if k in before}
        self._send(
            f"UntagResource {group_arn}",
            group_arn,
            changes,
            lambda: self.clients.scheduler.untag_resource(ResourceArn=group_arn, TagKeys=keys),
        )
