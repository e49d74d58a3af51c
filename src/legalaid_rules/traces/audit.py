"""Batch audit: decide past decisions again and compare them with what staff recorded.

The input is JSON Lines as an intake system exports them, one past decision per line::

    {"id": "AQ-2023-0001", "date": "2023-06-01", "office": "huaining", "pack": "anhui/anqing",
     "outcome": "eligible", "application": {...facts...}}

``date`` and ``office`` fill the application's own when it has none; ``pack`` may be left to a
default; ``economic`` (the recorded economic condition) and ``reasons`` (rule ids staff cited)
are optional and compared when given. Each record is decided with the pack version in force on
its date. A record that cannot be read or decided is listed as invalid with its problems; the
audit never stops on one bad record.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from legalaid_rules.decisions import Decision, Outcome
from legalaid_rules.errors import LegalAidRulesError, Problem
from legalaid_rules.evaluation import evaluate, to_application
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.registry import Registry, bundled_registry

__all__ = ["AuditReport", "Disagreement", "InvalidRecord", "audit_lines"]

_OUTCOMES = {o.value for o in Outcome}


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A past decision the rules decide otherwise, with the reasons that decide it now."""

    line: int
    id: str
    pack: str
    date: dt.date
    recorded: str
    computed: str
    recorded_economic: str | None
    computed_economic: str
    reasons: tuple[tuple[str, str, str, str], ...]  # (rule, zh, en, basis) of the decision now
    rules_only_recorded: tuple[str, ...]  # rules staff cited that do not decide now
    rules_only_computed: tuple[str, ...]  # rules that decide now that staff did not cite
    missing: tuple[str, ...]

    def fields_differing(self) -> tuple[str, ...]:
        """Which recorded fields differ: ``outcome``, ``economic``, ``reasons``."""
        out = []
        if self.recorded != self.computed:
            out.append("outcome")
        if self.recorded_economic is not None and self.recorded_economic != self.computed_economic:
            out.append("economic")
        if self.rules_only_recorded or self.rules_only_computed:
            out.append("reasons")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class InvalidRecord:
    """A line that could not be audited, with every problem found."""

    line: int
    id: str | None
    problems: tuple[str, ...]


@dataclass
class AuditReport:
    """The result of an audit: totals, every disagreement and every invalid record."""

    total: int = 0
    agreements: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    invalid: list[InvalidRecord] = field(default_factory=list)
    by_rule: Counter[str] = field(default_factory=Counter)  # deciding rule -> disagreements
    by_pack: Counter[str] = field(default_factory=Counter)  # pack -> records audited
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether every record was valid and agreed."""
        return not self.disagreements and not self.invalid


def audit_lines(
    lines: Iterable[str | bytes],
    *,
    registry: Registry | None = None,
    pack: str | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> AuditReport:
    """Audit past decisions given as JSON lines.

    Args:
        lines: one JSON object per line (blank lines are skipped).
        registry: where to find packs (the bundled packs by default).
        pack: the pack id for records that name none.
        progress: called with the count of lines read, every 500 lines and at the end.
        jobs: worker processes; with more than one, the lines are audited in chunks in parallel
            (each worker loads the packs from ``registry.root``) and the report is the same.
    """
    registry = registry or bundled_registry()
    start = time.perf_counter()
    if jobs > 1:
        report = _parallel(list(lines), registry, pack, progress, jobs)
    else:
        report = _audit_chunk(lines, 1, registry, pack, progress)
    report.seconds = time.perf_counter() - start
    return report


def _audit_chunk(
    lines: Iterable[str | bytes],
    first: int,
    registry: Registry,
    pack: str | None,
    progress: Callable[[int], None] | None = None,
) -> AuditReport:
    packs: dict[tuple[str, dt.date], ResolvedPack | str] = {}
    report = AuditReport()
    n = first - 1
    for n, raw in enumerate(lines, first):
        if progress is not None and n % 500 == 0:
            progress(n)
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if not text.strip():
            continue
        report.total += 1
        _audit_one(n, text, registry, pack, packs, report)
    if progress is not None:
        progress(n)
    return report


_CHUNK = 2000
_WORKER_REGISTRIES: dict[str, Registry] = {}


def _worker(root: str, first: int, lines: list[str | bytes], pack: str | None) -> AuditReport:
    registry = _WORKER_REGISTRIES.setdefault(root, Registry(root))
    return _audit_chunk(lines, first, registry, pack)


def _parallel(
    lines: list[str | bytes],
    registry: Registry,
    pack: str | None,
    progress: Callable[[int], None] | None,
    jobs: int,
) -> AuditReport:
    """Chunks of lines audited in worker processes, merged in line order."""
    report = AuditReport()
    done = 0
    context = multiprocessing.get_context("spawn")  # safe whatever threads the caller runs
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [
            pool.submit(_worker, str(registry.root), i + 1, lines[i : i + _CHUNK], pack)
            for i in range(0, len(lines), _CHUNK)
        ]
        for future in futures:
            part = future.result()
            report.total += part.total
            report.agreements += part.agreements
            report.disagreements.extend(part.disagreements)
            report.invalid.extend(part.invalid)
            report.by_rule.update(part.by_rule)
            report.by_pack.update(part.by_pack)
            done += min(_CHUNK, len(lines) - done)
            if progress is not None:
                progress(done)
    return report


def _audit_one(
    n: int,
    text: str,
    registry: Registry,
    default_pack: str | None,
    packs: dict[tuple[str, dt.date], ResolvedPack | str],
    report: AuditReport,
) -> None:
    try:
        record = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        report.invalid.append(InvalidRecord(n, None, (f"not valid JSON: {exc.msg} at column {exc.colno}",)))
        return
    if not isinstance(record, dict):
        report.invalid.append(InvalidRecord(n, None, ("a record must be a JSON object",)))
        return
    rid = str(record.get("id", f"line {n}"))
    problems = _shape(record, default_pack)
    if problems:
        report.invalid.append(InvalidRecord(n, rid, tuple(problems)))
        return
    pack_id = str(record.get("pack") or default_pack)
    app_data = dict(record["application"])
    app_data.setdefault("date", record["date"])
    if record.get("office") is not None:
        app_data.setdefault("office", record["office"])
    try:
        app = to_application(app_data)
        resolved = _pack(registry, packs, pack_id, app.date)
        decision = evaluate(resolved, app, steps=False)
    except LegalAidRulesError as exc:
        found: tuple[Problem, ...] = getattr(exc, "problems", ())
        report.invalid.append(InvalidRecord(n, rid, tuple(str(p) for p in found) or (str(exc),)))
        return
    report.by_pack[pack_id] += 1
    found_disagreement = _compare(n, rid, pack_id, record, decision)
    if found_disagreement is None:
        report.agreements += 1
        return
    report.disagreements.append(found_disagreement)
    for rule in dict.fromkeys(r[0] for r in found_disagreement.reasons) or ("(no deciding rule)",):
        report.by_rule[rule] += 1


def _shape(record: Mapping[str, Any], default_pack: str | None) -> list[str]:
    problems = []
    if record.get("outcome") not in _OUTCOMES:
        problems.append(
            f"`outcome`: expected one of {', '.join(sorted(_OUTCOMES))}, got {record.get('outcome')!r}"
        )
    if not isinstance(record.get("application"), dict):
        problems.append("`application`: an object of application facts is required")
    if not isinstance(record.get("date"), str):
        problems.append("`date`: the date of the decision (YYYY-MM-DD) is required")
    if not (record.get("pack") or default_pack):
        problems.append("`pack`: no pack named, and no default pack given")
    reasons = record.get("reasons")
    if reasons is not None and not (isinstance(reasons, list) and all(isinstance(r, str) for r in reasons)):
        problems.append("`reasons`: a list of rule ids")
    return problems


def _pack(
    registry: Registry, packs: dict[tuple[str, dt.date], ResolvedPack | str], pack_id: str, on: dt.date
) -> ResolvedPack:
    """The pack in force on a date, once per (pack, date): failures are remembered too."""
    key = (pack_id, on)
    hit = packs.get(key)
    if hit is None:
        try:
            hit = registry.load(pack_id, on)
        except LegalAidRulesError as exc:
            hit = str(exc).splitlines()[0]
        packs[key] = hit
    if isinstance(hit, str):
        raise _PackUnavailable(hit)
    return hit


class _PackUnavailable(LegalAidRulesError):
    """The pack for a record cannot be loaded (the message says why)."""


def _compare(n: int, rid: str, pack_id: str, record: Mapping[str, Any], d: Decision) -> Disagreement | None:
    recorded = str(record["outcome"])
    recorded_economic = record.get("economic")
    cited = tuple(record.get("reasons") or ())
    deciding = tuple(r.rule for r in d.reasons)
    only_recorded = tuple(r for r in cited if r not in deciding) if cited else ()
    only_computed = tuple(r for r in deciding if r not in cited) if cited else ()
    same = (
        recorded == d.outcome.value
        and (recorded_economic is None or recorded_economic == d.economic.value)
        and not only_recorded
        and not only_computed
    )
    if same:
        return None
    return Disagreement(
        line=n,
        id=rid,
        pack=pack_id,
        date=d.date,
        recorded=recorded,
        computed=d.outcome.value,
        recorded_economic=None if recorded_economic is None else str(recorded_economic),
        computed_economic=d.economic.value,
        reasons=tuple((r.rule, r.zh, r.en, r.basis) for r in d.reasons),
        rules_only_recorded=only_recorded,
        rules_only_computed=only_computed,
        missing=tuple(m.fact for m in d.missing),
    )
