"""Figures looked up by the city of the office that accepts the application (``by: office_city``).

粤府令第268号 第三条 measures income against the figure of "受理申请的法律援助机构所在地" 地级以上市:
the accepting office's city, not the applicant's home. The shipped packs have one Guangdong city
figure (云浮, a placeholder), so the cross-city behaviour is pinned on a test pack with two
invented test figures; the shipped packs are pinned on what they can show: the same city, an
office without a figure, and an unknown office.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from legalaid_rules import ApplicationError, PackError, Registry, evaluate, load_pack
from legalaid_rules.analysis.concrete import concrete_verdict
from legalaid_rules.applications import Application
from legalaid_rules.conditions.facts import FACTS
from legalaid_rules.values import UNKNOWN

MINI = Path(__file__).parent / "fixtures" / "mini"
ON = dt.date(2022, 6, 1)
BACKENDS = ("native", "durable")


def _two_city_pack(tmp_path: Path, *, value_region: str = "city2") -> Registry:
    """The mini province with two cities, the figure looked up by the office's city."""
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    prov = root / "prov" / "2022.yaml"
    text = prov.read_text(encoding="utf-8")
    for old, new in (
        (
            "  city: {zh: 某市, level: city, parent: prov}\n",
            "  city: {zh: 某市, level: city, parent: prov}\n"
            "  city2: {zh: 另一市, level: city, parent: prov}\n"
            "  county2: {zh: 另一县, level: county, parent: city2}\n",
        ),
        ("    by: city\n", "    by: office_city\n"),
        (
            "      - {region: city, value: 700.00}\n",
            f"      - {{region: city, value: 700.00}}\n      - {{region: {value_region}, value: 900.00}}\n",
        ),
    ):
        assert old in text, f"fixture drift: {old!r}"
        text = text.replace(old, new, 1)
    prov.write_text(text, encoding="utf-8")
    return Registry(root)


def _app(office: str | None, per_capita: str = "1500.00") -> dict[str, Any]:
    app: dict[str, Any] = {
        "date": ON.isoformat(),
        "matter": "wages",
        "locality": {"city": "city"},
        "household": {"per_capita_monthly_income": per_capita},
        "applicant": {"age": 30, "fixed_income_source": True, "groups": []},
    }
    if office is not None:
        app["office"] = office
    return app


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_figure_is_the_accepting_offices_city_not_the_applicants(tmp_path: Path, backend: str) -> None:
    pack = _two_city_pack(tmp_path).load("prov", ON)
    # an applicant of `city` (700: the line is 1400) at an office of `city2` (900: the line is 1800)
    there = evaluate(pack, _app("county2"), backend=backend)
    assert (there.outcome, there.economic) == ("eligible", "passed")
    assert "1,800.00" in str(there.reasons[-1].zh), there.reasons[-1].zh
    home = evaluate(pack, _app("city"), backend=backend)
    assert (home.outcome, home.economic) == ("ineligible", "failed")
    for app in (_app("county2"), _app("city")):
        assert concrete_verdict(pack, Application.model_validate(app)) == {
            "outcome": evaluate(pack, app).outcome,
            "economic": evaluate(pack, app).economic,
        }


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unknown_office_is_asked_for_not_the_applicants_city(tmp_path: Path, backend: str) -> None:
    pack = _two_city_pack(tmp_path).load("prov", ON)
    d = evaluate(pack, _app(None), backend=backend)
    assert d.outcome == "undetermined"
    assert [m.fact for m in d.missing] == ["application.office"]
    assert "受理申请的法律援助机构" in d.missing[0].zh


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_office_in_no_city_is_a_located_error_not_a_guess(tmp_path: Path, backend: str) -> None:
    pack = _two_city_pack(tmp_path).load("prov", ON)
    with pytest.raises(ApplicationError) as info:
        evaluate(pack, _app("prov"), backend=backend)
    (problem,) = info.value.problems
    assert problem.code == "application.no_parameter_value"
    assert problem.location.path == "office"
    assert "`prov`" in problem.message


def test_a_value_for_a_county_under_office_city_is_refused_where_it_is(tmp_path: Path) -> None:
    registry = _two_city_pack(tmp_path, value_region="county2")
    with pytest.raises(PackError) as info:
        registry.load("prov", ON)
    found = [p for p in info.value.problems if p.code == "pack.value_region"]
    assert found, info.value.problems
    assert "office_city" in found[0].message and "county2" in found[0].message
    assert found[0].location.line is not None and found[0].location.file is not None


# -- the shipped Guangdong packs ------------------------------------------------------------------


def _gd(office: str | None, **household: Any) -> dict[str, Any]:
    app: dict[str, Any] = {
        "date": "2022-05-01",
        "locality": {"county": "yunan"},
        "matter": "support_payment",
        "household": {"per_capita_monthly_income": "1249.99", "significant_assets": False, **household},
        "applicant": {"age": 40, "fixed_income_source": True, "groups": []},
    }
    if office is not None:
        app["office"] = office
    return app


@pytest.mark.parametrize("backend", BACKENDS)
def test_yunfu_applicant_at_a_yunfu_office_uses_yunfus_figure(backend: str) -> None:
    pack = load_pack("guangdong/yunfu", on=dt.date(2022, 5, 1))
    d = evaluate(pack, _gd("luoding"), backend=backend)
    assert (d.outcome, d.economic) == ("eligible", "passed")
    assert "低于1,250.00 元" in d.reasons[-1].zh  # half of 云浮's 2,500.00
    assert any("云浮市上一年度城镇居民月人均可支配收入 2500.00" in w.zh for w in d.warnings), d.warnings


@pytest.mark.parametrize("backend", BACKENDS)
def test_guangdong_office_without_a_figure_is_a_located_error(backend: str) -> None:
    # no second Guangdong city has a figure in the packs, and none is invented: an office in
    # 广州市 (a city of the province pack without a figure) is refused, naming the office
    pack = load_pack("guangdong", on=dt.date(2022, 5, 1))
    app = _gd("guangzhou", expenditure_causes=[])
    app["locality"] = {"city": "yunfu"}
    with pytest.raises(ApplicationError) as info:
        evaluate(pack, app, backend=backend)
    (problem,) = info.value.problems
    assert (problem.code, problem.location.path) == ("application.no_parameter_value", "office")
    assert "`guangzhou`" in problem.message


def test_yunfu_pack_refuses_an_office_of_another_city() -> None:
    pack = load_pack("guangdong/yunfu", on=dt.date(2022, 5, 1))
    with pytest.raises(ApplicationError) as info:
        evaluate(pack, _gd("guangzhou"))
    assert [(p.code, p.location.path) for p in info.value.problems] == [
        ("application.outside_jurisdiction", "office")
    ]


# -- the facts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("causes", "expected"),
    [
        (None, UNKNOWN),
        ([], False),
        (["other"], False),
        (["serious_illness"], True),
        (["other", "full_time_education"], True),
        (["emergency"], True),
        (["accidental_injury"], True),
    ],
)
def test_listed_expenditure_cause(causes: list[str] | None, expected: object) -> None:
    app = Application.model_validate({"date": "2022-05-01", "household": {"expenditure_causes": causes}})
    assert FACTS["household.listed_expenditure_cause"].read(app) is expected


@pytest.mark.parametrize(
    ("household", "expected"),
    [
        ({"monthly_consumption_expenditure": "6000.03", "size": 3}, Decimal("2000.01")),
        ({"monthly_consumption_expenditure": "100.00", "members": [{}, {}, {}]}, Decimal(100) / 3),
        ({"monthly_consumption_expenditure": "6000.00"}, UNKNOWN),
        ({"size": 2}, UNKNOWN),
    ],
)
def test_per_capita_consumption_expenditure(household: dict[str, Any], expected: object) -> None:
    app = Application.model_validate({"date": "2022-05-01", "household": household})
    got = FACTS["household.per_capita_consumption_expenditure"].read(app)
    if expected is UNKNOWN:
        assert got is UNKNOWN
    else:
        assert isinstance(got, Decimal) and abs(got - Decimal(str(expected))) < Decimal("1e-20")


def test_an_unknown_cause_is_refused_with_its_path() -> None:
    with pytest.raises(Exception) as info:
        Application.model_validate({"date": "2022-05-01", "household": {"expenditure_causes": ["flood"]}})
    assert "expenditure_causes" in str(info.value)


def test_the_condition_prose_names_the_accepting_offices_city() -> None:
    from legalaid_rules.evaluation.wording import condition_prose

    province = load_pack("guangdong", on=dt.date(2022, 5, 1))
    text = condition_prose(province, province.rule("guangdong.means_test.income_and_assets").condition)
    assert "受理申请的法律援助机构所在市上一年度城镇居民月人均可支配收入" in text.zh
    assert "the accepting office's city's" in text.en
    city = load_pack("guangdong/yunfu", on=dt.date(2022, 5, 1))
    text = condition_prose(city, city.rule("guangdong.means_test.income_and_assets").condition)
    assert "云浮市上一年度城镇居民月人均可支配收入" in text.zh  # a city pack: its own city is the office's
