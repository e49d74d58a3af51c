"""The case-load ledger and the decision log over HTTP (tokens with roles required)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from legalaid_rules.caseload import Ledger
from legalaid_rules.caseload.cap import caseload_cap, default_warn_at
from legalaid_rules.caseload.indicators import office_report, pack_for_year, report_json
from legalaid_rules.caseload.ledger import Case, Lawyer
from legalaid_rules.service.auth import ANY_ROLE, needs
from legalaid_rules.service.body import ExactJSONRoute
from legalaid_rules.service.models import (
    AssignRequest,
    AssignResponse,
    CapCheck,
    CaseIn,
    CaseOut,
    DateRequest,
    LawyerIn,
    LawyerOut,
    LawyerStatus,
    LogRecord,
    LogVerification,
)
from legalaid_rules.service.problems import ServiceProblem
from legalaid_rules.service.settings import Role, TokenEntry
from legalaid_rules.service.state import ServiceState

__all__ = ["router"]

router = APIRouter(route_class=ExactJSONRoute)

_Writer = Annotated[TokenEntry, Depends(needs(Role.INTAKE, Role.ADMIN, what="a case-load change"))]
_Admin = Annotated[TokenEntry, Depends(needs(Role.ADMIN, what="registering a lawyer"))]
_Reader = Annotated[TokenEntry, Depends(needs(*ANY_ROLE, what="reading the case-load"))]
_Auditor = Annotated[TokenEntry, Depends(needs(Role.AUDITOR, Role.ADMIN, what="reading the decision log"))]
_Year = Annotated[int, Query(ge=1900, le=9999, description="calendar year")]
_WarnAt = Annotated[int | None, Query(ge=0, le=100_000, description="near-cap warning line")]


def _state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


def _lawyer(lw: Lawyer) -> LawyerOut:
    return LawyerOut(id=lw.id, name=lw.name, kind=lw.kind.value, office=lw.office)


def _case(c: Case) -> CaseOut:
    return CaseOut(
        id=c.id,
        approved_on=c.approved_on,
        matter=c.matter,
        litigation=c.litigation,
        office=c.office,
        closed_on=c.closed_on,
    )


# -- case-load -----------------------------------------------------------------------------------


@router.post("/v1/caseload/lawyers", response_model=LawyerOut, status_code=201, tags=["caseload"])
def add_lawyer(body: LawyerIn, request: Request, caller: _Admin) -> LawyerOut:
    """Register a lawyer or grassroots legal worker (role admin)."""
    with _state(request).ledger() as ledger:
        return _lawyer(ledger.add_lawyer(body.id, body.name, body.kind, body.office))


@router.post("/v1/caseload/cases", response_model=CaseOut, status_code=201, tags=["caseload"])
def add_case(body: CaseIn, request: Request, caller: _Writer) -> CaseOut:
    """Register an approved case (role intake or admin)."""
    with _state(request).ledger() as ledger:
        case = ledger.add_case(
            body.id, body.approved_on, body.matter, litigation=body.litigation, office=body.office
        )
        return _case(case)


@router.post("/v1/caseload/assignments", response_model=AssignResponse, tags=["caseload"])
def assign(body: AssignRequest, request: Request, caller: _Writer) -> AssignResponse:
    """Assign a case to a lawyer if the yearly cap allows it; a refusal is a 409 problem
    ``ledger.cap_reached`` carrying the cited check."""
    with _state(request).ledger() as ledger:
        result = ledger.assign(body.case, body.lawyer, body.date, warn_at=body.warn_at)
    check = None
    if result.check is not None:
        c = result.check
        check = CapCheck(
            allowed=c.allowed,
            count_before=c.count_before,
            count_after=c.count_after,
            limit=c.limit,
            near_cap=c.near_cap,
            warn_at=c.warn_at,
            zh=c.zh,
            en=c.en,
            basis=c.basis,
        )
    if result.outcome == "refused":
        assert check is not None
        raise ServiceProblem(
            409,
            "ledger.cap_reached",
            check.en,
            zh=check.zh,
            extra={"check": check.model_dump(mode="json"), "pack": result.pack},
        )
    return AssignResponse(
        outcome=result.outcome,
        case=result.case,
        lawyer=result.lawyer,
        on=result.on,
        moved_from=result.moved_from,
        pack=result.pack,
        check=check,
    )


@router.post("/v1/caseload/withdrawals", response_model=CaseOut, tags=["caseload"])
def withdraw(body: DateRequest, request: Request, caller: _Writer) -> CaseOut:
    """Withdraw a case's assignment; it stops counting for the lawyer."""
    with _state(request).ledger() as ledger:
        ledger.withdraw(body.case, body.date)
        return _case(ledger.case(body.case))


@router.post("/v1/caseload/closures", response_model=CaseOut, tags=["caseload"])
def close(body: DateRequest, request: Request, caller: _Writer) -> CaseOut:
    """Close a case; it stays in its lawyer's count."""
    with _state(request).ledger() as ledger:
        return _case(ledger.close(body.case, body.date))


@router.get("/v1/caseload/lawyers/{lawyer_id}", response_model=LawyerStatus, tags=["caseload"])
def lawyer_status(
    request: Request,
    caller: _Reader,
    lawyer_id: Annotated[str, Path(min_length=1, max_length=200)],
    year: _Year,
    warn_at: _WarnAt = None,
) -> LawyerStatus:
    """One lawyer's cases in a year against the cap."""
    with _state(request).ledger() as ledger:
        return _status(ledger, lawyer_id, year, warn_at)


def _status(ledger: Ledger, lawyer_id: str, year: int, warn_at: int | None) -> LawyerStatus:
    lawyer = ledger.lawyer(lawyer_id)
    count = ledger.count(lawyer_id, year)
    pack, day = pack_for_year(ledger, year)
    region = lawyer.office if lawyer.office in pack.regions else None
    cap = caseload_cap(pack, day, region)
    limit = cap.limit if cap else None
    state = "ok"
    if limit is not None:
        line = default_warn_at(limit) if warn_at is None else warn_at
        state = "over" if count > limit else "at_cap" if count == limit else "near" if count >= line else "ok"
    return LawyerStatus(
        lawyer=_lawyer(lawyer),
        year=year,
        cases=count,
        limit=limit,
        left=None if limit is None else max(limit - count, 0),
        status=state,
        basis=cap.basis if cap else None,
        pack=f"{pack.id} {pack.version}",
    )


@router.get("/v1/caseload/report", tags=["caseload"], response_model=dict[str, Any])
def report(
    request: Request,
    caller: _Reader,
    year: _Year,
    office: Annotated[str | None, Query(max_length=200, description="one office (default: all)")] = None,
    warn_at: _WarnAt = None,
) -> dict[str, Any]:
    """The office's quality indicators for a year (as ``legalaid-rules caseload report --format json``)."""
    with _state(request).ledger() as ledger:
        return report_json(office_report(ledger, year, office, warn_at=warn_at))


# -- decision log --------------------------------------------------------------------------------


@router.get("/v1/log/verify", response_model=LogVerification, tags=["log"])
def verify_log(request: Request, caller: _Auditor) -> LogVerification:
    """Recompute the hash chain and name the first bad record."""
    with _state(request).log() as log:
        v = log.verify()
    problem = None
    if v.problem is not None:
        problem = {"seq": v.problem.seq, "code": v.problem.code, "message": v.problem.message}
    return LogVerification(ok=v.ok, count=v.count, head=v.head, problem=problem)


@router.get("/v1/log/records", response_model=list[LogRecord], tags=["log"])
def list_log(
    request: Request,
    caller: _Auditor,
    start: Annotated[int, Query(ge=1, le=2**62)] = 1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[LogRecord]:
    """Up to ``limit`` records from sequence number ``start`` on."""
    with _state(request).log() as log:
        entries = log.list(start, limit)
    return [LogRecord(seq=e.seq, prev=e.prev, digest=e.digest, record=e.data) for e in entries]


@router.get("/v1/log/records/{seq}", response_model=LogRecord, tags=["log"])
def show_log(request: Request, seq: Annotated[int, Path(ge=1, le=2**62)], caller: _Auditor) -> LogRecord:
    """One record of the decision log."""
    with _state(request).log() as log:
        last, _ = log.head()
        if seq > last:
            raise ServiceProblem(
                404,
                "log.no_record",
                f"the decision log has no record {seq} (it ends at {last})",
                zh=f"决定日志没有第 {seq} 条记录（共 {last} 条）",
            )
        e = log.get(seq)
    return LogRecord(seq=e.seq, prev=e.prev, digest=e.digest, record=e.data)
