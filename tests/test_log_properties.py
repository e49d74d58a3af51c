"""Property: whatever single tampering is done to a log, verify fails at the record it names,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from legalaid_rules.traces.log import GENESIS, DecisionLog, link_digest
from stores import raw_connection
from test_log import drop_triggers

KINDS = ("edit", "delete", "swap", "truncate", "insert", "rewrite")


def _attack(url: str, kind: str, at: int, other: int, n: int, digests: list[str]) -> tuple[int, str]:
    """Tamper as told; the (seq, code) that verify must report."""
    drop_triggers(url)
    con = raw_connection(url)
    mark = "%s" if url.startswith("postgresql://") else "?"

    def sql(statement: str, *params: object) -> list[tuple[object, ...]]:
        cur = con.execute(statement.replace("?", mark), params)
        return list(cur.fetchall()) if cur.description is not None else []

    try:
        if kind == "edit":
            stored = sql("SELECT body FROM records WHERE seq = ?", at)[0][0]
            assert isinstance(stored, (bytes, bytearray, memoryview))
            body = bytearray(stored)
            body[len(body) // 2] ^= 0x20
            sql("UPDATE records SET body = ? WHERE seq = ?", bytes(body), at)
            return at, "edited"
        if kind == "delete":
            sql("DELETE FROM records WHERE seq = ?", at)
            return at, ("truncated" if at == n else "missing")
        if kind == "swap":
            lo, hi = sorted((at, other))
            sql("UPDATE records SET seq = -1 WHERE seq = ?", lo)
            sql("UPDATE records SET seq = ? WHERE seq = ?", lo, hi)
            sql("UPDATE records SET seq = ? WHERE seq = -1", hi)
            return lo, "unlinked"
        if kind == "truncate":
            sql("DELETE FROM records WHERE seq >= ?", at)
            return at, "truncated"
        if kind == "insert":  # a forged record linked to its predecessor, the rest moved up
            sql("UPDATE records SET seq = -seq WHERE seq >= ?", at)
            sql("UPDATE records SET seq = -seq + 1 WHERE seq < 0")
            prev = digests[at - 2] if at > 1 else GENESIS
            body = b'{"forged":true}'
            sql(
                "INSERT INTO records (seq, prev, digest, body) VALUES (?, ?, ?, ?)",
                at,
                prev,
                link_digest(at, prev, body),
                body,
            )
            return at + 1, "unlinked"
        # rewrite: new content with a recomputed digest; the next link breaks (or the head)
        prev = digests[at - 2] if at > 1 else GENESIS
        body = b'{"rewritten":true}'
        sql("UPDATE records SET body = ?, digest = ? WHERE seq = ?", body, link_digest(at, prev, body), at)
        return (at + 1, "unlinked") if at < n else (at, "edited")
    finally:
        con.close()


_names = itertools.count()


def test_every_single_tampering_is_detected_and_located(engine: str, new_store: Callable[[str], str]) -> None:
    examples = 60 if engine == "sqlite" else 25

    @settings(
        deadline=None, max_examples=examples, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(st.data())
    def check(data: st.DataObject) -> None:
        n = data.draw(st.integers(2, 25), label="records")
        kind = data.draw(st.sampled_from(KINDS), label="kind")
        at = data.draw(st.integers(1, n), label="at")
        other = data.draw(st.integers(1, n).filter(lambda x: x != at), label="other")
        url = new_store(f"p{next(_names)}")
        with DecisionLog(url) as log:
            digests = [e.digest for e in log.extend({"i": i, "text": "记录" * (i % 7)} for i in range(n))]
        seq, code = _attack(url, kind, at, other, n, digests)
        with DecisionLog(url, read_only=True) as log:
            result = log.verify()
        assert not result.ok
        assert result.problem is not None
        assert (result.problem.seq, result.problem.code) == (seq, code), str(result.problem)

    check()
