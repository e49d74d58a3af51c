"""The decision log: an append-only store (SQLite file or PostgreSQL database) whose records form
a hash chain.

Each row holds one record as canonical JSON bytes, the digest of the previous row and its own
digest, the SHA-256 of::

    b"legalaid-rules/log/1\\n" + str(seq) + b"\\n" + prev + b"\\n" + body

so a record's digest covers its position, its content and everything before it. The first
record's ``prev`` is :data:`GENESIS`. :meth:`DecisionLog.verify` recomputes the chain and names
the first bad record: an edited record fails its digest, a deleted, inserted or reordered one
breaks the sequence or the link to its predecessor, and a truncated tail no longer matches the
head kept in the ``head`` table, an anchor, or a signed checkpoint kept elsewhere.

Writers serialise: on SQLite reading the last digest and inserting the next row happen in one
``BEGIN IMMEDIATE`` transaction; on PostgreSQL the transaction first locks the ``head`` row
(``SELECT ... FOR UPDATE``). Several processes may append at once without losing or interleaving
records. A writer killed mid-append leaves its transaction uncommitted, and the engine rolls it
back; committed rows are never touched. Triggers refuse ``UPDATE`` and ``DELETE`` on the records.
Each record carries an idempotency key (its decision id): appending the same decision again
returns the stored entry instead of a duplicate.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from legalaid_rules.canonical import canonical_json
from legalaid_rules.errors import CodedError
from legalaid_rules.i18n import _
from legalaid_rules.storage import Engine, StorageError, StoreURL, open_store, parse_url
from legalaid_rules.storage.sqlite import SQLiteEngine
from legalaid_rules.traces.checkpoints import Checkpoint, CheckpointError, sign_checkpoint
from legalaid_rules.traces.log_schema import GENESIS, LOG_STORE
from legalaid_rules.traces.masking import MaskingPolicy

__all__ = [
    "GENESIS",
    "DecisionLog",
    "LogEntry",
    "LogError",
    "LogProblem",
    "Verification",
    "check_anchors",
    "link_digest",
]

_DOMAIN = b"legalaid-rules/log/1\n"
_ANCHOR_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_PAGE = 1000


class LogError(CodedError):
    """The decision log cannot be opened, read or written, or was asked something it cannot do.

    Args:
        message: what is wrong.
        code: a stable code (``log.missing``, ``log.not_a_log``, ``log.bad_anchor``,
            ``log.duplicate_key``, ``log.no_record``, ``log.write`` ...).
        hint: how to fix it, or None.
    """

    def __init__(self, message: str, code: str = "log.error", hint: str | None = None) -> None:
        super().__init__(code, message, hint)  # the message first: older callers pass it alone

    code = "log.error"


def link_digest(seq: int, prev: str, body: bytes) -> str:
    """The digest of record ``seq`` with content ``body`` following a record with digest ``prev``."""
    h = hashlib.sha256(_DOMAIN)
    h.update(b"%d\n" % seq)
    h.update(prev.encode("ascii", "replace"))
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
        """The record as plain data (numbers with a fraction as ``Decimal``).

        Raises:
            LogError: ``log.damaged``: the stored bytes are not JSON (the record was tampered with).
        """
        try:
            return json.loads(self.body, parse_float=Decimal)
        except (ValueError, RecursionError) as exc:
            raise LogError(
                _("record {seq} is damaged: its body is not JSON ({exc})").format(seq=self.seq, exc=exc),
                "log.damaged",
                _("run `legalaid-rules log verify`"),
            ) from None

    @property
    def damage(self) -> str | None:
        """Why the record cannot be trusted as read (body not JSON, or digest not matching), or None."""
        if link_digest(self.seq, self.prev, self.body) != self.digest:
            return "its digest does not match its content"
        try:
            _ = self.data
        except LogError as exc:
            return exc.message
        return None


@dataclass(frozen=True, slots=True)
class LogProblem:
    """The first bad record found by :meth:`DecisionLog.verify`."""

    seq: int
    code: str  # edited, missing, inserted, unlinked, truncated, unreadable, empty
    message: str

    def __str__(self) -> str:
        if self.code == "empty":
            return self.message
        return f"record {self.seq}: {self.message}"


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of verifying a log.

    Attributes:
        ok: the chain is intact, every anchor and checkpoint holds, and the log is not empty.
        count: records checked and found intact (before the first bad one).
        head: the digest of the last intact record.
        problem: the first problem (code ``empty`` for a log without records), or None.
        checked: how many anchors and checkpoints were checked.
    """

    ok: bool
    count: int
    head: str
    problem: LogProblem | None = None
    checked: int = 0

    @property
    def empty(self) -> bool:
        """Whether the log holds no record (and nothing says it should)."""
        return self.problem is not None and self.problem.code == "empty"


def check_anchors(anchors: Mapping[int, str]) -> dict[int, str]:
    """Anchors as given, each checked to be usable: a record number from 1 and a full digest.

    Raises:
        LogError: ``log.bad_anchor`` for the first unusable anchor.
    """
    out: dict[int, str] = {}
    for seq, digest in anchors.items():
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise LogError(
                _("anchor `{seq}={digest}`: records are numbered from 1").format(seq=seq, digest=digest),
                "log.bad_anchor",
            )
        if not isinstance(digest, str) or not _ANCHOR_DIGEST.match(digest):
            raise LogError(
                _("anchor `{seq}={digest}`: a digest is `sha256:` and 64 lower-case hex digits").format(
                    seq=seq, digest=digest
                ),
                "log.bad_anchor",
                _("copy it from `log list` or `log verify` output"),
            )
        out[seq] = digest
    return out


class DecisionLog:
    """An append-only decision log in a SQLite file or a PostgreSQL database.

    Args:
        url: ``sqlite:///path`` or a plain path (the file is created when missing), or
            ``postgresql://...`` (the database must exist; the tables are created).
        masking: a policy applied to every record before it is stored, or None.
        durable: SQLite ``synchronous=FULL`` (survives power loss, slower); the default
            ``NORMAL`` survives any process crash. PostgreSQL commits are always durable.
        timeout: seconds a writer waits for the lock before giving up.
        read_only: open only to read and verify: nothing is created, migrated or written
            (SQLite ``mode=ro``), and a file or database that is not a decision log is refused.

    Raises:
        LogError: the store cannot be opened as a decision log (``log.missing``, ``log.not_a_log``,
            ``log.unreadable``).
    """

    def __init__(
        self,
        url: Path | str | StoreURL,
        *,
        masking: MaskingPolicy | None = None,
        durable: bool = False,
        timeout: float = 60.0,
        read_only: bool = False,
    ) -> None:
        self.url = parse_url(url) if not isinstance(url, Path) else StoreURL("sqlite", str(url))
        self.path = Path(self.url.target) if self.url.is_sqlite else None
        self.masking = masking
        self.read_only = read_only
        self._lock_fd: int | None = None
        self._timeout = timeout
        where = self.url.redacted()
        if read_only and self.path is not None and not self.path.is_file():
            raise LogError(_("no decision log at {where}").format(where=where), "log.missing")
        try:
            self._engine: Engine = open_store(
                self.url,
                LOG_STORE,
                read_only=read_only,
                timeout=timeout,
                durable=durable,
                wal_autocheckpoint=10000,
            )
        except StorageError as exc:
            code = "log.not_a_log" if exc.code in ("storage.foreign", "storage.too_new") else "log.unreadable"
            raise LogError(
                _("cannot open the decision log {where}: {message}").format(where=where, message=exc.message),
                code,
                exc.hint,
            ) from None
        try:
            if not read_only:
                self._create()
        except self._engine.errors as exc:
            self._engine.close()
            raise LogError(
                _("cannot open the decision log {where}: {exc}").format(where=where, exc=exc),
                "log.unreadable",
            ) from None

    def _create(self) -> None:
        engine = self._engine
        if isinstance(engine, SQLiteEngine) and engine.path != ":memory:" and engine.journal_mode() != "wal":
            raise LogError(
                _("{url}: cannot switch the decision log to WAL mode").format(url=self.url), "log.unreadable"
            )
        if engine.scalar("SELECT value FROM log_meta WHERE key = 'log_id'") is None:
            with engine.transaction():
                engine.execute(
                    "INSERT INTO log_meta (key, value) VALUES ('log_id', ?) ON CONFLICT (key) DO NOTHING",
                    (str(uuid.uuid4()),),
                )

    @property
    def engine(self) -> Engine:
        """The storage engine under the log (for tools and tests)."""
        return self._engine

    @property
    def log_id(self) -> str | None:
        """The log's random id, named in its checkpoints (None for a log from before version 2)."""
        value = self._engine.scalar("SELECT value FROM log_meta WHERE key = 'log_id'")
        return None if value is None else str(value)

    # -- context manager -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection."""
        self._engine.close()
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

    def append(self, record: Any, *, key: str | None = None) -> LogEntry:
        """Append one record (a pydantic model, plain data, or canonical JSON bytes).

        Args:
            record: the record.
            key: its idempotency key (default: its ``decision_id``). A record whose key is already
                in the log is not stored again: the stored entry is returned.

        Returns:
            The stored entry, with its sequence number and digest.

        Raises:
            LogError: the write failed (nothing was stored), or ``log.duplicate_key``: the key is
                in the log with other content.
        """
        return self.extend([record], keys=None if key is None else [key])[0]

    def extend(
        self, records: Iterable[Any], *, keys: Sequence[str | None] | None = None
    ) -> builtins.list[LogEntry]:
        """Append several records in one transaction (all of them, or none on failure).

        Args:
            records: the records.
            keys: their idempotency keys (default: each record's ``decision_id``, if it has one).

        Raises:
            LogError: the write failed (nothing was stored), or a key is in the log (or twice in
                ``records``) with other content (``log.duplicate_key``).
        """
        items = builtins.list(records)
        if keys is not None and len(keys) != len(items):
            raise LogError(_("one idempotency key per record is needed"), "log.bad_key")
        bodies = [self._body(r) for r in items]
        idem = builtins.list(keys) if keys is not None else [_decision_id(r) for r in items]
        if self.read_only:
            raise LogError(
                _("the decision log {url} was opened read-only").format(url=self.url), "log.read_only"
            )
        with self._writer_lock():
            try:
                return self._engine.retrying(lambda: self._insert(bodies, idem))
            except self._engine.errors as exc:
                raise LogError(
                    _("cannot append to the decision log {url}: {exc}").format(url=self.url, exc=exc),
                    "log.write",
                ) from None

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
        """An OS file lock around each SQLite write, where there is one (POSIX).

        SQLite's own busy handler sleeps up to 100 ms between retries, so writers contending
        for its lock would mostly sleep; polling ``flock`` every half millisecond does not.
        The kernel releases the lock when a writer dies. SQLite's lock stays the authority.
        PostgreSQL writers queue on the head row's lock instead.
        """
        if fcntl is None or self.path is None or self.url.target == ":memory:":
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
                    raise LogError(
                        _("the decision log {path} stayed locked by another writer").format(path=self.path),
                        "log.locked",
                    ) from None
                time.sleep(0.0005)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _insert(
        self, bodies: builtins.list[bytes], keys: builtins.list[str | None]
    ) -> builtins.list[LogEntry]:
        db = self._engine
        with db.transaction(write=True):
            db.execute("SELECT seq FROM head WHERE id = 1" + db.for_update).fetchone()
            known = self._known(keys)
            row = db.execute("SELECT seq, digest FROM records ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (int(row[0]), str(row[1])) if row else (0, GENESIS)
            out: builtins.list[LogEntry] = []
            new: builtins.list[tuple[LogEntry, str | None]] = []
            for body, key in zip(bodies, keys, strict=True):
                if key is not None and key in known:
                    stored = known[key]
                    if stored.body != body:
                        raise LogError(
                            _(
                                "decision `{key}` is already in the log as record {seq} with other content"
                            ).format(key=key, seq=stored.seq),
                            "log.duplicate_key",
                            _("a retried append must send the same record; a new decision needs a new id"),
                        )
                    out.append(stored)
                    continue
                seq += 1
                entry = LogEntry(seq, prev, link_digest(seq, prev, body), body)
                out.append(entry)
                new.append((entry, key))
                if key is not None:
                    known[key] = entry
                prev = entry.digest
            if new:
                db.executemany(
                    "INSERT INTO records (seq, prev, digest, body, idem_key) VALUES (?, ?, ?, ?, ?)",
                    [(e.seq, e.prev, e.digest, e.body, k) for e, k in new],
                )
                db.execute(
                    "INSERT INTO head (id, seq, digest) VALUES (1, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, digest = excluded.digest",
                    (new[-1][0].seq, new[-1][0].digest),
                )
        return out

    def _known(self, keys: builtins.list[str | None]) -> dict[str, LogEntry]:
        wanted = sorted({k for k in keys if k is not None})
        found: dict[str, LogEntry] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self._engine.execute(
                f"SELECT seq, prev, digest, body, idem_key FROM records WHERE idem_key IN ({marks})", chunk
            )
            for seq, prev, digest, body, key in rows:
                found[str(key)] = LogEntry(int(seq), str(prev), str(digest), _bytes(body))
        return found

    # -- reading -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return int(self._engine.scalar("SELECT count(*) FROM records"))

    def __iter__(self) -> Iterator[LogEntry]:
        return self.iter()

    def iter(self, start: int = 1) -> Iterator[LogEntry]:
        """The records from sequence number ``start`` on, in order (read a page at a time)."""
        after = start - 1
        while True:
            rows = self._engine.execute(
                "SELECT seq, prev, digest, body FROM records WHERE seq > ? ORDER BY seq LIMIT ?",
                (after, _PAGE),
            ).fetchall()
            for seq, prev, dig, body in rows:
                yield LogEntry(int(seq), str(prev), str(dig), _bytes(body))
            if len(rows) < _PAGE:
                return
            after = int(rows[-1][0])

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
            LogError: ``log.no_record``: there is no such record.
        """
        row = self._engine.execute(
            "SELECT seq, prev, digest, body FROM records WHERE seq = ?", (seq,)
        ).fetchone()
        if row is None:
            raise LogError(
                _("the decision log {url} has no record {seq}").format(url=self.url, seq=seq), "log.no_record"
            )
        return LogEntry(int(row[0]), str(row[1]), str(row[2]), _bytes(row[3]))

    def head(self) -> tuple[int, str]:
        """The sequence number and digest of the last record ((0, GENESIS) when empty)."""
        row = self._engine.execute("SELECT seq, digest FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    # -- checkpoints and backups ---------------------------------------------------------------

    def checkpoint(
        self, private: Ed25519PrivateKey, *, clock: Callable[[], dt.datetime] | None = None
    ) -> Checkpoint:
        """Sign the current head, to be stored somewhere else than the log.

        Raises:
            LogError: ``log.empty`` (nothing to sign) or ``log.no_id`` (a log never opened for
                writing by this version).
        """
        seq, digest = self.head()
        if seq == 0:
            raise LogError(
                _("the decision log {url} is empty: there is no head to sign").format(url=self.url),
                "log.empty",
            )
        log_id = self.log_id
        if log_id is None:
            raise LogError(
                _("the decision log {url} has no id").format(url=self.url),
                "log.no_id",
                _("open it for writing once to upgrade"),
            )
        now = (clock or (lambda: dt.datetime.now(dt.UTC)))()
        return sign_checkpoint(log_id, seq, digest, private, made_at=now.isoformat(timespec="seconds"))

    def backup(self, destination: Path) -> int:
        """Copy the log to a new SQLite file, consistently, while writers go on.

        A SQLite log is copied with SQLite's online backup API, which includes what is still in
        the write-ahead log (copying the ``.db`` file alone can lose acknowledged records). A
        PostgreSQL log is copied record by record from one snapshot into a SQLite log file
        (``pg_dump`` remains the tool for the whole database).

        Returns:
            The number of records copied.

        Raises:
            LogError: ``log.backup_exists`` when ``destination`` exists (nothing is overwritten).
        """
        if destination.exists():
            raise LogError(
                _("{destination} exists: a backup never overwrites a file").format(destination=destination),
                "log.backup_exists",
            )
        engine = self._engine
        if isinstance(engine, SQLiteEngine):
            import sqlite3

            target = sqlite3.connect(destination)
            try:
                engine.connection.backup(target)
            finally:
                target.close()
            with DecisionLog(destination, read_only=True) as copy:
                return len(copy)
        copied = 0
        with DecisionLog(destination) as copy, engine.transaction(write=False):
            log_id = self.log_id
            target_engine = copy._engine
            with target_engine.transaction():
                if log_id is not None:
                    target_engine.execute("UPDATE log_meta SET value = ? WHERE key = 'log_id'", (log_id,))
                rows = engine.execute(
                    "SELECT seq, prev, digest, body, idem_key FROM records ORDER BY seq"
                ).fetchall()
                target_engine.executemany(
                    "INSERT INTO records (seq, prev, digest, body, idem_key) VALUES (?, ?, ?, ?, ?)",
                    [(int(r[0]), r[1], r[2], _bytes(r[3]), r[4]) for r in rows],
                )
                head = engine.execute("SELECT seq, digest FROM head WHERE id = 1").fetchone()
                if head is not None:
                    target_engine.execute("UPDATE head SET seq = ?, digest = ? WHERE id = 1", tuple(head))
                copied = len(rows)
        return copied

    # -- verifying -----------------------------------------------------------------------------

    def verify(
        self,
        anchors: Mapping[int, str] | None = None,
        *,
        checkpoints: Iterable[Checkpoint] = (),
        public_key: Ed25519PublicKey | None = None,
    ) -> Verification:
        """Recompute the chain and report the first bad record.

        Args:
            anchors: sequence number -> digest pairs published outside the log (e.g. a daily
                head sent to the bureau); each must still be in the chain.
            checkpoints: signed checkpoints of this log; each signature is checked with
                ``public_key`` and each then holds as an anchor.
            public_key: the key the checkpoints were signed with (needed when any is given).

        Returns:
            The verification; an empty log is not ``ok`` (problem code ``empty``).

        Raises:
            LogError: ``log.bad_anchor`` (an anchor that cannot be checked) or ``log.bad_checkpoint``
                (a checkpoint that is not signed by the key, or is for another log).
        """
        pinned = check_anchors(dict(anchors or {}))
        given = builtins.list(checkpoints)
        if given:
            if public_key is None:
                raise LogError(
                    _("checkpoints are given without the public key to check them"), "log.bad_checkpoint"
                )
            log_id = self.log_id
            for cp in given:
                try:
                    cp.check(public_key)
                except CheckpointError as exc:
                    raise LogError(exc.message, "log.bad_checkpoint") from None
                if cp.log_id != log_id:
                    raise LogError(
                        _(
                            "the checkpoint of record {seq} is for log `{log_id}`, not this log (`{log_id2}`)"
                        ).format(seq=cp.seq, log_id=cp.log_id, log_id2=log_id),
                        "log.bad_checkpoint",
                        _("a log replaced by another one, or the wrong checkpoint file"),
                    )
                if pinned.get(cp.seq, cp.digest) != cp.digest:
                    raise LogError(
                        _("two different digests are given for record {seq}").format(seq=cp.seq),
                        "log.bad_anchor",
                    )
                pinned[cp.seq] = cp.digest
        try:
            with self._engine.transaction(write=False):  # one consistent snapshot while writers go on
                result = self._walk(pinned)
        except self._engine.errors as exc:
            return Verification(
                False,
                0,
                GENESIS,
                LogProblem(1, "unreadable", f"the database cannot be read: {exc}"),
                len(pinned),
            )
        return result

    def _walk(self, anchors: dict[int, str]) -> Verification:
        expected_seq, prev, count = 1, GENESIS, 0
        checked = len(anchors)
        try:
            for entry in self._raw_rows():
                seq, stored_prev, stored, body = entry
                problem = _check(seq, expected_seq, prev, stored_prev, stored, body)
                if problem is None and seq in anchors and anchors[seq] != stored:
                    problem = LogProblem(seq, "edited", f"its digest differs from the anchor {anchors[seq]}")
                if problem is not None:
                    return Verification(False, count, prev, problem, checked)
                count += 1
                expected_seq, prev = seq + 1, stored
            head = self._engine.execute("SELECT seq, digest FROM head WHERE id = 1").fetchone()
        except self._engine.errors as exc:
            return Verification(
                False,
                count,
                prev,
                LogProblem(expected_seq, "unreadable", f"the database cannot be read: {exc}"),
                checked,
            )
        last = expected_seq - 1
        beyond = sorted(s for s in anchors if s > last)
        if beyond:
            message = (
                f"an anchor or checkpoint names record {beyond[0]} but the log ends at record {last}: "
                "records were cut off, or the log was rolled back to an older copy"
            )
            return Verification(False, count, prev, LogProblem(last + 1, "truncated", message), checked)
        if head is not None and (int(head[0]), str(head[1])) != (last, prev):
            if int(head[0]) > last:
                message = f"the log ends at record {last} but its head says {head[0]}: records were cut off"
                return Verification(False, count, prev, LogProblem(last + 1, "truncated", message), checked)
            message = f"the head ({head[0]}, {head[1]}) does not match the last record ({last}, {prev})"
            return Verification(
                False, count, prev, LogProblem(min(int(head[0]), last) or 1, "edited", message), checked
            )
        if head is None and count:
            return Verification(
                False, count, prev, LogProblem(last, "edited", "the head of the log is missing"), checked
            )
        if count == 0:
            return Verification(
                False, 0, GENESIS, LogProblem(0, "empty", "the log holds no records"), checked
            )
        return Verification(True, count, prev, None, checked)

    def _raw_rows(self) -> Iterator[tuple[int, str, str, bytes]]:
        after = None
        while True:
            if after is None:
                cursor = self._engine.execute(
                    "SELECT seq, prev, digest, body FROM records ORDER BY seq LIMIT ?", (_PAGE,)
                )
            else:
                cursor = self._engine.execute(
                    "SELECT seq, prev, digest, body FROM records WHERE seq > ? ORDER BY seq LIMIT ?",
                    (after, _PAGE),
                )
            rows = cursor.fetchall()
            for seq, prev, digest, body in rows:
                yield _int(seq), _text(prev), _text(digest), _bytes(body)
            if len(rows) < _PAGE:
                return
            after = rows[-1][0]


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
    if link_digest(seq, stored_prev, body) != stored:
        return LogProblem(seq, "edited", "its digest does not match its content: the record was changed")
    return None


def _int(value: Any) -> int:
    """A stored sequence number (a tamperer may have stored text in SQLite's loose columns)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)


def _bytes(value: Any) -> bytes:
    """A stored body as bytes (a tamperer may have stored text, or another type)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode("utf-8")


def _decision_id(record: Any) -> str | None:
    """A record's idempotency key: its ``decision_id`` when it has one."""
    if isinstance(record, bytes):
        try:
            record = json.loads(record)
        except (ValueError, RecursionError):
            return None
    value = record.get("decision_id") if isinstance(record, Mapping) else getattr(record, "decision_id", None)
    return value if isinstance(value, str) and value else None


def _as_mapping(record: Any) -> Mapping[str, Any]:
    data = json.loads(canonical_json(record))
    if not isinstance(data, dict):
        raise LogError(_("only records that are JSON objects can be masked"), "log.bad_record")
    return data
