"""``schedtui groups --profile P`` whose credential_process never answers: one line naming
the profile and the time limit, exit 4 (credentials), instead of waiting forever."""

from __future__ import annotations

import pytest

from schedtui.aws.session import AwsSettings
from schedtui.cli import main
from tests.ui.test_hanging_credentials import SAID, hanging_profile

__all__ = ["hanging_profile"]  # the fixture: a real AWS config file, `sleep 600`


def test_a_command_says_the_profile_did_not_answer_and_exits_4(
    hanging_profile: AwsSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint = hanging_profile.endpoint_url or ""
    code = main(["groups", "--profile", "hang", "--endpoint-url", endpoint])
    err = capsys.readouterr().err
    assert code == 4
    assert err.startswith("schedtui groups: connect to ")
    assert SAID in err
    assert len(err.splitlines()) == 1
