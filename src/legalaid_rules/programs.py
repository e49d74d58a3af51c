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

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from legalaid_rules.applications import Application
from legalaid_rules.backends.native import plan_for
from legalaid_rules.decisions import ProgramResult
from legalaid_rules.errors import ApplicationError
from legalaid_rules.evaluation.intake import check_application, to_application
from legalaid_rules.evaluation.programs import program_results
from legalaid_rules.packs.model import ResolvedPack, render_citations
from legalaid_rules.packs.places import Place
from legalaid_rules.packs.schema import TargetEntry
from legalaid_rules.values import MATH

__all__ = ["TargetProgress", "account", "progress"]


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
    app = to_application(application)
    try:
        check_application(pack, app)
    except ApplicationError as exc:
        rest = [p for p in exc.problems if p.code != "application.date_outside_pack"]
        if rest:
            raise ApplicationError(rest) from None
    found = plan_for(pack).run(app, Place.of(pack, app))
    approved = app.case is not None and app.case.approved_on is not None
    on = app.case.closed_on if app.case and app.case.closed_on else app.date
    return program_results(
        pack,
        app,
        found.results,
        True if approved else None,
        found.unknowns,
        on=on,
    )


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
