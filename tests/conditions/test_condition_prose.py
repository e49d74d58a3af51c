"""Conditions read as Chinese and English prose: every condition of every shipped pack, and the
wording of each construct."""

from __future__ import annotations

import re

import pytest

from legalaid_rules.conditions import parse
from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.conditions.prose import Label, describe
from legalaid_rules.conditions.syntax import BoolNode
from legalaid_rules.evaluation.wording import ENUM_LABELS, condition_labels
from legalaid_rules.packs import ResolvedPack
from legalaid_rules.packs.registry import bundled_registry


def _shipped() -> list[ResolvedPack]:
    registry = bundled_registry()
    return [registry.load(v.id, v.start) for pack_id in registry.ids() for v in registry.versions(pack_id)]


PACKS = _shipped()


def labels_of(pack: ResolvedPack) -> dict[str, Label]:
    return dict(condition_labels(pack))  # the labels the summary and explanations use


def conditions_of(pack: ResolvedPack) -> list[tuple[str, BoolNode]]:
    found: list[tuple[str, BoolNode]] = [(f"rule {r.id}", r.condition) for r in pack.rules]
    found += [(f"group {g.id}", g.definition) for g in pack.groups.values() if g.definition is not None]
    return found


CASES = [(pack, what, node) for pack in PACKS for what, node in conditions_of(pack)]

# what code looks like: an operator, a function call, an identifier with `_` or `.`, a quote
CODE_LIKE = re.compile(r"==|!=|<=|>=|[<>]|\b(member|proven|listed|rule|year)\(|\w+_\w+|[a-z]+\.[a-z]+|'\w+'")


def test_every_shipped_pack_has_conditions() -> None:
    assert len(PACKS) >= 8 and len(CASES) >= 50


@pytest.mark.parametrize(
    ("pack", "what", "node"), CASES, ids=[f"{p.id}@{p.version}:{w}" for p, w, _ in CASES]
)
def test_shipped_condition_reads_without_code(pack: ResolvedPack, what: str, node: BoolNode) -> None:
    prose = describe(node, labels_of(pack))
    assert prose.zh and prose.en
    assert not CODE_LIKE.search(prose.zh), prose.zh
    assert not re.search("[A-Za-z]", prose.zh), prose.zh  # Chinese prose names no code at all
    # English names quoted from the law (e.g. `(dibao)`) may hold Chinese, never code
    assert not CODE_LIKE.search(prose.en), prose.en


ANQING = next(p for p in PACKS if p.id == "anhui/anqing")


def test_the_anqing_means_test_reads_as_the_plan_does() -> None:
    text = "household.per_capita_income < 2 * minimum_living_standard and not rule(anhui.art23.exempt_status)"
    prose = describe(parse(text), labels_of(ANQING))
    exempt = next(r for r in ANQING.rules if r.id == "anhui.art23.exempt_status")
    assert prose.zh == f"家庭人均月收入低于安庆市最低生活保障标准的 2 倍，且不符合“{exempt.zh}”"
    assert prose.en == (
        "household per-capita monthly income is below twice Anqing's minimum living standard (dibao),"
        f" and “{exempt.en}” does not apply"
    )


LABELS = {
    "parameter:p": Label("标准", "the standard"),
    "group:g": Label("老年人", "an elderly person"),
    "group:h": Label("未成年人", "a minor"),
    "group:i": Label("残疾人", "disabled"),
    "rule:r": Label("规则甲", "rule A"),
    "matter:wages": Label("请求支付劳动报酬", "claiming wages"),
    "matter:injury": Label("工伤", "work injury"),
    "value:defendant": Label("被告人", "defendant"),
    "region:susong": Label("宿松县", "Susong"),
    "scope": Label("本地事项范围", "the local list"),
}


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("applicant.age >= 60", "申请人年龄不低于 60 周岁", "applicant's age is at least 60 full years"),
        ("not applicant.age >= 60", "申请人年龄低于 60 周岁", "applicant's age is below 60 full years"),
        ("household.income > 1000", "家庭月收入高于 1000 元", "household monthly income is above 1000 yuan"),
        ("household.income <= p", "家庭月收入不高于标准", "household monthly income is at most the standard"),
        (
            "household.income < 1.5 * p",
            "家庭月收入低于标准的 1.5 倍",
            "household monthly income is below 1.5 times the standard",
        ),
        (
            "household.income / household.size < p",
            "家庭月收入除以家庭人口低于标准",
            "household monthly income divided by household size is below the standard",
        ),
        ("applicant.disabled", "申请人是残疾人", "applicant is disabled"),
        ("not applicant.disabled", "并非申请人是残疾人", "it is not so that applicant is disabled"),
        (
            "applicant.fixed_income_source == false",
            "并非申请人有固定生活来源",
            "it is not so that applicant has a fixed source of living",
        ),
        (
            "applicant.fixed_income_source != false",
            "申请人有固定生活来源",
            "applicant has a fixed source of living",
        ),
        ("matter == 'wages'", "申请事项为“请求支付劳动报酬”", "matter is “claiming wages”"),
        (
            "matter in ['wages', 'injury']",
            "申请事项为“请求支付劳动报酬”或“工伤”",
            "matter is one of “claiming wages” or “work injury”",
        ),
        ("matter not in ['wages']", "申请事项不为“请求支付劳动报酬”", "matter is none of “claiming wages”"),
        ("not matter not in ['wages']", "申请事项为“请求支付劳动报酬”", "matter is “claiming wages”"),
        ("criminal.role == 'defendant'", "刑事诉讼身份为被告人", "role in the criminal case is defendant"),
        ("locality.county != 'susong'", "所在县（市、区）不为宿松县", "county is not Susong"),
        ("member(g)", "申请人属于老年人", "the applicant is an elderly person"),
        ("not member(g)", "申请人不属于老年人", "the applicant is not an elderly person"),
        ("proven(g)", "经证明申请人属于老年人", "the applicant is proven to be an elderly person"),
        (
            "proven(g) or proven(h) or proven(i)",
            "经证明申请人属于老年人、未成年人或残疾人",
            "the applicant is proven to be an elderly person, a minor or disabled",
        ),
        (
            "member(g) or member(h)",
            "申请人属于老年人或未成年人",
            "the applicant is an elderly person or a minor",
        ),
        (
            "member(g) or proven(h)",
            "申请人属于老年人，或经证明申请人属于未成年人",
            "the applicant is an elderly person, or the applicant is proven to be a minor",
        ),
        ("rule(r)", "符合“规则甲”", "“rule A” applies"),
        ("not rule(r)", "不符合“规则甲”", "“rule A” does not apply"),
        ("listed(matter)", "申请事项属于本地事项范围", "the matter is on the local list"),
        (
            "case.approved_on >= 2021-10-01",
            "批准法律援助日期不早于 2021 年 10 月 1 日",
            "date aid was approved is on or after 1 October 2021",
        ),
        (
            "year(case.closed_on) == 2022",
            "结案日期所在年份为 2022 年",
            "the year of date the case was closed is 2022",
        ),
        (
            "member(g) and (rule(r) or listed(matter))",
            "申请人属于老年人，且（符合“规则甲”，或申请事项属于本地事项范围）",
            "the applicant is an elderly person, and (“rule A” applies, or the matter is on the local list)",
        ),
        (
            "not (member(g) and rule(r))",
            "申请人不属于老年人，或不符合“规则甲”",
            "the applicant is not an elderly person, or “rule A” does not apply",
        ),
    ],
)
def test_wording(text: str, zh: str, en: str) -> None:
    prose = describe(parse(text), LABELS)
    assert (prose.zh, prose.en) == (zh, en)


def test_every_coded_value_of_the_fact_table_has_a_label() -> None:
    """Prose names coded values (roles, stages, instances ...) by the labels explanations use."""
    values = {v for fact in FACTS.values() for v in fact.type.values}
    assert values and values <= set(ENUM_LABELS), sorted(values - set(ENUM_LABELS))


def test_a_missing_label_falls_back_to_the_id() -> None:
    assert describe(parse("member(unknown_group)"), {}).zh == "申请人属于unknown_group"
