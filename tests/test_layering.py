"""The layering of the package, as contracts over its import graph (read from the source with ``ast``).

- no import cycle between modules;
- a backend never imports the evaluation package;
- a lower layer never imports a higher one (the layers below, lowest first; see docs/design.md);
- no module imports one of the package's own modules inside a function (a hidden dependency,
  typically one that dodges a cycle).

The root ``legalaid_rules/__init__.py`` is the public facade over everything and is left out;
nothing inside the package imports it.
"""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "legalaid_rules"

LAYERS: list[set[str]] = [
    {"_version", "errors", "values", "canonical", "source_text"},
    {"applications", "decisions", "inputs"},
    {"conditions"},
    {"packs"},
    {"backends"},
    {"evaluation"},
    {"programs", "duty", "reassessment", "storage"},
    {"analysis", "traces", "caseload", "render", "packtests"},
    {"packtests_pytest", "service", "cli"},
]
"""Top-level modules and packages, lowest layer first; a module may import its own layer and below."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _target(module: str, node: ast.ImportFrom | ast.Import, alias: ast.alias) -> str | None:
    """The package module an import names (a submodule when ``from pkg import sub`` names one)."""
    if isinstance(node, ast.Import):
        name = alias.name
    else:
        base = node.module or ""
        if node.level:
            package = module.split(".")
            if MODULES[module].name != "__init__.py":
                package = package[:-1]
            package = package[: len(package) - node.level + 1]
            base = ".".join([*package, *([base] if base else [])])
        name = f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
    if name == PACKAGE or not name.startswith(PACKAGE + "."):
        return None if name != PACKAGE else name
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _imports() -> tuple[dict[str, set[str]], list[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    nested: list[str] = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        inside = {id(sub) for f in functions for sub in ast.walk(f)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for alias in node.names:
                target = _target(module, node, alias)
                if target is None:
                    continue
                if id(node) in inside:
                    nested.append(f"{module} imports {target} inside a function (line {node.lineno})")
                if target != module:
                    graph[module].add(target)
    return graph, nested


GRAPH, NESTED = _imports()


def _top(module: str) -> str:
    return module.split(".")[1] if module != PACKAGE else ""


def _layer(module: str) -> int:
    top = _top(module)
    for i, layer in enumerate(LAYERS):
        if top in layer:
            return i
    raise AssertionError(f"`{top}` is in no layer of tests/test_layering.py: add it where it belongs")


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        if module != PACKAGE:
            _layer(module)


def test_nothing_imports_the_public_facade() -> None:
    importers = sorted(m for m, targets in GRAPH.items() if PACKAGE in targets)
    assert importers == []


def test_no_import_cycle() -> None:
    graph = {m: {t for t in targets if t != PACKAGE} for m, targets in GRAPH.items() if m != PACKAGE}
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_backends_never_import_evaluation() -> None:
    bad = [
        f"{m} -> {t}"
        for m, targets in GRAPH.items()
        if _top(m) == "backends"
        for t in targets
        if _top(t) == "evaluation"
    ]
    assert bad == []


def test_lower_layers_never_import_higher_ones() -> None:
    bad = [
        f"{m} (layer {_layer(m)}) -> {t} (layer {_layer(t)})"
        for m, targets in GRAPH.items()
        if m != PACKAGE
        for t in targets
        if t != PACKAGE and _layer(t) > _layer(m)
    ]
    assert bad == []


def test_no_import_of_the_package_inside_a_function() -> None:
    assert NESTED == []


def test_the_graph_is_read() -> None:
    """The contracts above see real edges (a guard against a parser that finds nothing)."""
    assert "legalaid_rules.evaluation.assembly" in GRAPH["legalaid_rules.evaluation.pipeline"]
    assert "legalaid_rules.backends.results" in GRAPH["legalaid_rules.backends.native"]
    assert "legalaid_rules.backends._durable_network" in GRAPH["legalaid_rules.backends.durable"]
