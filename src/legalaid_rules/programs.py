"""Program accounting: whether a case counts toward a local program, its subsidy, and progress.

A pack declares programs (民生工程 / 惠民工程 / 民生实事) under ``programs`` and says, with
ordinary rules, which cases count::

    rules:
      zezhou.program.window:                    # every counted case meets this
        when: case.approved_on >= 2021-10-01 and year(case.closed_on) == 2022
        then: {program_requires: zezhou_huimin_2022}
      zezhou.program.civil_or_victim:           # ... and at least one of these
        when: listed(matter) or criminal.role in ['victim', 'private_prosecutor', 'civil_plaintiff']
        then: {program: zezhou_huimin_2022}

In three-valued logic: counts = eligible (unless ``eligible_only: false``) AND every
``program_requires`` rule AND (any ``program`` rule). Targets (``targets`` with ``program:``)
give progress from case counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from legalaid_rules.applications import Application
from legalaid_rules.decisions import TRUTH, ProgramResult
from legalaid_rules.errors import ApplicationError
from legalaid_rules.native import Context, plan_for
from legalaid_rules.packs.model import ResolvedPack, Rule, render_citations
from legalaid_rules.packs.schema import ProgramEntry, TargetEntry
from legalaid_rules.unknowns import MissingKey, missing_path
from legalaid_rules.values import MATH, Tri, all_of, any_of

__all__ = [
    "TargetProgress",
    "account",
    "program_results",
    "programs_of",
    "progress",
]


@dataclass(frozen=True, slots=True)
class _ProgramLayout:
    entry: ProgramEntry
    requires: tuple[Rule, ...]
    any_of: tuple[Rule, ...]
    basis: str
    verified: bool


def programs_of(pack: ResolvedPack) -> dict[str, ProgramEntry]:
    """The pack's programs, parents' first; a child's ``override: true`` entry replaces a parent's."""
    merged: dict[str, ProgramEntry] = {}
    for pf in pack.raw:
        merged.update(pf.programs)
    return merged


def _layouts(pack: ResolvedPack) -> dict[str, _ProgramLayout]:
    found = pack.derived.get("programs")
    if isinstance(found, dict):
        return found
    out: dict[str, _ProgramLayout] = {}
    for pid, entry in programs_of(pack).items():
        basis = render_citations(entry.basis, pack.sources)
        out[pid] = _ProgramLayout(
            entry,
            tuple(r for r in pack.rules if r.effect.program_requires == pid),
            tuple(r for r in pack.rules if r.effect.program == pid),
            basis.zh,
            entry.verified and basis.verified,
        )
    pack.derived.setdefault("programs", out)
    return out


def program_results(
    pack: ResolvedPack,
    app: Application,
    results: Mapping[str, Tri],
    eligible: Tri,
    unknowns: Callable[[str], set[MissingKey]],
    *,
    on: dt.date | None = None,
) -> tuple[ProgramResult, ...]:
    """Each program in force on ``on`` (default: the application date), and whether the case counts.

    Args:
        pack: the resolved pack.
        app: the application.
        results: every rule's three-valued result.
        eligible: the decision's eligibility (true, false, or None when undetermined).
        unknowns: the unknown facts that leave a rule unknown (from the backend).
        on: the date that selects the programs reported.
    """
    day = on or app.date
    out: list[ProgramResult] = []
    for pid, lay in _layouts(pack).items():
        if not lay.entry.effective.covers(day):
            continue
        elig: Tri = eligible if lay.entry.eligible_only else True
        req = all_of(results[r.id] for r in lay.requires)
        some = any_of(results[r.id] for r in lay.any_of) if lay.any_of else True
        counts = all_of((elig, req, some))
        if counts is True:
            deciding = [r for r in lay.requires] + [r for r in lay.any_of if results[r.id] is True]
        elif counts is False:
            deciding = [r for r in lay.requires if results[r.id] is False]
            if some is False:
                deciding += list(lay.any_of)
        else:
            deciding = [r for r in lay.requires if results[r.id] is None]
            if some is None:
                deciding += [r for r in lay.any_of if results[r.id] is None]
        missing: set[str] = set()
        if counts is None:
            for r in deciding:
                missing |= {missing_path(k) for k in unknowns(r.id)}
        out.append(
            ProgramResult(
                program=pid,
                zh=lay.entry.zh,
                kind=lay.entry.kind,
                counts=TRUTH[counts],
                subsidy=_subsidy(pack, lay.entry, app) if counts is True else None,
                rules=tuple(r.id for r in deciding),
                missing=tuple(sorted(missing)),
                basis=lay.basis,
                verified=lay.verified and all(r.verified for r in deciding),
            )
        )
    return tuple(out)


def _subsidy(pack: ResolvedPack, entry: ProgramEntry, app: Application) -> Decimal | None:
    if entry.subsidy is None:
        return None
    day = app.case.closed_on if app.case and app.case.closed_on else app.date
    value = pack.parameters[entry.subsidy].value(day)
    return value if isinstance(value, Decimal) else None


def account(pack: ResolvedPack, application: Application | Mapping[str, Any]) -> tuple[ProgramResult, ...]:
    """Whether an approved case counts toward the pack's programs, at closing time.

    Unlike :func:`~legalaid_rules.evaluate`, the application date may fall before the pack's
    period (Zezhou 2022 counts cases approved from 2021-10-01, before the Legal Aid Law and so
    before any pack): only the program rules and the rules they use are evaluated, and the
    approval itself stands for eligibility (the office found the conditions met). The programs
    reported are those in force on the closing date (else the application date).

    Raises:
        ApplicationError: the application is invalid, or does not fit the pack (its date may
            fall outside the pack's period).
    """
    from legalaid_rules.evaluator import check_application, to_application  # it imports this module

    app = to_application(application)
    try:
        check_application(pack, app)
    except ApplicationError as exc:
        rest = [p for p in exc.problems if p.code != "application.date_outside_pack"]
        if rest:
            raise ApplicationError(rest) from None
    plan = plan_for(pack)
    ctx = Context(pack, app)
    ctx.recording = False
    needed = _needed(pack)
    for rid, fn in plan.rules:
        if rid in needed:
            ctx.results[rid] = fn(ctx)
    approved = app.case is not None and app.case.approved_on is not None
    on = app.case.closed_on if app.case and app.case.closed_on else app.date
    return program_results(
        pack,
        app,
        ctx.results,
        True if approved else None,
        lambda rid: plan.unknowns(ctx, pack.rule(rid).condition),
        on=on,
    )


def _needed(pack: ResolvedPack) -> set[str]:
    """The program rules and every rule they use, directly or not."""
    todo = [r.id for r in pack.rules if r.effect.program or r.effect.program_requires]
    seen: set[str] = set()
    while todo:
        rid = todo.pop()
        if rid not in seen:
            seen.add(rid)
            todo.extend(pack.rule(rid).depends_on)
    return seen


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """Progress of one unit against its target."""

    target: str
    zh: str
    region: str | None
    program: str | None
    measure: str
    count: int  # the target
    done: int
    remaining: int
    excess: int  # done beyond the target: Zezhou pays these from ordinary funds (五(二)2)
    ratio: Decimal  # done / count, exact (0 when the target is 0)
    met: bool
    basis: str


def progress(
    pack: ResolvedPack,
    done: Mapping[str, int],
    *,
    program: str | None = None,
    measure: str | None = None,
) -> tuple[TargetProgress, ...]:
    """Progress against every target of the pack, from case (or consultation) counts by target id.

    Args:
        pack: the resolved pack.
        done: counts by target id; a target not named counts 0.
        program: only the targets of this program.
        measure: only targets of this measure (``cases`` or ``consultations``).

    Raises:
        KeyError: ``done`` names a target the pack does not have.
    """
    unknown = sorted(set(done) - set(pack.targets))
    if unknown:
        raise KeyError(f"unknown target `{unknown[0]}`")
    out = []
    for tid, t in pack.targets.items():
        if (program is not None and t.program != program) or (measure is not None and t.measure != measure):
            continue
        out.append(_progress(pack, tid, t, done.get(tid, 0)))
    return tuple(out)


def _progress(pack: ResolvedPack, tid: str, t: TargetEntry, n: int) -> TargetProgress:
    if n < 0:
        raise ValueError(f"a count cannot be negative: `{tid}` {n}")
    ratio = MATH.divide(Decimal(n), Decimal(t.count)) if t.count else Decimal(0)
    return TargetProgress(
        target=tid,
        zh=t.zh,
        region=t.region,
        program=t.program,
        measure=t.measure,
        count=t.count,
        done=n,
        remaining=max(t.count - n, 0),
        excess=max(n - t.count, 0),
        ratio=ratio,
        met=n >= t.count,
        basis=render_citations(t.basis, pack.sources).zh,
    )
