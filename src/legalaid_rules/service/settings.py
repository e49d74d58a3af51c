"""The service's configuration: where packs and stores are, who may write, and the limits.

A deployment writes one TOML file (``legalaid-rules serve --config service.toml``)::

    open_reads = true                  # decisions, packs, schemas and replay without a token
    max_body_bytes = 1048576           # a larger request body is refused (413)
    max_batch = 1000                   # applications in one `decisions:batch` request
    ledger = "/var/lib/legalaid/caseload.db"   # the case-load ledger (SQLite file)
    log = "/var/lib/legalaid/decisions.db"     # the decision log (SQLite file)
    masking = "/etc/legalaid/masking.json"     # mask personal fields in the decision log
    cors_origins = []                  # CORS is off unless origins are listed

    [[tokens]]
    name = "huaining-intake"           # shown in logs instead of the token
    role = "intake"                    # intake, auditor or admin
    sha256 = "9f86d0818..."            # hex SHA-256 of the bearer token; never the token itself

Tokens are stored only as digests, so the file is not a secret. Relative paths are read from
the configuration file's folder.
"""

from __future__ import annotations

import hashlib
import hmac
import tomllib
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.evaluation import field_problems
from legalaid_rules.i18n import _

__all__ = ["Role", "ServiceConfigError", "Settings", "TokenEntry", "load_settings", "token_digest"]


class ServiceConfigError(LegalAidRulesError, ValueError):
    """A service configuration that cannot be used; the message names the file and the key."""

    code = "service.config"


class Role(StrEnum):
    """What a bearer token may do.

    ``intake`` decides with logging and runs the case-load operations; ``auditor`` reads and
    verifies the decision log and the case-load reports; ``admin`` may do everything.
    """

    INTAKE = "intake"
    AUDITOR = "auditor"
    ADMIN = "admin"


class TokenEntry(BaseModel):
    """One bearer token, known only by its SHA-256 digest."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="who holds it; logged instead of the token")
    role: Role
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="hex SHA-256 of the token")


class Settings(BaseModel):
    """Everything a service instance is configured with (no global state: one per app)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: Path | None = Field(None, description="folder of packs; the bundled packs when absent")
    ledger: Path | None = Field(None, description="case-load ledger (SQLite); case-load API off when absent")
    log: Path | None = Field(None, description="decision log (SQLite); log API off when absent")
    masking: Path | None = Field(None, description="masking policy JSON for the decision log")
    open_reads: bool = Field(True, description="decision, pack and schema endpoints need no token")
    max_body_bytes: int = Field(1_048_576, ge=1024, description="largest request body accepted")
    max_batch: int = Field(1000, ge=1, le=100_000, description="most applications in one batch")
    cors_origins: tuple[str, ...] = Field((), description="origins allowed by CORS; none by default")
    tokens: tuple[TokenEntry, ...] = ()

    def role_of(self, token: str) -> TokenEntry | None:
        """The entry whose digest matches ``token``, compared in constant time, or None."""
        digest = token_digest(token)
        found = None
        for entry in self.tokens:
            if hmac.compare_digest(entry.sha256, digest):
                found = entry
        return found


def token_digest(token: str) -> str:
    """The hex SHA-256 of a bearer token, as the configuration file stores it.

    >>> token_digest("test")[:16]
    '9f86d081884c7d65'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def load_settings(path: Path) -> Settings:
    """Settings from a TOML file; relative paths are taken from the file's folder.

    Raises:
        ServiceConfigError: the file is unreadable, not TOML, or has an unknown or bad key.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        message = _("cannot read the service configuration: {reason}").format(reason=exc)
        raise ServiceConfigError(f"{path}: {message}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ServiceConfigError(
            f"{path}: " + _("this is not valid TOML: {reason}").format(reason=exc)
        ) from None
    base = path.parent
    for key in ("rules", "ledger", "log", "masking"):
        value = data.get(key)
        if isinstance(value, str) and not Path(value).is_absolute():
            data[key] = str(base / value)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        lines = [f"{path}: `{p.location}`: {p.message}" for p in field_problems(exc.errors(), "config")]
        raise ServiceConfigError("\n".join(lines)) from None
