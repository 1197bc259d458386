"""A change is planned once: the request sent, the diff shown and audited, the warnings."""

from __future__ import annotations

from datetime import UTC, datetime

from schedtui.core.changes.plan import (
    ClientTokens,
    PlanKind,
    plan_create,
    plan_delete,
    plan_update,
)
from schedtui.core.changes.warnings import WarningKind
from schedtui.core.schedules.schedule import Schedule
from tests.core.model_samples import schedule_response

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def schedule(**members: object) -> Schedule:
    return Schedule.from_api(schedule_response("lambda", **members))


def test_an_update_sends_the_whole_document_with_the_change_on_top() -> None:
    current = schedule(Description="as read", Unknown={"kept": True})
    plan = plan_update(current, {"state": "DISABLED"}, NOW, check_rules=False)
    assert plan.kind is PlanKind.UPDATE
    assert plan.diff == {"State": ("ENABLED", "DISABLED")}
    request = plan.request("token-1")
    assert request["State"] == "DISABLED"
    assert request["Description"] == "as read"
    assert request["Unknown"] == {"kept": True}  # members this version does not know go back
    assert request["ClientToken"] == "token-1"
    assert "Arn" not in request


def test_a_refused_past_start_date_is_dropped_from_the_request_and_named() -> None:
    past = datetime(2026, 1, 1, tzinfo=UTC)
    rate = schedule(ScheduleExpression="rate(5 minutes)", StartDate=past)
    plan = plan_update(rate, {"description": "x"}, NOW)
    assert "StartDate" not in plan.request("t")
    assert plan.diff["StartDate"] == (past, None)
    assert plan.warns(WarningKind.REANCHORS_RATE)
    assert plan.needs_consent
    cron = schedule(ScheduleExpression="cron(0 2 * * ? *)", StartDate=past)
    quiet = plan_update(cron, {"description": "x"}, NOW)
    assert quiet.warns(WarningKind.START_DATE_DROPPED)
    assert not quiet.needs_consent


def test_nothing_to_change_is_an_empty_plan() -> None:
    current = schedule()
    assert plan_update(current, {"description": current.description}, NOW).empty


def test_create_and_delete_plans() -> None:
    new = schedule(ActionAfterCompletion="DELETE")
    created = plan_create(new, NOW)
    assert created.kind is PlanKind.CREATE
    assert created.diff["Name"] == (None, new.name)
    assert created.warns(WarningKind.DELETES_ITSELF)
    deleted = plan_delete(new)
    assert deleted.kind is PlanKind.DELETE
    assert deleted.diff["Name"] == (new.name, None)
    assert deleted.label == f"{new.group_name}/{new.name}"


def test_a_client_token_is_bound_to_one_request_body() -> None:
    # A create planned again after its StartDate fell more than five minutes behind sends
    # another body (StartDate dropped): AWS refuses a token reused for another body, and a
    # reused token on the same body is what keeps a retried create from creating twice.
    start = datetime(2026, 11, 29, 12, 2, tzinfo=UTC)
    new = schedule(ScheduleExpression="rate(5 minutes)", StartDate=start)
    tokens = ClientTokens()
    first = tokens.for_plan(plan_create(new, NOW))
    assert tokens.for_plan(plan_create(new, NOW)) == first  # the same request, retried
    later = datetime(2026, 11, 29, 12, 30, tzinfo=UTC)
    replanned = plan_create(new, later)
    assert "StartDate" not in replanned.request(None)
    assert tokens.for_plan(replanned) != first
    assert ClientTokens().for_plan(plan_create(new, NOW)) != first  # another form: its own


def test_removing_a_rates_start_date_asks_like_dropping_it() -> None:
    # Both send an UpdateSchedule without StartDate: both move the anchor to the write.
    start = datetime(2026, 11, 29, 11, 58, tzinfo=UTC)  # recent: AWS would keep it
    rate = schedule(ScheduleExpression="rate(1 hour)", StartDate=start)
    removed = plan_update(rate, {"start_date": None}, NOW)
    assert removed.warns(WarningKind.REANCHORS_RATE)
    assert removed.needs_consent
    cron = schedule(ScheduleExpression="cron(0 2 * * ? *)", StartDate=start)
    assert not plan_update(cron, {"start_date": None}, NOW).warns(WarningKind.REANCHORS_RATE)
