"""The OpenAPI document: committed and current, and a schemathesis run over it that finds no
server error and no response outside the document."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from service_helpers import ROOT, auth, token_entries

from legalaid_rules.service import Settings, create_app
from legalaid_rules.service.openapi import document

DOC = ROOT / "docs" / "openapi.json"


def test_committed_openapi_document_is_current() -> None:
    """Regenerate with `python -m legalaid_rules.service.openapi docs/openapi.json`
    (or run this test with LEGALAID_REGENERATE=1)."""
    text = document()
    if os.environ.get("LEGALAID_REGENERATE"):
        DOC.write_text(text, encoding="utf-8")
    assert DOC.read_text(encoding="utf-8") == text


def test_every_error_response_is_a_problem_document() -> None:
    spec = json.loads(DOC.read_text(encoding="utf-8"))
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if int(status) >= 400 and path != "/readyz":
                    assert list(response["content"]) == ["application/problem+json"], (path, method, status)


_STORES = tempfile.TemporaryDirectory(prefix="legalaid-schemathesis-")
_APP = create_app(
    Settings(
        ledger=Path(_STORES.name) / "caseload.db",
        log=Path(_STORES.name) / "decisions.db",
        tokens=token_entries(),
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)


@pytest.fixture(scope="module", autouse=True)
def _stores() -> Iterator[None]:
    _APP.state.service.warm()  # readiness without the lifespan thread
    yield
    _STORES.cleanup()


@schema.parametrize()
@settings(
    max_examples=10,
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_document(case: Any) -> None:
    """Bounded: 10 generated requests per operation, sent with an admin token."""
    case.call_and_validate(
        headers=auth("admin"),
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_headers_conformance,
            response_schema_conformance,
        ],
    )
