"""《法律援助法》第四十三条: the date by which the office must decide, and the one-time notice terms.

The law says the office decides "七日内" of receiving the application; the Ministry's procedure
rules say seven working days [secondary]. The reading here, until the counting is checked at the
source: calendar days, the day of application not counted (the usual reading of a period counted
in days), so an application of 2023-06-01 is decided by 2023-06-08. The day count is pack content
(parameter ``decision_days``, flagged unverified); working days would need a holiday calendar no
pack carries, so the date given is the earliest reading and the decision says it is unverified.

Where materials are missing, the applicant who does not supply them "视为撤回申请" (Art 43);
a pack may add the notice period (``notice_working_days``) and the period to supply the materials
(``supply_days``), e.g. 粤府令第268号 第八条 (secondary).
"""

from __future__ import annotations

import datetime as dt

from legalaid_rules.decisions import Deadline
from legalaid_rules.packs.model import Memo, ResolvedPack

__all__ = ["deadline"]

DECISION_DAYS = "decision_days"
NOTICE_WORKING_DAYS = "notice_working_days"
SUPPLY_DAYS = "supply_days"


def _days(pack: ResolvedPack, name: str, on: dt.date) -> tuple[int, str, bool] | None:
    param = pack.parameters.get(name)
    hit = None if param is None else param.lookup(on)
    if param is None or hit is None or isinstance(hit.value, bool) or not isinstance(hit.value, int):
        return None
    basis = hit.basis.zh or param.basis.zh
    return hit.value, basis, param.verified and hit.verified and hit.basis.verified


class _Deadlines(Memo[tuple[dt.date, bool], Deadline | None]):
    """The deadlines of one pack already worked out, by (application date, materials missing):
    a pack has few dates in use, and a deadline is frozen (kept in the pack's cache)."""


def deadline(pack: ResolvedPack, applied: dt.date, missing: bool) -> Deadline | None:
    """The Art 43 deadline of a decision on an application of ``applied``, or None when the pack
    gives no ``decision_days``.

    Args:
        pack: the resolved pack.
        applied: the application date (the day the office received it).
        missing: whether materials are missing (the notice's withdrawal clause applies).
    """
    memo = pack.cache.get(_Deadlines, _Deadlines)
    return memo.remember((applied, missing), _deadline, pack, applied, missing)


def _deadline(pack: ResolvedPack, applied: dt.date, missing: bool) -> Deadline | None:
    decide = _days(pack, DECISION_DAYS, applied)
    if decide is None:
        return None
    days, basis, verified = decide
    notice = _days(pack, NOTICE_WORKING_DAYS, applied) if missing else None
    supply = _days(pack, SUPPLY_DAYS, applied) if missing else None
    bases = list(dict.fromkeys([basis] + [x[1] for x in (notice, supply) if x]))  # each once
    verified = verified and all(v for _, _, v in (x for x in (notice, supply) if x))
    decide_by = applied + dt.timedelta(days=days)
    by = decide_by.isoformat()
    zh = f"法律援助机构应当在{by}前（收到申请之日起{days}日内）作出是否给予法律援助的决定"
    en = f"the office must decide whether to grant legal aid by {by} (within {days} days of the application)"
    if missing:
        if notice is not None:
            zh += f"；材料不齐全的，应当在{notice[0]}个工作日内一次性告知申请人需要补充的材料"
            en += f"; it tells the applicant all missing materials at once within {notice[0]} working days"
        if supply is not None:
            zh += f"；申请人应当在{supply[0]}日内补充"
            en += f"; the applicant supplies them within {supply[0]} days"
        zh += "；申请人未按要求补充材料的，视为撤回申请"
        en += "; an applicant who does not supply the missing materials is deemed to have withdrawn"
        en += " the application"
    return Deadline(
        decide_by=decide_by,
        days=days,
        withdrawal=missing,
        notice_working_days=None if notice is None else notice[0],
        supply_days=None if supply is None else supply[0],
        zh=zh + "。",
        en=en[0].upper() + en[1:] + ".",
        basis="；".join(bases),
        verified=verified,
    )
