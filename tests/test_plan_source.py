"""The native plan is generated Python source: pack text can change what is compared, never the code.

Region ids are free text in a pack and reach the generated plan as string literals (as do
quoted values in conditions), so they carry the hostile strings here: quotes of both kinds,
newlines, a call to ``__import__``, text that looks like unicode and hex escapes, braces and a
comment sign. Each must (1) load, (2) decide exactly as the durable backend (which generates no
Python) decides, (3) leave no trace in the generated code other than one ``repr()`` constant,
and (4) never run.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from legalaid_rules import Registry, evaluate
from legalaid_rules.backends.native import plan_for

MINI = Path(__file__).parent / "fixtures" / "mini"


def _hostile(sentinel: Path) -> list[str]:
    return [
        f"x'); __import__('os').system('touch {sentinel}'); ('",
        f'y"); __import__("os").system("touch {sentinel}"); ("',
        "line\nbreak = __import__('os')",
        "\\u0027 + __import__('os').getcwd() + \\u0027",
        "\\x27; import os #",
        "{t0} {v0} _c0 U NA claims",
        "''' closes a docstring",
        '""" closes a docstring',
        "区县' or True or '",
    ]


def _quoted(text: str) -> str:
    """``text`` as a condition literal: in the quotes it does not contain."""
    return f'"{text}"' if '"' not in text else f"'{text}'"


def _yaml(text: str) -> str:
    """``text`` as a YAML scalar (a JSON string is a double-quoted YAML scalar)."""
    return json.dumps(text, ensure_ascii=False)


@pytest.fixture()
def hostile_pack(tmp_path: Path) -> tuple[Registry, list[str], Path]:
    sentinel = tmp_path / "ran"
    names = _hostile(sentinel)
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    prov = (root / "prov" / "2022.yaml").read_text(encoding="utf-8")
    regions = "".join(
        f"  {_yaml(name)}: {{zh: 某县{i}, level: county, parent: city}}\n" for i, name in enumerate(names)
    )
    regions += "  plain: {zh: 普通县, level: county, parent: city}\n"
    listed = ", ".join(_quoted(n) for n in names if "'" not in n or '"' not in n)
    singles = "\n".join(
        f"  hostile.eq{i}:\n"
        f"    zh: 县 {i}\n    en: county {i}\n"
        f"    when: {_yaml(f'locality.county == {_quoted(name)}')}\n"
        f"    then: {{urgent: true}}\n    basis: {{source: law}}\n"
        for i, name in enumerate(names)
    )
    prov = prov.replace(
        "  city: {zh: 某市, level: city, parent: prov}\n",
        "  city: {zh: 某市, level: city, parent: prov}\n" + regions,
    )
    prov += (
        "  hostile.listed:\n"
        "    zh: 列明的县\n    en: listed counties\n"
        f"    when: {_yaml(f'locality.county in [{listed}]')}\n"
        "    then: {urgent: true}\n    basis: {source: law}\n" + singles
    )
    (root / "prov" / "2022.yaml").write_text(prov, encoding="utf-8")
    return Registry(root), names, sentinel


def _app(county: str) -> dict[str, object]:
    return {
        "date": "2022-06-01",
        "matter": "wages",
        "locality": {"city": "city", "county": county},
        "household": {"size": 1, "monthly_income": "100"},
        "applicant": {"age": 30, "fixed_income_source": True, "groups": []},
    }


def test_hostile_literals_decide_like_the_durable_backend_and_never_run(
    hostile_pack: tuple[Registry, list[str], Path],
) -> None:
    registry, names, sentinel = hostile_pack
    pack = registry.load("prov", dt.date(2022, 6, 1))
    for county in [*names, "plain"]:
        native = evaluate(pack, _app(county))
        assert native.urgent is (county != "plain"), county
        assert native == evaluate(pack, _app(county), backend="durable"), county
        fired = {r.rule for r in native.reasons if r.rule.startswith("hostile.")}
        expected = {f"hostile.eq{names.index(county)}"} if county != "plain" else set()
        if county != "plain" and ("'" not in county or '"' not in county):
            expected.add("hostile.listed")
        assert fired == expected, county
    assert not sentinel.exists()


def test_hostile_text_appears_only_as_repr_constants(hostile_pack: tuple[Registry, list[str], Path]) -> None:
    registry, names, _ = hostile_pack
    pack = registry.load("prov", dt.date(2022, 6, 1))
    plan = plan_for(pack)
    tree = ast.parse(plan.source)
    constants: dict[str, object] = {}
    functions = []
    for stmt in tree.body:
        if isinstance(stmt, ast.FunctionDef):
            functions.append(stmt)
            continue
        # module level: only `_cN = <literal>` (Decimal/date literals are calls of fixed names)
        assert isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
        target = stmt.targets[0]
        assert isinstance(target, ast.Name) and target.id.startswith("_c")
        if isinstance(stmt.value, ast.Constant):
            constants[target.id] = stmt.value.value
        else:
            called = ast.unparse(stmt.value.func)  # type: ignore[attr-defined]
            assert called in ("Decimal", "datetime.date"), ast.unparse(stmt)
    assert [f.name for f in functions] == ["run"]
    for name in names:
        assert name in constants.values(), name  # each hostile text is one constant, read back exactly
    allowed = {"app", "on", "city", "county", "office_city", "claims", "isinstance", *constants}
    for node in ast.walk(functions[0]):
        if isinstance(node, ast.Constant):
            # inside the function only the fixed constants of Kleene logic appear
            assert node.value in (None, True, False), ast.dump(node)
        elif isinstance(node, ast.Name):
            local = node.id[0] in "tvg" and node.id[1:].isdigit()
            assert local or node.id in allowed or node.id in plan.bound_names, node.id
        elif isinstance(node, ast.Attribute):
            assert node.attr in ("year", "get"), node.attr
