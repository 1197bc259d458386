"""Fixtures for the UI tests: moto over HTTP seeded like the demo, and an app factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from schedtui.aws.backend import Backend
from schedtui.aws.session import AwsSettings
from schedtui.demo.seed import seed_demo
from schedtui.ui.app import AppOptions, SchedtuiApp
from tests.ui.test_app import FIXED


@pytest.fixture
def settings(moto_endpoint: str) -> AwsSettings:
    seed_demo(moto_endpoint, now=FIXED)
    return AwsSettings(region="us-east-1", endpoint_url=moto_endpoint, max_attempts=2)


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., SchedtuiApp]:
    def make(settings: AwsSettings, **options: Any) -> SchedtuiApp:
        backend = Backend.connect(settings, audit_path=tmp_path / "audit.jsonl")
        chosen: dict[str, Any] = {"refresh_seconds": 0, "clock": lambda: FIXED, **options}
        return SchedtuiApp(backend, AppOptions(**chosen))

    return make
