"""The quality indicators of 庆司通〔2023〕8号 六(二) for one office (or the whole ledger) and year.

- per lawyer: cases held from assignments dated in the year, against the yearly cap;
- closure ratio: cases closed in the year / cases approved in the year (pack:
  ``closure_ratio_min``, 80%);
- litigation share: litigation cases / cases closed in the year (``litigation_share_min``, 70%);
- social-lawyer share: cases closed in the year by a social lawyer (kind ``social_lawyer``;
  staff lawyers and grassroots legal workers do not count) / cases closed in the year
  (``social_lawyer_share_min``, 75%);
- progress against the pack's ``targets`` (附件) for each office present that is a target unit:
  cases approved in the year / the unit's target count.

Each indicator carries its threshold and legal basis from the pack; "met" compares exactly
(``numerator >= threshold * denominator``) and is None when there is nothing to divide by or
the pack sets no threshold.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from legalaid_rules.caseload.cap import CaseloadCap, caseload_cap, default_warn_at
from legalaid_rules.caseload.errors import DateOutsidePackError
from legalaid_rules.caseload.ledger import Lawyer, LawyerKind, Ledger
from legalaid_rules.i18n import _, language
from legalaid_rules.packs.model import ResolvedPack, render_citations
from legalaid_rules.storage import StorageError

__all__ = [
    "INDICATORS",
    "Indicator",
    "LawyerLoad",
    "OfficeReport",
    "TargetProgress",
    "lawyer_status",
    "office_report",
    "pack_for_year",
    "report_json",
    "report_text",
]

INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("closure_ratio", "closure_ratio_min", "结案数占审批数比例"),
    ("litigation_share", "litigation_share_min", "诉讼案件占已结案件比例"),
    ("social_lawyer_share", "social_lawyer_share_min", "社会律师办案占已结案件比例"),
)
_EN = {
    "closure_ratio": "cases closed / cases approved",
    "litigation_share": "litigation cases / cases closed",
    "social_lawyer_share": "cases closed by social lawyers / cases closed",
}
_KIND_ZH = {
    LawyerKind.SOCIAL_LAWYER: "社会律师",
    LawyerKind.STAFF_LAWYER: "法援中心律师",
    LawyerKind.GRASSROOTS_WORKER: "基层法律服务工作者",
}
_FOUR = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class LawyerLoad:
    """One lawyer's cases in the year against the cap."""

    lawyer: Lawyer
    cases: int
    limit: int | None
    warn_at: int | None

    @property
    def status(self) -> str:
        """``over`` (above the cap), ``at_cap``, ``near`` (at or above the warning line) or ``ok``."""
        if self.limit is None:
            return "ok"
        if self.cases > self.limit:
            return "over"
        if self.cases == self.limit:
            return "at_cap"
        if self.warn_at is not None and self.cases >= self.warn_at:
            return "near"
        return "ok"


@dataclass(frozen=True, slots=True)
class Indicator:
    """One ratio against its threshold from the pack."""

    name: str
    zh: str
    en: str
    numerator: int
    denominator: int
    threshold: Decimal | None
    basis: str | None

    @property
    def value(self) -> Decimal | None:
        """The ratio to four places, or None when the denominator is zero."""
        if self.denominator == 0:
            return None
        return (Decimal(self.numerator) / Decimal(self.denominator)).quantize(_FOUR, ROUND_HALF_UP)

    @property
    def met(self) -> bool | None:
        """Whether the ratio reaches the threshold (exactly), or None when it cannot be judged."""
        if self.denominator == 0 or self.threshold is None:
            return None
        return Decimal(self.numerator) >= self.threshold * self.denominator


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """Cases approved in the year by a target unit against its target (附件)."""

    unit: str
    zh: str
    target: int
    approved: int
    basis: str

    @property
    def ratio(self) -> Decimal | None:
        """approved / target to four places, or None for a zero target."""
        if self.target == 0:
            return None
        return (Decimal(self.approved) / Decimal(self.target)).quantize(_FOUR, ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class OfficeReport:
    """The indicators of one office (or of the whole ledger when ``office`` is None) in a year."""

    office: str | None
    year: int
    pack: str
    place: str
    cap: CaseloadCap | None
    lawyers: tuple[LawyerLoad, ...]
    approved: int
    closed: int
    indicators: tuple[Indicator, ...]
    targets: tuple[TargetProgress, ...]


def pack_for_year(ledger: Ledger, year: int) -> tuple[ResolvedPack, dt.date]:
    """The ledger's pack for a year: the latest version in force during it, and a day it is in force.

    Raises:
        DateOutsidePackError: no version is in force on any day of the year.
    """
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    candidates = [
        max(v.start, first)
        for v in ledger.registry.versions(ledger.pack_id)
        if v.start <= last and (v.end is None or v.end >= first)
    ]
    if not candidates:
        raise DateOutsidePackError(
            "ledger.no_pack_in_force",
            _("no version of pack `{pack_id}` is in force in {year}").format(
                pack_id=ledger.pack_id, year=year
            ),
            _("run `legalaid-rules packs` for the periods covered"),
        )
    day = max(candidates)
    return ledger.pack_on(day), day


def lawyer_status(ledger: Ledger, lawyer_id: str, year: int, *, warn_at: int | None = None) -> LawyerLoad:
    """One lawyer's cases in a year against the cap of the ledger's pack for that year.

    Args:
        ledger: the ledger.
        lawyer_id: a lawyer in the ledger.
        year: the calendar year.
        warn_at: near-cap warning line (default 90% of the cap).

    Returns:
        The load: ``cases``, ``limit`` (None when the pack sets none for the lawyer's region),
        ``warn_at`` and ``status`` (``ok`` / ``near`` / ``at_cap`` / ``over``).

    Raises:
        UnknownLawyerError: no such lawyer.
        DateOutsidePackError: no version of the ledger's pack is in force in that year.
    """
    lawyer = ledger.lawyer(lawyer_id)
    pack, day = pack_for_year(ledger, year)
    region = lawyer.office if lawyer.office in pack.regions else None
    cap = caseload_cap(pack, day, region)
    limit = cap.limit if cap else None
    line = None if limit is None else (default_warn_at(limit) if warn_at is None else warn_at)
    return LawyerLoad(lawyer, ledger.count(lawyer_id, year), limit, line)


def _rows(db: Ledger, sql: str, args: tuple[Any, ...]) -> list[Any]:
    try:
        return db.engine.execute(sql, args).fetchall()
    except db.engine.errors as exc:
        raise StorageError(
            "storage.failed",
            _("the ledger `{path}` cannot be read: {value}").format(path=db.path, value=str(exc).strip()),
        ) from None


def _scalar(db: Ledger, sql: str, args: tuple[Any, ...]) -> int:
    try:
        return int(db.engine.scalar(sql, args))
    except db.engine.errors as exc:
        raise StorageError(
            "storage.failed",
            _("the ledger `{path}` cannot be read: {value}").format(path=db.path, value=str(exc).strip()),
        ) from None


def office_report(
    ledger: Ledger, year: int, office: str | None = None, *, warn_at: int | None = None
) -> OfficeReport:
    """The indicators of an office (all offices when None) for a calendar year.

    Args:
        ledger: the ledger.
        year: the calendar year.
        office: an office id as stored on cases and lawyers, or None for the whole ledger.
        warn_at: near-cap warning line (default 90% of the cap).

    Returns:
        The report.

    Raises:
        DateOutsidePackError: no version of the ledger's pack is in force in that year.
    """
    pack, day = pack_for_year(ledger, year)
    y = str(year)
    where, args = ("c.office = ?", (office,)) if office is not None else ("1 = 1", ())
    approved = _scalar(
        ledger, f"SELECT COUNT(*) FROM cases c WHERE {where} AND substr(c.approved_on, 1, 4) = ?", (*args, y)
    )
    closed_sql = (
        "SELECT COUNT(*) FROM closures x JOIN cases c ON c.id = x.case_id "
        "JOIN lawyers l ON l.id = x.lawyer_id "
        f"WHERE {where} AND substr(x.closed_on, 1, 4) = ?"
    )
    closed = _scalar(ledger, closed_sql, (*args, y))
    litigation = _scalar(ledger, closed_sql + " AND c.litigation = 1", (*args, y))
    social = _scalar(ledger, closed_sql + " AND l.kind = 'social_lawyer'", (*args, y))
    figures = {
        "closure_ratio": (closed, approved),
        "litigation_share": (litigation, closed),
        "social_lawyer_share": (social, closed),
    }
    indicators: list[Indicator] = []
    for name, param_name, zh in INDICATORS:
        param = pack.parameters.get(param_name)
        raw = param.value(day) if param is not None else None
        threshold = Decimal(str(raw)) if raw is not None else None
        num, den = figures[name]
        basis = param.basis.zh if param is not None else None
        indicators.append(Indicator(name, zh, _EN[name], num, den, threshold, basis))

    # lawyers: the office's own, and anyone holding one of its cases from this year
    holders = _rows(
        ledger,
        "SELECT DISTINCT a.lawyer_id FROM assignments a JOIN cases c ON c.id = a.case_id "
        f"WHERE {where} AND a.year = ? AND a.status = 'active'",
        (*args, year),
    )
    ids = {lw.id for lw in ledger.lawyers(office)} | {str(r[0]) for r in holders}
    loads: list[LawyerLoad] = []
    for lawyer_id in sorted(ids):
        loads.append(lawyer_status(ledger, lawyer_id, year, warn_at=warn_at))

    offices = [office] if office is not None else ledger.offices()
    progress: list[TargetProgress] = []
    for key, t in pack.targets.items():
        if t.measure != "cases":
            continue
        unit = next((o for o in offices if o in (key, t.region)), None)
        if unit is None:
            continue
        done = _scalar(
            ledger,
            "SELECT COUNT(*) FROM cases WHERE office = ? AND substr(approved_on, 1, 4) = ?",
            (unit, y),
        )
        progress.append(TargetProgress(key, t.zh, t.count, done, render_citations(t.basis, pack.sources).zh))
    return OfficeReport(
        office=office,
        year=year,
        pack=f"{pack.id} {pack.version}",
        place=pack.region_name(office) if office is not None else pack.region_name(pack.jurisdiction),
        cap=caseload_cap(pack, day),
        lawyers=tuple(loads),
        approved=approved,
        closed=closed,
        indicators=tuple(indicators),
        targets=tuple(progress),
    )


def _pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{(value * 100).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def report_json(report: OfficeReport) -> dict[str, Any]:
    """The report as JSON-ready data.

    Args:
        report: a report from :func:`office_report`.

    Returns:
        Plain data; ratios and thresholds are decimal strings (``"0.7000"``, ``"0.80"``).
    """

    def dec(d: Decimal | None) -> str | None:
        return None if d is None else str(d)

    return {
        "office": report.office,
        "year": report.year,
        "pack": report.pack,
        "place": report.place,
        "cap": None
        if report.cap is None
        else {"limit": report.cap.limit, "basis": report.cap.basis, "place": report.cap.place},
        "lawyers": [
            {
                "id": load.lawyer.id,
                "name": load.lawyer.name,
                "kind": load.lawyer.kind.value,
                "office": load.lawyer.office,
                "cases": load.cases,
                "limit": load.limit,
                "warn_at": load.warn_at,
                "status": load.status,
            }
            for load in report.lawyers
        ],
        "approved": report.approved,
        "closed": report.closed,
        "indicators": [
            {
                "name": i.name,
                "zh": i.zh,
                "en": i.en,
                "numerator": i.numerator,
                "denominator": i.denominator,
                "value": dec(i.value),
                "threshold": dec(i.threshold),
                "met": i.met,
                "basis": i.basis,
            }
            for i in report.indicators
        ],
        "targets": [
            {
                "unit": t.unit,
                "zh": t.zh,
                "target": t.target,
                "approved": t.approved,
                "progress": dec(t.ratio),
                "basis": t.basis,
            }
            for t in report.targets
        ],
    }


def report_text(report: OfficeReport) -> str:
    """The report as text for a clerk.

    Args:
        report: a report from :func:`office_report`.

    Returns:
        Lines: the cap, each lawyer against it, the three ratios marked 达标/未达标 with their
        source section, and the progress against the targets.
    """
    en = language() == "en"
    where = report.place if report.office is None else f"{report.place}（{report.office}）"
    lines = [
        _("{place} {year} legal-aid case indicators  pack: {pack}").format(
            place=where, year=report.year, pack=report.pack
        )
    ]
    if report.cap is None:
        lines.append(_("yearly case-load cap: none set by this pack (no cap)"))
    else:
        lines.append(
            _("yearly case-load cap: {limit} a year ({basis})").format(
                limit=report.cap.limit, basis=report.cap.basis
            )
        )
    lines.append("")
    head = (_("lawyer / grassroots legal worker"), _("kind"), _("cases"), _("cap"), _("status"))
    lines.append(
        f"  {_pad(head[0], 30)} {_pad(head[1], 20)} {_pad(head[2], 8)}  {_pad(head[3], 4)}  {head[4]}"
    )
    status = {
        "ok": _("ok"),
        "near": _("near the cap"),
        "at_cap": _("at the cap"),
        "over": _("over the cap (accountability review)"),
    }
    for load in report.lawyers:
        limit = "—" if load.limit is None else str(load.limit)
        who = f"{load.lawyer.id} {load.lawyer.name}"
        kind = load.lawyer.kind.value if en else _KIND_ZH[load.lawyer.kind]
        lines.append(
            f"  {_pad(who, 30)} {_pad(kind, 20)} {load.cases:>8}  {limit:>4}  "
            f"{status[load.status]} ({load.status})"
        )
    if not report.lawyers:
        lines.append("  " + _("(none)"))
    lines.append("")
    lines.append(
        _("{approved} case(s) approved, {closed} closed (in {year})").format(
            approved=report.approved, closed=report.closed, year=report.year
        )
    )
    met = {True: _("met"), False: _("not met"), None: _("cannot be judged")}
    for i in report.indicators:
        threshold = _("not set") if i.threshold is None else f"≥ {_pct(i.threshold)}"
        basis = f" ({i.basis})" if en and i.basis else f"（{i.basis}）" if i.basis else ""
        lines.append(
            f"  {i.en if en else i.zh}: {i.numerator}/{i.denominator} = {_pct(i.value)}  {threshold}  "
            f"{met[i.met]} [{i.name}: {'met' if i.met else 'not met' if i.met is False else 'n/a'}]"
            f"{basis}"
        )
    if report.targets:
        lines.append("")
        lines.append(_("progress against the targets (cases approved / target)"))
        for t in report.targets:
            lines.append(f"  {t.zh}: {t.approved}/{t.target} = {_pct(t.ratio)}（{t.basis}）")
    return "\n".join(lines)
