"""Masking of personal fields at write time: salted digests, per-deployment paths, in the log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from legalaid_rules.traces.log import DecisionLog
from legalaid_rules.traces.masking import (
    PERSONAL_PATHS,
    MaskingError,
    MaskingPolicy,
    is_token,
    paths_matching,
)

SALT = b"deployment-key-1-0123456789abcdef"
RECORD = {
    "input": {
        "applicant": {"name": "张三", "id_number": "110101199001011234", "phone": None, "age": 34},
        "household": {"members": [{"name": "李四", "monthly_income": "1000.00"}, {"name": "王五"}]},
    },
    "outcome": "eligible",
}


def test_default_paths_mask_name_and_id_and_leave_unknowns() -> None:
    out = MaskingPolicy(PERSONAL_PATHS, SALT).apply(RECORD)
    applicant = out["input"]["applicant"]
    assert is_token(applicant["name"]) and is_token(applicant["id_number"])
    assert applicant["phone"] is None and applicant["age"] == 34
    assert out["masked"] == ["input.applicant.id_number", "input.applicant.name"]
    assert RECORD["input"]["applicant"]["name"] == "张三"  # the caller's data is not changed


def test_wildcards_reach_every_list_item() -> None:
    policy = MaskingPolicy(("input.household.members.*.name",), SALT)
    out = policy.apply(RECORD)
    names = [m["name"] for m in out["input"]["household"]["members"]]
    assert all(is_token(n) for n in names)
    assert out["masked"] == ["input.household.members.0.name", "input.household.members.1.name"]
    assert paths_matching(RECORD, "input.household.members.*.monthly_income") == [
        "input.household.members.0.monthly_income"
    ]


def test_tokens_are_salted_deterministic_and_checkable() -> None:
    a = MaskingPolicy(PERSONAL_PATHS, SALT)
    b = MaskingPolicy(PERSONAL_PATHS, b"another-deployment-key-fedcba9876543210")
    assert a.token("张三") == a.token("张三") != b.token("张三")
    assert a.matches(a.token("张三"), "张三") and not a.matches(a.token("张三"), "张四")
    twice = a.apply(a.apply(RECORD))
    assert twice == a.apply(RECORD)  # masking is idempotent


def test_bad_configuration_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MaskingError, match="too weak"):
        MaskingPolicy(PERSONAL_PATHS, b"short")
    with pytest.raises(MaskingError, match="dotted path"):
        MaskingPolicy(("input..name",), SALT)
    monkeypatch.delenv("LEGALAID_MASK_SALT", raising=False)
    with pytest.raises(MaskingError, match="not set"):
        MaskingPolicy.from_env()
    config = tmp_path / "mask.json"
    config.write_text(json.dumps({"paths": ["input.applicant.phone"], "salt_env": "MY_SALT"}))
    monkeypatch.setenv("MY_SALT", "a-long-enough-key-0123456789abcdef")
    policy = MaskingPolicy.from_file(config)
    assert policy.paths == ("input.applicant.phone",) and policy.salt == b"a-long-enough-key-0123456789abcdef"
    config.write_text("[1, 2]")
    with pytest.raises(MaskingError, match="paths"):
        MaskingPolicy.from_file(config)


def test_log_masks_at_write_time(tmp_path: Path) -> None:
    with DecisionLog(tmp_path / "log.db", masking=MaskingPolicy(PERSONAL_PATHS, SALT)) as log:
        entry = log.append(RECORD)
        assert "张三".encode() not in entry.body and b"110101199001011234" not in entry.body
        assert entry.data["masked"] == ["input.applicant.id_number", "input.applicant.name"]
        assert log.verify().ok
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("log.db*"))  # the file and any WAL left
    assert "张三".encode() not in raw and b"deployment-key" not in raw
