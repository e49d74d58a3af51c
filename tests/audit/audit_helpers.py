"""Shared helpers of the audit tests: a fixed clock, fixed ids, sample applications."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from typing import Any

from legalaid_rules import ResolvedPack, load_pack
from legalaid_rules.audit import TraceRecord, trace

DAY = dt.date(2023, 6, 1)
NOON = dt.datetime(2023, 6, 1, 4, 0, tzinfo=dt.UTC)


def fixed_clock(at: dt.datetime = NOON) -> Callable[[], dt.datetime]:
    """A clock that always says ``at``."""
    return lambda: at


def fixed_id(n: int) -> str:
    """A fixed UUID4-shaped decision id."""
    return f"00000000-0000-4000-8000-{n:012d}"


@functools.cache
def anqing() -> ResolvedPack:
    """The Anqing pack in force on :data:`DAY`."""
    return load_pack("anhui/anqing", on=DAY)


SUPPORT: dict[str, Any] = {
    "date": "2023-06-01",
    "office": "huaining",
    "locality": {"city": "anqing", "county": "huaining"},
    "applicant": {
        "name": "王秀英",
        "id_number": "340822195803141234",
        "phone": "13800000000",
        "birth_date": "1958-03-14",
        "disabilities": [],
        "fixed_income_source": True,
        "groups": [],
    },
    "household": {
        "members": [
            {"relation": "self", "monthly_income": "1800.00"},
            {"relation": "spouse", "monthly_income": "1200.00"},
            {"relation": "grandchild", "monthly_income": "1500.00"},
        ],
        "significant_assets": False,
    },
    "matter": "support_payment",
    "urgency": {"days_to_deadline": 30, "preservation_needed": False},
}

INCOMPLETE: dict[str, Any] = {
    "date": "2023-06-01",
    "locality": {"city": "anqing", "county": "susong"},
    "applicant": {"birth_date": "1961-09-02", "fixed_income_source": False},
    "household": {"size": 2, "monthly_income": "3600.00"},
    "matter": "labour_remuneration",
    "urgency": {"days_to_deadline": 5},
}

_ids = itertools.count(1)


def sample_record(app: dict[str, Any] | None = None, n: int | None = None) -> TraceRecord:
    """A trace of an Anqing application with the fixed clock and a fixed id."""
    return trace(
        anqing(),
        app if app is not None else SUPPORT,
        clock=fixed_clock(),
        decision_id=fixed_id(n if n is not None else next(_ids)),
    )
