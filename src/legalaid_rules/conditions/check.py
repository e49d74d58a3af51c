"""Check a parsed condition against the fact table and a pack's own names, before any use.

Every name must exist (facts, parameters, groups, rules, and the codes compared with matters,
regions and enumerations), and every comparison must compare like with like. All problems are
returned, each with the span of the offending text and a did-you-mean hint where one helps.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.conditions.messages import KINDS, texts
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
from legalaid_rules.conditions.types import BOOL, DATE, MONEY, NUMBER, Kind, Type

__all__ = ["CheckProblem", "Names", "check_condition"]

_TEXT = Type(Kind.TEXT)


@dataclass(frozen=True)
class Names:
    """What a condition in one pack may refer to."""

    parameters: Mapping[str, Type]
    groups: Collection[str]
    rules: Collection[str]
    matters: Collection[str]
    regions: Collection[str]


@dataclass(frozen=True, slots=True)
class CheckProblem:
    """One problem in a condition, at a span of its text.

    ``message`` and ``hint`` are in the reader's language (``未知的参数 `x``` or ``unknown
    parameter `x```); ``key`` is the message's id in :data:`~legalaid_rules.conditions.messages.MESSAGES`.
    """

    code: str
    message: str
    span: tuple[int, int]
    hint: str | None = None
    key: str = ""


def _names_of(kind: str) -> dict[str, str]:
    zh, en = KINDS.get(kind, (kind, kind))
    return {"kind": en, "kind_zh": zh}


@dataclass
class _Checker:
    names: Names
    problems: list[CheckProblem] = field(default_factory=list)
    rule_refs: list[str] = field(default_factory=list)

    def fail(
        self,
        key: str,
        node: Node,
        args: Mapping[str, str] | None = None,
        suggest: tuple[str, Iterable[str]] | None = None,
    ) -> None:
        """Record the problem ``key`` (a message id) at ``node``; ``suggest`` is (word, choices)."""
        t = texts(key, **(args or {}))
        hint = t.hint
        if suggest is not None:
            matches = difflib.get_close_matches(suggest[0], list(suggest[1]), n=1, cutoff=0.6)
            if matches:
                h = texts("condition.hint.did_you_mean", name=matches[0])
                hint = h.message
        code = ".".join(key.split(".")[:2])
        self.problems.append(CheckProblem(code, t.message, node.span, hint, key))

    def boolean(self, node: Node) -> None:
        if isinstance(node, All | Any_):
            for item in node.items:
                self.boolean(item)
        elif isinstance(node, Not):
            self.boolean(node.item)
        elif isinstance(node, Compare):
            self.compare(node)
        elif isinstance(node, InList):
            self.in_list(node)
        elif isinstance(node, GroupTest):
            if node.group not in self.names.groups:
                self.fail(
                    "condition.unknown_group", node, {"name": node.group}, (node.group, self.names.groups)
                )
        elif isinstance(node, Listed):
            pass
        elif isinstance(node, RuleRef):
            self.rule_refs.append(node.rule)
            if node.rule not in self.names.rules:
                self.fail("condition.unknown_rule", node, {"name": node.rule}, (node.rule, self.names.rules))
        else:
            t = self.value(node)
            if t is not None and t != BOOL:
                self.fail("condition.not_boolean", node, _names_of(_kind(t)))

    def value(self, node: Node) -> Type | None:
        if isinstance(node, Lit):
            return _lit_type(node.value)
        if isinstance(node, FactRef):
            fact = FACTS.get(node.path)
            if fact is None:
                self.fail("condition.unknown_fact", node, {"name": node.path}, (node.path, FACTS))
                return None
            return fact.type
        if isinstance(node, ParamRef):
            t = self.names.parameters.get(node.name)
            if t is None:
                self.fail(
                    "condition.unknown_parameter",
                    node,
                    {"name": node.name},
                    (node.name, self.names.parameters),
                )
            return t
        if isinstance(node, YearOf):
            t = self.value(node.arg)
            if t is not None and t != DATE:
                self.fail("condition.type.year_of", node, _names_of(_kind(t)))
            return NUMBER
        if isinstance(node, Arith):
            return self.arith(node)
        self.fail("condition.type.condition_as_value", node)
        return None

    def pair(self, left: Type, right: Type) -> dict[str, str]:
        lz, le = KINDS.get(_kind(left), (_kind(left),) * 2)
        rz, re_ = KINDS.get(_kind(right), (_kind(right),) * 2)
        return {"left": le, "left_zh": lz, "right": re_, "right_zh": rz}

    def arith(self, node: Arith) -> Type | None:
        lt, rt = self.value(node.left), self.value(node.right)
        if lt is None or rt is None:
            return None
        kinds = (lt.kind, rt.kind)
        numeric = {Kind.MONEY, Kind.NUMBER}
        if not set(kinds) <= numeric:
            self.fail("condition.type.arithmetic", node, {"op": node.op, **self.pair(lt, rt)})
            return None
        if node.op in "+-":
            if lt.kind != rt.kind and not _is_number_lit(node.left) and not _is_number_lit(node.right):
                self.fail("condition.type.add_mixed", node, self.pair(lt, rt))
                return None
            return MONEY if Kind.MONEY in kinds else NUMBER
        if node.op == "*":
            if kinds == (Kind.MONEY, Kind.MONEY):
                self.fail("condition.type.money_times_money", node)
                return None
            return MONEY if Kind.MONEY in kinds else NUMBER
        if kinds == (Kind.NUMBER, Kind.MONEY):
            self.fail("condition.type.number_over_money", node)
            return None
        return NUMBER if kinds == (Kind.MONEY, Kind.MONEY) else lt

    def compare(self, node: Compare) -> None:
        lt, rt = self.value(node.left), self.value(node.right)
        if lt is None or rt is None:
            return
        unordered = [t for t in (lt, rt) if t.kind in (Kind.TEXT, Kind.BOOL)]
        if unordered and node.op not in ("==", "!="):
            self.fail("condition.type.unordered", node, {"op": node.op, **_names_of(_kind(unordered[0]))})
            return
        if not _compatible(lt, rt, node.left, node.right):
            self.fail("condition.type.mismatch", node, self.pair(lt, rt))
            return
        self.codes(lt, node.right)
        self.codes(rt, node.left)

    def in_list(self, node: InList) -> None:
        t = self.value(node.item)
        if t is None:
            return
        for choice in node.choices:
            ct = _lit_type(choice.value)
            if not _compatible(t, ct, node.item, choice):
                self.fail("condition.type.mismatch", choice, self.pair(t, ct))
            else:
                self.codes(t, choice)

    def codes(self, t: Type, other: Node) -> None:
        """A text literal compared with a coded fact must be one of its codes."""
        if t.kind != Kind.TEXT or not isinstance(other, Lit) or not isinstance(other.value, str):
            return
        known: Collection[str]
        args: dict[str, str]
        if t.codes == "matter":
            known, key, args = self.names.matters, "condition.unknown_code.matter", {}
        elif t.codes == "region":
            known, key, args = self.names.regions, "condition.unknown_code.region", {}
        elif t.values:
            what = t.codes or "text"
            known, key = t.values, "condition.unknown_code.value"
            args = {"what": what, "what_zh": KINDS.get(what, (what, what))[0]}
        else:
            return
        if other.value not in known:
            self.fail(key, other, {"name": other.value, **args}, (other.value, known))


def _lit_type(value: object) -> Type:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int | Decimal):
        return NUMBER
    if isinstance(value, date):
        return DATE
    return _TEXT


def _is_number_lit(node: Node) -> bool:
    return (
        isinstance(node, Lit) and isinstance(node.value, int | Decimal) and not isinstance(node.value, bool)
    )


def _compatible(a: Type, b: Type, an: Node, bn: Node) -> bool:
    if a.kind == b.kind:
        return True
    # a bare number may stand for an amount of money (in yuan)
    pair = {a.kind, b.kind}
    return pair == {Kind.MONEY, Kind.NUMBER} and (_is_number_lit(an) or _is_number_lit(bn))


def _kind(t: Type) -> str:
    """The key of a type's name in :data:`~legalaid_rules.conditions.messages.KINDS`."""
    return t.codes or t.kind.value


def check_condition(node: Node, names: Names) -> tuple[list[CheckProblem], list[str]]:
    """Check a condition. Returns its problems and the rule ids it refers to."""
    checker = _Checker(names)
    checker.boolean(node)
    return checker.problems, checker.rule_refs
