"""The native backend: a pack compiled once into one Python function, run in three-valued logic.

Truth values are ``True``, ``False`` and ``None`` (unknown), combined as Kleene logic: an ``or``
with one true branch is true whatever the others are; an ``and`` with one false branch is false.
So an unknown fact never makes a condition true unless another path already suffices.

The function is generated from the checked syntax tree (:mod:`._plan_source`; no text of the
pack is ever evaluated) once per pack and kept in the pack's cache. One call computes every
value a condition compares once, every node's truth and every group's membership, and keeps
them (:class:`NativeResults`): the tests a rule compared, and the unknowns that leave it
unknown, are read from them later, on demand, without evaluating anything again. Nothing is
shared between calls, so one plan serves any number of threads at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from legalaid_rules.applications import Application
from legalaid_rules.backends._plan_source import generate
from legalaid_rules.backends.results import Record
from legalaid_rules.backends.unknowns import MissingKey, unknowns
from legalaid_rules.conditions.syntax import (
    All,
    Any_,
    Compare,
    GroupTest,
    InList,
    Listed,
    Lit,
    Node,
    Not,
)
from legalaid_rules.packs.model import Memo, ResolvedPack
from legalaid_rules.packs.places import Place
from legalaid_rules.values import UNKNOWN, Tri

__all__ = ["NATIVE", "NativeBackend", "NativeResults", "Plan", "plan_for"]

_RunFn = Callable[..., tuple[dict[str, Tri], tuple[Tri, ...], tuple[Any, ...], tuple[Tri, ...]]]


def _parameter_lookup(pack: ResolvedPack) -> Callable[[str], Callable[..., Any]]:
    """For a parameter name, its value for a place and date (``UNKNOWN`` where the pack has none).

    Lookups are kept per (date, city, county, office city): a pack has few places and dates repeat.
    """

    def lookup_of(name: str) -> Callable[..., Any]:
        at = pack.parameters[name].at
        memo: Memo[tuple[dt.date, str | None, str | None, str | None], Any] = Memo()

        def value(on: dt.date, city: str | None, county: str | None, office_city: str | None) -> Any:
            # unknown place, or no value in the pack: refused later only if the decision needs it
            hit = at(on, city, county, office_city)
            return UNKNOWN if hit is None else hit.value

        def lookup(on: dt.date, city: str | None, county: str | None, office_city: str | None) -> Any:
            return memo.remember((on, city, county, office_city), value, on, city, county, office_city)

        return lookup

    return lookup_of


class Plan:
    """A pack compiled for the native backend."""

    def __init__(self, pack: ResolvedPack) -> None:
        self.pack = pack
        made = generate(pack, _parameter_lookup(pack))
        self.source = made.source
        namespace = made.namespace
        self.bound_names = frozenset(namespace)  # the objects the source may name, besides its locals
        # the source holds generated names, repr() literals and fixed operators only (see _plan_source)
        exec(compile(made.source, f"<plan {pack.id}@{pack.version}>", "exec"), namespace)
        for name, value in made.literals.items():
            if type(namespace[name]) is not type(value) or namespace[name] != value:
                raise AssertionError(f"literal {value!r} did not read back")  # pragma: no cover
        self._run: _RunFn = namespace["run"]
        self.truth_index = made.truth_index
        self.value_index = made.value_index
        self.member_index = made.member_index
        self.sizes = made.sizes
        consts: list[Any] = [None]
        self.recordings = {r.id: tuple(_recording(r.condition, self, consts)) for r in pack.rules}
        self.consts = tuple(consts)

    def run(self, app: Application, place: Place) -> NativeResults:
        """Every rule's result for one application, with what was computed on the way."""
        results, truths, values, members = self._run(
            app, place.on, place.city, place.county, place.office_city, place.claims
        )
        return NativeResults(self, place, results, truths, values, members)


class NativeResults:
    """One finished native evaluation (see :class:`~.results.RuleResults`): read-only, shareable."""

    __slots__ = ("_all", "_members", "_plan", "_truths", "_values", "pack", "place", "results")

    def __init__(
        self,
        plan: Plan,
        place: Place,
        results: dict[str, Tri],
        truths: tuple[Tri, ...],
        values: tuple[Any, ...],
        members: tuple[Tri, ...],
    ) -> None:
        self._plan, self.pack, self.place = plan, plan.pack, place
        self.results: Mapping[str, Tri] = results
        self._truths, self._values, self._members = truths, values, members
        self._all: tuple[Any, ...] | None = None

    # -- the reader the unknowns walk needs ----------------------------------------------------

    def truth(self, node: Node) -> Tri:
        """The three-valued result of a condition node."""
        return self._truths[self._plan.truth_index[id(node)]]

    def value(self, node: Node) -> Any:
        """The value of a value node."""
        if isinstance(node, Lit):
            return node.value
        return self._values[self._plan.value_index[id(node)]]

    def member(self, group: str) -> Tri:
        """Whether the applicant belongs to a group."""
        return self._members[self._plan.member_index[group]]

    # -- RuleResults -----------------------------------------------------------------------------

    def records(self, rule_id: str) -> tuple[Record, ...]:
        """The tests one rule evaluated, in evaluation order, with the values compared."""
        every = self._all
        if every is None:  # computed at most once per evaluation (equal if two threads race)
            every = self._all = self._truths + self._values + self._members + self._plan.consts
        claims = self.place.claims
        out: list[Record] = []
        for node, proven, a, b, c in self._plan.recordings[rule_id]:
            if proven:
                member = every[a]
                proof: Tri = None
                if member is not False and claims is not None:
                    proof = claims.get(node.group) or None  # type: ignore[union-attr]
                out.append((node, member, proof, every[c]))
            else:
                out.append((node, every[a], every[b], every[c]))
        return tuple(out)

    def unknowns(self, rule_id: str) -> set[MissingKey]:
        """The unknowns that leave a rule unknown."""
        return unknowns(self, self.pack.rule(rule_id).condition)


_Recording = tuple[Node, bool, int, int, int]
"""How to read one recorded test: the node, whether it is a ``proven`` group test, and where its
left value, right value and result are in truths + values + members + constants."""


def _recording(node: Node, plan: Plan, consts: list[Any]) -> list[_Recording]:
    """The tests a condition records, in the order a recording evaluation meets them."""
    n_truths, n_values, n_members = plan.sizes
    base = n_truths + n_values + n_members

    def truth(n: Node) -> int:
        return plan.truth_index[id(n)]

    def value(n: Node) -> int:
        if isinstance(n, Lit):
            consts.append(n.value)
            return base + len(consts) - 1
        return n_truths + plan.value_index[id(n)]

    if isinstance(node, All | Any_):
        return [r for item in node.items for r in _recording(item, plan, consts)]
    if isinstance(node, Not):
        return _recording(node.item, plan, consts)
    if isinstance(node, Compare):
        return [(node, False, value(node.left), value(node.right), truth(node))]
    if isinstance(node, InList):
        return [(node, False, value(node.item), base, truth(node))]
    if isinstance(node, Listed):
        return [(node, False, n_truths + plan.value_index[id(node)], truth(node), truth(node))]
    if isinstance(node, GroupTest):
        definition = plan.pack.groups[node.group].definition
        out = [] if definition is None else _recording(definition, plan, consts)
        member = n_truths + n_values + plan.member_index[node.group]
        out.append((node, node.test == "proven", member, base, truth(node)))
        return out
    return []  # a rule reference, a bare fact or a literal records nothing


class NativeBackend:
    """The default backend: the pack's compiled plan (see :class:`~.results.Backend`)."""

    def run(self, pack: ResolvedPack, app: Application, place: Place) -> NativeResults:
        """Every rule's result for one application."""
        return plan_for(pack).run(app, place)


NATIVE = NativeBackend()
"""The native backend (stateless: one instance serves every thread)."""


def plan_for(pack: ResolvedPack) -> Plan:
    """The native plan of a pack, built once and kept in the pack's cache."""
    return pack.cache.get(Plan, lambda: Plan(pack))
