"""Versioned schema migrations: a small ``schema_migrations`` table per store.

Each store (``log``, ``ledger``) has an ordered list of :class:`Migration` steps, each with the
statements for SQLite and for PostgreSQL. :func:`migrate` applies the missing steps in one write
transaction (serialised between processes: SQLite's write lock, a PostgreSQL advisory lock) and
records each in ``schema_migrations (component, version, description, applied_at)``.

On SQLite a store's file also carries its kind in ``PRAGMA application_id``, so a decision log
is never mistaken for a ledger or for somebody else's database. A file written before the
migration table existed (version 1 tables, application id 0) is adopted: its version-1 statements
are all ``IF NOT EXISTS`` and change nothing.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from pathlib import Path

from legalaid_rules.i18n import _
from legalaid_rules.storage.connect import open_engine
from legalaid_rules.storage.engine import Engine
from legalaid_rules.storage.errors import StorageSchemaError
from legalaid_rules.storage.sqlite import SQLiteEngine
from legalaid_rules.storage.urls import StoreURL

__all__ = [
    "MIGRATIONS_TABLE",
    "Migration",
    "StoreKind",
    "check_store",
    "migrate",
    "open_store",
    "schema_version",
]

MIGRATIONS_TABLE = "schema_migrations"

_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} ("
    " component TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL,"
    " applied_at TEXT NOT NULL, PRIMARY KEY (component, version))"
)


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step of a store.

    Attributes:
        version: 1, 2, 3 ... in order.
        description: what the step does, kept in the migrations table.
        sqlite: the statements for SQLite.
        postgresql: the statements for PostgreSQL.
    """

    version: int
    description: str
    sqlite: tuple[str, ...]
    postgresql: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoreKind:
    """What a store is: its component name, SQLite application id, a table only it has, and its steps.

    Attributes:
        component: ``log`` or ``ledger`` (the key in the migrations table).
        label: how messages name it (``decision log``).
        application_id: the SQLite ``PRAGMA application_id`` of its files.
        marker: a table every version of the store has (to adopt files from before migrations).
        migrations: the steps, in version order.
    """

    component: str
    label: str
    application_id: int
    marker: str
    migrations: tuple[Migration, ...]

    @property
    def version(self) -> int:
        """The schema version this library writes."""
        return self.migrations[-1].version


def schema_version(engine: Engine, component: str) -> int:
    """The highest migration applied for ``component`` (0 when none, or no migrations table)."""
    if MIGRATIONS_TABLE not in engine.tables():
        return 0
    value = engine.scalar(f"SELECT MAX(version) FROM {MIGRATIONS_TABLE} WHERE component = ?", (component,))
    return int(value or 0)


def check_store(engine: Engine, kind: StoreKind) -> int:
    """Check, without writing, that the store is a ``kind`` this library can read.

    Returns:
        Its schema version.

    Raises:
        StorageSchemaError: ``storage.foreign`` (another kind of file or database, or an empty
            one) or ``storage.too_new`` (written by a newer library).
    """
    where = engine.url.redacted()
    if isinstance(engine, SQLiteEngine) and engine.application_id != kind.application_id:
        found = engine.application_id
        raise StorageSchemaError(
            "storage.foreign",
            (
                _("`{where}` is not a {label} (its SQLite application id is {found})")
                if found
                else _("`{where}` is not a {label} (it has no application id)")
            ).format(where=where, label=_(kind.label), found=f"{found:#x}"),
            _(
                "a {label} written before schema versions were recorded is upgraded "
                "by opening it for writing once"
            ).format(label=_(kind.label))
            if found == 0 and kind.marker in engine.tables()
            else None,
        )
    version = schema_version(engine, kind.component)
    if version == 0:
        raise StorageSchemaError(
            "storage.foreign", _("`{where}` holds no {label}").format(where=where, label=_(kind.label))
        )
    if version > kind.version:
        raise StorageSchemaError(
            "storage.too_new",
            _("`{where}` has {label} schema version {version}; this library knows up to {version2}").format(
                where=where, label=_(kind.label), version=version, version2=kind.version
            ),
            _("upgrade legalaid-rules"),
        )
    return version


def migrate(engine: Engine, kind: StoreKind) -> int:
    """Bring the store up to the library's schema version (creating it when empty).

    Returns:
        The schema version now in the store.

    Raises:
        StorageSchemaError: the store is another kind of file or database, or is newer.
    """
    lock = zlib.crc32(f"legalaid-rules/{kind.component}".encode())
    with engine.transaction(write=True):
        engine.advisory_lock(lock)
        if isinstance(engine, SQLiteEngine) and _foreign(engine, kind):
            raise StorageSchemaError(
                "storage.foreign",
                _("`{redacted}` is not a {label}: it holds other data").format(
                    redacted=engine.url.redacted(), label=_(kind.label)
                ),
                _("give the path of a new file or of an existing one"),
            )
        engine.execute(_CREATE)
        current = schema_version(engine, kind.component)
        if current > kind.version:
            raise StorageSchemaError(
                "storage.too_new",
                _(
                    "`{redacted}` has {label} schema version {current}; this library knows up to {version}"
                ).format(
                    redacted=engine.url.redacted(), label=_(kind.label), current=current, version=kind.version
                ),
                _("upgrade legalaid-rules"),
            )
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for step in kind.migrations:
            if step.version <= current:
                continue
            for statement in step.sqlite if engine.dialect == "sqlite" else step.postgresql:
                engine.execute(statement)
            engine.execute(
                f"INSERT INTO {MIGRATIONS_TABLE} (component, version, description, applied_at) "
                "VALUES (?, ?, ?, ?)",
                (kind.component, step.version, step.description, now),
            )
        if isinstance(engine, SQLiteEngine) and engine.application_id != kind.application_id:
            engine.execute(f"PRAGMA application_id = {int(kind.application_id)}")
        return max(current, kind.version)


def _foreign(engine: SQLiteEngine, kind: StoreKind) -> bool:
    found = engine.application_id
    if found == kind.application_id:
        return False
    tables = engine.tables()
    return found != 0 or (bool(tables) and kind.marker not in tables)


def _current(engine: Engine, kind: StoreKind) -> bool:
    """Whether the store is already at this library's version (a read, no lock: the common case)."""
    if isinstance(engine, SQLiteEngine) and engine.application_id != kind.application_id:
        return False
    try:
        return schema_version(engine, kind.component) == kind.version
    except engine.errors:
        return False


def open_store(
    url: StoreURL,
    kind: StoreKind,
    *,
    read_only: bool = False,
    timeout: float = 60.0,
    durable: bool = False,
    wal_autocheckpoint: int | None = None,
) -> Engine:
    """Open a store of ``kind``: checked (read-only) or created and migrated (read-write).

    An existing SQLite file is first looked at read-only, so a file that holds something else
    is refused before anything (not even its journal mode) is changed.

    Raises:
        StorageSchemaError: another kind of store (``storage.foreign``), or a newer one.
        StorageConnectError: the file or server cannot be opened.
    """
    if url.is_sqlite and not read_only and url.target != ":memory:":
        path = Path(url.target)
        if path.is_file() and path.stat().st_size > 0:
            probe = open_engine(url, read_only=True, timeout=timeout)
            try:
                if isinstance(probe, SQLiteEngine) and _foreign(probe, kind):
                    raise StorageSchemaError(
                        "storage.foreign",
                        _("`{redacted}` is not a {label}: it holds other data").format(
                            redacted=url.redacted(), label=_(kind.label)
                        ),
                        _("give the path of a new file or of an existing one"),
                    )
            finally:
                probe.close()
    engine = open_engine(
        url, read_only=read_only, timeout=timeout, durable=durable, wal_autocheckpoint=wal_autocheckpoint
    )
    try:
        if read_only:
            check_store(engine, kind)
        elif not _current(engine, kind):
            migrate(engine, kind)
    except BaseException:
        engine.close()
        raise
    return engine
