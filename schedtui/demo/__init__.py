"""The embedded backend of ``schedtui --demo``: an in-process moto server and its seed data.

Nothing here is imported by ``schedtui.core`` or ``schedtui.aws``; moto itself is imported only
when a demo backend starts, so importing this package costs nothing.

- ``schedtui.demo.server.DemoBackend``: start/stop the server, returns ``AwsSettings``.
- ``schedtui.demo.seed.seed_demo``: the module guide's groups and schedules plus realistic
  variety (default, ~210 schedules) or ``size`` schedules written straight into moto.
- ``schedtui.demo.simulator.DemoSimulator``: a week of AWS/Scheduler metrics, DLQ messages and
  alarms (the ``orders`` group failing), then live datapoints; ``DemoBackend(simulate=True)``.
- ``schedtui.demo.moto_metrics``: GetMetricData for the demo's moto with CloudWatch's exact
  dimension matching, fast enough for a week of datapoints.
"""
