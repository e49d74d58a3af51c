"""What is compiled from a pack is built once per pack, however many threads ask at once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from legalaid_rules import Registry, evaluate
from legalaid_rules.backends.native import Plan, plan_for
from legalaid_rules.packs.model import Memo, PackCache

APP = {
    "date": "2023-06-01",
    "matter": "labour_remuneration",
    "locality": {"city": "anqing"},
    "household": {"size": 2, "monthly_income": "1000"},
}


def test_many_threads_share_one_plan_and_agree() -> None:
    pack = Registry().load("anhui/anqing", dt.date(2023, 6, 1))  # a fresh registry: nothing built yet
    start = threading.Barrier(8, timeout=30)
    plans: list[Plan] = []
    decisions: list[Any] = []

    def work() -> None:
        start.wait()
        decisions.append(evaluate(pack, APP))
        plans.append(plan_for(pack))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(plans) == len(decisions) == 8
    assert len({id(p) for p in plans}) == 1
    assert all(d == decisions[0] for d in decisions)


def test_each_kind_is_built_once_and_typed() -> None:
    cache = PackCache()
    built: list[int] = []

    class Thing(list[int]):
        pass

    def build() -> Thing:
        built.append(1)
        return Thing([len(built)])

    first = cache.get(Thing, build)
    assert cache.get(Thing, build) is first
    assert isinstance(first, Thing) and built == [1]


class _Small(Memo[int, int | None]):
    limit = 3


def test_a_memo_makes_each_value_once_keeps_none_and_stays_bounded() -> None:
    made: list[int] = []

    def make(n: int) -> int | None:
        made.append(n)
        return None if n == 0 else n * n

    memo = _Small()
    assert [memo.remember(n, make, n) for n in (0, 2, 0, 2)] == [None, 4, None, 4]
    assert made == [0, 2]  # None is a value kept, not "not yet made"
    for n in range(3, 10):
        memo.remember(n, make, n)
        assert len(memo) <= 3
    assert memo.remember(9, make, 9) == 81 and made.count(9) == 1


def test_a_memo_shared_by_threads_gives_every_caller_the_right_value() -> None:
    memo = _Small()
    start = threading.Barrier(6, timeout=30)
    wrong: list[tuple[int, int | None]] = []

    def work(seed: int) -> None:
        start.wait()
        for i in range(2000):
            n = (seed + i) % 7  # more keys than the limit: clears race with reads
            got = memo.remember(n, lambda k: k * 10, n)
            if got != n * 10:
                wrong.append((n, got))

    threads = [threading.Thread(target=work, args=(s,)) for s in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert wrong == []
