"""Solver-backed pack analysis: gaps, conflicts, narrowing, semantic diffs and counterfactuals.

Needs the ``analysis`` extra (``pip install 'legalaid-rules[analysis]'``, z3-solver). Every
finding, region and counterfactual carries a concrete application decided by ``evaluate``.

>>> import datetime as dt
>>> from legalaid_rules import load_pack
>>> from legalaid_rules.analysis import analyze
>>> from legalaid_rules.analysis import CHEAP_KINDS
>>> report = analyze(load_pack("anhui/anqing", dt.date(2023, 6, 1)), kinds=CHEAP_KINDS)
>>> report.errors
[]
"""

from legalaid_rules.analysis._deps import bundled_registry as bundled
from legalaid_rules.analysis.counterfactuals import (
    Counterfactual,
    Counterfactuals,
    FactChange,
    counterfactuals,
    counterfactuals_text,
)
from legalaid_rules.analysis.diff import (
    Change,
    DiffResult,
    Impact,
    Region,
    content_changes,
    diff,
    diff_text,
    impact,
    impact_text,
    pack_from_spec,
)
from legalaid_rules.analysis.findings import CHEAP_KINDS, analyze
from legalaid_rules.analysis.results import Finding, Report
from legalaid_rules.analysis.text import report_text

__all__ = [
    "CHEAP_KINDS",
    "Change",
    "Counterfactual",
    "Counterfactuals",
    "DiffResult",
    "FactChange",
    "Finding",
    "Impact",
    "Region",
    "Report",
    "analyze",
    "bundled",
    "content_changes",
    "counterfactuals",
    "counterfactuals_text",
    "diff",
    "diff_text",
    "impact",
    "impact_text",
    "pack_from_spec",
    "report_text",
]
