"""Reassessing granted aid (《法律援助法》第四十八条): the shipped cases, errors, the CLI, properties."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_rules import ApplicationError, PackError, Registry, load_pack
from legalaid_rules.cli import main
from legalaid_rules.decisions import Truth
from legalaid_rules.reassessment import (
    CASES_SUFFIX,
    Changes,
    ReassessmentOutcome,
    grounds_for,
    reassess,
    run_cases,
)

RULES = Path(__file__).resolve().parents[1] / "rules"
CASE_FILES = sorted(RULES.rglob(f"*{CASES_SUFFIX}"))
ANQING = load_pack("anhui/anqing", dt.date(2023, 6, 1))
GRANTED: dict[str, Any] = {
    "date": "2023-06-01",
    "locality": {"city": "anqing"},
    "matter": "support_payment",
    "household": {"per_capita_monthly_income": "1000.00"},
    "applicant": {"age": 40, "disabilities": [], "fixed_income_source": True, "groups": []},
}


def test_there_are_case_files_for_national_and_provincial_grounds() -> None:
    assert {p.parent.relative_to(RULES).as_posix() for p in CASE_FILES} >= {"anhui/anqing", "guangdong/yunfu"}


@pytest.mark.parametrize("backend", ["native", "durable"])
@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.relative_to(RULES).as_posix())
def test_shipped_reassessment_cases_pass_on_both_backends(path: Path, backend: str) -> None:
    results = run_cases(path, backend=backend)
    assert results
    failed = {r.name: r.differences for r in results if not r.passed}
    assert not failed


def test_every_ground_is_seen_true_and_false_by_the_cases_of_each_pack() -> None:
    """Coverage as for pack rules: each ground of a tested pack holds in one case and not in another."""
    seen: dict[str, dict[str, set[Truth]]] = {}
    for path in CASE_FILES:
        for case in run_cases(path):
            for ground, result in case.seen.items():
                seen.setdefault(case.pack, {}).setdefault(ground, set()).add(result)
    assert seen
    for pack, grounds in seen.items():
        uncovered = {g: r for g, r in grounds.items() if not {Truth.TRUE, Truth.FALSE} <= r}
        assert not uncovered, pack


def test_every_art48_item_one_to_seven_is_a_national_ground_quoting_the_law() -> None:
    grounds = {gid: (pack, e) for pack, gid, e in grounds_for(ANQING)}
    items = {e.basis[0].at for _, e in grounds.values()}
    assert items == {f"第四十八条第一款第{n}项" for n in "一二三四五六七"}
    assert all(pack == "national" and e.basis[0].source == "lal" for pack, e in grounds.values())


def test_guangdong_replaces_the_economic_ground_and_adds_its_own() -> None:
    pack = load_pack("guangdong/yunfu", dt.date(2022, 6, 1))
    ids = [gid for _, gid, _ in grounds_for(pack)]
    assert "art48.economic" not in ids
    assert {"guangdong.art11.finances", "guangdong.art12.false_declaration"} <= set(ids)


def test_terminate_cites_every_ground_that_holds() -> None:
    result = reassess(
        ANQING,
        GRANTED,
        {"date": "2023-09-01", "own_lawyer_retained": True, "case_ended": True},
    )
    assert result.outcome is ReassessmentOutcome.TERMINATE
    assert [g.ground for g in result.holding] == ["art48.case_ended", "art48.own_lawyer"]
    assert all("第四十八条第一款" in g.basis for g in result.holding)


def test_nothing_changed_continues_and_no_decision_is_rerun() -> None:
    result = reassess(ANQING, GRANTED, Changes(date=dt.date(2023, 9, 1)))
    assert result.outcome is ReassessmentOutcome.CONTINUE
    assert result.decision is None and not result.missing


def test_not_granted_is_an_error() -> None:
    refused = {**GRANTED, "household": {"per_capita_monthly_income": "5000.00"}}
    with pytest.raises(ApplicationError) as info:
        reassess(ANQING, refused, {"date": "2023-09-01"})
    assert info.value.problems[0].code == "reassessment.not_granted"


def test_reassessment_before_the_application_is_an_error() -> None:
    with pytest.raises(ApplicationError) as info:
        reassess(ANQING, GRANTED, {"date": "2023-05-01"})
    assert info.value.problems[0].code == "reassessment.date"


@pytest.mark.parametrize(
    ("changes", "code", "path"),
    [
        ({"date": "2023-09-01", "bogus": True}, "changes.extra_forbidden", "changes.bogus"),
        (
            {"date": "2023-09-01", "days_to_next_hearing": -1},
            "changes.greater_than_equal",
            "changes.days_to_next_hearing",
        ),
        ({"date": "2023-09-01", "application": {"household": {"size": 0}}}, None, None),
    ],
)
def test_bad_changes_are_located_errors(changes: dict[str, Any], code: str | None, path: str | None) -> None:
    with pytest.raises(ApplicationError) as info:
        reassess(ANQING, GRANTED, changes)
    problem = info.value.problems[0]
    if code is not None:
        assert (problem.code, problem.location.path) == (code, path)
    else:
        assert str(problem.location.path).startswith("changes.application.household")


def _copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    return root


_HEAD = "pack: national\nversion: '2022.1'\ngrounds:\n  x.y:\n    zh: a\n    en: a\n"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (_HEAD + "    on: fraud\n    basis: {source: nope}\n", "reassessment.unknown_source"),
        ("pack: national\nversion: '2021.9'\ngrounds: {}\n", "reassessment.pack_mismatch"),
        (
            _HEAD + "    on: fraud\n    replaces: art48.none\n    basis: {source: lal}\n",
            "reassessment.replaces_nothing",
        ),
        (_HEAD + "    on: bribery\n    basis: {source: lal}\n", "reassessment.enum"),
    ],
)
def test_a_bad_grounds_file_is_a_located_pack_error(tmp_path: Path, text: str, code: str) -> None:
    root = _copy_rules(tmp_path)
    (root / "national" / "2022.reassessment.yml").write_text(text, encoding="utf-8")
    pack = Registry(root).load("anhui/anqing", dt.date(2023, 6, 1))
    with pytest.raises(PackError) as info:
        reassess(pack, GRANTED, {"date": "2023-09-01"})
    assert info.value.problems[0].code == code
    assert "2022.reassessment.yml" in str(info.value.problems[0])


def test_same_input_gives_the_same_bytes() -> None:
    changes = {"date": "2023-09-01", "application": {"household": {"per_capita_monthly_income": "2000.00"}}}
    a = reassess(ANQING, GRANTED, changes).model_dump_json()
    b = reassess(ANQING, GRANTED, changes, backend="durable").model_dump_json()
    assert a == b == reassess(ANQING, GRANTED, changes).model_dump_json()


@settings(max_examples=60)
@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("5000"), places=2))
def test_art48_item_4_terminates_exactly_from_twice_the_standard(income: Decimal) -> None:
    """Anqing: 2 x 780.00 placeholder = 1,560.00; the new income decides item (四), strictly."""
    result = reassess(
        ANQING,
        GRANTED,
        {"date": "2023-09-01", "application": {"household": {"per_capita_monthly_income": str(income)}}},
    )
    economic = next(g for g in result.grounds if g.ground == "art48.economic")
    assert (economic.result is Truth.TRUE) == (income >= Decimal("1560.00"))
    assert (result.outcome is ReassessmentOutcome.TERMINATE) == (income >= Decimal("1560.00"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_reassess_prints_the_grounds(tmp_path: Path) -> None:
    granted = tmp_path / "granted.json"
    granted.write_text(
        '{"date": "2023-06-01", "locality": {"city": "anqing"}, "matter": "support_payment",'
        ' "household": {"per_capita_monthly_income": "1000.00"},'
        ' "applicant": {"age": 40, "disabilities": [], "fixed_income_source": true, "groups": []}}',
        encoding="utf-8",
    )
    changes = tmp_path / "changes.yaml"
    changes.write_text("date: 2023-09-01\nown_lawyer_retained: true\n", encoding="utf-8")
    code, out, _ = run("--lang", "zh", "reassess", "--pack", "anhui/anqing", str(granted), str(changes))
    assert code == 0
    assert (
        "复查结论：终止法律援助（2023-09-01，anhui/anqing 2023.1）" in out
        and "依据：" in out
        and "第四十八条第一款第六项" in out
    )
    code, out, _ = run("reassess", "--pack", "anhui/anqing", "--format", "json", str(granted), str(changes))
    assert code == 0 and '"outcome": "terminate"' in out


def test_cli_reassess_bad_changes_exit_2(tmp_path: Path) -> None:
    granted = tmp_path / "granted.yaml"
    granted.write_text(
        "date: 2023-06-01\nlocality: {city: anqing}\nmatter: support_payment\n"
        "household: {per_capita_monthly_income: '1000.00'}\n"
        "applicant: {age: 40, disabilities: [], fixed_income_source: true, groups: []}\n",
        encoding="utf-8",
    )
    changes = tmp_path / "changes.yaml"
    changes.write_text("date: 2023-09-01\nbogus: 1\n", encoding="utf-8")
    code, _, err = run("reassess", "--pack", "anhui/anqing", str(granted), str(changes))
    assert code == 2 and "changes.bogus" in err


def test_cli_reassess_cases_pass_and_fail(tmp_path: Path) -> None:
    code, out, _ = run("reassess", "--cases", str(CASE_FILES[0]))
    assert code == 0 and "all cases passed" in out
    root = _copy_rules(tmp_path)
    bad = root / "anhui" / "anqing" / f"2023{CASES_SUFFIX}"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace(
            "outcome: terminate\n      grounds: [art48.own_lawyer]",
            "outcome: continue\n      grounds: [art48.own_lawyer]",
        ),
        encoding="utf-8",
    )
    code, out, _ = run("reassess", "--cases", str(bad))
    assert code == 1 and "FAILED" in out and "own-lawyer-terminates" in out


def test_cli_reassess_needs_two_files() -> None:
    result = CliRunner().invoke(main, ["reassess", "--pack", "anhui/anqing"])
    assert result.exit_code == 2
