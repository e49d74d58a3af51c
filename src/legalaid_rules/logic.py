"""Three-valued (Kleene) logic: ``True``, ``False`` and ``None`` for unknown.

An ``and`` with one false part is false and an ``or`` with one true part is true, whatever the
unknown parts are; otherwise an unknown part leaves the result unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

from legalaid_rules.decisions import Truth

__all__ = ["TRUTH", "Tri", "all_of", "any_of"]

Tri = bool | None
TRUTH: dict[Tri, Truth] = {True: Truth.TRUE, False: Truth.FALSE, None: Truth.UNKNOWN}
"""A three-valued result as it is reported."""


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
