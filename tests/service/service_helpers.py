"""Shared helpers of the service tests: the example applications, tokens for each role, a
started test client."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from legalaid_rules.service import TokenEntry
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
        TokenEntry(name=f"test-{role}", role=role, sha256=token_digest(token))
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


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread of this process."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        assert app.state.service.ready.wait(120), "the service did not warm up"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
