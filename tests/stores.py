"""Stores for the tests: every store test runs on SQLite and on a real PostgreSQL 16.

The PostgreSQL server comes from the ``pgserver`` wheel (PyPI: the PostgreSQL 16 binaries, no
root and no OS packages), started once per test session in a temporary folder. PostgreSQL refuses
to run as root; when the tests run as root (CI does), pgserver itself creates a system user
``pgserver`` (``useradd``) and runs ``initdb`` and ``pg_ctl`` as that user, after opening the
permissions of the folders above the data directory and of its own binaries so that user can
reach them (see ``pgserver/postgres_server.py``). The server listens on a Unix socket only.

Each test gets its own schema (``CREATE SCHEMA``, named in the URL's ``search_path``), dropped
afterwards.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ENGINES = ["sqlite", "postgresql"]
_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """The URL of a throw-away PostgreSQL 16 server's ``postgres`` database, for this session.

    The data directory is a private temporary folder, not under pytest's ``tmp_path`` base: pytest
    prunes old base folders, and a concurrent pytest run could otherwise delete a running server's
    files.
    """
    with warnings.catch_warnings():
        # platformdirs warns that XDG_RUNTIME_DIR is unset when pgserver's class is defined
        warnings.simplefilter("ignore")
        import pgserver

    data = Path(tempfile.mkdtemp(prefix="legalaid-pg-")) / "data"
    server = pgserver.get_server(data, cleanup_mode="delete")  # type: ignore[attr-defined]
    try:
        url = server.get_uri()
        with _admin(url) as con:
            # the tests kill clients, never the server: a commit need not wait for the disk (it
            # is still visible to every other session at once); this makes the suite several
            # times faster on small CI disks. The benchmark keeps PostgreSQL's durable default.
            con.execute("ALTER SYSTEM SET synchronous_commit = off")
            con.execute("SELECT pg_reload_conf()")
        yield url
    finally:
        server.cleanup()
        shutil.rmtree(data.parent, ignore_errors=True)


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def new_store(request: pytest.FixtureRequest, engine: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """A factory of empty stores on the engine the test is parametrised with (``engine``).

    ``new_store("log")`` gives a fresh SQLite path, or the URL of a fresh PostgreSQL schema (the
    URL sets its ``search_path``, so every connection made from it, in any process, works in that
    schema only). Schemas rather than databases: creating and dropping a database forces a
    checkpoint each time, which is slow on small CI disks.
    """
    made: list[str] = []
    admin_url = request.getfixturevalue("pg_admin_url") if engine == "postgresql" else ""

    def make(name: str) -> str:
        if engine == "sqlite":
            return str(tmp_path / f"{name}.db")
        schema = f"t{os.getpid()}_{next(_counter)}_{name}".lower()
        with _admin(admin_url) as con:
            con.execute(f'CREATE SCHEMA "{schema}"')
        made.append(schema)
        return f"{admin_url}{'&' if '?' in admin_url else '?'}options=-csearch_path%3D{schema}"

    yield make
    if made:
        with _admin(admin_url) as con:
            for schema in made:
                con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The storage engine a store test runs on: ``sqlite`` or ``postgresql``."""
    return str(request.param)


@pytest.fixture
def store(new_store: Callable[[str], str]) -> str:
    """One empty store (SQLite path or PostgreSQL URL) on the test's engine."""
    return new_store("store")


def raw_connection(url: str) -> Any:
    """A plain driver connection to a store (sqlite3 or psycopg), autocommit: for tampering."""
    if url.startswith("postgresql://"):
        return _admin(url)
    import sqlite3

    return sqlite3.connect(url, isolation_level=None)


def run_sql(url: str, *statements: str, params: tuple[object, ...] = ()) -> list[Any]:
    """Run statements (``?`` placeholders) on a store as an outsider would; the last one's rows."""
    con = raw_connection(url)
    pg = url.startswith("postgresql://")
    rows: list[Any] = []
    try:
        for s in statements:
            sql = s.replace("?", "%s") if pg else s
            cur = con.execute(sql, params if "?" in s else ())
            rows = list(cur.fetchall()) if cur.description is not None else []
    finally:
        con.close()
    return rows
