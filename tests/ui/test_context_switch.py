"""Switching profile and region in the app (`:profile`, `:region`, the picker).

Two moto servers stand for two accounts, each behind a recording proxy and named by a profile
of an AWS config file: moto serves a request from the account that owns its access key, so
profile ``b`` (a key of an IAM user made in account B) sees account B's schedules and
identity, profile ``a`` (a key moto does not know) the default account's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from moto.iam.models import iam_backends
from textual.command import CommandPalette
from textual.widgets import Input

from schedtui.aws.preflight import preflight
from schedtui.aws.session import AwsSettings
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.commands import completions, run_command
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import CommandPrompt, ConfirmScreen
from schedtui.ui.screens.groups import GroupsScreen
from schedtui.ui.screens.monitor import MonitorScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from tests.aws.conftest import ACCOUNT, REGION, scheduler_backend, seed
from tests.aws.lossy_proxy import LossyProxy
from tests.conftest import closed_port, threaded_moto, use_aws_config
from tests.store_rows import rows_of
from tests.ui.test_app import SIZE, loaded, on_screen, shown_names, static_text, table, wait_for
from tests.ui.test_navigation import command, recorded

ACCOUNT_B = "222222222222"
CONFIG = """
[profile a]
region = {region}
endpoint_url = {a}
aws_access_key_id = testing
aws_secret_access_key = testing

[profile b]
region = {region}
endpoint_url = {b}
aws_access_key_id = {key}
aws_secret_access_key = {secret}

[profile expired]
region = {region}
endpoint_url = {a}
credential_process = /bin/sh -c "echo 'the SSO session has expired' >&2; exit 1"

[profile down]
region = {region}
endpoint_url = http://127.0.0.1:{closed}
aws_access_key_id = testing
aws_secret_access_key = testing
"""


@pytest.fixture(scope="module")
def second_server() -> Iterator[str]:
    with threaded_moto() as endpoint:
        yield endpoint


@dataclass
class Accounts:
    a: LossyProxy  # in front of account A's server
    b: LossyProxy  # in front of account B's
    settings: AwsSettings  # profile a, as the app starts with `--profile a`


@pytest.fixture
def accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str, second_server: str
) -> Iterator[Accounts]:
    seed(2, "alpha-group", prefix="alpha")
    seed(3, "beta-group", prefix="beta", account=ACCOUNT_B)
    iam = iam_backends[ACCOUNT_B]["aws"]
    iam.create_user(region_name=REGION, user_name="operator-b")
    key = iam.create_access_key("operator-b")
    with LossyProxy(moto_endpoint, slow_seconds=1.0) as a, LossyProxy(second_server) as b:
        text = CONFIG.format(
            region=REGION,
            a=a.url,
            b=b.url,
            key=key.access_key_id,
            secret=key.secret_access_key,
            closed=closed_port(),
        )
        use_aws_config(tmp_path, monkeypatch, text)
        yield Accounts(a, b, preflight(AwsSettings(profile="a", max_attempts=2)))


def header(app: SchedtuiApp) -> str:
    return static_text(app, "StatusHeader")


def writes(proxy: LossyProxy) -> list[tuple[str, str]]:
    """Scheduler writes that reached the proxy (STS, CloudWatch and SQS all POST to /)."""
    return [
        (method, path)
        for method, path in proxy.requests
        if method in ("PUT", "POST", "DELETE", "PATCH") and path != "/"
    ]


def test_the_command_line_completes_profile_and_region_names() -> None:
    choices = {"profile": lambda: ["a", "b", "prod-admin"], "region": lambda: ["eu-west-1"]}
    assert completions("pro", [], lambda _: [], choices=choices) == ["profile "]
    assert completions("profile ", [], lambda _: [], choices=choices) == [
        "profile a",
        "profile b",
        "profile prod-admin",
    ]
    assert completions("profile PR", [], lambda _: [], choices=choices) == ["profile prod-admin"]
    assert completions("region eu", [], lambda _: [], choices=choices) == ["region eu-west-1"]
    assert completions("profile b", [], lambda _: [], choices=choices) == []  # already whole
    hostile = {"profile": lambda: ["ok", "bad\x1b[2J"]}
    assert completions("profile ", [], lambda _: [], choices=hostile) == ["profile ok"]


async def test_a_profile_switch_shows_the_other_account_and_keeps_the_view(
    accounts: Accounts, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(accounts.settings, group="alpha-group")
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert f"profile a  acct {ACCOUNT}  {REGION}" in header(app)
        assert sorted(shown_names(app)) == ["alpha-00000", "alpha-00001"]
        await pilot.press("enter")  # a schedule's detail: the switch goes back to its list
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        old_groups = app.screen_stack[1]
        said = recorded(app)
        # A dialog belongs to the context it was opened in: no switch under it (the
        # palette, unlike `:`, can be opened over a dialog).
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        run_command(app, "profile b")
        assert said[-1] == "Not switched to profile b: a dialog is open; close it first"
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))

        await pilot.press("colon", *"profile ")
        await wait_for(pilot, lambda: "profile down  profile expired" in on_screen(app))
        assert "profile b" in on_screen(app)  # the tab-completion line lists every profile
        await pilot.press("b", "enter")
        await wait_for(pilot, lambda: app.session.header.account == ACCOUNT_B)
        await loaded(pilot)

        # The same kind of view: a schedules list; the group is not in B, so all groups.
        screen = app.screen
        assert isinstance(screen, SchedulesScreen)
        assert screen.group is None
        assert sorted(shown_names(app)) == ["beta-00000", "beta-00001", "beta-00002"]
        assert any("no group alpha-group there: all groups shown" in line for line in said)
        assert f"profile b  acct {ACCOUNT_B}  {REGION}" in header(app)
        assert f"endpoint {accounts.b.url}" in header(app)
        assert app.session.header.caller_arn == f"arn:aws:iam::{ACCOUNT_B}:user/operator-b"
        # Nothing of account A is left: not in the store, not under esc.
        assert all(row.name.startswith("beta") for row in rows_of(app.session.store).values())
        assert len(app.screen_stack) == 3
        assert old_groups not in app.screen_stack
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, GroupsScreen))
        assert sorted(table(app).row_keys()) == ["beta-group", "default"]
        await pilot.press("escape")  # the bottom: the app stays
        assert isinstance(app.screen, GroupsScreen)

        # :region: the same profile elsewhere, empty there (moto keeps each region apart).
        await command(pilot, "region us-west-2")
        await wait_for(pilot, lambda: app.session.header.region == "us-west-2")
        await wait_for(pilot, lambda: app.session.store.listed and not app.sync.refreshing)
        assert isinstance(app.screen, GroupsScreen)
        assert not len(app.session.store)
        assert f"profile b  acct {ACCOUNT_B}  us-west-2" in header(app)
        assert f"No schedules in us-west-2 (account {ACCOUNT_B})" in said
        await command(pilot, "region nowhere-1")
        assert "No region “nowhere-1”." in said[-1]
        await command(pilot, "profile b")
        assert said[-1] == "Already on profile b (r refreshes it)"


async def test_a_profile_that_fails_says_why_and_the_current_one_keeps_working(
    accounts: Accounts, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(accounts.settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        session = app.session
        said = recorded(app)
        still = f" · still on profile a, account {ACCOUNT}, {REGION}"

        await command(pilot, "profile expired")  # its credential_process exits 1
        await wait_for(pilot, lambda: "not opened" in said[-1])
        assert said[-1].startswith("profile expired not opened: ")
        assert "could not obtain credentials (Error when retrieving credentials" in said[-1]
        assert "the SSO session has expired); check the profile's credential source" in said[-1]
        assert said[-1].endswith(still)
        await command(pilot, "profile down")  # nothing listens at its endpoint
        await wait_for(pilot, lambda: said[-1].startswith("profile down not opened"))
        assert "endpoint unreachable" in said[-1]
        assert said[-1].endswith(still)
        await command(pilot, "profile nosuch")
        assert said[-1] == "No profile “nosuch”."
        logged = app.session.error_log
        assert [line.split(" not opened")[0] for line in logged] == [
            "profile expired",
            "profile down",
        ]

        # Untouched: the same session, header and rows; a refresh still lists account A.
        assert app.session is session
        assert f"profile a  acct {ACCOUNT}  {REGION}" in header(app)
        listed = accounts.a.count("GET", "/schedules")
        await pilot.press("r")
        await wait_for(pilot, lambda: accounts.a.count("GET", "/schedules") > listed)
        await loaded(pilot)
        assert sorted(row.name for row in rows_of(app.session.store).values()) == [
            "alpha-00000",
            "alpha-00001",
        ]
        assert app.session.store.last_error is None

        # `:profile` alone: a picker, the current profile first and marked; pick b.
        await command(pilot, "profile")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await wait_for(pilot, lambda: "the current profile" in on_screen(app))
        lines = [line.strip() for line in on_screen(app).splitlines() if line.strip()]
        first = lines.index("the current profile") - 1
        assert lines[first : first + 4] == ["a", "the current profile", "b", "down"]
        await pilot.press("b")
        await wait_for(pilot, lambda: "expired" not in on_screen(app))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.session.header.account == ACCOUNT_B)
        await loaded(pilot)
        assert isinstance(app.screen, GroupsScreen)  # the view it was in


async def test_read_only_holds_across_switches_and_an_old_listing_never_lands(
    accounts: Accounts, make_app: Callable[..., SchedtuiApp]
) -> None:
    # Account A's first listing is answered late: the switch happens while it is in flight.
    accounts.a.spoil("GET", "/schedules", "apply-then-slow")
    # Not started read-only; profile b is read-only by the options' rule.
    app = make_app(
        accounts.settings, read_only_for=lambda profile: "b is prod" if profile == "b" else None
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: accounts.a.count("GET", "/schedules") == 1)
        assert not app.session.read_only
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MonitorScreen))
        said = recorded(app)
        await command(pilot, "profile b")
        await wait_for(pilot, lambda: app.session.header.account == ACCOUNT_B)
        await loaded(pilot)
        assert isinstance(app.screen, MonitorScreen)  # the monitor stays the monitor
        assert app.session.read_only
        assert any("read-only: b is prod" in line for line in said)  # and why
        assert f"READ-ONLY   profile b  acct {ACCOUNT_B}" in header(app)
        # Account A's answer goes out; nothing of it reaches B's store.
        await wait_for(pilot, lambda: accounts.a.answered["GET", "/schedules"] == 1)
        await loaded(pilot)
        assert sorted(row.name for row in rows_of(app.session.store).values()) == [
            "beta-00000",
            "beta-00001",
            "beta-00002",
        ]

        # A toggle, confirmed if it ever asked (no dialog: y copies the ARN): nothing is sent.
        await command(pilot, "schedules beta-group")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        await pilot.press("t", "y")
        await pilot.pause()
        assert sum("refused, schedtui is read-only" in line for line in said) == 1

        # Back to a, which the rule leaves writable: the latch keeps it read-only.
        await command(pilot, "profile a")
        await wait_for(pilot, lambda: app.session.header.account == ACCOUNT)
        await loaded(pilot)
        assert isinstance(app.screen, SchedulesScreen)
        assert app.screen.group is None
        assert app.session.read_only
        assert "READ-ONLY   profile a" in header(app)
        await pilot.press("t", "y")
        await pilot.pause()
        assert sum("refused, schedtui is read-only" in line for line in said) == 2
        assert writes(accounts.a) == []
        assert writes(accounts.b) == []
        for account in (ACCOUNT, ACCOUNT_B):
            groups = scheduler_backend(account).schedule_groups.values()
            assert {s.state for group in groups for s in group.schedules.values()} == {"ENABLED"}


async def test_a_switch_that_lands_while_a_command_is_typed_waits_for_the_line_to_close(
    accounts: Accounts, make_app: Callable[..., SchedtuiApp]
) -> None:
    # Seen in review: the switch popped the open `:` line, and the next keys typed into it
    # (`t`, `y`) reached the list: a toggle, confirmed, in the account just switched to.
    # Rapid switches also crashed the app (a prompt submitted after it had been popped).
    accounts.b.slow_seconds = 1.0
    accounts.b.spoil("GET", "/schedule-groups", "apply-then-slow")
    app = make_app(accounts.settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await command(pilot, "schedules alpha-group")
        await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        await command(pilot, "profile b")
        await pilot.press("colon")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPrompt))
        await pilot.press("t", "y")
        # The check has answered: the switch is ready, the line stays and keeps the keys.
        await wait_for(pilot, lambda: accounts.b.answered["GET", "/schedule-groups"] == 1)
        await pilot.pause(0.5)
        assert isinstance(app.screen, CommandPrompt)
        assert app.screen.query_one(Input).value == "ty"
        assert app.session.header.account == ACCOUNT
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.session.header.account == ACCOUNT_B)
        await loaded(pilot)
        assert isinstance(app.screen, SchedulesScreen)
        # Switch after switch, each typed whole: the last one asked for wins, no crash.
        for name in ("a", "b", "a"):
            await command(pilot, f"profile {name}")
        await wait_for(pilot, lambda: app.session.header.account == ACCOUNT)
        await loaded(pilot)
        assert app._exception is None
        assert writes(accounts.a) == []
        assert writes(accounts.b) == []
