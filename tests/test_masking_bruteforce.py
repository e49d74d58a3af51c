"""Masking holds against brute force: without the key no digest in a masked trace confirms a guess.

The attacker holds the masked trace and knows everything else about the applicant: the phone
number except its last 4 digits (10,000 candidates), or the ID number's county and birth date
(1,000 candidates, the check digit follows). They try every candidate against every plain hash
the trace could hold. The same attack succeeds against a naively masked trace (plain input
digest, as before) and with the key, which shows the attack itself works.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from legalaid_rules import evaluate, load_pack
from legalaid_rules.canonical import canonical_json, digest
from legalaid_rules.traces.masking import MaskingPolicy
from legalaid_rules.traces.records import TraceRecord, derive_decision_id
from legalaid_rules.traces.replay import replay

PACK = load_pack("anhui/anqing", on=dt.date(2023, 6, 1))
KEY = bytes.fromhex("8f1c2a7be04d93165ac3f0e2b7d4189c")  # 128 bits, fixed for the test
POLICY = MaskingPolicy(("input.applicant.phone", "input.applicant.id_number"), key=KEY)
CLOCK = dt.datetime(2023, 6, 1, 9, 30, tzinfo=dt.UTC)


def _id_number(seq: int) -> str:
    """An 18-digit resident ID (GB 11643): 怀宁县 340822, born 1958-03-14, sequence, check digit."""
    body = f"34082219580314{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


PHONE = "1380551" + "4721"
ID_NUMBER = _id_number(217)
PHONES = [f"1380551{i:04d}" for i in range(10_000)]
ID_NUMBERS = [_id_number(seq) for seq in range(1000)]


def _trace(field: str, value: str) -> dict[str, Any]:
    app = {
        "date": "2023-06-01",
        "locality": {"city": "anqing", "county": "huaining"},
        "applicant": {field: value, "birth_date": "1958-03-14", "fixed_income_source": True},
        "household": {"size": 2, "monthly_income": "1200.00"},
        "matter": "support_payment",
    }
    record = TraceRecord.from_decision(evaluate(PACK, app), app, PACK, clock=lambda: CLOCK)
    data: dict[str, Any] = json.loads(record.canonical())
    return data


def _naively_masked(trace: dict[str, Any], field: str) -> dict[str, Any]:
    """Tokens for the values, but the plain input digest and id kept (the old behaviour)."""
    out = copy.deepcopy(trace)
    out["input"]["applicant"][field] = POLICY.token(trace["input"]["applicant"][field])
    out["masked"] = [f"input.applicant.{field}"]
    return out


def _plain_oracles(masked: dict[str, Any], field: str) -> Callable[[str], bool]:
    """Every plain-hash test an attacker without the key can run against the masked trace."""
    hexes = {
        text.split(":", 1)[-1]
        for text in (masked["input_digest"], masked["decision_id"], masked["input"]["applicant"][field])
    }
    pack_digest, timestamp = masked["pack"]["digest"], masked["timestamp"]

    def hit(candidate: str) -> bool:
        guess = copy.deepcopy(masked["input"])
        guess["applicant"][field] = candidate
        plain = digest(guess)
        tries = {
            plain,
            plain.split(":", 1)[1],
            derive_decision_id(pack_digest, plain, timestamp),
            hashlib.sha256(canonical_json(candidate)).hexdigest(),
            hashlib.sha256(candidate.encode()).hexdigest(),
        }
        return bool(tries & ({masked["input_digest"], masked["decision_id"]} | hexes))

    return hit


@pytest.mark.parametrize(
    ("field", "value", "candidates"), [("phone", PHONE, PHONES), ("id_number", ID_NUMBER, ID_NUMBERS)]
)
def test_without_the_key_no_candidate_is_confirmed(field: str, value: str, candidates: list[str]) -> None:
    trace = _trace(field, value)
    masked = POLICY.apply(trace)
    assert masked["masked"] == [f"input.applicant.{field}"]
    assert value not in json.dumps(masked)
    assert masked["input_digest"].startswith("hmac-sha256:") and masked["decision_id"] != trace["decision_id"]

    naive = _plain_oracles(_naively_masked(trace, field), field)
    assert [c for c in candidates if naive(c)] == [value]  # the attack works on a plain digest

    attack = _plain_oracles(masked, field)
    assert [c for c in candidates if attack(c)] == []  # and finds nothing in a keyed trace

    token = masked["input"]["applicant"][field]
    assert [c for c in candidates if POLICY.matches(token, c)] == [value]  # the key holder can

    def keyed_hit(candidate: str) -> bool:
        guess = copy.deepcopy(masked["input"])
        guess["applicant"][field] = candidate
        return POLICY.keyed_digest(digest(guess)) == masked["input_digest"]

    assert [c for c in candidates if keyed_hit(c)] == [value]


def test_a_masked_trace_replays_and_verifies_with_the_key_only() -> None:
    masked = POLICY.apply(_trace("phone", PHONE))
    with_key = replay(masked, originals={"input.applicant.phone": PHONE}, masking=POLICY)
    assert with_key.identical and with_key.input_verified
    keyless = replay(masked, originals={"input.applicant.phone": PHONES[0]})
    assert keyless.identical and not keyless.input_verified  # no oracle: the wrong guess is not refuted
    wrong = replay(masked, originals={"input.applicant.phone": PHONES[0]}, masking=POLICY)
    assert not wrong.identical and "does not match" in wrong.message
    assert POLICY.apply(masked) == masked  # masking twice changes nothing


def test_unmasked_traces_keep_their_plain_digest_and_id() -> None:
    trace = _trace("phone", PHONE)
    assert (
        POLICY.apply({**trace, "input": {**trace["input"], "applicant": {"phone": None}}})["input_digest"]
        == trace["input_digest"]
    )  # nothing personal masked: nothing to key
    assert trace["input_digest"].startswith("sha256:")


@pytest.mark.parametrize(
    "key",
    [b"12345678", b"deployment-salt-1", b"0123456789abcdef", b"a" * 64, "法律援助".encode() * 2],
)
def test_keys_weaker_than_128_bits_are_refused(key: bytes) -> None:
    with pytest.raises(ValueError, match="too weak"):
        MaskingPolicy(key=key)


@pytest.mark.parametrize(
    "key", [bytes(range(16)), b"8f1c2a7be04d93165ac3f0e2b7d4189c", b"Zx9-Kq2_Lm4pRt7vWy1bNc3d"]
)
def test_keys_of_128_bits_are_accepted(key: bytes) -> None:
    assert MaskingPolicy(key=key).salt == key
