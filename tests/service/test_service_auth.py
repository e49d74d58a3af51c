"""Who may do what: the role matrix, open or closed reads, bad and missing tokens."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from service_helpers import EXAMPLE, TOKENS, auth

DECIDE = ("POST", "/v1/decisions", {"pack": "anhui/anqing", "application": EXAMPLE})
LOGGED = ("POST", "/v1/decisions", {"pack": "anhui/anqing", "application": EXAMPLE, "log": True})
PACKS = ("GET", "/v1/packs", None)
ADD_LAWYER = ("POST", "/v1/caseload/lawyers", {"id": "L1", "name": "张律师", "kind": "social_lawyer"})
ADD_CASE = (
    "POST",
    "/v1/caseload/cases",
    {"id": "C1", "approved_on": "2023-03-01", "matter": "m", "litigation": True},
)
STATUS = ("GET", "/v1/caseload/report?year=2023", None)
LOG_VERIFY = ("GET", "/v1/log/verify", None)

# role -> allowed?  (None = no token)
MATRIX: list[tuple[tuple[str, str, Any], dict[str | None, bool]]] = [
    (DECIDE, {None: True, "intake": True, "auditor": True, "admin": True}),
    (PACKS, {None: True, "intake": True, "auditor": True, "admin": True}),
    (LOGGED, {None: False, "intake": True, "auditor": False, "admin": True}),
    (ADD_LAWYER, {None: False, "intake": False, "auditor": False, "admin": True}),
    (ADD_CASE, {None: False, "intake": True, "auditor": False, "admin": True}),
    (STATUS, {None: False, "intake": True, "auditor": True, "admin": True}),
    (LOG_VERIFY, {None: False, "intake": False, "auditor": True, "admin": True}),
]


def _call(client: TestClient, op: tuple[str, str, Any], headers: dict[str, str]) -> Any:
    method, url, body = op
    return client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize(("op", "allowed"), MATRIX, ids=[f"{m[0][0]} {m[0][1]}" for m in MATRIX])
@pytest.mark.parametrize("role", [None, "intake", "auditor", "admin"])
def test_role_matrix(
    client: TestClient, op: tuple[str, str, Any], allowed: dict[str | None, bool], role: str | None
) -> None:
    response = _call(client, op, auth(role) if role else {})
    if allowed[role]:
        assert response.status_code in (200, 201), response.text
    else:
        expected = (401, "auth.missing_token") if role is None else (403, "auth.forbidden")
        assert (response.status_code, response.json()["code"]) == expected
        if role is None:
            assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("op", [DECIDE, PACKS, ("GET", "/v1/schemas/decision", None)])
def test_closed_reads_need_any_valid_token(make_client: Any, op: tuple[str, str, Any]) -> None:
    closed = make_client(open_reads=False)
    assert _call(closed, op, {}).json()["code"] == "auth.missing_token"
    for role in TOKENS:
        assert _call(closed, op, auth(role)).status_code == 200


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer not-a-known-token", "auth.bad_token"),
        ("Basic dXNlcjpwYXNz", "auth.bad_token"),
        ("Bearer", "auth.bad_token"),
    ],
)
def test_bad_tokens_are_401_even_on_open_reads(client: TestClient, header: str, code: str) -> None:
    response = client.get("/v1/packs", headers={"Authorization": header})
    assert (response.status_code, response.json()["code"]) == (401, code)


def test_tokens_are_not_stored_and_health_is_always_open(make_client: Any) -> None:
    closed = make_client(open_reads=False)
    settings = closed.app.state.service.settings
    assert all(token not in settings.model_dump_json() for token in TOKENS.values())
    assert closed.get("/healthz").status_code == 200
    assert closed.get("/readyz").status_code == 200


def test_cors_is_off_by_default_and_on_for_listed_origins(make_client: Any) -> None:
    default = make_client()
    preflight = {"Origin": "https://intake.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in default.options("/v1/decisions", headers=preflight).headers
    allowed = make_client(cors_origins=("https://intake.example",))
    response = allowed.options("/v1/decisions", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "https://intake.example"
