"""What one service instance holds: its settings, packs, metrics, stores and readiness."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from legalaid_rules.applications import Application
from legalaid_rules.caseload import Ledger
from legalaid_rules.packs import ResolvedPack
from legalaid_rules.service.catalog import Catalog
from legalaid_rules.service.observability import Metrics
from legalaid_rules.service.problems import ServiceProblem
from legalaid_rules.service.settings import Settings
from legalaid_rules.traces import DecisionLog, MaskingPolicy

__all__ = ["ServiceState"]

_log = logging.getLogger("legalaid_rules.service")


class ServiceState:
    """Everything one app instance needs (kept on ``app.state.service``; nothing global)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.rules)
        self.metrics = Metrics()
        self.masking: MaskingPolicy | None = (
            MaskingPolicy.from_file(settings.masking) if settings.masking is not None else None
        )
        self.ready = threading.Event()
        self.warm_error: str | None = None

    # -- packs ---------------------------------------------------------------------------------

    def warm(self) -> None:
        """Read every pack and compile each version once, so the first decisions are fast."""
        try:
            for pack_id, versions in self.catalog.versions().items():
                for v in versions:
                    self.catalog.load(pack_id, v.start)
            if self.settings.ledger is not None:
                Ledger(self.settings.ledger, registry=self.catalog.registry).close_connection()
            if self.settings.log is not None:
                DecisionLog(self.settings.log, masking=self.masking).close()
        except Exception as exc:  # reported by /readyz; the service still answers what it can
            self.warm_error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            _log.error('{"event":"warm_failed","error":%s}', repr(self.warm_error))
        finally:
            self.ready.set()

    def pack_for(self, application: Application, pack_id: str | None, on: dt.date | None) -> ResolvedPack:
        """The pack that decides ``application``: by id, or by its place; in force on ``on``.

        Raises:
            PackNotFoundError, PackError, ServiceProblem: as the catalog reports them.
        """
        day = on or application.date
        if pack_id is not None:
            return self.catalog.load(pack_id, day)
        return self.catalog.for_place(application, day)

    # -- stores --------------------------------------------------------------------------------

    @contextmanager
    def ledger(self) -> Iterator[Ledger]:
        """A ledger connection for this request (a ``Ledger`` is one per thread).

        Raises:
            ServiceProblem: the deployment has no ledger configured.
        """
        if self.settings.ledger is None:
            raise ServiceProblem(
                404,
                "service.disabled",
                "this deployment has no case-load ledger (`ledger` in the configuration)",
                zh="本服务未配置案件指派台账（配置项 ledger）",
            )
        ledger = Ledger(self.settings.ledger, registry=self.catalog.registry, create=False)
        try:
            yield ledger
        finally:
            ledger.close_connection()

    def log_configured(self) -> Path:
        """The decision log's path.

        Raises:
            ServiceProblem: the deployment has no decision log configured.
        """
        if self.settings.log is None:
            raise ServiceProblem(
                404,
                "service.disabled",
                "this deployment has no decision log (`log` in the configuration)",
                zh="本服务未配置决定日志（配置项 log）",
            )
        return self.settings.log

    @contextmanager
    def log(self) -> Iterator[DecisionLog]:
        """A decision-log connection for this request.

        Raises:
            ServiceProblem: the deployment has no decision log configured.
        """
        log = DecisionLog(self.log_configured(), masking=self.masking)
        try:
            yield log
        finally:
            log.close()
