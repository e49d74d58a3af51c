"""`check --strict` beyond unverified entries (issue 11 item 19): stale periods, uncited sources,
content changed without a new version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from legalaid_rules import Registry
from legalaid_rules.packs.strict import (
    RELEASES_FILE,
    changed_without_version,
    open_after_revision,
    record_releases,
    uncited_sources,
    unverified,
)

RULES = Path(__file__).resolve().parents[1] / "rules"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_packs_have_only_unverified_entries_left() -> None:
    codes = {p.code for p in unverified(Registry(RULES))}
    entries = {"source", "parameter", "value", "matter", "group", "rule", "target", "program", "route"}
    assert codes and codes <= {f"strict.{e}" for e in entries}
    assert not open_after_revision(Registry(RULES))
    assert not uncited_sources(Registry(RULES))
    assert not changed_without_version(Registry(RULES))


def test_an_open_ended_version_citing_a_revised_regulation_is_reported(rules: Path) -> None:
    _edit(rules / "shanxi" / "2022.yaml", "  to: 2024-12-31\n", "")
    (problem,) = open_after_revision(Registry(rules))
    assert problem.code == "strict.open_after_revision"
    assert "open-ended" in problem.message and "2025-01-01" in problem.message
    assert "2024-12-31" in (problem.hint or "")
    assert problem.location.file is not None and problem.location.file.endswith("shanxi/2022.yaml")


def test_a_version_running_past_the_revision_is_reported(rules: Path) -> None:
    _edit(rules / "anhui" / "2022.yaml", "  to: 2025-06-30\n", "  to: 2025-07-01\n")
    problems = open_after_revision(Registry(rules))
    assert [p.code for p in problems] == ["strict.open_after_revision"]
    assert "to 2025-07-01" in problems[0].message


def test_a_source_nothing_cites_is_reported(rules: Path) -> None:
    _edit(
        rules / "anhui" / "anqing" / "2023.yaml",
        "sources:\n",
        "sources:\n  orphan:\n    title: 无人引用的文件\n    kind: plan\n",
    )
    (problem,) = uncited_sources(Registry(rules))
    assert problem.code == "check.unused_source" and "`orphan`" in problem.message
    assert problem.location.line is not None


def test_a_source_cited_only_by_a_reassessment_ground_counts_as_cited(rules: Path) -> None:
    registry = Registry(rules)
    assert not uncited_sources(registry)
    (rules / "national" / "2022.reassessment.yml").unlink()
    # `lal` is still cited by rules; the grounds file only adds citations
    assert not uncited_sources(Registry(rules))


def test_content_changed_without_a_new_version_is_reported(rules: Path) -> None:
    _edit(rules / "anhui" / "anqing" / "2023.yaml", "value: 780.00", "value: 781.00")
    (problem,) = changed_without_version(Registry(rules))
    assert problem.code == "strict.changed_without_version" and "`anhui/anqing` 2023.1" in problem.message


def test_comments_and_layout_are_not_content(rules: Path) -> None:
    path = rules / "anhui" / "anqing" / "2023.yaml"
    path.write_text("# a comment added by an editor\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert not changed_without_version(Registry(rules))


def test_a_changed_reassessment_ground_is_a_content_change(rules: Path) -> None:
    _edit(rules / "national" / "2022.reassessment.yml", "    on: fraud\n", "    on: concealment\n")
    (problem,) = changed_without_version(Registry(rules))
    assert "`national` 2022.1" in problem.message


def test_a_new_version_is_recorded_once_and_never_overwritten(rules: Path) -> None:
    pack = rules / "anhui" / "anqing" / "2023.yaml"
    _edit(pack, 'version: "2023.1"', 'version: "2023.2"')
    (problem,) = changed_without_version(Registry(rules))
    assert problem.code == "strict.unrecorded_version"
    assert record_releases(Registry(rules)) == ["anhui/anqing@2023.2"]
    assert not changed_without_version(Registry(rules))
    before = (rules / RELEASES_FILE).read_text(encoding="utf-8")
    _edit(pack, "value: 780.00", "value: 781.00")
    assert record_releases(Registry(rules)) == []
    assert (rules / RELEASES_FILE).read_text(encoding="utf-8") == before
    assert [p.code for p in changed_without_version(Registry(rules))] == ["strict.changed_without_version"]


def test_a_root_without_releases_skips_the_release_and_revision_checks(rules: Path) -> None:
    (rules / RELEASES_FILE).unlink()
    _edit(rules / "shanxi" / "2022.yaml", "  to: 2024-12-31\n", "")
    assert not changed_without_version(Registry(rules))
    assert not open_after_revision(Registry(rules))
