"""Hypothesis strategies for applications, in one place."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from legalaid_rules import ResolvedPack, load_pack

DAY = dt.date(2023, 6, 1)


@functools.cache
def pack(pack_id: str) -> ResolvedPack:
    """A bundled pack as in force on :data:`DAY`, loaded once."""
    return load_pack(pack_id, on=DAY)


money = st.decimals(min_value=0, max_value=Decimal("20000"), places=2, allow_nan=False, allow_infinity=False)


_CAUSES = ["emergency", "accidental_injury", "serious_illness", "full_time_education", "other"]


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The value, or None (unknown)."""
    return st.one_of(st.none(), strategy)


@st.composite
def applications(
    draw: st.DrawFn, pack_id: str, *, complete: bool = False, kind: str | None = None
) -> dict[str, Any]:
    """Applications valid for a pack on 2023-06-01, facts unknown at random unless ``complete``."""
    pack = globals()["pack"](pack_id)
    opt = (lambda s: s) if complete else maybe
    cities = sorted(r for r, e in pack.regions.items() if e.level == "city" and r == pack.jurisdiction)
    counties = sorted(r for r, e in pack.regions.items() if e.parent in cities and e.level == "county")
    groups = sorted(pack.groups)
    listed = sorted(pack.matters)
    app: dict[str, Any] = {"date": DAY.isoformat()}
    app["locality"] = {
        "city": draw(opt(st.sampled_from(cities))),
        "county": draw(maybe(st.sampled_from(counties))),
    }
    app["applicant"] = {
        "age": draw(opt(st.integers(0, 100))),
        "disabilities": draw(
            opt(st.lists(st.sampled_from(["visual", "physical", "mental"]), max_size=1, unique=True))
        ),
        "fixed_income_source": draw(opt(st.booleans())),
        "groups": draw(
            opt(
                st.lists(
                    st.fixed_dictionaries({"group": st.sampled_from(groups), "proof": st.booleans()}),
                    max_size=3,
                    unique_by=lambda g: g["group"],
                )
            )
        ),
    }
    app["household"] = {
        "size": draw(st.integers(1, 6)),
        "monthly_income": draw(opt(money)),
        "significant_assets": draw(opt(st.booleans())),
        "monthly_consumption_expenditure": draw(opt(money)),
        "expenditure_causes": draw(opt(st.lists(st.sampled_from(_CAUSES), max_size=2, unique=True))),
    }
    kind = kind or draw(st.sampled_from(["civil", "criminal"]))
    if kind == "civil":
        app["matter"] = draw(opt(st.sampled_from(listed)))
    else:
        app["criminal"] = {
            "role": draw(
                opt(st.sampled_from(["defendant", "victim", "private_prosecutor", "civil_plaintiff"]))
            ),
            "stage": draw(
                opt(
                    st.sampled_from(
                        [
                            "investigation",
                            "prosecution_review",
                            "trial",
                            "second_instance",
                            "death_penalty_review",
                        ]
                    )
                )
            ),
            "notified_by": draw(opt(st.sampled_from(["court", "procuratorate", "police", "not_notified"]))),
            "limited_capacity": draw(opt(st.booleans())),
            "possible_sentence": draw(opt(st.sampled_from(["life_or_death", "lesser"]))),
            "in_absentia": draw(opt(st.booleans())),
        }
    app["instance"] = draw(opt(st.sampled_from(["first", "second", "retrial"])))
    app["urgency"] = {
        "days_to_deadline": draw(opt(st.integers(0, 60))),
        "preservation_needed": draw(opt(st.booleans())),
    }
    return app


def fill_unknowns(partial: Any, complete: Any) -> Any:
    """``partial`` with every unknown (None) replaced by the value in ``complete``."""
    if partial is None:
        return complete
    if isinstance(partial, dict) and isinstance(complete, dict):
        return {k: fill_unknowns(v, complete.get(k)) for k, v in partial.items()}
    return partial


@st.composite
def any_applications(draw: st.DrawFn, pack: ResolvedPack) -> dict[str, Any]:
    """Applications valid for ``pack`` on any day it is in force (within its first year), with every
    kind of fact the fact table reads, each unknown at random: the analysis' differential tests."""
    start = pack.effective.start
    end = min(pack.effective.end or start.replace(year=start.year + 1), start.replace(year=start.year + 1))
    day = draw(st.dates(start, end))
    within = [r for r in sorted(pack.regions) if pack.within(r, pack.jurisdiction)]
    cities = [r for r in within if pack.regions[r].level == "city"]
    counties = [r for r in within if pack.regions[r].level == "county"]
    townships = [r for r in within if pack.regions[r].level == "township"]
    city = draw(maybe(st.sampled_from(cities))) if cities else None
    county_pool = [c for c in counties if city is None or pack.city_of(c) == city]
    county = draw(maybe(st.sampled_from(county_pool))) if county_pool else None
    # a township the pack does not list, or outside the county or city given, is refused at intake
    township_pool = [t for t in townships if pack.within(t, county or city or pack.jurisdiction)]
    township = draw(maybe(st.sampled_from(township_pool))) if township_pool else None
    household: dict[str, Any] = {
        "significant_assets": draw(maybe(st.booleans())),
        "monthly_essential_expenditure": draw(maybe(money)),
        "monthly_consumption_expenditure": draw(maybe(money)),
        "expenditure_causes": draw(maybe(st.lists(st.sampled_from(_CAUSES), max_size=2, unique=True))),
    }
    form = draw(st.sampled_from(["per_capita", "total", "members", "none"]))
    size = draw(maybe(st.integers(1, 6)))
    if form == "per_capita":
        household |= {"per_capita_monthly_income": draw(maybe(money)), "size": size}
    elif form == "total":
        household |= {"monthly_income": draw(maybe(money)), "size": size}
    elif form == "members":
        household["members"] = [{"monthly_income": draw(maybe(money))} for _ in range(size or 1)]
    else:
        household["size"] = size
    app: dict[str, Any] = {
        "date": day.isoformat(),
        "office": draw(maybe(st.sampled_from(within))),
        "locality": {"city": city, "county": county, "township": township},
        "applicant": {
            "age": draw(maybe(st.integers(0, 100))),
            "disabilities": draw(maybe(st.lists(st.sampled_from(["visual", "physical"]), max_size=1))),
            "fixed_income_source": draw(maybe(st.booleans())),
            "groups": draw(
                maybe(
                    st.lists(
                        st.fixed_dictionaries(
                            {"group": st.sampled_from(sorted(pack.groups)), "proof": st.booleans()}
                        ),
                        max_size=4,
                        unique_by=lambda g: g["group"],
                    )
                )
            ),
        },
        "household": household,
        "urgency": {
            "days_to_deadline": draw(maybe(st.integers(0, 30))),
            "preservation_needed": draw(maybe(st.booleans())),
        },
        "instance": draw(maybe(st.sampled_from(["first", "second"]))),
        "case_category": draw(maybe(st.sampled_from(["organised_crime", "land_expropriation", "other"]))),
    }
    kind = draw(st.sampled_from(["civil", "criminal", "neither"]))
    if kind == "civil":
        app["matter"] = draw(st.sampled_from(sorted(pack.matters)))
    elif kind == "criminal":
        app["criminal"] = {
            "role": draw(
                maybe(st.sampled_from(["defendant", "victim", "private_prosecutor", "civil_plaintiff"]))
            ),
            "stage": draw(maybe(st.sampled_from(["investigation", "trial", "second_instance", "retrial"]))),
            "notified_by": draw(maybe(st.sampled_from(["court", "procuratorate", "police", "not_notified"]))),
        }
    if draw(st.booleans()):
        approved = draw(maybe(st.dates(day, day + dt.timedelta(days=400))))
        closed = draw(maybe(st.dates(approved or day, (approved or day) + dt.timedelta(days=400))))
        app["case"] = {"approved_on": approved, "closed_on": closed}
    return app
