"""Narrowing: applications the parent pack grants and the child pack refuses, on the same date.

A district plan may not take away aid a provincial regulation gives. The comparison runs the
parent's *rules* at the child's place: :func:`parent_at_child` builds that pack, the parent with

- the child's places (the child's counties are not in the parent's region list);
- the parent's figures, and the child's where the parent has none for a place (a province
  leaves its cities' 低保 to the city packs; a child that *lowers* a figure the parent states is
  still compared against the parent's);
- the child's means test when the parent has none of its own (Art 34 leaves it to provinces);
- the matters only the child knows, as not listed (the parent does not grant them).

Declared narrowing: the pack format lets a child take a matter off its list with
``override: true`` and ``listed: false`` and its own ``basis``; such matters are reported as
``info`` with that citation, and the search for undeclared narrowing leaves them out. Any other
narrowing (a stricter means test, a rule overridden with a narrower condition) has no marker in
the format: it is an ``error`` (see ``docs/analysis.md`` for the marker proposed).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import z3

from legalaid_rules.analysis._deps import PackCache, Registry, ResolvedPack, load_pack
from legalaid_rules.analysis.regions import block, describe
from legalaid_rules.analysis.results import Finding
from legalaid_rules.analysis.space import Space
from legalaid_rules.analysis.translate import Translator, Verdict
from legalaid_rules.analysis.witness import decide, solve

__all__ = ["declared_narrowing", "narrowing", "parent_at_child"]

_LIMIT = 6


def parent_at_child(parent: ResolvedPack, child: ResolvedPack) -> ResolvedPack:
    """The parent's rules, at the child's places (see the module docstring)."""
    parameters = dict(child.parameters)
    for name, p in parent.parameters.items():
        own = {v.region for v in p.values}
        extra = (
            tuple(v for v in child.parameters[name].values if v.region not in own)
            if name in child.parameters
            else ()
        )
        parameters[name] = dataclasses.replace(p, values=p.values + extra)
    rules = parent.rules
    if not any(r.effect.economic == "passed" for r in rules):
        rules = rules + tuple(r for r in child.rules if r.effect.economic == "passed" and not r.depends_on)
    matters = {
        code: parent.matters.get(code) or dataclasses.replace(m, listed=False)
        for code, m in child.matters.items()
    }
    groups = {g: parent.groups.get(g) or entry for g, entry in child.groups.items()}
    return dataclasses.replace(
        child,
        id=f"{parent.id}@{child.id}",
        rules=rules,
        matters=matters,
        groups=groups,
        parameters=parameters,
        cache=PackCache(),
    )


def declared_narrowing(parent: ResolvedPack, child: ResolvedPack) -> dict[str, str]:
    """Matters the parent lists and the child takes off its own list, with the child's citation."""
    return {
        code: m.basis.zh
        for code, m in child.matters.items()
        if m.pack == child.id and not m.listed and code in parent.matters and parent.matters[code].listed
    }


def narrowing(child: ResolvedPack, on: dt.date | None, registry: Registry | None) -> list[Finding]:
    """Narrowing findings of a child pack against its parent (none for a pack without a parent)."""
    if len(child.lineage) < 2:
        return []
    parent_id = child.lineage[-2][0]
    day = on or child.effective.start
    parent = load_pack(parent_id, day, registry)
    base = parent_at_child(parent, child)
    space = Space([child])
    mine, theirs = Verdict.of(Translator(child, space)), Verdict.of(Translator(base, space))
    valid = z3.And(space.valid(child, on), z3.Not(mine.refused), z3.Not(theirs.refused))
    out = []
    declared = declared_narrowing(parent, child)
    for code, basis in sorted(declared.items()):
        m = child.matters[code]
        out.append(
            Finding(
                "narrowing",
                "info",
                f"声明的收窄：{parent_id} 列入的事项“{m.zh}”（{code}）本规则包不列入，依据：{basis}",
                f"declared narrowing: matter `{code}` listed by {parent_id} is not listed here, on: {basis}",
                rule=code,
            )
        )
    blocked = [space.matter != space.codes.code(c) for c in declared]
    undeclared = [z3.Implies(space.kind == 1, z3.And(blocked))] if blocked else []
    for _ in range(_LIMIT):
        region = z3.And(theirs.eligible, mine.ineligible)
        hit = solve(space, valid, region, *undeclared)
        if hit is None:
            break
        app, model = hit
        where_zh, where_en = describe(space, model, z3.And(valid, region, *undeclared), app)
        here, there = decide(child, app), decide(base, app)
        out.append(
            Finding(
                "narrowing",
                "error",
                f"收窄：{where_zh}的申请，{parent_id} 的规则给予法律援助，本规则包拒绝（同一日期），"
                "且未声明收窄依据",
                f"narrowing: {where_en}: {parent_id}'s rules grant aid and this pack refuses it "
                "(same date), with no declared basis",
                witness=app,
                decision=here,
                other={"parent": there.as_json()},
                confirmed=here.outcome == "ineligible" and there.outcome == "eligible",
            )
        )
        # look for narrowing of another kind: another matter, or criminal instead of civil
        undeclared.append(block(space, model, z3.And(valid, region, *undeclared)))
    return out
