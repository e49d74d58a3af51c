"""The durable-rules backend: a second, independent execution of the same compiled packs.

Each resolved pack is compiled once (:mod:`._network`) into its own durable-rules ruleset, in
which the engine's Rete network decides every comparison and every ``and``/``or``/``not`` of
every condition in three-valued logic. Python computes only the values that are compared
(:mod:`._durable_inputs`, encoded exactly by :mod:`._ordered_text`) and, from the truths the
engine derived, the recorded tests and the unknown facts (:class:`DurableResults`); evaluation
assembles the decision from them, the same for both backends.

The engine's limits, and how each is handled (measured with durable-rules 2.0.28; see
``docs/backends.md``):

- *Session states.* A ruleset holds at most 1,024 live sessions; the 1,025th raises
  ``MemoryError`` and permanently loses a slot. Every evaluation is one session that is
  deleted in a ``finally`` block, so at most one is ever live.
- *Unhandled messages.* A fact that reaches no rule raises ``MessageNotHandledException``
  and is not kept; deleting a session whose only fact went unhandled crashes the process
  (SIGSEGV). Sink rules give every fact a rule, so none is ever unhandled.
- *Numbers.* Numbers travel through JSON as C doubles and forms like ``1e+16`` are refused.
  No number is sent: every value is an order-preserving string compared byte by byte.
- *The host.* Rulesets live in a host that is not safe for concurrent use, and the stock host
  runs two timer threads that take pending actions from any session at any moment. This
  module keeps a private host without those threads, one uniquely named ruleset per pack,
  and a lock around every call into it: evaluations are serialised (use the native backend
  for throughput).
- *Errors in actions* are swallowed by durable-rules into the session state; the state is
  read back and any such error is raised.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
from typing import Any

try:
    import durable_rules_engine
    from durable import engine
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "the durable backend needs durable-rules: pip install 'legalaid-rules[durable]'"
    ) from exc

from legalaid_rules.applications import Application
from legalaid_rules.backends._durable_inputs import Inputs, value_of
from legalaid_rules.backends._durable_network import Network, NetworkError, build, fnv1a32
from legalaid_rules.backends._ordered_text import encode
from legalaid_rules.backends.results import Record
from legalaid_rules.backends.unknowns import MissingKey, unknowns
from legalaid_rules.backends.value_keys import value_key
from legalaid_rules.conditions.syntax import (
    All,
    Any_,
    Compare,
    FactRef,
    GroupTest,
    InList,
    Listed,
    Node,
    Not,
)
from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.places import Place
from legalaid_rules.values import NOT_APPLICABLE, UNKNOWN, Tri

__all__ = [
    "DURABLE",
    "DurableBackend",
    "DurableBackendError",
    "DurableResults",
    "compile_pack",
    "ruleset_name",
    "truths",
]


class DurableBackendError(LegalAidRulesError):
    """durable-rules failed, or derived a node both true and false (a bug, never expected)."""

    code = "backend.durable"


class _QuietHost(engine.Host):  # type: ignore[misc]
    """A durable-rules host without the dispatcher threads of the stock one.

    The stock host polls every ruleset from two timer threads; those would take this module's
    pending actions out of order. Everything here runs synchronously, so they are not needed.
    """

    def _run(self) -> None:
        return


_LOCK = threading.Lock()
_HOST: _QuietHost | None = None
_NAMES = itertools.count(1)
_SESSIONS = itertools.count(1)


class _Compiled:
    """A pack's network, registered in the host under its own ruleset name."""

    __slots__ = ("hashes", "name", "net")

    def __init__(self, name: str, net: Network) -> None:
        self.name = name
        self.net = net
        self.hashes = net.fact_ids()


def _host() -> _QuietHost:
    global _HOST
    if _HOST is None:
        _HOST = _QuietHost()
    return _HOST


def _action(n: int, v: str) -> Any:
    fact = {"id": f"d{n}{v}", "n": n, "v": v}

    def derive(c: Any) -> None:
        with contextlib.suppress(engine.MessageObservedException):  # derived already, by another child
            c.assert_fact(dict(fact))

    return derive


def compile_pack(pack: ResolvedPack) -> Network:
    """The pack's network, compiled and registered once (then kept on the pack).

    Raises:
        DurableBackendError: the pack exceeds a limit of durable-rules.
    """
    with _LOCK:
        return _compiled(pack).net


def ruleset_name(pack: ResolvedPack) -> str:
    """The name of the pack's ruleset in this module's durable-rules host (unique per pack object).

    Raises:
        DurableBackendError: the pack exceeds a limit of durable-rules.
    """
    with _LOCK:
        return _compiled(pack).name


def _compiled(pack: ResolvedPack) -> _Compiled:
    return pack.cache.get(_Compiled, lambda: _compile(pack))


def _compile(pack: ResolvedPack) -> _Compiled:
    try:
        net = build(pack)
    except NetworkError as exc:
        raise DurableBackendError(str(exc)) from exc
    rules: dict[str, Any] = {}
    for rule_name, rule in net.rules.items():
        derive = net.derives.get(rule_name)
        run = _action(*derive) if derive else (lambda c: None)
        rules[rule_name] = {**json.loads(json.dumps(rule)), "run": run}
    safe = re.sub(r"[^A-Za-z0-9_]", "_", f"{pack.id}_{pack.version}")
    name = f"legalaid_{safe}_{next(_NAMES)}"
    _host().register_rulesets({name: rules})
    return _Compiled(name, net)


def _message(net: Network, place: Place, values: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": "in", "k": "in"}
    for j, value in enumerate(values):
        if value is NOT_APPLICABLE:
            out[f"x{j}"] = "na"
        elif value is not UNKNOWN:
            out[f"v{j}"] = encode(value)
    claims = place.claims
    if claims is not None:
        out["cl"] = "1"
        for gid, prop in net.claim_props.items():
            if gid in claims:
                out[prop] = "p" if claims[gid] else "c"
    return out


def _run(compiled: _Compiled, message: dict[str, Any]) -> dict[int, bool]:
    """One session: assert the input, let the network run, read the truths, delete it."""
    host = _host()
    sid = str(next(_SESSIONS))
    while fnv1a32(f"sid-{sid}") in compiled.hashes:  # pragma: no cover - one id in ~10^7
        sid = str(next(_SESSIONS))
    try:
        host.assert_fact(compiled.name, {"sid": sid, **message})
        facts = host.get_facts(compiled.name, sid)
        state = host.get_state(compiled.name, sid)
    except (engine.MessageNotHandledException, durable_rules_engine.error, MemoryError) as exc:
        raise DurableBackendError(f"durable-rules failed: {getattr(exc, 'message', exc)}") from exc
    finally:
        with contextlib.suppress(durable_rules_engine.error):  # never created: nothing to delete
            host.delete_state(compiled.name, sid)
    if "exception" in state:
        raise DurableBackendError(f"a durable-rules action failed: {state['exception']}")
    out: dict[int, bool] = {}
    for fact in facts:
        if "n" not in fact:
            continue
        n, truth = int(fact["n"]), fact["v"] == "T"
        if out.get(n, truth) != truth:
            raise DurableBackendError(f"durable-rules derived node {n} both true and false")
        out[n] = truth
    return out


def truths(
    pack: ResolvedPack, application: Application, place: Place | None = None
) -> tuple[Network, dict[int, bool], list[Any]]:
    """Run the pack's network on an application.

    Returns:
        The network, the truth of every node the engine decided (absent: unknown), and the
        value of every input slot.
    """
    place = Place.of(pack, application) if place is None else place
    inputs = Inputs(pack, application, place)
    with _LOCK:
        compiled = _compiled(pack)
        values = [value_of(node, inputs) for node in compiled.net.slot_nodes]
        derived = _run(compiled, _message(compiled.net, place, values))
    return compiled.net, derived, values


class DurableResults:
    """The truths durable-rules derived, read back as rule results (see :class:`~.results.RuleResults`)."""

    def __init__(self, pack: ResolvedPack, app: Application, place: Place) -> None:
        net, derived, values = truths(pack, app, place)
        self._reader = _Reader(pack, app, place, net, derived, values)
        self._pack = pack
        self.results = {rule.id: self._reader.truth(rule.condition) for rule in pack.rules}
        self._records = {rule.id: tuple(self._reader.records(rule.condition)) for rule in pack.rules}

    def records(self, rule_id: str) -> tuple[Record, ...]:
        """The tests one rule evaluated, as the native backend records them."""
        return self._records[rule_id]

    def unknowns(self, rule_id: str) -> set[MissingKey]:
        """The unknowns that leave a rule unknown."""
        return unknowns(self._reader, self._pack.rule(rule_id).condition)


class DurableBackend:
    """durable-rules computing every condition (see :class:`~.results.Backend`)."""

    def run(self, pack: ResolvedPack, app: Application, place: Place) -> DurableResults:
        """Every rule's result for one application.

        Raises:
            DurableBackendError: durable-rules failed.
        """
        return DurableResults(pack, app, place)


DURABLE = DurableBackend()
"""The durable backend."""


class _Reader:
    """Reads the engine's truths back as the native backend's records and unknown facts."""

    def __init__(
        self,
        pack: ResolvedPack,
        app: Application,
        place: Place,
        net: Network,
        derived: dict[int, bool],
        values: list[Any],
    ) -> None:
        self.pack = pack
        self.net = net
        self.derived = derived
        self.values = values
        self.place = place
        self.inputs = Inputs(pack, app, place)
        self.claims = place.claims

    def truth(self, node: Node) -> Tri:
        return self.derived.get(self.net.truth_of[id(node)])

    def member(self, gid: str) -> Tri:
        return self.derived.get(self.net.member_of[gid])

    def value(self, node: Node) -> Any:
        j = self.net.slots.get(value_key(node))
        return value_of(node, self.inputs) if j is None else self.values[j]

    def records(self, node: Node) -> list[Record]:
        """The tests of a condition, in the order and form the native backend records them."""
        if isinstance(node, All | Any_):
            return [r for item in node.items for r in self.records(item)]
        if isinstance(node, Not):
            return self.records(node.item)
        if isinstance(node, Compare):
            return [(node, self.value(node.left), self.value(node.right), self.truth(node))]
        if isinstance(node, InList):
            return [(node, self.value(node.item), None, self.truth(node))]
        if isinstance(node, Listed):
            r = self.truth(node)
            return [(node, self.value(FactRef("matter", (0, 0))), r, r)]
        if isinstance(node, GroupTest):
            definition = self.pack.groups[node.group].definition
            out = self.records(definition) if definition is not None else []
            member = self.member(node.group)
            proof: Tri = None
            if node.test == "proven" and member is not False:
                proof = None if self.claims is None else (self.claims.get(node.group) or None)
            out.append((node, member, proof, self.truth(node)))
            return out
        return []  # a rule reference, a bare fact or a literal records nothing
