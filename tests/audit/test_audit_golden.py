"""Golden traces of the shipped packs: built byte for byte, and replayed as identical.

The applications are in ``golden/applications.json`` (pack id -> case name -> application);
each golden trace is ``golden/<pack id with / as __>/<case>.json``, made with a fixed clock
and a fixed decision id. A pack change or a library version change makes them stale on
purpose: look at the difference, then regenerate with ``LEGALAID_REGENERATE_GOLDEN=1``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from audit_helpers import fixed_clock

from legalaid_rules import load_pack
from legalaid_rules.audit import load_trace, replay, trace

GOLDEN = Path(__file__).resolve().parent / "golden"
APPLICATIONS: dict[str, dict[str, dict[str, Any]]] = json.loads(
    (GOLDEN / "applications.json").read_text(encoding="utf-8")
)
CASES = [(pack, name) for pack in sorted(APPLICATIONS) for name in sorted(APPLICATIONS[pack])]
REGENERATE = os.environ.get("LEGALAID_REGENERATE_GOLDEN") == "1"
HINT = "regenerate with LEGALAID_REGENERATE_GOLDEN=1 python -m pytest tests/audit/test_audit_golden.py"


def _path(pack: str, name: str) -> Path:
    return GOLDEN / pack.replace("/", "__") / f"{name}.json"


def _build(pack_id: str, name: str) -> bytes:
    app = APPLICATIONS[pack_id][name]
    number = CASES.index((pack_id, name)) + 1
    record = trace(
        load_pack(pack_id, on=dt.date.fromisoformat(app["date"])),
        app,
        clock=fixed_clock(dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
        decision_id=f"00000000-0000-4000-8000-{number:012d}",
    )
    return record.canonical()


def test_every_deciding_pack_has_golden_cases() -> None:
    assert set(APPLICATIONS) >= {"anhui/anqing", "anhui/yeji", "guangdong/yunfu", "shanxi/zezhou"}
    assert all(len(cases) >= 3 for cases in APPLICATIONS.values())


@pytest.mark.parametrize(("pack_id", "name"), CASES, ids=[f"{p}:{n}" for p, n in CASES])
def test_golden_trace_is_built_byte_for_byte(pack_id: str, name: str) -> None:
    built = _build(pack_id, name)
    path = _path(pack_id, name)
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(built)
    assert path.is_file(), f"no golden trace {path.name}: {HINT}"
    assert path.read_bytes() == built, f"golden trace {pack_id}:{name} is stale: {HINT}"


@pytest.mark.parametrize(("pack_id", "name"), CASES, ids=[f"{p}:{n}" for p, n in CASES])
def test_golden_trace_replays_identical(pack_id: str, name: str) -> None:
    path = _path(pack_id, name)
    assert path.is_file(), f"no golden trace {path.name}: {HINT}"
    record = load_trace(path)
    assert record.canonical() == path.read_bytes()
    result = replay(record)
    assert result.status == "identical", [str(d) for d in result.differences] or result.reason


def test_golden_outcomes_cover_all_three() -> None:
    outcomes = {load_trace(_path(p, n)).decision.outcome.value for p, n in CASES if _path(p, n).is_file()}
    assert outcomes == {"eligible", "ineligible", "undetermined"}
