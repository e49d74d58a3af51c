"""Audit: replayable decision traces, a tamper-evident decision log, batch audit, masking.

>>> from legalaid_rules.audit import trace, replay, DecisionLog  # doctest: +SKIP
"""

from legalaid_rules.audit.batch import AuditReport, Disagreement, Failure, audit
from legalaid_rules.audit.errors import AuditError, LogError, TraceError
from legalaid_rules.audit.explain import trace_text
from legalaid_rules.audit.log import GENESIS, DecisionLog, LogEntry, LogProblem, Verification
from legalaid_rules.audit.masking import DEFAULT_PATHS, Masking
from legalaid_rules.audit.record import SCHEMA_VERSION, Masked, TraceRecord, load_trace, trace
from legalaid_rules.audit.replay import Difference, ReplayResult, replay

__all__ = [
    "DEFAULT_PATHS",
    "GENESIS",
    "SCHEMA_VERSION",
    "AuditError",
    "AuditReport",
    "DecisionLog",
    "Difference",
    "Disagreement",
    "Failure",
    "LogEntry",
    "LogError",
    "LogProblem",
    "Masked",
    "Masking",
    "ReplayResult",
    "TraceError",
    "TraceRecord",
    "Verification",
    "audit",
    "load_trace",
    "replay",
    "trace",
    "trace_text",
]
