"""POST /v1/reassessments: the library's reassessment of granted aid (Art 48) over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from service_helpers import WAGE_CLAIM

from legalaid_rules import load_pack
from legalaid_rules.reassessment import reassess


def test_reassessment_is_the_librarys_byte_for_byte(client: TestClient) -> None:
    changes = {"date": "2023-09-01", "case_ended": True}
    response = client.post("/v1/reassessments", json={"granted": WAGE_CLAIM, "changes": changes})
    assert response.status_code == 200, response.text
    expected = reassess(load_pack("anhui/anqing", dt.date(2023, 6, 1)), WAGE_CLAIM, changes)
    assert response.content == expected.model_dump_json().encode("utf-8")
    body = response.json()
    assert body["outcome"] == "terminate"
    assert any(g["result"] == "true" and "第四十八条" in g["basis"] for g in body["grounds"])


def test_a_suspicion_leaves_it_undetermined(client: TestClient) -> None:
    changes = {"date": "2023-09-01", "obtained_by_fraud": None}
    body = client.post(
        "/v1/reassessments", json={"pack": "anhui/anqing", "granted": WAGE_CLAIM, "changes": changes}
    ).json()
    assert body["outcome"] == "undetermined" and body["missing"]


def test_nothing_changed_continues(client: TestClient) -> None:
    body = client.post(
        "/v1/reassessments", json={"granted": WAGE_CLAIM, "changes": {"date": "2023-09-01"}}
    ).json()
    assert body["outcome"] == "continue"


@pytest.mark.parametrize(
    ("body", "code", "path"),
    [
        (
            {"granted": {**WAGE_CLAIM, "applicant": {"age": 35}}, "changes": {"date": "2023-09-01"}},
            "reassessment.not_granted",
            "granted",
        ),
        (
            {"granted": WAGE_CLAIM, "changes": {"date": "2023-09-01", "colour": 1}},
            "reassessment.extra_forbidden",
            "colour",
        ),
        (
            {"granted": {**WAGE_CLAIM, "matter": 5}, "changes": {"date": "2023-09-01"}},
            "application.string_type",
            "matter",
        ),
    ],
)
def test_bad_reassessments_are_located_problems(
    client: TestClient, body: dict[str, Any], code: str, path: str
) -> None:
    response = client.post("/v1/reassessments", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == code, json.dumps(problem, ensure_ascii=False)
    assert path in [p["location"]["path"] for p in problem["problems"]]
