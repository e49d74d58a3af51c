"""Replay: identical, a field-by-field difference, a changed or missing pack, a changed input."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from legalaid_rules import Registry, evaluate, load_pack
from legalaid_rules.traces.masking import PERSONAL_PATHS, MaskingPolicy
from legalaid_rules.traces.records import TraceError, TraceRecord, load_trace
from legalaid_rules.traces.replay import ReplayStatus, replay

ROOT = Path(__file__).resolve().parents[1]
CLOCK = dt.datetime(2023, 6, 1, 8, 30, tzinfo=dt.UTC)


def _data(example: str = "anqing-support-payment") -> dict[str, Any]:
    app = json.loads((ROOT / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
    record = TraceRecord.from_decision(evaluate(pack, app), app, pack, clock=lambda: CLOCK)
    data: dict[str, Any] = json.loads(record.canonical())
    return data


def test_replay_of_a_fresh_trace_is_identical() -> None:
    result = replay(_data())
    assert result.status is ReplayStatus.IDENTICAL and result.identical
    assert result.input_verified and result.differences == ()
    assert result.replayed is not None and result.replayed.canonical() == load_trace(_data()).canonical()
    assert result.status.exit_code == 0


def test_a_changed_stored_decision_is_reported_field_by_field() -> None:
    data = _data()
    data["outcome"] = "ineligible"
    data["economic"] = "failed"
    step = next(i for i, s in enumerate(data["steps"]) if s["rule"] == "anhui.means_test")
    data["steps"][step]["result"] = "false"
    result = replay(data)
    assert result.status is ReplayStatus.DIFFERENT and result.status.exit_code == 1
    paths = {d.path: (d.stored, d.replayed) for d in result.differences}
    assert paths == {
        "economic": ("failed", "passed"),
        "outcome": ("ineligible", "eligible"),
        f"steps[{step}:anhui.means_test].result": ("false", "true"),
    }
    assert "3 field(s)" in result.message
    assert str(result.differences[0]) == "economic: stored failed, replayed passed"


def test_a_dropped_missing_item_is_reported_by_its_fact() -> None:
    data = _data("anqing-elderly-incomplete")
    dropped = data["missing"].pop(0)
    result = replay(data)
    assert result.status is ReplayStatus.DIFFERENT
    assert any(d.path.startswith("missing[0:") for d in result.differences)
    assert any(d.replayed == dropped["fact"] for d in result.differences)


def test_a_changed_input_is_caught_by_its_digest() -> None:
    data = _data()
    data["input"]["household"]["members"][0]["monthly_income"] = "800.00"
    result = replay(data)
    assert result.status is ReplayStatus.INPUT_CHANGED and result.status.exit_code == 4
    assert result.differences[0].path == "input_digest"


def _copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    return root


def test_a_changed_pack_is_reported_and_not_used(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    pack_file = root / "anhui" / "anqing" / "2023.yaml"
    text = pack_file.read_text(encoding="utf-8")
    assert "value: 780.00" in text
    pack_file.write_text(text.replace("value: 780.00", "value: 790.00", 1), encoding="utf-8")
    result = replay(_data(), Registry(root))
    assert result.status is ReplayStatus.PACK_CHANGED and result.status.exit_code == 3
    assert [d.path for d in result.differences] == ["pack.digest"]
    assert "was not used" in result.message and result.replayed is None


def test_a_missing_pack_version_is_reported(tmp_path: Path) -> None:
    root = _copy_rules(tmp_path)
    for path in (root / "anhui" / "anqing").iterdir():  # the pack, its tests and reassessment cases
        path.unlink()
    (root / "anhui" / "anqing").rmdir()
    result = replay(_data(), Registry(root))
    assert result.status is ReplayStatus.PACK_MISSING and result.status.exit_code == 3
    assert "anhui/anqing" in result.message


def test_masked_trace_replays_and_verifies_with_originals() -> None:
    data = _data()
    data["input"]["applicant"].update(name="张三", phone="13900000000", id_number=None)
    pack = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
    app = data["input"]
    record = TraceRecord.from_decision(evaluate(pack, app), app, pack, clock=lambda: CLOCK)
    policy = MaskingPolicy(PERSONAL_PATHS, b"test-key-123-0123456789abcdef")
    masked = policy.apply(json.loads(record.canonical()))
    assert masked["masked"] == ["input.applicant.name", "input.applicant.phone"]  # id_number unknown: kept
    assert masked["input"]["applicant"]["id_number"] is None
    plain = replay(masked)
    assert plain.identical and not plain.input_verified and "not verified" in plain.message
    full = replay(
        masked,
        originals={"input.applicant.name": "张三", "input.applicant.phone": "13900000000"},
        masking=policy,
    )
    assert full.identical and full.input_verified
    stray = replay(masked, originals={"input.applicant.age": 3})
    assert stray.status is ReplayStatus.INPUT_CHANGED and "not a masked field" in stray.message


def test_masked_field_the_rules_read_needs_the_original() -> None:
    data = _data()
    policy = MaskingPolicy(("input.applicant.birth_date",), b"test-key-123-0123456789abcdef")
    masked = policy.apply(data)
    result = replay(masked)
    assert result.status is ReplayStatus.INPUT_MASKED and result.status.exit_code == 4
    assert "input.applicant.birth_date" in result.message
    assert replay(masked, originals={"input.applicant.birth_date": "1958-03-14"}, masking=policy).identical


def test_replay_of_a_malformed_trace_raises_trace_error() -> None:
    with pytest.raises(TraceError):
        replay(b'{"kind": "decision"}')
