"""Start the TUI from parsed command-line arguments (real AWS or the embedded demo)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from contextlib import ExitStack
from dataclasses import replace
from typing import TYPE_CHECKING

from schedtui.aws.backend import Backend
from schedtui.aws.session import AwsSettings
from schedtui.ui.app import AppOptions, SchedtuiApp
from schedtui.ui.milestones import milestone, watch_collections, watch_listing
from schedtui.ui.themes import drop_empty_no_color

if TYPE_CHECKING:
    from schedtui.demo.server import DemoBackend


def run_tui(args: argparse.Namespace) -> int:
    milestone("start", pid=os.getpid())
    watch_collections()
    drop_empty_no_color()  # no-color.org: an empty NO_COLOR means unset; Textual disagrees
    with ExitStack() as stack:
        settings = AwsSettings(
            profile=args.profile,
            region=args.region,
            endpoint_url=args.endpoint_url,
            read_only=args.read_only,
        )
        demo: DemoBackend | None = None
        if args.demo:
            # The demo's moto server: never AWS, whatever profile or endpoint was given.
            from schedtui.demo.server import DemoBackend

            # The simulator derives a week of metrics from every fire time: fine for the curated
            # demo, far too slow for --demo-size 100000, which is for list-scale testing.
            simulate = args.demo_size is None
            # wait=False: the screen paints while the server seeds; its first answers wait
            # for the seeding, so the first listing is always complete.
            demo = DemoBackend(size=args.demo_size, simulate=simulate, wait=False)
            settings = replace(stack.enter_context(demo), read_only=args.read_only)
            milestone("demo-started", pid=demo.pid)
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
        # What the imports made (~50,000 objects) lives as long as the process: leave it out
        # of every full garbage collection, a pause for every thread (~35 ms less each).
        gc.freeze()
        app.run()
        if demo is not None and (failure := demo.failure()):
            # Said after the TUI has left the screen; meanwhile the app showed the endpoint
            # as unreachable.
            print(f"schedtui: the demo server stopped: {failure}", file=sys.stderr)
            return 1
    return app.return_code or 0
