"""Fixtures of the service tests: apps built with create_app, clients, tokens for each role."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legalaid_rules.service import Settings, TokenEntry, create_app
from legalaid_rules.service.settings import token_digest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = json.loads((ROOT / "examples" / "anqing-support-payment.json").read_text(encoding="utf-8"))

TOKENS = {"intake": "intake-secret-1", "auditor": "auditor-secret-2", "admin": "admin-secret-3"}
"""The bearer token of each role in the test configuration."""

WAGE_CLAIM: dict[str, Any] = {
    "date": "2023-06-01",
    "office": "huaining",
    "locality": {"city": "anqing", "county": "huaining"},
    "applicant": {"age": 35, "groups": [{"group": "migrant_worker", "proof": True}]},
    "matter": "labour_remuneration",
}
"""A migrant worker claiming unpaid wages in Huaining, with proof of being a migrant worker."""


def token_entries() -> tuple[TokenEntry, ...]:
    return tuple(
        TokenEntry(name=f"test-{role}", role=role, sha256=token_digest(token))  # type: ignore[arg-type]
        for role, token in TOKENS.items()
    )


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


def started(app: FastAPI) -> TestClient:
    """A client whose app has finished warming (packs compiled, stores opened)."""
    client = TestClient(app, raise_server_exceptions=False)
    client.__enter__()
    assert app.state.service.ready.wait(120), "the app did not warm up within 120 s"
    return client


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """Build a started client for an app with the given settings (stores in tmp_path)."""
    clients: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        values: dict[str, Any] = {
            "ledger": tmp_path / "caseload.db",
            "log": tmp_path / "decisions.db",
            "tokens": token_entries(),
        }
        values.update(overrides)
        client = started(create_app(Settings(**values)))
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """A client of an app with open reads, a ledger and a decision log."""
    return make_client()
