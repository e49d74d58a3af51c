"""The examples in docs/caseload.md and in the ledger's docstrings run as written."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "caseload.md"


def test_docs_examples_run() -> None:
    result = doctest.testfile(str(DOC), module_relative=False, verbose=False)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("name", ["legalaid_rules.caseload", "legalaid_rules.caseload.cap"])
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), verbose=False)
    assert result.attempted > 0 and result.failed == 0
