"""libyaml reads packs exactly as the pure-Python reader does: same data, marks and problems.

``packs/yaml_source.py`` scans with libyaml when PyYAML has it and falls back to the
pure-Python reader otherwise (and for every text libyaml does not read cleanly). Each test
reads the same text both ways and compares everything a caller can see.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from legalaid_rules.packs import yaml_source
from legalaid_rules.packs.yaml_source import read_yaml

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p for p in ROOT.rglob("*.yaml") if ".git" not in p.parts and "node_modules" not in p.parts)
ANQING = (ROOT / "rules" / "anhui" / "anqing" / "2023.yaml").read_text(encoding="utf-8")

pytestmark = pytest.mark.skipif(yaml_source._CParser is None, reason="PyYAML built without libyaml")


def both_ways(text: str | bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    fast = _seen(*read_yaml(text, "f.yaml"))
    with monkeypatch.context() as m:
        m.setattr(yaml_source, "_CParser", None)
        slow = _seen(*read_yaml(text, "f.yaml"))
    return fast, slow


def _seen(doc: yaml_source.YamlDocument | None, problems: list[Any]) -> Any:
    if doc is None:
        return None, problems
    marks = doc.marks
    return doc.data, marks.positions, marks.key_positions, marks.styles, problems


def test_the_fast_path_is_taken_for_a_bundled_pack() -> None:
    assert yaml_source._fast_node(ANQING) is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_in_the_repository_reads_the_same_both_ways(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = both_ways(path.read_bytes(), monkeypatch)
    assert fast == slow


SNIPPETS = [
    "a: 1\nb: 1.50\nc: '1.50'\nd: \"x\"\ne: |\n  y\n  z\nf: >\n  p\n  q\n",
    "a: &x [1, 2]\nb: *x\nc: {k: v, 'q': \"w\"}\n",
    "a: 2023-06-01\nb: 2023-02-30\nc: yes\nd: ~\ne: null\nf: 0x1F\ng: 1_000\n",
    "a: .inf\nb: .nan\nc: !!python/object:os.system x\nd: !custom 1\n",
    "a: 1\na: 2\n<<: {b: 1}\n? [1, 2]\n: v\n",
    "a: [\n",
    "a: b: c\n",
    "\t- tab\n",
    "a: '\\u0001'\nb: \"\\ud800\"\n",
    "a: \x07\n",
    "",
    "# only a comment\n",
    "- 1\n- - 2\n  - 3\n",
    "---\na: 1\n---\nb: 2\n",
    "a: &a [*a]\n",
    "[" * 100 + "]" * 100,
    'key: 值\n名称: "中文"\n',
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_edge_cases_read_the_same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both_ways(text, monkeypatch)
    assert fast == slow


def test_mutated_packs_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(10)
    lines = ANQING.splitlines(keepends=True)
    pieces = [
        ":",
        "'",
        '"',
        "- ",
        "  ",
        "#",
        "&a ",
        "*a",
        "{",
        "}",
        "]",
        ",",
        "\t",
        "\ufeff",
        "1.5",
        "!!str ",
        "!",
        "?",
        ">",
    ]
    for _ in range(150):
        mutant = list(lines)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(mutant))
            line = mutant[i]
            j = rng.randrange(len(line) + 1)
            choice = rng.random()
            if choice < 0.4:
                mutant[i] = line[:j] + rng.choice(pieces) + line[j:]
            elif choice < 0.7:
                mutant[i] = line[:j] + line[j + 1 :]
            else:
                mutant.insert(i, mutant[rng.randrange(len(mutant))])
        text = "".join(mutant)
        fast, slow = both_ways(text, monkeypatch)
        assert fast == slow, text
