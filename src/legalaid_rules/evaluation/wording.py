"""Every Chinese and English text of a decision: tests read aloud, reasons, the missing list,
warnings, and a whole decision as text for a person (the command line's rendering).

``家庭人均月收入 1,500.00 元，低于安庆市最低生活保障标准 780.00 元的 2 倍 1,560.00 元``

Labels come from the fact table and the pack (parameters, groups, matters, regions); the
wording of each comparison follows the result actually found (``低于`` when true, ``不低于``
when false), so a reason never says more than the evaluation showed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from legalaid_rules.backends.results import Record
from legalaid_rules.backends.unknowns import MissingKey, missing_path
from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.conditions.prose import Label, describe, pack_labels
from legalaid_rules.conditions.syntax import (
    Arith,
    Compare,
    FactRef,
    GroupTest,
    InList,
    Listed,
    Lit,
    Node,
    ParamRef,
    YearOf,
)
from legalaid_rules.conditions.types import Kind
from legalaid_rules.decisions import TRUTH, Decision, DecisionWarning, MissingItem, Reason
from legalaid_rules.packs.model import Memo, ResolvedPack, Rule
from legalaid_rules.packs.places import Place
from legalaid_rules.values import MATH, NOT_APPLICABLE, UNKNOWN, Tri

__all__ = [
    "ECONOMIC_TEXT",
    "ENUM_LABELS",
    "OUTCOME_TEXT",
    "Explainer",
    "condition_labels",
    "condition_prose",
    "decision_text",
    "format_money",
    "missing_item",
    "reason",
    "warnings",
]

OUTCOME_TEXT = {
    "eligible": ("符合法律援助条件", "eligible for legal aid"),
    "ineligible": ("不符合法律援助条件", "not eligible for legal aid"),
    "undetermined": ("尚不能决定：须补充材料", "undetermined: more information needed"),
}
"""(zh, en) for each outcome."""
ECONOMIC_TEXT = {
    "not_required": ("不受经济困难条件限制", "hardship condition does not apply"),
    "waived": ("免予核查经济困难状况", "hardship review waived on proof"),
    "passed": ("经审查符合经济困难标准", "means test met"),
    "failed": ("不符合经济困难标准", "means test not met"),
    "unknown": ("经济困难状况尚不明确", "hardship not yet established"),
}
"""(zh, en) for each economic condition."""

ENUM_LABELS: dict[str, tuple[str, str]] = {
    "defendant": ("犯罪嫌疑人、被告人", "suspect or defendant"),
    "victim": ("被害人", "victim"),
    "private_prosecutor": ("自诉人", "private prosecutor"),
    "civil_plaintiff": ("附带民事诉讼原告人", "plaintiff in an incidental civil action"),
    "compulsory_treatment_respondent": (
        "强制医疗案件的被申请人或者被告人",
        "respondent or defendant in compulsory medical treatment proceedings",
    ),
    "life_or_death": ("无期徒刑、死刑", "life imprisonment or death"),
    "lesser": ("无期徒刑以下的刑罚", "a sentence below life imprisonment"),
    "urban": ("城镇户籍", "urban household registration"),
    "rural": ("农村户籍", "rural household registration"),
    "investigation": ("侦查阶段", "investigation"),
    "prosecution_review": ("审查起诉阶段", "prosecution review"),
    "trial": ("审判阶段（一审）", "trial (first instance)"),
    "second_instance": ("二审阶段", "second instance"),
    "death_penalty_review": ("死刑复核阶段", "death-penalty review"),
    "court": ("人民法院", "the court"),
    "procuratorate": ("人民检察院", "the procuratorate"),
    "police": ("公安机关", "the police"),
    "not_notified": ("未经通知（本人申请）", "not notified (own application)"),
    "retrial": ("再审阶段（审判监督程序）", "retrial (trial supervision)"),
    "first": ("一审", "first instance"),
    "second": ("二审", "second instance"),
    "organised_crime": ("涉黑涉恶刑事案件", "organised crime"),
    "land_expropriation": ("征地拆迁案件", "land expropriation"),
    "petition": ("涉法信访案件", "petition-related case"),
    "mass_case": ("涉法群体性案件", "mass case"),
    "other": ("其他案件", "another kind of case"),
    "emergency": ("突发事件", "an emergency"),
    "accidental_injury": ("意外伤害", "an accidental injury"),
    "serious_illness": ("重大疾病", "a serious illness"),
    "full_time_education": ("就读国内全日制中高等学校", "full-time secondary or higher education in China"),
}

_FEN = Decimal("0.01")
_FEN4 = Decimal("0.0001")
_LONGEST = 100

# (zh when true, zh when false, en when true, en when false)
_OPS: dict[str, tuple[str, str, str, str]] = {
    "<": ("低于", "不低于", "is below", "is not below"),
    "<=": ("不高于", "高于", "is not above", "is above"),
    ">": ("高于", "不高于", "is above", "is not above"),
    ">=": ("不低于", "低于", "is at least", "is below"),
    "==": ("为", "不为", "is", "is not"),
    "!=": ("不为", "为", "is not", "is"),
}


def format_money(value: Decimal) -> str:
    """Yuan with thousands separators and fen; more places only when the amount has them.

    >>> format_money(Decimal("1560"))
    '1,560.00'
    >>> format_money(Decimal("1559.996666666666666666666667"))
    '≈1,559.9967'
    >>> format_money(Decimal("1E48"))
    '1,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000,000.00'
    """
    if not value.is_finite():
        return str(value)
    if value.adjusted() >= MATH.prec - 4:
        # beyond what the context can quantize (1E48 yuan, say, in a hostile pack): Python's own
        # formatting needs no context; past 100 digits, scientific notation keeps it short
        if value.adjusted() > _LONGEST:
            return f"≈{value:.4E}"
        exponent = value.as_tuple().exponent
        return f"{value:,.2f}" if isinstance(exponent, int) and exponent >= -2 else f"≈{value:,.4f}"
    exact = value.quantize(_FEN, context=MATH)
    if exact == value:
        return f"{exact:,.2f}"  # already exact at two places: formatting cannot round
    return f"≈{value.quantize(_FEN4, context=MATH):,.4f}"


_WORDED = 20_000
"""How many readings, reasons, items or warnings a pack keeps of each (then it starts again)."""


class Explainer:
    """Reads evaluated tests aloud, in the terms of one pack and one application's place."""

    def __init__(self, pack: ResolvedPack, place: Place) -> None:
        self.pack = pack
        self.on = place.on
        self.city = place.city
        self.county = place.county
        self.office_city = place.office_city
        self._said = pack.cache.get(_Said, _Said)
        self.reasons = pack.cache.get(_Reasons, _Reasons)

    # -- values --------------------------------------------------------------------------------

    def show(self, value: Any, kind: Kind | None = None, codes: str | None = None) -> tuple[str, str]:
        """A value as (zh, en) text."""
        if value is UNKNOWN:
            return "未知", "unknown"
        if value is NOT_APPLICABLE:
            return "不适用", "not applicable"
        if isinstance(value, bool):
            return ("是", "yes") if value else ("否", "no")
        if isinstance(value, Decimal) and kind is Kind.MONEY:
            text = format_money(value)
            return f"{text} 元", f"{text} yuan"
        if isinstance(value, Decimal):
            text = str(value.normalize(MATH))
            return text, text
        if isinstance(value, dt.date):
            return value.isoformat(), value.isoformat()
        if isinstance(value, str):
            if codes == "matter" and value in self.pack.matters:
                m = self.pack.matters[value]
                return f"“{m.zh}”", f"“{m.en}”"
            if codes == "region" and value in self.pack.regions:
                r = self.pack.regions[value]
                return r.zh, r.en or value
            zh, en = ENUM_LABELS.get(value, (value, value))
            return zh, en
        return str(value), str(value)

    def operand(self, node: Node, value: Any) -> tuple[str, str]:
        """An operand with its label and value, e.g. 安庆市最低生活保障标准 780.00 元."""
        if isinstance(node, FactRef):
            fact = FACTS[node.path]
            vz, ve = self.show(value, fact.type.kind, fact.type.codes)
            unit_zh = (
                f" {fact.unit_zh}"
                if fact.unit_zh and fact.type.kind is not Kind.MONEY and value is not UNKNOWN
                else ""
            )
            unit_en = (
                f" {fact.unit_en}"
                if fact.unit_en and fact.type.kind is not Kind.MONEY and value is not UNKNOWN
                else ""
            )
            return f"{fact.zh} {vz}{unit_zh}", f"{fact.en} {ve}{unit_en}"
        if isinstance(node, ParamRef):
            p = self.pack.parameters[node.name]
            region = p.region_for(self.city, self.county, self.office_city)
            place = self.pack.region_name(region)
            vz, ve = self.show(value, p.type.kind)
            unit = f" {p.unit}" if p.unit and p.type.kind is not Kind.MONEY else ""
            en_place = (
                f" of {self.pack.regions[region].en or region}"
                if region and region in self.pack.regions
                else ""
            )
            return f"{place}{p.zh} {vz}{unit}", f"{p.en}{en_place} {ve}{unit}"
        if isinstance(node, Arith) and node.op == "*" and isinstance(node.left, Lit):
            inner = self._inner(node.right)
            vz, ve = self.show(value, Kind.MONEY if isinstance(value, Decimal) else None)
            k = self.show(node.left.value)[0]
            return f"{inner[0]}的 {k} 倍 {vz}", f"{k} times {inner[1]} = {ve}"
        if isinstance(node, Lit):
            return self.show(node.value)
        if isinstance(node, YearOf):
            return f"年份 {value}", f"year {value}"
        vz, ve = self.show(value, Kind.MONEY if isinstance(value, Decimal) else None)
        return vz, ve

    def _inner(self, node: Node) -> tuple[str, str]:
        """An operand inside arithmetic: its label and value, without a result."""
        return self.operand(node, self._peek(node))

    def _peek(self, node: Node) -> Any:
        if isinstance(node, ParamRef):
            hit = self.pack.parameters[node.name].at(self.on, self.city, self.county, self.office_city)
            return UNKNOWN if hit is None else hit.value
        if isinstance(node, Lit):
            return node.value
        return UNKNOWN

    # -- tests ---------------------------------------------------------------------------------

    def test(self, node: Node, left: Any, right: Any, result: bool | None) -> tuple[str, str]:
        """A recorded test (comparison, list test or group test) as (zh, en) text.

        The same test with the same values at the same place and date always reads the same,
        so each reading is kept per pack (bounded), keyed with the values' types (``1`` and
        ``True``, ``Decimal(1)`` and ``1`` read differently).
        """
        key = (
            id(node),
            type(left),
            left,
            type(right),
            right,
            result,
            self.on,
            self.city,
            self.county,
            self.office_city,
        )
        return self._said.remember(key, self._test, node, left, right, result)

    def _test(self, node: Node, left: Any, right: Any, result: bool | None) -> tuple[str, str]:
        if isinstance(node, Compare):
            flat = self._flat(node, left, right, result)
            if flat is not None:
                return flat
            lz, le = self.operand(node.left, left)
            rz, re_ = self.operand(node.right, right)
            if isinstance(node.right, Lit) and isinstance(node.left, FactRef):
                fact = FACTS[node.left.path]
                if fact.unit_zh and fact.type.kind is not Kind.MONEY:
                    rz, re_ = f"{rz} {fact.unit_zh}", f"{re_} {fact.unit_en}"
            if result is None:
                return (
                    f"{lz}，{rz}：无法判断（事实不明）",
                    f"{le}; {re_}: cannot tell (facts unknown)",
                )
            tz, fz, te, fe = _OPS[node.op]
            return (f"{lz}，{tz if result else fz}{rz}", f"{le} {te if result else fe} {re_}")
        if isinstance(node, InList):
            lz, le = self.operand(node.item, left)
            codes = FACTS[node.item.path].type.codes if isinstance(node.item, FactRef) else None
            names = [self.show(c.value, None, codes) for c in node.choices]
            inside = result if not node.negated or result is None else not result
            listing_zh = "、".join(n[0] for n in names)
            listing_en = ", ".join(n[1] for n in names)
            if inside is None:
                return (
                    f"{lz}：无法判断是否属于{listing_zh}",
                    f"{le}: cannot tell whether in {listing_en}",
                )
            return (
                f"{lz}，{'属于' if inside else '不属于'}{listing_zh}",
                f"{le} {'is' if inside else 'is not'} one of {listing_en}",
            )
        if isinstance(node, Listed):
            if left is UNKNOWN:
                return "申请事项不明", "the matter is not known"
            if left is NOT_APPLICABLE:
                return "非民事、行政事项", "not a civil or administrative matter"
            mz, me = self.show(left, None, "matter")
            if result:
                return (
                    f"申请事项{mz}列入本地法律援助事项范围",
                    f"the matter {me} is on the local list",
                )
            return (
                f"申请事项{mz}不在{self.pack.title}规定的法律援助事项范围内",
                f"the matter {me} is not on the list of {self.pack.id}",
            )
        if isinstance(node, GroupTest):
            g = self.pack.groups[node.group]
            member, proof = left, right
            if member is False:
                return f"申请人不属于{g.zh}", f"the applicant is not {g.en}"
            if member is None:
                return f"是否属于{g.zh}尚不明确", f"whether the applicant is {g.en} is not known"
            if node.test == "member":
                return f"申请人属于{g.zh}", f"the applicant is {g.en}"
            proofs = "、".join(g.proofs)
            if proof:
                return (
                    f"申请人属于{g.zh}，已提供证明（{proofs}）",
                    f"the applicant is {g.en}, with proof",
                )
            return (
                f"申请人属于{g.zh}，尚未提供证明（{proofs}）",
                f"the applicant is {g.en}, proof not yet provided ({proofs})",
            )
        return "", ""

    def _flat(self, node: Compare, left: Any, right: Any, result: bool | None) -> tuple[str, str] | None:
        """``fact == literal`` for yes/no facts and codes reads as ``label：value``."""
        if (
            node.op not in ("==", "!=")
            or not isinstance(node.left, FactRef)
            or not isinstance(node.right, Lit)
        ):
            return None
        fact = FACTS[node.left.path]
        if fact.type.kind not in (Kind.BOOL, Kind.TEXT):
            return None
        vz, ve = self.show(left, fact.type.kind, fact.type.codes)
        if result is False and left is not NOT_APPLICABLE:
            wz, we = self.show(node.right.value, fact.type.kind, fact.type.codes)
            verb_zh, verb_en = ("不为", "is not") if node.op == "==" else ("为", "is")
            return f"{fact.zh}：{vz}（{verb_zh}{wz}）", f"{fact.en}: {ve} ({verb_en} {we})"
        return f"{fact.zh}：{vz}", f"{fact.en}: {ve}"


class _ConditionLabels(dict[str, Label]):
    """The names a pack gives the things its conditions name (kept in its cache)."""


def condition_labels(pack: ResolvedPack) -> Mapping[str, Label]:
    """The labels :func:`~legalaid_rules.conditions.prose.describe` reads, from the pack's own names:
    a regional figure is named for the pack's city (安庆市最低生活保障标准), else ``当地``; a figure
    of the accepting office's city (``by: office_city``) outside a city pack names that city."""

    def build() -> _ConditionLabels:
        region = pack.regions.get(pack.jurisdiction)
        place = region if region is not None and region.level == "city" else None
        labels = _ConditionLabels(
            pack_labels(
                parameters=pack.parameters,
                regional={name: p.by is not None for name, p in pack.parameters.items()},
                place=place,
                groups=pack.groups,
                matters=pack.matters,
                rules={r.id: r for r in pack.rules},
                regions=pack.regions,
                values=ENUM_LABELS,
                scope=Label(
                    f"{pack.title}规定的法律援助事项范围", "the legal-aid matters listed in the pack"
                ),
            )
        )
        if place is None:
            for name, p in pack.parameters.items():
                if p.by == "office_city":
                    labels[f"parameter:{name}"] = Label(
                        f"受理申请的法律援助机构所在市{p.zh}", f"the accepting office's city's {p.en or p.zh}"
                    )
        return labels

    return pack.cache.get(_ConditionLabels, build)


def condition_prose(pack: ResolvedPack, node: Node) -> Label:
    """A condition of ``pack`` read as Chinese and English prose (the code form is its text)."""
    return describe(node, condition_labels(pack))


class _Said(Memo[tuple[Any, ...], tuple[str, str]]):
    """Test readings already made for one pack (kept in its cache; the nodes live as long)."""

    limit = _WORDED


class _Reasons(Memo[tuple[Any, ...], Reason]):
    """Reasons already worded for one pack, by rule, result and the readings of its tests (kept
    in its cache: a reason is frozen, and the same readings always word the same reason)."""

    limit = _WORDED


_HEAD_ZH = {True: "满足", False: "不满足", None: "尚无法判断"}
_HEAD_EN = {True: "met", False: "not met", None: "cannot tell yet"}


def reason(rule: Rule, result: Tri, records: tuple[Record, ...], explainer: Explainer) -> Reason:
    """Why a rule decided: its result, the tests it compared read aloud, and its basis."""
    said = tuple([explainer.test(node, left, right, res) for node, left, right, res in records])
    return explainer.reasons.remember((rule.id, result, said), _reason, rule, result, said)


def _reason(rule: Rule, result: Tri, said: tuple[tuple[str, str], ...]) -> Reason:
    shown = [t for t in said if t[0]]
    detail_zh = "；".join(dict.fromkeys(t[0] for t in shown))
    detail_en = "; ".join(dict.fromkeys(t[1] for t in shown))
    return Reason(
        rule=rule.id,
        result=TRUTH[result],
        zh=f"{_HEAD_ZH[result]}：{rule.zh}" + (f"（{detail_zh}）" if detail_zh else ""),
        en=f"{_HEAD_EN[result]}: {rule.en}" + (f" ({detail_en})" if detail_en else ""),
        basis=rule.basis.zh,
        verified=rule.verified,
    )


def missing_item(pack: ResolvedPack, key: MissingKey, rules: list[str]) -> MissingItem:
    """What the office asks the applicant for (Art 43), and the rules that need it."""
    memo = pack.cache.get(_Asked, _Asked)
    return memo.remember((key, *rules), _missing_item, pack, key, rules)


class _Asked(Memo[tuple[Any, ...], MissingItem]):
    """Missing items already worded for one pack, by what is missing and the rules that need it
    (kept in its cache: an item is frozen)."""

    limit = _WORDED


def _missing_item(pack: ResolvedPack, key: MissingKey, rules: list[str]) -> MissingItem:
    kind, name = key
    if kind == "fact":
        fact = FACTS[name]
        return MissingItem(
            fact=missing_path(key),
            kind="fact",
            zh=fact.ask_zh or fact.zh,
            en=fact.ask_en or fact.en,
            rules=tuple(rules),
        )
    group = pack.groups[name]
    proofs = "、".join(group.proofs)
    if kind == "proof":
        return MissingItem(
            fact=missing_path(key),
            kind="document",
            zh=f"{group.zh}身份的证明材料（{proofs}）",
            en=f"proof of being {group.en} ({proofs})",
            rules=tuple(rules),
        )
    return MissingItem(
        fact=missing_path(key),
        kind="fact",
        zh=f"申请人是否属于{group.zh}（{proofs}）",
        en=f"whether the applicant is {group.en} ({proofs})",
        rules=tuple(rules),
    )


def warnings(
    pack: ResolvedPack,
    place: Place,
    rules: Iterable[tuple[Rule, tuple[str, ...], tuple[str, ...], tuple[Record, ...]]],
) -> tuple[DecisionWarning, ...]:
    """What the reader should know about the deciding rules: unverified texts, groups, values.

    Args:
        pack: the pack.
        place: the application's place.
        rules: each deciding rule with the groups and parameters its condition names, and
            the tests it recorded.
    """
    used: list[tuple[Rule, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = []
    key: list[Any] = [place.on, place.city, place.county, place.office_city]
    for rule, groups, params, records in rules:
        members = tuple(
            [
                gid
                for gid in groups
                if any(
                    isinstance(node, GroupTest) and node.group == gid and member is True
                    for node, member, _, _ in records
                )
            ]
        )
        used.append((rule, groups, members, params))
        key.append(rule.id)
        key.append(members)
    memo = pack.cache.get(_Warnings, _Warnings)
    return memo.remember(tuple(key), _warnings, pack, place, used)


class _Warnings(Memo[tuple[Any, ...], tuple[DecisionWarning, ...]]):
    """Warnings already worded for one pack, by place, date, deciding rules and the groups they
    found the applicant in (kept in its cache: the warnings depend on nothing else)."""

    limit = _WORDED


def _warnings(
    pack: ResolvedPack,
    place: Place,
    rules: list[tuple[Rule, tuple[str, ...], tuple[str, ...], tuple[str, ...]]],
) -> tuple[DecisionWarning, ...]:
    out: dict[str, DecisionWarning] = {}
    for rule, groups, members, params in rules:
        if not rule.verified:
            out[f"rule:{rule.id}"] = DecisionWarning(
                code="unverified_rule",
                zh=f"规则 {rule.id} 所依据的文本（{rule.basis.zh}）尚未与公开文本核对"
                + (f"：{rule.note}" if rule.note else ""),
                en=f"rule {rule.id} rests on a text not checked against a published copy"
                + (f" ({rule.basis.zh})" if rule.basis.zh else ""),
            )
        for gid in groups:
            group = pack.groups[gid]
            if gid in members and not group.basis.verified:
                out[f"group:{gid}"] = DecisionWarning(
                    code="unverified_group",
                    zh=f"所用群体定义未经核实：{group.zh}（{group.basis.zh}）",
                    en=f"an unverified group definition was used: {group.en} ({group.basis.zh})",
                )
        for name in params:
            p = pack.parameters[name]
            hit = _value_at(pack, name, place)
            if hit is not None and not hit.verified:
                region = p.region_for(place.city, place.county, place.office_city)
                where = pack.region_name(region)
                out[f"param:{name}"] = DecisionWarning(
                    code="unverified_value",
                    zh=f"所用数值未经核实：{where}{p.zh} {hit.value}"
                    + (f"（{hit.note}）" if hit.note else ""),
                    en=f"an unverified value was used: {p.en} {hit.value}"
                    + (f" for {region}" if region else ""),
                )
    return tuple(out[k] for k in sorted(out))


class _Hits(Memo[tuple[Any, ...], Any]):
    """Parameter values found for one pack by (name, date, city, county, office city) (kept in its cache)."""

    limit = _WORDED


def _value_at(pack: ResolvedPack, name: str, place: Place) -> Any:
    """The value of a parameter in force for a place and date (kept: lookups repeat)."""
    hits = pack.cache.get(_Hits, _Hits)
    key = (name, place.on, place.city, place.county, place.office_city)
    return hits.remember(key, pack.parameters[name].at, place.on, place.city, place.county, place.office_city)


def decision_text(d: Decision, lang: str = "zh") -> str:
    """Render a decision for a person: outcome, reasons with legal basis, missing list, warnings.

    Chinese text uses full-width punctuation, English text ASCII punctuation; a Chinese legal
    basis quoted in English keeps its own.
    """
    zh = lang == "zh"
    i = 0 if zh else 1

    def line(label_zh: str, label_en: str, value: str, note: str = "") -> str:
        if zh:
            return f"{label_zh}：{value}" + (f"（{note}）" if note else "")
        return f"{label_en}: {value}" + (f" ({note})" if note else "")

    lines = [
        line("决定", "Decision", OUTCOME_TEXT[d.outcome.value][i], d.outcome.value),
        line("规则包", "Pack", f"{d.pack.id} {d.pack.version}", f"{d.pack.digest[:19]}…"),
        line("申请日期", "Date", d.date.isoformat()),
    ]
    if d.matter:
        lines.append(line("事项", "Matter", d.matter.zh if zh else d.matter.en, d.matter.basis))
    lines.append(line("经济困难条件", "Hardship", ECONOMIC_TEXT[d.economic.value][i], d.economic.value))
    if d.urgent:
        lines.append(
            "先行提供法律援助：是（《法律援助法》第四十四条）"
            if zh
            else "Urgent: aid may be provided first (Art 44)"
        )
    lines.append("理由：" if zh else "Reasons:")
    for n, r in enumerate(d.reasons, 1):
        lines.append(f"  {n}. {r.zh if zh else r.en}")
        unverified = "" if r.verified else ("（未经核实）" if zh else " (unverified)")
        lines.append(f"     {'依据：' if zh else 'Basis: '}{r.basis}{unverified}")
    if d.missing:
        lines.append(
            "需一次性告知申请人补充的事项和材料（《法律援助法》第四十三条）："
            if zh
            else "To request from the applicant, all at once (Art 43):"
        )
        for m in d.missing:
            lines.append(f"  - {m.zh if zh else m.en}  [{m.fact}; {', '.join(m.rules)}]")
    if d.deadline is not None:
        dl = d.deadline
        unverified = "" if dl.verified else ("（未经核实）" if zh else " (unverified)")
        lines.append(line("决定期限", "Decide by", dl.decide_by.isoformat(), dl.basis + unverified))
        lines.append(f"  {dl.zh if zh else dl.en}")
    if d.warnings:
        lines.append("提示：" if zh else "Warnings:")
        for w in d.warnings:
            lines.append(f"  ! {w.zh if zh else w.en}")
    return "\n".join(lines)
