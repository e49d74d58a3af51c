"""Request and response bodies of the service that the library has no model for.

Applications, decisions and trace records travel as the library's own models
(:class:`~legalaid_rules.Application`, :class:`~legalaid_rules.Decision`,
:class:`~legalaid_rules.TraceRecord`); these wrap them with the choice of pack, and describe
packs, replays, the ledger and the log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from legalaid_rules.applications import Application
from legalaid_rules.reassessment import Changes
from legalaid_rules.traces.records import TraceRecord

__all__ = [
    "AssignRequest",
    "AssignResponse",
    "BatchRequest",
    "CapCheck",
    "CaseIn",
    "CaseOut",
    "DateRequest",
    "DecisionRequest",
    "DifferenceOut",
    "GroupOut",
    "Health",
    "LawyerIn",
    "LawyerOut",
    "LawyerStatus",
    "LogRecord",
    "LogVerification",
    "MatterOut",
    "PackDetail",
    "PackListing",
    "PackVersionOut",
    "ReassessmentRequest",
    "ReplayRequest",
    "ReplayResponse",
]

PACK_ID = r"^[a-z0-9_]+(/[a-z0-9_]+)*$"


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DecisionRequest(_In):
    """One application to decide, and how to choose the pack."""

    application: Application
    pack: str | None = Field(
        None,
        pattern=PACK_ID,
        description="pack id, e.g. `anhui/anqing`; when absent, the most specific pack covering "
        "the applicant's county, city or office",
    )
    date: dt.date | None = Field(
        None, description="pick the version in force on this date (default: the application date)"
    )
    steps: bool = Field(False, description="record every rule's evaluation in `steps` (slower)")
    log: bool = Field(
        False, description="append the decision's trace to the decision log (role intake or admin)"
    )


class ReassessmentRequest(_In):
    """Granted aid to reassess (《法律援助法》第四十八条): the granted application and what changed."""

    granted: Application = Field(description="the application as granted")
    changes: Changes = Field(description="what the office has learnt since the grant")
    pack: str | None = Field(
        None,
        pattern=PACK_ID,
        description="the granting pack's id; when absent, chosen by the applicant's place",
    )
    date: dt.date | None = Field(None, description="the granting pack's date (default: the application date)")


class BatchRequest(_In):
    """Up to the configured number of applications, decided with the same choice of pack."""

    applications: list[dict[str, Any]] = Field(
        description="applications (each an `Application`); each is checked on its own",
        json_schema_extra={"items": {"$ref": "#/components/schemas/Application"}},
    )
    pack: str | None = Field(None, pattern=PACK_ID, description="as in `DecisionRequest`")
    date: dt.date | None = Field(None, description="as in `DecisionRequest`")
    steps: bool = False


class BatchLine(_Out):
    """One line of the NDJSON a batch returns: the decision, or the problem, of one application."""

    index: int
    decision: dict[str, Any] | None = Field(None, description="a `Decision`")
    problem: dict[str, Any] | None = Field(None, description="a `ProblemDetails`")


class MatterOut(_Out):
    """A matter code of a pack, with its labels and legal basis."""

    code: str
    zh: str
    en: str
    listed: bool = Field(description="listed in this place's scope of aid")
    basis: str


class GroupOut(_Out):
    """A special group of a pack, with the proofs it accepts."""

    id: str
    zh: str
    en: str
    proofs: list[str]
    basis: str


class RegionOut(_Out):
    """A region id of a pack with its Chinese name."""

    id: str
    zh: str
    level: str
    parent: str | None


class PackVersionOut(_Out):
    """One version of a pack: period, lineage, digest, matters and groups."""

    version: str
    title: str
    start: dt.date
    end: dt.date | None
    extends: str | None
    jurisdiction: str
    digest: str
    lineage: list[str]
    matters: list[MatterOut]
    groups: list[GroupOut]
    regions: list[RegionOut]


class PackListing(_Out):
    """A pack and its versions' periods."""

    id: str
    versions: list[dict[str, Any]] = Field(description="`version`, `title`, `start`, `end`, `extends`")


class PackDetail(_Out):
    """A pack with every version in full."""

    id: str
    versions: list[PackVersionOut]


class ReplayRequest(_In):
    """A stored trace to decide again, with originals for masked fields."""

    trace: TraceRecord
    originals: dict[str, Any] | None = Field(
        None, description="path -> original value for masked fields, e.g. `input.applicant.name`"
    )


class DifferenceOut(_Out):
    """One field whose stored and replayed values differ."""

    path: str
    stored: Any
    replayed: Any


class ReplayResponse(_Out):
    """What a replay found."""

    status: Literal["identical", "different", "pack_changed", "pack_missing", "input_changed", "input_masked"]
    identical: bool
    message: str
    input_verified: bool
    differences: list[DifferenceOut]


class LawyerIn(_In):
    """A lawyer or grassroots legal worker to register."""

    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["social_lawyer", "staff_lawyer", "grassroots_worker"]
    office: str | None = Field(None, max_length=200)


class LawyerOut(_Out):
    """A lawyer in the ledger."""

    id: str
    name: str
    kind: str
    office: str | None


class CaseIn(_In):
    """An approved case to register."""

    id: str = Field(min_length=1, max_length=200)
    approved_on: dt.date
    matter: str = Field(min_length=1, max_length=200)
    litigation: bool
    office: str | None = Field(None, max_length=200)


class CaseOut(_Out):
    """A case in the ledger; ``closed_on`` is null while it is open."""

    id: str
    approved_on: dt.date
    matter: str
    litigation: bool
    office: str | None
    closed_on: dt.date | None


class AssignRequest(_In):
    """Assign a case to a lawyer on a date (the yearly cap guards it)."""

    case: str = Field(min_length=1, max_length=200)
    lawyer: str = Field(min_length=1, max_length=200)
    date: dt.date
    warn_at: int | None = Field(
        None, ge=0, le=100_000, description="near-cap warning line (default 90% of the cap)"
    )


class DateRequest(_In):
    """A case and the date something happens to it (withdrawal, closure)."""

    case: str = Field(min_length=1, max_length=200)
    date: dt.date


class CapCheck(_Out):
    """The cap check behind an assignment, with its cited explanation."""

    allowed: bool
    count_before: int
    count_after: int
    limit: int | None
    near_cap: bool
    warn_at: int | None
    zh: str
    en: str
    basis: str | None


class AssignResponse(_Out):
    """What an assignment did: ``assigned``, ``moved`` or ``unchanged`` (a refusal is a 409 problem)."""

    outcome: Literal["assigned", "moved", "unchanged"]
    case: str
    lawyer: str
    on: dt.date
    moved_from: str | None
    pack: str
    check: CapCheck | None


class LawyerStatus(_Out):
    """One lawyer's cases in a year against the cap."""

    lawyer: LawyerOut
    year: int
    cases: int
    limit: int | None
    left: int | None
    status: Literal["ok", "near", "at_cap", "over"]
    basis: str | None
    pack: str


class LogRecord(_Out):
    """One record of the decision log with its place in the hash chain."""

    seq: int
    prev: str
    digest: str
    record: dict[str, Any] = Field(description="the stored record (a `TraceRecord`, masked fields as tokens)")


class LogVerification(_Out):
    """The result of verifying the decision log's hash chain."""

    ok: bool
    count: int
    head: str
    problem: dict[str, Any] | None = Field(
        None, description="`seq`, `code`, `message` of the first bad record"
    )


class Health(_Out):
    """Liveness or readiness."""

    status: Literal["ok", "starting", "unavailable"]
    version: str
    checks: dict[str, str] = {}
