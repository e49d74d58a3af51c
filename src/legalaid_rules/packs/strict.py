"""Strict checking: list every entry (value, matter, group, rule, target, program, route) not verified.

An entry is unverified when it says ``verified: false`` or cites a source that does. A
deployment that must run on fully sourced packs runs ``legalaid-rules check --strict``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from legalaid_rules.errors import PackError, PackNotFoundError, Problem
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packs.resolve import LoadedFile
from legalaid_rules.packs.schema import Citation, SourceEntry

__all__ = ["unverified"]


def unverified(registry: Registry) -> list[Problem]:
    """Every unverified entry under the registry's root, once each, located."""
    out: dict[str, Problem] = {}
    for pack_id in registry.ids():
        try:
            versions = registry.versions(pack_id)
        except PackError:
            continue
        for v in versions:
            try:
                lineage = registry.lineage(pack_id, v.start)
            except (PackError, PackNotFoundError):
                continue
            sources: dict[str, SourceEntry] = {}
            for lf in lineage:
                sources.update(lf.pack.sources)
            for p in _scan(lineage[-1], sources):
                out.setdefault(str(p), p)
    return list(out.values())


def _bad_sources(basis: Iterable[Citation] | None, sources: Mapping[str, SourceEntry]) -> list[str]:
    return [c.source for c in basis or () if c.source in sources and not sources[c.source].verified]


def _scan(lf: LoadedFile, sources: Mapping[str, SourceEntry]) -> list[Problem]:
    pack, marks = lf.pack, lf.marks
    found: list[Problem] = []

    def flag(code: str, what: str, path: tuple[Any, ...], why: str, key: bool = True) -> None:
        found.append(Problem(f"strict.{code}", f"{what} is unverified: {why}", marks.at(path, key=key)))

    def why(entry: Any, bad: list[str]) -> str:
        reasons = []
        if getattr(entry, "verified", True) is False:
            reasons.append("marked `verified: false`")
        reasons += [f"cites unverified source `{s}`" for s in bad]
        note = getattr(entry, "note", None)
        return "; ".join(reasons) + (f" ({note})" if note else "")

    for name, src in pack.sources.items():
        if not src.verified:
            flag("source", f"source `{name}` 《{src.title}》", ("sources", name), src.note or "")
    for name, param in pack.parameters.items():
        bad = _bad_sources(param.basis, sources)
        if not param.verified or bad:
            flag("parameter", f"parameter `{name}`", ("parameters", name), why(param, bad))
        for i, v in enumerate(param.values):
            vbad = _bad_sources(v.basis, sources)
            if v.verified is False or vbad:
                flag(
                    "value",
                    f"value {v.value} of `{name}`" + (f" for `{v.region}`" if v.region else ""),
                    ("parameters", name, "values", i),
                    why(v, vbad),
                    key=False,
                )
    for name, values in pack.parameter_values.items():
        for i, v in enumerate(values):
            vbad = _bad_sources(v.basis, sources)
            if v.verified is False or vbad:
                flag(
                    "value",
                    f"value {v.value} of `{name}`" + (f" for `{v.region}`" if v.region else ""),
                    ("parameter_values", name, i),
                    why(v, vbad),
                    key=False,
                )
    for section in ("matters", "groups", "rules", "targets", "programs", "routes"):
        for name, entry in getattr(pack, section).items():
            bad = _bad_sources(entry.basis, sources)
            if getattr(entry, "verified", True) is False or bad:
                flag(
                    section.rstrip("s"),
                    f"{section.rstrip('s')} `{name}`",
                    (section, name),
                    why(entry, bad),
                )
    return found
