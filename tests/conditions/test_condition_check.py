"""The condition checker: every check code with a fixture, pointing at the offending text."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from legalaid_rules.conditions import CheckProblem, Names, check_condition, parse
from legalaid_rules.conditions.messages import MESSAGES
from legalaid_rules.conditions.types import MONEY, NUMBER
from legalaid_rules.i18n import use_language

NAMES = Names(
    parameters={"minimum_living_standard": MONEY, "caseload_cap": NUMBER},
    groups=frozenset({"elderly", "minor", "migrant_worker"}),
    rules=frozenset({"scope.listed", "art25.notified"}),
    matters=frozenset({"wages", "injury_work"}),
    regions=frozenset({"anqing", "susong"}),
)


def check(text: str) -> list[CheckProblem]:
    return check_condition(parse(text), NAMES)[0]


@pytest.mark.parametrize(
    "text",
    [
        "household.per_capita_income < 2 * minimum_living_standard",
        "proven(elderly) and applicant.fixed_income_source == false",
        "matter in ['wages', 'injury_work'] or rule(art25.notified)",
        "matter not in ['wages']",
        "not (criminal.stage in ['investigation', 'prosecution_review'])",
        "case.approved_on >= 2021-10-01 and year(case.closed_on) == 2022",
        "applicant.disabled",
        "household.income / household.size < minimum_living_standard",
        "household.income - 100 > 0",
        "locality.county == 'susong'",
        "applicant.age >= caseload_cap",
        "listed(matter) and member(minor)",
    ],
)
def test_good_conditions_check_clean(text: str) -> None:
    assert check(text) == []


@dataclass(frozen=True)
class Bad:
    text: str
    code: str
    at: str  # the text the problem's span starts at
    message: str
    hint: str | None = None


BAD = [
    Bad(
        "household.per_capita_incom < 1",
        "condition.unknown_fact",
        "household",
        "unknown fact",
        "income",
    ),
    Bad("x < caseload_cap", "condition.unknown_parameter", "x", "unknown parameter `x`"),
    Bad(
        "household.income < minimum_living_standrad",
        "condition.unknown_parameter",
        "minimum_living_standrad",
        "unknown parameter `minimum_living_standrad`",
        "did you mean `minimum_living_standard`?",
    ),
    Bad(
        "proven(elderyl)",
        "condition.unknown_group",
        "proven",
        "unknown group `elderyl`",
        "`elderly`",
    ),
    Bad(
        "rule(scope.listd)", "condition.unknown_rule", "rule", "unknown rule `scope.listd`", "`scope.listed`"
    ),
    Bad(
        "matter == 'wagse'",
        "condition.unknown_code",
        "'wagse'",
        "unknown matter code `wagse`",
        "`wages`",
    ),
    Bad(
        "locality.city == 'anqin'", "condition.unknown_code", "'anqin'", "unknown region `anqin`", "`anqing`"
    ),
    Bad(
        "criminal.role in ['defendent']",
        "condition.unknown_code",
        "'defendent'",
        "unknown criminal role value `defendent`",
        "`defendant`",
    ),
    Bad(
        "household.income",
        "condition.not_boolean",
        "household",
        "`money` is not a yes/no condition",
    ),
    Bad(
        "applicant.age + 1",
        "condition.not_boolean",
        "applicant",
        "`a number` is not a yes/no condition",
    ),
    Bad("applicant.disabled < 1", "condition.type", "applicant", "`<` compares amounts"),
    Bad("matter > 'wages'", "condition.type", "matter", "`>` compares amounts"),
    Bad(
        "household.income == case.closed_on",
        "condition.type",
        "household",
        "cannot compare money with a date",
    ),
    Bad(
        "household.income < household.size",
        "condition.type",
        "household",
        "cannot compare money with a number",
    ),
    Bad("matter in [1]", "condition.type", "1", "cannot compare matter with a number"),
    Bad("year(household.income) == 2022", "condition.type", "year", "year() takes a date"),
    Bad("household.income * household.income > 1", "condition.type", "household", "money by money"),
    Bad("household.income + household.size > 1", "condition.type", "household", "add or subtract"),
    Bad(
        "household.size / household.income > 1",
        "condition.type",
        "household",
        "a number by money",
    ),
    Bad("matter + 1 > 1", "condition.type", "matter", "cannot compute `+`"),
    Bad("(applicant.age > 1) + 1 > 1", "condition.type", "applicant", "cannot be used as a value"),
]


@pytest.mark.parametrize("bad", BAD, ids=[f"{b.code}:{b.text[:30]}" for b in BAD])
def test_check_problem_code_span_and_message(bad: Bad) -> None:
    """In English (the test session's language): code, span, message and hint."""
    problems = check(bad.text)
    assert [p.code for p in problems] == [bad.code], problems
    (problem,) = problems
    assert problem.span[0] == bad.text.index(bad.at)
    assert bad.message in problem.message
    assert problem.key.startswith(problem.code) and problem.key in MESSAGES
    if bad.hint is not None:
        assert problem.hint is not None and bad.hint in problem.hint


@pytest.mark.parametrize("bad", BAD, ids=[f"{b.code}:{b.text[:30]}" for b in BAD])
def test_check_problem_in_chinese(bad: Bad) -> None:
    """In Chinese (the default for policy staff): the same problem, its message and hint in Chinese."""
    with use_language("zh"):
        (problem,) = check(bad.text)
    with use_language("en"):
        (english,) = check(bad.text)
    assert (problem.code, problem.span, problem.key) == (english.code, english.span, english.key)
    assert not problem.message.isascii() and problem.message != english.message
    assert (problem.hint is None) == (english.hint is None)
    if problem.hint is not None:
        assert not problem.hint.isascii()


def test_every_check_message_has_a_fixture() -> None:
    keys = {p.key for bad in BAD for p in check(bad.text)}
    expected = {
        key
        for key in MESSAGES
        if key != "condition.syntax" and not key.startswith(("condition.syntax.", "condition.hint."))
    }
    assert keys == expected, sorted(expected - keys)


def test_every_problem_is_reported_at_once() -> None:
    problems = check("proven(elderyl) and matter == 'wagse' and x > 1")
    assert [p.code for p in problems] == [
        "condition.unknown_group",
        "condition.unknown_code",
        "condition.unknown_parameter",
    ]


def test_rule_references_are_returned() -> None:
    _, refs = check_condition(parse("rule(scope.listed) or not rule(art25.notified)"), NAMES)
    assert refs == ["scope.listed", "art25.notified"]
