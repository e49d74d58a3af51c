"""Benchmark: one simple Anqing-style rule set in this project and in two peer engines.

    pip install -e ".[bench,durable]"
    python benchmarks/bench_peers.py [--n 20000] [--seed 7]

The rule set (the pack is ``benchmarks/peers/anqing_style/2023.yaml``):

- a matter on the scope list is in scope;
- a defendant notified by the court, procuratorate or police is in scope and needs no means test;
- a proven minimum-allowance recipient or person under extreme-poverty support is exempt from it;
- otherwise the household's per-capita monthly income must be strictly below 2 x 780.00 yuan (低保).

Eligible = in scope and the means test met, waived or not required.

The same generated applications, in one process, are decided by:

- ``legalaid_rules``        ``evaluate(pack, dict)``: validation and the decision (its reasons,
  warnings and steps are rendered when first read, so this reads outcome and economic only);
- ``legalaid_rules-read``   the same, and reads the reasons and warnings (rendering them);
- ``legalaid_rules-fast``   ``evaluate(pack, dict, steps=False)``;
- ``legalaid_rules-typed``  ``evaluate(pack, Application, steps=False)``: validation done before;
- ``zen-engine``            GoRules ZEN (Rust via PyO3), its fastest path: a ``ZenEngine`` whose
  loader returns a ``ZenDecisionContent`` compiled once, then ``engine.evaluate(key, input)``;
- ``durable-rules``         a durable-rules ruleset (C engine, Python host), one fact per
  application asserted into its own session and deleted after.

Every engine's answer (eligible, and the economic condition) is checked against a plain-Python
reference with ``Decimal`` money; the script counts agreements and exits non-zero on any
disagreement. The peers get plain dicts with money as binary floats (their native input; every
generated amount has two decimals, far from float rounding at the 1,560.00 boundary). Inputs are
prepared before timing. The figure is the median of per-decision wall times in microseconds, on
one thread. It is not a test: no test asserts on timings; on a shared machine figures are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from legalaid_rules import Application, Registry, evaluate

HERE = Path(__file__).resolve().parent
DATE = dt.date(2023, 6, 1)
DIBAO = Decimal("780.00")
LISTED = (
    "labour_remuneration",
    "injury_work",
    "support_payment",
    "social_insurance",
    "state_compensation",
    "injury_traffic",
)
UNLISTED = ("other",)
NOTIFIERS = ("court", "procuratorate", "police")
EXEMPT = ("dibao_recipient", "extreme_poverty_support")

Answer = tuple[bool, str]  # (eligible, economic condition)


# -- the applications ----------------------------------------------------------------------------


def applications(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` complete applications: civil (listed or not, incomes around the boundary, some
    exempt) and criminal (notified or applying themselves)."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.1:
            cents = rng.choice([155999, 156000, 156001])  # exactly at and beside 2 x 780.00
        elif roll < 0.6:
            cents = rng.randrange(100000, 210000)
        else:
            cents = rng.randrange(0, 600000)
        income = f"{Decimal(cents) / 100:.2f}"
        groups = [{"group": rng.choice(EXEMPT), "proof": True}] if rng.random() < 0.2 else []
        app: dict[str, Any] = {
            "date": DATE.isoformat(),
            "locality": {"city": "anqing"},
            "applicant": {"groups": groups},
            "household": {"per_capita_monthly_income": income},
        }
        if rng.random() < 0.3:
            app["criminal"] = {"role": "defendant", "notified_by": rng.choice([*NOTIFIERS, "not_notified"])}
        else:
            app["matter"] = rng.choice(LISTED + UNLISTED) if rng.random() < 0.9 else rng.choice(UNLISTED)
        out.append(app)
    return out


def reference(app: dict[str, Any]) -> Answer:
    """The rule set in plain Python, with exact money."""
    criminal = app.get("criminal") or {}
    notified = criminal.get("role") == "defendant" and criminal.get("notified_by") in NOTIFIERS
    in_scope = notified or app.get("matter") in LISTED
    if notified:
        economic = "not_required"
    elif any(g["group"] in EXEMPT and g["proof"] for g in app["applicant"]["groups"]):
        economic = "waived"
    elif Decimal(app["household"]["per_capita_monthly_income"]) < 2 * DIBAO:
        economic = "passed"
    else:
        economic = "failed"
    return in_scope and economic != "failed", economic


def flat(app: dict[str, Any]) -> dict[str, Any]:
    """What the peers read: the same facts as a flat dict, money as a float."""
    criminal = app.get("criminal") or {}
    return {
        "matter": app.get("matter") or "",
        "role": criminal.get("role") or "",
        "notified_by": criminal.get("notified_by") or "",
        "exempt": int(any(g["group"] in EXEMPT and g["proof"] for g in app["applicant"]["groups"])),
        "income": float(app["household"]["per_capita_monthly_income"]),
    }


# -- this project ---------------------------------------------------------------------------------


def project(
    steps: bool, typed: bool, read: bool = False
) -> tuple[Callable[[Any], Answer], Callable[[dict[str, Any]], Any]]:
    pack = Registry(HERE / "peers").load("anqing_style", DATE)

    def run(app: Any) -> Answer:
        d = evaluate(pack, app, steps=steps)
        if read:  # reasons and warnings are rendered when first read
            assert d.reasons and d.warnings is not None
        return d.outcome.value == "eligible", d.economic.value

    prepare: Callable[[dict[str, Any]], Any] = Application.model_validate if typed else (lambda a: a)
    return run, prepare


# -- zen-engine -------------------------------------------------------------------------------------

_IN_SCOPE = (
    "(role == 'defendant' and notified_by in ['court', 'procuratorate', 'police'])"
    f" or matter in [{', '.join(repr(m) for m in LISTED)}]"
)
_ECONOMIC = (
    "role == 'defendant' and notified_by in ['court', 'procuratorate', 'police'] ? 'not_required'"
    f" : (exempt == 1 ? 'waived' : (income < 2 * {DIBAO} ? 'passed' : 'failed'))"
)


def zen_engine() -> tuple[Callable[[Any], Answer], Callable[[dict[str, Any]], Any]]:
    import zen

    jdm = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "application", "position": {"x": 0, "y": 0}},
            {
                "id": "decide",
                "type": "expressionNode",
                "name": "decide",
                "position": {"x": 200, "y": 0},
                "content": {
                    "expressions": [
                        {"id": "scope", "key": "scope", "value": _IN_SCOPE},
                        {"id": "economic", "key": "economic", "value": _ECONOMIC},
                    ]
                },
            },
            {"id": "out", "type": "outputNode", "name": "decision", "position": {"x": 400, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "decide", "type": "edge"},
            {"id": "e2", "sourceId": "decide", "targetId": "out", "type": "edge"},
        ],
    }
    compiled = zen.ZenDecisionContent(json.dumps(jdm))  # compiled once; the loader hands it out
    engine = zen.ZenEngine({"loader": lambda key: compiled})

    def run(facts: Any) -> Answer:
        result = engine.evaluate("anqing_style", facts)["result"]
        return bool(result["scope"]) and result["economic"] != "failed", result["economic"]

    return run, flat


# -- durable-rules ----------------------------------------------------------------------------------


def durable_rules() -> tuple[Callable[[Any], Answer], Callable[[dict[str, Any]], Any]]:
    from durable import engine

    class QuietHost(engine.Host):  # type: ignore[misc]
        """The stock host without its timer threads: everything here runs synchronously."""

        def _run(self) -> None:
            return

    found: dict[str, Any] = {}

    def record(key: str, value: Any) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            found[key] = value

        return action

    notified = {"$and": [{"role": "defendant"}, {"$or": [{"notified_by": n} for n in NOTIFIERS]}]}
    not_notified = {"$or": [{"$neq": {"role": "defendant"}}, {"notified_by": "not_notified"}]}
    ruleset = {
        "notified": {"all": [{"m": notified}], "run": record("economic", "not_required")},
        "notified_scope": {"all": [{"m": notified}], "run": record("scope", True)},
        "listed": {"all": [{"m": {"$or": [{"matter": m} for m in LISTED]}}], "run": record("scope", True)},
        "waived": {
            "all": [{"m": {"$and": [not_notified, {"exempt": 1}]}}],
            "run": record("economic", "waived"),
        },
        "passed": {
            "all": [{"m": {"$and": [not_notified, {"exempt": 0}, {"$lt": {"income": float(2 * DIBAO)}}]}}],
            "run": record("economic", "passed"),
        },
        "failed": {
            "all": [{"m": {"$and": [not_notified, {"exempt": 0}, {"$gte": {"income": float(2 * DIBAO)}}]}}],
            "run": record("economic", "failed"),
        },
    }
    host = QuietHost()
    host.register_rulesets({"anqing_style": ruleset})
    sessions = iter(range(1, 1 << 62))

    def run(facts: Any) -> Answer:
        found.clear()
        sid = str(next(sessions))
        host.assert_fact("anqing_style", {"sid": sid, **facts})
        host.delete_state("anqing_style", sid)
        economic = found["economic"]
        return bool(found.get("scope")) and economic != "failed", economic

    return run, flat


# -- the run ----------------------------------------------------------------------------------------


def measure(run: Callable[[Any], Answer], inputs: Sequence[Any]) -> tuple[float, list[Answer]]:
    """The median per-decision time in µs, and every answer (in order)."""
    for item in inputs[:200]:  # warm up: first calls compile, fill caches
        run(item)
    times: list[int] = []
    answers: list[Answer] = []
    clock = time.perf_counter_ns
    for item in inputs:
        start = clock()
        answer = run(item)
        times.append(clock() - start)
        answers.append(answer)
    return statistics.median(times) / 1000, answers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=20000, help="applications (default 20000)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    apps = applications(args.n, args.seed)
    expected = [reference(a) for a in apps]
    engines: dict[str, Callable[[], tuple[Callable[[Any], Answer], Callable[[dict[str, Any]], Any]]]] = {
        "legalaid_rules": lambda: project(steps=True, typed=False),
        "legalaid_rules-read": lambda: project(steps=True, typed=False, read=True),
        "legalaid_rules-fast": lambda: project(steps=False, typed=False),
        "legalaid_rules-typed": lambda: project(steps=False, typed=True),
        "zen-engine": zen_engine,
        "durable-rules": durable_rules,
    }
    eligible = sum(e for e, _ in expected)
    print(f"{args.n} applications ({eligible} eligible by the reference), seed {args.seed}")
    print(f"{'engine':<22} {'µs/decision':>12} {'agree':>12}")
    failed = False
    for name, make in engines.items():
        try:
            run, prepare = make()
        except ImportError as exc:
            print(f"{name:<22} {'not installed':>12}  ({exc.name}: pip install -e '.[bench,durable]')")
            failed = True
            continue
        inputs = [prepare(a) for a in apps]
        median_us, answers = measure(run, inputs)
        agree = sum(a == e for a, e in zip(answers, expected, strict=True))
        print(f"{name:<22} {median_us:>12.1f} {agree:>6}/{len(apps)}")
        if agree != len(apps):
            failed = True
            for app, got, want in zip(apps, answers, expected, strict=True):
                if got != want:
                    print(f"  DISAGREES: {json.dumps(app, ensure_ascii=False)}: {got} != reference {want}")
                    break
    if failed:
        print("FAILED: an engine disagreed with the reference or could not run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
