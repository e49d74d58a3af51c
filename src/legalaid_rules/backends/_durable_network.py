"""A resolved pack as a durable-rules ruleset: a Rete network of three-valued truths.

Every boolean node of every condition (and every group's membership) gets a number ``n``. The
network derives at most one fact ``{"n": n, "v": "T"}`` or ``{"n": n, "v": "F"}`` for it; no fact
means *unknown*. Kleene logic is then plain forward chaining:

- ``a and b`` is true when both are true (a join), false as soon as one is false;
- ``a or b`` is true as soon as one is true, false when both are false (a join);
- ``not a`` is true when ``a`` is false, and false when ``a`` is true;
- a comparison is true (false) when both sides are known and compare true (false) in the
  engine; a side that cannot apply makes it false (``!=``: true); an unknown side derives
  nothing, so the unknown propagates exactly as the native evaluator's ``None`` does.

The leaves read one input fact ``{"k": "in", "v<j>": ..., "x<j>": "na", ...}`` that carries the
application's values (``v<j>``, encoded by :mod:`._encode`, absent when unknown; ``x<j>`` when
not applicable). Each rule here says which truth fact it derives; the module running the
network attaches the action.

Limits of the engine checked here: at most 31 entries in one rule's expression, 254
properties in one message, 512 alpha nodes below one parent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from legalaid_rules.backends._ordered_text import encode
from legalaid_rules.backends.value_keys import value_key
from legalaid_rules.conditions.syntax import (
    All,
    Any_,
    Compare,
    FactRef,
    GroupTest,
    InList,
    Listed,
    Lit,
    Node,
    Not,
    RuleRef,
)
from legalaid_rules.packs.model import ResolvedPack

__all__ = ["INPUT", "Network", "build", "fnv1a32"]

INPUT: dict[str, str] = {"k": "in"}
"""The marker of the one input fact of a session."""

_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_DURABLE_OP = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "==": "$eq", "!=": "$neq"}
_MAX_EXPRESSION = 24  # the engine allows 31 entries (MAX_SEQUENCE_EXPRESSIONS 32) per rule
_MAX_PROPERTIES = 200  # the engine allows 254 per message (MAX_OBJECT_PROPERTIES 255)
_MAX_NODES = 500  # alpha nodes on one property below one parent share 512 buckets

Derive = tuple[int, str]  # (node number, "T" | "F")


def fnv1a32(text: str) -> int:
    """The engine's 32-bit FNV-1a hash, by which it identifies facts and sessions."""
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


class NetworkError(ValueError):
    """A pack exceeds a limit of the durable-rules engine."""


@dataclass
class Network:
    """A pack compiled for durable-rules: the rules, and how to read the truths back."""

    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    derives: dict[str, Derive] = field(default_factory=dict)  # rule name -> derived truth
    truth_of: dict[int, int] = field(default_factory=dict)  # id(bool node) -> n
    member_of: dict[str, int] = field(default_factory=dict)  # group id -> n of its membership
    slots: dict[tuple[Any, ...], int] = field(default_factory=dict)  # value key -> j
    slot_nodes: list[Node] = field(default_factory=list)  # j -> a node with that value
    claim_props: dict[str, str] = field(default_factory=dict)  # group id -> property of its claim
    keep: list[Node] = field(default_factory=list)  # the nodes whose id() is a key above
    count: int = 0

    def fact_ids(self) -> set[int]:
        """The engine hashes of every fact id a session can hold."""
        ids = {"in"} | {f"d{n}{v}" for n in range(self.count) for v in "TF"}
        return {fnv1a32(i) for i in ids}


def build(pack: ResolvedPack) -> Network:
    """Compile every rule of a pack (and the groups they test) into one network.

    Raises:
        NetworkError: the pack exceeds a limit of the engine.
    """
    b = _Builder(pack)
    for rule in pack.rules:
        b.bool_node(rule.condition)
    net = b.net
    props = 2 + 2 * len(net.slots) + len(net.claim_props) + 1
    if props > _MAX_PROPERTIES:
        raise NetworkError(f"pack `{pack.id}` needs {props} input properties (limit {_MAX_PROPERTIES})")
    if net.count > _MAX_NODES:
        raise NetworkError(f"pack `{pack.id}` has {net.count} condition nodes (limit {_MAX_NODES})")
    if len(net.fact_ids()) != 2 * net.count + 1:
        raise NetworkError(f"pack `{pack.id}`: two fact ids share an engine hash")  # pragma: no cover
    # sinks: every fact reaches a beta node, so none is "not handled" and all are kept
    never: dict[str, Any] = {"b": {"k": "never"}}
    net.rules["sink_in"] = {"all": [{"a": dict(INPUT)}, never]}
    net.rules["sink_truth"] = {"all": [{"a": {"$ex": {"n": 1}}}, never]}
    return net


class _Builder:
    def __init__(self, pack: ResolvedPack) -> None:
        self.pack = pack
        self.net = Network()

    # -- nodes ---------------------------------------------------------------------------------

    def _new(self, node: Node | None) -> int:
        n = self.net.count
        self.net.count += 1
        if node is not None:
            self.net.truth_of[id(node)] = n
            self.net.keep.append(node)
        return n

    def bool_node(self, node: Node) -> int:
        """The number of a boolean node, compiling it (and its children) on first sight."""
        known = self.net.truth_of.get(id(node))
        if known is not None:
            return known
        if isinstance(node, RuleRef):
            target = self.bool_node(self.pack.rule(node.rule).condition)
            n = self._new(node)
            self._copy(target, n)
            return n
        if isinstance(node, All | Any_):
            children = list(dict.fromkeys(self.bool_node(c) for c in node.items))
            n = self._new(node)
            every, some = ("T", "F") if isinstance(node, All) else ("F", "T")
            self._join([(c, every) for c in children], (n, every))
            for c in children:
                self._join([(c, some)], (n, some))
            return n
        if isinstance(node, Not):
            child = self.bool_node(node.item)
            n = self._new(node)
            self._join([(child, "F")], (n, "T"))
            self._join([(child, "T")], (n, "F"))
            return n
        if isinstance(node, GroupTest):
            member = self._member(node.group)
            n = self._new(node)
            if node.test == "member":
                self._copy(member, n)
            else:
                proof = {"$and": [dict(INPUT), {self._claim(node.group): "p"}]}
                self._rule({"all": [{"m_0": _truth(member, "T")}, {"m_1": proof}]}, (n, "T"))
                self._join([(member, "F")], (n, "F"))
            return n
        n = self._new(node)
        if isinstance(node, Compare):
            self._compare(node, n)
        elif isinstance(node, InList):
            self._in_list(node, n)
        elif isinstance(node, Listed):
            self._listed(n)
        elif isinstance(node, FactRef | Lit):
            j = self._slot(node)
            self._leaf([{f"v{j}": "true"}], (n, "T"))
            self._leaf([{"$ex": {f"v{j}": 1}}, {"$neq": {f"v{j}": "true"}}], (n, "F"))
            self._leaf([{"$ex": {f"x{j}": 1}}], (n, "F"))
        else:  # pragma: no cover - the parser makes no other boolean node
            raise NetworkError(f"not a condition: {node!r}")
        return n

    def _member(self, gid: str) -> int:
        known = self.net.member_of.get(gid)
        if known is not None:
            return known
        definition = self.pack.groups[gid].definition
        if definition is not None:
            inner = self.bool_node(definition)
            n = self._new(None)
            self._copy(inner, n)
        else:
            n = self._new(None)
            prop = self._claim(gid)
            self._leaf([{"$ex": {prop: 1}}], (n, "T"))
            self._leaf([{"cl": "1"}, {"$nex": {prop: 1}}], (n, "F"))
        self.net.member_of[gid] = n
        return n

    def _compare(self, node: Compare, n: int) -> None:
        left, right = self._slot(node.left), self._slot(node.right)
        guard: list[dict[str, Any]] = [{"$ex": {f"v{right}": 1}}]
        for op, truth in ((node.op, "T"), (_NEGATE[node.op], "F")):
            test: dict[str, Any] = {_DURABLE_OP[op]: {f"v{left}": {"$m": f"v{right}"}}}
            if op == "==":
                test = {f"v{left}": {"$m": f"v{right}"}}
            self._leaf([*guard, test], (n, truth))
        inapplicable = "T" if node.op == "!=" else "F"
        for j in dict.fromkeys((left, right)):
            self._leaf([{"$ex": {f"x{j}": 1}}], (n, inapplicable))

    def _in_list(self, node: InList, n: int) -> None:
        j = self._slot(node.item)
        inside, outside = ("F", "T") if node.negated else ("T", "F")
        codes = list(dict.fromkeys(encode(c.value) for c in node.choices))
        for code in codes:
            self._leaf([{f"v{j}": code}], (n, inside))
        self._leaf([{"$ex": {f"v{j}": 1}}, *({"$neq": {f"v{j}": code}} for code in codes)], (n, outside))
        self._leaf([{"$ex": {f"x{j}": 1}}], (n, "T" if node.negated else "F"))

    def _listed(self, n: int) -> None:
        j = self._slot(FactRef("matter", (0, 0)))
        for code, matter in self.pack.matters.items():
            self._leaf([{f"v{j}": encode(code)}], (n, "T" if matter.listed else "F"))
        self._leaf([{"$ex": {f"x{j}": 1}}], (n, "F"))

    # -- inputs --------------------------------------------------------------------------------

    def _slot(self, node: Node) -> int:
        key = value_key(node)
        j = self.net.slots.get(key)
        if j is None:
            j = len(self.net.slot_nodes)
            self.net.slots[key] = j
            self.net.slot_nodes.append(node)
        return j

    def _claim(self, gid: str) -> str:
        prop = self.net.claim_props.get(gid)
        if prop is None:
            prop = f"g{len(self.net.claim_props)}"
            self.net.claim_props[gid] = prop
        return prop

    # -- rules ---------------------------------------------------------------------------------

    def _rule(self, rule: dict[str, Any], derive: Derive) -> None:
        name = f"r{len(self.net.rules)}"
        self.net.rules[name] = rule
        self.net.derives[name] = derive

    def _leaf(self, tests: list[dict[str, Any]], derive: Derive) -> None:
        if len(tests) + 3 > _MAX_EXPRESSION:
            raise NetworkError(f"a test of pack `{self.pack.id}` is too large for durable-rules")
        self._rule({"all": [{"m": {"$and": [dict(INPUT), *tests]}}]}, derive)

    def _join(self, facts: list[Derive], derive: Derive) -> None:
        self._rule({"all": [{f"m_{i}": _truth(*f)} for i, f in enumerate(facts)]}, derive)

    def _copy(self, source: int, target: int) -> None:
        self._join([(source, "T")], (target, "T"))
        self._join([(source, "F")], (target, "F"))


def _truth(n: int, v: str) -> dict[str, Any]:
    return {"$and": [{"n": n}, {"v": v}]}
