"""The space of applications as solver variables, and a solver model back as an application.

Every fact the fact table reads gets a *known* flag and a value variable (matter and criminal
facts also a *not applicable* state, through the kind of matter: none given, civil, criminal).
Money is an integer number of fen divided by 100 (exact); dates are day numbers between
:data:`~.terms.DATE_LO` and :data:`~.terms.DATE_HI`. Household income is modelled as the
application gives it: per capita (with or without a size), a total without a size, or neither;
a per-capita amount and a size give the total (exactly, fen times persons).

:meth:`Space.valid` says what ``evaluate`` accepts for one pack (its period, places, matter
codes and groups); :meth:`Space.application` turns a model into application data that
``evaluate`` reads, so every finding's witness is decided by the evaluator itself.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import z3

from legalaid_rules.analysis._deps import FACTS, FactRef, ResolvedPack, walk
from legalaid_rules.analysis.terms import DATE_HI, DATE_LO, Codes, Val, Z, real

__all__ = ["FIXED_FACTS", "DatedView", "Space"]

_T, _F = z3.BoolVal(True), z3.BoolVal(False)
_REGION_FACTS = {
    "application.office": None,
    "locality.township": "township",
    "locality.city": "city",
    "locality.county": "county",
}
_ENUM_FACTS = ("application.instance", "application.case_category")
_APPLICANT_ENUMS = ("applicant.hukou",)
_CRIMINAL_FACTS = ("criminal.role", "criminal.stage", "criminal.notified_by", "criminal.possible_sentence")
_CRIMINAL_BOOLS = ("criminal.limited_capacity", "criminal.in_absentia")
_BOOL_FACTS = (
    "applicant.disabled",
    "applicant.sensory_disability",
    *_CRIMINAL_BOOLS,
    "applicant.fixed_income_source",
    "household.significant_assets",
    "household.listed_expenditure_cause",
    "urgency.preservation_needed",
)
_MAX_SIZE = 100

FIXED_FACTS = (
    "application.date",
    "application.office",
    "locality.township",
    "locality.city",
    "locality.county",
    "applicant.age",
)
"""Facts an applicant cannot change: counterfactuals hold them unless asked."""


def _day(d: dt.date) -> int:
    return d.toordinal()


class Space:
    """Symbolic applications for one or more packs (a diff compares two packs over one space).

    Args:
        packs: the packs whose codes (regions, matters, groups) the space must hold.
        prefix: a name prefix for the variables, so two spaces can live in one solver.
    """

    def __init__(self, packs: Sequence[ResolvedPack], prefix: str = "") -> None:
        self.packs = list(packs)
        self.codes = Codes()
        self.base: list[Z] = []
        p = prefix
        regions: dict[str, Any] = {}
        for pack in self.packs:
            regions.update(pack.regions)
        self.regions = regions
        self.date = z3.Int(f"{p}date")
        self.base.append(z3.And(self.date >= _day(DATE_LO), self.date <= _day(DATE_HI)))
        self.vars: dict[str, tuple[Z, Z]] = {}  # fact path -> (known, value)
        for path, level in _REGION_FACTS.items():
            k, c = z3.Bool(f"{p}{path}?"), z3.Int(f"{p}{path}")
            allowed = [self.codes.code(r) for r, e in sorted(regions.items()) if level in (None, e.level)]
            if path == "locality.township":
                allowed.append(Codes.OTHER)
            self.base.append(z3.Or([c == a for a in allowed]) if allowed else z3.Not(k))
            self.vars[path] = (k, c)
        for path in (*_ENUM_FACTS, *_APPLICANT_ENUMS, *_CRIMINAL_FACTS):
            k, c = z3.Bool(f"{p}{path}?"), z3.Int(f"{p}{path}")
            self.base.append(z3.Or([c == self.codes.code(v) for v in FACTS[path].type.values]))
            self.vars[path] = (k, c)
        for path in _BOOL_FACTS:
            self.vars[path] = (z3.Bool(f"{p}{path}?"), z3.Bool(f"{p}{path}"))
        (kd, dis), (ksd, sensory) = self.vars["applicant.disabled"], self.vars["applicant.sensory_disability"]
        self.base += [kd == ksd, z3.Implies(z3.And(ksd, sensory), dis)]  # both read applicant.disabilities
        for path, hi in (
            ("applicant.age", 130),
            ("urgency.days_to_deadline", 3650),
            ("household.size", _MAX_SIZE),
        ):
            k, n = z3.Bool(f"{p}{path}?"), z3.Int(f"{p}{path}")
            self.base.append(z3.And(n >= (1 if path == "household.size" else 0), n <= hi))
            self.vars[path] = (k, n)
        for path in (
            "household.per_capita_income",
            "household.income",
            "household.essential_expenditure",
            "household.per_capita_consumption_expenditure",
        ):
            k, n = z3.Bool(f"{p}{path}?"), z3.Int(f"{p}{path}")  # fen
            self.base.append(z3.And(n >= 0, n <= 10**9))
            self.vars[path] = (k, n)
        for path in ("case.approved_on", "case.closed_on"):
            k, d = z3.Bool(f"{p}{path}?"), z3.Int(f"{p}{path}")
            self.base.append(z3.And(d >= _day(DATE_LO), d <= _day(DATE_HI)))
            self.vars[path] = (k, d)
        (ka, a), (kc, c) = self.vars["case.approved_on"], self.vars["case.closed_on"]
        self.base += [z3.Implies(ka, a >= self.date), z3.Implies(z3.And(ka, kc), c >= a)]
        self.kind = z3.Int(f"{p}matter_kind")  # 0 neither given, 1 civil matter, 2 criminal
        self.matter = z3.Int(f"{p}matter")
        matters = sorted({m for pack in self.packs for m in pack.matters})
        self.base += [
            z3.And(self.kind >= 0, self.kind <= 2),
            z3.Or([self.matter == self.codes.code(m) for m in matters]),
        ]
        self._household()
        groups = sorted({g for pack in self.packs for g in pack.groups})
        self.groups_answered = z3.Bool(f"{p}groups?")
        self.claimed = {g: z3.Bool(f"{p}claims.{g}") for g in groups}
        self.proof = {g: z3.Bool(f"{p}proof.{g}") for g in groups}
        self.base += [z3.Implies(self.proof[g], self.claimed[g]) for g in groups]
        self.base += [z3.Implies(z3.Not(self.groups_answered), z3.Not(self.claimed[g])) for g in groups]

    def _household(self) -> None:
        (kp, pc), (ks, size), (ki, inc) = (
            self.vars["household.per_capita_income"],
            self.vars["household.size"],
            self.vars["household.income"],
        )
        times: Z = pc * _MAX_SIZE
        for n in range(_MAX_SIZE - 1, 0, -1):
            times = z3.If(size == n, pc * n, times)
        self.base += [
            z3.Implies(z3.And(kp, ks), ki),
            z3.Implies(z3.And(ki, ks), kp),
            z3.Implies(z3.And(kp, ki), ks),
            z3.Implies(z3.And(kp, ks, ki), inc == times),
        ]
        # spending is given as a household total and read per head: known only with the size (a
        # whole number of fen per head, the total being that times the size)
        self.base.append(z3.Implies(self.vars["household.per_capita_consumption_expenditure"][0], ks))

    # -- what a pack accepts -------------------------------------------------------------------

    def _in(self, path: str, ids: Sequence[str]) -> Z:
        k, c = self.vars[path]
        return z3.Implies(k, z3.Or([c == self.codes.code(r) for r in ids]) if ids else _F)

    def valid(self, pack: ResolvedPack, on: dt.date | None = None, *, date: Z | None = None) -> Z:
        """The applications ``evaluate`` accepts for ``pack`` (optionally on one date).

        ``date`` is the application date's term when it is not the space's own (a diff of two
        versions decides one application on a date of each version's period).
        """
        day = self.date if date is None else date
        end = pack.effective.end or DATE_HI
        out = [day >= _day(pack.effective.start), day <= _day(end)]
        if on is not None:
            out.append(day == _day(on))
        inside = [r for r in sorted(pack.regions) if pack.within(r, pack.jurisdiction)]
        out.append(self._in("application.office", inside))
        out.append(self._in("locality.city", [r for r in inside if pack.regions[r].level == "city"]))
        counties = [r for r in inside if pack.regions[r].level == "county"]
        out.append(self._in("locality.county", counties))
        (kcity, city), (kcounty, county) = self.vars["locality.city"], self.vars["locality.county"]
        for r in counties:
            home = pack.city_of(r)
            if home is not None:
                out.append(
                    z3.Implies(
                        z3.And(kcity, kcounty, county == self.codes.code(r)), city == self.codes.code(home)
                    )
                )
        # intake refuses a township the pack does not list, or one outside the county or city given
        townships = [r for r in inside if pack.regions[r].level == "township"]
        out.append(self._in("locality.township", townships))
        ktown, town = self.vars["locality.township"]
        cities = [r for r in inside if pack.regions[r].level == "city"]
        for t in townships:
            for key, level_ids in (("locality.county", counties), ("locality.city", cities)):
                known, value = self.vars[key]
                parents = [self.codes.code(r) for r in level_ids if pack.within(t, r)]
                out.append(
                    z3.Implies(
                        z3.And(ktown, known, town == self.codes.code(t)),
                        z3.Or([value == c for c in parents]) if parents else _F,
                    )
                )
        out.append(
            z3.Implies(
                self.kind == 1, z3.Or([self.matter == self.codes.code(m) for m in sorted(pack.matters)])
            )
        )
        out += [z3.Not(c) for g, c in self.claimed.items() if g not in pack.groups]
        return z3.And(*self.base, *out)

    def complete(self, pack: ResolvedPack) -> Z:
        """Every fact the pack reads is known, the group question answered, every claim proven,
        and every group the applicant belongs to by definition claimed with proof."""
        read = {n.path for r in pack.rules for n in _walk_facts(r.condition)}
        read |= {n.path for g in pack.groups.values() if g.definition for n in _walk_facts(g.definition)}
        out: list[Z] = [self.kind != 0, self.groups_answered]
        for path in sorted(read):
            v = self.fact(path)
            out.append(z3.Or(v.known, v.na))
        out += [z3.Implies(self.claimed[g], self.proof[g]) for g in pack.groups]
        for fact in {p.place_fact for p in pack.parameters.values() if p.place_fact}:
            out.append(self.vars[fact][0])
        return z3.And(out)

    # -- the source protocol -------------------------------------------------------------------

    def fact(self, path: str) -> Val:
        """A fact as a value with its flags."""
        if path == "application.date":
            return Val(_T, _F, self.date, "date")
        if path == "matter":
            return Val(self.kind == 1, self.kind == 2, self.matter, "text")
        k, v = self.vars[path]
        if path in _CRIMINAL_FACTS:
            return Val(z3.And(self.kind == 2, k), self.kind == 1, v, "text")
        if path in _CRIMINAL_BOOLS:
            return Val(z3.And(self.kind == 2, k), self.kind == 1, v, "bool")
        kind = FACTS[path].type.kind.value
        if kind == "money":
            return Val(k, _F, z3.ToReal(v) / 100, "num")
        if kind == "number":
            return Val(k, _F, z3.ToReal(v), "num")
        return Val(k, _F, v, {"date": "date", "bool": "bool"}.get(kind, "text"))

    def param(self, pack: ResolvedPack, name: str, date: Z | None = None) -> tuple[Val, Z]:
        """A parameter at the applicant's place and date: piecewise over places and periods."""
        p = pack.parameters[name]
        day = self.date if date is None else date
        (kcity, city), (kcounty, county) = self.vars["locality.city"], self.vars["locality.county"]
        if p.by == "city":
            home: Z = z3.IntVal(Codes.OTHER)
            for r in sorted(pack.regions):
                up = pack.city_of(r) if pack.regions[r].level == "county" else None
                if up is not None:
                    home = z3.If(county == self.codes.code(r), self.codes.code(up), home)
            place = z3.If(kcity, city, home)
            known_place = z3.Or(kcity, z3.And(kcounty, home != Codes.OTHER))
            places = [r for r, e in sorted(pack.regions.items()) if e.level == "city"]
        elif p.by == "county":
            place, known_place = county, kcounty
            places = [r for r, e in sorted(pack.regions.items()) if e.level == "county"]
        elif p.by == "office_city":
            # the city of the office applied at; an office in no city stands for itself (no value)
            koffice, office = self.vars["application.office"]
            place = z3.IntVal(Codes.OTHER)
            for r in sorted(pack.regions):
                place = z3.If(office == self.codes.code(r), self.codes.code(pack.office_city(r) or r), place)
            known_place = koffice
            places = [r for r, e in sorted(pack.regions.items()) if e.level == "city"]
        else:
            place, known_place, places = z3.IntVal(Codes.OTHER), _T, []
        cuts = {_day(DATE_LO), _day(DATE_HI) + 1}
        for v in p.values:
            if v.start is not None:
                cuts.add(_day(v.start))
            if v.end is not None:
                cuts.add(_day(v.end) + 1)
        bounds = sorted(c for c in cuts if _day(DATE_LO) <= c <= _day(DATE_HI) + 1)
        kind = "date" if p.type.kind.value == "date" else "bool" if p.type.kind.value == "bool" else "num"
        value: Z = {"date": z3.IntVal(0), "bool": _F, "num": z3.RealVal(0)}[kind]
        has: Z = _F
        for region in places if p.by else [None]:
            at_place = _T if region is None else place == self.codes.code(region)
            for lo, hi in itertools.pairwise(bounds):
                hit = p.lookup(dt.date.fromordinal(lo), region)
                if hit is None:
                    continue
                cond = z3.And(at_place, day >= lo, day < hi)
                value = z3.If(cond, _const(hit.value, kind), value)
                has = z3.Or(has, cond)
        has = z3.simplify(has)
        return Val(z3.And(known_place, has), _F, value, kind), z3.And(known_place, z3.Not(has))

    def claims(self, group: str) -> tuple[Z, Z, Z]:
        """The group question's answer, the claim and its proof."""
        if group not in self.claimed:
            return self.groups_answered, _F, _F
        return self.groups_answered, self.claimed[group], self.proof[group]

    def simplicity(self) -> list[Z]:
        """Soft goals for a short witness: facts left unknown, no group claims."""
        out = [z3.Not(k) for k, _ in self.vars.values()]
        out += [z3.Not(c) for c in self.claimed.values()]
        out += [z3.Not(self.groups_answered), self.kind == 0]
        return out

    # -- back to an application ----------------------------------------------------------------

    def application(self, model: Any) -> dict[str, Any]:
        """The application data a model describes (every unknown fact left out)."""

        def ev(term: Z) -> Any:
            return model.eval(term, model_completion=True)

        def known(path: str) -> bool:
            return bool(z3.is_true(ev(self.vars[path][0])))

        def num(path: str) -> int:
            return int(ev(self.vars[path][1]).as_long())

        def text(path: str) -> str | None:
            return self.codes.text(num(path))

        def flag(path: str) -> bool:
            return bool(z3.is_true(ev(self.vars[path][1])))

        def fen(path: str) -> Decimal:
            return Decimal(num(path)) / 100

        def day(path: str) -> str:
            return dt.date.fromordinal(num(path)).isoformat()

        app: dict[str, Any] = {"date": dt.date.fromordinal(ev(self.date).as_long()).isoformat()}
        if known("application.office"):
            app["office"] = text("application.office")
        loc = {
            key: (text(f"locality.{key}") or "elsewhere")
            for key in ("city", "county", "township")
            if known(f"locality.{key}")
        }
        if loc:
            app["locality"] = loc
        applicant: dict[str, Any] = {}
        if known("applicant.age"):
            applicant["age"] = num("applicant.age")
        if known("applicant.disabled"):
            applicant["disabilities"] = (
                ["hearing"]
                if flag("applicant.sensory_disability")
                else ["physical"]
                if flag("applicant.disabled")
                else []
            )
        for path in _APPLICANT_ENUMS:
            if known(path):
                applicant[path.split(".")[1]] = text(path)
        if known("applicant.fixed_income_source"):
            applicant["fixed_income_source"] = flag("applicant.fixed_income_source")
        if z3.is_true(ev(self.groups_answered)):
            applicant["groups"] = [
                {"group": g, "proof": bool(z3.is_true(ev(self.proof[g])))}
                for g in sorted(self.claimed)
                if z3.is_true(ev(self.claimed[g]))
            ]
        if applicant:
            app["applicant"] = applicant
        household: dict[str, Any] = {}
        kp, ks, ki = (known(f"household.{k}") for k in ("per_capita_income", "size", "income"))
        if kp:
            household["per_capita_monthly_income"] = str(fen("household.per_capita_income"))
        elif ki:
            household["monthly_income"] = str(fen("household.income"))
        if ks:
            household["size"] = num("household.size")
        if known("household.significant_assets"):
            household["significant_assets"] = flag("household.significant_assets")
        if known("household.essential_expenditure"):
            household["monthly_essential_expenditure"] = str(fen("household.essential_expenditure"))
        if known("household.per_capita_consumption_expenditure"):
            total = fen("household.per_capita_consumption_expenditure") * num("household.size")
            household["monthly_consumption_expenditure"] = str(total)  # the size is known with it
        if known("household.listed_expenditure_cause"):
            listed = flag("household.listed_expenditure_cause")
            household["expenditure_causes"] = ["serious_illness" if listed else "other"]
        if household:
            app["household"] = household
        kind = ev(self.kind).as_long()
        if kind == 1:
            app["matter"] = self.codes.text(ev(self.matter).as_long())
        elif kind == 2:
            criminal: dict[str, Any] = {k.split(".")[1]: text(k) for k in _CRIMINAL_FACTS if known(k)}
            criminal |= {k.split(".")[1]: flag(k) for k in _CRIMINAL_BOOLS if known(k)}
            app["criminal"] = criminal
        urgency: dict[str, Any] = {}
        if known("urgency.days_to_deadline"):
            urgency["days_to_deadline"] = num("urgency.days_to_deadline")
        if known("urgency.preservation_needed"):
            urgency["preservation_needed"] = flag("urgency.preservation_needed")
        if urgency:
            app["urgency"] = urgency
        case = {k.split(".")[1]: day(k) for k in ("case.approved_on", "case.closed_on") if known(k)}
        if case:
            app["case"] = case
        for path in _ENUM_FACTS:
            if known(path):
                app[path.split(".")[1]] = text(path)
        return app


def _const(value: Any, kind: str) -> Z:
    if kind == "date":
        return z3.IntVal(_day(value))
    if kind == "bool":
        return z3.BoolVal(bool(value))
    return real(value)


def _walk_facts(node: Any) -> list[FactRef]:
    return [n for n in walk(node) if isinstance(n, FactRef)]


class DatedView:
    """A space seen with another application date (the same application, decided on that date)."""

    def __init__(self, space: Space, date: Z) -> None:
        self.space, self.date, self.codes = space, date, space.codes

    def fact(self, path: str) -> Val:
        """As :meth:`Space.fact`, with this view's date."""
        if path == "application.date":
            return Val(_T, _F, self.date, "date")
        return self.space.fact(path)

    def param(self, pack: ResolvedPack, name: str) -> tuple[Val, Z]:
        """As :meth:`Space.param`, on this view's date."""
        return self.space.param(pack, name, self.date)

    def claims(self, group: str) -> tuple[Z, Z, Z]:
        """As :meth:`Space.claims`."""
        return self.space.claims(group)
