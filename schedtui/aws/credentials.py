"""A session's credentials, loaded with a time limit.

botocore loads a profile's credentials when the first client is made, and runs its
``credential_process`` with no timeout (``ProcessProvider``: ``Popen(...).communicate()``).
One that never answers held the worker that made the client, every other worker waiting on
the clients' lock, and the app's exit (Python joins the worker threads at exit): the header
said "refreshing…" forever and ctrl+q left a blank, hung terminal. Here the load runs in a
daemon thread and is waited for ``TIMEOUT`` seconds; past that it is a
CredentialsMissingError naming the profile and its source, and later calls fail at once
while that same load is pending (it is not started again: the processes would pile up).
Once it ends, a failure is raised to one caller and the next call loads afresh.
"""

from __future__ import annotations

import threading
from typing import Any

from schedtui.aws.errors import CredentialsMissingError

# Seconds. A credential_process that waits for a touch, a PIN or a browser takes a few.
TIMEOUT = 30.0


class CredentialsLoad:
    """One load of ``session``'s credentials (a boto3 Session), started at once."""

    def __init__(self, session: Any, profile: str) -> None:
        self._session = session
        self._profile = profile
        self._done = threading.Event()
        self._error: BaseException | None = None
        self._overdue = False
        # A daemon: a process that never answers must not keep schedtui from exiting.
        threading.Thread(target=self._load, name="schedtui-credentials", daemon=True).start()

    def _load(self) -> None:
        try:
            self._session.get_credentials()  # botocore keeps them on the session
        except BaseException as error:  # raised in the waiting caller's thread, typed there
            self._error = error
        finally:
            self._done.set()

    @property
    def failed(self) -> bool:
        """Ended with an error (already raised to a caller): the next call loads afresh."""
        return self._done.is_set() and self._error is not None

    def wait(self, action: str) -> None:
        """Return once the credentials are loaded (or found absent: botocore says so at the
        first request); raise what the load raised, or that it did not answer in time."""
        if not self._done.wait(0 if self._overdue else TIMEOUT):
            self._overdue = True
            raise CredentialsMissingError(
                f"{action}: profile {self._profile}: {self._source()} did not answer within "
                f"{TIMEOUT:g} seconds; run it in a terminal to see why "
                f"(aws sts get-caller-identity --profile {self._profile}), then press r",
                code="CredentialsTimeout",
            )
        if self._error is not None:
            raise self._error

    def _source(self) -> str:
        """What the profile loads its credentials with, as its config names it."""
        try:
            config = self._session._session.get_scoped_config()
        except Exception:  # a profile botocore cannot read: say it generally
            return "its credential source"
        return (
            "its credential_process"
            if config.get("credential_process")
            else "its credential source"
        )
