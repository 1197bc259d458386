"""`:cleanup` against moto over HTTP: the demo, plus a group `retired` planted here with one
schedule of each reason and a healthy one (the doctor really reads each target): the
candidates, the export written before any delete, the typed confirmation, read-only, the
audit log, lost answers, and a snapshot."""

from __future__ import annotations

import json
import stat
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from textual.pilot import Pilot

from schedtui.aws.session import AwsSettings
from schedtui.core.console_urls import schedule_url
from schedtui.demo.seed import seed_demo
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.commands import run_command
from schedtui.ui.screens import cleanup as cleanup_screen
from schedtui.ui.screens.cleanup import CleanupScreen
from schedtui.ui.screens.dialogs import MessageScreen, TypedConfirmScreen
from tests.aws.lossy_proxy import LossyProxy
from tests.ui.held_listing import hold_listing
from tests.ui.test_app import FIXED, SIZE, loaded, scheduler, static_text, wait_for
from tests.ui.test_copy import stored_arn
from tests.ui.test_delete_and_groups import (
    audit,
    confirm_button,
    exists,
    notes,
    type_confirmation,
)
from tests.ui.test_snapshots import SnapCompare, app, steady

__all__ = ["app"]  # the snapshot's fixture: the demo with its clock and endpoint fixed

GROUP = "retired"
COMPLETED = "black-friday-prewarm"
EXPIRED = "spring-sale-sync"
ORPHAN = "legacy-report-feed"
HEALTHY = "nightly-export"
EXPORT = "cleanup-20261129T160000Z.json"
ROLE = "arn:aws:iam::123456789012:role/scheduler-retired"
# (reason, group/name) of the rows `:cleanup retired` lists, top to bottom.
CANDIDATES = [
    ("completed", f"{GROUP}/{COMPLETED}"),
    ("expired", f"{GROUP}/{EXPIRED}"),
    ("target gone", f"{GROUP}/{ORPHAN}"),
]


def plant(endpoint: str) -> None:
    """The group `retired`: completed (at() passed, kept), expired (EndDate passed), target
    gone (a queue that does not exist) and healthy, all sending to SQS."""
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=endpoint)
    sqs.create_queue(QueueName="retired-jobs")
    alive = "arn:aws:sqs:us-east-1:123456789012:retired-jobs"
    gone = "arn:aws:sqs:us-east-1:123456789012:legacy-report-queue"
    client = boto3.client("scheduler", region_name="us-east-1", endpoint_url=endpoint)
    client.create_schedule_group(Name=GROUP)

    def create(name: str, expression: str, queue: str, **more: Any) -> None:
        client.create_schedule(
            Name=name,
            GroupName=GROUP,
            ScheduleExpression=expression,
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": queue, "RoleArn": ROLE, "Input": f'{{"job": "{name}"}}'},
            **more,
        )

    create(COMPLETED, "at(2026-11-12T06:00:00)", alive, ScheduleExpressionTimezone=
           "America/New_York", ActionAfterCompletion="NONE")  # fmt: skip
    create(EXPIRED, "rate(15 minutes)", alive, EndDate=datetime(2026, 11, 20, tzinfo=UTC))
    create(ORPHAN, "cron(0 6 * * ? *)", gone)
    create(HEALTHY, "cron(0 2 * * ? *)", alive)


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder the export goes to: beside the session's audit log (make_app puts it in
    tmp_path; the real state directory for a real session, a temporary one for the demo).
    The state directory named by XDG_STATE_HOME must stay empty (test_*_export_*)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "elsewhere"))
    return tmp_path


@pytest.fixture
def planted(settings: AwsSettings) -> AwsSettings:
    assert settings.endpoint_url is not None
    plant(settings.endpoint_url)
    return settings


async def open_cleanup(pilot: Pilot[None], line: str = f"cleanup {GROUP}") -> CleanupScreen:
    app = pilot.app
    assert isinstance(app, SchedtuiApp)
    await loaded(pilot)
    run_command(app, line)
    await wait_for(pilot, lambda: isinstance(app.screen, CleanupScreen) and not app.screen.walking)
    screen = app.screen
    assert isinstance(screen, CleanupScreen)
    return screen


def rows(screen: CleanupScreen) -> list[tuple[str, str]]:
    """(reason, group/name) of each row, top to bottom."""
    table = screen.table
    return [(row.cells[0], row.cells[1]) for row in (table.rows[i] for i in range(table.row_count))]


def title(screen: CleanupScreen) -> str:
    return str(screen.table.border_title)


async def delete_marked(pilot: Pilot[None], phrase: str) -> None:
    app = pilot.app
    await pilot.press("ctrl+d")
    await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
    await type_confirmation(pilot, phrase)
    await pilot.press("enter")


async def test_lists_each_reason_once_and_never_the_healthy_one(
    planted: AwsSettings, make_app: Callable[..., SchedtuiApp], state: Path
) -> None:
    app = make_app(planted)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot)
        assert rows(screen) == CANDIDATES
        assert "checked 4 schedules (group retired)" in static_text(app, "#progress")
        assert "3 candidates" in title(screen)
        # The line under the table says the cursor's reason in full.
        assert "2026-11-12 11:00Z is past" in static_text(app, "#line")
        await pilot.press("end")
        assert "legacy-report-queue" in static_text(app, "#line")
        # A group that does not exist is said so, and nothing is opened.
        run_command(app, "cleanup no-such-group")
        await pilot.pause()
        assert app.screen is screen


async def test_y_and_capital_y_copy_the_cursor_rows_schedule_arn_and_console_url(
    planted: AwsSettings, make_app: Callable[..., SchedtuiApp], state: Path
) -> None:
    app = make_app(planted)
    async with app.run_test(size=SIZE) as pilot:
        await open_cleanup(pilot)
        await pilot.press("end")  # the target-gone one
        arn = stored_arn(planted, GROUP, ORPHAN)
        await pilot.press("y")
        assert app.clipboard == arn
        await pilot.press("Y")
        assert app.clipboard == schedule_url(arn, GROUP, ORPHAN)


async def test_the_walk_reads_the_targets_alone_no_role_and_still_finds_the_gone_one(
    planted: AwsSettings, make_app: Callable[..., SchedtuiApp], state: Path
) -> None:
    # The group's role does not exist: read, it would be the doctor's ROLE_MISSING; cleanup
    # never reads it (IAM's 5 calls a second were most of the walk), nor says it unchecked.
    app = make_app(planted)
    clients = app.session.backend.clients
    sent: list[str] = []  # (the app's own header asks STS who the caller is: not counted)
    for client in (clients.iam, clients.sqs, clients.kms):
        client.meta.events.register(
            "before-call", lambda model, **_: sent.append(model.service_model.service_name)
        )
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot)
        assert ("target gone", f"{GROUP}/{ORPHAN}") in rows(screen)
        assert "sqs" in sent  # the targets were read, over the wire
        assert set(sent) == {"sqs"}, sent
        shown = static_text(app, "#notes")
        assert "role" not in shown
        assert "check" not in shown


async def test_the_export_is_written_before_the_first_delete_and_holds_each_one(
    planted: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = scheduler(planted)
    names = (COMPLETED, EXPIRED, ORPHAN)
    present_at_export: list[bool] = []
    real_write = cleanup_screen.write_export

    def write_export(document: dict[str, Any], now: Any, folder: Path) -> Path:
        present_at_export.extend(exists(client, GROUP, name) for name in names)
        return real_write(document, now, folder)

    monkeypatch.setattr(cleanup_screen, "write_export", write_export)
    app = make_app(planted)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot)
        await pilot.press("a")  # mark every candidate
        assert len(screen.table.marks) == 3
        assert "3 marked" in title(screen)
        await delete_marked(pilot, "delete 3 schedules")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
        assert "3 of 3 deleted" in static_text(app, ".title")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and rows(screen) == [])
    assert present_at_export == [True, True, True]  # nothing was deleted when it was written
    assert [name for name in (*names, HEALTHY) if exists(client, GROUP, name)] == [HEALTHY]
    path = state / EXPORT
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert not (state / "elsewhere").exists()  # beside the session's audit log only
    document = json.loads(path.read_text())
    entries = {e["request"]["Name"]: e for e in document["schedules"]}
    assert {name: e["reason"] for name, e in entries.items()} == {
        COMPLETED: "completed",
        EXPIRED: "expired",
        ORPHAN: "target gone",
    }
    assert "StartDate" in document["recreate"]
    # Each request re-creates its schedule: sent back as it is, AWS holds what was deleted.
    for name, entry in entries.items():
        client.create_schedule(**entry["request"])
        again = client.get_schedule(GroupName=GROUP, Name=name)
        assert again["ScheduleExpression"] == entry["request"]["ScheduleExpression"]
        assert again["Target"]["Input"] == f'{{"job": "{name}"}}'
    assert entries[COMPLETED]["request"]["ActionAfterCompletion"] == "NONE"
    assert entries[COMPLETED]["request"]["ScheduleExpressionTimezone"] == "America/New_York"
    assert entries[EXPIRED]["request"]["EndDate"] == "2026-11-20T00:00:00+00:00"
    assert [(e["action"], e["outcome"]) for e in audit(app)] == [
        (f"DeleteSchedule {GROUP}/{name}", "applied") for name in sorted(names, key=arn_order)
    ]


def arn_order(name: str) -> str:
    """The order the marked rows are sent in: by ARN (the table's marks, sorted)."""
    return f"arn:aws:scheduler:us-east-1:123456789012:schedule/{GROUP}/{name}"


async def test_nothing_is_deleted_when_the_export_cannot_be_written(
    planted: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    client = scheduler(planted)
    app = make_app(planted)
    # The session's folder (its audit log's) cannot be made: a file stands in its place.
    monkeypatch.setattr(app.session.backend.mutations.audit, "path", blocker / "audit.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot)
        await pilot.press("a")
        await delete_marked(pilot, "delete 3 schedules")
        await wait_for(pilot, lambda: any("Nothing deleted" in e for e in app.session.error_log))
        [said] = [e for e in app.session.error_log if "Nothing deleted" in e]
        assert "the export could not be written" in said
        assert app.screen is screen
        assert len(rows(screen)) == 3
    assert all(exists(client, GROUP, name) for name in (COMPLETED, EXPIRED, ORPHAN))
    assert audit(app) == []


async def test_the_typed_confirmation_is_required(
    planted: AwsSettings, make_app: Callable[..., SchedtuiApp], state: Path
) -> None:
    client = scheduler(planted)
    app = make_app(planted)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot)
        await pilot.press("a")
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, TypedConfirmScreen))
        body = static_text(app, "#confirm-body")
        assert "exported as a CreateSchedule request" in " ".join(body.split())
        for wrong in ("delete 2 schedules", COMPLETED, "delete 3 schedules "):
            await type_confirmation(pilot, wrong)
            assert confirm_button(app).disabled
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, TypedConfirmScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
    assert all(exists(client, GROUP, name) for name in (COMPLETED, EXPIRED, ORPHAN))
    assert not state.exists() or not list(state.glob("cleanup-*.json"))
    assert audit(app) == []


async def test_read_only_refuses_the_delete_with_a_message(
    planted: AwsSettings, make_app: Callable[..., SchedtuiApp], state: Path
) -> None:
    read_only = AwsSettings(region="us-east-1", endpoint_url=planted.endpoint_url, read_only=True)
    client = scheduler(planted)
    app = make_app(read_only)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cleanup(pilot)
        assert len(rows(screen)) == 3  # looking is allowed
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
    plant(moto_endpoint)
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
        await delete_marked(pilot, "delete 3 schedules")
        await wait_for(pilot, lambda: isinstance(app.screen, MessageScreen))
        results = " ".join(static_text(app, "#message-body").split())
        assert f"✓ {GROUP}/{COMPLETED}" in results
        assert f"✓ {GROUP}/{ORPHAN}" in results
        assert f"? {GROUP}/{EXPIRED}: DeleteSchedule {GROUP}/{EXPIRED}: outcome unknown" in results
        assert "it was applied" in results  # the re-read found it gone
        assert f"✗ {GROUP}/{EXPIRED}" not in results
    assert proxy.count("DELETE", f"/schedules/{EXPIRED}") == 1  # sent once, never again
    outcomes = {e["action"]: (e["outcome"], e.get("verified")) for e in audit(app)}
    assert outcomes == {
        f"DeleteSchedule {GROUP}/{COMPLETED}": ("applied", None),
        f"DeleteSchedule {GROUP}/{ORPHAN}": ("applied", None),
        f"DeleteSchedule {GROUP}/{EXPIRED}": ("unknown", "applied"),
    }
    assert len(json.loads((state / EXPORT).read_text())["schedules"]) == 3


def test_snapshot_of_the_cleanup_screen(
    snap_compare: SnapCompare, app: SchedtuiApp, moto_endpoint: str
) -> None:
    plant(moto_endpoint)

    async def cleanup_marked(pilot: Pilot[None]) -> None:
        screen = await open_cleanup(pilot)
        await pilot.press("space")  # the first one marked, the cursor on the second
        await wait_for(pilot, lambda: len(screen.table.marks) == 1)

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(cleanup_marked))


async def test_the_title_says_checking_until_found_and_a_filter_says_what_it_unmarks(
    planted: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(planted)
    diagnose = app.session.backend.doctor.diagnose
    gate = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return diagnose(*args, **kwargs)

    app.session.backend.doctor.diagnose = slow  # type: ignore[method-assign]
    said = notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        run_command(app, f"cleanup {GROUP}")
        await wait_for(pilot, lambda: isinstance(app.screen, CleanupScreen))
        screen = app.screen
        assert isinstance(screen, CleanupScreen)
        await pilot.pause(0.2)
        assert "checking…" in title(screen)
        assert "0 candidates" not in title(screen)  # a glance must not read "nothing to do"
        gate.set()
        await wait_for(pilot, lambda: not screen.walking)
        assert "3 candidates" in title(screen)
        await pilot.press("a")
        await pilot.press("slash", *"expired")
        await pilot.pause()
        assert len(screen.table.marks) == 1
        # Said as they go (a word typed letter by letter hides rows one after the other).
        unmarked = [int(n.split()[0]) for n in said if "the filter hides" in n]
        assert sum(unmarked) == 2


async def test_opened_while_listing_it_waits_for_the_listing_then_lists_the_candidates(
    planted: AwsSettings,
    make_app: Callable[..., SchedtuiApp],
    state: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Opened before the first page: the walk took no schedule, said "0 candidates" and
    # "checked 0 schedules", and nothing walked again until r.
    app = make_app(planted)
    gate = hold_listing(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: GROUP in app.session.store.groups)  # listed first
        run_command(app, f"cleanup {GROUP}")
        await wait_for(pilot, lambda: isinstance(app.screen, CleanupScreen))
        screen = app.screen
        assert isinstance(screen, CleanupScreen)
        for _ in range(3):  # heartbeats pass: still waiting, never an answer
            await pilot.pause(0.5)
            assert "waiting for the listing…" in title(screen)
            assert "0 candidates" not in title(screen)
            progress = static_text(app, "#progress")
            assert "waiting for the listing… 0 listed so far (group retired)" in progress
            assert "checked" not in progress
        gate.set()
        await wait_for(pilot, lambda: screen.walks == 1 and not screen.walking)
        assert rows(screen) == CANDIDATES
        assert "checked 4 schedules (group retired)" in static_text(app, "#progress")
        assert "3 candidates" in title(screen)
