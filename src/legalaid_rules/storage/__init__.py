"""Storage engines shared by the decision log and the case-load ledger.

A store is named by a URL: ``sqlite:///path`` (the embedded default; a plain path is accepted)
or ``postgresql://user@host/database`` (psycopg 3, the ``postgres`` extra). Both engines give the
same behaviour: writers serialised (SQLite's write lock; PostgreSQL row and advisory locks),
consistent read snapshots, versioned schemas in a ``schema_migrations`` table.

>>> engine = open_engine("sqlite:///:memory:")
>>> engine.dialect, engine.scalar("SELECT 1 + 1")
('sqlite', 2)
>>> engine.close()
"""

from legalaid_rules.storage.connect import open_engine
from legalaid_rules.storage.engine import Cursor, Engine
from legalaid_rules.storage.errors import (
    StorageConnectError,
    StorageError,
    StorageSchemaError,
    StorageUnavailableError,
    StorageURLError,
)
from legalaid_rules.storage.migrations import (
    Migration,
    StoreKind,
    check_store,
    migrate,
    open_store,
    schema_version,
)
from legalaid_rules.storage.urls import StoreURL, parse_url

__all__ = [
    "Cursor",
    "Engine",
    "Migration",
    "StorageConnectError",
    "StorageError",
    "StorageSchemaError",
    "StorageURLError",
    "StorageUnavailableError",
    "StoreKind",
    "StoreURL",
    "check_store",
    "migrate",
    "open_engine",
    "open_store",
    "parse_url",
    "schema_version",
]
