"""The server engine: PostgreSQL through psycopg 3, for several offices or service replicas.

:func:`connect_postgres` is the one place where a PostgreSQL connection is opened: autocommit
(the stores issue ``BEGIN`` themselves), a ``lock_timeout`` so a writer waiting for a row lock
gives up after ``timeout`` seconds instead of hanging, and read-only sessions for checking. Writers
are serialised by row locks (``SELECT ... FOR UPDATE`` on the lawyer, on the log's head row) taken
inside READ COMMITTED transactions, so every statement after the lock sees what the previous
holder committed. psycopg is imported only when a ``postgresql://`` URL is opened: it is the
``postgres`` extra.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from legalaid_rules.i18n import _
from legalaid_rules.storage.engine import Cursor, Engine
from legalaid_rules.storage.errors import StorageConnectError, StorageUnavailableError
from legalaid_rules.storage.urls import StoreURL

__all__ = ["PostgresEngine", "connect_postgres"]

# SQLSTATEs worth running the same transaction again for
_TRANSIENT = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def _psycopg() -> ModuleType:
    try:
        return importlib.import_module("psycopg")
    except ImportError:
        raise StorageUnavailableError(
            "storage.driver_missing",
            _("PostgreSQL storage needs the psycopg driver, which is not installed"),
            _('pip install "legalaid-rules[postgres]"'),
        ) from None


def connect_postgres(url: StoreURL, *, read_only: bool = False, timeout: float = 60.0) -> Any:
    """Open a psycopg connection configured for the stores.

    Args:
        url: a ``postgresql://`` URL.
        read_only: every transaction of the session is read-only.
        timeout: seconds to wait for a lock (and for the connection) before giving up.

    Returns:
        A ``psycopg.Connection`` in autocommit mode.

    Raises:
        StorageUnavailableError: psycopg is not installed.
        StorageConnectError: the server cannot be reached or refuses the connection.
    """
    psycopg = _psycopg()
    try:
        con = psycopg.connect(url.target, autocommit=True, connect_timeout=max(1, int(timeout)))
        con.execute(f"SET lock_timeout = {int(timeout * 1000)}")
        con.execute("SET client_min_messages = warning")
        if read_only:
            con.execute("SET default_transaction_read_only = on")
        return con
    except psycopg.Error as exc:
        raise StorageConnectError(
            "storage.connect",
            _("cannot connect to `{redacted}`: {value}").format(
                redacted=url.redacted(), value=str(exc).strip()
            ),
            _("check the URL, that the server runs and that the database exists"),
        ) from None


class PostgresEngine(Engine):
    """A store in a PostgreSQL database (see :func:`connect_postgres`)."""

    dialect = "postgresql"

    def __init__(self, url: StoreURL, *, read_only: bool = False, timeout: float = 60.0) -> None:
        super().__init__(url, read_only=read_only)
        psycopg = _psycopg()
        self.errors = (psycopg.Error,)
        self.integrity_errors = (psycopg.IntegrityError,)
        self.connection = connect_postgres(url, read_only=read_only, timeout=timeout)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        cursor: Cursor = self.connection.execute(sql.replace("?", "%s"), params or None)
        return cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.connection.cursor() as cur:
            cur.executemany(sql.replace("?", "%s"), rows)

    def tables(self) -> set[str]:
        rows = self.connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        return {str(r[0]) for r in rows}

    def _begin(self, write: bool) -> None:
        if write and not self.read_only:
            self.connection.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        else:
            self.connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _end(self, commit: bool) -> None:
        if self.connection.info.transaction_status != 0:  # not IDLE
            self.connection.execute("COMMIT" if commit else "ROLLBACK")

    @property
    def for_update(self) -> str:
        return " FOR UPDATE"

    def advisory_lock(self, key: int) -> None:
        self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (key,))

    def is_transient(self, exc: BaseException) -> bool:
        return getattr(exc, "sqlstate", None) in _TRANSIENT

    def close(self) -> None:
        self.connection.close()
