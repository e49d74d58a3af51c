"""The decision log: a hash chain that names the first tampered record, on SQLite and PostgreSQL.

Every test taking ``store`` runs twice: on a SQLite file and on a database of a real PostgreSQL 16
server (``tests/stores.py``). Tampering is done as an attacker with write access would: straight
through the driver, with the append-only triggers dropped first.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from legalaid_rules.traces.log import GENESIS, DecisionLog, LogError, link_digest
from stores import raw_connection, run_sql

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _fill(url: str, n: int = 20) -> list[str]:
    with DecisionLog(url) as log:
        entries = log.extend({"n": i, "marker": f"marker-{i:04d}", "who": "测试"} for i in range(1, n + 1))
    return [e.digest for e in entries]


def drop_triggers(url: str) -> None:
    if url.startswith("postgresql://"):
        run_sql(
            url,
            "DROP TRIGGER IF EXISTS records_no_update ON records",
            "DROP TRIGGER IF EXISTS records_no_delete ON records",
            "DROP TRIGGER IF EXISTS records_no_truncate ON records",
        )
    else:
        run_sql(url, "DROP TRIGGER IF EXISTS records_no_update", "DROP TRIGGER IF EXISTS records_no_delete")


def tamper(url: str, *statements: str, params: tuple[object, ...] = ()) -> None:
    """Change the store as an attacker with write access would: triggers dropped first."""
    drop_triggers(url)
    for s in statements:
        run_sql(url, s, params=params)


def body_of(url: str, seq: int) -> bytes:
    return bytes(run_sql(url, "SELECT body FROM records WHERE seq = ?", params=(seq,))[0][0])


def _verify(url: str, **kw: object) -> tuple[bool, int | None, str | None]:
    with DecisionLog(url, read_only=True) as log:
        v = log.verify(**kw)  # type: ignore[arg-type]
    return v.ok, (v.problem.seq if v.problem else None), (v.problem.code if v.problem else None)


def test_append_list_get_and_verify(store: str) -> None:
    with DecisionLog(store) as log:
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


def test_an_empty_log_is_reported_as_empty_not_ok(store: str) -> None:
    with DecisionLog(store) as log:
        v = log.verify()
    assert not v.ok and v.empty and v.count == 0 and v.head == GENESIS
    assert v.problem is not None and v.problem.code == "empty"


def test_reopen_continues_the_chain(store: str) -> None:
    digests = _fill(store, 3)
    with DecisionLog(store) as log:
        e = log.append({"n": 4})
    assert e.seq == 4 and e.prev == digests[-1]
    assert _verify(store) == (True, None, None)


def test_a_sqlite_log_is_in_wal_mode_with_its_application_id(tmp_path: Path) -> None:
    _fill(str(tmp_path / "log.db"), 1)
    con = raw_connection(str(tmp_path / "log.db"))
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x4C524C47
    con.close()


def test_records_cannot_be_updated_or_deleted_through_the_driver(store: str) -> None:
    _fill(store, 2)
    for statement in ("UPDATE records SET prev = 'x' WHERE seq = 1", "DELETE FROM records WHERE seq = 2"):
        with pytest.raises(Exception, match="append-only"):
            run_sql(store, statement)
    assert _verify(store) == (True, None, None)


def test_edited_record_is_named(store: str) -> None:
    _fill(store)
    body = bytearray(body_of(store, 7))
    body[5] ^= 0x01
    tamper(store, "UPDATE records SET body = ? WHERE seq = 7", params=(bytes(body),))
    assert _verify(store) == (False, 7, "edited")


def test_byte_edited_in_the_file_itself_is_named(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(str(db))  # closing the last connection checkpoints the WAL into the file
    raw = bytearray(db.read_bytes())
    at = raw.find(b"marker-0013")
    assert at > 0
    raw[at + len("marker-")] = ord("9")
    db.write_bytes(bytes(raw))
    assert _verify(str(db)) == (False, 13, "edited")


def test_rewritten_record_with_recomputed_digest_breaks_the_next_link(store: str) -> None:
    digests = _fill(store)
    body = b'{"n":5,"forged":true}'
    tamper(
        store,
        "UPDATE records SET body = ?, digest = ? WHERE seq = 5",
        params=(body, link_digest(5, digests[3], body)),
    )
    assert _verify(store) == (False, 6, "unlinked")


def test_deleted_record_is_named(store: str) -> None:
    _fill(store)
    tamper(store, "DELETE FROM records WHERE seq = 9")
    assert _verify(store) == (False, 9, "missing")
    with DecisionLog(store, read_only=True) as log:
        assert "record 9 missing" in str(log.verify().problem)


def test_deleted_first_record_is_named(store: str) -> None:
    _fill(store)
    tamper(store, "DELETE FROM records WHERE seq = 1")
    assert _verify(store) == (False, 1, "missing")


def test_deleted_and_renumbered_records_are_named(store: str) -> None:
    _fill(store)
    tamper(
        store,
        "DELETE FROM records WHERE seq = 4",
        "UPDATE records SET seq = -seq WHERE seq > 4",
        "UPDATE records SET seq = -seq - 1 WHERE seq < 0",
        "UPDATE head SET seq = seq - 1",
    )
    assert _verify(store) == (False, 4, "unlinked")


def test_inserted_record_is_named(store: str) -> None:
    digests = _fill(store)
    body = b'{"n":"forged"}'
    tamper(
        store,
        "UPDATE records SET seq = -seq WHERE seq >= 11",
        "UPDATE records SET seq = -seq + 1 WHERE seq < 0",
    )
    tamper(
        store,
        "INSERT INTO records (seq, prev, digest, body) VALUES (11, ?, ?, ?)",
        params=(digests[9], link_digest(11, digests[9], body), body),
    )
    # the forged record links to 10 correctly; the displaced original no longer fits after it
    assert _verify(store) == (False, 12, "unlinked")


def test_swapped_records_are_named(store: str) -> None:
    _fill(store)
    tamper(
        store,
        "UPDATE records SET seq = -1 WHERE seq = 3",
        "UPDATE records SET seq = 3 WHERE seq = 8",
        "UPDATE records SET seq = 8 WHERE seq = -1",
    )
    assert _verify(store) == (False, 3, "unlinked")


def test_swapped_contents_are_named(store: str) -> None:
    _fill(store)
    a, b = body_of(store, 2), body_of(store, 3)
    tamper(store, "UPDATE records SET body = ? WHERE seq = 2", params=(b,))
    tamper(store, "UPDATE records SET body = ? WHERE seq = 3", params=(a,))
    assert _verify(store) == (False, 2, "edited")


def test_truncated_tail_is_named(store: str) -> None:
    _fill(store)
    tamper(store, "DELETE FROM records WHERE seq > 15")
    assert _verify(store) == (False, 16, "truncated")


def test_truncation_that_rewrote_the_head_is_caught_by_an_anchor(store: str) -> None:
    digests = _fill(store)
    tamper(
        store,
        "DELETE FROM records WHERE seq > 15",
        f"UPDATE head SET seq = 15, digest = '{digests[14]}'",
    )
    assert _verify(store) == (True, None, None)  # without an outside anchor this looks like a shorter log
    assert _verify(store, anchors={20: digests[19]}) == (False, 16, "truncated")
    assert _verify(store, anchors={10: digests[10]}) == (False, 10, "edited")
    assert _verify(store, anchors={10: digests[9]}) == (True, None, None)


def test_an_emptied_log_is_empty_and_an_anchor_says_truncated(store: str) -> None:
    digests = _fill(store, 5)
    tamper(store, "DELETE FROM records", f"UPDATE head SET seq = 0, digest = '{GENESIS}'")
    assert _verify(store) == (False, 0, "empty")
    assert _verify(store, anchors={5: digests[4]}) == (False, 1, "truncated")


@pytest.mark.parametrize(
    ("anchors", "message"),
    [
        ({0: "sha256:" + "0" * 64}, "numbered from 1"),
        ({-3: "sha256:" + "0" * 64}, "numbered from 1"),
        ({1: "x"}, "64 lower-case hex"),
        ({1: "sha256:" + "A" * 64}, "64 lower-case hex"),
    ],
)
def test_every_anchor_is_checked_or_refused(store: str, anchors: dict[int, str], message: str) -> None:
    _fill(store, 3)
    with DecisionLog(store, read_only=True) as log, pytest.raises(LogError, match=message) as info:
        log.verify(anchors)
    assert info.value.code == "log.bad_anchor"


def test_a_retried_append_is_not_duplicated(store: str) -> None:
    with DecisionLog(store) as log:
        first = log.append({"decision_id": "d-1", "outcome": "eligible"})
        again = log.append({"decision_id": "d-1", "outcome": "eligible"})
        assert again == first and len(log) == 1
        batch = log.extend(
            [{"decision_id": "d-2"}, {"decision_id": "d-1", "outcome": "eligible"}, {"decision_id": "d-2"}]
        )
        assert [e.seq for e in batch] == [2, 1, 2] and len(log) == 2
        with pytest.raises(LogError) as info:
            log.extend([{"decision_id": "d-3"}, {"decision_id": "d-1", "outcome": "ineligible"}])
        assert info.value.code == "log.duplicate_key"
        assert len(log) == 2  # all or nothing: d-3 was not stored either
        assert log.append({"no": "id"}).seq == 3
        assert log.append({"no": "id"}).seq == 4  # records without a key are always appended
        assert log.verify().ok


def test_damaged_records_are_reported_not_raised(store: str) -> None:
    _fill(store, 3)
    tamper(store, "UPDATE records SET body = ? WHERE seq = 2", params=(b"\xff{not json",))
    with DecisionLog(store, read_only=True) as log:
        entry = log.get(2)
        assert entry.damage is not None
        with pytest.raises(LogError) as info:
            _ = entry.data
        assert info.value.code == "log.damaged"
        assert log.get(1).damage is None


def test_a_read_only_log_refuses_appends(store: str) -> None:
    _fill(store, 1)
    with DecisionLog(store, read_only=True) as log, pytest.raises(LogError) as info:
        log.append({"n": 2})
    assert info.value.code == "log.read_only"


def test_truncated_file_is_reported_not_raised(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    with DecisionLog(db) as log:
        log.extend({"n": i, "pad": "x" * 2000} for i in range(200))
    size = db.stat().st_size
    with db.open("r+b") as f:
        f.truncate(size // 2)
    try:
        ok, seq, code = _verify(str(db))
    except LogError:
        return  # the file no longer opens as a database: also detected
    assert not ok and seq is not None and code in {"unreadable", "truncated", "missing"}


def test_non_database_file_raises_log_error(tmp_path: Path) -> None:
    bad = tmp_path / "not.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LogError, match="cannot open"):
        DecisionLog(bad)
    with pytest.raises(LogError, match="cannot open"):
        DecisionLog(bad, read_only=True)


def test_verify_refuses_a_foreign_database_and_writes_nothing(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = raw_connection(str(other))
    con.execute("CREATE TABLE invoices (id INTEGER, total TEXT)")
    con.execute("INSERT INTO invoices VALUES (1, '9.50')")
    con.close()
    before = other.read_bytes()
    for read_only in (True, False):
        with pytest.raises(LogError) as info:
            DecisionLog(other, read_only=read_only)
        assert info.value.code == "log.not_a_log"
    assert other.read_bytes() == before
    tables = run_sql(str(other), "SELECT name FROM sqlite_master WHERE type = 'table'")
    assert [t[0] for t in tables] == ["invoices"]


def test_verify_refuses_an_emptied_file(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(str(db), 3)
    db.write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with pytest.raises(LogError) as info:
        DecisionLog(db, read_only=True)
    assert info.value.code == "log.not_a_log"
    assert db.read_bytes() == b""


def test_verify_writes_nothing_into_the_file_it_checks(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    _fill(str(db), 5)
    before = db.read_bytes()
    assert _verify(str(db)) == (True, None, None)
    assert db.read_bytes() == before


def test_a_log_from_before_schema_versions_is_adopted(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    con = raw_connection(str(db))
    con.execute("PRAGMA journal_mode = WAL")
    con.execute(
        "CREATE TABLE records (seq INTEGER PRIMARY KEY, prev TEXT NOT NULL, digest TEXT NOT NULL,"
        " body BLOB NOT NULL)"
    )
    con.execute(
        "CREATE TABLE head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
        " digest TEXT NOT NULL)"
    )
    body = b'{"n":1}'
    digest = link_digest(1, GENESIS, body)
    con.execute("INSERT INTO records VALUES (1, ?, ?, ?)", (GENESIS, digest, body))
    con.execute("INSERT INTO head VALUES (1, 1, ?)", (digest,))
    con.close()
    with pytest.raises(LogError) as info:
        DecisionLog(db, read_only=True)
    assert info.value.code == "log.not_a_log" and "opening it for writing once" in str(info.value)
    with DecisionLog(db) as log:
        assert log.append({"n": 2}).seq == 2
    assert _verify(str(db)) == (True, None, None)


def _writer_script(db: str, writer: int, count: int) -> str:
    return textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {SRC!r})
        from legalaid_rules.traces.log import DecisionLog
        with DecisionLog({db!r}) as log:
            for i in range({count}):
                log.append({{"writer": {writer}, "i": i}})
        """
    )


def test_four_writer_processes_lose_and_interleave_nothing(store: str) -> None:
    DecisionLog(store).close()  # create the tables before the race
    count = 500 if not store.startswith("postgresql://") else 250
    procs = [
        subprocess.Popen([sys.executable, "-c", _writer_script(store, w, count)], stderr=subprocess.PIPE)
        for w in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err.decode()
    with DecisionLog(store, read_only=True) as log:
        v = log.verify()
        assert v.ok and v.count == 4 * count, v.problem
        seen: dict[int, list[int]] = {w: [] for w in range(4)}
        for e in log:
            data = json.loads(e.body)
            seen[data["writer"]].append(data["i"])
    assert all(seen[w] == list(range(count)) for w in range(4))


def test_writer_killed_mid_write_never_loses_an_acknowledged_record(store: str, tmp_path: Path) -> None:
    """A writer appends 5-record batches and writes each acknowledged batch's first number to a
    file after the append returns; it is SIGKILLed four times. Every acknowledged batch is in the
    log, the chain verifies, and batches are all-or-nothing."""
    acks = tmp_path / "acks"
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {SRC!r})
        from legalaid_rules.traces.log import DecisionLog
        with DecisionLog({store!r}) as log, open({str(acks)!r}, "a") as acks:
            i = len(log)
            while True:
                log.extend({{"i": i + k, "pad": "p" * 20000}} for k in range(5))
                acks.write(f"{{i}}\\n"); acks.flush(); os.fsync(acks.fileno())
                i += 5
        """
    )
    DecisionLog(store).close()
    before = 0
    for round_ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", script])
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                with DecisionLog(store, read_only=True) as log:
                    if len(log) >= before + 50 + 7 * round_:
                        break
                time.sleep(0.02)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        with DecisionLog(store, read_only=True) as log:
            v = log.verify()
            assert v.ok, v.problem
            assert v.count > before and v.count % 5 == 0  # batches are all-or-nothing
            stored = {json.loads(e.body)["i"] for e in log}
            before = v.count
        acknowledged = {int(x) for x in acks.read_text().split()}
        assert acknowledged and acknowledged <= stored
    with DecisionLog(store) as log:
        log.append({"after": "kills"})
        assert log.verify().ok
        assert len(log) == before + 1


def test_opening_read_only_creates_nothing(store: str) -> None:
    with pytest.raises(LogError) as info:
        DecisionLog(store, read_only=True)
    assert info.value.code in ("log.missing", "log.not_a_log")
    if store.startswith("postgresql://"):
        assert (
            run_sql(
                store,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
            )
            == []
        )
    else:
        assert not Path(store).exists()
