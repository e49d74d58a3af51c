"""One error tree: every error the library defines is a LegalAidRulesError with a stable code and
located problems, its message is text (never a tuple), and the tree in errors.py draws it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys

import pytest

import legalaid_rules
from legalaid_rules import errors
from legalaid_rules.conditions import ParseError, parse
from legalaid_rules.errors import (
    ConditionError,
    LegalAidRulesError,
    PackNotFoundError,
    Problem,
)


def _all_error_classes() -> list[type[LegalAidRulesError]]:
    for module in pkgutil.walk_packages(legalaid_rules.__path__, "legalaid_rules."):
        importlib.import_module(module.name)
    found: list[type[LegalAidRulesError]] = []
    todo: list[type[LegalAidRulesError]] = [LegalAidRulesError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))


CLASSES = _all_error_classes()


@pytest.mark.parametrize("cls", CLASSES, ids=[c.__qualname__ for c in CLASSES])
def test_every_error_has_its_own_code_and_is_drawn(cls: type[LegalAidRulesError]) -> None:
    assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", cls.code), cls.code
    if cls.__name__.startswith("_"):
        return  # a private base or an error caught inside its module: not part of the public tree
    if cls is not LegalAidRulesError:
        # a class code of its own, or every instance given its code (``LedgerError(code, ...)``)
        takes_code = "code" in inspect.signature(cls.__init__).parameters
        assert cls.code != LegalAidRulesError.code or takes_code, f"{cls.__qualname__} has no code"
    # drawn in errors.py, or in a subtree its own module draws (as caseload.errors does)
    drawn = (errors.__doc__ or "") + (sys.modules[cls.__module__].__doc__ or "")
    assert re.search(rf"\b{cls.__name__}\b", drawn), f"{cls.__name__} is not drawn in the error tree"


def test_the_walk_finds_the_package_errors() -> None:
    assert len(CLASSES) >= 10  # the walk really found the package's errors


def test_a_plain_error_has_one_problem_with_its_message() -> None:
    error = PackNotFoundError("no pack `x`", "did you mean `y`?")
    assert error.code == "pack.not_found"
    assert error.problems == (Problem("pack.not_found", "no pack `x`", hint="did you mean `y`?"),)
    assert str(error.problems[0]) == str(error) == "no pack `x` (hint: did you mean `y`?)"
    assert isinstance(error, LookupError)


def test_parse_error_message_is_text_not_a_tuple() -> None:
    with pytest.raises(ParseError) as info:
        parse("x ＝ 1")
    error = info.value
    assert isinstance(error, ConditionError) and isinstance(error, ValueError)
    assert str(error) == error.message and not str(error).startswith("(")
    assert error.code == error.problems[0].code == "condition.syntax.single_equals"
