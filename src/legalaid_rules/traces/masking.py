"""Masking of personal fields at write time (PIPL): each masked value becomes a keyed digest.

A deployment says which fields hold personal data (JSON paths such as
``input.applicant.name``; ``*`` matches every list item or mapping key) and gives a secret key
of at least 128 bits. Each value found is replaced by ``hmac-sha256:<hex>``, the HMAC-SHA256 of
the value's canonical JSON under the key, and the concrete path is added to the record's
top-level ``masked`` list. The same value always gives the same token in one deployment, so an
auditor holding the key can check a claimed original (:meth:`MaskingPolicy.matches`) and a
replay can restore the originals.

Every other digest of the personal input is keyed too, or it would confirm a guessed value to
anyone (an 18-digit ID number with a known birth date and county has 1,000 candidates): in a
masked record the ``input_digest`` becomes ``hmac-sha256:`` of the plain digest, and a decision
id derived from the plain digest is derived again from the keyed one.

>>> policy = MaskingPolicy(("input.applicant.name",), key=bytes(range(16)))
>>> masked = policy.apply({"input": {"applicant": {"name": "张三", "age": 70}}})
>>> masked["masked"], masked["input"]["applicant"]["age"]
(['input.applicant.name'], 70)
>>> policy.matches(masked["input"]["applicant"]["name"], "张三")
True
>>> MaskingPolicy(key=b"12345678")
Traceback (most recent call last):
...
legalaid_rules.traces.masking.MaskingError: the masking key is too weak: ...
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
import string
from collections.abc import Iterator, Mapping
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Any

from legalaid_rules.canonical import canonical_json, to_canonical_data
from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.i18n import N_, _
from legalaid_rules.traces.records import derive_decision_id

__all__ = [
    "MIN_KEY_BITS",
    "PERSONAL_PATHS",
    "TOKEN_PREFIX",
    "MaskingError",
    "MaskingPolicy",
    "is_token",
    "key_bits",
    "paths_matching",
]

TOKEN_PREFIX = "hmac-sha256:"

PERSONAL_PATHS: tuple[str, ...] = (
    "input.applicant.name",
    "input.applicant.id_number",
    "input.applicant.phone",
)
"""The personal fields of an application, as paths in a trace record (the default policy)."""


MIN_KEY_BITS = 128
"""The least strength of a masking key, in bits (16 random bytes, or 32 random hex digits)."""

_INPUT_DIGEST_CONTEXT = b"legalaid-rules/input-digest/1\n"
_KEY_HINT = N_(
    "use 16 or more random bytes, e.g. 32 hex digits from "
    "`python -c 'import secrets; print(secrets.token_hex(16))'`"
)


class MaskingError(LegalAidRulesError, ValueError):
    """A masking configuration that cannot be used (no key, a weak key, a bad path, a bad file)."""

    code = "trace.masking"


def key_bits(key: bytes) -> float:
    """An upper bound of a key's strength: its length times the bits of the smallest alphabet it uses.

    Text keys are judged by their characters (digits 3.3 bits each, hex 4, base64 6, printable
    ASCII 6.6, other characters 12, about the common Chinese characters); other bytes count 8
    bits each. A key of fewer than 8 distinct characters counts its distinct characters only.

    >>> key_bits(b"12345678") < 27 < key_bits(bytes(range(16)))
    True
    """
    try:
        text = key.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if not text or not text.isprintable():
        return 8.0 * (len(key) if len(set(key)) >= 8 else len(set(key)))
    if len(set(text)) < 8:
        return 8.0 * len(set(text))
    for alphabet, bits in (
        (string.digits, math.log2(10)),
        (string.hexdigits, 4.0),
        (string.ascii_letters + string.digits + "+/=-_", 6.0),
        (string.printable, math.log2(95)),
    ):
        if set(text) <= set(alphabet):
            return len(text) * bits
    return 12.0 * len(text)


def is_token(value: object) -> bool:
    """Whether ``value`` is a masking token (or a keyed digest: they share the form)."""
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX) and len(value) == len(TOKEN_PREFIX) + 64


@dataclass(frozen=True)
class MaskingPolicy:
    """Which fields to mask, and the deployment key that keys every digest of them.

    Args:
        paths: dotted paths into a record's data; ``*`` matches every item or key at that level.
        salt: the deployment's secret key, at least 128 bits (see :func:`key_bits`); keep it out
            of the log and of the code. ``key=`` is the same argument under its proper name.

    Raises:
        MaskingError: the key is missing or weaker than :data:`MIN_KEY_BITS`, or a path is bad.
    """

    paths: tuple[str, ...] = PERSONAL_PATHS
    salt: bytes = field(default=b"", repr=False)
    key: InitVar[bytes | None] = None

    def __post_init__(self, key: bytes | None) -> None:
        if key is not None:
            object.__setattr__(self, "salt", bytes(key))
        if not self.salt:
            raise MaskingError(_("no masking key given ({key_hint})").format(key_hint=_(_KEY_HINT)))
        bits = key_bits(self.salt)
        if bits < MIN_KEY_BITS:
            raise MaskingError(
                _(
                    "the masking key is too weak: about {bits} bits, at least {min_key_bits} "
                    "needed ({key_hint})"
                ).format(bits=format(bits, ".0f"), min_key_bits=MIN_KEY_BITS, key_hint=_(_KEY_HINT))
            )
        for path in self.paths:
            if not path or any(not part for part in path.split(".")):
                raise MaskingError(_("`{path}` is not a dotted path").format(path=path))

    @classmethod
    def from_env(
        cls, variable: str = "LEGALAID_MASK_SALT", paths: tuple[str, ...] | None = None
    ) -> MaskingPolicy:
        """A policy whose key is read from an environment variable (its UTF-8 bytes).

        Raises:
            MaskingError: the variable is not set, or the key is too weak.
        """
        salt = os.environ.get(variable)
        if not salt:
            raise MaskingError(
                _("the masking key variable `{variable}` is not set").format(variable=variable)
            )
        return cls(paths if paths is not None else PERSONAL_PATHS, salt.encode("utf-8"))

    @classmethod
    def from_file(cls, path: Path) -> MaskingPolicy:
        """A policy from a JSON file ``{"paths": [...], "salt_env": "VAR"}`` (the salt never in the file).

        Raises:
            MaskingError: the file is unreadable or malformed, or the salt variable is not set.
        """
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MaskingError(
                _("cannot read the masking configuration {path}: {exc}").format(path=path, exc=exc)
            ) from None
        if not isinstance(config, dict) or not isinstance(config.get("paths", []), list):
            raise MaskingError(_("{path}: expected an object with a `paths` list").format(path=path))
        paths = tuple(str(p) for p in config.get("paths", PERSONAL_PATHS))
        return cls.from_env(str(config.get("salt_env", "LEGALAID_MASK_SALT")), paths)

    def keyed_digest(self, plain: str) -> str:
        """The keyed form of a plain ``sha256:`` input digest (``hmac-sha256:<hex>``)."""
        mac = hmac.new(self.salt, _INPUT_DIGEST_CONTEXT + plain.encode("ascii"), hashlib.sha256)
        return TOKEN_PREFIX + mac.hexdigest()

    def token(self, value: Any) -> str:
        """The masking token of one value: HMAC-SHA256 of its canonical JSON under the salt."""
        mac = hmac.new(self.salt, canonical_json(value), hashlib.sha256).hexdigest()
        return TOKEN_PREFIX + mac

    def matches(self, token: str, original: Any) -> bool:
        """Whether ``original`` is the value that was masked as ``token`` (constant time)."""
        return hmac.compare_digest(token, self.token(original))

    def apply(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``data`` with every value at the policy's paths masked.

        Values that are absent or ``None`` (unknown) are left alone: there is nothing personal in
        them. The concrete paths masked are added, sorted, to the top-level ``masked`` list.
        """
        out: dict[str, Any] = to_canonical_data(data)
        done: set[str] = set(out.get("masked") or ())
        for pattern in self.paths:
            for concrete, parent, key in list(_matches(out, pattern.split("."), "")):
                value = parent[key]
                if value is None or is_token(value):
                    continue
                parent[key] = self.token(value)
                done.add(concrete)
        if done:
            out["masked"] = sorted(done)
            self._key_digests(out)
        return out

    def _key_digests(self, out: dict[str, Any]) -> None:
        """Replace the plain input digest (and an id derived from it) by keyed ones, in place."""
        plain = out.get("input_digest")
        if not (isinstance(plain, str) and plain.startswith("sha256:")):
            return  # already keyed, or not a trace record
        keyed = self.keyed_digest(plain)
        out["input_digest"] = keyed
        pack = out.get("pack")
        pack_digest = pack.get("digest") if isinstance(pack, dict) else None
        timestamp = out.get("timestamp")
        if (
            isinstance(pack_digest, str)
            and isinstance(timestamp, str)
            and out.get("decision_id") == derive_decision_id(pack_digest, plain, timestamp)
        ):
            out["decision_id"] = derive_decision_id(pack_digest, keyed, timestamp)


def paths_matching(data: Any, pattern: str) -> list[str]:
    """The concrete paths in ``data`` that a (possibly wildcard) pattern names."""
    return [p for p, _, _ in _matches(data, pattern.split("."), "")]


def _matches(node: Any, parts: list[str], prefix: str) -> Iterator[tuple[str, Any, Any]]:
    """(concrete path, parent container, key) for each place ``parts`` names under ``node``."""
    head, rest = parts[0], parts[1:]
    if isinstance(node, dict):
        keys = list(node) if head == "*" else ([head] if head in node else [])
        for key in keys:
            path = f"{prefix}.{key}" if prefix else key
            if rest:
                yield from _matches(node[key], rest, path)
            else:
                yield path, node, key
    elif isinstance(node, list):
        indexes = (
            range(len(node))
            if head == "*"
            else ([int(head)] if head.isdigit() and int(head) < len(node) else [])
        )
        for i in indexes:
            path = f"{prefix}.{i}"
            if rest:
                yield from _matches(node[i], rest, path)
            else:
                yield path, node, i
