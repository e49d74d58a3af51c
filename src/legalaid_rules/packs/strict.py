"""Strict checking: what ``legalaid-rules check --strict`` reports besides outright errors.

1. every entry (value, matter, group, rule, target, program, route) not verified: it says
   ``verified: false`` or cites a source that does;
2. a pack version whose period is open-ended (or runs past the date) although a regulation or
   law it cites has since been revised (``revised_documents`` in the root's ``RELEASES.yml``);
3. a source that no entry cites any more (nor a reassessment ground beside the pack);
4. a pack version whose content changed since its digest was recorded in ``RELEASES.yml``
   (change ``version`` when you change the content), or that has no recorded digest yet.

A root without ``RELEASES.yml`` skips checks 2 and 4. Record new versions (never overwrite a
recorded one) with ``python -m legalaid_rules.packs.strict --record rules/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from legalaid_rules.canonical import digest
from legalaid_rules.errors import Location, PackError, PackNotFoundError, Problem
from legalaid_rules.i18n import N_, _, language, problem_text
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packs.resolve import LoadedFile
from legalaid_rules.packs.schema import Citation, PackFile, SourceEntry, ValueEntry
from legalaid_rules.packs.yaml_source import read_yaml

__all__ = [
    "RELEASES_FILE",
    "changed_without_version",
    "content_digest",
    "open_after_revision",
    "record_releases",
    "uncited_sources",
    "unverified",
]

RELEASES_FILE = "RELEASES.yml"
"""At the rules root: recorded digests per pack version, and documents known to have been revised."""
GROUNDS_SUFFIX = ".reassessment.yml"  # the reassessment grounds beside a pack version


def unverified(registry: Registry) -> list[Problem]:
    """Everything ``check --strict`` adds, once each, located (see the module docstring; the
    uncited sources of check 3 are among the warnings every ``check`` reports)."""
    return [
        *unverified_entries(registry),
        *open_after_revision(registry),
        *changed_without_version(registry),
    ]


def unverified_entries(registry: Registry) -> list[Problem]:
    """Every unverified entry under the registry's root, once each, located."""
    out: dict[str, Problem] = {}
    for leaf, lineage in _files(registry):
        sources: dict[str, SourceEntry] = {}
        for lf in lineage:
            sources.update(lf.pack.sources)
        for p in _scan(leaf, sources):
            out.setdefault(str(p), p)
    return list(out.values())


def _bad_sources(basis: Iterable[Citation] | None, sources: Mapping[str, SourceEntry]) -> list[str]:
    return [c.source for c in basis or () if c.source in sources and not sources[c.source].verified]


def _scan(lf: LoadedFile, sources: Mapping[str, SourceEntry]) -> list[Problem]:
    pack, marks = lf.pack, lf.marks
    found: list[Problem] = []

    def flag(code: str, what: str, path: tuple[Any, ...], why: str, key: bool = True) -> None:
        message = (_("{what} is unverified: {why}") if why else _("{what} is unverified")).format(
            what=what, why=why
        )
        found.append(Problem(f"strict.{code}", message, marks.at(path, key=key)))

    def why(entry: Any, bad: list[str]) -> str:
        reasons = []
        if getattr(entry, "verified", True) is False:
            reasons.append(_("marked `verified: false`"))
        reasons += [_("cites unverified source `{name}`").format(name=s) for s in bad]
        note = getattr(entry, "note", None)
        return ("；" if language() == "zh" else "; ").join(reasons) + (f" ({note})" if note else "")

    def value(name: str, v: ValueEntry) -> str:
        template = (
            _("value {value} of `{name}` for `{region}`") if v.region else _("value {value} of `{name}`")
        )
        return template.format(value=v.value, name=name, region=v.region)

    for name, src in pack.sources.items():
        if not src.verified:
            what = _("source `{name}` 《{title}》").format(name=name, title=src.title)
            flag("source", what, ("sources", name), src.note or "")
    for name, param in pack.parameters.items():
        bad = _bad_sources(param.basis, sources)
        if not param.verified or bad:
            flag("parameter", _(_ENTRY[_PARAMETERS]).format(name=name), ("parameters", name), why(param, bad))
        for i, v in enumerate(param.values):
            vbad = _bad_sources(v.basis, sources)
            if v.verified is False or vbad:
                flag("value", value(name, v), ("parameters", name, "values", i), why(v, vbad), key=False)
    for name, values in pack.parameter_values.items():
        for i, v in enumerate(values):
            vbad = _bad_sources(v.basis, sources)
            if v.verified is False or vbad:
                flag("value", value(name, v), ("parameter_values", name, i), why(v, vbad), key=False)
    for section in ("matters", "groups", "rules", "targets", "programs", "routes"):
        for name, entry in getattr(pack, section).items():
            bad = _bad_sources(entry.basis, sources)
            if getattr(entry, "verified", True) is False or bad:
                flag(
                    section.rstrip("s"),
                    _(_ENTRY[section]).format(name=name),
                    (section, name),
                    why(entry, bad),
                )
    return found


_PARAMETERS = "parameters"
_ENTRY = {
    _PARAMETERS: N_("parameter `{name}`"),
    "matters": N_("matter `{name}`"),
    "groups": N_("group `{name}`"),
    "rules": N_("rule `{name}`"),
    "targets": N_("target `{name}`"),
    "programs": N_("program `{name}`"),
    "routes": N_("route `{name}`"),
}
"""An entry named in a strict finding, by its section."""


# -- versions, sources and releases ------------------------------------------------------------


def _files(registry: Registry) -> Iterator[tuple[LoadedFile, list[LoadedFile]]]:
    """Each readable pack version as (its file, its lineage root first)."""
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
            yield lineage[-1], lineage


def _grounds_path(lf: LoadedFile) -> Path:
    path = Path(lf.path)
    return path.with_name(path.name.removesuffix(".yaml") + GROUNDS_SUFFIX)


def _plain(path: Path) -> Any:
    """A YAML file's plain data as the safe reader gives it (None when missing or unreadable)."""
    if not path.is_file():
        return None
    doc, _ = read_yaml(path.read_text(encoding="utf-8"), str(path))
    return None if doc is None else doc.data


def _grounds_data(lf: LoadedFile) -> Any:
    return _plain(_grounds_path(lf))


def content_digest(lf: LoadedFile) -> str:
    """The digest of one pack version's own content: its file's data as read (comments and layout
    do not count, nor defaults a later library adds) and the reassessment grounds beside it."""
    return digest({"pack": _plain(Path(lf.path)), "reassessment": _grounds_data(lf)})


def _citations(pack: PackFile) -> Iterator[tuple[Citation, tuple[Any, ...]]]:
    for name, param in pack.parameters.items():
        yield from ((c, ("parameters", name)) for c in param.basis)
        for i, v in enumerate(param.values):
            yield from ((c, ("parameters", name, "values", i)) for c in v.basis or ())
    for name, values in pack.parameter_values.items():
        for i, v in enumerate(values):
            yield from ((c, ("parameter_values", name, i)) for c in v.basis or ())
    for section in ("matters", "groups", "rules", "targets", "programs", "routes"):
        for name, entry in getattr(pack, section).items():
            yield from ((c, (section, name)) for c in entry.basis)


def _ground_sources(data: Any) -> Iterator[str]:
    grounds = data.get("grounds") if isinstance(data, dict) else None
    for entry in (grounds or {}).values():
        basis = entry.get("basis") if isinstance(entry, dict) else None
        for c in [basis] if isinstance(basis, dict) else basis or []:
            if isinstance(c, dict) and isinstance(c.get("source"), str):
                yield c["source"]


def uncited_sources(registry: Registry) -> list[Problem]:
    """Sources that no entry of any pack built on them cites (nor a reassessment ground).

    The one implementation of the check: ``check`` reports these as warnings (``check.unused_source``).
    """
    declared: dict[tuple[str, str], Location] = {}
    cited: set[tuple[str, str]] = set()
    for leaf, lineage in _files(registry):
        owner: dict[str, str] = {}
        for lf in lineage:
            for name in lf.pack.sources:
                owner.setdefault(name, lf.path)
                declared[(lf.path, name)] = lf.marks.at(("sources", name), key=True)
        names = [c.source for c, _path in _citations(leaf.pack)] + list(_ground_sources(_grounds_data(leaf)))
        cited.update((owner[n], n) for n in names if n in owner)
    return [
        Problem(
            "check.unused_source",
            _("source `{key}` is never cited").format(key=name),
            loc,
            _("cite it in a `basis`, or remove it"),
        )
        for (path, name), loc in sorted(declared.items())
        if (path, name) not in cited
    ]


def _releases(registry: Registry) -> dict[str, Any] | None:
    path = registry.root / RELEASES_FILE
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return data if isinstance(data, dict) else None


def open_after_revision(registry: Registry) -> list[Problem]:
    """Versions in force on or after the day a regulation or law they cite was replaced."""
    releases = _releases(registry)
    revised = (releases or {}).get("revised_documents") or []
    out: list[Problem] = []
    for leaf, _lineage in _files(registry):
        end = leaf.pack.effective.end
        for doc in revised:
            title, in_force = str(doc.get("title", "")), doc.get("in_force")
            if not title or not isinstance(in_force, dt.date):
                continue
            if end is not None and end < in_force:
                continue
            for name, src in leaf.pack.sources.items():
                if src.kind in ("law", "regulation") and src.title.startswith(title):
                    message = (
                        _(
                            "pack `{pack}` {version} is in force to {end} but cites source `{name}` "
                            "《{title}》, revised in force from {day}"
                        )
                        if end
                        else _(
                            "pack `{pack}` {version} is in force open-ended but cites source `{name}` "
                            "《{title}》, revised in force from {day}"
                        )
                    )
                    out.append(
                        Problem(
                            "strict.open_after_revision",
                            message.format(
                                pack=leaf.pack.id,
                                version=leaf.pack.version,
                                end=end,
                                name=name,
                                title=src.title,
                                day=in_force,
                            ),
                            leaf.marks.at(("effective",)),
                            _("end this version on {day} and add a version for the revised text").format(
                                day=in_force - dt.timedelta(days=1)
                            ),
                        )
                    )
    return out


def changed_without_version(registry: Registry) -> list[Problem]:
    """Versions whose content differs from the digest recorded for them, or has none recorded."""
    releases = _releases(registry)
    if releases is None:
        return []
    recorded: Mapping[str, Mapping[str, str]] = releases.get("releases") or {}
    out: list[Problem] = []
    for leaf, _lineage in _files(registry):
        pack = leaf.pack
        want = (recorded.get(pack.id) or {}).get(pack.version)
        have = content_digest(leaf)
        if want is None:
            out.append(
                Problem(
                    "strict.unrecorded_version",
                    _("pack `{pack}` {version} has no digest recorded in {file}").format(
                        pack=pack.id, version=pack.version, file=RELEASES_FILE
                    ),
                    leaf.marks.at(("version",)),
                    _("record it: `python -m legalaid_rules.packs.strict --record <rules root>`"),
                )
            )
        elif want != have:
            out.append(
                Problem(
                    "strict.changed_without_version",
                    _(
                        "pack `{pack}` {version} changed since that version was recorded ({was}…, now {now}…)"
                    ).format(pack=pack.id, version=pack.version, was=want[:19], now=have[:19]),
                    leaf.marks.at(("version",)),
                    _(
                        "give the changed pack a new `version` (and record it); "
                        "a released version never changes"
                    ),
                )
            )
    return out


def record_releases(registry: Registry) -> list[str]:
    """Add the digest of every version not yet recorded to the root's ``RELEASES.yml``.

    A recorded digest is never overwritten. Returns ``id@version`` of each version added.
    """
    path = registry.root / RELEASES_FILE
    data = _releases(registry) or {}
    releases: dict[str, dict[str, str]] = {k: dict(v) for k, v in (data.get("releases") or {}).items()}
    added = []
    for leaf, _lineage in _files(registry):
        versions = releases.setdefault(leaf.pack.id, {})
        if leaf.pack.version not in versions:
            versions[leaf.pack.version] = content_digest(leaf)
            added.append(f"{leaf.pack.id}@{leaf.pack.version}")
    data["releases"] = {k: dict(sorted(v.items())) for k, v in sorted(releases.items())}
    header = (
        "# Released pack versions: the digest of each version's content (legalaid-rules check --strict\n"
        "# reports a version whose content no longer matches), and documents known to have been revised\n"
        "# (a version citing one must end before the revision is in force). docs/pack-format.md section 11.\n"
        "# Add new versions with: python -m legalaid_rules.packs.strict --record rules/\n"
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + body, encoding="utf-8")
    return added


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m legalaid_rules.packs.strict")
    parser.add_argument("root", type=Path, help="the rules root")
    parser.add_argument("--record", action="store_true", help="record the digests of new versions")
    args = parser.parse_args(argv)
    registry = Registry(args.root)
    if args.record:
        for name in record_releases(registry):
            print(_("recorded {version}").format(version=name))
        return 0
    problems = unverified(registry)
    for p in problems:
        print(problem_text(p))
    return 1 if problems else 0


if __name__ == "__main__":  # pragma: no cover - the CLI entry of the module
    sys.exit(_main())
