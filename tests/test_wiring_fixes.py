"""Small fixes found while wiring the pieces together: each reproduces what used to break."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_rules import ApplicationError, PackNotFoundError, Registry, evaluate, load_pack
from legalaid_rules.cli import main
from legalaid_rules.evaluation.wording import format_money
from legalaid_rules.i18n import use_language

RULES = Path(__file__).resolve().parents[1] / "rules"
DAY = dt.date(2023, 6, 1)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1E48", "1,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000.00"),
        ("1E300", "≈1.0000E+300"),
        ("1560", "1,560.00"),
        ("NaN", "NaN"),
    ],
)
def test_money_of_any_size_is_formatted(value: str, text: str) -> None:
    assert format_money(Decimal(value)) == text


@settings(max_examples=200)
@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_format_money_is_total(value: Decimal) -> None:
    assert isinstance(format_money(value), str)


@pytest.mark.parametrize("pack_id", ["a" * 300, "anhui/" + "b" * 5000])
def test_a_pack_id_too_long_for_the_file_system_is_not_found(pack_id: str) -> None:
    with pytest.raises(PackNotFoundError) as info:
        load_pack(pack_id, on=DAY, registry=Registry(RULES))
    assert info.value.hint


def test_a_pack_id_too_long_gets_a_message_on_the_command_line() -> None:
    result = CliRunner().invoke(
        main,
        ["render", "anhui/" + "x" * 4000, "--date", "2023-06-01", "--root", str(RULES)],
        catch_exceptions=False,
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "no pack" in result.output


def test_a_chinese_county_name_in_an_application_gets_its_code() -> None:
    pack = load_pack("anhui/anqing", on=DAY, registry=Registry(RULES))
    data = {"date": DAY.isoformat(), "locality": {"city": "anqing", "county": "宿松县"}}
    with use_language("en"), pytest.raises(ApplicationError) as info:
        evaluate(pack, data)
    problem = next(p for p in info.value.problems if p.location.path == "locality.county")
    assert problem.hint == "`宿松县` is written `susong` (the region code)"


def test_matters_complete_for_add_case() -> None:
    command = main.commands["caseload"]
    assert isinstance(command, click.Group)
    option = next(p for p in command.commands["add-case"].params if p.name == "matter")
    ctx = click.Context(main, obj=None)
    ctx.params["root"] = RULES
    assert [c.value for c in option.shell_complete(ctx, "support")] == ["support_payment"]


DEAD_RULE = """
  anqing.dead_on_purpose:
    zh: 一条永远不成立的规则（测试用）
    en: a rule that can never hold (test)
    when: applicant.age > 200 and applicant.age < 100
    then: {urgent: true}
    basis: {source: seed002, at: 三(三)2}
"""


def test_check_strict_runs_the_cheap_analysis_and_locates_its_findings(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    pack_file = root / "anhui" / "anqing" / "2023.yaml"
    text = pack_file.read_text(encoding="utf-8")
    marker = "\n  anqing.tiered.first_instance:\n"
    assert marker in text
    pack_file.write_text(text.replace(marker, DEAD_RULE + marker, 1), encoding="utf-8")
    line = pack_file.read_text(encoding="utf-8").splitlines().index("  anqing.dead_on_purpose:") + 1
    result = CliRunner().invoke(main, ["--lang", "en", "check", "--strict", str(root)])
    assert result.exit_code == 1, result.output
    found = [row for row in result.output.splitlines() if row.startswith("analysis: ")]
    assert len(found) == 1, result.output
    assert f"2023.yaml:{line}:3: " in found[0] and "anqing.dead_on_purpose" in found[0]
