"""`:cleanup` against moto over HTTP, seeded like the demo (at FIXED it holds exactly one
completed schedule and one expired one, both in `orders`): the candidates, the export
written before any delete, the typed confirmation, read-only, the audit log, lost answers."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from schedtui.aws.session import AwsSettings
from schedtui.demo.seed import seed_demo
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.commands import run_command
from schedtui.ui.screens import cleanup as cleanup_screen
from schedtui.ui.screens.cleanup import CleanupScreen
from schedtui.ui.screens.dialogs import MessageScreen, TypedConfirmScreen
from tests.aws.lossy_proxy import LossyProxy
from tests.ui.test_app import FIXED, SIZE, loaded, scheduler, static_text, wait_for
from tests.ui.test_delete_and_groups import audit, confirm_button, exists, type_confirmation
from tests.ui.test_snapshots import SnapCompare, app, steady

__all__ = ["app"]  # the snapshot's fixture: the demo with its clock and endpoint fixed

GROUP = "orders"
COMPLETED = "black-friday-capacity-prewarm"
EXPIRED = "spring-sale-price-sync"
EXPORT = "cleanup-20261129T160000Z.json"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The state directory the export goes to (core/paths.py reads XDG_STATE_HOME)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state" / "schedtui"


async def open_cleanup(pilot: Pilot[None], line: str = "cleanup") -> CleanupScreen:
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    await loaded(pilot)
    run_command(app, line)
    await wait_for(pilot, lambda: isinstance(app.screen, CleanupScreen) and not app.screen.scanning)
    screen = app.screen
    assert isinstance(screen, CleanupScreen)
    return screen


def rows(screen: CleanupScreen) -> list[tuple[str, str]]:
    """(reason, group/name) of each row, top to bottom."""
    table = screen.table
    return [(row.cells[0], row.cells[1]) for row in (table.rows[i] for i in range(table.row_count))]


async def delete_marked(pilot: Pilot[None], phrase: str) -> None:
    app = pilot.app
    await pilot.press("ctrl+d")
    await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
    await type_confirmation(pilot, phrase)
    await pilot.press("enter")


async def test_lists_completed_and_expired_and_says_what_was_not_checked(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], state: Path
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot)
        assert rows(screen) == [
            ("completed", f"{GROUP}/{COMPLETED}"),
            ("expired", f"{GROUP}/{EXPIRED}"),
        ]
        progress = static_text(app, "#progress")
        assert f"{len(app.session.store):,} schedules read" in progress
        assert "target checks need the doctor" in progress
        assert "2 candidates" in static_text(app, "#status")
        # One group: its own schedules only; a group that does not exist is said so.
        screen = await open_cleanup(pilot, "cleanup batch-jobs-group")
        assert rows(screen) == []
        assert "nothing completed, expired or without its target" in static_text(app, "#status")
        run_command(app, "cleanup no-such-group")
        await pilot.pause()
        assert isinstance(app.screen, CleanupScreen)
        assert app.screen.group == "batch-jobs-group"


async def test_the_export_is_written_before_the_first_delete_and_holds_each_one(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = scheduler(settings)
    present_at_export: list[bool] = []
    real_write = cleanup_screen.write_export

    def write_export(document: dict[str, Any], now: Any) -> Path:
        present_at_export.extend(exists(client, GROUP, n) for n in (COMPLETED, EXPIRED))
        return real_write(document, now)

    monkeypatch.setattr(cleanup_screen, "write_export", write_export)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot, "cleanup orders")
        await pilot.press("a")  # mark every candidate
        assert len(screen.table.marks) == 2
        assert "2 marked" in static_text(app, "#status")
        await delete_marked(pilot, "delete 2 schedules")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
        assert "2 of 2 deleted" in static_text(app, ".title")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CleanupScreen) and rows(screen) == [])
    assert present_at_export == [True, True]  # nothing was deleted when the file was written
    assert not exists(client, GROUP, COMPLETED)
    assert not exists(client, GROUP, EXPIRED)
    path = state / EXPORT
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    document = json.loads(path.read_text())
    entries = {e["request"]["Name"]: e for e in document["schedules"]}
    assert {name: e["reason"] for name, e in entries.items()} == {
        COMPLETED: "completed",
        EXPIRED: "expired",
    }
    # Each request re-creates its schedule: sent back to moto as it is, it holds what was
    # deleted (AWS would refuse the expired one's old StartDate; the file says so).
    completed = entries[COMPLETED]["request"]
    assert completed["ScheduleExpressionTimezone"] == "America/New_York"
    assert completed["ActionAfterCompletion"] == "NONE"
    client.create_schedule(**completed)
    again = client.get_schedule(GroupName=GROUP, Name=COMPLETED)
    assert again["Target"]["Input"] == completed["Target"]["Input"]
    assert "StartDate" in document["recreate"]
    assert [(e["action"], e["outcome"]) for e in audit(app)] == [
        (f"DeleteSchedule {GROUP}/{COMPLETED}", "applied"),
        (f"DeleteSchedule {GROUP}/{EXPIRED}", "applied"),
    ]


async def test_nothing_is_deleted_when_the_export_cannot_be_written(
    settings: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))  # the directory cannot be made
    client = scheduler(settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_cleanup(pilot)
        await pilot.press("a")
        await delete_marked(pilot, "delete 2 schedules")
        await wait_for(pilot, lambda: any("Nothing deleted" in e for e in app.session.error_log))
        [said] = [e for e in app.session.error_log if "Nothing deleted" in e]
        assert "the export could not be written" in said
        assert isinstance(app.screen, CleanupScreen)
        assert len(rows(app.screen)) == 2
    assert exists(client, GROUP, COMPLETED)
    assert exists(client, GROUP, EXPIRED)
    assert audit(app) == []


async def test_the_typed_confirmation_is_required(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], state: Path
) -> None:
    client = scheduler(settings)
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot)
        await pilot.press("a")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        body = static_text(app, "#confirm-body")
        assert "exported as a CreateSchedule request" in " ".join(body.split())
        for wrong in ("delete 1 schedules", COMPLETED, "delete 2 schedules "):
            await type_confirmation(pilot, wrong)
            assert confirm_button(app).disabled
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, TypedConfirmScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
    assert exists(client, GROUP, COMPLETED)
    assert exists(client, GROUP, EXPIRED)
    assert not state.exists() or not list(state.glob("cleanup-*.json"))
    assert audit(app) == []


async def test_read_only_refuses_the_delete_with_a_message(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp], state: Path
) -> None:
    read_only = AwsSettings(region="us-east-1", endpoint_url=settings.endpoint_url, read_only=True)
    client = scheduler(settings)
    app = make_app(read_only)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot)
        assert len(rows(screen)) == 2  # the view itself is read-only's as well
        await pilot.press("a", "ctrl+d")
        await pilot.pause(0.3)
        assert app.screen is screen
        assert any("refused" in e and "read-only" in e for e in app.session.error_log)
    assert exists(client, GROUP, COMPLETED)
    assert not state.exists() or not list(state.glob("cleanup-*.json"))
    assert audit(app) == []


@pytest.fixture
def proxy(moto_endpoint: str) -> Iterator[LossyProxy]:
    seed_demo(moto_endpoint, now=FIXED)
    with LossyProxy(moto_endpoint) as running:
        yield running


async def test_a_delete_whose_answer_is_lost_is_reported_unknown_after_a_re_read(
    proxy: LossyProxy, make_app: Callable[..., SchedtuiApp], state: Path
) -> None:
    through = AwsSettings(region="us-east-1", endpoint_url=proxy.url, max_attempts=2)
    app = make_app(through)
    async with app.run_test(size=SIZE) as pilot:
        await open_cleanup(pilot)
        proxy.spoil("DELETE", f"/schedules/{EXPIRED}", "apply-then-drop")
        await pilot.press("a")
        await delete_marked(pilot, "delete 2 schedules")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
        results = " ".join(static_text(app, "#message-body").split())
        assert f"✓ {GROUP}/{COMPLETED}" in results
        assert f"? {GROUP}/{EXPIRED}: DeleteSchedule {GROUP}/{EXPIRED}: outcome unknown" in results
        assert "it was applied" in results  # the re-read found it gone
    assert proxy.count("DELETE", f"/schedules/{EXPIRED}") == 1  # sent once, never again
    outcomes = {e["action"]: (e["outcome"], e.get("verified")) for e in audit(app)}
    assert outcomes == {
        f"DeleteSchedule {GROUP}/{COMPLETED}": ("applied", None),
        f"DeleteSchedule {GROUP}/{EXPIRED}": ("unknown", "applied"),
    }
    assert len(json.loads((state / EXPORT).read_text())["schedules"]) == 2


def test_snapshot_of_the_cleanup_screen(snap_compare: SnapCompare, app: SchedtuiApp) -> None:
    async def cleanup_marked(pilot: Pilot[None]) -> None:
        screen = await open_cleanup(pilot)
        await pilot.press("space")  # the first one marked, the cursor on the second
        await wait_for(pilot, lambda: len(screen.table.marks) == 1)

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(cleanup_marked))
