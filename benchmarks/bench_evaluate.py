"""Benchmark: deciding with the Anqing 2023 pack, and what it costs to start. Run by hand.

    python benchmarks/bench_evaluate.py [--n 20000] [--quick]

Prints, against the targets of issue 10 (no test asserts on these numbers):

- per decision, Anqing, reasons available on demand: typed ``Application`` in (<= 10 us) and
  plain dict in, validation included (<= 20 us); with reasons and warnings rendered (<= 35 us);
  with the whole decision serialised to JSON; decisions per second on one core, dict in
  (>= 50,000);
- the cost of each extra rule, from 7 to 500 rules (<= 0.5 us a rule);
- pack load, cold (a fresh registry, the YAML read again: <= 50 ms);
- ``import legalaid_rules`` in a fresh interpreter (<= 100 ms; every exported name loads on first
  use, so also ``from legalaid_rules import Application, evaluate, load_pack``, what a caller that
  decides imports) and ``legalaid-rules evaluate`` wall time, whole process (<= 200 ms).

Per-decision figures are CPU time (``time.process_time``), best of several rounds, so that other
jobs on a shared machine move them less; start-up figures are wall time, median of several runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from legalaid_rules import Application, Registry, ResolvedPack, evaluate

DAY = dt.date(2023, 6, 1)
ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini"


def varied_applications(n: int, seed: int = 1, pack: ResolvedPack | None = None) -> list[Application]:
    """n applications across matters, criminal roles, groups, incomes and unknown facts.

    For ``pack`` (default: Anqing 2023), dated in its period, in the cities it governs; some may
    not fit a province pack (see ``bench_backends.applications``).
    """
    rng = random.Random(seed)
    if pack is None:
        pack, day = Registry().load("anhui/anqing", DAY), DAY
    else:
        day = pack.effective.start + dt.timedelta(days=150)
    cities = [r for r, e in pack.regions.items() if e.level == "city" and pack.within(r, pack.jurisdiction)]
    matters = sorted(pack.matters)
    groups = sorted(pack.groups)
    out = []
    for _ in range(n):
        data: dict[str, Any] = {"date": day, "locality": {"city": rng.choice(cities) if cities else None}}
        if matters and rng.random() < 0.8:
            data["matter"] = rng.choice(matters)
        else:
            data["criminal"] = {
                "role": rng.choice(["defendant", "victim", "private_prosecutor"]),
                "notified_by": rng.choice(["court", "police", "not_notified"]),
            }
        data["applicant"] = {
            "age": rng.randint(0, 95) if rng.random() < 0.9 else None,
            "disabilities": [] if rng.random() < 0.8 else ["physical"],
            "fixed_income_source": rng.random() < 0.6,
            "groups": [
                {"group": g, "proof": rng.random() < 0.7}
                for g in rng.sample(groups, min(len(groups), rng.randint(0, 2)))
            ],
        }
        data["household"] = {
            "size": rng.randint(1, 5),
            "monthly_income": Decimal(rng.randint(0, 1_000_000)) / 100 if rng.random() < 0.9 else None,
        }
        data["urgency"] = {"days_to_deadline": rng.randint(0, 40)}
        out.append(Application.model_validate(data))
    return out


def per_item(fn: Callable[[Any], object], items: Sequence[Any], rounds: int = 5) -> float:
    """Best-of-``rounds`` CPU microseconds per item."""
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for item in items:
            fn(item)
        best = min(best, time.process_time() - start)
    return best / len(items) * 1e6


def _rules_tree(root: Path, n_rules: int) -> None:
    """The test fixtures' national + province packs (3 rules) with ``n_rules - 3`` means-test variants."""
    shutil.copytree(MINI, root)
    extra = []
    for i in range(n_rules - 3):
        extra.append(
            f"  extra.r{i}:\n"
            f"    zh: 规则 {i}\n    en: rule {i}\n"
            f'    when: "household.per_capita_income < {1 + i % 5} * minimum_living_standard'
            f' and applicant.age >= {i % 90} and household.size <= {1 + i % 7}"\n'
            f"    then: {{economic: passed}}\n    basis: {{source: law}}\n"
        )
    path = root / "prov" / "2022.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "".join(extra), encoding="utf-8")


def rule_scaling(sizes: Sequence[int], n: int) -> list[tuple[int, float]]:
    """Microseconds per decision (typed in) for packs of ``sizes`` rules."""
    out = []
    rng = random.Random(3)
    apps = [
        Application.model_validate(
            {
                "date": "2022-06-01",
                "matter": rng.choice(["wages", "other"]),
                "locality": {"city": "city"},
                "applicant": {"age": rng.randint(10, 90), "fixed_income_source": rng.random() < 0.5},
                "household": {"size": rng.randint(1, 6), "monthly_income": str(rng.randint(0, 5000))},
            }
        )
        for _ in range(n)
    ]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "rules"
            _rules_tree(root, size)
            pack = Registry(root).load("prov", dt.date(2022, 6, 1))
            assert len(pack.rules) == size
            evaluate(pack, apps[0])
            out.append((size, per_item(lambda a, pack=pack: evaluate(pack, a), apps)))
    return out


def _median_wall(command: list[str], runs: int) -> float:
    walls = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls[1:]) * 1000  # the first run warms the file cache


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="fewer applications and runs")
    args = parser.parse_args()
    n = 2_000 if args.quick else args.n

    loads = []
    for _ in range(5):
        t = time.perf_counter()
        Registry().load("anhui/anqing", DAY)
        loads.append(time.perf_counter() - t)
    pack = Registry().load("anhui/anqing", DAY)
    apps = varied_applications(n)
    dicts = [a.model_dump(mode="json", exclude_none=True) for a in apps]
    evaluate(pack, apps[0])  # build the plan once

    def rendered(a: Any) -> object:
        d = evaluate(pack, a)
        return d.reasons, d.warnings

    typed = per_item(lambda a: evaluate(pack, a), apps)
    plain = per_item(lambda a: evaluate(pack, a), dicts)
    with_reasons = per_item(rendered, apps)
    with_reasons_dict = per_item(rendered, dicts)
    as_json = per_item(lambda a: evaluate(pack, a).model_dump_json(), apps)

    start = time.process_time()
    for d in dicts:
        evaluate(pack, d)
    rate = len(dicts) / (time.process_time() - start)

    sizes = (7, 50, 100, 250, 500)
    scaling = rule_scaling(sizes, 500 if args.quick else 2_000)
    slope = (scaling[-1][1] - scaling[0][1]) / (sizes[-1] - sizes[0])

    runs = 3 if args.quick else 9
    importing = _median_wall([sys.executable, "-c", "import legalaid_rules"], runs)
    deciding = _median_wall(
        [sys.executable, "-c", "from legalaid_rules import Application, evaluate, load_pack"], runs
    )
    bare = _median_wall([sys.executable, "-c", "pass"], runs)
    example = ROOT / "examples" / "anqing-support-payment.json"
    script = shutil.which("legalaid-rules", path=str(Path(sys.executable).parent)) or "legalaid-rules"
    cli = _median_wall([script, "evaluate", "--pack", "anhui/anqing", str(example)], runs)

    def row(label: str, value: str, target: str = "") -> None:
        print(f"{label:<48}{value}" + (f"   (target {target})" if target else ""))

    row("pack load, cold (median of 5)", f"{statistics.median(loads) * 1000:.1f} ms", "<= 50 ms")
    row("per decision, typed in, reasons on demand", f"{typed:.1f} us", "<= 10 us")
    row("per decision, dict in", f"{plain:.1f} us", "<= 20 us")
    row("  with reasons and warnings rendered, typed", f"{with_reasons:.1f} us", "<= 35 us")
    row("  with reasons and warnings rendered, dict", f"{with_reasons_dict:.1f} us")
    row("  serialised to JSON, every step", f"{as_json:.1f} us")
    row("decisions per second, dict in, one core", f"{rate:,.0f}", ">= 50,000")
    for size, us in scaling:
        row(f"  {size} rules, per decision", f"{us:.1f} us")
    row("cost per extra rule, 7 -> 500 rules", f"{slope:.3f} us", "<= 0.5 us")
    row(
        "import legalaid_rules, beyond a bare start",
        f"{importing - bare:.0f} ms (bare {bare:.0f} ms)",
        "<= 100 ms",
    )
    row("from legalaid_rules import evaluate, load_pack ...", f"{deciding - bare:.0f} ms")
    row("legalaid-rules evaluate, whole process", f"{cli:.0f} ms wall", "<= 200 ms")
    print(json.dumps({"n": n, "host": "shared; CPU times best of 5 rounds, walls median"}))


if __name__ == "__main__":
    main()
