"""The published JSON Schemas: current in docs/schemas/, and in step with the loaders.

An editor that validates YAML with these schemas must show no error in a file the library loads,
and must flag the mistakes the library refuses. Every shipped pack and test file is validated
with a real JSON Schema validator (jsonschema), and a set of broken packs must be refused by
both the schema and the loader.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from legalaid_rules.cli import main
from legalaid_rules.packs.checking import check_paths
from legalaid_rules.packs.yaml_source import read_yaml
from legalaid_rules.packtests import read_tests
from legalaid_rules.schemas import SCHEMAS, schema_text, write_schemas

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
PUBLISHED = ROOT / "docs" / "schemas"
MINI = Path(__file__).parent / "fixtures" / "mini"
REGENERATE = os.environ.get("LEGALAID_REGENERATE") == "1"

PACK_FILES = sorted(p for p in RULES.rglob("*.yaml") if not p.name.endswith(".tests.yaml"))
TEST_FILES = sorted(RULES.rglob("*.tests.yaml"))


def as_json(value: Any) -> Any:
    """YAML data as an editor sees it in JSON: dates as text, numbers as numbers."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def load(path: Path, text: str | None = None) -> Any:
    doc, problems = read_yaml(text if text is not None else path.read_text(encoding="utf-8"), str(path))
    assert doc is not None and not problems, problems
    return as_json(doc.data)


def validator(what: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((PUBLISHED / f"{what}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(what: str, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(what).iter_errors(data)]


def test_published_schemas_are_current(tmp_path: Path) -> None:
    if REGENERATE:
        write_schemas(PUBLISHED)
    for what in SCHEMAS:
        if what == "trace":
            continue  # published as docs/trace-schema.json, checked by test_trace_golden
        text = (PUBLISHED / f"{what}.schema.json").read_text(encoding="utf-8")
        assert text == schema_text(what), f"docs/schemas/{what}.schema.json is stale: LEGALAID_REGENERATE=1"


# The 2020-12 keywords (core, applicator, validation, format, meta-data) and OpenAPI's additions.
_KEYWORDS = {
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "$comment",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "prefixItems",
    "items",
    "contains",
    "properties",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "format",
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    "discriminator",
    "contentMediaType",
    "contentEncoding",
}
_MAPS = {"properties", "patternProperties", "$defs", "dependentSchemas"}


def _unknown_keywords(node: Any, path: str = "#") -> list[str]:
    if isinstance(node, list):
        return [k for i, item in enumerate(node) for k in _unknown_keywords(item, f"{path}/{i}")]
    if not isinstance(node, dict):
        return []
    found = [f"{path}/{key}" for key in node if key not in _KEYWORDS]
    for key, value in node.items():
        if key in _MAPS and isinstance(value, dict):
            for name, sub in value.items():
                found += _unknown_keywords(sub, f"{path}/{key}/{name}")
        elif key not in {"default", "examples", "const", "enum"}:
            found += _unknown_keywords(value, f"{path}/{key}")
    return found


@pytest.mark.parametrize("what", [w for w in SCHEMAS if w != "trace"])
def test_published_schemas_use_only_json_schema_keywords(what: str) -> None:
    """Pydantic writes some constraints under its own names (``ge``, ``decimal_places``), which a
    validator ignores, and its schema for ``Decimal`` changes between releases: money and pack
    values have their schemas written out, and this keeps it so."""
    schema = json.loads((PUBLISHED / f"{what}.schema.json").read_text(encoding="utf-8"))
    assert _unknown_keywords(schema) == []


def test_money_schema_matches_what_the_model_reads() -> None:
    schema: Any = validator("application").schema
    money = schema["$defs"]["Household"]["properties"]["monthly_income"]
    check = jsonschema.Draft202012Validator({"$defs": {}, **money})
    for good in ("1800.00", "0", " 12.5 ", 1800, 1800.5, None):
        assert check.is_valid(good), good
    for bad in ("-1", "1,800", "1800.001", "１８００", "NaN", -1, 10**12, True):
        assert not check.is_valid(bad), bad


@pytest.mark.parametrize("what", SCHEMAS)
def test_schema_command_prints_each_schema(what: str) -> None:
    result = CliRunner().invoke(main, ["schema", "--what", what])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert result.stdout == schema_text(what)


@pytest.mark.parametrize("path", PACK_FILES, ids=[str(p.relative_to(RULES)) for p in PACK_FILES])
def test_every_shipped_pack_is_valid_under_the_pack_schema(path: Path) -> None:
    assert errors("pack", load(path)) == []


@pytest.mark.parametrize("path", TEST_FILES, ids=[str(p.relative_to(RULES)) for p in TEST_FILES])
def test_every_shipped_test_file_is_valid_under_the_tests_schema(path: Path) -> None:
    assert not isinstance(read_tests(path), list)
    assert errors("tests", load(path)) == []


def test_the_schema_accepts_one_citation_or_a_list() -> None:
    data = load(MINI / "prov" / "2022.yaml")
    rule = data["rules"]["means_test"]
    assert isinstance(rule["basis"], dict)
    assert errors("pack", data) == []
    rule["basis"] = [rule["basis"], {"source": "law", "at": "第三十四条"}]
    assert errors("pack", data) == []
    rule["basis"] = []
    assert errors("pack", data) != []


BROKEN = [
    (
        "unknown-key",
        "    en: below twice the standard\n",
        "    en: below twice the standard\n    colour: red\n",
    ),
    ("empty-basis-list", "    basis: {source: law}\n    values:", "    basis: []\n    values:"),
    (
        "citation-without-source",
        "then: {economic: passed}\n    basis: {source: law}",
        "then: {economic: passed}\n    basis: {at: 第一条}",
    ),
    ("unknown-effect", "then: {economic: passed}", "then: {economic: pased}"),
    ("empty-effect", "then: {economic: passed}", "then: {}"),
    ("missing-zh", "    zh: 最低生活保障标准\n", ""),
    ("bad-format", "format: 1", "format: 2"),
    ("bad-pack-id", "id: prov", "id: Prov"),
    ("bad-rule-name", "  means_test:", "  Means-Test:"),
    ("bad-level", "level: city", "level: town"),
    ("bad-parameter-type", "    type: money\n", "    type: percentage\n"),
    ("value-and-by", "    by: city\n", "    by: city\n    value: 700.00\n"),
    ("version-not-text", 'version: "1"', "version: [1]"),
]


@pytest.mark.parametrize(("name", "old", "new"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_pack_is_refused_by_schema_and_loader(tmp_path: Path, name: str, old: str, new: str) -> None:
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    prov = root / "prov" / "2022.yaml"
    text = prov.read_text(encoding="utf-8")
    assert old in text, f"fixture drift: {old!r}"
    prov.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert errors("pack", load(prov)) != [], "the schema accepts it"
    assert check_paths([root]).problems != (), "the loader accepts it"


BROKEN_TESTS = [
    ("unknown-key", "    expect:", "    colour: red\n    expect:"),
    ("bad-outcome", "outcome: eligible", "outcome: granted"),
    ("bad-name", "- name: ", "- name: Bad Name "),
    ("no-cases", None, "pack: anhui/anqing\ncases: []\n"),
    ("unknown-expectation", "      outcome: eligible\n", "      outcome: eligible\n      colour: red\n"),
]


@pytest.mark.parametrize(("name", "old", "new"), BROKEN_TESTS, ids=[b[0] for b in BROKEN_TESTS])
def test_a_broken_test_file_is_refused_by_schema_and_loader(
    tmp_path: Path, name: str, old: str | None, new: str
) -> None:
    folder = tmp_path / "rules" / "anhui" / "anqing"
    folder.mkdir(parents=True)
    text = (RULES / "anhui" / "anqing" / "2023.tests.yaml").read_text(encoding="utf-8")
    if old is not None:
        assert old in text, f"fixture drift: {old!r}"
    path = folder / "2023.tests.yaml"
    path.write_text(text.replace(old, new, 1) if old is not None else new, encoding="utf-8")
    assert errors("tests", load(path)) != [], "the schema accepts it"
    assert isinstance(read_tests(path), list), "the loader accepts it"


@pytest.mark.parametrize(
    "path", PACK_FILES + TEST_FILES, ids=[str(p.relative_to(RULES)) for p in PACK_FILES + TEST_FILES]
)
def test_every_shipped_file_names_its_schema_on_its_first_line(path: Path) -> None:
    """The yaml-language-server modeline: editors validate the file as it is typed."""
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    what = "tests" if path.name.endswith(".tests.yaml") else "pack"
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), first
    target = (path.parent / first.removeprefix(prefix)).resolve()
    assert target == (PUBLISHED / f"{what}.schema.json").resolve() and target.is_file()
