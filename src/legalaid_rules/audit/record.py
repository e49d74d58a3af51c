"""Trace records: one decision with everything needed to prove how it was made.

A :class:`TraceRecord` holds the decision id, when it was made (from an injectable clock), the
library version, the pack version by content digest, the canonical input snapshot and its
digest, the full :class:`~legalaid_rules.decisions.Decision` (every evaluation step: rule id,
condition text, the values read, the three-valued result, legal basis) and its warnings.

Its canonical bytes are ``canonical_json(record.model_dump(mode="json"))``: the same record
gives the same bytes in any process on any machine.

>>> import datetime as dt
>>> from legalaid_rules import load_pack
>>> pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
>>> rec = trace(pack, {"date": "2023-06-01", "matter": "domestic_violence"},
...             clock=lambda: dt.datetime(2023, 6, 1, 9, 0, tzinfo=dt.timezone.utc),
...             decision_id="00000000-0000-4000-8000-000000000001")
>>> rec.decision.outcome.value, rec.canonical() == load_trace(rec.canonical()).canonical()
('eligible', True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from legalaid_rules._version import __version__
from legalaid_rules.applicants import Application
from legalaid_rules.audit.errors import TraceError
from legalaid_rules.decisions import Decision, PackStamp, Warning
from legalaid_rules.evaluator import evaluate, to_application
from legalaid_rules.packs.model import ResolvedPack

__all__ = [
    "SCHEMA_VERSION",
    "Masked",
    "TraceRecord",
    "canonical_bytes",
    "input_snapshot",
    "load_trace",
    "trace",
    "trace_schema",
    "utc_now",
]

SCHEMA_VERSION = 1
"""The version of the trace record schema written by this library."""

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time in UTC (the default clock)."""
    return dt.datetime.now(dt.UTC)


class Masked(BaseModel):
    """Which input fields were masked when the record was written, and how."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    algorithm: Literal["hmac-sha256"] = "hmac-sha256"
    key_id: str = Field(description="identifies the deployment's masking key (not the key)")
    paths: tuple[str, ...] = Field(description="the input paths whose values were replaced")


class TraceRecord(BaseModel):
    """One decision as evaluated, with its pack, its input and every step (schema version 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = Field(1, description="version of this record schema")
    decision_id: str = Field(description="unique id of the decision (a UUID4 by default)")
    timestamp: AwareDatetime = Field(description="when the decision was made (time-zone aware)")
    library_version: str = Field(description="version of legalaid-rules that decided")
    pack: PackStamp = Field(description="the pack version that decided, by content digest")
    pack_date: dt.date = Field(description="the date the pack version was chosen for")
    input: dict[str, Any] = Field(description="the canonical input snapshot (JSON data)")
    input_digest: str = Field(description="sha256 of the canonical JSON of the unmasked input")
    masked: Masked | None = Field(None, description="personal fields masked at write time")
    decision: Decision = Field(description="the full decision, every evaluation step included")
    warnings: tuple[Warning, ...] = Field(description="the decision's warnings, for readers")

    @cached_property
    def _canonical(self) -> bytes:
        return canonical_bytes(self.model_dump(mode="json"))

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy (see pydantic), without the cached canonical bytes of this record."""
        copied = super().model_copy(update=update, deep=deep)
        copied.__dict__.pop("_canonical", None)
        return copied

    def canonical(self) -> bytes:
        """The canonical JSON bytes of the record (computed once)."""
        return self._canonical

    def digest(self) -> str:
        """``sha256:`` and the hex SHA-256 of :meth:`canonical`."""
        return "sha256:" + hashlib.sha256(self._canonical).hexdigest()


def canonical_bytes(data: Any) -> bytes:
    """Canonical JSON of plain JSON data (a fast path of :func:`legalaid_rules.canonical_json`).

    ``data`` must come from ``model_dump(mode="json")``: only dicts, lists, strings, ints,
    booleans and None (no floats: no field of a record or an application is a float). For such
    data the bytes equal ``canonical_json(data)``; a test checks it.

    Raises:
        TraceError: ``data`` holds a float.
    """
    try:
        return json.dumps(
            data,
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
            default=_refuse,
        ).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise TraceError("trace.not_canonical", f"the record has no canonical form: {exc}") from None


def _refuse(value: Any) -> Any:
    raise TypeError(f"no canonical form for {type(value).__name__}")


def input_snapshot(application: Application | Mapping[str, Any]) -> dict[str, Any]:
    """The canonical input snapshot of an application: ``model_dump(mode="json")``.

    Raises:
        ApplicationError: the application is invalid (every bad field is named).
    """
    data: dict[str, Any] = to_application(application).model_dump(mode="json")
    return data


def snapshot_digest(snapshot: Mapping[str, Any]) -> str:
    """``sha256:`` and the hex SHA-256 of the canonical JSON of an input snapshot."""
    return "sha256:" + hashlib.sha256(canonical_bytes(dict(snapshot))).hexdigest()


def trace(
    pack: ResolvedPack,
    application: Application | Mapping[str, Any],
    *,
    clock: Clock = utc_now,
    decision_id: str | None = None,
    pack_date: dt.date | None = None,
) -> TraceRecord:
    """Decide an application and record the decision as a trace.

    Args:
        pack: the resolved pack in force on the application date.
        application: the application, as a model or plain data.
        clock: gives the decision time; it must be time-zone aware (UTC by default).
        decision_id: the decision id (a new UUID4 by default).
        pack_date: the date the pack version was chosen for (the application date by default).

    Returns:
        The trace record, with every evaluation step.

    Raises:
        ApplicationError: the application is invalid or does not fit the pack.
        TraceError: the clock gave a time without a time zone.
    """
    app = to_application(application)
    decision = evaluate(pack, app, steps=True)
    now = clock()
    if now.tzinfo is None or now.utcoffset() is None:
        raise TraceError("trace.naive_clock", "the clock gave a time without a time zone")
    snapshot = input_snapshot(app)
    return TraceRecord(
        decision_id=decision_id if decision_id is not None else str(uuid.uuid4()),
        timestamp=now,
        library_version=__version__,
        pack=decision.pack,
        pack_date=pack_date or app.date,
        input=snapshot,
        input_digest=snapshot_digest(snapshot),
        decision=decision,
        warnings=decision.warnings,
    )


def load_trace(source: bytes | str | Path) -> TraceRecord:
    """A trace record from its JSON bytes, or from a file (``Path``).

    Raises:
        TraceError: the file cannot be read, or is not a valid trace record.
    """
    if isinstance(source, Path):
        try:
            source = source.read_bytes()
        except OSError as exc:
            raise TraceError("trace.unreadable", f"cannot read the trace: {exc.strerror}") from None
    try:
        return TraceRecord.model_validate_json(source)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "<record>"
        count = exc.error_count()
        more = f" (and {count - 1} more)" if count > 1 else ""
        raise TraceError(
            "trace.invalid", f"not a valid trace record: `{where}`: {first['msg']}{more}"
        ) from None


def trace_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`TraceRecord` (as published in ``audit/trace-schema.json``)."""
    schema = TraceRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://legalaid-rules/trace-schema/v{SCHEMA_VERSION}.json"
    return schema
