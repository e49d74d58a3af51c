"""Reassessing granted legal aid: does it continue, or must it end (《法律援助法》第四十八条)?

Given the application that was granted, the pack that granted it and what has changed since,
:func:`reassess` says ``continue``, ``terminate`` or ``undetermined`` (a change that could end
the aid is not yet known), citing each ground of Art 48 para 1 (一)-(八) that holds.

The grounds are pack content: each pack version may have a ``<version>.reassessment.yml`` beside
its pack file (``rules/national/2022.reassessment.yml`` holds Art 48; a province adds its own
under item (八), e.g. ``rules/guangdong/2022.reassessment.yml``). The grounds of every pack in
the lineage apply, root first; a ground may ``replace`` a parent's ground. The format is in
``docs/pack-format.md`` section 12.

Item (四) (finances no longer meet the conditions) is decided by evaluating the granted
application with the changed facts merged over it, through the public :func:`evaluate` API, so
every province's own means test decides. Nothing here reaches into the evaluator.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from legalaid_rules.applications import Application
from legalaid_rules.decisions import Decision, DecisionWarning, Economic, Outcome, PackStamp, Truth
from legalaid_rules.errors import ApplicationError, Location, PackError, Problem
from legalaid_rules.evaluation import evaluate, field_problems, to_application
from legalaid_rules.i18n import _
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packs.schema import Citation, SourceEntry
from legalaid_rules.packs.validation import problems_from_validation
from legalaid_rules.packs.yaml_source import Marks, read_yaml

__all__ = [
    "CASES_SUFFIX",
    "GROUNDS_SUFFIX",
    "CaseOutcome",
    "Changes",
    "GroundResult",
    "Reassessment",
    "ReassessmentOutcome",
    "Trigger",
    "grounds_for",
    "reassess",
    "run_cases",
]

GROUNDS_SUFFIX = ".reassessment.yml"
"""The file beside a pack version (``2022.yaml`` -> ``2022.reassessment.yml``) holding its grounds."""


class Trigger(StrEnum):
    """What a ground reacts to: one kind of change since the grant."""

    FRAUD = "fraud"  # 第四十八条第一款第一项
    CONCEALMENT = "concealment"  # 第二项
    ILLEGAL_USE = "illegal_use"  # 第三项
    ECONOMIC = "economic"  # 第四项: re-evaluated with the changed facts
    CASE_ENDED = "case_ended"  # 第五项
    OWN_LAWYER = "own_lawyer"  # 第六项
    JUSTIFIED_REQUEST = "justified_request"  # 第七项


class ReassessmentOutcome(StrEnum):
    """Whether legal aid goes on."""

    CONTINUE = "continue"
    TERMINATE = "terminate"
    UNDETERMINED = "undetermined"  # a change that could end the aid is not yet known: see ``missing``


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Changes(_Model):
    """What the office has learnt since the grant.

    The grounds of Art 48 are findings: each flag is ``False`` (not found) unless the office
    reports it ``True`` (established) or ``None`` (suspected, still being checked, which keeps the
    reassessment ``undetermined``). ``hearing_in_progress`` and ``days_to_next_hearing`` are
    ``None`` when not known. ``application`` holds only the facts that changed, in the
    application's own shape; they are merged over the granted application (mappings key by key,
    anything else replaced) and the result is evaluated again with the same pack.
    """

    date: dt.date = Field(description="the day of the reassessment")
    application: dict[str, Any] | None = Field(None, description="changed facts, e.g. new income")
    obtained_by_fraud: bool | None = False
    concealed_facts_or_false_evidence: bool | None = False
    used_for_illegal_activity: bool | None = False
    case_ended: bool | None = Field(False, description="proceedings terminated or the case withdrawn")
    own_lawyer_retained: bool | None = False
    termination_requested: bool | None = False
    request_justified: bool | None = Field(None, description="the request gives a justified reason")
    hearing_in_progress: bool | None = None
    days_to_next_hearing: int | None = Field(None, ge=0)


_FLAGS: dict[Trigger, str] = {
    Trigger.FRAUD: "obtained_by_fraud",
    Trigger.CONCEALMENT: "concealed_facts_or_false_evidence",
    Trigger.ILLEGAL_USE: "used_for_illegal_activity",
    Trigger.CASE_ENDED: "case_ended",
    Trigger.OWN_LAWYER: "own_lawyer_retained",
}


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class _GroundEntry(_Model):
    zh: str
    en: str
    on: Trigger
    basis: Annotated[tuple[Citation, ...], BeforeValidator(_as_list), Field(min_length=1)]
    verified: bool = True
    note: str | None = None
    consequence_zh: str | None = None
    replaces: str | None = Field(None, description="a parent's ground this one replaces")
    defer_before_hearing_days: int | None = Field(None, ge=0)


class _GroundsFile(_Model):
    pack: str
    version: str
    grounds: dict[str, _GroundEntry]


class GroundResult(_Model):
    """One ground of termination as assessed."""

    ground: str
    pack: str
    result: Truth
    deferred: Truth = Field(description="true: the ground holds but termination waits (a hearing is near)")
    zh: str
    en: str
    basis: str
    verified: bool
    consequence_zh: str | None = None


class Reassessment(_Model):
    """The reassessment of one granted application."""

    pack: PackStamp
    date: dt.date
    outcome: ReassessmentOutcome
    grounds: tuple[GroundResult, ...] = Field(description="every ground, in lineage order")
    missing: tuple[str, ...] = Field(description="what the office must still find out")
    warnings: tuple[DecisionWarning, ...]
    decision: Decision | None = Field(description="the granted application re-evaluated with the changes")

    @property
    def holding(self) -> tuple[GroundResult, ...]:
        """The grounds that hold (terminating, or deferred)."""
        return tuple(g for g in self.grounds if g.result is Truth.TRUE)


@dataclass(frozen=True, slots=True)
class _Loaded:
    file: _GroundsFile
    marks: Marks


@functools.lru_cache(maxsize=64)
def _read(path: str, mtime_ns: int) -> _Loaded | tuple[Problem, ...]:
    text = Path(path).read_text(encoding="utf-8")
    doc, problems = read_yaml(text, path)
    if doc is None:
        return tuple(problems)
    try:
        parsed = _GroundsFile.model_validate(doc.data)
    except ValidationError as exc:
        return tuple(problems + problems_from_validation(exc, doc.marks, prefix="reassessment"))
    return tuple(problems) if problems else _Loaded(parsed, doc.marks)


def grounds_for(pack: ResolvedPack) -> list[tuple[str, str, _GroundEntry]]:
    """The grounds in force for a pack version: ``(pack id, ground id, entry)``, root first.

    Raises:
        PackError: a grounds file is unreadable, names another pack or version, cites an
            unknown source, or replaces a ground no parent has.
    """
    out: dict[str, tuple[str, _GroundEntry]] = {}
    problems: list[Problem] = []
    for (pack_id, version), file in zip(pack.lineage, pack.files, strict=True):
        path = Path(file).with_name(Path(file).name.removesuffix(".yaml") + GROUNDS_SUFFIX)
        if not path.is_file():
            continue
        found = _read(str(path), path.stat().st_mtime_ns)
        if not isinstance(found, _Loaded):
            problems.extend(found)
            continue
        read, marks = found.file, found.marks
        if (read.pack, read.version) != (pack_id, version):
            problems.append(
                Problem(
                    "reassessment.pack_mismatch",
                    _("the file says `{pack}` {version} but sits beside `{beside}` {beside_version}").format(
                        pack=read.pack, version=read.version, beside=pack_id, beside_version=version
                    ),
                    marks.at(("pack",)),
                )
            )
            continue
        for gid, entry in read.grounds.items():
            here = marks.at(("grounds", gid), key=True)
            for c in entry.basis:
                if c.source not in pack.sources:
                    problems.append(
                        Problem(
                            "reassessment.unknown_source",
                            _("unknown source `{source}`").format(source=c.source),
                            here,
                        )
                    )
            if entry.replaces is not None:
                if entry.replaces not in out:
                    problems.append(
                        Problem(
                            "reassessment.replaces_nothing",
                            _("`{ground}` replaces `{replaced}`, which no parent pack has").format(
                                ground=gid, replaced=entry.replaces
                            ),
                            here,
                        )
                    )
                    continue
                del out[entry.replaces]
            if gid in out:
                message = _("ground `{ground}` is defined twice").format(ground=gid)
                problems.append(Problem("reassessment.redefined", message, here))
                continue
            out[gid] = (pack_id, entry)
    if problems:
        raise PackError(problems)
    return [(p, gid, e) for gid, (p, e) in out.items()]


def _cite(basis: tuple[Citation, ...], sources: Mapping[str, SourceEntry]) -> tuple[str, bool]:
    parts, verified = [], True
    for c in basis:
        src = sources[c.source]
        verified = verified and src.verified
        head = src.number if src.kind == "plan" and src.number else f"《{src.title}》"
        sep = " " if src.kind == "plan" and src.number and c.at else ""
        parts.append(head + sep + (c.at or ""))
    return "；".join(parts), verified


def _merge(base: Any, changes: Any) -> Any:
    if isinstance(base, Mapping) and isinstance(changes, Mapping):
        return {**base, **{k: _merge(base.get(k), v) for k, v in changes.items()}}
    return changes


_TRI: dict[bool | None, Truth] = {True: Truth.TRUE, False: Truth.FALSE, None: Truth.UNKNOWN}


def reassess(
    pack: ResolvedPack,
    granted: Application | Mapping[str, Any],
    changes: Changes | Mapping[str, Any],
    *,
    backend: str = "native",
) -> Reassessment:
    """Reassess granted legal aid against Art 48 (and the province's own grounds).

    Args:
        pack: the pack version that granted the application (in force on its date).
        granted: the granted application, as a model or plain data.
        changes: what is known since the grant (see :class:`Changes`).
        backend: the evaluation backend used for the financial re-check.

    Returns:
        ``terminate`` when a ground holds and nothing defers it, ``undetermined`` when a ground
        might hold but a fact is unknown, else ``continue``; with every ground assessed.

    Raises:
        ApplicationError: the application or the changes are invalid, the application was not
            granted by this pack, or the reassessment predates the application.
        PackError: a grounds file of the pack's lineage has problems.
    """
    app = to_application(granted)
    chg = _changes(changes)
    before = evaluate(pack, app, backend=backend)
    if before.outcome is not Outcome.ELIGIBLE:
        raise ApplicationError(
            [
                Problem(
                    "reassessment.not_granted",
                    _(
                        "the application is `{outcome}` under pack `{pack}` {version}: "
                        "only granted aid can be reassessed"
                    ).format(outcome=before.outcome.value, pack=pack.id, version=pack.version),
                    Location(path="granted"),
                )
            ]
        )
    if chg.date < app.date:
        raise ApplicationError(
            [
                Problem(
                    "reassessment.date",
                    _("the reassessment date {date} is before the application").format(date=chg.date),
                    Location(path="changes.date"),
                )
            ]
        )
    after: Decision | None = None
    if chg.application is not None:
        merged = _merge(app.model_dump(mode="json", exclude_none=True), chg.application)
        try:
            after = evaluate(pack, merged, backend=backend)
        except ApplicationError as exc:
            raise ApplicationError(
                [
                    Problem(
                        p.code, p.message, Location(path=f"changes.application.{p.location.path}"), p.hint
                    )
                    for p in exc.problems
                ]
            ) from None

    results: list[GroundResult] = []
    missing: list[str] = []
    warnings: dict[str, DecisionWarning] = {}
    for pack_id, gid, entry in grounds_for(pack):
        result, needs = _holds(entry.on, chg, before, after)
        deferred = Truth.FALSE
        if result is not Truth.FALSE and entry.defer_before_hearing_days is not None:
            deferred, more = _deferred(chg, entry.defer_before_hearing_days)
            needs += more if result is Truth.TRUE else []
        basis, verified = _cite(entry.basis, pack.sources)
        verified = verified and entry.verified
        results.append(
            GroundResult(
                ground=gid,
                pack=pack_id,
                result=result,
                deferred=deferred if result is Truth.TRUE else Truth.FALSE,
                zh=entry.zh,
                en=entry.en,
                basis=basis,
                verified=verified,
                consequence_zh=entry.consequence_zh,
            )
        )
        if result is not Truth.FALSE:
            missing += needs
            if not verified:
                warnings[gid] = DecisionWarning(
                    code="unverified_ground",
                    zh=f"终止理由 {gid} 所依据的文本（{basis}）尚未与公开文本核对"
                    + (f"：{entry.note}" if entry.note else ""),
                    en=f"ground {gid} rests on a text not checked against a published copy ({basis})",
                )
    terminating = [g for g in results if g.result is Truth.TRUE and g.deferred is Truth.FALSE]
    open_ = [g for g in results if g.result is Truth.UNKNOWN or g.deferred is Truth.UNKNOWN]
    if terminating:
        outcome = ReassessmentOutcome.TERMINATE
    elif open_:
        outcome = ReassessmentOutcome.UNDETERMINED
    else:
        outcome = ReassessmentOutcome.CONTINUE
    if after is not None:
        warnings.update({f"decision:{i}": w for i, w in enumerate(after.warnings)})
    return Reassessment(
        pack=before.pack,
        date=chg.date,
        outcome=outcome,
        grounds=tuple(results),
        missing=tuple(dict.fromkeys(missing)) if outcome is not ReassessmentOutcome.TERMINATE else (),
        warnings=tuple(warnings[k] for k in sorted(warnings)),
        decision=after,
    )


def _changes(changes: Changes | Mapping[str, Any]) -> Changes:
    if isinstance(changes, Changes):
        return changes
    try:
        return Changes.model_validate(changes)
    except ValidationError as exc:
        raise ApplicationError(
            field_problems(exc.errors(include_url=False), "changes", root="changes")
        ) from None


def _holds(on: Trigger, chg: Changes, before: Decision, after: Decision | None) -> tuple[Truth, list[str]]:
    if on in _FLAGS:
        name = _FLAGS[on]
        return _TRI[getattr(chg, name)], [f"changes.{name}"]
    if on is Trigger.JUSTIFIED_REQUEST:
        asked, why = chg.termination_requested, chg.request_justified
        if asked is False or why is False:
            return Truth.FALSE, []
        if asked and why:
            return Truth.TRUE, []
        return Truth.UNKNOWN, [
            n
            for n, v in (("changes.termination_requested", asked), ("changes.request_justified", why))
            if v is None
        ]
    # Trigger.ECONOMIC: only aid that rested on the hardship condition can lose it
    if before.economic is Economic.NOT_REQUIRED or after is None:
        return Truth.FALSE, []
    if after.economic is Economic.FAILED:
        return Truth.TRUE, []
    if after.economic is Economic.UNKNOWN:
        return Truth.UNKNOWN, [f"changes.application.{m.fact}" for m in after.missing]
    return Truth.FALSE, []


def _deferred(chg: Changes, days: int) -> tuple[Truth, list[str]]:
    """Whether termination waits for a hearing in progress or fewer than ``days`` days away."""
    if chg.hearing_in_progress or (chg.days_to_next_hearing is not None and chg.days_to_next_hearing <= days):
        return Truth.TRUE, []
    if chg.hearing_in_progress is False and chg.days_to_next_hearing is not None:
        return Truth.FALSE, []
    need = [
        ("changes.hearing_in_progress", chg.hearing_in_progress),
        ("changes.days_to_next_hearing", chg.days_to_next_hearing),
    ]
    return Truth.UNKNOWN, [n for n, v in need if v is None]


# -- reassessment cases: `*.reassessment.tests.yml` beside the grounds, run by tests and the CLI --

CASES_SUFFIX = ".reassessment.tests.yml"
"""Files of reassessment cases: ``pack``, then ``cases`` (name, description, granted, changes, expect)."""


class _Expect(_Model):
    outcome: ReassessmentOutcome | None = None
    grounds: tuple[str, ...] | None = Field(None, description="ids of the grounds that hold, any order")
    deferred: tuple[str, ...] | None = None
    missing: tuple[str, ...] | None = None
    warnings: tuple[str, ...] | None = None


class _Case(_Model):
    name: str = Field(pattern=r"^[a-z0-9-]+$")
    description: str = Field(min_length=1)
    granted: dict[str, Any]
    changes: dict[str, Any]
    expect: _Expect


class _CasesFile(_Model):
    pack: str
    cases: tuple[_Case, ...] = Field(min_length=1)


class CaseOutcome(_Model):
    """One reassessment case as run: the differences from what it expects (none: passed)."""

    file: str
    name: str
    backend: str
    differences: tuple[str, ...]
    pack: str = Field(description="`id@version` of the pack the case ran with")
    seen: dict[str, Truth] = Field(description="each ground's result, for coverage")

    @property
    def passed(self) -> bool:
        """Whether the reassessment matched every expectation."""
        return not self.differences


def run_cases(path: Path, *, backend: str = "native") -> list[CaseOutcome]:
    """Run one file of reassessment cases against the packs of the rules root it sits under.

    Raises:
        PackError: the file cannot be read or does not follow the format.
    """
    doc, problems = read_yaml(path.read_text(encoding="utf-8"), str(path))
    if doc is None or problems:
        raise PackError(problems)
    try:
        data = _CasesFile.model_validate(doc.data)
    except ValidationError as exc:
        raise PackError(problems_from_validation(exc, doc.marks, prefix="reassessment")) from None
    root = path.parent
    for _part in data.pack.split("/"):
        root = root.parent
    registry = Registry(root)
    out = []
    for case in data.cases:
        pack = registry.load(data.pack, dt.date.fromisoformat(str(case.granted["date"])))
        got = reassess(pack, case.granted, case.changes, backend=backend)
        e = case.expect
        diffs: list[str] = []
        if e.outcome is not None and e.outcome is not got.outcome:
            diffs.append(f"outcome: expected {e.outcome.value}, got {got.outcome.value}")
        for key, want, have in (
            ("grounds", e.grounds, [g.ground for g in got.holding]),
            ("deferred", e.deferred, [g.ground for g in got.grounds if g.deferred is Truth.TRUE]),
            ("missing", e.missing, list(got.missing)),
            ("warnings", e.warnings, [w.code for w in got.warnings]),
        ):
            if want is not None and sorted(want) != sorted(have):
                diffs.append(
                    _("{key}: expected {want}, got {have}").format(
                        key=key, want=sorted(want), have=sorted(have)
                    )
                )
        out.append(
            CaseOutcome(
                file=str(path),
                name=case.name,
                backend=backend,
                differences=tuple(diffs),
                pack=f"{pack.id}@{pack.version}",
                seen={g.ground: g.result for g in got.grounds},
            )
        )
    return out
