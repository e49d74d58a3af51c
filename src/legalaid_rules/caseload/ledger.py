"""The assignment ledger: lawyers, cases, assignments and closures in a SQLite file or a
PostgreSQL database.

The guard is :meth:`Ledger.assign`. It runs in one write transaction: on SQLite ``BEGIN
IMMEDIATE`` takes the database's write lock first; on PostgreSQL the case's and then the
lawyer's rows are locked (``SELECT ... FOR UPDATE``). Then the lawyer's active assignments in
the calendar year of the assignment date are counted, the cap of the pack in force on that date
is checked and the assignment is written. Two clerks (threads, processes or service replicas,
each with its own :class:`Ledger`) assigning to one lawyer at the same moment are serialised, so
the cap is never exceeded; a refused assignment writes nothing.

The ledger is governed by one pack, recorded in the store when it is created: an assignment
under another pack is refused, a pack without a cap cannot govern a ledger, and each version of
the pack is recorded with its digest the first time it applies, so a pack edited in place (say
its cap raised) is refused too. Changing the governing pack, or accepting a changed version, is
an explicit administrative operation (:meth:`Ledger.govern`) logged in ``ledger_events``.

What counts: a lawyer's count for a year is the number of cases the lawyer *holds* from an
assignment dated in that year (status ``active``). Closing a case keeps it counted (the lawyer
承办 it). Withdrawing an assignment, or moving the case to another lawyer, takes it out of the
first lawyer's count and frees the place under the cap. See ``docs/caseload.md``.

A SQLite file is in WAL mode with a busy timeout, so readers do not block the writer and writers
wait for each other instead of failing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Concatenate, Literal, ParamSpec, TypeVar

from legalaid_rules.caseload.cap import AssignmentCheck, governing_cap, may_assign
from legalaid_rules.caseload.errors import (
    CaseClosedError,
    DateOutsidePackError,
    LedgerInputError,
    LedgerMissingError,
    LedgerPackError,
    NotAssignedError,
    UnknownCaseError,
    UnknownLawyerError,
    UnknownPackError,
)
from legalaid_rules.caseload.ledger_schema import LEDGER_STORE
from legalaid_rules.errors import PackNotFoundError
from legalaid_rules.i18n import N_, _
from legalaid_rules.packs.model import ResolvedPack
from legalaid_rules.packs.registry import Registry, bundled_registry
from legalaid_rules.storage import (
    Engine,
    StorageError,
    StoreURL,
    open_engine,
    open_store,
    parse_url,
    schema_version,
)

__all__ = [
    "DEFAULT_PACK",
    "AssignResult",
    "Assignment",
    "Case",
    "Lawyer",
    "LawyerKind",
    "Ledger",
    "LedgerEvent",
]

DEFAULT_PACK = "anhui/anqing"


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


@dataclass(frozen=True, slots=True)
class LedgerEvent:
    """An administrative operation on the ledger (who, when, what), kept in ``ledger_events``."""

    id: int
    at: str
    kind: str
    actor: str
    detail: str


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


P = ParamSpec("P")
R = TypeVar("R")


def _store_errors(method: Callable[Concatenate[Ledger, P], R]) -> Callable[Concatenate[Ledger, P], R]:
    """A read whose store fails (a lost connection, a damaged file) raises ``storage.failed``."""

    def read(self: Ledger, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except self.engine.errors as exc:
            raise StorageError(
                "storage.failed",
                _("the ledger `{path}` cannot be read: {value}").format(
                    path=self.path, value=str(exc).strip()
                ),
            ) from None

    functools.update_wrapper(read, method)
    return read


class Ledger:
    """An assignment ledger in a SQLite file or a PostgreSQL database. One instance per thread or
    process.

    Args:
        url: ``sqlite:///path`` or a plain path (``":memory:"`` for a private in-memory ledger),
            or ``postgresql://user@host/database``.
        pack_id: the pack whose cap guards assignments (the version in force on each date). A new
            ledger records it as its governing pack (default :data:`DEFAULT_PACK`); an existing one
            is opened under its recorded pack, and naming another here is refused.
        registry: where packs come from (default: the bundled packs).
        create: create the store and tables when missing; when False a missing store is an error.
        timeout: seconds to wait for another writer before giving up.

    Raises:
        LedgerMissingError: ``create`` is False and there is no ledger there.
        LedgerPackError: ``ledger.wrong_pack`` (another pack governs it), ``ledger.no_cap``.
        StorageError: the store cannot be opened, or holds something else.
    """

    def __init__(
        self,
        url: Path | str | StoreURL,
        *,
        pack_id: str | None = None,
        registry: Registry | None = None,
        create: bool = True,
        timeout: float = 60.0,
    ) -> None:
        self.url = StoreURL("sqlite", str(url)) if isinstance(url, Path) else parse_url(url)
        self.path = self.url.target if self.url.is_sqlite else self.url.redacted()
        missing = LedgerMissingError(
            "ledger.missing",
            _("no ledger at `{path}`").format(path=self.path),
            _("create it with `legalaid-rules caseload init` or `add-lawyer`"),
        )
        if not create and self.url.is_sqlite and self.path != ":memory:" and not Path(self.path).is_file():
            raise missing
        if not create and not self.url.is_sqlite:
            probe = open_engine(self.url, timeout=timeout)
            try:
                if schema_version(probe, LEDGER_STORE.component) == 0:
                    raise missing
            finally:
                probe.close()
        self.registry = registry if registry is not None else bundled_registry()
        self._packs: dict[dt.date, ResolvedPack] = {}
        self._engine: Engine = open_store(self.url, LEDGER_STORE, timeout=timeout)
        try:
            self.pack_id = self._governance(pack_id)
        except BaseException:
            self._engine.close()
            raise

    # -- plumbing ------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The storage engine under the ledger (for reports and tools)."""
        return self._engine

    def close_connection(self) -> None:
        """Close the database connection (``close`` closes a *case*)."""
        self._engine.close()

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
    def _immediate(self) -> Iterator[Engine]:
        """One write transaction: SQLite's write lock from its start; row locks on PostgreSQL."""
        try:
            with self._engine.transaction(write=True):
                yield self._engine
        except self._engine.integrity_errors as exc:
            raise LedgerInputError(
                "ledger.conflict", _("the ledger refused the change: {exc}").format(exc=exc)
            ) from None
        except self._engine.errors as exc:  # a lock wait past the timeout, a lost connection ...
            raise StorageError(
                "storage.failed",
                _("the ledger `{path}` could not complete the change: {value}").format(
                    path=self.path, value=str(exc).strip()
                ),
                _("nothing was written; try again"),
            ) from None

    def _governance(self, asked: str | None) -> str:
        recorded = self._engine.scalar("SELECT value FROM meta WHERE key = 'pack_id'")
        if recorded is not None:
            if asked is not None and asked != recorded:
                raise LedgerPackError(
                    "ledger.wrong_pack",
                    _("the ledger `{path}` is governed by pack `{recorded}`, not `{asked}`").format(
                        path=self.path, recorded=recorded, asked=asked
                    ),
                    _(
                        "assignments follow the ledger's own pack; an administrator can change it with "
                        "`legalaid-rules caseload govern`"
                    ),
                )
            return str(recorded)
        pack_id = asked or DEFAULT_PACK
        self.pack_id = pack_id
        versions = self._check_can_govern(pack_id)
        with self._immediate() as db:
            if db.scalar("SELECT value FROM meta WHERE key = 'pack_id'" + db.for_update) is None:
                db.execute("INSERT INTO meta (key, value) VALUES ('pack_id', ?)", (pack_id,))
                self._record_versions(versions, "created")
                self._event("govern", "created", f"governed by `{pack_id}`")
        return str(db.scalar("SELECT value FROM meta WHERE key = 'pack_id'"))

    def _check_can_govern(self, pack_id: str) -> list[ResolvedPack]:
        """Every version of the pack, each checked to set a positive whole cap."""
        if pack_id not in self.registry.ids():
            raise UnknownPackError(
                "ledger.unknown_pack",
                _("no pack `{pack_id}`").format(pack_id=pack_id),
                _("run `legalaid-rules packs` for the ids"),
            )
        packs = [self.registry.load(pack_id, v.start) for v in self.registry.versions(pack_id)]
        for pack in packs:
            governing_cap(pack)
        return packs

    def _record_versions(self, packs: list[ResolvedPack], by: str) -> None:
        now = _now()
        for pack in packs:
            self._engine.execute(
                "INSERT INTO ledger_packs (pack_id, version, digest, recorded_at, recorded_by) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (pack_id, version) DO UPDATE SET "
                "digest = excluded.digest, recorded_at = excluded.recorded_at, "
                "recorded_by = excluded.recorded_by",
                (pack.id, pack.version, pack.digest, now, by),
            )

    def _event(self, kind: str, actor: str, detail: str) -> None:
        self._engine.execute(
            "INSERT INTO ledger_events (at, kind, actor, detail) VALUES (?, ?, ?, ?)",
            (_now(), kind, actor, detail),
        )

    def govern(self, pack_id: str, *, admin: str, reason: str) -> LedgerEvent:
        """Make ``pack_id`` the governing pack, accepting every version of it as it is now.

        The administrative override: it switches the ledger to another pack, or accepts a pack
        version whose content changed since it first applied. It is logged with who and why.

        Args:
            pack_id: the pack that governs from now on.
            admin: who does it (kept in the event).
            reason: why (kept in the event).

        Returns:
            The logged event.

        Raises:
            LedgerInputError: ``ledger.bad_admin``: no name or no reason given.
            LedgerPackError: ``ledger.no_cap``: the pack sets no cap.
            UnknownPackError: no such pack.
        """
        if not admin.strip() or not reason.strip():
            raise LedgerInputError(
                "ledger.bad_admin", _("an override needs the administrator's name and a reason")
            )
        packs = self._check_can_govern(pack_id)
        detail = (
            f"`{self.pack_id}` -> `{pack_id}` ("
            + ", ".join(f"{p.version} {p.digest}" for p in packs)
            + f"): {reason.strip()}"
        )
        with self._immediate() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('pack_id', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (pack_id,),
            )
            self._record_versions(packs, admin.strip())
            self._event("govern", admin.strip(), detail)
        self.pack_id = pack_id
        self._packs.clear()
        return self.events()[-1]

    @_store_errors
    def events(self) -> list[LedgerEvent]:
        """The administrative operations on the ledger, oldest first."""
        rows = self._engine.execute("SELECT id, at, kind, actor, detail FROM ledger_events ORDER BY id")
        return [LedgerEvent(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]

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
                    _("no version of pack `{pack_id}` is in force on {on}").format(
                        pack_id=self.pack_id, on=on
                    ),
                    exc.hint or _("run `legalaid-rules packs` for the periods covered"),
                ) from None
            self._packs[on] = pack
        return pack

    def _approve(self, pack: ResolvedPack) -> None:
        """Inside the write transaction: the pack version is the one recorded, or is recorded now."""
        row = self._engine.execute(
            "SELECT digest FROM ledger_packs WHERE pack_id = ? AND version = ?", (pack.id, pack.version)
        ).fetchone()
        if row is None:
            self._record_versions([pack], "first use")
            self._event("pack_version", "first use", f"`{pack.id}` {pack.version} {pack.digest}")
        elif row[0] != pack.digest:
            raise LedgerPackError(
                "ledger.pack_changed",
                _(
                    "pack `{id}` {version} is not the one this ledger recorded: its digest is "
                    "{digest}, recorded {value}"
                ).format(id=pack.id, version=pack.version, digest=pack.digest, value=row[0]),
                _(
                    "a pack version must not change; an administrator can accept it with "
                    "`legalaid-rules caseload govern`"
                ),
            )

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
                _("unknown lawyer kind `{kind}`").format(kind=kind),
                _("use one of {kinds}").format(kinds=", ".join(k.value for k in LawyerKind)),
            ) from None
        if not lawyer_id:
            raise LedgerInputError("ledger.bad_id", _("a lawyer id cannot be empty"))
        with self._immediate() as db:
            if db.execute("SELECT 1 FROM lawyers WHERE id = ?", (lawyer_id,)).fetchone():
                raise LedgerInputError(
                    "ledger.duplicate_lawyer",
                    _("lawyer `{lawyer_id}` already exists").format(lawyer_id=lawyer_id),
                )
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
            raise LedgerInputError("ledger.bad_id", _("a case id cannot be empty"))
        with self._immediate() as db:
            if db.execute("SELECT 1 FROM cases WHERE id = ?", (case_id,)).fetchone():
                raise LedgerInputError(
                    "ledger.duplicate_case", _("case `{case_id}` already exists").format(case_id=case_id)
                )
            db.execute(
                "INSERT INTO cases (id, approved_on, matter, litigation, office) VALUES (?, ?, ?, ?, ?)",
                (case_id, approved_on.isoformat(), matter, int(litigation), office),
            )
        return Case(case_id, approved_on, matter, litigation, office)

    @_store_errors
    def lawyer(self, lawyer_id: str) -> Lawyer:
        """A lawyer by id.

        Raises:
            UnknownLawyerError: no such lawyer.
        """
        row = self._engine.execute(
            "SELECT id, name, kind, office FROM lawyers WHERE id = ?", (lawyer_id,)
        ).fetchone()
        if row is None:
            raise UnknownLawyerError(
                "ledger.unknown_lawyer",
                _("no lawyer `{lawyer_id}` in the ledger").format(lawyer_id=lawyer_id),
                _("register the lawyer first with `add-lawyer`"),
            )
        return Lawyer(row[0], row[1], LawyerKind(row[2]), row[3])

    @_store_errors
    def lawyers(self, office: str | None = None) -> list[Lawyer]:
        """Every lawyer (of one office when given), by id."""
        sql = "SELECT id, name, kind, office FROM lawyers"
        rows = (
            self._engine.execute(sql + " WHERE office = ? ORDER BY id", (office,))
            if office is not None
            else self._engine.execute(sql + " ORDER BY id")
        )
        return [Lawyer(r[0], r[1], LawyerKind(r[2]), r[3]) for r in rows]

    @_store_errors
    def case(self, case_id: str) -> Case:
        """A case by id, with its closing date when closed.

        Raises:
            UnknownCaseError: no such case.
        """
        row = self._engine.execute(
            "SELECT c.id, c.approved_on, c.matter, c.litigation, c.office, x.closed_on "
            "FROM cases c LEFT JOIN closures x ON x.case_id = c.id WHERE c.id = ?",
            (case_id,),
        ).fetchone()
        if row is None:
            raise UnknownCaseError(
                "ledger.unknown_case",
                _("no case `{case_id}` in the ledger").format(case_id=case_id),
                _("register the case first with `add-case`"),
            )
        return Case(row[0], _date(row[1]), row[2], bool(row[3]), row[4], row[5] and _date(row[5]))

    @_store_errors
    def offices(self) -> list[str]:
        """Every office named by a case or a lawyer, sorted."""
        rows = self._engine.execute(
            "SELECT office FROM cases WHERE office IS NOT NULL "
            "UNION SELECT office FROM lawyers WHERE office IS NOT NULL ORDER BY 1"
        )
        return [r[0] for r in rows]

    # -- assignments ---------------------------------------------------------------------------

    @_store_errors
    def count(self, lawyer_id: str, year: int) -> int:
        """The cases a lawyer holds from assignments dated in ``year`` (closed ones included)."""
        row = self._engine.execute(
            "SELECT COUNT(*) FROM assignments WHERE lawyer_id = ? AND year = ? AND status = 'active'",
            (lawyer_id, year),
        ).fetchone()
        return int(row[0])

    @_store_errors
    def current(self, case_id: str) -> Assignment | None:
        """The case's active assignment, or None."""
        row = self._engine.execute(
            "SELECT id, case_id, lawyer_id, assigned_on, status, ended_on FROM assignments "
            "WHERE case_id = ? AND status = 'active'",
            (case_id,),
        ).fetchone()
        return None if row is None else _assignment(row)

    @_store_errors
    def history(self, case_id: str) -> list[Assignment]:
        """Every assignment of a case, oldest first."""
        rows = self._engine.execute(
            "SELECT id, case_id, lawyer_id, assigned_on, status, ended_on FROM assignments "
            "WHERE case_id = ? ORDER BY id",
            (case_id,),
        )
        return [_assignment(r) for r in rows]

    def _lock(self, table: str, ident: str) -> None:
        """Hold a lock on one case or lawyer until the transaction ends.

        PostgreSQL: a transaction-scoped advisory lock keyed by the row, rather than ``SELECT ...
        FOR UPDATE``: it serialises the same writers, but writes nothing to the table, so a
        refused assignment (which writes nothing) commits without waiting for a WAL flush. A
        hash collision between two keys only makes two writers wait for each other. SQLite's
        write transaction already holds the whole file.
        """
        digest = hashlib.blake2b(f"legalaid-rules/{table}/{ident}".encode(), digest_size=8).digest()
        self._engine.advisory_lock(int.from_bytes(digest, "big", signed=True))

    def _open_case(self, case_id: str) -> Case:
        case = self.case(case_id)
        if case.closed_on is not None:
            raise CaseClosedError(
                "ledger.case_closed",
                _("case `{case_id}` was closed on {closed_on}").format(
                    case_id=case_id, closed_on=case.closed_on
                ),
            )
        return case

    def assign(
        self, case_id: str, lawyer_id: str, on: dt.date, *, warn_at: int | None = None
    ) -> AssignResult:
        """Assign a case to a lawyer on a date, if the lawyer's yearly cap allows it.

        Atomic across threads, processes and servers: counting, checking and writing happen in
        one write transaction holding the lock on the lawyer (SQLite: the whole file). Assigning
        a case to the lawyer who holds it changes nothing; assigning it to another lawyer moves
        it (the first lawyer's count drops).

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
            LedgerPackError: the pack version changed since it was recorded (``ledger.pack_changed``)
                or sets no cap (``ledger.no_cap``).
            CapValueError: the pack's cap is not a positive whole number.
        """
        pack = self.pack_on(on)
        stamp = f"{pack.id} {pack.version}"
        with self._immediate():
            self._lock("cases", case_id)  # case first, then lawyer: one order, no deadlock
            self._lock("lawyers", lawyer_id)
            lawyer = self.lawyer(lawyer_id)
            case = self._open_case(case_id)
            if on < case.approved_on:
                raise LedgerInputError(
                    "ledger.date_order",
                    _("case `{case_id}` cannot be assigned on {on}: it was approved on {approved_on}").format(
                        case_id=case_id, on=on, approved_on=case.approved_on
                    ),
                )
            held = self.current(case_id)
            if held is not None and held.lawyer == lawyer_id:
                return AssignResult("unchanged", case_id, lawyer_id, held.on, None, None, stamp)
            if held is not None and on < held.on:
                raise LedgerInputError(
                    "ledger.date_order",
                    _("case `{case_id}` cannot move on {on}: lawyer `{lawyer}` holds it since {on2}").format(
                        case_id=case_id, on=on, lawyer=held.lawyer, on2=held.on
                    ),
                )
            region = lawyer.office if lawyer.office in pack.regions else None
            self._approve(pack)
            governing_cap(pack, on, region)
            check = may_assign(pack, self.count(lawyer_id, on.year), warn_at=warn_at, on=on, region=region)
            if not check.allowed:
                return AssignResult("refused", case_id, lawyer_id, on, check, None, stamp)
            if held is not None:
                self._engine.execute(
                    "UPDATE assignments SET status = 'moved', ended_on = ? WHERE id = ?",
                    (on.isoformat(), held.id),
                )
            self._engine.execute(
                "INSERT INTO assignments (case_id, lawyer_id, assigned_on, year, status, pack_version, "
                "pack_digest) VALUES (?, ?, ?, ?, 'active', ?, ?)",
                (case_id, lawyer_id, on.isoformat(), on.year, pack.version, pack.digest),
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
            self._lock("cases", case_id)
            self._open_case(case_id)
            held = self._held(case_id, on, N_("withdrawn"))
            self._engine.execute(
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
            self._lock("cases", case_id)
            case = self._open_case(case_id)
            held = self._held(case_id, on, N_("closed"))
            self._engine.execute(
                "INSERT INTO closures (case_id, closed_on, lawyer_id) VALUES (?, ?, ?)",
                (case_id, on.isoformat(), held.lawyer),
            )
        return Case(case.id, case.approved_on, case.matter, case.litigation, case.office, on)

    def _held(self, case_id: str, on: dt.date, verb: str) -> Assignment:
        held = self.current(case_id)
        if held is None:
            raise NotAssignedError(
                "ledger.not_assigned",
                _("case `{case_id}` is not assigned to anyone, so it cannot be {verb}").format(
                    case_id=case_id, verb=_(verb)
                ),
                _("assign it first with `assign`"),
            )
        if on < held.on:
            raise LedgerInputError(
                "ledger.date_order",
                _("case `{case_id}` cannot be {verb} on {on}: it was assigned on {on2}").format(
                    case_id=case_id, verb=_(verb), on=on, on2=held.on
                ),
            )
        return held


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _assignment(row: tuple[object, ...]) -> Assignment:
    ident, case, lawyer, on, status, ended = row
    assert isinstance(on, str)
    return Assignment(
        int(ident),  # type: ignore[call-overload]
        str(case),
        str(lawyer),
        _date(on),
        status,  # type: ignore[arg-type]
        _date(ended) if isinstance(ended, str) else None,
    )
