"""Solver-backed pack analysis: gaps, conflicts, narrowing, semantic diffs and counterfactuals.

Needs the ``analysis`` extra (``pip install 'legalaid-rules[analysis]'``, z3-solver). Every
finding, region and counterfactual carries a concrete application decided by ``evaluate``.

>>> import datetime as dt
>>> from legalaid_rules import load_pack
>>> from legalaid_rules.analysis import analyze
>>> report = analyze(load_pack("anhui/anqing", dt.date(2023, 6, 1)), kinds=["gap"])
>>> report.errors
[]
"""

from legalaid_rules.analysis._deps import bundled_registry as bundled
from legalaid_rules.analysis.findings import CHEAP_KINDS, analyze
from legalaid_rules.analysis.results import Finding, Report
from legalaid_rules.analysis.text import report_text

__all__ = ["CHEAP_KINDS", "Finding", "Report", "analyze", "bundled", "report_text"]
