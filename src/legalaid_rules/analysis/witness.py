"""Witnesses: a solver model as an application, decided by ``evaluate`` to confirm a finding.

Also the pack variants the findings compare against: a rule switched off (to show it never
changes a decision) and a parent's rules with the child's place (for narrowing).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import z3

from legalaid_rules.analysis._deps import ApplicationError, Lit, PackCache, ResolvedPack, evaluate
from legalaid_rules.analysis.space import Space
from legalaid_rules.analysis.terms import Z

__all__ = ["Decided", "decide", "solve", "with_rule_off"]


@dataclass(frozen=True)
class Decided:
    """What ``evaluate`` decided for a witness: outcome, economic condition and rule results."""

    outcome: str  # eligible | ineligible | undetermined | refused
    economic: str | None = None
    rules: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Plain data for reports."""
        out: dict[str, Any] = {"outcome": self.outcome}
        if self.economic is not None:
            out["economic"] = self.economic
        if self.error:
            out["error"] = self.error
        return out


def decide(pack: ResolvedPack, app: dict[str, Any]) -> Decided:
    """Decide a witness with the public evaluator (a refusal for a missing figure is a verdict)."""
    try:
        d = evaluate(pack, app)
    except ApplicationError as exc:
        codes = [p.code for p in exc.problems]
        if codes and all(c == "application.no_parameter_value" for c in codes):
            return Decided("refused", error=str(exc.problems[0]))
        raise
    return Decided(d.outcome.value, d.economic.value, {s.rule: s.result.value for s in d.steps})


def solve(space: Space, *constraints: Z, timeout_ms: int = 20000) -> tuple[dict[str, Any], Any] | None:
    """An application satisfying the constraints, with its model, or None when there is none."""
    s = z3.Optimize()
    s.set("timeout", timeout_ms)
    s.add(*constraints)
    for term in space.simplicity():  # a witness says no more than it must
        s.add_soft(term)
    result = s.check()
    if result == z3.unsat:
        return None
    if result != z3.sat:  # pragma: no cover - the fragment is decidable; a timeout is reported
        raise TimeoutError("the solver gave no answer in time")
    model = s.model()
    return space.application(model), model


def with_rule_off(pack: ResolvedPack, rule_id: str) -> ResolvedPack:
    """The pack with one rule's condition replaced by ``false`` (the rule never holds)."""
    rules = tuple(
        dataclasses.replace(r, condition=Lit(False, (0, 0))) if r.id == rule_id else r for r in pack.rules
    )
    return dataclasses.replace(pack, rules=rules, cache=PackCache())
