"""The embedded backend of ``schedtui --demo``: an in-process moto server and its seed data.

Nothing here is imported by ``schedtui.core`` or ``schedtui.aws``; moto itself is imported only
when a demo backend starts, so importing this package costs nothing.

- ``schedtui.demo.server.DemoBackend``: start/stop the server, returns ``AwsSettings``.
- ``schedtui.demo.seed.seed_demo``: the module guide's groups and schedules plus realistic
  variety (default, ~210 schedules) or ``size`` schedules written straight into moto.
"""
