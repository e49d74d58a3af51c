"""Routing: which legal-aid office handles a case, or may accept it, by the pack's routing rules.

A pack declares routes under ``routes`` and attaches them to rules with ``then: {route: ID}``.
Every routing rule that holds gives one :class:`~legalaid_rules.decisions.RouteResult`, in pack
order:

- ``jurisdiction`` (分级管辖): the office of the applicant's county (``office: county``), of the
  prefecture city (``office: city``) or a named office handles the case;
- ``on_behalf`` (代办): a named office handles it for a place without a legal-aid agency;
- ``anywhere`` (通办): any office within the named region accepts the application.
"""

from __future__ import annotations

from collections.abc import Mapping

from legalaid_rules.applications import Application
from legalaid_rules.decisions import TRUTH, RouteResult
from legalaid_rules.packs.model import Memo, ResolvedPack, Rule, render_citations
from legalaid_rules.packs.places import Place
from legalaid_rules.packs.schema import RouteEntry
from legalaid_rules.values import Tri

__all__ = ["route_results"]


class _RoutingRules(tuple[tuple[Rule, RouteEntry, str, bool], ...]):
    """The routing rules of one pack with their routes, rendered basis and whether it is verified,
    in pack order (kept in the pack's cache)."""


def _routing_rules(pack: ResolvedPack) -> _RoutingRules:
    return pack.cache.get(_RoutingRules, lambda: _RoutingRules(_build(pack)))


def _build(pack: ResolvedPack) -> list[tuple[Rule, RouteEntry, str, bool]]:
    out = []
    for rule in pack.rules:
        if rule.effect.route:
            entry = pack.routes[rule.effect.route]
            basis = render_citations(entry.basis, pack.sources)
            out.append((rule, entry, basis.zh, entry.verified and basis.verified and rule.verified))
    return out


def route_results(
    pack: ResolvedPack, app: Application, place: Place, results: Mapping[str, Tri]
) -> tuple[RouteResult, ...]:
    """A route for every routing rule that holds, in pack order.

    A place handled on behalf (代办) by another county's office has that office as its county
    office: ``office: county`` routes there (seed 002 六(五) hands over *all* legal-aid work).
    """
    if not pack.routes:
        return ()
    held = [route for route in _routing_rules(pack) if results[route[0].id] is True]
    if not held:
        return ()
    # the routes depend on nothing else: worded once per pack (frozen, bounded)
    key = (*[route[0].id for route in held], place.city, place.county, app.office)
    memo = pack.cache.get(_Routed, _Routed)
    return memo.remember(key, _routes, pack, app, place, held)


def _routes(
    pack: ResolvedPack, app: Application, place: Place, held: list[tuple[Rule, RouteEntry, str, bool]]
) -> tuple[RouteResult, ...]:
    proxy = next((route[1].office for route in held if route[1].kind == "on_behalf"), None)
    return tuple(_route(pack, app, place, *route, proxy) for route in held)


class _Routed(Memo[tuple[str | None, ...], tuple[RouteResult, ...]]):
    """Routes already worked out for one pack, by the routing rules that held, the city, county
    and office applied at (kept in its cache)."""


def _route(
    pack: ResolvedPack,
    app: Application,
    place: Place,
    rule: Rule,
    entry: RouteEntry,
    basis: str,
    verified: bool,
    proxy: str | None,
) -> RouteResult:
    city = place.city
    office: str | None
    area: str | None = None
    if entry.kind == "anywhere":
        office, area = None, entry.office
    elif entry.office == "county":
        office = proxy or place.county
    elif entry.office == "city":
        office = city
    else:
        office = entry.office
    accepts: Tri
    if app.office is None:
        accepts = None
    elif area is not None:
        accepts = pack.within(app.office, area)
    else:
        accepts = None if office is None else app.office == office
    if area is not None:
        office_zh = f"{pack.region_name(area)}范围内任一法律援助机构"
    elif office is None:
        office_zh = "申请人所在县（市、区）法律援助中心" if entry.office == "county" else "市法律援助中心"
    else:
        office_zh = f"{pack.region_name(office)}法律援助机构"
    return RouteResult(
        route=rule.effect.route or "",
        rule=rule.id,
        kind=entry.kind,
        zh=entry.zh,
        office=office,
        office_zh=office_zh,
        within=area,
        accepts_here=TRUTH[accepts],
        basis=basis,
        verified=verified,
    )
