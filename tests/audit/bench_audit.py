"""Benchmark: the decision log and the batch audit. Run by hand; figures go in the closing note.

    python tests/audit/bench_audit.py [--appends 5000] [--verify 20000] [--audit 20000]

Prints: appends per second with one writer (records serialised beforehand, and end to end
with serialisation of each record), appends per second with 4 writer processes, verify time
per 10,000 records and records verified per second, and batch-audit throughput (records per
second, one process). Targets (issue 4): >= 5,000 appends/s single writer; verify >= 100,000
records/s; audit >= 20,000 records/s. No test asserts on these numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from legalaid_rules import Registry, evaluate
from legalaid_rules.audit import DecisionLog, TraceRecord, audit, trace

DAY = dt.date(2023, 6, 1)
CLOCK = dt.datetime(2023, 6, 1, 4, 0, tzinfo=dt.UTC)


def sample_applications(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """n Anqing applications: matters, criminal cases, incomes, some facts unknown."""
    rng = random.Random(seed)
    pack = Registry().load("anhui/anqing", DAY)
    matters = sorted(pack.matters)
    out: list[dict[str, Any]] = []
    for _ in range(n):
        app: dict[str, Any] = {"date": DAY.isoformat(), "locality": {"city": "anqing"}}
        if rng.random() < 0.8:
            app["matter"] = rng.choice(matters)
            app["applicant"] = {
                "age": rng.randint(18, 90),
                "fixed_income_source": rng.choice([True, False, None]),
                "groups": [] if rng.random() < 0.7 else None,
                "disabilities": [],
            }
            app["household"] = {
                "size": rng.randint(1, 5),
                "monthly_income": f"{rng.randint(0, 12000)}.{rng.randint(0, 99):02d}"
                if rng.random() < 0.9
                else None,
                "significant_assets": rng.choice([False, False, True, None]),
            }
        else:
            app["criminal"] = {
                "role": rng.choice(["defendant", "victim", "private_prosecutor"]),
                "stage": "trial",
                "notified_by": rng.choice(["court", "police", "not_notified"]),
            }
        out.append(app)
    return out


def records(n: int) -> list[TraceRecord]:
    """n trace records of varied applications (fixed clock, numbered ids)."""
    pack = Registry().load("anhui/anqing", DAY)
    apps = sample_applications(min(n, 200))
    return [
        trace(pack, apps[i % len(apps)], clock=lambda: CLOCK, decision_id=f"bench-{i}")
        for i in range(n)
    ]


def _writer(path: str, blobs: list[bytes], start: Any) -> None:
    start.wait()
    with DecisionLog(path, timeout=120) as log:
        for b in blobs:
            log.append_bytes(b)


def bench_appends(n: int, folder: Path) -> None:
    recs = records(n)
    blobs = [r.canonical() for r in recs]
    size = sum(map(len, blobs)) / len(blobs)
    print(f"trace records: {n}, mean canonical size {size:,.0f} bytes")

    with DecisionLog(folder / "single.db") as log:
        t = time.perf_counter()
        for r in recs:  # canonical bytes already computed (cached on each record)
            log.append(r)
        dt_single = time.perf_counter() - t
    print(f"single writer, records serialised beforehand: {n / dt_single:,.0f} appends/s")

    fresh = [r.model_copy() for r in recs]  # no cached bytes: each append serialises
    with DecisionLog(folder / "single2.db") as log:
        t = time.perf_counter()
        for r in fresh:
            log.append(r)
        dt_e2e = time.perf_counter() - t
    print(f"single writer, serialising each record:       {n / dt_e2e:,.0f} appends/s")

    small = [b'{"n":%d,"pad":"%s"}' % (i, b"x" * 1000) for i in range(n)]
    with DecisionLog(folder / "small.db") as log:
        t = time.perf_counter()
        for b in small:
            log.append_bytes(b)
        dt_small = time.perf_counter() - t
    print(f"single writer, 1 KB payloads (log overhead):  {n / dt_small:,.0f} appends/s")

    path = str(folder / "four.db")
    DecisionLog(path).close()
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    per = n // 4
    procs = [
        ctx.Process(target=_writer, args=(path, blobs[w * per : (w + 1) * per], start)) for w in range(4)
    ]
    for p in procs:
        p.start()
    time.sleep(2.0)  # let every process import and open the log
    t = time.perf_counter()
    start.set()
    for p in procs:
        p.join(600)
    dt_four = time.perf_counter() - t
    with DecisionLog(path) as log:
        ok = log.verify()
    print(f"4 writer processes: {4 * per / dt_four:,.0f} appends/s in total (valid: {ok.ok}, {ok.count})")


def bench_verify(n: int, folder: Path) -> None:
    recs = records(200)
    blobs = [r.canonical() for r in recs]
    path = folder / "verify.db"
    with DecisionLog(path) as log:
        for i in range(n):
            log.append_bytes(blobs[i % len(blobs)])
    with DecisionLog(path) as log:
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            v = log.verify()
            best = min(best, time.perf_counter() - t)
    assert v.ok and v.count == n
    print(
        f"verify: {best * 10_000 / n * 1000:,.1f} ms per 10,000 records "
        f"({n / best:,.0f} records/s over {n:,})"
    )
    small = folder / "verify-small.db"
    with DecisionLog(small) as log:
        for i in range(n):
            log.append_bytes(b'{"n":%d,"pad":"%s"}' % (i, b"x" * 1000))
        t = time.perf_counter()
        v = log.verify()
        took = time.perf_counter() - t
    assert v.ok
    print(f"verify, 1 KB payloads: {took * 10_000 / n * 1000:,.1f} ms per 10,000 ({n / took:,.0f} records/s)")


def bench_audit(n: int, folder: Path) -> None:
    pack = Registry().load("anhui/anqing", DAY)
    apps = sample_applications(2000, seed=2)
    outcomes = [evaluate(pack, a, steps=False).outcome.value for a in apps]
    path = folder / "past.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            a = apps[i % len(apps)]
            line = {"application": a, "outcome": outcomes[i % len(apps)], "date": a["date"],
                    "office": "anqing", "pack": "anhui/anqing"}  # fmt: skip
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    t = time.perf_counter()
    report = audit(path)
    took = time.perf_counter() - t
    assert report.agreements == n, (report.agreements, len(report.disagreements), report.failures[:3])
    print(f"audit: {n:,} records in {took:.2f} s = {n / took:,.0f} records/s (one process)")
    t = time.perf_counter()
    report = audit(path, workers=2)
    took = time.perf_counter() - t
    assert report.agreements == n
    print(f"audit, 2 worker processes: {n / took:,.0f} records/s (start-up included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--appends", type=int, default=5000)
    parser.add_argument("--verify", type=int, default=20000)
    parser.add_argument("--audit", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_appends(args.appends, folder)
        bench_verify(args.verify, folder)
        bench_audit(args.audit, folder)


if __name__ == "__main__":
    main()
