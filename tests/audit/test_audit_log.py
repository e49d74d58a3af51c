"""The decision log: hash chain, every kind of tampering located, several writers, a killed writer."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from audit_helpers import INCOMPLETE, SUPPORT, sample_record

from legalaid_rules.audit import GENESIS, DecisionLog, LogError, Masking, load_trace
from legalaid_rules.audit.log import chain_digest


def _fill(path: Path, n: int = 10) -> list[bytes]:
    records = [sample_record(SUPPORT if i % 2 else INCOMPLETE, i) for i in range(1, n + 1)]
    with DecisionLog(path) as log:
        log.extend(records)
    return [r.canonical() for r in records]


def _tamper(path: Path, *statements: str, params: tuple[object, ...] = ()) -> None:
    """Change the file as someone with write access would: the append-only triggers dropped."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TRIGGER IF EXISTS records_append_only_update")
    db.execute("DROP TRIGGER IF EXISTS records_append_only_delete")
    for s in statements:
        db.execute(s, params if "?" in s else ())
    db.close()


def _verify(path: Path, head: str | None = None) -> tuple[bool, int | None, str | None]:
    with DecisionLog(path, create=False) as log:
        v = log.verify(head)
    return v.ok, (v.problem.seq if v.problem else None), (v.problem.code if v.problem else None)


def test_append_list_get_iter_and_verify(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    with DecisionLog(db) as log:
        assert log.head() == (0, GENESIS) and len(log) == 0
        assert log.verify().ok and log.verify().count == 0
        first = log.append(sample_record(SUPPORT, 1))
        second = log.append(sample_record(INCOMPLETE, 2))
        assert (first.seq, first.prev) == (1, GENESIS)
        assert (second.seq, second.prev) == (2, first.digest)
        assert second.digest == chain_digest(2, first.digest, second.record)
        assert log.head() == (2, second.digest)
        assert len(log) == 2
        assert [e.seq for e in log] == [1, 2]
        assert [e.seq for e in log.iter(2)] == [2]
        assert [e.seq for e in log.list(offset=1)] == [2]
        assert [e.seq for e in log.list(limit=1)] == [1]
        got = log.get(2)
        assert got is not None and got.trace() == load_trace(second.record)
        assert got.trace().decision.outcome.value == "undetermined"
        assert log.get(3) is None
        v = log.verify()
        assert (v.ok, v.count, v.head, v.problem) == (True, 2, second.digest, None)
        assert log.verify(expected_head=first.digest).ok


def test_journal_is_wal_and_sql_updates_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db, 2)
    raw = sqlite3.connect(db, isolation_level=None)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("UPDATE records SET record = x'00' WHERE seq = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        raw.execute("DELETE FROM records WHERE seq = 1")
    raw.close()
    assert _verify(db)[0]


def test_missing_file_without_create_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LogError) as info:
        DecisionLog(tmp_path / "none.db", create=False)
    assert info.value.code == "log.not_found"


def test_a_file_that_is_not_a_log_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(LogError) as info:
        DecisionLog(other)
    assert info.value.code == "log.unopenable"
    text = tmp_path / "text.db"
    text.write_text("hello, this is not sqlite at all" * 10)
    with pytest.raises(LogError):
        DecisionLog(text)


# -- tampering: each kind detected and located ------------------------------------------------


def test_edited_byte_is_located(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    records = _fill(db)
    data = bytearray(records[4])
    at = data.index(b'"outcome":"') + len(b'"outcome":"')
    data[at : at + 8] = b"ineligib"[: len(data[at : at + 8])]
    _tamper(db, "UPDATE records SET record = ? WHERE seq = 5", params=(bytes(data),))
    assert _verify(db) == (False, 5, "log.record_altered")


def test_single_flipped_byte_anywhere_is_located(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    records = _fill(db, 4)
    data = bytearray(records[2])
    data[len(data) // 2] ^= 0x01
    _tamper(db, "UPDATE records SET record = ? WHERE seq = 3", params=(bytes(data),))
    assert _verify(db) == (False, 3, "log.record_altered")


def test_edit_with_its_digest_recomputed_breaks_the_next_link(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    records = _fill(db)
    with DecisionLog(db) as log:
        prev = log.get(4)
    assert prev is not None
    forged = records[4].replace(b'"outcome":"eligible"', b'"outcome":"ineligible"', 1)
    assert forged != records[4]
    _tamper(
        db,
        "UPDATE records SET record = ?, digest = ? WHERE seq = 5",
        params=(forged, chain_digest(5, prev.digest, forged)),
    )
    assert _verify(db) == (False, 6, "log.chain_broken")


def test_deleted_row_is_located(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    _tamper(db, "DELETE FROM records WHERE seq = 6")
    assert _verify(db) == (False, 6, "log.seq_gap")


def test_deleted_row_with_renumbering_is_located(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    _tamper(db, "DELETE FROM records WHERE seq = 6", "UPDATE records SET seq = seq - 1 WHERE seq > 6")
    ok, seq, code = _verify(db)
    assert (ok, seq) == (False, 6) and code in {"log.chain_broken", "log.record_altered"}


def test_swapped_rows_are_located(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    _tamper(
        db,
        "UPDATE records SET seq = -1 WHERE seq = 3",
        "UPDATE records SET seq = 3 WHERE seq = 7",
        "UPDATE records SET seq = 7 WHERE seq = -1",
    )
    ok, seq, code = _verify(db)
    assert (ok, seq, code) == (False, 3, "log.chain_broken")


def test_inserted_row_in_the_middle_is_located(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    records = _fill(db)
    with DecisionLog(db) as log:
        row4 = log.get(4)
    assert row4 is not None
    # make room after record 4 and insert a record correctly linked to record 4
    _tamper(
        db,
        "UPDATE records SET seq = seq + 100 WHERE seq > 4",
        "UPDATE records SET seq = seq - 99 WHERE seq > 100",
    )
    forged = records[0]
    _tamper(
        db,
        "INSERT INTO records (seq, record, digest, prev) VALUES (5, ?, ?, ?)",
        params=(forged, chain_digest(5, row4.digest, forged), row4.digest),
    )
    assert _verify(db) == (False, 6, "log.chain_broken")


def test_inserted_row_before_the_chain_is_located(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    records = _fill(db)
    _tamper(
        db,
        "INSERT INTO records (seq, record, digest, prev) VALUES (0, ?, ?, ?)",
        params=(records[0], chain_digest(0, GENESIS, records[0]), GENESIS),
    )
    assert _verify(db) == (False, 0, "log.seq_unexpected")


def test_row_appended_behind_the_head_is_located(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    records = _fill(db)
    with DecisionLog(db) as log:
        _, head = log.head()
    _tamper(
        db,
        "INSERT INTO records (seq, record, digest, prev) VALUES (11, ?, ?, ?)",
        params=(records[0], chain_digest(11, head, records[0]), head),
    )
    assert _verify(db) == (False, 11, "log.head_mismatch")


def test_truncated_log_is_located(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    _tamper(db, "DELETE FROM records WHERE seq > 7")
    assert _verify(db) == (False, 8, "log.truncated")


def test_truncation_with_the_head_rewritten_is_caught_by_an_outside_head(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db)
    with DecisionLog(db) as log:
        _, published = log.head()
        row7 = log.get(7)
    assert row7 is not None
    _tamper(
        db,
        "DELETE FROM records WHERE seq > 7",
        "UPDATE head SET seq = 7, digest = ?",
        params=(row7.digest,),
    )
    assert _verify(db) == (True, None, None)  # consistent inside the file ...
    assert _verify(db, published) == (False, 8, "log.truncated")  # ... not with the published head


def test_truncated_file_is_detected(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(db, 30)
    with DecisionLog(db) as log:
        log._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.truncate(size // 2)
    try:
        ok, seq, code = _verify(db)
    except LogError as exc:  # the file cannot even be opened: also a detection
        assert exc.code in {"log.unopenable", "log.unreadable"}
        return
    assert not ok and seq is not None and 1 <= seq <= 31
    assert code in {"log.unreadable", "log.truncated", "log.seq_gap", "log.record_altered"}


# -- several writers ---------------------------------------------------------------------------


def _writer(path: str, worker: int, count: int) -> None:
    rec = sample_record(SUPPORT, 0)
    with DecisionLog(path, timeout=60) as log:
        for i in range(count):
            log.append(rec.model_copy(update={"decision_id": f"w{worker}-{i}"}))


def test_four_writer_processes_lose_and_interleave_nothing(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    DecisionLog(db).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db), w, 500)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
    alive = [p for p in procs if p.is_alive()]
    for p in alive:
        p.kill()
        p.join(5)
    assert not alive
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    with DecisionLog(db) as log:
        v = log.verify()
        assert (v.ok, v.count) == (True, 2000)
        ids = [e.trace().decision_id for e in log]
    assert len(set(ids)) == 2000
    for w in range(4):  # each writer's records are in its own order
        mine = [int(i.split("-")[1]) for i in ids if i.startswith(f"w{w}-")]
        assert mine == list(range(500))


_LOOP = """
import sys
sys.path.insert(0, sys.argv[2])
from audit_helpers import SUPPORT, sample_record
from legalaid_rules.audit import DecisionLog
rec = sample_record(SUPPORT, 0)
with DecisionLog(sys.argv[1]) as log:
    i = 0
    while True:
        log.append(rec.model_copy(update={"decision_id": f"k-{i}"}))
        i += 1
"""


def test_writer_killed_mid_write_leaves_a_valid_log(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    DecisionLog(db).close()
    child = subprocess.Popen(
        [sys.executable, "-c", _LOOP, str(db), str(Path(__file__).parent)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        seen = 0
        while time.monotonic() < deadline and child.poll() is None:
            with DecisionLog(db) as log:
                seen = log.head()[0]
            if seen >= 300:
                break
            time.sleep(0.05)
        assert child.poll() is None, child.stderr.read() if child.stderr else b""
        assert seen >= 300
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(timeout=30)
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    with DecisionLog(db) as log:
        v = log.verify()
        assert v.ok and v.count >= seen
        ids = [e.trace().decision_id for e in log]
        assert ids == [f"k-{i}" for i in range(v.count)]
        log.append(sample_record(SUPPORT, 1))  # the log is still writable
        assert log.verify().count == v.count + 1


# -- masking at write time ---------------------------------------------------------------------


def test_log_masks_personal_fields_at_write_time(tmp_path: Path) -> None:
    masking = Masking(b"deployment-secret-key-0001")
    with DecisionLog(tmp_path / "log.db", masking=masking) as log:
        entry = log.append(sample_record(SUPPORT, 1))
        assert log.verify().ok
    assert "王秀英".encode() not in entry.record
    assert b"340822195803141234" not in entry.record and b"13800000000" not in entry.record
    stored = entry.trace()
    assert stored.masked is not None
    assert stored.masked.paths == ("applicant.name", "applicant.id_number", "applicant.phone")
    assert stored.input["applicant"]["name"].startswith("hmac-sha256:")
