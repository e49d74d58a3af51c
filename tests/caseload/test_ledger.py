"""The ledger: boundary, year rollover, idempotence, moves, withdrawals, closures and errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from caseload_helpers import DAY, filled_ledger, pack_tree

from legalaid_rules import LegalAidRulesError
from legalaid_rules.caseload import (
    CapValueError,
    CaseClosedError,
    DateOutsidePackError,
    Ledger,
    LedgerError,
    LedgerInputError,
    LedgerMissingError,
    LedgerPackError,
    NotAssignedError,
    UnknownCaseError,
    UnknownLawyerError,
    lawyer_status,
    office_report,
)
from legalaid_rules.errors import PackError
from legalaid_rules.packs.registry import Registry
from legalaid_rules.storage import StorageError
from stores import run_sql


@pytest.fixture
def at_89(store: str) -> Iterator[Ledger]:
    ledger = filled_ledger(store, held=89, spare=5)
    ledger.add_lawyer("L2", "李律师", "staff_lawyer", "huaining")
    yield ledger
    ledger.close_connection()


def _rows(ledger: Ledger) -> int:
    return int(ledger.engine.scalar("SELECT COUNT(*) FROM assignments"))


def test_89_allows_the_90th_and_refuses_the_91st(at_89: Ledger) -> None:
    assert at_89.count("L1", 2023) == 89
    first = at_89.assign("S0000", "L1", DAY)
    assert first.outcome == "assigned" and first.allowed
    assert first.check is not None and first.check.count_after == 90 and first.check.near_cap
    assert at_89.count("L1", 2023) == 90
    before = _rows(at_89)
    second = at_89.assign("S0001", "L1", DAY)
    assert second.outcome == "refused" and not second.allowed
    assert second.check is not None
    assert second.check.zh == "本年度已承办 90 件，已达安庆市规定的每年 90 件上限（庆司通〔2023〕8号 六(二)）"
    assert at_89.count("L1", 2023) == 90
    assert _rows(at_89) == before  # a refusal writes nothing
    assert at_89.current("S0001") is None


def test_same_case_same_lawyer_is_idempotent_even_at_the_cap(at_89: Ledger) -> None:
    at_89.assign("S0000", "L1", DAY)
    rows = _rows(at_89)
    again = at_89.assign("S0000", "L1", DAY + dt.timedelta(days=3))
    assert again.outcome == "unchanged" and again.allowed and again.on == DAY
    assert _rows(at_89) == rows and at_89.count("L1", 2023) == 90


def test_moving_a_case_takes_it_out_of_the_first_lawyers_count(at_89: Ledger) -> None:
    at_89.assign("S0000", "L1", DAY)
    assert at_89.assign("S0001", "L1", DAY).outcome == "refused"
    moved = at_89.assign("H0000", "L2", DAY + dt.timedelta(days=1))
    assert moved.outcome == "moved" and moved.moved_from == "L1"
    assert at_89.count("L1", 2023) == 89 and at_89.count("L2", 2023) == 1
    assert [a.status for a in at_89.history("H0000")] == ["moved", "active"]
    # the freed place can be used again
    assert at_89.assign("S0001", "L1", DAY + dt.timedelta(days=1)).outcome == "assigned"


def test_a_move_to_a_lawyer_at_the_cap_is_refused_and_leaves_the_case_where_it_was(at_89: Ledger) -> None:
    at_89.assign("S0000", "L1", DAY)  # L1 at 90
    at_89.assign("S0001", "L2", DAY)
    rows = _rows(at_89)
    refused = at_89.assign("S0001", "L1", DAY)
    assert refused.outcome == "refused"
    current = at_89.current("S0001")
    assert current is not None and current.lawyer == "L2"
    assert _rows(at_89) == rows


def test_withdrawing_frees_a_place_and_reassigning_counts_once(at_89: Ledger) -> None:
    at_89.assign("S0000", "L1", DAY)
    held = at_89.withdraw("H0005", DAY)
    assert held.lawyer == "L1"
    assert at_89.count("L1", 2023) == 89
    assert at_89.current("H0005") is None
    assert at_89.assign("H0005", "L1", DAY).outcome == "assigned"
    assert at_89.count("L1", 2023) == 90
    with pytest.raises(NotAssignedError) as info:
        at_89.withdraw("S0004", DAY)
    assert info.value.code == "ledger.not_assigned"


def test_closed_cases_still_count_and_cannot_be_touched(at_89: Ledger) -> None:
    closed = at_89.close("H0001", DAY + dt.timedelta(days=30))
    assert closed.closed_on == DAY + dt.timedelta(days=30)
    assert at_89.count("L1", 2023) == 89
    for action in (
        lambda: at_89.assign("H0001", "L2", DAY + dt.timedelta(days=40)),
        lambda: at_89.withdraw("H0001", DAY + dt.timedelta(days=40)),
        lambda: at_89.close("H0001", DAY + dt.timedelta(days=40)),
    ):
        with pytest.raises(CaseClosedError) as info:
            action()
        assert info.value.code == "ledger.case_closed"
    with pytest.raises(NotAssignedError):
        at_89.close("S0003", DAY)


def test_clear_errors_with_codes(at_89: Ledger) -> None:
    at_89.add_case("LATE", DAY, "labour_remuneration", litigation=True)
    a = at_89.assign
    early = DAY - dt.timedelta(days=1)
    cases: list[tuple[type[LedgerError], str, object]] = [
        (UnknownLawyerError, "ledger.unknown_lawyer", lambda: a("S0000", "nobody", DAY)),
        (UnknownCaseError, "ledger.unknown_case", lambda: a("nothing", "L1", DAY)),
        (DateOutsidePackError, "ledger.no_pack_in_force", lambda: a("S0000", "L1", dt.date(2024, 1, 1))),
        (DateOutsidePackError, "ledger.no_pack_in_force", lambda: a("S0000", "L1", dt.date(2022, 12, 31))),
        (LedgerInputError, "ledger.date_order", lambda: a("LATE", "L1", early)),
        (LedgerInputError, "ledger.bad_kind", lambda: at_89.add_lawyer("L3", "王", "judge")),
        (LedgerInputError, "ledger.duplicate_lawyer", lambda: at_89.add_lawyer("L1", "张", "social_lawyer")),
        (LedgerInputError, "ledger.duplicate_case", lambda: at_89.add_case("S0000", DAY, "x", litigation=1)),
    ]
    rows = _rows(at_89)
    for kind, code, action in cases:
        with pytest.raises(kind) as info:
            action()  # type: ignore[operator]
        assert isinstance(info.value, LegalAidRulesError)
        assert info.value.code == code
        assert str(info.value).startswith(code + ": ")
    assert _rows(at_89) == rows


def test_moving_or_withdrawing_before_the_assignment_date_is_refused(at_89: Ledger) -> None:
    at_89.assign("S0000", "L2", DAY)
    with pytest.raises(LedgerInputError):
        at_89.assign("S0000", "L1", DAY - dt.timedelta(days=1))
    with pytest.raises(LedgerInputError):
        at_89.withdraw("S0000", DAY - dt.timedelta(days=1))


def test_missing_file_is_an_error_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(LedgerMissingError) as info:
        Ledger(tmp_path / "none.sqlite", create=False)
    assert info.value.code == "ledger.missing"


def test_a_missing_ledger_is_an_error_when_not_creating(store: str) -> None:
    with pytest.raises(LedgerMissingError):
        Ledger(store, create=False)
    Ledger(store).close_connection()
    Ledger(store, create=False).close_connection()


def test_the_file_is_in_wal_mode(tmp_path: Path) -> None:
    with Ledger(tmp_path / "w.sqlite"):
        pass
    import sqlite3

    con = sqlite3.connect(tmp_path / "w.sqlite")
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


def test_year_rollover_dec_31_counts_in_the_old_year_jan_1_in_the_new(store: str, tmp_path: Path) -> None:
    registry = pack_tree(tmp_path, cap=90, with_2024=True)
    with filled_ledger(store, held=89, spare=3, registry=registry) as ledger:
        dec31, jan1 = dt.date(2023, 12, 31), dt.date(2024, 1, 1)
        assert ledger.assign("S0000", "L1", dec31).outcome == "assigned"  # the 90th of 2023
        assert ledger.assign("S0001", "L1", dec31).outcome == "refused"
        assert ledger.count("L1", 2023) == 90 and ledger.count("L1", 2024) == 0
        on_jan1 = ledger.assign("S0001", "L1", jan1)
        assert on_jan1.outcome == "assigned" and on_jan1.pack == "anhui/anqing 2024.1"
        assert on_jan1.check is not None and on_jan1.check.count_before == 0
        assert ledger.count("L1", 2023) == 90 and ledger.count("L1", 2024) == 1


def test_a_pack_without_a_cap_cannot_govern_a_ledger(store: str, tmp_path: Path) -> None:
    registry = pack_tree(tmp_path, cap=None, with_2024=False)
    with pytest.raises(LedgerPackError) as info:
        Ledger(store, registry=registry)
    assert info.value.code == "ledger.no_cap"
    with pytest.raises(LedgerPackError) as info:
        Ledger(store, pack_id="anhui")  # the province sets no cap
    assert info.value.code == "ledger.no_cap"


@pytest.mark.parametrize("cap", ["0", "-90", "90.5", "true", "1.0e29", "null"])
def test_a_cap_that_is_not_a_positive_whole_number_cannot_govern(
    store: str, tmp_path: Path, cap: str
) -> None:
    registry = pack_tree(tmp_path, cap=90, with_2024=False)
    anqing = registry.root / "anhui" / "anqing" / "2023.yaml"
    anqing.write_text(
        anqing.read_text(encoding="utf-8").replace("    value: 90\n", f"    value: {cap}\n", 1),
        encoding="utf-8",
    )
    try:
        registry = Registry(registry.root)
        registry.load("anhui/anqing", DAY)
    except PackError:
        return  # the pack format already refuses it: it can govern nothing
    with pytest.raises((LedgerPackError, CapValueError)) as info:
        Ledger(store, registry=registry)
    assert info.value.code in ("ledger.no_cap", "ledger.bad_cap")


def test_another_pack_is_refused_and_an_override_is_a_logged_admin_operation(
    store: str, tmp_path: Path
) -> None:
    filled_ledger(store, held=90, spare=2).close_connection()
    for other in ("anhui", "national", "anhui/nowhere"):
        with pytest.raises(LedgerPackError) as info:
            Ledger(store, pack_id=other)
        assert info.value.code == "ledger.wrong_pack"
    with Ledger(store) as ledger:  # opened under its own pack: the 91st is refused
        assert ledger.pack_id == "anhui/anqing"
        assert ledger.assign("S0000", "L1", DAY).outcome == "refused"
        assert [e.kind for e in ledger.events()] == ["govern"]
        with pytest.raises(LedgerInputError):
            ledger.govern("anhui/anqing", admin=" ", reason="x")
        with pytest.raises(LedgerPackError):
            ledger.govern("anhui", admin="王主任", reason="no cap")  # still no cap: refused
    # the pack edited in place (same version, cap raised): refused until an admin accepts it
    registry = pack_tree(tmp_path, cap=1000, with_2024=False)
    with Ledger(store, registry=registry) as ledger:
        rows = _rows(ledger)
        with pytest.raises(LedgerPackError) as info:
            ledger.assign("S0000", "L1", DAY)
        assert info.value.code == "ledger.pack_changed" and _rows(ledger) == rows
        event = ledger.govern("anhui/anqing", admin="王主任", reason="庆司通 revised cap")
        assert event.actor == "王主任" and "庆司通 revised cap" in event.detail
        assert ledger.assign("S0000", "L1", DAY).outcome == "assigned"
        assert [e.kind for e in ledger.events()] == ["govern", "govern"]


def test_assignments_are_stamped_with_the_pack_that_allowed_them(store: str) -> None:
    with filled_ledger(store, held=1, spare=0) as ledger:
        row = ledger.engine.execute("SELECT pack_version, pack_digest FROM assignments").fetchone()
        pack = ledger.pack_on(DAY)
        assert tuple(row) == (pack.version, pack.digest)


def test_an_in_memory_ledger_works(tmp_path: Path) -> None:
    with filled_ledger(":memory:", held=3, spare=1) as ledger:
        assert ledger.count("L1", 2023) == 3


def test_a_writer_that_waits_past_its_timeout_gets_a_storage_error_and_writes_nothing(store: str) -> None:
    filled_ledger(store, held=3, spare=2).close_connection()
    with Ledger(store) as holder, Ledger(store, timeout=0.5) as waiter:
        with holder._immediate():  # another clerk's transaction holds the lawyer (SQLite: the file)
            holder._lock("cases", "S0000")
            holder._lock("lawyers", "L1")
            with pytest.raises(StorageError) as info:
                waiter.assign("S0000", "L1", DAY)
            assert info.value.code == "storage.failed"
        assert waiter.count("L1", 2023) == 3
        assert waiter.assign("S0000", "L1", DAY).outcome == "assigned"  # and it works afterwards


def test_lawyer_status_against_the_cap(store: str) -> None:
    with filled_ledger(store, held=81, spare=0) as ledger:
        load = lawyer_status(ledger, "L1", 2023)
        assert (load.cases, load.limit, load.warn_at, load.status) == (81, 90, 81, "near")
        assert lawyer_status(ledger, "L1", 2023, warn_at=85).status == "ok"
        with pytest.raises(UnknownLawyerError):
            lawyer_status(ledger, "nobody", 2023)


def test_a_read_whose_store_fails_is_a_storage_error(store: str) -> None:
    ledger = filled_ledger(store, held=1, spare=0)
    if store.startswith("postgresql://"):  # the server drops the clerk's connection
        pid = ledger.engine.scalar("SELECT pg_backend_pid()")
        run_sql(store, f"SELECT pg_terminate_backend({int(pid)})")
    else:
        ledger.engine.close()
    for read in (
        lambda: ledger.count("L1", 2023),
        lambda: ledger.lawyer("L1"),
        lambda: ledger.history("H0000"),
        lambda: office_report(ledger, 2023),
    ):
        with pytest.raises(StorageError) as info:
            read()
        assert info.value.code == "storage.failed"
    ledger.close_connection()
