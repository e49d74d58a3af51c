"""Crash safety of the ledger on both engines: a clerk process killed (SIGKILL) mid-work never
loses an acknowledged assignment and never leaves a half-written one.

The clerk assigns cases one by one and, after each ``assign`` returns ``assigned``, writes the
case id to an acknowledgement file (flushed and fsynced). It is killed three times at arbitrary
moments and restarted. Only counts and contents are asserted, never timings.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from caseload_helpers import DAY, filled_ledger

from legalaid_rules.caseload import Ledger

SRC = str(Path(__file__).resolve().parents[2] / "src")
CASES = 150


def test_a_killed_clerk_loses_no_acknowledged_assignment(store: str, tmp_path: Path) -> None:
    with filled_ledger(store, held=0, spare=CASES) as ledger:
        for i in range(2, 4):
            ledger.add_lawyer(f"L{i}", f"律师{i}", "social_lawyer", "huaining")
    acks = tmp_path / "acks"
    script = textwrap.dedent(
        f"""
        import datetime as dt, os, sys
        sys.path.insert(0, {SRC!r})
        from legalaid_rules.caseload import Ledger
        lawyers = ["L1", "L2", "L3"]
        with Ledger({store!r}, create=False) as ledger, open({str(acks)!r}, "a") as acks:
            for i in range({CASES}):
                case = f"S{{i:04d}}"
                if ledger.current(case) is not None:
                    continue
                result = ledger.assign(case, lawyers[i % 3], dt.date(2023, 6, 1))
                if result.outcome == "assigned":
                    acks.write(case + "\\n"); acks.flush(); os.fsync(acks.fileno())
        """
    )
    for round_ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", script])
        target = 10 * (round_ + 1)
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                if acks.exists() and len(acks.read_text().split()) >= target:
                    break
                time.sleep(0.01)
        finally:
            if round_ < 3:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=120)
        acknowledged = set(acks.read_text().split()) if acks.exists() else set()
        with Ledger(store, create=False) as ledger:
            held = {f"S{i:04d}" for i in range(CASES) if ledger.current(f"S{i:04d}") is not None}
            assert acknowledged <= held, f"round {round_}: acknowledged but lost: {acknowledged - held}"
            counts = [ledger.count(lawyer, DAY.year) for lawyer in ("L1", "L2", "L3")]
            assert sum(counts) == len(held) and max(counts) <= 90
            rows = ledger.engine.scalar("SELECT COUNT(*) FROM assignments")
            assert rows == len(held)  # no half-written or duplicate row
    assert proc.returncode == 0 and len(held) == CASES
