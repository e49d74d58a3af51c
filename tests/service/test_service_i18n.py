"""The service writes a request's messages in its Accept-Language: Chinese by default, English
when asked; the title, the detail and each problem's message and hint alike."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from fastapi.testclient import TestClient
from service_helpers import EXAMPLE

from legalaid_rules import evaluate, load_pack
from legalaid_rules.traces.records import TraceRecord

BAD = {**EXAMPLE, "household": {"monthly_income": "-5"}, "colour": "red"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def _english_sentences(text: str) -> list[str]:
    text = re.sub(r"`[^`]*`|'[^']*'", " ", text)
    return re.findall(r"\b[A-Za-z]{2,}(?:\s+[A-Za-z]{2,}){2,}\b", text)


def test_a_bad_application_is_a_chinese_problem_document_by_default(client: TestClient) -> None:
    response = client.post("/v1/decisions", json={"pack": "anhui/anqing", "application": BAD})
    doc = response.json()
    assert response.status_code == 422 and response.headers["content-language"] == "zh"
    assert doc["title"] == "申请内容有误，无法作出决定"
    assert doc["detail"] == "申请内容有误，无法作出决定：共 2 处问题（household.monthly_income、colour）"
    assert [(p["location"]["path"], p["message"]) for p in doc["problems"]] == [
        ("household.monthly_income", "应大于或等于 0"),
        ("colour", "不允许有此项（未知的字段）"),
    ]
    assert not _english_sentences(json.dumps(doc, ensure_ascii=False)), doc


def test_the_same_problem_in_english_with_accept_language_en(client: TestClient) -> None:
    doc = client.post("/v1/decisions", json={"pack": "anhui/anqing", "application": BAD}, headers=EN).json()
    assert doc["title"] == "the application cannot be decided as given"
    assert (
        doc["detail"] == "household.monthly_income: input should be greater than or equal to 0 (and 1 more)"
    )
    assert [(p["location"]["path"], p["message"]) for p in doc["problems"]] == [
        ("household.monthly_income", "input should be greater than or equal to 0"),
        ("colour", "extra inputs are not permitted"),
    ]


def test_a_library_error_raised_while_deciding_follows_the_request(client: TestClient) -> None:
    app = {**EXAMPLE, "matter": "suport_payment"}
    zh = client.post("/v1/decisions", json={"pack": "anhui/anqing", "application": app}).json()
    en = client.post("/v1/decisions", json={"pack": "anhui/anqing", "application": app}, headers=EN).json()
    assert zh["problems"][0]["message"] == "未知的事项代码 `suport_payment`"
    assert en["problems"][0]["message"] == "unknown matter code `suport_payment`"
    assert zh["code"] == en["code"] == "application.unknown_matter"


def test_an_unknown_pack_is_still_told_from_one_out_of_force_in_both_languages(client: TestClient) -> None:
    for headers in ({}, EN):
        doc = client.post(
            "/v1/decisions", json={"pack": "nope/nope", "application": EXAMPLE}, headers=headers
        )
        assert (doc.status_code, doc.json()["code"]) == (404, "pack.unknown")
    late = {**EXAMPLE, "date": "1990-01-01"}
    for headers in ({}, EN):
        doc = client.post(
            "/v1/decisions", json={"pack": "anhui/anqing", "application": late}, headers=headers
        )
        assert (doc.status_code, doc.json()["code"]) == (404, "pack.not_in_force")


def test_a_hint_is_in_the_detail_in_the_request_language(client: TestClient) -> None:
    body = {"application": {"date": "2023-06-01", "matter": "support_payment"}}
    zh = client.post("/v1/decisions", json=body).json()
    en = client.post("/v1/decisions", json=body, headers=EN).json()
    assert zh["code"] == en["code"] == "pack.no_place"
    assert zh["detail"].endswith("（提示：请给出 `pack`，或申请人所在的市或县）"), zh["detail"]
    assert en["detail"].endswith("(hint: give `pack`, or the applicant's city or county)"), en["detail"]


def _trace() -> dict[str, Any]:
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    data: dict[str, Any] = json.loads(
        TraceRecord.from_decision(evaluate(pack, EXAMPLE), EXAMPLE, pack).canonical()
    )
    data["outcome"] = "ineligible"
    return data


def test_a_replay_result_follows_accept_language(client: TestClient) -> None:
    zh = client.post("/v1/traces:replay", json={"trace": _trace()}).json()
    en = client.post("/v1/traces:replay", json={"trace": _trace()}, headers=EN).json()
    assert (zh["status"], zh["message"]) == ("different", "决定有 1 处不同")
    assert (en["status"], en["message"]) == ("different", "the decision differs in 1 field(s)")
