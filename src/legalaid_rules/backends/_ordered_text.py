"""Values as text whose byte order is their order, so durable-rules compares them exactly.

durable-rules carries numbers through JSON as C doubles (``1999.9999999999999`` arrives as
``2000.0``) and rejects exponent forms without a decimal point (``1e+16``, ``1e-07``). Money
must never be compared that way at the 2x boundary, and a per-capita income is an exact
50-digit quotient that fits no integer fen. So every value travels as a string built so that
comparing two strings byte by byte (what the engine's ``strncmp`` does) orders them exactly as
the values are ordered:

- a number: ``"1"`` for zero; ``"2"`` + a 4-digit biased exponent + the significant digits for
  a positive number; ``"0"`` + the complemented exponent + the complemented digits + ``"~"``
  for a negative one. ``2000`` -> ``"250032"``; ``1999.99`` -> ``"25003199999"``.
- a date: ISO ``YYYY-MM-DD``; a yes/no: ``"true"`` / ``"false"``; a code: itself.

Every character used sorts after ``"``, the byte that ends a string inside the JSON text the
engine reads from, so a shorter string that is a prefix of a longer one sorts first.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

__all__ = ["encode"]

_BIAS = 5000


def _number(value: Decimal) -> str:
    if value.is_zero():
        return "1"
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    exponent = value.adjusted() + _BIAS
    if not 0 <= exponent <= 9999:
        raise ValueError(f"number out of the encodable range: {value}")
    digits = "".join(str(d) for d in value.as_tuple().digits).rstrip("0")
    if value > 0:
        return f"2{exponent:04d}{digits}"
    flipped = "".join(str(9 - int(d)) for d in digits)
    return f"0{9999 - exponent:04d}{flipped}~"


def encode(value: Any) -> str:
    """The order-preserving text of a value (a number, a date, a yes/no or a code).

    Raises:
        TypeError: a value of another type.
        ValueError: a number that is not finite or beyond 1e±4999.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _number(Decimal(value))
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, str):
        return value
    raise TypeError(f"cannot encode {type(value).__name__} for durable-rules: {value!r}")
