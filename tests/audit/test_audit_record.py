"""Trace records: contents, canonical bytes (same in a fresh process), schema, round trips."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from audit_helpers import INCOMPLETE, SUPPORT, anqing, fixed_clock, fixed_id, sample_record
from hypothesis import given, settings
from hypothesis import strategies as st

import legalaid_rules
from legalaid_rules import canonical_json, digest, evaluate
from legalaid_rules.audit import TraceError, TraceRecord, load_trace, trace
from legalaid_rules.audit.record import canonical_bytes, trace_schema

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "src" / "legalaid_rules" / "audit" / "trace-schema.json"


def test_record_holds_everything_needed_to_prove_the_decision() -> None:
    rec = sample_record(SUPPORT, 1)
    assert rec.schema_version == 1
    assert rec.decision_id == fixed_id(1)
    assert rec.timestamp == dt.datetime(2023, 6, 1, 4, 0, tzinfo=dt.UTC)
    assert rec.library_version == legalaid_rules.__version__
    pack = anqing()
    assert (rec.pack.id, rec.pack.version, rec.pack.digest) == (pack.id, pack.version, pack.digest)
    assert rec.pack.lineage == ("national@2022.1", "anhui@2022.1", "anhui/anqing@2023.1")
    assert rec.pack_date == dt.date(2023, 6, 1)
    assert rec.input["household"]["members"][0]["monthly_income"] == "1800.00"
    assert rec.input_digest == digest(rec.input)
    assert rec.decision == evaluate(pack, SUPPORT)
    assert rec.decision.outcome.value == "eligible"
    assert rec.warnings == rec.decision.warnings and rec.warnings
    steps = rec.decision.steps
    assert len(steps) == len(pack.rules)
    means = next(s for s in steps if s.rule == "anhui.means_test")
    assert means.result.value == "true" and means.basis and means.condition
    assert any(c.left == Decimal("1500.00") for c in means.comparisons)


def test_default_id_is_a_uuid4_and_clock_is_utc() -> None:
    rec = trace(anqing(), SUPPORT)
    assert uuid.UUID(rec.decision_id).version == 4
    assert rec.timestamp.utcoffset() == dt.timedelta(0)
    before = dt.datetime.now(dt.UTC)
    assert abs((before - rec.timestamp).total_seconds()) < 3600  # a real clock, not a fixed one


def test_clock_with_another_time_zone_is_kept() -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    rec = trace(anqing(), SUPPORT, clock=fixed_clock(dt.datetime(2023, 6, 1, 12, tzinfo=beijing)))
    assert b'"timestamp":"2023-06-01T12:00:00+08:00"' in rec.canonical()


def test_naive_clock_is_refused() -> None:
    with pytest.raises(TraceError) as info:
        trace(anqing(), SUPPORT, clock=lambda: dt.datetime(2023, 6, 1, 12))
    assert info.value.code == "trace.naive_clock"


def test_canonical_bytes_equal_canonical_json_of_the_dump() -> None:
    for app in (SUPPORT, INCOMPLETE):
        rec = sample_record(app, 7)
        assert rec.canonical() == canonical_json(rec.model_dump(mode="json"))
        assert rec.digest() == digest(rec.model_dump(mode="json"))


def test_round_trip_through_json_gives_the_same_bytes(tmp_path: Path) -> None:
    rec = sample_record(INCOMPLETE, 3)
    path = tmp_path / "t.json"
    path.write_bytes(rec.canonical())
    again = load_trace(path)
    assert again.canonical() == rec.canonical()
    assert again.decision.outcome == rec.decision.outcome
    assert load_trace(rec.canonical()) == again


def test_model_copy_does_not_keep_cached_bytes() -> None:
    rec = sample_record(SUPPORT, 4)
    before = rec.canonical()
    other = rec.model_copy(update={"decision_id": fixed_id(5)})
    assert other.canonical() != before
    assert fixed_id(5).encode() in other.canonical()


_CHILD = """
import datetime as dt, json, sys
from legalaid_rules import load_pack
from legalaid_rules.audit import trace
app = json.loads(sys.argv[1])
rec = trace(load_pack("anhui/anqing", on=dt.date(2023, 6, 1)), app,
            clock=lambda: dt.datetime(2023, 6, 1, 4, 0, tzinfo=dt.UTC),
            decision_id="00000000-0000-4000-8000-000000000009")
sys.stdout.buffer.write(rec.canonical())
"""


def test_canonical_bytes_are_the_same_in_a_fresh_process() -> None:
    for app in (SUPPORT, INCOMPLETE):
        here = sample_record(app, 9).canonical()
        out = subprocess.run(
            [sys.executable, "-c", _CHILD, json.dumps(app)],
            capture_output=True,
            timeout=120,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": "12345"},
        ).stdout
        assert out == here


def test_invalid_trace_is_a_located_error(tmp_path: Path) -> None:
    data = json.loads(sample_record(SUPPORT, 1).canonical())
    data["schema_version"] = 2
    with pytest.raises(TraceError) as info:
        load_trace(json.dumps(data).encode())
    assert info.value.code == "trace.invalid" and "schema_version" in str(info.value)
    with pytest.raises(TraceError) as info:
        load_trace(b"{not json")
    assert info.value.code == "trace.invalid"
    with pytest.raises(TraceError) as info:
        load_trace(tmp_path / "missing.json")
    assert info.value.code == "trace.unreadable"


def test_published_schema_is_current() -> None:
    """audit/trace-schema.json is the schema of TraceRecord (regenerate: see docs/audit.md)."""
    current = json.dumps(trace_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert SCHEMA_FILE.read_text(encoding="utf-8") == current


def test_schema_describes_the_record() -> None:
    schema = trace_schema()
    assert schema["properties"]["schema_version"]["const"] == 1
    assert set(schema["required"]) >= {
        "decision_id", "timestamp", "library_version", "pack", "pack_date",
        "input", "input_digest", "decision", "warnings",
    }  # fmt: skip
    assert set(schema["properties"]) == set(TraceRecord.model_fields)


# -- canonical JSON: hypothesis ----------------------------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.text(max_size=12),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**6), max_value=10**6),
    st.dates(),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


def _reorder(value: Any, flip: bool) -> Any:
    if isinstance(value, dict):
        items = [(k, _reorder(v, flip)) for k, v in value.items()]
        return dict(reversed(items) if flip else sorted(items))
    if isinstance(value, list):
        return [_reorder(v, flip) for v in value]
    return value


@settings(deadline=None)
@given(_values)
def test_canonical_json_round_trips(value: Any) -> None:
    data = canonical_json(value)
    parsed = json.loads(data)
    assert canonical_json(parsed) == data
    assert canonical_bytes(parsed) == data


@settings(deadline=None)
@given(_values)
def test_digest_is_stable_and_independent_of_dict_order(value: Any) -> None:
    assert digest(value) == digest(_reorder(value, True)) == digest(_reorder(value, False))
    assert digest(value) == digest(json.loads(canonical_json(value)))


@settings(deadline=None, max_examples=25)
@given(st.data())
def test_trace_of_any_application_round_trips(data: st.DataObject) -> None:
    from strategies import applications

    app = data.draw(applications("anhui/anqing"))
    rec = trace(anqing(), app, clock=fixed_clock(), decision_id=fixed_id(1))
    assert load_trace(rec.canonical()).canonical() == rec.canonical()
    assert rec.canonical() == canonical_json(rec.model_dump(mode="json"))
    assert rec.input_digest == digest(json.loads(rec.canonical())["input"])
