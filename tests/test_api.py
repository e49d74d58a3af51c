"""The public API: exported names (checked like httpx's exported members), typing marker, version."""

from __future__ import annotations

import importlib
import importlib.resources
import types

import legalaid_rules


def test_all_is_sorted_without_duplicates() -> None:
    names = list(legalaid_rules.__all__)
    assert names == sorted(names)
    assert len(names) == len(set(names))


def test_every_name_in_all_is_importable() -> None:
    for name in legalaid_rules.__all__:
        assert getattr(legalaid_rules, name) is not None, name
    namespace: dict[str, object] = {}
    exec("from legalaid_rules import *", namespace)  # the star import a user may write
    assert set(legalaid_rules.__all__) <= set(namespace)


def test_all_is_complete() -> None:
    """Every public attribute that is not a module is in ``__all__`` (also after lazy loads)."""
    for name in legalaid_rules.__all__:
        getattr(legalaid_rules, name)  # a lazily imported name becomes an attribute on first use
    public = {
        name
        for name, value in vars(legalaid_rules).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public <= set(legalaid_rules.__all__), sorted(public - set(legalaid_rules.__all__))


def test_exported_names_are_defined_in_the_package() -> None:
    """Each exported name is the library's own, not a re-export of a third-party object."""
    for name in legalaid_rules.__all__:
        value = getattr(legalaid_rules, name)
        module = getattr(value, "__module__", None)
        if module is not None and not isinstance(value, str):
            assert module.split(".")[0] == "legalaid_rules", (name, module)


def test_public_submodules_import() -> None:
    for name in ("errors", "conditions", "packs", "traces", "caseload"):
        assert importlib.import_module(f"legalaid_rules.{name}").__all__


def test_ships_py_typed() -> None:
    assert importlib.resources.files("legalaid_rules").joinpath("py.typed").is_file()


def test_version_matches_the_installed_metadata() -> None:
    from importlib.metadata import version

    assert legalaid_rules.__version__ == version("legalaid-rules")
