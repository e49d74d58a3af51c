"""The storage engines: URLs, connections, transactions and migrations on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from legalaid_rules.storage import (
    Migration,
    StorageConnectError,
    StorageSchemaError,
    StorageURLError,
    StoreKind,
    check_store,
    migrate,
    open_engine,
    parse_url,
    schema_version,
)

KIND = StoreKind(
    component="demo",
    label="demo store",
    application_id=0x44454D4F,
    marker="items",
    migrations=(
        Migration(
            1,
            "items",
            ("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, n INTEGER)",),
            ("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, n INTEGER)",),
        ),
        Migration(
            2,
            "a column",
            ("ALTER TABLE items ADD COLUMN note TEXT",),
            ("ALTER TABLE items ADD COLUMN note TEXT",),
        ),
    ),
)


@pytest.mark.parametrize(
    ("url", "dialect", "target"),
    [
        ("log.db", "sqlite", "log.db"),
        ("sqlite:///log.db", "sqlite", "log.db"),
        ("sqlite:////var/x/log.db", "sqlite", "/var/x/log.db"),
        ("sqlite:///:memory:", "sqlite", ":memory:"),
        ("postgresql://u:pw@h/db", "postgresql", "postgresql://u:pw@h/db"),
        ("postgres://u@h/db", "postgresql", "postgresql://u@h/db"),
    ],
)
def test_urls_name_the_engine(url: str, dialect: str, target: str) -> None:
    parsed = parse_url(url)
    assert (parsed.dialect, parsed.target) == (dialect, target)


@pytest.mark.parametrize("url", ["", "mysql://h/db", "sqlite://", "sqlite:///"])
def test_bad_urls_are_refused_with_a_code(url: str) -> None:
    with pytest.raises(StorageURLError) as info:
        parse_url(url)
    assert info.value.code == "storage.bad_url"


def test_passwords_are_not_shown() -> None:
    assert "pw" not in str(parse_url("postgresql://u:pw@h/db"))


def test_migrations_apply_once_and_are_recorded(store: str) -> None:
    engine = open_engine(store)
    try:
        assert schema_version(engine, "demo") == 0
        assert migrate(engine, KIND) == 2
        assert migrate(engine, KIND) == 2  # again: nothing to do
        assert schema_version(engine, "demo") == 2
        rows = engine.execute(
            "SELECT version, description FROM schema_migrations WHERE component = ? ORDER BY version",
            ("demo",),
        ).fetchall()
        assert [tuple(r) for r in rows] == [(1, "items"), (2, "a column")]
        engine.execute("INSERT INTO items (id, n, note) VALUES (1, 2, 'x')")
        assert check_store(engine, KIND) == 2
    finally:
        engine.close()


def test_a_newer_schema_is_refused(store: str) -> None:
    engine = open_engine(store)
    try:
        migrate(engine, KIND)
        engine.execute("INSERT INTO schema_migrations VALUES ('demo', 3, 'future', 'x')")
        with pytest.raises(StorageSchemaError) as info:
            migrate(engine, KIND)
        assert info.value.code == "storage.too_new"
    finally:
        engine.close()


def test_a_rolled_back_transaction_leaves_nothing(store: str) -> None:
    engine = open_engine(store)
    try:
        migrate(engine, KIND)
        with pytest.raises(RuntimeError), engine.transaction():
            engine.execute("INSERT INTO items (id, n) VALUES (1, 1)")
            raise RuntimeError("stop")
        assert engine.scalar("SELECT COUNT(*) FROM items") == 0
    finally:
        engine.close()


def test_read_only_engines_cannot_write(store: str) -> None:
    writer = open_engine(store)
    migrate(writer, KIND)
    writer.close()
    reader = open_engine(store, read_only=True)
    try:
        with pytest.raises(reader.errors), reader.transaction(write=False):
            reader.execute("INSERT INTO items (id, n) VALUES (1, 1)")
        assert check_store(reader, KIND) == 2
    finally:
        reader.close()


def test_sqlite_read_only_creates_no_file(tmp_path: Path) -> None:
    with pytest.raises(StorageConnectError):
        open_engine(tmp_path / "none.db", read_only=True)
    assert not (tmp_path / "none.db").exists()


def test_a_foreign_sqlite_file_is_not_adopted(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    engine = open_engine(other)
    try:
        with pytest.raises(StorageSchemaError) as info:
            migrate(engine, KIND)
        assert info.value.code == "storage.foreign"
        assert engine.tables() == {"invoices"}
    finally:
        engine.close()
