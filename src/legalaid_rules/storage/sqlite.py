"""The embedded engine: one SQLite file in WAL mode, shared helper for the log and the ledger.

:func:`connect_sqlite` is the one place where a SQLite connection is opened and configured:
autocommit (the stores issue ``BEGIN IMMEDIATE`` themselves), a busy timeout so writers queue
instead of failing, WAL so readers never block the writer, foreign keys on, and
``synchronous=NORMAL`` (survives any process crash; ``FULL`` with ``durable=True`` survives power
loss too). A read-only connection is opened with the ``mode=ro`` URI: it cannot create, migrate
or change anything in the file.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from legalaid_rules.i18n import _
from legalaid_rules.storage.engine import Cursor, Engine
from legalaid_rules.storage.errors import StorageConnectError
from legalaid_rules.storage.urls import StoreURL

__all__ = ["SQLiteEngine", "connect_sqlite"]


def connect_sqlite(
    path: str,
    *,
    read_only: bool = False,
    timeout: float = 60.0,
    durable: bool = False,
    wal_autocheckpoint: int | None = None,
) -> sqlite3.Connection:
    """Open a SQLite file configured for the stores.

    Args:
        path: the file, or ``:memory:``.
        read_only: open with ``mode=ro``: no file is created and nothing is written.
        timeout: seconds to wait for another writer's lock.
        durable: ``synchronous=FULL`` instead of ``NORMAL``.
        wal_autocheckpoint: WAL pages between automatic checkpoints (None: SQLite's 1,000).

    Raises:
        StorageConnectError: the file cannot be opened (missing when read-only, not a database,
            no permission).
    """
    try:
        if read_only:
            con = sqlite3.connect(
                f"file:{quote(path)}?mode=ro", uri=True, timeout=timeout, isolation_level=None
            )
            con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            con.execute("PRAGMA query_only = ON")
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()  # fails now if not a database
            return con
        con = sqlite3.connect(path, timeout=timeout, isolation_level=None)
        con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        deadline = time.monotonic() + timeout
        while True:  # a fresh file: another process may hold the lock while it switches to WAL
            try:
                con.execute("PRAGMA journal_mode = WAL").fetchone()
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        con.execute(f"PRAGMA synchronous = {'FULL' if durable else 'NORMAL'}")
        con.execute("PRAGMA foreign_keys = ON")
        if wal_autocheckpoint is not None:
            con.execute(f"PRAGMA wal_autocheckpoint = {int(wal_autocheckpoint)}")
        return con
    except sqlite3.DatabaseError as exc:
        raise StorageConnectError(
            "storage.connect",
            _("cannot open the SQLite file `{path}`: {exc}").format(path=path, exc=exc),
            _hint(exc, read_only),
        ) from None


def _hint(exc: sqlite3.DatabaseError, read_only: bool) -> str | None:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return _("the file is not a SQLite database, or it is damaged")
    if read_only and "unable to open" in text:
        return _("check the path: nothing is created when opening read-only")
    return None


class SQLiteEngine(Engine):
    """A store in one SQLite file (see :func:`connect_sqlite`)."""

    dialect = "sqlite"
    errors = (sqlite3.DatabaseError,)
    integrity_errors = (sqlite3.IntegrityError,)

    def __init__(
        self,
        url: StoreURL,
        *,
        read_only: bool = False,
        timeout: float = 60.0,
        durable: bool = False,
        wal_autocheckpoint: int | None = None,
    ) -> None:
        super().__init__(url, read_only=read_only)
        self.path = url.target
        self.connection = connect_sqlite(
            url.target,
            read_only=read_only,
            timeout=timeout,
            durable=durable,
            wal_autocheckpoint=wal_autocheckpoint,
        )

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.connection.executemany(sql, rows)

    def tables(self) -> set[str]:
        rows = self.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {str(r[0]) for r in rows}

    def _begin(self, write: bool) -> None:
        self.connection.execute("BEGIN IMMEDIATE" if write and not self.read_only else "BEGIN")

    def _end(self, commit: bool) -> None:
        if self.connection.in_transaction:
            self.connection.execute("COMMIT" if commit else "ROLLBACK")

    @property
    def application_id(self) -> int:
        """The file's ``PRAGMA application_id`` (0 when never set)."""
        return int(self.connection.execute("PRAGMA application_id").fetchone()[0])

    def journal_mode(self) -> str:
        """The file's journal mode (``wal`` for the stores' files, ``memory`` for ``:memory:``)."""
        return str(self.connection.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    def close(self) -> None:
        self.connection.close()
