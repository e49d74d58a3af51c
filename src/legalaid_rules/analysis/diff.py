"""``diff``: the semantic difference of two packs, and its impact on past applications.

The same application is decided under both packs: on the same date when their periods
overlap, otherwise on the same day of each period (day *n* of the old version against day *n*
of the new). Each region of applications whose outcome changes is found by the solver,
described by the facts that bound it (an income interval, the matter, the claims) and shown
with a witness decided by ``evaluate`` under both packs.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import z3

from legalaid_rules.analysis._deps import (
    ApplicationError,
    Location,
    PackError,
    Problem,
    Registry,
    ResolvedPack,
    bundled_registry,
    evaluate,
    read_pack_file,
)
from legalaid_rules.analysis.regions import block, describe
from legalaid_rules.analysis.space import DatedView, Space
from legalaid_rules.analysis.terms import SOLVER_LOCK, Z
from legalaid_rules.analysis.text import OUTCOME_LABEL, application_text
from legalaid_rules.analysis.translate import Translator, Verdict
from legalaid_rules.analysis.witness import Decided, decide, solve

__all__ = [
    "Change",
    "DiffResult",
    "Impact",
    "Region",
    "diff",
    "diff_text",
    "impact",
    "impact_text",
    "pack_from_spec",
]

_OUTCOMES = ("eligible", "ineligible", "undetermined")
_PER_TRANSITION = 4


@dataclass(frozen=True)
class Region:
    """Applications whose outcome changes one way, around one witness."""

    before: str
    after: str
    zh: str
    en: str
    witness: dict[str, Any]
    old: Decided
    new: Decided
    confirmed: bool

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "before": self.before,
            "after": self.after,
            "zh": self.zh,
            "en": self.en,
            "witness": self.witness,
            "old": self.old.as_json(),
            "new": self.new.as_json(),
            "confirmed": self.confirmed,
        }


@dataclass(frozen=True)
class Change:
    """A changed entry of the pack content: a parameter, matter, group, rule or source."""

    section: str
    name: str
    what: str  # added | removed | changed
    old: str | None
    new: str | None

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "section": self.section,
            "name": self.name,
            "what": self.what,
            "old": self.old,
            "new": self.new,
        }


@dataclass
class DiffResult:
    """The semantic difference of two packs."""

    old: str
    new: str
    regions: list[Region] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "old": self.old,
            "new": self.new,
            "regions": [r.as_json() for r in self.regions],
            "changes": [c.as_json() for c in self.changes],
        }


def _offset(a: ResolvedPack, b: ResolvedPack) -> int | None:
    """Days to add to an old application date to get the new one; None when the periods overlap."""
    return None if a.effective.overlaps(b.effective) else (b.effective.start - a.effective.start).days


def diff(old: ResolvedPack, new: ResolvedPack, *, limit: int = _PER_TRANSITION) -> DiffResult:
    """The applications whose outcome differs between two packs, and the changed content.

    Args:
        old: the pack before the change.
        new: the pack after it (another version, another pack, or an edited copy).
        limit: at most this many regions per direction of change.
    """
    with SOLVER_LOCK:
        result = DiffResult(f"{old.id} {old.version}", f"{new.id} {new.version}")
        space = Space([old, new])
        shift = _offset(old, new)
        new_date = space.date if shift is None else space.date + shift
        va = Verdict.of(Translator(old, space))
        vb = Verdict.of(Translator(new, DatedView(space, new_date)))
        ka, approved = space.vars["case.approved_on"]
        valid = z3.And(
            space.valid(old),
            space.valid(new, date=new_date),
            z3.Implies(ka, approved >= new_date),
            z3.Not(va.refused),
            z3.Not(vb.refused),
        )
        for before in _OUTCOMES:
            for after in _OUTCOMES:
                if before == after:
                    continue
                blocked: list[Z] = []
                for _ in range(limit):
                    change = z3.And(va.outcome(before), vb.outcome(after))
                    hit = solve(space, valid, change, *blocked)
                    if hit is None:
                        break
                    app, model = hit
                    moved = _moved(app, shift)
                    d_old, d_new = decide(old, app), decide(new, moved)
                    zh, en = describe(space, model, z3.And(valid, change), app)
                    result.regions.append(
                        Region(
                            before,
                            after,
                            zh,
                            en,
                            app,
                            d_old,
                            d_new,
                            d_old.outcome == before and d_new.outcome == after,
                        )
                    )
                    blocked.append(block(space, model, z3.And(valid, change)))
        result.changes = content_changes(old, new)
        return result


def _moved(app: dict[str, Any], shift: int | None) -> dict[str, Any]:
    if not shift:
        return app
    day = dt.date.fromisoformat(app["date"]) + dt.timedelta(days=shift)
    return {**app, "date": day.isoformat()}


# -- content changes -------------------------------------------------------------------------------


def _entries(pack: ResolvedPack) -> dict[str, dict[str, str]]:
    return {
        "parameters": {
            n: "; ".join(f"{v.value}@{v.region or '*'} {v.start or ''}..{v.end or ''}" for v in p.values)
            + f" ({p.basis.zh})"
            for n, p in pack.parameters.items()
        },
        "matters": {c: f"{m.zh}; listed={m.listed}; {m.basis.zh}" for c, m in pack.matters.items()},
        "groups": {
            g: f"{e.zh}; {e.definition_text or '-'}; {'、'.join(e.proofs)}; {e.basis.zh}"
            for g, e in pack.groups.items()
        },
        "rules": {
            r.id: f"{r.when} => {r.effect.model_dump(exclude_none=True)}; {r.basis.zh}" for r in pack.rules
        },
        "sources": {s: f"{e.title} {e.number or ''} verified={e.verified}" for s, e in pack.sources.items()},
    }


def content_changes(old: ResolvedPack, new: ResolvedPack) -> list[Change]:
    """Entries added, removed or changed between two packs, section by section."""
    a, b = _entries(old), _entries(new)
    out = []
    for section in a:
        for name in sorted(set(a[section]) | set(b[section])):
            x, y = a[section].get(name), b[section].get(name)
            if x == y:
                continue
            what = "added" if x is None else "removed" if y is None else "changed"
            out.append(Change(section, name, what, x, y))
    return out


# -- impact on past applications -------------------------------------------------------------------


@dataclass
class Impact:
    """Past applications decided under both packs: how many changed, which way, where, by which rule."""

    total: int = 0
    changed: int = 0
    errors: int = 0
    directions: Counter[str] = field(default_factory=Counter)
    counties: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "total": self.total,
            "changed": self.changed,
            "errors": self.errors,
            "directions": dict(sorted(self.directions.items())),
            "counties": dict(sorted(self.counties.items())),
            "rules": dict(sorted(self.rules.items())),
        }


def impact(old: ResolvedPack, new: ResolvedPack, applications: Iterable[Mapping[str, Any]]) -> Impact:
    """Re-decide past applications under both packs and count the changes.

    An application either pack cannot take (outside its period or places) counts as an error.
    """
    shift = _offset(old, new)
    out = Impact()
    for data in applications:
        out.total += 1
        app = dict(data)
        try:
            a = evaluate(old, app)
            b = evaluate(new, _moved({**app, "date": str(app.get("date"))}, shift))
        except ApplicationError:
            out.errors += 1
            continue
        if (a.outcome, a.economic) == (b.outcome, b.economic):
            continue
        out.changed += 1
        out.directions[f"{a.outcome.value} -> {b.outcome.value}"] += 1
        loc = app.get("locality") or {}
        out.counties[str(loc.get("county") or loc.get("city") or "-")] += 1
        ra = {s.rule: s.result for s in a.steps}
        rb = {s.rule: s.result for s in b.steps}
        for rule in sorted(set(ra) | set(rb)):
            if ra.get(rule) != rb.get(rule):
                out.rules[rule] += 1
    return out


# -- loading the packs to compare ------------------------------------------------------------------


def pack_from_spec(spec: str, root: Path | None = None) -> ResolvedPack:
    """A pack from ``ID@DATE`` or from a pack file on disk (an edited copy of a pack).

    An edited copy is read with the packs it extends: it replaces, in a temporary copy of the
    packs folder, the versions of its pack whose periods it overlaps.

    Raises:
        PackNotFoundError: no such pack, or no version in force on that date.
        PackError: the spec is neither form, or the file or a parent has problems (located).
    """
    path = Path(spec)
    if not path.is_file():
        pack_id, _, day = spec.rpartition("@")
        try:
            on = dt.date.fromisoformat(day)
        except ValueError:
            raise PackError(
                [
                    Problem(
                        "input.pack_spec",
                        f"`{spec}` is neither `ID@DATE` (e.g. anhui/anqing@2023-06-01) nor a pack file",
                        Location(path=spec),
                    )
                ]
            ) from None
        registry = Registry(root) if root else bundled_registry()
        return registry.load(pack_id, on)
    loaded = read_pack_file(path, str(path), None)
    if isinstance(loaded, list):
        raise PackError(loaded)
    head = loaded.pack
    source_root = root or bundled_registry().root
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "rules"
        shutil.copytree(source_root, copy)
        folder = copy / head.id
        folder.mkdir(parents=True, exist_ok=True)
        for existing in sorted(folder.glob("*.yaml")):
            if existing.name.endswith(".tests.yaml"):
                continue
            other = read_pack_file(existing, str(existing), None)
            if isinstance(other, list) or other.pack.effective.overlaps(head.effective):
                existing.unlink()
        shutil.copy(path, folder / f"edited-{path.name}")
        return Registry(copy).load(head.id, head.effective.start)


# -- text ------------------------------------------------------------------------------------------


def diff_text(result: DiffResult, lang: str = "zh") -> str:
    """The difference for a person."""
    zh = lang == "zh"
    i = 0 if zh else 1
    lines = [f"{'比较' if zh else 'Comparing'}：{result.old} -> {result.new}"]
    lines.append(
        f"{'结论改变的申请' if zh else 'Applications whose outcome changes'}（{len(result.regions)}）："
    )
    for n, r in enumerate(result.regions, 1):
        arrow = f"{OUTCOME_LABEL[r.before][i]} -> {OUTCOME_LABEL[r.after][i]}"
        lines.append(f"{n}. {r.zh if zh else r.en}：{arrow}")
        lines.append(f"   {'例证申请' if zh else 'witness'}：{application_text(r.witness)}")
        lines.append(
            f"   evaluate：{OUTCOME_LABEL[r.old.outcome][i]} -> {OUTCOME_LABEL[r.new.outcome][i]}"
            + ("" if r.confirmed else ("（！未证实）" if zh else " (! not confirmed)"))
        )
    lines.append(f"{'内容改变' if zh else 'Content changes'}（{len(result.changes)}）：")
    for c in result.changes:
        lines.append(f"  {c.section}.{c.name}: {c.what}")
        if c.old is not None:
            lines.append(f"    - {c.old}")
        if c.new is not None:
            lines.append(f"    + {c.new}")
    return "\n".join(lines)


def impact_text(result: Impact, lang: str = "zh") -> str:
    """The impact on past applications for a person."""
    zh = lang == "zh"
    lines = [
        f"过往申请 {result.total} 件：决定改变 {result.changed} 件，无法比较 {result.errors} 件"
        if zh
        else f"past applications: {result.total}; changed: {result.changed}; not comparable: {result.errors}"
    ]
    for title, counter in (
        ("方向" if zh else "by direction", result.directions),
        ("县（市、区）" if zh else "by county", result.counties),
        ("规则" if zh else "by rule", result.rules),
    ):
        lines.append(f"  {title}：" + "，".join(f"{k} {v}" for k, v in sorted(counter.items())))
    return "\n".join(lines)
