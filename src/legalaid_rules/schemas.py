"""The published JSON Schemas: pack files, pack-test files, applications, decisions and traces.

The pack and test schemas are for editors (yaml-language-server, VS Code's YAML extension) that
check YAML as staff type; they accept exactly what the loader accepts, and the test suite checks
every shipped pack and test file against them. ``legalaid-rules schema --what ...`` prints one;
``docs/schemas/`` holds them (regenerate with ``python -m legalaid_rules.schemas docs/schemas``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from legalaid_rules.applications import Application
from legalaid_rules.decisions import Decision
from legalaid_rules.packs.schema import PackFile
from legalaid_rules.packtests.model import TestFile
from legalaid_rules.traces.records import trace_schema

__all__ = ["SCHEMAS", "json_schema", "schema_text", "write_schemas"]

SCHEMAS = ("pack", "tests", "application", "decision", "trace")
"""What ``schema --what`` can print."""

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _closed_maps(node: Any) -> None:
    """A mapping whose keys must match a pattern admits no other key (the loader refuses them)."""
    if isinstance(node, dict):
        if "patternProperties" in node and "properties" not in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _closed_maps(value)
    elif isinstance(node, list):
        for value in node:
            _closed_maps(value)


def _pack() -> dict[str, Any]:
    schema = PackFile.model_json_schema(by_alias=True)
    _closed_maps(schema)
    return schema


def _tests() -> dict[str, Any]:
    schema = TestFile.model_json_schema(by_alias=True)
    _closed_maps(schema)
    expect = schema["$defs"]["TestExpect"]["properties"]
    # `scope: true` is read as the text "true" (see TestExpect._scope_text)
    expect["scope"] = {"anyOf": [expect["scope"], {"type": "boolean"}], "default": None, "title": "Scope"}
    # beyond the standard keys, `expect` may name any other field of a decision (compared as a subset)
    for name in sorted(set(Decision.model_fields) - {"pack", "date", "steps"} - set(expect)):
        expect[name] = {"description": f"compared with the decision's `{name}` (the keys given)"}
    schema["$defs"]["TestExpect"]["additionalProperties"] = False
    application = Application.model_json_schema(by_alias=True)
    for name, definition in application.pop("$defs", {}).items():
        schema["$defs"].setdefault(name, definition)
    schema["$defs"]["Application"] = application
    schema["$defs"]["TestCase"]["properties"]["application"] = {"$ref": "#/$defs/Application"}
    return schema


def json_schema(what: str) -> dict[str, Any]:
    """The JSON Schema named ``what`` (one of :data:`SCHEMAS`).

    Raises:
        KeyError: an unknown name.
    """
    if what == "trace":
        return trace_schema()
    if what == "pack":
        schema = _pack()
    elif what == "tests":
        schema = _tests()
    elif what == "application":
        schema = Application.model_json_schema(by_alias=True)
    elif what == "decision":
        schema = Decision.model_json_schema(by_alias=True)
    else:
        raise KeyError(what)
    schema["$schema"] = _DRAFT
    return schema


def schema_text(what: str) -> str:
    """The schema as published: indented JSON, keys sorted, ending in a newline."""
    return json.dumps(json_schema(what), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write ``<what>.schema.json`` for every schema but the trace's (``docs/trace-schema.json``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for what in SCHEMAS:
        if what == "trace":
            continue
        path = out_dir / f"{what}.schema.json"
        path.write_text(schema_text(what), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m legalaid_rules.schemas docs/schemas
    for written in write_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/schemas")):
        print(written)
