"""Masking of personal fields at write time (PIPL): each masked value becomes a salted digest.

A deployment says which fields hold personal data (JSON paths such as
``input.applicant.name``; ``*`` matches every list item or mapping key) and gives a secret salt.
Each value found is replaced by ``hmac-sha256:<hex>``, the HMAC-SHA256 of the value's canonical
JSON under the salt, and the concrete path is added to the record's top-level ``masked`` list.
The same value always gives the same token in one deployment, so an auditor holding the salt can
check a claimed original (:meth:`MaskingPolicy.matches`) and a replay can restore the originals
and verify the input digest that was computed before masking.

>>> policy = MaskingPolicy(("input.applicant.name",), salt=b"deployment-salt")
>>> masked = policy.apply({"input": {"applicant": {"name": "张三", "age": 70}}})
>>> masked["masked"], masked["input"]["applicant"]["age"]
(['input.applicant.name'], 70)
>>> policy.matches(masked["input"]["applicant"]["name"], "张三")
True
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from legalaid_rules.canonical import canonical_json, to_canonical_data
from legalaid_rules.errors import LegalAidRulesError

__all__ = [
    "PERSONAL_PATHS",
    "TOKEN_PREFIX",
    "MaskingError",
    "MaskingPolicy",
    "is_token",
    "paths_matching",
]

TOKEN_PREFIX = "hmac-sha256:"

PERSONAL_PATHS: tuple[str, ...] = (
    "input.applicant.name",
    "input.applicant.id_number",
    "input.applicant.phone",
)
"""The personal fields of an application, as paths in a trace record (the default policy)."""


class MaskingError(LegalAidRulesError, ValueError):
    """A masking configuration that cannot be used (no salt, a bad path, an unreadable file)."""


def is_token(value: object) -> bool:
    """Whether ``value`` is a masking token."""
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX) and len(value) == len(TOKEN_PREFIX) + 64


@dataclass(frozen=True)
class MaskingPolicy:
    """Which fields to mask, and the deployment salt that keys their digests.

    Args:
        paths: dotted paths into a record's data; ``*`` matches every item or key at that level.
        salt: the deployment secret (at least 8 bytes); keep it out of the log and of the code.
    """

    paths: tuple[str, ...] = PERSONAL_PATHS
    salt: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        if len(self.salt) < 8:
            raise MaskingError("the masking salt must be at least 8 bytes")
        for path in self.paths:
            if not path or any(not part for part in path.split(".")):
                raise MaskingError(f"`{path}` is not a dotted path")

    @classmethod
    def from_env(
        cls, variable: str = "LEGALAID_MASK_SALT", paths: tuple[str, ...] | None = None
    ) -> MaskingPolicy:
        """A policy whose salt is read from an environment variable.

        Raises:
            MaskingError: the variable is not set.
        """
        salt = os.environ.get(variable)
        if not salt:
            raise MaskingError(f"the masking salt variable `{variable}` is not set")
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
            raise MaskingError(f"cannot read the masking configuration {path}: {exc}") from None
        if not isinstance(config, dict) or not isinstance(config.get("paths", []), list):
            raise MaskingError(f"{path}: expected an object with a `paths` list")
        paths = tuple(str(p) for p in config.get("paths", PERSONAL_PATHS))
        return cls.from_env(str(config.get("salt_env", "LEGALAID_MASK_SALT")), paths)

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
        return out


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
