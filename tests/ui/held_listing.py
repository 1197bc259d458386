"""Holding the app's first listing back: the screens an operator opens while the account is
still being listed (the fleet doctor, the cleanup, the timeline) are opened while it is held,
then it is released. The real listing (moto over HTTP) runs; only its pages wait."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from schedtui.core.schedules.schedule import ScheduleSummary
from schedtui.ui.app import SchedtuiApp


def hold_listing(
    app: SchedtuiApp, monkeypatch: pytest.MonkeyPatch, first: int = 0
) -> threading.Event:
    """The listing yields its ``first`` summaries (a page of its own), then waits for the
    returned Event before the rest. Every listing is held the same way."""
    gate = threading.Event()
    scheduler = app.session.backend.scheduler
    real = scheduler.iter_schedule_pages

    def held(**kwargs: Any) -> Iterator[list[ScheduleSummary]]:
        every = [summary for page in real(**kwargs) for summary in page]
        if first:
            yield every[:first]
        assert gate.wait(20), "the test never released the listing"
        yield every[first:]

    monkeypatch.setattr(scheduler, "iter_schedule_pages", held)
    return gate


def hold_definitions(app: SchedtuiApp, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Every GetSchedule waits for the returned Event (the listing itself does not)."""
    gate = threading.Event()
    details = app.session.backend.details
    real = details._fetch_one

    def held(summary: ScheduleSummary) -> Any:
        assert gate.wait(20), "the test never released the definitions"
        return real(summary)

    monkeypatch.setattr(details, "_fetch_one", held)
    return gate
