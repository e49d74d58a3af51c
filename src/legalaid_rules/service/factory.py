"""The ASGI application: :func:`create_app` builds one instance from :class:`Settings`."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from legalaid_rules._version import __version__
from legalaid_rules.decisions import Decision
from legalaid_rules.errors import LegalAidRulesError, Problem
from legalaid_rules.evaluation import field_problems
from legalaid_rules.i18n import _
from legalaid_rules.service import page, routes_decisions, routes_packs, routes_store
from legalaid_rules.service.models import BatchLine, Health
from legalaid_rules.service.observability import EdgeMiddleware, request_id_of
from legalaid_rules.service.problems import (
    PROBLEM_JSON,
    ProblemDetails,
    ServiceProblem,
    from_library_error,
    language,
    located,
    problem_body,
)
from legalaid_rules.service.settings import Settings
from legalaid_rules.service.state import ServiceState

__all__ = ["create_app"]

_log = logging.getLogger("legalaid_rules.service")

_DESCRIPTION = """Decide eligibility for Chinese legal aid (法律援助) with versioned, cited rule
packs, explain every decision, replay stored traces, and guard the yearly case-load cap.

Errors are `application/problem+json` (RFC 9457) with the library's stable `code` and located
`problems`; `Accept-Language` chooses Chinese (default) or English titles."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """A new service instance: its own packs cache, metrics registry and stores.

    Args:
        settings: the configuration (defaults: bundled packs, open reads, no stores).

    Raises:
        MaskingError: the masking policy file cannot be used.
    """
    settings = settings or Settings()
    state = ServiceState(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=state.warm, name="legalaid-warm", daemon=True).start()
        yield

    app = FastAPI(
        title="legalaid-rules",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # Swagger UI loads its scripts from a CDN: the document is at /openapi.json
        redoc_url=None,
    )
    app.state.service = state
    app.include_router(routes_decisions.router)
    app.include_router(routes_packs.router)
    app.include_router(routes_store.router)
    app.include_router(page.router)
    _add_operations(app, state)
    _add_handlers(app, state)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept-Language", "X-Request-ID"],
            expose_headers=["X-Request-ID", "X-Decision-Id", "X-Log-Seq", "X-Log-Digest"],
        )
    app.add_middleware(EdgeMiddleware, metrics=state.metrics, max_body_bytes=settings.max_body_bytes)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _add_operations(app: FastAPI, state: ServiceState) -> None:
    @app.get("/healthz", response_model=Health, tags=["operations"], summary="Liveness")
    def healthz() -> Health:
        """The process answers."""
        return Health(status="ok", version=__version__)

    @app.get(
        "/readyz",
        response_model=Health,
        tags=["operations"],
        summary="Readiness",
        responses={503: {"model": Health, "description": "packs still loading, or a store unreachable"}},
    )
    def readyz() -> Response:
        """Ready once every pack is compiled and the configured stores open."""
        if not state.ready.is_set():
            body = Health(status="starting", version=__version__, checks={"packs": "loading"})
            return JSONResponse(body.model_dump(), status_code=503)
        if state.warm_error is not None:
            body = Health(status="unavailable", version=__version__, checks={"warm": state.warm_error})
            return JSONResponse(body.model_dump(), status_code=503)
        checks = {"packs": f"{sum(len(v) for v in state.catalog.versions().values())} versions"}
        return JSONResponse(Health(status="ok", version=__version__, checks=checks).model_dump())

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
    )
    def metrics() -> Response:
        """Decisions by outcome, latency by route, problem responses by code."""
        return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


def problem_response(request: Request, exc: ServiceProblem) -> Response:
    """The ``application/problem+json`` response for ``exc``, counted in the metrics."""
    state: ServiceState = request.app.state.service
    state.metrics.errors.labels(exc.code).inc()
    lang = language(request.headers.get("accept-language"))
    body = problem_body(exc, lang, request_id_of(request.scope), request.url.path)
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=exc.status,
        media_type=PROBLEM_JSON,
        headers={"Content-Language": lang, **exc.headers},
    )


_FAMILIES = {
    "application": "application",
    "granted": "application",
    "trace": "trace",
    "changes": "reassessment",
}
"""Body fields whose problems carry the library's own code family (``application.*`` ...)."""


def _validation_problem(exc: RequestValidationError) -> ServiceProblem:
    problems: list[Problem] = []
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ())]
        where, rest = (loc[0], loc[1:]) if loc else ("body", [])
        if where == "body" and len(rest) > 1 and rest[0] in _FAMILIES:
            family, rest = _FAMILIES[rest[0]], rest[1:]
        elif where == "body":
            family = "request"
        else:
            family, rest = "request", [where, *rest]
        problems += field_problems([{**e, "loc": rest}], family)
    first = problems[0] if problems else Problem("request.invalid", _("the request is not valid"))
    more = _(" (and {count} more)").format(count=len(problems) - 1) if len(problems) > 1 else ""
    return ServiceProblem(422, first.code, located(first) + more, problems=problems)


def _add_handlers(app: FastAPI, state: ServiceState) -> None:
    async def service_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ServiceProblem)
        return problem_response(request, exc)

    async def library_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LegalAidRulesError)
        return problem_response(request, from_library_error(exc))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return problem_response(request, _validation_problem(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "http.not_found", 405: "http.method_not_allowed"}.get(exc.status_code)
        problem = ServiceProblem(
            exc.status_code,
            code or f"http.{exc.status_code}",
            f"{request.method} {request.url.path}: {str(exc.detail)[:1].lower()}{str(exc.detail)[1:]}",
            zh=f"{request.method} {request.url.path}",
            headers=dict(exc.headers or {}),
        )
        return problem_response(request, problem)

    app.add_exception_handler(ServiceProblem, service_problem)
    app.add_exception_handler(LegalAidRulesError, library_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every error response as ``application/problem+json``."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    doc = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes, tags=None
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    # Decision serialises through a wrap serializer (explanations rendered when first read), which
    # pydantic describes as "any" in serialization mode: publish the shape it has, as validated
    for model in (ProblemDetails, BatchLine, Decision):
        extra = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in extra.pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas[model.__name__] = extra
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    problem = {"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}
    for path, item in doc.get("paths", {}).items():
        for method, op in item.items():
            responses = op.setdefault("responses", {})
            responses.pop("422", None)
            for status, text in _ERRORS.items():
                if status == "413" and method == "get":
                    continue
                if status == "415" and method == "get":
                    continue
                responses.setdefault(status, {"description": text, **problem})
            if path == "/readyz":
                responses["503"]["content"] = {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}
                }
    app.openapi_schema = doc
    return doc


_ERRORS = {
    "400": "malformed JSON (`request.json`)",
    "401": "no token, or an unknown one (`auth.*`)",
    "403": "the token's role may not do this (`auth.forbidden`)",
    "404": "no such pack, record, lawyer or case; or the feature is not configured",
    "409": "the case-load refuses the change (`ledger.cap_reached`, `ledger.case_closed` ...)",
    "413": "the body or the batch is too large",
    "415": "the body is not `application/json`",
    "422": "the request or the application cannot be decided as given (located `problems`)",
    "500": "an internal error, logged under the request id (`service.internal`)",
    "503": "a store is unavailable (`log.unavailable`)",
}
