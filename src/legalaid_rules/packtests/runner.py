"""Run pack tests: load the pack in force on each case's date, evaluate, compare.

Results are plain data (:class:`CaseResult`, :class:`FileResult`, :class:`RunResult`) so that
the command line, pytest and coverage share them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from legalaid_rules.applications import Application
from legalaid_rules.decisions import Decision
from legalaid_rules.errors import (
    ApplicationError,
    Location,
    PackError,
    PackNotFoundError,
    Problem,
)
from legalaid_rules.evaluation import evaluate, to_application
from legalaid_rules.i18n import N_, _, language, problem_text
from legalaid_rules.packs.registry import Registry, bundled_root
from legalaid_rules.packs.yaml_source import Marks
from legalaid_rules.packtests.files import LoadedTests, discover, display, read_tests
from legalaid_rules.packtests.model import TestCase

__all__ = [
    "CaseResult",
    "FileResult",
    "Mismatch",
    "RunResult",
    "compare",
    "run_case",
    "run_file",
    "run_paths",
]

Status = Literal["passed", "failed", "error", "xfailed", "xpassed"]

_STATUS: dict[str, str] = {
    "passed": N_("PASSED"),
    "failed": N_("FAILED"),
    "error": N_("ERROR"),
    "xfailed": N_("XFAILED"),
    "xpassed": N_("XPASSED"),
}
"""A case's status as its report's first word."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One expectation the decision did not meet."""

    key: str
    expected: Any
    actual: Any
    detail: str = ""

    def __str__(self) -> str:
        text = _expected_got().format(key=self.key, expected=_show(self.expected), actual=_show(self.actual))
        return text + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class CaseResult:
    """The result of one case: passed, failed (with the mismatches) or error (with problems)."""

    file: str
    name: str
    description: str
    location: Location
    pack: str
    version: str | None
    status: Status
    mismatches: tuple[Mismatch, ...] = ()
    problems: tuple[Problem, ...] = ()
    decision: Decision | None = field(default=None, repr=False)

    xfail: str | None = None

    @property
    def passed(self) -> bool:
        """Whether the case is as expected: every expectation met, or a known bug still there."""
        return self.status in ("passed", "xfailed")

    @property
    def rule_results(self) -> dict[str, str]:
        """Each rule's result in the decision's steps (``true``/``false``/``unknown``)."""
        if self.decision is None:
            return {}
        return {s.rule: s.result.value for s in self.decision.steps}

    def report(self) -> str:
        """A readable account: which expectations differed, and why the decision said so."""
        head = f"{_(_STATUS[self.status])} {self.location} {self.name}"
        if self.version:
            head += f" ({self.pack} {self.version})"
        lines = [head, f"  {self.description}"]
        if self.xfail:
            lines.append("  " + _("known engine bug (xfail): {reason}").format(reason=self.xfail))
            if self.status == "xpassed":
                lines.append("  " + _("the case now passes: remove its `xfail`"))
        for p in self.problems:
            lines.append("  " + _("error: {problem}").format(problem=problem_text(p)))
        for m in self.mismatches:
            lines.append(f"  {m}")
        d = self.decision
        if d is not None and not self.passed:
            lines.append(
                "  "
                + _("decision: {outcome}; economic {economic}; scope {scope}; urgent {urgent}").format(
                    outcome=d.outcome.value,
                    economic=d.economic.value,
                    scope=d.scope.value,
                    urgent=str(d.urgent).lower(),
                )
            )
            lines.append("  " + _("reasons:"))
            for r in d.reasons:
                lines.append(f"    - {r.rule} [{r.result.value}] {r.zh if language() == 'zh' else r.en}")
                basis = _("basis: {basis}").format(basis=r.basis)
                lines.append("      " + basis + ("" if r.verified else _(" (unverified)")))
            if d.missing:
                lines.append("  " + _("missing: {facts}").format(facts=", ".join(m.fact for m in d.missing)))
            if d.warnings:
                lines.append(
                    "  "
                    + _("warnings: {warnings}").format(
                        warnings="; ".join(f"{w.code}: {w.zh}" for w in d.warnings)
                    )
                )
        return "\n".join(lines)


@dataclass(frozen=True)
class FileResult:
    """The results of one test file, or the problems that stopped it from being read."""

    file: str
    pack: str | None
    problems: tuple[Problem, ...] = ()
    cases: tuple[CaseResult, ...] = ()
    root: Path | None = None  # the rules root the pack was loaded from
    coverage_exceptions: Mapping[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether the file was read and every case passed."""
        return not self.problems and all(c.passed for c in self.cases)


@dataclass(frozen=True)
class RunResult:
    """The results of a run over one or more test files."""

    files: tuple[FileResult, ...]
    roots: tuple[Path, ...] = ()  # rules roots asked for: their untested packs are reported

    @property
    def cases(self) -> tuple[CaseResult, ...]:
        """Every case result, file by file."""
        return tuple(c for f in self.files for c in f.cases)

    @property
    def passed(self) -> bool:
        """Whether at least one file ran and everything passed."""
        return bool(self.files) and all(f.passed for f in self.files)

    def counts(self) -> dict[str, int]:
        """Cases by status, plus unreadable files."""
        out = {"passed": 0, "failed": 0, "error": 0, "xfailed": 0, "xpassed": 0}
        for c in self.cases:
            out[c.status] += 1
        out["bad_files"] = sum(1 for f in self.files if f.problems)
        return out


class _Registries:
    """One registry per rules root, so packs are read and resolved once per run."""

    def __init__(self) -> None:
        self._by_root: dict[Path, Registry] = {}

    def __call__(self, root: Path) -> Registry:
        key = root.resolve()
        if key not in self._by_root:
            self._by_root[key] = Registry(key)
        return self._by_root[key]


def run_paths(
    paths: Iterable[Path] = (), each: Callable[[Sequence[Path]], Iterable[Path]] | None = None
) -> RunResult:
    """Run every test file under ``paths`` (folders or files); the bundled packs by default.

    Args:
        paths: folders (searched for ``*.tests.yaml``) and test files.
        each: wraps the list of files found as they are run (a progress bar, for instance).
    """
    wanted = list(paths) or [bundled_root()]
    registries = _Registries()
    found = list(discover(wanted))
    files = tuple(run_file(p, registries) for p in (each(found) if each else found))
    asked = {p.resolve() for p in wanted if p.is_dir()}
    roots = tuple(dict.fromkeys(f.root for f in files if f.root is not None and f.root in asked))
    return RunResult(files, roots)


def run_file(path: Path, registries: _Registries | None = None) -> FileResult:
    """Run the cases of one test file."""
    loaded = read_tests(path)
    if isinstance(loaded, list):
        return FileResult(display(path), None, tuple(loaded))
    registry = (registries or _Registries())(loaded.root)
    cases = tuple(run_case(loaded, i, registry) for i in range(len(loaded.tests.cases)))
    return FileResult(
        loaded.file, loaded.tests.pack, (), cases, loaded.root, loaded.tests.coverage_exceptions
    )


def run_case(loaded: LoadedTests, index: int, registry: Registry) -> CaseResult:
    """Run case ``index`` of a loaded test file against the packs of ``registry``.

    A case marked ``xfail`` (a known engine bug) is ``xfailed`` while it fails or errs, and
    ``xpassed`` (a failure: remove the mark) once it passes.
    """
    result = _run_case(loaded, index, registry)
    reason = loaded.tests.cases[index].xfail
    if reason is None:
        return result
    status: Status = "xpassed" if result.status == "passed" else "xfailed"
    return replace(result, status=status, xfail=reason)


def _run_case(loaded: LoadedTests, index: int, registry: Registry) -> CaseResult:
    case = loaded.tests.cases[index]
    pack_id = loaded.tests.pack

    def error(problems: Iterable[Problem], version: str | None = None) -> CaseResult:
        return CaseResult(
            loaded.file,
            case.name,
            case.description,
            loaded.case_location(index),
            pack_id,
            version,
            "error",
            problems=tuple(problems),
        )

    try:
        app: Application = to_application(case.application)
    except ApplicationError as exc:
        return error(_relocate(exc.problems, loaded.marks, index))
    try:
        pack = registry.load(pack_id, app.date)
    except PackError as exc:
        return error(exc.problems)
    except PackNotFoundError as exc:
        where = loaded.marks.at(("cases", index, "application", "date"))
        return error([Problem("tests.pack_not_found", exc.problems[0].message, where, exc.hint)])
    try:
        decision = evaluate(pack, app)
    except ApplicationError as exc:
        return error(_relocate(exc.problems, loaded.marks, index), pack.version)
    mismatches = compare(case, decision)
    return CaseResult(
        loaded.file,
        case.name,
        case.description,
        loaded.case_location(index),
        pack_id,
        pack.version,
        "failed" if mismatches else "passed",
        mismatches=mismatches,
        decision=decision,
    )


def _relocate(problems: Iterable[Problem], marks: Marks, index: int) -> list[Problem]:
    """Application problems carry a field path; point them at the case's line instead."""
    out = []
    for p in problems:
        path = p.location.path
        if p.location.file is None and path and path != "pack":
            parts: list[str | int] = []
            for name, idx in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
                parts.append(int(idx) if idx else name)
            loc = marks.at(("cases", index, "application", *parts))
            where = f"application.{path}"
            out.append(
                Problem(p.code, _("`{key}`: {problem}").format(key=where, problem=p.message), loc, p.hint)
            )
        else:
            at = marks.at(("cases", index, "name"), key=True)
            out.append(Problem(p.code, p.message, at, p.hint))
    return out


def compare(case: TestCase, decision: Decision) -> tuple[Mismatch, ...]:
    """Every expectation of ``case`` that ``decision`` does not meet, in report order."""
    actual: dict[str, Any] = {
        "outcome": decision.outcome.value,
        "economic": decision.economic.value,
        "scope": decision.scope.value,
        "matter": decision.matter.code if decision.matter else None,
        "urgent": decision.urgent,
        "reasons": [r.rule for r in decision.reasons],
        "missing": [m.fact for m in decision.missing],
        "warnings": [w.code for w in decision.warnings],
    }
    dumped: dict[str, Any] | None = None
    out: list[Mismatch] = []
    for key, expected in case.expect.given().items():
        if key in actual:
            got = actual[key]
            if isinstance(expected, tuple):
                if sorted(expected) != sorted(got):
                    out.append(Mismatch(key, list(expected), got, _list_diff(expected, got)))
            elif expected != got:
                out.append(Mismatch(key, expected, got))
            continue
        if dumped is None:
            dumped = decision.model_dump(mode="json", exclude={"steps"})
        got = dumped.get(key)
        id_key = _KEYED.get(key)
        if id_key and isinstance(expected, Mapping) and isinstance(got, list):
            # `programs: {minsheng: {counts: "true"}}`: results by id, the ids given only
            got = {str(g.get(id_key)): g for g in got if isinstance(g, Mapping)}
        differences: list[str] = []
        _subset(expected, got, key, differences)
        if differences:
            out.append(Mismatch(key, expected, got, "; ".join(differences)))
    return tuple(out)


_KEYED = {"programs": "program", "routes": "route"}
"""Decision lists that an expectation may give as a mapping by id instead of a full list."""


def _list_diff(expected: Iterable[str], got: Iterable[str]) -> str:
    left, right = list(expected), list(got)
    lacking = [x for x in left if left.count(x) > right.count(x)]
    extra = [x for x in right if right.count(x) > left.count(x)]
    parts = []
    if lacking:
        parts.append(_("not in the decision: {names}").format(names=", ".join(dict.fromkeys(lacking))))
    if extra:
        parts.append(_("not expected: {names}").format(names=", ".join(dict.fromkeys(extra))))
    return "; ".join(parts)


def _subset(expected: Any, got: Any, path: str, out: list[str]) -> None:
    """Compare an expectation with a decision value: mappings by the keys given, the rest exactly."""
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            out.append(_("{path}: expected a mapping, got {actual}").format(path=path, actual=_show(got)))
            return
        for k, v in expected.items():
            if k not in got:
                out.append(_("{path}: the decision has no such key").format(path=f"{path}.{k}"))
            else:
                _subset(v, got[k], f"{path}.{k}", out)
        return
    if isinstance(expected, list | tuple):
        if not isinstance(got, list | tuple) or len(expected) != len(got):
            out.append(_expected_got().format(key=path, expected=_show(expected), actual=_show(got)))
            return
        for i, (e, g) in enumerate(zip(expected, got, strict=True)):
            _subset(e, g, f"{path}[{i}]", out)
        return
    if not _same_scalar(expected, got):
        out.append(_expected_got().format(key=path, expected=_show(expected), actual=_show(got)))


def _expected_got() -> str:
    """The one "expected ..., got ..." message."""
    return _("{key}: expected {expected}, got {actual}")


def _same_scalar(expected: Any, got: Any) -> bool:
    if isinstance(expected, bool) and isinstance(got, str):  # a three-valued truth: "true"
        return got == ("true" if expected else "false")
    if isinstance(expected, bool) or isinstance(got, bool) or expected is None or got is None:
        return expected is got or (expected == got and type(expected) is type(got))
    if isinstance(expected, int | Decimal) or isinstance(got, int | Decimal):
        try:
            return Decimal(str(expected)) == Decimal(str(got))
        except InvalidOperation:
            return False
    return str(expected) == str(got)


def _show(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
