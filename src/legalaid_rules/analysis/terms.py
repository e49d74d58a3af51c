"""Three-valued terms for the solver: a truth as two z3 booleans, a fact as known / not applicable / value.

A condition's result is a :class:`Tri`: ``t`` (it is true) and ``f`` (it is false), never both;
neither means unknown. This is Kleene logic, exactly as the evaluator's: ``and`` is false as
soon as one part is false, ``or`` true as soon as one part is true.

A fact or computed value is a :class:`Val`: ``known`` (there is a value), ``na`` (it cannot
apply, e.g. the criminal role of a civil matter) and the value itself; neither flag means the
application does not say. Numbers and money are z3 reals built from exact fractions (never
floats); dates are day numbers; codes (matters, regions, enumerations) are integers.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import z3

__all__ = [
    "DATE_HI",
    "DATE_LO",
    "FALSE",
    "SOLVER_LOCK",
    "TRUE",
    "UNKNOWN_TRI",
    "Codes",
    "Tri",
    "Val",
    "all_tri",
    "any_tri",
    "const",
    "real",
    "year_of",
]

Z = Any  # z3 ships no type information

SOLVER_LOCK = threading.RLock()
"""z3's Python API shares one context per process and is not thread-safe: every public entry
point of the analysis holds this lock, so calls from several threads take turns."""

DATE_LO = dt.date(2000, 1, 1)
DATE_HI = dt.date(2040, 12, 31)
"""Dates the solver considers (application, approval and closing dates)."""


@dataclass(frozen=True, slots=True)
class Tri:
    """A three-valued result: ``t`` when true, ``f`` when false, neither when unknown."""

    t: Z
    f: Z

    @property
    def unknown(self) -> Z:
        """The result is unknown."""
        return z3.And(z3.Not(self.t), z3.Not(self.f))

    def negate(self) -> Tri:
        """Kleene ``not``."""
        return Tri(self.f, self.t)


TRUE = Tri(z3.BoolVal(True), z3.BoolVal(False))
FALSE = Tri(z3.BoolVal(False), z3.BoolVal(True))
UNKNOWN_TRI = Tri(z3.BoolVal(False), z3.BoolVal(False))


def const(value: bool | None) -> Tri:
    """A constant three-valued result."""
    return UNKNOWN_TRI if value is None else TRUE if value else FALSE


def all_tri(items: list[Tri]) -> Tri:
    """Kleene ``and``."""
    if not items:
        return TRUE
    return Tri(z3.And([i.t for i in items]), z3.Or([i.f for i in items]))


def any_tri(items: list[Tri]) -> Tri:
    """Kleene ``or``."""
    if not items:
        return FALSE
    return Tri(z3.Or([i.t for i in items]), z3.And([i.f for i in items]))


@dataclass(frozen=True, slots=True)
class Val:
    """A value: ``known``, ``na`` (not applicable) or neither (unknown); ``val`` when known.

    ``kind`` is ``num`` (a z3 real), ``date`` (a day number), ``text`` (a code) or ``bool``.
    """

    known: Z
    na: Z
    val: Z
    kind: str

    @property
    def unknown(self) -> Z:
        """The application does not say."""
        return z3.And(z3.Not(self.known), z3.Not(self.na))


def real(value: Decimal | int | Fraction) -> Z:
    """An exact z3 real from a Decimal or an integer (through a fraction: never a float)."""
    f = Fraction(value)
    return z3.RealVal(f"{f.numerator}/{f.denominator}") if f.denominator != 1 else z3.RealVal(f.numerator)


class Codes:
    """Texts (matter codes, region ids, enumeration values) as integers; 0 is any other text."""

    OTHER = 0

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}
        self._texts: dict[int, str] = {}

    def code(self, text: str) -> int:
        """The integer of a text, given on first use."""
        c = self._codes.get(text)
        if c is None:
            c = self._codes[text] = len(self._codes) + 1
            self._texts[c] = text
        return c

    def text(self, code: int) -> str | None:
        """The text of a code, or None for :attr:`OTHER`."""
        return self._texts.get(code)


def year_of(day: Z) -> Z:
    """The calendar year of a day number (exact for the dates the solver considers)."""
    if z3.is_int_value(day):
        return z3.IntVal(dt.date.fromordinal(day.as_long()).year)
    out: Z = z3.IntVal(DATE_HI.year)
    for year in range(DATE_HI.year - 1, DATE_LO.year - 1, -1):
        out = z3.If(day < dt.date(year + 1, 1, 1).toordinal(), year, out)
    return out
