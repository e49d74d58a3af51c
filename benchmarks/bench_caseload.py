"""Benchmark: assignments per second through the case-load guard, on SQLite and PostgreSQL, and
the decision log's append rate on both. Run by hand; figures go in the closing note.

    python benchmarks/bench_caseload.py [--n 4000] [--processes 4] [--rounds 20] [--clients 8]
                                        [--pg-url postgresql://...] [--no-pg]

Each assignment is one write transaction: on SQLite ``BEGIN IMMEDIATE`` on a WAL-mode file; on
PostgreSQL the case's and the lawyer's rows are locked (``FOR UPDATE``). Then the lawyer and case
are looked up, the lawyer's cases in the year counted, the cap of the Anqing 2023 pack checked,
the assignment inserted and committed. Prints, for each engine:

- 1 process: n assignments spread over n/80 lawyers (nobody reaches the cap);
- P processes at once (start barrier), n/P assignments each, same spread;
- refusals: P processes hammering one lawyer who is at the cap (every attempt refused);
- the race: C clients racing one lawyer from 0, R rounds, each round C x 50 attempts; exactly 90
  must succeed in every round (checked: the benchmark stops if not);
- the decision log: appends per second of 300-byte records, one writer and P writers.

Without ``--pg-url`` a throw-away PostgreSQL 16 is started from the ``pgserver`` wheel (the test
extra). No test asserts on these numbers; the host is shared, so they are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from legalaid_rules.caseload import Ledger
from legalaid_rules.traces import DecisionLog

DAY = dt.date(2023, 6, 1)


def build(path: str, n: int, per_lawyer: int = 80, full: bool = False) -> list[tuple[str, str]]:
    """A ledger with n unassigned cases and enough lawyers; returns (case, lawyer) pairs to assign.

    With ``full`` one extra lawyer ``FULL`` already holds 90 cases.
    """
    lawyers = max(1, -(-n // per_lawyer))
    with Ledger(path) as ledger:
        db = ledger.engine
        with db.transaction():
            db.executemany(
                "INSERT INTO lawyers (id, name, kind, office) VALUES (?, ?, 'social_lawyer', 'huaining')",
                [(f"L{i:05d}", f"律师{i}") for i in range(lawyers)],
            )
            db.executemany(
                "INSERT INTO cases (id, approved_on, matter, litigation, office) "
                "VALUES (?, '2023-01-01', 'labour_remuneration', 1, 'huaining')",
                [(f"C{i:07d}",) for i in range(n)],
            )
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


def run(path: str, pairs: list[tuple[str, str]], processes: int) -> tuple[float, int, int]:
    """Seconds from the start barrier until every worker is done, and assigned/refused totals."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(processes + 1)
    out: mp.Queue[tuple[int, int]] = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(path, pairs[i::processes], barrier, out)) for i in range(processes)
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


def _appender(url: str, count: int, barrier: Barrier, out: mp.Queue[int]) -> None:
    with DecisionLog(url) as log:
        barrier.wait()
        for i in range(count):
            log.append({"i": i, "pad": "x" * 260})
    out.put(count)


def log_rate(url: str, writers: int, count: int) -> float:
    """Appends per second of 300-byte records, ``writers`` processes appending ``count`` each."""
    DecisionLog(url).close()
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(writers + 1)
    out: mp.Queue[int] = ctx.Queue()
    procs = [ctx.Process(target=_appender, args=(url, count, barrier, out)) for _ in range(writers)]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    total = sum(out.get(timeout=600) for _ in procs)
    elapsed = time.perf_counter() - start
    for p in procs:
        p.join(timeout=60)
    with DecisionLog(url, read_only=True) as log:
        v = log.verify()
        assert v.ok and v.count == total, v.problem
    return total / elapsed


@contextmanager
def postgres(url: str | None, synchronous_commit: str = "on") -> Iterator[Callable[[str], str]]:
    """A factory of fresh PostgreSQL databases: on ``url``'s server, or a throw-away pgserver
    (with ``synchronous_commit`` as given: ``off`` only to measure what the WAL flush costs)."""
    import psycopg

    tmp = None
    server: Any = None
    if url is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver
        tmp = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        server = pgserver.get_server(tmp / "data", cleanup_mode="delete")
        url = str(server.get_uri())
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(f"ALTER SYSTEM SET synchronous_commit = {synchronous_commit}")
            con.execute("SELECT pg_reload_conf()")
    base = url
    counter = iter(range(10_000))

    def make(name: str) -> str:
        db = f"bench_{name}_{next(counter)}".lower().replace("-", "_")
        with psycopg.connect(base, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{db}"')
            con.execute(f'CREATE DATABASE "{db}"')
        head, _, tail = base.partition("?")
        return head.rsplit("/", 1)[0] + "/" + db + ("?" + tail if tail else "")

    try:
        yield make
    finally:
        if server is not None:
            server.cleanup()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def bench_engine(label: str, new: Callable[[str], str], args: argparse.Namespace) -> None:
    print(f"== {label}")
    for name, procs, full in [
        ("1 process ", 1, False),
        (f"{args.processes} processes", args.processes, False),
        (f"{args.processes} processes, all refused (lawyer at cap)", args.processes, True),
    ]:
        url = new(f"spread{procs}{int(full)}")
        pairs = build(url, args.n, full=full)
        elapsed, done, refused = run(url, pairs, procs)
        print(
            f"{name}: {args.n} attempts in {elapsed:.2f} s = {args.n / elapsed:,.0f} /s "
            f"({done} assigned, {refused} refused)"
        )
    attempts = args.clients * 50
    seconds = 0.0
    for r in range(args.rounds):
        url = new(f"race{r}")
        build(url, attempts, per_lawyer=attempts)  # one lawyer, L00000, with `attempts` spare cases
        pairs = [(f"C{i:07d}", "L00000") for i in range(attempts)]
        elapsed, done, refused = run(url, pairs, args.clients)
        if done != 90:
            raise SystemExit(f"round {r}: {done} assigned, not 90: the cap did not hold")
        seconds += elapsed
    total = attempts * args.rounds
    print(
        f"race: {args.clients} clients on one lawyer, {args.rounds} rounds x {attempts} attempts: "
        f"exactly 90 assigned every round; {total / seconds:,.0f} attempts/s, "
        f"{90 * args.rounds / seconds:,.0f} assignments/s"
    )
    for writers in (1, args.processes):
        rate = log_rate(new(f"log{writers}"), writers, args.log_appends // writers)
        print(f"decision log: {writers} writer(s), 300-byte records: {rate:,.0f} appends/s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=4000, help="assignments per run")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8, help="clients racing one lawyer")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--log-appends", type=int, default=2000)
    parser.add_argument("--pg-url", default=None, help="a PostgreSQL server to use (default: pgserver)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--pg-synchronous-commit",
        choices=["on", "off"],
        default="on",
        help="the throw-away server's setting; `off` (not safe for a ledger) only shows the flush's cost",
    )
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            bench_engine("SQLite", lambda name: str(Path(tmp) / f"{name}.sqlite"), args)
    if not args.no_pg:
        with postgres(args.pg_url, args.pg_synchronous_commit) as new:
            bench_engine(f"PostgreSQL (synchronous_commit={args.pg_synchronous_commit})", new, args)


if __name__ == "__main__":
    main()
