"""A DLQ that does not exist is a fact about that queue ("DLQ missing"), not a failure figure
that could not be read: the list's status line names it apart, never as "failure figures
incomplete", and the detail says it of the schedule's DLQ. The demo plants one
(doctor-demo/dlq-deleted, planted.py); read from moto over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable

from schedtui.aws.dlq_repo import OTHER_REGION, queue_missing
from schedtui.aws.errors import AccessDeniedError, NotFoundError
from schedtui.aws.session import AwsSettings
from schedtui.demo import planted
from schedtui.ui.app import SchedtuiApp
from schedtui.ui.screens.detail import DetailScreen
from schedtui.ui.screens.schedules import SchedulesScreen
from tests.ui.test_app import SIZE, loaded, open_group, static_text, table, wait_for
from tests.ui.test_snapshots import failure_figures

MISSING = f"arn:aws:sqs:us-east-1:123456789012:{planted.DELETED_DLQ}"
PRESENT = f"arn:aws:sqs:us-east-1:123456789012:{planted.DOCTOR_DLQ}"


def test_only_a_queue_aws_says_does_not_exist_is_missing() -> None:
    assert queue_missing(NotFoundError("gone", code="AWS.SimpleQueueService.NonExistentQueue"))
    # Out of reach is not missing: another region, or a read that was refused.
    assert not queue_missing(NotFoundError("elsewhere", code=OTHER_REGION))
    assert not queue_missing(AccessDeniedError("denied", code="AccessDenied"))
    assert not queue_missing(None)


async def test_the_list_names_a_missing_dlq_as_such_not_as_incomplete_figures(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=(200, 36)) as pilot:
        await loaded(pilot)
        await open_group(pilot, planted.DOCTOR_GROUP)
        await failure_figures(pilot)
        figures = app.session.store.failures
        assert figures.missing_dlqs == {MISSING}
        assert figures.problems == ()
        assert MISSING not in figures.dlq_depths
        assert figures.dlq_depths[PRESENT] == 0  # the other queues keep their figures
        status = " ".join(static_text(app, "#status").split())
        assert f"DLQ missing: {planted.DELETED_DLQ}" in status
        assert "incomplete" not in status
        # Its row's DLQ MSGS cell says so; sorting by that column puts it with the unknown
        # ones (no DLQ), after every count, either way.
        shown = table(app)
        column = [c.key for c in shown.columns].index("dlq_depth")

        def cells() -> list[tuple[str, str]]:
            store = app.session.store
            return [
                (store.facts(shown.rows.key(i)).name, shown.cell_text(shown.rows[i], column))
                for i in range(shown.row_count)
            ]

        assert dict(cells())["dlq-deleted"] == "missing"
        assert dict(cells())["no-retries-no-dlq"] == "—"
        for reverse in (False, True):
            shown.sort_by("dlq_depth", reverse=reverse)
            await pilot.pause()
            texts = [text for _, text in cells()]
            counted = [text for text in texts if text.isdigit()]
            assert texts[: len(counted)] == counted
            assert sorted(texts[len(counted) :]) == ["missing", "—"]


async def test_the_detail_says_its_dlq_is_missing(
    settings: AwsSettings, make_app: Callable[..., SchedtuiApp]
) -> None:
    app = make_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await open_group(pilot, planted.DOCTOR_GROUP)
        await failure_figures(pilot)
        screen = app.screen
        assert isinstance(screen, SchedulesScreen)
        keys = [
            key
            for key in table(app).row_keys()
            if app.session.store.facts(key).name in ("dlq-deleted", "dlq-is-fifo")
        ]
        shown = {}
        for key in keys:
            assert table(app).move_to(key)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            detail = app.screen
            assert isinstance(detail, DetailScreen)
            await wait_for(pilot, lambda d=detail: d.schedule is not None)
            shown[app.session.store.facts(key).name] = " ".join(static_text(app, "#glance").split())
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, SchedulesScreen))
        assert f"{planted.DELETED_DLQ} missing: the queue does not exist" in shown["dlq-deleted"]
        assert "missing" not in shown["dlq-is-fifo"]  # an existing queue shows its depth
        assert f"{planted.FIFO_DOCTOR_DLQ} (0 messages)" in shown["dlq-is-fifo"]
