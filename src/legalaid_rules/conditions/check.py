"""Check a parsed condition against the fact table and a pack's own names, before any use.

Every name must exist (facts, parameters, groups, rules, and the codes compared with matters,
regions and enumerations), and every comparison must compare like with like. All problems are
returned, each with the span of the offending text and a did-you-mean hint where one helps.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

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
from legalaid_rules.conditions.types import BOOL, DATE, MONEY, NUMBER, Kind, Type
from legalaid_rules.errors import did_you_mean

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
    """One problem in a condition, at a span of its text."""

    code: str
    message: str
    span: tuple[int, int]
    hint: str | None = None


@dataclass
class _Checker:
    names: Names
    problems: list[CheckProblem] = field(default_factory=list)
    rule_refs: list[str] = field(default_factory=list)

    def fail(self, code: str, message: str, node: Node, hint: str | None = None) -> None:
        self.problems.append(CheckProblem(code, message, node.span, hint))

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
                    "condition.unknown_group",
                    f"unknown group `{node.group}`",
                    node,
                    did_you_mean(node.group, self.names.groups),
                )
        elif isinstance(node, Listed):
            pass
        elif isinstance(node, RuleRef):
            self.rule_refs.append(node.rule)
            if node.rule not in self.names.rules:
                self.fail(
                    "condition.unknown_rule",
                    f"unknown rule `{node.rule}`",
                    node,
                    did_you_mean(node.rule, self.names.rules),
                )
        else:
            t = self.value(node)
            if t is not None and t != BOOL:
                self.fail(
                    "condition.not_boolean",
                    f"`{_kind(t)}` is not a yes/no condition",
                    node,
                    "compare it with something, e.g. `x >= 60`",
                )

    def value(self, node: Node) -> Type | None:
        if isinstance(node, Lit):
            return _lit_type(node.value)
        if isinstance(node, FactRef):
            fact = FACTS.get(node.path)
            if fact is None:
                self.fail(
                    "condition.unknown_fact",
                    f"unknown fact `{node.path}`",
                    node,
                    did_you_mean(node.path, FACTS),
                )
                return None
            return fact.type
        if isinstance(node, ParamRef):
            t = self.names.parameters.get(node.name)
            if t is None:
                self.fail(
                    "condition.unknown_parameter",
                    f"unknown parameter `{node.name}`",
                    node,
                    did_you_mean(node.name, self.names.parameters),
                )
            return t
        if isinstance(node, YearOf):
            t = self.value(node.arg)
            if t is not None and t != DATE:
                self.fail("condition.type", f"year() takes a date, not {_kind(t)}", node)
            return NUMBER
        if isinstance(node, Arith):
            return self.arith(node)
        self.fail("condition.type", "a yes/no condition cannot be used as a value here", node)
        return None

    def arith(self, node: Arith) -> Type | None:
        lt, rt = self.value(node.left), self.value(node.right)
        if lt is None or rt is None:
            return None
        kinds = (lt.kind, rt.kind)
        numeric = {Kind.MONEY, Kind.NUMBER}
        if not set(kinds) <= numeric:
            self.fail("condition.type", f"cannot compute `{node.op}` on {_kind(lt)} and {_kind(rt)}", node)
            return None
        if node.op in "+-":
            if lt.kind != rt.kind and not _is_number_lit(node.left) and not _is_number_lit(node.right):
                self.fail("condition.type", f"cannot add or subtract {_kind(lt)} and {_kind(rt)}", node)
                return None
            return MONEY if Kind.MONEY in kinds else NUMBER
        if node.op == "*":
            if kinds == (Kind.MONEY, Kind.MONEY):
                self.fail("condition.type", "cannot multiply money by money", node)
                return None
            return MONEY if Kind.MONEY in kinds else NUMBER
        if kinds == (Kind.NUMBER, Kind.MONEY):
            self.fail("condition.type", "cannot divide a number by money", node)
            return None
        return NUMBER if kinds == (Kind.MONEY, Kind.MONEY) else lt

    def compare(self, node: Compare) -> None:
        lt, rt = self.value(node.left), self.value(node.right)
        if lt is None or rt is None:
            return
        unordered = [t for t in (lt, rt) if t.kind in (Kind.TEXT, Kind.BOOL)]
        if unordered and node.op not in ("==", "!="):
            self.fail(
                "condition.type",
                f"`{node.op}` compares amounts, numbers or dates, not {_kind(unordered[0])}",
                node,
                "use `==`, `!=` or `in [...]`",
            )
            return
        if not _compatible(lt, rt, node.left, node.right):
            self.fail("condition.type", f"cannot compare {_kind(lt)} with {_kind(rt)}", node)
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
                self.fail("condition.type", f"cannot compare {_kind(t)} with {_kind(ct)}", choice)
            else:
                self.codes(t, choice)

    def codes(self, t: Type, other: Node) -> None:
        """A text literal compared with a coded fact must be one of its codes."""
        if t.kind != Kind.TEXT or not isinstance(other, Lit) or not isinstance(other.value, str):
            return
        known: Collection[str]
        if t.codes == "matter":
            known, what = self.names.matters, "matter code"
        elif t.codes == "region":
            known, what = self.names.regions, "region"
        elif t.values:
            known, what = t.values, f"{t.codes} value"
        else:
            return
        if other.value not in known:
            self.fail(
                "condition.unknown_code",
                f"unknown {what} `{other.value}`",
                other,
                did_you_mean(other.value, known),
            )


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
    return {
        Kind.MONEY: "money",
        Kind.NUMBER: "a number",
        Kind.BOOL: "yes/no",
        Kind.DATE: "a date",
    }.get(t.kind, f"{t.codes or 'text'}")


def check_condition(node: Node, names: Names) -> tuple[list[CheckProblem], list[str]]:
    """Check a condition. Returns its problems and the rule ids it refers to."""
    checker = _Checker(names)
    checker.boolean(node)
    return checker.problems, checker.rule_refs
