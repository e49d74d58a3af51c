"""``analyze``: what a solver can prove about one pack, each finding with a confirmed witness.

Findings, by kind (severity in brackets; ``error`` findings make ``legalaid-rules analyze`` fail):

- ``never_true`` [error]: a rule no application accepted by the pack can make true (dead);
  ``info`` when it waits on a figure this pack leaves to its city packs;
- ``never_false`` [warning]: a rule that holds for every application (or is unknown);
- ``no_effect`` [warning]: switching the rule off changes no outcome and no economic condition
  (shadowed by other rules); the witness is an application the rule holds for, decided the
  same with the rule switched off;
- ``gap`` [error]: an application with every fact known, every group claim proven, that still
  comes out undetermined or is refused for a missing figure (``info`` in a province pack,
  whose figures come from its city packs);
- ``conflict`` [warning]: one application for which two routing rules send the case to
  different places; [info] two economic rules establishing different states (the evaluator
  cites the first of not required, waived, passed);
- ``narrowing`` [error]: the parent pack's rules grant, this pack refuses, on the same date
  (see :mod:`.narrowing`); ``info`` when the child declares it (a matter it takes off its list
  with ``override: true, listed: false`` and its own citation);
- ``boundary`` [info]: a comparison of a fact with a figure, at exactly the figure and one
  step across, for review of strict versus non-strict comparisons.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import z3

from legalaid_rules.analysis._deps import (
    FACTS,
    Compare,
    FactRef,
    Kind,
    ParamRef,
    Registry,
    ResolvedPack,
    Rule,
    walk,
)
from legalaid_rules.analysis.narrowing import narrowing
from legalaid_rules.analysis.results import Finding, Report
from legalaid_rules.analysis.space import Space
from legalaid_rules.analysis.terms import FALSE, SOLVER_LOCK, Z, real
from legalaid_rules.analysis.translate import Translator, Verdict
from legalaid_rules.analysis.witness import decide, solve, with_rule_off

__all__ = ["CHEAP_KINDS", "analyze"]

CHEAP_KINDS = ("never_true", "gap")
"""The checks ``check --strict`` can afford: one solver call per rule, plus one."""


class _Ctx:
    """One pack's space, verdict and validity, shared by the checks."""

    def __init__(self, pack: ResolvedPack, on: dt.date | None) -> None:
        self.pack, self.on = pack, on
        self.space = Space([pack])
        self.tr = Translator(pack, self.space)
        self.verdict = Verdict.of(self.tr)
        self.valid = z3.And(self.space.valid(pack, on), z3.Not(self.verdict.refused))

    def find(self, *constraints: Z) -> tuple[dict[str, Any], Any] | None:
        """A short witness (slower: the solver minimises what it says)."""
        return solve(self.space, self.valid, *constraints)

    def exists(self, *constraints: Z) -> bool:
        """Whether some accepted application meets the constraints (a plain satisfiability check)."""
        s = z3.Solver()
        s.add(self.valid, *constraints)
        result = s.check()
        if result == z3.unknown:  # pragma: no cover - the fragment is decidable
            raise TimeoutError("the solver gave no answer")
        return bool(result == z3.sat)


def analyze(
    pack: ResolvedPack,
    *,
    on: dt.date | None = None,
    registry: Registry | None = None,
    kinds: Iterable[str] | None = None,
) -> Report:
    """Analyse a pack with the solver.

    Args:
        pack: the resolved pack.
        on: consider only applications dated ``on`` (default: the pack's whole period).
        registry: where to find the parent pack for the narrowing check (the bundled packs).
        kinds: the kinds of finding to look for (default: all; :data:`CHEAP_KINDS` for a quick check).

    Returns:
        The report; every witness in it has been decided by ``evaluate``.
    """
    with SOLVER_LOCK:
        wanted = set(kinds) if kinds is not None else None
        started = time.perf_counter()
        report = Report(pack.id, pack.version, on)
        if not any(r.effect.economic == "passed" for r in pack.rules):
            report.findings.append(
                Finding(
                    "note",
                    "info",
                    f"规则包 {pack.id} 没有自己的经济困难标准，不能单独作出决定"
                    "（第三十四条由省级规定标准）；请分析省级或市级规则包",
                    f"pack {pack.id} has no means test of its own and decides nothing alone (Art 34); "
                    "analyse a province or city pack",
                )
            )
            report.seconds = time.perf_counter() - started
            return report
        ctx = _Ctx(pack, on)

        def want(kind: str) -> bool:
            return wanted is None or kind in wanted

        if want("never_true") or want("never_false"):
            report.findings += _never(ctx, want("never_true"), want("never_false"))
        if want("no_effect"):
            report.findings += _no_effect(ctx)
        if want("gap"):
            report.findings += _gaps(ctx)
        if want("conflict"):
            report.findings += _conflicts(ctx)
        if want("narrowing"):
            report.findings += narrowing(pack, on, registry)
        if want("boundary"):
            report.findings += _boundaries(ctx)
        report.seconds = time.perf_counter() - started
        return report


def _lacks_figures(pack: ResolvedPack, rule: Rule) -> list[str]:
    """Parameters the rule reads that have no value at all in this pack."""
    return sorted(
        {
            n.name
            for n in walk(rule.condition)
            if isinstance(n, ParamRef) and not pack.parameters[n.name].values
        }
    )


def _never(ctx: _Ctx, true: bool, false: bool) -> list[Finding]:
    out = []
    for rule in ctx.pack.rules:
        res = ctx.tr.rules[rule.id]
        if true and not ctx.exists(res.t):
            lacking = _lacks_figures(ctx.pack, rule)
            if lacking:
                out.append(
                    Finding(
                        "never_true",
                        "info",
                        f"规则 {rule.id} 在本规则包中不可能成立："
                        f"本包没有 {'、'.join(lacking)} 的数值（由市级规则包提供）",
                        f"rule {rule.id} cannot hold in this pack: it has no value of {', '.join(lacking)} "
                        "(city packs supply them)",
                        rule=rule.id,
                    )
                )
            else:
                out.append(
                    Finding(
                        "never_true",
                        "error",
                        f"规则 {rule.id} 对本规则包接受的任何申请都不可能成立（求解器证明；无反例）",
                        f"rule {rule.id} holds for no application the pack accepts (proved by the solver)",
                        rule=rule.id,
                    )
                )
        if false and not _lacks_figures(ctx.pack, rule) and not ctx.exists(res.f):
            hit = ctx.find(res.t)
            decided = decide(ctx.pack, hit[0]) if hit else None
            out.append(
                Finding(
                    "never_false",
                    "warning",
                    f"规则 {rule.id} 对任何申请都不会不成立（只会成立或尚无法判断）",
                    f"rule {rule.id} is never false (only true or unknown)",
                    rule=rule.id,
                    witness=hit[0] if hit else None,
                    decision=decided,
                    confirmed=decided is None or decided.rules.get(rule.id) == "true",
                )
            )
    return out


def _no_effect(ctx: _Ctx) -> list[Finding]:
    out = []
    for rule in ctx.pack.rules:
        if not (rule.effect.scope or rule.effect.economic):
            continue
        off = Verdict.of(Translator(ctx.pack, ctx.space, forced={rule.id: FALSE}))
        differs = z3.Or(
            *(z3.Xor(ctx.verdict.outcome(o), off.outcome(o)) for o in ("eligible", "ineligible")),
            *(z3.Xor(ctx.verdict.economic[k], off.economic[k]) for k in ctx.verdict.economic),
            z3.Xor(ctx.verdict.refused, off.refused),
        )
        if ctx.exists(differs):
            continue
        hit = ctx.find(ctx.tr.rules[rule.id].t)
        if hit is None:
            continue  # never true: reported as such
        with_it = decide(ctx.pack, hit[0])
        without = decide(with_rule_off(ctx.pack, rule.id), hit[0])
        out.append(
            Finding(
                "no_effect",
                "warning",
                f"规则 {rule.id} 从不改变决定：去掉它，任何申请的结论和经济困难条件都不变（被其他规则覆盖）",
                f"rule {rule.id} never changes a decision: without it every outcome and economic condition "
                "is the same (shadowed by other rules)",
                rule=rule.id,
                witness=hit[0],
                decision=with_it,
                other={"without_rule": without.as_json()},
                confirmed=with_it.rules.get(rule.id) == "true"
                and (with_it.outcome, with_it.economic) == (without.outcome, without.economic),
            )
        )
    return out


def _gaps(ctx: _Ctx) -> list[Finding]:
    out = []
    space, pack = ctx.space, ctx.pack
    complete = z3.And(
        space.complete(pack),
        *(
            z3.Implies(ctx.tr.member(g).t, space.proof[g])
            for g, group in sorted(pack.groups.items())
            if group.definition is not None
        ),
    )
    base = space.valid(pack, ctx.on)
    province = pack.regions.get(pack.jurisdiction) is not None and pack.regions[pack.jurisdiction].level in (
        "province",
        "country",
    )
    for refused in (False, True):
        condition = (
            ctx.verdict.refused if refused else z3.And(ctx.verdict.undetermined, z3.Not(ctx.verdict.refused))
        )
        hit = solve(space, base, complete, condition)
        if hit is None:
            continue
        decided = decide(pack, hit[0])
        severity = "info" if refused and province else "error"
        what_zh = "因本包缺少所需数值而无法决定" if refused else "仍为“尚无法决定”"
        what_en = "is refused for a figure the pack lacks" if refused else "still comes out undetermined"
        out.append(
            Finding(
                "gap",
                severity,
                f"缺口：事实齐全、所称身份均已证明的申请{what_zh}"
                + ("（省级规则包：数值由市级规则包提供）" if severity == "info" else ""),
                f"gap: an application with every fact known and every claim proven {what_en}"
                + (" (a province pack: city packs supply the figures)" if severity == "info" else ""),
                witness=hit[0],
                decision=decided,
                confirmed=decided.outcome == ("refused" if refused else "undetermined"),
            )
        )
    return out


def _conflicts(ctx: _Ctx) -> list[Finding]:
    out = []
    pack, res = ctx.pack, ctx.tr.rules
    routes = [r for r in pack.rules if r.effect.route]
    entries = {pf_route: e for pf in pack.raw for pf_route, e in pf.routes.items()}
    for i, a in enumerate(routes):
        for b in routes[i + 1 :]:
            ea, eb = entries.get(a.effect.route or ""), entries.get(b.effect.route or "")
            if ea is None or eb is None or (ea.kind, ea.office) == (eb.kind, eb.office):
                continue
            if "on_behalf" in (ea.kind, eb.kind):
                continue  # 代办 hands a place's whole work to another office: it combines by design
            hit = ctx.find(res[a.id].t, res[b.id].t) if ctx.exists(res[a.id].t, res[b.id].t) else None
            if hit is None:
                continue
            decided = decide(pack, hit[0])
            out.append(
                Finding(
                    "conflict",
                    "warning",
                    f"冲突：同一申请同时满足路由规则 {a.id}（{ea.zh}）和 {b.id}（{eb.zh}），去向不同",
                    f"conflict: one application meets routing rules {a.id} and {b.id}, "
                    "which send it to different places",
                    rule=f"{a.id} {b.id}",
                    witness=hit[0],
                    decision=decided,
                    confirmed=decided.rules.get(a.id) == "true" and decided.rules.get(b.id) == "true",
                )
            )
    kinds = ("not_required", "waived", "passed")
    for i, ka in enumerate(kinds):
        for kb in kinds[i + 1 :]:
            ra = [r for r in pack.rules if r.effect.economic == ka]
            rb = [r for r in pack.rules if r.effect.economic == kb]
            if not ra or not rb:
                continue
            both = (z3.Or([res[r.id].t for r in ra]), z3.Or([res[r.id].t for r in rb]))
            hit = ctx.find(*both) if ctx.exists(*both) else None
            if hit is None:
                continue
            decided = decide(pack, hit[0])
            out.append(
                Finding(
                    "conflict",
                    "info",
                    f"同一申请同时满足经济困难条件“{ka}”和“{kb}”的规则；"
                    "决定引用前者（按 不需要、免予核查、符合标准 的顺序）",
                    f"one application meets rules establishing both `{ka}` and `{kb}`; "
                    "the decision cites the former",
                    witness=hit[0],
                    decision=decided,
                    confirmed=decided.economic == ka,
                )
            )
    return out


def _boundaries(ctx: _Ctx) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for rule in ctx.pack.rules:
        if not (rule.effect.scope or rule.effect.economic):
            continue
        for node in walk(rule.condition):
            if not isinstance(node, Compare) or node.op not in ("<", "<=", ">", ">="):
                continue
            text = ctx.pack.node_texts.get(id(node), "")
            if not any(isinstance(n, FactRef) for n in walk(node)) or text in seen:
                continue
            fact = (
                next(n for n in walk(node.left) if isinstance(n, FactRef))
                if any(isinstance(n, FactRef) for n in walk(node.left))
                else next(n for n in walk(node.right) if isinstance(n, FactRef))
            )
            left, right = ctx.tr.value(node.left), ctx.tr.value(node.right)
            step = Decimal("0.01") if FACTS[fact.path].type.kind is Kind.MONEY else Decimal(1)
            sign = -1 if node.op in ("<", "<=") else 1  # the side where the comparison holds
            inside = ctx.find(ctx.tr.rules[rule.id].t, left.val == right.val + sign * real(step))
            if inside is None:
                continue
            on_it = ctx.find(
                left.known, right.known, left.val == right.val, *_pin_except(ctx.space, inside[1], fact.path)
            )
            if on_it is None:
                continue
            seen.add(text)
            app = on_it[0]
            at, across = decide(ctx.pack, app), decide(ctx.pack, inside[0])
            strict = node.op in ("<", ">")
            out.append(
                Finding(
                    "boundary",
                    "info",
                    f"边界：规则 {rule.id} 的比较 `{text}` 为{'严格' if strict else '非严格'}比较"
                    f"（恰好等于时{'不成立' if strict else '成立'}）；请核对原文“低于/不超过”等措辞",
                    f"boundary: rule {rule.id} compares `{text}` {'strictly' if strict else 'non-strictly'} "
                    f"(exactly equal {'fails' if strict else 'holds'}); check the wording of the source",
                    rule=rule.id,
                    witness=app,
                    decision=at,
                    other={"one_step_inside": inside[0], "decision": across.as_json()},
                    confirmed=at.rules.get(rule.id) == ("false" if strict else "true")
                    and across.rules.get(rule.id) == "true",
                )
            )
    return out


def _pin_except(space: Space, model: Any, path: str) -> list[Z]:
    """Constraints holding every variable of ``space`` at its value in ``model``, except one fact's."""
    free = {path}
    if path.startswith("household."):
        free |= {"household.per_capita_income", "household.income", "household.size"}
    out = []
    for p, (k, v) in space.vars.items():
        if p in free:
            continue
        out += [k == model.eval(k, model_completion=True), v == model.eval(v, model_completion=True)]
    for term in (
        space.date,
        space.kind,
        space.matter,
        space.groups_answered,
        *space.claimed.values(),
        *space.proof.values(),
    ):
        out.append(term == model.eval(term, model_completion=True))
    return out
