"""Start the TUI from parsed command-line arguments (real AWS or the embedded demo)."""

from __future__ import annotations

import argparse
import os
from contextlib import ExitStack
from dataclasses import replace

from schedtui.aws.backend import Backend
from schedtui.aws.session import AwsSettings
from schedtui.ui.app import AppOptions, SchedtuiApp
from schedtui.ui.milestones import milestone, watch_listing
from schedtui.ui.themes import drop_empty_no_color


def run_tui(args: argparse.Namespace) -> int:
    milestone("start", pid=os.getpid())
    drop_empty_no_color()  # no-color.org: an empty NO_COLOR means unset; Textual disagrees
    with ExitStack() as stack:
        settings = AwsSettings(
            profile=args.profile,
            region=args.region,
            endpoint_url=args.endpoint_url,
            read_only=args.read_only,
        )
        if args.demo:
            # The embedded moto server: never AWS, whatever profile or endpoint was given.
            from schedtui.demo.server import DemoBackend

            # The simulator derives a week of metrics from every fire time: fine for the curated
            # demo, far too slow for --demo-size 100000, which is for list-scale testing.
            simulate = args.demo_size is None
            demo = stack.enter_context(DemoBackend(size=args.demo_size, simulate=simulate))
            settings = replace(demo, read_only=args.read_only)
            milestone("demo-started")
        backend = Backend.connect(settings)
        watch_listing(backend)
        app = SchedtuiApp(
            backend,
            AppOptions(
                refresh_seconds=args.refresh,
                monitor_refresh_seconds=args.monitor_refresh,
                group=args.group,
                schedule=args.schedule,
                theme=args.theme,
                demo=args.demo,
            ),
        )
        app.run()
    return app.return_code or 0
