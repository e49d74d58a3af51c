"""Find and read pack-test files: safe YAML, the strict model, every problem located."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from legalaid_rules.decisions import Decision
from legalaid_rules.errors import Location, Problem, did_you_mean
from legalaid_rules.i18n import _
from legalaid_rules.packs.registry import TESTS_SUFFIX
from legalaid_rules.packs.validation import read_model
from legalaid_rules.packs.yaml_source import Marks
from legalaid_rules.packtests.model import STANDARD_EXPECTATIONS, TestCase, TestExpect, TestFile

__all__ = ["LoadedTests", "discover", "display", "read_tests"]


@dataclass(frozen=True, slots=True)
class LoadedTests:
    """A valid test file with its marks and the rules root its pack lives under."""

    tests: TestFile
    marks: Marks
    file: str  # as displayed in messages
    root: Path

    def case_location(self, index: int) -> Location:
        """Where case ``index`` starts (its `name` key)."""
        return self.marks.at(("cases", index, "name"), key=True)


def display(path: Path) -> str:
    """A path as shown in messages: relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Every test file under the given folders, or named directly, sorted and once each.

    A pack file (``2023.yaml``) stands for its test file (``2023.tests.yaml``) when there is one.
    """
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob(f"*{TESTS_SUFFIX}"))
        elif path.name.endswith(TESTS_SUFFIX):
            found = [path]
        else:
            sibling = path.with_name(path.name.removesuffix(".yaml") + TESTS_SUFFIX)
            found = [sibling] if sibling.is_file() else []
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                yield f


def read_tests(path: Path) -> LoadedTests | list[Problem]:
    """Read one test file; the loaded tests, or every problem found (located)."""
    shown = display(path)
    read = read_model(
        path, shown, TestFile, prefix="tests", keys_at=_keys_at, names=_(" (use a-z, 0-9 and -)")
    )
    problems, doc, tests = read.problems, read.document, read.model
    if doc is None or tests is None:
        return problems
    problems += _extra_expectations(tests, doc.marks)
    problems += _duplicate_names(tests, doc.marks)
    root, where = _root(path, tests.pack)
    if root is None:
        problems.append(
            Problem(
                "tests.pack_folder",
                _("the file tests pack `{pack}` but is in folder `{folder}`").format(
                    pack=tests.pack, folder=where
                ),
                doc.marks.at(("pack",)),
                _("put a pack's test file beside the pack's version files"),
            )
        )
    if problems or root is None:
        return problems
    return LoadedTests(tests, doc.marks, shown, root)


def _root(path: Path, pack_id: str) -> tuple[Path | None, str]:
    folder = path.resolve().parent
    parts = pack_id.split("/")
    if len(folder.parts) <= len(parts) or list(folder.parts[-len(parts) :]) != parts:
        return None, folder.name
    return folder.parents[len(parts) - 1], folder.name


_DECISION_FIELDS = set(Decision.model_fields) - {"pack", "date", "steps"}


def _extra_expectations(tests: TestFile, marks: Marks) -> list[Problem]:
    out = []
    known = [*STANDARD_EXPECTATIONS, *sorted(_DECISION_FIELDS - set(STANDARD_EXPECTATIONS))]
    for i, case in enumerate(tests.cases):
        for key in case.expect.model_extra or {}:
            if key not in _DECISION_FIELDS:
                out.append(
                    Problem(
                        "tests.extra_forbidden",
                        _("unknown key `{key}`: a decision has no such result").format(key=key),
                        marks.at(("cases", i, "expect", key), key=True),
                        did_you_mean(key, known) or _("expect one of: {keys}").format(keys=", ".join(known)),
                    )
                )
    return out


def _duplicate_names(tests: TestFile, marks: Marks) -> list[Problem]:
    out = []
    first: dict[str, int] = {}
    for i, case in enumerate(tests.cases):
        if case.name in first:
            line = marks.at(("cases", first[case.name], "name")).line
            out.append(
                Problem(
                    "tests.duplicate_name",
                    _("case name `{name}` is already used (line {line})").format(name=case.name, line=line),
                    marks.at(("cases", i, "name")),
                    _("give every case of the file its own name"),
                )
            )
        else:
            first[case.name] = i
    return out


_MODELS: dict[str, type[BaseModel]] = {"": TestFile, "cases": TestCase, "expect": TestExpect}


def _keys_at(path: tuple[Any, ...]) -> list[str]:
    """The keys allowed where an unknown key stands: those of the model that holds it."""
    parent = next((str(p) for p in reversed(path[:-1]) if isinstance(p, str)), "")
    return list(_MODELS.get(parent, TestFile).model_fields)
