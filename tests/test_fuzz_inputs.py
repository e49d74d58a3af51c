"""Fuzzing the input boundary: any value or bytes in -> a decision or a library error, on both backends.

The number of examples is bounded for CI; ``LEGALAID_FUZZ_EXAMPLES=15000`` runs a long campaign.
"""

from __future__ import annotations

import copy
import json
import os
from decimal import Decimal
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from legalaid_rules import Decision, evaluate
from legalaid_rules.errors import LegalAidRulesError
from legalaid_rules.inputs import read_json
from strategies import applications, pack

EXAMPLES = int(os.environ.get("LEGALAID_FUZZ_EXAMPLES", "150"))
PACKS = ("anhui/anqing",)  # the strategies build applications for a city pack
ANY_PACK = ("anhui/anqing", "guangdong", "anhui")
BACKENDS = ("native", "durable")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.decimals(),  # NaN, Infinity, 1E-400, 1E+48 ...
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(
        [
            "yes",
            "on",
            "１５００",
            "2023-06-01",
            "2023-02-30",
            "1e48",
            "NaN",
            "-0.001",
            "",
            "lingbei",
            "\ud800",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=15,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            out += _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out += _paths(sub, (*prefix, i))
    return out


@st.composite
def mutated_applications(draw: st.DrawFn) -> tuple[str, Any]:
    """A valid application of a pack with one to three values replaced, added or removed."""
    pack_id = draw(st.sampled_from(PACKS))
    app: Any = copy.deepcopy(draw(applications(pack_id)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(app)
        path = draw(st.sampled_from(paths))
        new = draw(json_values)
        if not path:
            app = new
            continue
        parent = app
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = new
        else:
            parent[path[-1]] = new
    return pack_id, app


def _decide_or_refuse(pack_id: str, data: Any) -> list[str]:
    outcomes = []
    for backend in BACKENDS:
        try:
            decision = evaluate(pack(pack_id), data, backend=backend)
        except LegalAidRulesError as exc:
            outcomes.append(type(exc).__name__)
        else:
            assert isinstance(decision, Decision)
            outcomes.append(decision.outcome.value)
    assert outcomes[0] == outcomes[1]  # both backends agree, on decisions and on refusals
    return outcomes


@settings(max_examples=EXAMPLES)
@given(mutated_applications())
def test_any_mutated_application_is_decided_or_refused_on_both_backends(case: tuple[str, Any]) -> None:
    event(_decide_or_refuse(*case)[0])  # the statistics show how many were decided or refused


@settings(max_examples=EXAMPLES)
@given(st.sampled_from(ANY_PACK), json_values)
def test_any_json_value_is_decided_or_refused(pack_id: str, value: Any) -> None:
    event(_decide_or_refuse(pack_id, value)[0])


@st.composite
def mutated_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """The JSON bytes of a valid application with bytes flipped, cut, inserted or re-encoded."""
    pack_id = draw(st.sampled_from(PACKS))
    app = draw(applications(pack_id))
    raw = bytearray(json.dumps(app, ensure_ascii=False, default=str).encode("utf-8"))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(raw)))
        kind = draw(st.sampled_from(["flip", "cut", "insert", "nest", "digits", "gbk"]))
        if kind == "flip" and at < len(raw):
            raw[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del raw[at : at + draw(st.integers(1, 20))]
        elif kind == "insert":
            raw[at:at] = draw(st.binary(max_size=8))
        elif kind == "nest":
            depth = draw(st.integers(1, 3000))
            raw[at:at] = b"[" * depth + b"]" * depth
        elif kind == "digits":
            raw[at:at] = b"9" * draw(st.integers(1, 6000))
        else:
            raw[at:at] = draw(st.sampled_from(["宿松", "张三", "１５００"])).encode("gbk")
    return pack_id, bytes(raw)


@settings(max_examples=EXAMPLES)
@given(st.one_of(mutated_bytes(), st.tuples(st.sampled_from(PACKS), st.binary(max_size=200))))
def test_any_bytes_are_decided_or_refused(case: tuple[str, bytes]) -> None:
    pack_id, raw = case
    try:
        data = read_json(raw, "fuzz.json")
    except LegalAidRulesError as exc:
        assert exc.problems and all(p.location.line for p in exc.problems)  # type: ignore[attr-defined]
        event("unreadable")
        return
    event(_decide_or_refuse(pack_id, data)[0])


def test_the_checks_can_fail_a_decision_is_reached() -> None:
    """Guards the fuzz tests against testing nothing: a valid application is decided, a bad one refused."""
    app = {"date": "2023-06-01", "locality": {"city": "anqing"}, "matter": "domestic_violence"}
    assert _decide_or_refuse("anhui/anqing", app) == ["eligible", "eligible"]
    bad = {**app, "household": {"monthly_income": Decimal("1E48")}}
    assert _decide_or_refuse("anhui/anqing", bad) == ["ApplicationError"] * 2
