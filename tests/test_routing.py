"""Routing as pack content: 安庆 tiered jurisdiction and 代办 (seed 002), 云浮 市域通办 (seed 004)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from legalaid_rules import evaluate, load_pack
from legalaid_rules.decisions import RouteResult, Truth

ANQING = load_pack("anhui/anqing", dt.date(2023, 6, 1))
YUNFU = load_pack("guangdong/yunfu", dt.date(2022, 6, 1))


def _routes(pack: Any, **app: Any) -> dict[str, RouteResult]:
    base = {"date": "2023-06-01", "household": {"per_capita_monthly_income": "1000.00"}}
    return {r.route: r for r in evaluate(pack, {**base, **app}).routes}


def test_first_instance_goes_to_the_county_centre() -> None:
    """Seed 002 三(三)2: 一审案件由县（市、区）法律援助中心管辖 (here 医疗纠纷)."""
    routes = _routes(
        ANQING, office="huaining", locality={"county": "huaining"}, matter="injury_medical", instance="first"
    )
    assert list(routes) == ["first_instance_county"]
    r = routes["first_instance_county"]
    assert (r.kind, r.office, r.accepts_here) == ("jurisdiction", "huaining", Truth.TRUE)


def test_second_instance_goes_to_the_city_centre() -> None:
    routes = _routes(
        ANQING,
        office="huaining",
        locality={"county": "huaining"},
        matter="state_compensation",
        instance="second",
    )
    r = routes["second_instance_city"]
    assert (r.office, r.accepts_here) == ("anqing", Truth.FALSE)


@pytest.mark.parametrize(
    ("criminal", "route"),
    [
        ({"role": "defendant", "stage": "trial", "notified_by": "court"}, "first_instance_county"),
        ({"role": "defendant", "stage": "second_instance", "notified_by": "court"}, "second_instance_city"),
    ],
)
def test_court_notified_defence_is_tiered_by_stage(criminal: dict[str, str], route: str) -> None:
    routes = _routes(ANQING, locality={"county": "taihu"}, criminal=criminal)
    assert list(routes) == [route]
    assert routes[route].accepts_here is Truth.UNKNOWN  # no office given


def test_unlisted_case_types_are_not_tiered() -> None:
    """Support payments are not among the listed types: no tiered route."""
    assert _routes(ANQING, locality={"county": "taihu"}, matter="support_payment", instance="second") == {}


def test_listed_category_is_tiered() -> None:
    routes = _routes(
        ANQING,
        locality={"county": "susong"},
        matter="labour_remuneration",
        case_category="mass_case",
        instance="first",
    )
    assert routes["first_instance_county"].office == "susong"


@pytest.mark.parametrize(
    ("township", "office"),
    [("lingbei", "yixiu"), ("laofeng", "yingjiang"), ("shankou", "daguan")],
)
def test_dai_ban_townships(township: str, office: str) -> None:
    """Seed 002 六(五): the three townships without an agency are handled by a district bureau."""
    county = "anqing_hitech" if township == "shankou" else "anqing_etdz"
    routes = _routes(ANQING, office=office, locality={"county": county, "township": township}, matter="other")
    (r,) = routes.values()
    assert (r.kind, r.office, r.accepts_here) == ("on_behalf", office, Truth.TRUE)


def test_dai_ban_office_handles_first_instance_too() -> None:
    routes = _routes(
        ANQING,
        locality={"county": "anqing_etdz", "township": "lingbei"},
        matter="environmental_damage",
        instance="first",
    )
    assert routes["first_instance_county"].office == "yixiu"
    assert routes["lingbei_by_yixiu"].office == "yixiu"


@pytest.mark.parametrize(
    ("office", "accepts"), [("luoding", Truth.TRUE), ("yunfu", Truth.TRUE), (None, Truth.UNKNOWN)]
)
def test_yunfu_citywide_acceptance(office: str | None, accepts: Truth) -> None:
    """Seed 004: 市域通办, any legal-aid office in the city accepts an application from anywhere in it."""
    app: dict[str, Any] = {
        "date": "2022-06-01",
        "locality": {"county": "xinxing"},
        "matter": "support_payment",
    }
    if office:
        app["office"] = office
    (r,) = evaluate(YUNFU, app).routes
    assert (r.route, r.kind, r.office, r.within, r.accepts_here) == (
        "citywide",
        "anywhere",
        None,
        "yunfu",
        accepts,
    )
