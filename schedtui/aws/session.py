"""One place that makes boto3 sessions and clients: profile, region, endpoint, retries.

Configuration is the AWS CLI's, in its order: a flag (``AwsSettings``) beats the environment,
which beats the profile. The region is resolved before this (``preflight.py``: AWS_REGION
too, which botocore alone ignores). Endpoints: ``--endpoint-url``, else botocore's own
chain (``AWS_ENDPOINT_URL_SCHEDULER`` / ``AWS_ENDPOINT_URL``, the profile's ``endpoint_url``
and ``services`` section, all off under ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``). Reads
retry as ``AWS_RETRY_MODE`` / ``AWS_MAX_ATTEMPTS`` or the profile's ``retry_mode`` /
``max_attempts`` say, and only when nothing is configured as schedtui's default (adaptive,
8 attempts: throttling slows it down instead of failing). Writes never retry, whatever is
configured (see ``_client``).

Clients are created once and shared by worker threads (boto3 clients are thread-safe; the
session that makes them is not, hence the lock). boto3 is imported here, lazily, so that the
UI can paint before paying for it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from schedtui import __version__
from schedtui.aws.credentials import CredentialsLoad
from schedtui.aws.errors import ReadOnlyError, aws_call, remember_profile

if TYPE_CHECKING:
    from mypy_boto3_cloudtrail import CloudTrailClient
    from mypy_boto3_cloudwatch import CloudWatchClient
    from mypy_boto3_ecs import ECSClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_stepfunctions import SFNClient
    from mypy_boto3_sts import STSClient


@dataclass(frozen=True)
class AwsSettings:
    profile: str | None = None
    region: str | None = None
    # None: the standard AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> variables apply.
    endpoint_url: str | None = None
    read_only: bool = False
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    # None: what the environment or the profile configure, else the defaults below.
    max_attempts: int | None = None
    retry_mode: str | None = None
    max_pool_connections: int = 32


# Operation names that change something; in read-only mode no client sends one of them.
_MUTATING_PREFIXES = (
    "Create", "Update", "Delete", "Tag", "Untag", "Put", "Send", "Set", "Purge", "Change",
    "Start", "Stop", "Enable", "Disable",
)  # fmt: skip


def _refuse_mutations(model: Any, **_: Any) -> None:
    """Second line of the read-only guard, under the mutation chokepoint: even a call that
    bypassed it by mistake never leaves the machine."""
    if str(model.name).startswith(_MUTATING_PREFIXES):
        raise ReadOnlyError(
            f"{model.name}: refused, schedtui is read-only",
            code="ReadOnly",
        )


DEFAULT_RETRY_MODE = "adaptive"
DEFAULT_MAX_ATTEMPTS = 8
# Hosts of AWS's own endpoints: any other endpoint is shown in the header.
_AWS_HOSTS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov", ".sc2s.sgov.gov")


def profile_variable() -> tuple[str, str] | None:
    """The environment variable naming the profile, and its value, in botocore's order
    (AWS_DEFAULT_PROFILE before AWS_PROFILE); a variable set to "" counts, as botocore
    counts it."""
    for variable in ("AWS_DEFAULT_PROFILE", "AWS_PROFILE"):
        if variable in os.environ:
            return variable, os.environ[variable]
    return None


def named_profile(settings: AwsSettings) -> str | None:
    """The profile the flag or the environment names (possibly ""), None when neither does."""
    found = profile_variable()
    return settings.profile or (found[1] if found else None)


def effective_profile(settings: AwsSettings) -> str:
    """The profile in use, wherever it came from: the flag, the environment, or "default"."""
    return named_profile(settings) or "default"


def configured_retry(profile: Mapping[str, Any], name: str) -> tuple[str, str] | None:
    """Where a retry setting is configured and its text, as botocore reads it: the
    environment (``AWS_RETRY_MODE`` / ``AWS_MAX_ATTEMPTS``) beats the profile's ``name``.
    None when neither sets it (botocore's own get_config_variable would answer its default).
    """
    variable = "AWS_" + name.upper()
    for origin, value in ((variable, os.environ.get(variable)), (name, profile.get(name))):
        if value is not None and value != "":
            return (origin if origin == variable else f"the profile's {name}"), str(value)
    return None


@dataclass(frozen=True)
class CallerIdentity:
    account: str
    arn: str


def parse_timestamp_utc(value: Any) -> datetime:
    """A timestamp from a response, aware, in UTC (the shared ``datetime.UTC``).

    botocore's own parser gives each epoch-number timestamp (every date Scheduler returns) a
    new dateutil ``tzlocal()`` instance, ~500 bytes, which lives as long as the datetime: at
    100,000 schedules the dates kept by the list's rows and the definitions' digests held
    ~150 MB of them. Same instants, one shared zone.
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            pass  # out of the platform's range: botocore's parser has a fallback for it
    from botocore.utils import parse_timestamp

    parsed: datetime = parse_timestamp(value)
    return parsed.astimezone(UTC)


class AwsClients:
    """The shared clients of one profile and region."""

    def __init__(self, settings: AwsSettings) -> None:
        self.settings = settings
        profile = effective_profile(settings)
        remember_profile(None if profile == "default" else profile)
        self._lock = threading.Lock()
        self._session: Any = None
        self._credentials: CredentialsLoad | None = None
        self._clients: dict[tuple[str, bool], Any] = {}
        self._identity: CallerIdentity | None = None

    def _client(self, service: str, *, for_writes: bool = False) -> Any:
        with self._lock:
            key = (service, for_writes)
            if key not in self._clients:
                import boto3
                from botocore.config import Config

                if self._session is None:
                    import botocore.session

                    core = botocore.session.get_session()
                    parsers = core.get_component("response_parser_factory")
                    parsers.set_parser_defaults(timestamp_parser=parse_timestamp_utc)
                    self._session = boto3.session.Session(
                        profile_name=self.settings.profile,
                        region_name=self.settings.region,
                        botocore_session=core,
                    )
                # Writes are sent exactly once. botocore retries a lost answer (connection
                # closed, read timeout, 5xx) on every call, and an UpdateSchedule it sends
                # again may overwrite a change made in between, or apply twice: the
                # mutation chokepoint re-reads instead and says what AWS holds.
                retries: Any = (
                    {"mode": "standard", "total_max_attempts": 1}
                    if for_writes
                    else self._read_retries()
                )
                config = Config(
                    retries=retries,
                    connect_timeout=self.settings.connect_timeout,
                    read_timeout=self.settings.read_timeout,
                    max_pool_connections=self.settings.max_pool_connections,
                    user_agent_extra=f"schedtui/{__version__}",
                )
                # Making a client loads the credentials: loaded first, with a time limit
                # (aws/credentials.py), so a credential_process that hangs is a message.
                if self._credentials is None or self._credentials.failed:
                    profile = effective_profile(self.settings)
                    self._credentials = CredentialsLoad(self._session, profile)
                with aws_call(f"connect to {service}"):
                    self._credentials.wait(f"connect to {service}")
                    client = self._session.client(
                        service, endpoint_url=self.settings.endpoint_url, config=config
                    )
                if self.settings.read_only:
                    client.meta.events.register_first("before-call", _refuse_mutations)
                self._clients[key] = client
            return self._clients[key]

    def _read_retries(self) -> dict[str, Any]:
        """Retry settings for reads: the flag's, else what botocore finds in the environment
        and the profile (left to it: a key absent here is read from there), else ours."""
        profile = self._session._session.get_scoped_config()  # the botocore session's
        retries: dict[str, Any] = {}
        if self.settings.retry_mode:
            retries["mode"] = self.settings.retry_mode
        elif configured_retry(profile, "retry_mode") is None:
            retries["mode"] = DEFAULT_RETRY_MODE
        if self.settings.max_attempts is not None:
            retries["total_max_attempts"] = self.settings.max_attempts
        elif configured_retry(profile, "max_attempts") is None:
            retries["total_max_attempts"] = DEFAULT_MAX_ATTEMPTS
        return retries

    def writer(self, service: str) -> Any:
        """The client every mutating call goes through: no automatic retries (see _client).
        Only the mutation chokepoint (mutations.py) uses it."""
        return self._client(service, for_writes=True)

    @property
    def scheduler(self) -> EventBridgeSchedulerClient:
        client: EventBridgeSchedulerClient = self._client("scheduler")
        return client

    @property
    def cloudwatch(self) -> CloudWatchClient:
        client: CloudWatchClient = self._client("cloudwatch")
        return client

    @property
    def sqs(self) -> SQSClient:
        client: SQSClient = self._client("sqs")
        return client

    @property
    def sts(self) -> STSClient:
        client: STSClient = self._client("sts")
        return client

    # The readers of what happened around a schedule (history and target runs, read only).
    @property
    def cloudtrail(self) -> CloudTrailClient:
        client: CloudTrailClient = self._client("cloudtrail")
        return client

    @property
    def logs(self) -> CloudWatchLogsClient:
        client: CloudWatchLogsClient = self._client("logs")
        return client

    @property
    def lambda_(self) -> LambdaClient:
        client: LambdaClient = self._client("lambda")
        return client

    @property
    def stepfunctions(self) -> SFNClient:
        client: SFNClient = self._client("stepfunctions")
        return client

    @property
    def ecs(self) -> ECSClient:
        client: ECSClient = self._client("ecs")
        return client

    # The doctor's readers (aws/doctor_repo.py): does the role, target, queue or key exist,
    # and what do the role's policies say. Read calls only.
    @property
    def iam(self) -> IAMClient:
        client: IAMClient = self._client("iam")
        return client

    @property
    def sns(self) -> SNSClient:
        client: SNSClient = self._client("sns")
        return client

    @property
    def events(self) -> EventBridgeClient:
        client: EventBridgeClient = self._client("events")
        return client

    @property
    def kms(self) -> KMSClient:
        client: KMSClient = self._client("kms")
        return client

    # The other templated targets' existence reads (no boto3-stubs for them are installed:
    # typed Any, each call's answer read defensively).
    @property
    def kinesis(self) -> Any:
        return self._client("kinesis")

    @property
    def firehose(self) -> Any:
        return self._client("firehose")

    @property
    def sagemaker(self) -> Any:
        return self._client("sagemaker")

    @property
    def codebuild(self) -> Any:
        return self._client("codebuild")

    @property
    def codepipeline(self) -> Any:
        return self._client("codepipeline")

    @property
    def region(self) -> str:
        return str(self.scheduler.meta.region_name)

    @property
    def endpoint_overridden(self) -> str | None:
        """The endpoint when it is not AWS's own, wherever it was configured (flag,
        environment, profile), for the header."""
        url = str(self.scheduler.meta.endpoint_url)
        host = urlsplit(url).hostname or ""
        if self.settings.endpoint_url or not host.endswith(_AWS_HOSTS):
            return url
        return None

    @property
    def known_identity(self) -> CallerIdentity | None:
        """The caller identity when it was fetched already; None, without a call, if not."""
        return self._identity

    def caller_identity(self) -> CallerIdentity:
        """Account and ARN of the caller, fetched once (the header and the audit log use it)."""
        if self._identity is None:
            with aws_call("GetCallerIdentity"):
                found = self.sts.get_caller_identity()
            self._identity = CallerIdentity(account=found["Account"], arn=found["Arn"])
        return self._identity
