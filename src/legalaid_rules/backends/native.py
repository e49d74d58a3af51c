"""The native backend: conditions compiled to Python closures, evaluated in three-valued logic.

Truth values are ``True``, ``False`` and ``None`` (unknown), combined as Kleene logic: an ``or``
with one true branch is true whatever the others are; an ``and`` with one false branch is false.
So an unknown fact never makes a condition true unless another path already suffices.

Closures are built from the syntax tree (never from text: nothing is ever passed to ``eval``)
once per pack and kept in the pack's cache. Every distinct value a condition compares (a fact,
a parameter for the place and date, an arithmetic result) has a slot, computed at most once per
evaluation however many tests read it. Evaluation state lives in a per-call :class:`Context`,
so one plan serves any number of threads at once; the tests a rule compared are recorded only
when asked for (:meth:`NativeResults.records`, from a fresh context).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import Any

from legalaid_rules.applications import Application
from legalaid_rules.backends.results import Record
from legalaid_rules.backends.unknowns import MissingKey, unknowns
from legalaid_rules.backends.value_keys import value_key
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
from legalaid_rules.packs.places import Place
from legalaid_rules.values import MATH, NOT_APPLICABLE, UNKNOWN, Tri

__all__ = ["NATIVE", "Context", "NativeBackend", "NativeResults", "Plan", "plan_for"]

_UNSET: Any = object()
BoolFn = Callable[["Context"], Tri]
ValueFn = Callable[["Context"], Any]

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class Context:
    """The state of one evaluation: the application, its place, the slots and what was recorded."""

    __slots__ = (
        "app",
        "city",
        "claims",
        "county",
        "groups",
        "on",
        "recording",
        "records",
        "results",
        "slots",
    )

    def __init__(
        self,
        app: Application,
        place: Place,
        n_slots: int,
        results: dict[str, Tri] | None = None,
        *,
        recording: bool = False,
    ) -> None:
        self.app = app
        self.on = place.on
        self.city = place.city
        self.county = place.county
        self.claims = place.claims
        self.slots: list[Any] = [_UNSET] * n_slots
        self.records: list[Record] = []
        self.recording = recording
        self.results: dict[str, Tri] = {} if results is None else results
        self.groups: dict[str, tuple[Tri, tuple[Record, ...]]] = {}


class Plan:
    """A pack compiled for the native backend."""

    def __init__(self, pack: ResolvedPack) -> None:
        self.pack = pack
        self.bools: dict[int, BoolFn] = {}
        self.values: dict[int, ValueFn] = {}
        self._slot_of: dict[tuple[Any, ...], int] = {}
        self.group_fns = {gid: self._bool(g.definition) for gid, g in pack.groups.items() if g.definition}
        self.rules = [(r.id, self._bool(r.condition)) for r in pack.rules]
        self._rule_fns = dict(self.rules)

    # -- compiling -----------------------------------------------------------------------------

    def _bool(self, node: Node) -> BoolFn:
        fn = self._make_bool(node)
        self.bools[id(node)] = fn
        return fn

    def _make_bool(self, node: Node) -> BoolFn:
        if isinstance(node, All):
            parts = [self._bool(n) for n in node.items]

            def all_(ctx: Context) -> Tri:
                out: Tri = True
                for p in parts:
                    r = p(ctx)
                    if r is False:
                        out = False
                    elif r is None and out is True:
                        out = None
                return out

            return all_
        if isinstance(node, Any_):
            parts = [self._bool(n) for n in node.items]

            def any_(ctx: Context) -> Tri:
                out: Tri = False
                for p in parts:
                    r = p(ctx)
                    if r is True:
                        out = True
                    elif r is None and out is False:
                        out = None
                return out

            return any_
        if isinstance(node, Not):
            inner = self._bool(node.item)

            def not_(ctx: Context) -> Tri:
                r = inner(ctx)
                return None if r is None else not r

            return not_
        if isinstance(node, Compare):
            return self._compare(node)
        if isinstance(node, InList):
            return self._in_list(node)
        if isinstance(node, GroupTest):
            return self._group(node)
        if isinstance(node, Listed):
            read_matter = FACTS["matter"].read
            matters = self.pack.matters

            def listed(ctx: Context) -> Tri:
                code = read_matter(ctx.app)
                r: Tri
                if code is UNKNOWN:
                    r = None
                elif code is NOT_APPLICABLE:
                    r = False
                else:
                    r = matters[code].listed
                if ctx.recording:
                    ctx.records.append((node, code, r, r))
                return r

            return listed
        if isinstance(node, RuleRef):
            rid = node.rule
            return lambda ctx: ctx.results.get(rid)
        # a bare yes/no fact or literal
        value = self._value(node)

        def truth(ctx: Context) -> Tri:
            v = value(ctx)
            if v is UNKNOWN:
                return None
            return v is True

        return truth

    def _compare(self, node: Compare) -> BoolFn:
        left, right, op = self._value(node.left), self._value(node.right), _OPS[node.op]
        negative = node.op == "!="

        def compare(ctx: Context) -> Tri:
            a, b = left(ctx), right(ctx)
            r: Tri
            if a is NOT_APPLICABLE or b is NOT_APPLICABLE:
                r = negative
            elif a is UNKNOWN or b is UNKNOWN:
                r = None
            else:
                r = op(a, b)
            if ctx.recording:
                ctx.records.append((node, a, b, r))
            return r

        return compare

    def _in_list(self, node: InList) -> BoolFn:
        item = self._value(node.item)
        choices = frozenset(c.value for c in node.choices)
        negated = node.negated

        def in_list(ctx: Context) -> Tri:
            a = item(ctx)
            r: Tri
            if a is NOT_APPLICABLE:
                r = negated
            elif a is UNKNOWN:
                r = None
            else:
                r = (a in choices) != negated
            if ctx.recording:
                ctx.records.append((node, a, None, r))
            return r

        return in_list

    def _group(self, node: GroupTest) -> BoolFn:
        gid, proven = node.group, node.test == "proven"

        def group(ctx: Context) -> Tri:
            member = self.member(ctx, gid)
            r: Tri = member
            proof: Tri = None
            if proven and member is not False:
                proof = None if ctx.claims is None else (ctx.claims.get(gid) or None)
                r = None if proof is None else member
            if ctx.recording:
                ctx.records.append((node, member, proof, r))
            return r

        return group

    def member(self, ctx: Context, gid: str) -> Tri:
        """Whether the applicant belongs to a group: by its definition, else by their claim.

        Worked out once per evaluation; every rule that tests the group records the tests of
        its definition, so each rule's records explain that rule on their own.
        """
        hit = ctx.groups.get(gid)
        if hit is not None:
            if ctx.recording:
                ctx.records.extend(hit[1])
            return hit[0]
        fn = self.group_fns.get(gid)
        if fn is not None:
            start = len(ctx.records)
            r = fn(ctx)
            done = tuple(ctx.records[start:])
        else:
            r, done = (None if ctx.claims is None else gid in ctx.claims), ()
        ctx.groups[gid] = (r, done)
        return r

    def _value(self, node: Node) -> ValueFn:
        make = self._make_value(node)
        if isinstance(node, Lit):
            fn = make
        else:
            # one slot per distinct value: computed once per evaluation, however often read
            i = self._slot_of.setdefault(value_key(node), len(self._slot_of))

            def fn(ctx: Context) -> Any:
                v = ctx.slots[i]
                if v is _UNSET:
                    v = ctx.slots[i] = make(ctx)
                return v

        self.values[id(node)] = fn
        return fn

    def _make_value(self, node: Node) -> ValueFn:
        if isinstance(node, Lit):
            v: Any = node.value
            return lambda ctx: v
        if isinstance(node, FactRef):
            read = FACTS[node.path].read
            return lambda ctx: read(ctx.app)
        if isinstance(node, ParamRef):
            at = self.pack.parameters[node.name].at

            def param_value(ctx: Context) -> Any:
                # unknown place, or no value in the pack: refused later only if the decision needs it
                hit = at(ctx.on, ctx.city, ctx.county)
                return UNKNOWN if hit is None else hit.value

            return param_value
        if isinstance(node, YearOf):
            arg = self._value(node.arg)

            def year(ctx: Context) -> Any:
                d = arg(ctx)
                return d.year if isinstance(d, dt.date) else d

            return year
        if isinstance(node, Arith):
            left, right = self._value(node.left), self._value(node.right)
            op = {"+": MATH.add, "-": MATH.subtract, "*": MATH.multiply, "/": MATH.divide}[node.op]

            def arith(ctx: Context) -> Any:
                a, b = left(ctx), right(ctx)
                if a is UNKNOWN or b is UNKNOWN:
                    return UNKNOWN
                if a is NOT_APPLICABLE or b is NOT_APPLICABLE:
                    return NOT_APPLICABLE
                if isinstance(a, int) and isinstance(b, int) and node.op != "/":
                    return {"+": a + b, "-": a - b, "*": a * b}[node.op]
                return op(Decimal(a), Decimal(b))

            return arith
        raise TypeError(f"not a value: {node!r}")  # pragma: no cover - the checker rules it out

    # -- running -------------------------------------------------------------------------------

    def context(
        self,
        app: Application,
        place: Place,
        results: dict[str, Tri] | None = None,
        *,
        recording: bool = False,
    ) -> Context:
        """A fresh evaluation state for one application."""
        return Context(app, place, len(self._slot_of), results, recording=recording)

    def run(self, app: Application, place: Place, only: Collection[str] | None = None) -> dict[str, Tri]:
        """Every rule's result (or only those in ``only``), in pack order; nothing recorded."""
        ctx = self.context(app, place)
        results = ctx.results
        for rid, fn in self.rules:
            if only is None or rid in only:
                results[rid] = fn(ctx)
        return results

    def records(
        self, app: Application, place: Place, results: dict[str, Tri], rule_id: str
    ) -> tuple[Record, ...]:
        """The tests one rule records, in a fresh context (so any thread may ask, any time)."""
        ctx = self.context(app, place, results, recording=True)
        self._rule_fns[rule_id](ctx)
        return tuple(ctx.records)

    def unknowns(
        self, app: Application, place: Place, results: dict[str, Tri], node: Node
    ) -> set[MissingKey]:
        """The unknowns that leave ``node`` unknown: supplying them could change it."""
        return unknowns(_Reader(self, self.context(app, place, results), place), node)


class NativeResults:
    """The native backend's results for one application (see :class:`~.results.RuleResults`)."""

    __slots__ = ("_app", "_place", "_plan", "results")

    def __init__(self, plan: Plan, app: Application, place: Place, results: dict[str, Tri]) -> None:
        self._plan, self._app, self._place = plan, app, place
        self.results: Mapping[str, Tri] = results

    def records(self, rule_id: str) -> tuple[Record, ...]:
        """The tests one rule evaluated."""
        return self._plan.records(self._app, self._place, dict(self.results), rule_id)

    def unknowns(self, rule_id: str) -> set[MissingKey]:
        """The unknowns that leave a rule unknown."""
        plan = self._plan
        return plan.unknowns(self._app, self._place, dict(self.results), plan.pack.rule(rule_id).condition)


class NativeBackend:
    """The default backend: the pack's compiled plan (see :class:`~.results.Backend`)."""

    def run(self, pack: ResolvedPack, app: Application, place: Place) -> NativeResults:
        """Every rule's result for one application."""
        plan = plan_for(pack)
        return NativeResults(plan, app, place, plan.run(app, place))


NATIVE = NativeBackend()
"""The native backend (stateless: one instance serves every thread)."""


class _Reader:
    """A finished native evaluation, read node by node (see :mod:`~.unknowns`)."""

    __slots__ = ("ctx", "pack", "place", "plan")

    def __init__(self, plan: Plan, ctx: Context, place: Place) -> None:
        self.plan, self.ctx, self.pack, self.place = plan, ctx, plan.pack, place

    def truth(self, node: Node) -> Tri:
        return self.plan.bools[id(node)](self.ctx)

    def value(self, node: Node) -> Any:
        return self.plan.values[id(node)](self.ctx)

    def member(self, group: str) -> Tri:
        return self.plan.member(self.ctx, group)


def plan_for(pack: ResolvedPack) -> Plan:
    """The native plan of a pack, built once and kept in the pack's cache."""
    return pack.cache.get(Plan, lambda: Plan(pack))
