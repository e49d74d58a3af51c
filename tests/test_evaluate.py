"""Scenarios from the seeds and the law, decided with the Anqing 2023 pack, and bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from legalaid_rules import (
    ApplicationError,
    Economic,
    Outcome,
    PackNotFoundError,
    Registry,
    Truth,
    evaluate,
    load_pack,
)

DAY = dt.date(2023, 6, 1)
PACK = load_pack("anhui/anqing", on=DAY)
KNOWN_PERSON: dict[str, Any] = {
    "age": 40,
    "disabilities": [],
    "fixed_income_source": True,
    "groups": [],
}


def app(**parts: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "date": DAY.isoformat(),
        "locality": {"city": "anqing"},
        "applicant": KNOWN_PERSON,
    }
    base.update(parts)
    return base


def test_means_test_reason_states_the_compared_values() -> None:
    """庆司通〔2023〕8号 三(二)1: below twice the minimum living standard; the reason says how."""
    d = evaluate(PACK, app(matter="support_payment", household={"size": 3, "monthly_income": "4500.00"}))
    assert (d.outcome, d.economic, d.scope) == (Outcome.ELIGIBLE, Economic.PASSED, Truth.TRUE)
    means = next(r for r in d.reasons if r.rule == "anhui.means_test")
    assert "家庭人均月收入 1,500.00 元，低于安庆市最低生活保障标准 780.00 元的 2 倍 1,560.00 元" in means.zh
    assert "庆司通〔2023〕8号 三(二)1" in means.basis
    # the placeholder 低保 figure, and Anqing's standard resting on 宜政办秘〔2019〕48号 (not in hand)
    assert [w.code for w in d.warnings] == ["unverified_value", "unverified_rule"]
    assert d.matter is not None and d.matter.code == "support_payment"
    assert "第三十一条第四项" in d.matter.basis


def test_income_at_twice_the_standard_fails_with_reason() -> None:
    d = evaluate(PACK, app(matter="support_payment", household={"per_capita_monthly_income": "1560.00"}))
    assert (d.outcome, d.economic) == (Outcome.INELIGIBLE, Economic.FAILED)
    means = next(r for r in d.reasons if r.rule == "anhui.means_test")
    assert means.result is Truth.FALSE
    assert "1,560.00 元，不低于安庆市最低生活保障标准 780.00 元的 2 倍 1,560.00 元" in means.zh
    assert d.missing == ()


def test_notified_defence_needs_no_means_test() -> None:
    """Art 25: court-notified defence; no hardship condition, no missing facts."""
    d = evaluate(
        PACK,
        {
            "date": "2023-06-01",
            "criminal": {"role": "defendant", "stage": "trial", "notified_by": "court"},
        },
    )
    assert (d.outcome, d.economic) == (Outcome.ELIGIBLE, Economic.NOT_REQUIRED)
    assert [r.rule for r in d.reasons] == ["art25.notified_defence"]
    assert d.reasons[0].basis == "《中华人民共和国法律援助法》第二十五条"
    assert d.missing == ()


def test_defendant_applying_needs_the_means_test() -> None:
    """Art 24: a defendant who applies (not notified) must pass the means test."""
    d = evaluate(
        PACK,
        app(
            criminal={
                "role": "defendant",
                "stage": "investigation",
                "notified_by": "not_notified",
                "limited_capacity": False,
                "possible_sentence": "lesser",
                "in_absentia": False,
            },
            household={"per_capita_monthly_income": "3000.00"},
        ),
    )
    assert (d.outcome, d.economic) == (Outcome.INELIGIBLE, Economic.FAILED)


@pytest.mark.parametrize(
    "matter",
    [
        "domestic_violence",
        "good_samaritan",
        "hero_personality_rights",
        "retrial_state_compensation",
    ],
)
def test_article_32_matters_have_no_hardship_condition(matter: str) -> None:
    d = evaluate(PACK, {"date": "2023-06-01", "matter": matter})
    assert (d.outcome, d.economic) == (Outcome.ELIGIBLE, Economic.NOT_REQUIRED)
    assert "art32.no_hardship_condition" in [r.rule for r in d.reasons]


def test_migrant_worker_claiming_pay_is_waived_on_proof() -> None:
    """Art 42(3): migrant workers claiming pay, with proof: review waived whatever the income."""
    person = {**KNOWN_PERSON, "groups": [{"group": "migrant_worker", "proof": True}]}
    d = evaluate(
        PACK,
        app(
            applicant=person,
            matter="labour_remuneration",
            household={"per_capita_monthly_income": "9000.00"},
        ),
    )
    assert (d.outcome, d.economic) == (Outcome.ELIGIBLE, Economic.WAIVED)
    assert "art42.migrant_worker_claim" in [r.rule for r in d.reasons]


def test_migrant_worker_without_proof_is_told_what_to_bring() -> None:
    """Art 42/43: the waiver needs the certificate; the office asks for it, all at once."""
    person = {**KNOWN_PERSON, "groups": [{"group": "migrant_worker", "proof": False}]}
    d = evaluate(
        PACK,
        app(
            applicant=person,
            matter="labour_remuneration",
            household={"per_capita_monthly_income": "9000.00"},
        ),
    )
    assert d.outcome is Outcome.UNDETERMINED and d.economic is Economic.UNKNOWN
    assert [(m.fact, m.kind, m.rules) for m in d.missing] == [
        (  # Art 42(3) and 安徽条例第二十三条第十项
            "applicant.groups.migrant_worker.proof",
            "document",
            ("art42.migrant_worker_claim", "anhui.art23.migrant_worker_claim"),
        )
    ]
    assert "劳动合同" in d.missing[0].zh


def test_missing_list_is_complete_and_tied_to_rules() -> None:
    """Art 43: every fact that could still change the outcome is listed, each with its rules."""
    d = evaluate(
        PACK,
        {
            "date": "2023-06-01",
            "locality": {"city": "anqing"},
            "matter": "support_payment",
            "applicant": {"disabilities": [], "fixed_income_source": False, "groups": []},
        },
    )
    assert d.outcome is Outcome.UNDETERMINED
    facts = {m.fact: m.rules for m in d.missing}
    assert set(facts) == {"household.per_capita_income", "applicant.age"}
    assert facts["household.per_capita_income"] == ("anhui.means_test",)
    assert facts["applicant.age"] == ("art42.vulnerable_without_income",)


def test_out_of_scope_matter_is_ineligible_whatever_the_income() -> None:
    d = evaluate(PACK, app(matter="other", instance="first", household={"per_capita_monthly_income": "0.00"}))
    assert (d.outcome, d.scope) == (Outcome.INELIGIBLE, Truth.FALSE)
    assert [r.rule for r in d.reasons] == [
        "scope.listed_matter",
        "art33.retrial",
        "anhui.art13.school_injury",
    ]
    assert "不在" in d.reasons[0].zh


@pytest.mark.parametrize("days, urgent", [(6, True), (7, False)])
def test_urgent_aid_first_under_seven_days(days: int, urgent: bool) -> None:
    """Art 44: fewer than 7 days to a deadline: aid may be provided first."""
    d = evaluate(
        PACK,
        app(
            matter="support_payment",
            urgency={"days_to_deadline": days},
            household={"per_capita_monthly_income": "100.00"},
        ),
    )
    assert d.urgent is urgent


def test_county_resolves_to_its_prefecture_city() -> None:
    """The standard is the prefecture city's (设区的市): a county alone is enough to find it."""
    d = evaluate(
        PACK,
        {
            "date": "2023-06-01",
            "locality": {"county": "susong"},
            "applicant": KNOWN_PERSON,
            "matter": "support_payment",
            "household": {"per_capita_monthly_income": "1000.00"},
        },
    )
    assert d.economic is Economic.PASSED


def test_steps_record_every_rule_with_values() -> None:
    d = evaluate(PACK, app(matter="support_payment", household={"size": 3, "monthly_income": "4500.00"}))
    assert [s.rule for s in d.steps] == [r.id for r in PACK.rules]
    means = next(s for s in d.steps if s.rule == "anhui.means_test")
    assert means.comparisons[0].left == 1500 and str(means.comparisons[0].right) == "1560.00"
    assert means.comparisons[0].test == "household.per_capita_income < 2 * minimum_living_standard"


BAD_INPUT = [
    (
        {"matter": "suport_payment"},
        "application.unknown_matter",
        "matter",
        "unknown matter code `suport_payment`",
    ),
    (
        {"household": {"monthly_income": "-1.00", "size": 2}},
        "application.greater_than_equal",
        "household.monthly_income",
        "greater than or equal to 0",
    ),
    (
        {"household": {"monthly_income": "NaN", "size": 2}},
        "application.finite_number",
        "household.monthly_income",
        "finite",
    ),
    (
        {"household": {"monthly_income": "10.001", "size": 2}},
        "application.decimal_max_places",
        "household.monthly_income",
        "2 decimal places",
    ),
    (
        {"applicant": {"birth_date": "2023-02-30"}},
        "application.date_from_datetime_parsing",
        "applicant.birth_date",
        "valid date",
    ),
    (
        {"applicant": {"birth_date": "2024-01-01"}},
        "application.value_error",
        "",
        "birth_date is after the application date",
    ),
    (
        {"applicant": {"groups": [{"group": "elderyl"}]}},
        "application.unknown_group",
        "applicant.groups[0].group",
        "unknown group `elderyl`",
    ),
    (
        {"locality": {"city": "hefei"}},
        "application.outside_jurisdiction",
        "locality.city",
        "outside the jurisdiction of pack `anhui/anqing`",
    ),
    (
        {"locality": {"city": "anqnig"}},
        "application.unknown_region",
        "locality.city",
        "unknown region `anqnig`",
    ),
    (
        {"matter": "support_payment", "criminal": {"role": "victim"}},
        "application.value_error",
        "",
        "give either `matter`",
    ),
    ({"colour": "red"}, "application.extra_forbidden", "colour", "extra inputs are not permitted"),
    ({"date": "2024-01-05"}, "application.date_outside_pack", "date", "outside pack"),
]


@pytest.mark.parametrize(
    "change, code, path, message",
    BAD_INPUT,
    ids=[c[1] + ":" + (c[2] or "model") for c in BAD_INPUT],
)
def test_bad_input_is_a_named_error_never_a_decision(
    change: dict[str, Any], code: str, path: str, message: str
) -> None:
    data = {"date": "2023-06-01", **change}
    with pytest.raises(ApplicationError) as info:
        evaluate(PACK, data)
    problem = next(p for p in info.value.problems if p.code == code)
    assert (problem.location.path or "") == path
    assert message in problem.message


def test_unknown_matter_gets_a_did_you_mean() -> None:
    with pytest.raises(ApplicationError) as info:
        evaluate(PACK, {"date": "2023-06-01", "matter": "suport_payment"})
    assert info.value.problems[0].hint == "did you mean `support_payment`?"


def test_a_date_no_version_covers_lists_the_periods() -> None:
    with pytest.raises(PackNotFoundError) as info:
        load_pack("anhui/anqing", on=dt.date(2024, 3, 1))
    assert "2023.1: 2023-01-01 to 2023-12-31" in str(info.value)


def test_unknown_pack_gets_a_did_you_mean() -> None:
    with pytest.raises(PackNotFoundError) as info:
        load_pack("anhui/anqnig", on=DAY)
    assert info.value.hint == "did you mean `anhui/anqing`?"


@pytest.mark.parametrize("pack_id", ["../rules/anhui", "anhui/../anhui", "", "Anhui", "anhui/anqing/"])
def test_a_name_that_is_not_a_pack_id_is_not_found(pack_id: str) -> None:
    with pytest.raises(PackNotFoundError, match="no pack"):
        load_pack(pack_id, on=DAY)


def test_a_folder_without_pack_files_is_not_a_pack(tmp_path: Path) -> None:
    (tmp_path / "anhui" / "anqing").mkdir(parents=True)  # only a sub-folder, no version file
    with pytest.raises(PackNotFoundError, match="no pack `anhui`"):
        load_pack("anhui", on=DAY, registry=Registry(tmp_path))


def test_the_national_pack_does_not_decide_alone() -> None:
    """Art 34: provinces set the hardship standard, so the base pack refuses to decide."""
    with pytest.raises(ApplicationError) as info:
        evaluate(load_pack("national", on=DAY), {"date": "2023-06-01", "matter": "support_payment"})
    assert info.value.problems[0].code == "application.no_means_test"


def test_bad_input_changes_nothing() -> None:
    """A refused application leaves the pack exactly as it was (same digest, same decisions)."""
    before = evaluate(PACK, app(matter="support_payment", household={"per_capita_monthly_income": "1000.00"}))
    with pytest.raises(ApplicationError):
        evaluate(PACK, app(matter="nonsense"))
    after = evaluate(PACK, app(matter="support_payment", household={"per_capita_monthly_income": "1000.00"}))
    assert before == after and after.pack.digest == PACK.digest


def test_relying_on_an_unverified_group_definition_warns() -> None:
    """Elderly = 60+ rests on the 老年人权益保障法, not yet checked: a waiver on it says so."""
    person = {
        "age": 70,
        "disabilities": [],
        "fixed_income_source": False,
        "groups": [{"group": "elderly", "proof": True}],
    }
    d = evaluate(
        PACK,
        app(applicant=person, matter="support_payment", household={"per_capita_monthly_income": "9000.00"}),
    )
    assert d.economic is Economic.WAIVED
    assert "unverified_group" in [w.code for w in d.warnings]
    young = {**person, "age": 30, "groups": []}
    d2 = evaluate(
        PACK,
        app(applicant=young, matter="support_payment", household={"per_capita_monthly_income": "100.00"}),
    )
    assert "unverified_group" not in [w.code for w in d2.warnings]


def test_a_value_the_pack_lacks_is_refused_only_when_the_decision_needs_it() -> None:
    """The Anhui province pack has no 合肥 minimum living standard (it is in no seed)."""
    anhui = load_pack("anhui", on=dt.date(2022, 6, 1))
    hefei = {"date": "2022-06-01", "locality": {"city": "hefei"}, "applicant": KNOWN_PERSON}
    # Art 32(4): no hardship condition, so the missing standard does not matter
    exempt = evaluate(anhui, {**hefei, "matter": "domestic_violence"})
    assert (exempt.outcome, exempt.economic) == (Outcome.ELIGIBLE, Economic.NOT_REQUIRED)
    means_step = next(s for s in exempt.steps if s.rule == "anhui.means_test")
    assert means_step.result is Truth.UNKNOWN
    assert all(m.fact != "locality.city" for m in exempt.missing)
    # a matter that needs the means test cannot be decided without the standard
    with pytest.raises(ApplicationError) as caught:
        evaluate(
            anhui,
            {**hefei, "matter": "labour_remuneration", "household": {"per_capita_monthly_income": "100"}},
        )
    [problem] = caught.value.problems
    assert problem.code == "application.no_parameter_value"
    assert problem.location.path == "locality.city"
    assert "`minimum_living_standard` for `hefei`" in problem.message
