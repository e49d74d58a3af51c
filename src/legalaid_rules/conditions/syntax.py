"""The syntax tree of conditions: plain, frozen data that any backend can walk.

Every node keeps ``span``, the character offsets of its text in the condition, so a problem
can be pointed at and an explanation can quote the policy's own words.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

__all__ = [
    "All",
    "Any_",
    "Arith",
    "BoolNode",
    "Compare",
    "FactRef",
    "GroupTest",
    "InList",
    "Listed",
    "Lit",
    "Node",
    "Not",
    "ParamRef",
    "RuleRef",
    "ValueNode",
    "YearOf",
    "children",
    "walk",
]

Span = tuple[int, int]
LitValue = Decimal | int | str | bool | date
CompareOp = Literal["<", "<=", ">", ">=", "==", "!="]
ArithOp = Literal["+", "-", "*", "/"]


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal: a number, a date, a quoted text or true/false."""

    value: LitValue
    span: Span


@dataclass(frozen=True, slots=True)
class FactRef:
    """A fact of the application, e.g. ``household.per_capita_income``."""

    path: str
    span: Span


@dataclass(frozen=True, slots=True)
class ParamRef:
    """A pack parameter, e.g. ``minimum_living_standard``; read at the application's place."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Arith:
    """Arithmetic on numbers and money, e.g. ``2 * minimum_living_standard``."""

    op: ArithOp
    left: ValueNode
    right: ValueNode
    span: Span


@dataclass(frozen=True, slots=True)
class YearOf:
    """``year(d)``: the calendar year of a date."""

    arg: ValueNode
    span: Span


ValueNode = Lit | FactRef | ParamRef | Arith | YearOf


@dataclass(frozen=True, slots=True)
class Compare:
    """An atomic comparison; recorded with both values whenever it is evaluated."""

    op: CompareOp
    left: ValueNode
    right: ValueNode
    span: Span


@dataclass(frozen=True, slots=True)
class InList:
    """``x in [a, b]`` (or ``not in``); recorded like a comparison."""

    item: ValueNode
    choices: tuple[Lit, ...]
    negated: bool
    span: Span


@dataclass(frozen=True, slots=True)
class GroupTest:
    """``member(g)``: belongs to group g; ``proven(g)``: belongs and proof was provided."""

    test: Literal["member", "proven"]
    group: str
    span: Span


@dataclass(frozen=True, slots=True)
class Listed:
    """``listed(matter)``: the application's matter is on this pack's scope list."""

    span: Span


@dataclass(frozen=True, slots=True)
class RuleRef:
    """``rule(id)``: the result of another rule of the pack."""

    rule: str
    span: Span


@dataclass(frozen=True, slots=True)
class All:
    """``a and b and ...``"""

    items: tuple[BoolNode, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Any_:
    """``a or b or ...``"""

    items: tuple[BoolNode, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Not:
    """``not a``"""

    item: BoolNode
    span: Span


BoolNode = Compare | InList | GroupTest | Listed | RuleRef | All | Any_ | Not | FactRef | Lit
"""A node with a three-valued result. A bare fact is allowed when it is a yes/no fact."""

Node = BoolNode | ValueNode


def children(node: Node) -> tuple[Node, ...]:
    """The direct children of a node."""
    if isinstance(node, All | Any_):
        return node.items
    if isinstance(node, Not):
        return (node.item,)
    if isinstance(node, Compare | Arith):
        return (node.left, node.right)
    if isinstance(node, InList):
        return (node.item, *node.choices)
    if isinstance(node, YearOf):
        return (node.arg,)
    return ()


def walk(node: Node) -> Iterator[Node]:
    """The node and all its descendants, depth first."""
    yield node
    for child in children(node):
        yield from walk(child)
