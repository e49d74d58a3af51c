"""The yearly case-load cap (庆司通〔2023〕8号 六(二)) and the pure check ``may_assign``.

"At most 90" means the 90th case of the year is allowed and the 91st is not. The cap is the
pack parameter ``caseload_cap``; a pack without it sets no cap, and then every assignment is
allowed (with an explanation saying so).

>>> import datetime as dt
>>> from legalaid_rules import load_pack
>>> pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
>>> may_assign(pack, 89).allowed, may_assign(pack, 90).allowed
(True, False)
>>> print(may_assign(pack, 90).zh)
本年度已承办 90 件，已达安庆市规定的每年 90 件上限（庆司通〔2023〕8号 六(二)）
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from legalaid_rules.caseload.errors import CapValueError, DateOutsidePackError, LedgerPackError
from legalaid_rules.i18n import _
from legalaid_rules.packs.model import ResolvedPack

__all__ = [
    "CAP_PARAMETER",
    "AssignmentCheck",
    "CaseloadCap",
    "caseload_cap",
    "default_warn_at",
    "governing_cap",
    "may_assign",
]

CAP_PARAMETER = "caseload_cap"


@dataclass(frozen=True, slots=True)
class CaseloadCap:
    """A yearly case-load cap as a pack sets it.

    Attributes:
        limit: the most cases one lawyer may take in a calendar year (90 for Anqing 2023).
        basis: the legal basis as text, e.g. ``庆司通〔2023〕8号 六(二)``.
        place: the Chinese name of the place that set it, e.g. ``安庆市``.
        pack: the id of the pack that declares the parameter.
        verified: whether the basis is verified against its source.
        note: the pack's note on the parameter (e.g. what happens above the cap), or None.
    """

    limit: int
    basis: str
    place: str
    pack: str
    verified: bool
    note: str | None = None


@dataclass(frozen=True, slots=True)
class AssignmentCheck:
    """The answer of :func:`may_assign`: allowed or refused, with a cited explanation.

    Attributes:
        allowed: whether one more case may be assigned.
        count_before: the lawyer's cases this year before the assignment.
        count_after: the count if the assignment goes ahead (unchanged when refused).
        limit: the cap, or None when no cap applies.
        near_cap: True when the assignment is allowed and brings the count to ``warn_at`` or more.
        warn_at: the count from which ``near_cap`` is raised, or None when no cap applies.
        zh: the explanation in Chinese, citing the basis.
        en: the explanation in English.
        basis: the legal basis text, or None when no cap applies.
    """

    allowed: bool
    count_before: int
    count_after: int
    limit: int | None
    near_cap: bool
    warn_at: int | None
    zh: str
    en: str
    basis: str | None


def _place(pack: ResolvedPack, declaring: str) -> str:
    for f in pack.raw:
        if f.id == declaring:
            return pack.region_name(f.jurisdiction)
    return pack.region_name(pack.jurisdiction)


def caseload_cap(
    pack: ResolvedPack, on: dt.date | None = None, region: str | None = None
) -> CaseloadCap | None:
    """The yearly case-load cap the pack sets, or None when it sets none.

    Args:
        pack: a resolved pack.
        on: the date whose value counts (default: the first day the pack is in force).
        region: a region id, for packs that set a cap per region.

    Returns:
        The cap, or None when the pack has no ``caseload_cap`` value for that date and region.

    Raises:
        CapValueError: the pack's value is not a whole, non-negative number.
    """
    param = pack.parameters.get(CAP_PARAMETER)
    if param is None:
        return None
    day = on or pack.effective.start
    hit = param.lookup(day, region)
    if hit is None:
        return None
    raw = hit.value
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise CapValueError(
            "ledger.bad_cap",
            _("pack `{id}`: `{cap_parameter}` is `{raw}`, not a number").format(
                id=pack.id, cap_parameter=CAP_PARAMETER, raw=raw
            ),
        )
    number = Decimal(raw)
    if number != number.to_integral_value() or number < 0:
        raise CapValueError(
            "ledger.bad_cap",
            _("pack `{id}`: `{cap_parameter}` is `{raw}`, not a whole number of cases").format(
                id=pack.id, cap_parameter=CAP_PARAMETER, raw=raw
            ),
        )
    basis = hit.basis.zh or param.basis.zh
    return CaseloadCap(
        limit=int(number),
        basis=basis,
        place=_place(pack, param.pack),
        pack=param.pack,
        verified=hit.verified and param.verified,
        note=param.note,
    )


def governing_cap(pack: ResolvedPack, on: dt.date | None = None, region: str | None = None) -> CaseloadCap:
    """The cap a ledger enforces: it must be there and be a positive whole number (``int``).

    A ledger is never governed by "no cap", nor by a cap of 0, ``90.5``, ``true`` or ``1e29``
    written as a float.

    Raises:
        LedgerPackError: ``ledger.no_cap``: the pack sets no cap for that date and region.
        CapValueError: ``ledger.bad_cap``: the value is not a positive ``int``.
    """
    param = pack.parameters.get(CAP_PARAMETER)
    hit = None if param is None else param.lookup(on or pack.effective.start, region)
    if hit is None or hit.value is None:
        raise LedgerPackError(
            "ledger.no_cap",
            _("pack `{id}` {version} sets no `{cap_parameter}`: it cannot govern a case-load ledger").format(
                id=pack.id, version=pack.version, cap_parameter=CAP_PARAMETER
            ),
            _("a ledger needs a pack with a yearly case-load cap (e.g. anhui/anqing)"),
        )
    raw = hit.value
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        raise CapValueError(
            "ledger.bad_cap",
            _("pack `{id}` {version}: `{cap_parameter}` is `{raw}`, not a positive whole number").format(
                id=pack.id, version=pack.version, cap_parameter=CAP_PARAMETER, raw=raw
            ),
        )
    cap = caseload_cap(pack, on, region)
    assert cap is not None
    return cap


def default_warn_at(limit: int) -> int:
    """The default near-cap threshold: 90% of the cap, rounded up (81 for a cap of 90).

    >>> default_warn_at(90), default_warn_at(10), default_warn_at(0)
    (81, 9, 0)
    """
    return -(-limit * 9 // 10)


def may_assign(
    pack: ResolvedPack,
    lawyer_cases_this_year: int,
    *,
    warn_at: int | None = None,
    on: dt.date | None = None,
    region: str | None = None,
) -> AssignmentCheck:
    """Whether a lawyer with ``lawyer_cases_this_year`` cases may take one more.

    Args:
        pack: the pack in force on the assignment date.
        lawyer_cases_this_year: the lawyer's cases in the calendar year of the assignment.
        warn_at: raise ``near_cap`` when the count after the assignment reaches this (default:
            :func:`default_warn_at` of the cap).
        on: the assignment date, to pick the cap's value (default: the pack's first day).
        region: a region id, for packs that set a cap per region.

    Returns:
        The check with its cited explanation; no cap means always allowed.

    Raises:
        CapValueError: the pack's cap is not a whole number; or ``ledger.bad_count``: the count is
            not a whole number (a float, ``True``) or is negative (also a ``ValueError``).
        DateOutsidePackError: ``on`` is outside the pack's period.
    """
    n = lawyer_cases_this_year
    if isinstance(n, bool) or not isinstance(n, int):
        raise CapValueError(
            "ledger.bad_count", _("a case count is a whole number, not `{n}`").format(n=repr(n))
        )
    if n < 0:
        raise CapValueError("ledger.bad_count", _("a case count cannot be negative: {n}").format(n=n))
    if on is not None and not pack.effective.covers(on):
        raise DateOutsidePackError(
            "ledger.no_pack_in_force",
            _("pack `{id}` {version} is not in force on {on}").format(
                id=pack.id, version=pack.version, on=on
            ),
            _("use the version of the pack in force on the assignment date"),
        )
    cap = caseload_cap(pack, on, region)
    if cap is None:
        place = pack.region_name(pack.jurisdiction)
        return AssignmentCheck(
            allowed=True,
            count_before=n,
            count_after=n + 1,
            limit=None,
            near_cap=False,
            warn_at=None,
            zh=f"本年度已承办 {n} 件；{place}的规则（{pack.id} {pack.version}）"
            "未规定年承办案件数上限，不限制指派",
            en=f"{n} case(s) this year; pack `{pack.id}` {pack.version} sets no yearly case-load cap,"
            " so no cap applies",
            basis=None,
        )
    limit, threshold = cap.limit, default_warn_at(cap.limit) if warn_at is None else warn_at
    cite = f"（{cap.basis}）" if cap.basis else ""
    cite_en = f" ({cap.basis})" if cap.basis else ""
    if n >= limit:
        verb = "已达" if n == limit else "已超过"
        return AssignmentCheck(
            allowed=False,
            count_before=n,
            count_after=n,
            limit=limit,
            near_cap=False,
            warn_at=threshold,
            zh=f"本年度已承办 {n} 件，{verb}{cap.place}规定的每年 {limit} 件上限{cite}",
            en=f"{n} case(s) this year {'reaches' if n == limit else 'exceeds'} the yearly cap of "
            f"{limit} set for {cap.place}{cite_en}; the case cannot be assigned to this lawyer",
            basis=cap.basis,
        )
    after = n + 1
    near = after >= threshold
    zh = f"本年度已承办 {n} 件，指派后为 {after} 件，未超过{cap.place}规定的每年 {limit} 件上限{cite}"
    en = (
        f"{n} case(s) this year, {after} after this one, within the yearly cap of {limit}"
        f" set for {cap.place}{cite_en}"
    )
    if after == limit:
        zh += "；指派后即达上限，本年度不得再指派"
        en += "; this reaches the cap: no further case this year"
    elif near:
        zh += f"；已接近上限（提醒线 {threshold} 件）"
        en += f"; near the cap (warning from {threshold})"
    return AssignmentCheck(
        allowed=True,
        count_before=n,
        count_after=after,
        limit=limit,
        near_cap=near,
        warn_at=threshold,
        zh=zh,
        en=en,
        basis=cap.basis,
    )
