"""Store URLs: ``sqlite:///path`` (the embedded default; a plain path is accepted too) and
``postgresql://user@host/db``.

>>> parse_url("ledger.sqlite")
StoreURL(dialect='sqlite', target='ledger.sqlite')
>>> parse_url("sqlite:////var/lib/legalaid/log.db").target
'/var/lib/legalaid/log.db'
>>> parse_url("postgresql://clerk:secret@db.example/legalaid").redacted()
'postgresql://clerk:***@db.example/legalaid'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from legalaid_rules.i18n import _
from legalaid_rules.storage.errors import StorageURLError

__all__ = ["Dialect", "StoreURL", "parse_url"]

Dialect = Literal["sqlite", "postgresql"]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_PASSWORD = re.compile(r"^(\w[\w+.-]*://[^:/@]*):[^@/]*@")


@dataclass(frozen=True, slots=True)
class StoreURL:
    """Where a store lives.

    Attributes:
        dialect: ``sqlite`` or ``postgresql``.
        target: the SQLite file (or ``:memory:``), or the PostgreSQL connection URL as given.
    """

    dialect: Dialect
    target: str

    @property
    def is_sqlite(self) -> bool:
        """Whether this is an embedded SQLite store."""
        return self.dialect == "sqlite"

    def redacted(self) -> str:
        """The URL with any password replaced by ``***`` (for messages and logs)."""
        if self.is_sqlite:
            return self.target
        return _PASSWORD.sub(r"\1:***@", self.target)

    def __str__(self) -> str:
        return self.redacted()


def parse_url(url: str | Path | StoreURL) -> StoreURL:
    """Read a store URL.

    Args:
        url: ``sqlite:///relative/path``, ``sqlite:////absolute/path``, ``sqlite:///:memory:``,
            ``postgresql://...`` (or ``postgres://...``), or a plain file path (SQLite).

    Returns:
        The parsed URL.

    Raises:
        StorageURLError: an empty URL, or a scheme that names no engine this library has.
    """
    if isinstance(url, StoreURL):
        return url
    if isinstance(url, Path):
        return StoreURL("sqlite", str(url))
    text = url.strip()
    if not text:
        raise StorageURLError("storage.bad_url", _("the store URL is empty"), _("give a file path or a URL"))
    match = _SCHEME.match(text)
    if match is None:
        return StoreURL("sqlite", text)
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        rest = text[match.end() :]
        if not rest.startswith("/") or rest == "/":
            raise StorageURLError(
                "storage.bad_url",
                _("`{text}` names no file").format(text=text),
                _("write `sqlite:///relative/path.db` or `sqlite:////absolute/path.db`"),
            )
        return StoreURL("sqlite", rest[1:])
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        return StoreURL("postgresql", "postgresql://" + text[match.end() :])
    raise StorageURLError(
        "storage.bad_url",
        _("no storage engine for `{scheme}://`").format(scheme=scheme),
        _("use `sqlite:///path` (or a plain path) or `postgresql://user@host/database`"),
    )
