"""The case-load ledger and the decision log over HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from fastapi.testclient import TestClient
from service_helpers import EXAMPLE, auth, live_server, token_entries

from legalaid_rules.caseload import Ledger
from legalaid_rules.service import Settings, create_app


def _setup(client: TestClient, cases: int = 1) -> None:
    lawyer = {"id": "L1", "name": "张律师", "kind": "social_lawyer", "office": "huaining"}
    assert client.post("/v1/caseload/lawyers", json=lawyer, headers=auth("admin")).status_code == 201
    for i in range(cases):
        case = {
            "id": f"C{i}",
            "approved_on": "2023-03-01",
            "matter": "labour_remuneration",
            "litigation": True,
            "office": "huaining",
        }
        assert client.post("/v1/caseload/cases", json=case, headers=auth("intake")).status_code == 201


def test_assign_withdraw_close_status_report(client: TestClient) -> None:
    _setup(client, 2)
    done = client.post(
        "/v1/caseload/assignments",
        json={"case": "C0", "lawyer": "L1", "date": "2023-03-02"},
        headers=auth("intake"),
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["outcome"], body["check"]["count_after"], body["check"]["limit"]) == ("assigned", 1, 90)
    assert "庆司通〔2023〕8号" in body["check"]["zh"]
    again = client.post(
        "/v1/caseload/assignments",
        json={"case": "C0", "lawyer": "L1", "date": "2023-03-03"},
        headers=auth("intake"),
    )
    assert again.json()["outcome"] == "unchanged"
    client.post(
        "/v1/caseload/assignments",
        json={"case": "C1", "lawyer": "L1", "date": "2023-03-02"},
        headers=auth("intake"),
    )
    status = client.get("/v1/caseload/lawyers/L1?year=2023", headers=auth("auditor")).json()
    assert (status["cases"], status["limit"], status["left"], status["status"]) == (2, 90, 88, "ok")
    withdrawn = client.post(
        "/v1/caseload/withdrawals", json={"case": "C1", "date": "2023-04-01"}, headers=auth("intake")
    )
    assert withdrawn.status_code == 200
    closed = client.post(
        "/v1/caseload/closures", json={"case": "C0", "date": "2023-09-30"}, headers=auth("intake")
    )
    assert closed.json()["closed_on"] == "2023-09-30"
    assert client.get("/v1/caseload/lawyers/L1?year=2023", headers=auth("intake")).json()["cases"] == 1
    report = client.get("/v1/caseload/report?year=2023&office=huaining", headers=auth("auditor")).json()
    assert (report["approved"], report["closed"]) == (2, 1)
    assert report["lawyers"][0]["cases"] == 1


def test_the_91st_case_is_refused_with_the_cited_check(client: TestClient, tmp_path: Any) -> None:
    _setup(client, 0)
    settings: Settings = client.app.state.service.settings  # type: ignore[attr-defined]
    assert settings.ledger is not None
    with Ledger(settings.ledger) as ledger:
        for i in range(91):
            ledger.add_case(
                f"K{i}", __import__("datetime").date(2023, 1, 1), "labour_remuneration", litigation=True
            )
        for i in range(90):
            assert ledger.assign(f"K{i}", "L1", __import__("datetime").date(2023, 2, 1)).outcome == "assigned"
    refused = client.post(
        "/v1/caseload/assignments",
        json={"case": "K90", "lawyer": "L1", "date": "2023-02-02"},
        headers=auth("intake"),
    )
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "ledger.cap_reached"
    assert problem["check"]["allowed"] is False and problem["check"]["count_before"] == 90
    assert "90 件上限" in problem["detail"]
    status = client.get("/v1/caseload/lawyers/L1?year=2023", headers=auth("admin")).json()
    assert (status["cases"], status["status"]) == (90, "at_cap")


def test_ledger_errors_are_problems(client: TestClient) -> None:
    _setup(client, 1)
    unknown = client.post(
        "/v1/caseload/assignments",
        json={"case": "C0", "lawyer": "L9", "date": "2023-03-02"},
        headers=auth("intake"),
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "ledger.unknown_lawyer")
    not_held = client.post(
        "/v1/caseload/withdrawals", json={"case": "C0", "date": "2023-03-02"}, headers=auth("intake")
    )
    assert (not_held.status_code, not_held.json()["code"]) == (409, "ledger.not_assigned")
    early = client.post(
        "/v1/caseload/assignments",
        json={"case": "C0", "lawyer": "L1", "date": "2023-01-02"},
        headers=auth("intake"),
    )
    assert (early.status_code, early.json()["code"]) == (422, "ledger.date_order")
    outside = client.post(
        "/v1/caseload/assignments",
        json={"case": "C0", "lawyer": "L1", "date": "2031-01-02"},
        headers=auth("intake"),
    )
    assert (outside.status_code, outside.json()["code"]) == (422, "ledger.no_pack_in_force")
    dup = client.post(
        "/v1/caseload/lawyers", json={"id": "L1", "name": "x", "kind": "staff_lawyer"}, headers=auth("admin")
    )
    assert (dup.status_code, dup.json()["code"]) == (422, "ledger.duplicate_lawyer")


def test_stores_not_configured_are_404_disabled(make_client: Any) -> None:
    bare = make_client(ledger=None, log=None)
    for response in (
        bare.get("/v1/caseload/lawyers/L1?year=2023", headers=auth("admin")),
        bare.get("/v1/log/verify", headers=auth("admin")),
        bare.post(
            "/v1/decisions",
            json={"pack": "anhui/anqing", "application": EXAMPLE, "log": True},
            headers=auth("intake"),
        ),
    ):
        assert (response.status_code, response.json()["code"]) == (404, "service.disabled")


def test_decisions_logged_on_request_then_shown_and_verified(client: TestClient) -> None:
    body = {
        "pack": "anhui/anqing",
        "application": {**EXAMPLE, "applicant": {**EXAMPLE["applicant"], "name": "张三"}},
        "log": True,
    }
    # two applicants (the same input within one second has one decision id: a retry, stored once)
    other = {**body, "application": {**EXAMPLE, "applicant": {**EXAMPLE["applicant"], "name": "李四"}}}
    first = client.post("/v1/decisions", json=body, headers=auth("intake"))
    second = client.post("/v1/decisions", json=other, headers=auth("admin"))
    assert (first.headers["x-log-seq"], second.headers["x-log-seq"]) == ("1", "2")
    assert first.json()["steps"] == []  # the trace keeps the steps; the answer is as asked
    record = client.get("/v1/log/records/1", headers=auth("auditor")).json()
    assert record["digest"] == first.headers["x-log-digest"]
    assert record["record"]["decision_id"] == first.headers["x-decision-id"]
    assert record["record"]["steps"]
    listed = client.get("/v1/log/records?start=1&limit=10", headers=auth("auditor")).json()
    assert [r["seq"] for r in listed] == [1, 2]
    assert listed[1]["prev"] == listed[0]["digest"]
    verified = client.get("/v1/log/verify", headers=auth("auditor")).json()
    assert (verified["ok"], verified["count"], verified["head"]) == (True, 2, second.headers["x-log-digest"])
    missing = client.get("/v1/log/records/3", headers=auth("auditor"))
    assert (missing.status_code, missing.json()["code"]) == (404, "log.no_record")


def test_logged_personal_fields_are_masked_when_configured(
    make_client: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("LEGALAID_MASK_SALT", "0f3c9a7e21d84b6c5a1e9d2f7b3c8e40")
    policy = tmp_path / "masking.json"
    policy.write_text('{"paths": ["input.applicant.name"]}', encoding="utf-8")
    masked = make_client(masking=policy)
    body = {
        "pack": "anhui/anqing",
        "application": {**EXAMPLE, "applicant": {**EXAMPLE["applicant"], "name": "张三"}},
        "log": True,
    }
    assert masked.post("/v1/decisions", json=body, headers=auth("intake")).status_code == 200
    record = masked.get("/v1/log/records/1", headers=auth("auditor")).json()["record"]
    assert record["masked"] == ["input.applicant.name"]
    assert record["input"]["applicant"]["name"].startswith("hmac-sha256:")
    assert "张三" not in str(record)


def test_racing_clients_over_http_never_exceed_the_cap(tmp_path: Any) -> None:
    """8 clients assign 100 cases to one lawyer at once through a live server: exactly 90 succeed."""
    app = create_app(Settings(ledger=tmp_path / "caseload.db", tokens=token_entries()))
    with live_server(app) as url:
        headers = {**auth("intake"), "Content-Type": "application/json"}
        with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
            lawyer = {"id": "L1", "name": "张律师", "kind": "social_lawyer", "office": "huaining"}
            assert http.post("/v1/caseload/lawyers", json=lawyer, headers=auth("admin")).status_code == 201
            for i in range(100):
                case = {"id": f"R{i}", "approved_on": "2023-01-02", "matter": "m", "litigation": True}
                assert http.post("/v1/caseload/cases", json=case).status_code == 201

        def client(start: int) -> list[int]:
            with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
                return [
                    http.post(
                        "/v1/caseload/assignments",
                        json={"case": f"R{i}", "lawyer": "L1", "date": "2023-02-01"},
                    ).status_code
                    for i in range(start, 100, 8)
                ]

        with ThreadPoolExecutor(8) as pool:
            statuses = [s for batch in pool.map(client, range(8)) for s in batch]
        assert sorted(set(statuses)) == [200, 409]
        assert (statuses.count(200), statuses.count(409)) == (90, 10)
        with httpx.Client(base_url=url, headers=headers) as http:
            assert http.get("/v1/caseload/lawyers/L1?year=2023").json()["cases"] == 90
