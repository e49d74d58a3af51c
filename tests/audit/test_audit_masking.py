"""Masking of personal fields: salted HMAC digests, configured paths, original still provable."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from audit_helpers import SUPPORT, sample_record

from legalaid_rules import canonical_json, digest
from legalaid_rules.audit import DEFAULT_PATHS, AuditError, Masking

KEY = b"deployment-secret-key-0001"


def test_default_paths_mask_name_id_number_and_phone() -> None:
    assert DEFAULT_PATHS == ("applicant.name", "applicant.id_number", "applicant.phone")
    rec = sample_record(SUPPORT)
    masked = Masking(KEY).mask_record(rec)
    applicant = masked.input["applicant"]
    expected = "hmac-sha256:" + hmac.new(KEY, canonical_json("王秀英"), hashlib.sha256).hexdigest()
    assert applicant["name"] == expected
    assert applicant["id_number"].startswith("hmac-sha256:") and applicant["phone"].startswith("hmac-sha256:")
    assert applicant["birth_date"] == "1958-03-14"  # not personal by this configuration
    assert masked.input_digest == rec.input_digest == digest(rec.input)
    assert masked.masked is not None and masked.masked.key_id == Masking(KEY).key_id
    assert KEY.hex() not in masked.canonical().decode()
    for secret in ("王秀英", "340822195803141234", "13800000000"):
        assert secret.encode() not in masked.canonical()
    assert masked.decision == rec.decision


def test_masking_is_deterministic_per_key_and_differs_across_keys() -> None:
    a = Masking(KEY).mask_value("王秀英")
    assert a == Masking(KEY).mask_value("王秀英")
    assert a != Masking(b"another-deployment-key").mask_value("王秀英")
    assert Masking(KEY).key_id != Masking(b"another-deployment-key").key_id


def test_configured_paths_and_lists() -> None:
    masking = Masking(KEY, ("household.members[].relation", "applicant.birth_date", "office", "no.such"))
    data, done = masking.mask_data(SUPPORT)
    assert done == ("household.members[].relation", "applicant.birth_date", "office")
    assert all(m["relation"].startswith("hmac-sha256:") for m in data["household"]["members"])
    assert data["household"]["members"][0]["monthly_income"] == "1800.00"
    assert data["applicant"]["name"] == "王秀英"
    assert SUPPORT["office"] == "huaining"  # the input is not changed in place


def test_unknown_or_empty_values_are_left_alone() -> None:
    rec = sample_record({"date": "2023-06-01", "matter": "domestic_violence", "locality": {"city": "anqing"}})
    masked = Masking(KEY).mask_record(rec)
    assert masked.input["applicant"]["name"] is None
    assert masked.masked is not None and masked.masked.paths == ()


def test_bad_configuration_and_double_masking_are_refused() -> None:
    with pytest.raises(AuditError) as info:
        Masking(b"short")
    assert info.value.code == "mask.short_key"
    with pytest.raises(AuditError) as info:
        Masking(KEY, ("applicant..name",))
    assert info.value.code == "mask.bad_path"
    masked = Masking(KEY).mask_record(sample_record(SUPPORT))
    with pytest.raises(AuditError) as info:
        Masking(KEY).mask_record(masked)
    assert info.value.code == "mask.already_masked"


def test_matches_proves_the_original() -> None:
    masking = Masking(KEY)
    rec = sample_record(SUPPORT)
    masked = masking.mask_record(rec)
    assert masking.matches(masked, rec.input)
    other = {**rec.input, "applicant": {**rec.input["applicant"], "phone": "13900000000"}}
    assert not masking.matches(masked, other)
