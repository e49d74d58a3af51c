"""The decision log: a hash chain in SQLite that names the first tampered record."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from legalaid_rules.traces.log import GENESIS, DecisionLog, LogError, link_digest

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _fill(path: Path, n: int = 20) -> list[str]:
    with DecisionLog(path) as log:
        entries = log.extend({"n": i, "marker": f"marker-{i:04d}", "who": "测试"} for i in range(1, n + 1))
    return [e.digest for e in entries]


def _tamper(path: Path, *statements: str, params: tuple[object, ...] = ()) -> None:
    """Change the file as an attacker with write access would: triggers dropped first."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TRIGGER IF EXISTS records_no_update")
    db.execute("DROP TRIGGER IF EXISTS records_no_delete")
    for s in statements:
        db.execute(s, params if "?" in s else ())
    db.close()


def _verify(path: Path, **kw: object) -> tuple[bool, int | None, str | None]:
    with DecisionLog(path) as log:
        v = log.verify(**kw)  # type: ignore[arg-type]
    return v.ok, (v.problem.seq if v.problem else None), (v.problem.code if v.problem else None)


def test_append_list_get_and_verify(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    with DecisionLog(db) as log:
        assert log.head() == (0, GENESIS)
        first = log.append({"b": 1, "a": "x"})
        second = log.append({"c": [1, 2]})
        assert (first.seq, first.prev) == (1, GENESIS)
        assert second.prev == first.digest
        assert first.body == b'{"a":"x","b":1}'
        assert first.digest == link_digest(1, GENESIS, first.body)
        assert [e.seq for e in log.list()] == [1, 2]
        assert log.list(start=2)[0].data == {"c": [1, 2]}
        assert log.get(2) == second
        assert len(log) == 2
        assert log.head() == (2, second.digest)
        v = log.verify()
        assert v.ok and v.count == 2 and v.head == second.digest and v.problem is None
        with pytest.raises(LogError, match="no record 3"):
            log.get(3)


def test_empty_log_verifies(tmp_path: Path) -> None:
    with DecisionLog(tmp_path / "log.db") as log:
        v = log.verify()
    assert v.ok and v.count == 0 and v.head == GENESIS


def test_wal_mode_and_reopen_continues_the_chain(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    digests = _fill(db, 3)
    with DecisionLog(db) as log:
        assert log._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        e = log.append({"n": 4})
    assert e.seq == 4 and e.prev == digests[-1]
    assert _verify(db) == (True, None, None)


def test_records_cannot_be_updated_or_deleted_through_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db, 2)
    con = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE records SET body = x'00' WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM records WHERE seq = 2")
    con.close()


def test_edited_record_is_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    body = bytearray(sqlite3.connect(db).execute("SELECT body FROM records WHERE seq = 7").fetchone()[0])
    body[5] ^= 0x01
    _tamper(db, "UPDATE records SET body = ? WHERE seq = 7", params=(bytes(body),))
    assert _verify(db) == (False, 7, "edited")


def test_byte_edited_in_the_file_itself_is_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)  # closing the last connection checkpoints the WAL into the file
    raw = bytearray(db.read_bytes())
    at = raw.find(b"marker-0013")
    assert at > 0
    raw[at + len("marker-")] = ord("9")
    db.write_bytes(bytes(raw))
    assert _verify(db) == (False, 13, "edited")


def test_rewritten_record_with_recomputed_digest_breaks_the_next_link(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    digests = _fill(db)
    body = b'{"n":5,"forged":true}'
    _tamper(
        db,
        "UPDATE records SET body = ?, digest = ? WHERE seq = 5",
        params=(body, link_digest(5, digests[3], body)),
    )
    ok, seq, code = _verify(db)
    assert (ok, seq, code) == (False, 6, "unlinked")


def test_deleted_record_is_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    _tamper(db, "DELETE FROM records WHERE seq = 9")
    ok, seq, code = _verify(db)
    assert (ok, seq, code) == (False, 9, "missing")
    with DecisionLog(db) as log:
        assert "record 9 missing" in str(log.verify().problem)


def test_deleted_first_record_is_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    _tamper(db, "DELETE FROM records WHERE seq = 1")
    assert _verify(db) == (False, 1, "missing")


def test_deleted_and_renumbered_records_are_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    _tamper(
        db,
        "DELETE FROM records WHERE seq = 4",
        "UPDATE records SET seq = -seq WHERE seq > 4",
        "UPDATE records SET seq = -seq - 1 WHERE seq < 0",
        "UPDATE head SET seq = seq - 1",
    )
    assert _verify(db) == (False, 4, "unlinked")


def test_inserted_record_is_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    digests = _fill(db)
    body = b'{"n":"forged"}'
    _tamper(
        db,
        "UPDATE records SET seq = -seq WHERE seq >= 11",
        "UPDATE records SET seq = -seq + 1 WHERE seq < 0",
        "INSERT INTO records (seq, prev, digest, body) VALUES (11, ?, ?, ?)",
        params=(digests[9], link_digest(11, digests[9], body), body),
    )
    # the forged record links to 10 correctly; the displaced original no longer fits after it
    assert _verify(db) == (False, 12, "unlinked")


def test_swapped_records_are_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    _tamper(
        db,
        "UPDATE records SET seq = -1 WHERE seq = 3",
        "UPDATE records SET seq = 3 WHERE seq = 8",
        "UPDATE records SET seq = 8 WHERE seq = -1",
    )
    assert _verify(db) == (False, 3, "unlinked")


def test_swapped_contents_are_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    con = sqlite3.connect(db)
    a = con.execute("SELECT body FROM records WHERE seq = 2").fetchone()[0]
    b = con.execute("SELECT body FROM records WHERE seq = 3").fetchone()[0]
    con.close()
    _tamper(
        db,
        "UPDATE records SET body = ? WHERE seq = 2",
        params=(b,),
    )
    _tamper(db, "UPDATE records SET body = ? WHERE seq = 3", params=(a,))
    assert _verify(db) == (False, 2, "edited")


def test_truncated_tail_is_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    _tamper(db, "DELETE FROM records WHERE seq > 15")
    assert _verify(db) == (False, 16, "truncated")


def test_truncation_that_rewrote_the_head_is_caught_by_an_anchor(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    digests = _fill(db)
    _tamper(
        db,
        "DELETE FROM records WHERE seq > 15",
        f"UPDATE head SET seq = 15, digest = '{digests[14]}'",
    )
    assert _verify(db) == (True, None, None)  # without an outside anchor this looks like a shorter log
    assert _verify(db, anchors={20: digests[19]}) == (False, 16, "truncated")
    assert _verify(db, anchors={10: digests[10]}) == (False, 10, "edited")
    assert _verify(db, anchors={10: digests[9]}) == (True, None, None)


def test_truncated_file_is_reported_not_raised(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    with DecisionLog(db) as log:
        log.extend({"n": i, "pad": "x" * 2000} for i in range(200))
    size = db.stat().st_size
    with db.open("r+b") as f:
        f.truncate(size // 2)
    try:
        ok, seq, code = _verify(db)
    except LogError:
        return  # the file no longer opens as a database: also detected
    assert not ok and seq is not None and code in {"unreadable", "truncated", "missing"}


def test_non_database_file_raises_log_error(tmp_path: Path) -> None:
    bad = tmp_path / "not.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LogError, match="cannot open"):
        DecisionLog(bad)


def _writer_script(db: Path, writer: int, count: int) -> str:
    return textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {SRC!r})
        from legalaid_rules.traces.log import DecisionLog
        with DecisionLog({str(db)!r}) as log:
            for i in range({count}):
                log.append({{"writer": {writer}, "i": i}})
        """
    )


def test_four_writer_processes_lose_and_interleave_nothing(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    procs = [
        subprocess.Popen([sys.executable, "-c", _writer_script(db, w, 500)], stderr=subprocess.PIPE)
        for w in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err.decode()
    with DecisionLog(db) as log:
        v = log.verify()
        assert v.ok and v.count == 2000, v.problem
        seen: dict[int, list[int]] = {w: [] for w in range(4)}
        for e in log:
            data = json.loads(e.body)
            seen[data["writer"]].append(data["i"])
    assert all(seen[w] == list(range(500)) for w in range(4))


def test_writer_killed_mid_write_never_corrupts_earlier_records(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {SRC!r})
        from legalaid_rules.traces.log import DecisionLog
        with DecisionLog({str(db)!r}) as log:
            i = 0
            while True:
                log.extend({{"i": i + k, "pad": "p" * 20000}} for k in range(5))
                i += 5
        """
    )
    before = 0
    for round_ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", script])
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                with DecisionLog(db) as log:
                    if len(log) >= before + 50 + 7 * round_:
                        break
                time.sleep(0.02)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        with DecisionLog(db) as log:
            v = log.verify()
            assert v.ok, v.problem
            assert v.count > before and v.count % 5 == 0  # batches are all-or-nothing
            before = v.count
    with DecisionLog(db) as log:
        log.append({"after": "kills"})
        assert log.verify().ok
        assert len(log) == before + 1
