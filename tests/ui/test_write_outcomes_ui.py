"""In the app: a write whose answer was lost is reported as "outcome unknown" with what AWS
holds, never as a failure or a plain success; it is sent once; a second ctrl+s waits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from schedtui.aws.session import AwsSettings
from schedtui.demo.seed import seed_demo
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.dialogs import ConfirmScreen
from schedtui.ui.screens.schedule_form import ScheduleFormScreen
from tests.aws.lossy_proxy import LossyProxy
from tests.ui.test_app import FIXED, SIZE, scheduler, static_text, wait_for
from tests.ui.test_schedule_form import form, set_field

GROUP = "batch-jobs-group"
NAME = "daily-backup-schedule"
PATH = f"/schedules/{NAME}"


@pytest.fixture
def proxy(moto_endpoint: str) -> Iterator[LossyProxy]:
    seed_demo(moto_endpoint, now=FIXED)
    with LossyProxy(moto_endpoint, slow_seconds=1.5) as running:
        yield running


@pytest.fixture
def through(proxy: LossyProxy) -> AwsSettings:
    return AwsSettings(region="us-east-1", endpoint_url=proxy.url, max_attempts=2)


async def open_detail(app: SchedtuiApp, pilot: object) -> DetailScreen:
    await wait_for(
        pilot,  # type: ignore[arg-type]
        lambda: isinstance(app.screen, DetailScreen) and app.screen.schedule is not None,
    )
    screen = app.screen
    assert isinstance(screen, DetailScreen)
    return screen


async def test_a_toggle_whose_answer_was_lost_says_unknown_then_what_aws_holds(
    proxy: LossyProxy,
    through: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    tmp_path: Path,
) -> None:
    app = make_app(through, schedule=f"{GROUP}/{NAME}")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_detail(app, pilot)
        proxy.spoil("PUT", PATH, "apply-then-drop")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(
            pilot, lambda: "State DISABLED" in " ".join(static_text(app, "#fields").split())
        )
        bodies = [str(getattr(t.render(), "plain", t.render())) for t in app.screen.query("Toast")]
        said = " ".join(" ".join(bodies).split())
        assert "outcome unknown" in said
        assert "it was applied" in said
        assert not any(
            "DISABLED" in error for error in app.session.error_log
        )  # not reported failed
    assert proxy.count("PUT", PATH) == 1
    (entry,) = app.session.backend.mutations.audit.entries()
    assert (entry["outcome"], entry["verified"]) == ("unknown", "applied")
    state = scheduler(through).get_schedule(GroupName=GROUP, Name=NAME)["State"]
    assert state == "DISABLED"


async def test_a_second_ctrl_s_while_saving_sends_nothing_more(
    proxy: LossyProxy, through: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(through, schedule=f"{GROUP}/{NAME}")
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ScheduleFormScreen))
        set_field(app, "Description", "saved exactly once")
        await pilot.pause()
        proxy.spoil("PUT", PATH, "apply-then-slow")  # the answer takes 1.5 s
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: form(app).saving is not None)
        assert "saving…" in static_text(app, "#banner")
        await pilot.press("ctrl+s")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ConfirmScreen), "a second review opened mid-save"
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), timeout=10)
    assert proxy.count("PUT", PATH) == 1
    found = scheduler(through).get_schedule(GroupName=GROUP, Name=NAME)
    assert found["Description"] == "saved exactly once"


async def test_an_applied_write_whose_audit_line_cannot_be_written_says_both(
    moto_endpoint: str, make_app: Callable[..., SchedtuiApp], tmp_path: Path
) -> None:
    seed_demo(moto_endpoint, now=FIXED)
    settings = AwsSettings(region="us-east-1", endpoint_url=moto_endpoint)
    app = make_app(settings, schedule=f"{GROUP}/{NAME}")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    app.session.backend.mutations.audit.path = blocker / "audit.jsonl"  # mkdir will fail
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_detail(app, pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: any("not recorded" in line for line in app.session.error_log))
        await wait_for(
            pilot, lambda: "State DISABLED" in " ".join(static_text(app, "#fields").split())
        )
        bodies = [str(getattr(t.render(), "plain", t.render())) for t in app.screen.query("Toast")]
        said = " ".join(" ".join(bodies).split())
        assert f"{GROUP}/{NAME} disabled" in said  # the write's outcome is still reported
        assert "UpdateSchedule" in said
        assert "was not recorded" in said
    assert scheduler(settings).get_schedule(GroupName=GROUP, Name=NAME)["State"] == "DISABLED"


async def test_an_older_read_answering_last_never_shows_over_a_newer_one(
    proxy: LossyProxy,
    through: AwsSettings,
    moto_endpoint: str,
    make_app: Callable[..., SchedtuiApp],
) -> None:
    # CI saw "State DISABLED" never come after a toggle: the read started as the dialog
    # closed (before the write) could answer after the read started once it was sent.
    app = make_app(through, schedule=f"{GROUP}/{NAME}")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_detail(app, pilot)
        before = proxy.count("GET", PATH)
        proxy.spoil("GET", PATH, "apply-then-slow")  # read while ENABLED, answer 1.5 s late
        detail.load()
        await wait_for(pilot, lambda: proxy.count("GET", PATH) > before)
        client = scheduler(AwsSettings(region="us-east-1", endpoint_url=moto_endpoint))
        held = client.get_schedule(GroupName=GROUP, Name=NAME)
        for member in ("Arn", "CreationDate", "LastModificationDate", "ResponseMetadata"):
            held.pop(member, None)
        client.update_schedule(**{**held, "State": "DISABLED"})
        detail.load()  # the newer read: DISABLED, answered at once
        await wait_for(pilot, lambda: proxy.answered[("GET", PATH)] >= before + 2)  # both
        await pilot.pause()
        assert "State DISABLED" in " ".join(static_text(app, "#fields").split())
