"""Intake: an application validated into the typed model, then checked against the pack.

Both steps collect every problem before raising one :class:`~legalaid_rules.errors.ApplicationError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from legalaid_rules.applications import REFUSAL_HINTS, REFUSALS, Application, Incoherent, shown_value
from legalaid_rules.errors import ApplicationError, Location, Problem, did_you_mean
from legalaid_rules.i18n import N_, _
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.regions import region_hint

__all__ = ["check_application", "field_problems", "to_application"]


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


# pydantic's own error types (its English wording, lower case): translated by type, here only
_KNOWN: dict[str, str | tuple[str, str, str]] = {
    "missing": N_("field required"),
    "extra_forbidden": N_("extra inputs are not permitted"),
    "greater_than": N_("input should be greater than {gt}"),
    "greater_than_equal": N_("input should be greater than or equal to {ge}"),
    "less_than": N_("input should be less than {lt}"),
    "less_than_equal": N_("input should be less than or equal to {le}"),
    "multiple_of": N_("input should be a multiple of {multiple_of}"),
    "finite_number": N_("input should be a finite number"),
    "too_short": (
        N_("the list should have at least {min_length} item, not {actual_length}"),
        N_("the list should have at least {min_length} items, not {actual_length}"),
        "min_length",
    ),
    "too_long": (
        N_("the list should have at most {max_length} item, not {actual_length}"),
        N_("the list should have at most {max_length} items, not {actual_length}"),
        "max_length",
    ),
    "string_type": N_("input should be a valid string"),
    "string_unicode": N_("input should be a valid string, unable to parse raw data as a unicode string"),
    "string_too_short": (
        N_("string should have at least {min_length} character"),
        N_("string should have at least {min_length} characters"),
        "min_length",
    ),
    "string_too_long": (
        N_("string should have at most {max_length} character"),
        N_("string should have at most {max_length} characters"),
        "max_length",
    ),
    "string_pattern_mismatch": N_("string should match pattern `{pattern}`"),
    "enum": N_("input should be {expected}"),
    "literal_error": N_("input should be {expected}"),
    "model_type": N_("input should be an object with the fields of {class_name}"),
    "model_attributes_type": N_("input should be a valid dictionary or object to extract fields from"),
    "dict_type": N_("input should be a valid dictionary"),
    "list_type": N_("input should be a valid list"),
    "tuple_type": N_("input should be a valid tuple"),
    "bool_type": N_("input should be a valid boolean"),
    "bool_parsing": N_("input should be a valid boolean, unable to interpret input"),
    "int_type": N_("input should be a valid integer"),
    "int_parsing": N_("input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("input should be a valid number"),
    "float_parsing": N_("input should be a valid number, unable to parse string as a number"),
    "decimal_type": N_("decimal input should be an integer, float, string or Decimal object"),
    "decimal_parsing": N_("input should be a valid decimal"),
    "decimal_max_digits": (
        N_("decimal input should have no more than {max_digits} digit in total"),
        N_("decimal input should have no more than {max_digits} digits in total"),
        "max_digits",
    ),
    "decimal_max_places": (
        N_("decimal input should have no more than {decimal_places} decimal place"),
        N_("decimal input should have no more than {decimal_places} decimal places"),
        "decimal_places",
    ),
    "decimal_whole_digits": (
        N_("decimal input should have no more than {whole_digits} digit before the decimal point"),
        N_("decimal input should have no more than {whole_digits} digits before the decimal point"),
        "whole_digits",
    ),
    "date_type": N_("input should be a valid date"),
    "date_parsing": N_("input should be a valid date in the format YYYY-MM-DD ({error})"),
    "date_from_datetime_parsing": N_("input should be a valid date or datetime ({error})"),
    "date_from_datetime_inexact": N_("a date is expected, not a time of day"),
    "datetime_type": N_("input should be a valid datetime"),
    "datetime_parsing": N_("input should be a valid datetime ({error})"),
    "datetime_from_date_parsing": N_("input should be a valid datetime or date ({error})"),
    "timezone_aware": N_("input should have timezone info"),
    "timezone_naive": N_("input should not have timezone info"),
    "none_required": N_("input should be null"),
    "union_tag_invalid": N_("`{tag}` is not one of the expected kinds: {expected_tags}"),
    "union_tag_not_found": N_("the kind cannot be told: `{discriminator}` is missing"),
    "is_instance_of": N_("input should be an instance of {class}"),
    "json_invalid": N_("invalid JSON ({error})"),
}


def field_problems(errors: Iterable[Any], family: str, root: str | None = None) -> list[Problem]:
    """pydantic's errors as located problems in the reader's language: one per error.

    The one translator of validation errors outside the packs (the application, the service's
    request bodies, a reassessment's changes, a trace record): the message is chosen by the
    error's type (pydantic's own, a refusal code of :mod:`legalaid_rules.applications`, or an
    :class:`~legalaid_rules.applications.Incoherent` combination) and written through the
    catalogues; the field path is the location only, never repeated in the message.

    Args:
        errors: ``ValidationError.errors()`` (or FastAPI's, which have the same keys).
        family: the code prefix (``application`` gives ``application.missing``).
        root: a path the locations start with (``changes``), if any.
    """
    out = []
    for e in errors:
        path = _dotted(e.get("loc", ()))
        if root is not None:
            path = f"{root}.{path}" if path else root
        kind = str(e.get("type", "value_error"))
        message, hint = _message(kind, e)
        out.append(Problem(f"{family}.{kind}", message, Location(path=path or None), hint))
    return out


def _message(kind: str, error: Mapping[str, Any]) -> tuple[str, str | None]:
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind in REFUSALS and "got" in ctx:
        hint = REFUSAL_HINTS.get(kind)
        got = shown_value(error.get("input"), _)
        return _(REFUSALS[kind]).format(got=got), _(hint) if hint else None
    if kind == "value_error":
        cause = ctx.get("error")
        if isinstance(cause, Incoherent):
            return _(cause.template).format(**cause.values), None
        text = str(cause) if cause is not None else str(error.get("msg", ""))
        return text.removeprefix("Value error, "), None
    template = _KNOWN.get(kind)
    if isinstance(template, tuple):
        one, many, count = template
        template = one if str(ctx.get(count)) == "1" else many
    if template is not None:
        if kind in ("enum", "literal_error"):
            ctx["expected"] = _alternatives(str(ctx.get("expected", "")))
        try:
            return _(template).format(**ctx), None
        except (KeyError, IndexError):
            pass
    msg = str(error.get("msg", ""))  # a type no message is written for (pydantic's English)
    return msg[:1].lower() + msg[1:], None


def _dotted(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _alternatives(expected: str) -> str:
    """pydantic's ``'a', 'b' or 'c'`` in the reader's language (``'a'、'b' 或 'c'``)."""
    items = re.findall(r"'(?:[^'\\]|\\.)*'", expected)
    if len(items) < 2:
        return expected
    return _("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])


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


_LEVELS = {
    "country": N_("country"),
    "province": N_("province"),
    "city": N_("city"),
    "county": N_("county"),
    "township": N_("township"),
}


def _level_message(region: str, level: str, expected: str) -> str:
    """``"`susong` is a county, not a township"``, with the levels in the reader's language."""
    return _("`{region}` is a {level}, not a {expected}").format(
        region=region,
        level=_(_LEVELS[level]) if level in _LEVELS else level,
        expected=_(_LEVELS[expected]) if expected in _LEVELS else expected,
    )


class _FittingPlaces(set[tuple[str | None, str | None, str | None]]):
    """(city, county, office) triples already found to fit one pack (kept in its cache)."""


_FITTING_LIMIT = 100_000
