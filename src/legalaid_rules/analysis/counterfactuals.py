"""What would change a decision: the smallest changes of facts that give another outcome.

The application is pinned fact by fact; each fact (the household's income taken as one fact,
each group claim as one) may be released at a cost of one, and the solver finds the cheapest
releases that give the target outcome, then the next cheapest, and so on (a set of changes is
never reported together with a larger set that contains it). Facts the applicant cannot change
(date, place, age: :data:`~.space.FIXED_FACTS`) stay pinned unless ``hold_fixed=False``. Every
change is checked by deciding the changed application again with ``evaluate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import z3

from legalaid_rules.analysis._deps import (
    FACTS,
    NOT_APPLICABLE,
    UNKNOWN,
    Application,
    Kind,
    ResolvedPack,
    evaluate,
    to_application,
)
from legalaid_rules.analysis.regions import bound, hold, money_text
from legalaid_rules.analysis.space import FIXED_FACTS, Space
from legalaid_rules.analysis.terms import SOLVER_LOCK, Z, real
from legalaid_rules.analysis.text import OUTCOME_LABEL, application_text
from legalaid_rules.analysis.translate import Translator, Verdict
from legalaid_rules.analysis.witness import Decided, decide

__all__ = ["Counterfactual", "Counterfactuals", "counterfactuals", "counterfactuals_text"]

_HOUSEHOLD = ("household.per_capita_income", "household.income", "household.size")
_TARGET = {"eligible": "ineligible", "ineligible": "eligible", "undetermined": "eligible"}


@dataclass(frozen=True)
class FactChange:
    """One fact changed: its label, the old and new values, and for amounts the range that works."""

    fact: str
    zh: str
    en: str
    old: str
    new: str
    range: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "fact": self.fact,
            "zh": self.zh,
            "en": self.en,
            "old": self.old,
            "new": self.new,
            "range": self.range,
        }


@dataclass(frozen=True)
class Counterfactual:
    """One way to another outcome: the facts changed, the changed application and its decision."""

    changes: tuple[FactChange, ...]
    application: dict[str, Any]
    decision: Decided
    confirmed: bool

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "changes": [c.as_json() for c in self.changes],
            "application": self.application,
            "decision": self.decision.as_json(),
            "confirmed": self.confirmed,
        }


@dataclass
class Counterfactuals:
    """The original decision and the changes that give the target outcome, fewest changes first."""

    outcome: str
    target: str
    found: list[Counterfactual] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {"outcome": self.outcome, "target": self.target, "found": [c.as_json() for c in self.found]}


def _units(space: Space) -> dict[str, list[Z]]:
    """The changeable facts and the variables each one holds."""
    out: dict[str, list[Z]] = {}
    for path, (k, v) in space.vars.items():
        if path in _HOUSEHOLD:
            out.setdefault("household.income", []).extend((k, v))
        elif path.startswith("criminal."):
            out.setdefault(path, []).extend((k, v))
        else:
            out[path] = [k, v]
    out["application.date"] = [space.date]
    out["matter"] = [space.kind, space.matter]
    for g in space.claimed:
        out[f"applicant.groups.{g}"] = [space.claimed[g], space.proof[g]]
    return out


def _pins(space: Space, app: Application) -> dict[str, list[Z]]:
    """Constraints holding each changeable fact at the application's value."""
    pins: dict[str, list[Z]] = {}
    for path, (k, v) in space.vars.items():
        value = FACTS[path].read(app)
        unit = "household.income" if path in _HOUSEHOLD else path
        if value is UNKNOWN or value is NOT_APPLICABLE:
            pins.setdefault(unit, []).append(z3.Not(k))
            continue
        kind = FACTS[path].type.kind
        if kind is Kind.TEXT:
            term = v == space.codes.code(str(value))
        elif kind is Kind.BOOL:
            term = v == bool(value)
        elif kind is Kind.DATE:
            term = v == value.toordinal()
        elif kind is Kind.MONEY:
            term = z3.ToReal(v) == real(Decimal(value) * 100)
        else:
            term = v == int(value)
        pins.setdefault(unit, []).extend((k, term))
    pins["application.date"] = [space.date == app.date.toordinal()]
    kind_value = 1 if app.matter is not None else 2 if app.criminal is not None else 0
    pins["matter"] = [space.kind == kind_value]
    if app.matter is not None:
        pins["matter"].append(space.matter == space.codes.code(app.matter))
    groups = app.applicant.groups
    pins["applicant.groups"] = [space.groups_answered == (groups is not None)]  # released with any claim
    claims = {} if groups is None else {g.group: g.proof for g in groups}
    for g in space.claimed:
        pins[f"applicant.groups.{g}"] = [
            space.claimed[g] == (g in claims),
            space.proof[g] == bool(claims.get(g)),
        ]
    return pins


def counterfactuals(
    pack: ResolvedPack,
    application: Application | Mapping[str, Any],
    *,
    target: str | None = None,
    hold_fixed: bool = True,
    limit: int = 5,
) -> Counterfactuals:
    """The smallest changes of facts that give another outcome, each verified by ``evaluate``.

    Args:
        pack: the pack in force on the application date.
        application: the application, as a model or plain data.
        target: the outcome wanted (default: eligible for an ineligible or undetermined
            decision, ineligible for an eligible one).
        hold_fixed: keep the date, place and age as they are (the applicant cannot change them).
        limit: at most this many ways.

    Raises:
        ApplicationError: the application is invalid or does not fit the pack.
    """
    with SOLVER_LOCK:
        app = to_application(application)
        original = evaluate(pack, app, steps=False)
        goal = target or _TARGET[original.outcome.value]
        result = Counterfactuals(original.outcome.value, goal)
        space, verdict = _prepared(pack)
        pins = _pins(space, app)
        region = z3.And(space.valid(pack), z3.Not(verdict.refused), verdict.outcome(goal))
        solver = z3.Solver()
        solver.set("timeout", 10000)
        solver.add(region)
        changed: dict[str, Z] = {}
        for unit in _units(space):
            held = pins.get(unit, [])
            if (hold_fixed and unit in FIXED_FACTS) or unit == "application.date":
                solver.add(*held)
                continue
            flag = changed[unit] = z3.Bool(f"changed:{unit}")
            solver.add(z3.Implies(z3.Not(flag), z3.And(held)))
        claims = [f for u, f in changed.items() if u.startswith("applicant.groups.")]
        solver.add(
            z3.Implies(
                z3.Not(z3.Or(claims)) if claims else z3.BoolVal(True), z3.And(pins["applicant.groups"])
            )
        )
        flags = list(changed.values())
        cost = 1
        while len(result.found) < limit and cost <= len(flags):
            if solver.check(z3.AtMost(*flags, cost)) != z3.sat:
                cost += 1
                continue
            model = solver.model()
            used = [u for u, f in changed.items() if z3.is_true(model.eval(f, model_completion=True))]
            alike = _alike_claims(solver, changed, used)
            new_app = space.application(model)
            decided = decide(pack, new_app)
            changes = tuple(_change(space, model, region, app, new_app, u, alike) for u in used)
            result.found.append(Counterfactual(changes, new_app, decided, decided.outcome == goal))
            if not used:
                break  # the application already has the target outcome
            for chosen in [[g if u in alike else u for u in used] for g in alike] or [used]:
                solver.add(z3.Not(z3.And([changed[u] for u in chosen])))
        return result


class _Prepared:
    """A pack's solver space and verdict, kept in the pack's cache (built once per pack)."""

    def __init__(self, pack: ResolvedPack) -> None:
        self.space = Space([pack])
        self.verdict = Verdict.of(Translator(pack, self.space))


def _prepared(pack: ResolvedPack) -> tuple[Space, Verdict]:
    """The pack's space and verdict, built once per pack."""
    built = pack.cache.get(_Prepared, lambda: _Prepared(pack))
    return built.space, built.verdict


def _alike_claims(solver: z3.Solver, changed: dict[str, Z], used: list[str]) -> list[str]:
    """When a change proves one group, every other group whose proof would do as well."""
    groups = [u for u in used if u.startswith("applicant.groups.")]
    if len(groups) != 1:
        return []
    kept = {u for u in used if u != groups[0]}
    rest = [changed[u] for u in sorted(kept)]
    out = []
    for unit, flag in changed.items():
        if not unit.startswith("applicant.groups."):
            continue
        if unit == groups[0]:
            out.append(unit)
            continue
        others = [z3.Not(f) for u, f in changed.items() if u != unit and u not in kept]
        if solver.check(flag, *rest, *others) == z3.sat:
            out.append(unit)
    return out


def _label(path: str) -> tuple[str, str]:
    if path == "household.income":
        return "家庭收入（人均月收入、人口）", "household income (per capita, size)"
    if path == "matter":
        return "申请事项（或刑事案件）", "the matter (or a criminal case)"
    if path == "applicant.groups":
        return "是否回答特殊群体问题", "whether special groups were answered"
    if path.startswith("applicant.groups."):
        g = path.rsplit(".", 1)[1]
        return f"特殊群体身份及证明：{g}", f"special group and proof: {g}"
    fact = FACTS[path]
    return fact.zh, fact.en


def _shown(app: Application | None, data: dict[str, Any] | None, path: str) -> str:
    if app is None:
        app = Application.model_validate(data)
    if path == "household.income":
        values = [FACTS[p].read(app) for p in _HOUSEHOLD]
        return " / ".join("?" if v is UNKNOWN or v is NOT_APPLICABLE else str(v) for v in values)
    if path == "matter":
        return app.matter or ("criminal" if app.criminal is not None else "?")
    if path == "applicant.groups":
        return "?" if app.applicant.groups is None else "answered"
    if path.startswith("applicant.groups."):
        g = path.rsplit(".", 1)[1]
        claim = {c.group: c.proof for c in app.applicant.groups or ()}.get(g)
        return "not claimed" if claim is None else ("proven" if claim else "claimed, no proof")
    v = FACTS[path].read(app)
    return "?" if v is UNKNOWN else "n/a" if v is NOT_APPLICABLE else str(v)


def _change(
    space: Space, model: Any, region: Z, app: Application, new: dict[str, Any], unit: str, alike: list[str]
) -> FactChange:
    zh, en = _label(unit)
    if unit in alike and len(alike) > 1:
        names = [u.rsplit(".", 1)[1] for u in alike]
        return FactChange(
            "applicant.groups",
            "证明属于下列特殊群体之一：" + "、".join(names),
            "proof of belonging to one of: " + ", ".join(names),
            _shown(app, None, unit),
            "proven",
        )
    span = None
    path = "household.per_capita_income" if unit == "household.income" else unit
    if path in space.vars and FACTS[path].type.kind in (Kind.MONEY, Kind.NUMBER):
        k, v = space.vars[path]
        if z3.is_true(model.eval(k, model_completion=True)):
            held = hold(space, model, path)
            lo, hi = bound(region, held, v, minimize=True), bound(region, held, v, minimize=False)
            if lo is not None and hi is not None:
                money = FACTS[path].type.kind is Kind.MONEY
                top = 10**9 if money else 3650
                fmt = money_text if money else str
                span = (
                    f"[{fmt(lo)}, {fmt(hi + 1) + ')' if money else fmt(hi) + ']'}"
                    if hi < top
                    else f"≥ {fmt(lo)}"
                )
    return FactChange(unit, zh, en, _shown(app, None, unit), _shown(None, new, unit), span)


def counterfactuals_text(result: Counterfactuals, lang: str = "zh") -> str:
    """The counterfactuals for a person."""
    zh = lang == "zh"
    i = 0 if zh else 1
    lines = [
        f"{'原决定' if zh else 'decision'}：{OUTCOME_LABEL[result.outcome][i]}；"
        f"{'目标' if zh else 'target'}：{OUTCOME_LABEL[result.target][i]}"
    ]
    if not result.found:
        lines.append(
            "不改变不可改变的事实，无法得到目标结论"
            if zh
            else "no change of changeable facts gives the target"
        )
    for n, cf in enumerate(result.found, 1):
        lines.append(f"{n}. {'改变' if zh else 'change'} {len(cf.changes)} {'项' if zh else 'fact(s)'}：")
        for c in cf.changes:
            rng = f"（{'可行范围' if zh else 'works in'} {c.range}）" if c.range else ""
            lines.append(f"   - {c.zh if zh else c.en}：{c.old} -> {c.new}{rng}")
        lines.append(
            f"   {'改变后的申请' if zh else 'changed application'}：{application_text(cf.application)}"
        )
        lines.append(
            f"   evaluate：{OUTCOME_LABEL[cf.decision.outcome][i]}"
            + ("" if cf.confirmed else ("（！未证实）" if zh else " (! not confirmed)"))
        )
    return "\n".join(lines)
