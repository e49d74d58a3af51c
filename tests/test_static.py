"""The code meets its own bar: `mypy --strict` on src/ and tests/, `ruff` lint and format, doctests.

The pinned ruff and mypy versions in the ``test`` extra make these checks give the same answer
on every machine.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import legalaid_rules

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_mypy_strict_passes_on_src() -> None:
    result = _run("mypy", "--strict", "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_on_tests() -> None:
    """Tests are type-checked too, with the relaxations in pyproject's ``[[tool.mypy.overrides]]``."""
    # two conftest modules would share one module name in one run: the service's is checked apart
    service_conftest = "tests/service/conftest.py"
    for args in (("tests", "--exclude", r"tests/service/conftest\.py"), (service_conftest,)):
        result = _run("mypy", *args)
        assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_passes() -> None:
    result = _run("ruff", "check", "src", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run("ruff", "format", "--check", "src", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


MODULES = sorted(
    [legalaid_rules.__name__]
    + [m.name for m in pkgutil.walk_packages(legalaid_rules.__path__, legalaid_rules.__name__ + ".")]
)
"""Every module of the package, found by walking it (so modules added later are included)."""


@pytest.mark.parametrize("name", MODULES)
def test_doctests_in_src(name: str) -> None:
    """The examples in every module's docstrings run and give what they show."""
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS, report=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_doctests_are_found() -> None:
    """The walk above really finds the documented examples (it would pass vacuously otherwise)."""
    finder = doctest.DocTestFinder()
    documented = [
        name for name in MODULES if any(t.examples for t in finder.find(importlib.import_module(name)))
    ]
    assert {"legalaid_rules", "legalaid_rules.errors", "legalaid_rules.conditions.parser"} <= set(documented)
