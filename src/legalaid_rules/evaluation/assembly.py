"""Assembly: the decision from every rule's result, the same for every backend.

Scope, economic condition and outcome come from the rule effects; outcome = scope AND economic
condition, in three-valued logic: ``eligible`` only when both are established, ``ineligible`` as
soon as either fails, ``undetermined`` otherwise. The complete missing list (Art 43), programs
and routes are built at once; the reasons that decided, the warnings and the steps are rendered
only when the decision is first read (:meth:`~legalaid_rules.decisions.Decision.deferred`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from legalaid_rules.applications import Application
from legalaid_rules.backends.results import Record, RuleResults
from legalaid_rules.backends.unknowns import MissingKey
from legalaid_rules.conditions.syntax import GroupTest, Node, ParamRef, walk
from legalaid_rules.decisions import (
    TRUTH,
    Comparison,
    Decision,
    DecisionWarning,
    Economic,
    MatchedMatter,
    MissingItem,
    Outcome,
    PackStamp,
    Reason,
    Step,
)
from legalaid_rules.errors import ApplicationError, Location, Problem
from legalaid_rules.evaluation import wording
from legalaid_rules.evaluation.deadlines import deadline
from legalaid_rules.evaluation.programs import program_results
from legalaid_rules.evaluation.routing import route_results
from legalaid_rules.i18n import _
from legalaid_rules.packs.model import ResolvedPack, Rule
from legalaid_rules.packs.places import Place
from legalaid_rules.values import NOT_APPLICABLE, UNKNOWN, Tri

__all__ = ["Layout", "assemble", "layout_of", "parameter_gaps"]

_ECONOMIC_ORDER = ("not_required", "waived", "passed")

_OUTCOME_TRI: dict[Outcome, Tri] = {
    Outcome.ELIGIBLE: True,
    Outcome.INELIGIBLE: False,
    Outcome.UNDETERMINED: None,
}


@dataclass(frozen=True, slots=True)
class Layout:
    """What assembly needs from a pack, computed once per pack (kept in the pack's cache)."""

    scope: tuple[Rule, ...]
    urgent: tuple[Rule, ...]
    economic: tuple[tuple[Economic, tuple[Rule, ...]], ...]  # in the order they are tried
    scope_ids: tuple[str, ...]
    urgent_ids: tuple[str, ...]
    economic_ids: tuple[str, ...]
    passed: tuple[Rule, ...]
    effects: Mapping[str, dict[str, str | bool]]
    params: Mapping[str, tuple[str, ...]]
    groups: Mapping[str, tuple[str, ...]]
    matters: Mapping[str, MatchedMatter]
    stamp: PackStamp

    @classmethod
    def build(cls, pack: ResolvedPack) -> Layout:
        """The layout of one pack."""
        rules = pack.rules
        by_economic = {k: tuple(r for r in rules if r.effect.economic == k) for k in _ECONOMIC_ORDER}
        scope = tuple(r for r in rules if r.effect.scope)
        urgent = tuple(r for r in rules if r.effect.urgent)
        return cls(
            scope=scope,
            urgent=urgent,
            economic=tuple((Economic(k), by_economic[k]) for k in _ECONOMIC_ORDER),
            scope_ids=tuple(r.id for r in scope),
            urgent_ids=tuple(r.id for r in urgent),
            economic_ids=tuple(r.id for k in _ECONOMIC_ORDER for r in by_economic[k]),
            passed=by_economic["passed"],
            effects={r.id: r.effect.model_dump(exclude_none=True, mode="json") for r in rules},
            params={r.id: tuple(dict.fromkeys(_params(r.condition))) for r in rules},
            groups={
                r.id: tuple(dict.fromkeys(n.group for n in walk(r.condition) if isinstance(n, GroupTest)))
                for r in rules
            },
            matters={
                code: MatchedMatter(code=m.code, zh=m.zh, en=m.en, listed=m.listed, basis=m.basis.zh)
                for code, m in pack.matters.items()
            },
            stamp=PackStamp(
                id=pack.id,
                version=pack.version,
                digest=pack.digest,
                lineage=tuple(f"{i}@{v}" for i, v in pack.lineage),
            ),
        )


def layout_of(pack: ResolvedPack) -> Layout:
    """The layout of a pack, built once."""
    return pack.cache.get(Layout, lambda: Layout.build(pack))


def assemble(
    pack: ResolvedPack,
    app: Application,
    place: Place,
    found: RuleResults,
    *,
    steps: bool = True,
) -> Decision:
    """Build the decision from every rule's result (the same for every backend).

    Raises:
        ApplicationError: the decision depends on a value the pack does not have for the
            applicant's place and date (``application.no_parameter_value``).
    """
    lay = layout_of(pack)
    results = found.results
    scope: Tri = False
    for rid in lay.scope_ids:
        r = results[rid]
        if r is True:
            scope = True
            break
        if r is None:
            scope = None
    economic = Economic.FAILED
    deciding: tuple[Rule, ...] = ()
    for kind, rules in lay.economic:
        for rule in rules:
            if results[rule.id] is True:
                economic, deciding = kind, tuple(r for r in rules if results[r.id] is True)
                break
        else:
            continue
        break
    else:
        for rid in lay.economic_ids:
            if results[rid] is None:
                economic = Economic.UNKNOWN
                break
    econ: Tri = None if economic is Economic.UNKNOWN else economic is not Economic.FAILED

    if scope is False or econ is False:
        outcome = Outcome.INELIGIBLE
    elif scope is True and econ is True:
        outcome = Outcome.ELIGIBLE
    else:
        outcome = Outcome.UNDETERMINED

    # the rules that leave the outcome open, in pack order
    open_rules: list[Rule] = []
    if outcome is Outcome.UNDETERMINED:
        if scope is None:
            open_rules += [r for r in lay.scope if results[r.id] is None]
        if econ is None:
            open_rules += [r for _, rules in lay.economic for r in rules if results[r.id] is None]
        # a rule with both effects (scope and economic) is one open rule, named once
        open_rules = list({r.id: r for r in open_rules}.values())

    def needed(rule_id: str) -> set[MissingKey]:
        keys = found.unknowns(rule_id)
        parameter_gaps(pack, keys, place)
        return keys

    missing_items: tuple[MissingItem, ...] = ()
    if open_rules:
        missing: dict[MissingKey, list[str]] = {}
        for rule in open_rules:
            for key in sorted(needed(rule.id)):
                missing.setdefault(key, []).append(rule.id)
        missing_items = tuple(
            wording.missing_item(pack, key, rules) for key, rules in sorted(missing.items())
        )

    return Decision.deferred(
        _Explanation(pack, place, lay, found, outcome, scope, deciding, open_rules, steps),
        pack=lay.stamp,
        date=app.date,
        outcome=outcome,
        scope=TRUTH[scope],
        economic=economic,
        matter=None if app.matter is None else lay.matters[app.matter],
        urgent=_any_true(results, lay.urgent_ids),
        missing=missing_items,
        programs=program_results(pack, app, results, _OUTCOME_TRI[outcome], needed, open_rules=open_rules)
        if pack.programs
        else (),
        routes=route_results(pack, app, place, results) if pack.routes else (),
        deadline=deadline(pack, app.date, bool(missing_items)),
    )


class _Explanation:
    """Renders the reasons that decided, the warnings and the steps, each on first read."""

    __slots__ = (
        "_chosen",
        "_records",
        "deciding",
        "found",
        "lay",
        "open_rules",
        "outcome",
        "pack",
        "place",
        "scope",
        "with_steps",
    )

    def __init__(
        self,
        pack: ResolvedPack,
        place: Place,
        lay: Layout,
        found: RuleResults,
        outcome: Outcome,
        scope: Tri,
        deciding: tuple[Rule, ...],
        open_rules: list[Rule],
        steps: bool,
    ) -> None:
        self.pack, self.place, self.lay, self.found = pack, place, lay, found
        self.outcome, self.scope, self.deciding, self.open_rules = outcome, scope, deciding, open_rules
        self.with_steps = steps
        self._records: dict[str, tuple[Record, ...]] = {}
        self._chosen: list[Rule] | None = None

    def _recorded(self, rule_id: str) -> tuple[Record, ...]:
        got = self._records.get(rule_id)
        if got is None:
            got = self._records[rule_id] = self.found.records(rule_id)
        return got

    def _deciding_rules(self) -> list[Rule]:
        """The rules that decided, in pack order (worked out once)."""
        if self._chosen is None:
            self._chosen = self._choose()
        return self._chosen

    def _choose(self) -> list[Rule]:
        lay, results, outcome, scope = self.lay, self.found.results, self.outcome, self.scope
        chosen: set[str] = set()
        if scope is True:
            chosen |= {r.id for r in lay.scope if results[r.id] is True}
        if outcome is Outcome.INELIGIBLE and scope is False:
            chosen |= {r.id for r in lay.scope if not _inapplicable(self._recorded(r.id))}
        elif outcome is Outcome.INELIGIBLE:
            chosen |= {r.id for r in lay.passed if not _inapplicable(self._recorded(r.id))}
        if outcome is not Outcome.INELIGIBLE:
            chosen |= {r.id for r in self.deciding}
        chosen |= {r.id for r in self.open_rules}
        chosen |= {r.id for r in lay.urgent if results[r.id] is True}
        return [r for r in self.pack.rules if r.id in chosen]

    def reasons(self) -> tuple[Reason, ...]:
        results = self.found.results
        explainer = wording.Explainer(self.pack, self.place)
        return tuple(
            wording.reason(rule, results[rule.id], self._recorded(rule.id), explainer)
            for rule in self._deciding_rules()
        )

    def warnings(self) -> tuple[DecisionWarning, ...]:
        lay = self.lay
        return wording.warnings(
            self.pack,
            self.place,
            ((r, lay.groups[r.id], lay.params[r.id], self._recorded(r.id)) for r in self._deciding_rules()),
        )

    def steps(self) -> tuple[Step, ...]:
        if not self.with_steps:
            return ()
        results, lay, texts = self.found.results, self.lay, self.pack.node_texts
        return tuple(
            Step(
                rule.id,
                rule.pack,
                rule.when,
                TRUTH[results[rule.id]],
                lay.effects[rule.id],
                _comparisons(self._recorded(rule.id), texts),
                rule.basis.zh,
            )
            for rule in self.pack.rules
        )


def parameter_gaps(pack: ResolvedPack, keys: Iterable[MissingKey], place: Place) -> None:
    """Refuse a decision that waits on a value the pack does not have.

    Raises:
        ApplicationError: one problem per parameter the pack has no value of for the place and date.
    """
    problems = []
    for kind, name in sorted(set(keys)):
        if kind != "param":
            continue
        param = pack.parameters[name]
        region = param.region_for(place.city, place.county, place.office_city)
        office = param.by == "office_city"
        message = (
            _(
                "pack `{pack}` has no value of `{name}` for `{region}` on {date}, "
                "and this decision depends on it"
            )
            if region
            else _("pack `{pack}` has no value of `{name}` on {date}, and this decision depends on it")
        ).format(pack=pack.id, name=name, region=region, date=place.on)
        hint = (
            _(
                "use the pack of the city of the office that accepts the application, "
                "or a date the pack covers"
            )
            if office
            else _("use the pack of the applicant's own city, or a date the pack covers")
        )
        where = Location(path="office" if office else f"locality.{param.by}" if param.by else "date")
        problems.append(Problem("application.no_parameter_value", message, where, hint))
    if problems:
        raise ApplicationError(problems)


def _any_true(results: Mapping[str, Tri], ids: tuple[str, ...]) -> bool:
    for rid in ids:  # noqa: SIM110 - a plain loop, not any() over a generator: every decision
        if results[rid] is True:
            return True
    return False


def _inapplicable(records: tuple[Record, ...]) -> bool:
    """A rule whose every test met a not-applicable fact (e.g. criminal rules, civil matter)."""
    return bool(records) and all(r[1] is NOT_APPLICABLE or r[2] is NOT_APPLICABLE for r in records)


def _comparisons(records: tuple[Record, ...], texts: Mapping[int, str]) -> tuple[Comparison, ...]:
    """The recorded tests as trace data (hot: written as a plain loop)."""
    out = []
    for node, left, right, res in records:
        if left is UNKNOWN or left is NOT_APPLICABLE:
            left = None
        if right is UNKNOWN or right is NOT_APPLICABLE:
            right = None
        out.append(Comparison(texts.get(id(node), ""), left, right, TRUTH[res]))
    return tuple(out)


def _params(node: Node) -> Iterable[str]:
    return (n.name for n in walk(node) if isinstance(n, ParamRef))
