"""The decision log's tables on SQLite and PostgreSQL, as versioned migrations.

Version 1 is the original layout (``records``, ``head``, triggers that refuse ``UPDATE`` and
``DELETE``); version 2 adds ``log_meta`` (the log's random id, named in signed checkpoints), the
idempotency key of each record (the decision id: a retried append never stores a duplicate) and
a ``head`` row from the start (PostgreSQL writers lock it to serialise appends).
"""

from __future__ import annotations

from legalaid_rules.i18n import N_
from legalaid_rules.storage import Migration, StoreKind

__all__ = ["GENESIS", "LOG_STORE"]

GENESIS = "sha256:" + "0" * 64
"""The ``prev`` of the first record."""

_V1_SQLITE = (
    "CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY, prev TEXT NOT NULL,"
    " digest TEXT NOT NULL, body BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL,"
    " digest TEXT NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS records_no_update BEFORE UPDATE ON records"
    " BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS records_no_delete BEFORE DELETE ON records"
    " BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END",
)
_V1_POSTGRESQL = (
    "CREATE TABLE IF NOT EXISTS records (seq BIGINT PRIMARY KEY, prev TEXT NOT NULL,"
    " digest TEXT NOT NULL, body BYTEA NOT NULL)",
    "CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL,"
    " digest TEXT NOT NULL)",
    "CREATE OR REPLACE FUNCTION records_append_only() RETURNS trigger LANGUAGE plpgsql AS"
    " $$ BEGIN RAISE EXCEPTION 'the decision log is append-only'; END $$",
    "CREATE TRIGGER records_no_update BEFORE UPDATE ON records"
    " FOR EACH ROW EXECUTE FUNCTION records_append_only()",
    "CREATE TRIGGER records_no_delete BEFORE DELETE ON records"
    " FOR EACH ROW EXECUTE FUNCTION records_append_only()",
    "CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records"
    " FOR EACH STATEMENT EXECUTE FUNCTION records_append_only()",
)
_V2 = (
    "CREATE TABLE IF NOT EXISTS log_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "ALTER TABLE records ADD COLUMN idem_key TEXT",
    "CREATE UNIQUE INDEX IF NOT EXISTS records_idem_key ON records (idem_key)",
    f"INSERT INTO head (id, seq, digest) SELECT 1, 0, '{GENESIS}' WHERE NOT EXISTS (SELECT 1 FROM head)",
)

LOG_STORE = StoreKind(
    component="log",
    label=N_("decision log"),
    application_id=0x4C524C47,  # "LRLG"
    marker="records",
    migrations=(
        Migration(1, "records, head, append-only triggers", _V1_SQLITE, _V1_POSTGRESQL),
        Migration(2, "log id, idempotency keys, head row from the start", _V2, _V2),
    ),
)
