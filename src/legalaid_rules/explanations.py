"""Plain Chinese and English readings of evaluated tests, stating the values compared.

``家庭人均月收入 1,500.00 元，低于安庆市最低生活保障标准 780.00 元的 2 倍 1,560.00 元``

Labels come from the fact table and the pack (parameters, groups, matters, regions); the
wording of each comparison follows the result actually found (``低于`` when true, ``不低于``
when false), so a reason never says more than the evaluation showed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from legalaid_rules.conditions.facts import FACTS
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
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.values import MATH, NOT_APPLICABLE, UNKNOWN

__all__ = ["ECONOMIC_TEXT", "ENUM_LABELS", "OUTCOME_TEXT", "Explainer", "format_money"]

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
    "investigation": ("侦查阶段", "investigation"),
    "prosecution_review": ("审查起诉阶段", "prosecution review"),
    "trial": ("审判阶段（一审）", "trial (first instance)"),
    "second_instance": ("二审阶段", "second instance"),
    "death_penalty_review": ("死刑复核阶段", "death-penalty review"),
    "court": ("人民法院", "the court"),
    "procuratorate": ("人民检察院", "the procuratorate"),
    "police": ("公安机关", "the police"),
    "not_notified": ("未经通知（本人申请）", "not notified (own application)"),
}

_FEN = Decimal("0.01")
_FEN4 = Decimal("0.0001")

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
    """
    exact = value.quantize(_FEN, context=MATH)
    if exact == value:
        return f"{exact:,.2f}"  # already exact at two places: formatting cannot round
    return f"≈{value.quantize(_FEN4, context=MATH):,.4f}"


class Explainer:
    """Reads evaluated tests aloud, in the terms of one pack and one application's place."""

    def __init__(self, pack: ResolvedPack, on: dt.date, city: str | None, county: str | None) -> None:
        self.pack = pack
        self.on = on
        self.city = city
        self.county = county

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
            region = p.region_for(self.city, self.county)
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
            hit = self.pack.parameters[node.name].at(self.on, self.city, self.county)
            return UNKNOWN if hit is None else hit.value
        if isinstance(node, Lit):
            return node.value
        return UNKNOWN

    # -- tests ---------------------------------------------------------------------------------

    def test(self, node: Node, left: Any, right: Any, result: bool | None) -> tuple[str, str]:
        """A recorded test (comparison, list test or group test) as (zh, en) text."""
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
