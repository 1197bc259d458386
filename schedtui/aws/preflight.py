"""Checks made before the TUI starts, on this machine only: each problem is one line that
names it and the fix, and schedtui exits 2 instead of painting a screen that cannot work.

- ``--endpoint-url`` must be an http(s) URL with a host (botocore would raise a ValueError
  with a traceback when the first client is made).
- The profile (``--profile``, else ``AWS_PROFILE``) must exist in the AWS config files.
- Retry settings (``AWS_RETRY_MODE`` / ``AWS_MAX_ATTEMPTS``, the profile's ``retry_mode`` /
  ``max_attempts``) must be ones botocore can use.
- A region must be known: ``--region``, ``AWS_REGION`` (the AWS CLI's variable, which
  botocore alone ignores), ``AWS_DEFAULT_REGION``, the profile's ``region``, or the instance
  metadata of an EC2 host, in that order. The one found is put in the settings, so the
  header and every client agree on it. It must be a region name (botocore's rule; it
  would raise a traceback when the first client is made).

Missing or expired credentials are not checked here: the operator may log in from another
terminal (``aws sso login``), and the app picks them up on its next refresh.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from schedtui.aws.session import AwsSettings, configured_retry, named_profile, profile_variable


class PreflightError(Exception):
    """One line: what is wrong and how to fix it."""


def _check_endpoint(url: str, origin: str = "--endpoint-url") -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PreflightError(
            f"{origin}: '{url}' is not an http(s) URL with a host, such as "
            "https://scheduler.eu-west-1.amazonaws.com or http://127.0.0.1:4566"
        )
    try:
        _ = parts.port
    except ValueError:
        raise PreflightError(f"{origin}: '{url}' has a port that is not a number") from None


def _endpoint_configured(session: Any) -> bool:
    """Whether the environment or the profile configures an endpoint at all: only then is a
    client made to resolve it (about 0.15 s, before the first paint)."""
    profile = session.get_scoped_config()
    variables = ("AWS_ENDPOINT_URL_SCHEDULER", "AWS_ENDPOINT_URL")
    return any(os.environ.get(v) for v in variables) or any(
        key in profile for key in ("endpoint_url", "services")
    )


def _check_configured_endpoint(session: Any, region: str) -> None:
    """The endpoint botocore resolves from the environment or the profile (AWS_ENDPOINT_URL*,
    endpoint_url, a services section), checked like --endpoint-url: a bad one raised a
    ValueError when the first request was signed. Dummy keys: no credential lookup here."""
    origin = "the configured endpoint (AWS_ENDPOINT_URL_SCHEDULER, AWS_ENDPOINT_URL or the profile)"
    try:
        client = session.create_client(
            "scheduler", region_name=region, aws_access_key_id="x", aws_secret_access_key="x"
        )
    except ValueError as error:  # botocore: "Invalid endpoint: junk"
        raise PreflightError(f"{origin}: {error}") from None
    _check_endpoint(str(client.meta.endpoint_url), origin)


def _profile_origin(settings: AwsSettings, origin: str | None) -> str:
    if settings.profile:
        return origin or f"--profile {settings.profile}"
    found = profile_variable()
    return f"{found[0]}={found[1]!r}" if found else "the default profile"


def preflight(settings: AwsSettings, *, profile_origin: str | None = None) -> AwsSettings:
    """``settings`` with the region resolved; raises PreflightError naming the problem
    (``profile_origin``: where ``settings.profile`` came from, when not ``--profile``)."""
    if settings.endpoint_url is not None:
        _check_endpoint(settings.endpoint_url)
    import botocore.session
    from botocore.exceptions import ConfigParseError, ProfileNotFound

    files = os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
    try:
        return _checked(settings, botocore.session.Session(profile=settings.profile))
    except ProfileNotFound:
        origin = _profile_origin(settings, profile_origin)
        raise PreflightError(
            f"{origin}: no such profile in {files} or the credentials file; list them with "
            "`aws configure list-profiles`"
        ) from None
    except ConfigParseError as error:
        raise PreflightError(f"the AWS config cannot be read: {error}") from None


def _checked(settings: AwsSettings, session: Any) -> AwsSettings:
    named = named_profile(settings)
    if named is not None and named not in session.available_profiles:
        from botocore.exceptions import ProfileNotFound

        raise ProfileNotFound(profile=named)
    region = (
        settings.region or os.environ.get("AWS_REGION") or session.get_config_variable("region")
    )
    if not region:
        raise PreflightError(
            "no AWS region: pass --region, set AWS_REGION, or set region in the profile "
            "(aws configure set region eu-west-1); or try schedtui --demo"
        )
    from botocore.exceptions import InvalidRegionError
    from botocore.utils import validate_region_name

    try:
        validate_region_name(str(region))  # botocore's own rule, checked when a client is made
    except InvalidRegionError:
        raise PreflightError(
            f"region {str(region)!r} is not a region name such as eu-west-1 "
            "(from --region, AWS_REGION, AWS_DEFAULT_REGION or the profile)"
        ) from None
    _check_retries(session)
    if settings.endpoint_url is None and _endpoint_configured(session):
        _check_configured_endpoint(session, str(region))
    return replace(settings, region=str(region))


_RETRY_MODES = ("legacy", "standard", "adaptive")


def _check_retries(session: Any) -> None:
    """AWS_RETRY_MODE / AWS_MAX_ATTEMPTS and the profile's retry_mode / max_attempts, as
    botocore would read them: a bad one is one line here, not a ValueError from botocore
    when the first client is made."""
    profile = session.get_scoped_config()
    attempts = configured_retry(profile, "max_attempts")
    if attempts is not None:
        where, text = attempts
        if not (text.isascii() and text.isdigit() and int(text)):
            raise PreflightError(f"{where}: {text!r} is not a whole number of attempts (1+)")
    mode = configured_retry(profile, "retry_mode")
    if mode is not None and mode[1] not in _RETRY_MODES:
        where, text = mode
        raise PreflightError(f"{where}: {text!r} is not a retry mode ({', '.join(_RETRY_MODES)})")
