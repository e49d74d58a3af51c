"""The decision log: an append-only SQLite file whose records form a hash chain.

Each row holds one trace record's canonical JSON bytes, the digest of the previous row and its
own digest::

    digest(n) = "sha256:" + sha256(f"{n}\\n{digest(n-1)}\\n".encode() + record bytes)

with ``digest(0) = GENESIS``. A one-row ``head`` table holds the last seq and digest and is
updated in the same transaction as each insert, so a log cut short (rows deleted from the
end) is detected too. :meth:`DecisionLog.verify` recomputes the chain and names the first bad
record: edited, deleted, inserted, reordered or truncated.

Writers: :meth:`DecisionLog.append` reads the head and inserts inside one ``BEGIN IMMEDIATE``
transaction with a busy timeout, so several processes can append at once without losing or
interleaving records. The file is in WAL mode; a writer killed mid-transaction leaves no
trace of it, and earlier records are untouched. ``synchronous=NORMAL`` (the default) keeps every
committed record through a process crash; ``durable=True`` (``synchronous=FULL``) also through
a power loss, at a cost in appends per second.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from legalaid_rules.audit.errors import LogError
from legalaid_rules.audit.masking import Masking
from legalaid_rules.audit.record import TraceRecord, load_trace

__all__ = ["GENESIS", "DecisionLog", "LogEntry", "LogProblem", "Verification", "chain_digest"]

GENESIS = "sha256:" + "0" * 64
"""The ``prev`` digest of the first record."""

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS records ("
    " seq INTEGER PRIMARY KEY,"
    " record BLOB NOT NULL,"
    " digest TEXT NOT NULL,"
    " prev TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS head ("
    " one INTEGER PRIMARY KEY CHECK (one = 1),"
    " seq INTEGER NOT NULL,"
    " digest TEXT NOT NULL)",
    "INSERT OR IGNORE INTO head (one, seq, digest) VALUES (1, 0, '" + GENESIS + "')",
    "CREATE TRIGGER IF NOT EXISTS records_append_only_update BEFORE UPDATE ON records"
    " BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS records_append_only_delete BEFORE DELETE ON records"
    " BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END",
)


def chain_digest(seq: int, prev: str, record: bytes) -> str:
    """The digest of record ``seq``: covers its number, the previous digest and its bytes."""
    h = hashlib.sha256(f"{seq}\n{prev}\n".encode("ascii"))
    h.update(record)
    return "sha256:" + h.hexdigest()


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row of the log: its number, the record's canonical bytes and the chain digests."""

    seq: int
    record: bytes
    digest: str
    prev: str

    def trace(self) -> TraceRecord:
        """The trace record held in this row.

        Raises:
            TraceError: the bytes are not a valid trace record.
        """
        return load_trace(self.record)


@dataclass(frozen=True, slots=True)
class LogProblem:
    """The first bad record found by :meth:`DecisionLog.verify`."""

    seq: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.message}"


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of :meth:`DecisionLog.verify`: ``ok``, or the first ``problem``."""

    ok: bool
    count: int  # records checked and found good
    head: str  # digest of the last good record (GENESIS for none)
    problem: LogProblem | None


class DecisionLog:
    """An append-only decision log in one SQLite file (created when missing).

    Args:
        path: the database file.
        timeout: seconds to wait for another writer's lock before giving up.
        masking: mask personal fields of each record before it is written.
        durable: ``synchronous=FULL``: committed records survive a power loss too.
        create: create the file when it does not exist (otherwise a missing file is an error).

    Raises:
        LogError: the file cannot be opened or is not a decision log.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        timeout: float = 30.0,
        masking: Masking | None = None,
        durable: bool = False,
        create: bool = True,
    ) -> None:
        self.path = Path(path)
        self.masking = masking
        if not create and not self.path.is_file():
            raise LogError("log.not_found", f"no decision log at {self.path}")
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise LogError("log.unopenable", f"cannot open the decision log {self.path}: {exc}") from None
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
            self._db.execute("PRAGMA mmap_size = 1073741824")  # reads (verify) without copies
            self._setup()
        except sqlite3.Error as exc:
            self._db.close()
            raise LogError("log.unopenable", f"{self.path} is not a usable decision log: {exc}") from None

    def _setup(self) -> None:
        tables = {
            r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if {"records", "head"} <= tables:
            return
        if tables - {"records", "head"}:
            raise sqlite3.DatabaseError("it holds other tables")
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    # -- context manager -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (committed records are safe on disk)."""
        self._db.close()

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------

    def append(self, record: TraceRecord) -> LogEntry:
        """Append one record (masked first if the log masks), as the next link of the chain.

        Raises:
            LogError: the log is locked by another writer for longer than the timeout, or
                cannot be written.
        """
        if self.masking is not None and record.masked is None:
            record = self.masking.mask_record(record)
        return self.append_bytes(record.canonical())

    def extend(self, records: Iterable[TraceRecord]) -> list[LogEntry]:
        """Append several records, one transaction each, in order."""
        return [self.append(r) for r in records]

    def append_bytes(self, data: bytes) -> LogEntry:
        """Append the canonical bytes of a trace record (no check that they are one).

        Raises:
            LogError: as for :meth:`append`.
        """
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                last, prev = db.execute("SELECT seq, digest FROM head WHERE one = 1").fetchone()
                seq = last + 1
                digest = chain_digest(seq, prev, data)
                db.execute(
                    "INSERT INTO records (seq, record, digest, prev) VALUES (?, ?, ?, ?)",
                    (seq, data, digest, prev),
                )
                db.execute("UPDATE head SET seq = ?, digest = ? WHERE one = 1", (seq, digest))
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise LogError("log.write_failed", f"cannot append to {self.path}: {exc}") from None
        return LogEntry(seq, data, digest, prev)

    # -- reading -------------------------------------------------------------------------------

    def head(self) -> tuple[int, str]:
        """The seq and digest of the last record as the head table says (0, GENESIS if empty)."""
        row = self._query("SELECT seq, digest FROM head WHERE one = 1").fetchone()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    def __len__(self) -> int:
        return int(self._query("SELECT count(*) FROM records").fetchone()[0])

    def __iter__(self) -> Iterator[LogEntry]:
        return self.iter()

    def iter(self, start: int = 1) -> Iterator[LogEntry]:
        """Every row from seq ``start`` on, in order."""
        cur = self._query(
            "SELECT seq, record, digest, prev FROM records WHERE seq >= ? ORDER BY seq", (start,)
        )
        for seq, record, digest, prev in cur:
            yield LogEntry(seq, bytes(record), digest, prev)

    def list(self, *, offset: int = 0, limit: int | None = None) -> list[LogEntry]:
        """Rows in order, skipping ``offset`` and at most ``limit`` of them."""
        cur = self._query(
            "SELECT seq, record, digest, prev FROM records ORDER BY seq LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [LogEntry(s, bytes(r), d, p) for s, r, d, p in cur]

    def get(self, seq: int) -> LogEntry | None:
        """The row with number ``seq``, or None."""
        row = self._query(
            "SELECT seq, record, digest, prev FROM records WHERE seq = ?", (seq,)
        ).fetchone()
        return None if row is None else LogEntry(row[0], bytes(row[1]), row[2], row[3])

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise LogError("log.unreadable", f"cannot read {self.path}: {exc}") from None

    # -- verifying -----------------------------------------------------------------------------

    def verify(self, expected_head: str | None = None) -> Verification:
        """Recompute the chain and name the first bad record.

        Args:
            expected_head: a head digest kept outside the file (published, or in another
                system); the log must contain a record with this digest.

        Returns:
            ``ok`` with the count and head digest, or the first problem: ``log.seq_gap`` (a
            record deleted), ``log.seq_unexpected`` (a record inserted before the chain),
            ``log.record_altered`` (bytes or digest changed), ``log.chain_broken`` (a record
            inserted, reordered or re-linked), ``log.truncated`` (records missing at the end),
            ``log.unreadable`` (the file is damaged).
        """
        expected, prev, good = 1, GENESIS, 0
        seen_expected = expected_head is None or expected_head == GENESIS

        def bad(seq: int, code: str, message: str) -> Verification:
            return Verification(False, good, prev, LogProblem(seq, code, message))

        try:
            cur = self._db.execute("SELECT seq, record, digest, prev FROM records ORDER BY seq")
            sha = hashlib.sha256
            for seq, record, digest, link in cur:
                if seq != expected:
                    if seq > expected:
                        missing = (
                            f"record {expected} is missing"
                            if seq == expected + 1
                            else f"records {expected} to {seq - 1} are missing"
                        )
                        return bad(expected, "log.seq_gap", f"{missing} (deleted)")
                    return bad(seq, "log.seq_unexpected", f"record {seq} comes before record 1")
                if link != prev:
                    return bad(
                        seq,
                        "log.chain_broken",
                        "its previous-record digest does not match record "
                        f"{seq - 1} (inserted, reordered or re-linked)",
                    )
                h = sha(f"{seq}\n{prev}\n".encode("ascii"))
                h.update(record)
                if "sha256:" + h.hexdigest() != digest:
                    return bad(seq, "log.record_altered", "its content does not match its digest (edited)")
                prev, expected, good = digest, expected + 1, good + 1
                if not seen_expected and digest == expected_head:
                    seen_expected = True
            head = self._db.execute("SELECT seq, digest FROM head WHERE one = 1").fetchone()
        except sqlite3.Error as exc:
            return bad(expected, "log.unreadable", f"the file is damaged from here on: {exc}")
        if head is None:
            return bad(expected, "log.truncated", "the head row is missing")
        head_seq, head_digest = int(head[0]), str(head[1])
        if head_seq > good:
            return bad(
                good + 1,
                "log.truncated",
                f"the log ends at record {good} but its head says {head_seq} (records removed from the end)",
            )
        if head_seq < good or head_digest != prev:
            return bad(
                head_seq + 1 if head_seq < good else head_seq,
                "log.head_mismatch",
                f"the head (record {head_seq}, {head_digest[:19]}…) does not match the last record",
            )
        if not seen_expected:
            return bad(
                good + 1,
                "log.truncated",
                "no record has the expected head digest (records removed from the end)",
            )
        return Verification(True, good, prev, None)
