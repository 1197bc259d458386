"""What screens and flows work with: the session (AWS context, read-only flag, repositories,
the account's store, the clock) and ``Host``, the few things they ask of the app.

Screens and flows never import the app: they reach it through ``host(app)``, typed by the
``Host`` protocol, which keeps the import graph free of circles (ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol, cast

from textual.message import Message

from schedtui.aws.backend import Backend
from schedtui.aws.session import CallerIdentity, effective_profile
from schedtui.core.schedules.store import AccountStore
from schedtui.ui.widgets.status_header import HeaderInfo, StatusHeader


@dataclass
class AuditUnwritten(Message):
    """A write went out but its audit line could not be written (``AuditLog.on_unwritten``,
    called from the write's worker thread: a message is the thread-safe way to the app)."""

    text: str


def _no_rule(_profile: str) -> str | None:
    return None


@dataclass(frozen=True)
class AppOptions:
    """What the TUI starts with (cli/tui.py fills it from the flags, the config file and
    what was remembered)."""

    refresh_seconds: float = 30.0
    monitor_refresh_seconds: float = 60.0
    # Relative times ("in 5m") re-render, and next runs that have passed move on, this often,
    # even with the refresh off.
    clock_seconds: float = 30.0
    group: str | None = None  # deep link: open this group's schedules
    schedule: str | None = None  # deep link: GROUP/NAME
    theme: str | None = None  # asked for: --theme, else the config file's
    remembered_theme: str | None = None  # the one last chosen in the app
    # Keeps a theme chosen in the app for the next start; returns a problem line, or None.
    remember_theme: Callable[[str], str | None] | None = None
    # The lists' columns by key, in order (core/config.py); None: every column.
    schedule_columns: tuple[str, ...] | None = None
    group_columns: tuple[str, ...] | None = None
    aliases: Mapping[str, str] = field(default_factory=dict)  # the `:` line's own words
    demo: bool = False
    clock: Callable[[], datetime] | None = None  # a fixed clock for screenshots and tests
    # The operator's zone for the times of the runs and history views; None: the machine's
    # (per instant, so DST is right across a 7-day window). Fixed for screenshots and tests.
    zone: tzinfo | None = None
    notices: tuple[str, ...] = ()  # said once the screen is up (e.g. audit log narrowed)
    # Why a profile must be read-only (say a config's `prod*`), or None; asked on each
    # switch of profile or region; OR'd with the latch: a read-only session stays read-only.
    read_only_for: Callable[[str], str | None] = _no_rule
    # Keeps the context switched to for the next start (profile as named, region); returns
    # a problem line, or None.
    remember_context: Callable[[str | None, str | None], str | None] | None = None


@dataclass
class Session:
    """One operator's session against one AWS account and region."""

    backend: Backend
    options: AppOptions = field(default_factory=AppOptions)
    store: AccountStore = field(init=False)
    header: HeaderInfo = field(default_factory=HeaderInfo)
    header_state: tuple[str, str] = ("starting…", "dim")
    error_log: list[str] = field(default_factory=list)  # every error shown, oldest first

    def __post_init__(self) -> None:
        # One set of columns: the listing's rows and the definitions the backend fetches.
        self.store = AccountStore(columns=self.backend.details.columns)
        # Every definition stored (fetched by the sync, read by a detail or a form, a
        # save's answer) has its next run settled on this session's clock.
        self.backend.details.clock = self.now
        settings = self.backend.settings
        # The profile in use wherever it came from (flag, AWS_PROFILE, default); the demo's
        # fake credentials belong to no profile.
        self.header.profile = None if self.options.demo else effective_profile(settings)
        self.header.region = settings.region or "…"
        self.header.read_only = settings.read_only
        self.header.demo = self.options.demo

    def identified(self, identity: CallerIdentity, region: str, endpoint: str | None) -> None:
        """Who the credentials are and where the clients go, for the header."""
        header = self.header
        header.account, header.caller_arn = identity.account, identity.arn
        header.region, header.endpoint = region, endpoint

    @property
    def read_only(self) -> bool:
        return self.backend.settings.read_only

    def now(self) -> datetime:
        clock = self.options.clock
        return clock() if clock else datetime.now(UTC)


class Host(Protocol):
    """What screens and flows ask of the app (Textual's App API, and three of ours)."""

    session: Session
    screen_stack: list[Any]

    @property
    def screen(self) -> Any: ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...

    def pop_screen(self) -> Any: ...

    def run_worker(self, work: Any, **options: Any) -> Any: ...

    def call_from_thread(self, callback: Any, *args: Any) -> Any: ...

    def suspend(self) -> Any: ...

    def copy_to_clipboard(self, text: str) -> None: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def show_error(self, error: Exception) -> None:
        """Notify, remember in ``session.error_log`` and show in the header."""

    def changed(self) -> None:
        """A write went out: refresh now, and re-read what the screens show."""

    def refused_read_only(self, what: str) -> bool:
        """In read-only mode: say that ``what`` is refused and return True."""


def host(app: Any) -> Host:
    """The app as screens and flows see it."""
    return cast(Host, app)


def show_state(app: Any, text: str | None = None, style: str = "") -> None:
    """Say how fresh the data is in every screen's header (``text`` None: the account and
    region changed, the state line stays)."""
    session = host(app).session
    if text is not None:
        session.header_state = (text, style)
    for screen in app.screen_stack:
        for header in screen.query(StatusHeader):
            header.show(session.header, session.header_state)
