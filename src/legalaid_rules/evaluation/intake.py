"""Intake: an application validated into the typed model, then checked against the pack.

Both steps collect every problem before raising one :class:`~legalaid_rules.errors.ApplicationError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from legalaid_rules.applications import Application
from legalaid_rules.errors import ApplicationError, Location, Problem, did_you_mean
from legalaid_rules.packs.model import ResolvedPack

__all__ = ["check_application", "to_application"]


def to_application(data: Application | Mapping[str, Any]) -> Application:
    """An :class:`Application` from a model or plain data.

    Raises:
        ApplicationError: naming every invalid field.
    """
    if isinstance(data, Application):
        return data
    try:
        return Application.model_validate(data)
    except ValidationError as exc:
        raise ApplicationError(
            Problem(
                f"application.{e['type']}",
                f"`{_dotted(e['loc'])}`: {e['msg'][0].lower()}{e['msg'][1:]}"
                if e["loc"]
                else e["msg"].removeprefix("Value error, "),
                Location(path=_dotted(e["loc"]) or None),
            )
            for e in exc.errors(include_url=False)
        ) from None


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def check_application(pack: ResolvedPack, app: Application) -> None:
    """Check an application against the pack's own codes, places and period.

    Raises:
        ApplicationError: naming every field that does not fit the pack.
    """
    loc = app.locality
    groups = app.applicant.groups
    if (  # the common case, decided without building any message
        pack.has_means_test
        and pack.effective.covers(app.date)
        and (app.matter is None or app.matter in pack.matters)
        and (groups is None or all(claim.group in pack.groups for claim in groups))
        and (loc.city, loc.county, app.office) in pack.cache.get(_FittingPlaces, _FittingPlaces)
        and loc.township is None
    ):
        return
    problems: list[Problem] = []

    def bad(path: str, code: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(f"application.{code}", message, Location(path=path), hint))

    if not pack.has_means_test:
        bad(
            "pack",
            "no_means_test",
            f"pack `{pack.id}` has no means test of its own, so it cannot decide on its own",
            "load the pack of the province or city (Art 34 leaves the standard to provinces)",
        )
    if not pack.effective.covers(app.date):
        bad(
            "date",
            "date_outside_pack",
            f"the application date {app.date} is outside pack `{pack.id}` {pack.version} ({pack.effective})",
            "load the pack version in force on the application date",
        )
    if app.matter is not None and app.matter not in pack.matters:
        bad(
            "matter",
            "unknown_matter",
            f"unknown matter code `{app.matter}`",
            did_you_mean(app.matter, pack.matters) or "run `legalaid-rules packs --matters`",
        )
    for i, claim in enumerate(app.applicant.groups or ()):
        if claim.group not in pack.groups:
            bad(
                f"applicant.groups[{i}].group",
                "unknown_group",
                f"unknown group `{claim.group}`",
                did_you_mean(claim.group, pack.groups),
            )
    for path, region, level in (
        ("locality.city", loc.city, "city"),
        ("locality.county", loc.county, "county"),
        ("office", app.office, None),
    ):
        if region is None:
            continue
        entry = pack.regions.get(region)
        if entry is None:
            bad(
                path,
                "unknown_region",
                f"unknown region `{region}`",
                did_you_mean(region, pack.regions),
            )
        elif level is not None and entry.level != level:
            bad(path, "region_level", f"`{region}` is a {entry.level}, not a {level}")
        elif path == "locality.city" and _parent_city_of_county_pack(pack, region, loc.county):
            pass  # a county pack's own parent city, sent with a county inside the pack
        elif not pack.within(region, pack.jurisdiction):
            parent = path == "locality.city" and pack.within(pack.jurisdiction, region)
            bad(
                path,
                "outside_jurisdiction",
                f"`{region}` ({entry.zh}) is outside the jurisdiction of pack `{pack.id}` "
                f"({pack.region_name(pack.jurisdiction)})",
                (
                    f"pack `{pack.id}` covers only part of `{region}`: give `locality.county`"
                    if parent and loc.county is None
                    else "load the pack of that place"
                ),
            )
    if (
        loc.city
        and loc.county
        and loc.county in pack.regions
        and loc.city in pack.regions
        and pack.city_of(loc.county) not in (None, loc.city)
    ):
        bad("locality.county", "region_mismatch", f"`{loc.county}` is not in `{loc.city}`")
    problems.extend(_township_problems(pack, app))
    if problems:
        raise ApplicationError(problems)
    fitting = pack.cache.get(_FittingPlaces, _FittingPlaces)
    if len(fitting) < _FITTING_LIMIT:  # only places that fit: bounded by the pack's regions
        fitting.add((loc.city, loc.county, app.office))


def _parent_city_of_county_pack(pack: ResolvedPack, city: str, county: str | None) -> bool:
    """True for the city that contains a county pack's jurisdiction, sent with a county inside it.

    An intake form sends both city and county (seed 000 二(二)1 uses the prefecture city's 低保):
    `{city: luan, county: yeji}` is right for the `anhui/yeji` pack. A city alone stays outside:
    the applicant may live in another county of that city.
    """
    return (
        county is not None
        and county in pack.regions
        and pack.within(pack.jurisdiction, city)
        and pack.within(county, pack.jurisdiction)
    )


def _township_problems(pack: ResolvedPack, app: Application) -> list[Problem]:
    """Problems with the township: unknown to the pack, not a township, elsewhere.

    A township decides routing (e.g. the townships whose cases another office takes on), so a
    misspelt one must be an error, never a silent change of route.
    """
    township = app.locality.township
    if township is None:
        return []
    path = Location(path="locality.township")
    known = sorted(r for r, e in pack.regions.items() if e.level == "township")
    entry = pack.regions.get(township)
    if entry is None:
        listed = ", ".join(f"`{t}`" for t in known[:12]) + (" ..." if len(known) > 12 else "")
        hint = did_you_mean(township, known) or (
            f"pack `{pack.id}` knows the townships {listed}"
            if known
            else f"pack `{pack.id}` lists no townships: leave `locality.township` out"
        )
        return [Problem("application.unknown_region", f"unknown township `{township}`", path, hint)]
    if entry.level != "township":
        return [Problem("application.region_level", f"`{township}` is a {entry.level}, not a township", path)]
    if not pack.within(township, pack.jurisdiction):
        return [
            Problem(
                "application.outside_jurisdiction",
                f"`{township}` ({entry.zh}) is outside the jurisdiction of pack `{pack.id}`",
                path,
                "load the pack of that place",
            )
        ]
    county = app.locality.county
    if county is not None and county in pack.regions and not pack.within(township, county):
        where = f"`{county}` ({pack.region_name(county)})"
        return [Problem("application.region_mismatch", f"`{township}` ({entry.zh}) is not in {where}", path)]
    return []


class _FittingPlaces(set[tuple[str | None, str | None, str | None]]):
    """(city, county, office) triples already found to fit one pack (kept in its cache)."""


_FITTING_LIMIT = 100_000
