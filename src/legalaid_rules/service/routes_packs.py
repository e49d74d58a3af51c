"""Reading packs and schemas: the packs served, one pack's versions, its policy summary."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from legalaid_rules.applications import Application
from legalaid_rules.decisions import Decision
from legalaid_rules.errors import PackNotFoundError, did_you_mean
from legalaid_rules.i18n import _
from legalaid_rules.packs import PackVersion, ResolvedPack
from legalaid_rules.packs.schema import PackFile
from legalaid_rules.render import render
from legalaid_rules.service.auth import Reader
from legalaid_rules.service.body import ExactJSONRoute
from legalaid_rules.service.models import (
    GroupOut,
    MatterOut,
    PackDetail,
    PackListing,
    PackVersionOut,
    RegionOut,
)
from legalaid_rules.service.state import ServiceState
from legalaid_rules.traces import trace_schema

__all__ = ["router", "version_out"]

router = APIRouter(route_class=ExactJSONRoute, tags=["packs"])

SchemaName = Literal["pack", "application", "decision", "trace"]


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def _versions(state: ServiceState, pack_id: str) -> list[PackVersion]:
    versions = state.catalog.versions()
    if pack_id not in versions:
        raise PackNotFoundError(
            _("no pack `{pack}`").format(pack=pack_id),
            did_you_mean(pack_id, versions) or _("GET /v1/packs lists the packs served"),
        )
    return versions[pack_id]


def _listing(v: PackVersion) -> dict[str, Any]:
    return {
        "version": v.version,
        "title": v.title,
        "start": v.start.isoformat(),
        "end": v.end.isoformat() if v.end else None,
        "extends": v.extends,
    }


def version_out(v: PackVersion, pack: ResolvedPack) -> PackVersionOut:
    """One version of a pack, with what a form needs: matters, groups and regions."""
    return PackVersionOut(
        version=v.version,
        title=v.title,
        start=v.start,
        end=v.end,
        extends=v.extends,
        jurisdiction=pack.jurisdiction,
        digest=pack.digest,
        lineage=[f"{i}@{ver}" for i, ver in pack.lineage],
        matters=[
            MatterOut(code=m.code, zh=m.zh, en=m.en, listed=m.listed, basis=m.basis.zh)
            for m in pack.matters.values()
        ],
        groups=[
            GroupOut(id=g.id, zh=g.zh, en=g.en, proofs=list(g.proofs), basis=g.basis.zh)
            for g in pack.groups.values()
        ],
        regions=[
            RegionOut(id=key, zh=r.zh, level=r.level, parent=r.parent) for key, r in pack.regions.items()
        ],
    )


@router.get("/v1/packs", response_model=list[PackListing], summary="The packs served")
def list_packs(request: Request, caller: Reader) -> list[PackListing]:
    """Every pack with its versions and effective periods."""
    return [
        PackListing(id=pack_id, versions=[_listing(v) for v in versions])
        for pack_id, versions in _state(request).catalog.versions().items()
    ]


@router.get(
    "/v1/packs/{pack_id:path}/summary",
    summary="A pack's policy summary",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/markdown": {}, "text/html": {}}, "description": "the summary"}},
)
def pack_summary(
    pack_id: str,
    request: Request,
    caller: Reader,
    date: Annotated[
        dt.date | None, Query(description="the version in force on this date (default: the latest)")
    ] = None,
    format: Annotated[
        Literal["markdown", "html"], Query(description="Markdown or one HTML page")
    ] = "markdown",
) -> Response:
    """The pack in force on a date as a Chinese policy summary, each item with its source."""
    state = _state(request)
    day = date or _versions(state, pack_id)[-1].start
    text = render(state.catalog.load(pack_id, day), format)
    if format == "html":
        return HTMLResponse(text)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.get("/v1/packs/{pack_id:path}", response_model=PackDetail, summary="One pack, every version")
def pack_detail(pack_id: str, request: Request, caller: Reader) -> PackDetail:
    """A pack's versions: periods, lineage, digest, matters, groups and regions."""
    state = _state(request)
    out = [version_out(v, state.catalog.load(pack_id, v.start)) for v in _versions(state, pack_id)]
    return PackDetail(id=pack_id, versions=out)


@router.get(
    "/v1/schemas/{what}",
    summary="A JSON Schema",
    responses={200: {"content": {"application/schema+json": {"schema": {"type": "object"}}}}},
)
def schema(what: SchemaName, caller: Reader) -> Response:
    """The JSON Schema of pack files, applications, decisions or trace records."""
    if what == "trace":
        data = trace_schema()
    else:
        model: Any = {"pack": PackFile, "application": Application, "decision": Decision}[what]
        data = model.model_json_schema(by_alias=True)
        data["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return JSONResponse(data, media_type="application/schema+json")
