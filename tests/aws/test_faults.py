"""Faults on the wire, each through botocore's real retry path, as the operator sees them.

AWS errors are injected by a ``before-send`` handler registered first on the client: it
answers an attempt with the HTTP response AWS would send (rest-json: status code, an
``x-amzn-ErrorType`` header, a JSON body), or returns None to let the real request reach
moto. botocore then parses, classifies and retries exactly as it would against AWS.

Every error must become one typed error whose message is one line naming the action.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders

from schedtui.aws.audit import AuditLog
from schedtui.aws.errors import (
    AccessDeniedError,
    AwsError,
    CredentialsExpiredError,
    CredentialsMissingError,
    EndpointUnreachableError,
    NoRegionConfiguredError,
    NotFoundError,
    ThrottledError,
    UnreadableAnswerError,
    ValidationFailedError,
)
from schedtui.aws.mutations import Mutations
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings
from schedtui.core.schedules.schedule import Schedule
from tests.aws.conftest import ACCOUNT, REGION, full_schedule, scheduler_backend
from tests.aws.wire import intercept
from tests.aws.writes import create, set_state, update
from tests.conftest import use_aws_config, use_credential_process

NAME = "nightly-report"
KEY = ("default", NAME)


class _Body:
    """The ``raw`` of an AWSResponse: botocore reads the body through ``stream()``."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def aws_error_response(url: str, status: int, code: str, message: str) -> AWSResponse:
    """An error as EventBridge Scheduler sends it (rest-json protocol)."""
    headers = {
        # botocore's rest-json parser takes the code from this header (up to the ':'),
        # falling back to the body's __type.
        "x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazonaws.scheduler/",
        "Content-Type": "application/json",
        "x-amzn-RequestId": "11111111-2222-3333-4444-555555555555",
    }
    body = json.dumps({"__type": code, "message": message}).encode()
    return AWSResponse(url, status, HTTPHeaders.from_dict(headers), _Body(body))


class Fault:
    """Answers the first ``times`` attempts of one operation with an AWS error."""

    def __init__(self, status: int, code: str, message: str, times: int) -> None:
        self.status, self.code, self.message, self.times = status, code, message, times
        self.attempts = 0

    def __call__(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
        self.attempts += 1
        if self.attempts <= self.times:
            return aws_error_response(request.url, self.status, self.code, self.message)
        return None  # the real request goes to moto


def inject(clients: AwsClients, operation: str, fault: Fault) -> Fault:
    """On both scheduler clients: the reader, and the writer mutations send through."""
    handler: Callable[..., Any] = fault  # the stubs say handlers return None; these may not
    for client in (clients.scheduler, clients.writer("scheduler")):
        client.meta.events.register_first(f"before-send.scheduler.{operation}", handler)
    return fault


def requests_sent(clients: AwsClients) -> list[str]:
    """Operation names of the requests botocore tried to send (faked or real)."""
    sent: list[str] = []
    for client in (clients.scheduler, clients.writer("scheduler")):
        client.meta.events.register(
            "before-send.scheduler",
            lambda event_name, **_: sent.append(event_name.split(".")[-1]),
        )
    return sent


def assert_one_line_naming(error: AwsError, action: str) -> str:
    text = str(error)
    assert "\n" not in text, f"not one line: {text!r}"
    assert "\r" not in text, f"not one line: {text!r}"
    assert text.startswith(f"{action}: "), f"does not name the action {action!r}: {text!r}"
    return text


@pytest.fixture
def nightly(clients: AwsClients, repo: SchedulerRepository) -> Schedule:
    clients.scheduler.create_schedule(**full_schedule(name=NAME))
    return repo.get_schedule(*KEY)


THROTTLED = (429, "ThrottlingException", "Rate exceeded")


# -- throttling ---------------------------------------------------------------------------------


def test_throttling_is_retried_until_the_call_succeeds(
    settings: AwsSettings, repo: SchedulerRepository, clients: AwsClients, nightly: Schedule
) -> None:
    assert settings.max_attempts >= 3
    fault = inject(clients, "GetSchedule", Fault(*THROTTLED, times=2))
    # Adaptive retries back off and slow the client down: this takes a few seconds.
    assert repo.get_schedule(*KEY) == nightly
    assert fault.attempts == 3  # two throttled, the third reached the server


def test_throttling_past_the_last_attempt_is_a_throttled_error(
    moto_endpoint: str, nightly: Schedule
) -> None:
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=moto_endpoint, max_attempts=1))
    fault = inject(clients, "GetSchedule", Fault(*THROTTLED, times=2))
    with pytest.raises(ThrottledError) as caught:
        SchedulerRepository(clients).get_schedule(*KEY)
    assert fault.attempts == 1
    text = assert_one_line_naming(caught.value, f"GetSchedule default/{NAME}")
    assert "Rate exceeded" in text
    assert caught.value.code == "ThrottlingException"


# -- refusals: permissions and credentials -----------------------------------------------------


def _calls(
    repo: SchedulerRepository, mutations: Mutations, nightly: Schedule
) -> dict[str, tuple[str, Callable[[], object]]]:
    """operation -> (the action the message must name, a call that sends it)."""
    return {
        "ListSchedules": ("ListSchedules", lambda: next(repo.iter_schedule_pages())),
        "GetSchedule": (f"GetSchedule default/{NAME}", lambda: repo.get_schedule(*KEY)),
        "UpdateSchedule": (
            f"UpdateSchedule default/{NAME}",
            lambda: set_state(mutations, nightly, "DISABLED"),
        ),
    }


@pytest.mark.parametrize("operation", ["ListSchedules", "GetSchedule", "UpdateSchedule"])
def test_access_denied_names_the_action_and_is_not_retried(
    operation: str,
    clients: AwsClients,
    repo: SchedulerRepository,
    mutations: Mutations,
    nightly: Schedule,
) -> None:
    message = (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/oncall/alice is not authorized to perform: "
        f"scheduler:{operation} on resource: arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/"
        f"default/{NAME} because no identity-based policy allows the scheduler:{operation} action"
    )
    fault = inject(clients, operation, Fault(403, "AccessDeniedException", message, times=99))
    action, call = _calls(repo, mutations, nightly)[operation]
    with pytest.raises(AccessDeniedError) as caught:
        call()
    text = assert_one_line_naming(caught.value, action)
    assert message in text  # which permission is missing, in AWS's words
    assert "IAM policy" in text
    assert caught.value.aws_message == message
    assert fault.attempts == 1  # a refusal is not retried
    fault.times = 0  # permission granted again: nothing was changed meanwhile
    assert repo.get_schedule(*KEY) == nightly


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (403, "ExpiredTokenException", "The security token included in the request is expired"),
        (
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ),
    ],
)
def test_expired_or_unknown_credentials_say_to_refresh_them(
    status: int,
    code: str,
    message: str,
    clients: AwsClients,
    repo: SchedulerRepository,
    nightly: Schedule,
) -> None:
    fault = inject(clients, "GetSchedule", Fault(status, code, message, times=99))
    with pytest.raises(CredentialsExpiredError) as caught:
        repo.get_schedule(*KEY)
    text = assert_one_line_naming(caught.value, f"GetSchedule default/{NAME}")
    assert message in text
    assert "aws sso login" in text  # what to do about it
    assert caught.value.code == code
    assert fault.attempts == 1


# -- a write AWS refuses -----------------------------------------------------------------------


def test_validation_error_on_update_leaves_the_schedule_untouched_and_is_audited(
    clients: AwsClients,
    repo: SchedulerRepository,
    mutations: Mutations,
    audit: AuditLog,
    nightly: Schedule,
) -> None:
    message = "Invalid request provided: The schedule expression is not supported in this region."
    fault = inject(clients, "UpdateSchedule", Fault(400, "ValidationException", message, 99))
    with pytest.raises(ValidationFailedError) as caught:
        update(mutations, nightly, {"description": "moved to 03:00"})
    action = f"UpdateSchedule default/{NAME}"
    text = assert_one_line_naming(caught.value, action)
    assert message in text
    assert caught.value.aws_message == message
    assert fault.attempts == 1
    # Nothing half-written: the server holds exactly what it held, modification date included.
    assert repo.get_schedule(*KEY) == nightly
    (entry,) = audit.entries()
    assert entry["action"] == action
    assert entry["arn"] == nightly.arn
    assert entry["outcome"] == "refused"
    assert message in entry["error"]
    assert entry["changes"] == {
        "Description": {"before": "Nightly report for finance", "after": "moved to 03:00"}
    }


def test_validation_error_from_the_server_on_create_creates_nothing(
    clients: AwsClients, repo: SchedulerRepository, audit: AuditLog
) -> None:
    """A real ValidationException from the server (moto enforces AWS's 5-minute StartDate
    rule on create), reached because this Mutations' clock runs a day behind."""
    real_now = datetime.now(UTC)
    late_clock = Mutations(repo, audit, now=lambda: real_now - timedelta(days=1))
    schedule = Schedule.from_api(full_schedule(name=NAME, StartDate=real_now - timedelta(hours=1)))
    with pytest.raises(ValidationFailedError) as caught:
        create(late_clock, schedule)
    text = assert_one_line_naming(caught.value, f"CreateSchedule default/{NAME}")
    assert "cannot be earlier than 5 minutes ago" in text
    with pytest.raises(NotFoundError):
        repo.get_schedule(*KEY)
    assert audit.entries()[-1]["outcome"] == "refused"


def test_botocore_parameter_check_gives_a_one_line_message(
    mutations: Mutations, repo: SchedulerRepository, clients: AwsClients
) -> None:
    """botocore refuses before sending (its ParamValidationError text spans several lines).

    The schedule is one AWS would refuse (moto stores it anyway); disabling it is the toggle
    an operator reaches for, and the refusal must still read as one line.
    """
    backend = scheduler_backend()
    backend.create_schedule(
        description=None, end_date=None, group_name="default", kms_key_arn=None, name=NAME,
        flexible_time_window={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 0},
        schedule_expression="rate(1 hour)", schedule_expression_timezone=None, start_date=None,
        state="ENABLED", action_after_completion=None,
        target={"Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f",
                "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/invoke"},
    )  # fmt: skip
    seen = repo.get_schedule(*KEY)
    sent = requests_sent(clients)
    with pytest.raises(ValidationFailedError) as caught:
        set_state(mutations, seen, "DISABLED")
    assert "UpdateSchedule" not in sent
    text = assert_one_line_naming(caught.value, f"UpdateSchedule default/{NAME}")
    assert "MaximumWindowInMinutes" in text
    assert mutations.audit.entries() == []  # never sent: no audit line claims it was


# -- nothing to talk to ------------------------------------------------------------------------


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that was just free and now refuses connections."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_unreachable_endpoint_fails_fast_with_the_address(closed_port: int) -> None:
    endpoint = f"http://127.0.0.1:{closed_port}"
    clients = AwsClients(
        AwsSettings(region=REGION, endpoint_url=endpoint, max_attempts=1, connect_timeout=1)
    )
    started = time.monotonic()
    with pytest.raises(EndpointUnreachableError) as caught:
        SchedulerRepository(clients).list_groups()
    assert time.monotonic() - started < 5
    text = assert_one_line_naming(caught.value, "ListScheduleGroups")
    assert "endpoint unreachable" in text
    assert f"127.0.0.1:{closed_port}" in text  # where it tried to go


# -- nothing to sign with, nowhere to go --------------------------------------------------------


def test_missing_credentials_point_to_demo_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, moto_endpoint: str
) -> None:
    empty = tmp_path / "empty"
    empty.write_text("")
    for name in (
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CREDENTIAL_FILE",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "BOTO_CONFIG"):
        monkeypatch.setenv(name, str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookup
    clients = AwsClients(AwsSettings(region=REGION, endpoint_url=moto_endpoint))
    sent = requests_sent(clients)
    with pytest.raises(CredentialsMissingError) as caught:
        SchedulerRepository(clients).get_schedule(*KEY)
    text = assert_one_line_naming(caught.value, f"GetSchedule default/{NAME}")
    assert "--demo" in text
    assert "--profile" in text
    assert sent == []  # nothing unsigned left the machine


def test_an_sso_profile_never_logged_in_says_the_exact_login_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, moto_endpoint: str
) -> None:
    # A real SSO profile with no cached token: botocore's own credential provider raises
    # (SSOTokenLoadError / UnauthorizedSSOTokenError) before anything is signed or sent.
    use_aws_config(
        tmp_path,
        monkeypatch,
        "[profile ops]\n"
        "sso_start_url = https://example.awsapps.com/start\n"
        "sso_region = us-east-1\n"
        "sso_account_id = 123456789012\n"
        "sso_role_name = Operator\n",
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws/sso/cache token
    clients = AwsClients(AwsSettings(profile="ops", region=REGION, endpoint_url=moto_endpoint))
    sent = requests_sent(clients)
    with pytest.raises(CredentialsExpiredError) as caught:
        SchedulerRepository(clients).get_schedule(*KEY)
    text = assert_one_line_naming(caught.value, f"GetSchedule default/{NAME}")
    assert "run aws sso login --profile ops in a terminal, then press r" in text
    assert caught.value.code in ("SSOTokenLoadError", "UnauthorizedSSOTokenError")
    assert sent == []


def test_no_region_points_to_the_region_flag(
    monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    clients = AwsClients(AwsSettings(region=None, endpoint_url=moto_endpoint))
    with pytest.raises(NoRegionConfiguredError) as caught:
        SchedulerRepository(clients).list_groups()
    # botocore needs the region to build the client, before any request.
    text = assert_one_line_naming(caught.value, "connect to scheduler")
    assert "--region" in text
    assert "--demo" in text


def test_a_credential_providers_not_found_is_never_the_schedules() -> None:
    # An SSO portal answering GetRoleCredentials with ResourceNotFoundException reached the
    # app as "schedule not found", and a delete read that as "already gone": done.
    from botocore.exceptions import ClientError

    from schedtui.aws.errors import translate, was_sent

    raw = ClientError(
        {"Error": {"Code": "ResourceNotFoundException", "Message": "Could not find the role"}},
        "GetRoleCredentials",
    )
    typed = translate(raw, "DeleteSchedule default/victim")
    assert isinstance(typed, CredentialsExpiredError)
    assert not isinstance(typed, NotFoundError)
    assert "could not obtain credentials (GetRoleCredentials" in str(typed)
    assert not was_sent(raw)  # nothing was signed: no audit line, not "outcome unknown"


@pytest.mark.parametrize(
    "output",
    [
        "",  # nothing at all
        "[]",
        "garbage \x1b]52;c;QUFBQQ==\x07",
        '{"Version": 1, "AccessKeyId": 5, "SecretAccessKey": "s"}',
        '{"Version": 1, "AccessKeyId": "k", "SecretAccessKey": "s", "Expiration": "garbage"}',
        '{"Version": 1, "AccessKeyId": "k", "SecretAccessKey": "s", '
        '"SessionToken": "t", "Expiration": "2001-01-01T00:00:00Z"}',
    ],
)
def test_a_credential_process_that_prints_garbage_is_a_credentials_error_never_a_crash(
    output: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    # botocore lets these out untyped (JSONDecodeError, AttributeError, TypeError, a date
    # parser's error, "refreshed credentials are still expired"): schedtui crashed.
    clients = use_credential_process(
        tmp_path, monkeypatch, moto_endpoint, f"import sys\nsys.stdout.write({output!r})\n"
    )
    with pytest.raises(CredentialsMissingError) as caught:
        clients.caller_identity()  # the credentials are read when a client is first made
    text = str(caught.value)
    assert "\n" not in text
    assert "could not obtain credentials" in text
    assert not caught.value.__class__.__name__.startswith("Unreadable")


@pytest.mark.parametrize("date", [1e20, 253402300800, -62135596801, "garbage", "NaN"])
def test_a_date_outside_pythons_range_is_an_unreadable_answer_never_a_crash(
    date: object, clients: AwsClients
) -> None:
    body = json.dumps(
        {"ScheduleGroups": [{"Name": "g", "Arn": "arn:aws:scheduler:us-east-1:1:schedule-group/g",
                             "State": "ACTIVE", "CreationDate": date}]}
    ).encode()  # fmt: skip
    headers = HTTPHeaders.from_dict({"content-type": "application/json"})
    intercept(
        clients.scheduler,
        "ListScheduleGroups",
        lambda request: AWSResponse(request.url, 200, headers, _Body(body)),
    )
    with pytest.raises(UnreadableAnswerError) as caught:
        SchedulerRepository(clients).list_groups()
    assert_one_line_naming(caught.value, "ListScheduleGroups")


def test_a_page_token_given_twice_stops_the_listing_instead_of_looping(
    clients: AwsClients,
) -> None:
    body = json.dumps({"Schedules": [], "NextToken": "again"}).encode()
    headers = HTTPHeaders.from_dict({"content-type": "application/json"})
    intercept(
        clients.scheduler,
        "ListSchedules",
        lambda request: AWSResponse(request.url, 200, headers, _Body(body)),
    )
    pages = SchedulerRepository(clients).iter_schedule_pages()
    assert next(pages) == []
    assert next(pages) == []
    with pytest.raises(UnreadableAnswerError, match="page token it had already given"):
        next(pages)


def test_an_error_built_from_aws_text_anywhere_is_bounded_too() -> None:
    """Not only translated errors: a repository that quotes AWS itself (GetMetricData's
    per-query messages) builds its error from text of any length."""
    from_metrics = UnreadableAnswerError("GetMetricData: " + "z" * 50_000)
    assert str(from_metrics) == "GetMetricData: " + "z" * 985 + "… (49,015 more characters)"
    assert str(UnreadableAnswerError("short")) == "short"
