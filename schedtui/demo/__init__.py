"""The embedded backend of ``schedtui --demo``: a moto server in a child process, and its data.

Nothing here is imported by ``schedtui.core`` or ``schedtui.aws``; moto itself is imported only
when a demo backend starts, so importing this package costs nothing.

- ``schedtui.demo.server.DemoBackend``: start/stop the server process, returns ``AwsSettings``.
- ``schedtui.demo.child``: that process (``python -m schedtui.demo.child``), which runs
- ``schedtui.demo.embedded.EmbeddedDemo``: moto in the current process, seeded before it
  answers (also what tests use when they must reach moto's backend objects).
- ``schedtui.demo.seed.seed_demo``: the module guide's groups and schedules plus realistic
  variety (default, ~210 schedules) or ``size`` schedules written straight into moto.
- ``schedtui.demo.simulator.DemoSimulator``: a week of AWS/Scheduler metrics, DLQ messages and
  alarms (the ``orders`` group failing), then live datapoints; ``DemoBackend(simulate=True)``
  runs it in the child.
- ``schedtui.demo.moto_metrics``: GetMetricData for the demo's moto with CloudWatch's exact
  dimension matching, fast enough for a week of datapoints.
"""
