"""Which unknowns leave a condition unknown: the walk both backends share.

A condition is unknown when a fact it reads is missing, a group claim is unanswered or its
proof not yet given, or the pack itself has no value of a parameter for the applicant's place
and date. The first three the applicant can supply (they make the missing list, Art 43); the
last only a pack can, so evaluation refuses a decision that depends on it, and decides the
others (an Art 32 matter needs no income standard).
"""

from __future__ import annotations

from typing import Any, Protocol

from legalaid_rules.conditions.syntax import (
    All,
    Any_,
    Arith,
    Compare,
    FactRef,
    GroupTest,
    InList,
    Listed,
    Node,
    Not,
    ParamRef,
    RuleRef,
    YearOf,
)
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.places import Place
from legalaid_rules.values import UNKNOWN, Tri

__all__ = ["MissingKey", "Reader", "missing_path", "unknowns"]

MissingKey = tuple[str, str]
"""``("fact", path)``, ``("proof", group)``, ``("member", group)`` or ``("param", name)``."""


def missing_path(key: MissingKey) -> str:
    """The application path of a missing key, as ``Decision.missing`` names it."""
    kind, name = key
    if kind == "fact":
        return name
    return f"applicant.groups.{name}.proof" if kind == "proof" else f"applicant.groups.{name}"


class Reader(Protocol):
    """What a backend found for one application, read node by node."""

    pack: ResolvedPack
    place: Place

    def truth(self, node: Node) -> Tri:
        """The three-valued result of a condition node."""

    def value(self, node: Node) -> Any:
        """The value of a value node (``UNKNOWN`` when missing)."""

    def member(self, group: str) -> Tri:
        """Whether the applicant belongs to a group."""


def unknowns(reader: Reader, node: Node) -> set[MissingKey]:
    """The unknowns that leave ``node`` unknown: supplying any of them could change it."""
    out: set[MissingKey] = set()
    if isinstance(node, All | Any_):
        for item in node.items:
            if reader.truth(item) is None:
                out |= unknowns(reader, item)
    elif isinstance(node, Not):
        out |= unknowns(reader, node.item)
    elif isinstance(node, RuleRef):
        if reader.truth(node) is None:
            out |= unknowns(reader, reader.pack.rule(node.rule).condition)
    elif isinstance(node, GroupTest):
        member = reader.member(node.group)
        if member is None:
            definition = reader.pack.groups[node.group].definition
            if definition is not None:
                out |= unknowns(reader, definition)
            else:
                out.add(("member", node.group))
        elif node.test == "proven" and member:
            out.add(("proof", node.group))
    elif isinstance(node, Compare):
        out |= _value_unknowns(reader, node.left) | _value_unknowns(reader, node.right)
    elif isinstance(node, InList):
        out |= _value_unknowns(reader, node.item)
    elif isinstance(node, Listed):
        out.add(("fact", "matter"))
    else:
        out |= _value_unknowns(reader, node)
    return out


def _value_unknowns(reader: Reader, node: Node) -> set[MissingKey]:
    if isinstance(node, FactRef):
        return {("fact", node.path)} if reader.value(node) is UNKNOWN else set()
    if isinstance(node, ParamRef):
        param = reader.pack.parameters[node.name]
        place = reader.place
        if (
            param.place_fact is not None
            and param.region_for(place.city, place.county, place.office_city) is None
        ):
            return {("fact", param.place_fact)}
        return {("param", node.name)} if reader.value(node) is UNKNOWN else set()
    if isinstance(node, Arith):
        return _value_unknowns(reader, node.left) | _value_unknowns(reader, node.right)
    if isinstance(node, YearOf):
        return _value_unknowns(reader, node.arg)
    return set()
