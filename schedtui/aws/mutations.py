"""The one chokepoint for every write to EventBridge Scheduler.

Every mutation (1) refuses in read-only mode before anything is sent, (2) re-reads the
schedule and refuses when LastModificationDate moved since the operator loaded it (unless
forced), (3) sends the full schedule, because UpdateSchedule resets every member left out,
(4) sends it exactly once (the writer client has no automatic retries) and classifies the
outcome: applied, refused (AWS answered with an error) or unknown (the answer was lost: the
resource is re-read and ``OutcomeUnknownError`` says what AWS holds), and (5) appends one JSON
line per request sent to the audit log. Views never call boto3 mutations; no other module in
schedtui sends a Create/Update/Delete/Tag call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, cast

from botocore.exceptions import BotoCoreError, ClientError

from schedtui.aws.audit import AuditLog, Outcome
from schedtui.aws.errors import (
    AwsError,
    ConfirmationRequiredError,
    NotFoundError,
    OutcomeUnknownError,
    ReadOnlyError,
    StaleScheduleError,
    UnsafeWriteError,
    ValidationFailedError,
    Verified,
    answer_lost,
    translate,
    was_sent,
)
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.core.changes.plan import (
    ChangePlan,
    PlanKind,
    plan_create,
    plan_delete,
    plan_update,
)
from schedtui.core.schedules.diff import field_diff
from schedtui.core.schedules.group import ScheduleGroup, tags_to_api
from schedtui.core.schedules.schedule import DEFAULT_GROUP, Schedule, ScheduleSummary

if TYPE_CHECKING:
    from mypy_boto3_scheduler.type_defs import TagTypeDef

_VERIFIED_TEXT = {
    Verified.APPLIED: "AWS holds the change: it was applied",
    Verified.NOT_APPLIED: "AWS holds what was there before: it was not applied (nothing was "
    "sent again)",
    Verified.DIFFERENT: "AWS holds neither the change nor what was there before: someone "
    "else changed it meanwhile; open it again before deciding",
}


@dataclass(frozen=True)
class MutationResult:
    schedule: Schedule | None  # as read back after the write (None after a delete)
    changes: dict[str, tuple[Any, Any]]  # field path -> (before, after), as audited


@dataclass(frozen=True)
class _Check:
    """What a re-read after a lost answer found: the verdict, and what AWS holds."""

    verified: Verified
    current: object = None
    detail: str = ""


# The audit line's error for a send that was interrupted before its answer was read.
INTERRUPTED: Final = "interrupted: the answer was not read"


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
        # Why this run is read-only, for the refusal (the command line sets it: the flag, or
        # the config file's rule); None says only that it is, never a reason it may not be.
        self.read_only_reason: str | None = None

    def now(self) -> datetime:
        """The clock plans are made against (a StartDate's age, an at() that has passed)."""
        return self._now()

    # -- the guard every write passes ---------------------------------------------------------

    def refuse_if_read_only(self, action: str) -> None:
        """Raise ReadOnlyError when schedtui runs read-only (every write calls it first; a
        command that would only write calls it before reading anything)."""
        if self.clients.settings.read_only:
            why = f" ({self.read_only_reason})" if self.read_only_reason else ""
            raise ReadOnlyError(f"{action}: refused, schedtui is read-only{why}", code="ReadOnly")

    @property
    def _writer(self) -> Any:
        return self.clients.writer("scheduler")

    def _send(
        self,
        action: str,
        arn: str,
        changes: dict[str, tuple[Any, Any]],
        call: Callable[[], Any],
        verify: Callable[[], _Check],
        *,
        arn_of: Callable[[Any], str] | None = None,
    ) -> Any:
        """Send ``call`` once and audit it; on a lost answer, ``verify`` by re-reading.

        ``arn_of`` takes the ARN from the response when the request did not know it yet (a
        create). Returns the response; raises the typed error for a refusal, and
        OutcomeUnknownError (with what the re-read found) when the answer was lost.
        """
        self.refuse_if_read_only(action)
        identity = self.clients.caller_identity()

        def audit(
            outcome: Outcome, *, error: str | None = None, verified: str | None = None
        ) -> None:
            self.audit.record(
                action=action,
                arn=arn,
                changes=changes,
                caller_arn=identity.arn,
                profile=self.clients.settings.profile,
                region=self.clients.region,
                outcome=outcome,
                error=error,
                verified=verified,
            )

        try:
            response = call()
        except (ClientError, BotoCoreError) as raw:
            typed = translate(raw, action)
            if not was_sent(raw):
                raise typed from raw  # nothing left the machine: nothing to audit
            if not answer_lost(raw):
                # The message as the operator saw it, bounded (aws/errors.py): the log is
                # the record of what was sent and how AWS answered, and an answer's start is
                # that record; a 100 kB message would make each refused write a 100 kB line.
                audit(Outcome.REFUSED, error=str(typed))
                raise typed from raw
            check = self._verify(verify)
            arn = arn or str(getattr(check.current, "arn", "") or "")  # a create that applied
            audit(Outcome.UNKNOWN, error=str(typed), verified=str(check.verified))
            raise OutcomeUnknownError(
                f"{action}: outcome unknown, the answer was lost ({_cause(raw)}). Re-read: "
                + (_VERIFIED_TEXT.get(check.verified) or check.detail),
                verified=check.verified,
                current=check.current,
                code=typed.code,
                aws_message=typed.aws_message,
            ) from raw
        except BaseException as interrupted:
            # Ctrl-C (or anything else) while the request may be on the wire: nobody read
            # the answer, so what AWS holds is unknown. Say so in the log before it goes on:
            # a send that leaves no audit line is the one thing the log must never miss.
            kind = type(interrupted).__name__
            what = "" if isinstance(interrupted, KeyboardInterrupt) else f" ({kind})"
            audit(Outcome.UNKNOWN, error=f"{INTERRUPTED}{what}")
            raise
        if arn_of is not None:
            arn = arn_of(response) or arn
        audit(Outcome.APPLIED)
        return response

    @staticmethod
    def _verify(verify: Callable[[], _Check]) -> _Check:
        try:
            return verify()
        except AwsError as error:
            return _Check(
                Verified.UNREADABLE,
                detail=f"the re-read failed too ({error}): check it before trying again",
            )

    # -- schedules: planned in core (core/changes/plan.py), sent here ---------------------------

    def read_for_write(
        self, seen: Schedule | ScheduleSummary | tuple[str, str], *, force: bool = False
    ) -> Schedule:
        """The schedule as AWS holds it now, to plan a write on. Refuses when it moved since
        the operator loaded ``seen`` (unless ``force``), or when it carries members this
        botocore does not know (writing it back would erase them). ``seen`` as a
        ``(group, name)`` key: no copy was loaded before (a command line names it), so there
        is nothing for it to have moved from."""
        key = seen if isinstance(seen, tuple) else seen.key
        current, dropped = self.repository.read_for_write(*key)
        group, name = key
        if (
            not isinstance(seen, tuple)
            and not force
            and current.last_modification_date != seen.last_modification_date
        ):
            if isinstance(seen, Schedule):
                changes = field_diff(seen, current)
            else:
                changes = (
                    {"State": (seen.state, current.state)} if seen.state != current.state else {}
                )
            raise _stale(f"{seen.group_name}/{seen.name}", seen, current, changes)
        if dropped:
            raise UnsafeWriteError(
                f"{group}/{name} has members this botocore does not know "
                f"({', '.join(dropped)}); writing it back would erase them. Upgrade boto3 and "
                "botocore, then retry",
                code="UnknownMembers",
            )
        return current

    def plan_update(
        self,
        seen: Schedule | ScheduleSummary,
        changes: Mapping[str, Any],
        *,
        force: bool = False,
        check_rules: bool = True,
    ) -> ChangePlan:
        """Read for write, then plan ``changes`` (model field names) on the fresh document.
        With ``force`` a change made meanwhile on the server is kept for every member the
        operator did not change, and overwritten for the ones they did."""
        current = self.read_for_write(seen, force=force)
        try:
            return plan_update(current, changes, self.now(), check_rules=check_rules)
        except ValueError as error:  # pydantic's ValidationError is a ValueError
            label = f"{seen.group_name}/{seen.name}"
            raise ValidationFailedError(
                f"UpdateSchedule {label}: {error}", code="Invalid"
            ) from None

    def plan_create(self, schedule: Schedule) -> ChangePlan:
        violations = schedule.rule_violations()
        if violations:
            label = f"{schedule.group_name}/{schedule.name}"
            raise ValidationFailedError(
                f"CreateSchedule {label}: " + "; ".join(violations), code="Invalid"
            )
        return plan_create(schedule, self.now())

    def plan_delete(self, seen: Schedule | ScheduleSummary) -> ChangePlan:
        """Delete needs only the name and the group: a schedule with members this botocore
        does not know can be deleted (nothing is written back)."""
        current = self.repository.get_schedule(*seen.key)
        if current.last_modification_date != seen.last_modification_date and isinstance(
            seen, Schedule
        ):
            raise _stale(f"{seen.group_name}/{seen.name}", seen, current, field_diff(seen, current))
        return plan_delete(current)

    def apply(
        self, plan: ChangePlan, *, consented: bool = False, client_token: str | None = None
    ) -> MutationResult:
        """Send ``plan`` as it was planned (and reviewed), once.

        ``consented``: the operator confirmed the plan's warnings (a plan that needs consent
        is refused without it). An update or delete is refused when the schedule changed on
        the server since the plan was made: the operator confirmed what they saw. Pass the
        same ``client_token`` when retrying a create after a lost answer.
        """
        verb = {
            PlanKind.CREATE: "CreateSchedule",
            PlanKind.UPDATE: "UpdateSchedule",
            PlanKind.DELETE: "DeleteSchedule",
        }[plan.kind]
        action = f"{verb} {plan.label}"
        self.refuse_if_read_only(action)
        if plan.needs_consent and not consented:
            raise ConfirmationRequiredError(
                f"{action}: needs the operator's consent: "
                + "; ".join(w.text for w in plan.warnings),
                code="ConsentRequired",
            )
        if plan.empty:
            return MutationResult(plan.before, {})
        before = plan.before
        if before is not None:
            current = self.repository.get_schedule(*plan.key)
            if current.last_modification_date != before.last_modification_date:
                changes = field_diff(before, current)
                raise _stale(plan.label, before, current, changes, after_review=True)
        token = client_token or str(uuid.uuid4())
        self._send(
            action,
            (before.arn if before is not None else None) or "",
            plan.diff,
            lambda: self._call(plan, token),
            lambda: self._verify_plan(plan),
            arn_of=lambda response: str(response.get("ScheduleArn", "")),
        )
        if plan.kind is PlanKind.DELETE:
            return MutationResult(None, plan.diff)
        return MutationResult(self.repository.get_schedule(*plan.key), plan.diff)

    def _call(self, plan: ChangePlan, token: str) -> Any:
        if plan.kind is PlanKind.DELETE:
            group, name = plan.key
            return self._writer.delete_schedule(GroupName=group, Name=name, ClientToken=token)
        if plan.kind is PlanKind.CREATE:
            return self._writer.create_schedule(**plan.request(token))
        return self._writer.update_schedule(**plan.request(token))

    def _verify_plan(self, plan: ChangePlan) -> _Check:
        """After a lost answer: does AWS hold what the plan sent, or what was there before?"""
        try:
            now = self.repository.get_schedule(*plan.key)
        except NotFoundError:
            gone = plan.kind is PlanKind.DELETE
            return _Check(Verified.APPLIED if gone else Verified.NOT_APPLIED)
        if plan.kind is PlanKind.DELETE:
            assert plan.before is not None
            unchanged = now.last_modification_date == plan.before.last_modification_date
            return _Check(Verified.NOT_APPLIED if unchanged else Verified.DIFFERENT, now)
        assert plan.after is not None
        if plan.before is None:  # a create: the schedule exists; is it the one sent?
            differs = field_diff(plan.after, now)
            same = not any(path in differs for path in plan.diff)
            return _Check(Verified.APPLIED if same else Verified.DIFFERENT, now)
        return _Check(_verdict(plan.diff, plan.before, plan.after, now), now)

    # -- groups ---------------------------------------------------------------------------------

    def create_group(self, name: str, tags: Mapping[str, str] | None = None) -> ScheduleGroup:
        action = f"CreateScheduleGroup {name}"
        self.refuse_if_read_only(action)
        group = ScheduleGroup.model_validate({"Name": name, "Tags": dict(tags or {})})
        request = group.to_create_request(client_token=str(uuid.uuid4()))
        changes: dict[str, tuple[Any, Any]] = {"Name": (None, name)}
        if tags:
            changes["Tags"] = (None, dict(tags))

        def verify() -> _Check:
            try:
                found = self.repository.get_group(name)
            except NotFoundError:
                return _Check(Verified.NOT_APPLIED)
            return _Check(Verified.APPLIED, found)

        response = self._send(
            action,
            "",
            changes,
            lambda: self._writer.create_schedule_group(**request),
            verify,
            arn_of=lambda response: str(response.get("ScheduleGroupArn", "")),
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
        self.refuse_if_read_only(action)
        if name == DEFAULT_GROUP:
            raise ValidationFailedError(
                f"{action}: the default group always exists and cannot be deleted",
                code="DefaultGroup",
            )
        group = self.repository.get_group(name)
        count = self.repository.count_schedules(name)
        if expected_schedules is not None and count > expected_schedules:
            raise StaleScheduleError(
                f"{action}: the group now holds {count} schedules, not {expected_schedules}; "
                "confirm again",
                changes={"ScheduleCount": (expected_schedules, count)},
            )

        def verify() -> _Check:
            try:
                found = self.repository.get_group(name)
            except NotFoundError:
                return _Check(Verified.APPLIED)
            deleting = found.state == "DELETING"
            return _Check(Verified.APPLIED if deleting else Verified.NOT_APPLIED, found)

        self._send(
            action,
            group.arn or name,
            {"Name": (name, None), "ScheduleCount": (count, 0)},
            lambda: self._writer.delete_schedule_group(Name=name, ClientToken=str(uuid.uuid4())),
            verify,
        )
        return count

    def tag_group(self, group_arn: str, tags: Mapping[str, str]) -> None:
        before = self.repository.group_tags(group_arn)
        changes = {f"Tags.{k}": (before.get(k), v) for k, v in tags.items() if before.get(k) != v}

        def verify() -> _Check:
            now = self.repository.group_tags(group_arn)
            return _Check(_tags_verdict(tags, before, now), now)

        self._send(
            f"TagResource {group_arn}",
            group_arn,
            changes,
            lambda: self._writer.tag_resource(
                ResourceArn=group_arn, Tags=cast("list[TagTypeDef]", tags_to_api(tags))
            ),
            verify,
        )

    def untag_group(self, group_arn: str, keys: list[str]) -> None:
        before = self.repository.group_tags(group_arn)
        changes = {f"Tags.{k}": (before.get(k), None) for k in keys if k in before}

        def verify() -> _Check:
            now = self.repository.group_tags(group_arn)
            return _Check(_tags_verdict(dict.fromkeys(keys), before, now), now)

        self._send(
            f"UntagResource {group_arn}",
            group_arn,
            changes,
            lambda: self._writer.untag_resource(ResourceArn=group_arn, TagKeys=keys),
            verify,
        )


def _stale(
    label: str,
    seen: Schedule | ScheduleSummary,
    current: Schedule,
    changes: dict[str, tuple[Any, Any]],
    *,
    after_review: bool = False,
) -> StaleScheduleError:
    changes["LastModificationDate"] = (seen.last_modification_date, current.last_modification_date)
    when = "after it was reviewed" if after_review else "since you loaded it"
    return StaleScheduleError(
        f"{label} changed on the server {when} (at {current.last_modification_date}); "
        "reload it, or overwrite",
        changes=changes,
    )


def _verdict(
    paths: Mapping[str, object], before: Schedule, after: Schedule, now: Schedule
) -> Verified:
    """Whether ``now`` holds ``after`` (applied) or ``before`` (not) on the changed paths."""
    if not any(path in paths for path in field_diff(after, now)):
        return Verified.APPLIED
    if not any(path in paths for path in field_diff(before, now)):
        return Verified.NOT_APPLIED
    return Verified.DIFFERENT


def _tags_verdict(
    wanted: Mapping[str, str | None], before: Mapping[str, str], now: Mapping[str, str]
) -> Verified:
    """``wanted``: each key's value after the change (None: removed)."""
    if all(now.get(key) == value for key, value in wanted.items()):
        return Verified.APPLIED
    if all(now.get(key) == before.get(key) for key in wanted):
        return Verified.NOT_APPLIED
    return Verified.DIFFERENT


def _cause(error: Exception) -> str:
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return f"AWS answered HTTP {status} {info.get('Code', '')}".rstrip()
    return {
        "ReadTimeoutError": "no answer before the read timeout",
        "ConnectionClosedError": "the connection closed before AWS answered",
    }.get(type(error).__name__, type(error).__name__)
