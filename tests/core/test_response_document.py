"""The JSON view's document (`v`): GetSchedule's answer member for member, inert on screen."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from schedtui.core.schedules.document import response_document
from schedtui.core.text import printable


def test_every_member_as_returned_dates_as_iso_metadata_left_out() -> None:
    response = {
        "Arn": "arn:aws:scheduler:us-east-1:123456789012:schedule/default/n",
        "Name": "n",
        "CreationDate": datetime(2026, 7, 1, 9, 39, 8, 507000, tzinfo=UTC),
        "Target": {"Arn": "x", "RetryPolicy": {"MaximumRetryAttempts": 0}},
        "SomethingNew": [1, 2**63 - 1],
        "ResponseMetadata": {"RequestId": "r", "HTTPHeaders": {}},
    }
    document = response_document(response)
    assert json.loads(document) == {
        "Arn": "arn:aws:scheduler:us-east-1:123456789012:schedule/default/n",
        "Name": "n",
        "CreationDate": "2026-07-01T09:39:08.507000+00:00",
        "Target": {"Arn": "x", "RetryPolicy": {"MaximumRetryAttempts": 0}},
        "SomethingNew": [1, 2**63 - 1],
    }
    assert list(json.loads(document)) == ["Arn", "Name", "CreationDate", "Target", "SomethingNew"]


def test_hostile_text_is_shown_escaped_and_reads_back_as_the_same_value() -> None:
    hostile = "x\x1b[2J\x9b31m\u202egnp.exe\u200b\ud800\n"
    document = response_document({"Description": hostile, "Target": {"Input": hostile}})
    assert printable(document, keep_newlines=True) == document  # nothing for a terminal to act on
    assert json.loads(document) == {"Description": hostile, "Target": {"Input": hostile}}
