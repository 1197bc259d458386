"""What a schedule's target did when it fired, per target kind, over a window. Read calls only.

CONTRACT (filled in by the runs work of #17): see ``core/activity/runs.py``.
"""

from __future__ import annotations

from datetime import datetime

from schedtui.aws.dlq_repo import DlqRepository
from schedtui.aws.metrics_repo import MetricsRepository
from schedtui.aws.session import AwsClients
from schedtui.core.activity.runs import RunsReport, Window
from schedtui.core.schedules.schedule import Schedule


class RunsRepository:
    def __init__(
        self, clients: AwsClients, metrics: MetricsRepository, dlqs: DlqRepository
    ) -> None:
        self._clients = clients
        self._metrics = metrics
        self._dlqs = dlqs

    def runs(self, schedule: Schedule, window: Window, *, now: datetime) -> RunsReport:
        raise NotImplementedError
