"""The guard under concurrency: several processes assigning to one lawyer at the same moment.

Every test runs on SQLite and on PostgreSQL. A lawyer holds 80 cases; 4 processes each try 50
different spare cases at once (a start barrier lines them up). Exactly 10 must succeed, every
time: the cap of 90 is reached and never passed, and the 190 refusals write nothing. Only
counts are asserted, never timings.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
from collections.abc import Callable
from multiprocessing.synchronize import Barrier

import pytest
from caseload_helpers import DAY, filled_ledger

from legalaid_rules.caseload import Ledger

PROCESSES = 4
ATTEMPTS = 50
ROUNDS = 4
JOIN_SECONDS = 120


def _worker(path: str, cases: list[str], barrier: Barrier, out: mp.Queue[tuple[str, list[str]]]) -> None:
    try:
        with Ledger(path, create=False) as ledger:
            ledger.pack_on(DAY)  # load the pack before the start line
            barrier.wait(timeout=JOIN_SECONDS)
            outcomes = [ledger.assign(case, "L1", DAY).outcome for case in cases]
        out.put(("ok", outcomes))
    except BaseException as exc:  # report, do not hang the parent
        out.put(("error", [repr(exc)]))


def _race(path: str) -> list[str]:
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(PROCESSES)
    out: mp.Queue[tuple[str, list[str]]] = ctx.Queue()
    spare = [f"S{i:04d}" for i in range(PROCESSES * ATTEMPTS)]
    procs = [
        ctx.Process(target=_worker, args=(str(path), spare[i::PROCESSES], barrier, out))
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    results: list[tuple[str, list[str]]] = []
    try:
        for _ in procs:
            results.append(out.get(timeout=JOIN_SECONDS))
    except queue.Empty:
        pytest.fail(f"only {len(results)} of {PROCESSES} workers reported")
    finally:
        for p in procs:
            p.join(timeout=JOIN_SECONDS)
            if p.is_alive():
                p.kill()
                p.join(timeout=10)
        out.close()
        out.join_thread()
    errors = [r for kind, r in results if kind == "error"]
    assert not errors, errors
    assert all(p.exitcode == 0 for p in procs)
    return [o for _, outcomes in results for o in outcomes]


def test_exactly_ten_of_two_hundred_concurrent_attempts_succeed_every_round(
    new_store: Callable[[str], str],
) -> None:
    for round_ in range(ROUNDS):
        path = new_store(f"race{round_}")
        filled_ledger(path, held=80, spare=PROCESSES * ATTEMPTS).close_connection()
        outcomes = _race(path)
        assert len(outcomes) == PROCESSES * ATTEMPTS
        assert outcomes.count("assigned") == 10, f"round {round_}"
        assert outcomes.count("refused") == PROCESSES * ATTEMPTS - 10, f"round {round_}"
        with Ledger(path, create=False) as ledger:
            assert ledger.count("L1", DAY.year) == 90
            held = [c for c in (f"S{i:04d}" for i in range(PROCESSES * ATTEMPTS)) if ledger.current(c)]
            assert len(held) == 10
            # refusals left nothing behind: no rows beyond the 90 held assignments
            rows = ledger.engine.scalar("SELECT COUNT(*) FROM assignments")
            assert rows == 90


def test_concurrent_attempts_from_zero_fill_exactly_to_the_cap(store: str) -> None:
    path = store
    filled_ledger(path, held=0, spare=PROCESSES * ATTEMPTS).close_connection()
    # 200 attempts against a cap of 90 from zero: exactly 90 succeed
    outcomes = _race(path)
    assert outcomes.count("assigned") == 90
    with Ledger(path, create=False) as ledger:
        assert ledger.count("L1", DAY.year) == 90
