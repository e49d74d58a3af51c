"""The durable-rules backend gives the same decisions as the native evaluator.

Differential tests over every pack the registry ships (new packs are picked up as they
arrive), with incomes generated at the 2x boundary of every money parameter; every pack's own
YAML test cases on both backends; and the durable-rules limits the backend must respect.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

pytest.importorskip("durable_rules_engine", reason="needs the durable extra")

from legalaid_rules import ApplicationError, Registry, ResolvedPack, evaluate
from legalaid_rules.backends import durable
from legalaid_rules.backends._ordered_text import encode
from legalaid_rules.canonical import canonical_json
from legalaid_rules.evaluation import to_application
from legalaid_rules.packs.registry import bundled_root
from legalaid_rules.packtests import compare, discover, read_tests

_REGISTRY = Registry()


def _packs() -> Iterator[tuple[str, dt.date]]:
    for pack_id in _REGISTRY.ids():
        for version in _REGISTRY.versions(pack_id):
            yield pack_id, version.start


PACKS = sorted(set(_packs()))


def _load(pack_id: str, on: dt.date) -> ResolvedPack:
    return _REGISTRY.load(pack_id, on)


def decide(pack: ResolvedPack, data: dict[str, Any], backend: str) -> tuple[str, Any]:
    """A decision as canonical bytes, or the codes of the error that refused the application."""
    try:
        decision = evaluate(pack, data, backend=backend)
    except ApplicationError as exc:
        return "error", exc.codes
    return "decision", canonical_json(decision.model_dump(mode="json"))


def assert_same(pack: ResolvedPack, data: dict[str, Any]) -> None:
    native, other = decide(pack, data, "native"), decide(pack, data, "durable")
    assert other == native, f"backends differ on {data}"


# -- applications ------------------------------------------------------------------------------


def _boundaries(pack: ResolvedPack) -> list[Decimal]:
    """Money at and beside every money parameter and its double: where the means tests turn."""
    out: set[Decimal] = set()
    for param in pack.parameters.values():
        for v in param.values:
            if isinstance(v.value, Decimal):
                for base in (v.value, 2 * v.value):
                    out |= {base, base - Decimal("0.01"), base + Decimal("0.01")}
    return sorted(x for x in out if x >= 0)


@st.composite
def applications(draw: st.DrawFn, pack: ResolvedPack) -> dict[str, Any]:
    """Applications for a pack: any date it covers, its places, facts unknown at random."""
    end = pack.effective.end or pack.effective.start + dt.timedelta(days=730)
    day = draw(st.dates(pack.effective.start, end))
    cities = sorted(
        r for r, e in pack.regions.items() if e.level == "city" and pack.within(r, pack.jurisdiction)
    )
    counties = sorted(r for r, e in pack.regions.items() if e.level == "county" and e.parent in cities)
    edges = _boundaries(pack)
    money = st.one_of(
        st.sampled_from(edges) if edges else st.nothing(),
        st.decimals(min_value=0, max_value=Decimal("20000"), places=2),
    )

    complete = draw(st.booleans())  # half the applications give every fact

    def maybe(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return s if complete else st.one_of(st.none(), s)

    size = draw(st.integers(1, 5))
    per_capita = draw(maybe(money))  # the target, so totals and splits land on the edges too
    fen = Decimal(draw(st.sampled_from([-1, 0, 1]))) / 100
    way = draw(st.sampled_from(["total", "per_capita", "members"]))
    household: dict[str, Any]
    if way == "per_capita" or per_capita is None:
        household = {"per_capita_monthly_income": per_capita}
    elif way == "total":
        household = {"size": size, "monthly_income": max(Decimal(0), per_capita * size + fen)}
    else:
        incomes: list[Decimal | None] = [per_capita] * size
        incomes[0] = max(Decimal(0), per_capita + fen)
        if not complete and draw(st.booleans()):
            incomes[-1] = None
        household = {"members": [{"monthly_income": i} for i in incomes]}
    household["significant_assets"] = draw(maybe(st.booleans()))
    # all consumption spending, per head around the same edges, and what caused it (粤府令第268号)
    spent = draw(maybe(money))
    household["monthly_consumption_expenditure"] = spent * size + fen if spent else spent
    causes = ["emergency", "accidental_injury", "serious_illness", "full_time_education", "other"]
    household["expenditure_causes"] = draw(maybe(st.lists(st.sampled_from(causes), max_size=2, unique=True)))
    if "members" not in household and "size" not in household and draw(st.booleans()):
        household["size"] = size
    offices = sorted(r for r in pack.regions if pack.within(r, pack.jurisdiction))
    app: dict[str, Any] = {
        "date": day.isoformat(),
        "office": draw(maybe(st.sampled_from(offices))),
        "locality": {
            "city": draw(maybe(st.sampled_from(cities))) if cities else None,
            "county": draw(maybe(st.sampled_from(counties))) if counties else None,
        },
        "applicant": {
            "age": draw(
                maybe(st.sampled_from([0, 17, 18, 59, 60, 61, 69, 70, 71, 100]) | st.integers(0, 100))
            ),
            "disabilities": draw(maybe(st.lists(st.sampled_from(["visual", "physical"]), max_size=1))),
            "fixed_income_source": draw(maybe(st.booleans())),
            "groups": draw(
                maybe(
                    st.lists(
                        st.fixed_dictionaries(
                            {"group": st.sampled_from(sorted(pack.groups)), "proof": st.booleans()}
                        ),
                        max_size=3,
                        unique_by=lambda g: g["group"],
                    )
                )
            )
            if pack.groups
            else None,
        },
        "household": household,
        "urgency": {
            "days_to_deadline": draw(maybe(st.integers(0, 30))),
            "preservation_needed": draw(maybe(st.booleans())),
        },
    }
    if pack.matters and draw(st.booleans()):
        app["matter"] = draw(maybe(st.sampled_from(sorted(pack.matters))))
    else:
        app["criminal"] = {
            "role": draw(
                maybe(st.sampled_from(["defendant", "victim", "private_prosecutor", "civil_plaintiff"]))
            ),
            "stage": draw(maybe(st.sampled_from(["investigation", "trial", "second_instance"]))),
            "notified_by": draw(maybe(st.sampled_from(["court", "procuratorate", "police", "not_notified"]))),
        }
    return app


# Regression examples: the 2x boundary exactly, a fen below it, and a three-way split whose
# per-capita income is a 50-digit quotient a hair under 2 x 780.00 (Anqing 2023).
_BASE = {
    "locality": {"city": "anqing"},
    "applicant": {"age": 40, "fixed_income_source": True, "groups": []},
    "matter": "labour_remuneration",
}
AT_TWICE = {**_BASE, "date": "2023-06-01", "household": {"per_capita_monthly_income": "1560.00"}}
BELOW_TWICE = {**_BASE, "date": "2023-06-01", "household": {"per_capita_monthly_income": "1559.99"}}
THIRDS = {
    **_BASE,
    "date": "2023-06-01",
    "household": {"members": [{"monthly_income": x} for x in ("1559.99", "1560.00", "1560.00")]},
}
UNKNOWN_INCOME = {**_BASE, "date": "2023-06-01", "household": {"members": [{"monthly_income": None}]}}
NO_PLACE = {**_BASE, "date": "2023-06-01", "locality": {}, "household": {"per_capita_monthly_income": "10"}}


@pytest.mark.parametrize(("pack_id", "on"), PACKS, ids=[f"{p}@{d}" for p, d in PACKS])
@settings(deadline=None, max_examples=40)
@given(data=st.data())
@example(data=None)
def test_backends_agree(pack_id: str, on: dt.date, data: st.DataObject | None) -> None:
    pack = _load(pack_id, on)
    if data is None:  # the regression examples, on every pack
        for app in (AT_TWICE, BELOW_TWICE, THIRDS, UNKNOWN_INCOME, NO_PLACE):
            assert_same(pack, app)
        return
    assert_same(pack, data.draw(applications(pack)))


@pytest.mark.parametrize("app", [AT_TWICE, BELOW_TWICE, THIRDS, UNKNOWN_INCOME])
def test_without_steps_too(app: dict[str, Any]) -> None:
    pack = _load("anhui/anqing", dt.date(2023, 6, 1))
    assert evaluate(pack, app, backend="durable", steps=False) == evaluate(pack, app, steps=False)


def test_regression_examples_decide_the_boundary() -> None:
    """The examples really sit on the boundary: the means test fails at 2x and passes below."""
    pack = _load("anhui/anqing", dt.date(2023, 6, 1))
    at = evaluate(pack, AT_TWICE, backend="durable")
    below = evaluate(pack, BELOW_TWICE, backend="durable")
    thirds = evaluate(pack, THIRDS, backend="durable")
    assert (at.economic.value, below.economic.value, thirds.economic.value) == ("failed", "passed", "passed")


# -- the packs' own test cases -----------------------------------------------------------------

CASE_FILES = sorted(discover([bundled_root()]))


def _cases() -> Iterator[tuple[Path, int]]:
    for path in CASE_FILES:
        loaded = read_tests(path)
        assert not isinstance(loaded, list), loaded
        for i in range(len(loaded.tests.cases)):
            yield path, i


def _case_id(value: Any) -> str:
    return str(value) if isinstance(value, int) else str(value.relative_to(bundled_root()))


@pytest.mark.parametrize(("path", "index"), list(_cases()), ids=_case_id)
def test_pack_cases_pass_on_both_backends(path: Path, index: int) -> None:
    """Each case passes on both backends; a case marked xfail fails the same way on both."""
    loaded = read_tests(path)
    assert not isinstance(loaded, list)
    case = loaded.tests.cases[index]
    app = to_application(case.application)
    pack = Registry(loaded.root).load(loaded.tests.pack, app.date)
    native, other = decide(pack, case.application, "native"), decide(pack, case.application, "durable")
    assert other == native
    if case.xfail is None:
        decision = evaluate(pack, app, backend="durable")
        assert compare(case, decision) == ()


# -- the engine's limits -----------------------------------------------------------------------


def test_many_evaluations_never_exhaust_the_session_states() -> None:
    """durable-rules keeps at most 1,024 live sessions a ruleset; each evaluation deletes its own."""
    pack = _load("anhui/anqing", dt.date(2023, 6, 1))
    first = evaluate(pack, AT_TWICE, backend="durable", steps=False)
    for _ in range(1100):
        last = evaluate(pack, AT_TWICE, backend="durable", steps=False)
    assert last == first


def test_threads_share_the_backend_safely() -> None:
    pack = _load("anhui/anqing", dt.date(2023, 6, 1))
    apps = [AT_TWICE, BELOW_TWICE, THIRDS, UNKNOWN_INCOME] * 5
    expected = [evaluate(pack, a) for a in apps]
    got: list[Any] = [None] * len(apps)

    def work(i: int) -> None:
        got[i] = evaluate(pack, apps[i], backend="durable")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(apps))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == expected


def test_each_pack_has_its_own_ruleset() -> None:
    names = set()
    for pack_id, on in PACKS:
        pack = _load(pack_id, on)
        durable.compile_pack(pack)
        names.add(durable.ruleset_name(pack))
    assert len(names) == len(PACKS)


def test_unknown_facts_stay_unknown_in_the_engine() -> None:
    """The engine derives no truth for a test whose fact is unknown: it is neither true nor false."""
    pack = _load("anhui/anqing", dt.date(2023, 6, 1))
    app = to_application(UNKNOWN_INCOME)
    net, derived, _ = durable.truths(pack, app)
    means = pack.rule("anhui.means_test").condition
    assert net.truth_of[id(means)] not in derived
    decision = evaluate(pack, app, backend="durable")
    assert decision.economic.value == "unknown"
    assert "household.per_capita_income" in {m.fact for m in decision.missing}


@settings(deadline=None)
@given(
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
)
@example(Decimal("1560.00"), Decimal("1559.9999999999999999999999999999999999999999999999"))
@example(Decimal("2E+3"), Decimal("2000.000"))
@example(Decimal("-1.2"), Decimal("-1.23"))
def test_encoding_orders_exactly(a: Decimal, b: Decimal) -> None:
    assert (encode(a) < encode(b)) == (a < b)
    assert (encode(a) == encode(b)) == (a == b)


def test_encoding_of_other_values() -> None:
    assert encode(dt.date(2023, 6, 1)) < encode(dt.date(2023, 12, 1))
    assert (encode(True), encode(False), encode("court")) == ("true", "false", "court")
    assert encode(60) == encode(Decimal("60.0"))
    with pytest.raises(TypeError):
        encode(1.5)


# -- selection through the API and the CLI -----------------------------------------------------


def test_cli_evaluate_backend_durable_prints_the_native_decision() -> None:
    from click.testing import CliRunner

    from legalaid_rules.cli import main

    example_file = Path(__file__).parent.parent / "examples" / "anqing-support-payment.json"
    out = {}
    for backend in ("native", "durable"):
        args = ["evaluate", "--pack", "anhui/anqing", "--backend", backend, "--format", "json"]
        result = CliRunner().invoke(main, [*args, str(example_file)])
        assert result.exit_code == 0, result.output
        out[backend] = result.output
    assert out["durable"] == out["native"]
    assert '"outcome": "eligible"' in out["durable"]


def test_missing_durable_rules_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "durable_rules_engine", None)  # import now fails
    monkeypatch.delitem(sys.modules, "legalaid_rules.backends.durable", raising=False)
    pack = _load("anhui/anqing", dt.date(2023, 6, 1))
    with pytest.raises(ImportError, match=r"pip install 'legalaid-rules\[durable\]'"):
        evaluate(pack, AT_TWICE, backend="durable")
