"""Deciding: one application, a batch streamed as NDJSON, and replaying a stored trace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from legalaid_rules.decisions import Decision
from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.evaluation import evaluate, to_application
from legalaid_rules.i18n import _
from legalaid_rules.reassessment import Reassessment, reassess
from legalaid_rules.service.auth import Reader, check_role
from legalaid_rules.service.body import ExactJSONRoute
from legalaid_rules.service.models import (
    BatchRequest,
    DecisionRequest,
    DifferenceOut,
    ReassessmentRequest,
    ReplayRequest,
    ReplayResponse,
)
from legalaid_rules.service.observability import request_id_of
from legalaid_rules.service.problems import ServiceProblem, from_library_error, language, problem_body
from legalaid_rules.service.settings import Role
from legalaid_rules.service.state import ServiceState
from legalaid_rules.traces import TraceRecord, replay

__all__ = ["router"]

router = APIRouter(route_class=ExactJSONRoute, tags=["decisions"])


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


@router.post(
    "/v1/decisions",
    response_model=Decision,
    summary="Decide one application",
    response_description="the decision, with reasons, the Art 43 missing list and warnings; with "
    "`log`, headers `X-Decision-Id`, `X-Log-Seq` and `X-Log-Digest` name the stored trace",
)
async def decide(body: DecisionRequest, request: Request, caller: Reader) -> Response:
    """Decide an application with the pack named, or the one covering the applicant's place."""
    state = _state(request)
    if body.log:
        check_role(caller, (Role.INTAKE, Role.ADMIN), "logging a decision")
        state.log_configured()
    pack = state.pack_for(body.application, body.pack, body.date)
    decision = evaluate(pack, body.application, steps=body.steps or body.log)
    state.metrics.decisions.labels(decision.outcome.value).inc()
    headers: dict[str, str] = {}
    if body.log:
        trace = TraceRecord.from_decision(decision, body.application, pack)
        entry = await run_in_threadpool(_append, state, trace)
        headers = {"X-Decision-Id": trace.decision_id, "X-Log-Seq": str(entry[0]), "X-Log-Digest": entry[1]}
        if not body.steps:
            decision = decision.model_copy(update={"steps": ()})
    return Response(decision.model_dump_json(), media_type="application/json", headers=headers)


def _append(state: ServiceState, trace: TraceRecord) -> tuple[int, str]:
    with state.log() as log:
        entry = log.append(trace)
    return entry.seq, entry.digest


@router.post(
    "/v1/decisions:batch",
    summary="Decide many applications, streamed as NDJSON",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "one JSON object per line, in input order: `index` with `decision` "
            "(a `Decision`) or `problem` (a `ProblemDetails`)",
            "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/BatchLine"}}},
        }
    },
)
def decide_batch(body: BatchRequest, request: Request, caller: Reader) -> StreamingResponse:
    """Decide each application on its own; a bad one gives a problem line, the rest go on."""
    state = _state(request)
    limit = state.settings.max_batch
    if len(body.applications) > limit:
        raise ServiceProblem(
            413,
            "request.batch_too_large",
            f"{len(body.applications)} applications in one batch; at most {limit}",
            zh=f"一次最多 {limit} 件申请，本次 {len(body.applications)} 件",
            hint=_("split the batch"),
        )
    lang = language(request.headers.get("accept-language"))
    rid = request_id_of(request.scope)
    return StreamingResponse(
        _lines(state, body, lang, rid, request.url.path), media_type="application/x-ndjson"
    )


def _lines(state: ServiceState, body: BatchRequest, lang: str, rid: str | None, path: str) -> Iterator[bytes]:
    for index, data in enumerate(body.applications):
        try:
            app = to_application(data)
            pack = state.pack_for(app, body.pack, body.date)
            decision = evaluate(pack, app, steps=body.steps)
        except (LegalAidRulesError, ServiceProblem) as exc:
            problem = exc if isinstance(exc, ServiceProblem) else from_library_error(exc)
            state.metrics.errors.labels(problem.code).inc()
            line: dict[str, Any] = {"index": index, "problem": problem_body(problem, lang, rid, path)}
            yield json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n"
            continue
        state.metrics.decisions.labels(decision.outcome.value).inc()
        yield b'{"index":%d,"decision":%s}\n' % (index, decision.model_dump_json().encode("utf-8"))


@router.post(
    "/v1/reassessments",
    response_model=Reassessment,
    summary="Reassess granted aid (Art 48)",
    response_description="`continue`, `terminate` (each ground that holds, cited) or `undetermined` "
    "(what the office must still find out)",
)
async def reassess_granted(body: ReassessmentRequest, request: Request, caller: Reader) -> Response:
    """Whether granted legal aid continues or ends, by the grounds of Art 48 and the province's own."""
    state = _state(request)
    pack = state.pack_for(body.granted, body.pack, body.date)
    result = reassess(pack, body.granted, body.changes)
    return Response(result.model_dump_json(), media_type="application/json")


@router.post("/v1/traces:replay", response_model=ReplayResponse, summary="Replay a stored trace")
def replay_trace(body: ReplayRequest, request: Request, caller: Reader) -> ReplayResponse:
    """Decide a stored trace again with the pack version it names, and compare field by field."""
    state = _state(request)
    result = replay(body.trace, state.catalog.registry, originals=body.originals, masking=state.masking)
    return ReplayResponse(
        status=result.status.value,
        identical=result.identical,
        message=result.message,
        input_verified=result.input_verified,
        differences=[
            DifferenceOut(path=d.path, stored=_plain(d.stored), replayed=_plain(d.replayed))
            for d in result.differences
        ],
    )


def _plain(value: Any) -> Any:
    """A difference's value as JSON-ready data (Decimal and dates as text)."""
    return json.loads(json.dumps(value, default=str))
