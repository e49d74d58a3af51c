"""A decision renders its reasons, warnings and steps on first read, and is the same decision either way.

Whatever is read first (one field, the JSON, a copy, a pickle, equality), the decision equals the
one read back from its own JSON, and its JSON is the same bytes.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import threading
from pathlib import Path
from typing import Any

import pytest

from legalaid_rules import Decision, evaluate, load_pack

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
APPS = sorted(EXAMPLES.glob("*.json"))


@pytest.fixture(params=APPS, ids=[p.stem for p in APPS])
def app(request: pytest.FixtureRequest) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(request.param.read_text(encoding="utf-8"))
    return data


def _pack() -> Any:
    return load_pack("anhui/anqing", on=dt.date(2023, 6, 1))


def _reference(app: dict[str, Any], **options: Any) -> tuple[Decision, str]:
    text = evaluate(_pack(), app, **options).model_dump_json()
    return Decision.model_validate_json(text), text


@pytest.mark.parametrize(
    "first_read",
    [
        lambda d: d.reasons,
        lambda d: d.warnings,
        lambda d: d.steps,
        lambda d: d.model_dump(mode="json"),
        lambda d: repr(d),
        lambda d: dict(d),
        lambda d: copy.deepcopy(d),
        lambda d: copy.copy(d),
        lambda d: d.model_copy(update={"urgent": d.urgent}),
        lambda d: pickle.loads(pickle.dumps(d)),
    ],
    ids=["reasons", "warnings", "steps", "dump", "repr", "dict", "deepcopy", "copy", "model_copy", "pickle"],
)
def test_any_first_read_gives_the_same_decision(app: dict[str, Any], first_read: Any) -> None:
    reference, text = _reference(app)
    decision = evaluate(_pack(), app)
    first_read(decision)
    assert decision == reference
    assert decision.model_dump_json() == text
    assert json.dumps(decision.model_dump(mode="json")) == json.dumps(reference.model_dump(mode="json"))
    assert [name for name, _ in decision] == list(Decision.model_fields)
    assert reference.reasons and decision.reasons == reference.reasons


def test_copies_and_pickles_are_equal_and_independent(app: dict[str, Any]) -> None:
    reference, text = _reference(app)
    for made in (
        copy.deepcopy(evaluate(_pack(), app)),
        copy.copy(evaluate(_pack(), app)),
        pickle.loads(pickle.dumps(evaluate(_pack(), app))),
    ):
        assert made == reference
        assert made.model_dump_json() == text


def test_two_fresh_decisions_compare_equal(app: dict[str, Any]) -> None:
    assert evaluate(_pack(), app) == evaluate(_pack(), app)


def test_without_steps_only_the_steps_are_empty(app: dict[str, Any]) -> None:
    full = evaluate(_pack(), app)
    lean = evaluate(_pack(), app, steps=False)
    assert lean.steps == ()
    assert full.steps
    assert lean.model_copy(update={"steps": full.steps}) == full


def test_many_threads_reading_one_fresh_decision_agree(app: dict[str, Any]) -> None:
    reference, _ = _reference(app)
    for _ in range(5):
        decision = evaluate(_pack(), app)
        start = threading.Barrier(8, timeout=30)
        seen: list[Any] = []

        def read(
            field: str,
            decision: Decision = decision,
            start: threading.Barrier = start,
            seen: list[Any] = seen,
        ) -> None:
            start.wait()
            seen.append((field, getattr(decision, field)))

        threads = [threading.Thread(target=read, args=(f,)) for f in ("reasons", "warnings", "steps") * 2]
        threads += [threading.Thread(target=read, args=("missing",)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert len(seen) == 8
        for field, value in seen:
            assert value == getattr(reference, field), field
        assert decision == reference


def test_a_decision_read_back_from_json_is_not_deferred(app: dict[str, Any]) -> None:
    reference, text = _reference(app)
    again = Decision.model_validate_json(text)
    assert "__render__" not in again.__dict__
    assert again == reference
