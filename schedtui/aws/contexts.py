"""The AWS contexts an operator can switch to in the app, and the check a new one passes
before the app takes it (the UI side is ``ui/context_switch.py``).

- Profiles: botocore's, from the AWS config and credentials files (``AWS_CONFIG_FILE`` /
  ``AWS_SHARED_CREDENTIALS_FILE`` honoured), as ``aws configure list-profiles`` lists them.
- Regions: where Scheduler exists in the current region's partition, from botocore's bundled
  endpoint data: no network.
- ``open_context``: the preflight checks, then GetCallerIdentity and ListScheduleGroups with
  the new credentials. Any failure is one line with the reason; nothing of the context in
  use is touched, so it goes on working.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from schedtui.aws.backend import Backend
from schedtui.aws.definitions_db import DefinitionsDb
from schedtui.aws.errors import AwsError, login_profile, remember_profile
from schedtui.aws.preflight import PreflightError, preflight
from schedtui.aws.session import AwsSettings, CallerIdentity
from schedtui.core.schedules.group import ScheduleGroup


class ContextFailed(Exception):
    """One line: why the context cannot be used (credentials, region, endpoint, access)."""


def profile_names() -> list[str]:
    """The profiles of the AWS config and credentials files, sorted."""
    import botocore.session
    from botocore.exceptions import ConfigParseError

    try:
        return sorted(botocore.session.Session().available_profiles)
    except ConfigParseError as error:
        raise ContextFailed(f"the AWS config cannot be read: {error}") from None


def scheduler_regions(current: str | None) -> list[str]:
    """The regions where EventBridge Scheduler exists, in the partition of ``current``
    (aws when it is unknown): a switch never crosses partitions, whose credentials differ."""
    return list(_regions(current))


@cache  # botocore's endpoint data is the same for the whole run; reading it takes a while
def _regions(current: str | None) -> tuple[str, ...]:
    import botocore.session
    from botocore.exceptions import UnknownRegionError

    session = botocore.session.Session()
    try:
        partition = session.get_partition_for_region(current) if current else "aws"
    except UnknownRegionError:
        partition = "aws"
    return tuple(sorted(session.get_available_regions("scheduler", partition_name=partition)))


def next_settings(
    current: AwsSettings,
    *,
    profile: str | None = None,
    region: str | None = None,
    read_only: bool,
) -> AwsSettings:
    """The settings of the context a switch asks for. A profile comes with its own region and
    endpoint, as ``--profile NAME`` alone would (an ``--endpoint-url`` given at the start
    belonged to the profile left: the new profile's credentials never go to it); a region
    keeps the profile and its endpoint."""
    if profile is not None:
        return replace(
            current, profile=profile, region=region, endpoint_url=None, read_only=read_only
        )
    return replace(current, region=region, read_only=read_only)


@dataclass(frozen=True)
class OpenedContext:
    """A context that answered: its backend, ready for the app, and what the check learnt."""

    backend: Backend
    identity: CallerIdentity
    region: str
    endpoint: str | None  # not AWS's own: the header shows it
    groups: list[ScheduleGroup]


def open_context(
    settings: AwsSettings, *, audit_path: Path, definitions: DefinitionsDb | None = None
) -> OpenedContext:
    """Check ``settings`` and connect (network: call it off the UI thread). Raises
    ContextFailed with the reason; the context in use is left as it was. ``definitions``:
    the run's definitions cache file, shared by every context (its entries are keyed by
    account and region)."""
    previous = login_profile()
    try:
        checked = preflight(settings)
        backend = Backend.connect(checked, audit_path=audit_path, definitions=definitions)
        identity = backend.clients.caller_identity()
        groups = backend.scheduler.list_groups()
        clients = backend.clients
        return OpenedContext(backend, identity, clients.region, clients.endpoint_overridden, groups)
    except (PreflightError, AwsError) as error:
        remember_profile(previous)  # the login fix named in errors stays the current profile's
        raise ContextFailed(str(error)) from None
