"""Errors of legalaid-rules: data with a location, rendered to text at the edge.

Every error the library raises is a :class:`LegalAidRulesError`. Each has a stable ``code``
(dotted, for programs to branch on) and ``problems``, a tuple of located :class:`Problem`
(code, message, location, hint); an error about one thing carries one problem, an error about
a whole pack carries all of them. ``str(error)`` is the message a person reads. Where an error
refines a builtin it also subclasses it, so ``except ValueError`` still catches bad input.

The whole tree (``code`` in the right column; ``*`` means each problem has its own code)::

    LegalAidRulesError                          error
    ├── PackError (ValueError)                  pack.invalid *     problems in rule-pack files
    ├── PackNotFoundError (LookupError)         pack.not_found     no pack, or none in force then
    ├── ApplicationError (ValueError)           application.invalid *  cannot be decided as given
    ├── ConditionError (ValueError)             condition.invalid *    a condition that is wrong
    │   └── conditions.ParseError               condition.syntax.*     does not parse, at a column
    ├── ArgumentError (TypeError)               argument.invalid *     a call's argument of the wrong kind
    ├── BackendUnavailableError (ImportError)   backend.unavailable    optional extra not installed
    ├── backends.durable.DurableBackendError    backend.durable    durable-rules failed (a bug)
    ├── traces.TraceError (ValueError)          trace.invalid *    a trace record that cannot be read
    ├── traces.MaskingError (ValueError)        trace.masking      an unusable masking setting
    ├── traces.checkpoints.CheckpointError (ValueError)  checkpoint.*  a checkpoint, key or signature
    ├── service.ServiceConfigError (ValueError) service.config     an unusable service configuration
    └── CodedError                              (each instance)    code, message and hint given
        ├── traces.LogError                     log.error          the decision log cannot be used
        ├── storage.StorageError                storage.*          a store that cannot be used as asked
        └── caseload.LedgerError                ledger.*           (its own subtree: see
                                                                   :mod:`legalaid_rules.caseload.errors`)

A :class:`Problem` is one located message. ``str(problem)`` is the line a policy officer
reads: ``rules/anhui/anqing/2023.yaml:12:5: unknown parameter `dibao` (hint: did you mean
`minimum_living_standard`?)``. Messages start in lower case, put user text in backticks and
keep the fix-it text in a separate hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from legalaid_rules.i18n import _

__all__ = [
    "ApplicationError",
    "ArgumentError",
    "BackendUnavailableError",
    "CodedError",
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


_NOWHERE = Location()


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem: a stable ``code``, a message and an optional hint.

    >>> where = Location("p.yaml", 4, 13)
    >>> str(Problem("pack.unknown_source", "unknown source `lwa`", where, "did you mean `law`?"))
    'p.yaml:4:13: unknown source `lwa` (hint: did you mean `law`?)'
    >>> str(Problem("pack.not_found", "no pack `x`"))
    'no pack `x`'
    """

    code: str
    message: str
    location: Location = _NOWHERE
    hint: str | None = None

    def __str__(self) -> str:
        text = self.message if self.location == _NOWHERE else f"{self.location}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class LegalAidRulesError(Exception):
    """Root of every error raised by legalaid-rules.

    ``code`` is the error's stable code (each class sets its own); ``problems`` holds the
    located problems, by default one problem with the error's code and message.

    >>> error = LegalAidRulesError("something is wrong")
    >>> error.code, [(p.code, p.message) for p in error.problems]
    ('error', [('error', 'something is wrong')])
    """

    code: str = "error"

    @cached_property
    def problems(self) -> tuple[Problem, ...]:
        """The located problems (a subclass may set them; by default one, from the message)."""
        return (Problem(self.code, str(self)),)


class _ProblemsError(LegalAidRulesError):
    """An error that carries one or more located problems; its message lists them all."""

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        self.problems = tuple(problems)
        if message is None:
            count = len(self.problems)
            head = "\n".join(str(p) for p in self.problems)
            message = head + ("" if count == 1 else f"\n{count} problems")
        super().__init__(message)

    @property
    def codes(self) -> tuple[str, ...]:
        """The problem codes, in the order found."""
        return tuple(p.code for p in self.problems)


class PackError(_ProblemsError, ValueError):
    """A rule pack (or a tree of them) has problems; all of them are in ``problems``."""

    code = "pack.invalid"


class ApplicationError(_ProblemsError, ValueError):
    """An application cannot be decided as given; ``problems`` names each bad field."""

    code = "application.invalid"


class ArgumentError(_ProblemsError, TypeError):
    """A library call given an argument of the wrong kind, e.g. a string where a date belongs.

    Also a ``TypeError``; the problem's location names the argument.
    """

    code = "argument.invalid"


class ConditionError(_ProblemsError, ValueError):
    """A condition does not parse or does not check against the application model.

    A pack reports its conditions' problems inside a :class:`PackError`; this error is raised
    where a condition is read on its own (:class:`legalaid_rules.conditions.ParseError`).
    """

    code = "condition.invalid"


class CodedError(LegalAidRulesError):
    """An error whose every instance names its own ``code``, with a ``message`` and a ``hint``
    (the stores, the ledger and the decision log); ``str()`` reads ``code: message (hint: ...)``.

    >>> str(CodedError("ledger.unknown_lawyer", "no lawyer `L9`", "add the lawyer first"))
    'ledger.unknown_lawyer: no lawyer `L9` (hint: add the lawyer first)'
    """

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        self.code = code
        self.message = message
        self.hint = hint
        super().__init__(f"{code}: {message}" + (_(" (hint: {hint})").format(hint=hint) if hint else ""))


class PackNotFoundError(LegalAidRulesError, LookupError):
    """No pack with that id, or no version of it in force on the date asked."""

    code = "pack.not_found"

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.hint = hint
        self.problems = (Problem(self.code, message, hint=hint),)
        super().__init__(message if hint is None else message + _(" (hint: {hint})").format(hint=hint))


class BackendUnavailableError(LegalAidRulesError, ImportError):
    """An execution backend whose optional dependency is not installed."""

    code = "backend.unavailable"


def did_you_mean(word: str, choices: Sequence[str] | Iterable[str]) -> str | None:
    """A hint naming the closest known spelling of ``word``, or None.

    >>> did_you_mean("minimum_living_standrad", ["minimum_living_standard", "caseload_cap"])
    'did you mean `minimum_living_standard`?'
    """
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return _("did you mean `{name}`?").format(name=matches[0]) if matches else None
