"""Hostile pack YAML: alias bombs, recursive aliases, deep nesting, wrong encodings, mutants.

Each is refused with a located problem (``file:line:column``) and the hint to fix it; nothing
hangs, nothing raises anything but the library's errors.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import shutil
import tracemalloc
from collections import Counter
from pathlib import Path

import pytest

from legalaid_rules.errors import PackError, PackNotFoundError
from legalaid_rules.packs.registry import Registry
from legalaid_rules.packs.yaml_source import MAX_DEPTH, MAX_EXPANDED, read_yaml

ROOT = Path(__file__).resolve().parents[1]
ANQING = (ROOT / "rules" / "anhui" / "anqing" / "2023.yaml").read_text(encoding="utf-8")
MINI = Path(__file__).parent / "fixtures" / "mini"


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": 9 aliases of 9 aliases ... (9^9 = 387 million values expanded)."""
    names = "abcdefghijklmnop"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in itertools.pairwise(names[:levels]):
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_a_9_to_the_9_alias_bomb_is_refused_before_expansion_with_its_line() -> None:
    text = ANQING + "bomb:\n" + "".join("  " + line + "\n" for line in alias_bomb().splitlines())
    last = text.count("\n")  # the bomb's last line holds the biggest alias
    tracemalloc.start()
    try:
        doc, problems = read_yaml(text, "anqing.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert doc is None
    (problem,) = problems
    assert problem.code == "yaml.alias_bomb"
    assert (problem.location.file, problem.location.line) == ("anqing.yaml", last)
    assert f"more than {MAX_EXPANDED:,} values" in problem.message and "*h" in problem.message
    assert peak < 100 * 2**20  # bytes allocated while reading: the bomb is never expanded


def test_a_few_shared_aliases_are_still_fine() -> None:
    doc, problems = read_yaml("base: &b {x: 1, y: [1, 2]}\nother: *b\nthird: *b\n", "ok.yaml")
    assert problems == [] and doc is not None
    assert doc.data["third"] == {"x": 1, "y": [1, 2]}


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "words"),
    [
        ("a: &a [*a]\n", "yaml.recursive_alias", 1, 8, "inside its own anchor"),
        ("top:\n  a: &a {b: [1, *a]}\n", "yaml.recursive_alias", 2, 17, "`*a`"),
        ("x: " + "[" * 10_000 + "]" * 10_000 + "\n", "yaml.too_deep", 1, MAX_DEPTH + 3, "deep"),
        (
            "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 10_000)),
            "yaml.too_deep",
            MAX_DEPTH,
            2 * MAX_DEPTH - 1,
            f"more than {MAX_DEPTH} levels",
        ),
        ("a: b\x07c\n", "yaml.character", 1, 5, "U+0007"),
        ("a: *nothing\n", "yaml.syntax", 1, 4, "undefined alias"),
    ],
)
def test_recursion_and_depth_are_located_errors_not_recursion_errors(
    text: str, code: str, line: int, column: int, words: str
) -> None:
    doc, problems = read_yaml(text, "p.yaml")
    assert doc is None
    (problem,) = problems
    assert (problem.code, problem.location.line, problem.location.column) == (code, line, column)
    assert words in problem.message


@pytest.mark.parametrize("word", ["yes", "No", "ON", "off"])
def test_yes_no_on_off_are_refused_where_readers_disagree(word: str) -> None:
    """YAML 1.1 (PyYAML) reads `yes` as true; YAML 1.2 (editors, the published schema) as text.
    A policy officer's `verified: yes` must not mean one thing here and another in the editor."""
    doc, problems = read_yaml(f"verified: {word}\nquoted: '{word}'\nplain: true\n", "p.yaml")
    assert [(p.code, p.location.line, p.location.column) for p in problems] == [("yaml.bool", 1, 11)]
    assert problems[0].hint is not None and "`true`" in problems[0].hint
    assert doc is not None and doc.data["quoted"] == word and doc.data["plain"] is True


@pytest.mark.parametrize(
    ("raw", "line", "column", "words"),
    [
        ("title: 法律援助\n".encode("gbk"), 1, 8, "GBK"),
        ("a: 1\ntitle: 安庆市\n".encode("gb18030"), 2, 8, "GBK"),
        ("title: 法律援助\n".encode("utf-16"), 1, 1, "UTF-16"),
        ("title: x\n".encode("utf-16-le"), 1, 2, "UTF-16"),
        (b"a: 1\nb: x\x00y\n", 2, 5, "NUL byte"),
        (b"a: 1\nb: \xff\xfe\xfd\n", 2, 4, "not UTF-8"),
    ],
)
def test_files_not_in_utf8_name_the_line_and_say_save_as_utf8(
    raw: bytes, line: int, column: int, words: str
) -> None:
    doc, problems = read_yaml(raw, "p.yaml")
    assert doc is None
    (problem,) = problems
    assert problem.code == "yaml.encoding"
    assert (problem.location.line, problem.location.column) == (line, column)
    assert words in problem.message and problem.hint and "UTF-8" in problem.hint


def test_a_utf8_bom_is_accepted() -> None:
    doc, problems = read_yaml("\ufefftitle: 法律援助\n".encode(), "p.yaml")
    assert problems == [] and doc is not None and doc.data == {"title": "法律援助"}


@pytest.fixture(scope="module")
def mini_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rules")
    shutil.copytree(MINI, root, dirs_exist_ok=True)
    return root


def test_a_pack_saved_as_gbk_fails_to_load_with_its_line(mini_root: Path) -> None:
    target = mini_root / "prov" / "2022.yaml"
    original = target.read_bytes()
    try:
        target.write_bytes(original.decode("utf-8").encode("gbk"))
        with pytest.raises(PackError) as info:
            Registry(mini_root).load("prov", dt.date(2022, 6, 1))
        (problem,) = info.value.problems
        assert problem.code == "yaml.encoding" and problem.location.line == 4  # title: 某省规则
        assert str(problem).startswith(f"{problem.location.file}:4:")
    finally:
        target.write_bytes(original)


_HOSTILE = [
    alias_bomb(),
    "x: &r [*r]\n",
    "deep: " + "[" * 5000 + "]" * 5000 + "\n",
    "n: " + "9" * 5000 + "\n",
    "n: 1e999999999\n",
    "n: !!python/object/apply:os.system ['echo hi']\n",
    "n: !!binary aGk=\n",
    "<<: {a: 1}\n",
    "? [a, b]\n: c\n",
    "t: 2023-02-30\n",
    "t: .nan\n",
    "\t- tab\n",
    "a: 'unterminated\n",
    "a: &x 1\nb: &x 2\n",
]
_CHARS = [*":-[]{}&*!|>'\"#%@`,? \t\n\x00\x07\ufeff0123456789.eE+", "法", "１", "\ud800"]


def _mutant(text: str, rnd: random.Random) -> bytes:
    """One to three random edits of a pack's text, then (sometimes) a wrong encoding."""
    lines = text.splitlines(keepends=True)
    for _ in range(rnd.randint(1, 3)):
        kind = rnd.choice(["char", "delete", "dup", "swap", "indent", "hostile", "value"])
        at = rnd.randrange(len(lines))
        if kind == "char":
            col = rnd.randrange(len(lines[at]) + 1)
            lines[at] = lines[at][:col] + rnd.choice(_CHARS) + lines[at][col:]
        elif kind == "delete":
            col = rnd.randrange(len(lines[at]) + 1)
            lines[at] = lines[at][:col] + lines[at][col + rnd.randint(1, 5) :]
        elif kind == "dup":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = rnd.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "indent":
            lines[at] = " " * rnd.randint(0, 6) + lines[at].lstrip(" ")
        elif kind == "hostile":
            indent = " " * (len(lines[at]) - len(lines[at].lstrip(" ")))
            lines.insert(at, "".join(indent + h + "\n" for h in rnd.choice(_HOSTILE).splitlines()))
        else:
            head, sep, _ = lines[at].partition(": ")
            if sep:
                value = rnd.choice(["null", "-800.00", "1e48", "~", "[]", "{}", "*a", "yes", "１５００"])
                lines[at] = f"{head}{sep}{value}\n"
    out = "".join(lines)
    encoding = rnd.choice(["utf-8"] * 8 + ["gbk", "utf-16"])
    return out.encode(encoding, errors="surrogatepass" if encoding == "utf-8" else "replace")


def test_1000_mutated_packs_each_load_or_fail_with_located_problems(mini_root: Path) -> None:
    """Derandomised: mutant i uses seed i; every one loads or is refused with file:line:column."""
    target = mini_root / "prov" / "2022.yaml"
    original = target.read_text(encoding="utf-8")
    outcomes: Counter[str] = Counter()
    try:
        for seed in range(1000):
            target.write_bytes(_mutant(original, random.Random(seed)))
            try:
                Registry(mini_root).load("prov", dt.date(2022, 6, 1))
            except PackError as exc:
                outcomes["refused"] += 1
                unlocated = [str(p) for p in exc.problems if not (p.location.file and p.location.line)]
                assert not unlocated, (seed, unlocated)
                outcomes.update(p.code for p in exc.problems)
            except PackNotFoundError:  # the mutant changed the id or the dates: nothing to locate
                outcomes["not_found"] += 1
            else:
                outcomes["loaded"] += 1
    finally:
        target.write_text(original, encoding="utf-8")
    assert outcomes["refused"] + outcomes["not_found"] + outcomes["loaded"] == 1000
    for code in ("yaml.alias_bomb", "yaml.recursive_alias", "yaml.too_deep", "yaml.encoding", "yaml.syntax"):
        assert outcomes[code] > 0, code  # the mutants reach every guard
    assert outcomes["loaded"] > 20  # and some harmless mutants still load
