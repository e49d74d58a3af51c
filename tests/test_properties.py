"""Properties the law implies, checked on generated applications (Anqing 2023 pack)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalaid_rules import Decision, Economic, Outcome, evaluate, load_pack
from strategies import DAY, applications, fill_unknowns, money

PACK = load_pack("anhui/anqing", on=DAY)
DIBAO = PACK.parameters["minimum_living_standard"].value(DAY, "anqing")
kinds = st.sampled_from(["civil", "criminal"])


def decide(app: dict[str, Any]) -> Decision:
    return evaluate(PACK, app)


def with_income(app: dict[str, Any], income: Decimal) -> dict[str, Any]:
    return {**app, "household": {**app["household"], "monthly_income": str(income)}}


def step(decision: Decision, rule: str) -> str:
    return next(s.result.value for s in decision.steps if s.rule == rule)


@given(st.data(), kinds, money, money)
def test_lowering_income_never_loses_eligibility(
    data: st.DataObject, kind: str, a: Decimal, b: Decimal
) -> None:
    """If an applicant is eligible at some income, they are eligible at any lower income."""
    app = data.draw(applications("anhui/anqing", kind=kind))
    high, low = max(a, b), min(a, b)
    if decide(with_income(app, high)).outcome is Outcome.ELIGIBLE:
        assert decide(with_income(app, low)).outcome is Outcome.ELIGIBLE


@given(st.integers(1, 6), st.sampled_from(sorted(m for m in PACK.matters if PACK.matters[m].listed)))
def test_exactly_twice_the_standard_fails_and_one_fen_less_passes(size: int, matter: str) -> None:
    """The means test is strict: per capita exactly 2x fails, 0.01 yuan below passes."""
    base = {
        "date": DAY.isoformat(),
        "locality": {"city": "anqing"},
        "matter": matter,
        "applicant": {"age": 40, "disabilities": [], "fixed_income_source": True, "groups": []},
    }
    at = decide({**base, "household": {"per_capita_monthly_income": str(2 * DIBAO)}})
    below = decide({**base, "household": {"per_capita_monthly_income": str(2 * DIBAO - Decimal("0.01"))}})
    assert step(at, "anhui.means_test") == "false"
    assert step(below, "anhui.means_test") == "true"
    total_at = decide({**base, "household": {"size": size, "monthly_income": str(2 * DIBAO * size)}})
    assert step(total_at, "anhui.means_test") == "false"
    just_below = 2 * DIBAO * size - Decimal("0.01")
    total_below = decide({**base, "household": {"size": size, "monthly_income": str(just_below)}})
    assert step(total_below, "anhui.means_test") == "true"
    if at.economic is not Economic.NOT_REQUIRED:
        assert at.outcome is Outcome.INELIGIBLE and at.economic is Economic.FAILED
        assert below.outcome is Outcome.ELIGIBLE and below.economic is Economic.PASSED


@given(st.data(), kinds)
def test_unknown_facts_never_decide_more_than_the_facts_allow(data: st.DataObject, kind: str) -> None:
    """A definite outcome reached with unknown facts holds whatever those facts turn out to be."""
    partial = data.draw(applications("anhui/anqing", kind=kind))
    completion = data.draw(applications("anhui/anqing", kind=kind, complete=True))
    filled = fill_unknowns(partial, completion)
    before, after = decide(partial), decide(filled)
    if before.outcome is not Outcome.UNDETERMINED:
        assert after.outcome is before.outcome
    assert after.outcome is not Outcome.UNDETERMINED or after.missing


@given(st.data(), kinds)
def test_missing_list_is_given_exactly_when_undetermined(data: st.DataObject, kind: str) -> None:
    """Every undetermined decision says what to ask for; a decided one asks for nothing."""
    d = decide(data.draw(applications("anhui/anqing", kind=kind)))
    assert bool(d.missing) == (d.outcome is Outcome.UNDETERMINED)
    for item in d.missing:
        assert item.rules, item


@given(st.data(), kinds)
def test_with_every_fact_known_only_documents_are_missing(data: st.DataObject, kind: str) -> None:
    """When the application states every fact, what can still be missing is proof documents."""
    d = decide(data.draw(applications("anhui/anqing", kind=kind, complete=True)))
    assert all(item.kind == "document" for item in d.missing), d.missing


@given(st.data(), kinds)
def test_same_input_same_bytes(data: st.DataObject, kind: str) -> None:
    """The same pack and input give byte-identical decisions."""
    app = data.draw(applications("anhui/anqing", kind=kind))
    assert decide(app).model_dump_json() == decide(dict(app)).model_dump_json()


@given(st.data(), kinds)
def test_without_steps_the_decision_is_the_same_but_for_the_steps(data: st.DataObject, kind: str) -> None:
    """The fast path (steps=False) gives the same outcome, reasons, missing list and warnings."""
    app = data.draw(applications("anhui/anqing", kind=kind))
    full = decide(app)
    fast = evaluate(PACK, app, steps=False)
    assert fast.steps == ()
    assert fast == full.model_copy(update={"steps": ()})


def test_threads_share_a_pack_safely() -> None:
    """Many threads deciding at once give exactly the decisions a single thread gives."""
    import random

    rng = random.Random(7)
    matters = sorted(PACK.matters)
    apps = [
        {
            "date": DAY.isoformat(),
            "locality": {"city": "anqing"},
            "matter": rng.choice(matters),
            "applicant": {"age": rng.randint(0, 90), "fixed_income_source": rng.random() < 0.5},
            "household": {
                "size": rng.randint(1, 5),
                "monthly_income": str(Decimal(rng.randint(0, 900000)) / 100),
            },
        }
        for _ in range(200)
    ]
    expected = [decide(a).model_dump_json() for a in apps]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda a: decide(a).model_dump_json(), apps * 3, timeout=120))
    assert got == expected * 3


def test_decision_does_not_depend_on_the_callers_decimal_context() -> None:
    """A caller's low-precision decimal context cannot move the 2x boundary."""
    import decimal

    app = {
        "date": DAY.isoformat(),
        "locality": {"city": "anqing"},
        "matter": "support_payment",
        "applicant": {"age": 40, "disabilities": [], "fixed_income_source": True, "groups": []},
        "household": {"size": 3, "monthly_income": str(2 * DIBAO * 3 - Decimal("0.01"))},
    }
    expected = decide(app).model_dump_json()
    with decimal.localcontext(decimal.Context(prec=3)):
        assert decide(app).model_dump_json() == expected


@pytest.mark.parametrize("age, member", [(59, False), (60, True)])
def test_elderly_means_sixty_full_years_on_the_application_date(age: int, member: bool) -> None:
    """Elderly = 60 full years or older on the application date (birthday counts)."""
    birth = dt.date(DAY.year - age, DAY.month, DAY.day)
    app = {
        "date": DAY.isoformat(),
        "locality": {"city": "anqing"},
        "matter": "support_payment",
        "applicant": {
            "birth_date": birth.isoformat(),
            "disabilities": [],
            "fixed_income_source": False,
            "groups": [{"group": "elderly", "proof": True}],
        },
        "household": {"size": 1, "monthly_income": "5000.00"},
    }
    d = decide(app)
    assert (d.economic is Economic.WAIVED) is member
    assert d.outcome is (Outcome.ELIGIBLE if member else Outcome.INELIGIBLE)
