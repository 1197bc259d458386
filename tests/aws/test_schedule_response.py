"""GetSchedule's answer as it came, for the JSON view (`v`), over real HTTP against moto."""

from __future__ import annotations

from datetime import datetime

import pytest

from schedtui.aws.errors import NotFoundError
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients
from tests.aws.conftest import full_schedule


def test_the_answer_as_botocore_parsed_it(repo: SchedulerRepository, clients: AwsClients) -> None:
    request = full_schedule()
    clients.scheduler.create_schedule(**request)
    response, dropped = repo.get_schedule_response("default", "nightly-report")
    assert dropped == []
    assert "ResponseMetadata" not in response
    assert not any(key.startswith("__") for key in response)  # nothing of ours rides along
    assert response["Target"] == request["Target"]
    assert response["FlexibleTimeWindow"] == request["FlexibleTimeWindow"]
    assert isinstance(response["CreationDate"], datetime)
    # The same read the models make: one source for what AWS holds.
    schedule = repo.get_schedule("default", "nightly-report")
    assert response["Arn"] == schedule.arn


def test_errors_are_the_typed_ones(repo: SchedulerRepository) -> None:
    with pytest.raises(NotFoundError, match="GetSchedule default/ghost: not found"):
        repo.get_schedule_response("default", "ghost")
