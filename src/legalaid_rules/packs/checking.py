"""``legalaid-rules check``: every problem in the packs named, in one pass.

What can be named: a rules root (``rules/``), a pack folder (``rules/anhui/anqing``: that pack
and the packs below it), a version file (``rules/anhui/anqing/2023.yaml``), or a lone file
outside any rules tree (checked with its parents from the bundled packs).

Every phase that can run does run: a file with broken entries is still resolved without them
(:mod:`legalaid_rules.packs.salvage`), so its references and conditions are checked too. A phase
is reported as skipped only where an earlier problem makes it meaningless (a file that is not
YAML cannot be resolved; a pack whose parent has problems cannot be merged with it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from legalaid_rules.errors import Location, PackError, PackNotFoundError, Problem
from legalaid_rules.i18n import _
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.registry import TESTS_SUFFIX, Registry, bundled_root
from legalaid_rules.packs.resolve import LoadedFile, resolve
from legalaid_rules.packs.salvage import SalvagedFile, follows_from, read_pack_lenient
from legalaid_rules.packs.strict import uncited_sources

__all__ = ["CheckResult", "check_paths"]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: problems (errors), warnings, phases skipped and what was read."""

    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    skipped: tuple[Problem, ...] = ()
    files: tuple[Path, ...] = ()
    roots: tuple[Path, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """No problems, and at least one pack file was checked."""
        return not self.problems and bool(self.files)


class _CheckingRegistry(Registry):
    """A registry that reads broken files as far as they go, and remembers what it left out."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.salvaged: dict[Path, SalvagedFile] = {}

    def _read(self, path: Path) -> LoadedFile | list[Problem]:
        read = self.salvaged.get(path)
        if read is None:
            read = read_pack_lenient(path, self._display(path), self._expected_id(path))
            self.salvaged[path] = read
        return read.file if read.file is not None else list(read.problems)

    def load(self, pack_id: str, on: dt.date) -> ResolvedPack:
        try:
            return super().load(pack_id, on)
        except PackError as exc:
            dropped = frozenset().union(*(s.dropped for s in self.salvaged.values()))
            kept = [p for p in exc.problems if not follows_from(p, dropped)]
            raise PackError(kept) from None


def _pack_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.yaml") if not p.name.endswith(TESTS_SUFFIX))


def _root_of(path: Path) -> Path | None:
    """The rules root a version file sits under: the nearest folder named ``rules`` above it, else
    the folder its ``id`` implies; None outside a rules tree."""
    for folder in path.resolve().parents[1:]:  # a file directly in `rules/` belongs to no pack
        if folder.name == "rules":
            return folder
    read = read_pack_lenient(path, str(path), None)
    pack_id = read.file.pack.id if read.file is not None else _raw_id(path)
    if not pack_id:
        return None
    parts = pack_id.split("/")
    folder = path.resolve().parent
    if len(folder.parts) <= len(parts) or list(folder.parts[-len(parts) :]) != parts:
        return None
    return folder.parents[len(parts) - 1]


def _raw_id(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    match = re.search(r"^id:\s*['\"]?([a-z][a-z0-9_/]*)", text, re.MULTILINE)
    return match.group(1) if match else None


def check_paths(paths: Sequence[Path], default_root: Path | None = None) -> CheckResult:
    """Check the packs under ``paths`` (roots, pack folders, files); ``default_root`` if none.

    Never raises for bad pack content: every problem is in the result.
    """
    targets = list(paths) or [default_root or bundled_root()]
    problems: list[Problem] = []
    by_root: dict[Path, set[Path]] = {}
    lone: list[Path] = []
    for target in targets:
        if target.is_dir():
            found = _pack_files(target)
            if not found:
                problems.append(
                    Problem(
                        "check.no_packs",
                        _("no pack files under `{folder}`").format(folder=target),
                        Location(str(target)),
                        _("name a rules folder such as `rules/`, a pack folder or a pack file"),
                    )
                )
        elif target.name.endswith(TESTS_SUFFIX):
            problems.append(
                Problem(
                    "check.test_file",
                    _("`{file}` is a pack-test file").format(file=target),
                    Location(str(target)),
                    _("run `legalaid-rules test` on it; `check` reads pack files"),
                )
            )
            found = []
        else:
            found = [target]
        for f in found:
            root = _root_of(f)
            if root is None:
                lone.append(f)
            else:
                by_root.setdefault(root, set()).add(f.resolve())
    warnings: list[Problem] = []
    skipped: list[Problem] = []
    checked: list[Path] = []
    for root, files in by_root.items():
        registry = _CheckingRegistry(root)
        ids = {f.parent.relative_to(root.resolve()).as_posix() for f in files}
        try:
            problems.extend(registry.check(ids, files))
        except PackNotFoundError as exc:  # a folder that is no pack id: said, never raised
            problems.append(Problem("pack.not_found", exc.problems[0].message, Location(str(root)), exc.hint))
        problems.extend(p for s in registry.salvaged.values() for p in s.problems)
        skipped.extend(_skipped(registry, files))
        warnings.extend(_unused_sources(registry, files))
        checked.extend(sorted(files))
    for f in lone:
        lone_problems, lone_skipped = _check_lone(f)
        problems.extend(lone_problems)
        skipped.extend(lone_skipped)
        checked.append(f)
    return CheckResult(
        tuple(_unique(problems)),
        tuple(_unique(warnings)),
        tuple(_unique(skipped)),
        tuple(checked),
        tuple(by_root),
    )


def _skipped(registry: _CheckingRegistry, files: Iterable[Path]) -> list[Problem]:
    out = []
    for path in sorted(files):
        read = registry.salvaged.get(path)
        if read is not None and read.file is None and read.problems:
            out.append(
                Problem(
                    "check.skipped",
                    _(
                        "references, values and conditions were not checked: the file could not be read "
                        "as a pack (see the problems above)"
                    ),
                    Location(registry._display(path)),
                )
            )
    for path in sorted(files):
        read = registry.salvaged.get(path)
        if read is None or read.file is None:
            continue
        broken = _broken_parent(registry, read.file.pack.extends)
        if broken is not None:
            out.append(
                Problem(
                    "check.skipped",
                    _(
                        "the pack was not checked together with its parents: parent `{parent}` "
                        "could not be read as a pack (see the problems above)"
                    ).format(parent=broken),
                    read.file.marks.at(("extends",)),
                )
            )
    return out


def _broken_parent(registry: _CheckingRegistry, parent: str | None) -> str | None:
    """The first pack up the ``extends`` chain with a version file that cannot be used."""
    seen: set[str] = set()
    while parent is not None and parent not in seen:
        seen.add(parent)
        folder = registry.root / parent
        files = sorted(p for p in folder.glob("*.yaml") if not p.name.endswith(TESTS_SUFFIX))
        if not files:
            return None
        extends = None
        for f in files:
            registry._read(f)
            got = registry.salvaged.get(f)
            if got is not None and got.file is None:
                return parent
            if got is not None and got.file is not None:
                extends = got.file.pack.extends
        parent = extends
    return None


def _check_lone(path: Path) -> tuple[list[Problem], list[Problem]]:
    """A pack file outside any rules tree: checked alone, with its parents from the bundled packs."""
    shown = str(path)
    read = read_pack_lenient(path, shown, None)
    problems = list(read.problems)
    if read.file is None:
        skip = Problem(
            "check.skipped",
            _("references, values and conditions were not checked: the file could not be read as a pack"),
            Location(shown),
        )
        return problems, [skip] if problems else []
    lineage: list[LoadedFile] = []
    pack = read.file.pack
    if pack.extends is not None:
        try:
            lineage = Registry().lineage(pack.extends, pack.effective.start)
        except (PackError, PackNotFoundError) as exc:
            hint = getattr(exc, "hint", None)
            message = (
                exc.problems[0].message
                if isinstance(exc, PackNotFoundError)
                else _("the parent has problems")
            )
            problems.append(
                Problem(
                    "pack.parent_missing",
                    _("`extends: {parent}`: {message} (among the bundled packs)").format(
                        parent=pack.extends, message=message
                    ),
                    read.file.marks.at(("extends",)),
                    hint,
                )
            )
            return problems, []
    result = resolve([*lineage, read.file])
    if isinstance(result, list):
        problems.extend(p for p in result if not follows_from(p, read.dropped))
    return problems, []


def _unused_sources(registry: _CheckingRegistry, files: Iterable[Path]) -> list[Problem]:
    """The sources declared in ``files`` that no pack built on them cites (see
    :func:`~legalaid_rules.packs.strict.uncited_sources`, the one implementation)."""
    wanted = {f.resolve() for f in files}
    return [
        p
        for p in uncited_sources(registry)
        if p.location.file is not None and Path(p.location.file).resolve() in wanted
    ]


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    seen: dict[str, Problem] = {}
    for p in problems:
        seen.setdefault(str(p), p)
    return list(seen.values())
