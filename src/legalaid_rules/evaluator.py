"""Decide one application with one resolved pack: pure, deterministic and thread-safe.

The decision is built in two stages so that another execution backend can replace the first:

1. *rule results*: every rule's three-valued result, the tests it recorded, and for an
   unknown result the unknown facts that could change it (the native backend, or durable-rules);
2. *assembly* (:func:`assemble`): scope, economic condition and outcome from the rule effects,
   the reasons that decided, the complete missing list (Art 43) and the warnings.

Outcome = scope AND economic condition, in three-valued logic: ``eligible`` only when both are
established, ``ineligible`` as soon as either fails, ``undetermined`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from pydantic import ValidationError

from legalaid_rules.applicants import Application
from legalaid_rules.conditions.syntax import GroupTest, Node, ParamRef, walk
from legalaid_rules.decisions import (
    Comparison,
    Decision,
    Economic,
    MatchedMatter,
    MissingItem,
    Outcome,
    PackStamp,
    Reason,
    Step,
    Warning,
)
from legalaid_rules.errors import (
    ApplicationError,
    BackendUnavailableError,
    Location,
    Problem,
    did_you_mean,
)
from legalaid_rules.explanations import Explainer
from legalaid_rules.facts import FACTS, NOT_APPLICABLE, UNKNOWN
from legalaid_rules.inputs import township_problems
from legalaid_rules.logic import TRUTH, Tri, any_of
from legalaid_rules.native import Record, plan_for
from legalaid_rules.packs.model import ResolvedPack, Rule
from legalaid_rules.programs import program_results
from legalaid_rules.routing import route_results
from legalaid_rules.unknowns import MissingKey, missing_path, parameter_gaps

__all__ = ["BACKENDS", "assemble", "check_application", "evaluate", "to_application"]

BACKENDS = ("native", "durable")

_ECONOMIC_ORDER = ("not_required", "waived", "passed")


def to_application(data: Application | Mapping[str, Any]) -> Application:
    """An :class:`Application` from a model or plain data.

    Raises:
        ApplicationError: naming every invalid field.
    """
    if isinstance(data, Application):
        return data
    try:
        return Application.model_validate(data)
    except ValidationError as exc:
        raise ApplicationError(
            Problem(
                f"application.{e['type']}",
                f"`{_dotted(e['loc'])}`: {e['msg'][0].lower()}{e['msg'][1:]}"
                if e["loc"]
                else e["msg"].removeprefix("Value error, "),
                Location(path=_dotted(e["loc"]) or None),
            )
            for e in exc.errors(include_url=False)
        ) from None


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def check_application(pack: ResolvedPack, app: Application) -> None:
    """Check an application against the pack's own codes, places and period.

    Raises:
        ApplicationError: naming every field that does not fit the pack.
    """
    problems: list[Problem] = []

    def bad(path: str, code: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(f"application.{code}", message, Location(path=path), hint))

    if not _layout(pack).by_effect["passed"]:
        bad(
            "pack",
            "no_means_test",
            f"pack `{pack.id}` has no means test of its own, so it cannot decide on its own",
            "load the pack of the province or city (Art 34 leaves the standard to provinces)",
        )
    if not pack.effective.covers(app.date):
        bad(
            "date",
            "date_outside_pack",
            f"the application date {app.date} is outside pack `{pack.id}` {pack.version} ({pack.effective})",
            "load the pack version in force on the application date",
        )
    if app.matter is not None and app.matter not in pack.matters:
        bad(
            "matter",
            "unknown_matter",
            f"unknown matter code `{app.matter}`",
            did_you_mean(app.matter, pack.matters) or "run `legalaid-rules packs --matters`",
        )
    for i, claim in enumerate(app.applicant.groups or ()):
        if claim.group not in pack.groups:
            bad(
                f"applicant.groups[{i}].group",
                "unknown_group",
                f"unknown group `{claim.group}`",
                did_you_mean(claim.group, pack.groups),
            )
    loc = app.locality
    for path, region, level in (
        ("locality.city", loc.city, "city"),
        ("locality.county", loc.county, "county"),
        ("office", app.office, None),
    ):
        if region is None:
            continue
        entry = pack.regions.get(region)
        if entry is None:
            bad(
                path,
                "unknown_region",
                f"unknown region `{region}`",
                did_you_mean(region, pack.regions),
            )
        elif level is not None and entry.level != level:
            bad(path, "region_level", f"`{region}` is a {entry.level}, not a {level}")
        elif not pack.within(region, pack.jurisdiction):
            bad(
                path,
                "outside_jurisdiction",
                f"`{region}` ({entry.zh}) is outside the jurisdiction of pack `{pack.id}` "
                f"({pack.region_name(pack.jurisdiction)})",
                "load the pack of that place",
            )
    if (
        loc.city
        and loc.county
        and loc.county in pack.regions
        and loc.city in pack.regions
        and pack.city_of(loc.county) not in (None, loc.city)
    ):
        bad("locality.county", "region_mismatch", f"`{loc.county}` is not in `{loc.city}`")
    problems.extend(township_problems(pack, app))
    if problems:
        raise ApplicationError(problems)


def evaluate(
    pack: ResolvedPack,
    application: Application | Mapping[str, Any],
    *,
    backend: str = "native",
    steps: bool = True,
) -> Decision:
    """Decide an application with a pack.

    Args:
        pack: the resolved pack in force on the application date (see ``load_pack``).
        application: the application, as a model or plain data.
        backend: ``"native"`` (default) or ``"durable"`` (needs the ``durable`` extra).
        steps: record every rule's evaluation in ``Decision.steps`` (the default). With
            ``False`` the steps are left empty and only the rules that decided are traced;
            outcome, reasons, missing list and warnings are the same, at a fraction of the cost.

    Returns:
        The decision, with reasons, missing facts, warnings and every evaluation step.

    Raises:
        ApplicationError: the application is invalid, or does not fit the pack.
        ValueError: an unknown backend.
    """
    app = to_application(application)
    check_application(pack, app)
    if backend == "native":
        plan = plan_for(pack)
        ctx, runs = plan.run(app, record=steps)
        records: Mapping[str, tuple[Record, ...]]
        if steps:
            records = {rid: run[1] for rid, run in runs.items()}
        else:
            records = _OnDemand(lambda rid: plan.records(ctx, rid))
        return assemble(
            pack,
            app,
            {rid: run[0] for rid, run in runs.items()},
            records,
            lambda rid: plan.unknowns(ctx, pack.rule(rid).condition),
            steps=steps,
        )
    if backend == "durable":
        try:
            module = import_module("legalaid_rules.backends.durable")
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise BackendUnavailableError(
                "the durable backend needs durable-rules: pip install 'legalaid-rules[durable]'"
            ) from exc
        decision: Decision = module.evaluate(pack, app, steps=steps)
        return decision
    raise ValueError(f"unknown backend `{backend}` (choose from {', '.join(BACKENDS)})")


def _inapplicable(records: tuple[Record, ...]) -> bool:
    """A rule whose every test met a not-applicable fact (e.g. criminal rules, civil matter)."""
    return bool(records) and all(r[1] is NOT_APPLICABLE or r[2] is NOT_APPLICABLE for r in records)


@dataclass(frozen=True)
class _Layout:
    """What assembly needs from a pack, computed once per pack."""

    by_effect: dict[str, tuple[Rule, ...]]
    effects: dict[str, dict[str, str | bool]]
    params: dict[str, tuple[str, ...]]
    groups: dict[str, tuple[str, ...]]
    stamp: PackStamp


def _layout(pack: ResolvedPack) -> _Layout:
    found = pack.derived.get("layout")
    if isinstance(found, _Layout):
        return found
    groups: dict[str, list[Rule]] = {"scope": [], "urgent": [], **{k: [] for k in _ECONOMIC_ORDER}}
    for rule in pack.rules:
        if rule.effect.scope:
            groups["scope"].append(rule)
        if rule.effect.economic:
            groups[rule.effect.economic].append(rule)
        if rule.effect.urgent:
            groups["urgent"].append(rule)
    layout = _Layout(
        by_effect={k: tuple(v) for k, v in groups.items()},
        effects={r.id: r.effect.model_dump(exclude_none=True, mode="json") for r in pack.rules},
        params={r.id: tuple(dict.fromkeys(_params(r.condition))) for r in pack.rules},
        groups={
            r.id: tuple(dict.fromkeys(n.group for n in walk(r.condition) if isinstance(n, GroupTest)))
            for r in pack.rules
        },
        stamp=PackStamp(
            id=pack.id,
            version=pack.version,
            digest=pack.digest,
            lineage=tuple(f"{i}@{v}" for i, v in pack.lineage),
        ),
    )
    pack.derived.setdefault("layout", layout)
    return layout


def assemble(
    pack: ResolvedPack,
    app: Application,
    results: Mapping[str, Tri],
    records: Mapping[str, tuple[Record, ...]],
    unknowns: Callable[[str], set[MissingKey]],
    *,
    steps: bool = True,
) -> Decision:
    """Build the decision from every rule's result (stage 2; the same for every backend).

    The parts are built with ``model_construct``: every value here is already typed, and
    validating them again would triple the cost of a decision.
    """
    layout = _layout(pack)
    by_effect = layout.by_effect
    scope = any_of(results[r.id] for r in by_effect["scope"])
    economic = Economic.FAILED
    deciding: tuple[Rule, ...] = ()
    for kind in _ECONOMIC_ORDER:
        hits = tuple(r for r in by_effect[kind] if results[r.id] is True)
        if hits:
            economic, deciding = Economic(kind), hits
            break
    else:
        if any(results[r.id] is None for k in _ECONOMIC_ORDER for r in by_effect[k]):
            economic = Economic.UNKNOWN
    econ: Tri = None if economic is Economic.UNKNOWN else economic is not Economic.FAILED

    if scope is False or econ is False:
        outcome = Outcome.INELIGIBLE
    elif scope is True and econ is True:
        outcome = Outcome.ELIGIBLE
    else:
        outcome = Outcome.UNDETERMINED

    # the rules that decided, in pack order
    open_rules: list[Rule] = []
    if outcome is Outcome.UNDETERMINED:
        if scope is None:
            open_rules += [r for r in by_effect["scope"] if results[r.id] is None]
        if econ is None:
            open_rules += [r for k in _ECONOMIC_ORDER for r in by_effect[k] if results[r.id] is None]
    chosen: set[str] = set()
    if scope is True:
        chosen |= {r.id for r in by_effect["scope"] if results[r.id] is True}
    if outcome is Outcome.INELIGIBLE and scope is False:
        chosen |= {r.id for r in by_effect["scope"] if not _inapplicable(records[r.id])}
    elif outcome is Outcome.INELIGIBLE:
        chosen |= {r.id for r in by_effect["passed"] if not _inapplicable(records[r.id])}
    if outcome is not Outcome.INELIGIBLE:
        chosen |= {r.id for r in deciding}
    chosen |= {r.id for r in open_rules}
    chosen |= {r.id for r in by_effect["urgent"] if results[r.id] is True}

    trace = (
        tuple(
            Step(
                rule.id,
                rule.pack,
                rule.when,
                TRUTH[results[rule.id]],
                layout.effects[rule.id],
                _comparisons(records[rule.id], pack.node_texts),
                rule.basis.zh,
            )
            for rule in pack.rules
        )
        if steps
        else ()
    )

    city = pack.applicant_city(app.locality.city, app.locality.county)
    explainer = Explainer(pack, app.date, city, app.locality.county)
    reasons = tuple(
        _reason(rule, results[rule.id], records[rule.id], explainer)
        for rule in pack.rules
        if rule.id in chosen
    )

    def needed(rule_id: str) -> set[MissingKey]:
        keys = unknowns(rule_id)
        parameter_gaps(pack, keys, app.date, city, app.locality.county)
        return keys

    missing: dict[MissingKey, list[str]] = {}
    for rule in open_rules:
        for key in sorted(needed(rule.id)):
            missing.setdefault(key, []).append(rule.id)

    return Decision.model_construct(
        pack=layout.stamp,
        date=app.date,
        outcome=outcome,
        scope=TRUTH[scope],
        economic=economic,
        matter=_matter(pack, app),
        urgent=any(results[r.id] is True for r in by_effect["urgent"]),
        reasons=reasons,
        missing=tuple(_missing_item(pack, key, rules) for key, rules in sorted(missing.items())),
        warnings=_warnings(pack, app, [r for r in pack.rules if r.id in chosen], city, layout, records),
        steps=trace,
        programs=program_results(pack, app, results, _OUTCOME_TRI[outcome], needed),
        routes=route_results(pack, app, results),
    )


class _OnDemand(Mapping[str, tuple[Record, ...]]):
    """Rule id -> recorded tests, computed only for the rules asked for (then kept)."""

    def __init__(self, compute: Callable[[str], tuple[Record, ...]]) -> None:
        self._compute = compute
        self._done: dict[str, tuple[Record, ...]] = {}

    def __getitem__(self, rule_id: str) -> tuple[Record, ...]:
        if rule_id not in self._done:
            self._done[rule_id] = self._compute(rule_id)
        return self._done[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._done)

    def __len__(self) -> int:
        return len(self._done)


_OUTCOME_TRI: dict[Outcome, Tri] = {
    Outcome.ELIGIBLE: True,
    Outcome.INELIGIBLE: False,
    Outcome.UNDETERMINED: None,
}


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


def _reason(rule: Rule, result: Tri, records: tuple[Record, ...], explainer: Explainer) -> Reason:
    said = [explainer.test(node, left, right, res) for node, left, right, res in records]
    shown = [t for t in said if t[0]]
    head_zh = {True: "满足", False: "不满足", None: "尚无法判断"}[result]
    head_en = {True: "met", False: "not met", None: "cannot tell yet"}[result]
    detail_zh = "；".join(dict.fromkeys(t[0] for t in shown))
    detail_en = "; ".join(dict.fromkeys(t[1] for t in shown))
    return Reason(
        rule=rule.id,
        result=TRUTH[result],
        zh=f"{head_zh}：{rule.zh}" + (f"（{detail_zh}）" if detail_zh else ""),
        en=f"{head_en}: {rule.en}" + (f" ({detail_en})" if detail_en else ""),
        basis=rule.basis.zh,
        verified=rule.verified,
    )


def _matter(pack: ResolvedPack, app: Application) -> MatchedMatter | None:
    if app.matter is None:
        return None
    m = pack.matters[app.matter]
    return MatchedMatter(code=m.code, zh=m.zh, en=m.en, listed=m.listed, basis=m.basis.zh)


def _missing_item(pack: ResolvedPack, key: MissingKey, rules: list[str]) -> MissingItem:
    kind, name = key
    if kind == "fact":
        fact = FACTS[name]
        return MissingItem(
            fact=missing_path(key),
            kind="fact",
            zh=fact.ask_zh or fact.zh,
            en=fact.ask_en or fact.en,
            rules=tuple(rules),
        )
    group = pack.groups[name]
    proofs = "、".join(group.proofs)
    if kind == "proof":
        return MissingItem(
            fact=missing_path(key),
            kind="document",
            zh=f"{group.zh}身份的证明材料（{proofs}）",
            en=f"proof of being {group.en} ({proofs})",
            rules=tuple(rules),
        )
    return MissingItem(
        fact=missing_path(key),
        kind="fact",
        zh=f"申请人是否属于{group.zh}（{proofs}）",
        en=f"whether the applicant is {group.en} ({proofs})",
        rules=tuple(rules),
    )


def _params(node: Node) -> Iterable[str]:
    return (n.name for n in walk(node) if isinstance(n, ParamRef))


def _warnings(
    pack: ResolvedPack,
    app: Application,
    rules: list[Rule],
    city: str | None,
    layout: _Layout,
    records: Mapping[str, tuple[Record, ...]],
) -> tuple[Warning, ...]:
    out: dict[str, Warning] = {}
    for rule in rules:
        if not rule.verified:
            out[f"rule:{rule.id}"] = Warning(
                code="unverified_rule",
                zh=f"规则 {rule.id} 所依据的文本（{rule.basis.zh}）尚未与公开文本核对"
                + (f"：{rule.note}" if rule.note else ""),
                en=f"rule {rule.id} rests on a text not checked against a published copy"
                + (f" ({rule.basis.zh})" if rule.basis.zh else ""),
            )
        for gid in layout.groups[rule.id]:
            group = pack.groups[gid]
            used = any(
                isinstance(node, GroupTest) and node.group == gid and member is True
                for node, member, _, _ in records[rule.id]
            )
            if used and not group.basis.verified:
                out[f"group:{gid}"] = Warning(
                    code="unverified_group",
                    zh=f"所用群体定义未经核实：{group.zh}（{group.basis.zh}）",
                    en=f"an unverified group definition was used: {group.en} ({group.basis.zh})",
                )
        for name in layout.params[rule.id]:
            p = pack.parameters[name]
            hit = p.at(app.date, city, app.locality.county)
            if hit is not None and not hit.verified:
                region = p.region_for(city, app.locality.county)
                place = pack.region_name(region)
                out[f"param:{name}"] = Warning(
                    code="unverified_value",
                    zh=f"所用数值未经核实：{place}{p.zh} {hit.value}"
                    + (f"（{hit.note}）" if hit.note else ""),
                    en=f"an unverified value was used: {p.en} {hit.value}"
                    + (f" for {region}" if region else ""),
                )
    return tuple(out[k] for k in sorted(out))
