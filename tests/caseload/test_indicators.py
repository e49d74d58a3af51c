"""Indicators on a hand-built office, against figures computed by hand.

Office ``huaining`` (怀宁县), year 2023::

    case  approved    litigation  lawyer (kind)          state
    H0    2022-11-01  yes         A (social)             closed 2023-02-01
    H1    2023-02-01  yes         A (social)             closed 2023-05-01
    H2    2023-02-01  yes         A (social)             closed 2023-05-01
    H3    2023-02-01  yes         B (staff)              closed 2023-05-01
    H4    2023-02-01  no          C (grassroots worker)  closed 2023-05-01
    H5    2023-02-01  no          A (social)             closed 2023-05-01
    H6    2023-02-01  yes         D (social, taihu)      closed 2023-05-01
    H7    2023-02-01  yes         A (social)             open
    H8    2023-02-01  yes         B, withdrawn           open, unassigned
    H9    2023-02-01  no          -                      open, unassigned
    H10   2023-02-01  yes         A (social)             closed 2024-01-10
    T1    2023-02-01  yes         D (office taihu)       closed 2023-05-01 (other office)

By hand: approved in 2023 = 10 (H1-H10; H0 was approved in 2022); closed in 2023 = 7 (H0-H6);
closure ratio 7/10 = 70.00% < 80% (not met); litigation 5/7 (H0 H1 H2 H3 H6) = 71.43% >= 70%
(met); social lawyers 5/7 (A: H0 H1 H2 H5; D: H6) = 71.43% < 75% (not met). Cases in 2023:
A 6 (H0 H1 H2 H5 H7 H10), B 1 (H8 withdrawn), C 1, D 2 (H6, T1). Target 怀宁县 10/716 = 1.40%.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from legalaid_rules.caseload import DateOutsidePackError, Ledger
from legalaid_rules.caseload.indicators import Indicator, office_report, report_json, report_text
from legalaid_rules.i18n import use_language

D = dt.date


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    ledger = Ledger(tmp_path_factory.mktemp("ind") / "office.sqlite")
    ledger.add_lawyer("A", "甲律师", "social_lawyer", "huaining")
    ledger.add_lawyer("B", "乙律师", "staff_lawyer", "huaining")
    ledger.add_lawyer("C", "丙工作者", "grassroots_worker", "huaining")
    ledger.add_lawyer("D", "丁律师", "social_lawyer", "taihu")
    rows = [
        ("H0", D(2022, 11, 1), True, "A", D(2023, 2, 1)),
        ("H1", D(2023, 2, 1), True, "A", D(2023, 5, 1)),
        ("H2", D(2023, 2, 1), True, "A", D(2023, 5, 1)),
        ("H3", D(2023, 2, 1), True, "B", D(2023, 5, 1)),
        ("H4", D(2023, 2, 1), False, "C", D(2023, 5, 1)),
        ("H5", D(2023, 2, 1), False, "A", D(2023, 5, 1)),
        ("H6", D(2023, 2, 1), True, "D", D(2023, 5, 1)),
        ("H7", D(2023, 2, 1), True, "A", None),
        ("H8", D(2023, 2, 1), True, "B", None),
        ("H9", D(2023, 2, 1), False, None, None),
        ("H10", D(2023, 2, 1), True, "A", D(2024, 1, 10)),
    ]
    for case_id, approved, litigation, lawyer, closed in rows:
        ledger.add_case(case_id, approved, "labour_remuneration", litigation=litigation, office="huaining")
        if lawyer is not None:
            on = max(approved, D(2023, 1, 5))
            assert ledger.assign(case_id, lawyer, on).allowed
        if closed is not None:
            ledger.close(case_id, closed)
    ledger.withdraw("H8", D(2023, 3, 1))
    ledger.add_case("T1", D(2023, 2, 1), "labour_remuneration", litigation=True, office="taihu")
    ledger.assign("T1", "D", D(2023, 2, 2))
    ledger.close("T1", D(2023, 5, 1))
    yield ledger
    ledger.close_connection()


def test_office_indicators_match_the_hand_computed_figures(office: Ledger) -> None:
    report = office_report(office, 2023, "huaining")
    assert (report.approved, report.closed) == (10, 7)
    got = {i.name: (i.numerator, i.denominator, i.value, i.threshold, i.met) for i in report.indicators}
    assert got == {
        "closure_ratio": (7, 10, Decimal("0.7000"), Decimal("0.80"), False),
        "litigation_share": (5, 7, Decimal("0.7143"), Decimal("0.70"), True),
        "social_lawyer_share": (5, 7, Decimal("0.7143"), Decimal("0.75"), False),
    }
    assert {i.basis for i in report.indicators} == {"庆司通〔2023〕8号 六(二)"}
    loads = {load.lawyer.id: (load.cases, load.limit, load.status) for load in report.lawyers}
    assert loads == {"A": (6, 90, "ok"), "B": (1, 90, "ok"), "C": (1, 90, "ok"), "D": (2, 90, "ok")}
    assert report.cap is not None and report.cap.limit == 90
    assert [(t.unit, t.zh, t.target, t.approved, t.ratio) for t in report.targets] == [
        ("huaining", "怀宁县", 716, 10, Decimal("0.0140"))
    ]
    assert report.place == "怀宁县" and report.pack == "anhui/anqing 2023.1"


def test_the_whole_ledger(office: Ledger) -> None:
    report = office_report(office, 2023)
    assert (report.approved, report.closed) == (11, 8)
    got = {i.name: (i.numerator, i.denominator, i.met) for i in report.indicators}
    # litigation: H0 H1 H2 H3 H6 T1 = 6/8 = 75%; social: A 4 + D 2 = 6/8 = 75% (exactly met)
    assert got == {
        "closure_ratio": (8, 11, False),
        "litigation_share": (6, 8, True),
        "social_lawyer_share": (6, 8, True),
    }
    assert {(t.unit, t.approved) for t in report.targets} == {("huaining", 10), ("taihu", 1)}


def test_near_cap_status_uses_the_warning_line(office: Ledger) -> None:
    report = office_report(office, 2023, "huaining", warn_at=6)
    assert {load.lawyer.id: load.status for load in report.lawyers}["A"] == "near"


def test_a_year_outside_the_pack_is_an_error(office: Ledger) -> None:
    with pytest.raises(DateOutsidePackError) as info:
        office_report(office, 2030, "huaining")
    assert info.value.code == "ledger.no_pack_in_force"


def test_met_is_exact_at_the_threshold() -> None:
    def ind(n: int, d: int) -> Indicator:
        return Indicator("closure_ratio", "", "", n, d, Decimal("0.80"), None)

    assert ind(8, 10).met is True
    assert ind(79, 100).met is False
    assert ind(4, 5).met is True
    assert ind(0, 0).met is None and ind(0, 0).value is None
    assert Indicator("x", "", "", 1, 2, None, None).met is None


def test_json_and_text_renderings(office: Ledger) -> None:
    report = office_report(office, 2023, "huaining")
    data = report_json(report)
    assert data["cap"]["limit"] == 90
    closure = data["indicators"][0]
    assert closure == {
        "name": "closure_ratio",
        "zh": "结案数占审批数比例",
        "en": "cases closed / cases approved",
        "numerator": 7,
        "denominator": 10,
        "value": "0.7000",
        "threshold": "0.80",
        "met": False,
        "basis": "庆司通〔2023〕8号 六(二)",
    }
    with use_language("zh"):
        text = report_text(report)
    assert "年承办案件数上限：90 件/年（庆司通〔2023〕8号 六(二)）" in text
    assert "诉讼案件占已结案件比例: 5/7 = 71.4%  ≥ 70.0%  达标" in text
    assert "社会律师办案占已结案件比例: 5/7 = 71.4%  ≥ 75.0%  未达标" in text
    assert "怀宁县: 10/716 = 1.4%（庆司通〔2023〕8号 附件）" in text
