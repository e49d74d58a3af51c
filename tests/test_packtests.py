"""The pack-test runner: passing and failing cases, located file errors, coverage, the CLI."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalaid_rules.cli import main
from legalaid_rules.decisions import ProgramResult, Truth
from legalaid_rules.packtests import (
    PackCoverage,
    coverage,
    coverage_report,
    read_tests,
    run_paths,
    run_report,
)
from legalaid_rules.packtests.model import TestCase
from legalaid_rules.packtests.runner import RunResult, compare

FIXTURE = Path(__file__).parent / "fixtures" / "packtests"

HEAD = """\
pack: prov
cases:
"""

PASSING = """\
  - name: wages-below-2x
    description: 测试用：人均 1,000.00 元低于 2×700.00 元
    application:
      date: 2022-06-01
      locality: {city: city}
      matter: wages
      household: {per_capita_monthly_income: "1000.00"}
      applicant: {age: 40, fixed_income_source: true, groups: []}
      urgency: {preservation_needed: true}
    expect:
      outcome: eligible
      economic: passed
      scope: "true"
      urgent: true
      reasons: [scope.listed, means_test, preservation.urgent]
      missing: []
      warnings: []
"""

FAILING = """\
  - name: exactly-2x-said-eligible
    description: 测试用：故意写错的期望
    application:
      date: 2022-06-01
      locality: {city: city}
      matter: wages
      household: {per_capita_monthly_income: "1400.00"}
      applicant: {age: 40, fixed_income_source: true, groups: []}
    expect:
      outcome: eligible
      economic: failed
      reasons: [scope.listed, waiver.elderly]
"""


def tree(tmp_path: Path, tests: str) -> Path:
    """A copy of the fixture packs with ``tests`` as prov's test file; returns the root."""
    root = tmp_path / "rules"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("*.md"))
    (root / "prov" / "2022.tests.yaml").write_text(tests, encoding="utf-8")
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_passing_case_passes(tmp_path: Path) -> None:
    result = run_paths([tree(tmp_path, HEAD + PASSING)])
    assert result.passed
    assert [(c.name, c.status, c.version) for c in result.cases] == [("wages-below-2x", "passed", "1")]


def test_failing_case_names_each_differing_expectation(tmp_path: Path) -> None:
    result = run_paths([tree(tmp_path, HEAD + PASSING + FAILING)])
    assert not result.passed
    failed = result.cases[1]
    assert failed.status == "failed"
    # outcome and reasons differ; economic matches (1,400.00 is not below 1,400.00)
    assert [m.key for m in failed.mismatches] == ["outcome", "reasons"]
    assert (failed.mismatches[0].expected, failed.mismatches[0].actual) == ("eligible", "ineligible")
    report = failed.report()
    assert "outcome: expected eligible, got ineligible" in report
    assert "not in the decision: waiver.elderly; not expected: means_test" in report
    assert "- means_test [false]" in report  # the decision's own reasons are shown
    assert report.startswith("FAILED ") and "2022.tests.yaml:20:5 " in report.splitlines()[0]


def test_cli_test_reports_and_exits_one_on_failure(tmp_path: Path) -> None:
    root = tree(tmp_path, HEAD + PASSING + FAILING)
    code, out = run("test", str(root))
    assert code == 1
    assert "FAILED" in out and "exactly-2x-said-eligible" in out
    assert out.rstrip().endswith("1 passed, 1 failed, 0 errors in 1 file(s)")


def test_cli_test_exits_zero_when_all_pass(tmp_path: Path) -> None:
    code, out = run("test", str(tree(tmp_path, HEAD + PASSING)))
    assert code == 0, out
    assert "1 passed, 0 failed" in out


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            HEAD + PASSING.replace("    expect:", "    expcet: {}\n    expect:"),
            ":12:5:",
            "unknown key `expcet`",
        ),
        (HEAD + PASSING.replace("      outcome: eligible", "      outcome: maybe"), ":13:16:", "`maybe`"),
        (HEAD + PASSING.replace("      scope:", "      scop:"), ":15:7:", "unknown key `scop`"),
        (HEAD + PASSING + PASSING, ":20:11:", "case name `wages-below-2x` is already used (line 3)"),
        (HEAD + PASSING.replace("description:", "descr:"), ":4:5:", "unknown key `descr`"),
        ("pack: prov\ncases:\n  - name: a\n    name: b\n", ":4:5:", "duplicate key `name`"),
        ("pack: other\ncases:\n" + PASSING, ":1:7:", "tests pack `other` but is in folder `prov`"),
    ],
    ids=["unknown-case-key", "bad-outcome", "unknown-expect-key", "same-name", "renamed", "dupe", "pack"],
)
def test_malformed_test_file_gives_located_error(tmp_path: Path, text: str, where: str, message: str) -> None:
    root = tree(tmp_path, text)
    problems = read_tests(root / "prov" / "2022.tests.yaml")
    assert isinstance(problems, list)
    shown = [str(p) for p in problems]
    assert any(where in s and message in s for s in shown), shown
    result = run_paths([root])
    assert not result.passed and result.counts()["bad_files"] == 1
    assert any(where in line for line in run_report(result))


def test_invalid_application_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = HEAD + PASSING.replace('"1000.00"', '"-5.00"')
    result = run_paths([tree(tmp_path, text)])
    case = result.cases[0]
    assert case.status == "error"
    assert ":9:" in str(case.problems[0].location)
    assert "household.per_capita_monthly_income" in case.problems[0].message


def test_date_without_pack_version_is_an_error(tmp_path: Path) -> None:
    result = run_paths([tree(tmp_path, HEAD + PASSING.replace("2022-06-01", "2023-06-01"))])
    assert result.cases[0].status == "error"
    assert "no version of pack `prov` is in force on 2023-06-01" in result.cases[0].report()


def test_coverage_finds_rules_not_seen_both_ways(tmp_path: Path) -> None:
    result: RunResult = run_paths([tree(tmp_path, HEAD + PASSING)])
    tested, untested = coverage(result)
    assert [(pc.pack, pc.version, pc.cases) for pc in tested] == [("prov", "1", 1)]
    pc = tested[0]
    assert not pc.complete
    # one case: scope.listed, means_test and preservation.urgent seen only true; waiver only false
    assert pc.never_true == ("waiver.elderly",)
    assert set(pc.not_both) == {"scope.listed", "waiver.elderly", "means_test", "preservation.urgent"}
    assert untested == [("national", "1")]


def test_coverage_complete_and_cli_exit_codes(tmp_path: Path) -> None:
    more = """\
  - name: elderly-waived-not-listed
    description: 测试用：未列入事项、老年人免予核查、无须保全
    application:
      date: 2022-06-01
      locality: {city: city}
      matter: other
      household: {per_capita_monthly_income: "1400.00"}
      applicant: {age: 60, fixed_income_source: false, groups: [{group: elderly, proof: true}]}
      urgency: {preservation_needed: false}
    expect:
      outcome: ineligible
      scope: "false"
      economic: waived
"""
    root = tree(tmp_path, HEAD + PASSING + more)
    tested, _ = coverage(run_paths([root]))
    assert tested[0].complete
    code, out = run("test", str(root), "--coverage")
    assert code == 0, out
    assert "prov 1: 4/4 rules covered, 2 cases, complete" in out
    assert "national 1: no cases (not counted)" in out

    code, out = run("test", str(tree(tmp_path / "b", HEAD + PASSING)), "--coverage")
    assert code == 1
    assert "prov 1: 0/4 rules covered, 1 cases, INCOMPLETE" in out
    assert "- waiver.elderly: never seen true (seen: false)" in out
    assert "- means_test: never seen false (seen: true)" in out


def test_program_style_expectation_must_name_a_decision_field(tmp_path: Path) -> None:
    text = HEAD + PASSING.replace("      warnings: []", "      warnings: []\n      programme: {counts: true}")
    problems = read_tests(tree(tmp_path, text) / "prov" / "2022.tests.yaml")
    assert isinstance(problems, list)
    assert "unknown key `programme`: a decision has no such result" in str(problems[0])


def test_bundled_packs_pass_their_cases() -> None:
    result = run_paths()
    assert result.files, "the bundled rules root has test files"
    assert result.passed, "\n".join(run_report(result))


def test_xfail_case_is_reported_and_xpass_fails(tmp_path: Path) -> None:
    marked = FAILING.replace("    expect:", "    xfail: 测试用：已知的引擎问题\n    expect:")
    result = run_paths([tree(tmp_path, HEAD + PASSING + marked)])
    assert result.passed
    assert result.cases[1].status == "xfailed"
    assert "1 xfailed (known engine bugs), 0 xpassed" in run_report(result)[-1]

    now_passes = PASSING.replace("wages-below-2x", "fixed").replace(
        "    expect:", "    xfail: 测试用：已修好\n    expect:"
    )
    result = run_paths([tree(tmp_path / "b", HEAD + PASSING + now_passes)])
    assert not result.passed
    assert result.cases[1].status == "xpassed"
    assert "the case now passes: remove its `xfail`" in result.cases[1].report()


def test_coverage_exception_excuses_a_rule_and_goes_stale(tmp_path: Path) -> None:
    excused = HEAD.replace("cases:", "coverage_exceptions:\n  waiver.elderly: 测试用：无法在本包测到\ncases:")
    tested, _ = coverage(run_paths([tree(tmp_path, excused + PASSING)]))
    rules = {r.rule: r for r in tested[0].rules}
    assert rules["waiver.elderly"].ok and not rules["means_test"].ok
    lines = "\n".join(coverage_report_lines(tested))
    assert "- waiver.elderly: never seen true (seen: false); excused: 测试用：无法在本包测到" in lines

    stale = HEAD.replace("cases:", "coverage_exceptions:\n  no.such_rule: 测试用\ncases:")
    tested, _ = coverage(run_paths([tree(tmp_path / "b", stale + PASSING)]))
    assert tested[0].unknown_exceptions == ("no.such_rule",)
    assert "- no.such_rule: in coverage_exceptions, but the pack has no such rule" in "\n".join(
        coverage_report_lines(tested)
    )


def coverage_report_lines(tested: list[PackCoverage]) -> list[str]:
    return coverage_report(tested, [])


def test_program_and_route_expectations_compare_by_id(tmp_path: Path) -> None:
    result = run_paths([tree(tmp_path, HEAD + PASSING)])
    decision = result.cases[0].decision
    assert decision is not None
    program = ProgramResult(
        program="huimin",
        zh="惠民工程",
        kind="惠民工程",
        counts=Truth.TRUE,
        subsidy=Decimal("1000.00"),
        rules=("window",),
        missing=(),
        basis="测试用",
        verified=True,
    )
    decided = decision.model_copy(update={"programs": (program,)})

    def case(expect: dict[str, object]) -> TestCase:
        return TestCase.model_validate(
            {"name": "c", "description": "测试用", "application": {}, "expect": expect}
        )

    assert compare(case({"programs": {"huimin": {"counts": True, "subsidy": 1000}}}), decided) == ()
    (miss,) = compare(case({"programs": {"huimin": {"subsidy": 1200}, "other": {}}}), decided)
    assert miss.key == "programs"
    assert "programs.huimin.subsidy: expected 1200, got 1000.00" in miss.detail
    assert "programs.other: the decision has no such key" in miss.detail
    (miss,) = compare(case({"routes": [{"route": "x"}]}), decided)
    assert "routes: expected [{'route': 'x'}], got []" in str(miss)


def test_bundled_packs_reach_full_rule_coverage() -> None:
    code, out = run("test", "--coverage")
    assert code == 0, out
    assert "INCOMPLETE" not in out
