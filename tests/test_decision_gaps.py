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


# 《法律援助法》第四十三条 deadlines (docs/issue-11-engine-work.md G)

_ANQING_SUPPORT = {
    "date": "2023-06-01",
    "locality": {"city": "anqing"},
    "matter": "support_payment",
    "applicant": _APPLICANT,
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_incomplete_application_has_decide_by_and_the_withdrawal_clause(backend: str) -> None:
    """第四十三条 "七日内" read as 7 calendar days after the day of application; "视为撤回申请"."""
    decision = evaluate(load_pack("anhui/anqing", dt.date(2023, 6, 1)), _ANQING_SUPPORT, backend=backend)
    assert decision.outcome.value == "undetermined" and decision.missing
    deadline = decision.deadline
    assert deadline is not None
    assert deadline.decide_by == dt.date(2023, 6, 8) and deadline.days == 7
    assert deadline.withdrawal
    assert "视为撤回申请" in deadline.zh and "2023-06-08" in deadline.zh
    assert "withdrawn" in deadline.en and "2023-06-08" in deadline.en
    assert "第四十三条" in deadline.basis
    assert not deadline.verified  # the law's text and the day count are not checked yet
    assert (deadline.notice_working_days, deadline.supply_days) == (None, None)  # Anhui gives none


@pytest.mark.parametrize("backend", BACKENDS)
def test_complete_application_has_decide_by_and_no_notice(backend: str) -> None:
    app = _ANQING_SUPPORT | {"household": {"per_capita_monthly_income": "1000.00"}}
    decision = evaluate(load_pack("anhui/anqing", dt.date(2023, 6, 1)), app, backend=backend)
    assert decision.outcome.value != "undetermined" and not decision.missing
    assert decision.deadline is not None and decision.deadline.decide_by == dt.date(2023, 6, 8)
    assert not decision.deadline.withdrawal
    assert "撤回" not in decision.deadline.zh and "withdrawn" not in decision.deadline.en


@pytest.mark.parametrize("backend", BACKENDS)
def test_guangdong_notice_gives_3_working_days_and_15_days_to_supply(backend: str) -> None:
    """粤府令第268号 第八条 (secondary): 3 working days to tell, 15 days to supply; flagged unverified."""
    pack = load_pack("guangdong/yunfu", dt.date(2022, 3, 1))
    app = {
        "date": "2022-03-01",
        "locality": {"city": "yunfu"},
        "matter": "support_payment",
        "applicant": _APPLICANT,
    }
    decision = evaluate(pack, app, backend=backend)
    assert decision.missing
    deadline = decision.deadline
    assert deadline is not None
    assert (deadline.notice_working_days, deadline.supply_days) == (3, 15)
    assert "15日内补充" in deadline.zh and "3个工作日内" in deadline.zh and "视为撤回申请" in deadline.zh
    assert deadline.basis.count("第八条") == 1 and "第四十三条" in deadline.basis
    assert not deadline.verified


def test_deadline_in_text_output_in_both_languages() -> None:
    from legalaid_rules.evaluation.wording import decision_text

    decision = evaluate(load_pack("anhui/anqing", dt.date(2023, 6, 1)), _ANQING_SUPPORT)
    zh, en = decision_text(decision, "zh"), decision_text(decision, "en")
    assert "决定期限：2023-06-08" in zh and "视为撤回申请" in zh
    assert "Decide by: 2023-06-08" in en and "deemed to have withdrawn" in en


def test_deadline_is_in_the_trace_and_replays() -> None:
    from legalaid_rules.traces.records import TraceRecord

    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    decision = evaluate(pack, _ANQING_SUPPORT)
    record = TraceRecord.from_decision(decision, _ANQING_SUPPORT, pack)
    assert record.deadline == decision.deadline
    data = record.model_dump(mode="json")
    assert data["deadline"]["decide_by"] == "2023-06-08" and data["deadline"]["withdrawal"] is True


def test_deadline_keeps_decisions_byte_identical_and_lazy() -> None:
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    first = evaluate(pack, _ANQING_SUPPORT)
    assert first.deadline is not None  # read before the deferred fields are rendered
    assert first.model_dump_json() == evaluate(pack, _ANQING_SUPPORT).model_dump_json()
