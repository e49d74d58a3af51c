"""Where and when one application is decided, derived once and passed down.

The city is the one the applicant gives, else the prefecture city of the county (the pack's
region tree); the office city is the prefecture city of the office applied at (for figures
looked up ``by: office_city``); group claims are read once into a mapping of group id to "proof given".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple

from legalaid_rules.applications import Application
from legalaid_rules.packs.model import ResolvedPack

__all__ = ["Place"]


class _CountyCities(dict[str, str | None]):
    """Region -> its prefecture city in one pack's region tree, filled as regions are met."""


class Place(NamedTuple):
    """The date, city, county and township of one application, the city of the office applied
    at, and its group claims.

    ``claims`` is None when the applicant has not answered the group question at all
    (unknown), else group id -> whether proof was given. (A named tuple: one is made per
    decision.)
    """

    on: dt.date
    city: str | None
    county: str | None
    township: str | None
    claims: Mapping[str, bool] | None
    office_city: str | None = None

    @classmethod
    def of(cls, pack: ResolvedPack, app: Application) -> Place:
        """The place of an application, in the terms of a pack's region tree."""
        loc = app.locality
        city, county = loc.city, loc.county
        if city is None and county is not None:
            city = _city_of(pack, county)
        office_city = None if app.office is None else (_city_of(pack, app.office) or app.office)
        groups = app.applicant.groups
        return cls(
            app.date,
            city,
            county,
            loc.township,
            None if groups is None else {g.group: g.proof for g in groups},
            office_city,
        )


def _city_of(pack: ResolvedPack, region: str) -> str | None:
    """The prefecture city of a region (kept in the pack's cache: places repeat)."""
    cities = pack.cache.get(_CountyCities, _CountyCities)
    city = cities.get(region, "")
    if city == "":
        city = cities[region] = pack.city_of(region)
    return city
