"""Batch audit: re-decide past decisions exported by an intake system, and compare.

The input is JSON Lines, one past decision per line::

    {"application": {...}, "outcome": "eligible", "date": "2023-06-01",
     "office": "huaining", "pack": "anhui/anqing"}

- ``application``: the application facts, as for ``legalaid-rules evaluate`` (its ``date`` may
  be left out: the line's ``date`` is used);
- ``outcome``: what staff decided: ``eligible``, ``ineligible`` or ``undetermined``;
- ``date``: the date of the decision; the pack version in force on it is used (the
  application's date by default);
- ``office``: the office that decided (a label for the report: any text);
- ``pack``: the pack id.

Each line is re-evaluated with the pack in force on its date (``evaluate(..., steps=False)``:
the same outcome, reasons and missing list as a full evaluation). A line that cannot be read
or decided is counted as a failure with its line number and reason; it never stops the audit.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import multiprocessing as mp
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from legalaid_rules.audit.errors import AuditError
from legalaid_rules.decisions import Decision, Outcome
from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.evaluator import evaluate, to_application
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.registry import Registry

__all__ = ["AuditReport", "Disagreement", "Failure", "audit", "audit_lines", "html_report"]

_OUTCOMES = {o.value for o in Outcome}


@dataclass(frozen=True, slots=True)
class RuleReason:
    """A reason of the decision now: rule id, result and text."""

    rule: str
    result: str
    zh: str
    en: str
    basis: str


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A past decision that the pack in force on its date decides otherwise."""

    line: int
    office: str | None
    date: dt.date
    pack: str
    version: str
    recorded: str
    now: str
    reasons: tuple[RuleReason, ...]  # the reasons of the decision now
    missing: tuple[str, ...]  # the facts still missing now (fact paths)


@dataclass(frozen=True, slots=True)
class Failure:
    """A line that could not be audited: its number, an error code and the reason."""

    line: int
    code: str
    message: str


@dataclass
class AuditReport:
    """Totals, every disagreement and every failed line of a batch audit."""

    source: str
    total: int = 0
    agreements: int = 0
    disagreements: list[Disagreement] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    by_outcome: Counter[tuple[str, str]] = field(default_factory=Counter)  # (recorded, now)

    @property
    def all_agree(self) -> bool:
        """Every line was read and agrees with the decision now."""
        return not self.disagreements and not self.failures

    def by_rule(self) -> list[tuple[str, int]]:
        """How many disagreements each rule decided (most first, then by rule id)."""
        counts: Counter[str] = Counter()
        for d in self.disagreements:
            counts.update({r.rule for r in d.reasons})
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def audit(
    path: Path | str,
    registry: Registry | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> AuditReport:
    """Audit a JSON Lines file of past decisions (see the module docstring for the format).

    Args:
        path: the ``.jsonl`` file.
        registry: where to load packs from (the bundled packs by default).
        progress: called with the number of bytes read after each line (each chunk of lines
            with several workers).
        workers: processes deciding in parallel (1: in this process). Worker processes load
            packs from ``registry.root``.

    Returns:
        The report: agreements, disagreements with the reasons now, failed lines (the same
        report whatever the number of workers).

    Raises:
        AuditError: the file cannot be read at all.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            if workers > 1:
                return _audit_parallel(fh, registry or Registry(), workers, progress, str(path))
            return audit_lines(_counted(fh, progress), registry, source=str(path))
    except OSError as exc:
        raise AuditError("audit.unreadable", f"cannot read {path}: {exc.strerror}") from None


def _counted(lines: Iterable[bytes], progress: Callable[[int], None] | None) -> Iterator[bytes]:
    for line in lines:
        yield line
        if progress is not None:
            progress(len(line))


Verdict = Failure | tuple[str, str, Disagreement | None]  # (recorded, now, disagreement)
_Packs = dict[tuple[str, dt.date], ResolvedPack | Failure]


def audit_lines(
    lines: Iterable[bytes | str], registry: Registry | None = None, *, source: str = "<lines>"
) -> AuditReport:
    """Audit past decisions given as JSON lines (blank lines are skipped but counted)."""
    registry = registry or Registry()
    packs: _Packs = {}
    report = AuditReport(source)
    for number, raw in enumerate(lines, 1):
        if raw.strip():
            _add(report, _judge(number, raw, registry, packs))
    return report


def _add(report: AuditReport, verdict: Verdict) -> None:
    report.total += 1
    if isinstance(verdict, Failure):
        report.failures.append(verdict)
        return
    recorded, now, disagreement = verdict
    report.by_outcome[(recorded, now)] += 1
    if disagreement is None:
        report.agreements += 1
    else:
        report.disagreements.append(disagreement)


def _judge(number: int, raw: bytes | str, registry: Registry, packs: _Packs) -> Verdict:
    """One line: a failure, or the outcome recorded and now (with the disagreement, if any)."""
    try:
        result = _audit_one(number, raw, registry, packs)
    except LegalAidRulesError as exc:  # an application that does not fit, a bad pack
        problems = getattr(exc, "problems", ())
        message = "; ".join(str(p) for p in problems) if problems else str(exc)
        code = problems[0].code if problems else getattr(exc, "code", "audit.failed")
        return Failure(number, code, message)
    if isinstance(result, Failure):
        return result
    recorded, decision, entry = result
    now = decision.outcome.value
    if recorded == now:
        return recorded, now, None
    office = entry.get("office")
    return (
        recorded,
        now,
        Disagreement(
            line=number,
            office=office if isinstance(office, str) else None,
            date=decision.date,
            pack=decision.pack.id,
            version=decision.pack.version,
            recorded=recorded,
            now=now,
            reasons=tuple(
                RuleReason(r.rule, r.result.value, r.zh, r.en, r.basis) for r in decision.reasons
            ),
            missing=tuple(m.fact for m in decision.missing),
        ),
    )


# -- several worker processes ------------------------------------------------------------------

_CHUNK = 500
_worker_state: dict[str, tuple[Registry, _Packs]] = {}


def _judge_chunk(root: str, chunk: list[tuple[int, bytes]]) -> list[Verdict]:
    """In a worker process: judge a chunk of numbered lines (packs cached per process)."""
    state = _worker_state.get(root)
    if state is None:
        state = _worker_state[root] = (Registry(root), {})
    registry, packs = state
    return [_judge(number, raw, registry, packs) for number, raw in chunk]


def _chunks(lines: Iterable[bytes]) -> Iterator[tuple[list[tuple[int, bytes]], int]]:
    chunk: list[tuple[int, bytes]] = []
    size = 0
    for number, raw in enumerate(lines, 1):
        size += len(raw)
        if raw.strip():
            chunk.append((number, raw))
        if len(chunk) >= _CHUNK:
            yield chunk, size
            chunk, size = [], 0
    if chunk or size:
        yield chunk, size


def _audit_parallel(
    lines: Iterable[bytes],
    registry: Registry,
    workers: int,
    progress: Callable[[int], None] | None,
    source: str,
) -> AuditReport:
    report = AuditReport(source)
    root = str(registry.root)
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
        pending: deque[tuple[Future[list[Verdict]], int]] = deque()
        for chunk, size in _chunks(lines):
            pending.append((pool.submit(_judge_chunk, root, chunk), size))
            while len(pending) > 2 * workers:  # bounded: do not read the whole file ahead
                _collect(report, pending.popleft(), progress)
        while pending:
            _collect(report, pending.popleft(), progress)
    return report


def _collect(
    report: AuditReport,
    item: tuple[Future[list[Verdict]], int],
    progress: Callable[[int], None] | None,
) -> None:
    future, size = item
    for verdict in future.result():
        _add(report, verdict)
    if progress is not None:
        progress(size)


def _audit_one(
    number: int,
    raw: bytes | str,
    registry: Registry,
    packs: dict[tuple[str, dt.date], ResolvedPack | Failure],
) -> tuple[str, Decision, dict[str, Any]] | Failure:
    try:
        entry = json.loads(raw, parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return Failure(number, "audit.json", f"not valid JSON: {exc}")
    if not isinstance(entry, dict):
        return Failure(number, "audit.format", "a line must be a JSON object")
    for key in ("application", "outcome", "pack"):
        if key not in entry:
            return Failure(number, "audit.format", f"`{key}` is missing")
    application, recorded, pack_id = entry["application"], entry["outcome"], entry["pack"]
    if not isinstance(application, dict):
        return Failure(number, "audit.format", "`application` must be an object")
    if recorded not in _OUTCOMES:
        return Failure(
            number,
            "audit.outcome",
            f"`outcome` is `{recorded}`: expected one of {', '.join(sorted(_OUTCOMES))}",
        )
    if not isinstance(pack_id, str):
        return Failure(number, "audit.format", "`pack` must be a pack id")
    date = entry.get("date")
    if date is not None:
        try:
            day = dt.date.fromisoformat(str(date))
        except ValueError:
            return Failure(number, "audit.date", f"`date` is `{date}`: expected YYYY-MM-DD")
        if "date" not in application:
            application = {**application, "date": day.isoformat()}
    app = to_application(application)
    day = day if date is not None else app.date
    pack = packs.get((pack_id, day))
    if pack is None:
        try:
            pack = registry.load(pack_id, day)
        except LegalAidRulesError as exc:
            pack = Failure(0, "audit.pack", str(exc))
        packs[(pack_id, day)] = pack
    if isinstance(pack, Failure):
        return Failure(number, pack.code, pack.message)
    return recorded, evaluate(pack, app, steps=False), entry


# -- the HTML report ---------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.3em .6em;
text-align:left;vertical-align:top}th{background:#eee}.num{text-align:right}
.bad{color:#a00}.ok{color:#070}details{margin:.4em 0}summary{cursor:pointer}
"""


def html_report(report: AuditReport, *, title: str = "法律援助决定审计报告 Legal-aid decision audit") -> str:
    """One self-contained HTML page: totals, disagreements by rule, each disagreement explained.

    Every text from the data is escaped.
    """
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>来源 Source: <code>{e(report.source)}</code></p>",
        "<h2>总计 Totals</h2><table>",
        f'<tr><th>记录 Records</th><td class="num">{report.total}</td></tr>',
        f'<tr><th>一致 Agreements</th><td class="num ok">{report.agreements}</td></tr>',
        f'<tr><th>不一致 Disagreements</th><td class="num bad">{len(report.disagreements)}</td></tr>',
        f'<tr><th>无法审计 Failed</th><td class="num bad">{len(report.failures)}</td></tr>',
        "</table>",
        "<h2>按结果 By outcome</h2><table><tr><th>原决定 Recorded</th><th>现结果 Now</th>"
        "<th>数量 Count</th></tr>",
    ]
    for (recorded, now), count in sorted(report.by_outcome.items()):
        cls = "ok" if recorded == now else "bad"
        out.append(
            f'<tr class="{cls}"><td>{e(recorded)}</td><td>{e(now)}</td><td class="num">{count}</td></tr>'
        )
    out.append("</table>")
    if report.disagreements:
        texts: dict[str, RuleReason] = {}
        for d in report.disagreements:
            for r in d.reasons:
                texts.setdefault(r.rule, r)
        out.append(
            "<h2>不一致按规则 Disagreements by rule</h2><table><tr><th>规则 Rule</th>"
            "<th>依据 Basis</th><th>数量 Count</th></tr>"
        )
        for rule, count in report.by_rule():
            out.append(
                f"<tr><td><code>{e(rule)}</code></td><td>{e(texts[rule].basis)}</td>"
                f'<td class="num">{count}</td></tr>'
            )
        out.append("</table><h2>不一致明细 Each disagreement</h2>")
        for d in report.disagreements:
            office = f"，{e(d.office)}" if d.office else ""
            out.append(
                f"<details><summary>第 {d.line} 行 line {d.line}：{e(d.date.isoformat())}{office}，"
                f"原决定 <b>{e(d.recorded)}</b>，现结果 <b>{e(d.now)}</b>"
                f"（{e(d.pack)} {e(d.version)}）</summary><ul>"
            )
            for r in d.reasons:
                out.append(
                    f"<li><code>{e(r.rule)}</code> [{e(r.result)}] {e(r.zh)}<br>{e(r.en)}"
                    f"<br><small>依据 Basis：{e(r.basis)}</small></li>"
                )
            if d.missing:
                out.append(f"<li>尚缺 Missing: {e(', '.join(d.missing))}</li>")
            out.append("</ul></details>")
    if report.failures:
        out.append(
            "<h2>无法审计的记录 Failed records</h2><table><tr><th>行 Line</th><th>代码 Code</th>"
            "<th>原因 Reason</th></tr>"
        )
        for f in report.failures:
            out.append(
                f'<tr><td class="num">{f.line}</td><td><code>{e(f.code)}</code></td>'
                f"<td>{e(f.message)}</td></tr>"
            )
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
