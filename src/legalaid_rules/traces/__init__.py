"""Audit traces: replayable decision records, the tamper-evident decision log, masking, audit.

>>> import datetime as dt
>>> from legalaid_rules import evaluate, load_pack
>>> pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
>>> app = {"date": "2023-06-01", "matter": "domestic_violence"}
>>> fixed = lambda: dt.datetime(2023, 6, 1, 9, 30, tzinfo=dt.UTC)
>>> trace = TraceRecord.from_decision(evaluate(pack, app), app, pack, clock=fixed)
>>> trace.outcome.value, replay(trace).identical
('eligible', True)
"""

from legalaid_rules.traces.audit import AuditReport, Disagreement, InvalidRecord, audit_lines
from legalaid_rules.traces.checkpoints import Checkpoint, CheckpointError
from legalaid_rules.traces.explain import explain_trace
from legalaid_rules.traces.log import GENESIS, DecisionLog, LogEntry, LogError, LogProblem, Verification
from legalaid_rules.traces.masking import PERSONAL_PATHS, MaskingError, MaskingPolicy
from legalaid_rules.traces.records import (
    SCHEMA_VERSION,
    TraceError,
    TraceRecord,
    load_trace,
    trace_schema,
)
from legalaid_rules.traces.replay import Difference, ReplayResult, ReplayStatus, replay

__all__ = [
    "GENESIS",
    "PERSONAL_PATHS",
    "SCHEMA_VERSION",
    "AuditReport",
    "Checkpoint",
    "CheckpointError",
    "DecisionLog",
    "Difference",
    "Disagreement",
    "InvalidRecord",
    "LogEntry",
    "LogError",
    "LogProblem",
    "MaskingError",
    "MaskingPolicy",
    "ReplayResult",
    "ReplayStatus",
    "TraceError",
    "TraceRecord",
    "Verification",
    "audit_lines",
    "explain_trace",
    "load_trace",
    "replay",
    "trace_schema",
]
