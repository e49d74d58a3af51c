"""Benchmark: the native and durable-rules backends, and peer engines, side by side in one run.

    python benchmarks/bench_backends.py [--n 300] [--packs anhui/anqing,guangdong/yunfu]

For every pack (default: every pack of the bundled registry in force on its first day) the
same generated applications are decided by:

- ``native``        ``evaluate(pack, app)``: full decision with reasons, missing list and steps;
- ``native-fast``   ``evaluate(pack, app, steps=False)``;
- ``durable``       ``evaluate(pack, app, backend="durable")``: the same full decision;

and, on the same packs, the peer engines a reader would compare against, each given an
equivalent rule set generated from the pack's conditions (every rule's condition, groups and
rule references inlined) and the same input values, computing every rule's true/false:

- ``json-logic``    json-logic-qubit (pure Python):  ``pip install json-logic-qubit``
- ``zen-engine``    GoRules ZEN (Rust, via PyO3):    ``pip install zen-engine``

The peers evaluate conditions only, in two-valued logic (an unknown or inapplicable value
makes a comparison false): no explanation, no missing list, no three-valued outcome. ZEN gets
money as binary doubles. They are benchmark-only peers, not project dependencies; a peer that
is not installed is skipped, and the script says so. Figures are medians of per-application
wall time in microseconds on one thread; the ratio is to ``native``. No test asserts on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from bench_evaluate import varied_applications  # type: ignore[import-not-found]

from legalaid_rules import Application, ApplicationError, Registry, ResolvedPack, evaluate
from legalaid_rules.backends._durable_inputs import Inputs, value_of
from legalaid_rules.backends.native import plan_for
from legalaid_rules.backends.value_keys import value_key
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
    walk,
)
from legalaid_rules.packs.places import Place
from legalaid_rules.values import NOT_APPLICABLE, UNKNOWN


def applications(pack: ResolvedPack, n: int, seed: int = 1) -> list[Application]:
    """Up to n valid applications for a pack, varied, with some facts unknown."""
    out: list[Application] = []
    for app in varied_applications(n * 3, seed, pack):
        if len(out) == n:
            break
        try:
            evaluate(pack, app, steps=False)
        except ApplicationError:
            continue
        out.append(app)
    return out


# -- the equivalent rule set for the peers ----------------------------------------------------


class _Inputs:
    """The value nodes a pack's conditions compare, and their values as plain JSON for a peer."""

    def __init__(self, pack: ResolvedPack) -> None:
        self.pack = pack
        self.names: dict[tuple[Any, ...], str] = {}
        self.nodes: list[Node] = []

    def name(self, node: Node) -> str:
        key = value_key(node)
        if key not in self.names:
            self.names[key] = f"v{len(self.nodes)}"
            self.nodes.append(node)
        return self.names[key]

    def values(self, app: Application, money: Callable[[Decimal], Any]) -> dict[str, Any]:
        place = Inputs(self.pack, app, Place.of(self.pack, app))
        out: dict[str, Any] = {"claims": {g.group: g.proof for g in app.applicant.groups or ()}}
        for node in self.nodes:
            v = value_of(node, place)
            if v is UNKNOWN or v is NOT_APPLICABLE:
                v = None
            elif isinstance(v, Decimal):
                v = money(v)
            elif isinstance(v, dt.date):
                v = v.toordinal()
            out[self.names[value_key(node)]] = v
        return out


_JL_OP = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}


def _plain(v: Any) -> Any:
    return v.toordinal() if isinstance(v, dt.date) else (float(v) if isinstance(v, Decimal) else v)


def to_json_logic(node: Node, pack: ResolvedPack, inputs: _Inputs) -> Any:
    """A condition as JSON Logic (two-valued: unknown and inapplicable compare false)."""
    if isinstance(node, All | Any_):
        return {
            "and" if isinstance(node, All) else "or": [to_json_logic(c, pack, inputs) for c in node.items]
        }
    if isinstance(node, Not):
        return {"!": [to_json_logic(node.item, pack, inputs)]}
    if isinstance(node, RuleRef):
        return to_json_logic(pack.rule(node.rule).condition, pack, inputs)
    if isinstance(node, GroupTest):
        definition = pack.groups[node.group].definition
        member = (
            to_json_logic(definition, pack, inputs)
            if definition is not None
            else {"!=": [{"var": f"claims.{node.group}"}, None]}
        )
        if node.test == "proven":
            return {"and": [member, {"==": [{"var": f"claims.{node.group}"}, True]}]}
        return member
    if isinstance(node, Compare):
        left, right = inputs.name(node.left), inputs.name(node.right)
        known = [{"!=": [{"var": left}, None]}, {"!=": [{"var": right}, None]}]
        return {"and": [*known, {_JL_OP[node.op]: [{"var": left}, {"var": right}]}]}
    if isinstance(node, InList):
        item = inputs.name(node.item)
        test = {"in": [{"var": item}, [_plain(c.value) for c in node.choices]]}
        return {"!": [test]} if node.negated else test
    if isinstance(node, Listed):
        matter = inputs.name(FactRef("matter", (0, 0)))
        return {"in": [{"var": matter}, sorted(c for c, m in pack.matters.items() if m.listed)]}
    if isinstance(node, FactRef | Lit):
        return {"==": [{"var": inputs.name(node)}, True]}
    raise TypeError(node)


def to_zen(node: Node, pack: ResolvedPack, inputs: _Inputs) -> str:
    """A condition as a ZEN expression (two-valued, like :func:`to_json_logic`)."""
    if isinstance(node, All | Any_):
        joiner = " and " if isinstance(node, All) else " or "
        return "(" + joiner.join(to_zen(c, pack, inputs) for c in node.items) + ")"
    if isinstance(node, Not):
        return f"not ({to_zen(node.item, pack, inputs)})"
    if isinstance(node, RuleRef):
        return to_zen(pack.rule(node.rule).condition, pack, inputs)
    if isinstance(node, GroupTest):
        definition = pack.groups[node.group].definition
        claim = f"claims['{node.group}']"
        member = to_zen(definition, pack, inputs) if definition is not None else f"({claim} != null)"
        return f"({member} and {claim} == true)" if node.test == "proven" else member
    if isinstance(node, Compare):
        left, right = inputs.name(node.left), inputs.name(node.right)
        return f"({left} != null and {right} != null and {left} {node.op} {right})"
    if isinstance(node, InList):
        item = inputs.name(node.item)
        choices = ", ".join(json.dumps(_plain(c.value)) for c in node.choices)
        test = f"{item} in [{choices}]"
        return f"not ({test})" if node.negated else f"({test})"
    if isinstance(node, Listed):
        matter = inputs.name(FactRef("matter", (0, 0)))
        codes = ", ".join(f"'{c}'" for c, m in sorted(pack.matters.items()) if m.listed)
        return f"({matter} in [{codes}])"
    if isinstance(node, FactRef | Lit):
        return f"({inputs.name(node)} == true)"
    raise TypeError(node)


def _uses_only_supported(pack: ResolvedPack) -> bool:
    ok = (All, Any_, Not, RuleRef, GroupTest, Compare, InList, Listed, FactRef, Lit, ParamRef, Arith, YearOf)
    return all(isinstance(n, ok) for r in pack.rules for n in walk(r.condition))


# -- timing -----------------------------------------------------------------------------------


def _median_us(fn: Callable[[Application], Any], apps: list[Application], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        for app in apps:
            start = time.perf_counter()
            fn(app)
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def _agreement(pack: ResolvedPack, apps: list[Application], run: Callable[[Application], Any]) -> str:
    """How often a peer's true/false matches the native result, where the native one is known."""
    plan = plan_for(pack)
    same = total = 0
    for app in apps:
        results = plan.run(app, Place.of(pack, app)).results
        got = run(app)
        for i, rule in enumerate(pack.rules):
            native = results[rule.id]
            if native is not None:
                total += 1
                same += bool(got.get(rule.id, got.get(f"r{i}"))) == native
    return f"{same}/{total}"


def bench_pack(
    pack: ResolvedPack, apps: list[Application], rounds: int, agreement: dict[str, str]
) -> dict[str, float | None]:
    """Median microseconds per application for each engine on one pack (None: not installed)."""
    evaluate(pack, apps[0], backend="durable")  # compile and register once, outside the timing
    out: dict[str, float | None] = {
        "native": _median_us(lambda a: evaluate(pack, a), apps, rounds),
        "native-fast": _median_us(lambda a: evaluate(pack, a, steps=False), apps, rounds),
        "durable": _median_us(lambda a: evaluate(pack, a, backend="durable"), apps, 1),
    }
    inputs = _Inputs(pack)
    try:
        from json_logic import jsonLogic  # type: ignore[import-untyped]

        rules = {r.id: to_json_logic(r.condition, pack, inputs) for r in pack.rules}

        def run_json_logic(app: Application) -> dict[str, bool]:
            data = inputs.values(app, money=lambda d: d)
            return {rid: bool(jsonLogic(rule, data)) for rid, rule in rules.items()}

        out["json-logic"] = _median_us(run_json_logic, apps, rounds)
        agreement["json-logic"] = _agreement(pack, apps, run_json_logic)
    except ImportError:
        out["json-logic"] = None
    try:
        import zen

        expressions = [
            {"id": f"e{i}", "key": f"r{i}", "value": to_zen(r.condition, pack, inputs)}
            for i, r in enumerate(pack.rules)
        ]
        content = {
            "nodes": [
                {"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
                {
                    "id": "rules",
                    "type": "expressionNode",
                    "name": "rules",
                    "position": {"x": 0, "y": 0},
                    "content": {"expressions": expressions},
                },
                {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 0, "y": 0}},
            ],
            "edges": [
                {"id": "a", "sourceId": "in", "targetId": "rules", "type": "edge"},
                {"id": "b", "sourceId": "rules", "targetId": "out", "type": "edge"},
            ],
        }
        decision = zen.ZenEngine().create_decision(json.dumps(content))

        def run_zen(app: Application) -> Any:
            return decision.evaluate(inputs.values(app, money=float))["result"]

        out["zen-engine"] = _median_us(run_zen, apps, rounds)
        agreement["zen-engine"] = _agreement(pack, apps, run_zen)
    except ImportError:
        out["zen-engine"] = None
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="applications per pack")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (durable: 1)")
    parser.add_argument("--packs", default="", help="comma-separated pack ids (default: all)")
    args = parser.parse_args()
    registry = Registry()
    wanted = [p for p in args.packs.split(",") if p] or registry.ids()
    engines = ["native", "native-fast", "durable", "json-logic", "zen-engine"]
    print(f"{'pack':18} {'apps':>5}  " + "  ".join(f"{e:>16}" for e in engines))
    missing: set[str] = set()
    notes: list[str] = []
    for pack_id in wanted:
        version = registry.versions(pack_id)[-1]
        pack = registry.load(pack_id, version.start + dt.timedelta(days=150))
        apps = applications(pack, args.n)
        if not apps or not _uses_only_supported(pack):
            print(f"{pack_id:18} {0:>5}  (no valid application: the pack cannot decide alone)")
            continue
        agreement: dict[str, str] = {}
        res = bench_pack(pack, apps, args.rounds, agreement)
        notes.append(
            f"{pack_id}: " + ", ".join(f"{e} agrees on {a} known rule results" for e, a in agreement.items())
        )
        base = res["native"] or 1.0
        cells = []
        for e in engines:
            v = res[e]
            if v is None:
                missing.add(e)
                cells.append(f"{'skipped':>16}")
            else:
                cells.append(f"{v:>8.1f} us {v / base:>4.1f}x")
        print(f"{pack_id:18} {len(apps):>5}  " + "  ".join(cells))
    for note in notes:
        print(note)
    for e in sorted(missing):
        print(f"{e}: not installed, skipped (pip install {'json-logic-qubit' if e == 'json-logic' else e})")


if __name__ == "__main__":
    main()
