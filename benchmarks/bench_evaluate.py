"""Benchmark: decisions on the Anqing 2023 pack. Run by hand; figures go in the closing note.

    python benchmarks/bench_evaluate.py [--n 100000]

Prints: pack load+compile time (cold, fresh registry), median microseconds per decision with
reasons and steps recorded, decisions per second in a batch loop on one core, and peak memory
(tracemalloc) of the batch. Targets (issue 2): <= 10 us per decision, >= 100k decisions/s per
core, load <= 100 ms. No test asserts on these numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
import tracemalloc
from decimal import Decimal
from typing import Any

from legalaid_rules import Application, Registry, ResolvedPack, evaluate

DAY = dt.date(2023, 6, 1)


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()

    loads = []
    for _ in range(5):
        t = time.perf_counter()
        Registry().load("anhui/anqing", DAY)
        loads.append(time.perf_counter() - t)
    pack = Registry().load("anhui/anqing", DAY)
    apps = varied_applications(args.n)
    evaluate(pack, apps[0])  # build the native plan once

    sample = apps[: min(len(apps), 20_000)]
    per = []
    for a in sample:
        t = time.perf_counter_ns()
        evaluate(pack, a)
        per.append(time.perf_counter_ns() - t)

    fast = []
    for a in sample:
        t = time.perf_counter_ns()
        evaluate(pack, a, steps=False)
        fast.append(time.perf_counter_ns() - t)

    t = time.perf_counter()
    for a in apps:
        evaluate(pack, a)
    batch = time.perf_counter() - t

    t = time.perf_counter()
    for a in apps:
        evaluate(pack, a, steps=False)
    batch_fast = time.perf_counter() - t

    tracemalloc.start()
    for a in apps[:10_000]:
        evaluate(pack, a)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"pack load+compile (cold, median of 5): {statistics.median(loads) * 1000:.1f} ms")
    print(
        f"median per decision:                   {statistics.median(per) / 1000:.1f} us "
        f"(p90 {statistics.quantiles(per, n=10)[-1] / 1000:.1f} us)"
    )
    print(
        f"median per decision, steps=False:      {statistics.median(fast) / 1000:.1f} us "
        f"(reasons, missing list and warnings still recorded)"
    )
    print(f"batch of {len(apps)}:                   {len(apps) / batch:,.0f} decisions/s on one core")
    print(f"batch of {len(apps)}, steps=False:      {len(apps) / batch_fast:,.0f} decisions/s on one core")
    print(f"peak traced memory, 10k decisions:     {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
