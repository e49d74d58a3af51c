"""The resolved pack: one version of a pack with its parents merged in and its conditions parsed.

This is the backend-neutral compiled form: plain frozen data plus syntax trees. The native
evaluator and the durable-rules backend both consume it; neither changes it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar, TypeVar, TypeVarTuple

from legalaid_rules.conditions.syntax import BoolNode
from legalaid_rules.conditions.types import Type
from legalaid_rules.packs.schema import (
    Citation,
    Effect,
    PackFile,
    Period,
    ProgramEntry,
    RegionEntry,
    RouteEntry,
    SourceEntry,
    TargetEntry,
)

__all__ = [
    "CitedText",
    "Group",
    "Matter",
    "Memo",
    "PackCache",
    "Parameter",
    "ParameterValue",
    "ResolvedPack",
    "Rule",
]


@dataclass(frozen=True, slots=True)
class CitedText:
    """A rendered legal basis: the text to print and whether every source behind it is verified."""

    zh: str
    verified: bool

    def __str__(self) -> str:
        return self.zh


def render_citations(basis: tuple[Citation, ...], sources: Mapping[str, SourceEntry]) -> CitedText:
    """Render citations as Chinese text: 《法律援助法》第四十二条；庆司通〔2023〕8号 六(二)."""
    parts: list[str] = []
    verified = True
    for c in basis:
        src = sources.get(c.source)
        if src is None:  # reported as `pack.unknown_source` by the resolver
            continue
        verified = verified and src.verified
        head = src.number if src.kind == "plan" and src.number else f"《{src.title}》"
        parts.append(head + (f"{' ' if src.kind == 'plan' and src.number else ''}{c.at}" if c.at else ""))
    return CitedText("；".join(parts), verified)


@dataclass(frozen=True, slots=True)
class ParameterValue:
    """One value of a parameter with where and when it applies."""

    value: Decimal | int | bool | dt.date | str
    region: str | None
    start: dt.date | None
    end: dt.date | None
    basis: CitedText
    verified: bool
    note: str | None

    def applies(self, on: dt.date, region: str | None) -> bool:
        """Whether this value applies on a date in a region."""
        return (
            (self.region is None or self.region == region)
            and (self.start is None or self.start <= on)
            and (self.end is None or on <= self.end)
        )


@dataclass(frozen=True, slots=True)
class Parameter:
    """A named value the rules use: label, type, unit, legal basis and dated regional values."""

    name: str
    zh: str
    en: str
    type: Type
    unit: str | None
    by: str | None
    basis: CitedText
    verified: bool
    note: str | None
    values: tuple[ParameterValue, ...]
    pack: str  # the pack that declared it

    def lookup(self, on: dt.date, region: str | None = None) -> ParameterValue | None:
        """The value in force on ``on`` for ``region`` (the most specific one), or None."""
        found = [v for v in self.values if v.applies(on, region)]
        if not found:
            return None
        # a regional value beats a general one; a later start beats an earlier one
        found.sort(key=lambda v: (v.region is not None, v.start or dt.date.min))
        return found[-1]

    def region_for(self, city: str | None, county: str | None, office_city: str | None = None) -> str | None:
        """The region this parameter is looked up for: the applicant's city or county, the city of
        the office that accepts the application (``by: office_city``), or None (not regional)."""
        if self.by == "city":
            return city
        if self.by == "county":
            return county
        return office_city if self.by == "office_city" else None

    @property
    def place_fact(self) -> str | None:
        """The fact that names the place this parameter is looked up for (asked when unknown)."""
        if self.by is None:
            return None
        return "application.office" if self.by == "office_city" else f"locality.{self.by}"

    def at(
        self, on: dt.date, city: str | None, county: str | None, office_city: str | None = None
    ) -> ParameterValue | None:
        """The value in force for an application's place, or None: the place is unknown (a regional
        parameter without the city, county or office) or the pack has no value there."""
        region = self.region_for(city, county, office_city)
        if self.by is not None and region is None:
            return None
        return self.lookup(on, region)

    def value(self, on: dt.date, region: str | None = None) -> Any:
        """The plain value in force, or None when there is none."""
        hit = self.lookup(on, region)
        return None if hit is None else hit.value


@dataclass(frozen=True, slots=True)
class Matter:
    """A matter code with its labels, basis and whether this place lists it in scope."""

    code: str
    zh: str
    en: str
    basis: CitedText
    listed: bool
    note: str | None
    pack: str


@dataclass(frozen=True, slots=True)
class Group:
    """A special group: definition (a condition, or None when membership is claimed) and proofs."""

    id: str
    zh: str
    en: str
    definition: BoolNode | None
    definition_text: str | None
    proofs: tuple[str, ...]
    basis: CitedText
    pack: str


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule: its condition's syntax tree, effect and legal basis."""

    id: str
    zh: str
    en: str
    when: str
    condition: BoolNode
    effect: Effect
    basis: CitedText
    verified: bool
    note: str | None
    pack: str
    depends_on: tuple[str, ...] = ()


_T = TypeVar("_T")


_K = TypeVar("_K")
_V = TypeVar("_V")
_Args = TypeVarTuple("_Args")


class Memo(dict[_K, _V]):
    """Values worked out once for a pack and kept in its :class:`PackCache` (subclass per kind).

    Bounded: on reaching ``limit`` entries it forgets them all (each is cheap to make again).
    Safe across threads without a lock: a value is frozen, a lookup reads the dict once, and a
    concurrent ``clear`` costs at most making one value again.
    """

    limit: ClassVar[int] = 4096

    def remember(self, key: _K, make: Callable[[*_Args], _V], *args: *_Args) -> _V:
        """The value kept for ``key``, made by ``make(*args)`` (and kept) the first time."""
        try:
            return self[key]
        except KeyError:
            pass
        made = make(*args)
        if len(self) >= self.limit:
            self.clear()
        self[key] = made
        return made


class PackCache:
    """What higher layers compile from a pack, built once per pack and kind, thread-safe.

    The pack layer knows nothing of what is kept here (a native plan, a durable-rules
    network, the layout of a decision): each is keyed by its own class, so a lookup is typed.
    """

    __slots__ = ("_built", "_lock")

    def __init__(self) -> None:
        self._built: dict[type[Any], Any] = {}
        self._lock = threading.Lock()

    def get(self, kind: type[_T], build: Callable[[], _T]) -> _T:
        """The one ``kind`` of this pack, built by ``build`` on first use (once, under a lock)."""
        found: _T | None = self._built.get(kind)  # (no cast(): this is on every decision's path)
        if found is None:
            with self._lock:
                found = self._built.get(kind)
                if found is None:
                    found = build()
                    if not isinstance(found, kind):  # pragma: no cover - a caller's bug
                        raise TypeError(f"built a {type(found).__name__}, not a {kind.__name__}")
                    self._built[kind] = found
        return found


@dataclass(frozen=True)
class ResolvedPack:
    """One pack version in force, with its parents merged in, checked and compiled."""

    id: str
    version: str
    title: str
    jurisdiction: str
    effective: Period
    lineage: tuple[tuple[str, str], ...]  # (id, version), root first
    files: tuple[str, ...]
    sources: Mapping[str, SourceEntry]
    regions: Mapping[str, RegionEntry]
    parameters: Mapping[str, Parameter]
    matters: Mapping[str, Matter]
    groups: Mapping[str, Group]
    rules: tuple[Rule, ...]  # in evaluation order: a rule comes after the rules it uses
    targets: Mapping[str, TargetEntry]
    canonical: Mapping[str, Any]  # the merged pack content, the input of the digest
    digest: str
    programs: Mapping[str, ProgramEntry] = field(default_factory=dict)  # parents' first, overrides applied
    routes: Mapping[str, RouteEntry] = field(default_factory=dict)  # parents' first, overrides applied
    has_means_test: bool = False  # a rule with `economic: passed`: the pack can decide on its own
    raw: tuple[PackFile, ...] = field(repr=False, default=())
    node_texts: Mapping[int, str] = field(repr=False, default_factory=dict)  # id(node) -> text
    cache: PackCache = field(default_factory=PackCache, repr=False, compare=False)
    """What higher layers compile from the pack (see :class:`PackCache`)."""

    def rule(self, rule_id: str) -> Rule:
        """A rule by id.

        Raises:
            KeyError: no such rule.
        """
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def region_name(self, region: str | None) -> str:
        """The Chinese name of a region id, or the id itself."""
        if region is None:
            return ""
        entry = self.regions.get(region)
        return entry.zh if entry else region

    def _ancestry(self, region: str) -> list[str]:
        """``region`` and the regions above it, nearest first (the pack's region tree)."""
        out: list[str] = []
        current: str | None = region
        while current is not None and current in self.regions and len(out) < 10:
            out.append(current)
            current = self.regions[current].parent
        return out

    def city_of(self, region: str) -> str | None:
        """The prefecture-level city a region belongs to (itself if it is one)."""
        return next((r for r in self._ancestry(region) if self.regions[r].level == "city"), None)

    def within(self, region: str, ancestor: str) -> bool:
        """Whether ``region`` is ``ancestor`` or lies inside it."""
        return region == ancestor or ancestor in self._ancestry(region)

    def applicant_city(self, city: str | None, county: str | None) -> str | None:
        """The applicant's prefecture city: the one given, else the county's."""
        return city or (self.city_of(county) if county else None)

    def office_city(self, office: str | None) -> str | None:
        """The prefecture-level city of the office applied at, for ``by: office_city`` figures.

        None when no office is given; an office in no city of the pack (a province-level office)
        stands for itself, so a figure looked up for it is missing (a located error), never guessed.
        """
        if office is None:
            return None
        return self.city_of(office) or office
