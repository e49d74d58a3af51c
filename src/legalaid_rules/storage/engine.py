"""The engine interface the decision log and the case-load ledger are written against.

An :class:`Engine` owns one connection (one per thread or process) and offers the few things
both stores need: statements with ``?`` placeholders, a *write* transaction that serialises
writers, a read *snapshot*, row locks (``FOR UPDATE`` where the engine has them) and a retry
for the transient failures of a busy server.
:func:`~legalaid_rules.storage.connect.open_engine` picks the engine from a URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from legalaid_rules.storage.urls import Dialect, StoreURL

__all__ = ["Cursor", "Engine"]

T = TypeVar("T")


class Cursor(Protocol):
    """The part of a DB-API cursor the stores use (sqlite3 and psycopg both have it)."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def close(self) -> None: ...


class Engine:
    """One connection to a store, with the operations the log and the ledger share.

    Subclasses: :class:`~legalaid_rules.storage.sqlite.SQLiteEngine` and
    :class:`~legalaid_rules.storage.postgres.PostgresEngine`.

    Attributes:
        url: where the store lives.
        dialect: ``sqlite`` or ``postgresql``.
        errors: the driver's database error classes, to catch around a statement.
        integrity_errors: the driver's constraint-violation classes.
        read_only: whether this connection refuses writes.
    """

    dialect: Dialect
    errors: tuple[type[Exception], ...]
    integrity_errors: tuple[type[Exception], ...]

    def __init__(self, url: StoreURL, *, read_only: bool) -> None:
        self.url = url
        self.read_only = read_only
        self._depth = 0

    # -- statements ----------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one statement (``?`` placeholders) and return its cursor."""
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        raise NotImplementedError

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None when there is no row."""
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def tables(self) -> set[str]:
        """The names of the tables in the store (the current schema on PostgreSQL)."""
        raise NotImplementedError

    # -- transactions --------------------------------------------------------------------------

    def _begin(self, write: bool) -> None:
        raise NotImplementedError

    def _end(self, commit: bool) -> None:
        raise NotImplementedError

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Engine]:
        """One transaction: committed when the block ends, rolled back when it raises.

        A write transaction serialises writers: SQLite takes its database write lock at the start
        (``BEGIN IMMEDIATE``); PostgreSQL runs at READ COMMITTED and the caller locks the rows it
        counts on with :attr:`for_update` or :meth:`advisory_lock`. A read transaction is one
        consistent snapshot. Nested calls join the outer transaction.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._begin(write)
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self._end(commit=False)
            raise
        self._depth = 0
        self._end(commit=True)

    @property
    def for_update(self) -> str:
        """``" FOR UPDATE"`` where a SELECT can lock its rows (PostgreSQL), else ``""`` (SQLite's
        write transaction already holds the whole database)."""
        return ""

    def advisory_lock(self, key: int) -> None:
        """Hold a lock named by ``key`` until the transaction ends (PostgreSQL; SQLite's write
        transaction already excludes every other writer)."""

    def is_transient(self, exc: BaseException) -> bool:
        """Whether ``exc`` is a failure that the same transaction, run again, may not meet (a
        deadlock or a serialisation failure on PostgreSQL)."""
        return False

    def retrying(self, work: Callable[[], T], *, attempts: int = 8) -> T:
        """Run ``work`` (which opens its own transaction), again after a transient failure.

        Args:
            work: the transaction to run.
            attempts: how many times at most.
        """
        for attempt in range(1, attempts + 1):
            try:
                return work()
            except Exception as exc:
                if attempt == attempts or not self.is_transient(exc):
                    raise
                time.sleep(0.001 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the connection."""
        raise NotImplementedError
