"""The doctor's fact gathering (read calls only): does each schedule's role, target, DLQ and
KMS key exist, and what do the role's trust and identity policies say.

Each role, target, queue and key is read once per repository (a fleet of 10,000 schedules
shares a few roles and targets), every call goes through a per-service rate limiter
(``rate_limit.py``), and a fault (denied, throttled after retries) becomes UNKNOWN facts for
that resource only, never an exception out of ``diagnose``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from schedtui.aws.session import AwsClients
from schedtui.core.health.doctor import DoctorReport
from schedtui.core.health.resources import ScheduleFacts
from schedtui.core.schedules.schedule import Schedule


class DoctorRepository:
    def __init__(self, clients: AwsClients) -> None:
        self._clients = clients

    def facts(self, schedule: Schedule) -> ScheduleFacts:
        """What AWS holds about the schedule's resources (cached per resource)."""
        raise NotImplementedError  # helper: doctor

    def diagnose(
        self,
        schedules: Sequence[Schedule],
        now: datetime,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> DoctorReport:
        """The doctor over these schedules; ``progress(done, total)`` after each one."""
        raise NotImplementedError  # helper: doctor

    def forget(self) -> None:
        """Drop the cache (the operator asked for a fresh look)."""
        raise NotImplementedError  # helper: doctor
