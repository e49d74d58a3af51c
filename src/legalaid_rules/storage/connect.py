"""Open a store by URL: the one entry point of the storage package."""

from __future__ import annotations

from pathlib import Path

from legalaid_rules.storage.engine import Engine
from legalaid_rules.storage.postgres import PostgresEngine
from legalaid_rules.storage.sqlite import SQLiteEngine
from legalaid_rules.storage.urls import StoreURL, parse_url

__all__ = ["open_engine"]


def open_engine(
    url: str | Path | StoreURL,
    *,
    read_only: bool = False,
    timeout: float = 60.0,
    durable: bool = False,
    wal_autocheckpoint: int | None = None,
) -> Engine:
    """Connect to the store a URL names.

    Args:
        url: ``sqlite:///path`` or a plain path (SQLite), or ``postgresql://...``.
        read_only: open without the right to write (SQLite ``mode=ro``; a PostgreSQL session
            whose transactions are read-only). Nothing is created or changed.
        timeout: seconds to wait for a lock (another writer) before giving up.
        durable: SQLite ``synchronous=FULL`` (survives power loss); PostgreSQL always is.
        wal_autocheckpoint: SQLite WAL pages between automatic checkpoints (None: SQLite's).

    Raises:
        StorageURLError: the URL names no engine.
        StorageUnavailableError: the PostgreSQL driver is not installed.
        StorageConnectError: the file or server cannot be opened.
    """
    parsed = parse_url(url)
    if parsed.is_sqlite:
        return SQLiteEngine(
            parsed,
            read_only=read_only,
            timeout=timeout,
            durable=durable,
            wal_autocheckpoint=wal_autocheckpoint,
        )
    return PostgresEngine(parsed, read_only=read_only, timeout=timeout)
