"""legalaid-rules: Chinese legal-aid eligibility from versioned, cited YAML rule packs.

>>> import datetime as dt
>>> from legalaid_rules import load_pack, evaluate
>>> pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
>>> decision = evaluate(pack, {"date": "2023-06-01", "matter": "domestic_violence"})
>>> decision.outcome.value, decision.economic.value
('eligible', 'not_required')
"""

from legalaid_rules._version import __version__
from legalaid_rules.applications import (
    Applicant,
    Application,
    CaseRecord,
    Criminal,
    CriminalRole,
    CriminalStage,
    Disability,
    GroupClaim,
    Household,
    HouseholdMember,
    Locality,
    Notifier,
    Urgency,
)
from legalaid_rules.canonical import canonical_json, digest
from legalaid_rules.caseload import Ledger, may_assign
from legalaid_rules.decisions import (
    Comparison,
    Decision,
    Economic,
    MatchedMatter,
    MissingItem,
    Outcome,
    PackStamp,
    ProgramResult,
    Reason,
    RouteResult,
    Step,
    Truth,
    Warning,
)
from legalaid_rules.duty import DutyRecord, duty_subsidies
from legalaid_rules.errors import (
    ApplicationError,
    BackendUnavailableError,
    ConditionError,
    LegalAidRulesError,
    Location,
    PackError,
    PackNotFoundError,
    Problem,
)
from legalaid_rules.evaluator import evaluate
from legalaid_rules.packs import PackVersion, Parameter, Registry, ResolvedPack, load_pack
from legalaid_rules.programs import TargetProgress, account, progress
from legalaid_rules.traces import DecisionLog, ReplayResult, TraceRecord, replay

__all__ = [
    "Applicant",
    "Application",
    "ApplicationError",
    "BackendUnavailableError",
    "CaseRecord",
    "Comparison",
    "ConditionError",
    "Criminal",
    "CriminalRole",
    "CriminalStage",
    "Decision",
    "DecisionLog",
    "Disability",
    "DutyRecord",
    "Economic",
    "GroupClaim",
    "Household",
    "HouseholdMember",
    "Ledger",
    "LegalAidRulesError",
    "Locality",
    "Location",
    "MatchedMatter",
    "MissingItem",
    "Notifier",
    "Outcome",
    "PackError",
    "PackNotFoundError",
    "PackStamp",
    "PackVersion",
    "Parameter",
    "Problem",
    "ProgramResult",
    "Reason",
    "Registry",
    "ReplayResult",
    "ResolvedPack",
    "RouteResult",
    "Step",
    "TargetProgress",
    "TraceRecord",
    "Truth",
    "Urgency",
    "Warning",
    "__version__",
    "account",
    "canonical_json",
    "digest",
    "duty_subsidies",
    "evaluate",
    "load_pack",
    "may_assign",
    "progress",
    "replay",
]
