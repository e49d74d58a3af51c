"""Replay: identical, a field-by-field difference, a changed pack never used, masked inputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from audit_helpers import INCOMPLETE, SUPPORT, sample_record

from legalaid_rules import ApplicationError, Registry
from legalaid_rules.audit import Masking, load_trace, replay
from legalaid_rules.packs.registry import bundled_root

KEY = b"deployment-secret-key-0001"


def _edited(record_bytes: bytes, path: tuple[str | int, ...], value: object) -> bytes:
    data = json.loads(record_bytes)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return json.dumps(data, ensure_ascii=False).encode()


def test_replay_of_a_fresh_trace_is_identical() -> None:
    for app in (SUPPORT, INCOMPLETE):
        rec = sample_record(app)
        result = replay(rec)
        assert result.status == "identical" and result.identical
        assert result.differences == ()
        assert result.input_verified is True
        assert result.pack_now == rec.pack == result.recorded_pack


def test_replay_after_a_round_trip_through_a_file_is_identical(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_bytes(sample_record(INCOMPLETE).canonical())
    assert replay(load_trace(path), Registry()).status == "identical"


def test_changed_decision_is_reported_field_by_field() -> None:
    rec = sample_record(SUPPORT)
    edited = load_trace(_edited(rec.canonical(), ("decision", "outcome"), "ineligible"))
    result = replay(edited)
    assert result.status == "different"
    assert [(d.path, d.recorded, d.now) for d in result.differences] == [
        ("decision.outcome", "ineligible", "eligible")
    ]
    assert "decision.outcome" in str(result.differences[0])


def test_changed_reason_and_missing_list_are_each_named() -> None:
    rec = sample_record(INCOMPLETE)
    data = _edited(rec.canonical(), ("decision", "reasons", 0, "zh"), "改过的理由")
    data = _edited(data, ("decision", "missing"), [])
    result = replay(load_trace(data))
    paths = [d.path for d in result.differences]
    assert "decision.reasons[0].zh" in paths
    assert any(p.startswith("decision.missing[0]") for p in paths)
    assert result.status == "different"


def test_edited_input_fails_the_input_digest() -> None:
    rec = sample_record(SUPPORT)
    edited = load_trace(_edited(rec.canonical(), ("input", "applicant", "name"), "李四"))
    result = replay(edited)
    assert result.status == "different"
    assert result.input_verified is False
    assert result.differences[0].path == "input_digest"
    assert result.differences[0].recorded == rec.input_digest


def test_changed_pack_is_reported_and_not_used(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(bundled_root(), root)
    pack_file = root / "anhui" / "anqing" / "2023.yaml"
    text = pack_file.read_text(encoding="utf-8")
    assert "780.00" in text
    pack_file.write_text(text.replace("780.00", "800.00", 1), encoding="utf-8")
    rec = sample_record(SUPPORT)
    result = replay(rec, Registry(root))
    assert result.status == "pack_changed"
    assert result.differences == ()
    assert result.pack_now is not None and result.pack_now.digest != rec.pack.digest
    assert rec.pack.digest in result.reason


def test_removed_pack_is_a_pack_change(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(bundled_root(), root)
    shutil.rmtree(root / "anhui" / "anqing")
    result = replay(sample_record(SUPPORT), Registry(root))
    assert result.status == "pack_changed" and result.pack_now is None


def test_masked_trace_replays_and_verifies_with_the_original() -> None:
    masking = Masking(KEY)
    rec = sample_record(SUPPORT)
    masked = masking.mask_record(rec)
    assert masked.input_digest == rec.input_digest
    without = replay(masked)
    assert (without.status, without.input_verified) == ("identical", None)
    with_original = replay(masked, original=SUPPORT, masking=masking)
    assert (with_original.status, with_original.input_verified) == ("identical", True)
    other = {**SUPPORT, "applicant": {**SUPPORT["applicant"], "name": "李四"}}
    wrong = replay(masked, original=other)
    assert (wrong.status, wrong.input_verified) == ("different", False)
    assert wrong.differences[0].path == "input_digest"


def test_original_that_masks_differently_is_caught() -> None:
    masked = Masking(KEY).mask_record(sample_record(SUPPORT))
    result = replay(masked, original=SUPPORT, masking=Masking(b"another-deployment-key"))
    assert result.status == "different" and result.input_verified is False


def test_input_that_no_longer_validates_is_an_application_error() -> None:
    rec = sample_record(SUPPORT)
    broken = load_trace(_edited(rec.canonical(), ("input", "household", "size"), -3))
    with pytest.raises(ApplicationError):
        replay(broken)
