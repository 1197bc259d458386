"""A schedule's or group's change history: CloudTrail ``LookupEvents`` (management events of
the last 90 days) merged with this machine's audit log. Read calls only.

CONTRACT (filled in by the history work of #17): see ``core/activity/history.py``.
"""

from __future__ import annotations

from datetime import datetime

from schedtui.aws.audit import AuditLog
from schedtui.aws.session import AwsClients
from schedtui.core.activity.history import History


class HistoryRepository:
    def __init__(self, clients: AwsClients, audit: AuditLog) -> None:
        self._clients = clients
        self._audit = audit

    def schedule_history(self, group: str, name: str, *, now: datetime, days: int = 90) -> History:
        raise NotImplementedError

    def group_history(self, group: str, *, now: datetime, days: int = 90) -> History:
        raise NotImplementedError
