"""Values of the condition language: unknown markers, the decimal context, three-valued logic.

A fact reads as a value, as :data:`UNKNOWN` (the application does not say), or as
:data:`NOT_APPLICABLE` (it cannot apply: a civil matter has no criminal role). Unknown makes a
comparison unknown; not-applicable makes every comparison false.

Truth values are ``True``, ``False`` and ``None`` (unknown), combined as Kleene logic: an ``and``
with one false part is false and an ``or`` with one true part is true, whatever the unknown parts
are; otherwise an unknown part leaves the result unknown.

>>> any_of([None, True]), all_of([None, False]), all_of([None, True])
(True, False, None)

This module imports no model: every layer may use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Context, Decimal
from enum import Enum
from typing import Final

__all__ = [
    "MATH",
    "NOT_APPLICABLE",
    "UNKNOWN",
    "Tri",
    "all_of",
    "any_of",
    "exact_division",
]


class _Marker(Enum):
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"

    def __repr__(self) -> str:
        return self.value


UNKNOWN: Final = _Marker.UNKNOWN
"""The application does not say."""
NOT_APPLICABLE: Final = _Marker.NOT_APPLICABLE
"""The fact cannot apply (a civil matter has no criminal role)."""

MATH: Final = Context(prec=50)
"""The decimal context of every computation: 50 digits, whatever context the caller set."""


def exact_division(a: Decimal, b: int | Decimal) -> Decimal:
    """``a / b`` to 50 significant digits, independent of the caller's decimal context.

    Far finer than any fen amount, so a quotient just below a boundary never rounds onto it.

    >>> exact_division(Decimal(3120), 2)
    Decimal('1560')
    """
    return MATH.divide(a, Decimal(b))


Tri = bool | None
"""A three-valued truth: ``None`` is unknown."""


def all_of(values: Iterable[Tri]) -> Tri:
    """Kleene ``and``: false as soon as one part is false."""
    out: Tri = True
    for v in values:
        if v is False:
            return False
        if v is None:
            out = None
    return out


def any_of(values: Iterable[Tri]) -> Tri:
    """Kleene ``or``: true as soon as one part is true."""
    out: Tri = False
    for v in values:
        if v is True:
            return True
        if v is None:
            out = None
    return out
