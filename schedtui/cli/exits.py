"""The scripting subcommands' exit codes, and which error earns which.

A script tells apart what retrying can fix (3: AWS or the network failed, or the schedule
moved meanwhile) from what it cannot (4: not allowed; 1: no such thing; 2: the command
itself; 70: schedtui crashed). 5: ``schedtui doctor`` found what ``--fail-on`` fails on. A
command that acts on several things exits with the worst (highest) code of them.
"""

from __future__ import annotations

from typing import Final

from schedtui.aws.errors import (
    AccessDeniedError,
    AwsError,
    CredentialsExpiredError,
    CredentialsMissingError,
    NoRegionConfiguredError,
    NotFoundError,
    OutcomeUnknownError,
    ReadOnlyError,
)
from schedtui.cli.parser import EXIT_CRASH, EXIT_USAGE

OK: Final = 0
NOT_FOUND: Final = 1
USAGE: Final = EXIT_USAGE  # 2
AWS_ERROR: Final = 3
DENIED: Final = 4
FINDINGS: Final = 5  # the doctor's findings at or above --fail-on (cli/doctor.py)
CRASH: Final = EXIT_CRASH  # 70: schedtui itself failed; cli/__init__.py main

# Not allowed, and retrying will not change that until someone acts: IAM said no, the
# credentials are missing or expired (a login is needed), or schedtui runs --read-only.
_DENIED = (AccessDeniedError, CredentialsExpiredError, CredentialsMissingError, ReadOnlyError)


class UsageError(Exception):
    """A command that cannot run as given: one line naming the flag and the rule; exit 2."""


def exit_code(error: AwsError) -> int:
    """The exit code for ``error``. A write whose answer was lost counts as done when the
    re-read found the change applied (the state asked for holds), else as an AWS error."""
    if isinstance(error, OutcomeUnknownError):
        return OK if error.applied else AWS_ERROR
    if isinstance(error, NotFoundError):
        return NOT_FOUND
    if isinstance(error, _DENIED):
        return DENIED
    if isinstance(error, NoRegionConfiguredError):
        return USAGE
    # Throttled, endpoint unreachable, timed out, a 5xx, refused as invalid, a conflict, a
    # schedule changed since it was read, members this botocore would erase.
    return AWS_ERROR
