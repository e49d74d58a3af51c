"""POST /v1/decisions and /v1/decisions:batch: the library's decision, and a specific problem
for every kind of bad request."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from service_helpers import EXAMPLE, WAGE_CLAIM

from legalaid_rules import evaluate, load_pack


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    assert body["type"] == f"urn:legalaid-rules:problem:{code}"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def test_decision_is_the_librarys_decision_byte_for_byte(client: TestClient) -> None:
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    expected = evaluate(pack, EXAMPLE, steps=False).model_dump_json()
    response = client.post("/v1/decisions", json={"pack": "anhui/anqing", "application": EXAMPLE})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == expected.encode("utf-8")


def test_steps_are_recorded_when_asked(client: TestClient) -> None:
    body = {"pack": "anhui/anqing", "application": EXAMPLE, "steps": True}
    steps = client.post("/v1/decisions", json=body).json()["steps"]
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    assert len(steps) == len(evaluate(pack, EXAMPLE).steps) > 0


def test_pack_chosen_by_the_applicants_place_is_the_most_specific(client: TestClient) -> None:
    decision = client.post("/v1/decisions", json={"application": WAGE_CLAIM}).json()
    assert decision["pack"]["id"] == "anhui/anqing"
    assert decision["outcome"] == "eligible" and decision["economic"] == "waived"
    # a province-level place: the province's pack decides
    hefei = {**WAGE_CLAIM, "office": None, "locality": {"city": "hefei"}}
    assert client.post("/v1/decisions", json={"application": hefei}).json()["pack"]["id"] == "anhui"


def test_money_given_as_json_numbers_is_read_exactly(client: TestClient) -> None:
    text = json.dumps({"pack": "anhui/anqing", "application": EXAMPLE}).replace('"1800.00"', "1800.00")
    assert '"1800.00"' not in text
    as_number = client.post("/v1/decisions", content=text, headers={"content-type": "application/json"})
    as_text = client.post("/v1/decisions", json={"pack": "anhui/anqing", "application": EXAMPLE})
    assert as_number.status_code == 200
    assert as_number.content == as_text.content


def test_the_date_option_picks_the_version(client: TestClient) -> None:
    body = {"pack": "anhui/anqing", "date": "2024-03-01", "application": EXAMPLE}
    problem = _problem(client.post("/v1/decisions", json=body), 404, "pack.not_in_force")
    assert "2024-03-01" in problem["detail"] or "2024-03-01" in json.dumps(problem)


@pytest.mark.parametrize(
    ("body", "status", "code", "path"),
    [
        ({"pack": "anhui/anqin", "application": EXAMPLE}, 404, "pack.unknown", None),
        (
            {"pack": "anhui/anqing", "application": {**EXAMPLE, "date": "2030-01-01"}},
            404,
            "pack.not_in_force",
            None,
        ),
        (
            {"pack": "anhui/anqing", "application": {**EXAMPLE, "household": {"monthly_income": "-5"}}},
            422,
            "application.greater_than_equal",
            "household.monthly_income",
        ),
        (
            {"pack": "anhui/anqing", "application": {**EXAMPLE, "matter": "no_such_matter"}},
            422,
            "application.unknown_matter",
            "matter",
        ),
        (
            {"pack": "anhui/anqing", "application": {**EXAMPLE, "colour": "red"}},
            422,
            "application.extra_forbidden",
            "colour",
        ),
        ({"pack": "anhui/anqing"}, 422, "request.missing", "application"),
        ({"pack": "Not A Pack!", "application": EXAMPLE}, 422, "request.string_pattern_mismatch", "pack"),
        ({"application": {"date": "2023-06-01"}}, 422, "pack.no_place", None),
        (
            {"application": {"date": "2023-06-01", "locality": {"city": "atlantis"}}},
            422,
            "pack.no_pack_for_place",
            None,
        ),
    ],
)
def test_each_bad_request_is_a_specific_located_problem(
    client: TestClient, body: dict[str, Any], status: int, code: str, path: str | None
) -> None:
    problem = _problem(client.post("/v1/decisions", json=body), status, code)
    if path is not None:
        assert path in [p["location"]["path"] for p in problem["problems"]]


def test_malformed_json_is_located(client: TestClient) -> None:
    response = client.post(
        "/v1/decisions",
        content=b'{\n  "pack": "anhui/anqing",\n  "application": {,}\n}',
        headers={"content-type": "application/json"},
    )
    problem = _problem(response, 400, "request.json")
    assert problem["problems"][0]["location"]["line"] == 3


@pytest.mark.parametrize(
    "raw",
    [
        b'{"application": {"date": "2023-06-01", "household": {"monthly_income": NaN}}}',
        b"\xff\xfe",
        b"[" * 100 + b"]" * 100,
    ],
)
def test_json_that_cannot_be_decided_is_refused_before_validation(client: TestClient, raw: bytes) -> None:
    response = client.post("/v1/decisions", content=raw, headers={"content-type": "application/json"})
    _problem(response, 400, "request.json")


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post("/v1/decisions", content=b"pack=anhui", headers={"content-type": "text/plain"})
    _problem(response, 415, "request.content_type")


def test_oversized_body_is_413_by_length_and_by_stream(make_client: Any) -> None:
    small = make_client(max_body_bytes=2048)
    big = json.dumps({"application": {**EXAMPLE, "office": "x" * 4000}}).encode()
    _problem(
        small.post("/v1/decisions", content=big, headers={"content-type": "application/json"}),
        413,
        "request.too_large",
    )

    def chunks() -> Any:  # no content-length: the limit is counted as the body arrives
        yield big[:1500]
        yield big[1500:]

    response = small.post("/v1/decisions", content=chunks(), headers={"content-type": "application/json"})
    _problem(response, 413, "request.too_large")


def test_problems_follow_accept_language(client: TestClient) -> None:
    body = {"pack": "anhui/anqing", "application": {**EXAMPLE, "household": {"monthly_income": "-5"}}}
    zh = client.post("/v1/decisions", json=body, headers={"Accept-Language": "zh-CN,zh;q=0.9"}).json()
    en = client.post("/v1/decisions", json=body, headers={"Accept-Language": "en-GB,en;q=0.8"}).json()
    assert (zh["lang"], en["lang"]) == ("zh", "en")
    assert zh["title"] == "申请内容有误，无法作出决定"
    assert en["title"] == "the application cannot be decided as given"
    assert "household.monthly_income" in zh["detail"] and "household.monthly_income" in en["detail"]
    # the same codes and paths; each message in the language asked for
    assert [(p["code"], p["location"]) for p in zh["problems"]] == [
        (p["code"], p["location"]) for p in en["problems"]
    ]
    assert [p["message"] for p in zh["problems"]] == ["应大于或等于 0"]
    assert [p["message"] for p in en["problems"]] == ["input should be greater than or equal to 0"]


def test_request_ids_are_kept_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces\t"})
    assert made.headers["x-request-id"] != "bad id with spaces\t" and len(made.headers["x-request-id"]) == 32


# -- batch ----------------------------------------------------------------------------------------


def test_batch_streams_one_line_per_application_in_order(client: TestClient) -> None:
    apps = [EXAMPLE, {**EXAMPLE, "matter": "nope"}, WAGE_CLAIM]
    response = client.post("/v1/decisions:batch", json={"pack": "anhui/anqing", "applications": apps})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["index"] for line in lines] == [0, 1, 2]
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    assert lines[0]["decision"] == json.loads(evaluate(pack, EXAMPLE, steps=False).model_dump_json())
    assert lines[1]["problem"]["code"] == "application.unknown_matter"
    assert lines[2]["decision"]["outcome"] == "eligible"


def test_batch_chooses_each_applications_pack_by_place(client: TestClient) -> None:
    hefei = {**WAGE_CLAIM, "office": None, "locality": {"city": "hefei"}}
    response = client.post("/v1/decisions:batch", json={"applications": [WAGE_CLAIM, hefei, {"date": "x"}]})
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line.get("decision", {}).get("pack", {}).get("id") for line in lines[:2]] == [
        "anhui/anqing",
        "anhui",
    ]
    assert lines[2]["problem"]["code"] == "application.date_text"


def test_batch_over_the_limit_is_413(make_client: Any) -> None:
    small = make_client(max_batch=2)
    response = small.post("/v1/decisions:batch", json={"pack": "anhui/anqing", "applications": [EXAMPLE] * 3})
    _problem(response, 413, "request.batch_too_large")


def test_a_key_given_twice_is_refused_as_everywhere_else(client: TestClient) -> None:
    raw = b'{"application": {"date": "2023-06-01", "date": "2023-06-02"}}'
    response = client.post("/v1/decisions", content=raw, headers={"content-type": "application/json"})
    problem = _problem(response, 400, "request.json")
    assert [p["code"] for p in problem["problems"]] == ["input.duplicate_key"]
