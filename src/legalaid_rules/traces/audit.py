"""Batch audit: decide past decisions again and compare them with what staff recorded.

The input is JSON Lines as an intake system exports them, one past decision per line::

    {"id": "AQ-2023-0001", "date": "2023-06-01", "office": "huaining", "pack": "anhui/anqing",
     "outcome": "eligible", "application": {...facts...}}

``date`` and ``office`` fill the application's own when it has none; ``pack`` may be left to a
default; ``economic`` (the recorded economic condition) and ``reasons`` (rule ids staff cited)
are optional and compared when given. Each record is decided with the pack version in force on
its date. A record that cannot be read or decided is listed as invalid with its line number and
problems: every line goes through the input boundary (:mod:`legalaid_rules.inputs`: encoding,
size, depth, digits, duplicate keys) and the strict application model, so no line, however
broken, stops the audit.

Besides the totals the report keeps what an auditor hands on: the packs used (id, version,
digest), the source file's name and SHA-256, the library version and when the audit was made,
the outcome confusion table (recorded against recomputed), the direction of each disagreement,
and counts by county, month and deciding rule.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from legalaid_rules._version import __version__
from legalaid_rules.decisions import Decision, Outcome
from legalaid_rules.errors import LegalAidRulesError, Problem
from legalaid_rules.evaluation import evaluate, to_application
from legalaid_rules.i18n import _
from legalaid_rules.inputs import MAX_BYTES, parse_json
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.registry import Registry, bundled_registry
from legalaid_rules.source_text import decode_text

__all__ = ["DIRECTIONS", "AuditReport", "Disagreement", "InvalidRecord", "audit_lines"]

_OUTCOMES = {o.value for o in Outcome}
_PACK_ID = re.compile(r"[a-z][a-z0-9_-]{0,40}(?:/[a-z][a-z0-9_-]{0,40}){0,4}")

DIRECTIONS = {
    "granted_wrongly": "记录为符合、规则认定不符合 granted, the rules refuse",
    "refused_wrongly": "记录为不符合、规则认定符合 refused, the rules grant",
    "decided_early": "记录已作决定、规则尚无法判断 decided, the rules need more facts",
    "left_open": "记录未决、规则可作决定 left open, the rules decide",
    "other_grounds": "结论相同、理由不同 same outcome, other grounds",
}
"""The direction of a disagreement, by key, with its label (Chinese and English)."""


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
    county: str = "-"

    @property
    def direction(self) -> str:
        """Which way the recorded decision errs: a key of :data:`DIRECTIONS`."""
        if self.recorded == self.computed:
            return "other_grounds"
        if self.recorded == "eligible" and self.computed == "ineligible":
            return "granted_wrongly"
        if self.recorded == "ineligible" and self.computed == "eligible":
            return "refused_wrongly"
        return "decided_early" if self.computed == "undetermined" else "left_open"

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
    kind: str = "invalid"  # the code of the first problem, e.g. ``input.encoding``


@dataclass
class AuditReport:
    """The result of an audit: totals, every disagreement and every invalid record.

    ``confusion`` counts (recorded, recomputed) outcomes of every record decided; ``by_county``
    and ``by_month`` count ``records`` and ``disagreements`` per county (or office) and month;
    ``by_rule`` counts the disagreements each rule decided; ``rule_decisions`` counts the
    records each rule decided (agreements too) by pack and the rule's result, so that rules
    deciding every case the same way can be left out of rankings; ``packs`` maps
    ``id@version`` to the pack digest.
    """

    total: int = 0
    agreements: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    invalid: list[InvalidRecord] = field(default_factory=list)
    by_rule: Counter[str] = field(default_factory=Counter)  # deciding rule -> disagreements
    by_pack: Counter[str] = field(default_factory=Counter)  # pack -> records audited
    seconds: float = 0.0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_county: Counter[tuple[str, str]] = field(default_factory=Counter)  # (county, records|disagreements)
    by_month: Counter[tuple[str, str]] = field(default_factory=Counter)  # (YYYY-MM, records|disagreements)
    rule_decisions: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (pack, rule, result)
    rule_names: dict[str, str] = field(default_factory=dict)  # rule id -> its Chinese name
    place_names: dict[str, str] = field(default_factory=dict)  # county or office id -> Chinese name
    packs: dict[str, str] = field(default_factory=dict)  # "id@version" -> digest
    lines: int = 0  # lines read, blank ones included
    blank: int = 0
    source: str | None = None  # the audited file's name
    source_sha256: str | None = None
    made_at: dt.datetime | None = None
    library_version: str = __version__

    @property
    def ok(self) -> bool:
        """Whether every record was valid and agreed."""
        return not self.disagreements and not self.invalid

    @property
    def decided(self) -> int:
        """Records decided again (agreements and disagreements)."""
        return self.agreements + len(self.disagreements)

    def directions(self) -> Counter[str]:
        """Disagreements by direction (keys of :data:`DIRECTIONS`)."""
        return Counter(d.direction for d in self.disagreements)

    def rules_deciding_every_case(self) -> tuple[str, ...]:
        """Rules that decided every record of their pack, the same way (e.g. the scope lookup).

        Such a rule tells nothing about why records disagree; a rule that decided every record
        but with different results (the means test: met here, not met there) is kept.
        """
        every = {r for (pack, r, _), n in self.rule_decisions.items() if n == self.by_pack.get(pack, -1)}
        return tuple(sorted(every))

    def informative_rules(self) -> list[tuple[str, int]]:
        """Disagreements by deciding rule, most first, leaving out rules that decide every case."""
        everywhere = set(self.rules_deciding_every_case())
        return sorted(
            ((r, n) for r, n in self.by_rule.items() if r not in everywhere), key=lambda kv: (-kv[1], kv[0])
        )

    def merge(self, part: AuditReport) -> None:
        """Add the counts of an audit of later lines (the parallel audit's chunks)."""
        self.total += part.total
        self.agreements += part.agreements
        self.disagreements.extend(part.disagreements)
        self.invalid.extend(part.invalid)
        self.lines += part.lines
        self.blank += part.blank
        for mine, theirs in (
            (self.by_rule, part.by_rule),
            (self.by_pack, part.by_pack),
            (self.confusion, part.confusion),
            (self.by_county, part.by_county),
            (self.by_month, part.by_month),
            (self.rule_decisions, part.rule_decisions),
        ):
            mine.update(theirs)  # type: ignore[arg-type]
        self.rule_names.update(part.rule_names)
        self.place_names.update(part.place_names)
        self.packs.update(part.packs)


def audit_lines(
    lines: Iterable[str | bytes],
    *,
    registry: Registry | None = None,
    pack: str | None = None,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
    source: str | None = None,
    source_sha256: str | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> AuditReport:
    """Audit past decisions given as JSON lines.

    Args:
        lines: one JSON object per line (blank lines are skipped); bytes must be UTF-8.
        registry: where to find packs (the bundled packs by default).
        pack: the pack id for records that name none.
        progress: called with the count of lines read, every 500 lines and at the end.
        jobs: worker processes; with more than one, the lines are audited in chunks in parallel
            (each worker loads the packs from ``registry.root``) and the report is the same.
        source: the audited file's name, for the report.
        source_sha256: the audited file's SHA-256 (hex), for the report.
        clock: when the audit is made (default: UTC now, to the second).
    """
    registry = registry or bundled_registry()
    start = time.perf_counter()
    if jobs > 1:
        report = _parallel(list(lines), registry, pack, progress, jobs)
    else:
        report = _audit_chunk(lines, 1, registry, pack, progress)
    report.seconds = time.perf_counter() - start
    report.source, report.source_sha256 = source, source_sha256
    report.made_at = clock() if clock else dt.datetime.now(dt.UTC).replace(microsecond=0)
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
        report.lines += 1
        if not raw.strip():
            report.blank += 1
            continue
        report.total += 1
        try:
            _audit_one(n, raw, registry, pack, packs, report)
        except Exception as exc:  # one record must never stop an audit
            # A bug, not bad input (every input problem is an ApplicationError): report it with
            # the line and go on, so the other records are still audited.
            problem = f"internal error (please report it): {type(exc).__name__}: {str(exc)[:200]}"
            report.invalid.append(InvalidRecord(n, None, (problem,), "internal_error"))
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
            report.merge(future.result())
            done += min(_CHUNK, len(lines) - done)
            if progress is not None:
                progress(done)
    return report


def _invalid(report: AuditReport, n: int, rid: str | None, problems: Iterable[Problem | str]) -> None:
    found = tuple(problems)
    kind = next((p.code for p in found if isinstance(p, Problem)), "invalid")
    report.invalid.append(InvalidRecord(n, rid, tuple(_line_problem(p) for p in found), kind))


def _line_problem(problem: Problem | str) -> str:
    """A problem as one line of the report (the line number is shown beside it)."""
    if isinstance(problem, str):
        return problem
    where = problem.location
    if where.line is not None:  # a position in the line: the column is what matters
        text = f"column {where.column or 1}: {problem.message}"
    elif where.path:
        text = f"{where.path}: {problem.message}"
    else:
        text = problem.message
    return text + (f" (hint: {problem.hint})" if problem.hint else "")


def _read_record(n: int, raw: str | bytes, report: AuditReport) -> dict[str, Any] | None:
    """One line's JSON object, or None when it is not one (then it is listed as invalid)."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_BYTES:
            _invalid(
                report,
                n,
                None,
                [
                    Problem(
                        "input.too_large",
                        _("the line is {value} bytes long (at most {max_bytes})").format(
                            value=format(len(raw), ","), max_bytes=format(MAX_BYTES, ",")
                        ),
                    )
                ],
            )
            return None
        text, problem = decode_text(raw, None, "input")
        if text is None:
            _invalid(report, n, None, [problem] if problem else ["not UTF-8 text"])
            return None
    else:
        text = raw
    try:
        record = parse_json(text)
    except LegalAidRulesError as exc:
        _invalid(report, n, None, getattr(exc, "problems", ()) or (str(exc),))
        return None
    if not isinstance(record, dict):
        _invalid(report, n, None, [Problem("audit.not_an_object", _("a record must be a JSON object"))])
        return None
    return record


def _audit_one(
    n: int,
    raw: str | bytes,
    registry: Registry,
    default_pack: str | None,
    packs: dict[tuple[str, dt.date], ResolvedPack | str],
    report: AuditReport,
) -> None:
    record = _read_record(n, raw, report)
    if record is None:
        return
    rid = _text(record.get("id", f"line {n}"))
    problems = _shape(record, default_pack)
    if problems:
        _invalid(report, n, rid, [Problem("audit.shape", p) for p in problems])
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
    except _PackUnavailable as exc:
        _invalid(report, n, rid, [Problem("audit.pack", str(exc))])
        return
    except LegalAidRulesError as exc:
        _invalid(report, n, rid, getattr(exc, "problems", ()) or (str(exc),))
        return
    report.by_pack[pack_id] += 1
    report.packs[f"{resolved.id}@{resolved.version}"] = resolved.digest
    county = app.locality.county or app.office or "-"
    if county not in report.place_names and county in resolved.regions:
        report.place_names[county] = resolved.region_name(county)
    month = app.date.strftime("%Y-%m")
    report.by_county[(county, "records")] += 1
    report.by_month[(month, "records")] += 1
    report.confusion[(str(record["outcome"]), decision.outcome.value)] += 1
    for reason in decision.reasons:
        report.rule_decisions[(pack_id, reason.rule, str(reason.result))] += 1
        if reason.rule not in report.rule_names:
            report.rule_names[reason.rule] = resolved.rule(reason.rule).zh
    found_disagreement = _compare(n, rid, pack_id, record, decision, county)
    if found_disagreement is None:
        report.agreements += 1
        return
    report.disagreements.append(found_disagreement)
    report.by_county[(county, "disagreements")] += 1
    report.by_month[(month, "disagreements")] += 1
    for rule in dict.fromkeys(r[0] for r in found_disagreement.reasons) or ("(no deciding rule)",):
        report.by_rule[rule] += 1


def _text(value: Any) -> str:
    """A record's id as text, short whatever was given."""
    text = value if isinstance(value, str) else repr(value) if isinstance(value, int | bool) else "?"
    return text if len(text) <= 80 else text[:77] + "..."


def _shape(record: Mapping[str, Any], default_pack: str | None) -> list[str]:
    problems = []
    outcome = record.get("outcome")
    if not (isinstance(outcome, str) and outcome in _OUTCOMES):
        problems.append(
            f"`outcome`: expected one of {', '.join(sorted(_OUTCOMES))}, got {repr(outcome)[:60]}"
        )
    if not isinstance(record.get("application"), dict):
        problems.append("`application`: an object of application facts is required")
    if not isinstance(record.get("date"), str):
        problems.append("`date`: the date of the decision (YYYY-MM-DD) is required")
    if not (record.get("pack") or default_pack):
        problems.append("`pack`: no pack named, and no default pack given")
    else:
        named = record.get("pack") or default_pack
        if not (isinstance(named, str) and _PACK_ID.fullmatch(named)):
            problems.append(f"`pack`: a pack id such as `anhui/anqing`, got {repr(named)[:60]}")
    economic = record.get("economic")
    if economic is not None and not isinstance(economic, str):
        problems.append("`economic`: the recorded economic condition, as text")
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


def _compare(
    n: int, rid: str, pack_id: str, record: Mapping[str, Any], d: Decision, county: str
) -> Disagreement | None:
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
        county=county,
    )
