"""Everything the analysis needs from the rest of the library, imported in this one place.

The evaluation core is being reorganised; keeping these imports together makes following it a
one-file change. The analysis reads the syntax tree, the fact table and the resolved pack, and
confirms every finding with the public :func:`evaluate`; it never imports evaluator internals.
"""

from __future__ import annotations

from legalaid_rules.applications import Application
from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.conditions.syntax import (
    All,
    Any_,
    Arith,
    Compare,
    FactRef,
    GroupTest,
    InList,
    Listed,
    Lit,
    Node,
    Not,
    ParamRef,
    RuleRef,
    YearOf,
    walk,
)
from legalaid_rules.conditions.types import Kind
from legalaid_rules.decisions import Decision, Economic, Outcome, Truth
from legalaid_rules.errors import ApplicationError, LegalAidRulesError, Location, PackError, Problem
from legalaid_rules.evaluation import evaluate, to_application
from legalaid_rules.packs.model import Group, Matter, PackCache, Parameter, ResolvedPack, Rule
from legalaid_rules.packs.registry import Registry, bundled_registry, load_pack, read_pack_file
from legalaid_rules.values import NOT_APPLICABLE, UNKNOWN

__all__ = [
    "FACTS",
    "NOT_APPLICABLE",
    "UNKNOWN",
    "All",
    "Any_",
    "Application",
    "ApplicationError",
    "Arith",
    "Compare",
    "Decision",
    "Economic",
    "FactRef",
    "Group",
    "GroupTest",
    "InList",
    "Kind",
    "LegalAidRulesError",
    "Listed",
    "Lit",
    "Location",
    "Matter",
    "Node",
    "Not",
    "Outcome",
    "PackCache",
    "PackError",
    "ParamRef",
    "Parameter",
    "Problem",
    "Registry",
    "ResolvedPack",
    "Rule",
    "RuleRef",
    "Truth",
    "YearOf",
    "bundled_registry",
    "evaluate",
    "load_pack",
    "read_pack_file",
    "to_application",
    "walk",
]
