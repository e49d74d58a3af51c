"""Property: whatever single tampering is done to a log, verify fails at the record it names."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_rules.traces.log import DecisionLog, link_digest

KINDS = ("edit", "delete", "swap", "truncate", "insert", "rewrite")


def _attack(db: Path, kind: str, at: int, other: int, n: int, digests: list[str]) -> tuple[int, str]:
    """Tamper as told; the (seq, code) that verify must report."""
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("DROP TRIGGER records_no_update")
    con.execute("DROP TRIGGER records_no_delete")
    try:
        if kind == "edit":
            body = bytearray(con.execute("SELECT body FROM records WHERE seq = ?", (at,)).fetchone()[0])
            body[len(body) // 2] ^= 0x20
            con.execute("UPDATE records SET body = ? WHERE seq = ?", (bytes(body), at))
            return at, "edited"
        if kind == "delete":
            con.execute("DELETE FROM records WHERE seq = ?", (at,))
            return at, ("truncated" if at == n else "missing")
        if kind == "swap":
            lo, hi = sorted((at, other))
            con.execute("UPDATE records SET seq = -1 WHERE seq = ?", (lo,))
            con.execute("UPDATE records SET seq = ? WHERE seq = ?", (lo, hi))
            con.execute("UPDATE records SET seq = ? WHERE seq = -1", (hi,))
            return lo, "unlinked"
        if kind == "truncate":
            con.execute("DELETE FROM records WHERE seq >= ?", (at,))
            return at, "truncated"
        if kind == "insert":  # a forged record linked to its predecessor, the rest moved up
            con.execute("UPDATE records SET seq = -seq WHERE seq >= ?", (at,))
            con.execute("UPDATE records SET seq = -seq + 1 WHERE seq < 0")
            prev = digests[at - 2] if at > 1 else "sha256:" + "0" * 64
            body = b'{"forged":true}'
            con.execute(
                "INSERT INTO records (seq, prev, digest, body) VALUES (?, ?, ?, ?)",
                (at, prev, link_digest(at, prev, body), body),
            )
            return at + 1, "unlinked"
        # rewrite: new content with a recomputed digest; the next link breaks (or the head)
        prev = digests[at - 2] if at > 1 else "sha256:" + "0" * 64
        body = b'{"rewritten":true}'
        con.execute(
            "UPDATE records SET body = ?, digest = ? WHERE seq = ?", (body, link_digest(at, prev, body), at)
        )
        return (at + 1, "unlinked") if at < n else (at, "edited")
    finally:
        con.close()


@settings(deadline=None, max_examples=60)
@given(st.data())
def test_every_single_tampering_is_detected_and_located(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 25), label="records")
    kind = data.draw(st.sampled_from(KINDS), label="kind")
    at = data.draw(st.integers(1, n), label="at")
    other = data.draw(st.integers(1, n).filter(lambda x: x != at), label="other")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "log.db"
        with DecisionLog(db) as log:
            digests = [e.digest for e in log.extend({"i": i, "text": "记录" * (i % 7)} for i in range(n))]
        seq, code = _attack(db, kind, at, other, n, digests)
        with DecisionLog(db) as log:
            result = log.verify()
        assert not result.ok
        assert result.problem is not None
        assert (result.problem.seq, result.problem.code) == (seq, code), str(result.problem)
