"""Program accounting as pack content: counting, the Zezhou window, subsidies, targets, pack errors."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from legalaid_rules import ApplicationError, PackError, Registry, evaluate, load_pack
from legalaid_rules.decisions import Truth
from legalaid_rules.programs import account, progress

MINI = Path(__file__).parent / "fixtures" / "mini"
ZEZHOU = load_pack("shanxi/zezhou", dt.date(2022, 6, 1))


def _elderly_pay_claim(applied: str, approved: str, closed: str | None = "2022-03-01") -> dict[str, Any]:
    case: dict[str, Any] = {"approved_on": approved}
    if closed:
        case["closed_on"] = closed
    return {
        "date": applied,
        "locality": {"county": "zezhou"},
        "matter": "labour_remuneration",
        "household": {"per_capita_monthly_income": "1000.00"},
        "applicant": {"age": 65, "disabilities": [], "fixed_income_source": True, "groups": []},
        "case": case,
    }


@pytest.mark.parametrize(
    ("approved", "counts"),
    [("2021-09-30", Truth.FALSE), ("2021-10-01", Truth.TRUE), ("2021-12-31", Truth.TRUE)],
)
def test_zezhou_window_starts_on_2021_10_01(approved: str, counts: Truth) -> None:
    """Seed 003 四(二)2 "2021年10月1日之后批准": read as including 1 October (see the pack notes)."""
    (result,) = account(ZEZHOU, _elderly_pay_claim("2021-09-28", approved))
    assert result.program == "zezhou_huimin_2022"
    assert result.counts is counts
    assert result.subsidy == (Decimal(1000) if counts is Truth.TRUE else None)


def test_account_reports_programs_by_closing_date() -> None:
    assert account(ZEZHOU, _elderly_pay_claim("2022-11-01", "2022-11-02", "2023-01-01")) == ()
    (open_case,) = account(ZEZHOU, _elderly_pay_claim("2022-11-01", "2022-11-02", None))
    assert open_case.counts is Truth.UNKNOWN
    assert open_case.missing == ("case.closed_on",)


def test_account_without_approval_is_unknown() -> None:
    app = _elderly_pay_claim("2022-05-01", "2022-05-02")
    del app["case"]["approved_on"]
    (result,) = account(ZEZHOU, app)
    assert result.counts is Truth.UNKNOWN
    assert "case.approved_on" in result.missing


def test_ineligible_case_does_not_count() -> None:
    app = _elderly_pay_claim("2022-05-01", "2022-05-02", "2022-09-01")
    app["household"] = {"per_capita_monthly_income": "1300.00"}  # the placeholder standard, not below
    decision = evaluate(ZEZHOU, app)
    assert decision.outcome.value == "ineligible"
    (result,) = decision.programs
    assert result.counts is Truth.FALSE and result.subsidy is None


def test_subsidy_is_decimal_money() -> None:
    decision = evaluate(ZEZHOU, _elderly_pay_claim("2022-05-01", "2022-05-02", "2022-09-01"))
    (result,) = decision.programs
    assert result.counts is Truth.TRUE
    assert isinstance(result.subsidy, Decimal) and result.subsidy == Decimal("1000")


def test_program_only_in_its_plan_year() -> None:
    """The Anhui 2022 民生工程 is reported for 2022 decisions, not for Anqing 2023 ones."""
    app = {
        "locality": {"city": "anqing"},
        "matter": "support_payment",
        "household": {"per_capita_monthly_income": "1000.00"},
    }
    assert (
        evaluate(load_pack("anhui/anqing", dt.date(2023, 6, 1)), {**app, "date": "2023-06-01"}).programs == ()
    )


def test_decision_without_programs_keeps_defaults() -> None:
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    d = evaluate(pack, {"date": "2023-06-01", "locality": {"city": "anqing"}, "matter": "support_payment"})
    assert d.programs == () and d.routes == ()


# -- targets ---------------------------------------------------------------------------------------


def test_zezhou_tables_add_up() -> None:
    consult = progress(ZEZHOU, {}, measure="consultations")
    assert len(consult) == 17 and sum(t.count for t in consult) == 4400
    (cases,) = progress(ZEZHOU, {}, program="zezhou_huimin_2022")
    assert (cases.count, cases.measure, cases.region) == (135, "cases", "zezhou")


def test_progress_from_counts() -> None:
    (cases,) = progress(ZEZHOU, {"legal_aid_centre_cases": 90}, program="zezhou_huimin_2022")
    assert (cases.done, cases.remaining, cases.met) == (90, 45, False)
    assert cases.ratio.quantize(Decimal("0.0001")) == Decimal("0.6667")
    (over,) = progress(ZEZHOU, {"legal_aid_centre_cases": 140}, program="zezhou_huimin_2022")
    assert (over.remaining, over.excess, over.met) == (0, 5, True)


def test_progress_rejects_unknown_targets_and_negative_counts() -> None:
    with pytest.raises(KeyError, match="unknown target"):
        progress(ZEZHOU, {"nowhere": 1})
    with pytest.raises(ValueError, match="negative"):
        progress(ZEZHOU, {"legal_aid_centre_cases": -1})


@pytest.mark.parametrize(
    ("pack_id", "on", "total"),
    [
        ("anhui/anqing", dt.date(2023, 6, 1), 5826),
        ("anhui/yeji", dt.date(2024, 6, 1), 260),
        ("guangdong/yunfu", dt.date(2022, 6, 1), 3000),
    ],
)
def test_target_totals(pack_id: str, on: dt.date, total: int) -> None:
    assert sum(t.count for t in progress(load_pack(pack_id, on), {}, measure="cases")) == total


# -- pack errors -----------------------------------------------------------------------------------


def _mini(tmp_path: Path, extra: str) -> Registry:
    shutil.copytree(MINI, tmp_path / "rules")
    prov = tmp_path / "rules" / "prov" / "2022.yaml"
    prov.write_text(prov.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return Registry(tmp_path / "rules")


_PROGRAM = """programs:
  plan:
    zh: 民生工程
    en: plan
    kind: 民生工程
    effective: {from: 2022-01-01, to: 2022-12-31}
    subsidy: SUBSIDY
    basis: {source: law}
"""


_UNKNOWN_SUBSIDY = _PROGRAM.replace("SUBSIDY", "nothing")
_UNKNOWN_OFFICE = (
    _PROGRAM.replace("    subsidy: SUBSIDY\n", "")
    + "routes:\n  r:\n    zh: x\n    en: x\n    kind: on_behalf\n    office: atlantis\n"
    + "    basis: {source: law}\n"
)


@pytest.mark.parametrize(
    ("extra", "code"),
    [(_UNKNOWN_SUBSIDY, "pack.unknown_parameter"), (_UNKNOWN_OFFICE, "pack.unknown_region")],
    ids=["unknown-subsidy", "unknown-route-office"],
)
def test_bad_program_references(tmp_path: Path, extra: str, code: str) -> None:
    registry = _mini(tmp_path, extra)
    with pytest.raises(PackError) as info:
        registry.load("prov", dt.date(2022, 6, 1))
    assert info.value.codes == (code,)


def test_rule_naming_an_unknown_program(tmp_path: Path) -> None:
    registry = _mini(
        tmp_path,
        _PROGRAM.replace("    subsidy: SUBSIDY\n", "")
        + "  counts:\n    zh: x\n    en: x\n    when: year(case.approved_on) == 2022\n"
        "    then: {program_requires: plann}\n    basis: {source: law}\n",
    )
    text = (tmp_path / "rules" / "prov" / "2022.yaml").read_text(encoding="utf-8")
    # the rule must sit under `rules:`; move the program section after it
    head, rules_part = text.split("rules:\n", 1)
    rules_body, program_part = rules_part.split("programs:\n", 1)
    program_lines, rule_lines = program_part.split("  counts:\n", 1)
    (tmp_path / "rules" / "prov" / "2022.yaml").write_text(
        head + "programs:\n" + program_lines + "rules:\n" + rules_body + "  counts:\n" + rule_lines,
        encoding="utf-8",
    )
    with pytest.raises(PackError) as info:
        registry.load("prov", dt.date(2022, 6, 1))
    assert info.value.codes == ("pack.unknown_program",)
    assert "did you mean `plan`" in str(info.value)


def test_subsidy_must_be_money(tmp_path: Path) -> None:
    registry = _mini(tmp_path, _PROGRAM.replace("SUBSIDY", "rate"))
    path = tmp_path / "rules" / "prov" / "2022.yaml"
    rate = "  rate:\n    zh: x\n    en: x\n    type: number\n    value: 1\n    basis: {source: law}\n"
    last_value = "      - {region: city, value: 700.00}\n"
    path.write_text(
        path.read_text(encoding="utf-8").replace(last_value, last_value + rate, 1), encoding="utf-8"
    )
    with pytest.raises(PackError) as info:
        registry.load("prov", dt.date(2022, 6, 1))
    assert info.value.codes == ("pack.subsidy_type",)


def test_account_checks_codes_but_not_the_date() -> None:
    app = _elderly_pay_claim("2021-09-28", "2021-10-01")
    app["matter"] = "labour_pay"
    with pytest.raises(ApplicationError) as info:
        account(ZEZHOU, app)
    assert info.value.codes == ("application.unknown_matter",)
