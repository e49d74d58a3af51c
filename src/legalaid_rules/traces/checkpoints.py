"""Signed checkpoints of the decision log's head (Ed25519, via ``cryptography``).

A checkpoint says "log ``log_id`` had record ``seq`` with digest ``digest`` at ``made_at``",
signed with a private key the log's writers do not need to hold. Kept somewhere else (another
machine, the bureau's register, a printed page with the JSON), it lets :meth:`DecisionLog.verify`
detect what the chain alone cannot: a tail cut off together with the ``head`` table (truncation),
the file replaced by an older copy (rollback), or the last records rewritten with a recomputed
chain (tail forgery), for every record up to the checkpoint. Records appended *after* the last
checkpoint are only as trustworthy as the chain: a checkpoint proves nothing about them.

>>> private, public = generate_keypair()
>>> cp = sign_checkpoint("log-1", 5, "sha256:" + "ab" * 32, private, made_at="2026-01-01T00:00:00+00:00")
>>> cp.check(public)
>>> Checkpoint.from_json(cp.to_json()) == cp
True
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.i18n import _

__all__ = [
    "Checkpoint",
    "CheckpointError",
    "generate_keypair",
    "key_id",
    "load_private_key",
    "load_public_key",
    "private_pem",
    "public_pem",
    "sign_checkpoint",
]

_DOMAIN = b"legalaid-rules/checkpoint/1\n"
_FIELDS = ("digest", "key", "log_id", "made_at", "seq", "signature")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


class CheckpointError(LegalAidRulesError, ValueError):
    """A checkpoint or key that cannot be read, or a signature that does not verify.

    Args:
        code: ``checkpoint.bad_signature``, ``checkpoint.unreadable``, ``checkpoint.bad_key`` ...
        message: what is wrong.
    """

    code = "checkpoint.invalid"

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


def key_id(public: Ed25519PublicKey) -> str:
    """The key's id: ``ed25519:`` and the first 16 hex digits of the SHA-256 of its raw bytes."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement of a log's head.

    Attributes:
        log_id: the log's random id (from its ``log_meta`` table).
        seq: the last record's sequence number.
        digest: that record's digest.
        made_at: when the checkpoint was made (ISO 8601).
        key: the signing key's id (:func:`key_id`).
        signature: the Ed25519 signature over :meth:`payload`, hex.
    """

    log_id: str
    seq: int
    digest: str
    made_at: str
    key: str
    signature: str

    def payload(self) -> bytes:
        """The signed bytes: a domain line, then the fields but the signature as canonical JSON."""
        fields = {"digest": self.digest, "key": self.key, "log_id": self.log_id, "made_at": self.made_at}
        fields["seq"] = self.seq  # type: ignore[assignment]
        return _DOMAIN + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def check(self, public: Ed25519PublicKey) -> None:
        """Check the signature with ``public``.

        Raises:
            CheckpointError: signed by another key, or the checkpoint was changed.
        """
        if key_id(public) != self.key:
            raise CheckpointError(
                "checkpoint.other_key",
                _("checkpoint of record {seq} was signed by {key}, not by {key_id}").format(
                    seq=self.seq, key=self.key, key_id=key_id(public)
                ),
            )
        try:
            public.verify(bytes.fromhex(self.signature), self.payload())
        except (InvalidSignature, ValueError):
            raise CheckpointError(
                "checkpoint.bad_signature",
                _("the signature of the checkpoint of record {seq} does not verify: it was changed").format(
                    seq=self.seq
                ),
            ) from None

    def to_json(self) -> str:
        """One line of JSON (a file of checkpoints holds one per line)."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | bytes) -> Checkpoint:
        """Read a checkpoint written by :meth:`to_json`.

        Raises:
            CheckpointError: not a checkpoint.
        """
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or set(data) != set(_FIELDS):
                raise ValueError("fields " + ", ".join(_FIELDS) + " expected")
            seq = data["seq"]
            if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
                raise ValueError(_("`seq` must be a positive whole number"))
            if not isinstance(data["digest"], str) or not _DIGEST.match(data["digest"]):
                raise ValueError(_("`digest` must be sha256: and 64 hex digits"))
            if not all(isinstance(data[k], str) for k in ("log_id", "made_at", "key", "signature")):
                raise ValueError(_("`log_id`, `made_at`, `key` and `signature` must be text"))
            return cls(**data)
        except (ValueError, RecursionError) as exc:
            raise CheckpointError(
                "checkpoint.unreadable", _("not a checkpoint: {exc}").format(exc=exc)
            ) from None

    @classmethod
    def read_file(cls, path: Path) -> list[Checkpoint]:
        """Every checkpoint in a file of JSON lines (blank lines skipped).

        Raises:
            CheckpointError: a line is not a checkpoint (named by its number).
        """
        out: list[Checkpoint] = []
        for number, line in enumerate(path.read_bytes().splitlines(), 1):
            if line.strip():
                try:
                    out.append(cls.from_json(line))
                except CheckpointError as exc:
                    raise CheckpointError(
                        exc.code,
                        f"{path}:{number}: {exc.message}",
                    ) from None
        return out


def sign_checkpoint(
    log_id: str, seq: int, digest: str, private: Ed25519PrivateKey, *, made_at: str
) -> Checkpoint:
    """Sign the statement that log ``log_id`` has ``digest`` at record ``seq``."""
    unsigned = Checkpoint(log_id, seq, digest, made_at, key_id(private.public_key()), "")
    signature = private.sign(unsigned.payload()).hex()
    return Checkpoint(log_id, seq, digest, made_at, unsigned.key, signature)


def generate_keypair() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    """A new Ed25519 key pair."""
    private = Ed25519PrivateKey.generate()
    return private, private.public_key()


def private_pem(private: Ed25519PrivateKey) -> bytes:
    """The private key as unencrypted PKCS#8 PEM (keep it out of the log's machine)."""
    return private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(public: Ed25519PublicKey) -> bytes:
    """The public key as SubjectPublicKeyInfo PEM."""
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(data: bytes) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM.

    Raises:
        CheckpointError: not an Ed25519 private key.
    """
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise CheckpointError(
            "checkpoint.bad_key", _("not a PEM private key: {exc}").format(exc=exc)
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError("checkpoint.bad_key", _("the private key is not an Ed25519 key"))
    return key


def load_public_key(data: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from PEM.

    Raises:
        CheckpointError: not an Ed25519 public key.
    """
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise CheckpointError(
            "checkpoint.bad_key", _("not a PEM public key: {exc}").format(exc=exc)
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError("checkpoint.bad_key", _("the public key is not an Ed25519 key"))
    return key
