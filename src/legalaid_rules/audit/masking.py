"""Masking of personal fields at write time (PIPL): each value becomes a salted HMAC digest.

A deployment chooses a secret key (the salt) and the input paths to mask; by default the
applicant's name, ID-card number and phone number. A masked value is replaced by
``hmac-sha256:<hex>`` of its canonical JSON under the key, and the record says which paths were
masked and which key (by ``key_id``, never the key). The record keeps the digest of the
*unmasked* input, so an auditor holding the original application can prove it is the one that
was decided (:func:`legalaid_rules.audit.replay` with ``original=``).

Paths are dotted (``applicant.name``); ``[]`` walks every element of a list
(``household.members[].relation``). A path that is absent or ``None`` is left as it is.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from legalaid_rules.audit.errors import AuditError
from legalaid_rules.audit.record import Masked, TraceRecord, canonical_bytes

__all__ = ["DEFAULT_PATHS", "MASK_PREFIX", "Masking"]

DEFAULT_PATHS: tuple[str, ...] = ("applicant.name", "applicant.id_number", "applicant.phone")
"""The personal fields masked unless a deployment says otherwise."""

MASK_PREFIX = "hmac-sha256:"


@dataclass(frozen=True)
class Masking:
    """A deployment's masking: a secret key and the input paths to mask.

    Args:
        key: the secret key (salt) of the HMAC; at least 16 bytes.
        paths: the input paths to mask.

    Raises:
        AuditError: the key is too short or a path is malformed.
    """

    key: bytes = field(repr=False)
    paths: tuple[str, ...] = DEFAULT_PATHS

    def __post_init__(self) -> None:
        if len(self.key) < 16:
            raise AuditError("mask.short_key", "the masking key must be at least 16 bytes")
        for p in self.paths:
            if not p or any(not part.removesuffix("[]") for part in p.split(".")):
                raise AuditError("mask.bad_path", f"`{p}` is not a masking path (e.g. `applicant.name`)")

    @property
    def key_id(self) -> str:
        """A public id of the key: the first 16 hex digits of its SHA-256."""
        return hashlib.sha256(self.key).hexdigest()[:16]

    def mask_value(self, value: Any) -> str:
        """``hmac-sha256:`` and the HMAC of the canonical JSON of ``value`` under the key."""
        mac = hmac.new(self.key, canonical_bytes(value), hashlib.sha256).hexdigest()
        return MASK_PREFIX + mac

    def mask_data(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
        """A copy of input data with each configured path masked, and the paths masked."""
        out: dict[str, Any] = copy.deepcopy(dict(data))
        done: list[str] = []
        for path in self.paths:
            if _apply(out, _parts(path), self.mask_value):
                done.append(path)
        return out, tuple(done)

    def mask_record(self, record: TraceRecord) -> TraceRecord:
        """The record with its input masked (the input digest stays that of the original).

        Raises:
            AuditError: the record is already masked.
        """
        if record.masked is not None:
            raise AuditError("mask.already_masked", "the record is already masked")
        data, done = self.mask_data(record.input)
        return record.model_copy(
            update={"input": data, "masked": Masked(key_id=self.key_id, paths=done)}
        )

    def matches(self, record: TraceRecord, original: Mapping[str, Any]) -> bool:
        """Whether the original input snapshot masks to exactly the record's input."""
        data, _ = self.mask_data(original)
        return canonical_bytes(data) == canonical_bytes(record.input)


def _parts(path: str) -> list[str]:
    out: list[str] = []
    for part in path.split("."):
        if part.endswith("[]") and len(part) > 2:
            out += [part[:-2], "[]"]
        else:
            out.append(part)
    return out


def _apply(node: Any, parts: Sequence[str], mask: Any) -> bool:
    if not parts:
        return False
    head, rest = parts[0], parts[1:]
    if head == "[]":
        if not isinstance(node, list):
            return False
        if not rest:
            hit = False
            for i, v in enumerate(node):
                if v is not None:
                    node[i] = mask(v)
                    hit = True
            return hit
        hit = False
        for v in node:
            hit = _apply(v, rest, mask) or hit
        return hit
    if not isinstance(node, dict) or node.get(head) is None:
        return False
    if not rest:
        node[head] = mask(node[head])
        return True
    return _apply(node[head], rest, mask)
