"""Health, readiness, metrics (per app), access logs without personal data, the catch-all."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from service_helpers import EXAMPLE, WAGE_CLAIM, started

from legalaid_rules.service import Settings, create_app
from legalaid_rules.service.observability import ACCESS_LOGGER


def _metric(client: TestClient, line_start: str) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["packs"] == "8 versions"


def test_not_ready_until_warm() -> None:
    app = create_app(Settings())
    app.state.service.ready.clear()  # as before the warm-up thread finishes
    with TestClient(app) as c:
        app.state.service.ready.wait(120)
        app.state.service.ready.clear()
        response = c.get("/readyz")
        assert (response.status_code, response.json()["status"]) == (503, "starting")


def test_metrics_count_decisions_by_outcome_errors_by_code_and_latency(client: TestClient) -> None:
    undetermined = {"date": "2023-06-01", "locality": {"city": "anqing"}, "matter": "labour_remuneration"}
    for app, n in ((WAGE_CLAIM, 3), (undetermined, 2)):
        for _ in range(n):
            assert (
                client.post("/v1/decisions", json={"pack": "anhui/anqing", "application": app}).status_code
                == 200
            )
    client.post("/v1/decisions", json={"pack": "nope/nope", "application": EXAMPLE})
    client.post(
        "/v1/decisions:batch", json={"pack": "anhui/anqing", "applications": [WAGE_CLAIM, {"date": "x"}]}
    )
    assert _metric(client, 'legalaid_decisions_total{outcome="eligible"}') == 4
    assert _metric(client, 'legalaid_decisions_total{outcome="undetermined"}') == 2
    assert _metric(client, 'legalaid_errors_total{code="pack.unknown"}') == 1
    assert _metric(client, 'legalaid_errors_total{code="application.date_text"}') == 1
    count = 'legalaid_request_duration_seconds_count{method="POST",route="/v1/decisions"}'
    assert _metric(client, count) == 6


def test_two_apps_do_not_share_metrics(client: TestClient) -> None:
    other = started(create_app(Settings()))
    try:
        client.post("/v1/decisions", json={"pack": "anhui/anqing", "application": WAGE_CLAIM})
        assert _metric(client, 'legalaid_decisions_total{outcome="eligible"}') == 1
        assert _metric(other, 'legalaid_decisions_total{outcome="eligible"}') == 0
    finally:
        other.__exit__(None, None, None)


def test_access_log_is_json_without_personal_data(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = {
        **EXAMPLE,
        "applicant": {**EXAMPLE["applicant"], "name": "张三", "id_number": "340811195803140011"},
    }
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        client.post(
            "/v1/decisions?who=张三",
            json={"pack": "anhui/anqing", "application": secret},
            headers={"X-Request-ID": "r-1"},
        )
        client.get("/v1/caseload/lawyers/L-secret?year=2023")
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name == ACCESS_LOGGER]
    assert records[0] == {
        **records[0],
        "request_id": "r-1",
        "method": "POST",
        "route": "/v1/decisions",
        "status": 200,
    }
    assert records[1]["route"] == "/v1/caseload/lawyers/{lawyer_id}"
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "张三" not in text and "340811" not in text and "L-secret" not in text


def test_an_unexpected_error_is_a_logged_problem_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(Settings())

    @app.get("/boom")
    def boom() -> Any:
        raise RuntimeError("something broke inside")

    client = started(app)
    try:
        with caplog.at_level(logging.ERROR, logger="legalaid_rules.service"):
            response = client.get("/boom", headers={"X-Request-ID": "trace-me"})
    finally:
        client.__exit__(None, None, None)
    assert response.status_code == 500
    problem = response.json()
    assert (problem["code"], problem["request_id"]) == ("service.internal", "trace-me")
    assert "something broke" not in response.text  # no internals to the client
    assert any("trace-me" in r.getMessage() and r.exc_info for r in caplog.records)


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    assert client.get("/v2/nothing").json()["code"] == "http.not_found"
    wrong = client.get("/v1/decisions")
    assert (wrong.status_code, wrong.json()["code"]) == (405, "http.method_not_allowed")
