"""One concrete application as a solver source: every fact a constant, read by the fact table.

Used to prove the translation faithful: the verdict of the translated pack on a concrete
application must equal ``evaluate``'s decision (``tests/test_analysis_translate.py``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import z3

from legalaid_rules.analysis._deps import FACTS, NOT_APPLICABLE, UNKNOWN, Application, Kind, ResolvedPack
from legalaid_rules.analysis.terms import DATE_LO, SOLVER_LOCK, Codes, Val, Z, real
from legalaid_rules.analysis.translate import Translator, Verdict

__all__ = ["ConcreteSource", "concrete_verdict", "placeholder"]

_T, _F = z3.BoolVal(True), z3.BoolVal(False)
_KINDS = {Kind.MONEY: "num", Kind.NUMBER: "num", Kind.DATE: "date", Kind.TEXT: "text", Kind.BOOL: "bool"}


def placeholder(kind: Kind) -> Z:
    """A value of the right sort for a fact that has none (never read: its flags say so)."""
    if kind is Kind.BOOL:
        return z3.BoolVal(False)
    if kind is Kind.DATE:
        return z3.IntVal(DATE_LO.toordinal())
    return z3.RealVal(0) if _KINDS[kind] == "num" else z3.IntVal(0)


class ConcreteSource:
    """The facts of one application, as constants."""

    def __init__(self, app: Application, codes: Codes | None = None) -> None:
        self.app = app
        self.codes = codes or Codes()
        groups = app.applicant.groups
        self._claims = None if groups is None else {g.group: g.proof for g in groups}

    def _val(self, v: Any, kind: Kind) -> Val:
        if v is UNKNOWN or v is NOT_APPLICABLE:
            return Val(_F, z3.BoolVal(v is NOT_APPLICABLE), placeholder(kind), _KINDS[kind])
        if isinstance(v, bool):
            return Val(_T, _F, z3.BoolVal(v), "bool")
        if kind is Kind.DATE:
            return Val(_T, _F, z3.IntVal(v.toordinal()), "date")
        if isinstance(v, str):
            return Val(_T, _F, z3.IntVal(self.codes.code(v)), "text")
        if isinstance(v, int | Decimal):
            return Val(_T, _F, real(v), "num")
        raise TypeError(f"unexpected fact value {v!r}")  # pragma: no cover

    def fact(self, path: str) -> Val:
        """A fact, as the fact table reads it."""
        return self._val(FACTS[path].read(self.app), FACTS[path].type.kind)

    def param(self, pack: ResolvedPack, name: str) -> tuple[Val, Z]:
        """A parameter at the applicant's place and date (as the native plan looks it up)."""
        p = pack.parameters[name]
        loc = self.app.locality
        city = pack.applicant_city(loc.city, loc.county)
        office_city = pack.office_city(self.app.office)
        hit = p.at(self.app.date, city, loc.county, office_city)
        if hit is None:
            place_known = p.by is None or p.region_for(city, loc.county, office_city) is not None
            return self._val(UNKNOWN, p.type.kind), z3.BoolVal(place_known)
        return self._val(hit.value, p.type.kind), _F

    def claims(self, group: str) -> tuple[Z, Z, Z]:
        """The group claims of the application."""
        if self._claims is None:
            return _F, _F, _F
        proof = self._claims.get(group)
        return _T, z3.BoolVal(proof is not None), z3.BoolVal(bool(proof))


def concrete_verdict(pack: ResolvedPack, app: Application) -> dict[str, str]:
    """What the translated pack decides for one application: outcome and economic condition.

    Returns ``{"outcome": ..., "economic": ...}`` with the evaluator's values, or
    ``{"outcome": "refused"}`` when the decision would wait on a figure the pack lacks.
    """

    def holds(term: Z) -> bool:
        return bool(z3.is_true(z3.simplify(term)))

    with SOLVER_LOCK:
        verdict = Verdict.of(Translator(pack, ConcreteSource(app)))
        if holds(verdict.refused):
            return {"outcome": "refused"}
        outcome = next(o for o in ("eligible", "ineligible", "undetermined") if holds(verdict.outcome(o)))
        economic = next(k for k, term in verdict.economic.items() if holds(term))
        return {"outcome": outcome, "economic": economic}
