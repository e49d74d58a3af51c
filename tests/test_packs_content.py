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
        ("shanxi", dt.date(2022, 1, 1), None),
        ("shanxi/zezhou", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
        ("guangdong", dt.date(2022, 1, 1), None),
        ("guangdong/yunfu", dt.date(2022, 1, 1), dt.date(2022, 12, 31)),
    ],
)
def test_periods(pack_id: str, start: dt.date, end: dt.date | None) -> None:
    (version,) = Registry().versions(pack_id)
    assert (version.start, version.end) == (start, end)


def test_yeji_lists_exactly_the_national_matters() -> None:
    """Seed 001 三(一)1: the eight items of Art 31; Art 32 matters stay (三(一)4); Anhui additions go."""
    national = load_pack("national", dt.date(2024, 6, 1))
    yeji = load_pack("anhui/yeji", dt.date(2024, 6, 1))
    anhui = load_pack("anhui", dt.date(2024, 6, 1))
    listed = {code for code, m in yeji.matters.items() if m.listed}
    assert listed == {code for code, m in national.matters.items() if m.listed}
    dropped = {code for code, m in anhui.matters.items() if m.listed} - listed
    assert len(dropped) == 8
    assert all(yeji.matters[c].basis.zh.endswith("三(一)1") for c in dropped)


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
