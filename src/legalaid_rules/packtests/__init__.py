"""Pack tests: YAML cases beside each pack, run by ``legalaid-rules test`` and by pytest.

>>> from legalaid_rules.packtests import run_paths
>>> result = run_paths()          # every *.tests.yaml under the bundled rules root
>>> result.passed
True
"""

from legalaid_rules.packtests.coverage import PackCoverage, RuleCoverage, coverage, coverage_report
from legalaid_rules.packtests.files import LoadedTests, discover, read_tests
from legalaid_rules.packtests.model import TestCase, TestExpect, TestFile
from legalaid_rules.packtests.report import run_report
from legalaid_rules.packtests.runner import (
    CaseResult,
    FileResult,
    Mismatch,
    RunResult,
    compare,
    run_case,
    run_file,
    run_paths,
)

__all__ = [
    "CaseResult",
    "FileResult",
    "LoadedTests",
    "Mismatch",
    "PackCoverage",
    "RuleCoverage",
    "RunResult",
    "TestCase",
    "TestExpect",
    "TestFile",
    "compare",
    "coverage",
    "coverage_report",
    "discover",
    "read_tests",
    "run_case",
    "run_file",
    "run_paths",
    "run_report",
]
