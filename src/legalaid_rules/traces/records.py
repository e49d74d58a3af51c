"""Trace records: one decision with everything needed to replay and audit it, versioned.

A :class:`TraceRecord` holds the decision id, when it was made (from an injectable clock), the
library version, the pack (id, version, lineage and the SHA-256 digest of the canonical resolved
pack), the canonical input snapshot and its digest, every evaluation step (rule, condition text,
the values compared, the three-valued result, legal basis) and the decision itself: outcome,
scope, economic condition, reasons, missing list, warnings, programs and routes.

Its canonical JSON (:meth:`TraceRecord.canonical`) is the same bytes in any process on any
machine: keys sorted, ``Decimal`` as strings, dates ISO 8601, no floats. The JSON Schema of the
format is published as ``docs/trace-schema.json``; ``schema_version`` changes whenever a field
does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from legalaid_rules._version import __version__
from legalaid_rules.applications import Application
from legalaid_rules.canonical import canonical_json, digest, to_canonical_data
from legalaid_rules.decisions import (
    Deadline,
    Decision,
    DecisionWarning,
    Economic,
    MatchedMatter,
    MissingItem,
    Outcome,
    PackStamp,
    ProgramResult,
    Reason,
    RouteResult,
    Step,
    Truth,
)
from legalaid_rules.errors import ApplicationError, LegalAidRulesError, Location, Problem
from legalaid_rules.evaluation import field_problems, to_application
from legalaid_rules.i18n import _
from legalaid_rules.inputs import read_json
from legalaid_rules.packs.model import ResolvedPack

__all__ = [
    "DECISION_FIELDS",
    "SCHEMA_VERSION",
    "Clock",
    "TraceError",
    "TraceRecord",
    "derive_decision_id",
    "load_trace",
    "trace_schema",
    "utc_now",
]

SCHEMA_VERSION: Literal[1] = 1
"""The version of the trace format; it changes whenever a field does."""

DECISION_FIELDS = (
    "outcome",
    "scope",
    "economic",
    "matter",
    "urgent",
    "reasons",
    "missing",
    "warnings",
    "steps",
    "programs",
    "routes",
    "deadline",
)
"""The fields of a trace that a replay must reproduce."""

Clock = Callable[[], dt.datetime]
"""A source of the current time (tests and replays inject a fixed one)."""


def utc_now() -> dt.datetime:
    """The current time in UTC, to the second (the default clock)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class TraceError(LegalAidRulesError, ValueError):
    """A trace record that cannot be read or built; ``problems`` names each bad field."""

    code = "trace.invalid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TraceRecord(_Frozen):
    """One decision as an auditable, replayable record (trace format version 1)."""

    kind: Literal["decision"] = "decision"
    schema_version: Literal[1] = Field(1, description="version of this format")
    decision_id: str = Field(description="unique id; by default derived from pack, input and time")
    timestamp: AwareDatetime = Field(description="when the decision was made")
    library_version: str = Field(description="legalaid-rules version that decided")
    pack: PackStamp
    date: dt.date = Field(description="the application date (selects the pack version)")
    input: dict[str, Any] = Field(
        description="canonical snapshot of the application (masked fields as tokens)"
    )
    input_digest: str = Field(
        description="`sha256:` digest of the canonical input; in a masked record "
        "`hmac-sha256:`, the same digest keyed with the masking key"
    )
    masked: tuple[str, ...] = Field((), description="paths of fields replaced by `hmac-sha256:` tokens")
    outcome: Outcome
    scope: Truth
    economic: Economic
    matter: MatchedMatter | None
    urgent: bool
    reasons: tuple[Reason, ...]
    missing: tuple[MissingItem, ...]
    warnings: tuple[DecisionWarning, ...]
    steps: tuple[Step, ...] = Field(description="every rule evaluated, in order, with the values read")
    programs: tuple[ProgramResult, ...] = ()
    routes: tuple[RouteResult, ...] = ()
    deadline: Deadline | None = Field(
        None,
        description="《法律援助法》第四十三条: the date to decide by and the notice terms "
        "(absent in older records)",
    )

    @classmethod
    def from_decision(
        cls,
        decision: Decision,
        application: Application | Mapping[str, Any],
        pack: ResolvedPack,
        *,
        clock: Clock = utc_now,
        decision_id: str | None = None,
    ) -> TraceRecord:
        """The trace of a decision made by ``evaluate(pack, application)``.

        Raises:
            TraceError: the decision was not made with this pack, or has no steps
                (``evaluate(..., steps=False)`` decisions cannot be replayed step by step).
        """
        if decision.pack.digest != pack.digest or decision.pack.id != pack.id:
            raise TraceError(
                [
                    Problem(
                        "trace.pack_mismatch",
                        _(
                            "the decision was made with `{id}` {version} ({digest}), not with `{id2}` "
                            "{version2} ({digest2})"
                        ).format(
                            id=decision.pack.id,
                            version=decision.pack.version,
                            digest=decision.pack.digest,
                            id2=pack.id,
                            version2=pack.version,
                            digest2=pack.digest,
                        ),
                        Location(path="pack"),
                    )
                ]
            )
        if not decision.steps and pack.rules:
            raise TraceError(
                [
                    Problem(
                        "trace.no_steps",
                        _("the decision has no steps: evaluate with `steps=True` to trace it"),
                        Location(path="steps"),
                    )
                ]
            )
        snapshot = input_snapshot(application)
        input_digest = digest(snapshot)
        now = clock()
        if now.tzinfo is None:
            raise ValueError(_("the clock must give an aware datetime (e.g. in UTC)"))
        if decision_id is None:
            decision_id = derive_decision_id(pack.digest, input_digest, now)
        fields: dict[str, Any] = {name: getattr(decision, name) for name in DECISION_FIELDS}
        return cls.model_construct(
            kind="decision",
            schema_version=SCHEMA_VERSION,
            decision_id=decision_id,
            timestamp=now,
            library_version=__version__,
            pack=decision.pack,
            date=decision.date,
            input=snapshot,
            input_digest=input_digest,
            masked=(),
            **fields,
        )

    def canonical(self) -> bytes:
        """The canonical JSON bytes of the record."""
        return canonical_json(self)

    def digest(self) -> str:
        """``sha256:`` digest of :meth:`canonical`."""
        return digest(self)

    def decision_data(self) -> dict[str, Any]:
        """The decision fields (:data:`DECISION_FIELDS`) as canonical plain data."""
        data = to_canonical_data(self.model_dump(mode="python", include=set(DECISION_FIELDS)))
        assert isinstance(data, dict)
        return data


def derive_decision_id(pack_digest: str, input_digest: str, timestamp: dt.datetime | str) -> str:
    """The default decision id: ``d-`` and 32 hex digits of SHA-256 over pack, input digest and time.

    Masking re-derives it from the keyed input digest (see :mod:`legalaid_rules.traces.masking`),
    so that a masked record's id is no plain hash of its personal input.
    """
    seed = canonical_json([pack_digest, input_digest, timestamp])
    return "d-" + hashlib.sha256(seed).hexdigest()[:32]


def input_snapshot(application: Application | Mapping[str, Any]) -> dict[str, Any]:
    """The canonical plain data of an application (validated first, every field present).

    Raises:
        ApplicationError: the application is invalid.
    """
    app = to_application(application)
    data = to_canonical_data(app.model_dump(mode="python"))
    assert isinstance(data, dict)
    return data


_MAX_TRACE_BYTES = 64_000_000  # a trace of a large pack is ~20 KB; this only stops absurd input


def load_trace(source: bytes | str | Mapping[str, Any]) -> TraceRecord:
    """A trace record from JSON text or bytes, or plain data.

    Raises:
        TraceError: the JSON is malformed or does not fit the trace format (every field named).
    """
    try:
        if isinstance(source, bytes | str):
            # the input boundary's reader: encoding, depth, digits and duplicate keys checked
            data = read_json(source, max_bytes=_MAX_TRACE_BYTES)
        else:
            data = source
        return TraceRecord.model_validate(data)
    except ApplicationError as exc:
        raise TraceError(
            [replace(p, code="trace." + p.code.removeprefix("input.")) for p in exc.problems]
        ) from None
    except ValidationError as exc:
        raise TraceError(
            [
                replace(p, location=Location(path=p.location.path or "<trace>"))
                for p in field_problems(exc.errors(include_url=False), "trace")
            ]
        ) from None


def trace_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`TraceRecord` (as published in ``docs/trace-schema.json``)."""
    schema = TraceRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://legalaid-rules/trace-schema/{SCHEMA_VERSION}.json"
    return schema
