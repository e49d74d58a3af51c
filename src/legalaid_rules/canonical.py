"""Canonical JSON: one byte string per value, in any process on any machine.

Keys sorted, no insignificant white space, UTF-8 (Chinese kept as is), ``Decimal`` as its
string, dates ISO 8601, tuples as lists. Floats are refused: money and ratios are ``Decimal``
everywhere in this library, and a float in a digest would make it depend on the platform.

>>> from decimal import Decimal
>>> from datetime import date
>>> canonical_json({"b": Decimal("1.50"), "a": date(2023, 6, 1)})
b'{"a":"2023-06-01","b":"1.50"}'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel

__all__ = ["canonical_json", "digest", "to_canonical_data"]


def to_canonical_data(value: Any) -> Any:
    """Turn ``value`` into plain JSON data (dict, list, str, int, bool, None).

    Raises:
        TypeError: for a float or a value of a type with no canonical form.
    """
    if isinstance(value, BaseModel):
        return to_canonical_data(value.model_dump(mode="python"))
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"non-finite decimal {value} has no canonical form")
        return str(value)
    if isinstance(value, Enum):
        return to_canonical_data(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_canonical_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_canonical_data(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(to_canonical_data(v) for v in value)
    if isinstance(value, float):
        raise TypeError("floats have no canonical form here: use Decimal")
    raise TypeError(f"no canonical form for {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    """The canonical JSON bytes of ``value`` (see the module docstring)."""
    return json.dumps(
        to_canonical_data(value),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


def digest(value: Any) -> str:
    """``sha256:`` and the hex SHA-256 of the canonical JSON of ``value``."""
    return "sha256:" + hashlib.sha256(canonical_json(value)).hexdigest()
