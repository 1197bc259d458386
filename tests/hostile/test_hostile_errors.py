"""Bounded AWS error messages (aws/errors.py) where the hostile text is not AWS's message
but the action naming what was asked (a name taken from a target ARN)."""

from __future__ import annotations

from botocore.exceptions import ClientError

from schedtui.aws.errors import MESSAGE_ROOM, AccessDeniedError, translate


def test_a_huge_name_in_the_action_never_cuts_away_why_and_the_hint() -> None:
    """fails today: the doctor names its reads with a name taken from the target's ARN
    ("DescribeDeliveryStream <name>", "GetPipeline <name>"), and an ARN is AWS's text
    (Scheduler keeps a target ARN of up to 1,600 characters). translate() bounds AWS's
    message so the hint survives, but then the whole text (action first) is bounded again
    to MESSAGE_ROOM: with a 1,500-character name the message is the action's start and
    "… (N more characters)"; "access denied", AWS's words and the hint are all cut away,
    so the operator is told neither what failed nor why. The action should give way."""
    denied = ClientError(
        {
            "Error": {"Code": "AccessDeniedException", "Message": "not authorized"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "DescribeDeliveryStream",
    )
    error = translate(denied, "DescribeDeliveryStream " + "n" * 1_500)
    assert isinstance(error, AccessDeniedError)
    text = str(error)
    assert len(text) <= MESSAGE_ROOM + 40  # still bounded
    assert "access denied: not authorized" in text
    assert text.endswith("(check the IAM policy of your role)")
