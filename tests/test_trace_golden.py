"""Golden traces for the shipped packs: built the same bytes today, and replayed identical.

Regenerate (then review the diff) with ``LEGALAID_REGENERATE_GOLDEN=1 pytest tests/test_trace_golden.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest

from legalaid_rules import evaluate, load_pack
from legalaid_rules.traces.masking import PERSONAL_PATHS, MaskingPolicy
from legalaid_rules.traces.records import TraceRecord, load_trace, trace_schema
from legalaid_rules.traces.replay import ReplayStatus, replay

GOLDEN = Path(__file__).parent / "golden" / "traces"
SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "trace-schema.json"
REGENERATE = os.environ.get("LEGALAID_REGENERATE_GOLDEN") == "1"
CASES: list[dict[str, Any]] = json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))
CLOCK = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
POLICY = MaskingPolicy(
    PERSONAL_PATHS, b"golden-test-key-0123456789abcdef"
)  # a test key; deployments keep theirs secret
_HINT = "if the change is intended, run LEGALAID_REGENERATE_GOLDEN=1 pytest tests/test_trace_golden.py"


def pretty(data: Any) -> str:
    """The reviewable form of a golden file: sorted keys, indented, UTF-8."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def build(case: dict[str, Any]) -> TraceRecord:
    app = json.loads((GOLDEN / f"{case['name']}.application.json").read_text(encoding="utf-8"))
    pack = load_pack(case["pack"], on=dt.date.fromisoformat(app["date"]))
    record = TraceRecord.from_decision(evaluate(pack, app), app, pack, clock=lambda: CLOCK)
    if case.get("mask"):
        record = load_trace(POLICY.apply(json.loads(record.canonical())))
    return record


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_trace_is_built_byte_for_byte(case: dict[str, Any]) -> None:
    path = GOLDEN / f"{case['name']}.trace.json"
    text = pretty(json.loads(build(case).canonical()))
    if REGENERATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden trace {path.name}: {_HINT}"
    assert path.read_text(encoding="utf-8") == text, f"{path.name} differs: {_HINT}"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_trace_replays_identical(case: dict[str, Any]) -> None:
    stored = load_trace((GOLDEN / f"{case['name']}.trace.json").read_bytes())
    result = replay(stored)
    assert result.status is ReplayStatus.IDENTICAL, [result.message, *map(str, result.differences)]
    if case.get("mask"):
        assert stored.masked == tuple(sorted(PERSONAL_PATHS))
        text = (GOLDEN / f"{case['name']}.trace.json").read_text(encoding="utf-8")
        assert "王秀英" not in text and "13800000000" not in text and "340811195803140021" not in text
        assert not result.input_verified  # the digest needs the originals


def test_masked_golden_trace_verifies_its_input_with_the_originals() -> None:
    case = next(c for c in CASES if c.get("mask"))
    stored = load_trace((GOLDEN / f"{case['name']}.trace.json").read_bytes())
    app = json.loads((GOLDEN / f"{case['name']}.application.json").read_text(encoding="utf-8"))
    originals = {f"input.applicant.{k}": app["applicant"][k] for k in ("name", "id_number", "phone")}
    result = replay(stored, originals=originals, masking=POLICY)
    assert result.status is ReplayStatus.IDENTICAL and result.input_verified
    wrong = replay(stored, originals={**originals, "input.applicant.name": "李四"}, masking=POLICY)
    assert wrong.status is ReplayStatus.INPUT_CHANGED and "does not match its masked digest" in wrong.message
    # without the key nothing confirms or refutes an original: that is what stops brute force
    keyless = replay(stored, originals={**originals, "input.applicant.name": "李四"})
    assert keyless.identical and not keyless.input_verified and "it is keyed" in keyless.message
    assert stored.input_digest.startswith("hmac-sha256:")
    edited = stored.model_copy(update={"input": {**stored.input, "matter": "domestic_violence"}})
    changed = replay(edited, originals=originals, masking=POLICY)
    assert changed.status is ReplayStatus.INPUT_CHANGED and "recorded digest" in changed.message


def test_every_shipped_pack_with_a_means_test_has_a_golden_trace() -> None:
    packs = {c["pack"] for c in CASES}
    assert {
        "anhui",
        "anhui/anqing",
        "anhui/yeji",
        "guangdong",
        "guangdong/yunfu",
        "shanxi",
        "shanxi/zezhou",
    } <= packs


def test_published_schema_is_current() -> None:
    text = pretty(trace_schema())
    if REGENERATE:
        SCHEMA.write_text(text, encoding="utf-8")
    assert SCHEMA.read_text(encoding="utf-8") == text, f"docs/trace-schema.json is stale: {_HINT}"
