"""Program results: whether a decided case counts toward each local program, and its subsidy.

In three-valued logic: counts = eligible (unless ``eligible_only: false``) AND every
``program_requires`` rule AND (any ``program`` rule). See :mod:`legalaid_rules.programs` for
the pack format, accounting at closing time and progress against targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from legalaid_rules.applications import Application
from legalaid_rules.backends.unknowns import MissingKey, missing_path
from legalaid_rules.decisions import TRUTH, ProgramResult
from legalaid_rules.packs.model import ResolvedPack, Rule, render_citations
from legalaid_rules.packs.schema import ProgramEntry
from legalaid_rules.values import Tri, all_of, any_of

__all__ = ["program_results"]


@dataclass(frozen=True, slots=True)
class _ProgramLayout:
    entry: ProgramEntry
    requires: tuple[Rule, ...]
    any_of: tuple[Rule, ...]
    basis: str
    verified: bool


class _Programs(dict[str, _ProgramLayout]):
    """The programs of one pack, laid out once (kept in the pack's cache)."""


def _layouts(pack: ResolvedPack) -> _Programs:
    return pack.cache.get(_Programs, lambda: _build(pack))


def _build(pack: ResolvedPack) -> _Programs:
    out = _Programs()
    for pid, entry in pack.programs.items():
        basis = render_citations(entry.basis, pack.sources)
        out[pid] = _ProgramLayout(
            entry,
            tuple(r for r in pack.rules if r.effect.program_requires == pid),
            tuple(r for r in pack.rules if r.effect.program == pid),
            basis.zh,
            entry.verified and basis.verified,
        )
    return out


def program_results(
    pack: ResolvedPack,
    app: Application,
    results: Mapping[str, Tri],
    eligible: Tri,
    unknowns: Callable[[str], set[MissingKey]],
    *,
    on: dt.date | None = None,
    open_rules: Sequence[Rule] = (),
) -> tuple[ProgramResult, ...]:
    """Each program in force on ``on`` (default: the application date), and whether the case counts.

    Args:
        pack: the resolved pack.
        app: the application.
        results: every rule's three-valued result.
        eligible: the decision's eligibility (true, false, or None when undetermined).
        unknowns: the unknown facts that leave a rule unknown (from the backend).
        on: the date that selects the programs reported.
        open_rules: the rules that leave an undetermined decision open: a program that counts
            eligible cases only is open for the same reasons and the same missing facts.
    """
    if not pack.programs:
        return ()
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
            deciding = list(open_rules) if elig is None else []
            deciding += [r for r in lay.requires if results[r.id] is None]
            if some is None:
                deciding += [r for r in lay.any_of if results[r.id] is None]
        deciding = list({r.id: r for r in deciding}.values())  # each rule once, first place kept
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
