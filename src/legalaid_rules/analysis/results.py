"""What the analysis reports: findings with their witnesses, and a pack's report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from legalaid_rules.analysis.witness import Decided

__all__ = ["Finding", "Report"]


@dataclass(frozen=True)
class Finding:
    """One thing the solver found, with a witness decided by ``evaluate`` where one exists."""

    kind: str
    severity: str  # error | warning | info
    zh: str
    en: str
    rule: str | None = None
    witness: dict[str, Any] | None = None
    decision: Decided | None = None
    other: dict[str, Any] | None = None  # a second witness or decision (the compared side)
    confirmed: bool = True

    def as_json(self) -> dict[str, Any]:
        """Plain data for the JSON report."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "severity": self.severity,
            "rule": self.rule,
            "zh": self.zh,
            "en": self.en,
            "confirmed": self.confirmed,
        }
        if self.witness is not None:
            out["witness"] = self.witness
        if self.decision is not None:
            out["decision"] = self.decision.as_json()
        if self.other is not None:
            out["other"] = self.other
        return out


@dataclass
class Report:
    """Every finding on one pack, in a stable order."""

    pack: str
    version: str
    date: dt.date | None
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Finding]:
        """The findings of the error classes."""
        return [f for f in self.findings if f.severity == "error"]

    def as_json(self) -> dict[str, Any]:
        """Plain data for the JSON report."""
        return {
            "pack": self.pack,
            "version": self.version,
            "date": self.date.isoformat() if self.date else None,
            "errors": len(self.errors),
            "findings": [f.as_json() for f in self.findings],
        }
