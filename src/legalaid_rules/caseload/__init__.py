"""The case-load ledger: the yearly cap of 庆司通〔2023〕8号 六(二), a race-free assignment guard
on SQLite or PostgreSQL, and the section's quality indicators.

>>> import datetime as dt
>>> from legalaid_rules.caseload import Ledger
>>> with Ledger(":memory:") as ledger:
...     _ = ledger.add_lawyer("L1", "张律师", "social_lawyer", "huaining")
...     _ = ledger.add_case("C1", dt.date(2023, 3, 1), "labour_remuneration", litigation=True)
...     ledger.assign("C1", "L1", on=dt.date(2023, 3, 2)).outcome
'assigned'
"""

from legalaid_rules.caseload.cap import (
    AssignmentCheck,
    CaseloadCap,
    caseload_cap,
    default_warn_at,
    governing_cap,
    may_assign,
)
from legalaid_rules.caseload.errors import (
    CapValueError,
    CaseClosedError,
    DateOutsidePackError,
    LedgerError,
    LedgerInputError,
    LedgerMissingError,
    LedgerPackError,
    NotAssignedError,
    UnknownCaseError,
    UnknownLawyerError,
    UnknownPackError,
)
from legalaid_rules.caseload.indicators import LawyerLoad, OfficeReport, lawyer_status, office_report
from legalaid_rules.caseload.ledger import (
    DEFAULT_PACK,
    Assignment,
    AssignResult,
    Case,
    Lawyer,
    LawyerKind,
    Ledger,
    LedgerEvent,
)

__all__ = [
    "DEFAULT_PACK",
    "AssignResult",
    "Assignment",
    "AssignmentCheck",
    "CapValueError",
    "Case",
    "CaseClosedError",
    "CaseloadCap",
    "DateOutsidePackError",
    "Lawyer",
    "LawyerKind",
    "LawyerLoad",
    "Ledger",
    "LedgerError",
    "LedgerEvent",
    "LedgerInputError",
    "LedgerMissingError",
    "LedgerPackError",
    "NotAssignedError",
    "OfficeReport",
    "UnknownCaseError",
    "UnknownLawyerError",
    "UnknownPackError",
    "caseload_cap",
    "default_warn_at",
    "governing_cap",
    "lawyer_status",
    "may_assign",
    "office_report",
]
