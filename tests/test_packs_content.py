"""The shipped packs say what their documents say: periods, scope, placeholders, test cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from legalaid_rules import Registry, evaluate, load_pack

RULES = Path(__file__).resolve().parents[1] / "rules"


@pytest.mark.parametrize(
    ("pack_id", "start", "end"),
    [
        ("anhui/yeji", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("shanxi", dt.date(2022, 1, 1), dt.date(2024, 12, 31)),  # revised regulation from 2025-01-01
        ("shanxi/zezhou", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
        ("guangdong", dt.date(2022, 1, 1), None),
        ("guangdong/yunfu", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
    ],
)
def test_periods(pack_id: str, start: dt.date, end: dt.date | None) -> None:
    (version,) = Registry().versions(pack_id)
    assert (version.start, version.end) == (start, end)


def test_yeji_keeps_every_matter_of_the_anhui_regulation() -> None:
    """Seed 001 三(一)4 keeps "法律、法规、规章规定的其他情形": a district plan cannot narrow it."""
    yeji = load_pack("anhui/yeji", dt.date(2024, 6, 1))
    anhui = load_pack("anhui", dt.date(2024, 6, 1))
    assert {c for c, m in yeji.matters.items() if m.listed} == {
        c for c, m in anhui.matters.items() if m.listed
    }


@pytest.mark.parametrize(
    ("pack_id", "on", "parameter", "region", "value"),
    [
        ("anhui/yeji", dt.date(2024, 6, 1), "minimum_living_standard", "luan", Decimal("800.00")),
        ("shanxi/zezhou", dt.date(2022, 6, 1), "hardship_income_standard", "jincheng", Decimal("1300.00")),
        (
            "guangdong/yunfu",
            dt.date(2022, 6, 1),
            "urban_disposable_income_monthly",
            "yunfu",
            Decimal("2500.00"),
        ),
    ],
)
def test_placeholders_are_marked(
    pack_id: str, on: dt.date, parameter: str, region: str, value: Decimal
) -> None:
    hit = load_pack(pack_id, on).parameters[parameter].lookup(on, region)
    assert hit is not None and hit.value == value
    assert hit.verified is False and hit.note and "占位" in hit.note


def test_shanxi_regulation_placeholders_warn() -> None:
    """Decisions resting on the Shanxi regulation's missing texts say so."""
    pack = load_pack("shanxi/zezhou", dt.date(2022, 6, 1))
    d = evaluate(
        pack,
        {
            "date": "2022-06-01",
            "locality": {"county": "zezhou"},
            "matter": "support_payment",
            "household": {"per_capita_monthly_income": "1000.00"},
        },
    )
    assert d.outcome.value == "eligible"
    assert {w.code for w in d.warnings} == {"unverified_rule", "unverified_value"}
    assert not pack.rule("shanxi.means_test").verified


def test_zezhou_groups_are_the_eight_of_the_plan() -> None:
    """Seed 003 四(二)1: 农民工、农民、残疾人、老年人（60周岁以上）、未成年人、妇女、困难职工、军人军属."""
    pack = load_pack("shanxi/zezhou", dt.date(2022, 6, 1))
    rule = pack.rule("zezhou.program.special_group")
    for group in (
        "migrant_worker",
        "farmer",
        "disabled",
        "elderly",
        "minor",
        "woman",
        "worker_in_hardship",
        "service_member_family",
    ):
        assert f"member({group})" in rule.when
    assert pack.groups["elderly"].definition_text == "applicant.age >= 60"
    assert pack.groups["elderly"].basis.verified


@pytest.mark.parametrize(
    "path",
    ["anhui/yeji/2024.tests.yaml", "shanxi/zezhou/2022.tests.yaml", "guangdong/yunfu/2022.tests.yaml"],
)
def test_city_and_county_packs_have_fifteen_cited_cases(path: str) -> None:
    data = yaml.safe_load((RULES / path).read_text(encoding="utf-8"))
    cases = data["cases"]
    assert len(cases) >= 15
    # every description cites a document section or a law article
    assert all(any(mark in c["description"] for mark in ("《", "方案", "seed", "粤府令")) for c in cases)


def test_shanxi_2015_regulation_pack_stops_when_the_2024_revision_takes_effect() -> None:
    """Issue 11 item 14: the revised 山西省法律援助条例 is in force from 2025-01-01."""
    from legalaid_rules import PackNotFoundError

    assert load_pack("shanxi", dt.date(2024, 12, 31)).version == "2022.1"
    with pytest.raises(PackNotFoundError):
        load_pack("shanxi", dt.date(2025, 1, 1))


@pytest.mark.parametrize("name", ["program_local_funding_share", "program_reporting_months"])
def test_the_2022_plan_parameters_apply_to_2022_only(name: str) -> None:
    """Issue 11 item 15: seed 000 is the 2022 plan; its funding split and reporting period stop at 2022."""
    param = load_pack("anhui/anqing", dt.date(2023, 6, 1)).parameters[name]
    assert param.at(dt.date(2022, 6, 1), None, None) is not None
    assert param.at(dt.date(2023, 6, 1), None, None) is None


def test_anqing_2023_has_its_own_one_to_one_matching() -> None:
    """Seed 002 四, 七(三): 市县配套 at least 1:1 of central and provincial funds."""
    param = load_pack("anhui/anqing", dt.date(2023, 6, 1)).parameters["local_match_ratio_min"]
    hit = param.at(dt.date(2023, 6, 1), None, None)
    assert hit is not None and hit.value == 1 and hit.verified


@pytest.mark.parametrize(
    ("day", "value", "verified_source"),
    [
        (dt.date(2024, 6, 30), Decimal("800.00"), "placeholder"),
        (dt.date(2024, 7, 1), Decimal("756.00"), "repost"),
    ],
)
def test_luan_2024_dibao_switches_to_the_reposted_figure_on_1_july(
    day: dt.date, value: Decimal, verified_source: str
) -> None:
    """Issue 11 item 16: 756 (urban) from 2024-07-01, unverified; Jan-Jun keeps the flagged placeholder."""
    param = load_pack("anhui/yeji", day).parameters["minimum_living_standard"]
    hit = param.at(day, "luan", "yeji")
    assert hit is not None and hit.value == value and not hit.verified
    assert ("转载" in (hit.note or "")) == (verified_source == "repost")


def test_anqing_means_test_is_flagged_unverified_with_the_2019_notice() -> None:
    """Issue 11 item 17: every decision relying on Anqing's 2x test says it rests on 宜政办秘〔2019〕48号."""
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    decision = evaluate(
        pack,
        {
            "date": "2023-06-01",
            "locality": {"city": "anqing"},
            "matter": "support_payment",
            "household": {"per_capita_monthly_income": "1000.00"},
            "applicant": {"age": 40, "disabilities": [], "fixed_income_source": True, "groups": []},
        },
    )
    assert decision.outcome.value == "eligible"
    assert any(w.code == "unverified_rule" and "宜政办秘〔2019〕48号" in w.zh for w in decision.warnings)


# Issue 11 engine work H1 (formerly a strict xfail): a county pack accepts its parent city. Engine
# work C (civil retrial) is now the anqing pack case `civil-retrial-of-unlisted-matter-in-scope`.

_SUPPORT = {
    "matter": "support_payment",
    "household": {"per_capita_monthly_income": "1000.00"},
    "applicant": {"age": 40, "disabilities": [], "fixed_income_source": True, "groups": []},
}


def test_county_pack_accepts_its_parent_city_with_a_county_inside() -> None:
    """Seed 000 二(二)1 uses the prefecture city's 低保: an intake form sending 六安市 and 叶集区 is right."""
    pack = load_pack("anhui/yeji", dt.date(2024, 6, 1))
    decision = evaluate(
        pack, {"date": "2024-06-01", "locality": {"city": "luan", "county": "yeji"}, **_SUPPORT}
    )
    assert decision.outcome.value == "eligible"
