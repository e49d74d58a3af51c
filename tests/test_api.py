"""The public API: exported names, typing marker, version."""

from __future__ import annotations

import importlib.resources

import legalaid_rules


def test_all_is_sorted_and_complete() -> None:
    public = {n for n in dir(legalaid_rules) if not n.startswith("_") and n[0].isupper()}
    assert legalaid_rules.__all__ == sorted(legalaid_rules.__all__)
    assert public <= set(legalaid_rules.__all__), public - set(legalaid_rules.__all__)
    for name in legalaid_rules.__all__:
        assert hasattr(legalaid_rules, name), name


def test_ships_py_typed() -> None:
    assert importlib.resources.files("legalaid_rules").joinpath("py.typed").is_file()


def test_version_matches_the_installed_metadata() -> None:
    from importlib.metadata import version

    assert legalaid_rules.__version__ == version("legalaid-rules")
