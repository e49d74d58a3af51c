"""The Chinese pack-format guide (primary for staff) and the English one stay in step."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
EN = (DOCS / "pack-format.md").read_text(encoding="utf-8")
ZH = (DOCS / "zh" / "pack-format.md").read_text(encoding="utf-8")


def test_the_two_versions_link_to_each_other() -> None:
    assert "](zh/pack-format.md)" in EN
    assert "](../pack-format.md)" in ZH


def test_the_two_versions_have_the_same_sections_and_examples() -> None:
    numbered = re.compile(r"^## (\d+)\. ", re.MULTILINE)
    assert numbered.findall(EN) == numbered.findall(ZH)
    assert len(re.findall(r"^### ", EN, re.MULTILINE)) == len(re.findall(r"^### ", ZH, re.MULTILINE))
    # every YAML key shown to staff in one version is shown in the other
    keys = re.compile(r"^\s*-?\s*([a-z_]+):", re.MULTILINE)

    def shown(text: str) -> set[str]:
        blocks = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
        return {k for b in blocks for k in keys.findall(b)}

    assert shown(EN) == shown(ZH)


def test_relative_links_of_the_chinese_version_resolve() -> None:
    for target in re.findall(r"\]\((?!https?:)([^)#]+)", ZH):
        assert (DOCS / "zh" / target).resolve().exists(), target
