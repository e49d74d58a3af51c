"""Engine defects of issue 11 item 18 (docs/issue-11-engine-work.md H): a county pack and its
parent city, each open rule named once, an open program says why, a date argument that is a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from legalaid_rules import ApplicationError, ArgumentError, evaluate, load_pack
from legalaid_rules.decisions import Truth

BACKENDS = ["native", "durable"]
YEJI = load_pack("anhui/yeji", dt.date(2024, 6, 1))
_APPLICANT = {"age": 40, "disabilities": [], "fixed_income_source": True, "groups": []}


def _support(locality: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "date": "2024-06-01",
        "locality": locality,
        "matter": "support_payment",
        "applicant": _APPLICANT,
    } | extra


@pytest.mark.parametrize("backend", BACKENDS)
def test_county_pack_takes_its_parent_city_with_the_county(backend: str) -> None:
    app = _support({"city": "luan", "county": "yeji"}, household={"per_capita_monthly_income": "1000.00"})
    assert evaluate(YEJI, app, backend=backend).outcome.value == "eligible"


def test_county_pack_refuses_its_parent_city_alone_and_says_give_the_county() -> None:
    with pytest.raises(ApplicationError) as info:
        evaluate(YEJI, _support({"city": "luan"}))
    (problem,) = info.value.problems
    assert problem.code == "application.outside_jurisdiction"
    assert str(problem.location) == "locality.city"
    assert problem.hint is not None and "locality.county" in problem.hint


def test_county_pack_refuses_another_city_even_with_its_county() -> None:
    assert YEJI.regions["hefei"].level == "city"
    with pytest.raises(ApplicationError) as info:
        evaluate(YEJI, _support({"city": "hefei", "county": "yeji"}))
    assert (
        "application.outside_jurisdiction" in info.value.codes
        or "application.region_mismatch" in info.value.codes
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_item_names_each_rule_once(backend: str) -> None:
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    app = {
        "date": "2023-06-01",
        "locality": {"city": "anqing"},
        "criminal": {"stage": "trial"},
        "applicant": _APPLICANT,
    }
    decision = evaluate(pack, app, backend=backend)
    assert decision.outcome.value == "undetermined"
    assert decision.missing
    for item in decision.missing:
        assert len(item.rules) == len(set(item.rules)), item
    role = [item for item in decision.missing if item.fact == "criminal.role"]
    assert role and len(role[0].rules) >= 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_open_program_gives_the_decisions_open_rules_and_missing_facts(backend: str) -> None:
    decision = evaluate(YEJI, _support({"county": "yeji"}), backend=backend)  # no income given
    assert decision.outcome.value == "undetermined"
    open_programs = [p for p in decision.programs if p.counts is Truth.UNKNOWN]
    assert open_programs
    facts = {item.fact for item in decision.missing}
    for program in open_programs:
        assert program.rules, program
        assert len(program.rules) == len(set(program.rules))
        assert facts <= set(program.missing), (facts, program.missing)


@pytest.mark.parametrize("on", ["2023-06-01", dt.datetime(2023, 6, 1, 12), 20230601, None])
def test_load_pack_takes_a_date_only(on: object) -> None:
    with pytest.raises(ArgumentError) as info:
        load_pack("anhui/anqing", on)  # type: ignore[arg-type]
    (problem,) = info.value.problems
    assert problem.code == "argument.not_a_date"
    assert str(problem.location) == "on"
    assert isinstance(info.value, TypeError)  # callers that caught the old TypeError still do


def test_load_pack_string_date_hint_gives_the_parse() -> None:
    with pytest.raises(ArgumentError) as info:
        load_pack("anhui/anqing", "2023-06-01")  # type: ignore[arg-type]
    assert info.value.problems[0].hint == "datetime.date.fromisoformat('2023-06-01')"
