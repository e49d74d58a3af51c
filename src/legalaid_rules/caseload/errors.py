"""Errors of the case-load ledger: each has a stable ``code`` and a plain message.

The tree (all under :class:`~legalaid_rules.errors.LegalAidRulesError`)::

    LedgerError                         .code, .message, .hint
    ├── UnknownLawyerError (LookupError)    ledger.unknown_lawyer
    ├── UnknownCaseError (LookupError)      ledger.unknown_case
    ├── CaseClosedError (ValueError)        ledger.case_closed
    ├── NotAssignedError (ValueError)       ledger.not_assigned
    ├── DateOutsidePackError (LookupError)  ledger.no_pack_in_force
    ├── UnknownPackError (LookupError)      ledger.unknown_pack
    ├── LedgerInputError (ValueError)       ledger.duplicate_*, ledger.bad_*, ledger.date_order ...
    ├── LedgerMissingError (FileNotFoundError)  ledger.missing
    ├── LedgerPackError (ValueError)        ledger.wrong_pack, ledger.no_cap, ledger.pack_changed
    └── CapValueError (ValueError)          ledger.bad_cap (a cap that is not a positive whole number),
                                            ledger.bad_count (a case count that is not a whole number)
"""

from __future__ import annotations

from legalaid_rules.errors import CodedError

__all__ = [
    "CapValueError",
    "CaseClosedError",
    "DateOutsidePackError",
    "LedgerError",
    "LedgerInputError",
    "LedgerMissingError",
    "LedgerPackError",
    "NotAssignedError",
    "UnknownCaseError",
    "UnknownLawyerError",
    "UnknownPackError",
]


class LedgerError(CodedError):
    """An operation on the case-load ledger that cannot be done as asked.

    Args:
        code: a stable dotted code such as ``ledger.unknown_lawyer``.
        message: what is wrong, in lower case, user text in backticks.
        hint: how to fix it, or None.
    """

    code = "ledger.error"  # each instance sets its own, e.g. ``ledger.unknown_lawyer``


class UnknownLawyerError(LedgerError, LookupError):
    """No lawyer with that id in the ledger."""


class UnknownCaseError(LedgerError, LookupError):
    """No case with that id in the ledger."""


class CaseClosedError(LedgerError, ValueError):
    """The case is closed: it can no longer be assigned, withdrawn or closed again."""


class NotAssignedError(LedgerError, ValueError):
    """The case has no active assignment to withdraw or close."""


class DateOutsidePackError(LedgerError, LookupError):
    """No version of the pack is in force on the date asked."""


class LedgerInputError(LedgerError, ValueError):
    """Bad input: a duplicate id, an unknown lawyer kind, dates out of order."""


class LedgerMissingError(LedgerError, FileNotFoundError):
    """The ledger file does not exist (and was not asked to be created)."""


class CapValueError(LedgerError, ValueError):
    """A pack's ``caseload_cap`` that is not a positive whole number, or a case count that is not
    a whole number."""


class UnknownPackError(LedgerError, LookupError):
    """No pack with the ledger's pack id."""


class LedgerPackError(LedgerError, ValueError):
    """The pack cannot govern this ledger, or is not the one that does.

    Codes: ``ledger.wrong_pack`` (another pack governs the ledger), ``ledger.no_cap`` (a pack
    without a case-load cap cannot govern a ledger), ``ledger.pack_changed`` (a pack version's
    content differs from the one recorded when it first applied).
    """
