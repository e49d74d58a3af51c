"""Errors of the storage engines: each has a stable ``code``, a plain message and a hint.

The tree (all under :class:`~legalaid_rules.errors.LegalAidRulesError`)::

    StorageError                          .code, .message, .hint
    ├── StorageURLError (ValueError)          storage.bad_url
    ├── StorageUnavailableError (ImportError) storage.driver_missing (psycopg not installed)
    ├── StorageConnectError (OSError)         storage.connect (the server or file cannot be opened)
    ├── StorageSchemaError (ValueError)       storage.foreign (not this kind of store),
    │                                         storage.too_new (a schema this library does not know)
    └── (StorageError itself)                 storage.failed (a write that could not complete:
                                              a lock wait past the timeout, a lost connection)
"""

from __future__ import annotations

from legalaid_rules.errors import CodedError

__all__ = [
    "StorageConnectError",
    "StorageError",
    "StorageSchemaError",
    "StorageURLError",
    "StorageUnavailableError",
]


class StorageError(CodedError):
    """A store (SQLite file or PostgreSQL database) that cannot be used as asked.

    Args:
        code: a stable dotted code such as ``storage.bad_url``.
        message: what is wrong, in lower case, user text in backticks.
        hint: how to fix it, or None.
    """


class StorageURLError(StorageError, ValueError):
    """A store URL that names no engine this library has."""


class StorageUnavailableError(StorageError, ImportError):
    """The driver for the URL's engine is not installed (``pip install "legalaid-rules[postgres]"``)."""


class StorageConnectError(StorageError, OSError):
    """The database server or file cannot be reached or opened."""


class StorageSchemaError(StorageError, ValueError):
    """The store holds something else, or a schema newer than this library knows."""
