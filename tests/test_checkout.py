"""Packs are tested where they are edited: inside a checkout, its `rules/`, not the installed copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalaid_rules.cli import main
from legalaid_rules.packs.checkout import checkout_rules, rules_tree
from legalaid_rules.packs.registry import bundled_root

FIXTURE = Path(__file__).parent / "fixtures" / "packtests"
PYPROJECT = (
    '[project]\nname = "legalaid-rules"\nversion = "0"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
)

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
"""


def checkout(tmp_path: Path, name: str = "legalaid-rules") -> Path:
    top = tmp_path / "clone"
    rules = top / "rules"
    shutil.copytree(FIXTURE, rules, ignore=shutil.ignore_patterns("*.md"))
    (rules / "prov" / "2022.tests.yaml").write_text(CASES, encoding="utf-8")
    (top / "pyproject.toml").write_text(PYPROJECT.replace("legalaid-rules", name), encoding="utf-8")
    (top / "docs").mkdir()
    return top


def test_a_checkout_is_found_from_any_folder_inside_it(tmp_path: Path) -> None:
    top = checkout(tmp_path)
    assert checkout_rules(top / "docs") == top / "rules"
    assert rules_tree(top).origin == "checkout"


def test_another_project_is_not_a_checkout(tmp_path: Path) -> None:
    top = checkout(tmp_path, name="someone-else")
    assert checkout_rules(top) is None
    assert rules_tree(top).root == bundled_root() and rules_tree(top).origin == "installed"


def test_bare_test_command_tests_the_edited_rules_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    top = checkout(tmp_path)
    monkeypatch.chdir(top / "docs")
    result = CliRunner().invoke(main, ["test"])
    assert result.exit_code == 0, result.output
    assert f"rules tree: {top / 'rules'} (checkout)" in result.stdout
    assert "1 passed, 0 failed" in result.stdout
    # an edit that moves the boundary fails at once, without reinstalling
    pack = top / "rules" / "prov" / "2022.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("700.00", "400.00"), encoding="utf-8")
    result = CliRunner().invoke(main, ["test"])
    assert result.exit_code == 1 and "0 passed, 1 failed" in result.stdout
    result = CliRunner().invoke(main, ["check"])
    assert f"rules tree: {top / 'rules'} (checkout)" in result.stdout


def _pytest(top: Path, env: Mapping[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v"],
        cwd=top,
        capture_output=True,
        text=True,
        check=False,
        env=dict(env),
    )
    return done.returncode, done.stdout + done.stderr


def test_pytest_in_a_checkout_runs_its_rules_with_path_ids(tmp_path: Path) -> None:
    top = checkout(tmp_path)
    tests = top / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text(
        "from legalaid_rules.packtests_pytest import bundled_pack_cases as pytest_collection_modifyitems\n"
        "from legalaid_rules.packtests_pytest import pytest_report_header\n",
        encoding="utf-8",
    )
    (tests / "test_plain.py").write_text("def test_plain():\n    assert True\n", encoding="utf-8")
    code, out = _pytest(top, os.environ)
    assert code == 0, out
    assert f"legalaid-rules pack cases: rules tree: {top / 'rules'} (checkout)" in out
    assert "rules/prov/2022.tests.yaml::below-2x PASSED" in out
    # the report's own words follow the language: Chinese when nothing chooses English
    quiet = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")}
    code, out = _pytest(top, quiet)
    assert code == 0, out
    assert f"legalaid-rules 规则包用例：规则目录：{top / 'rules'}" in out, out
