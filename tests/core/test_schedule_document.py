"""Raw editing: the JSON document round-trips losslessly and bad edits name the member."""

from __future__ import annotations

import json

from schedtui.core.schedules.diff import field_diff
from schedtui.core.schedules.document import from_document, to_document
from schedtui.core.schedules.schedule import Schedule
from tests.core.model_samples import schedule_response


def original() -> Schedule:
    return Schedule.from_api(
        schedule_response("ecs", StartDate="2027-01-01T00:00:00Z", Extra={"Future": 1})
    )


def test_an_unedited_document_reads_back_as_the_same_schedule() -> None:
    schedule, problems = from_document(to_document(original()), original())
    assert problems == []
    assert schedule == original()


def test_aws_members_are_not_in_the_document_and_survive_reading_it_back() -> None:
    document = json.loads(to_document(original()))
    assert {"Arn", "CreationDate", "LastModificationDate"}.isdisjoint(document)
    assert document["Extra"] == {"Future": 1}
    document["Target"]["RetryPolicy"] = {"MaximumRetryAttempts": 2}
    schedule, problems = from_document(json.dumps(document), original())
    assert problems == []
    assert schedule is not None
    assert schedule.arn == original().arn
    assert set(field_diff(original(), schedule)) == {"Target.RetryPolicy.MaximumRetryAttempts"}


def test_bad_documents_say_where_and_why() -> None:
    assert from_document('{"Name": ', original())[1][0].startswith("JSON, line 1 column 10")
    assert from_document("[]", original())[1] == ["the document must be a JSON object ({...})"]
    renamed = to_document(original()).replace('"nightly"', '"renamed"')
    assert "Name: fixed after creation" in from_document(renamed, original())[1][0]
    document = json.loads(to_document(original()))
    document["Target"]["RetryPolicy"] = {"MaximumRetryAttempts": 999}
    schedule, problems = from_document(json.dumps(document), original())
    assert schedule is None
    assert problems == ["Target.RetryPolicy.MaximumRetryAttempts: must be between 0 and 185"]
