"""The default demo's story: "it started failing right after the update".

Two hours before ``now`` alice (an operator, through the console) updated
``billing/fx-rates-refresh-acme-uk`` and renamed the input key ``entity`` to ``legalEntity``;
the ``fx-rates-refresh`` function still reads ``event["entity"]``, so every invocation since
then fails with ``KeyError: 'entity'``, while before the update it succeeded. The seed holds
the post-update definition (``apply_story``), CloudTrail holds the CreateSchedule with the old
input and alice's UpdateSchedule with the new one (``trail.py``), and the function's log group
and AWS/Lambda metrics show the failures after the update and none before (``targets.py``).

Also here: the one ECS schedule that runs often enough to leave stopped tasks in ECS (which
keeps them about an hour), so the runs of an ECS target have something to show.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

STORY_GROUP: Final = "billing"
STORY_SCHEDULE: Final = "fx-rates-refresh-acme-uk"
STORY_FUNCTION: Final = "fx-rates-refresh"
STORY_MISSING_KEY: Final = "entity"
OLD_INPUT: Final = '{"base":"EUR","entity":"acme-uk"}'
NEW_INPUT: Final = '{"base":"EUR","legalEntity":"acme-uk"}'
UPDATED_BEFORE_NOW: Final = timedelta(minutes=121)
STORY_EDITOR: Final = (
    "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Operator_4f2a9c1e7b3d5a60/"
    "alice@example.com"
)

# A data-pipeline compaction job that runs every 15 minutes (the generated one ran daily).
FREQUENT_ECS_GROUP: Final = "data-pipeline"
FREQUENT_ECS_SCHEDULE: Final = "parquet-compaction-clickstream"
FREQUENT_ECS_EXPRESSION: Final = "rate(15 minutes)"


def story_updated_at(now: datetime) -> datetime:
    """When alice's UpdateSchedule happened (whole seconds, as CloudTrail records it)."""
    return (now - UPDATED_BEFORE_NOW).replace(microsecond=0)


def apply_story(request: dict[str, Any]) -> dict[str, Any] | None:
    """The request as the story leaves it (a copy; the generator shares nested members), or
    None when the story does not touch it."""
    key = (request["GroupName"], request["Name"])
    if key == (STORY_GROUP, STORY_SCHEDULE):
        if request["Target"].get("Input") != OLD_INPUT:
            raise AssertionError(f"the demo's story expects {STORY_SCHEDULE} with {OLD_INPUT}")
        return {**request, "Target": {**request["Target"], "Input": NEW_INPUT}}
    if key == (FREQUENT_ECS_GROUP, FREQUENT_ECS_SCHEDULE):
        changed = {**request, "ScheduleExpression": FREQUENT_ECS_EXPRESSION}
        changed.pop("StartDate", None)
        return changed
    return None


# A harmless update: bob widened the EMEA digest's flexible window from the AWS CLI.
HARMLESS_GROUP: Final = "notifications"
HARMLESS_SCHEDULE: Final = "digest-emea"
HARMLESS_OLD_WINDOW: Final = 15
HARMLESS_EDITOR: Final = (
    "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_PowerUser_9d8e7f6a5b4c3d21/"
    "bob@example.com"
)
HARMLESS_UPDATED_BEFORE_NOW: Final = timedelta(days=3, hours=4, minutes=17)

# Both schedules were created within CloudTrail's 90 days, so their CreateSchedule shows.
CREATED_BEFORE_NOW: Final = {
    (STORY_GROUP, STORY_SCHEDULE): timedelta(days=41, hours=2, minutes=8),
    (HARMLESS_GROUP, HARMLESS_SCHEDULE): timedelta(days=63, hours=6, minutes=40),
}
MODIFIED_BEFORE_NOW: Final = {
    (STORY_GROUP, STORY_SCHEDULE): UPDATED_BEFORE_NOW,
    (HARMLESS_GROUP, HARMLESS_SCHEDULE): HARMLESS_UPDATED_BEFORE_NOW,
}


def story_dates(
    group: str, name: str, now: datetime, created: datetime, modified: datetime
) -> tuple[datetime, datetime]:
    """The (CreationDate, LastModificationDate) the story gives a schedule."""
    key = (group, name)
    if key in CREATED_BEFORE_NOW:
        created = (now - CREATED_BEFORE_NOW[key]).replace(microsecond=0)
        modified = (now - MODIFIED_BEFORE_NOW[key]).replace(microsecond=0)
    return created, modified


def create_request(group: str, name: str, request: dict[str, Any]) -> dict[str, Any]:
    """The CreateSchedule request of a schedule the story later updated (its current
    ``request`` otherwise)."""
    key = (group, name)
    if key == (STORY_GROUP, STORY_SCHEDULE):
        return {**request, "Target": {**request["Target"], "Input": OLD_INPUT}}
    if key == (HARMLESS_GROUP, HARMLESS_SCHEDULE):
        window = {**request["FlexibleTimeWindow"], "MaximumWindowInMinutes": HARMLESS_OLD_WINDOW}
        return {**request, "FlexibleTimeWindow": window}
    return request
