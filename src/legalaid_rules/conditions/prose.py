"""Conditions read as Chinese and English prose, for summaries and explanations.

``household.per_capita_income < 2 * minimum_living_standard and not rule(anhui.art23.exempt_status)``
reads ``家庭人均月收入低于安庆市最低生活保障标准的 2 倍，且不符合“…”``. The prose is built from the
checked syntax tree, never from the condition's text: facts are named by the fact table, and
everything a pack defines (parameters, groups, matters, rules, regions, coded values) by the
labels the caller passes in, so this module needs no pack and no evaluation. The code form stays
available to whoever holds the condition text.

>>> from legalaid_rules.conditions import parse
>>> labels = {
...     "parameter:minimum_living_standard": Label("安庆市最低生活保障标准", "Anqing's dibao"),
...     "group:migrant_worker": Label("农民工", "a migrant worker"),
... }
>>> text = "household.per_capita_income < 2 * minimum_living_standard and not member(migrant_worker)"
>>> prose = describe(parse(text), labels)
>>> print(prose.zh)
家庭人均月收入低于安庆市最低生活保障标准的 2 倍，且申请人不属于农民工
>>> print(prose.en)
household per-capita monthly income is below twice Anqing's dibao, and the applicant is not a migrant worker
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.conditions.syntax import (
    All,
    Any_,
    Arith,
    Compare,
    FactRef,
    GroupTest,
    InList,
    Listed,
    Lit,
    Node,
    Not,
    ParamRef,
    RuleRef,
    YearOf,
)
from legalaid_rules.conditions.types import Kind, Type

__all__ = ["Label", "Labelled", "describe", "pack_labels"]


@dataclass(frozen=True, slots=True)
class Label:
    """A name or a sentence in Chinese and English."""

    zh: str
    en: str


class Labelled(Protocol):
    """Anything with a Chinese and (maybe) an English name: a pack's parameter, group, matter,
    rule or region."""

    @property
    def zh(self) -> str: ...

    @property
    def en(self) -> str | None: ...


def pack_labels(
    *,
    parameters: Mapping[str, Labelled] | None = None,
    groups: Mapping[str, Labelled] | None = None,
    matters: Mapping[str, Labelled] | None = None,
    rules: Mapping[str, Labelled] | None = None,
    regions: Mapping[str, Labelled] | None = None,
    values: Mapping[str, tuple[str, str]] | None = None,
    regional: Mapping[str, bool] | None = None,
    place: Labelled | None = None,
    scope: Labelled | None = None,
) -> dict[str, Label]:
    """The labels :func:`describe` reads, from a pack's own names.

    Args:
        parameters, groups, matters, rules, regions: by id, anything with ``zh`` and ``en``
            (e.g. ``pack.parameters``; for rules ``{r.id: r for r in pack.rules}``).
        values: (zh, en) names of coded values such as ``defendant`` or ``court``.
        regional: for each parameter whose value depends on the applicant's place, True.
        place: the place a regional parameter is read for, when the reader has one in mind
            (安庆市: ``安庆市最低生活保障标准``); without it the prose says ``当地`` (local).
        scope: the name of the list of matters ``listed(matter)`` refers to.

    >>> from types import SimpleNamespace as N
    >>> pack_labels(parameters={"mls": N(zh="最低生活保障标准", en="minimum living standard")},
    ...             regional={"mls": True}, place=N(zh="安庆市", en="Anqing"))
    {'parameter:mls': Label(zh='安庆市最低生活保障标准', en="Anqing's minimum living standard")}
    """
    out: dict[str, Label] = {}
    for name, p in (parameters or {}).items():
        zh, en = p.zh, p.en or p.zh
        if (regional or {}).get(name):
            zh, en = (
                (place.zh + zh, f"{place.en or place.zh}'s {en}")
                if place
                else ("当地" + zh, f"the local {en}")
            )
        out[f"parameter:{name}"] = Label(zh, en)
    for kind, named in (("group", groups), ("matter", matters), ("rule", rules), ("region", regions)):
        for key, item in (named or {}).items():
            out[f"{kind}:{key}"] = Label(item.zh, item.en or item.zh)
    for code, (zh, en) in (values or {}).items():
        out[f"value:{code}"] = Label(zh, en)
    if scope is not None:
        out["scope"] = Label(scope.zh, scope.en or scope.zh)
    return out


def describe(node: Node, labels: Mapping[str, Label]) -> Label:
    """A checked condition as Chinese and English prose.

    Args:
        node: the syntax tree of a condition that passed :func:`~legalaid_rules.conditions.check_condition`.
        labels: names by kind and id: ``parameter:<name>``, ``group:<id>``, ``matter:<code>``,
            ``rule:<id>``, ``region:<id>``, ``value:<code>`` (a coded value such as ``court``),
            ``scope`` (the list of matters) and, to override the fact table, ``fact:<path>``.
            :func:`pack_labels` builds them from a pack. A missing label falls back to the id.

    Returns:
        The prose: Chinese clauses joined by ``，且`` / ``，或``, English by ``, and`` / ``, or``,
        brackets only where a group of alternatives sits inside a list of requirements.
    """
    return _Prose(labels).boolean(node, nested=False)


# (zh, en) for an ordered comparison of amounts and numbers, and of dates
_ORDER = {
    "<": ("低于", "is below"),
    "<=": ("不高于", "is at most"),
    ">": ("高于", "is above"),
    ">=": ("不低于", "is at least"),
    "==": ("为", "is"),
    "!=": ("不为", "is not"),
}
_DATES = {
    "<": ("早于", "is before"),
    "<=": ("不晚于", "is on or before"),
    ">": ("晚于", "is after"),
    ">=": ("不早于", "is on or after"),
    "==": ("为", "is"),
    "!=": ("不为", "is not"),
}
_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_MULTIPLES_EN = {2: "twice", 3: "three times"}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class _Prose:
    def __init__(self, labels: Mapping[str, Label]) -> None:
        self.labels = labels

    def label(self, kind: str, key: str) -> Label:
        found = self.labels.get(f"{kind}:{key}")
        return found if found is not None else Label(key, key)

    # -- yes/no ---------------------------------------------------------------------------------

    def boolean(self, node: Node, nested: bool, negate: bool = False) -> Label:
        if isinstance(node, All | Any_):
            is_all = isinstance(node, All) != negate  # De Morgan: not (a and b) = not a or not b
            groups = self.group_choice(node.items) if not is_all and not negate else None
            if groups is not None:
                return groups
            parts = [self.boolean(item, nested=True, negate=negate) for item in node.items]
            zh = ("，且" if is_all else "，或").join(p.zh for p in parts)
            en = (", and " if is_all else ", or ").join(p.en for p in parts)
            if nested:
                return Label(f"（{zh}）", f"({en})")
            return Label(zh, en)
        if isinstance(node, Not):
            return self.boolean(node.item, nested, not negate)
        if isinstance(node, Compare):
            return self.compare(node, negate)
        if isinstance(node, InList):
            return self.in_list(node, node.negated != negate)
        if isinstance(node, GroupTest):
            g = self.label("group", node.group)
            if node.test == "member":
                if negate:
                    return Label(f"申请人不属于{g.zh}", f"the applicant is not {g.en}")
                return Label(f"申请人属于{g.zh}", f"the applicant is {g.en}")
            if negate:
                return Label(f"未证明申请人属于{g.zh}", f"it is not proven that the applicant is {g.en}")
            return Label(f"经证明申请人属于{g.zh}", f"the applicant is proven to be {g.en}")
        if isinstance(node, Listed):
            scope = self.labels.get("scope", Label("法律援助事项范围", "the list of legal-aid matters"))
            verb_zh, verb_en = ("不属于", "is not on") if negate else ("属于", "is on")
            return Label(f"申请事项{verb_zh}{scope.zh}", f"the matter {verb_en} {scope.en}")
        if isinstance(node, RuleRef):
            r = self.label("rule", node.rule)
            if negate:
                return Label(f"不符合“{r.zh}”", f"“{r.en}” does not apply")
            return Label(f"符合“{r.zh}”", f"“{r.en}” applies")
        if isinstance(node, FactRef):  # a yes/no fact on its own
            f = self.fact(node.path)
            return Label(f"并非{f.zh}", f"it is not so that {f.en}") if negate else f
        if isinstance(node, Lit) and isinstance(node.value, bool):
            holds = node.value != negate
            return Label("总是成立", "always") if holds else Label("从不成立", "never")
        return self.value(node)  # pragma: no cover - a checked condition has no other yes/no node

    def group_choice(self, items: tuple[Node, ...]) -> Label | None:
        """``proven(a) or proven(b) or proven(c)`` as one clause: 经证明申请人属于A、B或C."""
        tests = {item.test for item in items if isinstance(item, GroupTest)}
        if len(tests) != 1 or not all(isinstance(item, GroupTest) for item in items):
            return None
        names = [self.label("group", item.group) for item in items if isinstance(item, GroupTest)]
        zh, en = _either([n.zh for n in names], "、", "或"), _either([n.en for n in names], ", ", " or ")
        if tests == {"member"}:
            return Label(f"申请人属于{zh}", f"the applicant is {en}")
        return Label(f"经证明申请人属于{zh}", f"the applicant is proven to be {en}")

    def compare(self, node: Compare, negate: bool) -> Label:
        op = _NEGATED[node.op] if negate else node.op
        t = self.type_of(node.left) or self.type_of(node.right)
        if op in ("==", "!=") and t is not None and t.kind is Kind.BOOL:
            # a yes/no fact compared with true/false reads as the statement or its denial
            fact, lit = (node.left, node.right) if isinstance(node.right, Lit) else (node.right, node.left)
            if isinstance(lit, Lit) and isinstance(lit.value, bool) and not isinstance(fact, Lit):
                holds = lit.value == (op == "==")
                inner = self.value(fact)
                return inner if holds else Label(f"并非{inner.zh}", f"it is not so that {inner.en}")
        words = _DATES if t is not None and t.kind is Kind.DATE else _ORDER
        verb = words[op]
        left = self.value(node.left, other=node.right)
        right = self.value(node.right, other=node.left)
        return Label(_spaced(left.zh, verb[0], right.zh), f"{left.en} {verb[1]} {right.en}")

    def in_list(self, node: InList, negated: bool) -> Label:
        item = self.value(node.item)
        names = [self.value(c, other=node.item) for c in node.choices]
        if not names:
            return Label("总是成立", "always") if negated else Label("从不成立", "never")
        zh, en = _either([n.zh for n in names], "、", "或"), _either([n.en for n in names], ", ", " or ")
        if negated:
            return Label(f"{item.zh}不为{zh}", f"{item.en} is none of {en}")
        return Label(
            f"{item.zh}为{zh}", f"{item.en} is {en}" if len(names) == 1 else f"{item.en} is one of {en}"
        )

    # -- values ---------------------------------------------------------------------------------

    def fact(self, path: str) -> Label:
        override = self.labels.get(f"fact:{path}")
        if override is not None:
            return override
        fact = FACTS.get(path)
        return Label(fact.zh, fact.en) if fact is not None else Label(path, path)

    def type_of(self, node: Node) -> Type | None:
        if isinstance(node, FactRef):
            fact = FACTS.get(node.path)
            return None if fact is None else fact.type
        if isinstance(node, Arith):
            return self.type_of(node.left) or self.type_of(node.right)
        return None

    def value(self, node: Node, other: Node | None = None) -> Label:
        """A value; ``other`` is what it is compared with (it gives a literal its unit or codes)."""
        if isinstance(node, FactRef):
            return self.fact(node.path)
        if isinstance(node, ParamRef):
            return self.label("parameter", node.name)
        if isinstance(node, Lit):
            return self.literal(node.value, other)
        if isinstance(node, YearOf):
            arg = self.value(node.arg)
            return Label(f"{arg.zh}所在年份", f"the year of {arg.en}")
        if isinstance(node, Arith):
            return self.arith(node)
        return self.boolean(node, nested=True)  # pragma: no cover - checked trees compare values

    def arith(self, node: Arith) -> Label:
        if node.op == "*" and (isinstance(node.left, Lit) or isinstance(node.right, Lit)):
            k, x = (node.left, node.right) if isinstance(node.left, Lit) else (node.right, node.left)
            assert isinstance(k, Lit)
            inner = self.value(x)
            times = _number(k.value)
            en = _MULTIPLES_EN.get(k.value) if isinstance(k.value, int) else None
            return Label(
                f"{inner.zh}的 {times} 倍", f"{en} {inner.en}" if en else f"{times} times {inner.en}"
            )
        left, right = self.value(node.left, other=node.right), self.value(node.right, other=node.left)
        zh, en = {
            "+": ("加", "plus"),
            "-": ("减", "minus"),
            "*": ("乘以", "times"),
            "/": ("除以", "divided by"),
        }[node.op]
        return Label(_spaced(left.zh, zh, right.zh), f"{left.en} {en} {right.en}")

    def literal(self, value: object, other: Node | None) -> Label:
        if isinstance(value, bool):
            return Label("是", "yes") if value else Label("否", "no")
        if isinstance(value, dt.date):
            month = _MONTHS[value.month - 1]
            return Label(
                f"{value.year} 年 {value.month} 月 {value.day} 日", f"{value.day} {month} {value.year}"
            )
        if isinstance(value, int | Decimal):
            text = _number(value)
            if isinstance(other, YearOf):
                return Label(f"{text} 年", text)
            t = None if other is None else self.type_of(other)
            if t is not None and t.kind is Kind.MONEY:
                return Label(f"{text} 元", f"{text} yuan")
            if isinstance(other, FactRef) and other.path in FACTS:
                fact = FACTS[other.path]
                if fact.unit_zh:
                    return Label(f"{text} {fact.unit_zh}", f"{text} {fact.unit_en}")
            return Label(text, text)
        code = str(value)
        t = None if other is None else self.type_of(other)
        if t is not None and t.codes == "matter":
            m = self.label("matter", code)
            return Label(f"“{m.zh}”", f"“{m.en}”")
        if t is not None and t.codes == "region":
            return self.label("region", code)
        return self.label("value", code)


def _either(names: list[str], comma: str, last: str) -> str:
    """``a``, ``a或b``, ``a、b或c``."""
    return names[0] if len(names) == 1 else comma.join(names[:-1]) + last + names[-1]


def _spaced(*parts: str) -> str:
    """Chinese text joined, with a space between a Chinese character and a number or Latin word
    (``低于 60 周岁``), as Chinese typography sets them."""
    out = parts[0]
    for part in parts[1:]:
        if out and part and ((_cjk(out[-1]) and _latin(part[0])) or (_latin(out[-1]) and _cjk(part[0]))):
            out += " "
        out += part
    return out


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _number(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
