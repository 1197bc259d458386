"""Bounded AWS error messages (aws/errors.py) where the hostile text is not AWS's message
but the action naming what was asked (a name taken from a target ARN)."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from schedtui.aws.errors import (
    MESSAGE_ROOM,
    AccessDeniedError,
    CredentialsMissingError,
    translate,
)
from schedtui.core.text import bounded, printable
from tests.conftest import use_credential_process


def test_a_huge_name_in_the_action_never_cuts_away_why_and_the_hint() -> None:
    """Failed before its fix: the doctor names its reads with a name taken from the target's ARN
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


def test_a_credential_process_with_a_huge_stderr_keeps_the_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    # botocore puts the process's whole stderr in its CredentialRetrievalError: 100,000
    # characters of it must not push "check the profile's credential source" out.
    clients = use_credential_process(
        tmp_path,
        monkeypatch,
        moto_endpoint,
        "import sys\nsys.stderr.write('E' * 100_000)\nsys.exit(1)\n",
    )
    with pytest.raises(CredentialsMissingError) as caught:
        clients.caller_identity()
    text = str(caught.value)
    assert len(text) <= MESSAGE_ROOM + 40
    assert "could not obtain credentials" in text
    assert "more characters" in text  # the operator is told the process said more
    assert text.endswith("check the profile's credential source")


@pytest.mark.parametrize("unsafe", ["\u202e", "\x9b", "\U000e0041"], ids=["bidi", "c1", "tag"])
def test_text_of_controls_is_bounded_as_it_is_shown(unsafe: str) -> None:
    # printable() writes each of these as 4 to 10 characters ("\\u202e"): bounding the raw
    # text let 1,000 of them show as up to 10,000.
    text = "name " + unsafe * 5_000
    shown = printable(bounded(text, 100))
    assert shown.startswith("name ")
    assert len(shown) <= 100 + len("… (5,000 more characters)")
    assert shown.endswith("more characters)")
    cut = int(shown.rsplit("(", 1)[1].split()[0].replace(",", ""))
    assert len(shown.split("…")[0]) <= 100
    assert cut > 5_000 - 100  # the count is of the raw characters left out


def test_an_aws_message_of_controls_keeps_the_hint_as_shown() -> None:
    denied = ClientError(
        {
            "Error": {"Code": "AccessDeniedException", "Message": "\u202e" * 5_000},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        },
        "GetRole",
    )
    shown = printable(str(translate(denied, "GetRole ops")))
    assert len(shown) <= MESSAGE_ROOM + 40
    assert shown.startswith("GetRole ops: access denied: \\u202e")
    assert shown.endswith("(check the IAM policy of your role)")
