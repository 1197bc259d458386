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
  dimension matching and percentiles, fast enough for a week of datapoints.
- ``schedtui.demo.targets``: what the targets did when their schedules fired (Lambda functions,
  log groups and AWS/Lambda metrics; Step Functions executions; the last hour's ECS tasks),
  from the simulator's fires; the default demo only.
- ``schedtui.demo.trail``: the schedules' CloudTrail history, and LookupEvents (which moto
  lacks) answered by a WSGI middleware in front of moto.
- ``schedtui.demo.story``: the story those tell (an update two hours ago broke
  ``billing/fx-rates-refresh-acme-uk``), shared by the seed, the targets and the trail.
"""
