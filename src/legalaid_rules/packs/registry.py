"""Find pack files, pick the version in force on a date, and resolve inheritance.

A pack's id is its folder under the root: ``rules/anhui/anqing/2023.yaml`` is a version of
pack ``anhui/anqing``, and its ``id`` key must say so. Files ending ``.tests.yaml`` hold pack
tests, not packs. A :class:`Registry` caches resolved packs; it is safe to share across threads.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from legalaid_rules.errors import ArgumentError, Location, PackError, PackNotFoundError, Problem, did_you_mean
from legalaid_rules.i18n import _
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.resolve import LoadedFile, resolve
from legalaid_rules.packs.salvage import read_pack_lenient
from legalaid_rules.packs.schema import PACK_ID_PATTERN

__all__ = ["PackVersion", "Registry", "bundled_registry", "bundled_root", "load_pack"]

TESTS_SUFFIX = ".tests.yaml"


def bundled_root() -> Path:
    """The folder of packs shipped with the library (``rules/`` in a source checkout)."""
    installed = Path(str(resources.files("legalaid_rules"))) / "rules"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "rules"


@dataclass(frozen=True, slots=True)
class PackVersion:
    """One version of one pack, as listed by :meth:`Registry.versions`."""

    id: str
    version: str
    title: str
    start: dt.date
    end: dt.date | None
    extends: str | None
    path: Path


def _is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; False for a name the file system refuses (too long, say)."""
    try:
        return path.is_dir()
    except OSError:  # ENAMETOOLONG and the like: no pack can live there
        return False


class Registry:
    """The packs under one folder.

    Args:
        root: the folder holding ``<province>/...`` pack folders; the bundled packs by default.
    """

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root is not None else bundled_root()
        self._lock = threading.Lock()
        self._files: dict[Path, LoadedFile | list[Problem]] = {}
        self._resolved: dict[tuple[tuple[str, str], ...], ResolvedPack] = {}

    # -- reading files -------------------------------------------------------------------------

    def _display(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    def _read(self, path: Path) -> LoadedFile | list[Problem]:
        with self._lock:
            cached = self._files.get(path)
        if cached is not None:
            return cached
        result = read_pack_file(path, self._display(path), self._expected_id(path))
        with self._lock:
            self._files[path] = result
        return result

    def _expected_id(self, path: Path) -> str:
        return path.parent.relative_to(self.root).as_posix()

    def pack_files(self) -> Iterator[Path]:
        """Every pack file under the root, sorted."""
        for path in sorted(self.root.rglob("*.yaml")):
            if not path.name.endswith(TESTS_SUFFIX):
                yield path

    def ids(self) -> list[str]:
        """The ids of every pack under the root."""
        return sorted({self._expected_id(p) for p in self.pack_files()})

    def _version_files(self, pack_id: str) -> list[LoadedFile | list[Problem]]:
        # only the pack's own folder is listed (the whole tree only to suggest a name)
        folder = self.root / pack_id
        files = (
            sorted(p for p in folder.glob("*.yaml") if not p.name.endswith(TESTS_SUFFIX))
            if re.fullmatch(PACK_ID_PATTERN, pack_id) and _is_dir(folder)
            else []
        )
        if not files:
            raise PackNotFoundError(
                _("no pack `{pack}` under {root}").format(pack=pack_id, root=self._display(self.root)),
                did_you_mean(pack_id, self.ids()) or _("run `legalaid-rules packs` to list them"),
            )
        return [self._read(p) for p in files]

    def versions(self, pack_id: str) -> list[PackVersion]:
        """Every readable version of a pack, earliest first.

        Raises:
            PackNotFoundError: no such pack.
            PackError: a version file has problems.
        """
        problems: list[Problem] = []
        out: list[PackVersion] = []
        for lf in self._version_files(pack_id):
            if isinstance(lf, list):
                problems.extend(lf)
                continue
            p = lf.pack
            out.append(
                PackVersion(
                    p.id,
                    p.version,
                    p.title,
                    p.effective.start,
                    p.effective.end,
                    p.extends,
                    Path(lf.path),
                )
            )
        if problems:
            raise PackError(problems)
        return sorted(out, key=lambda v: v.start)

    # -- loading -------------------------------------------------------------------------------

    def _in_force(self, pack_id: str, on: dt.date) -> LoadedFile:
        files = self._version_files(pack_id)
        bad = [p for f in files if isinstance(f, list) for p in f]
        if bad:
            raise PackError(bad)
        good = [f for f in files if isinstance(f, LoadedFile)]
        hits = [f for f in good if f.pack.effective.covers(on)]
        if len(hits) > 1:
            raise PackError(_overlaps(good))
        if not hits:
            periods = "; ".join(
                f"{f.pack.version}: {f.pack.effective}"
                for f in sorted(good, key=lambda f: f.pack.effective.start)
            )
            raise PackNotFoundError(
                _("no version of pack `{pack}` is in force on {day} (versions: {periods})").format(
                    pack=pack_id, day=on, periods=periods or _("none")
                ),
                _("choose a date inside one of those periods, or add a version for this date"),
            )
        return hits[0]

    def lineage(self, pack_id: str, on: dt.date) -> list[LoadedFile]:
        """The versions in force on ``on`` of the pack and its parents, root first."""
        chain: list[LoadedFile] = []
        seen: list[str] = []
        current: str | None = pack_id
        while current is not None:
            if current in seen:
                lf = chain[-1]
                raise PackError(
                    [
                        Problem(
                            "pack.extends_cycle",
                            _("packs extend each other in a circle: {chain}").format(
                                chain=" -> ".join(f"`{s}`" for s in [*seen, current])
                            ),
                            lf.marks.at(("extends",)),
                            _("the chain must end at a pack without `extends` (the national pack)"),
                        )
                    ]
                )
            seen.append(current)
            try:
                lf = self._in_force(current, on)
            except PackNotFoundError as exc:
                if not chain:
                    raise
                child = chain[-1]
                code = "pack.parent_not_in_force" if _is_dir(self.root / current) else "pack.parent_missing"
                raise PackError(
                    [
                        Problem(
                            code,
                            _("`extends: {parent}`: {message}").format(
                                parent=current, message=exc.problems[0].message
                            ),
                            child.marks.at(("extends",)),
                            exc.hint,
                        )
                    ]
                ) from None
            chain.append(lf)
            current = lf.pack.extends
        return list(reversed(chain))

    def load(self, pack_id: str, on: dt.date) -> ResolvedPack:
        """The pack ``pack_id`` as in force on ``on``: inheritance resolved, conditions compiled.

        Raises:
            ArgumentError: ``on`` is not a ``datetime.date`` (a string, a ``datetime``).
            PackNotFoundError: no such pack, or no version in force on that date.
            PackError: the pack or a parent has problems (all of them are listed).
        """
        _check_date(on)
        chain = self.lineage(pack_id, on)
        key = tuple((lf.pack.id, lf.pack.version) for lf in chain)
        with self._lock:
            hit = self._resolved.get(key)
        if hit is not None:
            return hit
        result = resolve(chain)
        if isinstance(result, list):
            raise PackError(result)
        with self._lock:
            return self._resolved.setdefault(key, result)

    # -- checking ------------------------------------------------------------------------------

    def check(self, ids: Iterable[str] | None = None, files: Iterable[Path] | None = None) -> list[Problem]:
        """Every problem in the packs under the root (empty when all is well).

        Args:
            ids: check only these packs (default: every pack under the root).
            files: check only these version files (resolved paths) of those packs.
        """
        problems: list[Problem] = []
        only = None if files is None else {f.resolve() for f in files}
        for pack_id in self.ids() if ids is None else sorted(set(ids)):
            try:
                versions = self.versions(pack_id)
            except PackError as exc:
                problems.extend(exc.problems)
                continue
            files_read = [f for f in self._version_files(pack_id) if isinstance(f, LoadedFile)]
            problems.extend(_overlaps(files_read))
            for v in versions:
                if only is not None and v.path.resolve() not in only:
                    continue
                for day in self._check_days(v):
                    try:
                        self.load(pack_id, day)
                    except PackError as exc:
                        problems.extend(exc.problems)
                    except PackNotFoundError as exc:
                        lf = self._read(v.path)
                        loc = lf.marks.at(("id",)) if isinstance(lf, LoadedFile) else Location()
                        problems.append(Problem("pack.not_found", exc.problems[0].message, loc, exc.hint))
        unique: dict[str, Problem] = {}
        for p in problems:
            unique.setdefault(str(p), p)
        return list(unique.values())

    def _check_days(self, v: PackVersion) -> list[dt.date]:
        """The dates on which a version's lineage can change: its start and parents' starts."""
        days = {v.start}
        parent = v.extends
        depth = 0
        while parent is not None and depth < 20:
            try:
                pvs = self.versions(parent)
            except (PackError, PackNotFoundError):
                break
            for pv in pvs:
                if v.start < pv.start and (v.end is None or pv.start <= v.end):
                    days.add(pv.start)
                if pv.end is not None and v.start <= pv.end and (v.end is None or pv.end < v.end):
                    days.add(pv.end + dt.timedelta(days=1))
            hit = [pv for pv in pvs if pv.start <= v.start and (pv.end is None or v.start <= pv.end)]
            parent = hit[0].extends if hit else None
            depth += 1
        return sorted(days)


def read_pack_file(path: Path, display: str, expected_id: str | None) -> LoadedFile | list[Problem]:
    """Read and validate one pack file; every problem found, or the validated file."""
    read = read_pack_lenient(path, display, expected_id)
    if read.problems or read.file is None:
        return list(read.problems)
    return read.file


def _overlaps(files: list[LoadedFile]) -> list[Problem]:
    out = []
    ordered = sorted(files, key=lambda f: f.pack.effective.start)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.pack.effective.overlaps(b.pack.effective):
                out.append(
                    Problem(
                        "pack.period_overlap",
                        _(
                            "versions `{first}` ({first_period}) and `{second}` ({second_period}) of "
                            "`{pack}` are both in force on {day}"
                        ).format(
                            first=a.pack.version,
                            first_period=a.pack.effective,
                            second=b.pack.version,
                            second_period=b.pack.effective,
                            pack=a.pack.id,
                            day=max(a.pack.effective.start, b.pack.effective.start),
                        ),
                        b.marks.at(("effective",)),
                        _("end the earlier version the day before the later one starts"),
                    )
                )
    return out


@functools.cache
def bundled_registry() -> Registry:
    """The registry of the bundled packs, shared by every caller that names no registry.

    The bundled packs are installed files that do not change while the process runs, so each is
    read and compiled once per process (a :class:`Registry` is thread-safe). Give a registry of
    your own to read packs from another folder.
    """
    return Registry()


def _check_date(on: object, name: str = "on") -> None:
    """Raise ``ArgumentError`` unless ``on`` is a ``datetime.date`` (and not a ``datetime``).

    A string is refused, not parsed: the library takes dates as ``datetime.date`` everywhere,
    and a ``datetime`` is ambiguous (which time zone's day?).
    """
    if isinstance(on, dt.date) and not isinstance(on, dt.datetime):
        return
    hint = (
        f"datetime.date.fromisoformat({on!r})"
        if isinstance(on, str)
        else _("pass `.date()` of it")
        if isinstance(on, dt.datetime)
        else _("pass a `datetime.date`")
    )
    raise ArgumentError(
        [
            Problem(
                "argument.not_a_date",
                _("`{name}` must be a `datetime.date`, not {kind} `{value}`").format(
                    name=name, kind=type(on).__name__, value=repr(on)
                ),
                Location(path=name),
                hint,
            )
        ]
    )


def load_pack(pack_id: str, on: dt.date, registry: Registry | None = None) -> ResolvedPack:
    """Load the pack in force on a date, from ``registry`` or the bundled packs (read once).

    Raises:
        ArgumentError: ``on`` is not a ``datetime.date``.
        PackNotFoundError: no such pack, or no version in force on that date.
        PackError: the pack or a parent has problems.
    """
    return (registry or bundled_registry()).load(pack_id, on)
