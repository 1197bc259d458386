"""Everything the UI needs from AWS, wired once per profile and region."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schedtui.aws.audit import AuditLog
from schedtui.aws.definitions_db import DefinitionsDb
from schedtui.aws.details_cache import DetailsCache
from schedtui.aws.dlq_repo import DlqRepository
from schedtui.aws.doctor_repo import DoctorRepository
from schedtui.aws.history_repo import HistoryRepository
from schedtui.aws.metrics_repo import MetricsRepository
from schedtui.aws.mutations import Mutations
from schedtui.aws.runs_repo import RunsRepository
from schedtui.aws.scheduler_repo import SchedulerRepository
from schedtui.aws.session import AwsClients, AwsSettings


@dataclass
class Backend:
    clients: AwsClients
    scheduler: SchedulerRepository
    details: DetailsCache
    mutations: Mutations
    metrics: MetricsRepository
    dlqs: DlqRepository
    history: HistoryRepository
    runs: RunsRepository
    doctor: DoctorRepository

    @property
    def settings(self) -> AwsSettings:
        return self.clients.settings

    @property
    def files_dir(self) -> Path:
        """Where this session's files go (cleanup exports): beside its audit log, so the
        demo's go to its temporary directory, never among the operator's own."""
        return self.mutations.audit.path.parent

    @classmethod
    def connect(
        cls,
        settings: AwsSettings,
        *,
        audit_path: Path | None = None,
        definitions: DefinitionsDb | None = None,
    ) -> Backend:
        """No network here: clients are made on first use, in a worker thread.
        ``definitions``: the persistent definitions cache, None for none (``--no-cache``)."""
        clients = AwsClients(settings)
        scheduler = SchedulerRepository(clients)
        audit = AuditLog(audit_path)
        metrics = MetricsRepository(clients)
        dlqs = DlqRepository(clients)
        return cls(
            clients=clients,
            scheduler=scheduler,
            details=DetailsCache(scheduler, persistent=definitions),
            mutations=Mutations(scheduler, audit),
            metrics=metrics,
            dlqs=dlqs,
            history=HistoryRepository(clients, audit),
            runs=RunsRepository(clients, metrics, dlqs),
            doctor=DoctorRepository(clients),
        )
