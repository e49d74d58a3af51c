"""Condition errors reach a policy officer as located pack problems: `file:line:column`, a code,
and the Chinese-first message with its hint."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from legalaid_rules import PackError, Registry
from legalaid_rules.conditions.parser import MAX_DEPTH

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
CONDITION = "household.per_capita_income < 2 * minimum_living_standard"


def load_with(tmp_path: Path, condition: str) -> PackError:
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    pack = root / "prov" / "2022.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace(CONDITION, condition), encoding="utf-8")
    with pytest.raises(PackError) as info:
        Registry(root).load("prov", dt.date(2022, 6, 1))
    return info.value


def column_of(tmp_path: Path, text: str) -> tuple[int, int]:
    lines = (tmp_path / "rules" / "prov" / "2022.yaml").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if text in line:
            return number, line.index(text) + 1
    raise AssertionError(text)


def test_150_nested_brackets_give_a_located_error_not_a_crash(tmp_path: Path) -> None:
    error = load_with(tmp_path, "(" * 150 + CONDITION + ")" * 150)
    (problem,) = error.problems
    assert problem.code == "condition.syntax.too_deep"
    line, first = column_of(tmp_path, "(" * 150)
    assert (problem.location.line, problem.location.column) == (line, first + MAX_DEPTH)
    assert "32" in problem.message and problem.hint is not None and "rule(id)" in problem.hint


def test_a_chinese_operator_is_pointed_at_with_a_hint(tmp_path: Path) -> None:
    error = load_with(tmp_path, "household.per_capita_income 且 applicant.age > 1")
    (problem,) = error.problems
    line, column = column_of(tmp_path, "且")
    assert (problem.location.line, problem.location.column) == (line, column)
    assert "且" in problem.message and problem.hint is not None and "`and`" in problem.hint
