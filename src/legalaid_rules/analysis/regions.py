"""Regions of applications around a witness: the facts that bound them, in words.

Used by ``diff`` and narrowing (which applications change, described as constraints) and by
counterfactuals (the range of an amount that gives the target outcome).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import z3

from legalaid_rules.analysis._deps import FACTS, Kind
from legalaid_rules.analysis.space import Space
from legalaid_rules.analysis.terms import Z
from legalaid_rules.analysis.text import application_text

__all__ = ["block", "bound", "describe", "hold", "matters_alike", "money_text"]

_NUMERIC = (
    "household.per_capita_income",
    "household.income",
    "household.essential_expenditure",
    "household.per_capita_consumption_expenditure",
    "applicant.age",
    "household.size",
    "urgency.days_to_deadline",
)


def money_text(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f}"


def matters_alike(space: Space, model: Any, region: Z) -> list[str]:
    """The matters for which the witness, all else held, changes the same way."""
    if not z3.is_true(model.eval(space.kind == 1, model_completion=True)):
        return []
    held = [c for c in hold(space, model, "matter")]
    s = z3.Solver()
    s.add(region, *held)
    out = []
    for code in sorted({m for pack in space.packs for m in pack.matters}):
        if s.check(space.matter == space.codes.code(code)) == z3.sat:
            out.append(code)
    return out


def block(space: Space, model: Any, region: Z) -> Z:
    """Leave out the next witnesses like this one: the same kind of matter (all matters found alike)."""
    kind = model.eval(space.kind, model_completion=True)
    if not z3.is_true(kind == 1):
        return space.kind != kind
    alike = matters_alike(space, model, region)
    return z3.Not(z3.And(space.kind == 1, z3.Or([space.matter == space.codes.code(m) for m in alike])))


def describe(space: Space, model: Any, region: Z, app: dict[str, Any]) -> tuple[str, str]:
    """The region around a witness: each numeric fact's interval with the others held, the
    matters that behave alike, the claims."""
    matters = matters_alike(space, model, region)
    parts_zh: list[str] = []
    parts_en: list[str] = []
    for path in _NUMERIC:
        k, v = space.vars[path]
        if not z3.is_true(model.eval(k, model_completion=True)):
            continue
        held = hold(space, model, path)
        lo, hi = bound(region, held, v, minimize=True), bound(region, held, v, minimize=False)
        if lo is None or hi is None:
            continue
        fact = FACTS[path]
        money = fact.type.kind is Kind.MONEY
        top = 10**9 if money else {"applicant.age": 130, "household.size": 100}.get(path, 3650)
        low_floor = 1 if path == "household.size" else 0
        if lo <= low_floor and hi >= top:
            continue  # this fact does not bound the region
        if money:
            span = f"[{money_text(lo)}, {money_text(hi + 1)})" if hi < top else f"≥ {money_text(lo)}"
        else:
            span = f"[{lo}, {hi}]" if hi < top else f"≥ {lo}"
        at_least = span.startswith("≥")
        parts_zh.append(f"{fact.zh} {span}" if at_least else f"{fact.zh}在 {span}")
        parts_en.append(f"{fact.en} {span}" if at_least else f"{fact.en} in {span}")
    if "matter" in app:
        listed = matters or [app["matter"]]
        shown = "、".join(listed[:6]) + (f" 等 {len(listed)} 项" if len(listed) > 6 else "")
        parts_zh.append(f"事项为 {shown}")
        parts_en.append(
            f"matter in {', '.join(listed[:6])}" + (f" ({len(listed)} matters)" if len(listed) > 6 else "")
        )
    elif "criminal" in app:
        parts_zh.append("刑事案件" + (f"（{application_text(app['criminal'])}）" if app["criminal"] else ""))
        parts_en.append(
            "a criminal matter" + (f" ({application_text(app['criminal'])})" if app["criminal"] else "")
        )
    claims = (app.get("applicant") or {}).get("groups")
    if claims == []:
        parts_zh.append("未声明属于任何特殊群体")
        parts_en.append("no special group claimed")
    elif claims:
        parts_zh.append(
            "声明属于 " + "、".join(c["group"] + ("（已证明）" if c["proof"] else "") for c in claims)
        )
        parts_en.append(
            "claims " + ", ".join(c["group"] + (" (proven)" if c["proof"] else "") for c in claims)
        )
    if not any(k in app for k in ("matter", "criminal")) and not claims and len(parts_zh) == 0:
        parts_zh.append("见例证")
        parts_en.append("see the witness")
    return "且".join(parts_zh), " and ".join(parts_en)


def hold(space: Space, model: Any, path: str) -> list[Z]:
    """Every variable at its value in the model, except those of one fact (``matter``: the code)."""
    out = []
    for p, (k, v) in space.vars.items():
        if p == path:
            out.append(k == model.eval(k, model_completion=True))
            continue
        if path.startswith("household.") and p.startswith("household.") and p != "household.size":
            out.append(k == model.eval(k, model_completion=True))
            continue
        out += [k == model.eval(k, model_completion=True), v == model.eval(v, model_completion=True)]
    terms = [space.date, space.kind, space.groups_answered, *space.claimed.values(), *space.proof.values()]
    if path != "matter":
        terms.append(space.matter)
    for term in terms:
        out.append(term == model.eval(term, model_completion=True))
    return out


def bound(region: Z, held: list[Z], var: Z, *, minimize: bool) -> int | None:
    opt = z3.Optimize()
    opt.set("timeout", 5000)
    opt.add(region, *held)
    handle = opt.minimize(var) if minimize else opt.maximize(var)
    if opt.check() != z3.sat:
        return None
    value = opt.lower(handle) if minimize else opt.upper(handle)
    return int(value.as_long()) if z3.is_int_value(value) else None
