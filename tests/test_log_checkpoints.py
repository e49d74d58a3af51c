"""Signed checkpoints, backups and the log commands an auditor uses, on SQLite and PostgreSQL.

Each failure of issue 12 item 5 is reproduced here: an emptied log, `--anchor 0=x`, a forged
tail, truncation and rollback behind a checkpoint, a copy of the .db without its -wal, damaged
records in `list` and `show`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from legalaid_rules.cli import main
from legalaid_rules.traces.checkpoints import Checkpoint, CheckpointError, generate_keypair, sign_checkpoint
from legalaid_rules.traces.log import GENESIS, DecisionLog, LogError, link_digest
from test_log import tamper


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["log", *args], catch_exceptions=False)


def _fill(url: str | Path, start: int, n: int) -> list[str]:
    with DecisionLog(url) as log:
        return [
            e.digest for e in log.extend({"decision_id": f"d-{i}", "n": i} for i in range(start, start + n))
        ]


def test_a_checkpoint_detects_a_forged_tail(store: str) -> None:
    private, public = generate_keypair()
    digests = _fill(store, 1, 10)
    with DecisionLog(store) as log:
        cp = log.checkpoint(private)
    assert (cp.seq, cp.digest) == (10, digests[-1])
    # the attacker rewrites records 8..10 with a recomputed chain and head: the chain alone holds
    prev = digests[6]
    forged = []
    for seq in (8, 9, 10):
        body = json.dumps({"decision_id": f"d-{seq}", "n": seq, "outcome": "forged"}).encode()
        forged.append((seq, prev, link_digest(seq, prev, body), body))
        prev = forged[-1][2]
    tamper(store, "DELETE FROM records WHERE seq >= 8")
    for row in forged:
        tamper(store, "INSERT INTO records (seq, prev, digest, body) VALUES (?, ?, ?, ?)", params=row)
    tamper(store, f"UPDATE head SET seq = 10, digest = '{prev}'")
    with DecisionLog(store, read_only=True) as log:
        assert log.verify().ok  # what the chain alone cannot see
        v = log.verify(checkpoints=[cp], public_key=public)
    assert not v.ok and v.problem is not None and (v.problem.seq, v.problem.code) == (10, "edited")


def test_a_checkpoint_detects_truncation_with_the_head_rewritten(store: str) -> None:
    private, public = generate_keypair()
    digests = _fill(store, 1, 12)
    with DecisionLog(store) as log:
        cp = log.checkpoint(private)
    tamper(store, "DELETE FROM records WHERE seq > 7", f"UPDATE head SET seq = 7, digest = '{digests[6]}'")
    with DecisionLog(store, read_only=True) as log:
        assert log.verify().ok
        v = log.verify(checkpoints=[cp], public_key=public)
    assert v.problem is not None and (v.problem.seq, v.problem.code) == (8, "truncated")


def test_a_checkpoint_detects_an_emptied_log(store: str) -> None:
    private, public = generate_keypair()
    _fill(store, 1, 3)
    with DecisionLog(store) as log:
        cp = log.checkpoint(private)
    tamper(store, "DELETE FROM records", f"UPDATE head SET seq = 0, digest = '{GENESIS}'")
    with DecisionLog(store, read_only=True) as log:
        assert log.verify().empty
        v = log.verify(checkpoints=[cp], public_key=public)
    assert v.problem is not None and v.problem.code == "truncated"


def test_rollback_to_an_older_copy_is_detected(tmp_path: Path) -> None:
    private, public = generate_keypair()
    db = tmp_path / "log.db"
    _fill(db, 1, 5)
    with DecisionLog(db) as log:
        assert log.backup(tmp_path / "monday.db") == 5
    _fill(db, 6, 5)
    with DecisionLog(db) as log:
        cp = log.checkpoint(private)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "monday.db", db)  # the log replaced by Monday's copy
    with DecisionLog(db, read_only=True) as log:
        assert log.verify().ok
        v = log.verify(checkpoints=[cp], public_key=public)
    assert v.problem is not None and (v.problem.seq, v.problem.code) == (6, "truncated")


def test_a_copy_without_its_wal_misses_records_and_the_backup_does_not(tmp_path: Path) -> None:
    private, public = generate_keypair()
    db = tmp_path / "log.db"
    _fill(db, 1, 5)  # closed: checkpointed into the .db file
    with DecisionLog(db) as log:
        log.extend({"decision_id": f"d-{i}", "n": i} for i in range(6, 11))  # still in the -wal file
        shutil.copy(db, tmp_path / "copy.db")  # the mistake the docs warn about
        assert log.backup(tmp_path / "backup.db") == 10
        cp = log.checkpoint(private)
    with DecisionLog(tmp_path / "copy.db", read_only=True) as copy:
        assert len(copy) == 5  # acknowledged records 6..10 are gone
        v = copy.verify(checkpoints=[cp], public_key=public)
        assert v.problem is not None and (v.problem.seq, v.problem.code) == (6, "truncated")
    with DecisionLog(tmp_path / "backup.db", read_only=True) as backup:
        v = backup.verify(checkpoints=[cp], public_key=public)
        assert v.ok and v.count == 10 and v.checked == 1


def test_a_postgresql_log_backs_up_to_a_sqlite_file_that_verifies(store: str, tmp_path: Path) -> None:
    private, public = generate_keypair()
    _fill(store, 1, 7)
    with DecisionLog(store) as log:
        cp = log.checkpoint(private)
        assert log.backup(tmp_path / "copy.db") == 7
        with pytest.raises(LogError) as info:
            log.backup(tmp_path / "copy.db")
        assert info.value.code == "log.backup_exists"
    with DecisionLog(tmp_path / "copy.db", read_only=True) as copy:
        v = copy.verify(checkpoints=[cp], public_key=public)
    assert v.ok and v.count == 7


def test_checkpoints_of_another_log_or_key_or_changed_are_refused(store: str, tmp_path: Path) -> None:
    private, public = generate_keypair()
    _, other_public = generate_keypair()
    digests = _fill(store, 1, 3)
    other = tmp_path / "other.db"
    _fill(other, 1, 3)
    with DecisionLog(other) as log:
        foreign = log.checkpoint(private)
    with DecisionLog(store) as log:
        cp = log.checkpoint(private)
        changed = Checkpoint(cp.log_id, 2, digests[1], cp.made_at, cp.key, cp.signature)
        cases = [
            ([foreign], public, "not this log"),
            ([cp], other_public, "signed by"),
            ([changed], public, "does not verify"),
            ([cp], None, "without the public key"),
        ]
        for given, key, message in cases:
            with pytest.raises(LogError, match=message) as info:
                log.verify(checkpoints=given, public_key=key)
            assert info.value.code == "log.bad_checkpoint"


def test_checkpoint_files_are_read_strictly(tmp_path: Path) -> None:
    private, _ = generate_keypair()
    good = sign_checkpoint("x", 1, "sha256:" + "0" * 64, private, made_at="2026-01-01T00:00:00+00:00")
    path = tmp_path / "cps.jsonl"
    path.write_text(good.to_json() + "\n\n" + json.dumps({"seq": 0}) + "\n", encoding="utf-8")
    with pytest.raises(CheckpointError, match=r"cps.jsonl:3"):
        Checkpoint.read_file(path)


def test_the_commands_end_to_end(tmp_path: Path) -> None:
    db = str(tmp_path / "log.db")
    key, pub, cps = tmp_path / "k.pem", tmp_path / "k.pub", tmp_path / "cps.jsonl"
    assert run("keygen", "--private", str(key), "--public", str(pub)).exit_code == 0
    assert key.stat().st_mode & 0o077 == 0
    assert run("keygen", "--private", str(key), "--public", str(pub)).exit_code == 2  # never overwritten
    DecisionLog(db).close()
    empty = run("verify", db)
    assert empty.exit_code == 3 and empty.output.startswith("EMPTY")
    assert run("checkpoint", db, "--key", str(key)).exit_code == 2  # nothing to sign
    digests = _fill(db, 1, 4)
    assert run("checkpoint", db, "--key", str(key), "-o", str(cps)).exit_code == 0
    ok = run("verify", db, "--checkpoint", str(cps), "--public-key", str(pub), "--anchor", f"2={digests[1]}")
    assert (
        ok.exit_code == 0 and "ok: 4 record(s)" in ok.output and "2 anchor(s)/checkpoint(s) hold" in ok.output
    )
    for bad in ("0=x", f"0={digests[0]}", "1=x", "x", f"1={digests[0].upper()}"):
        refused = run("verify", db, "--anchor", bad)
        assert refused.exit_code == 2, bad
    assert run("verify", db, "--checkpoint", str(cps)).exit_code == 2  # no key to check it
    backup = run("backup", db, str(tmp_path / "b.db"))
    assert backup.exit_code == 0 and "4 record(s)" in backup.output
    tamper(db, "DELETE FROM records WHERE seq = 4", f"UPDATE head SET seq = 3, digest = '{digests[2]}'")
    cut = run("verify", db, "--checkpoint", str(cps), "--public-key", str(pub))
    assert cut.exit_code == 1 and "[truncated]" in cut.output


def test_list_and_show_report_damaged_records(store: str) -> None:
    _fill(store, 1, 3)
    tamper(store, "UPDATE records SET body = ? WHERE seq = 2", params=(b"\xff\xfe not json",))
    tamper(store, "UPDATE records SET body = ? WHERE seq = 3", params=(b"[1, 2]",))
    listed = run("list", store)
    assert listed.exit_code == 1
    lines = listed.output.splitlines()
    assert lines[0].split("\t")[2] == "d-1"
    assert "DAMAGED" in lines[1] and "DAMAGED" in lines[2]
    shown = run("show", store, "2")
    assert shown.exit_code == 1 and "record 2 is damaged" in shown.stderr
    assert run("show", store, "1").exit_code == 0
    assert run("show", store, "9").exit_code == 2


def test_verify_opens_nothing_that_is_not_a_log(tmp_path: Path) -> None:
    missing = run("verify", str(tmp_path / "none.db"))
    assert missing.exit_code == 2 and "no decision log" in missing.output
    assert not (tmp_path / "none.db").exists()
    ledger = tmp_path / "ledger.sqlite"
    from legalaid_rules.caseload import Ledger

    Ledger(ledger).close_connection()
    other = run("verify", str(ledger))
    assert other.exit_code == 2 and "log.not_a_log" in other.output
