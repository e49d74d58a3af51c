"""`legalaid-rules test --review`: expected vs actual side by side, accepted cases rewritten in place."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from legalaid_rules.cli import main

RULES = Path(__file__).resolve().parents[1] / "rules"
PLACEHOLDER = "      value: 780.00\n      basis: {source: placeholder}\n      verified: false\n"
VERIFIED = "      value: 780.00\n      basis: {source: seed002}\n"


@pytest.fixture
def verified_figure(tmp_path: Path) -> Path:
    """A copy of the rules where Anqing's 低保 figure is (as if) verified: cases lose a warning."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    pack = rules / "anhui" / "anqing" / "2023.yaml"
    text = pack.read_text(encoding="utf-8")
    assert PLACEHOLDER in text, "fixture drift: the placeholder figure changed"
    pack.write_text(text.replace(PLACEHOLDER, VERIFIED), encoding="utf-8")
    return rules / "anhui" / "anqing"


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.output


def failing(folder: Path) -> int:
    _, out = run("test", str(folder))
    return int(out.strip().splitlines()[-1].split(" failed")[0].split(", ")[-1])


def test_accept_all_takes_warnings_only_changes_and_keeps_the_file_as_written(verified_figure: Path) -> None:
    tests = verified_figure / "2023.tests.yaml"
    before = tests.read_text(encoding="utf-8")
    assert failing(verified_figure) > 5
    code, out = run("test", "--review", "--accept-all", str(verified_figure), stdin="n\n" * 50)
    # the placeholder's warning goes; any other warning of the case stays
    assert "warnings  [unverified_value, unverified_rule]  ->  [unverified_rule]" in out
    assert "accepted (warnings only)" in out
    after = tests.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed and all("warnings" in line for line in changed), changed
    # every comment, the modeline and the layout of the rest are untouched
    assert [x for x in before.splitlines() if x.lstrip().startswith("#")] == [
        x for x in after.splitlines() if x.lstrip().startswith("#")
    ]
    assert len(before.splitlines()) == len(after.splitlines())
    left = failing(verified_figure)
    assert f"{left} left failing" in out
    assert (code == 0) == (left == 0)


def test_review_asks_case_by_case(verified_figure: Path) -> None:
    first_count = failing(verified_figure)
    code, out = run("test", "--review", str(verified_figure), stdin="y\n" + "n\n" * 50)
    assert code == 1
    assert out.count("accept the actual result as the new expectation? [y/N]") == first_count
    assert f"1 case(s) accepted, {first_count - 1} left failing" in out
    assert failing(verified_figure) == first_count - 1


def test_review_of_a_passing_run_changes_nothing(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    before = (rules / "anhui" / "anqing" / "2023.tests.yaml").read_bytes()
    code, out = run("test", "--review", str(rules / "anhui" / "anqing"))
    assert code == 0 and "0 case(s) accepted, 0 left failing" in out
    assert (rules / "anhui" / "anqing" / "2023.tests.yaml").read_bytes() == before
