"""The assignment ledger: lawyers, cases, assignments and closures in one SQLite file.

The guard is :meth:`Ledger.assign`. It runs in one ``BEGIN IMMEDIATE`` transaction: the
database's write lock is taken first, then the lawyer's active assignments in the calendar
year of the assignment date are counted, the cap of the pack in force on that date is checked
and the assignment is written. Two clerks (threads or processes, each with its own
:class:`Ledger`) assigning at the same moment are serialised by SQLite, so the cap is never
exceeded; a refused assignment writes nothing.

What counts: a lawyer's count for a year is the number of cases the lawyer *holds* from an
assignment dated in that year (status ``active``). Closing a case keeps it counted (the lawyer
承办 it). Withdrawing an assignment, or moving the case to another lawyer, takes it out of the
first lawyer's count and frees the place under the cap. See ``docs/caseload.md``.

The file is in WAL mode with a busy timeout, so readers do not block the writer and writers
wait for each other instead of failing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Literal

from legalaid_rules.caseload.cap import AssignmentCheck, may_assign
from legalaid_rules.caseload.errors import (
    CaseClosedError,
    DateOutsidePackError,
    LedgerInputError,
    LedgerMissingError,
    NotAssignedError,
    UnknownCaseError,
    UnknownLawyerError,
    UnknownPackError,
)
from legalaid_rules.errors import PackNotFoundError
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.registry import Registry, bundled_registry

__all__ = [
    "DEFAULT_PACK",
    "AssignResult",
    "Assignment",
    "Case",
    "Lawyer",
    "LawyerKind",
    "Ledger",
]

DEFAULT_PACK = "anhui/anqing"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lawyers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('social_lawyer', 'staff_lawyer', 'grassroots_worker')),
    office TEXT
);
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    approved_on TEXT NOT NULL,
    matter TEXT NOT NULL,
    litigation INTEGER NOT NULL CHECK (litigation IN (0, 1)),
    office TEXT
);
CREATE TABLE IF NOT EXISTS assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id TEXT NOT NULL REFERENCES cases(id),
    lawyer_id TEXT NOT NULL REFERENCES lawyers(id),
    assigned_on TEXT NOT NULL,
    year INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'withdrawn', 'moved')),
    ended_on TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS one_active_per_case ON assignments(case_id) WHERE status = 'active';
CREATE INDEX IF NOT EXISTS by_lawyer_year ON assignments(lawyer_id, year, status);
CREATE TABLE IF NOT EXISTS closures (
    case_id TEXT PRIMARY KEY REFERENCES cases(id),
    closed_on TEXT NOT NULL,
    lawyer_id TEXT NOT NULL REFERENCES lawyers(id)
);
"""


class LawyerKind(StrEnum):
    """Who handles a case: a social (practising, non-staff) lawyer, a legal-aid centre's staff
    lawyer, or a grassroots legal service worker (基层法律服务工作者)."""

    SOCIAL_LAWYER = "social_lawyer"
    STAFF_LAWYER = "staff_lawyer"
    GRASSROOTS_WORKER = "grassroots_worker"


@dataclass(frozen=True, slots=True)
class Lawyer:
    """A lawyer or grassroots legal worker in the ledger."""

    id: str
    name: str
    kind: LawyerKind
    office: str | None


@dataclass(frozen=True, slots=True)
class Case:
    """An approved legal-aid case; ``closed_on`` is None while it is open."""

    id: str
    approved_on: dt.date
    matter: str
    litigation: bool
    office: str | None
    closed_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """One assignment of a case to a lawyer, current (``active``) or ended."""

    id: int
    case: str
    lawyer: str
    on: dt.date
    status: Literal["active", "withdrawn", "moved"]
    ended_on: dt.date | None


@dataclass(frozen=True, slots=True)
class AssignResult:
    """What :meth:`Ledger.assign` did.

    Attributes:
        outcome: ``assigned`` (new), ``moved`` (taken from ``moved_from``), ``unchanged`` (the
            lawyer already holds the case: nothing written) or ``refused`` (cap reached: nothing
            written).
        case: the case id.
        lawyer: the lawyer id.
        on: the assignment date.
        check: the cap check behind the outcome (None for ``unchanged``).
        moved_from: the lawyer who held the case before a move, else None.
        pack: ``id version`` of the pack whose cap applied.
    """

    outcome: Literal["assigned", "moved", "unchanged", "refused"]
    case: str
    lawyer: str
    on: dt.date
    check: AssignmentCheck | None
    moved_from: str | None
    pack: str

    @property
    def allowed(self) -> bool:
        """Whether the lawyer holds the case after the call."""
        return self.outcome != "refused"


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Ledger:
    """An assignment ledger in one SQLite file. One instance per thread or process.

    Args:
        path: the SQLite file (``":memory:"`` for a private in-memory ledger).
        pack_id: the pack whose cap guards assignments (the version in force on each date).
        registry: where packs come from (default: the bundled packs).
        create: create the file and tables when missing; when False a missing file is an error.
        timeout: seconds to wait for another writer before giving up.

    Raises:
        LedgerMissingError: ``create`` is False and the file does not exist.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        pack_id: str = DEFAULT_PACK,
        registry: Registry | None = None,
        create: bool = True,
        timeout: float = 60.0,
    ) -> None:
        self.path = str(path)
        if not create and self.path != ":memory:" and not Path(self.path).is_file():
            raise LedgerMissingError(
                "ledger.missing",
                f"no ledger file `{self.path}`",
                "create it with `legalaid-rules caseload init` or `add-lawyer`",
            )
        self.pack_id = pack_id
        self.registry = registry if registry is not None else bundled_registry()
        self._packs: dict[dt.date, ResolvedPack] = {}
        self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        if create:
            with self._immediate():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._conn.execute(statement)

    # -- plumbing ------------------------------------------------------------------------------

    def close_connection(self) -> None:
        """Close the database connection (``close`` closes a *case*)."""
        self._conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close_connection()

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that holds the database's write lock from its start."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def pack_on(self, on: dt.date) -> ResolvedPack:
        """The ledger's pack as in force on ``on``.

        Raises:
            UnknownPackError: no pack with the ledger's pack id.
            DateOutsidePackError: no version of the pack is in force on that date.
        """
        pack = self._packs.get(on)
        if pack is None:
            try:
                pack = self.registry.load(self.pack_id, on)
            except PackNotFoundError as exc:
                if self.pack_id not in self.registry.ids():
                    raise UnknownPackError("ledger.unknown_pack", str(exc.args[0]), exc.hint) from None
                raise DateOutsidePackError(
                    "ledger.no_pack_in_force",
                    f"no version of pack `{self.pack_id}` is in force on {on}",
                    exc.hint or "run `legalaid-rules packs` for the periods covered",
                ) from None
            self._packs[on] = pack
        return pack

    # -- people and cases ----------------------------------------------------------------------

    def add_lawyer(
        self, lawyer_id: str, name: str, kind: LawyerKind | str, office: str | None = None
    ) -> Lawyer:
        """Register a lawyer or grassroots legal worker.

        Raises:
            LedgerInputError: an unknown kind, an empty id or a duplicate id.
        """
        try:
            kind = LawyerKind(kind)
        except ValueError:
            raise LedgerInputError(
                "ledger.bad_kind",
                f"unknown lawyer kind `{kind}`",
                "use one of " + ", ".join(k.value for k in LawyerKind),
            ) from None
        if not lawyer_id:
            raise LedgerInputError("ledger.bad_id", "a lawyer id cannot be empty")
        with self._immediate() as db:
            if db.execute("SELECT 1 FROM lawyers WHERE id = ?", (lawyer_id,)).fetchone():
                raise LedgerInputError("ledger.duplicate_lawyer", f"lawyer `{lawyer_id}` already exists")
            db.execute(
                "INSERT INTO lawyers (id, name, kind, office) VALUES (?, ?, ?, ?)",
                (lawyer_id, name, kind.value, office),
            )
        return Lawyer(lawyer_id, name, kind, office)

    def add_case(
        self,
        case_id: str,
        approved_on: dt.date,
        matter: str,
        *,
        litigation: bool,
        office: str | None = None,
    ) -> Case:
        """Register an approved case.

        Raises:
            LedgerInputError: an empty or duplicate id.
        """
        if not case_id:
            raise LedgerInputError("ledger.bad_id", "a case id cannot be empty")
        with self._immediate() as db:
            if db.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone():
                raise LedgerInputError("ledger.duplicate_case", f"case `{case_id}` already exists")
            db.execute(
                "INSERT INTO cases (id, approved_on, matter, litigation, office) VALUES (?, ?, ?, ?, ?)",
                (case_id, approved_on.isoformat(), matter, int(litigation), office),
            )
        return Case(case_id, approved_on, matter, litigation, office)

    def lawyer(self, lawyer_id: str) -> Lawyer:
        """A lawyer by id.

        Raises:
            UnknownLawyerError: no such lawyer.
        """
        row = self._conn.execute(
            "SELECT id, name, kind, office FROM lawyers WHERE id = ?", (lawyer_id,)
        ).fetchone()
        if row is None:
            raise UnknownLawyerError(
                "ledger.unknown_lawyer",
                f"no lawyer `{lawyer_id}` in the ledger",
                "register the lawyer first with `add-lawyer`",
            )
        return Lawyer(row[0], row[1], LawyerKind(row[2]), row[3])

    def lawyers(self, office: str | None = None) -> list[Lawyer]:
        """Every lawyer (of one office when given), by id."""
        sql = "SELECT id, name, kind, office FROM lawyers"
        rows = (
            self._conn.execute(sql + " WHERE office = ? ORDER BY id", (office,))
            if office is not None
            else self._conn.execute(sql + " ORDER BY id")
        )
        return [Lawyer(r[0], r[1], LawyerKind(r[2]), r[3]) for r in rows]

    def case(self, case_id: str) -> Case:
        """A case by id, with its closing date when closed.

        Raises:
            UnknownCaseError: no such case.
        """
        row = self._conn.execute(
            "SELECT c.id, c.approved_on, c.matter, c.litigation, c.office, x.closed_on "
            "FROM cases c LEFT JOIN closures x ON x.case_id = c.id WHERE c.id = ?",
            (case_id,),
        ).fetchone()
        if row is None:
            raise UnknownCaseError(
                "ledger.unknown_case",
                f"no case `{case_id}` in the ledger",
                "register the case first with `add-case`",
            )
        return Case(row[0], _date(row[1]), row[2], bool(row[3]), row[4], row[5] and _date(row[5]))

    def offices(self) -> list[str]:
        """Every office named by a case or a lawyer, sorted."""
        rows = self._conn.execute(
            "SELECT office FROM cases WHERE office IS NOT NULL "
            "UNION SELECT office FROM lawyers WHERE office IS NOT NULL ORDER BY 1"
        )
        return [r[0] for r in rows]

    # -- assignments ---------------------------------------------------------------------------

    def count(self, lawyer_id: str, year: int) -> int:
        """The cases a lawyer holds from assignments dated in ``year`` (closed ones included)."""
        row = self._conn.execute(
            "SELECT COUNT(*) FROM assignments WHERE lawyer_id = ? AND year = ? AND status = 'active'",
            (lawyer_id, year),
        ).fetchone()
        return int(row[0])

    def current(self, case_id: str) -> Assignment | None:
        """The case's active assignment, or None."""
        row = self._conn.execute(
            "SELECT id, case_id, lawyer_id, assigned_on, status, ended_on FROM assignments "
            "WHERE case_id = ? AND status = 'active'",
            (case_id,),
        ).fetchone()
        return None if row is None else _assignment(row)

    def history(self, case_id: str) -> list[Assignment]:
        """Every assignment of a case, oldest first."""
        rows = self._conn.execute(
            "SELECT id, case_id, lawyer_id, assigned_on, status, ended_on FROM assignments "
            "WHERE case_id = ? ORDER BY id",
            (case_id,),
        )
        return [_assignment(r) for r in rows]

    def _open_case(self, case_id: str) -> Case:
        case = self.case(case_id)
        if case.closed_on is not None:
            raise CaseClosedError("ledger.case_closed", f"case `{case_id}` was closed on {case.closed_on}")
        return case

    def assign(
        self, case_id: str, lawyer_id: str, on: dt.date, *, warn_at: int | None = None
    ) -> AssignResult:
        """Assign a case to a lawyer on a date, if the lawyer's yearly cap allows it.

        Atomic across threads and processes: counting, checking and writing happen in one
        ``BEGIN IMMEDIATE`` transaction. Assigning a case to the lawyer who holds it changes
        nothing; assigning it to another lawyer moves it (the first lawyer's count drops).

        Args:
            case_id: an open case in the ledger.
            lawyer_id: a lawyer in the ledger.
            on: the assignment date; its calendar year is the year counted.
            warn_at: near-cap warning threshold (default 90% of the cap).

        Returns:
            What happened, with the cap check and its cited explanation.

        Raises:
            UnknownLawyerError: no such lawyer.
            UnknownCaseError: no such case.
            CaseClosedError: the case is closed.
            DateOutsidePackError: no version of the pack is in force on ``on``.
            LedgerInputError: ``on`` is before the case's approval or its current assignment.
        """
        pack = self.pack_on(on)
        stamp = f"{pack.id} {pack.version}"
        with self._immediate():
            lawyer = self.lawyer(lawyer_id)
            case = self._open_case(case_id)
            if on < case.approved_on:
                raise LedgerInputError(
                    "ledger.date_order",
                    f"case `{case_id}` cannot be assigned on {on}: it was approved on {case.approved_on}",
                )
            held = self.current(case_id)
            if held is not None and held.lawyer == lawyer_id:
                return AssignResult("unchanged", case_id, lawyer_id, held.on, None, None, stamp)
            if held is not None and on < held.on:
                raise LedgerInputError(
                    "ledger.date_order",
                    f"case `{case_id}` cannot move on {on}: lawyer `{held.lawyer}` holds it since {held.on}",
                )
            region = lawyer.office if lawyer.office in pack.regions else None
            check = may_assign(pack, self.count(lawyer_id, on.year), warn_at=warn_at, on=on, region=region)
            if not check.allowed:
                return AssignResult("refused", case_id, lawyer_id, on, check, None, stamp)
            if held is not None:
                self._conn.execute(
                    "UPDATE assignments SET status = 'moved', ended_on = ? WHERE id = ?",
                    (on.isoformat(), held.id),
                )
            self._conn.execute(
                "INSERT INTO assignments (case_id, lawyer_id, assigned_on, year, status) "
                "VALUES (?, ?, ?, ?, 'active')",
                (case_id, lawyer_id, on.isoformat(), on.year),
            )
        outcome: Literal["assigned", "moved"] = "moved" if held is not None else "assigned"
        return AssignResult(outcome, case_id, lawyer_id, on, check, held.lawyer if held else None, stamp)

    def withdraw(self, case_id: str, on: dt.date) -> Assignment:
        """Withdraw a case's active assignment; it no longer counts for the lawyer.

        Returns:
            The assignment as it was before the withdrawal.

        Raises:
            UnknownCaseError: no such case.
            CaseClosedError: the case is closed.
            NotAssignedError: nobody holds the case.
            LedgerInputError: ``on`` is before the assignment date.
        """
        with self._immediate():
            self._open_case(case_id)
            held = self._held(case_id, on, "withdrawn")
            self._conn.execute(
                "UPDATE assignments SET status = 'withdrawn', ended_on = ? WHERE id = ?",
                (on.isoformat(), held.id),
            )
        return held

    def close(self, case_id: str, on: dt.date) -> Case:
        """Close a case on a date; it stays in its lawyer's count.

        Returns:
            The case, closed.

        Raises:
            UnknownCaseError: no such case.
            CaseClosedError: the case is already closed.
            NotAssignedError: nobody holds the case.
            LedgerInputError: ``on`` is before the assignment date.
        """
        with self._immediate():
            case = self._open_case(case_id)
            held = self._held(case_id, on, "closed")
            self._conn.execute(
                "INSERT INTO closures (case_id, closed_on, lawyer_id) VALUES (?, ?, ?)",
                (case_id, on.isoformat(), held.lawyer),
            )
        return Case(case.id, case.approved_on, case.matter, case.litigation, case.office, on)

    close_case = close

    def _held(self, case_id: str, on: dt.date, verb: str) -> Assignment:
        held = self.current(case_id)
        if held is None:
            raise NotAssignedError(
                "ledger.not_assigned",
                f"case `{case_id}` is not assigned to anyone, so it cannot be {verb}",
                "assign it first with `assign`",
            )
        if on < held.on:
            raise LedgerInputError(
                "ledger.date_order",
                f"case `{case_id}` cannot be {verb} on {on}: it was assigned on {held.on}",
            )
        return held


def _assignment(row: tuple[object, ...]) -> Assignment:
    ident, case, lawyer, on, status, ended = row
    assert isinstance(ident, int) and isinstance(on, str)
    return Assignment(
        ident,
        str(case),
        str(lawyer),
        _date(on),
        status,  # type: ignore[arg-type]
        _date(ended) if isinstance(ended, str) else None,
    )
