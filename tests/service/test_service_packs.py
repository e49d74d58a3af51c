"""Packs, schemas and replay over HTTP: the same data the library gives."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from service_helpers import EXAMPLE

from legalaid_rules import Application, Decision, Registry, TraceRecord, evaluate, load_pack
from legalaid_rules.render import render
from legalaid_rules.traces import trace_schema


def test_packs_lists_every_pack_and_period(client: TestClient) -> None:
    listed = {p["id"]: p["versions"] for p in client.get("/v1/packs").json()}
    registry = Registry()
    assert sorted(listed) == registry.ids()
    anqing = listed["anhui/anqing"][0]
    assert (anqing["version"], anqing["start"], anqing["end"]) == ("2023.1", "2023-01-01", "2023-12-31")


def test_pack_detail_has_matters_groups_and_digest(client: TestClient) -> None:
    detail = client.get("/v1/packs/anhui/anqing").json()
    pack = load_pack("anhui/anqing", dt.date(2023, 1, 1))
    version = detail["versions"][0]
    assert version["digest"] == pack.digest
    assert {m["code"]: m["zh"] for m in version["matters"]} == {c: m.zh for c, m in pack.matters.items()}
    assert {g["id"] for g in version["groups"]} == set(pack.groups)
    assert version["lineage"] == ["national@2022.1", "anhui@2022.1", "anhui/anqing@2023.1"]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_summary_is_the_rendered_policy_summary(client: TestClient, fmt: str) -> None:
    response = client.get(f"/v1/packs/anhui/anqing/summary?date=2023-06-01&format={fmt}")
    assert response.status_code == 200
    assert response.text == render(load_pack("anhui/anqing", dt.date(2023, 6, 1)), fmt)  # type: ignore[arg-type]
    assert response.headers["content-type"].startswith("text/markdown" if fmt == "markdown" else "text/html")


def test_summary_and_detail_of_an_unknown_pack_are_404(client: TestClient) -> None:
    for url in ("/v1/packs/anhui/anqin", "/v1/packs/anhui/anqin/summary"):
        problem = client.get(url).json()
        assert problem["code"] == "pack.unknown"
        assert problem["status"] == 404
    missing = client.get("/v1/packs/anhui/anqing/summary?date=2030-01-01").json()
    assert missing["code"] == "pack.not_in_force"


@pytest.mark.parametrize(
    ("what", "title"),
    [
        ("application", Application.__name__),
        ("decision", Decision.__name__),
        ("trace", TraceRecord.__name__),
        ("pack", "PackFile"),
    ],
)
def test_schemas(client: TestClient, what: str, title: str) -> None:
    response = client.get(f"/v1/schemas/{what}")
    assert response.status_code == 200
    assert response.json()["title"] == title
    if what == "trace":
        assert response.json() == json.loads(json.dumps(trace_schema()))


def test_unknown_schema_is_a_problem(client: TestClient) -> None:
    problem = client.get("/v1/schemas/nothing").json()
    assert problem["code"] == "request.literal_error"
    assert problem["problems"][0]["location"]["path"] == "path.what"


def _trace() -> dict[str, Any]:
    pack = load_pack("anhui/anqing", dt.date(2023, 6, 1))
    trace = TraceRecord.from_decision(evaluate(pack, EXAMPLE), EXAMPLE, pack)
    data: dict[str, Any] = json.loads(trace.canonical())
    return data


def test_replay_identical(client: TestClient) -> None:
    result = client.post("/v1/traces:replay", json={"trace": _trace()}).json()
    assert (result["status"], result["identical"], result["differences"]) == ("identical", True, [])


def test_replay_of_an_edited_trace_names_the_difference(client: TestClient) -> None:
    trace = _trace()
    trace["outcome"] = "ineligible"
    result = client.post("/v1/traces:replay", json={"trace": trace}).json()
    assert result["status"] == "different"
    assert {"path": "outcome", "stored": "ineligible", "replayed": "eligible"} in result["differences"]


def test_replay_of_a_malformed_trace_is_a_trace_problem(client: TestClient) -> None:
    trace = _trace()
    del trace["pack"]
    problem = client.post("/v1/traces:replay", json={"trace": trace}).json()
    assert (problem["status"], problem["code"]) == (422, "trace.missing")
    assert problem["problems"][0]["location"]["path"] == "pack"
