"""A resolved pack's conditions and outcome logic as solver terms.

:class:`Translator` walks the syntax trees the evaluator runs and builds the same three-valued
results as z3 terms, over facts given by a :class:`Source`: a concrete application
(:mod:`.concrete`) or a symbolic one (:mod:`.space`). :class:`Verdict` then assembles scope,
economic condition and outcome exactly as ``evaluate`` does:

- scope: some scope rule holds (Kleene ``or``);
- economic condition: the first of *not required*, *waived*, *passed* that some rule
  establishes; else *unknown* if any economic rule is unknown; else *failed*;
- outcome: ineligible when scope or economic condition fails, eligible when both hold,
  undetermined otherwise;
- refused: undetermined and an open rule waits on a figure the pack lacks for the applicant's
  place and date (``application.no_parameter_value``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

import z3

from legalaid_rules.analysis._deps import (
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
    ResolvedPack,
    RuleRef,
    YearOf,
)
from legalaid_rules.analysis.terms import (
    UNKNOWN_TRI,
    Codes,
    Tri,
    Val,
    Z,
    all_tri,
    any_tri,
    real,
    year_of,
)

__all__ = ["ECONOMIC_ORDER", "Source", "Translator", "Verdict", "lit_val"]

ECONOMIC_ORDER = ("not_required", "waived", "passed")


class Source(Protocol):
    """Where the translation gets facts, parameter values and group claims from."""

    codes: Codes

    def fact(self, path: str) -> Val:
        """A fact of the application."""

    def param(self, pack: ResolvedPack, name: str) -> tuple[Val, Z]:
        """A parameter at the applicant's place and date, and whether the pack lacks the value
        for a known place (the evaluator refuses a decision that depends on such a value)."""

    def claims(self, group: str) -> tuple[Z, Z, Z]:
        """Group claims: (the applicant answered the group question, claims ``group``, proof given)."""


def lit_val(node: Lit, codes: Codes) -> Val:
    """A literal as a value."""
    v = node.value
    t, f = z3.BoolVal(True), z3.BoolVal(False)
    if isinstance(v, bool):
        return Val(t, f, z3.BoolVal(v), "bool")
    if isinstance(v, str):
        return Val(t, f, z3.IntVal(codes.code(v)), "text")
    if isinstance(v, dt.date):
        return Val(t, f, z3.IntVal(v.toordinal()), "date")
    return Val(t, f, real(v), "num")


_OPS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class Translator:
    """One pack's conditions over one source of facts, translated once and cached."""

    def __init__(self, pack: ResolvedPack, source: Source, *, forced: dict[str, Tri] | None = None) -> None:
        self.pack = pack
        self.src = source
        self.codes = source.codes
        self._members: dict[str, Tri] = {}
        self._params: dict[str, tuple[Val, Z]] = {}
        self.rules: dict[str, Tri] = {}
        forced = forced or {}
        for rule in pack.rules:
            self.rules[rule.id] = forced.get(rule.id) or self.truth(rule.condition)

    # -- conditions ----------------------------------------------------------------------------

    def truth(self, node: Node) -> Tri:
        """The three-valued result of a condition node."""
        if isinstance(node, All):
            return all_tri([self.truth(n) for n in node.items])
        if isinstance(node, Any_):
            return any_tri([self.truth(n) for n in node.items])
        if isinstance(node, Not):
            return self.truth(node.item).negate()
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, InList):
            return self._in_list(node)
        if isinstance(node, GroupTest):
            member = self.member(node.group)
            if node.test == "member":
                return member
            answered, claimed, proof = self.src.claims(node.group)
            proven = z3.And(answered, claimed, proof)
            return Tri(z3.And(member.t, proven), member.f)
        if isinstance(node, Listed):
            m = self.src.fact("matter")
            listed = [self.codes.code(c) for c, e in self.pack.matters.items() if e.listed]
            on_list = z3.Or([m.val == c for c in listed]) if listed else z3.BoolVal(False)
            return Tri(z3.And(m.known, on_list), z3.Or(m.na, z3.And(m.known, z3.Not(on_list))))
        if isinstance(node, RuleRef):
            # rules come after the rules they use; a later one reads as unknown, as in the evaluator
            return self.rules.get(node.rule, UNKNOWN_TRI)
        v = self.value(node)  # a bare yes/no fact or literal
        return Tri(z3.And(v.known, v.val), z3.Or(v.na, z3.And(v.known, z3.Not(v.val))))

    def member(self, group: str) -> Tri:
        """Whether the applicant belongs to a group: by its definition, else by their claim."""
        hit = self._members.get(group)
        if hit is None:
            definition = self.pack.groups[group].definition
            if definition is not None:
                hit = self.truth(definition)
            else:
                answered, claimed, _ = self.src.claims(group)
                hit = Tri(z3.And(answered, claimed), z3.And(answered, z3.Not(claimed)))
            self._members[group] = hit
        return hit

    def _compare(self, node: Compare) -> Tri:
        a, b = self.value(node.left), self.value(node.right)
        negative = z3.BoolVal(node.op == "!=")
        na = z3.Or(a.na, b.na)
        both = z3.And(a.known, b.known)
        holds = _OPS[node.op](a.val, b.val)
        return Tri(
            z3.Or(z3.And(na, negative), z3.And(both, holds)),
            z3.Or(z3.And(na, z3.Not(negative)), z3.And(both, z3.Not(holds))),
        )

    def _in_list(self, node: InList) -> Tri:
        a = self.value(node.item)
        found = z3.Or([a.val == lit_val(c, self.codes).val for c in node.choices])
        hit = z3.Not(found) if node.negated else found
        negated = z3.BoolVal(node.negated)
        return Tri(
            z3.Or(z3.And(a.na, negated), z3.And(a.known, hit)),
            z3.Or(z3.And(a.na, z3.Not(negated)), z3.And(a.known, z3.Not(hit))),
        )

    # -- values --------------------------------------------------------------------------------

    def value(self, node: Node) -> Val:
        """The value of a value node."""
        if isinstance(node, Lit):
            return lit_val(node, self.codes)
        if isinstance(node, FactRef):
            return self.src.fact(node.path)
        if isinstance(node, ParamRef):
            return self.param(node.name)[0]
        if isinstance(node, YearOf):
            d = self.value(node.arg)
            return Val(d.known, d.na, z3.ToReal(year_of(d.val)), "num")
        if isinstance(node, Arith):
            a, b = self.value(node.left), self.value(node.right)
            unknown = z3.Or(a.unknown, b.unknown)
            op = node.op
            val = a.val + b.val if op == "+" else a.val - b.val if op == "-" else a.val * b.val
            if op == "/":
                val = a.val / b.val
            return Val(z3.And(a.known, b.known), z3.And(z3.Not(unknown), z3.Or(a.na, b.na)), val, "num")
        raise TypeError(f"not a value: {node!r}")  # pragma: no cover - the checker rules it out

    def param(self, name: str) -> tuple[Val, Z]:
        """A parameter's value and whether it is missing for a known place."""
        hit = self._params.get(name)
        if hit is None:
            hit = self._params[name] = self.src.param(self.pack, name)
        return hit

    # -- refusals ------------------------------------------------------------------------------

    def waits_on_missing_figure(self, node: Node) -> Z:
        """Given ``node`` is unknown: its unknowns include a figure the pack lacks (the shared
        unknowns walk of the evaluator, reduced to that one question)."""
        if isinstance(node, All | Any_):
            return z3.Or([z3.And(self.truth(i).unknown, self.waits_on_missing_figure(i)) for i in node.items])
        if isinstance(node, Not):
            return self.waits_on_missing_figure(node.item)
        if isinstance(node, RuleRef):
            if node.rule not in self.rules:
                return z3.BoolVal(False)
            cond = self.pack.rule(node.rule).condition
            return z3.And(self.rules[node.rule].unknown, self.waits_on_missing_figure(cond))
        if isinstance(node, GroupTest):
            definition = self.pack.groups[node.group].definition
            if definition is None:
                return z3.BoolVal(False)
            return z3.And(self.member(node.group).unknown, self.waits_on_missing_figure(definition))
        if isinstance(node, Compare):
            return z3.Or(self._missing(node.left), self._missing(node.right))
        if isinstance(node, InList):
            return self._missing(node.item)
        return z3.BoolVal(False)

    def _missing(self, node: Node) -> Z:
        if isinstance(node, ParamRef):
            return self.param(node.name)[1]
        if isinstance(node, Arith):
            return z3.Or(self._missing(node.left), self._missing(node.right))
        if isinstance(node, YearOf):
            return self._missing(node.arg)
        return z3.BoolVal(False)


@dataclass(frozen=True)
class Verdict:
    """The decision's outcome and economic condition as terms, assembled as ``evaluate`` does."""

    rules: dict[str, Tri]
    scope: Tri
    economic: dict[str, Z]  # not_required, waived, passed, failed, unknown
    eligible: Z
    ineligible: Z
    undetermined: Z
    refused: Z

    @classmethod
    def of(cls, tr: Translator) -> Verdict:
        """Assemble the verdict from a translator's rule results."""
        pack, res = tr.pack, tr.rules
        scope_rules = [r for r in pack.rules if r.effect.scope]
        by_kind = {k: [r for r in pack.rules if r.effect.economic == k] for k in ECONOMIC_ORDER}
        scope = any_tri([res[r.id] for r in scope_rules])
        economic: dict[str, Z] = {}
        before: Z = z3.BoolVal(False)
        for kind in ECONOMIC_ORDER:
            hit = z3.Or([res[r.id].t for r in by_kind[kind]]) if by_kind[kind] else z3.BoolVal(False)
            economic[kind] = z3.And(z3.Not(before), hit)
            before = z3.Or(before, hit)
        econ_rules = [r for k in ECONOMIC_ORDER for r in by_kind[k]]
        any_open = z3.Or([res[r.id].unknown for r in econ_rules]) if econ_rules else z3.BoolVal(False)
        economic["unknown"] = z3.And(z3.Not(before), any_open)
        economic["failed"] = z3.And(z3.Not(before), z3.Not(any_open))
        econ = Tri(before, economic["failed"])
        ineligible = z3.Or(scope.f, econ.f)
        eligible = z3.And(z3.Not(ineligible), scope.t, econ.t)
        undetermined = z3.And(z3.Not(ineligible), z3.Not(eligible))
        waits = [
            z3.And(scope.unknown, res[r.id].unknown, tr.waits_on_missing_figure(r.condition))
            for r in scope_rules
        ] + [
            z3.And(econ.unknown, res[r.id].unknown, tr.waits_on_missing_figure(r.condition))
            for r in econ_rules
        ]
        refused = z3.And(undetermined, z3.Or(waits)) if waits else z3.BoolVal(False)
        return cls(dict(res), scope, economic, eligible, ineligible, undetermined, refused)

    def outcome(self, name: str) -> Z:
        """The term for an outcome by its value (``eligible``, ``ineligible``, ``undetermined``)."""
        return {"eligible": self.eligible, "ineligible": self.ineligible, "undetermined": self.undetermined}[
            name
        ]
