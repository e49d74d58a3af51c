"""What a parameter's value may be, by the parameter's kind.

The file format's ``type`` of a parameter says what kind of figure it is, and every value given
for it (in the pack, its ``values`` or a child's ``parameter_values``) must be one:

- ``money``: yuan, not negative, at most two decimals (fen);
- ``number``: any finite number;
- ``ratio``: a share from 0 to 1 (``0.80``, not ``80``);
- ``count``: a whole number of at least 1 (cases, times, hours);
- ``date`` and ``bool``: a calendar date; ``true`` or ``false``.

``caseload_cap`` (the yearly cap on a lawyer's cases) is a count whatever its declared type: a
cap of ``90.5``, ``-90`` or ``1e29`` cannot be applied, and a missing cap is refused where it is
asked for, so the cap can never be switched off from a pack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from legalaid_rules.i18n import _

__all__ = ["CAP_LIMIT", "KINDS", "ValueProblem", "value_problem"]

KINDS = ("money", "number", "ratio", "count", "date", "bool")
"""The parameter types of the file format."""

CAP_LIMIT = 10_000
"""No lawyer takes ten thousand legal-aid cases a year: a larger cap is a typing mistake."""

_MONEY_LIMIT = Decimal(10) ** 12
_CAP = "caseload_cap"


@dataclass(frozen=True, slots=True)
class ValueProblem:
    """Why a value does not fit its parameter: a problem code, the message and a hint."""

    code: str
    message: str
    hint: str | None = None


def _number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def value_problem(name: str, kind: str, value: Any) -> ValueProblem | None:
    """The problem with ``value`` as a value of parameter ``name`` of type ``kind``, or None.

    >>> value_problem("minimum_living_standard", "money", Decimal("780.005")).code
    'pack.value_decimals'
    >>> value_problem("caseload_cap", "number", 90) is None
    True
    """
    if value is None:
        return ValueProblem("pack.value_null", _("a value is required here, not null"), _("write the figure"))
    if name == _CAP:
        return _cap_problem(value)
    if kind == "date":
        ok = isinstance(value, dt.date)
        return (
            None
            if ok
            else ValueProblem(
                "pack.value_type",
                _("`{value}` is not a date value").format(value=value),
                _("write YYYY-MM-DD"),
            )
        )
    if kind == "bool":
        ok = isinstance(value, bool)
        return (
            None
            if ok
            else ValueProblem(
                "pack.value_type",
                _("`{value}` is not a bool value").format(value=value),
                _("write true or false"),
            )
        )
    if not _number(value):
        return ValueProblem(
            "pack.value_type",
            _("`{value}` is not a {kind} value").format(value=value, kind=kind),
            _("write a number"),
        )
    number = Decimal(value)
    if kind == "money":
        if number < 0:
            return ValueProblem(
                "pack.value_negative", _("`{value}` is negative: money cannot be").format(value=value)
            )
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            return ValueProblem(
                "pack.value_decimals",
                _("`{value}` has more than two decimals: money is in yuan and fen").format(value=value),
                _("round to fen, e.g. 780.00"),
            )
        if number >= _MONEY_LIMIT:
            return ValueProblem(
                "pack.value_range", _("`{value}` is too large for a sum of money").format(value=value)
            )
    if kind == "ratio" and not 0 <= number <= 1:
        return ValueProblem(
            "pack.value_range",
            _("`{value}` is not a ratio from 0 to 1").format(value=value),
            _("write 80% as 0.80"),
        )
    if kind == "count" and not (isinstance(value, int) and value >= 1):
        return ValueProblem(
            "pack.value_count", _("`{value}` is not a whole number of at least 1").format(value=value)
        )
    return None


def _cap_problem(value: Any) -> ValueProblem | None:
    hint = _("the cap is a whole number of cases a year, e.g. 90")
    if not _number(value) or isinstance(value, Decimal) or value < 1:
        return ValueProblem(
            "pack.caseload_cap",
            _("`caseload_cap` must be a positive whole number, not `{value}`").format(value=value),
            hint,
        )
    if value > CAP_LIMIT:
        return ValueProblem(
            "pack.caseload_cap",
            _("`caseload_cap` of `{value}` is more cases than anyone can take in a year").format(value=value),
            hint,
        )
    return None
