"""The decision log: an append-only SQLite file (WAL mode) whose records form a hash chain.

Each row holds one record as canonical JSON bytes, the digest of the previous row and its own
digest, the SHA-256 of::

    b"legalaid-rules/log/1\\n" + str(seq) + b"\\n" + prev + b"\\n" + body

so a record's digest covers its position, its content and everything before it. The first
record's ``prev`` is :data:`GENESIS`. :meth:`DecisionLog.verify` recomputes the chain and names
the first bad record: an edited record fails its digest, a deleted, inserted or reordered one
breaks the sequence or the link to its predecessor, and a truncated tail no longer matches the
head kept in the ``head`` table (or an anchor the caller published elsewhere).

Writers serialise on SQLite's write lock: reading the last digest and inserting the next row
happen in one ``BEGIN IMMEDIATE`` transaction, so several processes may append at once without
losing or interleaving records. A writer killed mid-append leaves the transaction uncommitted,
and SQLite rolls it back; rows already committed are never touched. Triggers refuse ``UPDATE``
and ``DELETE`` on the records, so only deliberate tampering (which :meth:`verify` detects) can
change them.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: SQLite's busy timeout alone serialises writers
    fcntl = None  # type: ignore[assignment]

from legalaid_rules.canonical import canonical_json
from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.traces.masking import MaskingPolicy

__all__ = ["GENESIS", "DecisionLog", "LogEntry", "LogError", "LogProblem", "Verification", "link_digest"]

GENESIS = "sha256:" + "0" * 64
"""The ``prev`` of the first record."""

_DOMAIN = b"legalaid-rules/log/1\n"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    seq    INTEGER PRIMARY KEY,
    prev   TEXT NOT NULL,
    digest TEXT NOT NULL,
    body   BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS head (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    seq    INTEGER NOT NULL,
    digest TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
"""


class LogError(LegalAidRulesError):
    """The decision log cannot be opened, read or written."""

    code = "log.error"


def link_digest(seq: int, prev: str, body: bytes) -> str:
    """The digest of record ``seq`` with content ``body`` following a record with digest ``prev``."""
    h = hashlib.sha256(_DOMAIN)
    h.update(b"%d\n" % seq)
    h.update(prev.encode("ascii"))
    h.update(b"\n")
    h.update(body)
    return "sha256:" + h.hexdigest()


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One stored record: its position, the previous digest, its own digest and its bytes."""

    seq: int
    prev: str
    digest: str
    body: bytes

    @property
    def data(self) -> Any:
        """The record as plain data (numbers with a fraction as ``Decimal``)."""
        return json.loads(self.body, parse_float=Decimal)


@dataclass(frozen=True, slots=True)
class LogProblem:
    """The first bad record found by :meth:`DecisionLog.verify`."""

    seq: int
    code: str  # edited, missing, inserted, unlinked, truncated, unreadable
    message: str

    def __str__(self) -> str:
        return f"record {self.seq}: {self.message}"


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of verifying a log: ``ok``, how many records were checked, the head digest."""

    ok: bool
    count: int
    head: str
    problem: LogProblem | None = None


class DecisionLog:
    """An append-only decision log in one SQLite file.

    Args:
        path: the database file (created when missing).
        masking: a policy applied to every record before it is stored, or None.
        durable: ``synchronous=FULL`` (survives power loss, slower); the default ``NORMAL``
            survives any process crash, which is what the append-only guarantee needs.
        timeout: seconds a writer waits for the write lock before giving up.

    Raises:
        LogError: the file cannot be opened as a decision log.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        masking: MaskingPolicy | None = None,
        durable: bool = False,
        timeout: float = 60.0,
    ) -> None:
        self.path = Path(path)
        self.masking = masking
        self._lock_fd: int | None = None
        self._timeout = timeout
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._setup(durable, timeout)
        except sqlite3.DatabaseError as exc:
            raise LogError(f"cannot open the decision log {self.path}: {exc}") from None

    def _setup(self, durable: bool, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:  # another process may hold the lock while it creates the same tables
            try:
                mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                self._db.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
                # a checkpoint copies the WAL into the file and syncs it; every 10,000 pages
                # (about 40 MB) rather than SQLite's 1,000 makes appends of large traces ~25% faster
                self._db.execute("PRAGMA wal_autocheckpoint = 10000")
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _SCHEMA.split(";\n"):
                        if statement.strip():
                            self._db.execute(statement)
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        if str(mode).lower() != "wal":
            raise LogError(f"{self.path}: cannot switch the decision log to WAL mode (got `{mode}`)")

    # -- context manager -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self._db.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- writing -------------------------------------------------------------------------------

    def _body(self, record: Any) -> bytes:
        if isinstance(record, bytes):
            return record
        if self.masking is not None:
            record = self.masking.apply(record if isinstance(record, Mapping) else _as_mapping(record))
        return canonical_json(record)

    def append(self, record: Any) -> LogEntry:
        """Append one record (a pydantic model, plain data, or canonical JSON bytes).

        Returns:
            The stored entry, with its sequence number and digest.

        Raises:
            LogError: the write failed (nothing was stored).
        """
        return self.extend([record])[0]

    def extend(self, records: Iterable[Any]) -> builtins.list[LogEntry]:
        """Append several records in one transaction (all of them, or none on failure).

        Raises:
            LogError: the write failed (nothing was stored).
        """
        bodies = [self._body(r) for r in records]
        db = self._db
        with self._writer_lock():
            return self._insert(db, bodies)

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        """An OS file lock around each write, where there is one (POSIX).

        SQLite's own busy handler sleeps up to 100 ms between retries, so writers contending
        for its lock would mostly sleep; polling ``flock`` every half millisecond does not.
        The kernel releases the lock when a writer dies. SQLite's lock stays the authority.
        """
        if fcntl is None:
            yield
            return
        if self._lock_fd is None:
            self._lock_fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LogError(f"the decision log {self.path} stayed locked by another writer") from None
                time.sleep(0.0005)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _insert(self, db: sqlite3.Connection, bodies: builtins.list[bytes]) -> builtins.list[LogEntry]:
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT seq, digest FROM records ORDER BY seq DESC LIMIT 1").fetchone()
                seq, prev = (row[0], row[1]) if row else (0, GENESIS)
                out = []
                for body in bodies:
                    seq += 1
                    entry = LogEntry(seq, prev, link_digest(seq, prev, body), body)
                    out.append(entry)
                    prev = entry.digest
                db.executemany(
                    "INSERT INTO records (seq, prev, digest, body) VALUES (?, ?, ?, ?)",
                    [(e.seq, e.prev, e.digest, e.body) for e in out],
                )
                if out:
                    db.execute(
                        "INSERT INTO head (id, seq, digest) VALUES (1, ?, ?) "
                        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, digest = excluded.digest",
                        (out[-1].seq, out[-1].digest),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            raise LogError(f"cannot append to the decision log {self.path}: {exc}") from None
        return out

    # -- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])

    def __iter__(self) -> Iterator[LogEntry]:
        return self.iter()

    def iter(self, start: int = 1) -> Iterator[LogEntry]:
        """The records from sequence number ``start`` on, in order."""
        cursor = self._db.execute(
            "SELECT seq, prev, digest, body FROM records WHERE seq >= ? ORDER BY seq", (start,)
        )
        for seq, prev, dig, body in cursor:
            yield LogEntry(seq, prev, dig, _bytes(body))

    def list(self, start: int = 1, limit: int | None = None) -> builtins.list[LogEntry]:
        """Up to ``limit`` records from ``start`` on."""
        out: builtins.list[LogEntry] = []
        for entry in self.iter(start):
            if limit is not None and len(out) >= limit:
                break
            out.append(entry)
        return out

    def get(self, seq: int) -> LogEntry:
        """The record with sequence number ``seq``.

        Raises:
            LogError: there is no such record.
        """
        row = self._db.execute("SELECT seq, prev, digest, body FROM records WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise LogError(f"the decision log {self.path} has no record {seq}")
        return LogEntry(row[0], row[1], row[2], _bytes(row[3]))

    def head(self) -> tuple[int, str]:
        """The sequence number and digest of the last record ((0, GENESIS) when empty)."""
        row = self._db.execute("SELECT seq, digest FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    # -- verifying -----------------------------------------------------------------------------

    def verify(self, anchors: Mapping[int, str] | None = None) -> Verification:
        """Recompute the chain and report the first bad record.

        Args:
            anchors: sequence number -> digest pairs published outside the log (e.g. a daily
                head sent to the bureau); each must still be in the chain. They detect a
                truncation that also rewrote the ``head`` table.
        """
        anchors = dict(anchors or {})
        expected_seq, prev = 1, GENESIS
        count = 0
        try:
            self._db.execute("BEGIN")  # one consistent snapshot while writers go on
            try:
                rows = self._db.execute("SELECT seq, prev, digest, body FROM records ORDER BY seq")
                try:
                    for seq, stored_prev, stored, body in rows:
                        problem = _check(seq, expected_seq, prev, stored_prev, stored, body)
                        if problem is None and seq in anchors and anchors[seq] != stored:
                            problem = LogProblem(
                                seq, "edited", f"its digest differs from the anchor {anchors[seq]}"
                            )
                        if problem is not None:
                            return Verification(False, count, prev, problem)
                        count += 1
                        expected_seq, prev = seq + 1, stored
                finally:
                    rows.close()
                head = self._db.execute("SELECT seq, digest FROM head WHERE id = 1").fetchone()
            finally:
                self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            return Verification(
                False,
                count,
                prev,
                LogProblem(expected_seq, "unreadable", f"the database cannot be read: {exc}"),
            )
        last = expected_seq - 1
        if head is not None and (head[0], head[1]) != (last, prev):
            if head[0] > last:
                message = f"the log ends at record {last} but its head says {head[0]}: records were cut off"
                return Verification(False, count, prev, LogProblem(last + 1, "truncated", message))
            message = f"the head ({head[0]}, {head[1]}) does not match the last record ({last}, {prev})"
            return Verification(False, count, prev, LogProblem(min(head[0], last) or 1, "edited", message))
        if head is None and count:
            return Verification(
                False, count, prev, LogProblem(last, "edited", "the head of the log is missing")
            )
        beyond = sorted(s for s in anchors if s > last)
        if beyond:
            message = f"an anchor names record {beyond[0]} but the log ends at record {last}"
            return Verification(False, count, prev, LogProblem(last + 1, "truncated", message))
        return Verification(True, count, prev)


def _check(
    seq: int, expected: int, prev: str, stored_prev: str, stored: str, body: bytes
) -> LogProblem | None:
    """The problem with one row, given the row before it, or None."""
    if seq > expected:
        gap = f"record {expected}" if seq == expected + 1 else f"records {expected}..{seq - 1}"
        return LogProblem(expected, "missing", f"{gap} missing: the sequence jumps to {seq}")
    if seq < expected:  # cannot happen with an integer primary key, kept for other stores
        return LogProblem(seq, "inserted", "a record with a repeated sequence number")
    if stored_prev != prev:
        return LogProblem(
            seq,
            "unlinked",
            f"it does not follow record {seq - 1} (its `prev` is not that record's digest): "
            "a record was inserted, removed, moved or rewritten here",
        )
    if link_digest(seq, stored_prev, _bytes(body)) != stored:
        return LogProblem(seq, "edited", "its digest does not match its content: the record was changed")
    return None


def _bytes(value: Any) -> bytes:
    """A stored body as bytes (a tamperer may have stored text, or another type)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")


def _as_mapping(record: Any) -> Mapping[str, Any]:
    data = json.loads(canonical_json(record))
    if not isinstance(data, dict):
        raise LogError("only records that are JSON objects can be masked")
    return data
