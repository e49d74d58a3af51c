"""Errors of the audit tools: each has a stable ``code`` and a plain message."""

from __future__ import annotations

from legalaid_rules.errors import LegalAidRulesError

__all__ = ["AuditError", "LogError", "TraceError"]


class AuditError(LegalAidRulesError):
    """Root of the audit errors: ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


class TraceError(AuditError, ValueError):
    """A trace that cannot be read, or cannot be made (e.g. a clock without a time zone)."""


class LogError(AuditError):
    """The decision log cannot be opened, read or written."""
