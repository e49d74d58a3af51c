"""Trace records: complete, canonical bytes stable across processes, round-trips, errors."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_rules import evaluate, load_pack
from legalaid_rules.canonical import canonical_json, digest
from legalaid_rules.traces.records import TraceError, TraceRecord, load_trace
from legalaid_rules.traces.replay import replay
from strategies import applications

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "anqing-support-payment.json"
CLOCK = dt.datetime(2023, 6, 1, 8, 30, tzinfo=dt.UTC)


def _app() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"), parse_float=Decimal)
    return data


def _trace(app: dict[str, Any] | None = None) -> TraceRecord:
    app = app or _app()
    pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
    return TraceRecord.from_decision(evaluate(pack, app), app, pack, clock=lambda: CLOCK)


def test_trace_holds_what_an_auditor_needs() -> None:
    t = _trace()
    pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
    assert t.kind == "decision" and t.schema_version == 1
    assert t.timestamp == CLOCK and t.decision_id.startswith("d-")
    assert (t.pack.id, t.pack.version, t.pack.digest) == ("anhui/anqing", pack.version, pack.digest)
    assert t.pack.lineage[-1] == f"anhui/anqing@{pack.version}"
    assert t.input_digest == digest(t.input)
    assert t.input["household"]["members"][0]["monthly_income"] == "1800.00"
    assert t.outcome.value == "eligible" and t.economic.value == "passed"
    assert [s.rule for s in t.steps] == [r.id for r in pack.rules]
    means = next(s for s in t.steps if s.rule == "anhui.means_test")
    assert means.basis and means.condition and means.comparisons
    assert any(c.left is not None for c in means.comparisons)  # the values read are kept


def test_canonical_json_sorted_no_floats_and_decimals_as_strings() -> None:
    body = _trace().canonical()
    data = json.loads(body)
    assert body == json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert "1800.00" in body.decode()
    floats: list[Any] = []
    json.loads(body, parse_float=lambda s: floats.append(s))
    assert floats == []


def test_same_decision_same_bytes_in_another_process() -> None:
    script = (
        "import datetime as dt, json, sys\n"
        "from decimal import Decimal\n"
        "from legalaid_rules import evaluate, load_pack\n"
        "from legalaid_rules.traces.records import TraceRecord\n"
        f"app = json.loads(open({str(EXAMPLE)!r}, encoding='utf-8').read(), parse_float=Decimal)\n"
        "pack = load_pack('anhui/anqing', on=dt.date(2023, 6, 1))\n"
        "clock = lambda: dt.datetime(2023, 6, 1, 8, 30, tzinfo=dt.UTC)\n"
        "record = TraceRecord.from_decision(evaluate(pack, app), app, pack, clock=clock)\n"
        "sys.stdout.buffer.write(record.canonical())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        check=True,
        timeout=120,
        env={"PYTHONHASHSEED": "12345", "PATH": "", "PYTHONPATH": str(ROOT / "src")},
    )
    assert out.stdout == _trace().canonical()


def test_key_order_of_the_application_does_not_matter() -> None:
    app = _app()
    shuffled = dict(reversed(list(app.items())))
    shuffled["household"] = dict(reversed(list(app["household"].items())))
    assert _trace(shuffled).canonical() == _trace(app).canonical()


def test_round_trip_is_byte_identical() -> None:
    t = _trace()
    again = load_trace(t.canonical())
    assert again.canonical() == t.canonical()
    assert again.digest() == t.digest()
    assert load_trace(json.dumps(json.loads(t.canonical()), indent=2)).canonical() == t.canonical()


def test_decision_id_depends_on_time_and_input() -> None:
    pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
    app = _app()
    d = evaluate(pack, app)
    later = TraceRecord.from_decision(d, app, pack, clock=lambda: CLOCK + dt.timedelta(seconds=1))
    assert later.decision_id != _trace().decision_id
    named = TraceRecord.from_decision(d, app, pack, clock=lambda: CLOCK, decision_id="AQ-2023-1")
    assert named.decision_id == "AQ-2023-1"


def test_default_clock_is_utc_now() -> None:
    pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
    app = _app()
    t = TraceRecord.from_decision(evaluate(pack, app), app, pack)
    assert t.timestamp.tzinfo is not None
    assert abs(dt.datetime.now(dt.UTC) - t.timestamp) < dt.timedelta(hours=1)


def test_naive_clock_is_refused() -> None:
    pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
    with pytest.raises(ValueError, match="aware"):
        TraceRecord.from_decision(evaluate(pack, _app()), _app(), pack, clock=lambda: dt.datetime(2023, 6, 1))


def test_decision_from_another_pack_is_refused() -> None:
    anqing = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
    anhui = load_pack("anhui", on=dt.date(2023, 6, 1))
    app = {"date": "2023-06-01", "matter": "domestic_violence"}
    with pytest.raises(TraceError) as err:
        TraceRecord.from_decision(evaluate(anhui, app), app, anqing)
    assert err.value.problems[0].code == "trace.pack_mismatch"


def test_decision_without_steps_is_refused() -> None:
    pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
    with pytest.raises(TraceError, match="steps=True"):
        TraceRecord.from_decision(evaluate(pack, _app(), steps=False), _app(), pack)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (b"{not json", "trace.json"),
        (b'{"kind": "decision"}', "trace.missing"),
        (b"[]", "trace.model_type"),
    ],
)
def test_malformed_traces_are_named(text: bytes, code: str) -> None:
    with pytest.raises(TraceError) as err:
        load_trace(text)
    assert code in {p.code for p in err.value.problems}


def test_unknown_field_and_other_schema_version_are_refused() -> None:
    data = json.loads(_trace().canonical())
    with pytest.raises(TraceError, match="surprise: extra inputs"):
        load_trace({**data, "surprise": 1})
    data["schema_version"] = 2
    with pytest.raises(TraceError, match="schema_version"):
        load_trace(data)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=8)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2)
    | st.dates(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(deadline=None, max_examples=200)
@given(json_values, st.randoms())
def test_canonical_json_is_order_independent_and_round_trips(value: Any, rnd: random.Random) -> None:
    def shuffle(v: Any) -> Any:
        if isinstance(v, dict):
            items = list(v.items())
            rnd.shuffle(items)
            return {k: shuffle(x) for k, x in items}
        if isinstance(v, list):
            return [shuffle(x) for x in v]
        return v

    body = canonical_json(value)
    assert canonical_json(shuffle(value)) == body
    assert digest(shuffle(value)) == digest(value)
    assert canonical_json(json.loads(body)) == body


@settings(deadline=None, max_examples=40)
@given(applications("anhui/anqing"))
def test_any_trace_round_trips_and_replays_identical(app: dict[str, Any]) -> None:
    t = _trace(app)
    again = load_trace(t.canonical())
    assert again.canonical() == t.canonical()
    assert replay(again).identical
