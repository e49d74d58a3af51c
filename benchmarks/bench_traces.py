"""Benchmark: the decision log and the batch audit. Run by hand; figures go in the closing note.

    python benchmarks/bench_traces.py [--n 10000] [--writers 4] [--audit 10000] [--jobs 2]

Prints, for real Anqing 2023 trace records (about 12 KB of canonical JSON each):

- appends/s with one writer: one transaction per record (bytes already canonical; and from
  ``TraceRecord`` models, canonical encoding included), and in batches of 100;
- appends/s with several writer processes at once, one transaction per record;
- verify: records/s and seconds per 10,000 records;
- audit: JSON-lines records/s decided again and compared, in one process and in ``--jobs``.

Targets (issue 4): >= 5,000 appends/s single writer; verify >= 100,000 records/s; audit >=
20,000 records/s. No test asserts on these numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_evaluate import varied_applications  # type: ignore[import-not-found]

from legalaid_rules import Registry, evaluate
from legalaid_rules.traces.audit import audit_lines
from legalaid_rules.traces.log import DecisionLog
from legalaid_rules.traces.records import TraceRecord

DAY = dt.date(2023, 6, 1)
CLOCK = dt.datetime(2023, 6, 1, 9, 0, tzinfo=dt.UTC)


def traces(n: int) -> list[TraceRecord]:
    """n trace records of varied Anqing decisions (200 distinct, repeated)."""
    pack = Registry().load("anhui/anqing", DAY)
    apps = varied_applications(min(n, 200))
    decisions = [(evaluate(pack, a), a) for a in apps]
    # each record its own decision id: the log stores a repeated decision id only once
    return [
        TraceRecord.from_decision(
            *decisions[i % len(decisions)], pack, clock=lambda: CLOCK, decision_id=f"d-bench-{i:08d}"
        )
        for i in range(n)
    ]


def _writer(path: str, bodies: list[bytes], times: Any) -> None:
    with DecisionLog(path) as log:
        log.append(bodies[0])
        start = time.time()
        for body in bodies[1:]:
            log.append(body)
        times.put((start, time.time()))


def bench_log(records: list[TraceRecord], writers: int) -> None:
    bodies = [r.canonical() for r in records]
    size = sum(map(len, bodies)) / len(bodies)
    print(f"records: {len(bodies)}, mean canonical size {size / 1024:.1f} KB")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bytes.db"
        with DecisionLog(path) as log:
            start = time.perf_counter()
            for body in bodies:
                log.append(body)
            took = time.perf_counter() - start
        print(f"append, 1 writer, bytes:        {len(bodies) / took:>10,.0f} appends/s")

        few = records[: max(1, len(records) // 5)]
        with DecisionLog(Path(tmp) / "models.db") as log:
            start = time.perf_counter()
            for record in few:
                log.append(record)
            took = time.perf_counter() - start
        print(
            f"append, 1 writer, TraceRecord:  {len(few) / took:>10,.0f} appends/s (canonical JSON included)"
        )

        with DecisionLog(Path(tmp) / "batch.db") as log:
            start = time.perf_counter()
            for i in range(0, len(bodies), 100):
                log.extend(bodies[i : i + 100])
            took = time.perf_counter() - start
        print(f"append, 1 writer, batches of 100:{len(bodies) / took:>9,.0f} appends/s")

        multi = str(Path(tmp) / "multi.db")
        DecisionLog(multi).close()
        share = len(bodies) // writers
        ctx = multiprocessing.get_context("spawn")
        times = ctx.Queue()
        procs = [
            ctx.Process(target=_writer, args=(multi, bodies[w * share : (w + 1) * share], times))
            for w in range(writers)
        ]
        for p in procs:
            p.start()
        spans = [times.get(timeout=600) for _ in procs]
        for p in procs:
            p.join()
        took = max(e for _, e in spans) - min(s for s, _ in spans)
        with DecisionLog(multi) as log:
            result = log.verify()
        print(
            f"append, {writers} writers, bytes:        {(share - 1) * writers / took:>10,.0f} appends/s "
            f"(from the first writer's start to the last one's end; chain ok={result.ok}, "
            f"{result.count} records)"
        )

        with DecisionLog(path) as log:
            start = time.perf_counter()
            result = log.verify()
            took = time.perf_counter() - start
        assert result.ok
        print(
            f"verify:                         {result.count / took:>10,.0f} records/s "
            f"({took / result.count * 10_000:.3f} s per 10,000 records)"
        )


def bench_small(n: int) -> None:
    """The log machinery alone: records of about 300 bytes (e.g. a decision summary)."""
    bodies = [
        json.dumps({"decision_id": f"d-{i:08d}", "outcome": "eligible", "pad": "x" * 230}).encode()
        for i in range(n)
    ]
    with tempfile.TemporaryDirectory() as tmp, DecisionLog(Path(tmp) / "small.db") as log:
        start = time.perf_counter()
        for body in bodies:
            log.append(body)
        took = time.perf_counter() - start
        print(f"append, 1 writer, 300 B records:{n / took:>10,.0f} appends/s")
        start = time.perf_counter()
        result = log.verify()
        took = time.perf_counter() - start
        print(
            f"verify, 300 B records:          {result.count / took:>10,.0f} records/s "
            f"({took / result.count * 10_000:.3f} s per 10,000 records)"
        )


def audit_export(n: int) -> list[str]:
    """n JSON lines as an intake system exports them, with the outcome staff recorded."""
    pack = Registry().load("anhui/anqing", DAY)
    apps = varied_applications(n, seed=7)
    lines = []
    for i, app in enumerate(apps):
        facts: dict[str, Any] = json.loads(app.model_dump_json(exclude_none=True))
        facts.pop("date")
        outcome = evaluate(pack, app, steps=False).outcome.value
        record = {"id": f"AQ-{i:06d}", "date": DAY.isoformat(), "pack": "anhui/anqing", "outcome": outcome}
        lines.append(json.dumps({**record, "application": facts}, ensure_ascii=False))
    return lines


def bench_audit(n: int, jobs: int) -> None:
    lines = audit_export(n)
    registry = Registry()
    audit_lines(lines[:100], registry=registry)  # load and compile the pack outside the timing
    for workers in sorted({1, jobs}):
        start = time.perf_counter()
        report = audit_lines(lines, registry=registry, jobs=workers)
        took = time.perf_counter() - start
        print(
            f"audit, {workers} process(es):          {n / took:>10,.0f} records/s "
            f"({report.agreements} agree, {len(report.disagreements)} disagree, "
            f"{len(report.invalid)} invalid; start-up included)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="records for the log benchmarks")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--audit", type=int, default=10_000, help="records for the audit benchmark")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the parallel audit")
    args = parser.parse_args()
    bench_log(traces(args.n), args.writers)
    bench_small(args.n)
    bench_audit(args.audit, args.jobs)


if __name__ == "__main__":
    main()
