"""Errors of legalaid-rules: data with a location, rendered to text at the edge.

The tree::

    LegalAidRulesError                 root of every error this library raises
    ├── PackError (ValueError)         one or more problems in rule-pack files
    │     .problems: tuple[Problem]    every problem found, each with code and location
    ├── PackNotFoundError (LookupError)
    │                                  no pack with that id, or no version in force on that date
    ├── ApplicationError (ValueError)  an application that cannot be decided as given
    │     .problems: tuple[Problem]    (negative money, unknown codes, impossible dates ...)
    ├── ConditionError (ValueError)    a condition that does not parse or does not check
    │     .problems: tuple[Problem]
    └── BackendUnavailableError (ImportError)
                                       an execution backend whose optional extra is not installed

A :class:`Problem` is one located message. ``str(problem)`` is the line a policy officer
reads: ``rules/anhui/anqing/2023.yaml:12:5: unknown parameter `dibao` (hint: did you mean
`minimum_living_standard`?)``. Messages start in lower case, put user text in backticks and
keep the fix-it text in a separate hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "ApplicationError",
    "BackendUnavailableError",
    "ConditionError",
    "LegalAidRulesError",
    "Location",
    "PackError",
    "PackNotFoundError",
    "Problem",
    "did_you_mean",
]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: a file and a 1-based line and column, or a field path.

    >>> str(Location("rules/x.yaml", 3, 7))
    'rules/x.yaml:3:7'
    >>> str(Location(path="household.members[1].monthly_income"))
    'household.members[1].monthly_income'
    """

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        if self.file is None:
            return self.path or "<input>"
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem: a stable ``code``, a message and an optional hint."""

    code: str
    message: str
    location: Location = Location()
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class LegalAidRulesError(Exception):
    """Root of every error raised by legalaid-rules."""


class _ProblemsError(LegalAidRulesError):
    """An error that carries one or more located problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = "\n".join(str(p) for p in self.problems)
        suffix = "" if count == 1 else f"\n{count} problems"
        super().__init__(head + suffix)

    @property
    def codes(self) -> tuple[str, ...]:
        """The problem codes, in the order found."""
        return tuple(p.code for p in self.problems)


class PackError(_ProblemsError, ValueError):
    """A rule pack (or a tree of them) has problems; all of them are in ``problems``."""


class ApplicationError(_ProblemsError, ValueError):
    """An application cannot be decided as given; ``problems`` names each bad field."""


class ConditionError(_ProblemsError, ValueError):
    """A condition does not parse or does not check against the application model."""


class PackNotFoundError(LegalAidRulesError, LookupError):
    """No pack with that id, or no version of it in force on the date asked."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.hint = hint
        super().__init__(message if hint is None else f"{message} (hint: {hint})")


class BackendUnavailableError(LegalAidRulesError, ImportError):
    """An execution backend whose optional dependency is not installed."""


def did_you_mean(word: str, choices: Sequence[str] | Iterable[str]) -> str | None:
    """A hint naming the closest known spelling of ``word``, or None.

    >>> did_you_mean("minimum_living_standrad", ["minimum_living_standard", "caseload_cap"])
    'did you mean `minimum_living_standard`?'
    """
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean `{matches[0]}`?" if matches else None
