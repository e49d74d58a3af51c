"""The values of an application that the durable-rules network compares.

durable-rules decides every comparison and every ``and``/``or``/``not``; what it is given are
the values on each side: facts read from the application (through the shared fact table),
pack parameters looked up for the place and date, and exact decimal arithmetic on them. This
module computes those values, written here on its own rather than borrowed from the native
evaluator, so the differential tests check it too.

A value is a Python value, :data:`UNKNOWN` (the application does not say) or
:data:`NOT_APPLICABLE` (it cannot apply), with the same meaning as in the native evaluator.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from legalaid_rules.applications import Application
from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.conditions.syntax import Arith, FactRef, Lit, Node, ParamRef, YearOf
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.places import Place
from legalaid_rules.values import MATH, NOT_APPLICABLE, UNKNOWN

__all__ = ["Inputs", "value_of"]


class Inputs:
    """What the values of one application are computed from."""

    __slots__ = ("app", "city", "county", "office_city", "pack")

    def __init__(self, pack: ResolvedPack, app: Application, place: Place) -> None:
        self.pack = pack
        self.app = app
        self.county = place.county
        self.city = place.city
        self.office_city = place.office_city


def value_of(node: Node, place: Inputs) -> Any:
    """The value of a value node for one application (``UNKNOWN`` where the pack has none)."""
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, FactRef):
        return FACTS[node.path].read(place.app)
    if isinstance(node, ParamRef):
        return _parameter(node.name, place)
    if isinstance(node, YearOf):
        inner = value_of(node.arg, place)
        return inner.year if isinstance(inner, dt.date) else inner
    if isinstance(node, Arith):
        return _arith(node.op, value_of(node.left, place), value_of(node.right, place))
    raise TypeError(f"not a value: {node!r}")


def _parameter(name: str, place: Inputs) -> Any:
    # unknown place, or no value in the pack: refused later only if the decision needs it
    hit = place.pack.parameters[name].at(place.app.date, place.city, place.county, place.office_city)
    return UNKNOWN if hit is None else hit.value


def _arith(op: str, a: Any, b: Any) -> Any:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if a is NOT_APPLICABLE or b is NOT_APPLICABLE:
        return NOT_APPLICABLE
    if isinstance(a, int) and isinstance(b, int) and op != "/":
        return a + b if op == "+" else a - b if op == "-" else a * b
    x, y = Decimal(a), Decimal(b)
    if op == "+":
        return MATH.add(x, y)
    if op == "-":
        return MATH.subtract(x, y)
    if op == "*":
        return MATH.multiply(x, y)
    return MATH.divide(x, y)
