"""pytest collection of pack tests, run in a separate pytest process on a small project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "packtests"

CASES = """\
pack: prov
cases:
  - name: below-2x
    description: 测试用：人均 1,000.00 元低于 2×700.00 元
    application:
      date: 2022-06-01
      locality: {city: city}
      matter: wages
      household: {per_capita_monthly_income: "1000.00"}
      applicant: {age: 40, fixed_income_source: true, groups: []}
    expect: {outcome: eligible, economic: passed}
  - name: exactly-2x-wrongly-eligible
    description: 测试用：故意写错的期望
    application:
      date: 2022-06-01
      locality: {city: city}
      matter: wages
      household: {per_capita_monthly_income: "1400.00"}
      applicant: {age: 40, fixed_income_source: true, groups: []}
    expect: {outcome: eligible}
"""


def project(tmp_path: Path) -> Path:
    """A project with a rules root outside tests/ and a tests/conftest.py using the hook."""
    rules = tmp_path / "rules"
    shutil.copytree(FIXTURE, rules, ignore=shutil.ignore_patterns("*.md"))
    (rules / "prov" / "2022.tests.yaml").write_text(CASES, encoding="utf-8")
    tests = tmp_path / "tests"
    tests.mkdir()
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n", encoding="utf-8")
    (tests / "conftest.py").write_text(
        "from pathlib import Path\n"
        "from legalaid_rules.packtests_pytest import pack_cases_hook\n"
        "pytest_collection_modifyitems = pack_cases_hook(Path(__file__).parents[1] / 'rules')\n",
        encoding="utf-8",
    )
    (tests / "test_plain.py").write_text("def test_plain():\n    assert 1 + 1 == 2\n", encoding="utf-8")
    return tmp_path


def pytest_run(cwd: Path, *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_whole_suite_runs_each_pack_case_once_with_readable_failures(tmp_path: Path) -> None:
    code, out = pytest_run(project(tmp_path))
    assert code == 1, out
    assert "1 failed, 2 passed" in out
    assert "outcome: expected eligible, got ineligible" in out
    assert "means_test [false]" in out  # the decision's reasons, not a traceback
    assert "Traceback" not in out


def test_chosen_file_runs_without_pack_cases(tmp_path: Path) -> None:
    code, out = pytest_run(project(tmp_path), "tests/test_plain.py")
    assert code == 0, out
    assert "1 passed" in out


def test_keyword_selection_applies_to_pack_cases(tmp_path: Path) -> None:
    code, out = pytest_run(project(tmp_path), "-k", "below")
    assert code == 0, out
    assert "1 passed, 2 deselected" in out


def test_plugin_collects_a_rules_folder_directly(tmp_path: Path) -> None:
    root = project(tmp_path)
    code, out = pytest_run(root, "-p", "legalaid_rules.packtests_pytest", "rules")
    assert code == 1, out
    assert "1 failed, 1 passed" in out
