"""legalaid-rules: Chinese legal-aid eligibility from versioned, cited YAML rule packs.

>>> import datetime as dt
>>> from legalaid_rules import load_pack, evaluate
>>> pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
>>> decision = evaluate(pack, {"date": "2023-06-01", "matter": "domestic_violence"})
>>> decision.outcome.value, decision.economic.value
('eligible', 'not_required')
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from legalaid_rules._version import __version__

if _TYPE_CHECKING:
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
        Hukou,
        Locality,
        Notifier,
        PossibleSentence,
        Urgency,
    )
    from legalaid_rules.canonical import canonical_json, digest
    from legalaid_rules.caseload import Ledger, may_assign
    from legalaid_rules.decisions import (
        Comparison,
        Decision,
        DecisionWarning,
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
    )
    from legalaid_rules.duty import DutyRecord, duty_subsidies
    from legalaid_rules.errors import (
        ApplicationError,
        ArgumentError,
        BackendUnavailableError,
        ConditionError,
        LegalAidRulesError,
        Location,
        PackError,
        PackNotFoundError,
        Problem,
    )
    from legalaid_rules.evaluation import evaluate
    from legalaid_rules.packs import PackVersion, Parameter, Registry, ResolvedPack, load_pack
    from legalaid_rules.programs import TargetProgress, account, progress
    from legalaid_rules.traces import DecisionLog, ReplayResult, TraceRecord, replay

__all__ = [
    "Applicant",
    "Application",
    "ApplicationError",
    "ArgumentError",
    "BackendUnavailableError",
    "CaseRecord",
    "Comparison",
    "ConditionError",
    "Criminal",
    "CriminalRole",
    "CriminalStage",
    "Decision",
    "DecisionLog",
    "DecisionWarning",
    "Disability",
    "DutyRecord",
    "Economic",
    "GroupClaim",
    "Household",
    "HouseholdMember",
    "Hukou",
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
    "PossibleSentence",
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

_MODULES = {
    "legalaid_rules.applications": (
        "Applicant Application CaseRecord Criminal CriminalRole CriminalStage Disability GroupClaim"
        " Household HouseholdMember Hukou Locality Notifier PossibleSentence Urgency"
    ),
    "legalaid_rules.canonical": "canonical_json digest",
    "legalaid_rules.caseload": "Ledger may_assign",
    "legalaid_rules.decisions": (
        "Comparison Decision DecisionWarning Economic MatchedMatter MissingItem Outcome PackStamp"
        " ProgramResult Reason RouteResult Step Truth"
    ),
    "legalaid_rules.duty": "DutyRecord duty_subsidies",
    "legalaid_rules.errors": (
        "ApplicationError ArgumentError BackendUnavailableError ConditionError LegalAidRulesError"
        " Location PackError PackNotFoundError Problem"
    ),
    "legalaid_rules.evaluation": "evaluate",
    "legalaid_rules.packs": "PackVersion Parameter Registry ResolvedPack load_pack",
    "legalaid_rules.programs": "TargetProgress account progress",
    "legalaid_rules.traces": "DecisionLog ReplayResult TraceRecord replay",
}
_ON_FIRST_USE = {name: module for module, names in _MODULES.items() for name in names.split()}
"""Every exported name but the version loads on first use, with its module: ``import
legalaid_rules`` builds nothing (start-up time, issue 10), and deciding never loads the trace,
case-load, duty or program modules."""


def __getattr__(name: str) -> _Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module 'legalaid_rules' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_ON_FIRST_USE))
