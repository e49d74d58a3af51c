"""Hypothesis: any sequence of assign / reassign / withdraw / close keeps the ledger equal to a
simple model, and no lawyer-year count ever exceeds the cap.

The packs are a copy of the bundled ones with Anqing's cap lowered to 3 (so the cap is hit
often) and a 2024 version added (so years roll over).
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from caseload_helpers import pack_tree
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from legalaid_rules.caseload import CaseClosedError, Ledger, LedgerInputError, NotAssignedError

CAP = 3
LAWYERS = ["L0", "L1", "L2"]
CASES = [f"C{i}" for i in range(9)]
DATES = [
    dt.date(2023, 1, 1),
    dt.date(2023, 6, 1),
    dt.date(2023, 12, 31),
    dt.date(2024, 1, 1),
    dt.date(2024, 7, 1),
]
YEARS = (2023, 2024)

_TMP = Path(tempfile.mkdtemp(prefix="caseload-sm-"))
atexit.register(shutil.rmtree, _TMP, True)
REGISTRY = pack_tree(_TMP / "packs", cap=CAP, with_2024=True)

lawyers = st.sampled_from(LAWYERS)
cases = st.sampled_from(CASES)
dates = st.sampled_from(DATES)


class LedgerMachine(RuleBasedStateMachine):
    """The ledger against a model: case -> (lawyer, date) held, and the set of closed cases."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(dir=_TMP))
        self.ledger = Ledger(self.dir / "l.sqlite", registry=REGISTRY)
        for lawyer in LAWYERS:
            self.ledger.add_lawyer(lawyer, lawyer, "social_lawyer", "huaining")
        for case in CASES:
            self.ledger.add_case(case, dt.date(2023, 1, 1), "labour_remuneration", litigation=True)
        self.held: dict[str, tuple[str, dt.date]] = {}
        self.closed: set[str] = set()

    def teardown(self) -> None:
        self.ledger.close_connection()
        shutil.rmtree(self.dir, ignore_errors=True)

    def model_count(self, lawyer: str, year: int) -> int:
        return sum(1 for who, on in self.held.values() if who == lawyer and on.year == year)

    def _expect_assign(self, case: str, lawyer: str, on: dt.date) -> str | type[Exception]:
        if case in self.closed:
            return CaseClosedError
        current = self.held.get(case)
        if current is not None and current[0] == lawyer:
            return "unchanged"
        if current is not None and on < current[1]:
            return LedgerInputError
        if self.model_count(lawyer, on.year) >= CAP:
            return "refused"
        return "moved" if current is not None else "assigned"

    def _do_assign(self, case: str, lawyer: str, on: dt.date) -> None:
        expected = self._expect_assign(case, lawyer, on)
        try:
            outcome: str | type[Exception] = self.ledger.assign(case, lawyer, on).outcome
        except (CaseClosedError, LedgerInputError) as exc:
            outcome = type(exc)
        assert outcome == expected, (case, lawyer, on, outcome, expected)
        if outcome in ("assigned", "moved"):
            self.held[case] = (lawyer, on)

    @rule(case=cases, lawyer=lawyers, on=dates)
    def assign(self, case: str, lawyer: str, on: dt.date) -> None:
        self._do_assign(case, lawyer, on)

    @rule(pick=st.integers(0, len(CASES) - 1), shift=st.integers(1, len(LAWYERS) - 1), on=dates)
    def reassign(self, pick: int, shift: int, on: dt.date) -> None:
        open_held = sorted(c for c in self.held if c not in self.closed)
        if not open_held:
            return
        case = open_held[pick % len(open_held)]
        other = LAWYERS[(LAWYERS.index(self.held[case][0]) + shift) % len(LAWYERS)]
        self._do_assign(case, other, on)

    def _end(self, op: Callable[[str, dt.date], object], case: str, on: dt.date) -> type[Exception] | None:
        """Withdraw or close ``case`` on ``on``; check the error (or none) against the model."""
        current = self.held.get(case)
        expected: type[Exception] | None
        if case in self.closed:
            expected = CaseClosedError
        elif current is None:
            expected = NotAssignedError
        elif on < current[1]:
            expected = LedgerInputError
        else:
            expected = None
        try:
            op(case, on)
            got: type[Exception] | None = None
        except (CaseClosedError, NotAssignedError, LedgerInputError) as exc:
            got = type(exc)
        assert got is expected, (case, on, got, expected)
        return got

    @rule(case=cases, on=dates)
    def withdraw(self, case: str, on: dt.date) -> None:
        got = self._end(self.ledger.withdraw, case, on)
        if got is None:
            del self.held[case]

    @rule(case=cases, on=dates)
    def close(self, case: str, on: dt.date) -> None:
        got = self._end(self.ledger.close, case, on)
        if got is None:
            self.closed.add(case)  # a closed case stays in its lawyer's count

    @invariant()
    def counts_match_the_model_and_respect_the_cap(self) -> None:
        for lawyer in LAWYERS:
            for year in YEARS:
                count = self.ledger.count(lawyer, year)
                assert count == self.model_count(lawyer, year)
                assert count <= CAP

    @invariant()
    def holders_match_the_model(self) -> None:
        for case in CASES:
            current = self.ledger.current(case)
            expected = self.held.get(case)
            assert (None if current is None else (current.lawyer, current.on)) == expected


LedgerMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestLedgerMachine = LedgerMachine.TestCase
