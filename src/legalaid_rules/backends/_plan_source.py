"""Python source for a pack's plan, generated from the checked syntax tree.

The source is one function ``run(app, on, city, county, office_city, claims)`` that computes every value a
condition compares once (a local ``v<i>`` per distinct value), every condition node's truth
(a local ``t<n>`` per node, Kleene logic written out), every group's membership once (``g<j>``),
and returns every rule's result with all the truths, values and memberships, so that the tests
a rule compared can be read afterwards without evaluating anything again.

What the source may contain is fixed here, never taken from the pack as text:

- names: the generated locals, and the names of the objects put in the namespace here (fact
  readers taken from the fact table, parameter lookups, the arithmetic and marker objects);
- literals: ``repr()`` of a typed value (``str``, ``int``, ``bool``, ``Decimal``,
  ``datetime.date``), each bound once to a constant and checked to read back equal and of the
  same type; rule and group ids appear only as such ``repr()`` strings;
- operators: looked up in fixed tables by the operator the parser accepted.

So a pack's text (ids, labels, quoted values) can change what a comparison compares with,
never what the code does; ``tests/test_plan_source.py`` feeds hostile strings through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from legalaid_rules.backends.value_keys import ValueKey, value_key
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
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.values import MATH, NOT_APPLICABLE, UNKNOWN

__all__ = ["PlanSource", "generate"]

_COMPARE = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}
_ARITH = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div"}
_LITERAL_TYPES = (str, bool, int, Decimal, dt.date)


def _arith(
    op: Callable[[Any, Any], Any], decimal_op: Callable[[Decimal, Decimal], Decimal]
) -> Callable[..., Any]:
    def apply(a: Any, b: Any) -> Any:
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN
        if a is NOT_APPLICABLE or b is NOT_APPLICABLE:
            return NOT_APPLICABLE
        if isinstance(a, int) and isinstance(b, int) and op is not None:
            return op(a, b)
        return decimal_op(Decimal(a), Decimal(b))

    return apply


def _divide(a: Any, b: Any) -> Any:
    if a is UNKNOWN or b is UNKNOWN:
        return UNKNOWN
    if a is NOT_APPLICABLE or b is NOT_APPLICABLE:
        return NOT_APPLICABLE
    return MATH.divide(Decimal(a), Decimal(b))


_FIXED: dict[str, Any] = {
    "U": UNKNOWN,
    "NA": NOT_APPLICABLE,
    "Decimal": Decimal,
    "datetime": dt,
    "_date": dt.date,
    "_add": _arith(lambda a, b: a + b, MATH.add),
    "_sub": _arith(lambda a, b: a - b, MATH.subtract),
    "_mul": _arith(lambda a, b: a * b, MATH.multiply),
    "_div": _divide,
}


@dataclass
class PlanSource:
    """Generated source and what it needs: the namespace, and where each node's result lands."""

    source: str
    namespace: dict[str, Any]
    literals: dict[str, Any]  # constant name -> the typed value its repr() must give back
    truth_index: dict[int, int] = field(default_factory=dict)  # id(bool node) -> index in truths
    value_index: dict[int, int] = field(default_factory=dict)  # id(value node) -> index in values
    member_index: dict[str, int] = field(default_factory=dict)  # group id -> index in members
    sizes: tuple[int, int, int] = (0, 0, 0)  # how many truths, values and members ``run`` returns


class _Generator:
    def __init__(self, pack: ResolvedPack, param_lookup: Callable[[str], Callable[..., Any]]) -> None:
        self.pack = pack
        self.param_lookup = param_lookup
        self.body: list[str] = []
        self.head: list[str] = []
        self.namespace: dict[str, Any] = dict(_FIXED)
        self.literals: dict[str, Any] = {}
        self.truths: list[str] = []
        self.values: list[str] = []
        self.members: list[str] = []
        self.slot_of: dict[ValueKey, int] = {}
        self.fact_names: dict[str, str] = {}
        self.param_names: dict[str, str] = {}
        self.rule_results: dict[str, str] = {}
        self.out = PlanSource("", self.namespace, self.literals)

    # -- names and constants -------------------------------------------------------------------

    def constant(self, value: Any) -> str:
        if not isinstance(value, _LITERAL_TYPES):  # pragma: no cover - the parser makes no other
            raise TypeError(f"not a literal: {value!r}")
        name = f"_c{len(self.literals)}"
        self.literals[name] = value
        self.head.append(f"{name} = {value!r}")
        return name

    def bound(self, prefix: str, value: Any) -> str:
        """A name for an object put in the namespace (never text of the pack)."""
        name = f"{prefix}{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def emit(self, line: str) -> None:
        self.body.append("    " + line)

    # -- values --------------------------------------------------------------------------------

    def value(self, node: Node) -> str:
        """The expression of a value node: a constant, or the local holding it."""
        if isinstance(node, Lit):
            return self.constant(node.value)
        key = value_key(node)
        slot = self.slot_of.get(key)
        if slot is None:
            expr = self._value_expr(node)
            slot = self.slot_of[key] = len(self.values)
            local = f"v{slot}"
            self.values.append(local)
            self.emit(f"{local} = {expr}")
        else:
            self._register(node)
        self.out.value_index[id(node)] = slot
        return f"v{slot}"

    def _register(self, node: Node) -> None:
        """Map the nodes below a value already computed under another node to their slots."""
        for child in (
            (node.left, node.right)
            if isinstance(node, Arith)
            else (node.arg,)
            if isinstance(node, YearOf)
            else ()
        ):
            if not isinstance(child, Lit):
                self.out.value_index[id(child)] = self.slot_of[value_key(child)]
                self._register(child)

    def _value_expr(self, node: Node) -> str:
        if isinstance(node, FactRef):
            name = self.fact_names.get(node.path)
            if name is None:
                name = self.fact_names[node.path] = self.bound("_fact", FACTS[node.path].read)
            return f"{name}(app)"
        if isinstance(node, ParamRef):
            name = self.param_names.get(node.name)
            if name is None:
                name = self.param_names[node.name] = self.bound("_param", self.param_lookup(node.name))
            return f"{name}(on, city, county, office_city)"
        if isinstance(node, YearOf):
            arg = self.value(node.arg)
            return f"{arg}.year if isinstance({arg}, _date) else {arg}"
        if isinstance(node, Arith):
            left, right = self.value(node.left), self.value(node.right)
            return f"{_ARITH[node.op]}({left}, {right})"
        raise TypeError(f"not a value: {node!r}")  # pragma: no cover - the checker rules it out

    # -- truths --------------------------------------------------------------------------------

    def truth(self, node: Node) -> str:
        """Emit a condition node (children first); the local holding its truth."""
        if isinstance(node, All | Any_):
            parts = [self.truth(item) for item in node.items]
            stop, other = ("False", "True") if isinstance(node, All) else ("True", "False")
            line = self._new(node)
            self.emit(f"if {' or '.join(f'{p} is {stop}' for p in parts)}:")
            self.emit(f"    {line} = {stop}")
            self.emit(f"elif {' or '.join(f'{p} is None' for p in parts)}:")
            self.emit(f"    {line} = None")
            self.emit("else:")
            self.emit(f"    {line} = {other}")
            return line
        if isinstance(node, Not):
            inner = self.truth(node.item)
            line = self._new(node)
            self.emit(f"{line} = None if {inner} is None else not {inner}")
            return line
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, InList):
            item = self.value(node.item)
            choices = self.bound("_choices", frozenset(c.value for c in node.choices))
            for c in node.choices:
                self.constant(c.value)  # checked to read back like every other literal
            line = self._new(node)
            test = f"{item} not in {choices}" if node.negated else f"{item} in {choices}"
            self.emit(f"{line} = {node.negated!r} if {item} is NA else None if {item} is U else {test}")
            return line
        if isinstance(node, Listed):
            code = self.value(FactRef("matter", node.span))
            self.out.value_index[id(node)] = self.slot_of[("fact", "matter")]
            listed = self.bound("_listed", {c: m.listed for c, m in self.pack.matters.items()})
            line = self._new(node)
            self.emit(f"{line} = None if {code} is U else False if {code} is NA else {listed}[{code}]")
            return line
        if isinstance(node, GroupTest):
            member = self._member(node.group)
            line = self._new(node)
            if node.test == "member":
                self.emit(f"{line} = {member}")
            else:
                gid = self.constant(node.group)
                self.emit(f"if {member} is False:")
                self.emit(f"    {line} = False")
                self.emit(f"elif claims is None or not claims.get({gid}):")
                self.emit(f"    {line} = None")
                self.emit("else:")
                self.emit(f"    {line} = {member}")
            return line
        if isinstance(node, RuleRef):
            line = self._new(node)
            self.emit(f"{line} = {self.rule_results.get(node.rule, 'None')}")
            return line
        # a bare yes/no fact or literal
        value = self.value(node)
        line = self._new(node)
        self.emit(f"{line} = None if {value} is U else {value} is True")
        return line

    def _new(self, node: Node) -> str:
        n = len(self.truths)
        self.out.truth_index[id(node)] = n
        local = f"t{n}"
        self.truths.append(local)
        return local

    def _compare(self, node: Compare) -> str:
        left, right = self.value(node.left), self.value(node.right)
        checks = [side for side, n in ((left, node.left), (right, node.right)) if not isinstance(n, Lit)]
        line = self._new(node)
        op = _COMPARE[node.op]
        if not checks:
            self.emit(f"{line} = {left} {op} {right}")
            return line
        self.emit(f"if {' or '.join(f'{c} is NA' for c in checks)}:")
        self.emit(f"    {line} = {node.op == '!='!r}")
        self.emit(f"elif {' or '.join(f'{c} is U' for c in checks)}:")
        self.emit(f"    {line} = None")
        self.emit("else:")
        self.emit(f"    {line} = {left} {op} {right}")
        return line

    def _member(self, gid: str) -> str:
        """The applicant's membership of a group, worked out once: by definition, else by claim."""
        j = self.out.member_index.get(gid)
        if j is not None:
            return f"g{j}"
        definition = self.pack.groups[gid].definition
        if definition is not None:
            expr = self.truth(definition)
        else:
            expr = f"None if claims is None else {self.constant(gid)} in claims"
        j = self.out.member_index[gid] = len(self.members)
        self.members.append(f"g{j}")
        self.emit(f"g{j} = {expr}")
        return f"g{j}"

    # -- the whole plan ------------------------------------------------------------------------

    def build(self) -> PlanSource:
        for rule in self.pack.rules:
            self.rule_results[rule.id] = self.truth(rule.condition)
        results = ", ".join(f"{self.constant(rid)}: {t}" for rid, t in self.rule_results.items())
        kept = ", ".join(f"({_tuple(names)})" for names in (self.truths, self.values, self.members))
        self.emit(f"return {{{results}}}, {kept}")
        self.out.sizes = (len(self.truths), len(self.values), len(self.members))
        self.out.source = "\n".join(
            [*self.head, "", "", "def run(app, on, city, county, office_city, claims):", *self.body, ""]
        )
        return self.out


def _tuple(names: list[str]) -> str:
    return ", ".join(names) + ("," if len(names) == 1 else "")


def generate(pack: ResolvedPack, param_lookup: Callable[[str], Callable[..., Any]]) -> PlanSource:
    """The plan of a pack as Python source, with its namespace.

    Args:
        pack: the resolved (checked) pack.
        param_lookup: for a parameter name, a function ``(on, city, county, office_city) -> value`` giving
            ``UNKNOWN`` where the pack has no value for the place and date.
    """
    return _Generator(pack, param_lookup).build()
