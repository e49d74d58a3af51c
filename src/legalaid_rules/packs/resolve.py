"""Merge a pack with its parents, check every reference and condition, and compile it.

Input: the lineage of pack files, root (national) first. Output: a :class:`ResolvedPack`, or
every problem found, each located at ``file:line:column``.

Inheritance: a child adds entries; to replace a parent's entry of the same name it must say
``override: true`` (so a clash is never an accident), and ``parameter_values`` adds dated or
regional values to a parameter a parent declared.
"""

from __future__ import annotations

import datetime as dt
import graphlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from legalaid_rules.canonical import digest, to_canonical_data
from legalaid_rules.conditions.check import Names, check_condition
from legalaid_rules.conditions.messages import texts
from legalaid_rules.conditions.parser import ParseError, parse
from legalaid_rules.conditions.syntax import BoolNode, GroupTest, Node, RuleRef, walk
from legalaid_rules.conditions.types import BOOL, DATE, MONEY, NUMBER, Type
from legalaid_rules.errors import Location, Problem, did_you_mean
from legalaid_rules.i18n import N_, _
from legalaid_rules.packs.kinds import value_problem
from legalaid_rules.packs.model import (
    Group,
    Matter,
    Parameter,
    ParameterValue,
    ResolvedPack,
    Rule,
    render_citations,
)
from legalaid_rules.packs.regions import level_label, region_hint
from legalaid_rules.packs.schema import Citation, PackFile, ValueEntry
from legalaid_rules.packs.yaml_source import Marks

__all__ = ["LoadedFile", "resolve"]

_TYPES: dict[str, Type] = {
    "money": MONEY,
    "number": NUMBER,
    "ratio": NUMBER,
    "count": NUMBER,
    "date": DATE,
    "bool": BOOL,
}


@dataclass(frozen=True)
class LoadedFile:
    """One validated pack file with its source marks."""

    pack: PackFile
    marks: Marks
    path: str


@dataclass
class _Origin:
    file: LoadedFile
    path: tuple[str | int, ...]

    def at(self, *more: str | int, key: bool = False) -> Location:
        return self.file.marks.at((*self.path, *more), key=key)


_SECTIONS = ("sources", "regions", "parameters", "matters", "groups", "rules", "targets")
_PROGRAM_SECTIONS = ("programs", "routes")
"""Sections added after format 1 shipped: in the digest only when a pack uses them."""


def resolve(lineage: list[LoadedFile]) -> ResolvedPack | list[Problem]:
    """Resolve a lineage (root first, the pack asked for last).

    The steps, in order (each adds the problems it finds; all are reported together):
    merge the files, check every reference, resolve the parameters with their values, compile
    the group definitions and the rules' conditions against the names the pack declares, order
    the rules, and build the resolved pack with its canonical content and digest.
    """
    r = _Resolution(lineage)
    r.merge()
    r.check_references()
    parameters = r.parameters()
    names = r.names(parameters)
    groups = r.groups(names)
    matters = r.matters()
    rules, graph, order = r.rules(names)
    if r.problems:
        return r.problems
    return r.build(parameters, groups, matters, rules, graph, order)


class _Resolution:
    """The state of resolving one lineage: the merged sections, where each entry came from, and
    the problems found so far."""

    def __init__(self, lineage: list[LoadedFile]) -> None:
        self.lineage = lineage
        self.leaf = lineage[-1]
        self.problems: list[Problem] = []
        self.merged: dict[str, dict[str, Any]] = {s: {} for s in _SECTIONS + _PROGRAM_SECTIONS}
        self.origins: dict[str, dict[str, _Origin]] = {s: {} for s in _SECTIONS + _PROGRAM_SECTIONS}
        self.extra_values: list[tuple[str, ValueEntry, _Origin]] = []

    @property
    def sources(self) -> dict[str, Any]:
        return self.merged["sources"]

    @property
    def regions(self) -> dict[str, Any]:
        return self.merged["regions"]

    # -- merging -------------------------------------------------------------------------------

    def merge(self) -> None:
        """Each section merged root first; a child replaces a parent's entry only with ``override``."""
        problems, merged, origins = self.problems, self.merged, self.origins
        for lf in self.lineage:
            for section in _SECTIONS + _PROGRAM_SECTIONS:
                for name, entry in getattr(lf.pack, section).items():
                    origin = _Origin(lf, (section, name))
                    exists = name in merged[section]
                    wants = bool(getattr(entry, "override", False))
                    if exists and not wants:
                        first = origins[section][name]
                        problems.append(
                            Problem(
                                "pack.redefined",
                                _(
                                    "`{name}` is already defined in {section} of pack `{pack}` ({where})"
                                ).format(
                                    name=name,
                                    section=section,
                                    pack=first.file.pack.id,
                                    where=first.at(key=True),
                                ),
                                origin.at(key=True),
                                _("add `override: true` to replace it on purpose, or choose another name"),
                            )
                        )
                        continue
                    if wants and not exists:
                        problems.append(
                            Problem(
                                "pack.override_nothing",
                                _("`{name}` says `override: true` but no parent pack defines it").format(
                                    name=name
                                ),
                                origin.at("override"),
                                did_you_mean(name, merged[section]) or _("remove `override: true`"),
                            )
                        )
                    merged[section][name] = entry
                    origins[section][name] = origin
            for pname, values in lf.pack.parameter_values.items():
                for i, v in enumerate(values):
                    self.extra_values.append((pname, v, _Origin(lf, ("parameter_values", pname, i))))

    # -- references ----------------------------------------------------------------------------

    def cite(self, basis: tuple[Citation, ...] | None, origin: _Origin, *where: str | int) -> None:
        """Every citation names a declared source."""
        sources = self.sources
        for i, c in enumerate(basis or ()):
            if c.source not in sources:
                self.problems.append(
                    Problem(
                        "pack.unknown_source",
                        _("unknown source `{name}`").format(name=c.source),
                        origin.at(*where, "basis", i, "source")
                        if len(basis or ()) > 1
                        else origin.at(*where, "basis", "source"),
                        did_you_mean(c.source, sources) or _declare("sources"),
                    )
                )

    def region_ref(self, region: str | None, origin: _Origin, *where: str | int) -> None:
        """A region named is declared."""
        regions = self.regions
        if region is not None and region not in regions:
            self.problems.append(
                Problem(
                    "pack.unknown_region",
                    _("unknown region `{name}`").format(name=region),
                    origin.at(*where),
                    region_hint(region, regions) or _declare("regions"),
                )
            )

    def check_references(self) -> None:
        """Jurisdiction, region parents, citations, targets, programs and routes name what exists."""
        merged, origins = self.merged, self.origins
        self.region_ref(self.leaf.pack.jurisdiction, _Origin(self.leaf, ()), "jurisdiction")
        for name, r in self.regions.items():
            self.region_ref(r.parent, origins["regions"][name], "parent")
        for section in ("parameters", "matters", "groups", "rules", "targets"):
            for name, entry in merged[section].items():
                self.cite(entry.basis, origins[section][name])
        for name, t in merged["targets"].items():
            self.region_ref(t.region, origins["targets"][name], "region")
        self.problems.extend(_program_refs(merged, origins))
        for section in _PROGRAM_SECTIONS:
            for name, entry in merged[section].items():
                self.cite(entry.basis, origins[section][name])

    # -- parameters ----------------------------------------------------------------------------

    def parameters(self) -> dict[str, Parameter]:
        """Every parameter with its values (own, parents' and ``parameter_values``), each checked."""
        sources, regions = self.sources, self.regions
        parameters: dict[str, Parameter] = {}
        values_by_param: dict[str, list[tuple[ValueEntry, _Origin]]] = {}
        for name, p in self.merged["parameters"].items():
            o = self.origins["parameters"][name]
            if p.value is not None:
                values_by_param[name] = [(ValueEntry(value=p.value), o)]
            else:
                values_by_param[name] = [
                    (v, _Origin(o.file, (*o.path, "values", i))) for i, v in enumerate(p.values)
                ]
        for pname, v, o in self.extra_values:
            if pname not in self.merged["parameters"]:
                self.problems.append(
                    Problem(
                        "pack.unknown_parameter",
                        _("values for unknown parameter `{name}`").format(name=pname),
                        o.file.marks.at(("parameter_values", pname), key=True),
                        did_you_mean(pname, self.merged["parameters"]),
                    )
                )
                continue
            values_by_param[pname].append((v, o))
        for name, p in self.merged["parameters"].items():
            o = self.origins["parameters"][name]
            ptype = _TYPES[p.type]
            pvalues: list[ParameterValue] = []
            for v, vo in values_by_param[name]:
                self.cite(v.basis, vo)
                self.region_ref(v.region, vo, "region")
                bad = value_problem(name, p.type, v.value)
                if bad is not None:
                    at = vo.at("value") if vo.path[-1] != name else o.at("value")
                    self.problems.append(Problem(bad.code, bad.message, at, bad.hint))
                if p.by is not None and v.region is None:
                    self.problems.append(
                        Problem(
                            "pack.value_region",
                            _("`{name}` varies by {level}: each value needs `region`").format(
                                name=name, level=level_label(p.by)
                            ),
                            vo.at(),
                        )
                    )
                level = _BY_LEVEL.get(p.by or "")
                if level is not None and v.region in regions and regions[v.region].level != level:
                    self.problems.append(
                        Problem(
                            "pack.value_region",
                            _("`{name}` varies by {level} but `{region}` is a {region_level}").format(
                                name=name,
                                level=level_label(p.by),
                                region=v.region,
                                region_level=level_label(regions[v.region].level),
                            ),
                            vo.at("region"),
                        )
                    )
                basis_entries = v.basis or p.basis
                basis = render_citations(basis_entries, sources)
                verified = p.verified and (v.verified is not False) and basis.verified
                pvalues.append(
                    ParameterValue(
                        _normalise(p.type, v.value),
                        v.region,
                        v.start,
                        v.end,
                        basis,
                        verified,
                        v.note or p.note,
                    )
                )
                if v.start and v.end and v.end < v.start:
                    self.problems.append(
                        Problem(
                            "pack.period_inverted",
                            _("the value's period ends ({end}) before it starts ({start})").format(
                                end=v.end, start=v.start
                            ),
                            vo.at("to"),
                        )
                    )
            self.problems.extend(_overlapping_values(name, pvalues, values_by_param[name]))
            pbasis = render_citations(p.basis, sources)
            parameters[name] = Parameter(
                name,
                p.zh,
                p.en,
                ptype,
                p.unit,
                p.by,
                pbasis,
                p.verified and pbasis.verified,
                p.note,
                tuple(pvalues),
                o.file.pack.id,
            )
            self.problems.extend(_coverage(name, p.by, pvalues, self.leaf, regions))

        return parameters

    # -- conditions ----------------------------------------------------------------------------

    def names(self, parameters: Mapping[str, Parameter]) -> Names:
        """The names a condition may use."""
        merged = self.merged
        return Names(
            parameters={n: prm.type for n, prm in parameters.items()},
            groups=frozenset(merged["groups"]),
            rules=frozenset(merged["rules"]),
            matters=frozenset(merged["matters"]),
            regions=frozenset(self.regions),
        )

    def compile_condition(
        self, names: Names, text: str, origin: _Origin, key: str
    ) -> tuple[BoolNode | None, list[str]]:
        """A condition parsed and checked (None if it has problems), and the rules it refers to."""
        problems = self.problems
        loc = origin.at(key)
        style = origin.file.marks.styles.get((*origin.path, key))
        try:
            node = parse(text)
        except ParseError as exc:
            problems.append(
                Problem(
                    exc.code,
                    texts("condition.syntax", message=exc.message).message,
                    _shift(loc, text, exc.offset, style),
                    exc.hint,
                )
            )
            return None, []
        found, refs = check_condition(node, names)
        for cp in found:
            hint = cp.hint
            if cp.key == "condition.unknown_code.region":  # `'宿松县'`: the code is `susong`
                hint = region_hint(text[cp.span[0] : cp.span[1]].strip("'\""), self.regions) or hint
            problems.append(Problem(cp.code, cp.message, _shift(loc, text, cp.span[0], style), hint))
        return (node if not found else None), refs  # type: ignore[return-value]

    def groups(self, names: Names) -> dict[str, Group]:
        """Every group, its definition compiled (facts and parameters only)."""
        groups: dict[str, Group] = {}
        for gid, g in self.merged["groups"].items():
            o = self.origins["groups"][gid]
            definition = None
            if g.definition is not None:
                definition, refs = self.compile_condition(names, g.definition, o, "definition")
                if definition is not None and (refs or _has_group_test(definition)):
                    self.problems.append(
                        Problem(
                            "pack.group_definition",
                            _(
                                "a group's definition may use facts and parameters only, "
                                "not rule() or member()"
                            ),
                            o.at("definition"),
                        )
                    )
                    definition = None
            groups[gid] = Group(
                gid,
                g.zh,
                g.en,
                definition,
                g.definition,
                g.proofs,
                render_citations(g.basis, self.sources),
                o.file.pack.id,
            )
        return groups

    def matters(self) -> dict[str, Matter]:
        """Every matter with its rendered basis."""
        return {
            code: Matter(
                code,
                m.zh,
                m.en,
                render_citations(m.basis, self.sources),
                m.listed,
                m.note,
                self.origins["matters"][code].file.pack.id,
            )
            for code, m in self.merged["matters"].items()
        }

    def rules(self, names: Names) -> tuple[dict[str, Rule], dict[str, set[str]], list[str]]:
        """Every rule compiled, the rules each refers to, and an order in which each comes after
        the rules it uses (empty on a cycle, which is a problem)."""
        rules: dict[str, Rule] = {}
        graph: dict[str, set[str]] = {}
        for rid, r in self.merged["rules"].items():
            o = self.origins["rules"][rid]
            node, refs = self.compile_condition(names, r.when, o, "when")
            graph[rid] = set(refs) & set(self.merged["rules"])
            basis = render_citations(r.basis, self.sources)
            if node is not None:
                rules[rid] = Rule(
                    rid,
                    r.zh,
                    r.en,
                    r.when,
                    node,
                    r.then,
                    basis,
                    r.verified and basis.verified,
                    r.note,
                    o.file.pack.id,
                    tuple(sorted(graph[rid])),
                )
        order: list[str] = []
        try:
            order = list(graphlib.TopologicalSorter(graph).static_order())
        except graphlib.CycleError as exc:
            cycle = exc.args[1]
            self.problems.append(
                Problem(
                    "pack.rule_cycle",
                    _("rules refer to each other in a circle: {chain}").format(
                        chain=" -> ".join(f"`{c}`" for c in reversed(cycle))
                    ),
                    self.origins["rules"][cycle[0]].at("when"),
                    _("a rule may use rule(x) only for rules that do not, in turn, use it"),
                )
            )
        return rules, graph, order

    # -- the resolved pack ---------------------------------------------------------------------

    def build(
        self,
        parameters: dict[str, Parameter],
        groups: dict[str, Group],
        matters: dict[str, Matter],
        rules: dict[str, Rule],
        graph: dict[str, set[str]],
        order: list[str],
    ) -> ResolvedPack:
        """The resolved pack: rules in evaluation order, canonical content and its digest."""
        leaf, merged = self.leaf, self.merged
        declared = list(self.merged["rules"])
        ordered = sorted(order, key=lambda rid: (_depth(rid, graph), declared.index(rid)))
        canonical = {
            "lineage": [[lf.pack.id, lf.pack.version] for lf in self.lineage],
            "effective": leaf.pack.effective,
            "jurisdiction": leaf.pack.jurisdiction,
            **{s: {k: merged[s][k] for k in sorted(merged[s])} for s in _SECTIONS},
            **{
                s: {k: self.merged[s][k] for k in sorted(self.merged[s])}
                for s in _PROGRAM_SECTIONS
                if self.merged[s]
            },
            "parameter_values": [[p, v] for p, v, _ in self.extra_values],
            "rule_order": ordered,
        }
        canonical_data = to_canonical_data(canonical)
        node_texts: dict[int, str] = {}
        for text, root in [(r.when, r.condition) for r in rules.values()] + [
            (g.definition_text or "", g.definition) for g in groups.values() if g.definition
        ]:
            for n in walk(root):
                node_texts[id(n)] = text[n.span[0] : n.span[1]]
        return ResolvedPack(
            id=leaf.pack.id,
            version=leaf.pack.version,
            title=leaf.pack.title,
            jurisdiction=leaf.pack.jurisdiction,
            effective=leaf.pack.effective,
            lineage=tuple((lf.pack.id, lf.pack.version) for lf in self.lineage),
            files=tuple(lf.path for lf in self.lineage),
            sources=dict(self.sources),
            regions=dict(self.regions),
            parameters=parameters,
            matters=matters,
            groups=groups,
            rules=tuple(rules[rid] for rid in ordered),
            targets=dict(self.merged["targets"]),
            programs=dict(self.merged["programs"]),
            routes=dict(self.merged["routes"]),
            has_means_test=any(r.effect.economic == "passed" for r in rules.values()),
            canonical=canonical_data,
            digest=digest(canonical_data),
            raw=tuple(lf.pack for lf in self.lineage),
            node_texts=node_texts,
        )


def _program_refs(
    merged: Mapping[str, dict[str, Any]], origins: Mapping[str, dict[str, _Origin]]
) -> list[Problem]:
    """Program, route and subsidy references must name entries the pack declares."""
    out: list[Problem] = []
    programs, routes = merged["programs"], merged["routes"]

    def need(name: str | None, known: Mapping[str, Any], what: str, origin: _Origin, *where: str) -> None:
        if name is not None and name not in known:
            hint = region_hint(name, known) if what == "region" else did_you_mean(name, known)
            out.append(
                Problem(
                    f"pack.unknown_{what}",
                    _(_UNKNOWN[what]).format(name=name),
                    origin.at(*where),
                    hint or _declare(f"{what}s"),
                )
            )

    for rid, r in merged["rules"].items():
        o = origins["rules"][rid]
        need(r.then.program, programs, "program", o, "then", "program")
        need(r.then.program_requires, programs, "program", o, "then", "program_requires")
        need(r.then.route, routes, "route", o, "then", "route")
    for tid, t in merged["targets"].items():
        need(t.program, programs, "program", origins["targets"][tid], "program")
    for pid, p in programs.items():
        o = origins["programs"][pid]
        need(p.subsidy, merged["parameters"], "parameter", o, "subsidy")
        param = merged["parameters"].get(p.subsidy) if p.subsidy else None
        if param is not None and param.type != "money":
            out.append(
                Problem(
                    "pack.subsidy_type",
                    _("subsidy `{name}` is not money").format(name=p.subsidy),
                    o.at("subsidy"),
                    _("name a parameter of `type: money`"),
                )
            )
    for name, route in routes.items():
        if route.office not in ("county", "city"):
            need(route.office, merged["regions"], "region", origins["routes"][name], "office")
    return out


_UNKNOWN = {
    "program": N_("unknown program `{name}`"),
    "route": N_("unknown route `{name}`"),
    "parameter": N_("unknown parameter `{name}`"),
    "region": N_("unknown region `{name}`"),
}


def _declare(section: str) -> str:
    """The hint for a name nothing declares: where to declare it."""
    return _("declare it under `{section}`").format(section=section)


def _depth(rid: str, graph: Mapping[str, set[str]], seen: frozenset[str] = frozenset()) -> int:
    deps = graph.get(rid, set()) - seen
    return 0 if not deps else 1 + max(_depth(d, graph, seen | {rid}) for d in deps)


def _has_group_test(node: Node) -> bool:
    return any(isinstance(n, GroupTest | RuleRef) for n in walk(node))


def _normalise(ptype: str, value: Any) -> Any:
    if ptype == "money" and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _overlapping_values(
    name: str, values: list[ParameterValue], origins: list[tuple[ValueEntry, _Origin]]
) -> list[Problem]:
    out = []
    for i, a in enumerate(values):
        for j in range(i):
            b = values[j]
            if a.region != b.region:
                continue
            far, near = dt.date.max, dt.date.min
            if (a.start or near) <= (b.end or far) and (b.start or near) <= (a.end or far):
                out.append(
                    Problem(
                        "pack.value_overlap",
                        (
                            _("two values of `{name}` apply to the same region `{region}` on the same days")
                            if a.region
                            else _("two values of `{name}` apply to the same place on the same days")
                        ).format(name=name, region=a.region),
                        origins[i][1].at(),
                        _("give each value its own `from`/`to` period"),
                    )
                )
    return out


_BY_LEVEL = {"city": "city", "county": "county", "office_city": "city"}
"""The region level of each value of a parameter that varies by place (``by``)."""


def _coverage(
    name: str,
    by: str | None,
    values: list[ParameterValue],
    leaf: LoadedFile,
    regions: Mapping[str, Any],
) -> list[Problem]:
    """A parameter that varies by city (the applicant's or the office's) must cover the pack's
    own city for its whole period."""
    if by not in ("city", "office_city"):
        return []
    place: str | None = leaf.pack.jurisdiction
    while place is not None and place in regions and regions[place].level not in ("city", "province"):
        place = regions[place].parent
    if place is None or place not in regions or regions[place].level != "city":
        return []
    period = leaf.pack.effective
    day = period.start
    last = period.end or period.start
    while day <= last:
        hits = [v for v in values if v.applies(day, place)]
        if not hits:
            return [
                Problem(
                    "pack.value_missing",
                    _(
                        "`{name}` has no value for `{place}` on {day}, inside this pack's period {period}"
                    ).format(name=name, place=place, day=day, period=period),
                    leaf.marks.at(("effective",)),
                    _("add a value for region `{place}` under `parameter_values`").format(place=place),
                )
            ]
        ends = [v.end for v in hits if v.end is not None]
        if not ends:
            break
        day = min(ends) + dt.timedelta(days=1)
    return []


def _shift(loc: Location, text: str, offset: int, style: str | None) -> Location:
    """Point inside a condition: same line for a one-line condition, else its first line."""
    if loc.line is None or "\n" in text.rstrip("\n") or style in ("|", ">"):
        return loc
    quote = 1 if style in ("'", '"') else 0
    return Location(loc.file, loc.line, (loc.column or 1) + quote + offset, loc.path)
