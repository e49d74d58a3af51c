"""Fixtures of the service tests: apps built with create_app and started clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from service_helpers import started, token_entries

from legalaid_rules.service import Settings, create_app


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
