"""The handful of typed errors an operator understands, translated from boto and botocore.

Views show ``str(error)``: one line saying what happened and what to do. The raw AWS code
and message stay on the error (``code``, ``aws_message``) for the log.

Every message is bounded here (``MESSAGE_ROOM``), where AWS's and botocore's words become
the app's: an endpoint may answer with a 100,000-character message, and the notification,
the status line, the CLI's stderr and the audit log all take ``str(error)``. The start is
kept and the cut says how much went (``core/text.py: bounded``, which counts characters as
``printable`` shows them); the views still pass it through ``printable``. Within a message
the action (which may hold a name from an ARN) gives way first, then AWS's or botocore's
words, so the summary and the hint always show. ``aws_message`` stays whole on the error,
shown nowhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ProxyConnectionError,
    ReadTimeoutError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from pydantic import ValidationError

from schedtui.core.text import bounded

# Characters of a message kept: AWS's own run to a few hundred (an AccessDenied naming the
# caller, action, resource and policy is under 600); more is a dump or an attack.
MESSAGE_ROOM = 1_000


class AwsError(Exception):
    """Base of every error the repository layer raises."""

    def __init__(self, message: str, *, code: str = "", aws_message: str = "") -> None:
        super().__init__(bounded(message, MESSAGE_ROOM))
        self.code = code
        self.aws_message = aws_message


class NotFoundError(AwsError):
    pass


class ConflictError(AwsError):
    """AWS's ConflictException: e.g. a schedule or group with that name already exists."""


class StaleScheduleError(AwsError):
    """The schedule changed on the server since the operator loaded it; nothing was sent."""

    def __init__(self, message: str, *, changes: dict[str, tuple[object, object]]) -> None:
        super().__init__(message, code="StaleSchedule")
        self.changes = changes  # field path -> (what the operator saw, what is there now)


class ValidationFailedError(AwsError):
    """AWS (or botocore's parameter check) refused the request; the message says why."""


class ThrottledError(AwsError):
    pass


class QuotaExceededError(AwsError):
    pass


class AccessDeniedError(AwsError):
    pass


class CredentialsExpiredError(AwsError):
    pass


class CredentialsMissingError(AwsError):
    pass


class NoRegionConfiguredError(AwsError):
    pass


class EndpointUnreachableError(AwsError):
    pass


class RequestTimeoutError(AwsError):
    pass


class ServiceFailureError(AwsError):
    """Anything else AWS answered with (InternalServerException, unknown codes)."""


class UnreadableAnswerError(AwsError):
    """AWS answered with something the models cannot hold (a required member missing, a
    wrong type): shown as a failed read of that one thing, never a crashed view."""


def new_token(token: str, seen: set[str], what: str) -> str:
    """``token`` (a listing's next-page token), remembered in ``seen``. A token the service
    gave before would make the listing go round for ever (botocore's paginators refuse it
    too): UnreadableAnswerError, "<what> it had already given; the listing stops here"."""
    if token in seen:
        raise UnreadableAnswerError(
            f"{what} it had already given; the listing stops here", code="UnreadableAnswer"
        )
    seen.add(token)
    return token


class ReadOnlyError(AwsError):
    """A mutation refused because schedtui runs read-only; nothing was sent."""


class UnsafeWriteError(AwsError):
    """A write refused because it would lose data (e.g. members this botocore cannot send)."""


class ConfirmationRequiredError(AwsError):
    """A write that needs the operator's explicit consent first (the message says why)."""


class Verified(StrEnum):
    """What a re-read found after a write whose answer was lost."""

    APPLIED = "applied"  # AWS holds the change
    NOT_APPLIED = "not applied"  # AWS holds what was there before
    DIFFERENT = "different"  # neither: someone else changed it meanwhile
    UNREADABLE = "unreadable"  # the re-read failed too


class OutcomeUnknownError(AwsError):
    """A write was sent but its answer was lost (connection closed, read timeout, a 5xx).

    The request may or may not have been applied: it was re-read once, and ``verified`` says
    what AWS holds now (``current``: the re-read schedule, when there is one). The message
    says all of it; it never claims the write failed or succeeded outright.
    """

    def __init__(
        self,
        message: str,
        *,
        verified: Verified,
        current: object = None,
        code: str = "",
        aws_message: str = "",
    ) -> None:
        super().__init__(message, code=code, aws_message=aws_message)
        self.verified = verified
        self.current = current

    @property
    def applied(self) -> bool:
        return self.verified is Verified.APPLIED


_CODES: dict[str, tuple[type[AwsError], str]] = {
    "ResourceNotFoundException": (NotFoundError, "not found"),
    "NotFoundException": (NotFoundError, "not found"),
    "AWS.SimpleQueueService.NonExistentQueue": (NotFoundError, "queue does not exist"),
    "QueueDoesNotExist": (NotFoundError, "queue does not exist"),
    # The doctor's services spell "not found" their own way (IAM, SNS, Step Functions...).
    "NoSuchEntity": (NotFoundError, "not found"),
    "NotFound": (NotFoundError, "not found"),
    "StateMachineDoesNotExist": (NotFoundError, "not found"),
    "ResourceNotFound": (NotFoundError, "not found"),  # SageMaker
    "PipelineNotFoundException": (NotFoundError, "not found"),  # CodePipeline
    "ConflictException": (ConflictError, "conflict"),
    "ValidationException": (ValidationFailedError, "rejected by AWS"),
    "InvalidParameterValue": (ValidationFailedError, "rejected by AWS"),
    "InvalidParameterCombination": (ValidationFailedError, "rejected by AWS"),
    "ThrottlingException": (ThrottledError, "throttled by AWS"),
    "Throttling": (ThrottledError, "throttled by AWS"),
    "TooManyRequestsException": (ThrottledError, "throttled by AWS"),
    "RequestLimitExceeded": (ThrottledError, "throttled by AWS"),
    "ServiceQuotaExceededException": (QuotaExceededError, "service quota exceeded"),
    "AccessDeniedException": (AccessDeniedError, "access denied"),
    "AccessDenied": (AccessDeniedError, "access denied"),
    "UnauthorizedOperation": (AccessDeniedError, "access denied"),
    "ExpiredToken": (CredentialsExpiredError, "credentials expired"),
    "ExpiredTokenException": (CredentialsExpiredError, "credentials expired"),
    "RequestExpired": (CredentialsExpiredError, "credentials expired"),
    "InvalidClientTokenId": (CredentialsExpiredError, "credentials are not valid"),
    "UnrecognizedClientException": (CredentialsExpiredError, "credentials are not valid"),
    "InternalServerException": (ServiceFailureError, "AWS had an internal error"),
}
# The profile the clients use, for the one fix an expired login needs. Module state because
# an error is translated far from the session that raised it; AwsClients sets it.
_profile: list[str | None] = [None]


def remember_profile(profile: str | None) -> None:
    _profile[0] = profile


def login_profile() -> str | None:
    """The profile ``remember_profile`` last named (a context switch that fails puts it back)."""
    return _profile[0]


def login_fix() -> str:
    """``aws sso login --profile NAME`` for the profile in use (the default one: no flag)."""
    profile = _profile[0]
    return f"aws sso login --profile {profile}" if profile else "aws sso login"


# Calls botocore's credential providers make on the operator's behalf.
_CREDENTIAL_CALLS = frozenset(
    {
        "GetRoleCredentials",
        "AssumeRole",
        "AssumeRoleWithWebIdentity",
        "AssumeRoleWithSAML",
        "CreateToken",
        "GetCredentialsForIdentity",
    }
)

# SSO logins that expired or never happened: raised by the credential provider, before a
# request is signed.
_SSO_LOGIN = (UnauthorizedSSOTokenError, SSOTokenLoadError, TokenRetrievalError)

_HINTS: dict[type[AwsError], str] = {
    AccessDeniedError: "check the IAM policy of your role",
    CredentialsExpiredError: "refresh your credentials, e.g. {login}, and press r",
    ThrottledError: "retries ran out; schedtui slows down and tries again on the next refresh",
}


# The action naming what was asked within a translated message: it may hold a name taken
# from an ARN (AWS's text, up to 1,600 characters), and it gives way first, so that the
# summary, AWS's words and the hint are never cut away.
_ACTION_ROOM = 150
# AWS's (or botocore's) words within a translated one: room left for the action before them
# and the summary and hint around them within MESSAGE_ROOM.
_AWS_ROOM = MESSAGE_ROOM - 300


def _asked(action: str) -> str:
    """The action, on one line and bounded: it gives way to what follows it."""
    return bounded(_one_line(action), _ACTION_ROOM)


def _words(text: str) -> str:
    """AWS's or botocore's words, on one line and bounded, to go inside a message with a
    hint after them (a 100,000-character answer or stderr never cuts the hint away)."""
    return bounded(_one_line(text), _AWS_ROOM)


def _one_line(text: str) -> str:
    """Views show errors in a banner or a cell: one line, whatever AWS or botocore wrote."""
    return "; ".join(part.strip() for part in text.splitlines() if part.strip())


def translate(error: Exception, action: str) -> AwsError:
    """One typed, one-line error for anything boto3 or botocore raised during ``action``."""
    typed = _translate(error, _asked(action))
    typed.args = (_one_line(str(typed)),)
    return typed


def _translate(error: Exception, action: str) -> AwsError:
    """The typed error, before its message is folded to one line."""
    if isinstance(error, AwsError):
        return error
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        code = str(info.get("Code", "")) or "Unknown"
        # AWS's words cut before the action and the hint are put around them, so the hint
        # survives a huge message; one line first, so the count is of what would show.
        whole = str(info.get("Message", "")) or str(error)
        message = _words(whole)
        if error.operation_name in _CREDENTIAL_CALLS:
            # The credential provider's own call failed (an SSO portal's "role not found",
            # an AssumeRole refusal): never the schedule's not-found or access-denied, which
            # a delete would read as "already gone".
            return CredentialsExpiredError(
                f"{action}: could not obtain credentials ({error.operation_name}: {code}: "
                f"{message}); run {login_fix()} or check the profile, then press r",
                code=code,
                aws_message=whole,
            )
        kind, summary = _CODES.get(code, (ServiceFailureError, f"AWS error {code}"))
        text = f"{action}: {summary}: {message}" if message else f"{action}: {summary}"
        if hint := _HINTS.get(kind):
            text += f" ({hint.format(login=login_fix())})"
        return kind(text, code=code, aws_message=whole)
    if isinstance(error, NoCredentialsError | PartialCredentialsError | ProfileNotFound):
        return CredentialsMissingError(
            f"{action}: no usable AWS credentials ({_words(str(error))}); set a profile with "
            "--profile or AWS_PROFILE, or try schedtui --demo",
            code=type(error).__name__,
        )
    if isinstance(error, CredentialRetrievalError):
        # A credential_process (or another source) that failed: its own words say why.
        return CredentialsMissingError(
            f"{action}: could not obtain credentials ({_words(str(error))}); check the "
            "profile's credential source",
            code=type(error).__name__,
        )
    if isinstance(error, _SSO_LOGIN):
        return CredentialsExpiredError(
            f"{action}: the AWS SSO login has expired or was never made; run "
            f"{login_fix()} in a terminal, then press r ({_words(str(error))})",
            code=type(error).__name__,
        )
    if isinstance(error, NoRegionError):
        return NoRegionConfiguredError(
            f"{action}: no AWS region configured; use --region or AWS_REGION, or try "
            "schedtui --demo",
            code="NoRegion",
        )
    if isinstance(error, ConnectTimeoutError | ReadTimeoutError):
        return RequestTimeoutError(
            f"{action}: timed out ({_words(str(error))})", code=type(error).__name__
        )
    if isinstance(error, EndpointConnectionError):
        return EndpointUnreachableError(
            f"{action}: endpoint unreachable ({_words(str(error))})", code=type(error).__name__
        )
    if isinstance(error, ParamValidationError):
        return ValidationFailedError(
            f"{action}: refused before sending: {_words(str(error))}", code="ParamValidation"
        )
    return ServiceFailureError(
        f"{action}: {type(error).__name__}: {_words(str(error))}", code="Unexpected"
    )


# Raised before a byte of the request left the machine: nothing can have been applied.
_NOT_SENT = (
    ParamValidationError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    CredentialRetrievalError,
    *_SSO_LOGIN,
    NoRegionError,
    EndpointConnectionError,
    ConnectTimeoutError,
    ProxyConnectionError,
)


def was_sent(error: Exception) -> bool:
    """Whether a failed call may have reached AWS (an audit entry is kept only if so)."""
    if isinstance(error, ClientError) and error.operation_name in _CREDENTIAL_CALLS:
        return False  # the credential provider failed: the request was never signed
    return isinstance(error, ClientError | BotoCoreError) and not isinstance(error, _NOT_SENT)


def answer_lost(error: Exception) -> bool:
    """A request that was sent but whose outcome AWS did not tell: no response at all
    (connection closed, read timeout), or a server error that does not say whether the
    change was applied. A 4xx is a refusal: AWS answered, and applied nothing."""
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return int(status or 0) >= 500
    return was_sent(error)


def validation_problems(error: ValidationError) -> str:
    """What an answer lacked, in one line: the first three "member: problem" of ``error``."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'answer'}: {problem['msg']}"
        for problem in error.errors()[:3]
    )


@contextmanager
def aws_call(action: str) -> Iterator[None]:
    """Run boto3 calls, re-raising whatever fails as a typed AwsError."""
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise translate(error, action) from error
    except ValidationError as error:  # the answer, read into a model inside the block
        raise UnreadableAnswerError(
            f"{_asked(action)}: AWS answered with what schedtui cannot read "
            f"({_words(validation_problems(error))})",
            code="UnreadableAnswer",
        ) from error
    except AwsError:
        raise  # typed already (a nested aws_call)
    except Exception as error:
        # botocore lets some failures out untyped: a credential_process that prints garbage
        # (JSONDecodeError, TypeError, "still expired"), a date in an answer outside
        # Python's range (ValueError, OverflowError). Where they were raised says which.
        if _raised_in(error, "botocore.credentials", "botocore.auth"):
            raise CredentialsMissingError(
                f"{_asked(action)}: could not obtain credentials ({type(error).__name__}: "
                f"{_words(str(error))}); check the profile's credential source",
                code=type(error).__name__,
            ) from error
        if _raised_in(error, "botocore.parsers", "schedtui.aws.session"):
            raise UnreadableAnswerError(
                f"{_asked(action)}: AWS answered with what schedtui cannot read "
                f"({type(error).__name__}: {_words(str(error))})",
                code="UnreadableAnswer",
            ) from error
        raise


def _raised_in(error: BaseException, *modules: str) -> bool:
    """Whether ``error`` passed through code of one of ``modules`` on its way up."""
    trace = error.__traceback__
    while trace is not None:
        if str(trace.tb_frame.f_globals.get("__name__", "")).startswith(modules):
            return True
        trace = trace.tb_next
    return False
