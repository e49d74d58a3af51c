"""Read a pack file as far as it can be read, so that one check reports every problem at once.

Loading a pack is all or nothing: a file with one problem is not used. Checking a pack should
not stop there, or fixing the first problem only reveals the next: a file whose head (``id``,
``effective``, ``extends`` ...) is sound but some entries are not is read without those entries,
so that references and conditions in the rest of the file are still checked. Problems that only
follow from a dropped entry (a rule citing a parameter whose entry had a problem) are not
reported again: :func:`follows_from` says which.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from legalaid_rules.errors import Problem
from legalaid_rules.i18n import _
from legalaid_rules.packs import schema
from legalaid_rules.packs.resolve import LoadedFile
from legalaid_rules.packs.schema import PackFile
from legalaid_rules.packs.validation import read_model

__all__ = ["SalvagedFile", "follows_from", "read_pack_lenient"]

_SECTIONS = frozenset(
    {"sources", "regions", "parameters", "parameter_values", "matters", "groups", "rules", "targets"}
    | {"programs", "routes"}
)


@dataclass(frozen=True)
class SalvagedFile:
    """What could be read of one pack file.

    ``file`` is the validated file without its broken entries (None when the file cannot be used
    at all: bad YAML, or a broken head); ``problems`` are every problem found; ``dropped`` the
    names of entries left out.
    """

    file: LoadedFile | None
    problems: tuple[Problem, ...]
    dropped: frozenset[str] = frozenset()


def read_pack_lenient(path: Path, display: str, expected_id: str | None) -> SalvagedFile:
    """Read and validate one pack file, keeping what is sound."""
    read = read_model(path, display, PackFile)
    problems = read.problems
    if read.document is None:
        return SalvagedFile(None, tuple(problems))
    doc = read.document
    dropped: set[str] = set()
    pack = read.model
    if pack is None:
        assert read.error is not None
        cleaned = _without_broken(doc.data, read.error, dropped)
        if cleaned is None:
            return SalvagedFile(None, tuple(problems), frozenset(dropped))
        try:
            pack = PackFile.model_validate(cleaned)
        except ValidationError:
            return SalvagedFile(None, tuple(problems), frozenset(dropped))
    if expected_id is not None and pack.id != expected_id:
        problems.append(
            Problem(
                "pack.id_mismatch",
                _("the file is in folder `{folder}` but says `id: {id}`").format(
                    folder=expected_id, id=pack.id
                ),
                doc.marks.at(("id",)),
                _("a pack's id is its folder under the rules root"),
            )
        )
        return SalvagedFile(None, tuple(problems), frozenset(dropped))
    return SalvagedFile(LoadedFile(pack, doc.marks, display), tuple(problems), frozenset(dropped))


def _without_broken(data: Any, exc: ValidationError, dropped: set[str]) -> dict[str, Any] | None:
    """The data without the entries pydantic found broken; None if the head itself is broken."""
    if not isinstance(data, dict):
        return None
    cleaned = copy.copy(data)
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if not loc or loc[0] not in _SECTIONS:
            return None  # the head (id, effective ...) or the whole file: nothing can be resolved
        section = str(loc[0])
        if len(loc) < 2 or not isinstance(cleaned.get(section), dict):
            cleaned.pop(section, None)
            dropped.add(section)
            continue
        name = str(loc[1])
        entries = dict(cleaned[section])
        entry = entries.get(name)
        if not _repaired(section, entry, loc[2:], entries, name):
            entries.pop(name, None)
            dropped.add(name)
        cleaned[section] = entries
    return cleaned


_ENTRIES: dict[str, type[BaseModel]] = {
    "sources": schema.SourceEntry,
    "regions": schema.RegionEntry,
    "parameters": schema.ParameterEntry,
    "matters": schema.MatterEntry,
    "groups": schema.GroupEntry,
    "rules": schema.RuleEntry,
    "targets": schema.TargetEntry,
    "programs": schema.ProgramEntry,
    "routes": schema.RouteEntry,
}
_STAND_INS: dict[str, Any] = {"zh": "?", "en": "?", "then": {"scope": "in"}, "proofs": ["?"]}
"""Stand-ins for a broken required key that other checks do not read, so the rest still runs."""


def _repaired(section: str, entry: Any, rest: tuple[Any, ...], entries: dict[str, Any], name: str) -> bool:
    """Mend an entry with one broken key in place (drop an optional key, stand in for another)."""
    model = _ENTRIES.get(section)
    if model is None or not isinstance(entry, dict) or not rest or not isinstance(rest[0], str):
        return False
    key = rest[0]
    fields = {f.alias or n: f for n, f in model.model_fields.items()}
    if key not in fields:  # an unknown key: leave it out
        entries[name] = {k: v for k, v in entry.items() if k != key}
        return True
    if not fields[key].is_required() and key not in ("basis", "when", "definition", "value", "values"):
        entries[name] = {k: v for k, v in entry.items() if k != key}
        return True
    if key in _STAND_INS:
        entries[name] = {**entry, key: _STAND_INS[key]}
        return True
    return False


_FOLLOWS = re.compile(r"^(pack\.unknown_|condition\.unknown|pack\.value_missing)")


def follows_from(problem: Problem, dropped: frozenset[str]) -> bool:
    """Whether ``problem`` is only a consequence of leaving out one of the ``dropped`` entries."""
    if not dropped or not _FOLLOWS.match(problem.code):
        return False
    named = set(re.findall(r"`([^`]+)`", problem.message))
    return bool(named & dropped)
