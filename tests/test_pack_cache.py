"""What is compiled from a pack is built once per pack, however many threads ask at once."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from legalaid_rules import Registry, evaluate
from legalaid_rules.backends.native import Plan, plan_for
from legalaid_rules.packs.model import PackCache

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
