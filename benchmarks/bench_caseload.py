"""Benchmark: assignments per second through the case-load guard. Run by hand; figures go in the
closing note.

    python benchmarks/bench_caseload.py [--n 4000] [--processes 4]

Each assignment is one ``BEGIN IMMEDIATE`` transaction on a WAL-mode SQLite file: look up the
lawyer and case, count the lawyer's cases in the year, check the cap of the Anqing 2023 pack,
insert, commit. Prints:

- 1 process: n assignments spread over n/80 lawyers (nobody reaches the cap);
- P processes at once (start barrier), n/P assignments each, same spread;
- refusals: P processes hammering one lawyer who is at the cap (every attempt refused).

No test asserts on these numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import tempfile
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

from legalaid_rules.caseload import Ledger

DAY = dt.date(2023, 6, 1)


def build(path: Path, n: int, per_lawyer: int = 80, full: bool = False) -> list[tuple[str, str]]:
    """A ledger with n unassigned cases and enough lawyers; returns (case, lawyer) pairs to assign.

    With ``full`` one extra lawyer ``FULL`` already holds 90 cases.
    """
    lawyers = max(1, -(-n // per_lawyer))
    with Ledger(path) as ledger:
        con = ledger._conn
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "INSERT INTO lawyers (id, name, kind, office) VALUES (?, ?, 'social_lawyer', 'huaining')",
            [(f"L{i:05d}", f"律师{i}") for i in range(lawyers)],
        )
        con.executemany(
            "INSERT INTO cases (id, approved_on, matter, litigation, office) "
            "VALUES (?, '2023-01-01', 'labour_remuneration', 1, 'huaining')",
            [(f"C{i:07d}",) for i in range(n)],
        )
        con.execute("COMMIT")
        if full:
            ledger.add_lawyer("FULL", "满额律师", "social_lawyer", "huaining")
            for i in range(90):
                ledger.add_case(f"F{i:03d}", dt.date(2023, 1, 1), "labour_remuneration", litigation=True)
                ledger.assign(f"F{i:03d}", "FULL", DAY)
    if full:
        return [(f"C{i:07d}", "FULL") for i in range(n)]
    return [(f"C{i:07d}", f"L{i % lawyers:05d}") for i in range(n)]


def _worker(
    path: str, pairs: list[tuple[str, str]], barrier: Barrier, out: mp.Queue[tuple[int, int]]
) -> None:
    with Ledger(path, create=False) as ledger:
        ledger.pack_on(DAY)
        barrier.wait()
        done = refused = 0
        for case, lawyer in pairs:
            if ledger.assign(case, lawyer, DAY).allowed:
                done += 1
            else:
                refused += 1
    out.put((done, refused))


def run(path: Path, pairs: list[tuple[str, str]], processes: int) -> tuple[float, int, int]:
    """Seconds from the start barrier until every worker is done, and assigned/refused totals."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(processes + 1)
    out: mp.Queue[tuple[int, int]] = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(str(path), pairs[i::processes], barrier, out))
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    totals = [out.get(timeout=600) for _ in procs]
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join(timeout=60)
    return elapsed, sum(t[0] for t in totals), sum(t[1] for t in totals)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=4000, help="assignments per run")
    parser.add_argument("--processes", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, procs, full in [
            ("1 process ", 1, False),
            (f"{args.processes} processes", args.processes, False),
            (f"{args.processes} processes, all refused (lawyer at cap)", args.processes, True),
        ]:
            path = Path(tmp) / f"bench-{procs}-{full}.sqlite"
            pairs = build(path, args.n, full=full)
            elapsed, done, refused = run(path, pairs, procs)
            print(
                f"{label}: {args.n} attempts in {elapsed:.2f} s = {args.n / elapsed:,.0f} /s "
                f"({done} assigned, {refused} refused)"
            )


if __name__ == "__main__":
    main()
