"""Intake: an application validated into the typed model, then checked against the pack.

Both steps collect every problem before raising one :class:`~legalaid_rules.errors.ApplicationError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from legalaid_rules.applications import Application
from legalaid_rules.errors import ApplicationError, Location, Problem, did_you_mean
from legalaid_rules.evaluation.validation import field_problems
from legalaid_rules.i18n import _
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.regions import level_label, region_hint

__all__ = ["check_application", "to_application"]


def to_application(data: Application | Mapping[str, Any]) -> Application:
    """An :class:`Application` from a model or plain data.

    Raises:
        ApplicationError: naming every invalid field, in the reader's language.
    """
    if isinstance(data, Application):
        return data
    try:
        return Application.model_validate(data)
    except ValidationError as exc:
        raise ApplicationError(field_problems(exc.errors(include_url=False), "application")) from None


def check_application(pack: ResolvedPack, app: Application) -> None:
    """Check an application against the pack's own codes, places and period.

    Raises:
        ApplicationError: naming every field that does not fit the pack.
    """
    loc = app.locality
    fit = pack.cache.get(_Fit, lambda: _Fit(pack))
    if (  # the common case, decided without building any message
        fit.start <= app.date
        and (fit.end is None or app.date <= fit.end)
        and (app.matter is None or app.matter in fit.matters)
        and (loc.city, loc.county, app.office) in fit.places
        and loc.township is None
        and fit.has_means_test
    ):
        groups = app.applicant.groups
        if not groups:
            return
        known = fit.groups
        for claim in groups:
            if claim.group not in known:
                break
        else:
            return
    problems: list[Problem] = []

    def bad(path: str, code: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(f"application.{code}", message, Location(path=path), hint))

    if not pack.has_means_test:
        bad(
            "pack",
            "no_means_test",
            _("pack `{pack}` has no means test of its own, so it cannot decide on its own").format(
                pack=pack.id
            ),
            _("load the pack of the province or city (Art 34 leaves the standard to provinces)"),
        )
    if not pack.effective.covers(app.date):
        bad(
            "date",
            "date_outside_pack",
            _("the application date {date} is outside pack `{pack}` {version} ({effective})").format(
                date=app.date, pack=pack.id, version=pack.version, effective=pack.effective
            ),
            _("load the pack version in force on the application date"),
        )
    if app.matter is not None and app.matter not in pack.matters:
        bad(
            "matter",
            "unknown_matter",
            _("unknown matter code `{matter}`").format(matter=app.matter),
            did_you_mean(app.matter, pack.matters) or _("run `legalaid-rules packs --matters`"),
        )
    for i, claim in enumerate(app.applicant.groups or ()):
        if claim.group not in pack.groups:
            bad(
                f"applicant.groups[{i}].group",
                "unknown_group",
                _("unknown group `{group}`").format(group=claim.group),
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
                _("unknown region `{region}`").format(region=region),
                region_hint(region, pack.regions),
            )
        elif level is not None and entry.level != level:
            bad(path, "region_level", _level_message(region, entry.level, level))
        elif path == "locality.city" and _parent_city_of_county_pack(pack, region, loc.county):
            pass  # a county pack's own parent city, sent with a county inside the pack
        elif not pack.within(region, pack.jurisdiction):
            parent = path == "locality.city" and pack.within(pack.jurisdiction, region)
            bad(
                path,
                "outside_jurisdiction",
                _("`{region}` ({name}) is outside the jurisdiction of pack `{pack}` ({jurisdiction})").format(
                    region=region,
                    name=entry.zh,
                    pack=pack.id,
                    jurisdiction=pack.region_name(pack.jurisdiction),
                ),
                (
                    _("pack `{pack}` covers only part of `{region}`: give `locality.county`").format(
                        pack=pack.id, region=region
                    )
                    if parent and loc.county is None
                    else _("load the pack of that place")
                ),
            )
    if (
        loc.city
        and loc.county
        and loc.county in pack.regions
        and loc.city in pack.regions
        and pack.city_of(loc.county) not in (None, loc.city)
    ):
        bad(
            "locality.county",
            "region_mismatch",
            _("`{county}` is not in `{city}`").format(county=loc.county, city=loc.city),
        )
    problems.extend(_township_problems(pack, app))
    if problems:
        raise ApplicationError(problems)
    fitting = pack.cache.get(_Fit, lambda: _Fit(pack)).places
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
        hint = region_hint(township, {t: pack.regions[t] for t in known}) or (
            _("pack `{pack}` knows the townships {townships}").format(pack=pack.id, townships=listed)
            if known
            else _("pack `{pack}` lists no townships: leave `locality.township` out").format(pack=pack.id)
        )
        message = _("unknown township `{township}`").format(township=township)
        return [Problem("application.unknown_region", message, path, hint)]
    if entry.level != "township":
        message = _level_message(township, entry.level, "township")
        return [Problem("application.region_level", message, path)]
    if not pack.within(township, pack.jurisdiction):
        return [
            Problem(
                "application.outside_jurisdiction",
                _("`{township}` ({name}) is outside the jurisdiction of pack `{pack}`").format(
                    township=township, name=entry.zh, pack=pack.id
                ),
                path,
                _("load the pack of that place"),
            )
        ]
    county = app.locality.county
    if county is not None and county in pack.regions and not pack.within(township, county):
        message = _("`{township}` ({name}) is not in `{county}` ({county_name})").format(
            township=township, name=entry.zh, county=county, county_name=pack.region_name(county)
        )
        return [Problem("application.region_mismatch", message, path)]
    return []


def _level_message(region: str, level: str, expected: str) -> str:
    """``"`susong` is a county, not a township"``, with the levels in the reader's language."""
    return _("`{region}` is a {level}, not a {expected}").format(
        region=region,
        level=level_label(level),
        expected=level_label(expected),
    )


class _Fit:
    """What the common case of the check reads from one pack, kept in its cache: the period,
    the codes, and the (city, county, office) triples already found to fit (a set that only
    grows, bounded; adding to it is atomic)."""

    __slots__ = ("end", "groups", "has_means_test", "matters", "places", "start")

    def __init__(self, pack: ResolvedPack) -> None:
        self.start, self.end = pack.effective.start, pack.effective.end
        self.matters = frozenset(pack.matters)
        self.groups = frozenset(pack.groups)
        self.has_means_test = pack.has_means_test
        self.places: set[tuple[str | None, str | None, str | None]] = set()


_FITTING_LIMIT = 100_000
